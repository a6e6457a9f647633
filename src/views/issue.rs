//! Newsletter issues in views: an issue's web version (`page.issue`), the
//! archive of issues (`archive`, on /newsletter/ and /newsletter/archive/),
//! and the email a coach sends (`email`): every URL absolute, every picture
//! a sized `<img>` no wider than the email's column, and the same text as
//! plain text (html2text) and Markdown (htmd).

use serde::Serialize;

use super::{Listed, Views};
use crate::graph::Page;

/// The width of the email's content column, in CSS pixels (a 600 px email
/// with 24 px padding each side). Pictures are shown at most this wide.
pub const EMAIL_COLUMN: u32 = 552;

/// `page.issue`: what the web version of an issue shows besides the page.
#[derive(Serialize)]
pub struct IssueView<'a> {
    pub subject: &'a str,
    pub preheader: &'a str,
    /// The featured articles, in the issue's order, as lists show them.
    pub articles: Vec<Listed>,
    /// The archive of every issue.
    pub archive_url: String,
}

/// `archive`: every published issue, newest first.
#[derive(Serialize)]
pub struct ArchiveView {
    pub url: String,
    pub issues: Vec<Listed>,
}

/// `email`: one issue as the email, for newsletter_email.html, .txt and .md.
#[derive(Serialize)]
pub struct EmailView<'a> {
    pub subject: &'a str,
    pub preheader: &'a str,
    pub date: Option<&'a str>,
    pub date_display: String,
    /// The web version's absolute URL ("view in your browser").
    pub web_url: String,
    /// The site's home page, absolute.
    pub site_url: String,
    /// What the provider replaces with the reader's own unsubscribe link.
    pub unsubscribe_url: String,
    /// The issue's own text (its Markdown body) as email HTML, plain text
    /// with every link written out, and Markdown.
    pub intro_html: String,
    pub intro_text: String,
    pub intro_markdown: String,
    pub articles: Vec<EmailArticle<'a>>,
}

/// A featured article in an email.
#[derive(Serialize)]
pub struct EmailArticle<'a> {
    pub title: &'a str,
    /// Absolute.
    pub url: String,
    /// Its description, else its summary, as plain text.
    pub text: String,
    pub date_display: String,
    pub reading_time: usize,
    pub level: Option<&'a str>,
    pub image: Option<EmailImage<'a>>,
}

/// A picture for email clients: a JPEG or PNG (never WebP or AVIF, which
/// some clients cannot show) with the size it is shown at.
#[derive(Serialize)]
pub struct EmailImage<'a> {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub alt: &'a str,
}

/// The three forms of an issue's own text, for `EmailView`.
pub struct IssueText {
    pub html: String,
    pub text: String,
    pub markdown: String,
}

impl IssueText {
    /// From the issue's rendered body and its web version's absolute URL.
    pub fn new(body: &str, page: &url::Url) -> Self {
        let html = crate::html_urls::for_email(body, page, EMAIL_COLUMN);
        IssueText {
            text: plain_text(&html, 72),
            markdown: htmd::convert(&html)
                .map(|m| m.trim().to_string())
                .unwrap_or_default(),
            html,
        }
    }
}

/// HTML as plain text, wrapped at `width`; links are numbered and listed
/// after it with their URLs.
fn plain_text(html: &str, width: usize) -> String {
    html2text::config::plain()
        .no_link_wrapping()
        .string_from_read(html.as_bytes(), width)
        .map(|t| t.trim_end().to_string())
        .unwrap_or_default()
}

/// HTML as one line of text, without link footnotes (for summaries).
pub(crate) fn one_line(html: &str) -> String {
    let text = html2text::config::plain_no_decorate()
        .link_footnotes(false)
        .string_from_read(html.as_bytes(), 10_000)
        .unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Views<'a> {
    /// Page `i`'s issue view, when it is a newsletter issue.
    pub(super) fn issue(&self, i: usize) -> Option<IssueView<'a>> {
        let meta = self.graph.pages[i].source.meta.issue.as_ref()?;
        let featured = self.graph.issues.iter().find(|(j, _)| *j == i);
        Some(IssueView {
            subject: &meta.subject,
            preheader: &meta.preheader,
            articles: featured
                .map(|(_, f)| f.iter().map(|&a| self.listed(a)).collect())
                .unwrap_or_default(),
            archive_url: self.url("newsletter/archive/"),
        })
    }

    /// The archive of issues.
    pub fn archive(&self) -> ArchiveView {
        ArchiveView {
            url: self.url("newsletter/archive/"),
            issues: self
                .graph
                .issues
                .iter()
                .map(|(i, _)| self.listed(*i))
                .collect(),
        }
    }

    /// Issue `n` (its place in `graph.issues`) as an email; `text` is its
    /// own text, made once for the three email files.
    pub fn email(&self, n: usize, text: &IssueText) -> EmailView<'a> {
        let (i, featured) = &self.graph.issues[n];
        let page: &'a Page = &self.graph.pages[*i];
        let meta = &page.source.meta;
        let issue = meta.issue.as_ref();
        EmailView {
            subject: issue.map_or("", |m| m.subject.as_str()),
            preheader: issue.map_or("", |m| m.preheader.as_str()),
            date: meta.date.as_ref().map(|d| d.iso_date.as_str()),
            date_display: self.date_text(meta.date.as_ref()),
            web_url: self.permalink(&page.path),
            site_url: self.permalink(""),
            unsubscribe_url: self.config.newsletter.unsubscribe().to_string(),
            intro_html: text.html.clone(),
            intro_text: text.text.clone(),
            intro_markdown: text.markdown.clone(),
            articles: featured.iter().map(|&a| self.email_article(a)).collect(),
        }
    }

    fn email_article(&self, i: usize) -> EmailArticle<'a> {
        let p: &'a Page = &self.graph.pages[i];
        let meta = &p.source.meta;
        let text = if meta.description.trim().is_empty() {
            one_line(&p.body.summary_html)
        } else {
            meta.description.trim().to_string()
        };
        EmailArticle {
            title: &meta.title,
            url: self.permalink(&p.path),
            text,
            date_display: self.date_text(meta.date.as_ref()),
            reading_time: crate::markdown::reading_time(
                p.body.word_count,
                self.config.words_per_minute,
            ),
            level: meta
                .tags
                .level
                .map(|l| self.vocab.levels[l.0].name.as_str()),
            image: self.email_image(p),
        }
    }

    /// Page `p`'s featured image for an email: the smallest JPEG or PNG
    /// variant sharp on a 2× screen at the column's width (else the largest
    /// there is, else the original if a JPEG, PNG or GIF), shown at most
    /// `EMAIL_COLUMN` wide.
    fn email_image(&self, p: &'a Page) -> Option<EmailImage<'a>> {
        let picture = p.body.featured.as_ref()?;
        let fallback = &picture.fallback;
        let chosen = fallback
            .iter()
            .find(|v| v.width >= 2 * EMAIL_COLUMN)
            .or(fallback.last());
        let (path, w, h) = match chosen {
            Some(v) => (v.output.as_str(), v.width, v.height),
            // Only formats every mail client shows (not SVG, not WebP).
            None if email_safe(picture.original.as_str()) => {
                (picture.original.as_str(), picture.width, picture.height)
            }
            None => return None,
        };
        let (width, height) = crate::html_urls::fit(w, h, EMAIL_COLUMN);
        Some(EmailImage {
            src: self.permalink(path),
            width,
            height,
            alt: p.source.meta.image.as_ref().map_or("", |i| i.alt.as_str()),
        })
    }
}

/// A picture every mail client shows: JPEG, PNG or GIF.
pub(crate) fn email_safe(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "gif")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_text_has_every_link_written_out() {
        let page = url::Url::parse("https://coach.example.org/newsletter/2026-11-06/").unwrap();
        let text = IssueText::new(
            r#"<p>Read <a href="/articles/a/">the handoff piece</a> first.</p><h2 id="x">Next</h2>"#,
            &page,
        );
        assert!(
            text.text.contains("https://coach.example.org/articles/a/"),
            "{}",
            text.text
        );
        assert!(
            text.markdown
                .contains("[the handoff piece](https://coach.example.org/articles/a/)"),
            "{}",
            text.markdown
        );
        assert!(text.markdown.contains("## Next"), "{}", text.markdown);
    }
}
