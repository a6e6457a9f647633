//! Finds the front matter at the top of a source's text: YAML between `---`
//! lines or TOML between `+++` lines. Returns byte ranges into the text, so
//! every later diagnostic can point at the line in the writer's file. It does
//! not parse the front matter.

use std::ops::Range;

use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Yaml,
    Toml,
}

/// Where the front matter and the body are in a source's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Split {
    pub(super) format: Format,
    /// The front matter between its delimiter lines.
    pub(super) front: Range<usize>,
    pub(super) body_start: usize,
}

/// Splits off the front matter, or says why the file has none.
pub(super) fn split_front_matter(file: &str, text: &str) -> Result<Split, Diagnostic> {
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
            return Ok(Split {
                format,
                front: first_line_end..offset,
                body_start: offset + line.len(),
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_toml_with_crlf() {
        let s = split_front_matter("a", "---\r\ntitle: A\r\n---\r\nBody").unwrap();
        assert_eq!((s.format, s.front, s.body_start), (Format::Yaml, 5..15, 20));
        let s = split_front_matter("a", "+++\ntitle = 'A'\n+++\n").unwrap();
        assert_eq!(s.format, Format::Toml);
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_explained() {
        assert!(
            split_front_matter("a", "")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            split_front_matter("a", "# Hi\n")
                .unwrap_err()
                .message
                .contains("does not start")
        );
        let d = split_front_matter("a", "---\ntitle: A\n").unwrap_err();
        assert!(d.message.contains("never closed"), "{d}");
    }
}
