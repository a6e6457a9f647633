//! The memo tables of serve's incremental layer, one per seam of the
//! pipeline: sources by their bytes, the placing of pages, rendered bodies,
//! cross-links, compiled templates, listings and what each output file was
//! last rendered from. Each table decides only whether its stage's last
//! answer still holds; the stages themselves know nothing of it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::Changes;
use super::stamps::stamp_of;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::{Parsed, ParsedSource};
use crate::graph::{Page, Placement, SiteGraph};
use crate::images::{ImageTable, SourceIndex};
use crate::load::AssetFile;
use crate::markdown::RenderedBody;
use crate::render::Templates;
use crate::taxonomy::CrossLinks;
use crate::views::Listing;
use crate::vocab::Vocabulary;

/// What one rebuild may reuse from the last.
#[derive(Default)]
pub(super) struct Memo {
    /// A stamp of the settings; when it changes, nothing else is reused.
    pub(super) settings: Option<u64>,
    pub(super) templates: Option<Templates>,
    /// Per template: the parts of `site` it reads (see `stamps::site_uses`).
    pub(super) uses: HashMap<String, u8>,
    /// Every file under content/, by its content-relative path.
    pub(super) content: Option<BTreeMap<String, Entry>>,
    pub(super) bodies: HashMap<String, CachedBody>,
    pub(super) cross: Option<(u64, CrossLinks)>,
    /// Output path → stamp of the data its job rendered (what is being served).
    pub(super) jobs: HashMap<String, u64>,
    /// Page jobs' view digests and the pages they read, by output path, and
    /// every page's stamp at that render (see `stamps::Unchanged`).
    pub(super) page_jobs: HashMap<String, super::stamps::PageJob>,
    pub(super) page_stamps: Vec<u64>,
    /// Content path → (page stamp, what lists show of the page, and the
    /// digest of each of its parts).
    pub(super) listings: HashMap<String, (u64, Listing, Vec<u64>)>,
    /// A stamp of the static files' names (their URLs are in every page).
    pub(super) static_names: Option<u64>,
    /// Image files' hashes and probes (see `images::SourceIndex`).
    pub(super) image_sources: SourceIndex,
    /// Content path → (page stamp, its share card).
    pub(super) cards: HashMap<String, (u64, Option<crate::images::Card>)>,
    /// The keys of the share cards known to be in the picture cache.
    pub(super) cards_in_cache: std::collections::HashSet<u64>,
    /// The last successful render's site, for the express lane.
    pub(super) last: Option<Last>,
    /// The last placing of pages and assets (see `assign_urls`).
    placed: Option<Placed>,
    /// The last run succeeded: `last`, `cross` and `templates` belong together
    /// and are what is served.
    pub(super) last_ok: bool,
    /// Everything must be rendered at the next successful run.
    pub(super) render_all: bool,
    /// The files of the pages scheduled at the last run (their banners).
    pub(super) scheduled: Vec<String>,
}

/// What the last successful render was made of.
pub(super) struct Last {
    pub(super) graph: SiteGraph,
    /// Content path → page index.
    pub(super) index: HashMap<String, usize>,
    pub(super) urls: Arc<HashMap<String, String>>,
    pub(super) listings: Vec<Listing>,
    pub(super) config: Config,
    pub(super) vocab: Vocabulary,
    pub(super) text_words: usize,
    pub(super) pictures: ImageTable,
    pub(super) cards: Vec<Option<crate::images::Card>>,
}

impl Last {
    pub(super) fn rules(&self) -> crate::front::Rules<'_> {
        crate::front::Rules {
            vocab: &self.vocab,
            zone: &self.config.zone,
        }
    }

    pub(super) fn new(
        graph: SiteGraph,
        urls: Arc<HashMap<String, String>>,
        listings: Vec<Listing>,
        config: Config,
        vocab: Vocabulary,
        text_words: usize,
        (pictures, cards): (ImageTable, Vec<Option<crate::images::Card>>),
    ) -> Self {
        let index = graph
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.rel_path.clone(), i))
            .collect();
        Last {
            graph,
            index,
            urls,
            listings,
            config,
            vocab,
            text_words,
            pictures,
            cards,
        }
    }
}

/// A file under content/ as last read.
pub(super) enum Entry {
    Source { hash: u64, parsed: Parsed },
    Asset(AssetFile),
}

/// The last placing of pages and assets, keyed by what placing reads.
struct Placed {
    key: u64,
    /// Its pages carry no bodies.
    placement: Placement,
}

impl Memo {
    /// Brings the content table up to date: all of content/ read afresh, or
    /// (after a first run) only what is at or under the changed paths, with
    /// sources whose bytes did not change left as they were parsed.
    pub(super) fn update_content(
        &mut self,
        root: &Path,
        changes: &Changes,
        rules: crate::front::Rules,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut map = match (self.content.take(), changes) {
            (Some(map), Changes::Paths(_)) => map,
            _ => {
                let mut map = BTreeMap::new();
                problems.extend(insert_loaded(
                    &mut map,
                    crate::load::load_content(root),
                    rules,
                ));
                self.content = Some(map);
                return problems;
            }
        };
        if let Changes::Paths(paths) = changes {
            for path in paths {
                let Some((rel, loaded)) = crate::load::load_content_at(root, path) else {
                    continue;
                };
                // What was at or under this path before; whatever is still there comes back.
                let prefix = format!("{rel}/");
                let present: HashSet<&str> = loaded
                    .sources
                    .iter()
                    .map(|s| s.rel_path.as_str())
                    .chain(loaded.assets.iter().map(|a| a.rel_path.as_str()))
                    .chain(loaded.unreadable.iter().map(|(k, _)| k.as_str()))
                    .collect();
                map.retain(|k, _| {
                    !(rel.is_empty() || *k == rel || k.starts_with(&prefix))
                        || present.contains(k.as_str())
                });
                problems.extend(insert_loaded(&mut map, loaded, rules));
            }
        }
        self.content = Some(map);
        problems
    }

    /// `graph::assign_urls`, or its last result when every source's path and
    /// slug and every asset's path are as they were: then only the sources
    /// are swapped in. True with it when the URL map is the last one.
    pub(super) fn assign_urls(
        &mut self,
        sources: Vec<Arc<ParsedSource>>,
        assets: Vec<AssetFile>,
        config: &Config,
    ) -> (Placement, bool) {
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
        if let Some(placed) = self.placed.as_ref().filter(|p| p.key == key) {
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
        self.placed = Some(Placed {
            key,
            placement: kept,
        });
        (placement, false)
    }

    /// Forgets everything.
    pub(super) fn reset(&mut self) {
        *self = Memo::default();
    }
}

/// Parses the sources whose bytes changed (in parallel) into the table;
/// returns the loader's warnings.
fn insert_loaded(
    map: &mut BTreeMap<String, Entry>,
    loaded: crate::load::LoadedContent,
    rules: crate::front::Rules,
) -> Vec<Diagnostic> {
    let crate::load::LoadedContent {
        sources,
        assets,
        unreadable,
        warnings,
    } = loaded;
    use rayon::prelude::*;
    for a in assets {
        map.insert(a.rel_path.clone(), Entry::Asset(a));
    }
    for (rel, problem) in unreadable {
        // No page until it reads again; its problem is reported every rebuild.
        let parsed = Err(vec![problem]);
        map.insert(rel, Entry::Source { hash: 0, parsed });
    }
    let changed: Vec<(crate::load::SourceFile, u64)> = sources
        .into_iter()
        .map(|s| {
            let hash = stamp_of(&s.bytes);
            (s, hash)
        })
        .filter(|(s, hash)| {
            !matches!(map.get(&s.rel_path), Some(Entry::Source { hash: old, .. }) if old == hash)
        })
        .collect();
    let parsed: Vec<(String, Entry)> = changed
        .into_par_iter()
        .map(|(s, hash)| {
            let parsed = crate::front::parse_source(&s, rules);
            (s.rel_path, Entry::Source { hash, parsed })
        })
        .collect();
    map.extend(parsed);
    warnings
}

/// A page's rendered Markdown and what it was rendered from.
pub(super) struct CachedBody {
    pub(super) source: Arc<ParsedSource>,
    pub(super) body: Arc<RenderedBody>,
    /// Each internal link's target and the URL it resolved to.
    lookups: Vec<(String, Option<String>)>,
    /// Each picture it shows (or tried to) and that picture's stamp.
    pictures: Vec<(String, u64)>,
    /// Source text, path, HTML and pictures together.
    pub(super) stamp: u64,
}

impl CachedBody {
    pub(super) fn new(
        source: Arc<ParsedSource>,
        body: Arc<RenderedBody>,
        urls: &HashMap<String, String>,
        images: &ImageTable,
    ) -> Self {
        let pictures = body
            .pictures
            .iter()
            .map(|(key, _)| (key.clone(), images.stamp(key)))
            .collect();
        let lookups = body
            .links
            .iter()
            .filter_map(|l| l.target.as_ref())
            .map(|t| (t.clone(), urls.get(t).cloned()))
            .collect();
        // The pictures too: a featured image shows in lists, not in the body.
        let stamp = stamp_of(&(&source.rel_path, &source.text, &body.html, &pictures));
        CachedBody {
            source,
            body,
            lookups,
            pictures,
            stamp,
        }
    }

    /// Still right for `source` with this URL map? (`same_urls`: the map is
    /// the one it was rendered with, so its links resolve as they did.)
    pub(super) fn fits(
        &self,
        source: &Arc<ParsedSource>,
        urls: &HashMap<String, String>,
        same_urls: bool,
        images: &ImageTable,
    ) -> bool {
        Arc::ptr_eq(&self.source, source)
            && self
                .pictures
                .iter()
                .all(|(key, stamp)| images.stamp(key) == *stamp)
            && (same_urls
                || self
                    .lookups
                    .iter()
                    .all(|(target, url)| urls.get(target) == url.as_ref()))
    }
}

/// A stamp of everything the cross-links are computed from: tags, the order
/// of pages (dates; titles only break ties between undated pages) and links.
pub(super) fn cross_link_key(graph: &SiteGraph) -> u64 {
    let pages: Vec<_> = graph
        .pages
        .iter()
        .map(|p| {
            let meta = &p.source.meta;
            (
                &p.source.rel_path,
                p.kind,
                p.is_article,
                &meta.tags,
                meta.date.as_ref().map(|d| d.timestamp),
                meta.date.is_none().then_some(&meta.title),
            )
        })
        .collect();
    stamp_of(&(pages, &graph.articles, &graph.link_edges))
}
