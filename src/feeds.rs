//! The machine-read outputs: Atom feeds (the site's and one per level), the
//! sitemap, robots.txt, and the redirect pages of `aliases`. Builds their
//! template data; `render` renders them with the theme's atom.xml,
//! sitemap.xml, robots.txt and alias.html.

use std::collections::HashMap;

use serde::Serialize;

use crate::graph::{Page, PageKind};
use crate::views::Views;
use crate::vocab::TaxonomyKind;

#[derive(Serialize)]
pub struct EntryView<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub published: &'a str,
    pub updated: &'a str,
    pub summary: &'a str,
    /// The article's HTML, or empty with `content = "summary"`.
    pub content: &'a str,
    pub categories: Vec<&'a str>,
    /// The featured image, for an enclosure link: absolute URL, MIME type,
    /// size in bytes, and its alt text.
    pub image: Option<FeedImageView<'a>>,
}

#[derive(Serialize)]
pub struct FeedImageView<'a> {
    pub url: String,
    pub mime: &'static str,
    pub length: u64,
    pub alt: &'a str,
}

#[derive(Serialize)]
pub struct FeedView<'a> {
    pub title: String,
    /// The feed's own absolute URL (also its Atom id).
    pub url: String,
    /// The page it belongs to (home, or the level's page).
    pub alternate: String,
    /// The newest entry's update time, RFC 3339 (a fixed date for an empty feed,
    /// so an unchanged site gives an unchanged feed).
    pub updated: String,
    pub author: &'a str,
    pub entries: Vec<EntryView<'a>>,
}

#[derive(Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

#[derive(Serialize)]
pub struct AliasView<'a> {
    pub title: &'a str,
    /// Where the old URL now lives (absolute).
    pub permalink: String,
}

fn updated_of(p: &Page) -> Option<&str> {
    let meta = &p.source.meta;
    meta.updated
        .as_ref()
        .or(meta.date.as_ref())
        .map(|d| d.rfc3339.as_str())
}

/// The site feed (`level` None) or a level's feed: its output path and data.
pub fn feed<'a>(
    views: &Views<'a>,
    level: Option<usize>,
    bodies: &'a HashMap<usize, String>,
) -> (String, FeedView<'a>) {
    let graph = views.graph;
    let members: &[usize] = match level {
        Some(l) => &views.links.terms.levels[l],
        None => &graph.articles,
    };
    let (path, page_path, title) = match level.and_then(|l| views.vocab.levels.get(l)) {
        Some(l) => (
            format!("levels/{}/atom.xml", l.slug),
            format!("levels/{}/", l.slug),
            format!("{} — {}", views.config.title, l.name),
        ),
        None => (
            "atom.xml".to_string(),
            String::new(),
            views.config.title.clone(),
        ),
    };
    let entries: Vec<EntryView<'a>> = members
        .iter()
        .take(views.config.feed.count)
        .map(|&i| {
            let p: &'a Page = &graph.pages[i];
            let meta = &p.source.meta;
            let tags = &meta.tags;
            let mut categories: Vec<&str> = tags
                .level
                .map(|l| views.vocab.levels[l.0].slug.as_str())
                .into_iter()
                .collect();
            categories.extend(
                tags.attitudes
                    .iter()
                    .map(|t| views.vocab.attitudes[t.0].slug.as_str()),
            );
            categories.extend(
                tags.practices
                    .iter()
                    .map(|t| views.vocab.practices[t.0].slug.as_str()),
            );
            EntryView {
                title: &meta.title,
                permalink: views.permalink(&p.path),
                published: meta
                    .date
                    .as_ref()
                    .map_or("1970-01-01T00:00:00Z", |d| d.rfc3339.as_str()),
                updated: updated_of(p).unwrap_or("1970-01-01T00:00:00Z"),
                summary: &p.body.summary_html,
                content: bodies.get(&i).map_or("", String::as_str),
                categories,
                image: p.body.featured.as_ref().map(|pic| FeedImageView {
                    url: views.permalink(pic.original.as_str()),
                    mime: pic.format.mime(),
                    length: pic.bytes,
                    alt: meta.image.as_ref().map_or("", |i| i.alt.as_str()),
                }),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or("1970-01-01T00:00:00Z")
        .to_string();
    let view = FeedView {
        title,
        url: views.permalink(&path),
        alternate: views.permalink(&page_path),
        updated,
        author: &views.config.author,
        entries,
    };
    (path, view)
}

/// Which articles' bodies the feeds need (each at most once).
pub fn feed_members(views: &Views) -> Vec<usize> {
    if views.config.feed.content == crate::config::FeedContent::Summary {
        return Vec::new();
    }
    let count = views.config.feed.count;
    let mut out: Vec<usize> = views.graph.articles.iter().take(count).copied().collect();
    for level in &views.links.terms.levels {
        out.extend(level.iter().take(count));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Every HTML page of the site with its last change, for sitemap.xml.
pub fn sitemap(views: &Views, newsletter: bool) -> Vec<SitemapEntry> {
    let graph = views.graph;
    let newest = |members: &[usize]| {
        members
            .first()
            .and_then(|&i| updated_of(&graph.pages[i]))
            .map(|d| d[..10].to_string())
    };
    let mut entries: Vec<SitemapEntry> = graph
        .pages
        .iter()
        .map(|p| SitemapEntry {
            loc: views.permalink(&p.path),
            lastmod: match p.kind {
                PageKind::Page => updated_of(p).map(|d| d[..10].to_string()),
                _ => newest(&graph.articles),
            },
        })
        .collect();
    if !graph.pages.iter().any(|p| p.kind == PageKind::Home) {
        entries.push(SitemapEntry {
            loc: views.permalink(""),
            lastmod: newest(&graph.articles),
        });
    }
    for kind in TaxonomyKind::ALL {
        let plural = kind.plural();
        entries.push(SitemapEntry {
            loc: views.permalink(&format!("{plural}/")),
            lastmod: newest(&graph.articles),
        });
        for (t, members) in views.links.terms.postings(kind).iter().enumerate() {
            let slug = views.vocab.term_slug(kind, t);
            entries.push(SitemapEntry {
                loc: views.permalink(&format!("{plural}/{slug}/")),
                lastmod: newest(members),
            });
        }
    }
    entries.push(SitemapEntry {
        loc: views.permalink("checklists/"),
        lastmod: newest(&graph.articles),
    });
    if views.config.search.enabled {
        entries.push(SitemapEntry {
            loc: views.permalink("search/"),
            lastmod: None,
        });
    }
    if newsletter {
        entries.push(SitemapEntry {
            loc: views.permalink("newsletter/"),
            lastmod: None,
        });
    }
    entries
}

/// The redirect pages: (output path, data) for every alias of every page.
pub fn aliases<'a>(views: &Views<'a>) -> Vec<(String, AliasView<'a>)> {
    let mut out = Vec::new();
    for p in &views.graph.pages {
        for alias in &p.source.meta.aliases {
            let trimmed = alias.trim_matches('/');
            let path = if trimmed.ends_with(".html") {
                trimmed.to_string()
            } else if trimmed.is_empty() {
                "index.html".into()
            } else {
                format!("{trimmed}/index.html")
            };
            out.push((
                path,
                AliasView {
                    title: &p.source.meta.title,
                    permalink: views.permalink(&p.path),
                },
            ));
        }
    }
    out
}
