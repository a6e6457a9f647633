//! huddle: a static-site generator for coaching material.
//!
//! A build is a straight line of stages, each a module:
//!
//! 1. [`config`]   site.toml → `Config`
//! 2. [`load`]     content/, templates, static files → paths and bytes
//! 3. [`front`]    each source → validated front matter (`PageMeta`) + body
//! 4. [`vocab`]    tag values → typed levels, attitudes, practices (used by `front`)
//! 5. [`graph`]    URLs for every page and asset (the link map)
//! 6. [`markdown`] each body → HTML, headings, summary, links (in parallel)
//! 7. [`graph`]    link and anchor checks, ordering → `SiteGraph`
//! 8. [`taxonomy`] term index, [`related`] articles, backlinks → `CrossLinks`
//! 9. [`render`]   `SiteGraph` + theme → `Vec<OutputFile>` (Tera, with the
//!    template data of [`views`]; pure)
//! 10. [`output`]  the only writer; runs only when every stage before succeeded
//!
//! Every stage returns all the problems it found as [`Diagnostic`]s, so one run
//! reports every error of the site. [`scaffold`] holds `huddle new` and `huddle init`;
//! [`serve`] (with [`watch`]) runs the same stages in memory for `huddle serve`,
//! through a [`session::Session`] that keeps what each rebuild can reuse and
//! renders only the output files whose [`stamps`] changed.

// Diagnostics travel only on the error path, once per problem; boxing them
// would make every stage's code noisier for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod checklist;
pub mod config;
pub mod diagnostic;
pub mod feeds;
pub mod front;
pub mod graph;
pub mod load;
pub mod markdown;
pub mod newsletter;
pub mod output;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod stamps;
pub mod taxonomy;
pub mod views;
pub mod vocab;
pub mod watch;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use diagnostic::{Diagnostic, Severity};

/// What `huddle build` and `huddle check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
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
            dev_server: false,
        }
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
    /// Every file of the site for a build; for a `session::Session` rebuild,
    /// the files it rendered (and the files to copy).
    pub files: Vec<render::OutputFile>,
    /// Every path of the site.
    pub all_paths: Vec<graph::OutputPath>,
    pub pages: usize,
    /// How many templates were rendered.
    pub rendered: usize,
    pub warnings: Vec<Diagnostic>,
    /// Under `huddle serve` (with search on): the pages to index, which serve
    /// indexes in the background so that no rebuild waits for the index.
    pub search: Option<search::SearchBatch>,
}

/// What a run does about the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchWork {
    /// `huddle build`: index, and write the index's files with the site.
    Index,
    /// `huddle serve`: hand the records back; serve indexes them in the background.
    Records,
    /// `huddle check`.
    Skip,
}

/// The outcome of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub write: output::WriteReport,
    pub warnings: Vec<Diagnostic>,
}

/// Runs every stage but the writer: everything `huddle check` validates.
/// On failure, the list holds every error found (and the warnings).
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite, Vec<Diagnostic>> {
    let opts = &opts.resolved()?;
    let work = if opts.dev_server {
        SearchWork::Records
    } else {
        SearchWork::Index
    };
    run_pipeline(
        opts,
        work,
        &mut session::Cache::default(),
        &session::Changes::Everything,
        None,
    )
}

/// The pipeline. With `cache` enabled (a `session::Session`), it reuses what
/// `changes` left valid and renders only what changed.
pub(crate) fn run_pipeline(
    opts: &BuildOptions,
    search_work: SearchWork,
    cache: &mut session::Cache,
    changes: &session::Changes,
    first_phase: Option<&mut dyn FnMut(Vec<render::OutputFile>)>,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    let root = &opts.root;
    let mut timer = StageTimer::from_env();
    let mut config = config::load_config(root, opts.base_url.as_deref())?;
    config.dev_server = opts.dev_server;
    let settings = stamps::stamp_of(&format!("{config:?} {}", opts.drafts));
    let mut changes = changes;
    if cache.settings != Some(settings) {
        cache.reset();
        cache.settings = Some(settings);
        changes = &session::Changes::Everything;
    }
    // Until this run succeeds, the last render is not what is served.
    cache.last_ok = false;
    let vocab = vocab::Vocabulary::from_config(&config.vocabulary);
    let mut problems: Vec<Diagnostic> = Vec::new();

    let theme_changed = changes.touches(root, &["templates", "themes"]);
    // Until a run succeeds, a reason to render everything stays: a failed run
    // may have compiled the new templates already.
    cache.render_all |= theme_changed || matches!(changes, session::Changes::Everything);
    let cached_templates = if theme_changed {
        None
    } else {
        cache.templates.take()
    };
    let templates = match &cached_templates {
        Some(_) => Ok(Vec::new()),
        None => load::load_templates(root, &config.theme),
    };
    let content = session::load_content(root, &vocab, opts.drafts, cache, changes);
    problems.extend(content.problems);
    let mut sources = content.sources;
    // The same order however the files were found (it shows in the sitemap).
    sources.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let unparsed = content.unparsed;

    timer.mark("front matter");
    let (placement, same_urls) = session::assign_urls(cache, sources, content.assets, &config);
    let graph::Placement {
        mut pages,
        assets,
        urls,
        errors: mut url_errors,
    } = placement;
    problems.append(&mut url_errors);
    timer.mark("urls");
    // Only `huddle build` indexes here: an author's save never waits for search.
    let searching = config.search.enabled && search_work != SearchWork::Skip;
    let text_words = if searching {
        search::words_to_collect(&config.search)
    } else {
        0
    };
    // Bodies still right for their source and links are reused (serve).
    let kept: Vec<Option<Arc<markdown::RenderedBody>>> = pages
        .iter()
        .map(|page| {
            cache
                .bodies
                .get(page.source.rel_path.as_str())
                .filter(|c| c.fits(&page.source, &urls, same_urls))
                .map(|c| Arc::clone(&c.body))
        })
        .collect();
    pages
        .par_iter_mut()
        .zip(kept.par_iter())
        .for_each(|(page, kept)| {
            page.body = match kept {
                Some(body) => Arc::clone(body),
                None => {
                    let body = &page.source.text[page.source.body_start..];
                    let ctx = markdown::LinkContext {
                        page_rel_path: &page.source.rel_path,
                        urls: &urls,
                        text_words,
                    };
                    Arc::new(markdown::render_body(body, page.source.body_start, &ctx))
                }
            };
        });
    timer.mark("bodies");
    // Per page (serve): a stamp of its source, URL and body, and whether its
    // body was rendered afresh (the page was edited, or its links changed).
    let mut page_stamps = Vec::new();
    let mut edited = Vec::new();
    if cache.enabled {
        edited = kept.iter().map(Option::is_none).collect();
        let fresh: Vec<(usize, session::CachedBody)> = (0..pages.len())
            .into_par_iter()
            .filter(|&i| edited[i])
            .map(|i| {
                let page = &pages[i];
                let entry = session::CachedBody::new(
                    Arc::clone(&page.source),
                    Arc::clone(&page.body),
                    &urls,
                );
                (i, entry)
            })
            .collect();
        for (i, entry) in fresh {
            cache.bodies.insert(pages[i].source.rel_path.clone(), entry);
        }
        if cache.bodies.len() > pages.len() {
            let live: HashSet<&str> = pages.iter().map(|p| p.source.rel_path.as_str()).collect();
            cache.bodies.retain(|k, _| live.contains(k.as_str()));
        }
        page_stamps = pages
            .iter()
            .map(|page| {
                let body = cache
                    .bodies
                    .get(page.source.rel_path.as_str())
                    .map_or(0, |c| c.stamp);
                stamps::stamp_of(&(body, &page.path, page.kind))
            })
            .collect();
    }
    timer.mark("markdown");
    let (site_graph, mut link_errors) = graph::link_and_order(pages, assets, &unparsed);
    problems.append(&mut link_errors);

    timer.mark("links checked");
    let templates = match cached_templates {
        Some(t) => Ok(t),
        None => templates.and_then(render::compile_templates),
    }
    .map_err(|mut e| problems.append(&mut e))
    .ok();
    if problems.iter().any(Diagnostic::is_error) {
        // Keep what compiled for the next try.
        if cache.enabled {
            cache.templates = templates;
        }
        return Err(problems);
    }
    let Some(mut templates) = templates else {
        return Err(problems);
    };
    timer.mark("templates compiled");
    let cross_key = cache.enabled.then(|| taxonomy::cross_link_key(&site_graph));
    let links = match (cache.cross.take(), cross_key) {
        (Some((key, links)), Some(k)) if key == k => links,
        _ => taxonomy::cross_link(&site_graph, &config, &vocab),
    };
    problems.extend(taxonomy::unused_vocabulary(&links, &vocab));
    let mut site_graph = site_graph;
    // In a build nothing else holds the sources and bodies: free each as soon
    // as it is no longer needed, so a 10,000-page site fits in little memory.
    let bodies: Vec<std::sync::Mutex<String>> = if cache.enabled {
        Vec::new()
    } else {
        site_graph
            .pages
            .iter_mut()
            .map(|p| {
                if let Some(s) = Arc::get_mut(&mut p.source) {
                    s.text = String::new();
                }
                let html = Arc::get_mut(&mut p.body)
                    .map(|b| std::mem::take(&mut b.html))
                    .unwrap_or_default();
                std::sync::Mutex::new(html)
            })
            .collect()
    };
    // The search index builds on its own thread while the pages render.
    let pending_index = (searching && search_work == SearchWork::Index).then(|| {
        search::start_index(
            search::search_records(&mut site_graph.pages, &config, &vocab),
            config.language.clone(),
        )
    });
    timer.mark("cross-linked");
    let static_files = load::load_static(root, &config.theme);
    // Static files' names are in every page (`assets`): a new or removed one
    // renders everything.
    let static_names = stamps::stamp_of(
        &static_files
            .iter()
            .map(|f| f.rel_path.as_str())
            .collect::<Vec<_>>(),
    );
    cache.render_all |= cache.static_names != Some(static_names);
    let everything = cache.render_all || !cache.enabled;
    let mut first_phase = first_phase;
    let mut noop = |_: Vec<render::OutputFile>| {};
    let reuse = if cache.enabled {
        cache.static_names = Some(static_names);
        if everything {
            edited.iter_mut().for_each(|e| *e = false);
        }
        Some(render::Reuse {
            cache: &mut cache.render,
            page_stamps: &page_stamps,
            everything,
            edited: &edited,
            first_phase: match first_phase.as_mut() {
                Some(f) => &mut **f,
                None => &mut noop,
            },
        })
    } else {
        None
    };
    let rendered = render::render_site(
        &site_graph,
        &bodies,
        &links,
        &mut templates,
        &config,
        &vocab,
        &static_files,
        reuse,
    );
    if cache.enabled {
        cache.cross = cross_key.map(|k| (k, links));
        cache.templates = Some(templates);
    }
    let rendered = rendered.map_err(|mut e| {
        e.append(&mut problems);
        e
    })?;
    timer.mark("rendered");
    let mut files = rendered.files;
    let mut all_paths = rendered.all_paths;
    if let Some(pending) = pending_index {
        let index = pending.finish().map_err(|d| vec![d])?;
        all_paths.extend(index.iter().map(|f| f.path.clone()));
        files.extend(index);
        timer.mark("search index");
    }
    // (The render checked its own paths; this adds the search index's.)
    if let Some(dup) = first_duplicate(&all_paths) {
        problems.push(duplicate_output(&dup));
        return Err(problems);
    }
    let pages = site_graph.pages.len();
    let search = (searching && search_work == SearchWork::Records).then(|| {
        let language = config.language.clone();
        let config = config.clone();
        let vocab = vocab.clone();
        let mut pages = site_graph.pages.clone();
        search::SearchBatch {
            records: Box::new(move || search::search_records(&mut pages, &config, &vocab)),
            language,
        }
    });
    if cache.enabled {
        cache.render_all = false;
        cache.last_ok = true;
        cache.last = Some(session::Last {
            index: site_graph
                .pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.source.rel_path.clone(), i))
                .collect(),
            graph: site_graph,
            urls,
            summaries: rendered.summaries,
            config,
            vocab,
            text_words,
        });
    }
    Ok(RenderedSite {
        files,
        all_paths,
        pages,
        rendered: rendered.rendered,
        warnings: problems,
        search,
    })
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
    let site = render_site(opts)?;
    let write = output::write_output(&out, &shown, &site.files)?;
    Ok(BuildReport {
        pages: site.pages,
        write,
        warnings: site.warnings,
    })
}

/// `huddle check`: everything `build` validates; writes nothing. Returns the warnings.
pub fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let opts = &opts.resolved()?;
    run_pipeline(
        opts,
        SearchWork::Skip,
        &mut session::Cache::default(),
        &session::Changes::Everything,
        None,
    )
    .map(|s| s.warnings)
}

fn display_output(root: &Path, out: &Path) -> String {
    load::display_path(root, out)
}
