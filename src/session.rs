//! Incremental rebuilds for `huddle serve --watch`. A `Session` runs the same
//! pipeline as `huddle build` (see `lib.rs`) but keeps what it can between
//! rebuilds: the parsed front matter of each source (keyed by its bytes), each
//! page's rendered Markdown (kept while the links it resolved still resolve the
//! same way), the cross-links (while tags, dates, titles and links are
//! unchanged), the compiled templates, and a stamp of what every output file
//! was rendered from (see `stamps`). So a save re-reads only the files the
//! watcher named and re-renders only the output files whose data changed.
//! Anything it cannot judge (site.toml, the first build, a watcher error) is a
//! full rebuild.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::ParsedSource;
use crate::graph::{Page, Placement, SiteGraph};
use crate::load::AssetFile;
use crate::markdown::RenderedBody;
use crate::render::{OutputFile, RenderCache, Templates};
use crate::stamps::stamp_of;
use crate::taxonomy::CrossLinks;
use crate::vocab::Vocabulary;
use crate::{BuildOptions, RenderedSite};

/// What changed since the last rebuild.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Unknown: rebuild everything.
    Everything,
    /// These files or folders (absolute paths, as the watcher reports them).
    Paths(Vec<PathBuf>),
}

impl Changes {
    /// True if anything under `root/<dir>` (for any of `dirs`) changed.
    pub fn touches(&self, root: &Path, dirs: &[&str]) -> bool {
        match self {
            Changes::Everything => true,
            Changes::Paths(paths) => paths
                .iter()
                .any(|p| dirs.iter().any(|d| p.starts_with(root.join(d)))),
        }
    }

    /// True if `file` is one of the changed paths or inside one.
    pub fn covers(&self, file: &Path) -> bool {
        match self {
            Changes::Everything => true,
            Changes::Paths(paths) => paths.iter().any(|p| file.starts_with(p)),
        }
    }
}

/// A site being served, with what its last rebuild can lend the next one.
pub struct Session {
    opts: BuildOptions,
    cache: Cache,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Self {
        Session {
            opts,
            cache: Cache {
                enabled: true,
                ..Cache::default()
            },
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Rebuilds after `changes`. The files that changed are returned (not the
    /// whole site), with every path the site now has. Pages the change edited
    /// are rendered first and handed to `first_phase` before the pages that
    /// list or link to them are rendered.
    pub fn rebuild(
        &mut self,
        changes: &Changes,
        first_phase: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<RenderedSite, Vec<Diagnostic>> {
        let express = self.express(changes);
        let express_path = express.as_ref().map(|f| f.path.as_str().to_string());
        if let Some(page) = express {
            first_phase(vec![page]);
        }
        let result = crate::run_pipeline(
            &self.opts,
            crate::SearchWork::Records,
            &mut self.cache,
            changes,
            Some(first_phase),
        );
        if result.is_err()
            && let Some(path) = express_path
        {
            // Served, but not by a successful run: render it again next time.
            self.cache.render.jobs.remove(&path);
        }
        result
    }
}

impl Session {
    /// The express lane, for the most common save: one article's body changed
    /// and nothing about it that other pages show or check (front matter,
    /// links, heading and other ids) did. Then that page alone is rendered
    /// against the last render's site, before the full incremental rebuild
    /// (which renders it again, identically, and everything that lists it).
    /// None when the save is anything else, or in doubt.
    fn express(&mut self, changes: &Changes) -> Option<OutputFile> {
        let Changes::Paths(paths) = changes else {
            return None;
        };
        let [path] = paths.as_slice() else {
            return None;
        };
        if !self.cache.last_ok {
            return None;
        }
        let last = self.cache.last.as_mut()?;
        let templates = self.cache.templates.as_ref()?;
        let (_, links) = self.cache.cross.as_ref()?;
        let rel = path
            .strip_prefix(self.opts.root.join("content"))
            .ok()?
            .to_str()?
            .replace('\\', "/");
        let i = *last.index.get(&rel)?;
        let old = &last.graph.pages[i];
        if old.kind != crate::graph::PageKind::Page
            || templates.site_uses("page.html") & crate::stamps::SITE_ARTICLES != 0
        {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let source = parse(&rel, &bytes, &last.vocab).ok()?;
        if !source.problems.is_empty()
            || source.meta != old.source.meta
            || source.text == old.source.text
        {
            return None;
        }
        let ctx = crate::markdown::LinkContext {
            page_rel_path: &rel,
            urls: &last.urls,
            text_words: last.text_words,
        };
        let body = crate::markdown::render_body(
            &source.text[source.body_start..],
            source.body_start,
            &ctx,
        );
        let link_keys = |b: &RenderedBody| -> Vec<(Option<String>, Option<String>, bool)> {
            b.links
                .iter()
                .map(|l| (l.target.clone(), l.anchor.clone(), l.resolved))
                .collect()
        };
        if link_keys(&body) != link_keys(&old.body)
            || body.heading_ids != old.body.heading_ids
            || element_ids(&body.html) != element_ids(&old.body.html)
        {
            return None;
        }
        let mut page = old.clone();
        page.source = Arc::new(source);
        page.body = Arc::new(body);
        last.graph.pages[i] = page;
        crate::render::render_one_page(
            &last.graph,
            links,
            templates,
            &last.config,
            &last.vocab,
            &last.summaries,
            i,
        )
        .ok()
    }
}

/// Every `id="..."` in some HTML (anchors other pages may link to).
fn element_ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| html[i + m.len()..].split('"').next())
        .collect()
}

/// What one run may reuse from the last. Disabled (and empty) for `huddle build`.
#[derive(Default)]
pub(crate) struct Cache {
    pub(crate) enabled: bool,
    /// A stamp of the settings; when it changes, nothing else is reused.
    pub(crate) settings: Option<u64>,
    pub(crate) templates: Option<Templates>,
    /// Every file under content/, by its content-relative path.
    content: Option<BTreeMap<String, Entry>>,
    pub(crate) bodies: HashMap<String, CachedBody>,
    pub(crate) cross: Option<(u64, CrossLinks)>,
    pub(crate) render: RenderCache,
    /// A stamp of the static files' names (their URLs are in every page).
    pub(crate) static_names: Option<u64>,
    /// The last successful render's site, for `Session::express`.
    pub(crate) last: Option<Last>,
    /// The last placing of pages and assets (see `assign_urls`).
    placed: Option<Placed>,
    /// The last run succeeded: `last`, `cross` and `templates` belong together
    /// and are what is served.
    pub(crate) last_ok: bool,
    /// Everything must be rendered at the next successful run.
    pub(crate) render_all: bool,
}

/// The last placing of pages and assets, keyed by what placing reads.
struct Placed {
    key: u64,
    /// Its pages carry no bodies.
    placement: Placement,
}

/// `graph::assign_urls`, or (serve) its last result when every source's path
/// and slug and every asset's path are as they were: then only the sources
/// are swapped in. True with it when the URL map is the last one.
pub(crate) fn assign_urls(
    cache: &mut Cache,
    sources: Vec<Arc<ParsedSource>>,
    assets: Vec<AssetFile>,
    config: &Config,
) -> (Placement, bool) {
    if !cache.enabled {
        return (crate::graph::assign_urls(sources, assets, config), false);
    }
    let key = stamp_of(&(
        sources
            .iter()
            .map(|s| (&s.rel_path, &s.meta.slug))
            .collect::<Vec<_>>(),
        assets
            .iter()
            .map(|a| (&a.rel_path, &a.abs_path))
            .collect::<Vec<_>>(),
    ));
    if let Some(placed) = cache.placed.as_ref().filter(|p| p.key == key) {
        // Same sources in the same order (duplicates were left out the same way).
        let mut by_path: HashMap<&str, &Arc<ParsedSource>> =
            sources.iter().map(|s| (s.rel_path.as_str(), s)).collect();
        let last = &placed.placement;
        let pages: Option<Vec<Page>> = last
            .pages
            .iter()
            .map(|p| {
                by_path.remove(p.source.rel_path.as_str()).map(|s| Page {
                    source: Arc::clone(s),
                    ..p.clone()
                })
            })
            .collect();
        if let Some(pages) = pages {
            let placement = Placement {
                pages,
                ..last.clone_without_pages()
            };
            return (placement, true);
        }
    }
    let placement = crate::graph::assign_urls(sources, assets, config);
    let mut kept = placement.clone_without_pages();
    kept.pages = placement
        .pages
        .iter()
        .map(|p| Page {
            body: Arc::default(),
            ..p.clone()
        })
        .collect();
    cache.placed = Some(Placed {
        key,
        placement: kept,
    });
    (placement, false)
}

/// What the last successful render was made of.
pub(crate) struct Last {
    pub(crate) graph: SiteGraph,
    /// Content path → page index.
    pub(crate) index: HashMap<String, usize>,
    pub(crate) urls: Arc<HashMap<String, String>>,
    pub(crate) summaries: Vec<tera::Value>,
    pub(crate) config: Config,
    pub(crate) vocab: Vocabulary,
    pub(crate) text_words: usize,
}

impl Cache {
    /// Forgets everything but whether caching is on.
    pub(crate) fn reset(&mut self) {
        *self = Cache {
            enabled: self.enabled,
            ..Cache::default()
        };
    }
}

enum Entry {
    Source {
        hash: u64,
        parsed: Result<Arc<ParsedSource>, Vec<Diagnostic>>,
    },
    Asset(PathBuf),
}

/// A page's rendered Markdown and what it was rendered from.
pub(crate) struct CachedBody {
    pub(crate) source: Arc<ParsedSource>,
    pub(crate) body: Arc<RenderedBody>,
    /// Each internal link's target and the URL it resolved to.
    lookups: Vec<(String, Option<String>)>,
    /// Source text, path and HTML together.
    pub(crate) stamp: u64,
}

impl CachedBody {
    pub(crate) fn new(
        source: Arc<ParsedSource>,
        body: Arc<RenderedBody>,
        urls: &HashMap<String, String>,
    ) -> Self {
        let lookups = body
            .links
            .iter()
            .filter_map(|l| l.target.as_ref())
            .map(|t| (t.clone(), urls.get(t).cloned()))
            .collect();
        let stamp = stamp_of(&(&source.rel_path, &source.text, &body.html));
        CachedBody {
            source,
            body,
            lookups,
            stamp,
        }
    }

    /// Still right for `source` with this URL map? (`same_urls`: the map is
    /// the one it was rendered with, so its links resolve as they did.)
    pub(crate) fn fits(
        &self,
        source: &Arc<ParsedSource>,
        urls: &HashMap<String, String>,
        same_urls: bool,
    ) -> bool {
        Arc::ptr_eq(&self.source, source)
            && (same_urls
                || self
                    .lookups
                    .iter()
                    .all(|(target, url)| urls.get(target) == url.as_ref()))
    }
}

/// The sources and assets of content/, parsed.
#[derive(Default)]
pub(crate) struct Content {
    /// Sorted by content path, whichever way they were found.
    pub(crate) sources: Vec<Arc<ParsedSource>>,
    /// Sources that failed to parse, or drafts left out: links to them are not
    /// reported again.
    pub(crate) unparsed: HashSet<String>,
    pub(crate) assets: Vec<AssetFile>,
    pub(crate) problems: Vec<Diagnostic>,
}

fn parse(rel: &str, bytes: &[u8], vocab: &Vocabulary) -> Result<ParsedSource, Vec<Diagnostic>> {
    let display = format!("content/{rel}");
    let is_article = crate::graph::is_article_path(rel);
    crate::front::parse_front_matter(&display, rel, bytes, is_article, vocab)
}

/// Reads and parses content/: all of it, or (with a filled cache) only the
/// changed paths.
pub(crate) fn load_content(
    root: &Path,
    vocab: &Vocabulary,
    drafts: bool,
    cache: &mut Cache,
    changes: &Changes,
) -> Content {
    use rayon::prelude::*;
    let mut problems = Vec::new();
    let map = match (cache.enabled, cache.content.take(), changes) {
        (true, Some(mut map), Changes::Paths(paths)) => {
            let content_dir = root.join("content");
            for p in paths {
                update_path(&mut map, root, &content_dir, p, vocab, &mut problems);
            }
            map
        }
        _ => {
            let loaded = match crate::load::load_content(root) {
                Ok(c) => c,
                Err(mut e) => {
                    problems.append(&mut e);
                    crate::load::LoadedContent::default()
                }
            };
            problems.extend(loaded.warnings);
            let parsed: Vec<(String, Entry)> = loaded
                .sources
                .into_par_iter()
                .map(|s| {
                    let entry = Entry::Source {
                        hash: stamp_of(&s.bytes),
                        parsed: parse(&s.rel_path, &s.bytes, vocab).map(Arc::new),
                    };
                    (s.rel_path, entry)
                })
                .collect();
            let mut map: BTreeMap<String, Entry> = parsed.into_iter().collect();
            for a in loaded.assets {
                map.insert(a.rel_path, Entry::Asset(a.abs_path));
            }
            map
        }
    };
    let mut out = Content {
        problems,
        ..Content::default()
    };
    for (rel, entry) in &map {
        if let Entry::Source { parsed: Ok(s), .. } = entry {
            // A file that parsed with errors still takes part, so its links
            // are checked too; the build fails on its problems.
            out.problems.extend(s.problems.iter().cloned());
        }
        match entry {
            Entry::Source { parsed: Ok(s), .. } if s.meta.draft && !drafts => {
                out.unparsed.insert(rel.clone());
            }
            Entry::Source { parsed: Ok(s), .. } => out.sources.push(Arc::clone(s)),
            Entry::Source { parsed: Err(e), .. } => {
                out.unparsed.insert(rel.clone());
                out.problems.extend(e.iter().cloned());
            }
            Entry::Asset(abs) => out.assets.push(AssetFile {
                rel_path: rel.clone(),
                abs_path: abs.clone(),
            }),
        }
    }
    if cache.enabled {
        cache.content = Some(map);
    }
    out
}

/// Brings the entries at and under one changed path up to date.
fn update_path(
    map: &mut BTreeMap<String, Entry>,
    root: &Path,
    content_dir: &Path,
    path: &Path,
    vocab: &Vocabulary,
    problems: &mut Vec<Diagnostic>,
) {
    let Ok(rel) = path.strip_prefix(content_dir) else {
        return;
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.iter().any(|p| crate::load::is_ignored_name(p)) {
        return;
    }
    let rel = parts.join("/");
    // What was at or under this path before; whatever is still there comes back.
    let prefix = format!("{rel}/");
    let mut stale: Vec<String> = map
        .keys()
        .filter(|k| rel.is_empty() || **k == rel || k.starts_with(&prefix))
        .cloned()
        .collect();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    if path.is_dir() {
        for (sub, abs) in crate::load::walk_files(path, root, problems) {
            let key = if rel.is_empty() {
                sub
            } else {
                format!("{rel}/{sub}")
            };
            found.push((key, abs));
        }
    } else if path.is_file() {
        found.push((rel.clone(), path.to_path_buf()));
    }
    let present: HashSet<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
    stale.retain(|k| !present.contains(k.as_str()));
    for k in stale {
        map.remove(&k);
    }
    for (key, abs) in found {
        if !key.ends_with(".md") {
            map.insert(key, Entry::Asset(abs));
            continue;
        }
        let entry = match std::fs::read(&abs) {
            Ok(bytes) => {
                let hash = stamp_of(&bytes);
                if let Some(Entry::Source { hash: old, .. }) = map.get(&key)
                    && *old == hash
                {
                    continue;
                }
                Entry::Source {
                    hash,
                    parsed: parse(&key, &bytes, vocab).map(Arc::new),
                }
            }
            Err(e) => Entry::Source {
                hash: 0,
                parsed: Err(vec![
                    Diagnostic::file_error(
                        crate::load::display_path(root, &abs),
                        format!("cannot read file: {e}"),
                    )
                    .with_help("check the file's permissions"),
                ]),
            },
        };
        map.insert(key, entry);
    }
}
