//! Splits a Markdown source into front matter and body, and parses the front
//! matter (YAML between `---`, TOML between `+++`) into a strict, typed
//! `PageMeta`: unknown keys, bad dates, unsafe slugs and unknown tag values are
//! diagnostics at the right line of the file. serde_yaml lives only here.

use std::ops::Range;

use serde::Deserialize;

use crate::config::{explain_serde_message, toml_diagnostic};
use crate::diagnostic::Diagnostic;
use crate::vocab::{LevelId, TermId, Vocabulary};

/// A validated date: what templates show and what lists sort by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDate {
    /// `2026-11-02`
    pub iso_date: String,
    /// RFC 3339 instant, e.g. `2026-11-02T00:00:00Z` (for feeds and sitemaps).
    pub rfc3339: String,
    /// `2 November 2026`
    pub display: String,
    /// Seconds since the epoch, for sorting.
    pub timestamp: i64,
}

/// The tags of a page, checked against the vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Tags {
    pub level: Option<LevelId>,
    pub attitudes: Vec<TermId>,
    pub practices: Vec<TermId>,
}

/// Everything the front matter says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PageMeta {
    pub title: String,
    pub date: Option<PageDate>,
    pub updated: Option<PageDate>,
    pub description: String,
    pub tags: Tags,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub extra: serde_json::Value,
}

/// A source file split and parsed: its text (BOM removed) and where the body starts.
#[derive(Debug, Clone)]
pub struct ParsedSource {
    pub rel_path: String,
    /// The file as the writer sees it: relative to the site root.
    pub display_path: String,
    pub text: String,
    pub body_start: usize,
    pub meta: PageMeta,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<RawScalar>,
    updated: Option<RawScalar>,
    description: Option<String>,
    level: Option<RawScalar>,
    #[serde(default)]
    attitudes: OneOrMany,
    #[serde(default)]
    practices: OneOrMany,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

/// A date or level may be written bare (`2026-11-02`, `3`) or quoted; TOML has a date type.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawScalar {
    Text(String),
    Number(i64),
    TomlDate(toml::value::Datetime),
}

impl RawScalar {
    fn as_text(&self) -> String {
        match self {
            RawScalar::Text(s) => s.clone(),
            RawScalar::Number(n) => n.to_string(),
            RawScalar::TomlDate(d) => d.to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => vec![],
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

enum Format {
    Yaml,
    Toml,
}

/// Splits off the front matter: (format, front-matter byte range, body start).
fn split(file: &str, text: &str) -> Result<(Format, Range<usize>, usize), Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_line_end].trim_end();
    let (format, delim) = match first {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => {
            let d = if text.trim().is_empty() {
                Diagnostic::file_error(file, "this file is empty")
            } else {
                Diagnostic::at(
                    file,
                    text,
                    0..first.len().max(1),
                    "this file does not start with front matter",
                )
            };
            return Err(d.with_help("start the file with a `---` line, then `title: ...` (and `date:` for articles), then another `---` line"));
        }
    };
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == delim {
            return Ok((format, first_line_end..offset, offset + line.len()));
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        file,
        text,
        0..first.len(),
        format!("the front matter opened here is never closed with a `{delim}` line"),
    )
    .with_help(format!(
        "add a line with only `{delim}` after the last front-matter key"
    )))
}

/// Parses one source's front matter. `is_article` makes `date` and `level` required.
/// "UTF-16 LE" or "UTF-16 BE" for a file in UTF-16 (Windows Notepad and some
/// editors save so): by its byte-order mark, or, without one, by the zero
/// byte beside every ASCII character of its opening.
fn utf16_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xff, 0xfe, ..] => return Some("UTF-16 LE"),
        [0xfe, 0xff, ..] => return Some("UTF-16 BE"),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = || head.chunks_exact(2);
    if pairs().all(|p| p[0] != 0 && p[1] == 0) {
        Some("UTF-16 LE")
    } else if pairs().all(|p| p[0] == 0 && p[1] != 0) {
        Some("UTF-16 BE")
    } else {
        None
    }
}

pub fn parse_front_matter(
    display_path: &str,
    rel_path: &str,
    bytes: &[u8],
    is_article: bool,
    vocab: &Vocabulary,
) -> Result<ParsedSource, Vec<Diagnostic>> {
    if let Some(kind) = utf16_kind(bytes) {
        // Shown decoded, so the writer recognises the file.
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| match kind {
                "UTF-16 BE" => u16::from_be_bytes([p[0], p[1]]),
                _ => u16::from_le_bytes([p[0], p[1]]),
            })
            .collect();
        let decoded = String::from_utf16_lossy(&units);
        let decoded = decoded.trim_start_matches('\u{feff}');
        return Err(vec![
            Diagnostic::at(
                display_path,
                decoded,
                0..1,
                format!("this file is {kind} text; huddle reads UTF-8"),
            )
            .with_help("save the file as UTF-8 in your editor (in VS Code: click the encoding in the status bar, then \"Save with Encoding\" and \"UTF-8\")"),
        ]);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            let at = e.valid_up_to();
            return Err(vec![
                Diagnostic::at(
                    display_path,
                    &lossy,
                    at..at + 1,
                    "this file is not valid UTF-8 text",
                )
                .with_help(
                    "save the file as UTF-8 in your editor (is it a binary file with a .md name?)",
                ),
            ]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    if let Some(nul) = text.find('\0') {
        return Err(vec![
            Diagnostic::at(
                display_path,
                &text,
                nul..nul + 1,
                "this file contains a NUL byte: it looks like binary data, not Markdown",
            )
            .with_help("remove the file from content/ or save it as plain text"),
        ]);
    }
    let (format, fm, body_start) = split(display_path, &text).map_err(|d| vec![d])?;
    let fm_text = &text[fm.clone()];
    let raw: RawFrontMatter = match format {
        Format::Yaml => {
            // An empty YAML document is null; treat it as an empty mapping.
            let doc = if fm_text.trim().is_empty() {
                "{}"
            } else {
                fm_text
            };
            match serde_yaml::from_str(doc) {
                Ok(r) => r,
                Err(e) => {
                    let at = fm.start + e.location().map_or(0, |l| l.index()).min(fm_text.len());
                    // serde_yaml's positions count from the front matter; ours are the file's.
                    let message = strip_yaml_positions(&e.to_string());
                    let (message, mut help) = explain_serde_message(&message);
                    // Underline the whole key, not just the start of the mapping.
                    let at_range = if let Some(key) = quoted_key(&message, "unknown key `") {
                        key_span(&text, fm.clone(), key)
                    } else if let Some(key) = quoted_key(&message, "duplicate field `") {
                        help = Some(format!("remove one of the two `{key}:` lines"));
                        key_spans(&text, fm.clone(), key).into_iter().nth(1)
                    } else {
                        None
                    }
                    .unwrap_or(at..at);
                    let help = help.unwrap_or_else(|| "check the YAML: `key: value` on each line, lists as [a, b], and quote text containing `:` or `#`".into());
                    return Err(vec![
                        Diagnostic::at(display_path, &text, at_range, message).with_help(help),
                    ]);
                }
            }
        }
        Format::Toml => match toml::from_str(fm_text) {
            Ok(r) => r,
            Err(e) => {
                let mut d = toml_diagnostic(display_path, fm_text, &e, fm.start);
                // Re-anchor the frame from the front matter to the whole file.
                let span = e.span().unwrap_or(0..0);
                let fixed = Diagnostic::at(
                    display_path,
                    &text,
                    fm.start + span.start..fm.start + span.end,
                    d.message.clone(),
                );
                d = Diagnostic {
                    help: d.help,
                    ..fixed
                };
                return Err(vec![d]);
            }
        },
    };
    let mut errors = Vec::new();
    let fm_span = |key: &str| key_span(&text, fm.clone(), key);
    let at_key = |key: &str, message: String, help: String| {
        Diagnostic::at(
            display_path,
            &text,
            fm_span(key).unwrap_or(fm.start..fm.start),
            message,
        )
        .with_help(help)
    };

    let title = raw.title.unwrap_or_default().trim().to_string();
    if title.is_empty() {
        errors.push(
            Diagnostic::at(
                display_path,
                &text,
                fm.start..fm.start,
                "the front matter has no `title`",
            )
            .with_help(
                "add a line such as `title: Running a reciprocal team` between the `---` lines",
            ),
        );
    }
    let mut parse_date_key = |key: &str, value: Option<RawScalar>| -> Option<PageDate> {
        let value = value?.as_text();
        match parse_date(&value) {
            Some(d) => Some(d),
            None => {
                let span = value_span(&text, fm.clone(), key, &value)
                    .or_else(|| fm_span(key))
                    .unwrap_or(fm.start..fm.start);
                errors.push(Diagnostic::at(display_path, &text, span, format!("`{key}: {value}` is not a valid date"))
                    .with_help("write dates as YYYY-MM-DD, e.g. 2026-11-02 (or 2026-11-02T09:30:00Z with a time)"));
                None
            }
        }
    };
    let date = parse_date_key("date", raw.date);
    let updated = parse_date_key("updated", raw.updated);
    if is_article && date.is_none() && fm_span("date").is_none() {
        errors.push(
            Diagnostic::at(
                display_path,
                &text,
                fm.start..fm.start,
                "this article has no `date`",
            )
            .with_help("add a line such as `date: 2026-11-02` to the front matter"),
        );
    }

    let mut tags = Tags::default();
    match raw.level.map(|l| l.as_text()) {
        Some(level) => match vocab.level(&level) {
            Ok(id) => tags.level = Some(id),
            Err(help) => errors.push(value_error(
                display_path,
                &text,
                fm.clone(),
                "level",
                &level,
                help,
            )),
        },
        None if is_article => errors.push(at_key(
            "level",
            "this article has no `level`".into(),
            format!(
                "add a line such as `level: {}` (one of: {})",
                vocab
                    .levels
                    .last()
                    .map_or("reciprocal", |l| l.slug.as_str()),
                vocab
                    .levels
                    .iter()
                    .map(|l| l.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        None => {}
    }
    for value in raw.attitudes.into_vec() {
        match vocab.attitude(&value) {
            Ok(id) if !tags.attitudes.contains(&id) => tags.attitudes.push(id),
            Ok(_) => {}
            Err(help) => errors.push(value_error(
                display_path,
                &text,
                fm.clone(),
                "attitudes",
                &value,
                help,
            )),
        }
    }
    for value in raw.practices.into_vec() {
        match vocab.practice(&value) {
            Ok(id) if !tags.practices.contains(&id) => tags.practices.push(id),
            Ok(_) => {}
            Err(help) => errors.push(value_error(
                display_path,
                &text,
                fm.clone(),
                "practices",
                &value,
                help,
            )),
        }
    }

    let slug = raw.slug.map(|s| s.trim().to_string());
    if let Some(s) = &slug
        && let Err(why) = check_slug(s)
    {
        let span = value_span(&text, fm.clone(), "slug", s)
            .or_else(|| fm_span("slug"))
            .unwrap_or(fm.start..fm.start);
        errors.push(
            Diagnostic::at(display_path, &text, span, format!("`slug: {s}` {why}")).with_help(
                format!(
                    "use letters, digits and hyphens only, e.g. `slug: {}`",
                    slug::slugify(s)
                ),
            ),
        );
    }
    for alias in &raw.aliases {
        if !alias.starts_with('/')
            || alias.split('/').any(|seg| seg == ".." || seg == ".")
            || alias.contains('\\')
        {
            let span =
                value_span(&text, fm.clone(), "aliases", alias).unwrap_or(fm.start..fm.start);
            errors.push(
                Diagnostic::at(
                    display_path,
                    &text,
                    span,
                    format!("alias `{alias}` is not a path inside the site"),
                )
                .with_help("write aliases as paths from the site root, e.g. `/old/url/`"),
            );
        }
    }
    let extra = match raw.extra {
        None | Some(serde_json::Value::Null) => serde_json::Value::Object(Default::default()),
        Some(v) => v,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ParsedSource {
        rel_path: rel_path.to_string(),
        display_path: display_path.to_string(),
        body_start,
        meta: PageMeta {
            title,
            date,
            updated,
            description: raw.description.unwrap_or_default().trim().to_string(),
            tags,
            draft: raw.draft,
            slug,
            aliases: raw.aliases,
            extra,
        },
        text,
    })
}

fn value_error(
    file: &str,
    text: &str,
    fm: Range<usize>,
    key: &str,
    value: &str,
    help: String,
) -> Diagnostic {
    let span = value_span(text, fm.clone(), key, value)
        .or_else(|| key_span(text, fm.clone(), key))
        .unwrap_or(fm.start..fm.start);
    let what = match key {
        "level" => "level",
        "attitudes" => "attitude",
        _ => "practice",
    };
    Diagnostic::at(file, text, span, format!("unknown {what} `{value}`")).with_help(help)
}

fn quoted_key<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// Removes " at line N column M" (positions inside the front matter, not the file).
fn strip_yaml_positions(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let Some(col) = rest.find(" column ") else {
            break;
        };
        let after = &rest[col + " column ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let end = i + " at line ".len() + col + " column ".len() + digits;
        out.replace_range(i..end, "");
    }
    out
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

/// The byte range of `key` at the start of a line inside the front matter.
fn key_span(text: &str, fm: Range<usize>, key: &str) -> Option<Range<usize>> {
    key_spans(text, fm, key).into_iter().next()
}

/// Every line of the front matter that starts with `key:` (or `key =`).
fn key_spans(text: &str, fm: Range<usize>, key: &str) -> Vec<Range<usize>> {
    let mut offset = fm.start;
    let mut found = Vec::new();
    for line in text[fm.clone()].split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && (rest.trim_start().starts_with(':') || rest.trim_start().starts_with('='))
        {
            found.push(offset..offset + key.len());
        }
        offset += line.len();
    }
    found
}

/// The byte range of `value` written under `key` (same line, or a `- value` line below it).
fn value_span(text: &str, fm: Range<usize>, key: &str, value: &str) -> Option<Range<usize>> {
    let key_at = key_span(text, fm.clone(), key)?;
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

/// Accepts `YYYY-MM-DD`, RFC 3339 (`2026-11-02T09:30:00Z`) and `YYYY-MM-DD HH:MM:SS` (as UTC).
pub fn parse_date(value: &str) -> Option<PageDate> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let value = value.trim();
    let date_fmt = format_description!("[year]-[month]-[day]");
    let instant = if value.len() == 10 {
        time::Date::parse(value, date_fmt)
            .ok()?
            .midnight()
            .assume_utc()
    } else if let Ok(t) = time::OffsetDateTime::parse(value, &Rfc3339) {
        t
    } else {
        let fmt = format_description!(
            "[year]-[month]-[day][first [T][ ]][hour]:[minute][optional [:[second]]]"
        );
        time::PrimitiveDateTime::parse(value, fmt)
            .ok()?
            .assume_utc()
    };
    let date = instant.date();
    Some(PageDate {
        iso_date: date.format(date_fmt).ok()?,
        rfc3339: instant.format(&Rfc3339).ok()?,
        display: format!("{} {} {}", date.day(), date.month(), date.year()),
        timestamp: instant.unix_timestamp(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::default_vocabulary;

    fn parse(src: &str) -> Result<ParsedSource, Vec<Diagnostic>> {
        parse_front_matter(
            "content/articles/a.md",
            "articles/a.md",
            src.as_bytes(),
            true,
            &default_vocabulary(),
        )
    }

    #[test]
    fn yaml_and_toml_front_matter_parse_with_bom_and_crlf() {
        let yaml = "\u{feff}---\r\ntitle: A\r\ndate: 2026-11-02\r\nlevel: 3\r\nattitudes: [openness]\r\n---\r\nBody\r\n";
        let p = parse(yaml).unwrap();
        assert_eq!(p.meta.title, "A");
        assert_eq!(p.meta.tags.level, Some(LevelId(2)));
        assert_eq!(&p.text[p.body_start..], "Body\r\n");
        let toml = "+++\ntitle = \"B\"\ndate = 2026-11-02\nlevel = \"pooled\"\n+++\nBody\n";
        let p = parse(toml).unwrap();
        assert_eq!(p.meta.date.unwrap().display, "2 November 2026");
    }

    #[test]
    fn unknown_key_points_at_its_line_with_suggestion() {
        let errs =
            parse("---\ntitle: A\ndate: 2026-01-01\nlevel: pooled\natitudes: [respect]\n---\n")
                .unwrap_err();
        assert_eq!(errs[0].line, 5, "{}", errs[0]);
        assert!(errs[0].help.as_deref().unwrap().contains("`attitudes`"));
    }

    #[test]
    fn unknown_tag_value_points_at_the_value() {
        let errs = parse("---\ntitle: A\ndate: 2026-01-01\nlevel: pooled\npractices:\n  - follow-up\n  - folow-up\n---\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (7, 5));
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `follow-up`")
        );
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        for src in [
            "",
            "no front matter",
            "---\ntitle: A\n",
            "---\n: : :\n---\n",
            "+++\ntitle = \n+++\n",
            "---\n---\n",
        ] {
            assert!(parse(src).is_err(), "{src:?}");
        }
        assert!(
            parse_front_matter("x", "x", &[0xff, 0xfe, 0x00], false, &default_vocabulary())
                .is_err()
        );
    }

    #[test]
    fn yaml_errors_point_at_file_lines() {
        let errs =
            parse("---\ntitle: A\ndate: 2026-01-01\nlevel: pooled\nlevel: sequential\n---\n")
                .unwrap_err();
        assert_eq!(errs[0].line, 5, "{}", errs[0]);
        let errs = parse("---\ntitle: A\nlevel: [pooled\n---\n").unwrap_err();
        assert!(!errs[0].message.contains("at line"), "{}", errs[0]);
    }

    #[test]
    fn slug_that_escapes_is_rejected() {
        for slug in ["../evil", "a/b", ".hidden", "a b"] {
            let src =
                format!("---\ntitle: A\ndate: 2026-01-01\nlevel: pooled\nslug: \"{slug}\"\n---\n");
            let errs = parse(&src).unwrap_err();
            assert_eq!(errs[0].line, 5, "{slug}");
        }
    }

    #[test]
    fn dates_are_validated() {
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_date("yesterday").is_none());
        assert_eq!(
            parse_date("2026-11-02T09:30:00+01:00").unwrap().iso_date,
            "2026-11-02"
        );
        assert!(parse_date("2026-11-02 09:30").is_some());
    }
}
