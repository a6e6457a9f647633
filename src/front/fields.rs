//! Parses the front matter's syntax (serde_yaml for YAML, toml for TOML) into
//! a list of keys and values, without judging them: a key a writer mistyped or
//! a value of the wrong kind is left for `validate`, which reports them all at
//! once. Only broken syntax stops here. serde_yaml lives only in this module.

use std::ops::Range;

use serde_json::Value;

use super::spans::{key_span, key_spans};
use super::split::{Format, Split};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{explain_serde_message, toml_diagnostic};

/// One top-level key of the front matter, with its value as JSON (the form
/// templates receive `extra` in; TOML dates become their text).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Field {
    pub(super) key: String,
    pub(super) value: Value,
}

/// The front matter's keys in the order written, or its syntax error.
pub(super) fn parse_fields(
    file: &str,
    text: &str,
    split: &Split,
) -> Result<Vec<Field>, Diagnostic> {
    let fm = split.front.clone();
    let fm_text = &text[fm.clone()];
    match split.format {
        Format::Yaml => yaml_fields(file, text, fm),
        Format::Toml => match toml::from_str::<toml::Table>(fm_text) {
            Ok(table) => Ok(table
                .into_iter()
                .map(|(key, v)| Field {
                    key,
                    value: toml_to_json(v),
                })
                .collect()),
            Err(e) => {
                let d = toml_diagnostic(file, fm_text, &e, fm.start);
                // Re-anchor the frame from the front matter to the whole file.
                let span = e.span().unwrap_or(0..0);
                let fixed = Diagnostic::at(
                    file,
                    text,
                    fm.start + span.start..fm.start + span.end,
                    d.message.clone(),
                );
                Err(Diagnostic {
                    help: d.help,
                    ..fixed
                })
            }
        },
    }
}

fn yaml_fields(file: &str, text: &str, fm: Range<usize>) -> Result<Vec<Field>, Diagnostic> {
    let fm_text = &text[fm.clone()];
    let doc: serde_yaml::Value = if fm_text.trim().is_empty() {
        serde_yaml::Value::Null
    } else {
        serde_yaml::from_str(fm_text).map_err(|e| yaml_error(file, text, fm.clone(), &e))?
    };
    let mapping = match doc {
        serde_yaml::Value::Null => return Ok(Vec::new()),
        serde_yaml::Value::Mapping(m) => m,
        _ => {
            return Err(Diagnostic::at(
                file,
                text,
                fm.start..fm.start,
                "the front matter is not a list of `key: value` lines",
            )
            .with_help("write one `key: value` per line, e.g. `title: Listening first`"));
        }
    };
    let mut fields = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        let serde_yaml::Value::String(key) = key else {
            return Err(Diagnostic::at(
                file,
                text,
                fm.start..fm.start,
                "a front-matter key is not text",
            )
            .with_help("keys are words such as `title:` or `date:`"));
        };
        // Only values serde_json cannot hold (e.g. NaN) fail here.
        let value = serde_json::to_value(&value).unwrap_or(Value::Null);
        fields.push(Field { key, value });
    }
    Ok(fields)
}

fn yaml_error(file: &str, text: &str, fm: Range<usize>, e: &serde_yaml::Error) -> Diagnostic {
    let fm_len = fm.end - fm.start;
    let at = fm.start + e.location().map_or(0, |l| l.index()).min(fm_len);
    // serde_yaml's positions count from the front matter; ours are the file's.
    let message = strip_yaml_positions(&e.to_string());
    let (message, mut help) = explain_serde_message(&message);
    let span = match message.strip_prefix("duplicate entry with key \"") {
        Some(rest) => {
            let key = rest.split('"').next().unwrap_or_default();
            help = Some(format!("remove one of the two `{key}:` lines"));
            key_spans(text, fm.clone(), key).into_iter().nth(1)
        }
        None => None,
    }
    .or_else(|| (at == fm.start).then(|| key_span(text, fm, "")).flatten())
    .unwrap_or(at..at);
    let help = help.unwrap_or_else(|| "check the YAML: `key: value` on each line, lists as [a, b], and quote text containing `:` or `#`".into());
    Diagnostic::at(file, text, span, message).with_help(help)
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

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}
