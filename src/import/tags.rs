//! Categories and tags onto the site's vocabulary: by slug or name, by a
//! level's number ("Level 3"), by the build's own "did you mean" matcher,
//! or by a word of a term ("feedback" → constructive-feedback). What does not
//! match is kept under `extra.tags`. `import-map.toml` records the choice
//! and, edited and passed back with `--map`, overrides it.

use std::fmt::Write as _;

use super::model::Term;
use crate::diagnostic::{Diagnostic, closest, suggestion};
use crate::vocab::{TaxonomyKind, Vocabulary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Term(TaxonomyKind, String),
    /// Kept under `extra.tags`.
    Keep,
    /// Left out.
    Drop,
}

impl Target {
    pub fn as_map_value(&self) -> String {
        match self {
            Target::Term(kind, slug) => format!("{}:{slug}", kind.singular()),
            Target::Keep => "keep".into(),
            Target::Drop => "drop".into(),
        }
    }

    /// For the report: "practice `constructive-feedback`".
    pub fn describe(&self) -> String {
        match self {
            Target::Term(kind, slug) => format!("{} `{slug}`", kind.singular()),
            Target::Keep => "kept under `extra.tags`".into(),
            Target::Drop => "left out".into(),
        }
    }
}

/// The mapping of each term, and how it was decided.
pub struct Mapping {
    pub targets: Vec<(Target, &'static str)>,
}

fn all_terms(vocab: &Vocabulary) -> Vec<(TaxonomyKind, String, String)> {
    let mut all: Vec<(TaxonomyKind, String, String)> = vocab
        .levels
        .iter()
        .map(|l| (TaxonomyKind::Level, l.slug.clone(), l.name.clone()))
        .collect();
    for kind in [TaxonomyKind::Attitude, TaxonomyKind::Practice] {
        all.extend(
            vocab
                .terms(kind)
                .iter()
                .map(|t| (kind, t.slug.clone(), t.name.clone())),
        );
    }
    all
}

/// The automatic choice for one category or tag.
pub fn automatic(term: &Term, vocab: &Vocabulary) -> (Target, &'static str) {
    let all = all_terms(vocab);
    let keys = [
        slug::slugify(&term.name),
        slug::slugify(super::percent_decoded(&term.slug)),
    ];
    for key in &keys {
        if let Some((kind, slug, _)) = all
            .iter()
            .find(|(_, slug, name)| slug == key || &slug::slugify(name) == key)
        {
            return (Target::Term(*kind, slug.clone()), "same name");
        }
    }
    // "Level 3", "level-2", "3".
    for key in &keys {
        let number = key.strip_prefix("level-").unwrap_or(key);
        if let Ok(n) = number.parse::<u32>()
            && let Some(l) = vocab.levels.iter().find(|l| l.number == n)
        {
            return (
                Target::Term(TaxonomyKind::Level, l.slug.clone()),
                "level number",
            );
        }
    }
    for key in &keys {
        if let Some(best) = closest(key, all.iter().map(|(_, s, _)| s.as_str()))
            && let Some((kind, slug, _)) = all.iter().find(|(_, s, _)| s == best)
        {
            return (Target::Term(*kind, slug.clone()), "close spelling");
        }
    }
    // Every word of the tag in exactly one term ("feedback", "listening").
    for key in &keys {
        let words: Vec<&str> = key.split('-').filter(|w| w.len() > 2).collect();
        if words.is_empty() {
            continue;
        }
        let matches: Vec<_> = all
            .iter()
            .filter(|(_, slug, _)| words.iter().all(|w| slug.split('-').any(|s| s == *w)))
            .collect();
        if let [(kind, slug, _)] = matches.as_slice() {
            return (Target::Term(*kind, slug.clone()), "a word of the term");
        }
    }
    (Target::Keep, "no match")
}

/// The mapping: `--map`'s choices where it has one, the automatic ones elsewhere.
pub fn decide(
    terms: &[Term],
    vocab: &Vocabulary,
    map: Option<(&str, &str)>,
) -> Result<Mapping, Vec<Diagnostic>> {
    let mut targets: Vec<(Target, &'static str)> =
        terms.iter().map(|t| automatic(t, vocab)).collect();
    let Some((file, text)) = map else {
        return Ok(Mapping { targets });
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::at(file, text, span, format!("import map is not valid TOML: {}", e.message()))
            .with_help("each line reads \"tag-slug\" = \"practice:constructive-feedback\" (or level:…, attitude:…, keep, drop)")]
    })?;
    let mut errors = Vec::new();
    let all = all_terms(vocab);
    for (section, taxonomy) in [("category", "category"), ("tag", "tag")] {
        let Some(entries) = table.get(section).and_then(|v| v.as_table()) else {
            continue;
        };
        for (key, value) in entries {
            let span = find(text, key);
            let Some(i) = terms
                .iter()
                .position(|t| t.taxonomy == taxonomy && &t.slug == key)
            else {
                errors.push(
                    Diagnostic::at(
                        file,
                        text,
                        span,
                        format!("the export has no {section} `{key}`"),
                    )
                    .with_help(suggestion(
                        key,
                        &terms
                            .iter()
                            .filter(|t| t.taxonomy == taxonomy)
                            .map(|t| t.slug.as_str())
                            .collect::<Vec<_>>(),
                    ))
                    .warning(),
                );
                continue;
            };
            let value = value.as_str().unwrap_or("");
            let target = match value.split_once(':') {
                None if value == "keep" => Some(Target::Keep),
                None if value == "drop" => Some(Target::Drop),
                Some((kind, slug)) => {
                    let kind = match kind.trim() {
                        "level" => Some(TaxonomyKind::Level),
                        "attitude" => Some(TaxonomyKind::Attitude),
                        "practice" => Some(TaxonomyKind::Practice),
                        _ => None,
                    };
                    kind.and_then(|k| {
                        all.iter()
                            .find(|(kk, s, _)| *kk == k && s == slug.trim())
                            .map(|(k, s, _)| Target::Term(*k, s.clone()))
                    })
                }
                None => None,
            };
            match target {
                Some(t) => targets[i] = (t, "import map"),
                None => {
                    let options: Vec<String> = all
                        .iter()
                        .map(|(k, s, _)| format!("{}:{s}", k.singular()))
                        .chain(["keep".into(), "drop".into()])
                        .collect();
                    let refs: Vec<&str> = options.iter().map(String::as_str).collect();
                    errors.push(
                        Diagnostic::at(
                            file,
                            text,
                            find_after(text, span.start, value),
                            format!("`{value}` is not a term of this site's vocabulary"),
                        )
                        .with_help(format!(
                            "{} (write \"keep\" to keep it under extra.tags)",
                            suggestion(value, &refs)
                        )),
                    );
                }
            }
        }
    }
    if errors.iter().any(Diagnostic::is_error) {
        return Err(errors);
    }
    Ok(Mapping { targets })
}

fn find(text: &str, key: &str) -> std::ops::Range<usize> {
    let quoted = format!("\"{key}\"");
    text.find(&quoted)
        .map(|i| i..i + quoted.len())
        .or_else(|| text.find(key).map(|i| i..i + key.len()))
        .unwrap_or(0..0)
}

fn find_after(text: &str, from: usize, value: &str) -> std::ops::Range<usize> {
    text[from..]
        .find(value)
        .filter(|_| !value.is_empty())
        .map(|i| from + i..from + i + value.len())
        .unwrap_or(from..from)
}

/// `import-map.toml`: every category and tag, its choice, and how many
/// entries carry it.
pub fn map_file(terms: &[Term], mapping: &Mapping, counts: &[usize], command: &str) -> String {
    let mut out = String::from(
        "# How `huddle import` mapped the export's categories and tags onto this\n\
         # site's vocabulary. Change a value, then import again with your choices:\n",
    );
    let _ = writeln!(out, "#   {command} --map import-map.toml --force");
    out.push_str(
        "# Values: \"level:<slug>\", \"attitude:<slug>\", \"practice:<slug>\",\n\
         # \"keep\" (kept under extra.tags in the front matter) or \"drop\".\n",
    );
    for (section, taxonomy) in [("category", "category"), ("tag", "tag")] {
        let rows: Vec<usize> = (0..terms.len())
            .filter(|&i| terms[i].taxonomy == taxonomy)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n[{section}]");
        for i in rows {
            let t = &terms[i];
            let key = toml::Value::String(t.slug.clone()).to_string();
            let value = toml::Value::String(mapping.targets[i].0.as_map_value()).to_string();
            let n = counts[i];
            let _ = writeln!(
                out,
                "{key} = {value}  # {}, {n} {}",
                t.name.replace('\n', " "),
                if n == 1 { "entry" } else { "entries" }
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::default_vocabulary;

    fn term(name: &str, slug: &str) -> Term {
        Term {
            taxonomy: "tag",
            name: name.into(),
            slug: slug.into(),
        }
    }

    #[test]
    fn names_numbers_typos_and_words_map_onto_the_vocabulary() {
        let v = default_vocabulary();
        let cases = [
            (
                "Constructive Feedback",
                "constructive-feedback",
                "practice:constructive-feedback",
            ),
            ("Level 3", "level-3", "level:reciprocal"),
            ("feedback", "feedback", "practice:constructive-feedback"),
            (
                "Meeting Hygene",
                "meeting-hygene",
                "practice:meeting-hygiene",
            ),
            ("Openness", "openness", "attitude:openness"),
            ("Leadership", "leadership", "keep"),
            ("Remote Work", "remote-work", "keep"),
        ];
        for (name, slug, expected) in cases {
            assert_eq!(
                automatic(&term(name, slug), &v).0.as_map_value(),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn the_map_file_overrides_and_its_mistakes_name_the_line() {
        let v = default_vocabulary();
        let terms = vec![
            term("Leadership", "leadership"),
            term("feedback", "feedback"),
        ];
        let text = "[tag]\n\"leadership\" = \"attitude:respect\"\n\"feedback\" = \"practice:constructive-feedbak\"\n";
        let err = decide(&terms, &v, Some(("import-map.toml", text)))
            .err()
            .expect("an error");
        assert_eq!(err[0].line, 3);
        assert!(
            err[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("practice:constructive-feedback")
        );
        let ok = "[tag]\n\"leadership\" = \"attitude:respect\"\n";
        let m =
            decide(&terms, &v, Some(("import-map.toml", ok))).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(m.targets[0].0.as_map_value(), "attitude:respect");
        assert_eq!(
            m.targets[1].0.as_map_value(),
            "practice:constructive-feedback"
        );
    }
}
