//! Errors and warnings for writers: one flat `Diagnostic` type that every stage
//! collects into a list. It knows the file, line, column and the offending line,
//! and renders as a code frame with a caret (annotate-snippets) for the terminal.
//! It does not decide what is an error; the stages do.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is: a file, a command-line option or the server itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file (or folder) as the writer knows it: relative to the site root
    /// where possible.
    File(String),
    /// A command-line option (`--level`) or argument (`TITLE`).
    Flag(&'static str),
    /// `huddle serve` itself, e.g. the address it listens on.
    Server(String),
    /// A step of huddle's own that failed (e.g. the search indexer).
    Tool(&'static str),
}

impl Origin {
    /// How the origin is shown where a file's path would be.
    pub fn label(&self) -> String {
        match self {
            Origin::File(file) => file.clone(),
            Origin::Flag(flag) if flag.starts_with('-') => format!("the {flag} option"),
            Origin::Flag(argument) => format!("the {argument} argument"),
            Origin::Tool(step) => format!("huddle's {step}"),
            Origin::Server(what) if what.is_empty() => "huddle serve".to_string(),
            Origin::Server(what) => format!("huddle serve ({what})"),
        }
    }
}

/// One problem found in the writer's files, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub origin: Origin,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based column in characters; 0 with `line == 0`.
    pub column: usize,
    /// The whole offending line (without its line ending), for the code frame.
    pub source_line: Option<String>,
    /// Byte range inside `source_line` to underline.
    pub underline: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no position known, e.g. it is not UTF-8).
    pub fn file_error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::about(Origin::File(file.into()), message)
    }

    /// A problem with a command-line option's value.
    pub fn flag_error(flag: &'static str, message: impl Into<String>) -> Self {
        Diagnostic::about(Origin::Flag(flag), message)
    }

    /// A problem of `huddle serve` itself (`what`: e.g. its address).
    pub fn server_error(what: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::about(Origin::Server(what.into()), message)
    }

    /// A step of huddle's own failed, through no fault of the site.
    pub fn tool_error(step: &'static str, message: impl Into<String>) -> Self {
        Diagnostic::about(Origin::Tool(step), message)
    }

    fn about(origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            origin,
            line: 0,
            column: 0,
            source_line: None,
            underline: 0..0,
            message: message.into(),
            help: None,
        }
    }

    /// A problem at byte `span` of `source` (the whole file's text).
    pub fn at(
        file: impl Into<String>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let (line, column) = line_col(source, start);
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = source[line_start..line_end].trim_end_matches('\r');
        let from = (start - line_start).min(text.len());
        let to = floor_char_boundary(text, (span.end.max(start + 1) - line_start).min(text.len()));
        let to = if to <= from {
            text.len().min(from + next_char_len(text, from))
        } else {
            to
        };
        Diagnostic {
            severity: Severity::Error,
            origin: Origin::File(file.into()),
            line,
            column,
            source_line: Some(text.to_string()),
            underline: from..to,
            message: message.into(),
            help: None,
        }
    }

    /// A problem at a 1-based `line` and `column` (in characters) of `source`.
    pub fn at_line_col(
        file: impl Into<String>,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let offset = offset_of(source, line, column);
        Self::at(file, source, offset..offset, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The code frame for a terminal, with colours when `styled`.
    pub fn render(&self, styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(self.message.as_str());
        let origin = self.origin.label();
        let mut groups = Vec::new();
        match &self.source_line {
            Some(text) => groups.push(
                title.element(
                    Snippet::source(text.as_str())
                        .line_start(self.line)
                        .path(origin.as_str())
                        .annotation(AnnotationKind::Primary.span(self.underline.clone())),
                ),
            ),
            None => groups.push(title.element(annotate_snippets::Origin::path(origin.as_str()))),
        }
        if let Some(help) = &self.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        renderer.render(&groups)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based `line` and `column` (in characters), clamped to the text.
pub fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return source.len(),
        }
    }
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    source[start..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(i, _)| start + i)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_char_len(s: &str, at: usize) -> usize {
    s[at..].chars().next().map_or(0, char::len_utf8)
}

/// The closest of `candidates` to `value`, if it is close enough to be a likely typo.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value_lower = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&value_lower, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= (c.chars().count().max(value.chars().count()) / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or a list of what is allowed.
pub fn suggestion(value: &str, candidates: &[&str]) -> String {
    match closest(value, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "expected one of {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Turns a toml error into a diagnostic; `line_offset` is where `text` starts in
/// the file (front matter inside a Markdown file), in bytes.
pub fn toml_diagnostic(
    file: &str,
    text: &str,
    e: &toml::de::Error,
    _line_offset: usize,
) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    let (message, help) = explain_serde_message(&message);
    let d = Diagnostic::at(file, text, span, message);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Serde's messages name the problem but not the fix; add one where we can.
/// "unknown field `titel`, expected one of `title`, `date`" -> a suggestion.
pub fn explain_serde_message(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let help = if allowed.is_empty() {
            "remove this key".to_string()
        } else {
            format!(
                "{} (put your own data under `extra:`)",
                suggestion(field, &allowed)
            )
        };
        return (format!("unknown key `{field}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        return (
            format!("missing required key `{field}`"),
            Some(format!("add a line `{field}: ...`")),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown newsletter provider `")
        && let Some((name, help)) = rest.split_once("`: ")
    {
        return (
            format!("unknown newsletter provider `{name}`"),
            Some(help.to_string()),
        );
    }
    if message.starts_with("invalid type") {
        return (
            message.to_string(),
            Some("check the value's quoting and type (text in quotes, lists in [brackets])".into()),
        );
    }
    (message.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let src = "ab\ncé x\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        // 'x' is after the two-byte 'é': byte 7, character column 4
        assert_eq!(line_col(src, 7), (2, 4));
        assert_eq!(offset_of(src, 2, 4), 7);
    }

    #[test]
    fn rendered_frame_names_file_line_and_shows_the_line() {
        let src = "---\ntitel: x\n---\n";
        let d = Diagnostic::at("content/a.md", src, 4..9, "unknown key `titel`")
            .with_help("did you mean `title`?");
        let text = d.render(false);
        assert!(text.contains("content/a.md:2:1"), "{text}");
        assert!(text.contains("titel: x"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("did you mean `title`?"), "{text}");
    }

    #[test]
    fn suggestions_find_typos_only() {
        assert_eq!(
            closest("atitudes", ["attitudes", "level"]),
            Some("attitudes")
        );
        assert_eq!(closest("zzzzzzzz", ["attitudes", "level"]), None);
    }
}
