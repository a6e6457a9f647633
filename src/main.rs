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
enum NewsletterCommand {
    /// Write content/newsletter/<today>.md, listing the articles published since the last issue
    New {
        /// List the articles published since this date (YYYY-MM-DD) instead
        #[arg(long)]
        since: Option<String>,
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The site folder to import into: an existing huddle site, or a new
    /// (or empty) folder where huddle makes one
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Print the report and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Map categories and tags as this file says (the import-map.toml an
    /// import wrote, edited)
    #[arg(long)]
    map: Option<PathBuf>,
    /// Replace files that already exist (to run the same import again)
    #[arg(long)]
    force: bool,
    /// Fetch pictures missing from the folder from the old site (30 s
    /// timeout, 25 MB per file)
    #[arg(long)]
    download: bool,
    /// The old site's address, e.g. https://coach.example.com (Ghost exports
    /// do not say it; WordPress exports do)
    #[arg(long)]
    url: Option<String>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A WordPress export (Tools → Export → All content: a .xml file)
    Wordpress {
        /// The export file
        export: PathBuf,
        /// The old site's wp-content/uploads folder, for the pictures
        #[arg(long)]
        uploads: Option<PathBuf>,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// A Ghost export (Settings → Labs → Export your content: a .json file)
    Ghost {
        /// The export file
        export: PathBuf,
        /// The old site's content/images folder, for the pictures
        #[arg(long)]
        images: Option<PathBuf>,
        #[command(flatten)]
        args: ImportArgs,
    },
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
        /// Publish scheduled articles (dated later than now) too
        #[arg(long)]
        future: bool,
    },
    /// Check everything `build` checks, without writing anything; lists what is scheduled
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Check scheduled articles as if they were published
        #[arg(long)]
        future: bool,
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
    /// Newsletter issues: `huddle newsletter new` writes the next one
    Newsletter {
        #[command(subcommand)]
        action: NewsletterCommand,
    },
    /// Move a blog in: posts, pages, pictures, tags and old addresses
    Import {
        #[command(subcommand)]
        from: ImportCommand,
    },
    /// Create a new site in DIR that builds at once
    Init {
        /// The folder to create
        dir: PathBuf,
        /// When the deploy workflow builds every day (HH:MM, UTC), so
        /// scheduled articles go out on their day
        #[arg(long, default_value = "06:00")]
        daily_at: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let styled = std::io::stderr().is_terminal();
    let now = match fixed_now() {
        Ok(now) => now,
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::from(2);
        }
    };
    let today = today(now);
    let result = match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            future,
        } => {
            let opts = BuildOptions {
                root: site.root,
                output,
                base_url,
                drafts: site.drafts,
                future,
                now,
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
                if r.search_index_kept {
                    images.push_str("; search index unchanged, kept");
                }
                eprintln!(
                    "built {} pages into {} in {} ms ({} files written, {} unchanged, {} removed{images})",
                    r.pages, opts.output_dir().display(), started.elapsed().as_millis(),
                    r.write.written, r.write.unchanged, r.write.removed
                );
                print_scheduled(&r.scheduled, future);
                print_emails(&r.emails);
            })
        }
        Command::Check { site, future } => {
            let opts = BuildOptions {
                root: site.root,
                output: None,
                base_url: None,
                drafts: site.drafts,
                future,
                now,
                dev_server: false,
            };
            huddle::check(&opts).map(|r| {
                print_all(&r.warnings, styled);
                eprintln!("no errors found ({} warnings)", r.warnings.len());
                print_scheduled(&r.scheduled, future);
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
                now,
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
        Command::Newsletter {
            action: NewsletterCommand::New { since, root },
        } => {
            let now = now.unwrap_or_else(jiff::Timestamp::now);
            scaffold::new_issue(&root, since.as_deref(), now).map(|issue| {
                eprintln!("created {}", issue.path.display());
                let n = issue.articles.len();
                let when = match &issue.since {
                    Some(d) => format!("published since {d}"),
                    None => "the newest, for a first issue".into(),
                };
                eprintln!(
                    "it lists {n} article{} ({when}):",
                    if n == 1 { "" } else { "s" }
                );
                for (title, file) in &issue.articles {
                    eprintln!("  {title}  (content/{file})");
                }
                eprintln!("write its subject and intro, then huddle build makes its web version and email files");
            })
        }
        Command::Import { from } => {
            let (platform, export, media, args) = match from {
                ImportCommand::Wordpress { export, uploads, args } => {
                    (huddle::import::Platform::WordPress, export, uploads, args)
                }
                ImportCommand::Ghost { export, images, args } => {
                    (huddle::import::Platform::Ghost, export, images, args)
                }
            };
            let opts = huddle::import::ImportOptions {
                platform,
                export,
                media,
                root: args.root,
                dry_run: args.dry_run,
                map: args.map,
                force: args.force,
                download: args.download,
                url: args.url,
                now: now.unwrap_or_else(jiff::Timestamp::now),
            };
            huddle::import::run(&opts).map(|done| {
                if opts.dry_run {
                    println!("{}", done.report);
                }
                for line in &done.summary {
                    eprintln!("{line}");
                }
            })
        }
        Command::Init { dir, daily_at } => scaffold::daily_at(&daily_at)
            .map_err(|d| vec![d])
            .and_then(|daily| scaffold::init_site(&dir, &today, daily))
            .map(|()| {
                eprintln!(
                    "created a new site in {}; build it with: cd {} && huddle build",
                    dir.display(),
                    dir.display()
                );
                eprintln!(
                    "to publish it: .github/workflows/deploy.yml (GitHub Pages, also built daily at {daily_at} UTC) and netlify.toml are ready; each says in its comments how to switch it on"
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

/// Today's date, by this machine's clock and time zone (or `HUDDLE_NOW`).
fn today(now: Option<jiff::Timestamp>) -> String {
    let now = now.unwrap_or_else(jiff::Timestamp::now);
    now.to_zoned_datetime(jiff::tz::TimeZone::system())
        .date()
        .to_string()
}

/// `HUDDLE_NOW=2026-12-08T06:00:00Z` fixes the moment builds publish at, for
/// tests of schedules (documented in the README; not meant for sites).
fn fixed_now() -> Result<Option<jiff::Timestamp>, String> {
    match std::env::var("HUDDLE_NOW") {
        Ok(v) if !v.is_empty() => v.parse().map(Some).map_err(|e| {
            format!(
                "HUDDLE_NOW=\"{v}\" is not an RFC 3339 moment such as 2026-12-08T06:00:00Z ({e})"
            )
        }),
        _ => Ok(None),
    }
}

/// The newsletter issues' email files, one issue a line, newest first: the
/// coach pastes or uploads one into the mailing-list service.
fn print_emails(emails: &[String]) {
    if emails.is_empty() {
        return;
    }
    eprintln!("newsletter emails (paste or upload one into your mailing-list service):");
    for issue in emails.chunks(3) {
        eprintln!("  {}", issue.join("  "));
    }
}

/// What is scheduled, soonest first.
fn print_scheduled(scheduled: &[huddle::Scheduled], published: bool) {
    if scheduled.is_empty() {
        return;
    }
    let n = scheduled.len();
    let what = if published {
        "published early with --future"
    } else {
        "not published yet"
    };
    eprintln!(
        "{n} scheduled article{} ({what}):",
        if n == 1 { "" } else { "s" }
    );
    for s in scheduled {
        eprintln!("  {}  {}  ({})", s.when, s.title, s.file);
    }
}
