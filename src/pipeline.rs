//! The build, top to bottom: one function that calls the stages in order
//! (see ARCHITECTURE.md). `huddle build` and `huddle check` run it; serve's
//! incremental layer (`serve::incremental`) calls the same stage functions on
//! fewer inputs. Nothing here caches, and only `output` (called by `build`)
//! writes.

use std::sync::Mutex;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::SiteGraph;
use crate::render::{RenderInput, Rendered};
use crate::vocab::Vocabulary;
use crate::{BuildOptions, RenderedSite, StageTimer};
use crate::{config, front, graph, images, load, render, search, taxonomy};

/// Whether a run makes the search index.
#[derive(Clone, Copy)]
pub(crate) enum Index<'a> {
    No,
    /// Made afresh.
    Fresh,
    /// For this output folder: the index it holds is kept when the last
    /// build there indexed the same records (`search::kept_index`).
    Into(&'a std::path::Path),
}

/// Every stage but the writer. With `index`, the search index is built too
/// (on its own thread, while the pages render).
pub(crate) fn run(opts: &BuildOptions, index: Index) -> Result<RenderedSite, Vec<Diagnostic>> {
    let mut timer = StageTimer::from_env();
    let (config, vocab) = settings(opts)?;
    let (sources, assets, mut problems) = read_sources(opts, &config, &vocab);
    problems.extend(sources.problems);
    timer.mark("front matter");
    let placement = graph::assign_urls(sources.sources, assets, &config);
    problems.extend(placement.errors);
    let static_files = load::load_static(&opts.root, &config.theme);
    let pictures = Pictures::survey(&opts.root, &placement.assets, &static_files, &config);
    timer.mark("pictures surveyed");
    let text_words = search_words(&config, !matches!(index, Index::No));
    let (mut pages, urls) = (placement.pages, &placement.urls);
    graph::render_bodies(
        &mut pages,
        urls,
        text_words,
        &pictures.table,
        &config.strings,
        &[],
    );
    timer.mark("markdown");
    let (mut site, link_errors) = graph::link_and_order(pages, placement.assets, &sources.absent);
    problems.extend(link_errors);
    problems.extend(site_checks(&site, &vocab, &config, &static_files));
    let templates = load::load_templates(&opts.root, &config.theme)
        .and_then(render::compile_templates)
        .map_err(|e| problems.extend(e));
    let mut templates = match templates {
        Ok(t) if !problems.iter().any(Diagnostic::is_error) => t,
        _ => return Err(problems),
    };
    templates.set_language(&config.language);
    timer.mark("links checked");
    let links = taxonomy::cross_link(&site, &config, &vocab);
    problems.extend(taxonomy::unused_vocabulary(&links, &vocab));
    let used = graph::pictures_used(&site);
    let bodies = take_bodies(&mut site);
    let pending_index = start_index(text_words, &mut site, (&config, &vocab), (opts, index));
    let listings = render::listings(&site, &links, &config, &vocab, &[], false);
    timer.mark("cross-linked");
    let cards = render::share_cards(&site, &templates, &config, &vocab, &pictures.table, &[])
        .map_err(|e| [e, std::mem::take(&mut problems)].concat())?;
    timer.mark("share cards planned");
    let input = RenderInput {
        graph: &site,
        bodies: &bodies,
        links: &links,
        config: &config,
        vocab: &vocab,
        static_files: &static_files,
        listings: &listings,
        cards: &cards,
    };
    let (rendered, images) = pictures
        .render_with(&used, &cards, || render::render_site(input, &mut templates))
        .map_err(|e| [e, std::mem::take(&mut problems)].concat())?;
    timer.mark("rendered");
    problems.extend(output_links(&rendered, &config));
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    timer.mark("output links checked");
    let pages = site.pages.len();
    let emails = (0..site.issues.len())
        .flat_map(|n| render::EmailPart::ALL.map(|part| render::email_path(&site, n, part)))
        .map(|p| p.as_str().to_string())
        .collect();
    with_index(rendered, pending_index, problems).map(|finished| RenderedSite {
        files: finished.files,
        all_paths: finished.all_paths,
        pages,
        rendered: finished.rendered,
        warnings: finished.problems,
        images,
        scheduled: sources.scheduled,
        emails,
        search_index: finished.index,
    })
}

/// Every internal link of the rendered pages, feeds and sitemap, against
/// the files of this build (`outlinks`).
pub(crate) fn output_links(rendered: &Rendered, config: &Config) -> Vec<Diagnostic> {
    crate::outlinks::broken_links(
        &rendered.files[..rendered.rendered],
        &rendered.origins,
        &rendered.link_scans,
        &rendered.all_paths,
        (&config.base_url, &config.base_path),
        &crate::outlinks::Extra {
            search_index: config.search.enabled,
            dev_server: config.dev_server,
        },
    )
}

/// What is judged once the graph stands: pages at URLs huddle writes
/// itself, and an unsubscribe link no provider fills in.
pub(crate) fn site_checks(
    site: &SiteGraph,
    vocab: &Vocabulary,
    config: &Config,
    static_files: &[load::StaticFile],
) -> Vec<Diagnostic> {
    let mut problems = render::page_collisions(site, vocab, config, static_files);
    if !site.issues.is_empty() {
        problems.extend(config.newsletter.unsubscribe_warning());
    }
    problems
}

/// Load and front: the sources this build publishes (with their problems),
/// the assets beside them, and the loader's warnings.
pub(crate) fn read_sources(
    opts: &BuildOptions,
    config: &Config,
    vocab: &Vocabulary,
) -> (front::Sources, Vec<load::AssetFile>, Vec<Diagnostic>) {
    let loaded = load::load_content(&opts.root);
    let mut parsed = front::parse_all(
        loaded.sources,
        front::Rules {
            vocab,
            zone: &config.zone,
        },
    );
    parsed.extend(unreadable(loaded.unreadable));
    let sources = front::gather(
        parsed.iter().map(|(k, p)| (k.as_str(), p)),
        publish(opts, config),
        &config.zone,
    );
    // Its sources are shared with the pages now; holding them here too would
    // keep every source's text alive through the render (see `take_bodies`).
    drop(parsed);
    (sources, loaded.assets, loaded.warnings)
}

/// Which sources this build publishes: serve shows scheduled pages (with a
/// banner), a build only with `--future`.
pub(crate) fn publish(opts: &BuildOptions, config: &Config) -> front::Publish {
    front::Publish {
        drafts: opts.drafts,
        future: opts.future || opts.dev_server,
        now: config.now.as_second(),
    }
}

/// The rendered files with the search index's (when one was started), and
/// the build's warnings.
struct Finished {
    files: Vec<render::OutputFile>,
    all_paths: Vec<graph::OutputPath>,
    rendered: usize,
    problems: Vec<Diagnostic>,
    index: Option<crate::SearchIndexMade>,
}

fn with_index(
    rendered: Rendered,
    pending: Option<SearchIndex>,
    mut problems: Vec<Diagnostic>,
) -> Result<Finished, Vec<Diagnostic>> {
    let Rendered {
        mut files,
        mut all_paths,
        rendered,
        ..
    } = rendered;
    let index = add_index(pending, &mut files, &mut all_paths)?;
    // (The render checked its own paths; this adds the search index's.)
    if let Some(dup) = crate::first_duplicate(&all_paths) {
        problems.push(crate::duplicate_output(&dup));
        return Err(problems);
    }
    Ok(Finished {
        files,
        all_paths,
        rendered,
        problems,
        index,
    })
}

/// Sources that could not be read, as parse failures.
fn unreadable(files: Vec<(String, Diagnostic)>) -> impl Iterator<Item = (String, front::Parsed)> {
    files.into_iter().map(|(rel, d)| (rel, Err(vec![d])))
}

/// The site's pictures, surveyed, with the cache they are encoded into.
struct Pictures {
    table: images::ImageTable,
    known: images::SourceIndex,
    cache: std::path::PathBuf,
}

impl Pictures {
    fn survey(
        root: &std::path::Path,
        assets: &[graph::PlacedAsset],
        static_files: &[load::StaticFile],
        config: &Config,
    ) -> Self {
        let cache = images::cache_dir(root);
        let known = images::SourceIndex::load(&cache);
        let files = graph::image_files(assets, static_files, config);
        let table = images::ImageTable::survey(files, root, config, &known);
        Pictures {
            table,
            known,
            cache,
        }
    }

    /// Runs `render` while the variants of the pictures in use are encoded
    /// (or found in the cache); either's errors fail the build.
    fn render_with(
        &self,
        used: &graph::PicturesUsed,
        cards: &[Option<images::Card>],
        render: impl FnOnce() -> Result<Rendered, Vec<Diagnostic>> + Send,
    ) -> Result<(Rendered, images::EncodeReport), Vec<Diagnostic>> {
        let progress = images::Progress::new();
        let keys = used.keys();
        let (rendered, ((variants, faults, mut report), (drawn, card_faults))) =
            rayon::join(render, || {
                let tell = |d, t| progress.tell(d, t);
                let listing = images::CacheListing::read(&self.cache);
                let holds = |p: &std::path::Path, _| listing.holds(p);
                let cache: (_, images::InCache) = (self.cache.as_path(), &holds);
                let encoded = images::encode_variants(&self.table, &keys, cache, &tell);
                (encoded, images::make_cards(cards, &self.table, cache))
            });
        let (card_files, made) = drawn;
        report.cards = made;
        // The index is only a cache: a site folder that cannot hold it still builds.
        let _ = self.known.save(&self.cache);
        match rendered {
            Ok(mut r) if faults.is_empty() && card_faults.is_empty() => {
                let all = variants.into_iter().chain(card_files);
                for f in all {
                    r.all_paths.push(f.path.clone());
                    r.files.push(f);
                }
                Ok((r, report))
            }
            Ok(_) => Err([used.faults(faults), card_faults].concat()),
            Err(e) => Err([e, used.faults(faults), card_faults].concat()),
        }
    }
}

/// The search index of a run: being made, or kept from the last build.
enum SearchIndex {
    Making(search::PendingIndex, u64),
    Kept(Vec<render::OutputFile>, u64),
}

/// Starts the search index on its own thread (when search needs text), or
/// keeps the output folder's when its records have not changed.
fn start_index(
    text_words: usize,
    site: &mut SiteGraph,
    (config, vocab): (&Config, &Vocabulary),
    (opts, index): (&BuildOptions, Index),
) -> Option<SearchIndex> {
    (text_words > 0).then(|| {
        let bundles = config.search.bundles(site.searchable_pages());
        let records = search::search_records(&mut site.pages, config, vocab);
        let digest = search::records_digest(&records, &config.language, bundles);
        let kept = match index {
            Index::Into(out) => search::kept_index(&opts.root, out, digest),
            _ => None,
        };
        match kept {
            Some(files) => SearchIndex::Kept(files, digest),
            None => SearchIndex::Making(
                search::start_index(records, config.language.clone(), bundles),
                digest,
            ),
        }
    })
}

/// The search index's files, once it is built, join the site's.
fn add_index(
    pending: Option<SearchIndex>,
    files: &mut Vec<crate::render::OutputFile>,
    all_paths: &mut Vec<crate::graph::OutputPath>,
) -> Result<Option<crate::SearchIndexMade>, Vec<Diagnostic>> {
    let mut timer = StageTimer::from_env();
    let (index, digest, kept) = match pending {
        None => return Ok(None),
        Some(SearchIndex::Kept(index, digest)) => (index, digest, true),
        Some(SearchIndex::Making(pending, digest)) => {
            (pending.finish().map_err(|d| vec![d])?, digest, false)
        }
    };
    let manifest = search::IndexManifest {
        records: digest,
        files: index
            .iter()
            .map(|f| (f.path.as_str().to_string(), f.content.written_size()))
            .collect(),
    };
    all_paths.extend(index.iter().map(|f| f.path.clone()));
    files.extend(index);
    timer.mark(if kept {
        "search index kept"
    } else {
        "search index"
    });
    Ok(Some(crate::SearchIndexMade { manifest, kept }))
}

/// site.toml and the vocabulary it defines, for these options.
pub(crate) fn settings(opts: &BuildOptions) -> Result<(Config, Vocabulary), Vec<Diagnostic>> {
    let mut config = config::load_config(&opts.root, opts.base_url.as_deref())?;
    config.dev_server = opts.dev_server;
    config.now = opts.now();
    let vocab = Vocabulary::from_config(&config.vocabulary).translated(&config.strings);
    Ok((config, vocab))
}

/// How many words of each page's text search needs (0: no search).
pub(crate) fn search_words(config: &Config, indexing: bool) -> usize {
    if config.search.enabled && indexing {
        search::words_to_collect(&config.search)
    } else {
        0
    }
}

/// In a build nothing else holds the sources and bodies: each page's HTML is
/// moved out to be taken (and freed) by its page job, and its source text is
/// dropped now, so a 10,000-page site fits in little memory.
fn take_bodies(site: &mut SiteGraph) -> Vec<Mutex<String>> {
    site.pages
        .iter_mut()
        .map(|p| {
            if let Some(s) = std::sync::Arc::get_mut(&mut p.source) {
                s.text = String::new();
            }
            let html = std::sync::Arc::get_mut(&mut p.body)
                .map(|b| std::mem::take(&mut b.html))
                .unwrap_or_default();
            Mutex::new(html)
        })
        .collect()
}
