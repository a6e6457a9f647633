//! What an export says, whichever platform wrote it: the entries (posts and
//! pages), the pictures it knows, its categories and tags. `wordpress` and
//! `ghost` read their files into this; everything after works on it alone.

/// One export, read.
#[derive(Debug, Default)]
pub struct Export {
    pub title: String,
    pub description: String,
    /// The old site's address (`https://coach.example.com`), when the
    /// export says it (WordPress) or `--url` does (Ghost).
    pub site_url: Option<url::Url>,
    pub entries: Vec<Entry>,
    pub attachments: Vec<Attachment>,
    /// Categories and tags, in the export's order.
    pub terms: Vec<Term>,
    /// What the export holds that does not become a page.
    pub skipped: Skipped,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Skipped {
    pub comments: usize,
    pub attachments: usize,
    pub trashed: usize,
    pub revisions: usize,
    pub menu_items: usize,
    /// Custom post types, reusable blocks, templates and the like.
    pub other: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
}

/// Whether an entry is published, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Published,
    /// Dated later: kept with its date, and huddle publishes it then.
    Scheduled,
    /// Written as `draft: true`; the text says why ("draft", "private",
    /// "password-protected", "members only", "pending review").
    Unpublished(&'static str),
}

/// A post or a page.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The platform's id (`101`, or Ghost's hex id).
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// The slug as the export stores it (WordPress percent-encodes
    /// non-ASCII ones); may be empty or unsafe, decided later.
    pub slug: String,
    pub status: Status,
    /// When it was (or will be) published.
    pub date: Option<jiff::Timestamp>,
    /// A local time without a zone (WordPress's `post_date`), for drafts
    /// that have no GMT date yet.
    pub local_date: Option<jiff::civil::DateTime>,
    pub modified: Option<jiff::Timestamp>,
    /// The excerpt, as HTML or text.
    pub excerpt: String,
    pub html: String,
    /// The old address of the page, absolute or from the site root.
    pub permalink: Option<String>,
    /// The parent page's id, for nested pages.
    pub parent: Option<String>,
    /// Indexes into `Export::terms`.
    pub terms: Vec<usize>,
    pub featured: Option<Featured>,
}

/// A featured image: where it was, and what the export says about it.
#[derive(Debug, Clone)]
pub struct Featured {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// A picture (or other upload) the export lists.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: String,
    pub url: String,
    pub alt: Option<String>,
    pub title: String,
}

/// A category or tag.
#[derive(Debug, Clone)]
pub struct Term {
    /// "category" or "tag".
    pub taxonomy: &'static str,
    pub name: String,
    pub slug: String,
}

impl Export {
    /// The attachment with WordPress id `id`.
    pub fn attachment(&self, id: &str) -> Option<&Attachment> {
        self.attachments.iter().find(|a| a.id == id)
    }
}
