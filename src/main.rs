//! The `huddle` command: parses arguments and calls the library. Nothing else.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use huddle::{BuildOptions, Diagnostic, scaffold};

// mimalloc returns freed pages to the OS sooner than glibc with several
// threads: the 10,000-article benchmark peaks about 80 MiB lower with it (546 -> 460 MiB, `huddle check`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "huddle",
    version,
    about = "A static-site generator for coaching material"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// The site folder (with site.toml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Build draft pages too
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder, for deployment
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (default: public/ inside the root)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from site.toml (e.g. for a preview deploy)
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check everything `build` checks, without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Serve the site on loopback; with --watch, rebuild and reload on every save
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Rebuild when a file changes and reload the browser
        #[arg(long)]
        watch: bool,
        /// The port to listen on (0: any free port)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; the default serves this machine only
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default web browser once it is served
        #[arg(long)]
        open: bool,
    },
    /// Create a new article at content/articles/<slug>.md
    New {
        /// The article's title
        title: String,
        /// Interdependence level: pooled, sequential or reciprocal (or 1, 2, 3)
        #[arg(long)]
        level: Option<String>,
        /// An attitude (repeat for several)
        #[arg(long = "attitude")]
        attitudes: Vec<String>,
        /// A practice (repeat for several)
        #[arg(long = "practice")]
        practices: Vec<String>,
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site in DIR that builds at once
    Init {
        /// The folder to create
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let styled = std::io::stderr().is_terminal();
    let today = today();
    let result = match cli.command {
        Command::Build {
            site,
            output,
            base_url,
        } => {
            let opts = BuildOptions {
                root: site.root,
                output,
                base_url,
                drafts: site.drafts,
                dev_server: false,
            };
            let started = std::time::Instant::now();
            huddle::build(&opts).map(|r| {
                print_all(&r.warnings, styled);
                let i = r.images;
                let mut images = String::new();
                if i.encoded + i.cached > 0 {
                    images = format!("; pictures: {} encoded, {} from the cache", i.encoded, i.cached);
                }
                if i.cards > 0 {
                    images.push_str(&format!("; {} share card{} drawn", i.cards, if i.cards == 1 { "" } else { "s" }));
                }
                eprintln!(
                    "built {} pages into {} in {} ms ({} files written, {} unchanged, {} removed{images})",
                    r.pages, opts.output_dir().display(), started.elapsed().as_millis(),
                    r.write.written, r.write.unchanged, r.write.removed
                );
            })
        }
        Command::Check { site } => {
            let opts = BuildOptions {
                root: site.root,
                output: None,
                base_url: None,
                drafts: site.drafts,
                dev_server: false,
            };
            huddle::check(&opts).map(|warnings| {
                print_all(&warnings, styled);
                eprintln!("no errors found ({} warnings)", warnings.len());
            })
        }
        Command::Serve {
            site,
            watch,
            port,
            bind,
            open,
        } => {
            let opts = huddle::serve::ServeOptions {
                root: site.root,
                bind,
                port,
                watch,
                drafts: site.drafts,
                open,
            };
            huddle::serve::run(opts)
        }
        Command::New {
            title,
            level,
            attitudes,
            practices,
            root,
        } => {
            let article = scaffold::NewArticle {
                title,
                level,
                attitudes,
                practices,
            };
            scaffold::new_article(&root, &article, &today)
                .map(|p| eprintln!("created {}", p.display()))
        }
        Command::Init { dir } => scaffold::init_site(&dir, &today).map(|()| {
            eprintln!(
                "created a new site in {}; build it with: cd {} && huddle build",
                dir.display(),
                dir.display()
            )
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            print_all(&problems, styled);
            let errors = problems.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: {errors} problem{} found; nothing was written",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

fn print_all(diagnostics: &[Diagnostic], styled: bool) {
    for d in diagnostics {
        eprintln!("{}\n", d.render(styled));
    }
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}
