//! Renders a page body with pulldown-cmark into HTML, and gathers what later
//! stages need from it: heading ids and a table of contents, the summary, word
//! count, checklists (see `checklist`), and every internal link (rewritten from `.md` paths to URLs where the
//! target is known). It does not decide whether a link is broken: `graph` does,
//! once every page's headings are known.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

mod callouts;
pub mod checklist;
mod images;
mod links;
mod text;

use checklist::{Checklist, build_checklists};
pub use images::featured_picture;
use links::classify_link;
use text::{count_words, plain_text, summary};

/// One heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What a link in the body points at, for `graph` to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The destination as written.
    pub written: String,
    /// The content path it names (`articles/foo.md`), or None for a same-page `#anchor`.
    pub target: Option<String>,
    pub anchor: Option<String>,
    /// Byte range of the link in the body.
    pub span: Range<usize>,
    /// True when the target was found in the URL map and rewritten.
    pub resolved: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RenderedBody {
    pub html: String,
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    pub heading_ids: HashSet<String>,
    /// The body's raw HTML as written (its `<a href>`s and ids are read by
    /// the link check of the rendered site; empty for most bodies).
    pub raw_html: String,
    pub word_count: usize,
    pub links: Vec<InternalLink>,
    pub checklists: Vec<Checklist>,
    /// Body text for the search index (empty unless asked for).
    pub text: String,
    /// Problems found in the body itself (an image without alt text, a
    /// picture that cannot be shown), for `graph` to report with the page.
    pub problems: Vec<BodyProblem>,
    /// The pictures the page shows, by image key (see `images`) with where
    /// the file names each, the featured image's first.
    pub pictures: Vec<(String, Range<usize>)>,
    /// The page's featured image (front matter `image`), resolved.
    pub featured: Option<std::sync::Arc<crate::images::Picture>>,
}

/// A problem at a place in the page's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    /// Byte range in the file.
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    pub warning: bool,
}

impl BodyProblem {
    pub fn error(span: Range<usize>, message: String, help: impl Into<String>) -> Self {
        BodyProblem {
            span,
            message,
            help: help.into(),
            warning: false,
        }
    }

    pub fn warning(span: Range<usize>, message: String, help: impl Into<String>) -> Self {
        BodyProblem {
            warning: true,
            ..BodyProblem::error(span, message, help)
        }
    }
}

/// What the renderer needs to rewrite links: where the page is, and every content
/// path's URL (Markdown sources and asset files).
pub struct LinkContext<'a> {
    /// The page's source path relative to content/: `articles/foo.md`.
    pub page_rel_path: &'a str,
    pub urls: &'a HashMap<String, String>,
    /// How many words of body text to keep for the search index (0: none).
    pub text_words: usize,
    /// The site's pictures; None: images are left as written.
    pub images: Option<&'a crate::images::ImageTable>,
    /// The theme's texts in the site's language (callout labels, the
    /// checklists' progress line and Reset button).
    pub strings: &'a crate::strings::Strings,
}

/// A link written outside the body (a newsletter issue's `articles`),
/// resolved like a body link and checked with them. A URL to another site,
/// or a path that climbs out of content/, is a problem at `span`.
pub fn front_matter_link(
    written: &str,
    span: Range<usize>,
    ctx: &LinkContext,
    out: &mut RenderedBody,
) {
    match classify_link(written, ctx, span.clone()) {
        Some(link) if link.target.is_some() => out.links.push(link),
        _ => out.problems.push(BodyProblem::error(
            span,
            format!("`{written}` is not an article of this site"),
            "list each article by its file, from content/ (`@/articles/x.md`) or relative to this file",
        )),
    }
}

pub const MORE_MARKER: &str = "<!-- more -->";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        // `> [!TIP]` and the other alerts, for callouts.
        | Options::ENABLE_GFM
}

/// Renders `body`; `body_offset` is where it starts in the file, so link spans
/// are file offsets.
pub fn render_body(body: &str, body_offset: usize, links: &LinkContext) -> RenderedBody {
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let mut out = RenderedBody::default();
    for (event, _) in &events {
        if let Event::Html(t) | Event::InlineHtml(t) = event {
            out.raw_html.push_str(t);
        }
    }
    assign_heading_ids(&mut events, &mut out);
    out.word_count = count_words(&events);
    if links.text_words > 0 {
        out.text = plain_text(&events, links.text_words);
    }
    let mut events = images::place_pictures(events, links, body_offset, &mut out);
    for (event, range) in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && let Some(link) = classify_link(
                dest_url,
                links,
                body_offset + range.start..body_offset + range.end,
            )
        {
            if link.resolved
                && let Some(target) = &link.target
                && let Some(url) = links.urls.get(target)
            {
                let rewritten = match &link.anchor {
                    Some(a) => format!("{url}#{a}"),
                    None => url.clone(),
                };
                *dest_url = CowStr::from(rewritten);
            }
            out.links.push(link);
        }
    }
    // Summaries are shown many to a page, so they keep plain task lists;
    // the page itself gets checklist components.
    out.summary_html = summary(&events);
    let (events, checklists) = build_checklists(events, &out.heading_ids, links.strings);
    out.checklists = checklists;
    html::push_html(
        &mut out.html,
        callouts::callouts(events, links.strings).into_iter(),
    );
    out
}

fn assign_heading_ids(events: &mut [(Event, Range<usize>)], out: &mut RenderedBody) {
    let mut used: HashSet<String> = HashSet::new();
    // Author-given ids are taken first, so generated ones never collide with them.
    for (e, _) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            used.insert(id.to_string());
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = heading_number(*level);
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = match given {
                Some(id) => id,
                None => unique_id(&text, &mut used),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                *slot = Some(CowStr::from(id.clone()));
            }
            out.heading_ids.insert(id.clone());
            out.toc.push(TocEntry {
                level,
                id,
                title: text.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
}

fn unique_id(text: &str, used: &mut HashSet<String>) -> String {
    let mut base = slug::slugify(text);
    if base.is_empty() {
        base = "section".into();
    }
    unique_name(base, used, 1)
}

/// `base`, or `base-<first>`, `base-<first + 1>`, ... whichever is not in `used`
/// yet; records the one returned.
pub(crate) fn unique_name(base: String, used: &mut HashSet<String>, first: usize) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    (first..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or(base) // the range is unbounded, so `find` always returns
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Minutes at `wpm` words a minute, rounded, at least one.
pub fn reading_time(words: usize, wpm: u32) -> usize {
    let wpm = wpm.max(1) as usize;
    ((words + wpm / 2) / wpm).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, urls: &[(&str, &str)]) -> RenderedBody {
        let urls: HashMap<String, String> = urls
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        render_body(
            src,
            0,
            &LinkContext {
                page_rel_path: "articles/a.md",
                urls: &urls,
                text_words: 0,
                images: None,
                strings: &crate::strings::Strings::for_language("en"),
            },
        )
    }

    #[test]
    fn duplicate_headings_get_distinct_ids_and_given_ids_are_kept() {
        let r = render(
            "## Try this\n\n## Try this\n\n## Custom {#mine}\n\n### Try this\n",
            &[],
        );
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["try-this", "try-this-1", "mine", "try-this-2"]);
        assert!(r.html.contains(r#"<h2 id="try-this-1">"#), "{}", r.html);
        assert_eq!(r.toc[3].level, 3);
    }

    #[test]
    fn md_links_are_rewritten_and_unknown_ones_flagged() {
        let r = render(
            "[b](b.md#x) [c](../c.md) [z](@/articles/b.md) [w](https://e.org/x.md) [m](missing.md)",
            &[("articles/b.md", "/articles/b/"), ("c.md", "/c/")],
        );
        assert!(r.html.contains(r#"href="/articles/b/#x""#), "{}", r.html);
        assert!(r.html.contains(r#"href="/c/""#));
        assert!(r.html.contains(r#"href="https://e.org/x.md""#));
        let missing: Vec<_> = r.links.iter().filter(|l| !l.resolved).collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].target.as_deref(), Some("articles/missing.md"));
    }

    #[test]
    fn summary_is_text_before_more_else_first_paragraph() {
        let r = render("First *para*.\n\nSecond.\n\n<!-- more -->\n\nThird.", &[]);
        assert!(
            r.summary_html.contains("First")
                && r.summary_html.contains("Second")
                && !r.summary_html.contains("Third")
        );
        let r = render("## Head\n\nOnly this.\n\nNot this.", &[]);
        assert_eq!(r.summary_html.trim(), "<p>Only this.</p>");
    }

    #[test]
    fn code_is_escaped_and_raw_html_kept() {
        let r = render(
            "```\n<script>x</script>\n```\n\n<div class=\"note\">hi</div>\n",
            &[],
        );
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.html.contains("<div class=\"note\">hi</div>"));
    }

    #[test]
    fn task_lists_become_labelled_checklists_with_stable_ids() {
        let src = "## Before we meet\n\n- [ ] Write the *goal*\n- [x] Book a room\n  - [ ] Nested step\n\n## Plain\n\n- not a task\n";
        let r = render(src, &[]);
        assert_eq!(r.checklists.len(), 1);
        let c = &r.checklists[0];
        assert_eq!(
            (c.id.as_str(), c.title.as_str()),
            ("checklist-before-we-meet", "Before we meet")
        );
        let ids: Vec<_> = c.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "checklist-before-we-meet--write-the-goal",
                "checklist-before-we-meet--book-a-room",
                "checklist-before-we-meet--nested-step"
            ]
        );
        assert_eq!(
            c.items
                .iter()
                .map(|i| (i.checked, i.depth))
                .collect::<Vec<_>>(),
            [(false, 0), (true, 0), (false, 1)]
        );
        assert_eq!(r.html.matches("<input type=\"checkbox\"").count(), 3);
        assert_eq!(r.html.matches("<label class=\"task\" for=").count(), 3);
        assert_eq!(r.html.matches("</label>").count(), 3);
        assert!(r.html.contains(
            "<input type=\"checkbox\" id=\"checklist-before-we-meet--book-a-room\" checked>"
        ));
        assert!(r.html.contains("1 of 3 done"));
        assert!(!r.summary_html.contains("id="), "summaries carry no ids");
        // Editing one item leaves the others' ids alone.
        let edited = render(&src.replace("Book a room", "Book the big room"), &[]);
        let before: Vec<_> = c.items.iter().map(|i| i.id.clone()).collect();
        let after: Vec<_> = edited.checklists[0]
            .items
            .iter()
            .map(|i| i.id.clone())
            .collect();
        assert_eq!(
            (before[0].as_str(), before[2].as_str()),
            (after[0].as_str(), after[2].as_str())
        );
        assert_ne!(before[1], after[1]);
    }

    #[test]
    fn checklists_in_quotes_loose_lists_and_ordered_lists() {
        let r = render("> - [ ] quoted\n\n1. [ ] first\n\n2. [x] second\n", &[]);
        assert_eq!(r.checklists.len(), 2);
        assert_eq!(r.checklists[1].items.len(), 2);
        assert!(
            r.html.contains("<blockquote>\n<form class=\"checklist\""),
            "{}",
            r.html
        );
        assert_eq!(
            r.html.matches("<label").count(),
            r.html.matches("</label>").count()
        );
    }

    #[test]
    fn words_and_reading_time() {
        let r = render("one two three\n\n```\nnot counted here\n```\n", &[]);
        assert_eq!(r.word_count, 3);
        assert_eq!(reading_time(1400, 200), 7);
        assert_eq!(reading_time(10, 200), 1);
        assert_eq!(reading_time(1500, 200), 8);
    }
}
