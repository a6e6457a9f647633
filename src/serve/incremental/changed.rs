//! Which output files a rebuild renders: every page's listing (reused while
//! its page's stamp holds) with its digests, then the render plan's jobs whose
//! stamp changed, the edited pages first.

use rayon::prelude::*;

use super::memo::Memo;
use super::{PageStamps, RebuildError, digest, stamps};
use crate::StageTimer;
use crate::config::Config;
use crate::graph::SiteGraph;
use crate::render::{self, OutputFile, Plan, RenderInput, Templates};
use crate::taxonomy;
use crate::views::Listing;
use crate::vocab::Vocabulary;

/// What lists show of every page, and the digests of its parts.
pub(super) struct Listings {
    pub(super) values: Vec<Listing>,
    pub(super) digests: Vec<Vec<u64>>,
}

/// `render::listings`, reusing each page's listing (and its digests) while
/// the page's stamp holds.
pub(super) fn listings(
    memo: &mut Memo,
    site: &SiteGraph,
    links: &taxonomy::CrossLinks,
    config: &Config,
    vocab: &Vocabulary,
    page_stamps: &[u64],
    everything: bool,
) -> Listings {
    if everything {
        memo.listings.clear();
    }
    let known: Vec<Option<&(u64, Listing, Vec<u64>)>> = site
        .pages
        .iter()
        .map(|p| memo.listings.get(p.source.rel_path.as_str()))
        .zip(page_stamps)
        .map(|(entry, stamp)| entry.filter(|(s, _, _)| s == stamp))
        .collect();
    let known_values: Vec<Option<Listing>> =
        known.iter().map(|k| k.map(|(_, l, _)| l.clone())).collect();
    let values = render::listings(site, links, config, vocab, &known_values, true);
    let digests: Vec<Vec<u64>> = (0..values.len())
        .into_par_iter()
        .map(|i| match known[i] {
            Some((_, _, d)) => d.clone(),
            None => values[i].parts.iter().map(digest::digest).collect(),
        })
        .collect();
    let fresh: Vec<usize> = (0..values.len()).filter(|&i| known[i].is_none()).collect();
    for i in fresh {
        let entry = (page_stamps[i], values[i].clone(), digests[i].clone());
        memo.listings
            .insert(site.pages[i].source.rel_path.clone(), entry);
    }
    if memo.listings.len() > site.pages.len() {
        let live: std::collections::HashSet<&str> = site
            .pages
            .iter()
            .map(|p| p.source.rel_path.as_str())
            .collect();
        memo.listings.retain(|k, _| live.contains(k.as_str()));
    }
    Listings { values, digests }
}

/// What changed since the last good render, as `render_changed` needs it.
#[derive(Clone, Copy)]
pub(super) struct SinceLast<'a> {
    /// Every page's stamp, and which were edited.
    pub(super) pages: &'a PageStamps,
    /// The digests of every page's listing, part by part.
    pub(super) listed: &'a [Vec<u64>],
    /// Render everything (settings, templates, static names, the first build).
    pub(super) everything: bool,
    /// The same pages at the same URLs with the same cross-links, and the
    /// last run was good (see `stamps::Unchanged`).
    pub(super) same_structure: bool,
}

pub(super) type Delta = (Vec<OutputFile>, Vec<crate::graph::OutputPath>, usize);

/// How many jobs render between two looks at `stop`.
const JOBS_BETWEEN_STOPS: usize = 128;

/// Renders the jobs of the plan whose stamp changed (all with
/// `everything`): the edited pages first, handed to `first_phase`, then the
/// rest. Returns the files, every path of the site and how many were rendered.
/// Once the edited pages are handed over, `stop` is asked between jobs; when
/// it says yes, the rest is left undone and nothing is recorded as served
/// (`RebuildError::Interrupted`).
pub(super) fn render_changed(
    memo: &mut Memo,
    input: RenderInput,
    templates: &mut Templates,
    since: &SinceLast,
    (first_phase, stop): (&mut dyn FnMut(Vec<OutputFile>), &(dyn Fn() -> bool + Sync)),
) -> Result<Delta, RebuildError> {
    let SinceLast {
        pages,
        listed,
        everything,
        same_structure,
    } = *since;
    let mut timer = StageTimer::from_env();
    let plan = Plan::new(input, templates)?;
    timer.mark("  plan");
    // Page jobs come first, so job k is page k.
    let early: Vec<usize> = if everything {
        Vec::new()
    } else {
        (0..input.graph.pages.len())
            .filter(|&i| pages.edited[i])
            .collect()
    };
    let done = plan.render(&early)?;
    let mut rendered = done.len();
    if !done.is_empty() {
        first_phase(done);
    }
    timer.mark("  edited pages");
    if stop() {
        return Err(RebuildError::Interrupted);
    }
    let unchanged = (same_structure && !everything && memo.page_stamps.len() == pages.stamps.len())
        .then(|| stamps::Unchanged {
            jobs: &memo.page_jobs,
            then: &memo.page_stamps,
            now: &pages.stamps,
        });
    let last = (!everything).then_some(&memo.jobs);
    let stamped = stamps::job_stamps(
        &plan,
        &memo.uses,
        listed,
        (unchanged.as_ref(), last),
        (&early, stop),
    )
    .ok_or(RebuildError::Interrupted)?;
    if std::env::var_os("HUDDLE_TIMINGS").is_some() {
        let afresh = stamped.learned.len();
        eprintln!("timing:   ({afresh} page views digested afresh)");
    }
    timer.mark("  stamps");
    let stamps = &stamped.stamps;
    let paths = plan.paths();
    let done_set: std::collections::HashSet<usize> = early
        .iter()
        .copied()
        .chain(stamped.rendered.iter().map(|(k, _)| *k))
        .collect();
    let todo: Vec<usize> = (0..plan.jobs().len())
        .filter(|&k| {
            !done_set.contains(&k)
                && (everything || memo.jobs.get(paths[k].as_str()) != Some(&stamps[k]))
        })
        .collect();
    let rendered_ks: Vec<usize> = stamped.rendered.iter().map(|(k, _)| *k).collect();
    let site_wide = stamped.rendered.into_iter().map(|(_, f)| f);
    let mut each = Vec::with_capacity(todo.len());
    for jobs in todo.chunks(JOBS_BETWEEN_STOPS) {
        if stop() {
            return Err(RebuildError::Interrupted);
        }
        each.extend(plan.render_each(jobs));
    }
    let mut files = render::collect(site_wide.chain(each))?;
    rendered += files.len();
    for &k in early.iter().chain(&todo).chain(&rendered_ks) {
        memo.jobs.insert(paths[k].as_str().to_string(), stamps[k]);
    }
    // Forget pages that no longer exist, so a page that comes back renders.
    let live: std::collections::HashSet<&str> = paths.iter().map(|p| p.as_str()).collect();
    memo.jobs.retain(|p, _| live.contains(p.as_str()));
    memo.page_jobs.extend(stamped.learned);
    memo.page_jobs.retain(|p, _| live.contains(p.as_str()));
    memo.page_stamps.clone_from(&pages.stamps);
    files.extend(plan.copies());
    Ok((files, plan.all_paths(), rendered))
}
