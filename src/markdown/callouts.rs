//! GitHub-style alerts (`> [!TIP]`, `[!NOTE]`, `[!IMPORTANT]`, `[!WARNING]`,
//! `[!CAUTION]`; pulldown-cmark parses them) as callout boxes: a `div` with
//! the note role, a class per kind for the theme, and its label first. The
//! quote's own Markdown (lists, links, checklists) stays as it is inside.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

/// The class and label of a kind of callout.
fn kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// `events` with every alert turned into a callout box.
pub(super) fn callouts<'a>(events: Vec<Event<'a>>) -> Vec<Event<'a>> {
    events
        .into_iter()
        .map(|event| match event {
            Event::Start(Tag::BlockQuote(Some(k))) => {
                let (class, label) = kind(k);
                Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-label\">{label}</p>\n"
                )))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::from("</div>\n")),
            other => other,
        })
        .collect()
}
