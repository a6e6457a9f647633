//! The express lane, for the most common saves: one article's body or its
//! title or description changed, and nothing that places the page or that
//! its own page shows of others (its date, tags, slug, links, heading and
//! other ids) did. Then that page alone is rendered against the last
//! render's site (with its share card planned again for a new title),
//! before the full incremental rebuild (which renders it again, identically,
//! and everything that lists it).

use super::Changes;
use super::memo::Memo;
use super::stamps::{SITE_ALL, SITE_ARTICLES};
use crate::front::PageMeta;
use crate::graph::Page;
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
    let retitled = source.meta.title != old.source.meta.title;
    if !source.problems.is_empty()
        || !same_but_words(&source.meta, &old.source.meta, old)
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
    if retitled {
        // The card shows the title; its hash names it in the page's meta tags.
        let settings = (&last.config, &last.vocab);
        last.cards[i] =
            crate::render::share_card(&page, templates, settings, &last.pictures).ok()?;
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

/// Whether `new` differs from `old` (page `page`'s front matter) at most in
/// its title and description: words its own page shows, which place nothing.
/// (Undated pages are ordered by title, so theirs must stay.)
fn same_but_words(new: &PageMeta, old: &PageMeta, page: &Page) -> bool {
    if new == old {
        return true;
    }
    let dated_article = page.is_article && old.date.is_some();
    dated_article
        && PageMeta {
            title: old.title.clone(),
            description: old.description.clone(),
            ..new.clone()
        } == *old
}

/// Every `id="..."` in some HTML (anchors other pages may link to).
fn element_ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| html[i + m.len()..].split('"').next())
        .collect()
}
