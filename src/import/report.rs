//! `import-report.md` and the terminal's summary: the counts, the tag
//! mapping, and everything that needs a human look, at its file and line.

use std::fmt::Write as _;
use std::path::Path;

use super::Platform;
use super::convert::{Note, NoteKind, Removed};
use super::model::{Entry, Export, Kind, Status};
use super::tags::Mapping;

pub struct Report {
    source: String,
    platform: Platform,
    site: String,
    articles: usize,
    pages: usize,
    drafts: usize,
    scheduled: usize,
    pub downloads: usize,
    copied: usize,
    missing: usize,
    removed: Removed,
    removed_from: Vec<(String, Removed)>,
    /// (kind, file, line, text), in the order found.
    notes: Vec<(NoteKind, String, usize, String)>,
    pub renamed: Vec<String>,
    pub notes_general: Vec<String>,
    comments_seen: usize,
}

impl Report {
    pub fn new(source: &str, platform: Platform, export: &Export) -> Self {
        Report {
            source: source.to_string(),
            platform,
            site: export
                .site_url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            articles: 0,
            pages: 0,
            drafts: 0,
            scheduled: 0,
            downloads: 0,
            copied: 0,
            missing: 0,
            removed: Removed::default(),
            removed_from: Vec::new(),
            notes: Vec::new(),
            renamed: Vec::new(),
            notes_general: Vec::new(),
            comments_seen: export.skipped.comments,
        }
    }

    pub fn add(&mut self, file: &str, line: usize, note: Note) {
        self.notes
            .push((note.kind, file.to_string(), line, note.text));
    }

    pub fn count(
        &mut self,
        e: &Entry,
        removed: &Removed,
        copied: usize,
        missing: usize,
        file: &str,
    ) {
        match e.kind {
            Kind::Post => self.articles += 1,
            Kind::Page => self.pages += 1,
        }
        match e.status {
            Status::Unpublished(_) => self.drafts += 1,
            Status::Scheduled => self.scheduled += 1,
            Status::Published => {}
        }
        self.copied += copied;
        self.missing += missing;
        let r = &mut self.removed;
        r.signup_forms += removed.signup_forms;
        r.share_buttons += removed.share_buttons;
        r.reading_times += removed.reading_times;
        r.status_texts += removed.status_texts;
        if removed.signup_forms
            + removed.share_buttons
            + removed.reading_times
            + removed.status_texts
            > 0
        {
            self.removed_from.push((file.to_string(), *removed));
        }
    }

    fn of(&self, kind: NoteKind) -> Vec<&(NoteKind, String, usize, String)> {
        self.notes.iter().filter(|n| n.0 == kind).collect()
    }

    pub fn markdown(
        &self,
        export: &Export,
        mapping: &Mapping,
        counts: &[usize],
        command: &str,
        dry_run: bool,
    ) -> String {
        let mut o = String::new();
        let platform = match self.platform {
            Platform::WordPress => "WordPress",
            Platform::Ghost => "Ghost",
        };
        let _ = writeln!(o, "# Import report\n");
        let _ = writeln!(
            o,
            "{} `{}` ({platform}{}{}).{}\n",
            if dry_run {
                "A dry run of importing"
            } else {
                "Imported"
            },
            self.source,
            if export.title.is_empty() {
                String::new()
            } else {
                format!(", “{}”", export.title)
            },
            if self.site.is_empty() {
                String::new()
            } else {
                format!(", {}", self.site)
            },
            if dry_run { " Nothing was written." } else { "" }
        );
        let s = export.skipped;
        let _ = writeln!(o, "## Counts\n\n| what | how many |\n|---|---|");
        for (what, n) in [
            ("articles (posts)", self.articles),
            ("pages", self.pages),
            (
                "drafts (draft, pending, private, password-protected or members only: `draft: true`)",
                self.drafts,
            ),
            ("scheduled (published on their date)", self.scheduled),
            (
                "images copied into page bundles",
                self.copied - self.downloads.min(self.copied),
            ),
            ("images downloaded (--download)", self.downloads),
            ("images missing", self.missing),
            ("comments (not imported)", s.comments),
            ("trashed posts (not imported)", s.trashed),
            (
                "revisions, menu items and other records (not imported)",
                s.revisions + s.menu_items + s.other,
            ),
        ] {
            let _ = writeln!(o, "| {what} | {n} |");
        }
        let _ = writeln!(o, "\n## Categories and tags\n");
        if export.terms.is_empty() {
            let _ = writeln!(o, "The export has none.");
        } else {
            let _ = writeln!(
                o,
                "| category or tag | entries | became | because |\n|---|---|---|---|"
            );
            for (i, t) in export.terms.iter().enumerate() {
                let (target, how) = &mapping.targets[i];
                let _ = writeln!(
                    o,
                    "| {} “{}” (`{}`) | {} | {} | {how} |",
                    t.taxonomy,
                    t.name.replace('|', "\\|"),
                    t.slug,
                    counts[i],
                    target.describe()
                );
            }
            let _ = writeln!(
                o,
                "\nTo choose differently, edit `import-map.toml` and run:\n\n    {command} --map import-map.toml --force"
            );
        }
        let sections = [
            (
                NoteKind::Error,
                "Errors the build will report until you fix them",
            ),
            (NoteKind::Missing, "Missing pictures and files"),
            (NoteKind::Alt, "Guessed alt text (check each one)"),
            (
                NoteKind::Guess,
                "Shortcodes, embeds and blocks that needed a guess",
            ),
            (NoteKind::Link, "Links that needed a change"),
        ];
        let _ = writeln!(o, "\n## Needs a look\n");
        let mut any = false;
        for (kind, title) in sections {
            let notes = self.of(kind);
            if notes.is_empty() {
                continue;
            }
            any = true;
            let _ = writeln!(o, "### {title} ({})\n", notes.len());
            for (_, file, line, text) in notes {
                let _ = writeln!(o, "- `{file}:{line}`: {text}");
            }
            o.push('\n');
        }
        if !self.renamed.is_empty() {
            any = true;
            let _ = writeln!(o, "### Renamed ({})\n", self.renamed.len());
            for r in &self.renamed {
                let _ = writeln!(o, "- {r}");
            }
            o.push('\n');
        }
        if !self.notes_general.is_empty() {
            any = true;
            let _ = writeln!(o, "### Other\n");
            for r in &self.notes_general {
                let _ = writeln!(o, "- {r}");
            }
            o.push('\n');
        }
        if !any {
            let _ = writeln!(o, "Nothing: every entry converted without a guess.\n");
        }
        let r = self.removed;
        if !self.removed_from.is_empty() {
            let _ = writeln!(
                o,
                "## Removed (huddle's own reading time and sign-up form replace them)\n\n{} sign-up form(s), {} share-button block(s), {} reading-time line(s), {} sign-up status text(s), from:\n",
                r.signup_forms, r.share_buttons, r.reading_times, r.status_texts
            );
            for (file, _) in &self.removed_from {
                let _ = writeln!(o, "- `{file}`");
            }
            o.push('\n');
        }
        let errors = self.of(NoteKind::Error).len();
        let _ = writeln!(
            o,
            "## Next step\n\nRun `huddle serve --watch` in the site folder and read the imported pages; {}then `huddle build`. Articles are under `content/articles/`, pages under `content/`; the old addresses redirect to the new ones (`aliases`).",
            if errors > 0 {
                format!("fix the {errors} error(s) above (the build names each at its line), ")
            } else {
                String::new()
            }
        );
        o
    }

    pub fn summary(&self, dry_run: bool, root: &Path) -> Vec<String> {
        let mut lines = vec![format!(
            "{} {} article{} and {} page{} ({} draft{}, {} scheduled){}",
            if dry_run { "would import" } else { "imported" },
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.pages,
            if self.pages == 1 { "" } else { "s" },
            self.drafts,
            if self.drafts == 1 { "" } else { "s" },
            self.scheduled,
            if dry_run {
                String::new()
            } else {
                format!(" into {}", root.display())
            }
        )];
        lines.push(format!(
            "pictures: {} copied, {} downloaded, {} missing; {} comment{} not imported",
            self.copied - self.downloads.min(self.copied),
            self.downloads,
            self.missing,
            self.comments(),
            if self.comments() == 1 { "" } else { "s" }
        ));
        let look = self.notes.len() + self.renamed.len();
        let errors = self.of(NoteKind::Error).len();
        lines.push(format!(
            "{look} thing{} to look at ({errors} the build will report as errors){}",
            if look == 1 { "" } else { "s" },
            if dry_run {
                String::new()
            } else {
                ": see import-report.md".into()
            }
        ));
        if !dry_run {
            lines.push(
                "next: huddle serve --watch to read the imported site, then huddle build".into(),
            );
        }
        lines
    }

    fn comments(&self) -> usize {
        self.comments_seen
    }
}
