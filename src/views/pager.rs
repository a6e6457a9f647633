//! Lists split into pages: a section's pages, a term's articles and the
//! checklists page show `paginate` entries each (site.toml, or a section's
//! `_index.md`); page 1 stays at the list's own URL, page n at
//! `<list>/page/n/`. `paginator` tells a template where it is.

use std::ops::Range;

use serde::Serialize;

use super::Views;
use crate::graph::{PageKind, SiteGraph};
use crate::vocab::{TaxonomyKind, Vocabulary};

/// A list that grows with the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListId {
    /// A section page (never the home page), by page index.
    Section(usize),
    /// A term's page: its articles.
    Term(TaxonomyKind, usize),
    /// `/checklists/`: every checklist, in its groups.
    Checklists,
}

/// Where a template is in its list (`paginator`, docs/templates.md).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct PaginatorView {
    /// This page's number, from 1.
    pub number: usize,
    pub total_pages: usize,
    pub per_page: usize,
    /// Entries in the whole list.
    pub total_items: usize,
    /// The first and last entry on this page, counted from 1 (0 and 0 for an
    /// empty list).
    pub start: usize,
    pub end: usize,
    /// URLs (with the base path) of the first, previous, next and last page.
    pub first: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub last: String,
}

/// How many pages `items` entries fill at `per_page` each (0: one page).
pub fn page_count(items: usize, per_page: usize) -> usize {
    if per_page == 0 {
        1
    } else {
        items.div_ceil(per_page).max(1)
    }
}

/// Site path of page `n` of the list at `list_path` ("articles/").
pub fn page_path(list_path: &str, n: usize) -> String {
    if n <= 1 {
        list_path.to_string()
    } else {
        format!("{list_path}page/{n}/")
    }
}

impl ListId {
    /// The list's own site path: `articles/`, `levels/pooled/`, `checklists/`.
    pub fn path(self, graph: &SiteGraph, vocab: &Vocabulary) -> String {
        match self {
            ListId::Section(i) => graph.pages[i].path.to_string(),
            ListId::Term(kind, t) => format!("{}/{}/", kind.plural(), vocab.term_slug(kind, t)),
            ListId::Checklists => "checklists/".into(),
        }
    }

    /// The list of page `i`, if the page has one that is paginated.
    pub fn of_page(graph: &SiteGraph, i: usize) -> Option<ListId> {
        (graph.pages[i].kind == PageKind::Section).then_some(ListId::Section(i))
    }
}

impl Views<'_> {
    /// Entries per page of `list` (0: all on one page).
    pub fn per_page(&self, list: ListId) -> usize {
        match list {
            ListId::Section(i) => self.graph.pages[i]
                .source
                .meta
                .paginate
                .unwrap_or(self.config.paginate),
            _ => self.config.paginate,
        }
    }

    /// Page `number` of `list`, which has `items` entries: the entries it
    /// shows and, when the list is paginated, its `paginator`.
    pub fn page_of(
        &self,
        list: ListId,
        items: usize,
        number: usize,
    ) -> (Range<usize>, Option<PaginatorView>) {
        let per_page = self.per_page(list);
        if per_page == 0 {
            return (0..items, None);
        }
        let total_pages = page_count(items, per_page);
        let number = number.clamp(1, total_pages);
        let range = ((number - 1) * per_page).min(items)..(number * per_page).min(items);
        let list_path = list.path(self.graph, self.vocab);
        let url = |n: usize| self.url(&page_path(&list_path, n));
        let view = PaginatorView {
            number,
            total_pages,
            per_page,
            total_items: items,
            start: if range.is_empty() { 0 } else { range.start + 1 },
            end: range.end,
            first: url(1),
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < total_pages).then(|| url(number + 1)),
            last: url(total_pages),
        };
        (range, Some(view))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_per_page_entries_and_the_rest_on_the_last() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(10_000, 20), 500);
        assert_eq!(page_count(10_000, 0), 1);
        assert_eq!(page_path("articles/", 1), "articles/");
        assert_eq!(page_path("articles/", 2), "articles/page/2/");
    }
}
