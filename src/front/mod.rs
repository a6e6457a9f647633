//! The front-matter stage: a Markdown source's bytes become its text, its
//! validated `PageMeta` and where its body starts. In four steps, one module
//! each: `decode` (bytes to UTF-8 text), `split` (find the `---`/`+++` block),
//! `fields` (YAML or TOML syntax to keys and values; serde_yaml lives only
//! there) and `validate` (keys, kinds, dates, slugs, tags; every problem of the
//! file at once). It does not render the body.

mod decode;
mod fields;
mod issue;
mod spans;
mod split;
mod url_keys;
mod validate;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;
use crate::vocab::{LevelId, TermId, Vocabulary};

pub use issue::{IssueMeta, is_newsletter_issue};

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
    /// The featured image (`image`, `image_alt`).
    pub image: Option<FrontImage>,
    pub extra: serde_json::Value,
    /// A newsletter issue's subject, preheader and articles (content/newsletter/).
    pub issue: Option<IssueMeta>,
    /// `paginate` in a section's `_index.md`: its entries per list page.
    pub paginate: Option<usize>,
}

/// A featured image as front matter names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontImage {
    /// As written: relative to the page, `@/` from content/, or `/images/x.jpg`.
    pub path: String,
    pub alt: String,
    /// Where the path is written, in the file.
    pub span: std::ops::Range<usize>,
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
    /// Errors in a file whose front matter could still be read (an unknown
    /// key, a bad date, an unknown tag): its page is still placed and its links
    /// checked, so one run reports every problem of the file, but the build fails.
    pub problems: Vec<Diagnostic>,
}

impl ParsedSource {
    /// Where `key` is written in the front matter, if it is.
    pub fn key_span(&self, key: &str) -> Option<std::ops::Range<usize>> {
        spans::key_span(&self.text, 0..self.body_start.min(self.text.len()), key)
    }
}

/// Which section folder lists a source, and whether it is one.
pub fn is_section_index(rel_path: &str) -> bool {
    rel_path == "_index.md" || rel_path.ends_with("/_index.md")
}

/// Articles are the pages under content/articles/; they need a date and a level.
pub fn is_article_path(rel_path: &str) -> bool {
    rel_path.starts_with("articles/") && !is_section_index(rel_path)
}

/// One source after this stage: parsed (maybe with `problems`), or why not.
pub type Parsed = Result<Arc<ParsedSource>, Vec<Diagnostic>>;

/// Parses a source read from content/.
pub fn parse_source(source: &SourceFile, rules: Rules) -> Parsed {
    let rel = &source.rel_path;
    let display = format!("content/{rel}");
    parse_front_matter(&display, rel, &source.bytes, is_article_path(rel), rules).map(Arc::new)
}

/// What a source is judged by: the vocabulary of its tags and the time zone
/// of its dates (site.toml's `timezone`).
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub vocab: &'a Vocabulary,
    pub zone: &'a jiff::tz::TimeZone,
}

/// Parses every source, in parallel, keyed by content path.
pub fn parse_all(sources: Vec<SourceFile>, rules: Rules) -> Vec<(String, Parsed)> {
    sources
        .into_par_iter()
        .map(|s| {
            let parsed = parse_source(&s, rules);
            (s.rel_path, parsed)
        })
        .collect()
}

/// The sources that go on to be placed, with every problem found in them.
#[derive(Default)]
pub struct Sources {
    /// Sorted by content path, whichever way they were found (it shows in the sitemap).
    pub sources: Vec<Arc<ParsedSource>>,
    /// Sources that take no part, and why: a link to one is judged by it.
    pub absent: HashMap<String, Absent>,
    /// Every page dated after the build's moment, soonest first, whether it
    /// is published (`--future`, serve) or left out.
    pub scheduled: Vec<Scheduled>,
    pub problems: Vec<Diagnostic>,
}

/// Why a source is not among the pages.
#[derive(Debug, Clone)]
pub enum Absent {
    /// It could not be read; its problem is reported already.
    Failed,
    /// `draft: true`, built without `--drafts`.
    Draft,
    /// Dated after the build's moment: when it goes out ("Tuesday 8 December 2026, 07:00").
    Scheduled(String),
}

/// A page that goes out later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// `content/articles/x.md`
    pub file: String,
    pub title: String,
    /// Seconds since the epoch.
    pub timestamp: i64,
    /// "Tuesday 8 December 2026, 07:00", in the site's time zone.
    pub when: String,
}

/// Which sources a build publishes.
#[derive(Debug, Clone, Copy)]
pub struct Publish {
    pub drafts: bool,
    /// Scheduled pages too (`--future`, and always under serve).
    pub future: bool,
    /// The build's moment, seconds since the epoch.
    pub now: i64,
}

/// Sorts the parsed sources into those that take part (drafts only with
/// `drafts`, pages dated after `now` only with `future`) and those that do
/// not, gathering every problem.
pub fn gather<'a>(
    parsed: impl IntoIterator<Item = (&'a str, &'a Parsed)>,
    publish: Publish,
    zone: &jiff::tz::TimeZone,
) -> Sources {
    let mut out = Sources::default();
    for (rel, parsed) in parsed {
        match parsed {
            Ok(s) => {
                // A file that parsed with errors still takes part, so its
                // links are checked too; the build fails on its problems.
                out.problems.extend(s.problems.iter().cloned());
                let later = s
                    .meta
                    .date
                    .as_ref()
                    .map(|d| d.timestamp)
                    .filter(|&t| t > publish.now && !is_section_index(rel));
                if let Some(t) = later {
                    out.scheduled.push(Scheduled {
                        file: s.display_path.clone(),
                        title: s.meta.title.clone(),
                        timestamp: t,
                        when: moment_text(t, zone),
                    });
                }
                if s.meta.draft && !publish.drafts {
                    out.absent.insert(rel.to_string(), Absent::Draft);
                } else if let Some(t) = later.filter(|_| !publish.future) {
                    out.absent
                        .insert(rel.to_string(), Absent::Scheduled(moment_text(t, zone)));
                } else {
                    out.sources.push(Arc::clone(s));
                }
            }
            Err(e) => {
                out.absent.insert(rel.to_string(), Absent::Failed);
                out.problems.extend(e.iter().cloned());
            }
        }
    }
    out.sources.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    out.scheduled
        .sort_by(|a, b| (a.timestamp, &a.file).cmp(&(b.timestamp, &b.file)));
    out
}

/// Parses one source. `is_article` makes `date` and `level` required. Err
/// when the file cannot be read as front matter at all (not text, no or
/// broken front matter); a file that parsed but has errors is Ok with them in
/// `problems`.
pub fn parse_front_matter(
    display_path: &str,
    rel_path: &str,
    bytes: &[u8],
    is_article: bool,
    rules: Rules,
) -> Result<ParsedSource, Vec<Diagnostic>> {
    let text = decode::decode_text(display_path, bytes).map_err(|d| vec![d])?;
    let split = split::split_front_matter(display_path, &text).map_err(|d| vec![d])?;
    let fields = fields::parse_fields(display_path, &text, &split).map_err(|d| vec![d])?;
    let frame = validate::Frame {
        file: display_path,
        text: &text,
        front: split.front.clone(),
        zone: rules.zone,
        is_issue: is_newsletter_issue(rel_path),
        is_section: rel_path.ends_with("/_index.md"),
    };
    let (meta, problems) = validate::validate(&frame, fields, is_article, rules.vocab);
    Ok(ParsedSource {
        rel_path: rel_path.to_string(),
        display_path: display_path.to_string(),
        body_start: split.body_start,
        meta,
        problems,
        text,
    })
}

/// Accepts `YYYY-MM-DD` (midnight in `zone`), RFC 3339 with an offset
/// (`2026-11-02T09:30:00Z`, `…+01:00`) and a local time without one
/// (`2026-11-02 09:30`, `2026-11-02T09:30:00`), which is read in `zone`, the
/// site's time zone. The date shown is the date in `zone`.
pub fn parse_date(value: &str, zone: &jiff::tz::TimeZone) -> Option<PageDate> {
    let value = value.trim();
    let zoned = if value.len() == 10 {
        let date: jiff::civil::Date = value.parse().ok()?;
        date.to_zoned_datetime(zone.clone()).ok()?
    } else if let Ok(instant) = value.parse::<jiff::Timestamp>() {
        instant.to_zoned_datetime(zone.clone())
    } else {
        let local: jiff::civil::DateTime = value.parse().ok()?;
        local.to_zoned_datetime(zone.clone()).ok()?
    };
    Some(page_date(&zoned))
}

/// A moment as pages show and sort it.
fn page_date(zoned: &jiff::ZonedDateTime) -> PageDate {
    let date = zoned.date();
    let rfc3339 = if zoned.offset().seconds() == 0 {
        zoned.timestamp().to_string()
    } else {
        zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    };
    PageDate {
        iso_date: date.to_string(),
        rfc3339,
        display: format!("{} {} {}", date.day(), date.strftime("%B"), date.year()),
        timestamp: zoned.timestamp().as_second(),
    }
}

/// When a scheduled page goes out, for writers: "Tuesday 8 December 2026,
/// 07:00 (Europe/Berlin)".
pub fn moment_text(timestamp: i64, zone: &jiff::tz::TimeZone) -> String {
    let name = zone.iana_name().unwrap_or("UTC");
    format!("{} ({name})", local_moment(timestamp, zone))
}

/// "Tuesday 8 December 2026, 07:00", in `zone`.
pub fn local_moment(timestamp: i64, zone: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_second(timestamp) {
        Ok(t) => t
            .to_zoned_datetime(zone.clone())
            .strftime("%A %-d %B %Y, %H:%M")
            .to_string(),
        Err(_) => timestamp.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::default_vocabulary;

    /// Err with every problem, whether the file could be read or not.
    fn parse(src: &str) -> Result<ParsedSource, Vec<Diagnostic>> {
        parse_front_matter(
            "content/articles/a.md",
            "articles/a.md",
            src.as_bytes(),
            true,
            utc_rules(&default_vocabulary()),
        )
        .and_then(|p| {
            if p.problems.is_empty() {
                Ok(p)
            } else {
                Err(p.problems)
            }
        })
    }

    #[test]
    fn every_problem_of_a_file_is_reported_at_once() {
        let src = "---\ntitle: A\natitudes: [respect]\ndate: 2026-13-01\nlevel: reciprocol\npractices: [follow-up, folow-up]\ndraft: maybe\n---\n";
        let errs = parse(src).unwrap_err();
        let at: Vec<(usize, &str)> = errs.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            at,
            [
                (3, "unknown key `atitudes`"),
                (4, "`date: 2026-13-01` is not a valid date"),
                (5, "unknown level `reciprocol`"),
                (6, "unknown practice `folow-up`"),
                (7, "`draft` must be `true` or `false`"),
            ]
        );
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `attitudes`?")
        );
        assert!(
            errs[2]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `reciprocal`?")
        );
        // The values are underlined, not just their lines.
        assert_eq!((errs[1].column, errs[3].column), (7, 24));
    }

    #[test]
    fn a_file_with_problems_still_yields_what_was_valid() {
        let src = "---\ntitle: Kept\ndate: 2026-11-02\nlevel: pooled\nsulg: x\n---\nBody";
        let p = parse_front_matter(
            "c/a.md",
            "a.md",
            src.as_bytes(),
            true,
            utc_rules(&default_vocabulary()),
        )
        .unwrap();
        assert_eq!(p.meta.title, "Kept");
        assert_eq!(p.meta.tags.level, Some(LevelId(0)));
        assert_eq!(p.problems.len(), 1);
        assert_eq!(&p.text[p.body_start..], "Body");
    }

    #[test]
    fn wrong_kinds_of_values_are_named() {
        let errs =
            parse("---\ntitle: [a, b]\ndate: 2026-01-01\nlevel: pooled\naliases: {a: 1}\n---\n")
                .unwrap_err();
        assert_eq!(errs[0].message, "`title` must be text");
        assert_eq!(errs[0].line, 2);
        assert_eq!(errs[1].message, "`aliases` must be a list of paths");
        // A bare number is a title too.
        assert_eq!(
            parse("---\ntitle: 1984\ndate: 2026-01-01\nlevel: 2\n---\n")
                .unwrap()
                .meta
                .title,
            "1984"
        );
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
            parse_front_matter(
                "x",
                "x",
                &[0xff, 0xfe, 0x00],
                false,
                utc_rules(&default_vocabulary())
            )
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

    fn parse_issue(src: &str) -> ParsedSource {
        parse_front_matter(
            "content/newsletter/2026-11-06.md",
            "newsletter/2026-11-06.md",
            src.as_bytes(),
            false,
            utc_rules(&default_vocabulary()),
        )
        .unwrap()
    }

    #[test]
    fn a_newsletter_issue_has_a_subject_preheader_and_articles() {
        let src = "---\nsubject: Three questions\ndate: 2026-11-06\npreheader: Before Friday\narticles:\n  - \"@/articles/a.md\"\n  - ../articles/b.md\n---\nHello";
        let p = parse_issue(src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.meta.title, "Three questions");
        let issue = p.meta.issue.unwrap();
        assert_eq!(issue.preheader, "Before Friday");
        let written: Vec<&str> = issue.articles.iter().map(|a| a.written.as_str()).collect();
        assert_eq!(written, ["@/articles/a.md", "../articles/b.md"]);
        // Each article points at its own line, for link errors.
        assert_eq!(&src[issue.articles[1].span.clone()], "../articles/b.md");
    }

    #[test]
    fn an_issue_needs_a_subject_and_a_date_and_its_keys_stay_in_issues() {
        let p = parse_issue("---\npreheader: x\n---\n");
        let messages: Vec<&str> = p.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "this newsletter issue has no `subject`",
                "this newsletter issue has no `date`"
            ]
        );
        let errs =
            parse("---\ntitle: A\ndate: 2026-01-01\nlevel: pooled\nsubject: B\n---\n").unwrap_err();
        assert_eq!(errs[0].line, 5);
        assert_eq!(
            errs[0].message,
            "`subject` belongs to newsletter issues only"
        );
    }

    static UTC: jiff::tz::TimeZone = jiff::tz::TimeZone::UTC;

    fn utc_rules(vocab: &Vocabulary) -> Rules<'_> {
        Rules { vocab, zone: &UTC }
    }

    fn parse_date_utc(value: &str) -> Option<PageDate> {
        parse_date(value, &jiff::tz::TimeZone::UTC)
    }

    #[test]
    fn a_date_without_a_time_is_midnight_in_the_sites_time_zone() {
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        let d = parse_date("2026-12-08", &berlin).unwrap();
        assert_eq!(d.rfc3339, "2026-12-08T00:00:00+01:00");
        assert_eq!(
            d.timestamp,
            parse_date_utc("2026-12-07T23:00:00Z").unwrap().timestamp
        );
        // A local time is read in the zone (summer time here); an offset wins.
        assert_eq!(
            parse_date("2026-07-01 09:30", &berlin).unwrap().rfc3339,
            "2026-07-01T09:30:00+02:00"
        );
        let late = parse_date("2026-12-07T23:30:00Z", &berlin).unwrap();
        assert_eq!(
            (late.iso_date.as_str(), late.display.as_str()),
            ("2026-12-08", "8 December 2026")
        );
        assert_eq!(
            parse_date_utc("2026-11-02").unwrap().rfc3339,
            "2026-11-02T00:00:00Z"
        );
        assert_eq!(
            moment_text(late.timestamp, &berlin),
            "Tuesday 8 December 2026, 00:30 (Europe/Berlin)"
        );
    }

    #[test]
    fn dates_are_validated() {
        assert!(parse_date_utc("2026-02-30").is_none());
        assert!(parse_date_utc("2026-13-01").is_none());
        assert!(parse_date_utc("yesterday").is_none());
        assert_eq!(
            parse_date_utc("2026-11-02T09:30:00+01:00")
                .unwrap()
                .iso_date,
            "2026-11-02"
        );
        assert!(parse_date_utc("2026-11-02 09:30").is_some());
    }
}
