//! The express lane, for the most common save: one article's body changed
//! and nothing about it that other pages show or check (front matter, links,
//! heading and other ids) did. Then that page alone is rendered against the
//! last render's site, before the full incremental rebuild (which renders it
//! again, identically, and everything that lists it).

use super::Changes;
use super::memo::Memo;
use super::stamps::{SITE_ALL, SITE_ARTICLES};
use crate::load::SourceFile;
use crate::markdown::RenderedBody;
use crate::render::{OutputFile, RenderInput};

/// The edited page, rendered against the last good site; None when the
/// save is anything else, or in doubt.
pub(super) fn express_page(
    memo: &mut Memo,
    root: &std::path::Path,
    changes: &Changes,
) -> Option<OutputFile> {
    let Changes::Paths(paths) = changes else {
        return None;
    };
    let [path] = paths.as_slice() else {
        return None;
    };
    if !memo.last_ok {
        return None;
    }
    let last = memo.last.as_mut()?;
    let templates = memo.templates.as_ref()?;
    let (_, links) = memo.cross.as_ref()?;
    let rel = path
        .strip_prefix(root.join("content"))
        .ok()?
        .to_str()?
        .replace('\\', "/");
    let i = *last.index.get(&rel)?;
    let old = &last.graph.pages[i];
    if old.kind != crate::graph::PageKind::Page
        || memo.uses.get("page.html").copied().unwrap_or(SITE_ALL) & SITE_ARTICLES != 0
    {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let source = SourceFile {
        rel_path: rel.clone(),
        bytes,
    };
    let source = crate::front::parse_source(&source, last.rules()).ok()?;
    if !source.problems.is_empty()
        || source.meta != old.source.meta
        || source.text == old.source.text
    {
        return None;
    }
    let mut page = old.clone();
    page.source = source;
    crate::graph::render_bodies(
        std::slice::from_mut(&mut page),
        &last.urls,
        last.text_words,
        &last.pictures,
        &last.config.strings,
        &[],
    );
    let link_keys = |b: &RenderedBody| -> Vec<(Option<String>, Option<String>, bool)> {
        b.links
            .iter()
            .map(|l| (l.target.clone(), l.anchor.clone(), l.resolved))
            .collect()
    };
    let (body, old_body) = (&page.body, &old.body);
    if link_keys(body) != link_keys(old_body)
        || body.heading_ids != old_body.heading_ids
        || element_ids(&body.html) != element_ids(&old_body.html)
    {
        return None;
    }
    last.graph.pages[i] = page;
    let input = RenderInput {
        graph: &last.graph,
        bodies: &[],
        links,
        config: &last.config,
        vocab: &last.vocab,
        static_files: &[],
        listings: &last.listings,
        cards: &last.cards,
    };
    crate::render::render_one_page(input, templates, i).ok()
}

/// Every `id="..."` in some HTML (anchors other pages may link to).
fn element_ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| html[i + m.len()..].split('"').next())
        .collect()
}
