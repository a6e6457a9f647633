//! Turns the `SiteGraph` into output files with Tera: pages, sections, home,
//! taxonomy and term pages and 404 through the theme's templates, plus static
//! files and page-bundle assets to copy. Pure: it returns `OutputFile`s and
//! writes nothing (see `output`). A render is a `Plan` (every output file as a
//! job, with its path) and then the jobs rendered; `huddle build` renders them
//! all, serve's incremental layer chooses which. It knows nothing of caching.
//! Every variable given to templates is documented in docs/templates.md.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{OutputPath, PageKind, SiteGraph};
use crate::load::{FileSource, StaticFile, TemplateFile};
use crate::taxonomy::CrossLinks;
use crate::views::{Listing, Views};
use crate::vocab::Vocabulary;

mod cards;
mod jobs;
mod plan;
mod templates;

pub use crate::paths::{OutputContent, OutputFile};
pub use cards::{share_card, share_cards};
pub use jobs::{EmailPart, Job, email_path};
pub use plan::{Plan, page_collisions};
pub use templates::{Templates, compile_templates};

/// What a render reads.
#[derive(Clone, Copy)]
pub struct RenderInput<'a> {
    pub graph: &'a SiteGraph,
    /// `bodies[i]` is page i's rendered Markdown; each is taken (and freed) as
    /// its page is rendered, so the site's HTML is never held twice. Empty:
    /// pages' own bodies are used.
    pub bodies: &'a [Mutex<String>],
    pub links: &'a CrossLinks,
    pub config: &'a Config,
    pub vocab: &'a Vocabulary,
    pub static_files: &'a [StaticFile],
    /// What lists show of every page (see `listings`).
    pub listings: &'a [Listing],
    /// Each page's share card (see `share_cards`); empty: none.
    pub cards: &'a [Option<crate::images::Card>],
}

impl<'a> RenderInput<'a> {
    pub(crate) fn views(&self) -> Views<'a> {
        Views {
            config: self.config,
            vocab: self.vocab,
            graph: self.graph,
            links: self.links,
            listings: self.listings,
            cards: self.cards,
        }
    }
}

/// The outcome of a render.
pub struct Rendered {
    /// The files rendered, then the static files and assets to copy.
    pub files: Vec<OutputFile>,
    /// Every path of the site.
    pub all_paths: Vec<OutputPath>,
    /// How many templates were rendered.
    pub rendered: usize,
    /// The template and content file of each rendered file (the first
    /// `rendered` of `files`), for the link check.
    pub origins: Vec<crate::outlinks::FileOrigin>,
    /// What each rendered file links to, read as it was rendered.
    pub link_scans: Vec<Option<crate::outlinks::LinkScan>>,
}

/// `huddle build`'s render: every job of the plan, then the files to copy.
pub fn render_site(
    input: RenderInput,
    templates: &mut Templates,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut plan = Plan::new(input, templates)?;
    plan.scan_links();
    let all: Vec<usize> = (0..plan.jobs().len()).collect();
    let mut files = plan.render(&all)?;
    let rendered = files.len();
    let origins = plan.origins();
    let link_scans = plan.take_link_scans();
    files.extend(plan.copies());
    Ok(Rendered {
        files,
        all_paths: plan.all_paths(),
        rendered,
        origins,
        link_scans,
    })
}

/// Rendered files, or every distinct error among them (the same template
/// error repeats on every page that uses it: it is reported once).
pub fn collect(
    results: impl IntoIterator<Item = Result<OutputFile, Diagnostic>>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut done = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(f) => done.push(f),
            Err(d) if !errors.contains(&d) => errors.push(d),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// What lists show of every page (index = page index; see
/// `views::Listing`), shared by all lists. `known[i]`, where given, is page
/// i's listing from an earlier render that is still right (serve); the
/// others are made here. Checklists are included only with `checklists`:
/// a build shows each on one page, so it makes them there (and holds no
/// second copy), while serve keeps them to digest each once per edit.
pub fn listings(
    graph: &SiteGraph,
    links: &CrossLinks,
    config: &Config,
    vocab: &Vocabulary,
    known: &[Option<Listing>],
    checklists: bool,
) -> Vec<Listing> {
    let views = Views {
        config,
        vocab,
        graph,
        links,
        listings: &[],
        cards: &[],
    };
    (0..graph.pages.len())
        .into_par_iter()
        .map(|i| match known.get(i) {
            Some(Some(l)) => l.clone(),
            _ => views.listing(i, checklists),
        })
        .collect()
}

/// `huddle serve`'s first answer to an edit of one article's body: renders
/// just that page, with the rest of the site as the last render left it
/// (`input.listings` are that render's).
pub fn render_one_page(
    input: RenderInput,
    templates: &Templates,
    i: usize,
) -> Result<OutputFile, Diagnostic> {
    let views = input.views();
    let position = input.graph.articles.iter().position(|&a| a == i);
    let page = &input.graph.pages[i];
    let data = jobs::page_data(&views, &Default::default(), position, i, &page.body.html);
    data.render(templates, page.output_file())
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
