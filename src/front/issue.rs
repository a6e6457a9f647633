//! A newsletter issue's own front matter (`content/newsletter/*.md`): its
//! `subject` (which is also its title), the `preheader` email clients show
//! after it, and the `articles` it features, in the coach's order, written as
//! links (`@/articles/x.md`) that are checked like every other link.

use std::ops::Range;

use serde_json::Value;

use super::validate::{Checked, Frame, scalar_text, text_list, wrong_kind};
use super::{PageMeta, is_section_index};

/// The keys only a newsletter issue has.
pub(super) const ISSUE_KEYS: [&str; 3] = ["subject", "preheader", "articles"];

/// A source under content/newsletter/ (but not its `_index.md`) is an issue
/// if it has one of `ISSUE_KEYS` (else a plain page, such as a thank-you page).
pub fn is_newsletter_issue(rel_path: &str) -> bool {
    rel_path.starts_with("newsletter/") && !is_section_index(rel_path)
}

/// What a newsletter issue's front matter says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueMeta {
    pub subject: String,
    pub preheader: String,
    pub articles: Vec<IssueArticle>,
}

/// One featured article as written in `articles:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueArticle {
    /// `@/articles/x.md`, or a path relative to the issue's file.
    pub written: String,
    /// Where it is written in the file.
    pub span: Range<usize>,
}

/// Reads one of `ISSUE_KEYS` into `meta.issue`.
pub(super) fn field(frame: &Frame, key: &str, value: Value, meta: &mut PageMeta) -> Checked<()> {
    let issue = meta.issue.get_or_insert_with(Default::default);
    match key {
        "subject" | "preheader" => {
            let Some(text) = scalar_text(&value).or_else(|| value.is_null().then(String::new))
            else {
                return Err(vec![wrong_kind(
                    frame,
                    key,
                    "text",
                    &format!("{key}: Some text"),
                )]);
            };
            let text = text.trim().to_string();
            if key == "subject" {
                issue.subject = text;
            } else {
                issue.preheader = text;
            }
            Ok(())
        }
        _ => {
            let Some(list) = text_list(value) else {
                return Err(vec![wrong_kind(
                    frame,
                    key,
                    "a list of article files",
                    "articles: [\"@/articles/first.md\", \"@/articles/second.md\"]",
                )]);
            };
            // Each entry is found after the one before, so a repeated entry
            // points at its own line.
            let mut from = frame.key(key).map_or(frame.front.start, |k| k.end);
            issue.articles = list
                .into_iter()
                .map(|written| {
                    let written = written.trim().to_string();
                    let after = frame.text.get(from..frame.front.end).unwrap_or("");
                    let span = match after.find(&written).filter(|_| !written.is_empty()) {
                        Some(at) => from + at..from + at + written.len(),
                        None => frame
                            .value(key, &written)
                            .unwrap_or(frame.front.start..frame.front.start),
                    };
                    from = from.max(span.end);
                    IssueArticle { written, span }
                })
                .collect();
            Ok(())
        }
    }
}

/// An issue's title is its subject unless it has its own; it needs one of
/// them. Its preheader is its description unless it has its own.
pub(super) fn settle(frame: &Frame, meta: &mut PageMeta) -> Option<crate::diagnostic::Diagnostic> {
    let issue = meta.issue.get_or_insert_with(Default::default);
    if meta.description.is_empty() {
        meta.description = issue.preheader.clone();
    }
    if meta.title.is_empty() {
        meta.title = issue.subject.clone();
    } else if issue.subject.is_empty() {
        issue.subject = meta.title.clone();
    }
    meta.title.is_empty().then(|| {
        frame.at(
            frame.key("subject"),
            "this newsletter issue has no `subject`".into(),
            "add a line such as `subject: Three questions for your next retrospective` (the email's subject line, also the web version's title)",
        )
    })
}

/// A key of issues used elsewhere.
pub(super) fn misplaced(frame: &Frame, key: &str) -> crate::diagnostic::Diagnostic {
    frame.at(
        frame.key(key),
        format!("`{key}` belongs to newsletter issues only"),
        "newsletter issues live in content/newsletter/ (`huddle newsletter new` writes one); elsewhere, remove the line or put your own data under `extra:`",
    )
}
