//! GitHub-style alerts (`> [!TIP]`, `[!NOTE]`, `[!IMPORTANT]`, `[!WARNING]`,
//! `[!CAUTION]`; pulldown-cmark parses them) as callout boxes: a `div` with
//! the note role, a class per kind for the theme, and its label first. The
//! quote's own Markdown (lists, links, checklists) stays as it is inside.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use crate::strings::Strings;

/// The class of a kind of callout (its label is the string `callout_<class>`).
fn kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// `events` with every alert turned into a callout box, labelled in the
/// site's language.
pub(super) fn callouts<'a>(events: Vec<Event<'a>>, strings: &Strings) -> Vec<Event<'a>> {
    events
        .into_iter()
        .map(|event| match event {
            Event::Start(Tag::BlockQuote(Some(k))) => {
                let class = kind(k);
                let mut label = String::new();
                let text = strings.text(&format!("callout_{class}"));
                let _ = pulldown_cmark_escape::escape_html(&mut label, text);
                Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-label\">{label}</p>\n"
                )))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::from("</div>\n")),
            other => other,
        })
        .collect()
}
