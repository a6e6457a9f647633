//! Stamps for `huddle serve`'s incremental rebuilds: a hash of the data each
//! output file is rendered from, so a rebuild renders only the files whose
//! data changed. A page's stamp covers its source, URL and rendered body; a
//! job's stamp combines the stamps of every page its view shows (see
//! `views`), and the parts of the global `site` variable its templates use.
//! Settings, templates and static files are not stamped: when they change,
//! everything is rendered.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use twox_hash::XxHash3_64;

use crate::graph::{Page, PageKind, SiteGraph};
use crate::views::Views;
use crate::vocab::TaxonomyKind;

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

const SITE_FIELDS: [(&str, u8); 6] = [
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

/// Computes job stamps for one render.
pub(super) struct Stamper<'a> {
    graph: &'a SiteGraph,
    views: &'a Views<'a>,
    sections: &'a BTreeMap<String, (Vec<usize>, Vec<usize>)>,
    positions: &'a [Option<usize>],
    /// Per page: source, URL and body.
    pages: &'a [u64],
    /// Per page: what a link to it shows (title and URL).
    links: Vec<u64>,
    /// The parts of `site`, in `SITE_FIELDS` order.
    site: [u64; 6],
    uses: &'a HashMap<String, u8>,
}

impl<'a> Stamper<'a> {
    pub(super) fn new(
        views: &'a Views<'a>,
        sections: &'a BTreeMap<String, (Vec<usize>, Vec<usize>)>,
        positions: &'a [Option<usize>],
        pages: &'a [u64],
        uses: &'a HashMap<String, u8>,
    ) -> Self {
        let graph = views.graph;
        let links: Vec<u64> = graph
            .pages
            .iter()
            .map(|p: &Page| stamp_of(&(&p.source.rel_path, &p.source.meta.title, &p.path, p.kind)))
            .collect();
        let of = |list: &[usize], stamps: &[u64]| -> u64 {
            stamp_of(&list.iter().map(|&i| stamps[i]).collect::<Vec<_>>())
        };
        let section_pages: Vec<usize> = (0..graph.pages.len())
            .filter(|&i| graph.pages[i].kind == PageKind::Section)
            .collect();
        let top_pages: Vec<usize> = (0..graph.pages.len())
            .filter(|&i| {
                graph.pages[i].kind == PageKind::Page
                    && !graph.pages[i].source.rel_path.contains('/')
            })
            .collect();
        let terms = |postings: &[Vec<usize>]| -> u64 {
            stamp_of(
                &postings
                    .iter()
                    .map(|m| {
                        (
                            m.len(),
                            m.iter().take(3).map(|&i| links[i]).collect::<Vec<_>>(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let t = &views.links.terms;
        let site = [
            stamp_of(&(of(&section_pages, &links), of(&top_pages, &links))),
            of(&graph.articles, pages),
            of(&section_pages, &links),
            terms(&t.levels),
            terms(&t.attitudes),
            terms(&t.practices),
        ];
        Stamper {
            graph,
            views,
            sections,
            positions,
            pages,
            links,
            site,
            uses,
        }
    }

    fn list(&self, list: &[usize], stamps: &[u64]) -> Vec<u64> {
        list.iter().map(|&i| stamps[i]).collect()
    }

    /// The stamp of a job: the parts of `site` its template uses, and what its view shows.
    pub(crate) fn job(
        &self,
        job: crate::render::Job,
        aliases: &[(String, crate::feeds::AliasView)],
    ) -> u64 {
        use crate::render::Job as J;
        let graph = self.graph;
        let links = &self.views.links;
        let mask = self
            .uses
            .get(job.template(graph))
            .copied()
            .unwrap_or(SITE_ALL);
        let site: Vec<u64> = SITE_FIELDS
            .iter()
            .zip(self.site)
            .filter(|((_, bit), _)| mask & bit != 0)
            .map(|(_, s)| s)
            .collect();
        let own = match job {
            J::Page(i) => {
                let p = &graph.pages[i];
                match p.kind {
                    PageKind::Page => {
                        let position = self.positions[i];
                        let neighbour = |pos: Option<usize>| {
                            pos.and_then(|pos| graph.articles.get(pos))
                                .map(|&o| self.links[o])
                        };
                        stamp_of(&(
                            self.pages[i],
                            self.list(&links.related[i], self.pages),
                            self.list(&links.backlinks[i], &self.links),
                            neighbour(position.map(|p| p + 1)),
                            neighbour(position.and_then(|p| p.checked_sub(1))),
                            self.breadcrumbs(p),
                        ))
                    }
                    PageKind::Home | PageKind::Section => {
                        stamp_of(&(self.pages[i], self.section(&p.section_dir)))
                    }
                }
            }
            J::EmptyHome => self.section(""),
            J::Taxonomy(kind) => self.site[self.taxonomy_index(kind)],
            J::Term(kind, t) => {
                let members = &links.terms.postings(kind)[t];
                stamp_of(&(
                    self.site[self.taxonomy_index(kind)],
                    self.list(members, self.pages),
                ))
            }
            J::Checklists => {
                let with_lists = |i: &usize| !graph.pages[*i].body.checklists.is_empty();
                let order: Vec<u64> = graph
                    .articles
                    .iter()
                    .chain(
                        (0..graph.pages.len())
                            .filter(|&i| !graph.pages[i].is_article)
                            .collect::<Vec<_>>()
                            .iter(),
                    )
                    .filter(|i| with_lists(i))
                    .map(|&i| self.pages[i])
                    .collect();
                stamp_of(&order)
            }
            J::Feed(level) => {
                let members: &[usize] = match level {
                    Some(l) => &links.terms.levels[l],
                    None => &graph.articles,
                };
                let count = self.views.config.feed.count;
                stamp_of(&self.list(&members[..members.len().min(count)], self.pages))
            }
            // Every page's URL and dates, and each list's newest article.
            J::Sitemap => stamp_of(&(self.pages, self.site[3], self.site[4], self.site[5])),
            J::Alias(a) => stamp_of(&(&aliases[a].0, aliases[a].1.title, &aliases[a].1.permalink)),
            J::Search | J::Newsletter | J::Robots | J::NotFound => 0,
        };
        stamp_of(&(own, site))
    }

    fn taxonomy_index(&self, kind: TaxonomyKind) -> usize {
        match kind {
            TaxonomyKind::Level => 3,
            TaxonomyKind::Attitude => 4,
            TaxonomyKind::Practice => 5,
        }
    }

    /// A section's listed pages (whole summaries) and subsections (links).
    fn section(&self, dir: &str) -> u64 {
        match self.sections.get(dir) {
            Some((members, subsections)) => stamp_of(&(
                self.list(members, self.pages),
                self.list(subsections, &self.links),
            )),
            None => 0,
        }
    }

    /// The home page and each section above the page.
    fn breadcrumbs(&self, page: &Page) -> Vec<u64> {
        let sections = &self.graph.section_pages;
        let mut out: Vec<u64> = sections
            .get("")
            .map(|&h| self.links[h])
            .into_iter()
            .collect();
        let mut dir = String::new();
        for segment in page.section_dir.split('/').filter(|s| !s.is_empty()) {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(segment);
            out.push(sections.get(&dir).map_or(0, |&s| self.links[s]));
        }
        out
    }
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
        ]);
        assert_eq!(u["base.html"], SITE_MENU);
        assert_eq!(u["index.html"], SITE_MENU | SITE_ARTICLES);
        assert_eq!(u["page.html"], SITE_MENU);
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
