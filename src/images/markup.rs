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

impl PictureView {
    pub fn new(p: &Picture, alt: &str, title: Option<&str>, base_path: &str, sizes: &str) -> Self {
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
        let mut view = PictureView {
            src,
            width: p.width,
            height: p.height,
            alt: alt.to_string(),
            srcset: srcset(&p.fallback, base_path),
            modern_type: p.modern.first().map_or("", |v| v.format.mime()).to_string(),
            modern_srcset: srcset(&p.modern, base_path),
            sizes: if p.fallback.is_empty() {
                String::new()
            } else {
                sizes.to_string()
            },
            original: url(base_path, p.original.as_str()),
            html: String::new(),
            html_eager: String::new(),
        };
        view.html = picture_html(&view, title, false);
        view.html_eager = picture_html(&view, title, true);
        view
    }
}

/// The element for `view`; `eager` for the largest paint at the top of a page.
pub fn picture_html(view: &PictureView, title: Option<&str>, eager: bool) -> String {
    let mut out = String::new();
    let attr = |out: &mut String, name: &str, value: &str, href: bool| {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        if href {
            let _ = escape_href(&mut *out, value);
        } else {
            let _ = escape_html(&mut *out, value);
        }
        out.push('"');
    };
    let resized = !view.srcset.is_empty();
    if resized {
        out.push_str("<picture>");
        if !view.modern_srcset.is_empty() {
            out.push_str("<source");
            attr(&mut out, "type", &view.modern_type, false);
            attr(&mut out, "srcset", &view.modern_srcset, false);
            attr(&mut out, "sizes", &view.sizes, false);
            out.push('>');
        }
    }
    out.push_str("<img");
    attr(&mut out, "src", &view.src, true);
    if resized {
        attr(&mut out, "srcset", &view.srcset, false);
        attr(&mut out, "sizes", &view.sizes, false);
    }
    attr(&mut out, "width", &view.width.to_string(), false);
    attr(&mut out, "height", &view.height.to_string(), false);
    attr(&mut out, "alt", &view.alt, false);
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
    if resized {
        out.push_str("</picture>");
    }
    out
}
