//! What a body says in plain words: its word count (for reading time), its
//! text for the search index, and its summary (the text before
//! `<!-- more -->`, else the first paragraph) as HTML for listings.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd, html};

use super::MORE_MARKER;

pub(super) fn count_words(events: &[(Event, Range<usize>)]) -> usize {
    let mut in_code_block = false;
    let mut words = 0;
    for (e, _) in events {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) | Event::Code(t) if !in_code_block => {
                words += t.split_whitespace().count()
            }
            _ => {}
        }
    }
    words
}

/// The body's words, space-separated, at most `limit` of them (for search).
pub(super) fn plain_text(events: &[(Event, Range<usize>)], limit: usize) -> String {
    let mut text = String::new();
    let mut words = 0;
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            for w in t.split_whitespace() {
                if words == limit {
                    return text;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(w);
                words += 1;
            }
        }
    }
    text
}

/// The events before `<!-- more -->`, else the first paragraph, as HTML.
pub(super) fn summary(events: &[(Event, Range<usize>)]) -> String {
    let marker = events.iter().position(|(e, _)| match e {
        Event::Html(h) | Event::InlineHtml(h) => h.trim() == MORE_MARKER,
        _ => false,
    });
    let mut out = String::new();
    match marker {
        Some(idx) => {
            let mut open: Vec<TagEnd> = Vec::new();
            for (e, _) in &events[..idx] {
                match e {
                    Event::Start(t) => open.push(t.to_end()),
                    Event::End(_) => {
                        open.pop();
                    }
                    _ => {}
                }
            }
            let closing = open.into_iter().rev().map(Event::End);
            let events = for_listing(&events[..idx]);
            html::push_html(&mut out, events.into_iter().chain(closing));
        }
        None => {
            let Some(start) = events
                .iter()
                .position(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)))
            else {
                return out;
            };
            let mut depth = 0;
            let mut end = start;
            for (i, (e, _)) in events.iter().enumerate().skip(start) {
                match e {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            html::push_html(&mut out, for_listing(&events[start..=end]).into_iter());
        }
    }
    out
}

/// A summary is shown on other pages, many to a list: drop what would dangle
/// there or repeat an id (footnotes, heading ids).
pub(super) fn for_listing<'a>(events: &[(Event<'a>, Range<usize>)]) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_footnote = 0;
    for (e, _) in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote -= 1,
            _ if in_footnote > 0 => {}
            Event::FootnoteReference(_) => {}
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => out.push(Event::Start(Tag::Heading {
                level: *level,
                id: None,
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            e => out.push(e.clone()),
        }
    }
    out
}
