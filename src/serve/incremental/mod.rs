//! serve's incremental layer. A `Session` rebuilds the site after a save by
//! calling the same stage functions as `huddle build` (`pipeline.rs`) on
//! fewer inputs, with memo tables at the seams (`memo`): sources by their
//! bytes, the placing of pages, rendered bodies, cross-links, templates and
//! listings. It renders only the output files whose stamp (`stamps`)
//! changed, edited pages first, and answers a body-only save at once through
//! the express lane (`express`). Anything it cannot judge (site.toml, the
//! first build, a watcher error) renders everything. No build stage imports it.

mod changed;
mod changes;
mod digest;
mod express;
mod memo;
mod pictures;
mod stamps;
mod templates;

use std::sync::Arc;

use rayon::prelude::*;

use crate::images::ImageTable;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::Sources;
use crate::graph::{Page, SiteGraph};
use crate::render::{OutputFile, RenderInput, Templates};
use crate::search::SearchBatch;
use crate::vocab::Vocabulary;
use crate::{BuildOptions, RenderedSite, StageTimer, front, graph, load, pipeline, taxonomy};
use changed::{SinceLast, listings, render_changed};
pub use changes::Changes;
use memo::{CachedBody, Entry, Last, Memo, cross_link_key};
use stamps::stamp_of;
use templates::{compile_templates, take_templates};

/// A site being served, with what its last rebuild can lend the next one.
pub struct Session {
    opts: BuildOptions,
    memo: Memo,
    /// The last good rebuild's pages to index, for serve's background indexer.
    search: Option<SearchBatch>,
    /// Says yes when a newer save is waiting: the rebuild then stops after
    /// its edited pages (see `RebuildError::Interrupted`).
    newer_save: Option<NewerSave>,
}

/// Asked between a rebuild's steps: has a newer save arrived?
pub type NewerSave = Arc<dyn Fn() -> bool + Send + Sync>;

/// Why a rebuild returned no site.
#[derive(Debug)]
pub enum RebuildError {
    /// The site has errors (all of them); the last good site stays served.
    Problems(Vec<Diagnostic>),
    /// A newer save arrived while the pages that list or link to the edited
    /// ones were rendering: the rebuild stopped there, after handing its
    /// edited pages to the first phase. Rebuild at once with these changes
    /// and the newer ones merged (`Changes::merged`); until then the
    /// served site is the last good one plus those pages.
    Interrupted,
}

impl From<Vec<Diagnostic>> for RebuildError {
    fn from(problems: Vec<Diagnostic>) -> Self {
        RebuildError::Problems(problems)
    }
}

/// Per page: a stamp of its source, URL and body, and whether its body was
/// rendered afresh (the page was edited, or its links changed).
struct PageStamps {
    stamps: Vec<u64>,
    edited: Vec<bool>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Self {
        // Paths from the watcher are resolved; the root must be too.
        let opts = opts.resolved().unwrap_or(opts);
        Session {
            opts,
            memo: Memo::default(),
            search: None,
            newer_save: None,
        }
    }

    /// Rebuilds stop after their edited pages once `newer_save` says yes
    /// (serve asks its watcher's flag, set when a save arrives during a
    /// rebuild); None: they always run to the end.
    pub fn interrupt_when(&mut self, newer_save: Option<NewerSave>) {
        self.newer_save = newer_save;
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Fixes the moment the next rebuilds judge schedules by (`None`: the
    /// clock, as serve runs). For tests of time passing under serve.
    pub fn set_now(&mut self, now: Option<jiff::Timestamp>) {
        self.opts.now = now;
    }

    /// The pages of the last good rebuild to index (once).
    pub fn take_search(&mut self) -> Option<SearchBatch> {
        self.search.take()
    }

    /// Rebuilds after `changes`. The files that changed are returned (not the
    /// whole site), with every path the site now has. Pages the change edited
    /// are rendered first and handed to `first_phase` before the pages that
    /// list or link to them are rendered; a newer save (`interrupt_when`)
    /// stops the rebuild there.
    pub fn rebuild(
        &mut self,
        changes: &Changes,
        first_phase: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<RenderedSite, RebuildError> {
        let express = express::express_page(&mut self.memo, &self.opts.root, changes);
        let express_path = express.as_ref().map(|f| f.path.as_str().to_string());
        if let Some(page) = express {
            first_phase(vec![page]);
        }
        let result = self.run(changes, first_phase, express_path.is_some());
        if result.is_err()
            && let Some(path) = express_path
        {
            // Served, but not by a finished run: render it again next time.
            self.memo.jobs.remove(&path);
        }
        result
    }

    /// The pipeline's stages in the pipeline's order, each through its memo.
    /// `served`: the express lane served the edited page already, so a newer
    /// save may stop this run at any stage, not only after its first phase.
    fn run(
        &mut self,
        changes: &Changes,
        first_phase: &mut dyn FnMut(Vec<OutputFile>),
        served: bool,
    ) -> Result<RenderedSite, RebuildError> {
        let newer_save = self.newer_save.clone();
        let stop = move || newer_save.as_ref().is_some_and(|asked| asked());
        let stop_early = || served && stop();
        let root = self.opts.root.clone();
        let mut timer = StageTimer::from_env();
        let (config, vocab) = pipeline::settings(&self.opts)?;
        let changes = self.check_settings(changes);
        let memo = &mut self.memo;
        // The memos are all from the last good run only if the last run was good.
        let last_was_good = memo.last_ok;
        // Until this run succeeds, the last render is not what is served.
        memo.last_ok = false;
        let (cached_templates, template_files) = take_templates(memo, &root, &changes, &config);
        let mut problems = memo.update_content(
            &root,
            &changes,
            front::Rules {
                vocab: &vocab,
                zone: &config.zone,
            },
        );
        let (sources, assets) = gather(memo, pipeline::publish(&self.opts, &config), &config.zone);
        problems.extend(sources.problems);
        // A page's banner says whether it is scheduled, which the clock
        // changes without a save.
        let scheduled: Vec<String> = sources.scheduled.iter().map(|s| s.file.clone()).collect();
        if memo.scheduled != scheduled {
            memo.render_all = true;
            memo.scheduled = scheduled;
        }
        timer.mark("front matter");
        let (placement, same_urls) = memo.assign_urls(sources.sources, assets, &config);
        problems.extend(placement.errors);
        let (mut pages, assets, urls) = (placement.pages, placement.assets, placement.urls);
        let (static_files, pictures) = pictures::survey(memo, &root, &assets, &config);
        let text_words = pipeline::search_words(&config, true);
        let stamps = render_bodies(
            memo,
            &mut pages,
            &urls,
            same_urls,
            text_words,
            &pictures,
            &config.strings,
        );
        timer.mark("markdown");
        if stop_early() {
            return Err(stopped(memo, cached_templates, last_was_good && same_urls));
        }
        let (site, link_errors) = graph::link_and_order(pages, assets, &sources.absent);
        problems.extend(link_errors);
        problems.extend(pipeline::site_checks(&site, &vocab, &config, &static_files));
        let compiled = compile_templates(memo, cached_templates, template_files, &mut problems);
        let Some(mut templates) = compiled else {
            return Err(problems.into());
        };
        templates.set_language(&config.language);
        timer.mark("links checked");
        if stop_early() {
            return Err(stopped(memo, Some(templates), last_was_good && same_urls));
        }
        let (key, links, same_links) = cross_links(memo, &site, &config, &vocab);
        problems.extend(taxonomy::unused_vocabulary(&links, &vocab));
        let everything = memo.render_all;
        let (listings, cards) = lists_and_cards(
            memo,
            &site,
            &links,
            &templates,
            &pictures,
            (&config, &vocab),
            (stamps.stamps.as_slice(), everything),
        )
        .map_err(|e| [e, problems.clone()].concat())?;
        timer.mark("cross-linked");
        if stop_early() {
            memo.cross = Some((key, links));
            let kept = last_was_good && same_urls && same_links;
            return Err(stopped(memo, Some(templates), kept));
        }
        let input = RenderInput {
            graph: &site,
            bodies: &[],
            links: &links,
            config: &config,
            vocab: &vocab,
            static_files: &static_files,
            listings: &listings.values,
            cards: &cards,
        };
        let same_structure = last_was_good && same_urls && same_links;
        let rendered = render_changed(
            memo,
            input,
            &mut templates,
            &SinceLast {
                pages: &stamps,
                listed: &listings.digests,
                everything,
                same_structure,
            },
            (first_phase, &stop),
        );
        memo.cross = Some((key, links));
        memo.templates = Some(templates);
        let rendered = match rendered {
            Err(RebuildError::Interrupted) => return Err(stopped(memo, None, same_structure)),
            Err(RebuildError::Problems(p)) => Err(p),
            Ok(delta) => Ok(delta),
        };
        let (files, all_paths, rendered, images) = pictures::encode(
            rendered,
            &root,
            &site,
            &pictures,
            (&cards, &mut memo.cards_in_cache),
        )
        .map_err(|e| [e, problems.clone()].concat())?;
        timer.mark("rendered");
        self.search = search_batch(&site, &config, &vocab);
        let pages = site.pages.len();
        memo.render_all = false;
        memo.last_ok = true;
        memo.last = Some(Last::new(
            site,
            urls,
            listings.values,
            config,
            vocab,
            text_words,
            (pictures, cards),
        ));
        Ok(RenderedSite {
            files,
            all_paths,
            pages,
            rendered,
            warnings: problems,
            images,
            scheduled: sources.scheduled,
            emails: Vec::new(),
            search_index: None,
        })
    }

    /// New settings make every memo stale: then the change is "everything".
    fn check_settings(&mut self, changes: &Changes) -> Changes {
        // Everything `Config` holds comes from site.toml and the options, so
        // their bytes are the settings' stamp.
        let site_toml = std::fs::read(self.opts.root.join(crate::config::CONFIG_FILE)).ok();
        let o = &self.opts;
        let settings = stamp_of(&(site_toml, &o.base_url, o.drafts, o.future, o.dev_server));
        if self.memo.settings != Some(settings) {
            self.memo.reset();
            self.memo.settings = Some(settings);
            return Changes::Everything;
        }
        changes.clone()
    }
}

/// Leaves the memos for the next run when a newer save stopped this one
/// (with the templates it took, if it still holds them). Nothing of the
/// served site's record (which files hold which stamps) was written, so
/// while `kept` (the last run was good and this one changed neither the
/// pages' places nor the cross-links) the memos describe the last good run
/// plus this run's sources, and the next run may use them as after a good
/// run (its structure compared with this one's is compared with that one's).
fn stopped(memo: &mut Memo, templates: Option<Templates>, kept: bool) -> RebuildError {
    if templates.is_some() {
        memo.templates = templates;
    }
    memo.last_ok = kept && !memo.render_all;
    RebuildError::Interrupted
}

/// `taxonomy::cross_link`, or the last cross-links while what they are
/// computed from is the same (true with them then), with their key.
fn cross_links(
    memo: &mut Memo,
    site: &SiteGraph,
    config: &Config,
    vocab: &Vocabulary,
) -> (u64, taxonomy::CrossLinks, bool) {
    let key = cross_link_key(site);
    match memo.cross.take() {
        Some((k, links)) if k == key => (key, links, true),
        _ => (key, taxonomy::cross_link(site, config, vocab), false),
    }
}

/// What lists show of every page, and every page's share card.
fn lists_and_cards(
    memo: &mut Memo,
    site: &SiteGraph,
    links: &taxonomy::CrossLinks,
    templates: &Templates,
    pictures: &ImageTable,
    settings: (&Config, &Vocabulary),
    (stamps, everything): (&[u64], bool),
) -> Result<(changed::Listings, Vec<Option<crate::images::Card>>), Vec<Diagnostic>> {
    let (config, vocab) = settings;
    let cards = pictures::cards(
        memo,
        site,
        templates,
        settings,
        pictures,
        (stamps, everything),
    )?;
    let listings = listings(memo, site, links, config, vocab, stamps, everything);
    Ok((listings, cards))
}

/// The content table's sources (as `front::gather` sorts them) and assets.
fn gather(
    memo: &Memo,
    publish: front::Publish,
    zone: &jiff::tz::TimeZone,
) -> (Sources, Vec<load::AssetFile>) {
    let Some(content) = memo.content.as_ref() else {
        return Default::default();
    };
    let parsed = content.iter().filter_map(|(k, e)| match e {
        Entry::Source { parsed, .. } => Some((k.as_str(), parsed)),
        Entry::Asset(_) => None,
    });
    let sources = front::gather(parsed, publish, zone);
    let assets = content
        .values()
        .filter_map(|e| match e {
            Entry::Asset(a) => Some(a.clone()),
            Entry::Source { .. } => None,
        })
        .collect();
    (sources, assets)
}

/// `graph::render_bodies` for the pages whose body memo no longer fits, and
/// each page's stamp.
fn render_bodies(
    memo: &mut Memo,
    pages: &mut [Page],
    urls: &std::collections::HashMap<String, String>,
    same_urls: bool,
    text_words: usize,
    pictures: &ImageTable,
    strings: &crate::strings::Strings,
) -> PageStamps {
    let kept: Vec<Option<Arc<crate::markdown::RenderedBody>>> = pages
        .par_iter()
        .with_min_len(256)
        .map(|page| {
            memo.bodies
                .get(page.source.rel_path.as_str())
                .filter(|c| c.fits(&page.source, urls, same_urls, pictures))
                .map(|c| Arc::clone(&c.body))
        })
        .collect();
    graph::render_bodies(pages, urls, text_words, pictures, strings, &kept);
    let edited: Vec<bool> = kept.iter().map(Option::is_none).collect();
    let fresh: Vec<(usize, CachedBody)> = (0..pages.len())
        .into_par_iter()
        .filter(|&i| edited[i])
        .map(|i| {
            let page = &pages[i];
            let (source, body) = (Arc::clone(&page.source), Arc::clone(&page.body));
            let entry = CachedBody::new(source, body, urls, pictures);
            (i, entry)
        })
        .collect();
    for (i, entry) in fresh {
        memo.bodies.insert(pages[i].source.rel_path.clone(), entry);
    }
    if memo.bodies.len() > pages.len() {
        let live: std::collections::HashSet<&str> =
            pages.iter().map(|p| p.source.rel_path.as_str()).collect();
        memo.bodies.retain(|k, _| live.contains(k.as_str()));
    }
    let stamps = pages
        .par_iter()
        .with_min_len(256)
        .map(|page| {
            let body = memo
                .bodies
                .get(page.source.rel_path.as_str())
                .map_or(0, |c| c.stamp);
            stamp_of(&(body, &page.path, page.kind))
        })
        .collect();
    PageStamps { stamps, edited }
}

/// The pages to index, for serve's background indexer (which makes the
/// records itself, so no save waits for them).
fn search_batch(site: &SiteGraph, config: &Config, vocab: &Vocabulary) -> Option<SearchBatch> {
    if !config.search.enabled {
        return None;
    }
    let language = config.language.clone();
    let bundles = config.search.bundles(site.searchable_pages());
    let config = config.clone();
    let vocab = vocab.clone();
    let mut pages = site.pages.clone();
    Some(SearchBatch {
        records: Box::new(move || crate::search::search_records(&mut pages, &config, &vocab)),
        language,
        bundles,
    })
}
