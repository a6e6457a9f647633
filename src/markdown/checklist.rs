//! Turns Markdown task lists into checklist components (part of the `markdown`
//! stage): each list becomes a form with labelled checkboxes, stable ids, a
//! progress line and a Reset button, and is described as a `Checklist` for the
//! checklists page. It only rewrites events; the theme's checklists.js adds
//! saving in the browser.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// Stable: made from the checklist's id and the item's own text, so editing
    /// one item never changes another item's id (and saved state).
    pub id: String,
    pub text: String,
    /// Ticked by the author (`- [x]`): the starting state, not a locked one.
    pub checked: bool,
    /// 0 for top-level items, 1 for items of a nested list, ...
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// `checklist-<heading id>`: the fragment that links to it.
    pub id: String,
    /// The text of the heading above it (or "Checklist").
    pub title: String,
    pub items: Vec<ChecklistItem>,
}

/// The id text of a slug, cut at a word boundary so ids stay readable.
fn short_slug(text: &str, max: usize) -> String {
    let slug = slug::slugify(text);
    if slug.len() <= max {
        return slug;
    }
    match slug[..max].rfind('-') {
        Some(i) if i > 0 => slug[..i].to_string(),
        _ => slug[..max].to_string(),
    }
}

/// Checklist and item ids count repeats from 2 (`-2`, `-3`, ...).
fn unique(base: String, used: &mut HashSet<String>) -> String {
    super::unique_name(base, used, 2)
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Does the list starting at `start` contain a task item (at any depth)?
fn contains_task(events: &[(Event, Range<usize>)], start: usize) -> bool {
    let mut depth = 0usize;
    for (e, _) in &events[start..] {
        match e {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            Event::TaskListMarker(_) => return true,
            _ => {}
        }
    }
    false
}

/// Rewrites every task list in `events` into a checklist component. `taken_ids`
/// holds the page's heading ids, so no checklist id repeats one.
pub fn build_checklists<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    taken_ids: &HashSet<String>,
) -> (Vec<Event<'a>>, Vec<Checklist>) {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len() + 16);
    let mut checklists: Vec<Checklist> = Vec::new();
    let mut used: HashSet<String> = taken_ids.clone();
    let mut heading: Option<(String, String)> = None; // (id, text) of the last heading
    let mut in_heading: Option<(String, String)> = None;
    // Inside a checklist: the list depth it started at, and the current depth.
    let mut checklist_depth: Option<usize> = None;
    let mut list_depth = 0usize;
    let mut item_ids: HashSet<String> = HashSet::new();
    // An open <label>: its inline nesting, and the item whose text it collects.
    let mut label: Option<usize> = None;
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::TaskListMarker(_)))
    {
        return (events.into_iter().map(|(e, _)| e).collect(), checklists);
    }
    for i in 0..events.len() {
        let event = events[i].0.clone();
        // Close the label before the first block-level boundary after its text.
        if let Some(nesting) = label.as_mut() {
            let closes = match &event {
                Event::Start(t) if is_inline(t) => {
                    *nesting += 1;
                    false
                }
                Event::End(t) if is_inline_end(t) && *nesting > 0 => {
                    *nesting -= 1;
                    false
                }
                Event::Start(_) | Event::End(_) => true,
                _ => false,
            };
            if closes {
                out.push(Event::InlineHtml(CowStr::from("</label>")));
                label = None;
            } else if let (Some(list), Event::Text(t) | Event::Code(t)) =
                (checklists.last_mut(), &event)
                && let Some(item) = list.items.last_mut()
            {
                item.text.push_str(t);
            }
        }
        match &event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = Some((id.as_deref().unwrap_or_default().to_string(), String::new()));
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() => {
                if let Some((_, text)) = in_heading.as_mut() {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => heading = in_heading.take(),
            Event::Start(Tag::List(_)) => {
                if checklist_depth.is_none() && contains_task(&events, i) {
                    let (base, title) = match &heading {
                        Some((id, text)) if !id.is_empty() => {
                            (format!("checklist-{id}"), text.trim().to_string())
                        }
                        _ => (
                            format!("checklist-{}", checklists.len() + 1),
                            "Checklist".to_string(),
                        ),
                    };
                    let id = unique(base, &mut used);
                    let attr = escape(&id);
                    out.push(Event::Html(CowStr::from(format!(
                        "<form class=\"checklist\" id=\"{attr}\" data-checklist=\"{attr}\">\n"
                    ))));
                    checklists.push(Checklist {
                        id,
                        title,
                        items: Vec::new(),
                    });
                    checklist_depth = Some(list_depth);
                    item_ids.clear();
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth -= 1;
                if checklist_depth == Some(list_depth) {
                    out.push(event);
                    if let Some(list) = checklists.last() {
                        let done = list.items.iter().filter(|i| i.checked).count();
                        let total = list.items.len();
                        out.push(Event::Html(CowStr::from(format!(
                            "<p class=\"checklist-status\"><span class=\"checklist-progress\" aria-live=\"polite\">{done} of {total} done</span> <button type=\"reset\" class=\"checklist-reset\">Reset</button></p>\n</form>\n"
                        ))));
                    }
                    checklist_depth = None;
                    continue;
                }
            }
            Event::TaskListMarker(checked) => {
                if let (Some(start), Some(list)) = (checklist_depth, checklists.last_mut()) {
                    // The item's id needs its text, which follows the marker.
                    let text = item_text(&events[i + 1..]);
                    let base = format!("{}--{}", list.id, short_slug(&text, 48));
                    let id = unique(base, &mut item_ids);
                    used.insert(id.clone());
                    let attr = escape(&id);
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<label class=\"task\" for=\"{attr}\"><input type=\"checkbox\" id=\"{attr}\"{}> ",
                        if *checked { " checked" } else { "" }
                    ))));
                    list.items.push(ChecklistItem {
                        id,
                        text: String::new(),
                        checked: *checked,
                        depth: list_depth.saturating_sub(start + 1),
                    });
                    label = Some(0);
                    continue;
                }
            }
            _ => {}
        }
        out.push(event);
    }
    if label.is_some() {
        out.push(Event::InlineHtml(CowStr::from("</label>")));
    }
    for list in &mut checklists {
        for item in &mut list.items {
            item.text = item.text.trim().to_string();
        }
    }
    (out, checklists)
}

/// The plain text of an item, from just after its marker to its first block boundary.
fn item_text(events: &[(Event, Range<usize>)]) -> String {
    let mut text = String::new();
    let mut nesting = 0usize;
    for (e, _) in events {
        match e {
            Event::Start(t) if is_inline(t) => nesting += 1,
            Event::End(t) if is_inline_end(t) && nesting > 0 => nesting -= 1,
            Event::Start(_) | Event::End(_) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}
