//! Which output files a rebuild renders: every page's summary (reused while
//! its page's stamp holds) with its digest, then the render plan's jobs whose
//! stamp changed, the edited pages first.

use rayon::prelude::*;

use super::memo::Memo;
use super::{PageStamps, digest, stamps};
use crate::StageTimer;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::SiteGraph;
use crate::render::{self, OutputFile, Plan, RenderInput, Templates};
use crate::taxonomy;
use crate::vocab::Vocabulary;

/// Every page's summary and its digest.
pub(super) struct Summaries {
    pub(super) values: Vec<tera::Value>,
    pub(super) digests: Vec<u64>,
}

/// `render::summaries`, reusing each page's summary (and its digest) while
/// the page's stamp holds.
pub(super) fn summaries(
    memo: &mut Memo,
    site: &SiteGraph,
    links: &taxonomy::CrossLinks,
    config: &Config,
    vocab: &Vocabulary,
    page_stamps: &[u64],
    everything: bool,
) -> Summaries {
    if everything {
        memo.summaries.clear();
    }
    let known: Vec<Option<(tera::Value, u64)>> = site
        .pages
        .iter()
        .enumerate()
        .map(
            |(i, p)| match memo.summaries.get(p.source.rel_path.as_str()) {
                Some((stamp, v, d)) if *stamp == page_stamps[i] => Some((v.clone(), *d)),
                _ => None,
            },
        )
        .collect();
    let known_values: Vec<Option<tera::Value>> = known
        .iter()
        .map(|k| k.as_ref().map(|(v, _)| v.clone()))
        .collect();
    let values = render::summaries(site, links, config, vocab, &known_values);
    let digests: Vec<u64> = (0..values.len())
        .into_par_iter()
        .map(|i| match &known[i] {
            Some((_, d)) => *d,
            None => digest::digest(&values[i]),
        })
        .collect();
    for (i, p) in site.pages.iter().enumerate() {
        if known[i].is_none() {
            let entry = (page_stamps[i], values[i].clone(), digests[i]);
            memo.summaries.insert(p.source.rel_path.clone(), entry);
        }
    }
    if memo.summaries.len() > site.pages.len() {
        let live: std::collections::HashSet<&str> = site
            .pages
            .iter()
            .map(|p| p.source.rel_path.as_str())
            .collect();
        memo.summaries.retain(|k, _| live.contains(k.as_str()));
    }
    Summaries { values, digests }
}

/// What changed since the last good render, as `render_changed` needs it.
#[derive(Clone, Copy)]
pub(super) struct SinceLast<'a> {
    /// Every page's stamp, and which were edited.
    pub(super) pages: &'a PageStamps,
    /// The digest of every page's summary.
    pub(super) listed: &'a [u64],
    /// Render everything (settings, templates, static names, the first build).
    pub(super) everything: bool,
    /// The same pages at the same URLs with the same cross-links, and the
    /// last run was good (see `stamps::Unchanged`).
    pub(super) same_structure: bool,
}

type Delta = (Vec<OutputFile>, Vec<crate::graph::OutputPath>, usize);

/// Renders the jobs of the plan whose stamp changed (all with
/// `everything`): the edited pages first, handed to `first_phase`, then the
/// rest. Returns the files, every path of the site and how many were rendered.
pub(super) fn render_changed(
    memo: &mut Memo,
    input: RenderInput,
    templates: &mut Templates,
    since: &SinceLast,
    first_phase: &mut dyn FnMut(Vec<OutputFile>),
) -> Result<Delta, Vec<Diagnostic>> {
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
    let unchanged = (same_structure && !everything && memo.page_stamps.len() == pages.stamps.len())
        .then(|| stamps::Unchanged {
            jobs: &memo.page_jobs,
            then: &memo.page_stamps,
            now: &pages.stamps,
        });
    let (stamps, learned) = stamps::job_stamps(&plan, &memo.uses, listed, unchanged.as_ref());
    if std::env::var_os("HUDDLE_TIMINGS").is_some() {
        eprintln!("timing:   ({} page views digested afresh)", learned.len());
    }
    timer.mark("  stamps");
    let paths = plan.paths();
    let early_set: std::collections::HashSet<usize> = early.iter().copied().collect();
    let todo: Vec<usize> = (0..plan.jobs().len())
        .filter(|&k| {
            !early_set.contains(&k)
                && (everything || memo.jobs.get(paths[k].as_str()) != Some(&stamps[k]))
        })
        .collect();
    let mut files = plan.render(&todo)?;
    rendered += files.len();
    for &k in early.iter().chain(&todo) {
        memo.jobs.insert(paths[k].as_str().to_string(), stamps[k]);
    }
    // Forget pages that no longer exist, so a page that comes back renders.
    let live: std::collections::HashSet<&str> = paths.iter().map(|p| p.as_str()).collect();
    memo.jobs.retain(|p, _| live.contains(p.as_str()));
    memo.page_jobs.extend(learned);
    memo.page_jobs.retain(|p, _| live.contains(p.as_str()));
    memo.page_stamps.clone_from(&pages.stamps);
    files.extend(plan.copies());
    Ok((files, plan.all_paths(), rendered))
}
