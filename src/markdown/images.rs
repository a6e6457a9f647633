//! Markdown images (`![alt](whiteboard.jpg)`) as pictures: resolved like
//! links (relative to the page, `@/` from content/, or `/images/x.jpg` from
//! static/), replaced by the `<picture>` markup of the `images` stage with
//! the file's own width and height, and checked: alt text is required, and a
//! file that cannot be shown is named with what is wrong with it.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::links::{classify_link, percent_decode};
use super::{BodyProblem, LinkContext, RenderedBody};
use crate::diagnostic::closest;
use crate::images::{ImageTable, picture_element};

/// Replaces every image the table knows with its markup; images it does
/// not know stay as they are, for the link check to report (a missing file
/// under content/) or to pass (a remote URL).
pub(super) fn place_pictures<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    ctx: &LinkContext,
    body_offset: usize,
    out: &mut RenderedBody,
) -> Vec<(Event<'a>, Range<usize>)> {
    let Some(table) = ctx.images else {
        return events;
    };
    // Most bodies show no picture: keep their events where they are.
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })))
    {
        return events;
    }
    let mut result = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &event
        else {
            result.push((event, range));
            continue;
        };
        let (dest, title) = (dest_url.to_string(), title.to_string());
        // The alt text: the image's inner text, up to its end.
        let mut inner = vec![(event, range.clone())];
        let mut alt = String::new();
        for (e, r) in iter.by_ref() {
            let end = matches!(e, Event::End(TagEnd::Image));
            match &e {
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            inner.push((e, r));
            if end {
                break;
            }
        }
        let span = body_offset + range.start..body_offset + range.end;
        let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
        if alt.is_empty() {
            out.problems.push(BodyProblem::error(
                span.clone(),
                format!("the image `{dest}` has no alt text"),
                format!("describe what the picture shows between the brackets, e.g. ![A coach and a manager at a whiteboard]({dest}); a purely decorative picture belongs in the theme, not the article"),
            ));
        }
        match picture_for(&dest, ctx, table, &span) {
            Found::Picture(key, view) => {
                let settings = (table.base_path.as_str(), table.settings.sizes.as_str());
                let html = picture_element(&view, &alt, Some(&title), settings);
                out.pictures.push((key, span.clone()));
                result.push((Event::Html(CowStr::from(html)), range));
            }
            Found::Problem(p) => {
                out.problems.push(p);
                result.extend(inner);
            }
            Found::Fault(key, p) => {
                // Kept, so serve renders the page again once the file is fixed.
                out.pictures.push((key, span.clone()));
                out.problems.push(p);
                result.extend(inner);
            }
            Found::Unknown => result.extend(inner),
        }
    }
    result
}

enum Found {
    Picture(String, std::sync::Arc<crate::images::Picture>),
    Problem(BodyProblem),
    /// A file of the site that cannot be shown (its key, and why).
    Fault(String, BodyProblem),
    /// Not a file of the site (a remote URL, or a missing file the link
    /// check reports).
    Unknown,
}

fn picture_for(dest: &str, ctx: &LinkContext, table: &ImageTable, span: &Range<usize>) -> Found {
    let key = match classify_link(dest, ctx, span.clone()) {
        None => {
            return Found::Problem(BodyProblem::warning(
                span.clone(),
                format!(
                    "the image `{dest}` is on another site, so huddle cannot size it (the page may jump as it loads) and it goes away if that site changes"
                ),
                "save the picture beside the article (a page bundle) or under static/images/ and link to that",
            ));
        }
        Some(link) => match link.target {
            Some(target) => target,
            None => {
                let path = dest.split(['#', '?']).next().unwrap_or(dest);
                percent_decode(path)
            }
        },
    };
    match table.get(&key) {
        Some(Ok(p)) => Found::Picture(key, p.clone()),
        Some(Err(fault)) => Found::Fault(
            key,
            BodyProblem::error(span.clone(), fault.message.clone(), fault.help.clone()),
        ),
        None if key.starts_with('/') => {
            let others = table.keys().filter(|k| k.starts_with('/'));
            let help = match closest(&key, others) {
                Some(best) => format!("did you mean `{best}`? (a path starting with / is a file under static/)"),
                None => "put the picture under static/ (static/images/x.jpg is /images/x.jpg) or beside the article".into(),
            };
            Found::Problem(BodyProblem::error(
                span.clone(),
                format!("the image `{dest}` does not exist: there is no static{key}"),
                help,
            ))
        }
        None => Found::Unknown,
    }
}

/// The featured image of front matter (`image:`, written at `span`),
/// resolved like a body image: its key and picture, or the problem.
pub fn featured_picture(
    written: &str,
    span: Range<usize>,
    ctx: &LinkContext,
    out: &mut RenderedBody,
) {
    let found = featured(written, span.clone(), ctx);
    if let Some(key) = found.0 {
        out.pictures.insert(0, (key, span));
    }
    match found.1 {
        Ok(picture) => out.featured = picture,
        Err(problem) => out.problems.push(problem),
    }
}

type Featured = (
    Option<String>,
    Result<Option<std::sync::Arc<crate::images::Picture>>, BodyProblem>,
);

fn featured(written: &str, span: Range<usize>, ctx: &LinkContext) -> Featured {
    let Some(table) = ctx.images else {
        return (None, Ok(None));
    };
    let (key, result) = match picture_for(written, ctx, table, &span) {
        Found::Picture(key, p) => (Some(key), Ok(Some(p))),
        Found::Fault(key, p) => (Some(key), Err(p)),
        Found::Problem(p) if p.warning => (
            None,
            Err(BodyProblem {
                warning: false,
                message: format!("the featured image `{written}` is on another site"),
                ..p
            }),
        ),
        Found::Problem(p) => (None, Err(p)),
        Found::Unknown => {
            let target = classify_link(written, ctx, span.clone())
                .and_then(|l| l.target)
                .unwrap_or_else(|| written.to_string());
            let others = table.keys().filter(|k| !k.starts_with('/'));
            let help = match closest(&target, others) {
                Some(best) => format!("did you mean `{best}`? (the path is relative to this file, or starts with / for a file under static/)"),
                None => "put the picture beside the article (content/articles/<name>/index.md with the picture in that folder) or under static/images/".into(),
            };
            let problem = BodyProblem::error(
                span,
                format!(
                    "the featured image `{written}` does not exist: there is no content/{target}"
                ),
                help,
            );
            (None, Err(problem))
        }
    };
    (key, result)
}
