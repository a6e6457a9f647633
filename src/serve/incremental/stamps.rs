//! Stamps for `huddle serve`'s incremental rebuilds: a digest of the data
//! each output file is rendered from, so a rebuild renders only the files
//! whose data changed. A job's stamp is taken from the template data itself
//! (see `job_stamps`) and the parts of the global `site` variable its
//! templates read (found by scanning them, conservatively). Settings,
//! templates and static files are not stamped: when they change, everything
//! is rendered.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use twox_hash::XxHash3_64;

use rayon::prelude::*;

use super::digest::{digest, digest_reading};
use crate::diagnostic::Diagnostic;
use crate::render::{Job, OutputFile, Plan};
use crate::views::ListId;

/// A fast 64-bit hash of anything hashable.
pub(super) fn stamp_of(value: &impl Hash) -> u64 {
    let mut h = XxHash3_64::default();
    value.hash(&mut h);
    h.finish()
}

/// The parts of the global `site` variable, as bits.
pub(super) const SITE_MENU: u8 = 1;
pub(super) const SITE_ARTICLES: u8 = 2;
pub(super) const SITE_SECTIONS: u8 = 4;
pub(super) const SITE_LEVELS: u8 = 8;
pub(super) const SITE_ATTITUDES: u8 = 16;
pub(super) const SITE_PRACTICES: u8 = 32;
pub(super) const SITE_ALL: u8 = 63;

/// `site.level_check` has no bit: only the settings change it (the
/// vocabulary's levels), and a change of settings renders everything.
const SITE_FIELDS: [(&str, u8); 7] = [
    ("level_check", 0),
    ("menu", SITE_MENU),
    ("articles", SITE_ARTICLES),
    ("sections", SITE_SECTIONS),
    ("levels", SITE_LEVELS),
    ("attitudes", SITE_ATTITUDES),
    ("practices", SITE_PRACTICES),
];

/// For each template: the parts of `site` it may read, itself or through the
/// templates it extends, includes or imports. Conservative: `site` used any
/// other way (`site[...]`, passed whole, a name computed at render time)
/// counts as every part.
pub(super) fn site_uses<'a>(
    templates: impl Iterator<Item = (&'a str, &'a str)>,
) -> HashMap<String, u8> {
    let mut direct: HashMap<String, (u8, Vec<String>)> = HashMap::new();
    for (name, text) in templates {
        direct.insert(name.to_string(), scan(text));
    }
    let mut out = HashMap::new();
    for name in direct.keys() {
        let mut mask = 0;
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack = vec![name.as_str()];
        while let Some(t) = stack.pop() {
            if !seen.insert(t) {
                continue;
            }
            match direct.get(t) {
                Some((m, refs)) => {
                    mask |= m;
                    stack.extend(refs.iter().map(String::as_str));
                }
                None => mask = SITE_ALL,
            }
        }
        out.insert(name.clone(), mask);
    }
    out
}

/// One template's direct uses of `site` and the templates it names.
fn scan(text: &str) -> (u8, Vec<String>) {
    let mut mask = 0;
    let mut refs = Vec::new();
    // Only the code inside `{{ }}` and `{% %}`; comments and HTML are text.
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => {
                rest = after.find("#}").map_or("", |e| &after[e + 2..]);
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let end = after.find(close).unwrap_or(after.len());
        let code = &after[1..end.max(1)];
        mask |= site_in(code);
        let words: Vec<&str> = code.trim_matches('-').split_whitespace().collect();
        if let Some(pos) = words
            .iter()
            .position(|w| matches!(*w, "extends" | "include" | "import"))
        {
            match words.get(pos + 1).and_then(|w| literal(w)) {
                Some(name) => refs.push(name.to_string()),
                // A computed name: it could be any template.
                None => refs.push(String::from("\u{0}unknown")),
            }
        }
        rest = after.get(end + close.len()..).unwrap_or("");
    }
    (mask, refs)
}

fn literal(word: &str) -> Option<&str> {
    let w = word.trim_end_matches(',');
    ['"', '\'', '`']
        .iter()
        .find_map(|q| w.strip_prefix(*q).and_then(|w| w.strip_suffix(*q)))
}

fn site_in(code: &str) -> u8 {
    let mut mask = 0;
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (i, _) in code.match_indices("site") {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 4).copied();
        if before.is_some_and(|b| is_ident(b) || b == b'.') || after.is_some_and(is_ident) {
            continue; // part of another name, or a field called `site`
        }
        let field = code[i + 4..].strip_prefix('.').map(|f| {
            f.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        });
        mask |= match field.flatten() {
            Some(f) => SITE_FIELDS
                .iter()
                .find(|(name, _)| *name == f)
                .map_or(SITE_ALL, |(_, bit)| *bit),
            None => SITE_ALL,
        };
    }
    mask
}

/// What a good render learned of a job: its view's digest and the pages
/// the view read (listed or linked, `views::listed`).
pub(super) struct PageJob {
    digest: u64,
    reads: Vec<u32>,
}

/// When the site's structure is as the last good render left it (the same
/// pages in the same places, the same cross-links, templates and
/// settings), a page job whose own page and every page it read have the
/// same stamp shows the same data: its digest is taken from then.
pub(super) struct Unchanged<'r> {
    pub(super) jobs: &'r HashMap<String, PageJob>,
    /// Page stamps then and now (index = page index, the same pages).
    pub(super) then: &'r [u64],
    pub(super) now: &'r [u64],
}

impl Unchanged<'_> {
    /// The digest of the job at `path` when its own page (if it has one)
    /// and every page it read kept their stamps.
    fn digest(&self, path: &str, page: Option<usize>) -> Option<u64> {
        let job = self.jobs.get(path)?;
        let same = |i: usize| self.then.get(i).is_some_and(|t| Some(t) == self.now.get(i));
        let own = page.is_none_or(same);
        (own && job.reads.iter().all(|&r| same(r as usize))).then_some(job.digest)
    }
}

/// Whether a site-wide job's view shows pages only through what marks them
/// (`views::Listed`, `views::LinkView`), and picks which pages to show from
/// the site's structure alone (term postings, sections): then the pages it
/// read and the structure decide its data, and `Unchanged` applies. The
/// checklists page picks its pages by their bodies (which have
/// checklists), the feeds show bodies and the sitemap dates: they are
/// always digested afresh.
fn shows_only_marked_pages(job: &Job) -> bool {
    matches!(
        job,
        Job::Taxonomy(_)
            | Job::Term(..)
            | Job::EmptyHome
            | Job::ListPage(ListId::Section(_) | ListId::Term(..), _)
    )
}

/// The page whose own fields a site-wide job shows unmarked: a section's
/// later pages show its title and description.
fn own_page(job: &Job) -> Option<usize> {
    match job {
        Job::ListPage(ListId::Section(i), _) => Some(*i),
        _ => None,
    }
}

/// What `job_stamps` found: every job's stamp, what was learned of the jobs
/// whose view was digested afresh, and the jobs it rendered.
pub(super) struct Stamped {
    pub(super) stamps: Vec<u64>,
    pub(super) learned: Vec<(String, PageJob)>,
    /// Jobs digested afresh whose stamp is not `last`'s, rendered from the
    /// very data they were digested from.
    pub(super) rendered: Vec<(usize, Result<OutputFile, Diagnostic>)>,
}

/// Every job's stamp: a digest of the data its template receives, built by
/// the same code that renders it (`Plan::with_job_data`), with the parts of
/// the global `site` its template uses. So a view that starts to show
/// something new is stamped by it at once: nothing here describes a view.
/// `listed[i]` are the digests of page i's listing; `last` holds each file's
/// stamp from the last render (`None`: render every job but the `early`
/// ones, sorted, which were rendered before).
pub(super) fn job_stamps(
    plan: &Plan,
    uses: &HashMap<String, u8>,
    listed: &[Vec<u64>],
    (unchanged, last): (Option<&Unchanged>, Option<&HashMap<String, u64>>),
    (early, stop): (&[usize], &(dyn Fn() -> bool + Sync)),
) -> Option<Stamped> {
    let parts: Vec<(u8, u64)> = SITE_FIELDS
        .iter()
        .map(|(name, bit)| {
            // The article list by its listings' digests, not walked again.
            let part = match *name {
                "articles" => digest_reading(&plan.site_articles(), listed).0,
                _ => plan.site_parts().get(name).map_or(0, digest),
            };
            (*bit, part)
        })
        .collect();
    let graph_jobs = plan.jobs();
    let site_of = |k: usize| -> Vec<u64> {
        let template = graph_jobs[k].template(plan.graph());
        let mask = uses.get(template).copied().unwrap_or(SITE_ALL);
        parts
            .iter()
            .filter(|(bit, _)| mask & bit != 0)
            .map(|(_, stamp)| *stamp)
            .collect()
    };
    // A job digested afresh: its stamp, what was learned of it (`learn`), and
    // its file when the stamp is not `last`'s, rendered from the very data it
    // was digested from (its view is built once, not once to stamp and again
    // to render). The `early` jobs were rendered already. None once `stop`
    // says a newer save is waiting.
    let afresh = |k: usize, learn: bool| {
        if stop() {
            return None;
        }
        let path = plan.paths()[k].as_str();
        Some(plan.with_job_data(k, false, |data| {
            let (d, reads) = digest_reading(data, listed);
            let stamp = stamp_of(&(d, site_of(k)));
            let stale = early.binary_search(&k).is_err()
                && last.is_none_or(|l| l.get(path) != Some(&stamp));
            let learned = learn.then_some(PageJob { digest: d, reads });
            (stamp, learned, stale.then(|| plan.render_data(k, data)))
        }))
    };
    let page_job = |k: usize| {
        let path = plan.paths()[k].as_str();
        let Job::Page(i) = graph_jobs[k] else {
            unreachable!("page jobs come first")
        };
        match unchanged.and_then(|u| u.digest(path, Some(i))) {
            Some(d) => Some((stamp_of(&(d, site_of(k))), None, None)),
            None => afresh(k, true),
        }
    };
    let site_job = |k: usize| {
        let path = plan.paths()[k].as_str();
        let marked = shows_only_marked_pages(&graph_jobs[k]);
        match unchanged
            .filter(|_| marked)
            .and_then(|u| u.digest(path, own_page(&graph_jobs[k])))
        {
            Some(d) => Some((stamp_of(&(d, site_of(k))), None, None)),
            None => afresh(k, marked),
        }
    };
    // The few site-wide jobs (lists, feeds, the checklists page) are the
    // big ones: they go one by one alongside the many small page jobs.
    let pages = graph_jobs
        .iter()
        .take_while(|j| matches!(j, Job::Page(_)))
        .count();
    let (page_results, site_results): (Option<Vec<_>>, Option<Vec<_>>) = rayon::join(
        || {
            (0..pages)
                .into_par_iter()
                .with_min_len(64)
                .map(page_job)
                .collect()
        },
        || {
            (pages..graph_jobs.len())
                .into_par_iter()
                .map(site_job)
                .collect()
        },
    );
    let mut out = Stamped {
        stamps: Vec::with_capacity(graph_jobs.len()),
        learned: Vec::new(),
        rendered: Vec::new(),
    };
    for (k, (stamp, job, file)) in (0..).zip(page_results?.into_iter().chain(site_results?)) {
        out.stamps.push(stamp);
        if let Some(job) = job {
            out.learned
                .push((plan.paths()[k].as_str().to_string(), job));
        }
        if let Some(file) = file {
            out.rendered.push((k, file));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(templates: &[(&str, &str)]) -> HashMap<String, u8> {
        site_uses(templates.iter().copied())
    }

    #[test]
    fn a_template_uses_what_it_and_its_parents_read() {
        let u = uses(&[
            (
                "base.html",
                "<nav>{% for l in site.menu %}{{ l.title }}{% endfor %}</nav> the site. {# site.articles #}",
            ),
            (
                "index.html",
                "{% extends \"base.html\" %}{% for a in site.articles %}{% endfor %}",
            ),
            (
                "page.html",
                "{% extends 'base.html' %}{{ page.site_name }} og:site_name",
            ),
            (
                "taxonomy_term.html",
                "{% extends 'base.html' %}{% if site.level_check %}{{ site.level_check }}{% endif %}",
            ),
        ]);
        assert_eq!(u["base.html"], SITE_MENU);
        assert_eq!(u["index.html"], SITE_MENU | SITE_ARTICLES);
        assert_eq!(u["page.html"], SITE_MENU);
        // The self-check's link changes only with the settings.
        assert_eq!(u["taxonomy_term.html"], SITE_MENU);
    }

    /// A template of the default theme that read `site.articles` (or all
    /// of `site`) would be rendered again after every title edit.
    #[test]
    fn the_default_themes_pages_read_the_article_list_only_on_the_home_page() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let files: Vec<(String, String)> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let name = e.path().strip_prefix(&dir).unwrap().display().to_string();
                (name, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        let u = site_uses(files.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        assert!(u.len() > 20);
        for (name, mask) in &u {
            if name != "index.html" {
                assert_eq!(
                    mask & SITE_ARTICLES,
                    0,
                    "{name} reads site.articles ({mask})"
                );
            }
        }
        assert_eq!(u["checklists.html"], SITE_MENU);
        assert_eq!(u["newsletter_email.html"], 0);
    }

    #[test]
    fn site_used_whole_or_by_a_computed_name_counts_as_everything() {
        let u = uses(&[
            ("a.html", "{{ site | json }}"),
            ("b.html", "{{ site[\"articles\"] }}"),
            ("c.html", "{% include name %}"),
            ("d.html", "{% include \"missing.html\" %}"),
            ("e.html", "{{ site.nonsense }}"),
        ]);
        for name in ["a.html", "b.html", "c.html", "d.html", "e.html"] {
            assert_eq!(u[name], SITE_ALL, "{name}");
        }
    }
}
