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

pub use crate::paths::encode_path;
pub use links::link_and_order;
pub use place::{Placement, assign_urls};

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
/// already holds page i's body (serve, for pages whose source, links and
/// pictures did not change). `text_words`: how much plain text to keep for
/// search. `images`: the site's pictures (body images and the featured one).
pub fn render_bodies(
    pages: &mut [Page],
    urls: &HashMap<String, String>,
    text_words: usize,
    images: &crate::images::ImageTable,
    strings: &crate::strings::Strings,
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
                    images: Some(images),
                    strings,
                };
                let body = &source.text[source.body_start..];
                let mut out = crate::markdown::render_body(body, source.body_start, &ctx);
                if let Some(image) = &source.meta.image {
                    crate::markdown::featured_picture(
                        &image.path,
                        image.span.clone(),
                        &ctx,
                        &mut out,
                    );
                }
                for article in source.meta.issue.iter().flat_map(|i| &i.articles) {
                    let span = article.span.clone();
                    crate::markdown::front_matter_link(&article.written, span, &ctx, &mut out);
                }
                Arc::new(out)
            }
        };
    });
}

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
    /// Every body link from one page to another: (from, to), by page index
    /// (a newsletter issue's are left out: it is no backlink).
    pub link_edges: Vec<(usize, usize)>,
    /// Newsletter issues, newest first, each with the pages it features in
    /// its order (`articles:` in its front matter).
    pub issues: Vec<(usize, Vec<usize>)>,
}

impl SiteGraph {
    /// How many pages the search index holds: every page that is not a list
    /// (`search::search_records` makes one record each).
    pub fn searchable_pages(&self) -> usize {
        self.pages
            .iter()
            .filter(|p| p.kind == PageKind::Page)
            .count()
    }
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

/// Every image file of the site, for `images::ImageTable::survey`: those
/// under content/ (named by content path, copied where the placement put
/// them) and those under static/ and the theme (named by URL path).
pub fn image_files(
    assets: &[PlacedAsset],
    static_files: &[crate::load::StaticFile],
    config: &Config,
) -> Vec<crate::images::ImageFile> {
    use crate::images::{ImageFile, is_image_name};
    let content = assets
        .iter()
        .filter(|a| is_image_name(&a.asset.rel_path))
        .map(|a| ImageFile {
            key: a.asset.rel_path.clone(),
            shown: format!("content/{}", a.asset.rel_path),
            source: crate::paths::FileSource::Disk(a.asset.abs_path.clone()),
            output: a.output.clone(),
        });
    let theme = format!("themes/{}/static/", config.theme);
    let statics = static_files
        .iter()
        .filter(|f| is_image_name(&f.rel_path))
        .map(|f| ImageFile {
            key: format!("/{}", f.rel_path),
            shown: match &f.source {
                crate::paths::FileSource::Disk(p) if !p.to_string_lossy().contains(&theme) => {
                    format!("static/{}", f.rel_path)
                }
                _ => format!("{theme}{}", f.rel_path),
            },
            source: f.source.clone(),
            output: OutputPath::new(f.rel_path.clone()),
        });
    content.chain(statics).collect()
}

/// The pictures the pages show, each with the first place that shows it
/// (found before the sources' text is let go, for errors found later).
pub struct PicturesUsed {
    first: Vec<(String, Diagnostic)>,
}

/// Which pictures `site`'s pages show.
pub fn pictures_used(site: &SiteGraph) -> PicturesUsed {
    let mut seen = HashSet::new();
    let mut first = Vec::new();
    for page in &site.pages {
        let source = &page.source;
        for (key, span) in &page.body.pictures {
            if seen.insert(key.as_str()) {
                let at = Diagnostic::at(&source.display_path, &source.text, span.clone(), "");
                first.push((key.clone(), at));
            }
        }
    }
    PicturesUsed { first }
}

impl PicturesUsed {
    pub fn keys(&self) -> Vec<&str> {
        self.first.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// Pictures that could not be decoded, as errors at the first place
    /// that shows each.
    pub fn faults(&self, faults: Vec<(String, crate::images::Fault)>) -> Vec<Diagnostic> {
        faults
            .into_iter()
            .filter_map(|(key, fault)| {
                let (_, at) = self.first.iter().find(|(k, _)| *k == key)?;
                let mut d = at.clone();
                d.message = fault.message;
                Some(d.with_help(fault.help))
            })
            .collect()
    }
}
