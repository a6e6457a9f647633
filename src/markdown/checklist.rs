//! Turns Markdown task lists into checklist components (part of the `markdown`
//! stage): each list becomes a form with labelled checkboxes, stable ids, a
//! progress line and a Reset button, and is described as a `Checklist` for the
//! checklists page. It only rewrites events; the theme's checklists.js adds
//! saving in the browser.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use crate::strings::Strings;

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
    strings: &Strings,
) -> (Vec<Event<'a>>, Vec<Checklist>) {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::TaskListMarker(_)))
    {
        return (events.into_iter().map(|(e, _)| e).collect(), Vec::new());
    }
    let mut b = Builder {
        out: Vec::with_capacity(events.len() + 16),
        checklists: Vec::new(),
        used: taken_ids.clone(),
        heading: None,
        in_heading: None,
        checklist_depth: None,
        list_depth: 0,
        item_ids: HashSet::new(),
        label: None,
        strings,
    };
    for i in 0..events.len() {
        let event = events[i].0.clone();
        b.close_label_before(&event);
        let consumed = match &event {
            Event::Start(Tag::Heading { id, .. }) => {
                b.in_heading = Some((id.as_deref().unwrap_or_default().to_string(), String::new()));
                false
            }
            Event::Text(t) | Event::Code(t) if b.in_heading.is_some() => {
                if let Some((_, text)) = b.in_heading.as_mut() {
                    text.push_str(t);
                }
                false
            }
            Event::End(TagEnd::Heading(_)) => {
                b.heading = b.in_heading.take();
                false
            }
            Event::Start(Tag::List(_)) => {
                if b.checklist_depth.is_none() && contains_task(&events, i) {
                    b.open_checklist();
                }
                b.list_depth += 1;
                false
            }
            Event::End(TagEnd::List(_)) => {
                b.list_depth -= 1;
                b.checklist_depth == Some(b.list_depth) && b.close_checklist(&event)
            }
            Event::TaskListMarker(checked) => b.task(*checked, &events[i + 1..]),
            _ => false,
        };
        if !consumed {
            b.out.push(event);
        }
    }
    if b.label.is_some() {
        b.out.push(Event::InlineHtml(CowStr::from("</label>")));
    }
    for list in &mut b.checklists {
        for item in &mut list.items {
            item.text = item.text.trim().to_string();
        }
    }
    (b.out, b.checklists)
}

/// `build_checklists`' state while it walks the events.
struct Builder<'a, 's> {
    out: Vec<Event<'a>>,
    checklists: Vec<Checklist>,
    /// Ids taken on the page so far.
    used: HashSet<String>,
    /// (id, text) of the last heading, and of the one being read.
    heading: Option<(String, String)>,
    in_heading: Option<(String, String)>,
    /// Inside a checklist: the list depth it started at; and the current depth.
    checklist_depth: Option<usize>,
    list_depth: usize,
    item_ids: HashSet<String>,
    /// An open <label>: its inline nesting (it collects the item's text).
    label: Option<usize>,
    strings: &'s Strings,
}

impl<'a> Builder<'a, '_> {
    /// Closes the label before the first block-level boundary after its
    /// text; until then, collects the item's text.
    fn close_label_before(&mut self, event: &Event<'a>) {
        let Some(nesting) = self.label.as_mut() else {
            return;
        };
        let closes = match event {
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
            self.out.push(Event::InlineHtml(CowStr::from("</label>")));
            self.label = None;
        } else if let (Some(list), Event::Text(t) | Event::Code(t)) =
            (self.checklists.last_mut(), event)
            && let Some(item) = list.items.last_mut()
        {
            item.text.push_str(t);
        }
    }

    /// A list with a task in it starts a checklist, named for the heading above.
    fn open_checklist(&mut self) {
        let (base, title) = match &self.heading {
            Some((id, text)) if !id.is_empty() => {
                (format!("checklist-{id}"), text.trim().to_string())
            }
            _ => (
                format!("checklist-{}", self.checklists.len() + 1),
                self.strings.text("checklist").to_string(),
            ),
        };
        let id = unique(base, &mut self.used);
        let attr = escape(&id);
        self.out.push(Event::Html(CowStr::from(format!(
            "<form class=\"checklist\" id=\"{attr}\" data-checklist=\"{attr}\">\n"
        ))));
        self.checklists.push(Checklist {
            id,
            title,
            items: Vec::new(),
        });
        self.checklist_depth = Some(self.list_depth);
        self.item_ids.clear();
    }

    /// The checklist's list ends: its status line and Reset button follow.
    fn close_checklist(&mut self, end: &Event<'a>) -> bool {
        self.out.push(end.clone());
        if let Some(list) = self.checklists.last() {
            let done = list.items.iter().filter(|i| i.checked).count();
            let total = list.items.len();
            let s = self.strings;
            let (d, t) = (done.to_string(), total.to_string());
            let progress = s.fill(
                "checklist_progress",
                Some(done as u64),
                &[("done", &d), ("total", &t)],
            );
            // The forms go to checklists.js, which counts again as boxes are ticked.
            let forms = escape(&s.json("checklist_progress"));
            let (progress, reset) = (escape(&progress), escape(s.text("checklist_reset")));
            self.out.push(Event::Html(CowStr::from(format!(
                "<p class=\"checklist-status\"><span class=\"checklist-progress\" aria-live=\"polite\" data-forms=\"{forms}\">{progress}</span> <button type=\"reset\" class=\"checklist-reset\">{reset}</button></p>\n</form>\n"
            ))));
        }
        self.checklist_depth = None;
        true
    }

    /// A task's box, with a label around its text. `rest`: the events after
    /// the marker (the item's id needs its text). False outside a checklist.
    fn task(&mut self, checked: bool, rest: &[(Event, Range<usize>)]) -> bool {
        let (Some(start), Some(list)) = (self.checklist_depth, self.checklists.last_mut()) else {
            return false;
        };
        let text = item_text(rest);
        let base = format!("{}--{}", list.id, short_slug(&text, 48));
        let id = unique(base, &mut self.item_ids);
        self.used.insert(id.clone());
        let attr = escape(&id);
        self.out.push(Event::InlineHtml(CowStr::from(format!(
            "<label class=\"task\" for=\"{attr}\"><input type=\"checkbox\" id=\"{attr}\"{}> ",
            if checked { " checked" } else { "" }
        ))));
        list.items.push(ChecklistItem {
            id,
            text: String::new(),
            checked,
            depth: self.list_depth.saturating_sub(start + 1),
        });
        self.label = Some(0);
        true
    }
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
