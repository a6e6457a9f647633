//! A WordPress export (WXR 1.0 to 1.2, WordPress.com's too) read as a
//! stream of XML events (quick-xml): the file is never held whole, and
//! entities are never expanded, only XML's five and character references.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::model::{Attachment, Entry, Export, Featured, Kind, Status, Term};
use crate::diagnostic::Diagnostic;

/// Reads `path` into an `Export`; a file that is not a WordPress export, a
/// damaged or truncated one, or one that declares entities is an error at
/// its line.
pub fn read(path: &Path, shown: &str) -> Result<Export, Diagnostic> {
    let file = File::open(path)
        .map_err(|e| Diagnostic::file_error(shown, format!("cannot read the export: {e}")))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    if let Ok(head) = input.fill_buf()
        && head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    {
        return Err(Diagnostic::file_error(shown, "this is a JSON file, not a WordPress export")
            .with_help("for a Ghost export use `huddle import ghost FILE.json`; WordPress exports are .xml files from Tools → Export"));
    }
    let mut reader = quick_xml::Reader::from_reader(input);
    reader.config_mut().trim_text(false);
    let mut state = State::default();
    let mut buf = Vec::new();
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let at = reader.error_position();
                return Err(at_offset(path, shown, at, format!("the export is not well-formed XML: {e}"))
                    .with_help("export the site again from WordPress (Tools → Export → All content); a file cut short by a download shows this"));
            }
        };
        let at = reader.buffer_position();
        match event {
            Event::DocType(d) => {
                let text = String::from_utf8_lossy(&d.into_inner()).into_owned();
                if text.contains("ENTITY") {
                    return Err(at_offset(path, shown, before, "the export declares XML entities, which huddle never expands (a file of nested entities can exhaust a computer's memory)")
                        .with_help("WordPress never writes entity declarations: export the site again from WordPress and import that file"));
                }
            }
            Event::Start(e) => state
                .start(&e, at)
                .map_err(|m| at_offset(path, shown, at, m))?,
            Event::Empty(e) => {
                state
                    .start(&e, at)
                    .map_err(|m| at_offset(path, shown, at, m))?;
                state.end();
            }
            Event::End(_) => state.end(),
            Event::Text(t) => state
                .text
                .push_str(&String::from_utf8_lossy(&t.into_inner())),
            Event::CData(t) => state
                .text
                .push_str(&String::from_utf8_lossy(&t.into_inner())),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&name).map(String::from)
                };
                match resolved {
                    Some(s) => state.text.push_str(&s),
                    None => {
                        return Err(at_offset(path, shown, at, format!("the export uses the entity `&{name};`, which XML does not define and huddle never expands"))
                            .with_help("export the site again from WordPress; its exports put HTML inside CDATA sections"));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(open) = state.stack.last() {
        let at = reader.buffer_position();
        return Err(at_offset(path, shown, at, format!("the export ends inside <{open}>: the file looks cut short"))
            .with_help("download or export it again (Tools → Export → All content) and check that it ends with </rss>"));
    }
    if !state.saw_wxr {
        return Err(Diagnostic::file_error(shown, "this XML file is not a WordPress export (it has no <wp:…> elements)")
            .with_help("export the site from WordPress: Tools → Export → All content, then Download Export File"));
    }
    Ok(state.finish())
}

/// A diagnostic at byte `offset` of the export, with its line shown.
fn at_offset(path: &Path, shown: &str, offset: u64, message: impl Into<String>) -> Diagnostic {
    let (line, text) = line_at(path, offset).unwrap_or((0, String::new()));
    if line == 0 {
        return Diagnostic::file_error(shown, message);
    }
    // Only the line is read back, never the whole file.
    let shown_line = if text.chars().count() > 200 {
        text.chars().take(200).collect()
    } else {
        text
    };
    let mut d = Diagnostic::at(shown, &shown_line, 0..0, message);
    d.line = line;
    d
}

/// The 1-based line holding byte `offset` (or, when only white space
/// follows it there, the next line), and its text, read in one pass.
fn line_at(path: &Path, offset: u64) -> Option<(usize, String)> {
    let mut input = BufReader::new(File::open(path).ok()?);
    let mut line = 1;
    let mut read = 0u64;
    let mut current = Vec::new();
    loop {
        current.clear();
        let n = (&mut input)
            .take(1 << 20)
            .read_until(b'\n', &mut current)
            .ok()?;
        if n == 0 {
            break;
        }
        let end = read + n as u64;
        let from = offset.saturating_sub(read) as usize;
        let rest_blank = current
            .get(from..)
            .is_none_or(|r| r.iter().all(u8::is_ascii_whitespace));
        if end > offset && !(rest_blank && current.ends_with(b"\n")) {
            break;
        }
        read = end;
        if current.ends_with(b"\n") {
            line += 1;
        }
    }
    let text = String::from_utf8_lossy(&current);
    Some((line, text.trim_end_matches(['\r', '\n']).to_string()))
}

#[derive(Default)]
struct State {
    stack: Vec<String>,
    text: String,
    saw_wxr: bool,
    export: Export,
    term_index: HashMap<(&'static str, String), usize>,
    item: Option<Item>,
    /// A channel-level `<wp:category>` or `<wp:tag>` being read.
    channel_term: Option<(&'static str, String, String)>,
    meta_key: String,
    thumbnail: HashMap<usize, String>,
}

/// The fields of one `<item>`, as read.
#[derive(Default)]
struct Item {
    fields: HashMap<String, String>,
    meta: Vec<(String, String)>,
    categories: Vec<(&'static str, String, String)>,
    category: Option<(&'static str, String)>,
    comments: usize,
}

impl State {
    fn start(&mut self, e: &BytesStart, _at: u64) -> Result<(), String> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if self.stack.is_empty() && name != "rss" {
            return Err(format!(
                "this XML file is not a WordPress export: it starts with <{name}>, not <rss>"
            ));
        }
        if name.starts_with("wp:") {
            self.saw_wxr = true;
        }
        self.text.clear();
        match (self.stack.last().map(String::as_str), name.as_str()) {
            (Some("channel"), "item") => self.item = Some(Item::default()),
            (Some("item"), "category") => {
                let attr = |key: &str| {
                    e.try_get_attribute(key).ok().flatten().and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    })
                };
                let taxonomy = match attr("domain").as_deref() {
                    Some("category") | None => Some("category"),
                    Some("post_tag") => Some("tag"),
                    _ => None,
                };
                if let (Some(item), Some(t)) = (self.item.as_mut(), taxonomy) {
                    item.category = Some((t, attr("nicename").unwrap_or_default()));
                }
            }
            (Some("item"), "wp:comment") => {
                if let Some(item) = self.item.as_mut() {
                    item.comments += 1;
                }
            }
            (Some("channel"), "wp:category") => {
                self.channel_term = Some(("category", String::new(), String::new()))
            }
            (Some("channel"), "wp:tag") => {
                self.channel_term = Some(("tag", String::new(), String::new()))
            }
            _ => {}
        }
        self.stack.push(name);
        Ok(())
    }

    fn end(&mut self) {
        let Some(name) = self.stack.pop() else {
            return;
        };
        let text = std::mem::take(&mut self.text);
        let parent = self.stack.last().map(String::as_str);
        match (parent, name.as_str()) {
            (Some("channel"), "title") => self.export.title = text.trim().to_string(),
            (Some("channel"), "description") => self.export.description = text.trim().to_string(),
            (Some("channel"), "link") | (Some("channel"), "wp:base_blog_url") => {
                if (self.export.site_url.is_none() || name == "wp:base_blog_url")
                    && let Ok(u) = url::Url::parse(text.trim())
                {
                    self.export.site_url = Some(u);
                }
            }
            (Some("wp:category"), "wp:category_nicename") | (Some("wp:tag"), "wp:tag_slug") => {
                if let Some(t) = self.channel_term.as_mut() {
                    t.2 = text.trim().to_string();
                }
            }
            (Some("wp:category"), "wp:cat_name") | (Some("wp:tag"), "wp:tag_name") => {
                if let Some(t) = self.channel_term.as_mut() {
                    t.1 = text.trim().to_string();
                }
            }
            (Some("channel"), "wp:category") | (Some("channel"), "wp:tag") => {
                if let Some((taxonomy, name, slug)) = self.channel_term.take() {
                    self.term(taxonomy, &name, &slug);
                }
            }
            (Some("channel"), "item") => {
                if let Some(item) = self.item.take() {
                    self.finish_item(item);
                }
            }
            (Some("item"), "category") => {
                if let Some(item) = self.item.as_mut()
                    && let Some((taxonomy, slug)) = item.category.take()
                {
                    item.categories
                        .push((taxonomy, text.trim().to_string(), slug));
                }
            }
            (Some("wp:postmeta"), "wp:meta_key") => self.meta_key = text.trim().to_string(),
            (Some("wp:postmeta"), "wp:meta_value") => {
                if let Some(item) = self.item.as_mut() {
                    item.meta.push((std::mem::take(&mut self.meta_key), text));
                }
            }
            (Some("item"), field) => {
                if let Some(item) = self.item.as_mut() {
                    item.fields.insert(field.to_string(), text);
                }
            }
            _ => {}
        }
    }

    fn term(&mut self, taxonomy: &'static str, name: &str, slug: &str) -> usize {
        let slug = if slug.is_empty() {
            slug::slugify(name)
        } else {
            slug.to_string()
        };
        if let Some(&i) = self.term_index.get(&(taxonomy, slug.clone())) {
            return i;
        }
        let i = self.export.terms.len();
        self.export.terms.push(Term {
            taxonomy,
            name: if name.is_empty() {
                slug.clone()
            } else {
                name.to_string()
            },
            slug: slug.clone(),
        });
        self.term_index.insert((taxonomy, slug), i);
        i
    }

    fn finish_item(&mut self, item: Item) {
        let field = |k: &str| item.fields.get(k).map(|s| s.trim()).unwrap_or("");
        let meta = |k: &str| {
            item.meta
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let skipped = &mut self.export.skipped;
        let kind = match field("wp:post_type") {
            "post" => Kind::Post,
            "page" => Kind::Page,
            "attachment" => {
                skipped.attachments += 1;
                let url = match field("wp:attachment_url") {
                    "" => field("guid").to_string(),
                    u => u.to_string(),
                };
                self.export.attachments.push(Attachment {
                    id: field("wp:post_id").to_string(),
                    url,
                    alt: meta("_wp_attachment_image_alt"),
                    title: field("title").to_string(),
                });
                return;
            }
            "revision" => {
                skipped.revisions += 1;
                return;
            }
            "nav_menu_item" => {
                skipped.menu_items += 1;
                return;
            }
            _ => {
                skipped.other += 1;
                return;
            }
        };
        let status = match field("wp:status") {
            "trash" => {
                skipped.trashed += 1;
                return;
            }
            "auto-draft" | "inherit" => {
                skipped.other += 1;
                return;
            }
            _ if !field("wp:post_password").is_empty() => Status::Unpublished("password-protected"),
            "publish" => Status::Published,
            "future" => Status::Scheduled,
            "private" => Status::Unpublished("private"),
            "pending" => Status::Unpublished("pending review"),
            _ => Status::Unpublished("draft"),
        };
        self.export.skipped.comments += item.comments;
        let gmt = |k: &str| {
            field(k)
                .parse::<jiff::civil::DateTime>()
                .ok()
                .and_then(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
        };
        let terms = item
            .categories
            .iter()
            .map(|(taxonomy, name, slug)| self.term(taxonomy, name, slug))
            .collect();
        let index = self.export.entries.len();
        if let Some(id) = meta("_thumbnail_id") {
            self.thumbnail.insert(index, id);
        }
        let modified = gmt("wp:post_modified_gmt");
        self.export.entries.push(Entry {
            id: field("wp:post_id").to_string(),
            kind,
            title: field("title").to_string(),
            slug: field("wp:post_name").to_string(),
            status,
            date: gmt("wp:post_date_gmt"),
            local_date: field("wp:post_date").parse().ok(),
            modified,
            excerpt: field("excerpt:encoded").to_string(),
            html: item
                .fields
                .get("content:encoded")
                .cloned()
                .unwrap_or_default(),
            permalink: Some(field("link").to_string()).filter(|l| !l.is_empty()),
            parent: Some(field("wp:post_parent").to_string()).filter(|p| !p.is_empty() && p != "0"),
            terms,
            featured: None,
        });
    }

    /// Featured images point at attachments, which may come after the post.
    fn finish(mut self) -> Export {
        for (index, id) in std::mem::take(&mut self.thumbnail) {
            if let Some(a) = self.export.attachment(&id) {
                let featured = Featured {
                    url: a.url.clone(),
                    alt: a.alt.clone(),
                    caption: None,
                };
                self.export.entries[index].featured = Some(featured);
            }
        }
        self.export
    }
}
