//! Pictures under serve: the image table surveyed on every rebuild (each
//! file's hash and probe kept in memory by size and modification time, so
//! only a saved picture is read again), and the variants of the pictures
//! pages show taken from the cache, or encoded into it, after the render.

use std::collections::HashSet;
use std::path::Path;

use super::changed::Delta;
use super::memo::Memo;
use super::stamp_of;
use crate::diagnostic::Diagnostic;
use crate::graph::{self, OutputPath, PlacedAsset, SiteGraph};
use crate::images::{self, ImageTable};
use crate::render::OutputFile;
use crate::{ImagesReport, load};

/// A rebuild's files and paths with the variants, how many were rendered,
/// and what encoding did.
pub(super) type Pictured = (Vec<OutputFile>, Vec<OutputPath>, usize, ImagesReport);

/// The static files (their names stamped: a new one renders everything)
/// and the site's pictures.
pub(super) fn survey(
    memo: &mut Memo,
    root: &Path,
    assets: &[PlacedAsset],
    config: &crate::config::Config,
) -> (Vec<load::StaticFile>, ImageTable) {
    let static_files = load_static(memo, root, &config.theme);
    let files = graph::image_files(assets, &static_files, config);
    let table = ImageTable::survey(files, root, config, &memo.image_sources);
    (static_files, table)
}

/// The static files. Their names are in every page (`assets`): a new or
/// removed one renders everything.
fn load_static(memo: &mut Memo, root: &Path, theme: &str) -> Vec<load::StaticFile> {
    let static_files = load::load_static(root, theme);
    let names: Vec<&str> = static_files.iter().map(|f| f.rel_path.as_str()).collect();
    let static_names = stamp_of(&names);
    memo.render_all |= memo.static_names != Some(static_names);
    memo.static_names = Some(static_names);
    static_files
}

/// The variants of the pictures the pages show, from the cache (encoding
/// the ones not there yet), joined to the site's files.
pub(super) fn encode(
    rendered: Result<Delta, Vec<Diagnostic>>,
    root: &Path,
    site: &SiteGraph,
    pictures: &ImageTable,
    (cards, in_cache): (&[Option<images::Card>], &mut HashSet<u64>),
) -> Result<Pictured, Vec<Diagnostic>> {
    let (mut files, mut all_paths, rendered) = rendered?;
    let used = graph::pictures_used(site);
    let cache = images::cache_dir(root);
    // Files made (or found) by an earlier rebuild are not looked for again.
    let known = |path: &Path, key| in_cache.contains(&key) || path.is_file();
    let ((drawn, made), card_errors) = images::make_cards(cards, pictures, (&cache, &known));
    if !card_errors.is_empty() {
        return Err(card_errors);
    }
    let progress = images::Progress::new();
    let keys = used.keys();
    let (variants, faults, report) =
        images::encode_variants(pictures, &keys, (&cache, &known), &|d, t| {
            progress.tell(d, t)
        });
    if !faults.is_empty() {
        return Err(used.faults(faults));
    }
    in_cache.extend(cards.iter().flatten().map(|c| c.key));
    let pictures_shown = keys.iter().filter_map(|k| pictures.get(k)?.as_ref().ok());
    in_cache.extend(pictures_shown.flat_map(|p| p.modern.iter().chain(&p.fallback).map(|v| v.key)));
    for f in variants.into_iter().chain(drawn) {
        all_paths.push(f.path.clone());
        files.push(f);
    }
    let report = images::EncodeReport {
        cards: made,
        ..report
    };
    Ok((files, all_paths, rendered, report))
}

/// Each page's share card, reusing a page's card while its stamp holds (and
/// the templates and settings, with `everything` false).
pub(super) fn cards(
    memo: &mut Memo,
    site: &SiteGraph,
    templates: &crate::render::Templates,
    (config, vocab): (&crate::config::Config, &crate::vocab::Vocabulary),
    pictures: &ImageTable,
    (stamps, everything): (&[u64], bool),
) -> Result<Vec<Option<images::Card>>, Vec<Diagnostic>> {
    if everything {
        memo.cards.clear();
    }
    let known: Vec<Option<Option<images::Card>>> = site
        .pages
        .iter()
        .zip(stamps)
        .map(|(p, stamp)| {
            let (s, card) = memo.cards.get(p.source.rel_path.as_str())?;
            (s == stamp).then(|| card.clone())
        })
        .collect();
    let cards = crate::render::share_cards(site, templates, config, vocab, pictures, &known)?;
    for ((p, stamp), card) in site.pages.iter().zip(stamps).zip(&cards) {
        match memo.cards.get_mut(p.source.rel_path.as_str()) {
            Some(known) => *known = (*stamp, card.clone()),
            None => {
                let entry = (*stamp, card.clone());
                memo.cards.insert(p.source.rel_path.clone(), entry);
            }
        }
    }
    if memo.cards.len() > site.pages.len() {
        let live: HashSet<&str> = site
            .pages
            .iter()
            .map(|p| p.source.rel_path.as_str())
            .collect();
        memo.cards.retain(|path, _| live.contains(path.as_str()));
    }
    Ok(cards)
}
