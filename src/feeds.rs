//! The machine-read outputs: Atom and RSS 2.0 feeds (the site's and one per
//! level, each with the articles' full HTML, every URL absolute, for feed
//! readers and RSS-to-email tools), the sitemap, robots.txt, and the redirect
//! pages of `aliases`. Builds their template data; `render` renders them with
//! the theme's atom.xml, rss.xml, sitemap.xml, robots.txt and alias.html.

use std::collections::HashMap;
use std::str::FromStr;

use serde::Serialize;

use crate::graph::{Page, PageKind};
use crate::views::Views;
use crate::vocab::TaxonomyKind;

/// The two feed formats: the same entries, two templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    Atom,
    Rss,
}

impl FeedFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Rss => "rss.xml",
        }
    }
}

#[derive(Serialize)]
pub struct EntryView<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub published: &'a str,
    pub updated: &'a str,
    /// The same moments as RFC 2822, for RSS (`Tue, 08 Dec 2026 07:00:00 +0100`).
    pub published_rfc2822: String,
    pub updated_rfc2822: String,
    /// The summary's HTML, every URL absolute.
    pub summary: String,
    /// The article's HTML, every URL absolute, or empty with `content = "summary"`.
    pub content: &'a str,
    /// The level's, attitudes' and practices' slugs.
    pub categories: Vec<&'a str>,
    /// The same terms with `term` (slug), `label` (name) and `scheme` (the
    /// taxonomy's absolute URL).
    pub terms: Vec<CategoryView<'a>>,
    /// The featured image, for an enclosure link: absolute URL, MIME type,
    /// size in bytes, and its alt text.
    pub image: Option<FeedImageView<'a>>,
}

#[derive(Serialize)]
pub struct CategoryView<'a> {
    pub term: &'a str,
    pub label: &'a str,
    pub scheme: String,
}

#[derive(Serialize)]
pub struct FeedImageView<'a> {
    pub url: String,
    pub mime: &'static str,
    pub length: u64,
    pub width: u32,
    pub height: u32,
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
    /// so an unchanged site gives an unchanged feed), and as RFC 2822.
    pub updated: String,
    pub updated_rfc2822: String,
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

/// The site feed (`level` None) or a level's feed, in `format`: its output
/// path and data. `bodies` are the entries' HTML, with absolute URLs.
pub fn feed<'a>(
    views: &Views<'a>,
    level: Option<usize>,
    format: FeedFormat,
    bodies: &'a HashMap<usize, String>,
) -> (String, FeedView<'a>) {
    let graph = views.graph;
    let members: &[usize] = match level {
        Some(l) => &views.links.terms.levels[l],
        None => &graph.articles,
    };
    let (path, page_path, title) = match level.and_then(|l| views.vocab.levels.get(l)) {
        Some(l) => (
            format!("levels/{}/{}", l.slug, format.file_name()),
            format!("levels/{}/", l.slug),
            format!("{} — {}", views.config.title, l.name),
        ),
        None => (
            format.file_name().to_string(),
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
            let permalink = views.permalink(&p.path);
            let page_url = url::Url::parse(&permalink).ok();
            let published = meta.date.as_ref().map_or(EPOCH, |d| d.rfc3339.as_str());
            let updated = updated_of(p).unwrap_or(EPOCH);
            let terms = categories(views, &meta.tags);
            EntryView {
                title: &meta.title,
                published,
                updated,
                published_rfc2822: rfc2822(published),
                updated_rfc2822: rfc2822(updated),
                summary: match &page_url {
                    Some(u) => crate::html_urls::absolute_urls(&p.body.summary_html, u),
                    None => p.body.summary_html.clone(),
                },
                permalink,
                content: bodies.get(&i).map_or("", String::as_str),
                categories: terms.iter().map(|t| t.term).collect(),
                terms,
                image: p.body.featured.as_ref().map(|pic| FeedImageView {
                    url: views.permalink(pic.original.as_str()),
                    mime: pic.format.mime(),
                    length: pic.bytes,
                    width: pic.width,
                    height: pic.height,
                    alt: meta.image.as_ref().map_or("", |i| i.alt.as_str()),
                }),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .max_by_key(|e| jiff::Timestamp::from_str(e.updated).ok())
        .map_or(EPOCH, |e| e.updated)
        .to_string();
    let view = FeedView {
        title,
        url: views.permalink(&path),
        alternate: views.permalink(&page_path),
        updated_rfc2822: rfc2822(&updated),
        updated,
        author: &views.config.author,
        entries,
    };
    (path, view)
}

const EPOCH: &str = "1970-01-01T00:00:00Z";

/// An RFC 3339 moment (as pages carry it) as RFC 2822, in its own offset.
fn rfc2822(rfc3339: &str) -> String {
    let parsed = jiff::Timestamp::from_str(rfc3339).ok().and_then(|t| {
        // The offset is the written local time's distance from the instant.
        let local: jiff::civil::DateTime = rfc3339.get(..19)?.parse().ok()?;
        let as_utc = local.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?;
        let seconds = as_utc.timestamp().as_second() - t.as_second();
        let offset = jiff::tz::Offset::from_seconds(i32::try_from(seconds).ok()?).ok()?;
        let zoned = t.to_zoned_datetime(jiff::tz::TimeZone::fixed(offset));
        jiff::fmt::rfc2822::to_string(&zoned).ok()
    });
    parsed.unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".into())
}

/// A page's level, attitudes and practices as feed categories.
fn categories<'a>(views: &Views<'a>, tags: &crate::front::Tags) -> Vec<CategoryView<'a>> {
    let vocab = views.vocab;
    let mut out = Vec::new();
    let mut push = |kind: TaxonomyKind, t: usize| {
        let (slug, name) = vocab.term_slug_and_name(kind, t);
        out.push(CategoryView {
            term: slug,
            label: name,
            scheme: views.permalink(&format!("{}/", kind.plural())),
        });
    };
    if let Some(l) = tags.level {
        push(TaxonomyKind::Level, l.0);
    }
    for t in &tags.attitudes {
        push(TaxonomyKind::Attitude, t.0);
    }
    for t in &tags.practices {
        push(TaxonomyKind::Practice, t.0);
    }
    out
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
pub fn sitemap(
    views: &Views,
    newsletter: bool,
    lists: &[(crate::views::ListId, usize)],
) -> Vec<SitemapEntry> {
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
    // A list's later pages, dated as its first.
    let lastmods: HashMap<String, Option<String>> = entries
        .iter()
        .map(|e| (e.loc.clone(), e.lastmod.clone()))
        .collect();
    for &(list, pages) in lists {
        let path = list.path(graph, views.vocab);
        let lastmod = lastmods.get(&views.permalink(&path)).cloned().flatten();
        entries.extend((2..=pages).map(|n| SitemapEntry {
            loc: views.permalink(&crate::views::page_path(&path, n)),
            lastmod: lastmod.clone(),
        }));
    }
    if views.config.search.enabled {
        entries.push(SitemapEntry {
            loc: views.permalink("search/"),
            lastmod: None,
        });
    }
    if views.vocab.has_level_check() {
        entries.push(SitemapEntry {
            loc: views.permalink("levels/check/"),
            lastmod: None,
        });
    }
    if newsletter {
        entries.push(SitemapEntry {
            loc: views.permalink("newsletter/"),
            lastmod: None,
        });
    }
    if let Some((newest_issue, _)) = graph.issues.first() {
        entries.push(SitemapEntry {
            loc: views.permalink("newsletter/archive/"),
            lastmod: updated_of(&graph.pages[*newest_issue]).map(|d| d[..10].to_string()),
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
