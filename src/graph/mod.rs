//! Puts the parsed pages together into a `SiteGraph`: gives every source its URL
//! (and refuses two sources with one URL), builds the content-path → URL map that
//! `markdown` rewrites links with, checks every internal link and anchor once all
//! bodies are rendered, and orders sections and articles. It renders no HTML.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, closest};
use crate::front::{ParsedSource, is_article_path};
use crate::load::AssetFile;
use crate::markdown::RenderedBody;
pub use crate::paths::{OutputPath, UrlPath};

mod links;
mod place;

pub use links::link_and_order;
pub use place::{Placement, assign_urls, encode_path};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Page,
}

/// A page with its place in the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// Shared, so `huddle serve` can keep parsed sources between rebuilds.
    pub source: Arc<ParsedSource>,
    pub kind: PageKind,
    /// Site-relative URL path without the base path: `articles/foo/` (empty for home).
    pub path: UrlPath,
    /// The folder (content-relative) whose pages this section lists, for sections;
    /// the folder this page is listed in, for pages.
    pub section_dir: String,
    pub is_article: bool,
    /// For a page bundle (`foo/index.md`): its content folder, `articles/foo`.
    pub bundle_dir: Option<String>,
    /// Shared, so `huddle serve` can keep rendered bodies between rebuilds.
    pub body: Arc<RenderedBody>,
}

impl Page {
    pub fn output_file(&self) -> OutputPath {
        self.path.index_file()
    }
}

/// Renders the Markdown of every page (in parallel), except where `kept[i]`
/// already holds page i's body (serve, for pages whose source and links did
/// not change). `text_words`: how much plain text to keep for search.
pub fn render_bodies(
    pages: &mut [Page],
    urls: &HashMap<String, String>,
    text_words: usize,
    kept: &[Option<Arc<RenderedBody>>],
) {
    pages.par_iter_mut().enumerate().for_each(|(i, page)| {
        page.body = match kept.get(i) {
            Some(Some(body)) => Arc::clone(body),
            _ => {
                let source = &page.source;
                let ctx = crate::markdown::LinkContext {
                    page_rel_path: &source.rel_path,
                    urls,
                    text_words,
                };
                let body = &source.text[source.body_start..];
                Arc::new(crate::markdown::render_body(body, source.body_start, &ctx))
            }
        };
    });
}

/// A file copied from content/ into the output.
#[derive(Debug, Clone)]
pub struct PlacedAsset {
    pub asset: AssetFile,
    pub output: OutputPath,
}

pub struct SiteGraph {
    pub pages: Vec<Page>,
    pub assets: Vec<PlacedAsset>,
    /// Indexes into `pages`: articles newest first.
    pub articles: Vec<usize>,
    /// Section folder (`articles`; `` for home) → index of its section page.
    pub section_pages: HashMap<String, usize>,
    /// Every body link from one page to another: (from, to), by page index.
    pub link_edges: Vec<(usize, usize)>,
}

/// Dated pages newest first, then undated by title; ties by path so order is stable.
pub fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    let key = |p: &Page| p.source.meta.date.as_ref().map(|d| d.timestamp);
    match (key(a), key(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.source.meta.title.cmp(&b.source.meta.title),
    }
    .then_with(|| a.source.rel_path.cmp(&b.source.rel_path))
}

/// Sections by their folder, with the indexes of the pages they list (newest first)
/// and of their direct subsections.
pub fn sections(graph: &SiteGraph) -> BTreeMap<String, (Vec<usize>, Vec<usize>)> {
    let mut map: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, p) in graph.pages.iter().enumerate() {
        match p.kind {
            PageKind::Home | PageKind::Section => {
                map.entry(p.section_dir.clone()).or_default();
            }
            PageKind::Page => map.entry(p.section_dir.clone()).or_default().0.push(i),
        }
    }
    for (i, p) in graph.pages.iter().enumerate() {
        if p.kind == PageKind::Section {
            let parent = p
                .section_dir
                .rsplit_once('/')
                .map_or("", |(d, _)| d)
                .to_string();
            map.entry(parent).or_default().1.push(i);
        }
    }
    for (pages, _) in map.values_mut() {
        pages.sort_by(|&a, &b| newest_first(&graph.pages[a], &graph.pages[b]));
    }
    map
}
