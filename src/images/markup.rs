//! A picture as HTML and as template data: `<picture>` with a modern-format
//! `<source>` and a JPEG or PNG `<img>` fallback, both with `srcset` and
//! `sizes`, so a phone downloads a small variant; or a plain `<img>` for SVG,
//! GIF and unprocessed pictures. Every `<img>` has its width and height (no
//! jump as the page loads), and is lazy unless it is the page's largest
//! paint.

use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use super::{Picture, Variant};

/// A picture for templates (documented in docs/templates.md).
#[derive(Debug, Clone, Serialize)]
pub struct PictureView {
    /// The fallback's URL (the original's when it is not resized).
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// `srcset` of the fallback format ("" when not resized).
    pub srcset: String,
    /// The modern format's MIME type and `srcset` ("" when not resized).
    pub modern_type: String,
    pub modern_srcset: String,
    pub sizes: String,
    /// The original file's URL.
    pub original: String,
    /// The whole element, lazy-loading and eager (for the top of a page).
    pub html: String,
    pub html_eager: String,
}

fn srcset(variants: &[Variant], base_path: &str) -> String {
    variants
        .iter()
        .map(|v| format!("{} {}w", url(base_path, v.output.as_str()), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

fn url(base_path: &str, output: &str) -> String {
    format!("{base_path}{}", crate::paths::encode_path(output))
}

/// What a picture shows the same wherever it is: its URLs and the start of
/// its element (everything but alt text, title and loading). Made once per
/// picture (`Picture::urls`), not once per page and list that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureUrls {
    src: String,
    srcset: String,
    modern_srcset: String,
    original: String,
    sizes: String,
    /// `<picture><source ...><img src=... width=... height=...` (escaped).
    head: String,
}

impl PictureUrls {
    fn new(p: &Picture, base_path: &str, sizes: &str) -> Self {
        let src = p
            .fallback
            .iter()
            .rev()
            .find(|v| v.width <= 960)
            .or(p.fallback.first())
            .map_or_else(
                || url(base_path, p.original.as_str()),
                |v| url(base_path, v.output.as_str()),
            );
        let mut urls = PictureUrls {
            src,
            srcset: srcset(&p.fallback, base_path),
            modern_srcset: srcset(&p.modern, base_path),
            original: url(base_path, p.original.as_str()),
            sizes: if p.fallback.is_empty() {
                String::new()
            } else {
                sizes.to_string()
            },
            head: String::new(),
        };
        urls.head = head(&urls, p);
        urls
    }
}

/// ` name="value"`, escaped (as a URL with `href`).
fn attr(out: &mut String, name: &str, value: &str, href: bool) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    if href {
        let _ = escape_href(&mut *out, value);
    } else {
        let _ = escape_html(&mut *out, value);
    }
    out.push('"');
}

/// The element up to the `<img>`'s alt text.
fn head(urls: &PictureUrls, p: &Picture) -> String {
    let mut out = String::new();
    let resized = !urls.srcset.is_empty();
    if resized {
        out.push_str("<picture>");
        if let Some(modern) = p.modern.first() {
            out.push_str("<source");
            attr(&mut out, "type", modern.format.mime(), false);
            attr(&mut out, "srcset", &urls.modern_srcset, false);
            attr(&mut out, "sizes", &urls.sizes, false);
            out.push('>');
        }
    }
    out.push_str("<img");
    attr(&mut out, "src", &urls.src, true);
    if resized {
        attr(&mut out, "srcset", &urls.srcset, false);
        attr(&mut out, "sizes", &urls.sizes, false);
    }
    attr(&mut out, "width", &p.width.to_string(), false);
    attr(&mut out, "height", &p.height.to_string(), false);
    out
}

/// The picture's URLs. One table serves one build, so one base path and one
/// `sizes`: the first call's.
fn urls_of<'p>(p: &'p Picture, base_path: &str, sizes: &str) -> &'p PictureUrls {
    p.urls.get_or_init(|| PictureUrls::new(p, base_path, sizes))
}

/// The lazy-loading element alone, as an article's body shows a picture.
pub fn picture_element(
    p: &Picture,
    alt: &str,
    title: Option<&str>,
    (base_path, sizes): (&str, &str),
) -> String {
    picture_html(urls_of(p, base_path, sizes), alt, title, false)
}

impl PictureView {
    pub fn new(p: &Picture, alt: &str, title: Option<&str>, base_path: &str, sizes: &str) -> Self {
        let urls = urls_of(p, base_path, sizes);
        let html = |eager| picture_html(urls, alt, title, eager);
        PictureView {
            src: urls.src.clone(),
            width: p.width,
            height: p.height,
            alt: alt.to_string(),
            srcset: urls.srcset.clone(),
            modern_type: p.modern.first().map_or("", |v| v.format.mime()).to_string(),
            modern_srcset: urls.modern_srcset.clone(),
            sizes: urls.sizes.clone(),
            original: urls.original.clone(),
            html: html(false),
            html_eager: html(true),
        }
    }
}

/// The element; `eager` for the largest paint at the top of a page.
fn picture_html(urls: &PictureUrls, alt: &str, title: Option<&str>, eager: bool) -> String {
    let mut out = String::with_capacity(urls.head.len() + alt.len() + 80);
    out.push_str(&urls.head);
    attr(&mut out, "alt", alt, false);
    if let Some(t) = title.filter(|t| !t.is_empty()) {
        attr(&mut out, "title", t, false);
    }
    if eager {
        attr(&mut out, "fetchpriority", "high", false);
    } else {
        attr(&mut out, "loading", "lazy", false);
    }
    attr(&mut out, "decoding", "async", false);
    out.push('>');
    if !urls.srcset.is_empty() {
        out.push_str("</picture>");
    }
    out
}
