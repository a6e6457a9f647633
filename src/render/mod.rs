//! Turns the `SiteGraph` into output files with Tera: pages, sections, home,
//! taxonomy and term pages and 404 through the theme's templates, plus static files and page-bundle assets
//! to copy. Pure: it returns `OutputFile`s and writes nothing (see `output`).
//! Every variable given to templates is documented in docs/templates.md.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{OutputPath, PageKind, SiteGraph, sections};
use crate::load::{FileSource, StaticFile, TemplateFile};
use crate::stamps::Stamper;
use crate::taxonomy::CrossLinks;
use crate::views::{LinkView, TAXONOMIES, Views};
use crate::vocab::Vocabulary;

mod jobs;
mod templates;

pub(crate) use jobs::Job;
pub use jobs::render_one_page;
use jobs::{job_path, page_context, render_page};
use templates::render_one;
pub use templates::{Templates, compile_templates};

/// What to put at a path in the output folder.
#[derive(Debug, Clone)]
pub enum OutputContent {
    Bytes(Vec<u8>),
    /// A rendered page, LZ4-compressed while it waits for the writer: the whole
    /// site is held until every page rendered, and HTML shrinks about 4x.
    Packed(Vec<u8>),
    Copy(FileSource),
}

impl OutputContent {
    /// The bytes of a `Packed` file (or a copy of `Bytes`).
    pub fn unpack(&self) -> std::io::Result<Vec<u8>> {
        match self {
            OutputContent::Bytes(b) => Ok(b.clone()),
            OutputContent::Packed(p) => {
                lz4_flex::decompress_size_prepended(p).map_err(std::io::Error::other)
            }
            OutputContent::Copy(FileSource::Embedded(b)) => Ok(b.to_vec()),
            OutputContent::Copy(FileSource::Disk(p)) => std::fs::read(p),
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: OutputPath,
    pub content: OutputContent,
}

/// What `huddle serve` keeps from the last render to re-render only what changed.
#[derive(Default)]
pub struct RenderCache {
    /// Output path → stamp of the data its job rendered (what is being served).
    pub jobs: HashMap<String, u64>,
    /// Content path → (page stamp, the page's summary as a Tera value).
    pub summaries: HashMap<String, (u64, tera::Value)>,
}

/// How `render_site` may reuse an earlier render (`huddle serve` only).
pub struct Reuse<'a> {
    pub cache: &'a mut RenderCache,
    /// Per page: a stamp of everything about the page (source, URL, body).
    pub page_stamps: &'a [u64],
    /// Everything must be rendered (settings, templates or static files changed).
    pub everything: bool,
    /// Pages whose own stamp changed: their jobs render first, and
    /// `first_phase` receives them before the other pages are rendered.
    pub edited: &'a [bool],
    pub first_phase: &'a mut dyn FnMut(Vec<OutputFile>),
}

/// The outcome of a render.
pub struct Rendered {
    /// The files rendered (everything for a build; what changed for serve),
    /// then the static files and assets to copy.
    pub files: Vec<OutputFile>,
    /// Every path of the site, rendered this time or not.
    pub all_paths: Vec<OutputPath>,
    /// How many templates were rendered.
    pub rendered: usize,
    /// Every page's summary (kept by serve for `render_one_page`).
    pub summaries: Vec<tera::Value>,
}

/// Renders the pages of the graph, the taxonomy pages, feeds and the other
/// generated files, then lists the static files and assets to copy.
/// `bodies[i]` is page i's rendered Markdown; each is taken (and freed) as its
/// page is rendered, so the site's HTML is never held twice. With `bodies`
/// empty, pages' own bodies are used. With `reuse`, only the files whose data
/// changed since the last render are rendered.
#[allow(clippy::too_many_arguments)]
pub fn render_site(
    graph: &SiteGraph,
    bodies: &[Mutex<String>],
    links: &CrossLinks,
    templates: &mut Templates,
    config: &Config,
    vocab: &Vocabulary,
    static_files: &[StaticFile],
    mut reuse: Option<Reuse>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timer = crate::StageTimer::from_env();
    let (static_paths, static_urls) =
        fingerprint(static_files, &config.base_path, !config.dev_server);
    let unlisted = Views {
        config,
        vocab,
        graph,
        links,
        summaries: &[],
    };
    let summaries = summaries(&unlisted, reuse.as_mut());
    let views = Views {
        summaries: &summaries,
        ..unlisted
    };
    timer.mark("  summaries");
    let sections = sections(graph);
    {
        let global = templates.tera.global_context();
        global.insert("config", &views.config_view());
        global.insert("assets", &static_urls);
        global.insert(
            "newsletter",
            &config.newsletter.form(&config.base_path, config.dev_server),
        );
        let site_sections: Vec<LinkView> = graph
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Section)
            .map(|p| LinkView {
                title: &p.source.meta.title,
                url: views.url(&p.path),
            })
            .collect();
        fn value(v: &impl serde::Serialize) -> tera::Value {
            tera::Value::try_from_serializable(v).unwrap_or_else(|_| tera::Value::none())
        }
        // Built from the shared summaries, not re-serialized: cheap at any size.
        let site: std::collections::BTreeMap<&str, tera::Value> = [
            ("menu", value(&views.menu())),
            (
                "articles",
                tera::Value::from(
                    graph
                        .articles
                        .iter()
                        .map(|&i| views.listed(i))
                        .collect::<Vec<_>>(),
                ),
            ),
            ("sections", value(&site_sections)),
            ("levels", value(&views.terms("levels"))),
            ("attitudes", value(&views.terms("attitudes"))),
            ("practices", value(&views.terms("practices"))),
        ]
        .into_iter()
        .collect();
        global.insert_value("site", tera::Value::from(site));
    }
    let body_of = |i: usize, take: bool| -> std::borrow::Cow<'_, str> {
        match bodies.get(i) {
            Some(b) => std::borrow::Cow::Owned(
                b.lock()
                    .map(|mut b| {
                        if take {
                            std::mem::take(&mut *b)
                        } else {
                            b.clone()
                        }
                    })
                    .unwrap_or_default(),
            ),
            None => std::borrow::Cow::Borrowed(graph.pages[i].body.html.as_str()),
        }
    };
    timer.mark("  site variable");
    let aliases = crate::feeds::aliases(&views);
    let mut positions: Vec<Option<usize>> = vec![None; graph.pages.len()];
    for (pos, &i) in graph.articles.iter().enumerate() {
        positions[i] = Some(pos);
    }

    // Every job renders one output file; they run in parallel.
    let mut jobs: Vec<Job> = (0..graph.pages.len()).map(Job::Page).collect();
    if !graph.pages.iter().any(|p| p.kind == PageKind::Home) {
        jobs.push(Job::EmptyHome);
    }
    for (kind, _, _) in TAXONOMIES {
        jobs.push(Job::Taxonomy(kind));
        let count = match kind {
            "levels" => vocab.levels.len(),
            "attitudes" => vocab.attitudes.len(),
            _ => vocab.practices.len(),
        };
        jobs.extend((0..count).map(|t| Job::Term(kind, t)));
    }
    jobs.push(Job::Checklists);
    if config.search.enabled {
        jobs.push(Job::Search);
    }
    jobs.push(Job::Feed(None));
    jobs.extend((0..vocab.levels.len()).map(|l| Job::Feed(Some(l))));
    jobs.push(Job::Sitemap);
    jobs.push(Job::Robots);
    jobs.extend((0..aliases.len()).map(Job::Alias));
    if config.newsletter.enabled {
        jobs.push(Job::Newsletter);
    }
    jobs.push(Job::NotFound);

    // The feeds need a few articles' bodies, which page jobs may take and free.
    let feed_bodies: HashMap<usize, String> = crate::feeds::feed_members(&views)
        .into_iter()
        .map(|i| (i, body_of(i, false).into_owned()))
        .collect();
    let templates = &*templates;
    let context = |path: &str| page_context(&views, path);
    let render_job = |job: Job, path: OutputPath| -> Result<OutputFile, Diagnostic> {
        match job {
            Job::Page(i) => render_page(
                &views,
                templates,
                &sections,
                positions[i],
                i,
                &body_of(i, true),
            ),
            Job::EmptyHome => {
                // No content/_index.md: the home page still exists, with the site's title.
                let mut ctx = context("");
                let members = sections.get("").cloned().unwrap_or_default();
                ctx.insert("section", &views.section(None, "", &members));
                render_one(templates, "index.html", &ctx, path)
            }
            Job::Taxonomy(kind) => {
                let mut ctx = context(&format!("{kind}/"));
                ctx.insert("taxonomy", &views.taxonomy(kind));
                render_one(templates, "taxonomy_list.html", &ctx, path)
            }
            Job::Term(kind, t) => {
                let term = views.term(kind, t);
                let mut ctx = context(&format!("{kind}/{}/", term.summary.slug));
                ctx.insert("taxonomy", &views.taxonomy(kind));
                ctx.insert("term", &term);
                render_one(templates, "taxonomy_term.html", &ctx, path)
            }
            Job::Checklists => {
                let mut ctx = context("checklists/");
                ctx.insert("checklists", &views.checklists_page());
                render_one(templates, "checklists.html", &ctx, path)
            }
            Job::Newsletter => {
                render_one(templates, "newsletter.html", &context("newsletter/"), path)
            }
            Job::Feed(level) => {
                let (page_path, feed) = crate::feeds::feed(&views, level, &feed_bodies);
                let mut ctx = context(&page_path);
                ctx.insert("feed", &feed);
                render_one(templates, "atom.xml", &ctx, path)
            }
            Job::Search => render_one(templates, "search.html", &context("search/"), path),
            Job::Sitemap => {
                let mut ctx = context("sitemap.xml");
                ctx.insert(
                    "entries",
                    &crate::feeds::sitemap(&views, config.newsletter.enabled),
                );
                render_one(templates, "sitemap.xml", &ctx, path)
            }
            Job::Robots => render_one(templates, "robots.txt", &context("robots.txt"), path),
            Job::Alias(a) => {
                let (alias_path, alias) = &aliases[a];
                let mut ctx = context(alias_path);
                ctx.insert("alias", alias);
                render_one(templates, "alias.html", &ctx, path)
            }
            Job::NotFound => render_one(templates, "404.html", &context("404.html"), path),
        }
    };

    let render_all = |ks: &[usize], paths: &(dyn Fn(usize) -> OutputPath + Sync)| {
        let results: Vec<Result<OutputFile, Diagnostic>> = ks
            .par_iter()
            .map(|&k| render_job(jobs[k], paths(k)))
            .collect();
        let mut done = Vec::with_capacity(results.len());
        let mut errors: Vec<Diagnostic> = Vec::new();
        for r in results {
            match r {
                Ok(f) => done.push(f),
                // The same template error repeats on every page that uses it: report it once.
                Err(d) if !errors.contains(&d) => errors.push(d),
                Err(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(done)
        } else {
            Err(errors)
        }
    };
    let paths: Vec<OutputPath> = jobs
        .iter()
        .map(|job| job_path(*job, graph, vocab, &aliases))
        .collect();
    let mut all_paths = paths.clone();
    all_paths.extend(static_paths.iter().map(|p| OutputPath::new(p.clone())));
    all_paths.extend(graph.assets.iter().map(|a| a.output.clone()));
    // Before anything is rendered (or remembered as rendered).
    if let Some(dup) = crate::first_duplicate(&all_paths) {
        return Err(vec![crate::duplicate_output(&dup)]);
    }
    let mut files = Vec::new();
    let mut rendered = 0;
    timer.mark("  jobs listed");
    // Serve, after an edit: the edited pages first (page jobs come first, so
    // job k is page k), handed over before anything else is stamped.
    let mut early: Vec<usize> = Vec::new();
    if let Some(reuse) = reuse.as_mut()
        && !reuse.everything
    {
        early = (0..graph.pages.len())
            .filter(|&i| reuse.edited[i])
            .collect();
        let done = render_all(&early, &|k| graph.pages[k].output_file())?;
        rendered += done.len();
        if !done.is_empty() {
            (reuse.first_phase)(done);
        }
    }
    timer.mark("  edited pages");
    // Which jobs to render: all, or (serve) those whose stamp changed.
    let mut todo: Vec<usize> = (0..jobs.len()).collect();
    let mut new_stamps: Vec<u64> = Vec::new();
    if let Some(reuse) = reuse.as_ref() {
        let stamper = Stamper::new(
            &views,
            &sections,
            &positions,
            reuse.page_stamps,
            &templates.site_uses,
        );
        new_stamps = jobs
            .par_iter()
            .map(|job| stamper.job(*job, &aliases))
            .collect();
        let early_set: std::collections::HashSet<usize> = early.iter().copied().collect();
        todo.retain(|&k| {
            !early_set.contains(&k)
                && (reuse.everything
                    || reuse.cache.jobs.get(paths[k].as_str()) != Some(&new_stamps[k]))
        });
    }
    timer.mark("  stamps");
    let mut done = render_all(&todo, &|k| paths[k].clone())?;
    rendered += done.len();
    files.append(&mut done);
    if let Some(reuse) = reuse.as_mut() {
        for &k in early.iter().chain(&todo) {
            reuse
                .cache
                .jobs
                .insert(paths[k].as_str().to_string(), new_stamps[k]);
        }
    }
    if let Some(reuse) = reuse.as_mut() {
        // Forget pages that no longer exist, so a page that comes back renders.
        let live: std::collections::HashSet<&str> = paths.iter().map(OutputPath::as_str).collect();
        reuse.cache.jobs.retain(|p, _| live.contains(p.as_str()));
    }
    for (s, path) in static_files.iter().zip(static_paths) {
        files.push(OutputFile {
            path: OutputPath::new(path),
            content: OutputContent::Copy(s.source.clone()),
        });
    }
    for a in &graph.assets {
        files.push(OutputFile {
            path: a.output.clone(),
            content: OutputContent::Copy(FileSource::Disk(a.asset.abs_path.clone())),
        });
    }
    Ok(Rendered {
        files,
        all_paths,
        rendered,
        summaries: if reuse.is_some() {
            summaries
        } else {
            Vec::new()
        },
    })
}

/// Every page's summary as a Tera value (index = page index), reusing the
/// values of pages whose stamp did not change when `reuse` is given.
fn summaries(views: &Views, reuse: Option<&mut Reuse>) -> Vec<tera::Value> {
    let make = |i: usize| {
        tera::Value::try_from_serializable(&views.summary(i))
            .unwrap_or_else(|_| tera::Value::none())
    };
    let pages = &views.graph.pages;
    let Some(reuse) = reuse else {
        return (0..pages.len()).into_par_iter().map(make).collect();
    };
    let cache = &mut reuse.cache.summaries;
    if reuse.everything {
        cache.clear();
    }
    let mut out: Vec<Option<tera::Value>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| match cache.get(p.source.rel_path.as_str()) {
            Some((stamp, v)) if *stamp == reuse.page_stamps[i] => Some(v.clone()),
            _ => None,
        })
        .collect();
    let missing: Vec<usize> = (0..pages.len()).filter(|&i| out[i].is_none()).collect();
    let made: Vec<tera::Value> = missing.par_iter().map(|&i| make(i)).collect();
    for (i, v) in missing.into_iter().zip(made) {
        cache.insert(
            pages[i].source.rel_path.clone(),
            (reuse.page_stamps[i], v.clone()),
        );
        out[i] = Some(v);
    }
    if cache.len() > pages.len() {
        let live: std::collections::HashSet<&str> =
            pages.iter().map(|p| p.source.rel_path.as_str()).collect();
        cache.retain(|k, _| live.contains(k.as_str()));
    }
    out.into_iter()
        .map(|v| v.unwrap_or_else(tera::Value::none))
        .collect()
}

/// Output paths of the static files, with a content hash in the names of CSS
/// and JavaScript files (`style.3f9a0c12d4.css`) so browsers and CDNs may cache
/// them for ever; and the URL of each file by its source name, for templates
/// (`assets["style.css"]`).
fn fingerprint(
    static_files: &[StaticFile],
    base_path: &str,
    hash_names: bool,
) -> (Vec<String>, std::collections::BTreeMap<String, String>) {
    use sha2::{Digest, Sha256};
    let mut paths = Vec::with_capacity(static_files.len());
    let mut urls = std::collections::BTreeMap::new();
    for f in static_files {
        let rel = f.rel_path.as_str();
        let hashed = match rel.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) if hash_names => {
                let bytes = match &f.source {
                    FileSource::Embedded(b) => Some(b.to_vec()),
                    FileSource::Disk(p) => std::fs::read(p).ok(),
                };
                // An unreadable file keeps its name; the writer reports the read error.
                bytes.map(|b| {
                    let digest = Sha256::digest(&b);
                    let hex: String = digest.iter().take(5).map(|x| format!("{x:02x}")).collect();
                    format!("{stem}.{hex}.{ext}")
                })
            }
            _ => None,
        }
        .unwrap_or_else(|| rel.to_string());
        urls.insert(
            rel.to_string(),
            format!("{base_path}{}", crate::graph::encode_path(&hashed)),
        );
        paths.push(hashed);
    }
    (paths, urls)
}
