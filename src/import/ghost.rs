//! A Ghost export (Settings → Labs → Export, Ghost 1 to 5+): JSON read
//! straight from the file into the few tables huddle needs (serde_json,
//! with serde_path_to_error naming where a wrong value sits).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::model::{Entry, Export, Featured, Kind, Status, Term};
use crate::diagnostic::Diagnostic;

#[derive(Deserialize)]
struct GhostFile {
    db: Option<Vec<Db>>,
    // Ghost 0.x and some tools write the database at the top level.
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Db {
    data: Data,
}

#[derive(Deserialize, Default)]
struct Data {
    posts: Option<Vec<Post>>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    posts_tags: Vec<PostTag>,
    #[serde(default)]
    posts_meta: Vec<PostMeta>,
    #[serde(default)]
    settings: Vec<Setting>,
}

#[derive(Deserialize)]
struct Post {
    id: Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    feature_image: Option<String>,
    /// Ghost 2+: "post" or "page".
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// Ghost 1: `page: true`.
    #[serde(default)]
    page: Option<Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    published_at: Option<Value>,
    #[serde(default)]
    updated_at: Option<Value>,
    #[serde(default)]
    created_at: Option<Value>,
    #[serde(default)]
    custom_excerpt: Option<String>,
    #[serde(default)]
    meta_description: Option<String>,
}

#[derive(Deserialize)]
struct Tag {
    id: Value,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    visibility: Option<String>,
}

#[derive(Deserialize)]
struct PostTag {
    post_id: Value,
    tag_id: Value,
    #[serde(default)]
    sort_order: Option<i64>,
}

#[derive(Deserialize)]
struct PostMeta {
    post_id: Value,
    #[serde(default)]
    feature_image_alt: Option<String>,
    #[serde(default)]
    feature_image_caption: Option<String>,
    #[serde(default)]
    meta_description: Option<String>,
}

#[derive(Deserialize)]
struct Setting {
    key: String,
    #[serde(default)]
    value: Option<Value>,
}

/// An id as text, whether Ghost wrote it as a string or a number.
fn id(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn read(path: &Path, shown: &str, site_url: Option<url::Url>) -> Result<Export, Diagnostic> {
    let file = File::open(path)
        .map_err(|e| Diagnostic::file_error(shown, format!("cannot read the export: {e}")))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    if let Ok(head) = input.fill_buf()
        && head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
    {
        return Err(Diagnostic::file_error(shown, "this is an XML file, not a Ghost export")
            .with_help("for a WordPress export use `huddle import wordpress FILE.xml`; Ghost exports are .json files from Settings → Labs → Export"));
    }
    let mut de = serde_json::Deserializer::from_reader(input);
    let parsed: Result<GhostFile, _> = serde_path_to_error::deserialize(&mut de);
    let file = match parsed {
        Ok(f) => f,
        Err(e) => {
            let where_ = e.path().to_string();
            let inner = e.into_inner();
            let message = if inner.is_syntax() || inner.is_eof() {
                format!("the export is not valid JSON: {inner}")
            } else if where_ == "." {
                format!("this JSON file is not a Ghost export: {inner}")
            } else {
                format!("this is not a Ghost export: at `{where_}`, {inner}")
            };
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            let mut d = match line_window(path, inner.line(), inner.column()) {
                Some((window, at)) => {
                    let mut d = Diagnostic::at(shown, &window, at..at + 1, message);
                    d.line = inner.line();
                    d.column = inner.column();
                    d
                }
                None => Diagnostic::file_error(shown, message),
            };
            d = d.with_help(
                "export the site again from Ghost: Settings → Labs → Export your content; a Ghost export holds db[0].data.posts",
            );
            return Err(d);
        }
    };
    let data = match (file.db, file.data) {
        (Some(mut dbs), _) if !dbs.is_empty() => dbs.swap_remove(0).data,
        (_, Some(data)) => data,
        _ => {
            return Err(Diagnostic::file_error(
                shown,
                "this JSON file is not a Ghost export: it has no `db[0].data.posts`",
            )
            .with_help("export the site from Ghost: Settings → Labs → Export your content"));
        }
    };
    let Some(posts) = data.posts else {
        return Err(Diagnostic::file_error(
            shown,
            "this JSON file is not a Ghost export: it has no `db[0].data.posts`",
        )
        .with_help("export the site from Ghost: Settings → Labs → Export your content"));
    };
    let setting = |key: &str| {
        data.settings
            .iter()
            .find(|s| s.key == key)
            .and_then(|s| s.value.as_ref())
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let mut export = Export {
        title: setting("title"),
        description: setting("description"),
        site_url,
        ..Export::default()
    };
    let mut tag_index = HashMap::new();
    for t in &data.tags {
        // Internal tags (`#newsletter`) organise Ghost's own templates.
        if t.visibility.as_deref() == Some("internal") || t.name.starts_with('#') {
            continue;
        }
        tag_index.insert(id(&t.id), export.terms.len());
        export.terms.push(Term {
            taxonomy: "tag",
            name: t.name.clone(),
            slug: if t.slug.is_empty() {
                slug::slugify(&t.name)
            } else {
                t.slug.clone()
            },
        });
    }
    let mut tags_of: HashMap<String, Vec<(i64, usize)>> = HashMap::new();
    for pt in &data.posts_tags {
        if let Some(&t) = tag_index.get(&id(&pt.tag_id)) {
            tags_of
                .entry(id(&pt.post_id))
                .or_default()
                .push((pt.sort_order.unwrap_or(0), t));
        }
    }
    let meta: HashMap<String, &PostMeta> = data
        .posts_meta
        .iter()
        .map(|m| (id(&m.post_id), m))
        .collect();
    for p in posts {
        let pid = id(&p.id);
        let is_page = p.kind.as_deref() == Some("page")
            || match &p.page {
                Some(Value::Bool(b)) => *b,
                Some(Value::Number(n)) => n.as_i64() == Some(1),
                _ => false,
            };
        let m = meta.get(&pid);
        let status = match (p.status.as_deref(), p.visibility.as_deref()) {
            (_, Some("members" | "paid" | "tiers" | "filter")) => {
                Status::Unpublished("members only")
            }
            (Some("published" | "sent"), _) => Status::Published,
            (Some("scheduled"), _) => Status::Scheduled,
            _ => Status::Unpublished("draft"),
        };
        let date = p
            .published_at
            .as_ref()
            .and_then(moment)
            .or_else(|| p.created_at.as_ref().and_then(moment));
        let mut terms = tags_of.remove(&pid).unwrap_or_default();
        terms.sort();
        let excerpt = p
            .custom_excerpt
            .clone()
            .or(p.meta_description.clone())
            .or(m.and_then(|m| m.meta_description.clone()))
            .unwrap_or_default();
        let featured = p
            .feature_image
            .clone()
            .filter(|u| !u.is_empty())
            .map(|url| Featured {
                url,
                alt: m
                    .and_then(|m| m.feature_image_alt.clone())
                    .filter(|a| !a.trim().is_empty()),
                caption: m.and_then(|m| m.feature_image_caption.clone()),
            });
        let slug = p.slug.clone();
        export.entries.push(Entry {
            id: pid,
            kind: if is_page { Kind::Page } else { Kind::Post },
            title: p.title.clone().unwrap_or_default(),
            permalink: Some(format!("/{slug}/")).filter(|_| !slug.is_empty()),
            slug,
            status,
            date,
            local_date: None,
            modified: p.updated_at.as_ref().and_then(moment),
            excerpt,
            html: p.html.unwrap_or_default(),
            parent: None,
            terms: terms.into_iter().map(|(_, t)| t).collect(),
            featured,
        });
    }
    Ok(export)
}

/// Up to 120 characters of line `line` around `column` (exports are often
/// one long line), and where the column is in them. Reads no more than the
/// file up to that line, a megabyte of the line at most.
fn line_window(path: &Path, line: usize, column: usize) -> Option<(String, usize)> {
    use std::io::Read;
    if line == 0 {
        return None;
    }
    let mut input = BufReader::new(File::open(path).ok()?);
    let mut current = Vec::new();
    for _ in 0..line {
        current.clear();
        (&mut input)
            .take(1 << 20)
            .read_until(b'\n', &mut current)
            .ok()?;
    }
    let text = String::from_utf8_lossy(&current);
    let chars: Vec<char> = text.trim_end_matches(['\r', '\n']).chars().collect();
    let col = column.saturating_sub(1).min(chars.len());
    let start = col.saturating_sub(60);
    let end = (col + 60).min(chars.len());
    let window: String = chars[start..end].iter().collect();
    let at: usize = chars[start..col].iter().map(|c| c.len_utf8()).sum();
    let at = at.min(window.len().saturating_sub(1));
    Some((window, at))
}

/// Ghost's dates: ISO 8601 ("2024-05-14T08:30:00.000Z"), SQL
/// ("2019-01-01 10:00:00", UTC) or milliseconds since 1970.
fn moment(v: &Value) -> Option<jiff::Timestamp> {
    match v {
        Value::String(s) => s.parse::<jiff::Timestamp>().ok().or_else(|| {
            s.parse::<jiff::civil::DateTime>()
                .ok()?
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp())
        }),
        Value::Number(n) => jiff::Timestamp::from_millisecond(n.as_i64()?).ok(),
        _ => None,
    }
}
