//! Sorts a link's destination: a Markdown file of the site (relative or
//! `@/` from content/, with an optional `#anchor`) to be rewritten to its
//! page's URL and checked, or anything else (a URL, a mail address, an
//! anchor on the same page) left as written.

use std::ops::Range;

use super::{InternalLink, LinkContext};

/// Sorts a link into external (None) or internal, and resolves it against the URL map.
pub(super) fn classify_link(
    dest: &str,
    ctx: &LinkContext,
    span: Range<usize>,
) -> Option<InternalLink> {
    let written = dest.to_string();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Some(InternalLink {
            written,
            target: None,
            anchor,
            span,
            resolved: true,
        });
    }
    let decoded = percent_decode(path);
    let target = if let Some(from_content) = decoded.strip_prefix("@/") {
        normalize(from_content)?
    } else if decoded.starts_with('/') {
        // A URL path: checked against written pages in `graph`, not rewritten here.
        return Some(InternalLink {
            written,
            target: None,
            anchor,
            span,
            resolved: false,
        });
    } else {
        let dir = match ctx.page_rel_path.rfind('/') {
            Some(i) => &ctx.page_rel_path[..i + 1],
            None => "",
        };
        normalize(&format!("{dir}{decoded}"))?
    };
    let resolved = ctx.urls.contains_key(&target);
    Some(InternalLink {
        written,
        target: Some(target),
        anchor,
        span,
        resolved,
    })
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && !dest.starts_with("@/")
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolves `.` and `..` in a `/`-separated relative path; None if it climbs out of content/.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

pub(super) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
