//! `huddle import wordpress|ghost`: a whole blog moved into a huddle site.
//!
//! The export is read into one model (`wordpress`, `ghost` → `model`), its
//! categories and tags are mapped onto the vocabulary (`tags`), each entry
//! gets its place (`content/articles/<slug>.md`, a bundle when it has
//! pictures, pages under their parents), its HTML becomes Markdown
//! (`convert`) with links to other entries as `@/…md` links and pictures
//! copied from the uploads folder (`media`), and the report lists what
//! needs a human look at its line (`report`). Nothing is written until every
//! entry has its place and no path clashes; nothing that exists is
//! overwritten without `--force`.

mod convert;
mod ghost;
mod media;
mod model;
mod report;
mod tags;
mod wordpress;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use convert::{Flavor, ImageTo, LinkTo, Note, NoteKind, Resolve};
use media::{Found, Media};
use model::{Entry, Export, Kind, Status};
use tags::Target;

use crate::config::{CONFIG_FILE, load_config};
use crate::diagnostic::Diagnostic;
use crate::scaffold::{NewSite, new_site_files};
use crate::views::one_line;
use crate::vocab::{TaxonomyKind, Vocabulary, default_vocabulary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    WordPress,
    Ghost,
}

/// What `huddle import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub platform: Platform,
    pub export: PathBuf,
    /// `--uploads` (WordPress) or `--images` (Ghost).
    pub media: Option<PathBuf>,
    pub root: PathBuf,
    pub dry_run: bool,
    pub map: Option<PathBuf>,
    pub force: bool,
    pub download: bool,
    /// `--url`: the old site's address (Ghost exports do not carry it).
    pub url: Option<String>,
    pub now: jiff::Timestamp,
}

/// What an import did (or, with `--dry-run`, would do).
pub struct Imported {
    /// import-report.md's text.
    pub report: String,
    /// The lines for the terminal.
    pub summary: Vec<String>,
    pub files_written: usize,
}

pub(crate) fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Where an entry goes.
struct Placed {
    /// From content/: `articles/x.md`, `articles/x/index.md`, `about/team.md`.
    source: String,
    /// Its URL path: `/articles/x/`.
    url: String,
    slug: String,
    bundle: bool,
}

/// A file of a page bundle: copied from the uploads folder or downloaded.
enum BundleFile {
    Copy(PathBuf),
    Bytes(Arc<Vec<u8>>),
}

/// One file the import writes.
enum Planned {
    Text(String),
    Bytes(Vec<u8>),
    File(BundleFile),
}

pub fn run(opts: &ImportOptions) -> Result<Imported, Vec<Diagnostic>> {
    let shown = opts.export.display().to_string();
    let site_url = match &opts.url {
        Some(u) => Some(url::Url::parse(u).map_err(|e| {
            vec![Diagnostic::flag_error("--url", format!("`{u}` is not a web address: {e}"))
                .with_help("write the old site's address in full, e.g. --url https://coach.example.com")]
        })?),
        None => None,
    };
    if let Some(dir) = &opts.media
        && !dir.is_dir()
    {
        let flag = if opts.platform == Platform::WordPress {
            "--uploads"
        } else {
            "--images"
        };
        return Err(vec![Diagnostic::flag_error(flag, format!("`{}` is not a folder", dir.display()))
            .with_help(if opts.platform == Platform::WordPress {
                "pass the uploads folder of the old site (wp-content/uploads, downloaded by FTP or a backup plugin)"
            } else {
                "pass the images folder of the old site (content/images, from Ghost's server or a backup)"
            })]);
    }
    // The site: an existing one, or a new one made as `huddle init` makes it.
    let existing = opts.root.join(CONFIG_FILE).is_file();
    if !existing
        && opts.root.exists()
        && std::fs::read_dir(&opts.root)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(vec![Diagnostic::flag_error("--root", format!("{} is a folder with files but no {CONFIG_FILE}", opts.root.display()))
            .with_help("import into an existing huddle site, or into a new or empty folder (huddle makes the site there)")]);
    }
    let (vocab, zone) = if existing {
        let config = load_config(&opts.root, None)?;
        (Vocabulary::from_config(&config.vocabulary), config.zone)
    } else {
        (default_vocabulary(), jiff::tz::TimeZone::UTC)
    };
    let mut export = match opts.platform {
        Platform::WordPress => wordpress::read(&opts.export, &shown).map_err(|d| vec![d])?,
        Platform::Ghost => {
            ghost::read(&opts.export, &shown, site_url.clone()).map_err(|d| vec![d])?
        }
    };
    if site_url.is_some() {
        export.site_url = site_url;
    }
    let map_text = match &opts.map {
        Some(p) => Some((
            p.display().to_string(),
            std::fs::read_to_string(p).map_err(|e| {
                vec![Diagnostic::flag_error(
                    "--map",
                    format!("cannot read {}: {e}", p.display()),
                )]
            })?,
        )),
        None => None,
    };
    let mapping = tags::decide(
        &export.terms,
        &vocab,
        map_text.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
    )?;
    let flavor = match opts.platform {
        Platform::WordPress => Flavor::WordPress,
        Platform::Ghost => Flavor::Ghost,
    };
    let mut report = report::Report::new(&shown, opts.platform, &export);
    let placed = place(&export, &mut report);
    let mut media = Media::new(
        opts.media.clone(),
        flavor,
        export.site_url.clone(),
        opts.download,
    );
    let lookup = Lookup::new(&export, &placed, &media);
    let counts: Vec<usize> = (0..export.terms.len())
        .map(|t| {
            export
                .entries
                .iter()
                .filter(|e| e.terms.contains(&t))
                .count()
        })
        .collect();
    let command = format!(
        "huddle import {} {}",
        if opts.platform == Platform::WordPress {
            "wordpress"
        } else {
            "ghost"
        },
        shown
    );
    // The files besides the entries, known before any entry is converted.
    let mut fixed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if opts.map.is_none() {
        fixed.insert(
            "import-map.toml".into(),
            tags::map_file(&export.terms, &mapping, &counts, &command).into_bytes(),
        );
    }
    if !existing {
        let base_url = export
            .site_url
            .as_ref()
            .map(|u| u.as_str().trim_end_matches('/').to_string())
            .unwrap_or_else(|| "https://coach.example.org".into());
        let title = if export.title.is_empty() {
            "Coach Notes"
        } else {
            &export.title
        };
        let site = NewSite {
            title,
            base_url: &base_url,
            description: &export.description,
            sample_pages: false,
        };
        let today = opts
            .now
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
            .to_string();
        for (rel, bytes) in new_site_files(&site, &today, jiff::civil::time(6, 0, 0, 0)) {
            fixed.entry(rel).or_insert(bytes);
        }
    }
    let write = !opts.dry_run;
    if write && !opts.force {
        refuse_clashes(&opts.root, &placed, &fixed)?;
    }
    let mut written = 0;
    if write {
        for (rel, bytes) in fixed {
            write_file(&opts.root, &rel, Planned::Bytes(bytes))?;
            written += 1;
        }
    }
    // Entries are converted and written one at a time: each entry's HTML
    // leaves the model as it is converted, so an export's text and its
    // Markdown are never both held whole.
    let progress = Progress::new(export.entries.len());
    for i in 0..export.entries.len() {
        let html = std::mem::take(&mut export.entries[i].html);
        let file = convert_entry(
            &export,
            i,
            &html,
            &placed,
            &lookup,
            &mut media,
            &mapping,
            &vocab,
            &zone,
            flavor,
            &mut report,
            opts.now,
        );
        drop(html);
        if write {
            let dir = placed[i].source.rsplit_once('/').map_or("", |(d, _)| d);
            for (name, f) in file.bundle {
                write_file(
                    &opts.root,
                    &format!("content/{dir}/{name}"),
                    Planned::File(f),
                )?;
                written += 1;
            }
            write_file(
                &opts.root,
                &format!("content/{}", placed[i].source),
                Planned::Text(file.text),
            )?;
            written += 1;
        }
        progress.tell(i + 1);
    }
    report.downloads = media.downloads;
    let report_text = report.markdown(&export, &mapping, &counts, &command, opts.dry_run);
    let summary = report.summary(opts.dry_run, &opts.root);
    if write {
        write_file(
            &opts.root,
            "import-report.md",
            Planned::Text(report_text.clone()),
        )?;
        written += 1;
    }
    Ok(Imported {
        report: report_text,
        summary,
        files_written: written,
    })
}

/// Refuses an import that would write over a file: an entry's file, a
/// bundle's folder (its pictures are named only as it is converted), or
/// one of the site's own files.
fn refuse_clashes(
    root: &std::path::Path,
    placed: &[Placed],
    fixed: &BTreeMap<String, Vec<u8>>,
) -> Result<(), Vec<Diagnostic>> {
    let mut clashes: Vec<String> = Vec::new();
    for p in placed {
        let rel = format!("content/{}", p.source);
        if root.join(&rel).exists() {
            clashes.push(rel);
        } else if p.bundle {
            let dir = p.source.rsplit_once('/').map_or("", |(d, _)| d);
            let folder = format!("content/{dir}/");
            if root.join(&folder).exists() {
                clashes.push(folder);
            }
        }
    }
    clashes.extend(fixed.keys().filter(|rel| root.join(rel).exists()).cloned());
    clashes.sort();
    if clashes.is_empty() {
        return Ok(());
    }
    let mut listed: Vec<String> = clashes.iter().take(20).map(|c| format!("  {c}")).collect();
    if clashes.len() > 20 {
        listed.push(format!("  … and {} more", clashes.len() - 20));
    }
    Err(vec![Diagnostic::flag_error(
        "--root",
        format!(
            "{} file{} the import would write already exist{} in {}; nothing was written:\n{}",
            clashes.len(),
            if clashes.len() == 1 { "" } else { "s" },
            if clashes.len() == 1 { "s" } else { "" },
            root.display(),
            listed.join("\n")
        ),
    )
    .with_help("import into a new folder with --root DIR, move those files away, or pass --force to replace them (run the same import again with --force to redo it)")])
}

fn write_file(root: &std::path::Path, rel: &str, file: Planned) -> Result<(), Vec<Diagnostic>> {
    let path = root.join(rel);
    let fail = |e: std::io::Error| vec![Diagnostic::file_error(rel, format!("cannot write: {e}"))];
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    match file {
        Planned::Text(t) => std::fs::write(&path, t).map_err(fail),
        Planned::Bytes(b) => std::fs::write(&path, b).map_err(fail),
        Planned::File(BundleFile::Bytes(b)) => std::fs::write(&path, b.as_slice()).map_err(fail),
        Planned::File(BundleFile::Copy(from)) => {
            std::fs::copy(&from, &path).map(|_| ()).map_err(fail)
        }
    }
}

/// URL paths huddle writes itself: a page there would be refused.
const RESERVED: &[&str] = &[
    "articles",
    "levels",
    "attitudes",
    "practices",
    "checklists",
    "newsletter",
    "search",
    "pagefind",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
];

/// A slug that is one safe folder name; the reason when it had to change.
fn safe_slug(raw: &str, title: &str, id: &str) -> (String, Option<String>) {
    let decoded = percent_decoded(raw.trim());
    if decoded.is_empty() {
        let from_title = slug::slugify(title);
        return (
            if from_title.is_empty() {
                format!("untitled-{}", slug::slugify(id))
            } else {
                from_title
            },
            None,
        );
    }
    let mut s: String = decoded
        .chars()
        .map(|c| {
            if c.is_control()
                || c.is_whitespace()
                || matches!(
                    c,
                    '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | ':' | '*' | '|' | '\''
                )
            {
                '-'
            } else {
                c
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches(|c| c == '-' || c == '.').to_lowercase();
    let s = if s.is_empty() {
        slug::slugify(title)
    } else {
        s
    };
    let s = if s.is_empty() {
        format!("untitled-{}", slug::slugify(id))
    } else {
        s
    };
    let why = (s != decoded.to_lowercase()).then(|| {
        if decoded.contains('/') || decoded.starts_with('.') {
            format!("the slug `{decoded}` would write outside its folder")
        } else {
            format!("the slug `{decoded}` has characters a URL cannot keep")
        }
    });
    (s, why)
}

/// Every entry's place: unique, safe, pages under their parents.
fn place(export: &Export, report: &mut report::Report) -> Vec<Placed> {
    let mut slugs: Vec<String> = Vec::with_capacity(export.entries.len());
    for e in &export.entries {
        let (s, why) = safe_slug(&e.slug, &e.title, &e.id);
        if let Some(why) = why {
            report.renamed.push(format!(
                "“{}” (id {}): {why}; it is now `{s}`",
                e.title, e.id
            ));
        }
        slugs.push(s);
    }
    let by_id: HashMap<&str, usize> = export
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(export.entries.len());
    for (i, e) in export.entries.iter().enumerate() {
        let mut folder = String::new();
        if e.kind == Kind::Page {
            let mut chain = Vec::new();
            let mut at = e.parent.as_deref().and_then(|p| by_id.get(p)).copied();
            while let Some(p) = at {
                if chain.len() > 8 || p == i || export.entries[p].kind != Kind::Page {
                    break;
                }
                chain.push(slugs[p].clone());
                at = export.entries[p]
                    .parent
                    .as_deref()
                    .and_then(|q| by_id.get(q))
                    .copied();
            }
            chain.reverse();
            folder = chain.iter().map(|c| format!("{c}/")).collect();
        } else {
            folder.push_str("articles/");
        }
        let mut slug = slugs[i].clone();
        if e.kind == Kind::Page && folder.is_empty() && RESERVED.contains(&slug.as_str()) {
            let new = format!("{slug}-page");
            report.renamed.push(format!(
                "“{}” (id {}): huddle writes /{slug}/ itself; the page is now `{new}`",
                e.title, e.id
            ));
            slug = new;
        }
        let mut n = 2;
        let base = slug.clone();
        while !taken.insert(format!("{folder}{slug}").to_lowercase()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        if slug != base {
            report.renamed.push(format!(
                "“{}” (id {}): another entry has the slug `{base}`; this one is now `{slug}`",
                e.title, e.id
            ));
        }
        let bundle = e.featured.is_some()
            || e.html.contains("<img")
            || e.html.contains("[gallery")
            || e.html.contains("wp-content/uploads/")
            || e.html.contains("content/images/");
        let source = if bundle {
            format!("{folder}{slug}/index.md")
        } else {
            format!("{folder}{slug}.md")
        };
        out.push(Placed {
            url: format!("/{folder}{slug}/"),
            source,
            slug,
            bundle,
        });
    }
    out
}

/// Finding entries by their old addresses.
struct Lookup {
    by_id: HashMap<String, usize>,
    by_path: HashMap<String, usize>,
    by_slug: HashMap<String, Option<usize>>,
    hosts: Vec<String>,
    /// Attachments by their file (`original_key`), to match a picture's URL.
    attachment_files: HashMap<String, usize>,
    attachment_ids: HashMap<String, usize>,
}

/// `/2025/03/x/` for any spelling of it: decoded, lower case, with the slash.
fn normal_path(path: &str) -> String {
    let p = percent_decoded(path).to_lowercase();
    let p = if p.starts_with('/') {
        p
    } else {
        format!("/{p}")
    };
    if p.ends_with('/') { p } else { format!("{p}/") }
}

impl Lookup {
    fn new(export: &Export, placed: &[Placed], media: &Media) -> Self {
        let mut by_path = HashMap::new();
        let mut by_slug: HashMap<String, Option<usize>> = HashMap::new();
        for (i, e) in export.entries.iter().enumerate() {
            if let Some(p) = &e.permalink {
                let path = url::Url::parse(p)
                    .map(|u| u.path().to_string())
                    .unwrap_or_else(|_| p.clone());
                if !p.contains('?') {
                    by_path.insert(normal_path(&path), i);
                }
            }
            let slug = percent_decoded(&e.slug).to_lowercase();
            for s in [slug, placed[i].slug.clone()] {
                by_slug
                    .entry(s)
                    .and_modify(|v| {
                        if *v != Some(i) {
                            *v = None
                        }
                    })
                    .or_insert(Some(i));
            }
        }
        let mut hosts = Vec::new();
        if let Some(h) = export.site_url.as_ref().and_then(|u| u.host_str()) {
            let bare = h.trim_start_matches("www.").to_string();
            hosts.push(format!("www.{bare}"));
            hosts.push(bare);
        }
        Lookup {
            by_id: export
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.clone(), i))
                .collect(),
            by_path,
            by_slug,
            hosts,
            attachment_files: export
                .attachments
                .iter()
                .enumerate()
                .filter_map(|(i, a)| media.upload_path(&a.url).map(|p| (original_key(&p), i)))
                .collect(),
            attachment_ids: export
                .attachments
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), i))
                .collect(),
        }
    }

    /// The entry an old address points at.
    fn find(&self, u: &url::Url) -> Option<usize> {
        for (k, v) in u.query_pairs() {
            if matches!(k.as_ref(), "p" | "page_id") {
                return self.by_id.get(v.as_ref()).copied();
            }
        }
        let path = normal_path(u.path());
        if let Some(&i) = self.by_path.get(&path) {
            return Some(i);
        }
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        self.by_slug.get(last).copied().flatten()
    }
}

/// One entry, converted: its Markdown file's text and its bundle's files.
struct Converted {
    text: String,
    bundle: Vec<(String, BundleFile)>,
}

/// The converter's questions, answered for one entry.
struct Work<'a> {
    export: &'a Export,
    placed: &'a [Placed],
    lookup: &'a Lookup,
    media: &'a mut Media,
    me: usize,
    base: url::Url,
    notes: Vec<Note>,
    bundle: Vec<(String, BundleFile)>,
    by_source: HashMap<String, String>,
    copied: usize,
    missing: usize,
}

impl Work<'_> {
    /// The bundle's name for a found file (each file once).
    fn add(&mut self, key: &str, found: BundleFile) -> Option<String> {
        if !self.placed[self.me].bundle {
            return None;
        }
        if let Some(name) = self.by_source.get(key) {
            return Some(name.clone());
        }
        let wanted = media::bundle_name(key);
        let mut name = wanted.clone();
        let mut n = 2;
        while name == "index.md" || self.bundle.iter().any(|(b, _)| *b == name) {
            let (stem, ext) = wanted.rsplit_once('.').unwrap_or((&wanted, ""));
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        self.bundle.push((name.clone(), found));
        self.by_source.insert(key.to_string(), name.clone());
        self.copied += 1;
        Some(name)
    }

    /// An upload found (or not): the bundle's file name, or why not.
    fn fetch(&mut self, url: &str) -> Result<String, String> {
        match self.media.find(url) {
            Found::Local(path) => {
                let key = path.display().to_string();
                self.add(&key, BundleFile::Copy(path))
                    .ok_or_else(|| "not in a bundle".into())
            }
            Found::Downloaded(bytes, from) => self
                .add(&from, BundleFile::Bytes(bytes))
                .ok_or_else(|| "not in a bundle".into()),
            Found::Missing { why } => Err(why),
        }
    }

    /// An attachment by its id (`wp-image-201`) or its file.
    fn attachment(&self, src: &str, class: &str) -> Option<&model::Attachment> {
        let id = class
            .split_whitespace()
            .find_map(|c| c.strip_prefix("wp-image-"));
        if let Some(&i) = id.and_then(|id| self.lookup.attachment_ids.get(id)) {
            return self.export.attachments.get(i);
        }
        let want = self.media.upload_path(src)?;
        let i = *self.lookup.attachment_files.get(&original_key(&want))?;
        self.export.attachments.get(i)
    }
}

/// An upload's path without WordPress's size suffix, for matching.
fn original_key(rel: &str) -> String {
    media::bundle_name(rel.rsplit('/').next().unwrap_or(rel))
        .rsplit_once('.')
        .map(|(stem, _)| {
            let stem = stem.strip_suffix("-scaled").unwrap_or(stem);
            match stem.rsplit_once('-') {
                Some((head, size))
                    if size.split_once('x').is_some_and(|(w, h)| {
                        !w.is_empty()
                            && !h.is_empty()
                            && w.chars().chain(h.chars()).all(|c| c.is_ascii_digit())
                    }) =>
                {
                    head.to_string()
                }
                _ => stem.to_string(),
            }
        })
        .unwrap_or_default()
        + "@"
        + rel.rsplit_once('/').map_or("", |(d, _)| d)
}

impl Resolve for Work<'_> {
    fn note(&mut self, note: Note) -> String {
        self.notes.push(note);
        format!("HUDDLEMARK{}X", self.notes.len() - 1)
    }

    fn link(&mut self, href: &str) -> LinkTo {
        let href = href.trim();
        if href.is_empty()
            || href.starts_with('#')
            || href.starts_with("mailto:")
            || href.starts_with("tel:")
        {
            return LinkTo::Keep;
        }
        let Ok(u) = self.base.join(href) else {
            return LinkTo::Keep;
        };
        let ours = u
            .host_str()
            .is_some_and(|h| self.lookup.hosts.iter().any(|o| o == h))
            || u.host_str() == Some("old-site.invalid");
        if !ours {
            return LinkTo::Keep;
        }
        if let Some(i) = self.lookup.find(&u) {
            let target = &self.export.entries[i];
            let fragment = u.fragment().map(|f| format!("#{f}")).unwrap_or_default();
            let published = |e: &Entry| e.status == Status::Published;
            if published(&self.export.entries[self.me]) && !published(target) {
                let mark = self.note(Note {
                    kind: NoteKind::Link,
                    text: format!(
                        "linked to “{}”, which is not published ({}); the link was taken out and its text kept: link it again as [text](@/{}) once it is",
                        target.title,
                        match &target.status {
                            Status::Scheduled => "scheduled",
                            Status::Unpublished(why) => why,
                            Status::Published => "published",
                        },
                        self.placed[i].source
                    ),
                });
                return LinkTo::Unlink(mark);
            }
            return LinkTo::To(format!("@/{}{fragment}", self.placed[i].source));
        }
        if self.media.upload_path(u.as_str()).is_some() {
            return match self.fetch(u.as_str()) {
                Ok(name) => LinkTo::To(name),
                Err(why) => {
                    let abs = self
                        .media
                        .absolute(href)
                        .unwrap_or_else(|| href.to_string());
                    let mark = self.note(Note {
                        kind: NoteKind::Missing,
                        text: format!(
                            "the file {abs} is linked but {why}; the link goes to the old site"
                        ),
                    });
                    LinkTo::Marked(abs, mark)
                }
            };
        }
        let abs = self
            .export
            .site_url
            .as_ref()
            .and_then(|s| s.join(u.path()).ok())
            .map(String::from);
        let text = match &abs {
            Some(a) => format!(
                "the link to {} points at a page of the old site that is not in the export; it now goes to {a}",
                u.path()
            ),
            None => format!(
                "the link to {} points at a page that is not in the export; pass --url with the old address to keep it working",
                u.path()
            ),
        };
        let mark = self.note(Note {
            kind: NoteKind::Link,
            text,
        });
        match abs {
            Some(a) => LinkTo::Marked(a, mark),
            None => LinkTo::Unlink(mark),
        }
    }

    fn image(&mut self, src: &str, alt: &str, class: &str) -> ImageTo {
        let mut marks = Vec::new();
        let mut alt = alt.trim().to_string();
        if alt.is_empty() {
            let guess = self.attachment(src, class).and_then(|a| {
                a.alt
                    .clone()
                    .map(|x| (x, "the attachment's alt text"))
                    .or_else(|| {
                        let stem = media::bundle_name(&a.url);
                        let looks_like_file =
                            slug::slugify(&a.title) == stem.rsplit_once('.').map_or("", |(s, _)| s);
                        (!a.title.trim().is_empty() && !looks_like_file)
                            .then(|| (a.title.clone(), "the attachment's title"))
                    })
            });
            match guess {
                Some((text, from)) => {
                    marks.push(self.note(Note { kind: NoteKind::Alt, text: format!("alt text “{text}” taken from {from}: check that it describes the picture") }));
                    alt = text;
                }
                None => marks.push(self.note(Note {
                    kind: NoteKind::Error,
                    text: "a picture has no alt text and none could be found: describe it between the brackets of ![…](…); until then the build reports it".into(),
                })),
            }
        }
        let mut src_out = src.to_string();
        if self.media.upload_path(src).is_some() {
            match self.fetch(src) {
                Ok(name) => src_out = name,
                Err(why) => {
                    self.missing += 1;
                    match self.media.absolute(src) {
                        Some(abs) => {
                            marks.push(self.note(Note { kind: NoteKind::Missing, text: format!("the picture {abs} is missing: {why}; it is shown from the old site until you add the file") }));
                            src_out = abs;
                        }
                        None => marks.push(self.note(Note { kind: NoteKind::Error, text: format!("the picture {src} is missing: {why}; the build reports it until you add the file or pass --url") })),
                    }
                }
            }
        }
        ImageTo {
            src: src_out,
            alt,
            mark: (!marks.is_empty()).then(|| marks.join(" ")),
        }
    }
}

#[derive(Serialize)]
struct Front {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attitudes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    practices: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_alt: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<Extra>,
}

#[derive(Serialize)]
struct Extra {
    tags: Vec<String>,
}

fn rfc3339(t: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    t.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Ghost writes its own address as `__GHOST_URL__`: the old site's, when
/// known, else nothing (a path from the site root).
fn ghost_urls(text: &str, flavor: Flavor, site: Option<&url::Url>) -> String {
    match (flavor, site) {
        (Flavor::Ghost, Some(u)) => text.replace("__GHOST_URL__", u.as_str().trim_end_matches('/')),
        (Flavor::Ghost, None) => text.replace("__GHOST_URL__", ""),
        _ => text.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn convert_entry(
    export: &Export,
    i: usize,
    html: &str,
    placed: &[Placed],
    lookup: &Lookup,
    media: &mut Media,
    mapping: &tags::Mapping,
    vocab: &Vocabulary,
    zone: &jiff::tz::TimeZone,
    flavor: Flavor,
    report: &mut report::Report,
    now: jiff::Timestamp,
) -> Converted {
    let e = &export.entries[i];
    let old_base = export
        .site_url
        .clone()
        .unwrap_or_else(|| url::Url::parse("https://old-site.invalid/").expect("a valid URL"));
    let base = e
        .permalink
        .as_deref()
        .and_then(|p| old_base.join(p).ok())
        .unwrap_or(old_base);
    let mut work = Work {
        export,
        placed,
        lookup,
        media,
        me: i,
        base,
        notes: Vec::new(),
        bundle: Vec::new(),
        by_source: HashMap::new(),
        copied: 0,
        missing: 0,
    };
    let html = ghost_urls(html, flavor, export.site_url.as_ref());
    if flavor == Flavor::Ghost && html.trim().is_empty() {
        report.notes_general.push(format!(
            "“{}” has no HTML in the export (only Ghost's editor data), so its text is empty: copy it in by hand",
            e.title
        ));
    }
    let attachments = |id: &str| {
        export
            .attachment(id)
            .map(|a| (a.url.clone(), a.alt.clone().unwrap_or_default()))
    };
    let (body, removed) = convert::to_markdown(&html, flavor, &mut work, &attachments);

    // Featured image.
    let mut image = None;
    let mut image_alt = None;
    let mut featured_notes: Vec<Note> = Vec::new();
    if let Some(f) = &e.featured {
        let url = ghost_urls(&f.url, flavor, export.site_url.as_ref());
        match work.fetch(&url) {
            Ok(name) => {
                image = Some(name);
                let alt = f.alt.clone().filter(|a| !a.trim().is_empty());
                image_alt = alt.or_else(|| {
                    let guess = work
                        .attachment(&url, "")
                        .map(|a| a.title.clone())
                        .filter(|t| !t.trim().is_empty())
                        .or_else(|| f.caption.as_deref().map(one_line).filter(|c| !c.is_empty()));
                    match &guess {
                        Some(g) => featured_notes.push(Note { kind: NoteKind::Alt, text: format!("the featured image's alt text “{g}” was guessed from its title or caption: check it") }),
                        None => featured_notes.push(Note { kind: NoteKind::Error, text: "the featured image has no alt text: write it as `image_alt:`; until then the build reports it".into() }),
                    }
                    guess
                });
            }
            Err(why) => {
                work.missing += 1;
                featured_notes.push(Note {
                    kind: NoteKind::Missing,
                    text: format!(
                        "the featured image {url} is missing ({why}), so the article has none"
                    ),
                });
            }
        }
    }

    // Tags.
    let mut level = None;
    let mut attitudes = Vec::new();
    let mut practices = Vec::new();
    let mut extra_tags = Vec::new();
    for &t in &e.terms {
        match &mapping.targets[t].0 {
            Target::Term(kind, slug) if e.kind == Kind::Post => match kind {
                TaxonomyKind::Level => {
                    if level.is_none() {
                        level = Some(slug.clone());
                    } else if level.as_ref() != Some(slug) {
                        report.notes_general.push(format!(
                            "“{}” had a second level, `{slug}`; it keeps `{}`",
                            e.title,
                            level.as_deref().unwrap_or("")
                        ));
                    }
                }
                TaxonomyKind::Attitude if !attitudes.contains(slug) => attitudes.push(slug.clone()),
                TaxonomyKind::Practice if !practices.contains(slug) => practices.push(slug.clone()),
                _ => {}
            },
            Target::Drop => {}
            _ => {
                let name = export.terms[t].name.clone();
                if !extra_tags.contains(&name) {
                    extra_tags.push(name);
                }
            }
        }
    }

    let p = &placed[i];
    let draft = matches!(e.status, Status::Unpublished(_));
    let date = e
        .date
        .or_else(|| {
            e.local_date
                .and_then(|d| d.to_zoned_datetime(zone.clone()).ok())
                .map(|z| z.timestamp())
        })
        .or(e.modified)
        .unwrap_or(now);
    let updated = e
        .modified
        .filter(|m| m.as_second() > date.as_second() + 60 && e.kind == Kind::Post);
    let mut aliases = Vec::new();
    if let Some(link) = &e.permalink
        && !link.contains('?')
    {
        let path = url::Url::parse(link)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| link.clone());
        let path = percent_decoded(&path);
        let path =
            if path.ends_with('/') || path.rsplit('/').next().is_some_and(|l| l.contains('.')) {
                path
            } else {
                format!("{path}/")
            };
        if path != p.url && path != "/" && !path.split('/').any(|s| s == ".." || s == ".") {
            aliases.push(path);
        }
    }
    let description = Some(one_line(&e.excerpt)).filter(|d| !d.is_empty());
    let title = if e.title.trim().is_empty() {
        report.notes_general.push(format!(
            "entry {} had no title; it is called “Untitled”",
            e.id
        ));
        "Untitled".to_string()
    } else {
        e.title.trim().to_string()
    };
    let front = Front {
        title,
        date: (e.kind == Kind::Post).then(|| rfc3339(date, zone)),
        updated: updated.map(|u| rfc3339(u, zone)),
        description,
        slug: p.slug.clone(),
        level,
        attitudes,
        practices,
        draft,
        image,
        image_alt,
        aliases,
        extra: (!extra_tags.is_empty()).then_some(Extra { tags: extra_tags }),
    };
    let yaml = serde_yaml::to_string(&front).unwrap_or_default();
    let (body, marks) = convert::place_marks(&body);
    let front_lines = yaml.lines().count();
    let body_offset = front_lines + 3;
    let file = format!("content/{}", p.source);
    let image_line = yaml
        .lines()
        .position(|l| l.starts_with("image:"))
        .map_or(2, |n| n + 2);
    if e.kind == Kind::Post && front.level.is_none() {
        let levels: Vec<&str> = vocab.levels.iter().map(|l| l.slug.as_str()).collect();
        report.add(&file, 2, Note {
            kind: NoteKind::Error,
            text: format!(
                "no category or tag of this article maps onto a level, and articles need one: add `level:` ({}) or map a category onto a level in import-map.toml",
                levels.join(", ")
            ),
        });
    }
    for note in featured_notes {
        report.add(&file, image_line, note);
    }
    for (n, line) in marks {
        if let Some(note) = work.notes.get(n) {
            report.add(&file, body_offset + line, note.clone());
        }
    }
    report.count(e, &removed, work.copied, work.missing, &file);
    let text = format!("---\n{yaml}---\n\n{body}\n");
    Converted {
        text,
        bundle: work.bundle,
    }
}

/// Shows how the import goes: a bar on a terminal (indicatif), a line every
/// hundred entries otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "import: {bar:30} {pos} of {len} posts and pages converted",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress { bar, total }
    }

    fn tell(&self, done: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                if done == self.total {
                    bar.finish_and_clear();
                }
            }
            None if done.is_multiple_of(100) && done < self.total => {
                eprintln!("import: {done} of {} posts and pages converted", self.total);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_inside_their_folder() {
        assert_eq!(safe_slug("../../escape", "Escaping", "114").0, "escape");
        assert!(safe_slug("../../escape", "Escaping", "114").1.is_some());
        assert_eq!(
            safe_slug("%c3%bcber-vertrauen", "Über", "113"),
            ("über-vertrauen".to_string(), None)
        );
        assert_eq!(
            safe_slug("", "Half-written thoughts", "103").0,
            "half-written-thoughts"
        );
        assert_eq!(safe_slug("..", "", "7").0, "untitled-7");
    }
}
