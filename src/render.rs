//! Turns the `SiteGraph` into output files with Tera: pages, sections, home and
//! 404 through the theme's templates, plus static files and page-bundle assets
//! to copy. Pure: it returns `OutputFile`s and writes nothing (see `output`).
//! Every variable given to templates is documented in docs/templates.md.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{OutputPath, Page, PageKind, SiteGraph, sections};
use crate::load::{FileSource, StaticFile, TemplateFile};
use crate::markdown::{TocEntry, reading_time};
use crate::vocab::Vocabulary;

/// What to put at a path in the output folder.
#[derive(Debug, Clone)]
pub enum OutputContent {
    Bytes(Vec<u8>),
    Copy(FileSource),
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
    if let Err(e) =
        tera.add_raw_templates(files.values().map(|f| (f.name.as_str(), f.text.as_str())))
    {
        return Err(vec![template_diagnostic(&e, &files)]);
    }
    for required in ["index.html", "section.html", "page.html", "404.html"] {
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

#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    author: &'a str,
}

#[derive(Serialize, Clone)]
struct TermView {
    slug: String,
    name: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct LevelView {
    slug: String,
    name: String,
    number: u32,
    url: String,
}

/// A page in a list (no body).
#[derive(Serialize)]
struct PageSummaryView<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    date: Option<&'a str>,
    date_display: &'a str,
    updated: Option<&'a str>,
    updated_display: &'a str,
    summary: &'a str,
    word_count: usize,
    reading_time: usize,
    section: &'a str,
    is_article: bool,
    level: Option<LevelView>,
    attitudes: Vec<TermView>,
    practices: Vec<TermView>,
    extra: &'a serde_json::Value,
    draft: bool,
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    summary: PageSummaryView<'a>,
    content: &'a str,
    toc: &'a [TocEntry],
}

#[derive(Serialize)]
struct LinkView<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    content: &'a str,
    pages: Vec<PageSummaryView<'a>>,
    subsections: Vec<LinkView<'a>>,
    extra: &'a serde_json::Value,
}

struct Views<'a> {
    config: &'a Config,
    vocab: &'a Vocabulary,
}

impl<'a> Views<'a> {
    fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.config.base_path,
            crate::graph::encode_path(path)
        )
    }

    fn permalink(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.config.base_url,
            crate::graph::encode_path(path)
        )
    }

    fn summary(&self, p: &'a Page) -> PageSummaryView<'a> {
        let meta = &p.source.meta;
        let term = |list: &[crate::vocab::TermDef], id: &crate::vocab::TermId, taxonomy: &str| {
            let t = &list[id.0];
            TermView {
                slug: t.slug.clone(),
                name: t.name.clone(),
                url: self.url(&format!("{taxonomy}/{}/", t.slug)),
            }
        };
        PageSummaryView {
            title: &meta.title,
            description: &meta.description,
            url: self.url(&p.path),
            permalink: self.permalink(&p.path),
            date: meta.date.as_ref().map(|d| d.iso_date.as_str()),
            date_display: meta.date.as_ref().map_or("", |d| d.display.as_str()),
            updated: meta.updated.as_ref().map(|d| d.iso_date.as_str()),
            updated_display: meta.updated.as_ref().map_or("", |d| d.display.as_str()),
            summary: &p.body.summary_html,
            word_count: p.body.word_count,
            reading_time: reading_time(p.body.word_count, self.config.words_per_minute),
            section: p.source.rel_path.split_once('/').map_or("", |(s, _)| s),
            is_article: p.is_article,
            level: meta.tags.level.map(|id| {
                let l = &self.vocab.levels[id.0];
                LevelView {
                    slug: l.slug.clone(),
                    name: l.name.clone(),
                    number: l.number,
                    url: self.url(&format!("levels/{}/", l.slug)),
                }
            }),
            attitudes: meta
                .tags
                .attitudes
                .iter()
                .map(|id| term(&self.vocab.attitudes, id, "attitudes"))
                .collect(),
            practices: meta
                .tags
                .practices
                .iter()
                .map(|id| term(&self.vocab.practices, id, "practices"))
                .collect(),
            extra: &meta.extra,
            draft: meta.draft,
        }
    }
}

/// Renders every page of the graph, then lists the static files and assets to copy.
pub fn render_site(
    graph: &SiteGraph,
    templates: &mut Templates,
    config: &Config,
    vocab: &Vocabulary,
    static_files: &[StaticFile],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let views = Views { config, vocab };
    let sections = sections(graph);
    {
        let global = templates.tera.global_context();
        global.insert(
            "config",
            &ConfigView {
                title: &config.title,
                description: &config.description,
                base_url: &config.base_url,
                base_path: &config.base_path,
                language: &config.language,
                author: &config.author,
            },
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
        global.insert("site", &serde_json::json!({
            "articles": graph.articles.iter().map(|&i| views.summary(&graph.pages[i])).collect::<Vec<_>>(),
            "sections": site_sections,
        }));
    }
    let templates = &*templates;
    let rendered: Vec<Result<OutputFile, Diagnostic>> = graph
        .pages
        .par_iter()
        .map(|page| {
            let mut ctx = Context::new();
            ctx.insert("current_path", &views.url(&page.path));
            ctx.insert("current_url", &views.permalink(&page.path));
            let template = match page.kind {
                PageKind::Home => "index.html",
                PageKind::Section => "section.html",
                PageKind::Page => "page.html",
            };
            match page.kind {
                PageKind::Page => ctx.insert(
                    "page",
                    &PageView {
                        summary: views.summary(page),
                        content: &page.body.html,
                        toc: &page.body.toc,
                    },
                ),
                PageKind::Home | PageKind::Section => {
                    let (listed, subs) =
                        sections.get(&page.section_dir).cloned().unwrap_or_default();
                    ctx.insert(
                        "section",
                        &SectionView {
                            title: &page.source.meta.title,
                            description: &page.source.meta.description,
                            url: views.url(&page.path),
                            permalink: views.permalink(&page.path),
                            content: &page.body.html,
                            pages: listed
                                .iter()
                                .map(|&i| views.summary(&graph.pages[i]))
                                .collect(),
                            subsections: subs
                                .iter()
                                .map(|&i| LinkView {
                                    title: &graph.pages[i].source.meta.title,
                                    url: views.url(&graph.pages[i].path),
                                })
                                .collect(),
                            extra: &page.source.meta.extra,
                        },
                    );
                }
            }
            render_one(templates, template, &ctx, page.output_file())
        })
        .collect();
    let mut files =
        Vec::with_capacity(rendered.len() + static_files.len() + graph.assets.len() + 2);
    let mut errors = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    if !graph.pages.iter().any(|p| p.kind == PageKind::Home) {
        // No content/_index.md: the home page still exists, with the site's title.
        let mut ctx = Context::new();
        ctx.insert("current_path", &views.url(""));
        ctx.insert("current_url", &views.permalink(""));
        let (listed, subs) = sections.get("").cloned().unwrap_or_default();
        ctx.insert(
            "section",
            &SectionView {
                title: &config.title,
                description: &config.description,
                url: views.url(""),
                permalink: views.permalink(""),
                content: "",
                pages: listed
                    .iter()
                    .map(|&i| views.summary(&graph.pages[i]))
                    .collect(),
                subsections: subs
                    .iter()
                    .map(|&i| LinkView {
                        title: &graph.pages[i].source.meta.title,
                        url: views.url(&graph.pages[i].path),
                    })
                    .collect(),
                extra: &serde_json::Value::Null,
            },
        );
        match render_one(
            templates,
            "index.html",
            &ctx,
            OutputPath::new("index.html".into()),
        ) {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    let mut ctx = Context::new();
    ctx.insert("current_path", &views.url("404.html"));
    ctx.insert("current_url", &views.permalink("404.html"));
    match render_one(
        templates,
        "404.html",
        &ctx,
        OutputPath::new("404.html".into()),
    ) {
        Ok(f) => files.push(f),
        Err(d) => errors.push(d),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for s in static_files {
        files.push(OutputFile {
            path: OutputPath::new(s.rel_path.clone()),
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
            content: OutputContent::Bytes(html.into_bytes()),
        })
        .map_err(|e| template_diagnostic(&e, &templates.files))
}
