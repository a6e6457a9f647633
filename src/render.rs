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
use crate::taxonomy::CrossLinks;
use crate::views::{LinkView, TAXONOMIES, Views};
use crate::vocab::Vocabulary;

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

/// The templates, compiled, with where each came from (for error messages).
pub struct Templates {
    tera: Tera,
    files: HashMap<String, TemplateFile>,
}

/// Compiles the templates; every syntax error of every template is reported.
pub fn compile_templates(files: Vec<TemplateFile>) -> Result<Templates, Vec<Diagnostic>> {
    let files: HashMap<String, TemplateFile> =
        files.into_iter().map(|f| (f.name.clone(), f)).collect();
    let mut errors = Vec::new();
    // First each on its own, so one broken template does not hide another.
    for f in files.values() {
        let mut alone = Tera::default();
        if let Err(e) = alone.add_raw_template(&f.name, &f.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            errors.push(template_diagnostic(&e, &files));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.register_filter("json", json_filter);
    if let Err(e) =
        tera.add_raw_templates(files.values().map(|f| (f.name.as_str(), f.text.as_str())))
    {
        return Err(vec![template_diagnostic(&e, &files)]);
    }
    for required in [
        "index.html",
        "section.html",
        "page.html",
        "404.html",
        "taxonomy_list.html",
        "taxonomy_term.html",
        "checklists.html",
        "newsletter.html",
        "search.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "alias.html",
    ] {
        if !tera.contains_template(required) {
            errors.push(
                Diagnostic::file_error(
                    format!("templates/{required}"),
                    format!("the theme has no `{required}` template"),
                )
                .with_help(format!(
                    "add templates/{required} to your site or theme (see docs/templates.md)"
                )),
            );
        }
    }
    if errors.is_empty() {
        Ok(Templates { tera, files })
    } else {
        Err(errors)
    }
}

/// `{{ value | json }}`: the value as JSON that is safe inside a `<script>`
/// element (for JSON-LD): `<`, `>` and `&` are written as `\u003c` etc.
fn json_filter(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let escaped = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    tera::Value::safe_string(&escaped)
}

/// A Tera error as a diagnostic pointing into the template file.
fn template_diagnostic(e: &tera::Error, files: &HashMap<String, TemplateFile>) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let help = "fix the template (Tera syntax: https://keats.github.io/tera/docs/); variables are listed in docs/templates.md";
    match report.and_then(|r| files.get(r.filename()).map(|f| (r, f))) {
        Some((r, f)) => {
            let span = r.span();
            Diagnostic::at_line_col(
                &f.display_path,
                &f.text,
                span.start_line,
                span.start_col + 1,
                format!("template error: {}", r.message()),
            )
            .with_help(help)
        }
        None => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::file_error("templates", format!("template error: {message}"))
                .with_help(help)
        }
    }
}

/// Renders every page of the graph, the taxonomy pages and the 404 page, then
/// lists the static files and assets to copy.
/// `bodies[i]` is page i's rendered Markdown; each is taken (and freed) as its
/// page is rendered, so the site's HTML is never held twice.
pub fn render_site(
    graph: &SiteGraph,
    bodies: &[Mutex<String>],
    links: &CrossLinks,
    templates: &mut Templates,
    config: &Config,
    vocab: &Vocabulary,
    static_files: &[StaticFile],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let (static_paths, static_urls) =
        fingerprint(static_files, &config.base_path, !config.dev_server);
    let unlisted = Views {
        config,
        vocab,
        graph,
        links,
        summaries: &[],
    };
    let summaries: Vec<tera::Value> = (0..graph.pages.len())
        .into_par_iter()
        .map(|i| {
            tera::Value::try_from_serializable(&unlisted.summary(i))
                .unwrap_or_else(|_| tera::Value::none())
        })
        .collect();
    let views = Views {
        summaries: &summaries,
        ..unlisted
    };
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
        global.insert(
            "site",
            &serde_json::json!({
                "menu": views.menu(),
                "articles": graph.articles.iter().map(|&i| views.listed(i)).collect::<Vec<_>>(),
                "sections": site_sections,
                "levels": views.terms("levels"),
                "attitudes": views.terms("attitudes"),
                "practices": views.terms("practices"),
            }),
        );
    }
    // The feeds need a few articles' bodies, which page jobs take and free.
    let feed_bodies: HashMap<usize, String> = crate::feeds::feed_members(&views)
        .into_iter()
        .filter_map(|i| {
            bodies
                .get(i)
                .and_then(|b| b.lock().ok().map(|b| (i, b.clone())))
        })
        .collect();
    let aliases = crate::feeds::aliases(&views);
    let templates = &*templates;
    let positions: HashMap<usize, usize> = graph
        .articles
        .iter()
        .enumerate()
        .map(|(pos, &i)| (i, pos))
        .collect();
    let context = |path: &str| {
        let mut ctx = Context::new();
        ctx.insert("current_path", &views.url(path));
        ctx.insert("current_url", &views.permalink(path));
        ctx
    };

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

    let rendered: Vec<Result<OutputFile, Diagnostic>> = jobs
        .par_iter()
        .map(|job| match *job {
            Job::Page(i) => {
                let page = &graph.pages[i];
                let body = bodies
                    .get(i)
                    .and_then(|b| b.lock().ok().map(|mut b| std::mem::take(&mut *b)))
                    .unwrap_or_default();
                let mut ctx = context(&page.path);
                let template = match page.kind {
                    PageKind::Home => "index.html",
                    PageKind::Section => "section.html",
                    PageKind::Page => "page.html",
                };
                match page.kind {
                    PageKind::Page => {
                        ctx.insert("page", &views.page(i, positions.get(&i).copied(), &body))
                    }
                    PageKind::Home | PageKind::Section => {
                        let members = sections.get(&page.section_dir).cloned().unwrap_or_default();
                        ctx.insert("section", &views.section(Some(page), &body, &members));
                    }
                }
                render_one(templates, template, &ctx, page.output_file())
            }
            Job::EmptyHome => {
                // No content/_index.md: the home page still exists, with the site's title.
                let mut ctx = context("");
                let members = sections.get("").cloned().unwrap_or_default();
                ctx.insert("section", &views.section(None, "", &members));
                render_one(
                    templates,
                    "index.html",
                    &ctx,
                    OutputPath::new("index.html".into()),
                )
            }
            Job::Taxonomy(kind) => {
                let path = format!("{kind}/");
                let mut ctx = context(&path);
                ctx.insert("taxonomy", &views.taxonomy(kind));
                render_one(
                    templates,
                    "taxonomy_list.html",
                    &ctx,
                    OutputPath::new(format!("{path}index.html")),
                )
            }
            Job::Term(kind, t) => {
                let term = views.term(kind, t);
                let path = format!("{kind}/{}/", term.summary.slug);
                let mut ctx = context(&path);
                ctx.insert("taxonomy", &views.taxonomy(kind));
                ctx.insert("term", &term);
                render_one(
                    templates,
                    "taxonomy_term.html",
                    &ctx,
                    OutputPath::new(format!("{path}index.html")),
                )
            }
            Job::Checklists => {
                let mut ctx = context("checklists/");
                ctx.insert("checklists", &views.checklists_page());
                render_one(
                    templates,
                    "checklists.html",
                    &ctx,
                    OutputPath::new("checklists/index.html".into()),
                )
            }
            Job::Newsletter => render_one(
                templates,
                "newsletter.html",
                &context("newsletter/"),
                OutputPath::new("newsletter/index.html".into()),
            ),
            Job::Feed(level) => {
                let (path, feed) = crate::feeds::feed(&views, level, &feed_bodies);
                let mut ctx = context(&path);
                ctx.insert("feed", &feed);
                render_one(templates, "atom.xml", &ctx, OutputPath::new(path))
            }
            Job::Search => render_one(
                templates,
                "search.html",
                &context("search/"),
                OutputPath::new("search/index.html".into()),
            ),
            Job::Sitemap => {
                let mut ctx = context("sitemap.xml");
                ctx.insert(
                    "entries",
                    &crate::feeds::sitemap(&views, config.newsletter.enabled),
                );
                render_one(
                    templates,
                    "sitemap.xml",
                    &ctx,
                    OutputPath::new("sitemap.xml".into()),
                )
            }
            Job::Robots => render_one(
                templates,
                "robots.txt",
                &context("robots.txt"),
                OutputPath::new("robots.txt".into()),
            ),
            Job::Alias(a) => {
                let (path, alias) = &aliases[a];
                let mut ctx = context(path);
                ctx.insert("alias", alias);
                render_one(templates, "alias.html", &ctx, OutputPath::new(path.clone()))
            }
            Job::NotFound => render_one(
                templates,
                "404.html",
                &context("404.html"),
                OutputPath::new("404.html".into()),
            ),
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + static_files.len() + graph.assets.len());
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            // The same template error repeats on every page that uses it: report it once.
            Err(d) if !errors.contains(&d) => errors.push(d),
            Err(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
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
    Ok(files)
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

/// One output file to render.
enum Job {
    Page(usize),
    EmptyHome,
    Taxonomy(&'static str),
    Term(&'static str, usize),
    Checklists,
    Search,
    Newsletter,
    /// The site's feed (None) or a level's.
    Feed(Option<usize>),
    Sitemap,
    Robots,
    /// Index into the alias list.
    Alias(usize),
    NotFound,
}

fn render_one(
    templates: &Templates,
    name: &str,
    ctx: &Context,
    path: OutputPath,
) -> Result<OutputFile, Diagnostic> {
    templates
        .tera
        .render(name, ctx)
        .map(|html| OutputFile {
            path,
            content: OutputContent::Packed(lz4_flex::compress_prepend_size(html.as_bytes())),
        })
        .map_err(|e| template_diagnostic(&e, &templates.files))
}
