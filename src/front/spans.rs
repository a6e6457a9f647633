//! Finds where a key or a value is written in the front matter, so a
//! diagnostic can underline it in the writer's file. YAML and TOML parsers
//! give no positions for values; a line scan is enough for front matter,
//! which is a flat list of `key: value` lines.

use std::ops::Range;

/// The byte range of `key` at the start of a line inside the front matter.
pub(super) fn key_span(text: &str, fm: Range<usize>, key: &str) -> Option<Range<usize>> {
    key_spans(text, fm, key).into_iter().next()
}

/// Every line of the front matter that starts with `key:` (or `key =`).
pub(super) fn key_spans(text: &str, fm: Range<usize>, key: &str) -> Vec<Range<usize>> {
    let mut offset = fm.start;
    let mut found = Vec::new();
    for line in text[fm.clone()].split_inclusive('\n') {
        // Quoted keys (`"title": x`) count too.
        let unquoted = line
            .strip_prefix('"')
            .and_then(|l| l.strip_prefix(key)?.strip_prefix('"'))
            .or_else(|| line.strip_prefix(key));
        if let Some(rest) = unquoted
            && (rest.trim_start().starts_with(':') || rest.trim_start().starts_with('='))
        {
            let start = offset + usize::from(line.starts_with('"'));
            found.push(start..start + key.len());
        }
        offset += line.len();
    }
    found
}

/// The byte range of `value` written under `key` (same line, or an indented
/// or `- value` line below it).
pub(super) fn value_span(
    text: &str,
    fm: Range<usize>,
    key: &str,
    value: &str,
) -> Option<Range<usize>> {
    let key_at = key_span(text, fm.clone(), key)?;
    if value.is_empty() {
        return None;
    }
    let mut offset = key_at.start;
    for (i, line) in text[key_at.start..fm.end].split_inclusive('\n').enumerate() {
        // Stop at the next top-level key.
        if i > 0 && !line.starts_with(' ') && !line.starts_with('-') && !line.starts_with('\t') {
            break;
        }
        let search_from = if i == 0 { key.len() } else { 0 };
        if let Some(pos) = line[search_from..].find(value) {
            let start = offset + search_from + pos;
            return Some(start..start + value.len());
        }
        offset += line.len();
    }
    None
}

/// Where the value of `key` starts: the first non-blank character after
/// `key:` on its line, else the key itself.
pub(super) fn value_start_span(text: &str, fm: Range<usize>, key: &str) -> Option<Range<usize>> {
    let key_at = key_span(text, fm.clone(), key)?;
    let line_end = text[key_at.end..fm.end]
        .find('\n')
        .map_or(fm.end, |i| key_at.end + i);
    let rest = &text[key_at.end..line_end];
    let after_key = rest.strip_prefix('"').unwrap_or(rest);
    let after_sep = after_key
        .trim_start()
        .strip_prefix([':', '='])
        .map(str::trim_start);
    match after_sep {
        Some(v) if !v.trim().is_empty() => {
            let start = line_end - rest.len() + (rest.len() - v.len());
            Some(start..start + v.trim_end().len())
        }
        _ => Some(key_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str = "---\ntitle: A\npractices:\n  - follow-up\n  - folow-up\n\"slug\": x y\n---\n";

    fn fm() -> Range<usize> {
        4..FM.len() - 4
    }

    #[test]
    fn finds_keys_and_values_on_their_lines() {
        assert_eq!(key_span(FM, fm(), "title"), Some(4..9));
        let v = value_span(FM, fm(), "practices", "folow-up").unwrap();
        assert_eq!(&FM[v], "folow-up");
        let k = key_span(FM, fm(), "slug").unwrap();
        assert_eq!(&FM[k], "slug");
        let v = value_start_span(FM, fm(), "slug").unwrap();
        assert_eq!(&FM[v], "x y");
        assert_eq!(key_span(FM, fm(), "date"), None);
    }
}
