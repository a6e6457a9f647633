//! One post's HTML to Markdown: WordPress shortcodes to their nearest HTML,
//! classic-editor text to paragraphs, what the old theme or a plugin put in
//! the text (sign-up forms, share buttons, reading times) removed, links and
//! pictures handed to the caller to resolve (lol_html does the parsing and
//! rewriting), then htmd for the Markdown.
//!
//! Anything that needed a guess leaves a mark in the text (`HUDDLEMARK7X`)
//! that `place_marks` turns into a line number of the written file, so the
//! report can say where to look.

use std::cell::RefCell;

use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, doc_comments, element, rewrite_str};

/// What the converter asks of the importer for each link and picture.
pub trait Resolve {
    /// A link's new target; `None` to keep the text and drop the link (a
    /// link to an unpublished post). May add a note.
    fn link(&mut self, href: &str) -> LinkTo;
    /// A picture's new source and alt text.
    fn image(&mut self, src: &str, alt: &str, class: &str) -> ImageTo;
    /// Writes a note down and returns the mark to put in the text.
    fn note(&mut self, note: Note) -> String;
}

pub enum LinkTo {
    Keep,
    To(String),
    /// A new target, with a mark before the link.
    Marked(String, String),
    /// Keep the text, drop the link, and mark the place with this mark.
    Unlink(String),
}

pub struct ImageTo {
    pub src: String,
    pub alt: String,
    /// A mark to put before the picture (its alt text was guessed, its file
    /// is missing).
    pub mark: Option<String>,
}

/// Something the report lists at its line.
#[derive(Debug, Clone)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// A shortcode or block that became its nearest Markdown or HTML.
    Guess,
    /// Alt text filled in from the attachment.
    Alt,
    /// A picture not in the uploads folder.
    Missing,
    /// A link that pointed at something huddle could not find or publish.
    Link,
    /// Something the build will report as an error until it is fixed.
    Error,
}

/// What was taken out of one post, for the report's counts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Removed {
    pub signup_forms: usize,
    pub share_buttons: usize,
    pub reading_times: usize,
    pub status_texts: usize,
}

/// The platform's markup conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    WordPress,
    Ghost,
}

pub fn to_markdown(
    html: &str,
    flavor: Flavor,
    resolve: &mut dyn Resolve,
    attachments: &dyn Fn(&str) -> Option<(String, String)>,
) -> (String, Removed) {
    let mut removed = Removed::default();
    let html = match flavor {
        Flavor::WordPress => {
            let html = shortcodes(html, resolve, attachments, &mut removed);
            if html.contains("<!-- wp:") {
                html
            } else {
                autop(&html)
            }
        }
        Flavor::Ghost => html.to_string(),
    };
    let cleaned = clean(&html, resolve, &mut removed);
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: htmd::options::HrStyle::Dashes,
            ..Default::default()
        })
        .skip_tags(vec!["script", "style", "noscript", "template"])
        .build();
    let markdown = converter.convert(&cleaned).unwrap_or_default();
    (tidy(&markdown, resolve, &mut removed), removed)
}

// ---- shortcodes -----------------------------------------------------------

/// Shortcodes huddle knows (besides the sign-up forms of `SIGNUP`); others are treated as shortcodes only when they
/// look like one (attributes, a closing tag, or `_`/`-` in the name), so
/// `a[i]` in prose stays.
const KNOWN: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
    "youtube",
    "vimeo",
    "contact-form-7",
    "contact-form",
    "wpforms",
    "ninja_form",
    "gravityform",
    "rt_reading_time",
    "reading_time",
    "addtoany",
    "ssba",
    "sharethis",
];

const SIGNUP: &[&str] = &[
    "mc4wp_form",
    "mc4wp-form",
    "convertkit",
    "mailchimp",
    "mailpoet_form",
    "newsletter",
    "yikes-mailchimp",
    "jetpack_subscription_form",
];

struct Shortcode<'a> {
    name: &'a str,
    attrs: &'a str,
    /// The text between `[name]` and `[/name]`, if it encloses any.
    inner: Option<&'a str>,
    /// Bytes of the whole shortcode.
    len: usize,
}

/// Parses a shortcode at the start of `s` (which begins with `[`).
fn shortcode_at(s: &str) -> Option<Shortcode<'_>> {
    let rest = s.strip_prefix('[')?;
    if rest.starts_with('[') || rest.starts_with('/') {
        return None;
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let after = &rest[name_len..];
    if !(after.starts_with(']') || after.starts_with(' ') || after.starts_with('/')) {
        return None;
    }
    let close = after.find(']')?;
    if after[..close].contains('[') || after[..close].contains('\n') && close > 400 {
        return None;
    }
    let attrs = after[..close].trim().trim_end_matches('/').trim();
    let open_len = 1 + name_len + close + 1;
    let self_closing = after[..close].trim_end().ends_with('/');
    let end_tag = format!("[/{name}]");
    let (inner, len) = match (!self_closing)
        .then(|| s[open_len..].find(&end_tag))
        .flatten()
    {
        Some(i) => (
            Some(&s[open_len..open_len + i]),
            open_len + i + end_tag.len(),
        ),
        None => (None, open_len),
    };
    let known = KNOWN.contains(&name) || SIGNUP.contains(&name);
    let looks_like_one =
        !attrs.is_empty() || inner.is_some() || name.contains('_') || name.contains('-');
    (known || looks_like_one).then_some(Shortcode {
        name,
        attrs,
        inner,
        len,
    })
}

/// The value of `key="…"` (or `key='…'` or `key=bare`) in a shortcode's attributes.
fn attr(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(i) = rest.find(key) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = &rest[i + key.len()..];
        if before_ok && let Some(v) = after.trim_start().strip_prefix('=') {
            let v = v.trim_start();
            return Some(match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or("").to_string(),
                _ => v.split_whitespace().next().unwrap_or("").to_string(),
            });
        }
        rest = &rest[i + key.len()..];
    }
    None
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// Replaces shortcodes (outside `<pre>` and `<code>`) with HTML.
fn shortcodes(
    html: &str,
    resolve: &mut dyn Resolve,
    attachments: &dyn Fn(&str) -> Option<(String, String)>,
    removed: &mut Removed,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    let mut in_code = 0usize;
    let lower = html.to_ascii_lowercase();
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with('<') {
            let l = &lower[i..];
            if l.starts_with("<pre") || l.starts_with("<code") {
                in_code += 1;
            } else if (l.starts_with("</pre") || l.starts_with("</code")) && in_code > 0 {
                in_code -= 1;
            }
        }
        if in_code == 0
            && rest.starts_with('[')
            && let Some(sc) = shortcode_at(rest)
        {
            out.push_str(&shortcode_html(&sc, resolve, attachments, removed));
            i += sc.len;
            continue;
        }
        let c = rest.chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..c]);
        i += c;
    }
    out
}

fn shortcode_html(
    sc: &Shortcode,
    resolve: &mut dyn Resolve,
    attachments: &dyn Fn(&str) -> Option<(String, String)>,
    removed: &mut Removed,
) -> String {
    let inner = sc.inner.unwrap_or("");
    let link = |url: &str, text: &str| {
        format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape_attr(url),
            text.replace('<', "&lt;")
        )
    };
    match sc.name {
        "caption" | "wp_caption" => {
            // `[caption]<img …> The caption[/caption]`, perhaps with a link around the image.
            let split = inner.rfind('>').map_or(0, |i| i + 1);
            let (media, text) = inner.split_at(split);
            let text = text.trim();
            let text = if text.is_empty() {
                attr(sc.attrs, "caption").unwrap_or_default()
            } else {
                text.to_string()
            };
            format!("<figure>{media}<figcaption>{text}</figcaption></figure>")
        }
        "gallery" => {
            let ids = attr(sc.attrs, "ids").unwrap_or_default();
            let pictures: Vec<String> = ids
                .split(',')
                .filter_map(|id| attachments(id.trim()))
                .map(|(url, alt)| {
                    format!(
                        "<p><img src=\"{}\" alt=\"{}\"></p>",
                        escape_attr(&url),
                        escape_attr(&alt)
                    )
                })
                .collect();
            let mark = resolve.note(Note {
                kind: NoteKind::Guess,
                text: if pictures.is_empty() {
                    "`[gallery]` without its pictures' ids (a gallery of every picture attached to the post) was left out; add the pictures you want with ![alt](file)".into()
                } else {
                    format!("`[gallery]` became its {} pictures, one after another", pictures.len())
                },
            });
            format!("<p>{mark}</p>{}", pictures.join(""))
        }
        "embed" | "youtube" | "vimeo" => {
            let url = if inner.trim().is_empty() {
                attr(sc.attrs, "url")
                    .or_else(|| attr(sc.attrs, "src"))
                    .unwrap_or_else(|| sc.attrs.trim().to_string())
            } else {
                inner.trim().to_string()
            };
            let mark = resolve.note(Note {
                kind: NoteKind::Guess,
                text: format!("`[{}]` of {url} became a link", sc.name),
            });
            format!("<p>{mark}</p>{}", link(&url, &url))
        }
        "audio" | "video" | "playlist" => {
            let url = ["src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv"]
                .iter()
                .find_map(|k| attr(sc.attrs, k))
                .unwrap_or_default();
            let what = if sc.name == "video" {
                "Watch"
            } else {
                "Listen"
            };
            let mark = resolve.note(Note {
                kind: NoteKind::Guess,
                text: if url.is_empty() {
                    format!("`[{}]` without a file was left out", sc.name)
                } else {
                    format!("`[{}]` became a link to {url}", sc.name)
                },
            });
            if url.is_empty() {
                format!("<p>{mark}</p>")
            } else {
                let file = url.rsplit('/').next().unwrap_or(&url);
                format!("<p>{mark}</p>{}", link(&url, &format!("{what}: {file}")))
            }
        }
        name if SIGNUP.contains(&name) => {
            removed.signup_forms += 1;
            String::new()
        }
        "rt_reading_time" | "reading_time" => {
            removed.reading_times += 1;
            String::new()
        }
        "addtoany" | "ssba" | "sharethis" => {
            removed.share_buttons += 1;
            String::new()
        }
        name => {
            let mark = resolve.note(Note {
                kind: NoteKind::Guess,
                text: format!(
                    "`[{name}{}]` is a shortcode huddle does not know (from a plugin); it was taken out{}",
                    if sc.attrs.is_empty() { String::new() } else { format!(" {}", sc.attrs) },
                    if sc.inner.is_some() { ", its text kept" } else { "" }
                ),
            });
            format!("{mark}{inner}")
        }
    }
}

// ---- classic editor -------------------------------------------------------

const BLOCK_TAGS: &[&str] = &[
    "<p",
    "<div",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<li",
    "<blockquote",
    "<pre",
    "<table",
    "<figure",
    "<hr",
    "<form",
    "<!--",
    "<dl",
    "<section",
    "<iframe",
    "<address",
    "<style",
    "<script",
];

/// The classic editor stores paragraphs as blank lines and line breaks as
/// newlines, and WordPress adds the `<p>` and `<br>` when it shows them
/// (wpautop); here the same is done before conversion.
fn autop(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut in_pre = false;
    for block in html.replace("\r\n", "\n").split("\n\n") {
        let lower = block.trim_start().to_ascii_lowercase();
        let opens_pre = lower.matches("<pre").count();
        let closes_pre = lower.matches("</pre").count();
        if in_pre || block.trim().is_empty() || BLOCK_TAGS.iter().any(|t| lower.starts_with(t)) {
            out.push_str(block);
        } else {
            out.push_str("<p>");
            out.push_str(&block.trim().replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
        if opens_pre > closes_pre {
            in_pre = true;
        } else if closes_pre > opens_pre {
            in_pre = false;
        }
    }
    out
}

// ---- cleaning -------------------------------------------------------------

/// Sign-up forms of Mailchimp, MC4WP, Kit (ConvertKit), MailerLite,
/// MailPoet, Jetpack and Ghost.
const SIGNUP_SELECTORS: &str = "#mc_embed_signup, .mc4wp-form, .formkit-form, [data-sv-form], .ck_form, .ml-embedded, .mailpoet_form, .wp-block-jetpack-subscriptions, .jetpack_subscription_widget, .kg-signup-card, form[data-members-form], .tnp-subscription, .newsletter-signup";

/// Share and like buttons of Jetpack, AddToAny, Shared Counts and the block editor.
const SHARE_SELECTORS: &str = ".sharedaddy, .sd-sharing-enabled, .sd-like, .jp-relatedposts, #jp-post-flair, .addtoany_share_save_container, .a2a_kit, .wp-block-social-links, .shared-counts-wrap, .heateor_sss_sharing_container, .share-buttons, .social-share, .ssba";

const READING_TIME_SELECTORS: &str = ".rt-reading-time, .span-reading-time, .reading-time, .post-reading-time, .wp-block-post-time-to-read";

fn clean(html: &str, resolve: &mut dyn Resolve, removed: &mut Removed) -> String {
    let resolve = RefCell::new(resolve);
    let removed_cell = RefCell::new(*removed);
    let remove_counted = |what: fn(&mut Removed) -> &mut usize| {
        let removed = &removed_cell;
        move |el: &mut Element| {
            if !el.removed() {
                *what(&mut removed.borrow_mut()) += 1;
            }
            el.remove();
            Ok(())
        }
    };
    let handlers = vec![
        element!(SIGNUP_SELECTORS, remove_counted(|r| &mut r.signup_forms)),
        element!(SHARE_SELECTORS, remove_counted(|r| &mut r.share_buttons)),
        element!(
            READING_TIME_SELECTORS,
            remove_counted(|r| &mut r.reading_times)
        ),
        element!("form", |el| {
            let action = el
                .get_attribute("action")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let signup = [
                "list-manage.com",
                "mailchimp",
                "convertkit",
                "kit.com",
                "mailerlite",
                "substack",
                "buttondown",
                "mc4wp",
                "subscribe",
            ]
            .iter()
            .any(|s| action.contains(s));
            if signup {
                removed_cell.borrow_mut().signup_forms += 1;
            } else {
                let mark = resolve.borrow_mut().note(Note {
                    kind: NoteKind::Guess,
                    text: format!(
                        "a form{} was taken out: a static site has no server to send it to",
                        if action.is_empty() {
                            String::new()
                        } else {
                            format!(" (sending to {action})")
                        }
                    ),
                });
                el.before(&mark, ContentType::Text);
            }
            el.remove();
            Ok(())
        }),
        element!(
            "script, style, noscript, input, button, select, textarea",
            |el| {
                el.remove();
                Ok(())
            }
        ),
        element!("iframe[src], embed[src], object[data]", |el| {
            let src = el
                .get_attribute("src")
                .or_else(|| el.get_attribute("data"))
                .unwrap_or_default();
            let mark = resolve.borrow_mut().note(Note {
                kind: NoteKind::Guess,
                text: format!("an embedded frame of {src} became a link"),
            });
            el.replace(
                &format!(
                    "<p>{mark} <a href=\"{}\">{}</a></p>",
                    escape_attr(&src),
                    src.replace('<', "&lt;")
                ),
                ContentType::Html,
            );
            Ok(())
        }),
        element!(".wp-block-embed__wrapper", |el| {
            let mark = resolve.borrow_mut().note(Note {
                kind: NoteKind::Guess,
                text: "an embed block became a link".into(),
            });
            el.before(&mark, ContentType::Text);
            el.remove_and_keep_content();
            Ok(())
        }),
        // Ghost's bookmark cards: the link and its title.
        element!(
            ".kg-bookmark-description, .kg-bookmark-metadata, .kg-bookmark-thumbnail",
            |el| {
                el.remove();
                Ok(())
            }
        ),
        element!(".kg-bookmark-content, .kg-bookmark-title", |el| {
            el.remove_and_keep_content();
            Ok(())
        }),
        element!("figure", |el| {
            let bookmark = el
                .get_attribute("class")
                .is_some_and(|c| c.contains("kg-bookmark-card"));
            el.set_tag_name(if bookmark { "p" } else { "div" }).ok();
            Ok(())
        }),
        element!("figcaption", |el| {
            el.set_tag_name("p").ok();
            el.prepend("<em>", ContentType::Html);
            el.append("</em>", ContentType::Html);
            Ok(())
        }),
        element!("img", |el| {
            let src = el.get_attribute("src").unwrap_or_default();
            let alt = el.get_attribute("alt").unwrap_or_default();
            let class = el.get_attribute("class").unwrap_or_default();
            let to = resolve.borrow_mut().image(&src, &alt, &class);
            for a in [
                "srcset", "sizes", "width", "height", "class", "loading", "decoding", "style",
            ] {
                el.remove_attribute(a);
            }
            el.set_attribute("src", &to.src).ok();
            el.set_attribute("alt", &to.alt).ok();
            if let Some(mark) = to.mark {
                el.before(&mark, ContentType::Text);
            }
            Ok(())
        }),
        element!("a[href]", |el| {
            let href = el.get_attribute("href").unwrap_or_default();
            match resolve.borrow_mut().link(&href) {
                LinkTo::Keep => {}
                LinkTo::To(to) => {
                    el.set_attribute("href", &to).ok();
                }
                LinkTo::Marked(to, mark) => {
                    el.set_attribute("href", &to).ok();
                    el.before(&mark, ContentType::Text);
                }
                LinkTo::Unlink(mark) => {
                    el.before(&mark, ContentType::Text);
                    el.remove_and_keep_content();
                }
            }
            Ok(())
        }),
    ];
    let mut settings =
        RewriteStrSettings::new().append_document_content_handler(doc_comments!(|c| {
            c.remove();
            Ok(())
        }));
    for h in handlers {
        settings = settings.append_element_content_handler(h);
    }
    let out = rewrite_str(html, settings).unwrap_or_else(|_| html.to_string());
    *removed = removed_cell.into_inner();
    out
}

// ---- after conversion -----------------------------------------------------

/// The words of a line, lowercase, without Markdown marks, emoji or punctuation.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// "7 mins read", "⏱ 4 min read", "Reading time: 6 minutes", "Lesezeit: 3 Min."
fn is_reading_time(words: &[String]) -> bool {
    let has_number = words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()));
    let minutes = [
        "min", "mins", "minute", "minutes", "minuten", "minutos", "minuti",
    ];
    let reading = [
        "read", "reading", "lesezeit", "lecture", "lectura", "leer", "lesen", "lettura", "time",
    ];
    has_number
        && words.len() <= 6
        && words.iter().any(|w| minutes.contains(&w.as_str()))
        && (words.len() <= 2 || words.iter().any(|w| reading.contains(&w.as_str())))
}

fn is_status_text(text: &str, words: &[String]) -> bool {
    let t = words.join(" ");
    words.len() <= 20
        && [
            "check your email",
            "check your inbox",
            "thank you for subscribing",
            "thanks for subscribing",
            "confirm your subscription",
            "you're subscribed",
            "you’re subscribed",
        ]
        .iter()
        .any(|p| t.contains(p))
        || matches!(
            t.as_str(),
            "share this" | "like this" | "like loading" | "loading" | "related"
        ) && text.len() < 40
}

/// Drops the lines a theme or plugin wrote into the text, makes bare URLs
/// (WordPress embeds) into links, and keeps one blank line between blocks.
fn tidy(markdown: &str, resolve: &mut dyn Resolve, removed: &mut Removed) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut fence: Option<&str> = None;
    let flush = |current: &mut Vec<&str>,
                 blocks: &mut Vec<String>,
                 removed: &mut Removed,
                 resolve: &mut dyn Resolve| {
        if current.is_empty() {
            return;
        }
        let text = current.join("\n");
        current.clear();
        let plain = text.trim().trim_matches(|c| c == '*' || c == '_');
        let w = words(plain);
        if text
            .trim()
            .chars()
            .all(|c| c.is_whitespace() || c == '\u{a0}' || c == '\\')
        {
            return;
        }
        if is_reading_time(&w) {
            removed.reading_times += 1;
            return;
        }
        if is_status_text(plain, &w) {
            removed.status_texts += 1;
            return;
        }
        let trimmed = text.trim();
        let bare = trimmed.trim_start_matches('<').trim_end_matches('>');
        if (bare.starts_with("https://") || bare.starts_with("http://"))
            && !bare.contains(char::is_whitespace)
            && !bare.contains("](")
        {
            let bare = bare.replace('\\', "");
            let mark = resolve.note(Note {
                kind: NoteKind::Guess,
                text: format!("the embedded {bare} became a link"),
            });
            blocks.push(format!("<{bare}> {mark}"));
            return;
        }
        blocks.push(text);
    };
    for line in markdown.lines() {
        let t = line.trim_start();
        if let Some(f) = fence {
            current.push(line);
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(if t.starts_with("```") { "```" } else { "~~~" });
            current.push(line);
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut current, &mut blocks, removed, resolve);
        } else {
            // Two trailing spaces are a line break; other trailing space goes.
            current.push(if line.ends_with("  ") {
                line
            } else {
                line.trim_end()
            });
        }
    }
    flush(&mut current, &mut blocks, removed, resolve);
    blocks.join("\n\n")
}

/// Takes the marks out of `markdown`; returns the text and, for each mark
/// number, the 1-based line of the text it was on (a mark on a line of its
/// own belongs to the next line).
pub fn place_marks(markdown: &str) -> (String, Vec<(usize, usize)>) {
    let mut out: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    for line in markdown.lines() {
        let mut text = line.to_string();
        let mut marks = Vec::new();
        let leading = text.trim_start().starts_with("HUDDLEMARK");
        while let Some(start) = text.find("HUDDLEMARK") {
            let digits: String = text[start + 10..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let end = start + 10 + digits.len();
            let end = if text[end..].starts_with('X') {
                end + 1
            } else {
                end
            };
            if let Ok(n) = digits.parse() {
                marks.push(n);
            }
            text.replace_range(start..end, "");
        }
        if !marks.is_empty() {
            let cleaned = text.trim_end();
            let cleaned = if leading {
                cleaned.trim_start()
            } else {
                cleaned
            };
            text = if cleaned.trim().is_empty() {
                String::new()
            } else {
                cleaned.to_string()
            };
        }
        if text.trim().is_empty() && !marks.is_empty() {
            pending.extend(marks);
            continue;
        }
        if text.trim().is_empty() && out.last().is_some_and(|l: &String| l.trim().is_empty()) {
            continue;
        }
        if text.trim().is_empty() && out.is_empty() {
            continue;
        }
        out.push(text);
        let line_no = out.len();
        if !out[line_no - 1].trim().is_empty() {
            for n in pending.drain(..).chain(marks) {
                found.push((n, line_no));
            }
        } else {
            pending.extend(marks);
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let last = out.len().max(1);
    found.extend(pending.into_iter().map(|n| (n, last)));
    (out.join("\n"), found)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain(Vec<Note>);
    impl Resolve for Plain {
        fn link(&mut self, _href: &str) -> LinkTo {
            LinkTo::Keep
        }
        fn image(&mut self, src: &str, alt: &str, _class: &str) -> ImageTo {
            ImageTo {
                src: src.into(),
                alt: alt.into(),
                mark: None,
            }
        }
        fn note(&mut self, note: Note) -> String {
            self.0.push(note);
            format!("HUDDLEMARK{}X", self.0.len() - 1)
        }
    }

    fn convert(html: &str) -> (String, Vec<(usize, usize)>, Plain) {
        let mut r = Plain(vec![]);
        let (md, _) = to_markdown(html, Flavor::WordPress, &mut r, &|_| None);
        let (text, marks) = place_marks(&md);
        (text, marks, r)
    }

    #[test]
    fn classic_editor_text_becomes_paragraphs_and_code_keeps_its_brackets() {
        let (md, _, _) = convert(
            "First “quoted” line\nsame paragraph 🗨\n\nSecond one.\n\n<pre><code>if a[b[0]]&gt; 1</code></pre>",
        );
        assert!(
            md.starts_with("First “quoted” line  \nsame paragraph 🗨\n\nSecond one."),
            "{md}"
        );
        assert!(md.contains("```\nif a[b[0]]> 1\n```"), "{md}");
    }

    #[test]
    fn caption_shortcode_becomes_picture_and_caption() {
        let (md, _, _) = convert(
            "[caption id=\"attachment_2\" width=\"300\"]<img src=\"a.jpg\" alt=\"Notes\" /> Notes from a one-to-one[/caption]",
        );
        assert!(md.contains("![Notes](a.jpg)"), "{md}");
        assert!(
            md.contains("*Notes from a one-to-one*") || md.contains("_Notes from a one-to-one_"),
            "{md}"
        );
    }

    #[test]
    fn unknown_shortcodes_are_noted_at_their_line_and_prose_brackets_stay() {
        let (md, marks, r) = convert(
            "<p>Intro with a[i] index.</p>\n<p>[coaching_timer minutes=\"5\"]</p>\n<p>After.</p>",
        );
        assert!(
            md.contains("a\\[i\\] index") || md.contains("a[i] index"),
            "{md}"
        );
        assert!(!md.contains("coaching_timer"), "{md}");
        assert_eq!(r.0.len(), 1);
        assert!(r.0[0].text.contains("[coaching_timer minutes=\"5\"]"));
        // The mark stood alone, so it points at the next line, "After."
        let line = marks[0].1;
        assert_eq!(md.lines().nth(line - 1), Some("After."), "{md}");
    }

    #[test]
    fn theme_lines_and_signup_forms_go() {
        let (md, _, _) = convert(
            "<p>⏱ 7 mins read</p><p>Keep this.</p><div id=\"mc_embed_signup\"><form action=\"https://x.us1.list-manage.com/subscribe\"><input type=\"email\"></form></div><p>Success! Please check your email.</p><div class=\"sharedaddy\"><h3>Share this:</h3></div>",
        );
        assert_eq!(md, "Keep this.");
    }

    #[test]
    fn reading_time_is_recognised_only_as_a_short_line() {
        let w = |s: &str| words(s);
        assert!(is_reading_time(&w("7 mins read")));
        assert!(is_reading_time(&w("Reading time: 6 minutes")));
        assert!(!is_reading_time(&w(
            "It takes 7 mins to read this list of ten long things"
        )));
        assert!(!is_reading_time(&w("Read the 5 rules")));
    }
}
