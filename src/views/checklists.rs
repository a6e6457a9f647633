//! The views of checklists: each page's checklists (for page.html) and the
//! `/checklists/` page, which groups every checklist of the site by practice,
//! then by level.

use serde::Serialize;

use super::{LevelTagView, LinkView, Listed, TagView, Views};
use crate::graph::Page;
use crate::markdown::checklist::Checklist;
use crate::markdown::checklist::ChecklistItem;
use crate::vocab::{TaxonomyKind, TermId};

/// A checklist of a page.
#[derive(Serialize)]
pub struct ChecklistView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The page URL with `#<id>`: where the checklist sits in its article.
    pub url: String,
    pub count: usize,
    /// Items the author ticked (`- [x]`).
    pub done: usize,
    pub items: &'a [ChecklistItem],
}

/// A checklist on the checklists page: its own data and its page.
#[derive(Serialize)]
pub struct ChecklistEntryView<'a> {
    #[serde(flatten)]
    pub checklist: ChecklistView<'a>,
    pub page: LinkView<'a>,
}

/// Checklists of articles with one level, within a practice group.
#[derive(Serialize)]
pub struct ChecklistLevelGroup<'a> {
    /// Level name (`Reciprocal`), or "Other" for pages without a level.
    pub title: &'a str,
    pub level: Option<LevelTagView<'a>>,
    /// Each a `ChecklistEntryView`, from its page's `Listing`.
    pub checklists: Vec<Listed>,
}

#[derive(Serialize)]
pub struct ChecklistPracticeGroup<'a> {
    /// Practice name, or "Other checklists" for pages without a practice.
    pub title: &'a str,
    pub practice: Option<TagView<'a>>,
    pub levels: Vec<ChecklistLevelGroup<'a>>,
}

/// Every page with checklists by (practice, level), as the checklists page
/// lists them (`usize::MAX`: none).
pub struct ChecklistGroups {
    groups: Vec<((usize, usize), Vec<usize>)>,
    /// How many checklists the site has.
    pub total: usize,
    /// How many entries the list has: each checklist once per practice of
    /// its page (once if the page has none).
    pub entries: usize,
}

/// The `/checklists/` page.
#[derive(Serialize)]
pub struct ChecklistsPageView<'a> {
    pub url: String,
    pub permalink: String,
    /// How many checklists the site has (one counted once, though it may be
    /// listed under several practices).
    pub total: usize,
    pub groups: Vec<ChecklistPracticeGroup<'a>>,
}

impl<'a> Views<'a> {
    pub(super) fn checklists_of(&self, p: &'a Page) -> Vec<ChecklistView<'a>> {
        let page_url = self.url(&p.path);
        p.body
            .checklists
            .iter()
            .map(|c| checklist_view(c, &page_url))
            .collect()
    }

    /// Page `i`'s checklist `j` as the checklists page lists it.
    pub(super) fn checklist_entry(&self, i: usize, j: usize) -> ChecklistEntryView<'a> {
        let page = self.link(i);
        ChecklistEntryView {
            checklist: checklist_view(&self.graph.pages[i].body.checklists[j], &page.url),
            page,
        }
    }

    /// Every page with checklists, grouped by practice, then by level; an
    /// article with two practices is in both groups. Articles newest first,
    /// then other pages. Made once per render: every page of the checklists
    /// list shows a part of it.
    pub fn checklist_groups(&self) -> ChecklistGroups {
        use std::collections::BTreeMap;
        let mut order: Vec<usize> = self.graph.articles.clone();
        order.extend((0..self.graph.pages.len()).filter(|&i| !self.graph.pages[i].is_article));
        // (practice, level) -> pages; usize::MAX sorts "none" last.
        let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        let mut total = 0;
        let mut entries = 0;
        for i in order {
            let p = &self.graph.pages[i];
            if p.body.checklists.is_empty() {
                continue;
            }
            total += p.body.checklists.len();
            let level = p.source.meta.tags.level.map_or(usize::MAX, |l| l.0);
            let practices: Vec<usize> = p.source.meta.tags.practices.iter().map(|t| t.0).collect();
            for practice in if practices.is_empty() {
                vec![usize::MAX]
            } else {
                practices
            } {
                entries += p.body.checklists.len();
                groups.entry((practice, level)).or_default().push(i);
            }
        }
        ChecklistGroups {
            groups: groups.into_iter().collect(),
            total,
            entries,
        }
    }

    /// The checklists page: the entries of `groups` (counted in order, see
    /// `ChecklistGroups::entries`) in `shown`; groups without one are left
    /// out.
    pub fn checklists_page(
        &self,
        all: &ChecklistGroups,
        shown: std::ops::Range<usize>,
    ) -> ChecklistsPageView<'a> {
        let strings: &'a crate::strings::Strings = &self.config.strings;
        let mut out: Vec<ChecklistPracticeGroup<'a>> = Vec::new();
        let mut seen = 0;
        for ((practice, level), pages) in &all.groups {
            let (practice, level) = (*practice, *level);
            // The group's entries, counted in order; only those in `shown`.
            let counts: Vec<usize> = pages
                .iter()
                .map(|&i| self.graph.pages[i].body.checklists.len())
                .collect();
            let in_group: usize = counts.iter().sum();
            let first = seen;
            seen += in_group;
            if first >= shown.end || seen <= shown.start {
                continue;
            }
            if out.last().map(|g| g.practice.as_ref().map(|t| t.slug))
                != Some(self.vocab.practices.get(practice).map(|t| t.slug.as_str()))
            {
                out.push(ChecklistPracticeGroup {
                    title: self
                        .vocab
                        .practices
                        .get(practice)
                        .map_or(strings.text("other_checklists"), |t| t.name.as_str()),
                    practice: (practice != usize::MAX)
                        .then(|| self.tag(TaxonomyKind::Practice, &TermId(practice))),
                    levels: Vec::new(),
                });
            }
            let level_def = self.vocab.levels.get(level);
            let entries = pages
                .iter()
                .zip(counts)
                .flat_map(|(&i, count)| (1..=count as u32).map(move |part| (i, part)))
                .enumerate()
                .filter(|(n, _)| shown.contains(&(first + n)))
                .map(|(_, (i, part))| self.listed_part(i, part))
                .collect();
            if let Some(group) = out.last_mut() {
                group.levels.push(ChecklistLevelGroup {
                    title: level_def.map_or(strings.text("other_level"), |l| l.name.as_str()),
                    level: level_def.map(|l| LevelTagView {
                        slug: &l.slug,
                        name: &l.name,
                        number: l.number,
                        url: self.url(&format!("levels/{}/", l.slug)),
                    }),
                    checklists: entries,
                });
            }
        }
        ChecklistsPageView {
            url: self.url("checklists/"),
            permalink: self.permalink("checklists/"),
            total: all.total,
            groups: out,
        }
    }
}

/// A checklist of the page at `page_url`.
fn checklist_view<'a>(c: &'a Checklist, page_url: &str) -> ChecklistView<'a> {
    ChecklistView {
        id: &c.id,
        title: &c.title,
        url: format!("{page_url}#{}", c.id),
        count: c.items.len(),
        done: c.items.iter().filter(|i| i.checked).count(),
        items: &c.items,
    }
}
