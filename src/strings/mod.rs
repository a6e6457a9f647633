//! The theme's fixed texts in the site's language ("min read", "Contents",
//! "of 5 done", month names, the names of the default levels, attitudes
//! and practices). huddle ships a table for English, German, French and
//! Spanish (`en.toml` ...); `language` in site.toml picks one by its first
//! subtag (`de-AT` reads `de`; a language without a table reads English),
//! and `[strings]` in site.toml overrides any entry. An entry is a text or
//! a table of plural forms chosen by CLDR's rules for the site's language
//! (intl_pluralrules); `{name}` marks a value filled in where it is used.
//! A leaf module: config owns the resolved `Strings`, templates read them as
//! the global `strings` and the `fill` filter, Rust code through `text`,
//! `fill` and `date`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, closest};

/// The languages huddle has a table for.
#[cfg(test)]
pub const SHIPPED: [&str; 4] = ["en", "de", "fr", "es"];

fn table_text(language: &str) -> Option<&'static str> {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "en" => Some(include_str!("en.toml")),
        "de" => Some(include_str!("de.toml")),
        "fr" => Some(include_str!("fr.toml")),
        "es" => Some(include_str!("es.toml")),
        _ => None,
    }
}

/// The plural categories CLDR names, in its order.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    /// By plural category (`one`, `other`, ...); `other` is always there.
    Plural(BTreeMap<String, String>),
}

/// What a table says of one vocabulary term (any field may be left out).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermText {
    pub name: Option<String>,
    pub description: Option<String>,
    pub work: Option<String>,
    pub management: Option<String>,
    pub explanation: Option<String>,
}

const TERM_FIELDS: [&str; 5] = ["name", "description", "work", "management", "explanation"];

/// The resolved table of a site.
#[derive(Debug, Clone)]
pub struct Strings {
    /// The language whose plural rules choose the forms (`language` of site.toml).
    language: String,
    texts: BTreeMap<String, Text>,
    months: Vec<String>,
    /// Vocabulary texts by taxonomy (`levels`, `attitudes`, `practices`) and slug.
    vocabulary: BTreeMap<(String, String), TermText>,
}

/// The English table: the one every other follows, parsed once.
static ENGLISH: std::sync::LazyLock<Parsed> =
    std::sync::LazyLock::new(|| parse_shipped(include_str!("en.toml")));

/// A table as parsed: its entries, months and vocabulary.
#[derive(Clone)]
struct Parsed {
    texts: BTreeMap<String, Text>,
    months: Option<Vec<String>>,
    vocabulary: BTreeMap<(String, String), TermText>,
}

impl Strings {
    /// The shipped table of `language` (English for a language without one).
    pub fn for_language(language: &str) -> Strings {
        let english = ENGLISH.clone();
        let mut strings = Strings {
            language: language.to_string(),
            texts: english.texts,
            months: english.months.unwrap_or_default(),
            vocabulary: english.vocabulary,
        };
        if let Some(text) = table_text(language).filter(|t| *t != include_str!("en.toml")) {
            strings.overlay(parse_shipped(text));
        }
        strings
    }

    /// The shipped table with `[strings]` of site.toml (`overrides`, found in
    /// `config_text` for error positions) laid over it. Every wrong entry is
    /// reported: an unknown key (with the closest one), a value of the wrong
    /// shape, a `{name}` the entry does not fill in.
    pub fn with_overrides(
        mut self,
        overrides: &toml::Table,
        config_text: &str,
        file: &str,
    ) -> Result<Strings, Vec<Diagnostic>> {
        let english = &*ENGLISH;
        let mut errors = Vec::new();
        let mut error = |key: &str, message: String, help: String| {
            let span = key_span(config_text, key);
            errors.push(Diagnostic::at(file, config_text, span, message).with_help(help));
        };
        let mut parsed = Parsed {
            texts: BTreeMap::new(),
            months: None,
            vocabulary: BTreeMap::new(),
        };
        for (key, value) in overrides {
            match key.as_str() {
                "months" => match months_of(value) {
                    Some(m) => parsed.months = Some(m),
                    None => error(
                        key,
                        "`months` in [strings] must list the twelve month names".into(),
                        "write months = [\"January\", \"February\", ..., \"December\"]".into(),
                    ),
                },
                "vocabulary" => match vocabulary_of(value) {
                    Ok(v) => parsed.vocabulary = v,
                    Err((at, message, help)) => error(&at, message, help),
                },
                _ => {
                    let Some(model) = english.texts.get(key) else {
                        let keys = english.texts.keys().map(String::as_str);
                        let help = match closest(key, keys) {
                            Some(best) => format!(
                                "did you mean `{best}`? (docs/strings.md lists every string)"
                            ),
                            None => "docs/strings.md lists every string the theme uses".into(),
                        };
                        error(key, format!("[strings] has no entry `{key}`"), help);
                        continue;
                    };
                    match text_of(value, matches!(model, Text::Plural(_))) {
                        Ok(text) => match unknown_placeholder(&text, model) {
                            Some(bad) => {
                                let known = placeholders_of(model);
                                let help = if known.is_empty() {
                                    format!(
                                        "`{key}` fills nothing in: write the text without {{{bad}}}"
                                    )
                                } else {
                                    let list: Vec<String> =
                                        known.iter().map(|k| format!("{{{k}}}")).collect();
                                    format!("`{key}` fills in {}", list.join(", "))
                                };
                                error(
                                    key,
                                    format!("`{{{bad}}}` in [strings] `{key}` is never filled in"),
                                    help,
                                );
                            }
                            None => {
                                parsed.texts.insert(key.clone(), text);
                            }
                        },
                        Err(help) => {
                            error(key, format!("[strings] `{key}` has the wrong shape"), help)
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            self.overlay(parsed);
            Ok(self)
        } else {
            Err(errors)
        }
    }

    fn overlay(&mut self, parsed: Parsed) {
        self.texts.extend(parsed.texts);
        if let Some(months) = parsed.months {
            self.months = months;
        }
        for (key, text) in parsed.vocabulary {
            let entry = self.vocabulary.entry(key).or_default();
            let fields = [
                (&mut entry.name, text.name),
                (&mut entry.description, text.description),
                (&mut entry.work, text.work),
                (&mut entry.management, text.management),
                (&mut entry.explanation, text.explanation),
            ];
            for (into, from) in fields {
                if from.is_some() {
                    *into = from;
                }
            }
        }
    }

    /// An entry's text (a plural entry's `other` form), unfilled.
    pub fn text(&self, key: &str) -> &str {
        match self.texts.get(key) {
            Some(Text::Plain(t)) => t,
            Some(Text::Plural(forms)) => forms.get("other").map_or("", String::as_str),
            None => "",
        }
    }

    /// An entry with its `{name}`s filled in from `args`; a plural entry's
    /// form is chosen by `n`.
    pub fn fill(&self, key: &str, n: Option<u64>, args: &[(&str, &str)]) -> String {
        let form = match (self.texts.get(key), n) {
            (Some(Text::Plural(forms)), Some(n)) => {
                choose(forms, Plurals::new(&self.language).category(n))
            }
            _ => self.text(key),
        };
        fill_in(form, |name| {
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// An entry as JSON (a plural entry's forms by category), for scripts.
    pub fn json(&self, key: &str) -> String {
        self.texts
            .get(key)
            .and_then(|t| serde_json::to_string(t).ok())
            .unwrap_or_else(|| "\"\"".into())
    }

    /// A date (`2026-05-05`) as the language writes it: "5 May 2026",
    /// "5. Mai 2026".
    pub fn date(&self, iso_date: &str) -> String {
        let Ok(date) = iso_date.parse::<jiff::civil::Date>() else {
            return iso_date.to_string();
        };
        let month = self
            .months
            .get(date.month() as usize - 1)
            .cloned()
            .unwrap_or_else(|| date.month().to_string());
        let (day, year) = (date.day().to_string(), date.year().to_string());
        fill_in(self.text("date"), |name| match name {
            "day" => Some(day.clone()),
            "month" => Some(month.clone()),
            "year" => Some(year.clone()),
            _ => None,
        })
    }

    /// What the tables say of a vocabulary term (`levels`, `pooled`).
    pub fn term(&self, taxonomy: &str, slug: &str) -> Option<&TermText> {
        self.vocabulary
            .get(&(taxonomy.to_string(), slug.to_string()))
    }

    /// The entries for templates (the global `strings`): texts and tables of
    /// plural forms, by key.
    pub fn template_value(&self) -> &BTreeMap<String, Text> {
        &self.texts
    }
}

/// A language's plural rules, made once (English for a language CLDR does
/// not know).
pub struct Plurals(Option<PluralRules>);

impl Plurals {
    pub fn new(language: &str) -> Plurals {
        let rules = PluralRules::create(plural_language(language), PluralRuleType::CARDINAL)
            .or_else(|_| PluralRules::create(english_language(), PluralRuleType::CARDINAL));
        Plurals(rules.ok())
    }

    /// The plural category of `n`: `one`, `other`, ...
    pub fn category(&self, n: u64) -> &'static str {
        category_name(self.0.as_ref().and_then(|r| r.select(n).ok()))
    }
}

fn category_name(category: Option<PluralCategory>) -> &'static str {
    match category {
        Some(PluralCategory::ZERO) => "zero",
        Some(PluralCategory::ONE) => "one",
        Some(PluralCategory::TWO) => "two",
        Some(PluralCategory::FEW) => "few",
        Some(PluralCategory::MANY) => "many",
        _ => "other",
    }
}

fn english_language() -> unic_langid::LanguageIdentifier {
    unic_langid::LanguageIdentifier::from_parts(
        unic_langid::subtags::Language::from_bytes(b"en").unwrap_or_default(),
        None,
        None,
        &[],
    )
}

/// `language` as plural rules read it (English when it is no language tag).
fn plural_language(language: &str) -> unic_langid::LanguageIdentifier {
    language.parse().unwrap_or_else(|_| english_language())
}

/// The form of `category`, or `other`.
pub fn choose<'a>(forms: &'a BTreeMap<String, String>, category: &str) -> &'a str {
    forms
        .get(category)
        .or_else(|| forms.get("other"))
        .map_or("", String::as_str)
}

/// `text` with every `{name}` that `value` knows replaced.
pub fn fill_in(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_name(name) => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `{name}`s a text uses.
fn names_in(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    fill_in(text, |name| {
        names.insert(name.to_string());
        None
    });
    names
}

/// The `{name}`s an entry may use: those English uses, and for each a
/// lower-case twin (`{name}` and `{name_lower}`: English lowers a term's
/// name inside a sentence, German does not).
fn fillable(model: &Text) -> BTreeSet<String> {
    let mut names = placeholders_of(model);
    let twins: Vec<String> = names
        .iter()
        .map(|n| match n.strip_suffix("_lower") {
            Some(base) => base.to_string(),
            None => format!("{n}_lower"),
        })
        .collect();
    names.extend(twins);
    names
}

fn placeholders_of(text: &Text) -> BTreeSet<String> {
    match text {
        Text::Plain(t) => names_in(t),
        Text::Plural(forms) => forms.values().flat_map(|f| names_in(f)).collect(),
    }
}

/// A `{name}` of `text` that the English entry `model` does not fill in.
fn unknown_placeholder(text: &Text, model: &Text) -> Option<String> {
    let known = fillable(model);
    // A plural entry's number is always there, even where English omits it.
    let plural = matches!(model, Text::Plural(_));
    placeholders_of(text)
        .into_iter()
        .find(|name| !(known.contains(name) || plural && name == "n"))
}

/// A TOML value as an entry: a string, or (where `plural`) a table of forms.
fn text_of(value: &toml::Value, plural: bool) -> Result<Text, String> {
    match value {
        toml::Value::String(s) => Ok(Text::Plain(s.clone())),
        toml::Value::Table(forms) if plural => {
            let mut out = BTreeMap::new();
            for (category, form) in forms {
                if !CATEGORIES.contains(&category.as_str()) {
                    return Err(format!(
                        "plural forms are named {}; `{category}` is none of them",
                        CATEGORIES.join(", ")
                    ));
                }
                let Some(form) = form.as_str() else {
                    return Err(format!("the `{category}` form must be a text in quotes"));
                };
                out.insert(category.clone(), form.to_string());
            }
            if !out.contains_key("other") {
                return Err("plural forms need at least `other`, e.g. { one = \"{n} article\", other = \"{n} articles\" }".into());
            }
            Ok(Text::Plural(out))
        }
        _ if plural => Err(
            "write a text in quotes, or plural forms such as { one = \"…\", other = \"…\" }".into(),
        ),
        _ => Err("write a text in quotes".into()),
    }
}

fn months_of(value: &toml::Value) -> Option<Vec<String>> {
    let list = value.as_array()?;
    let months: Vec<String> = list
        .iter()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect();
    (months.len() == 12 && list.len() == 12).then_some(months)
}

type Problem = (String, String, String);

/// `[strings.vocabulary.<taxonomy>.<slug>]` tables.
fn vocabulary_of(value: &toml::Value) -> Result<BTreeMap<(String, String), TermText>, Problem> {
    let mut out = BTreeMap::new();
    let Some(kinds) = value.as_table() else {
        return Err((
            "vocabulary".into(),
            "[strings] `vocabulary` must be a table".into(),
            "write [strings.vocabulary.practices.follow-up] and under it name = \"…\"".into(),
        ));
    };
    for (kind, terms) in kinds {
        if !["levels", "attitudes", "practices"].contains(&kind.as_str()) {
            let help = match closest(kind, ["levels", "attitudes", "practices"]) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "name levels, attitudes or practices".into(),
            };
            return Err((
                kind.clone(),
                format!("[strings.vocabulary] has no `{kind}`"),
                help,
            ));
        }
        let Some(terms) = terms.as_table() else {
            return Err((
                kind.clone(),
                format!("[strings.vocabulary] `{kind}` must be a table of terms"),
                format!("write [strings.vocabulary.{kind}.<slug>] and under it name = \"…\""),
            ));
        };
        for (slug, fields) in terms {
            let mut text = TermText::default();
            let Some(fields) = fields.as_table() else {
                return Err((
                    slug.clone(),
                    format!("[strings.vocabulary.{kind}] `{slug}` must be a table"),
                    format!("write [strings.vocabulary.{kind}.{slug}] and under it name = \"…\""),
                ));
            };
            for (field, v) in fields {
                let allowed: &[&str] = if kind == "levels" {
                    &TERM_FIELDS
                } else {
                    &TERM_FIELDS[..2]
                };
                let Some(v) = v.as_str().filter(|_| allowed.contains(&field.as_str())) else {
                    return Err((
                        field.clone(),
                        format!(
                            "[strings.vocabulary.{kind}.{slug}] `{field}` is not a text huddle shows"
                        ),
                        format!("set {} (each a text in quotes)", allowed.join(", ")),
                    ));
                };
                let slot = match field.as_str() {
                    "name" => &mut text.name,
                    "description" => &mut text.description,
                    "work" => &mut text.work,
                    "management" => &mut text.management,
                    _ => &mut text.explanation,
                };
                *slot = Some(v.to_string());
            }
            out.insert((kind.clone(), slug.clone()), text);
        }
    }
    Ok(out)
}

/// A shipped table. Its shape is checked by this module's tests.
fn parse_shipped(text: &str) -> Parsed {
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    let mut parsed = Parsed {
        texts: BTreeMap::new(),
        months: None,
        vocabulary: BTreeMap::new(),
    };
    for (key, value) in &table {
        match key.as_str() {
            "months" => parsed.months = months_of(value),
            "vocabulary" => parsed.vocabulary = vocabulary_of(value).unwrap_or_default(),
            _ => {
                if let Ok(t) = text_of(value, value.is_table()) {
                    parsed.texts.insert(key.clone(), t);
                }
            }
        }
    }
    parsed
}

/// Where `key` is written in site.toml (the line that sets it, or the table
/// header that names it), for error messages.
fn key_span(text: &str, key: &str) -> Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let start = offset + (line.len() - trimmed.len());
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return start..start + key.len();
        }
        if trimmed.starts_with("[strings")
            && let Some(at) = trimmed.find(&format!(".{key}"))
        {
            return start + at + 1..start + at + 1 + key.len();
        }
        offset += line.len();
    }
    text.find("[strings").map_or(0..0, |at| at..at + 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(language: &str) -> toml::Table {
        toml::from_str(table_text(language).unwrap()).unwrap()
    }

    #[test]
    fn every_shipped_table_has_every_entry_in_the_same_shape() {
        let english = parse_shipped(include_str!("en.toml"));
        for language in SHIPPED {
            let raw = table(language);
            let parsed = parse_shipped(table_text(language).unwrap());
            assert_eq!(
                parsed.months.as_ref().map(Vec::len),
                Some(12),
                "{language} months"
            );
            for (key, model) in &english.texts {
                let text = parsed
                    .texts
                    .get(key)
                    .unwrap_or_else(|| panic!("{language} lacks `{key}`"));
                assert_eq!(
                    matches!(text, Text::Plural(_)),
                    matches!(model, Text::Plural(_)),
                    "{language} `{key}`: plural in one table, not in the other"
                );
                assert_eq!(unknown_placeholder(text, model), None, "{language} `{key}`");
                // Every value English fills in is used (a plural entry may
                // leave the number out of its `one` form).
                let used = placeholders_of(text);
                for name in placeholders_of(model) {
                    let twin = name.strip_suffix("_lower").unwrap_or(&name).to_string();
                    assert!(
                        used.contains(&name) || used.contains(&twin),
                        "{language} `{key}` never shows {{{name}}}"
                    );
                }
            }
            for key in raw.keys() {
                assert!(
                    english.texts.contains_key(key) || key == "months" || key == "vocabulary",
                    "{language} has `{key}`, which English has not"
                );
            }
        }
    }

    #[test]
    fn docs_strings_md_lists_every_entry() {
        let docs = include_str!("../../docs/strings.md");
        for key in parse_shipped(include_str!("en.toml")).texts.keys() {
            assert!(
                docs.contains(&format!("| `{key}` |")),
                "docs/strings.md lacks `{key}`"
            );
        }
    }

    #[test]
    fn plural_forms_follow_each_language() {
        let en = Strings::for_language("en");
        assert_eq!(
            en.fill("article_count", Some(1), &[("n", "1")]),
            "1 article"
        );
        assert_eq!(
            en.fill("article_count", Some(4), &[("n", "4")]),
            "4 articles"
        );
        let fr = Strings::for_language("fr");
        // French counts 0 and 1 as singular.
        assert_eq!(
            fr.fill("article_count", Some(0), &[("n", "0")]),
            "0 article"
        );
        assert_eq!(
            fr.fill("article_count", Some(2), &[("n", "2")]),
            "2 articles"
        );
        let de = Strings::for_language("de-AT");
        assert_eq!(
            de.fill("article_count", Some(1), &[("n", "1")]),
            "1 Artikel"
        );
        assert_eq!(de.text("contents"), "Inhalt");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        assert_eq!(Strings::for_language("en").date("2026-05-05"), "5 May 2026");
        assert_eq!(
            Strings::for_language("de").date("2026-05-05"),
            "5. Mai 2026"
        );
        assert_eq!(Strings::for_language("fr").date("2026-05-05"), "5 mai 2026");
        assert_eq!(
            Strings::for_language("es").date("2026-05-05"),
            "5 de mayo de 2026"
        );
        // A language huddle has no table for reads English.
        assert_eq!(
            Strings::for_language("it").date("2026-12-01"),
            "1 December 2026"
        );
    }

    #[test]
    fn overrides_replace_entries_and_wrong_ones_are_named() {
        let text = "[strings]\ncontents = \"On this page\"\nmin_read = { one = \"one minute\", other = \"{n} minutes\" }\n";
        let overrides: toml::Table = toml::from_str::<toml::Table>(text).unwrap()["strings"]
            .as_table()
            .unwrap()
            .clone();
        let s = Strings::for_language("en")
            .with_overrides(&overrides, text, "site.toml")
            .unwrap();
        assert_eq!(s.text("contents"), "On this page");
        assert_eq!(s.fill("min_read", Some(1), &[("n", "1")]), "one minute");
        assert_eq!(s.fill("min_read", Some(3), &[("n", "3")]), "3 minutes");

        let text = "[strings]\ncontnets = \"x\"\nmin_read = \"{minutes} min\"\ncontents = { one = \"a\" }\nmonths = [\"Jan\"]\n";
        let overrides: toml::Table = toml::from_str::<toml::Table>(text).unwrap()["strings"]
            .as_table()
            .unwrap()
            .clone();
        let errors = Strings::for_language("en")
            .with_overrides(&overrides, text, "site.toml")
            .unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        let typo = errors
            .iter()
            .find(|e| e.message.contains("contnets"))
            .unwrap();
        assert_eq!(typo.line, 2);
        assert!(typo.help.as_deref().unwrap().contains("`contents`"));
        let placeholder = errors
            .iter()
            .find(|e| e.message.contains("{minutes}"))
            .unwrap();
        assert_eq!(placeholder.line, 3);
        assert!(placeholder.help.as_deref().unwrap().contains("{n}"));
    }

    #[test]
    fn fill_in_leaves_unknown_names_and_lone_braces() {
        let out = fill_in("{a} of {b} {c} { x", |n| {
            (n == "a").then(|| "1".to_string())
        });
        assert_eq!(out, "1 of {b} {c} { x");
    }
}
