//! The front-matter keys that become URLs: `slug` (one folder name of the
//! output) and `aliases` (old paths that redirect to the page). Both are
//! checked so nothing is written outside the output folder.

use serde_json::Value;

use super::spans::value_span;
use super::validate::{Checked, Frame, scalar_text, text_list, wrong_kind};
use crate::diagnostic::Diagnostic;

pub(super) fn slug(frame: &Frame, value: Value) -> Checked<Option<String>> {
    let Some(s) = scalar_text(&value) else {
        return match value {
            Value::Null => Ok(None),
            _ => Err(vec![wrong_kind(frame, "slug", "text", "slug: my-article")]),
        };
    };
    let s = s.trim().to_string();
    match check_slug(&s) {
        Ok(()) => Ok(Some(s)),
        Err(why) => Err(vec![frame.at(
            frame.value("slug", &s),
            format!("`slug: {s}` {why}"),
            format!(
                "use letters, digits and hyphens only, e.g. `slug: {}`",
                slug::slugify(&s)
            ),
        )]),
    }
}

/// A slug becomes one folder name in the output: no separators, no `..`, nothing hidden.
fn check_slug(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        Err("is empty")
    } else if s.contains('/') || s.contains('\\') {
        Err("contains a slash, which would write outside the article's folder")
    } else if s.starts_with('.') {
        Err("starts with a dot (`..` would write outside the output folder)")
    } else if s.chars().any(|c| {
        c.is_control()
            || c.is_whitespace()
            || matches!(c, '?' | '#' | '%' | '"' | '<' | '>' | ':' | '*' | '|')
    }) {
        Err("contains characters that do not belong in a URL")
    } else {
        Ok(())
    }
}

pub(super) fn aliases(frame: &Frame, value: Value) -> Checked<Vec<String>> {
    let Some(aliases) = text_list(value) else {
        return Err(vec![wrong_kind(
            frame,
            "aliases",
            "a list of paths",
            "aliases: [/old/url/]",
        )]);
    };
    let errors: Vec<Diagnostic> = aliases
        .iter()
        .filter(|a| {
            !a.starts_with('/')
                || a.split('/').any(|seg| seg == ".." || seg == ".")
                || a.contains('\\')
        })
        .map(|a| {
            frame.at(
                value_span(frame.text, frame.front.clone(), "aliases", a),
                format!("alias `{a}` is not a path inside the site"),
                "write aliases as paths from the site root, e.g. `/old/url/`",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(aliases)
    } else {
        Err(errors)
    }
}
