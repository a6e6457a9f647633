//! The data templates receive: serializable views of pages, sections, terms and
//! the site, built from the `SiteGraph`. Field names here are the template API
//! documented in docs/templates.md; change both together.

use serde::Serialize;

use crate::config::Config;
use crate::graph::{Page, PageKind, SiteGraph, encode_path};
use crate::images::PictureView;
use crate::markdown::{TocEntry, reading_time};
use crate::taxonomy::CrossLinks;
use crate::vocab::{TaxonomyKind, TermId, Vocabulary};

mod checklists;
mod issue;
mod level_check;
mod listed;
mod pager;
mod pictures;
mod taxonomies;

pub use checklists::{ChecklistGroups, ChecklistView, ChecklistsPageView};
pub(crate) use issue::one_line;
pub use issue::{ArchiveView, EmailView, IssueText, IssueView};
pub use level_check::LevelCheckView;
pub use listed::{LINKED, LISTED, LinkView, Listed, Listing, MARKED, SUMMARY};
pub use pager::{ListId, PaginatorView, page_count, page_path};
pub use pictures::ShareCardView;
pub use taxonomies::{TaxonomyView, TermView, taxonomy_text};

#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub author: &'a str,
}

/// A tag on a page: `{slug, name, url}`.
#[derive(Serialize, Clone)]
pub struct TagView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct LevelTagView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub number: u32,
    pub url: String,
}

/// A page in a list (no body).
#[derive(Serialize)]
pub struct PageSummaryView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<&'a str>,
    pub date_display: String,
    pub updated: Option<&'a str>,
    pub updated_display: String,
    pub summary: &'a str,
    pub word_count: usize,
    pub reading_time: usize,
    pub section: &'a str,
    pub is_article: bool,
    pub level: Option<LevelTagView<'a>>,
    pub attitudes: Vec<TagView<'a>>,
    pub practices: Vec<TagView<'a>>,
    pub extra: &'a serde_json::Value,
    pub draft: bool,
    /// The featured image (front matter `image`), ready to show.
    pub image: Option<Box<PictureView>>,
}

/// A whole page, for page.html.
#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub summary: PageSummaryView<'a>,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub related: Vec<Listed>,
    pub backlinks: Vec<LinkView<'a>>,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
    pub breadcrumbs: Vec<LinkView<'a>>,
    pub checklists: Vec<ChecklistView<'a>>,
    /// The picture link previews show (`og:image`), for articles.
    pub share_card: Option<ShareCardView<'a>>,
    /// Under `huddle serve` only: "Scheduled for Tuesday 8 December 2026,
    /// 07:00" on a page dated later than now, "Draft: not published" on a
    /// draft. Never set in a build.
    pub banner: Option<String>,
    /// A newsletter issue's subject, preheader and featured articles.
    pub issue: Option<IssueView<'a>>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub permalink: String,
    pub content: &'a str,
    pub pages: Vec<Listed>,
    pub subsections: Vec<LinkView<'a>>,
    pub extra: &'a serde_json::Value,
}

/// The search page's data.
#[derive(Serialize)]
pub struct SearchView {
    /// The URL of each bundle of the index (`/pagefind/`, then
    /// `/pagefind/part-2/` ... on a big site): the page searches them all.
    pub bundles: Vec<String>,
}

/// Builds views; borrows the graph, the cross-links and the settings.
pub struct Views<'a> {
    pub config: &'a Config,
    pub vocab: &'a Vocabulary,
    pub graph: &'a SiteGraph,
    pub links: &'a CrossLinks,
    /// What lists show of every page, converted for Tera once (index = page
    /// index; see `Listing`). Empty: each is made where it is shown.
    pub listings: &'a [Listing],
    /// Each page's share card (index = page index; empty: none).
    pub cards: &'a [Option<crate::images::Card>],
}

impl<'a> Views<'a> {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path, encode_path(path))
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}/{}", self.config.base_url, encode_path(path))
    }

    fn link(&self, i: usize) -> LinkView<'a> {
        let p = &self.graph.pages[i];
        LinkView {
            title: &p.source.meta.title,
            url: self.url(&p.path),
            page: Some(i),
        }
    }

    pub fn search(&self) -> SearchView {
        let bundles = self.config.search.bundles(self.graph.searchable_pages());
        SearchView {
            bundles: (0..bundles)
                .map(|k| self.url(&crate::paths::search_bundle_dir(k)))
                .collect(),
        }
    }

    pub fn config_view(&self) -> ConfigView<'a> {
        let c = self.config;
        ConfigView {
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            base_path: &c.base_path,
            language: &c.language,
            author: &c.author,
        }
    }

    /// An attitude or practice as a link to its page.
    fn tag(&self, kind: TaxonomyKind, id: &TermId) -> TagView<'a> {
        let t = &self.vocab.terms(kind)[id.0];
        TagView {
            slug: &t.slug,
            name: &t.name,
            url: self.url(&format!("{}/{}/", kind.plural(), t.slug)),
        }
    }

    /// Page `i`'s summary as a Tera value, for lists.
    pub fn listed(&self, i: usize) -> Listed {
        self.listed_part(i, SUMMARY)
    }

    /// Part `part` of page `i`'s `Listing`, for lists.
    fn listed_part(&self, i: usize, part: u32) -> Listed {
        let known = self
            .listings
            .get(i)
            .and_then(|l| l.parts.get(part as usize));
        let value = known.cloned().unwrap_or_else(|| {
            let made = match part.checked_sub(1) {
                None => tera::Value::try_from_serializable(&self.summary(i)),
                Some(j) => tera::Value::try_from_serializable(&self.checklist_entry(i, j as usize)),
            };
            made.unwrap_or_else(|_| tera::Value::none())
        });
        Listed {
            index: i,
            part,
            value,
        }
    }

    /// Page `i`'s `Listing`: its summary, then (with `checklists`) each
    /// checklist as the checklists page lists it.
    pub fn listing(&self, i: usize, checklists: bool) -> Listing {
        let to_value = |v: Result<tera::Value, _>| v.unwrap_or_else(|_| tera::Value::none());
        let mut parts = vec![to_value(tera::Value::try_from_serializable(
            &self.summary(i),
        ))];
        let count = if checklists {
            self.graph.pages[i].body.checklists.len()
        } else {
            0
        };
        for j in 0..count {
            let entry = self.checklist_entry(i, j);
            parts.push(to_value(tera::Value::try_from_serializable(&entry)));
        }
        Listing { parts }
    }

    /// The level self-check's URL (`/levels/check/`), empty when the site
    /// has none: it needs levels numbered 1, 2 and 3.
    pub fn level_check_url(&self) -> String {
        if self.vocab.has_level_check() {
            self.url("levels/check/")
        } else {
            String::new()
        }
    }

    /// A date as the site's language writes it ("5 May 2026", "5. Mai
    /// 2026"); empty for none.
    pub fn date_text(&self, date: Option<&crate::front::PageDate>) -> String {
        date.map_or_else(String::new, |d| self.config.strings.date(&d.iso_date))
    }

    pub fn summary(&self, i: usize) -> PageSummaryView<'a> {
        let p: &'a Page = &self.graph.pages[i];
        let meta = &p.source.meta;
        PageSummaryView {
            title: &meta.title,
            description: &meta.description,
            url: self.url(&p.path),
            permalink: self.permalink(&p.path),
            date: meta.date.as_ref().map(|d| d.iso_date.as_str()),
            date_display: self.date_text(meta.date.as_ref()),
            updated: meta.updated.as_ref().map(|d| d.iso_date.as_str()),
            updated_display: self.date_text(meta.updated.as_ref()),
            summary: &p.body.summary_html,
            word_count: p.body.word_count,
            reading_time: reading_time(p.body.word_count, self.config.words_per_minute),
            section: p.source.rel_path.split_once('/').map_or("", |(s, _)| s),
            is_article: p.is_article,
            level: meta.tags.level.map(|id| {
                let l = &self.vocab.levels[id.0];
                LevelTagView {
                    slug: &l.slug,
                    name: &l.name,
                    number: l.number,
                    url: self.url(&format!("levels/{}/", l.slug)),
                }
            }),
            attitudes: meta
                .tags
                .attitudes
                .iter()
                .map(|id| self.tag(TaxonomyKind::Attitude, id))
                .collect(),
            practices: meta
                .tags
                .practices
                .iter()
                .map(|id| self.tag(TaxonomyKind::Practice, id))
                .collect(),
            extra: &meta.extra,
            draft: meta.draft,
            image: self.featured(p),
        }
    }

    /// `position`: the page's place in `graph.articles` (newest first), if an
    /// article. `content`: its rendered body (handed over by the caller, which
    /// may free it as soon as the page is rendered).
    pub fn page<'b>(&self, i: usize, position: Option<usize>, content: &'b str) -> PageView<'b>
    where
        'a: 'b,
    {
        let p: &'a Page = &self.graph.pages[i];
        let articles = &self.graph.articles;
        PageView {
            summary: self.summary(i),
            content,
            toc: &p.body.toc,
            related: self.links.related[i]
                .iter()
                .map(|&r| self.listed(r))
                .collect(),
            backlinks: self.links.backlinks[i]
                .iter()
                .map(|&b| self.link(b))
                .collect(),
            previous: position
                .and_then(|pos| articles.get(pos + 1))
                .map(|&o| self.link(o)),
            next: position
                .and_then(|pos| pos.checked_sub(1))
                .map(|pos| self.link(articles[pos])),
            breadcrumbs: self.breadcrumbs(p),
            checklists: self.checklists_of(p),
            share_card: self.share_card(i),
            banner: self.banner(p),
            issue: self.issue(i),
        }
    }

    /// What serve shows on a page a build would not publish (yet).
    fn banner(&self, p: &Page) -> Option<String> {
        let config = self.config;
        if !config.dev_server {
            return None;
        }
        let meta = &p.source.meta;
        let later = meta.date.as_ref().filter(|d| {
            d.timestamp > config.now.as_second() && p.kind == crate::graph::PageKind::Page
        });
        match later {
            Some(d) if meta.draft => Some(format!(
                "Draft, scheduled for {}: not published",
                crate::front::local_moment(d.timestamp, &config.zone)
            )),
            Some(d) => Some(format!(
                "Scheduled for {}",
                crate::front::local_moment(d.timestamp, &config.zone)
            )),
            None if meta.draft => Some("Draft: not published".into()),
            None => None,
        }
    }

    fn breadcrumbs(&self, page: &'a Page) -> Vec<LinkView<'a>> {
        let home = match self.graph.section_pages.get("") {
            Some(&home) => self.link(home),
            None => LinkView {
                title: self.config.strings.text("home"),
                url: self.url(""),
                page: None,
            },
        };
        let mut crumbs = vec![home];
        let mut dir = String::new();
        for segment in page.section_dir.split('/').filter(|s| !s.is_empty()) {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(segment);
            if let Some(&s) = self.graph.section_pages.get(&dir) {
                crumbs.push(self.link(s));
            }
        }
        crumbs
    }

    /// A section page, or (with `page` None) the home page of a site without
    /// content/_index.md. `members`: the pages it lists and its subsections;
    /// `shown`: which of the pages this page of the list shows.
    pub fn section(
        &self,
        page: Option<&'a Page>,
        content: &'a str,
        members: &(Vec<usize>, Vec<usize>),
        shown: std::ops::Range<usize>,
    ) -> SectionView<'a> {
        let (title, description, path, extra) = match page {
            Some(p) => (
                p.source.meta.title.as_str(),
                p.source.meta.description.as_str(),
                p.path.as_str(),
                &p.source.meta.extra,
            ),
            None => (
                self.config.title.as_str(),
                self.config.description.as_str(),
                "",
                &serde_json::Value::Null,
            ),
        };
        SectionView {
            title,
            description,
            url: self.url(path),
            permalink: self.permalink(path),
            content,
            pages: members.0[shown].iter().map(|&i| self.listed(i)).collect(),
            subsections: members.1.iter().map(|&i| self.link(i)).collect(),
            extra,
        }
    }

    /// The site's main navigation: home, top-level sections, the three
    /// taxonomies, the checklists page, then top-level pages (by title).
    pub fn menu(&self) -> Vec<LinkView<'a>> {
        let mut menu = vec![LinkView {
            title: self.config.strings.text("home"),
            url: self.url(""),
            page: None,
        }];
        let top_level = |p: &&Page| {
            !p.source
                .rel_path
                .trim_end_matches("/_index.md")
                .contains('/')
        };
        let mut sections: Vec<&Page> = self
            .graph
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Section)
            .filter(top_level)
            .collect();
        sections.sort_by(|a, b| a.source.rel_path.cmp(&b.source.rel_path));
        menu.extend(sections.into_iter().map(|p| LinkView {
            title: &p.source.meta.title,
            url: self.url(&p.path),
            page: None,
        }));
        menu.extend(TaxonomyKind::ALL.iter().map(|kind| LinkView {
            title: taxonomy_text(*kind, &self.config.strings).0,
            url: self.url(&format!("{}/", kind.plural())),
            page: None,
        }));
        menu.push(LinkView {
            title: self.config.strings.text("checklists"),
            url: self.url("checklists/"),
            page: None,
        });
        if self.config.search.enabled {
            menu.push(LinkView {
                title: self.config.strings.text("search"),
                url: self.url("search/"),
                page: None,
            });
        }
        let mut pages: Vec<&Page> = self
            .graph
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Page && !p.source.rel_path.contains('/'))
            .collect();
        pages.sort_by(|a, b| a.source.meta.title.cmp(&b.source.meta.title));
        menu.extend(pages.into_iter().map(|p| LinkView {
            title: &p.source.meta.title,
            url: self.url(&p.path),
            page: None,
        }));
        menu
    }
}
