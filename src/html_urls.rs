//! Rendered HTML for readers outside the site: every URL made absolute
//! (feeds and newsletter emails are read where `/articles/x/` means
//! nothing), and a page's HTML turned into what email clients show
//! (`<picture>` to its plain `<img>`). A streaming rewriter (lol_html) does
//! the parsing; this module only says what to change. It does not check links.

use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

/// `html` with every `href`, `src`, `srcset` and `poster` resolved against
/// `page`, the absolute URL of the page it belongs to. URLs that are already
/// absolute (`https:`, `mailto:`) stay as written; so does HTML that cannot
/// be rewritten (it is the site's own output, so that does not happen).
pub fn absolute_urls(html: &str, page: &url::Url) -> String {
    rewrite(html, page, None)
}

/// `absolute_urls`, and each `<picture>` reduced to its `<img>` (email clients
/// ignore `<source>`; the `<img>` is the JPEG or PNG fallback with its size),
/// shown at most `column` pixels wide. What only works on the site (the
/// checklists' buttons and boxes, scripts, forms) is left out.
pub fn for_email(html: &str, page: &url::Url, column: u32) -> String {
    rewrite(html, page, Some(column))
}

/// Links in email text: the theme's link colour, underlined.
pub const EMAIL_LINK_STYLE: &str = "color:#1a4d8f;text-decoration:underline;";

fn rewrite(html: &str, page: &url::Url, email: Option<u32>) -> String {
    let absolute = |el: &mut Element| {
        for name in ["href", "src", "poster"] {
            if let Some(v) = el.get_attribute(name) {
                let _ = el.set_attribute(name, &resolve(&v, page));
            }
        }
        if let Some(v) = el.get_attribute("srcset") {
            let _ = el.set_attribute("srcset", &resolve_srcset(&v, page));
        }
        Ok(())
    };
    let mut settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[href], [src], [srcset], [poster]", absolute));
    if let Some(column) = email {
        settings = settings
            .append_element_content_handler(element!("picture", |el| {
                el.remove_and_keep_content();
                Ok(())
            }))
            .append_element_content_handler(element!("source", |el| {
                el.remove();
                Ok(())
            }))
            .append_element_content_handler(element!(
                "script, style, button, p.checklist-status",
                |el| {
                    el.remove();
                    Ok(())
                }
            ))
            // A checklist stays a list to read: its form goes, its boxes
            // become the marks a mail client can show.
            .append_element_content_handler(element!("form, label", |el| {
                el.remove_and_keep_content();
                Ok(())
            }))
            .append_element_content_handler(element!("input", |el| {
                if el.get_attribute("type").as_deref() == Some("checkbox") {
                    let mark = if el.has_attribute("checked") {
                        "☑"
                    } else {
                        "☐"
                    };
                    el.replace(mark, lol_html::html_content::ContentType::Text);
                } else {
                    el.remove();
                }
                Ok(())
            }))
            .append_element_content_handler(element!("a[href]", |el| {
                // Clients in dark mode would pick their own link colour,
                // which is unreadable on the email's light background.
                if !el.has_attribute("style") {
                    let _ = el.set_attribute("style", EMAIL_LINK_STYLE);
                }
                Ok(())
            }))
            .append_element_content_handler(element!("img", move |el| {
                el.remove_attribute("srcset");
                el.remove_attribute("sizes");
                el.remove_attribute("loading");
                el.remove_attribute("decoding");
                let size = |name: &str| el.get_attribute(name)?.parse::<u32>().ok();
                let src = el.get_attribute("src").unwrap_or_default();
                let (Some(w), Some(h)) = (size("width"), size("height")) else {
                    // A picture of unknown size (remote, or raw HTML) would
                    // jump or overflow in mail clients: a link to it instead.
                    let alt = el.get_attribute("alt").unwrap_or_default();
                    let text = if alt.trim().is_empty() {
                        "Picture"
                    } else {
                        alt.trim()
                    };
                    el.replace(
                        &link_to(&src, text),
                        lol_html::html_content::ContentType::Html,
                    );
                    return Ok(());
                };
                let (w, h) = fit(w, h, column);
                let _ = el.set_attribute("width", &w.to_string());
                let _ = el.set_attribute("height", &h.to_string());
                if !el.has_attribute("alt") {
                    let _ = el.set_attribute("alt", "");
                }
                let _ =
                    el.set_attribute("style", "display:block;max-width:100%;height:auto;border:0");
                Ok(())
            }));
    }
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// A `w` × `h` picture's size shown at most `column` wide (never enlarged).
pub fn fit(w: u32, h: u32, column: u32) -> (u32, u32) {
    if w <= column || w == 0 {
        return (w, h);
    }
    let height = (u64::from(h) * u64::from(column) + u64::from(w) / 2) / u64::from(w);
    (column, height.max(1) as u32)
}

/// `<a href="url" style=…>text</a>`, from two attribute values as written
/// (their entities already escaped; quotes and brackets are escaped here).
fn link_to(url: &str, text: &str) -> String {
    let raw = |v: &str| {
        v.replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<a href=\"{}\" style=\"{EMAIL_LINK_STYLE}\">{}</a>",
        raw(url),
        raw(text)
    )
}

/// One URL resolved against the page (fragments and queries kept).
fn resolve(value: &str, page: &url::Url) -> String {
    match page.join(value.trim()) {
        Ok(u) => u.to_string(),
        Err(_) => value.to_string(),
    }
}

/// `a.webp 480w, b.webp 960w`: each candidate's URL resolved, its descriptor kept.
fn resolve_srcset(value: &str, page: &url::Url) -> String {
    value
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            match candidate.split_once(char::is_whitespace) {
                Some((u, descriptor)) => format!("{} {}", resolve(u, page), descriptor.trim()),
                None => resolve(candidate, page),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> url::Url {
        url::Url::parse("https://coach.example.org/articles/a/").unwrap()
    }

    #[test]
    fn every_kind_of_url_becomes_absolute() {
        let html = r##"<p><a href="/articles/b/#x">b</a> <a href="photo.jpg">p</a> <a href="#fn1">1</a> <a href="mailto:c@example.org">m</a> <a href="https://other.example/">o</a></p><picture><source srcset="/a/p-480.webp 480w, /a/p-960.webp 960w" type="image/webp"><img src="p-960.jpg" width="960" height="640" alt="A &quot;room&quot;"></picture>"##;
        let out = absolute_urls(html, &page());
        for url in [
            r#"href="https://coach.example.org/articles/b/#x""#,
            r#"href="https://coach.example.org/articles/a/photo.jpg""#,
            r#"href="https://coach.example.org/articles/a/#fn1""#,
            r#"href="mailto:c@example.org""#,
            r#"href="https://other.example/""#,
            r#"srcset="https://coach.example.org/a/p-480.webp 480w, https://coach.example.org/a/p-960.webp 960w""#,
            r#"src="https://coach.example.org/articles/a/p-960.jpg""#,
        ] {
            assert!(out.contains(url), "{url} in {out}");
        }
        assert!(
            out.contains("alt=\"A &quot;room&quot;\""),
            "attributes stay escaped: {out}"
        );
    }

    #[test]
    fn a_wide_picture_fits_the_column_and_keeps_its_shape() {
        assert_eq!(fit(1600, 1067, 552), (552, 368));
        assert_eq!(fit(400, 300, 552), (400, 300));
    }

    #[test]
    fn for_email_a_picture_is_its_sized_img() {
        let html = r#"<figure><picture><source srcset="/a/p.webp 480w" type="image/webp"><img src="/a/p.jpg" srcset="/a/p.jpg 480w" sizes="100vw" width="960" height="640" alt="Room" loading="lazy"></picture></figure><button type="button">Reset</button>"#;
        let out = for_email(html, &page(), 480);
        assert_eq!(
            out,
            r#"<figure><img src="https://coach.example.org/a/p.jpg" width="480" height="320" alt="Room" style="display:block;max-width:100%;height:auto;border:0"></figure>"#
        );
    }

    #[test]
    fn for_email_a_picture_of_unknown_size_is_a_link_to_it() {
        let html = r#"<p><img src="https://cdn.example/x.png" alt="The board &amp; notes"> and <img src="/y.gif"></p>"#;
        let out = for_email(html, &page(), 480);
        assert_eq!(
            out,
            format!(
                r#"<p><a href="https://cdn.example/x.png" style="{EMAIL_LINK_STYLE}">The board &amp; notes</a> and <a href="https://coach.example.org/y.gif" style="{EMAIL_LINK_STYLE}">Picture</a></p>"#
            )
        );
    }

    #[test]
    fn for_email_a_checklist_keeps_its_items_as_marks() {
        let html = "<form class=\"checklist\" id=\"c\"><ul><li><label class=\"task\" for=\"c1\"><input type=\"checkbox\" id=\"c1\" checked> Book a room</label></li><li><label class=\"task\" for=\"c2\"><input type=\"checkbox\" id=\"c2\"> Send the agenda</label></li></ul><p class=\"checklist-status\"><span>1 of 2 done</span> <button type=\"reset\">Reset</button></p></form>";
        let out = for_email(html, &page(), 480);
        assert_eq!(
            out,
            "<ul><li>☑ Book a room</li><li>☐ Send the agenda</li></ul>"
        );
    }
}
