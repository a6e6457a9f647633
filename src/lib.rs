//! huddle: a static-site generator for coaching material.
//!
//! The map is in ARCHITECTURE.md at the repository root. In short, a build
//! is a straight line of stages, each a module, called in order by
//! `pipeline::run`:
//!
//! 1. [`config`]   site.toml → `Config` (and the [`vocab`]ulary it defines)
//! 2. [`load`]     content/, templates, static files → paths and bytes
//! 3. [`front`]    each source → validated front matter (`PageMeta`) + body
//! 4. [`graph`]    URLs for every page and asset (the link map), then each
//!    body → HTML with [`markdown`] (in parallel)
//! 5. [`graph`]    link and anchor checks, ordering → `SiteGraph`
//! 6. [`taxonomy`] term index, [`related`] articles, backlinks → `CrossLinks`
//! 7. [`render`]   `SiteGraph` + theme → `Vec<OutputFile>` (Tera, with the
//!    template data of [`views`] and [`feeds`]; pure)
//! 8. [`output`]   the only writer; runs only when every stage before succeeded
//!
//! Every stage returns all the problems it found as [`Diagnostic`]s, so one run
//! reports every error of the site. [`scaffold`] holds `huddle new` and `huddle init`;
//! [`serve`] serves the site from memory, and its incremental layer
//! (`serve::incremental`) re-runs the same stage functions on what a save changed.

// Diagnostics travel only on the error path, once per problem; boxing them
// would make every stage's code noisier for no measurable gain.
#![allow(clippy::result_large_err)]

mod config;
pub mod diagnostic;
mod feeds;
mod front;
mod graph;
mod html_urls;
mod images;
pub mod import;
mod load;
mod markdown;
mod newsletter;
mod outlinks;
mod output;
mod paths;
mod pipeline;
mod related;
mod render;
pub mod scaffold;
mod search;
pub mod serve;
mod strings;
mod taxonomy;
mod views;
mod vocab;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Origin, Severity};
pub use graph::OutputPath;
pub use images::EncodeReport as ImagesReport;
pub use output::WriteReport;
pub use render::{OutputContent, OutputFile};

/// What `huddle build` and `huddle check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `--future`: publish scheduled articles (dated after `now`) too.
    pub future: bool,
    /// The moment the build publishes at; `None` is the clock. Set for tests
    /// (the `huddle` command reads `HUDDLE_NOW`), so schedules can be checked.
    pub now: Option<jiff::Timestamp>,
    /// Set by `huddle serve`: the stub newsletter form posts to serve's local
    /// endpoint, and CSS/JS keep their plain names (no content hash), so a CSS
    /// edit changes only the stylesheet and is swapped in without a reload.
    pub dev_server: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            future: false,
            now: None,
            dev_server: false,
        }
    }

    /// The moment this build publishes at.
    pub fn now(&self) -> jiff::Timestamp {
        self.now.unwrap_or_else(jiff::Timestamp::now)
    }

    /// The same options with the root resolved (see `load::resolve_site_root`)
    /// and a relative `--output` made absolute from the current folder.
    pub fn resolved(&self) -> Result<BuildOptions, Vec<Diagnostic>> {
        let root = load::resolve_site_root(&self.root).map_err(|d| vec![d])?;
        let output = match &self.output {
            Some(out) => Some(std::path::absolute(out).map_err(|e| {
                vec![
                    Diagnostic::file_error(
                        out.display().to_string(),
                        format!("cannot use this output folder: {e}"),
                    )
                    .with_help("pass another folder with --output DIR"),
                ]
            })?),
            None => None,
        };
        Ok(BuildOptions {
            root,
            output,
            ..self.clone()
        })
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site rendered in memory, ready to write.
pub struct RenderedSite {
    /// Every file of the site for a build; for a `serve::Session` rebuild,
    /// the files it rendered (and the files to copy).
    pub files: Vec<render::OutputFile>,
    /// Every path of the site.
    pub all_paths: Vec<graph::OutputPath>,
    pub pages: usize,
    /// How many templates were rendered.
    pub rendered: usize,
    pub warnings: Vec<Diagnostic>,
    /// How many pictures were encoded, and how many came from the cache.
    pub images: ImagesReport,
    /// The articles dated after the build's `now`, soonest first (left out
    /// unless `future` or serve).
    pub scheduled: Vec<Scheduled>,
    /// Each newsletter issue's email files (output paths), newest issue first.
    pub emails: Vec<String>,
    /// The search index's files and what they were made from, if it was made
    /// (or kept).
    pub search_index: Option<SearchIndexMade>,
}

/// The search index of a build: its manifest, and whether it was kept from
/// the last build into the same folder (its records had not changed).
#[derive(Debug, Clone)]
pub struct SearchIndexMade {
    pub manifest: search::IndexManifest,
    pub kept: bool,
}

pub use front::Scheduled;

/// The outcome of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub write: output::WriteReport,
    pub warnings: Vec<Diagnostic>,
    pub images: ImagesReport,
    pub scheduled: Vec<Scheduled>,
    /// Each newsletter issue's email files, as paths in the output folder.
    pub emails: Vec<String>,
    /// Whether the search index was kept as the last build wrote it (no
    /// record changed), not made again. False without search.
    pub search_index_kept: bool,
}

/// The outcome of a successful check.
#[derive(Debug)]
pub struct CheckReport {
    pub warnings: Vec<Diagnostic>,
    pub scheduled: Vec<Scheduled>,
}

/// Runs every stage but the writer: everything `huddle check` validates.
/// On failure, the list holds every error found (and the warnings). The
/// search index is built unless `dev_server` is set (serve indexes in the
/// background).
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite, Vec<Diagnostic>> {
    let opts = &opts.resolved()?;
    let index = if opts.dev_server {
        pipeline::Index::No
    } else {
        pipeline::Index::Fresh
    };
    pipeline::run(opts, index)
}

/// With `HUDDLE_TIMINGS=1`, prints how long each stage took (for the benchmark).
pub(crate) struct StageTimer {
    last: Option<std::time::Instant>,
}

impl StageTimer {
    pub(crate) fn from_env() -> Self {
        let on = std::env::var_os("HUDDLE_TIMINGS").is_some_and(|v| v != "0");
        StageTimer {
            last: on.then(std::time::Instant::now),
        }
    }

    pub(crate) fn mark(&mut self, stage: &str) {
        if let Some(last) = self.last {
            eprintln!(
                "timing: {stage:<20} {:>7.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            self.last = Some(std::time::Instant::now());
        }
    }
}

pub(crate) fn duplicate_output(path: &str) -> Diagnostic {
    Diagnostic::file_error(
        format!("static/{path}"),
        format!(
            "two files would be written to /{path} (a static file and a page, or two static files)"
        ),
    )
    .with_help("rename the static file or the page")
}

pub(crate) fn first_duplicate(paths: &[graph::OutputPath]) -> Option<String> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(paths.len());
    paths
        .iter()
        .find(|p| !seen.insert(p.as_str()))
        .map(|p| p.as_str().to_string())
}

/// `huddle build`: renders the whole site, then (only if there were no errors) writes it.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let opts = &opts.resolved()?;
    let out = opts.output_dir();
    let shown = display_output(&opts.root, &out);
    // Fail before the work if the folder is not ours, and again at write time.
    output::check_output_folder(&out, &shown).map_err(|d| vec![d])?;
    let index = if opts.dev_server {
        pipeline::Index::No
    } else {
        pipeline::Index::Into(&out)
    };
    let site = pipeline::run(opts, index)?;
    // The manifest goes while the folder changes, and comes back once the
    // files it lists are there.
    search::forget_manifest(&opts.root, &out);
    let write = output::write_output(&out, &shown, &site.files)?;
    if let Some(index) = &site.search_index {
        search::save_manifest(&opts.root, &out, &index.manifest);
    }
    Ok(BuildReport {
        pages: site.pages,
        write,
        warnings: site.warnings,
        images: site.images,
        scheduled: site.scheduled,
        emails: site.emails,
        search_index_kept: site.search_index.is_some_and(|i| i.kept),
    })
}

/// `huddle check`: everything `build` validates; writes nothing. Returns the
/// warnings and what is scheduled.
pub fn check(opts: &BuildOptions) -> Result<CheckReport, Vec<Diagnostic>> {
    let opts = &opts.resolved()?;
    pipeline::run(opts, pipeline::Index::No).map(|s| CheckReport {
        warnings: s.warnings,
        scheduled: s.scheduled,
    })
}

fn display_output(root: &Path, out: &Path) -> String {
    load::display_path(root, out)
}
