//! Reads `site.toml` into a typed `Config`. Unknown keys, wrong types and a
//! missing or malformed `base_url` become diagnostics naming site.toml and the
//! line, with a suggestion. It does not look at content or templates.

use std::path::Path;

use serde::Deserialize;

pub mod newsletter;
mod sections;

pub use newsletter::NewsletterConfig;
pub use sections::{
    FeedConfig, FeedContent, ImagesConfig, RelatedConfig, RelatedWeights, SearchConfig, SearchIndex,
};

use crate::diagnostic::{Diagnostic, toml_diagnostic};
use crate::vocab::VocabularyConfig;

pub const CONFIG_FILE: &str = "site.toml";

/// The site's settings, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Absolute URL without a trailing slash.
    pub base_url: String,
    /// Path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    pub description: String,
    pub language: String,
    /// The theme's fixed texts in `language`, with `[strings]` laid over them.
    pub strings: crate::strings::Strings,
    pub theme: String,
    pub author: String,
    pub words_per_minute: u32,
    /// `paginate`: how many entries a list page shows (sections, term pages,
    /// the checklists page) before the rest go to `page/2/` and on; 0 shows
    /// every entry on one page. A section's `_index.md` may set its own.
    pub paginate: usize,
    pub related: RelatedConfig,
    /// Whether article pages list the pages that link to them.
    pub backlinks: bool,
    pub vocabulary: VocabularyConfig,
    pub newsletter: NewsletterConfig,
    pub feed: FeedConfig,
    pub search: SearchConfig,
    pub images: ImagesConfig,
    /// `timezone`: where the coach lives. A front-matter date without a time
    /// is midnight here, and scheduled articles go out by its clock.
    pub zone: jiff::tz::TimeZone,
    /// True under `huddle serve` (see `BuildOptions::dev_server`).
    pub dev_server: bool,
    /// The moment the build publishes at (`BuildOptions::now`).
    pub now: jiff::Timestamp,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    /// `[strings]`: the theme's texts as the site wants them (checked
    /// against the shipped table by `Strings::with_overrides`).
    #[serde(default)]
    strings: toml::Table,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    author: String,
    #[serde(default = "default_wpm")]
    words_per_minute: u32,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default)]
    related: RelatedConfig,
    #[serde(default = "default_true")]
    backlinks: bool,
    #[serde(default)]
    vocabulary: VocabularyConfig,
    #[serde(default)]
    newsletter: NewsletterConfig,
    #[serde(default)]
    feed: FeedConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default = "default_timezone")]
    timezone: String,
}

fn default_timezone() -> String {
    "UTC".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_true() -> bool {
    true
}
fn default_wpm() -> u32 {
    200
}
/// Twenty entries a page: a list stays a few dozen KB at any size of site.
pub const DEFAULT_PAGINATE: usize = 20;
fn default_paginate() -> usize {
    DEFAULT_PAGINATE
}

/// Reads and validates `<root>/site.toml`; `base_url_override` is `--base-url`.
pub fn load_config(
    root: &Path,
    base_url_override: Option<&str>,
) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            return Err(vec![Diagnostic::file_error(
                CONFIG_FILE,
                format!("cannot read {CONFIG_FILE}: {e}"),
            )
            .with_help(format!(
                "run huddle in a site folder (one with {CONFIG_FILE}), pass --root DIR, or create a site with `huddle init DIR`"
            ))]);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(vec![
                Diagnostic::at(
                    CONFIG_FILE,
                    &lossy,
                    offset..offset + 1,
                    "site.toml is not valid UTF-8",
                )
                .with_help("save the file as UTF-8 in your editor"),
            ]);
        }
    };
    parse_config(&text, base_url_override)
}

/// Parses the text of site.toml; split from `load_config` so it is testable without disk.
pub fn parse_config(
    text: &str,
    base_url_override: Option<&str>,
) -> Result<Config, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => return Err(vec![toml_diagnostic(CONFIG_FILE, text, &e, 0)]),
    };
    let mut errors = Vec::new();
    let base_url = match base_url_override.map(str::to_string).or(raw.base_url) {
        Some(url) => match normalize_base_url(&url) {
            Ok(ok) => Some(ok),
            Err(why) => {
                let d = match find_key_line(text, "base_url") {
                    Some(span) if base_url_override.is_none() => {
                        Diagnostic::at(CONFIG_FILE, text, span, why)
                    }
                    _ if base_url_override.is_some() => Diagnostic::flag_error("--base-url", why),
                    _ => Diagnostic::file_error(CONFIG_FILE, why),
                };
                errors.push(d.with_help("write an absolute URL such as \"https://coach.example.org\" or \"https://example.org/coach/\""));
                None
            }
        },
        None => {
            errors.push(
                Diagnostic::at(CONFIG_FILE, text, 0..0, "site.toml has no `base_url`")
                    .with_help("add a line such as: base_url = \"https://coach.example.org\" (the address the site will be published at)"),
            );
            None
        }
    };
    if raw.words_per_minute == 0 {
        let span = find_key_line(text, "words_per_minute").unwrap_or(0..0);
        errors.push(
            Diagnostic::at(
                CONFIG_FILE,
                text,
                span,
                "`words_per_minute` must be more than 0",
            )
            .with_help("200 is a common reading speed"),
        );
    }
    if let Err(mut vocab_errors) = raw.vocabulary.validate(text) {
        errors.append(&mut vocab_errors);
    }
    errors.extend(raw.newsletter.validate(text));
    let strings = crate::strings::Strings::for_language(&raw.language)
        .with_overrides(&raw.strings, text, CONFIG_FILE)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    errors.extend(unknown_translated_terms(
        &raw.strings,
        &raw.vocabulary,
        text,
    ));
    let mut newsletter = raw.newsletter;
    if let Some(strings) = &strings {
        newsletter.texts_from(strings, &written_newsletter_keys(text));
    }
    let zone = time_zone(&raw.timezone).map_err(|help| {
        let span = find_key_line(text, "timezone").unwrap_or(0..0);
        let message = format!("unknown time zone `{}`", raw.timezone);
        errors.push(Diagnostic::at(CONFIG_FILE, text, span, message).with_help(help));
    });
    for (key, message, help) in raw.images.problems() {
        let span = find_key_line(text, key).unwrap_or(0..0);
        errors.push(Diagnostic::at(CONFIG_FILE, text, span, message).with_help(help));
    }
    match (base_url, zone, strings) {
        (Some((base_url, base_path)), Ok(zone), Some(strings)) if errors.is_empty() => Ok(Config {
            title: raw.title,
            base_url,
            base_path,
            description: raw.description,
            language: raw.language,
            strings,
            theme: raw.theme,
            author: raw.author,
            words_per_minute: raw.words_per_minute,
            paginate: raw.paginate,
            related: raw.related,
            backlinks: raw.backlinks,
            newsletter,
            feed: raw.feed,
            search: raw.search,
            images: raw.images,
            zone,
            dev_server: false,
            now: jiff::Timestamp::UNIX_EPOCH,
            vocabulary: raw.vocabulary,
        }),
        _ => Err(errors),
    }
}

/// The keys written under `[newsletter]` (its texts not written there come
/// from the strings of the site's language).
fn written_newsletter_keys(text: &str) -> Vec<String> {
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    table
        .get("newsletter")
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

/// `[strings.vocabulary.<taxonomy>.<slug>]` naming a term the vocabulary
/// does not have.
fn unknown_translated_terms(
    strings: &toml::Table,
    vocabulary: &VocabularyConfig,
    text: &str,
) -> Vec<Diagnostic> {
    let vocab = crate::vocab::Vocabulary::from_config(vocabulary);
    let Some(kinds) = strings.get("vocabulary").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for kind in crate::vocab::TaxonomyKind::ALL {
        let Some(terms) = kinds.get(kind.plural()).and_then(toml::Value::as_table) else {
            continue;
        };
        let slugs: Vec<&str> = match kind {
            crate::vocab::TaxonomyKind::Level => {
                vocab.levels.iter().map(|l| l.slug.as_str()).collect()
            }
            _ => vocab.terms(kind).iter().map(|t| t.slug.as_str()).collect(),
        };
        for slug in terms.keys().filter(|s| !slugs.contains(&s.as_str())) {
            let header = format!("vocabulary.{}.{slug}", kind.plural());
            let span = text.find(&header).map_or(0..0, |at| at..at + header.len());
            let help = match crate::diagnostic::closest(slug, slugs.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the {} are {}", kind.plural(), slugs.join(", ")),
            };
            errors.push(
                Diagnostic::at(
                    CONFIG_FILE,
                    text,
                    span,
                    format!(
                        "[strings.{header}] names no {} of this site",
                        kind.singular()
                    ),
                )
                .with_help(help),
            );
        }
    }
    errors
}

/// The IANA time zone of this name (from the bundled time-zone database), or
/// the help for a name it does not know.
fn time_zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
    if let Ok(zone) = jiff::tz::db().get(name) {
        return Ok(zone);
    }
    let known: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    match crate::diagnostic::closest(name, known.iter().map(String::as_str)) {
        Some(best) => Err(format!("did you mean `{best}`?")),
        None => Err(
            "write an IANA time-zone name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
                .into(),
        ),
    }
}

/// Returns the URL without a trailing slash and its path with slashes at both ends.
fn normalize_base_url(input: &str) -> Result<(String, String), String> {
    let parsed = url::Url::parse(input.trim())
        .map_err(|e| format!("`base_url` \"{input}\" is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "`base_url` \"{input}\" must start with https:// or http:// and name a host"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "`base_url` \"{input}\" must not have a query (?) or fragment (#)"
        ));
    }
    let path = parsed.path().trim_end_matches('/');
    let base_path = format!("{path}/");
    let origin = parsed.origin().ascii_serialization();
    Ok((format!("{origin}{path}"), base_path))
}

fn find_key_line(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            return Some(start..start + key.len());
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_subpath_gives_base_path() {
        let c = parse_config(
            "title = \"t\"\nbase_url = \"https://example.org/coach/\"\n",
            None,
        )
        .unwrap();
        assert_eq!(c.base_url, "https://example.org/coach");
        assert_eq!(c.base_path, "/coach/");
        let c = parse_config("title = \"t\"\nbase_url = \"https://example.org\"\n", None).unwrap();
        assert_eq!(c.base_path, "/");
    }

    #[test]
    fn unknown_key_is_named_with_line_and_suggestion() {
        let errs = parse_config("titel = \"t\"\nbase_url = \"https://e.org\"\n", None).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.contains("titel"));
        assert_eq!(
            errs[0].help.as_deref().map(|h| h.contains("`title`")),
            Some(true)
        );
    }

    #[test]
    fn missing_and_bad_base_url_are_errors() {
        let errs = parse_config("title = \"t\"\n", None).unwrap_err();
        assert!(errs[0].message.contains("base_url"));
        let errs =
            parse_config("title = \"t\"\nbase_url = \"coach.example.org\"\n", None).unwrap_err();
        assert_eq!(errs[0].line, 2);
    }
}
