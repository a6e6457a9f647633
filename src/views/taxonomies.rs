//! The views of the taxonomies: each term with its count (and, for levels,
//! the management type), a taxonomy's list page and a term's page.

use serde::Serialize;

use super::{LinkView, Listed, Views};
use crate::vocab::TaxonomyKind;

/// A term in lists: the home page, `/levels/`, `site.levels`.
#[derive(Serialize)]
pub struct TermSummaryView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    pub count: usize,
    /// Levels only (none for attitudes and practices).
    pub number: Option<u32>,
    pub work: Option<&'a str>,
    pub management: Option<&'a str>,
    pub explanation: Option<&'a str>,
    /// The newest articles with this term (at most 3).
    pub latest: Vec<LinkView<'a>>,
}

/// A term's own page.
#[derive(Serialize)]
pub struct TermView<'a> {
    #[serde(flatten)]
    pub summary: TermSummaryView<'a>,
    pub permalink: String,
    pub pages: Vec<Listed>,
    /// Levels only: the neighbouring levels.
    pub previous_level: Option<LinkView<'a>>,
    pub next_level: Option<LinkView<'a>>,
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    /// `levels`, `attitudes` or `practices`.
    pub kind: &'static str,
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    pub terms: Vec<TermSummaryView<'a>>,
}

/// A taxonomy's title and description, as its list page shows them (the
/// strings `levels` and `levels_description`, ...).
pub fn taxonomy_text(kind: TaxonomyKind, strings: &crate::strings::Strings) -> (&str, &str) {
    let plural = kind.plural();
    let description = match kind {
        TaxonomyKind::Level => "levels_description",
        TaxonomyKind::Attitude => "attitudes_description",
        TaxonomyKind::Practice => "practices_description",
    };
    (strings.text(plural), strings.text(description))
}

impl<'a> Views<'a> {
    /// Every term of a taxonomy with its count (and level details).
    pub fn terms(&self, kind: TaxonomyKind) -> Vec<TermSummaryView<'a>> {
        let latest = |members: &[usize]| members.iter().take(3).map(|&i| self.link(i)).collect();
        let postings = self.links.terms.postings(kind);
        match kind {
            TaxonomyKind::Level => self
                .vocab
                .levels
                .iter()
                .zip(postings)
                .map(|(l, members)| TermSummaryView {
                    slug: &l.slug,
                    name: &l.name,
                    description: &l.work,
                    url: self.url(&format!("levels/{}/", l.slug)),
                    count: members.len(),
                    number: Some(l.number),
                    work: Some(&l.work),
                    management: Some(&l.management),
                    explanation: Some(&l.explanation),
                    latest: latest(members),
                })
                .collect(),
            _ => self
                .vocab
                .terms(kind)
                .iter()
                .zip(postings)
                .map(|(t, members)| TermSummaryView {
                    slug: &t.slug,
                    name: &t.name,
                    description: &t.description,
                    url: self.url(&format!("{}/{}/", kind.plural(), t.slug)),
                    count: members.len(),
                    number: None,
                    work: None,
                    management: None,
                    explanation: None,
                    latest: latest(members),
                })
                .collect(),
        }
    }

    pub fn taxonomy(&self, kind: TaxonomyKind) -> TaxonomyView<'a> {
        let (title, description) = taxonomy_text(kind, &self.config.strings);
        let plural = kind.plural();
        TaxonomyView {
            kind: plural,
            title,
            description,
            url: self.url(&format!("{plural}/")),
            permalink: self.permalink(&format!("{plural}/")),
            terms: self.terms(kind),
        }
    }

    /// The page of term `index` of taxonomy `kind`, showing the articles in
    /// `shown` (of all that carry it).
    pub fn term(
        &self,
        kind: TaxonomyKind,
        index: usize,
        shown: std::ops::Range<usize>,
    ) -> TermView<'a> {
        let mut terms = self.terms(kind);
        let count = terms.len();
        let neighbour = |t: &TermSummaryView<'a>| LinkView {
            title: t.name,
            url: t.url.clone(),
            page: None,
        };
        let (previous_level, next_level) = if kind == TaxonomyKind::Level {
            (
                index.checked_sub(1).map(|p| neighbour(&terms[p])),
                (index + 1 < count).then(|| neighbour(&terms[index + 1])),
            )
        } else {
            (None, None)
        };
        let members = &self.links.terms.postings(kind)[index];
        let summary = terms.swap_remove(index);
        let permalink = self.permalink(&format!("{}/{}/", kind.plural(), summary.slug));
        TermView {
            summary,
            permalink,
            pages: members[shown].iter().map(|&i| self.listed(i)).collect(),
            previous_level,
            next_level,
        }
    }
}
