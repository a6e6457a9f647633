//! Judges the front matter's keys and values: unknown keys (with a
//! suggestion), values of the wrong kind, bad dates, unsafe slugs and aliases,
//! tag values outside the vocabulary, and what articles must have. Every
//! problem of the file is reported, not just the first. It returns the best
//! `PageMeta` it can alongside them, so the page's links are still checked.

use std::ops::Range;

use serde_json::Value;

use super::fields::Field;
use super::issue;
use super::spans::{key_span, value_span, value_start_span};
use super::url_keys::{aliases, slug};
use super::{FrontImage, PageDate, PageMeta, Tags, parse_date};
use crate::diagnostic::{Diagnostic, suggestion};
use crate::vocab::{TaxonomyKind, Vocabulary};

/// The keys front matter may have.
const KNOWN_KEYS: [&str; 14] = [
    "title",
    "date",
    "updated",
    "description",
    "image",
    "image_alt",
    "level",
    "attitudes",
    "practices",
    "draft",
    "slug",
    "aliases",
    "extra",
    "paginate",
];

/// Where diagnostics point: the file's whole text and its front matter's range.
pub(super) struct Frame<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    pub(super) front: Range<usize>,
    /// The site's time zone, for dates.
    pub(super) zone: &'a jiff::tz::TimeZone,
    /// A newsletter issue (content/newsletter/): `subject`, `preheader` and
    /// `articles` are its keys, and it needs a date.
    pub(super) is_issue: bool,
    /// A section's `_index.md` (not the home page's): `paginate` is its key.
    pub(super) is_section: bool,
}

impl Frame<'_> {
    pub(super) fn at(
        &self,
        span: Option<Range<usize>>,
        message: String,
        help: impl Into<String>,
    ) -> Diagnostic {
        let span = span.unwrap_or(self.front.start..self.front.start);
        Diagnostic::at(self.file, self.text, span, message).with_help(help)
    }

    pub(super) fn key(&self, key: &str) -> Option<Range<usize>> {
        key_span(self.text, self.front.clone(), key)
    }

    /// The value's own text if it can be found, else where the key's value starts.
    pub(super) fn value(&self, key: &str, value: &str) -> Option<Range<usize>> {
        value_span(self.text, self.front.clone(), key, value)
            .or_else(|| value_start_span(self.text, self.front.clone(), key))
    }
}

/// Validates every field; the meta is complete only when the list is empty.
pub(super) fn validate(
    frame: &Frame,
    fields: Vec<Field>,
    is_article: bool,
    vocab: &Vocabulary,
) -> (PageMeta, Vec<Diagnostic>) {
    let mut meta = PageMeta {
        title: String::new(),
        date: None,
        updated: None,
        description: String::new(),
        tags: Tags::default(),
        draft: false,
        slug: None,
        aliases: Vec::new(),
        image: None,
        extra: Value::Object(Default::default()),
        issue: None,
        paginate: None,
    };
    let mut image_alt: Option<String> = None;
    let mut errors = Vec::new();
    let mut seen_level = false;
    let mut seen_date = false;
    let mut wrong_title = false;
    for Field { key, value } in fields {
        let found = match key.as_str() {
            "title" => text(frame, &key, value).map(|t| meta.title = t.trim().to_string()),
            "description" => {
                text(frame, &key, value).map(|t| meta.description = t.trim().to_string())
            }
            "date" => {
                // `date:` left empty (or `~`) is no date: required ones are
                // still missing.
                let read = date(frame, &key, value);
                seen_date = !matches!(read, Ok(None));
                read.map(|d| meta.date = d)
            }
            "updated" => date(frame, &key, value).map(|d| meta.updated = d),
            "level" => {
                seen_level = true;
                level(frame, value, vocab, &mut meta.tags)
            }
            "attitudes" => terms(frame, TaxonomyKind::Attitude, value, vocab, &mut meta.tags),
            "practices" => terms(frame, TaxonomyKind::Practice, value, vocab, &mut meta.tags),
            "draft" => match value {
                Value::Bool(b) => {
                    meta.draft = b;
                    Ok(())
                }
                Value::Null => Ok(()),
                _ => Err(vec![wrong_kind(
                    frame,
                    &key,
                    "`true` or `false`",
                    "draft: true",
                )]),
            },
            "image" => text(frame, &key, value).map(|t| {
                let path = t.trim().to_string();
                if !path.is_empty() {
                    let span = frame
                        .value(&key, &path)
                        .unwrap_or(frame.front.start..frame.front.start);
                    meta.image = Some(FrontImage {
                        path,
                        alt: String::new(),
                        span,
                    });
                }
            }),
            "image_alt" => text(frame, &key, value).map(|t| image_alt = Some(t.trim().to_string())),
            "slug" => slug(frame, value).map(|s| meta.slug = s),
            "aliases" => aliases(frame, value).map(|a| meta.aliases = a),
            "paginate" => paginate(frame, value).map(|n| meta.paginate = n),
            "extra" => {
                if !value.is_null() {
                    meta.extra = value;
                }
                Ok(())
            }
            k if issue::ISSUE_KEYS.contains(&k) && frame.is_issue => {
                issue::field(frame, k, value, &mut meta)
            }
            k if issue::ISSUE_KEYS.contains(&k) => Err(vec![issue::misplaced(frame, k)]),
            _ => Err(vec![unknown_key(frame, &key)]),
        };
        if let Err(mut e) = found {
            if key == "title" {
                wrong_title = true;
            }
            errors.append(&mut e);
        }
    }
    // A page in content/newsletter/ is an issue when it says so with an
    // issue's key; one without them (a thank-you page) is a plain page.
    if frame.is_issue && meta.issue.is_some() {
        errors.extend(issue::settle(frame, &mut meta));
        if !seen_date {
            errors.push(frame.at(
                frame.key("date"),
                "this newsletter issue has no `date`".into(),
                "add a line such as `date: 2026-11-06` (the day it is sent; its web version is published then)",
            ));
        }
    } else if !wrong_title {
        errors.extend(missing_title(frame, &meta));
    }
    errors.extend(featured_alt(frame, &mut meta, image_alt));
    errors.extend(missing(frame, is_article, seen_date, seen_level, vocab));
    errors.sort_by_key(|d| (d.line, d.column));
    (meta, errors)
}

pub(super) type Checked<T> = Result<T, Vec<Diagnostic>>;

/// A featured image needs its alt text, and alt text needs its image.
fn featured_alt(frame: &Frame, meta: &mut PageMeta, alt: Option<String>) -> Option<Diagnostic> {
    match (&mut meta.image, alt) {
        (Some(image), Some(alt)) if !alt.is_empty() => {
            image.alt = alt;
            None
        }
        (Some(image), _) => Some(frame.at(
            frame.key("image"),
            format!("the featured image `{}` has no `image_alt`", image.path),
            "add `image_alt:` describing what the picture shows (e.g. image_alt: A coach and a manager at a whiteboard); screen readers read it, and share previews show it",
        )),
        (None, Some(_)) => Some(frame.at(
            frame.key("image_alt"),
            "`image_alt` describes a featured image, but there is no `image`".to_string(),
            "add `image: picture.jpg` (a file beside the article, or /images/picture.jpg from static/), or remove `image_alt`",
        )),
        (None, None) => None,
    }
}

fn unknown_key(frame: &Frame, key: &str) -> Diagnostic {
    frame.at(
        frame.key(key),
        format!("unknown key `{key}`"),
        format!(
            "{} (put your own data under `extra:`)",
            suggestion(key, &KNOWN_KEYS)
        ),
    )
}

pub(super) fn wrong_kind(frame: &Frame, key: &str, expected: &str, example: &str) -> Diagnostic {
    frame.at(
        value_start_span(frame.text, frame.front.clone(), key),
        format!("`{key}` must be {expected}"),
        format!("write it like `{example}`"),
    )
}

/// Text, or a bare number or yes/no a writer meant as text (`title: 1984`).
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(frame: &Frame, key: &str, value: Value) -> Checked<String> {
    match value {
        Value::Null => Ok(String::new()),
        v => scalar_text(&v)
            .ok_or_else(|| vec![wrong_kind(frame, key, "text", &format!("{key}: Some text"))]),
    }
}

/// `paginate` in a section's `_index.md`: entries per page there (0: all
/// on one page). Only a section's list is split, so elsewhere it is refused.
fn paginate(frame: &Frame, value: Value) -> Checked<Option<usize>> {
    if !frame.is_section {
        return Err(vec![frame.at(
            frame.key("paginate"),
            "`paginate` only splits a section's list, and this file is not a section's `_index.md`".into(),
            "move it to the section's `_index.md` (e.g. content/articles/_index.md), or set `paginate = 20` in site.toml for every list (the home page is never split)",
        )]);
    }
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_u64() {
            Some(n) if n <= 100_000 => Ok(Some(n as usize)),
            _ => Err(vec![frame.at(
                frame.value("paginate", &n.to_string()),
                format!("`paginate: {n}` is not a number of entries per page"),
                "write a whole number such as `paginate: 20` (0 lists every entry on one page)",
            )]),
        },
        _ => Err(vec![wrong_kind(
            frame,
            "paginate",
            "a whole number",
            "paginate: 20",
        )]),
    }
}

fn date(frame: &Frame, key: &str, value: Value) -> Checked<Option<PageDate>> {
    let Some(written) = scalar_text(&value) else {
        return match value {
            Value::Null => Ok(None),
            _ => Err(vec![wrong_kind(
                frame,
                key,
                "a date",
                &format!("{key}: 2026-11-02"),
            )]),
        };
    };
    match parse_date(&written, frame.zone) {
        Some(d) => Ok(Some(d)),
        None => Err(vec![frame.at(
            frame.value(key, &written),
            format!("`{key}: {written}` is not a valid date"),
            "write dates as YYYY-MM-DD, e.g. 2026-11-02 (or 2026-11-02T09:30:00Z with a time)",
        )]),
    }
}

fn level(frame: &Frame, value: Value, vocab: &Vocabulary, tags: &mut Tags) -> Checked<()> {
    let Some(written) = scalar_text(&value) else {
        return Err(vec![wrong_kind(
            frame,
            "level",
            "one level",
            "level: reciprocal",
        )]);
    };
    match vocab.level(&written) {
        Ok(id) => {
            tags.level = Some(id);
            Ok(())
        }
        Err(help) => Err(vec![unknown_value(
            frame,
            TaxonomyKind::Level,
            &written,
            help,
        )]),
    }
}

/// One value or a list of them; every unknown one is reported.
fn terms(
    frame: &Frame,
    kind: TaxonomyKind,
    value: Value,
    vocab: &Vocabulary,
    tags: &mut Tags,
) -> Checked<()> {
    let key = kind.key();
    let Some(written) = text_list(value) else {
        let example = format!(
            "{key}: [{}]",
            vocab.terms(kind).first().map_or("", |t| t.slug.as_str())
        );
        return Err(vec![wrong_kind(frame, key, "a list of names", &example)]);
    };
    let mut errors = Vec::new();
    for value in written {
        let (found, list) = match kind {
            TaxonomyKind::Practice => (vocab.practice(&value), &mut tags.practices),
            _ => (vocab.attitude(&value), &mut tags.attitudes),
        };
        match found {
            Ok(id) if !list.contains(&id) => list.push(id),
            Ok(_) => {}
            Err(help) => errors.push(unknown_value(frame, kind, &value, help)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `x`, `[x, y]` or a `- x` list, as text; None if anything in it is not text.
pub(super) fn text_list(value: Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(scalar_text).collect(),
        v => scalar_text(&v).map(|s| vec![s]),
    }
}

fn unknown_value(frame: &Frame, kind: TaxonomyKind, value: &str, help: String) -> Diagnostic {
    frame.at(
        frame.value(kind.key(), value),
        format!("unknown {} `{value}`", kind.singular()),
        help,
    )
}

/// Every page needs a title that is not blank.
fn missing_title(frame: &Frame, meta: &PageMeta) -> Option<Diagnostic> {
    if !meta.title.is_empty() {
        None
    } else if frame.key("title").is_none() {
        Some(frame.at(
            None,
            "the front matter has no `title`".into(),
            "add a line such as `title: Running a reciprocal team` between the `---` lines",
        ))
    } else {
        Some(frame.at(
            frame.key("title"),
            "the `title` is empty".into(),
            "write the page's title after `title:`",
        ))
    }
}

/// Articles need a date and a level.
fn missing(
    frame: &Frame,
    is_article: bool,
    seen_date: bool,
    seen_level: bool,
    vocab: &Vocabulary,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if is_article && !seen_date {
        errors.push(frame.at(
            frame.key("date"),
            "this article has no `date`".into(),
            "add a line such as `date: 2026-11-02` to the front matter",
        ));
    }
    if is_article && !seen_level {
        let slugs: Vec<&str> = vocab.levels.iter().map(|l| l.slug.as_str()).collect();
        errors.push(frame.at(
            None,
            "this article has no `level`".into(),
            format!(
                "add a line such as `level: {}` (one of: {})",
                slugs.last().unwrap_or(&"reciprocal"),
                slugs.join(", ")
            ),
        ));
    }
    errors
}
