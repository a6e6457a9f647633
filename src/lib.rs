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
//! [`serve`] (with [`watch`]) runs the same stages in memory for `huddle serve`.

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
pub mod taxonomy;
pub mod views;
pub mod vocab;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

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

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site rendered in memory, ready to write.
pub struct RenderedSite {
    pub files: Vec<render::OutputFile>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
    /// Under `huddle serve` (with search on): the pages to index, which serve
    /// indexes in the background so that no rebuild waits for the index.
    pub search: Option<search::SearchBatch>,
}

/// What a run does about the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchWork {
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
    let work = if opts.dev_server {
        SearchWork::Records
    } else {
        SearchWork::Index
    };
    render_site_with(opts, work)
}

fn render_site_with(
    opts: &BuildOptions,
    search_work: SearchWork,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    let root = &opts.root;
    let mut timer = StageTimer::from_env();
    let mut config = config::load_config(root, opts.base_url.as_deref())?;
    config.dev_server = opts.dev_server;
    let vocab = vocab::Vocabulary::from_config(&config.vocabulary);
    let mut problems: Vec<Diagnostic> = Vec::new();

    let templates = load::load_templates(root, &config.theme);
    let content = match load::load_content(root) {
        Ok(c) => c,
        Err(mut e) => {
            problems.append(&mut e);
            load::LoadedContent::default()
        }
    };
    problems.extend(content.warnings);

    // Consumed: each file's bytes are freed once its text is parsed.
    timer.mark("loaded");
    let parsed: Vec<_> = content
        .sources
        .into_par_iter()
        .map(|s| {
            let display = format!("content/{}", s.rel_path);
            let is_article = graph::is_article_path(&s.rel_path);
            front::parse_front_matter(&display, &s.rel_path, &s.bytes, is_article, &vocab)
                .map_err(|e| (s.rel_path.clone(), e))
        })
        .collect();
    let mut sources = Vec::with_capacity(parsed.len());
    let mut unparsed: HashSet<String> = HashSet::new();
    for p in parsed {
        match p {
            Ok(s) if s.meta.draft && !opts.drafts => {
                unparsed.insert(s.rel_path);
            }
            Ok(s) => sources.push(s),
            Err((rel, mut e)) => {
                unparsed.insert(rel);
                problems.append(&mut e);
            }
        }
    }

    timer.mark("front matter");
    let (mut pages, assets, urls, mut url_errors) =
        graph::assign_urls(sources, content.assets, &config);
    problems.append(&mut url_errors);
    // Only `huddle build` indexes here: an author's save never waits for search.
    let searching = config.search.enabled && search_work != SearchWork::Skip;
    let text_words = if searching {
        search::words_to_collect(&config.search)
    } else {
        0
    };
    pages.par_iter_mut().for_each(|page| {
        let body = &page.source.text[page.source.body_start..];
        let ctx = markdown::LinkContext {
            page_rel_path: &page.source.rel_path,
            urls: &urls,
            text_words,
        };
        page.body = markdown::render_body(body, page.source.body_start, &ctx);
    });
    drop(urls);
    timer.mark("markdown");
    let (site_graph, mut link_errors) = graph::link_and_order(pages, assets, &unparsed);
    problems.append(&mut link_errors);

    timer.mark("links checked");
    let mut templates = match templates.and_then(render::compile_templates) {
        Ok(t) => Some(t),
        Err(mut e) => {
            problems.append(&mut e);
            None
        }
    };
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let Some(templates) = templates.as_mut() else {
        return Err(problems);
    };
    timer.mark("templates compiled");
    let links = taxonomy::cross_link(&site_graph, &config, &vocab);
    problems.extend(taxonomy::unused_vocabulary(&links, &vocab));
    // From here on nothing points into the sources, and each body is needed
    // once: free them as we go, so a 10,000-page site fits in little memory.
    let mut site_graph = site_graph;
    let bodies: Vec<std::sync::Mutex<String>> = site_graph
        .pages
        .iter_mut()
        .map(|p| {
            p.source.text = String::new();
            std::sync::Mutex::new(std::mem::take(&mut p.body.html))
        })
        .collect();
    // The search index builds on its own thread while the pages render.
    let records = searching.then(|| search_records(&mut site_graph, &config, &vocab));
    let (pending_index, search) = match (search_work, records) {
        (SearchWork::Index, Some(r)) => {
            (Some(search::start_index(r, config.language.clone())), None)
        }
        (_, records) => (
            None,
            records.map(|records| search::SearchBatch {
                records,
                language: config.language.clone(),
            }),
        ),
    };
    timer.mark("cross-linked");
    let static_files = load::load_static(root, &config.theme);
    let files = render::render_site(
        &site_graph,
        &bodies,
        &links,
        templates,
        &config,
        &vocab,
        &static_files,
    )
    .map_err(|mut e| {
        e.append(&mut problems);
        e
    })?;
    timer.mark("rendered");
    let mut files = files;
    if let Some(pending) = pending_index {
        files.extend(pending.finish().map_err(|d| vec![d])?);
        timer.mark("search index");
    }
    if let Some(dup) = first_duplicate(&files) {
        problems.push(Diagnostic::file_error(format!("static/{dup}"), format!("two files would be written to /{dup} (a static file and a page, or two static files)"))
            .with_help("rename the static file or the page"));
        return Err(problems);
    }
    Ok(RenderedSite {
        files,
        pages: site_graph.pages.len(),
        warnings: problems,
        search,
    })
}

/// The index's records: every page that is not a list, with its text (taken
/// from the page: it is not needed after this) and its tags as filters.
fn search_records(
    graph: &mut graph::SiteGraph,
    config: &config::Config,
    vocab: &vocab::Vocabulary,
) -> Vec<search::SearchRecord> {
    graph
        .pages
        .iter_mut()
        .filter(|p| p.kind == graph::PageKind::Page)
        .map(|p| {
            let meta = &p.source.meta;
            let level: Vec<String> = meta
                .tags
                .level
                .map(|l| vocab.levels[l.0].name.clone())
                .into_iter()
                .collect();
            let attitudes: Vec<String> = meta
                .tags
                .attitudes
                .iter()
                .map(|t| vocab.attitudes[t.0].name.clone())
                .collect();
            let practices: Vec<String> = meta
                .tags
                .practices
                .iter()
                .map(|t| vocab.practices[t.0].name.clone())
                .collect();
            let tags: Vec<&str> = level
                .iter()
                .chain(&attitudes)
                .chain(&practices)
                .map(String::as_str)
                .collect();
            let headings: Vec<&str> = p.body.toc.iter().map(|h| h.title.as_str()).collect();
            let text = format!(
                "{} {} {} {}",
                meta.description,
                headings.join(" "),
                tags.join(" "),
                std::mem::take(&mut p.body.text)
            );
            let tags = tags.join(" · ");
            let mut filters = std::collections::BTreeMap::new();
            for (name, values) in [
                ("level", level),
                ("attitude", attitudes),
                ("practice", practices),
            ] {
                if !values.is_empty() {
                    filters.insert(name.to_string(), values);
                }
            }
            search::SearchRecord {
                url: format!("{}{}", config.base_path, graph::encode_path(&p.path)),
                title: meta.title.clone(),
                text,
                tags,
                filters,
            }
        })
        .collect()
}

/// With `HUDDLE_TIMINGS=1`, prints how long each stage took (for the benchmark).
struct StageTimer {
    last: Option<std::time::Instant>,
}

impl StageTimer {
    fn from_env() -> Self {
        let on = std::env::var_os("HUDDLE_TIMINGS").is_some_and(|v| v != "0");
        StageTimer {
            last: on.then(std::time::Instant::now),
        }
    }

    fn mark(&mut self, stage: &str) {
        if let Some(last) = self.last {
            eprintln!(
                "timing: {stage:<20} {:>7.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            self.last = Some(std::time::Instant::now());
        }
    }
}

fn first_duplicate(files: &[render::OutputFile]) -> Option<String> {
    let mut seen: HashMap<&str, ()> = HashMap::with_capacity(files.len());
    files
        .iter()
        .find(|f| seen.insert(f.path.as_str(), ()).is_some())
        .map(|f| f.path.as_str().to_string())
}

/// `huddle build`: renders the whole site, then (only if there were no errors) writes it.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
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
    render_site_with(opts, SearchWork::Skip).map(|s| s.warnings)
}

fn display_output(root: &Path, out: &Path) -> String {
    load::display_path(root, out)
}
