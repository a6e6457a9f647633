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

/// A path inside the output folder, relative, with `/` separators and no `..`:
/// `articles/foo/index.html`. Only `graph` and `render` make them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutputPath(String);

impl OutputPath {
    /// `segments` must already be safe folder names (slugs); see `slug_segment`.
    pub fn new(path: String) -> Self {
        debug_assert!(
            !path.split('/').any(|s| s == ".." || s == "."),
            "unsafe output path {path}"
        );
        OutputPath(path)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
    pub path: String,
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
        OutputPath::new(format!("{}index.html", self.path))
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

/// A file or folder name made safe for a URL: `My notes` → `my-notes`.
pub fn slug_segment(name: &str) -> String {
    let s = slug::slugify(name);
    if s.is_empty() { "page".into() } else { s }
}

/// Where each source goes. Returns (kind, url path, section dir, bundle dir).
fn place(source: &ParsedSource) -> (PageKind, String, String, Option<String>) {
    let rel = source.rel_path.as_str();
    let (dir, file) = match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    };
    let dir_url: String = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", slug_segment(s)))
        .collect();
    if file == "_index.md" {
        let kind = if dir.is_empty() {
            PageKind::Home
        } else {
            PageKind::Section
        };
        return (kind, dir_url, dir.to_string(), None);
    }
    let slug = source.meta.slug.clone();
    if file == "index.md" && !dir.is_empty() {
        // A page bundle: the folder is the page.
        let parent = match dir.rfind('/') {
            Some(i) => &dir[..i],
            None => "",
        };
        let parent_url: String = parent
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("{}/", slug_segment(s)))
            .collect();
        let name = slug.unwrap_or_else(|| slug_segment(dir.rsplit('/').next().unwrap_or(dir)));
        return (
            PageKind::Page,
            format!("{parent_url}{name}/"),
            parent.to_string(),
            Some(dir.to_string()),
        );
    }
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let name = slug.unwrap_or_else(|| slug_segment(stem));
    (
        PageKind::Page,
        format!("{dir_url}{name}/"),
        dir.to_string(),
        None,
    )
}

/// Pages and assets at their URLs: the first half of the graph.
pub struct Placement {
    /// Bodies not yet rendered.
    pub pages: Vec<Page>,
    pub assets: Vec<PlacedAsset>,
    /// Content path → URL (with the base path), for links in Markdown.
    pub urls: Arc<HashMap<String, String>>,
    /// Two sources (or assets) with one output path.
    pub errors: Vec<Diagnostic>,
}

impl Placement {
    /// Everything but the pages (they are replaced).
    pub fn clone_without_pages(&self) -> Placement {
        Placement {
            pages: Vec::new(),
            assets: self.assets.clone(),
            urls: Arc::clone(&self.urls),
            errors: self.errors.clone(),
        }
    }
}

/// First half of the graph: URLs for every source and asset.
pub fn assign_urls(
    sources: Vec<Arc<ParsedSource>>,
    assets: Vec<AssetFile>,
    config: &Config,
) -> Placement {
    let mut errors = Vec::new();
    let mut pages = Vec::with_capacity(sources.len());
    let mut by_path: HashMap<String, usize> = HashMap::with_capacity(sources.len());
    // Slugs cost a little per page: place them in parallel, then in order.
    let placed_sources: Vec<_> = sources
        .into_par_iter()
        .map(|source| (place(&source), source))
        .collect();
    for ((kind, path, section_dir, bundle_dir), source) in placed_sources {
        let is_article = is_article_path(&source.rel_path);
        if let Some(&other) = by_path.get(&path) {
            let other: &Page = &pages[other];
            let d = Diagnostic::file_error(
                &source.display_path,
                format!(
                    "this page and {} would both be written to /{path}",
                    other.source.display_path
                ),
            )
            .with_help(
                "give one of them a different `slug:` in its front matter, or rename the file",
            );
            errors.push(d);
            continue;
        }
        by_path.insert(path.clone(), pages.len());
        pages.push(Page {
            source,
            kind,
            path,
            section_dir,
            is_article,
            bundle_dir,
            body: Arc::default(),
        });
    }
    let mut urls: HashMap<String, String> = pages
        .iter()
        .map(|p| {
            (
                p.source.rel_path.clone(),
                format!("{}{}", config.base_path, p.path),
            )
        })
        .collect();
    // Bundle assets go next to their page's index.html; other assets keep their path.
    let bundles: HashMap<&str, &str> = pages
        .iter()
        .filter_map(|p| p.bundle_dir.as_deref().map(|d| (d, p.path.as_str())))
        .collect();
    let mut placed = Vec::with_capacity(assets.len());
    let mut taken: HashSet<String> = pages
        .iter()
        .map(|p| p.output_file().as_str().to_string())
        .collect();
    for asset in assets {
        let rel = asset.rel_path.as_str();
        let out = bundle_output(rel, &bundles).unwrap_or_else(|| rel.to_string());
        if out
            .split('/')
            .any(|s| s == ".." || s == "." || s.is_empty())
            || !taken.insert(out.clone())
        {
            errors.push(
                Diagnostic::file_error(
                    format!("content/{rel}"),
                    format!("this file would overwrite another output file at /{out}"),
                )
                .with_help("rename or move it"),
            );
            continue;
        }
        urls.insert(
            rel.to_string(),
            format!("{}{}", config.base_path, encode_path(&out)),
        );
        placed.push(PlacedAsset {
            asset,
            output: OutputPath::new(out),
        });
    }
    Placement {
        pages,
        assets: placed,
        urls: Arc::new(urls),
        errors,
    }
}

fn bundle_output(rel: &str, bundles: &HashMap<&str, &str>) -> Option<String> {
    let mut dir = rel;
    while let Some(i) = dir.rfind('/') {
        dir = &dir[..i];
        if let Some(page_path) = bundles.get(dir) {
            return Some(format!("{page_path}{}", &rel[dir.len() + 1..]));
        }
    }
    None
}

/// Percent-encodes each segment of a path for use in an href.
pub fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    path.split('/')
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// One page's link edges (from, to) and link errors.
type PageLinks = (Vec<(usize, usize)>, Vec<Diagnostic>);

/// Second half: with bodies rendered, check every internal link and anchor, and
/// order the articles. `unparsed` are sources that failed earlier (links to them
/// are not reported again).
pub fn link_and_order(
    pages: Vec<Page>,
    assets: Vec<PlacedAsset>,
    unparsed: &HashSet<String>,
) -> (SiteGraph, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.rel_path.as_str(), i))
        .collect();
    let asset_paths: HashSet<&str> = assets.iter().map(|a| a.asset.rel_path.as_str()).collect();
    // For "did you mean" only: sorted once, and only if a link is broken.
    let all_targets: std::sync::OnceLock<Vec<&str>> = std::sync::OnceLock::new();
    let all_targets = || {
        all_targets.get_or_init(|| {
            let mut all: Vec<&str> = index.keys().copied().collect();
            all.sort_unstable();
            all
        })
    };
    // Each page's links are checked on their own, in parallel; the results
    // are gathered in page order, so errors and edges come in a stable order.
    let checked: Vec<PageLinks> = pages
        .par_iter()
        .enumerate()
        .map(|(from, page)| {
        let mut edges = Vec::new();
        let mut errors = Vec::new();
        for link in &page.body.links {
            let at = |message: String, help: String| {
                Diagnostic::at(
                    &page.source.display_path,
                    &page.source.text,
                    link.span.clone(),
                    message,
                )
                .with_help(help)
            };
            let target_page = match &link.target {
                None if link.resolved => Some(page),
                None => continue, // a URL path (`/about/`); see the render stage
                Some(t) if unparsed.contains(t) => continue,
                Some(t) => match index.get(t.as_str()) {
                    Some(&i) => {
                        if i != from {
                            edges.push((from, i));
                        }
                        Some(&pages[i])
                    }
                    None if asset_paths.contains(t.as_str()) => None,
                    None => {
                        let others = all_targets()
                            .iter()
                            .copied()
                            .filter(|c| *c != page.source.rel_path);
                        let help = match closest(t, others) {
                            Some(best) => format!("did you mean `{}`? (link paths are relative to this file, or start with @/ for content/)", relative_hint(&page.source.rel_path, best)),
                            None => "link to a Markdown file under content/, relative to this file (`other.md`, `../guides/x.md`) or from content/ (`@/articles/x.md`)".into(),
                        };
                        errors.push(at(
                            format!("broken link `{}`: there is no content/{t}", link.written),
                            help,
                        ));
                        continue;
                    }
                },
            };
            if let (Some(target), Some(anchor)) = (target_page, &link.anchor)
                && !target.body.heading_ids.contains(anchor)
                && !is_footnote_anchor(anchor, &target.body.html)
            {
                let mut ids: Vec<&str> =
                    target.body.heading_ids.iter().map(String::as_str).collect();
                ids.sort_unstable();
                let help = match closest(anchor, ids.iter().copied()) {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None if ids.is_empty() => {
                        format!("{} has no headings to link to", target.source.display_path)
                    }
                    None => format!(
                        "headings in {}: {}",
                        target.source.display_path,
                        ids.iter()
                            .map(|i| format!("#{i}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                errors.push(at(
                    format!(
                        "broken anchor `{}`: {} has no heading with id `{anchor}`",
                        link.written, target.source.display_path
                    ),
                    help,
                ));
            }
        }
        (edges, errors)
        })
        .collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (mut e, mut d) in checked {
        edges.append(&mut e);
        errors.append(&mut d);
    }
    let mut articles: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_article && p.kind == PageKind::Page)
        .map(|(i, _)| i)
        .collect();
    articles.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
    let section_pages = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != PageKind::Page)
        .map(|(i, p)| (p.section_dir.clone(), i))
        .collect();
    let graph = SiteGraph {
        pages,
        assets,
        articles,
        section_pages,
        link_edges: edges,
    };
    (graph, errors)
}

fn is_footnote_anchor(anchor: &str, html: &str) -> bool {
    html.contains(&format!("id=\"{anchor}\""))
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

/// `best` written relative to the folder of `from`, as a writer would type it.
fn relative_hint(from: &str, best: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, d)| d.to_vec())
        .unwrap_or_default();
    let to: Vec<&str> = best.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hint_walks_up_and_down() {
        assert_eq!(relative_hint("articles/a.md", "articles/b.md"), "b.md");
        assert_eq!(relative_hint("articles/a.md", "about.md"), "../about.md");
        assert_eq!(relative_hint("about.md", "articles/b.md"), "articles/b.md");
    }

    #[test]
    fn bundle_assets_follow_their_page() {
        let bundles: HashMap<&str, &str> = [("articles/trip", "articles/the-trip/")]
            .into_iter()
            .collect();
        assert_eq!(
            bundle_output("articles/trip/img/a.png", &bundles).as_deref(),
            Some("articles/the-trip/img/a.png")
        );
        assert_eq!(bundle_output("images/a.png", &bundles), None);
    }
}
