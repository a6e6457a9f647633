//! The output files a render makes, one job each: where each goes, which
//! template renders it, and how a page job is rendered (also alone, for serve's
//! express lane).

use serde::Serialize;

use super::templates::render_one;
use super::*;
use crate::feeds::{AliasView, FeedView, SitemapEntry};
use crate::views::{
    ArchiveView, ChecklistsPageView, EmailView, ListId, PageView, PaginatorView, SectionView,
    TaxonomyView, TermView, page_path,
};
use crate::vocab::TaxonomyKind;

/// The three files of a newsletter issue's email, next to its web version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPart {
    Html,
    Text,
    Markdown,
}

impl EmailPart {
    pub const ALL: [EmailPart; 3] = [EmailPart::Html, EmailPart::Text, EmailPart::Markdown];

    pub fn file_name(self) -> &'static str {
        match self {
            EmailPart::Html => "email.html",
            EmailPart::Text => "email.txt",
            EmailPart::Markdown => "email.md",
        }
    }

    fn template(self) -> &'static str {
        match self {
            EmailPart::Html => "newsletter_email.html",
            EmailPart::Text => "newsletter_email.txt",
            EmailPart::Markdown => "newsletter_email.md",
        }
    }
}

/// Where issue `n`'s email file `part` goes: beside its web version.
pub fn email_path(graph: &SiteGraph, n: usize, part: EmailPart) -> OutputPath {
    let page = graph.pages[graph.issues[n].0].output_file();
    let dir = page.as_str().rsplit_once('/').map_or("", |(d, _)| d);
    OutputPath::new(if dir.is_empty() {
        part.file_name().to_string()
    } else {
        format!("{dir}/{}", part.file_name())
    })
}

/// One output file to render.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    Page(usize),
    EmptyHome,
    Taxonomy(TaxonomyKind),
    /// A term's index in its taxonomy's list.
    Term(TaxonomyKind, usize),
    Checklists,
    /// Page n (from 2) of a list; page 1 is the list's own job.
    ListPage(ListId, usize),
    Search,
    /// /levels/check/: the level self-check.
    LevelCheck,
    Newsletter,
    /// /newsletter/archive/: every issue.
    IssueArchive,
    /// Issue n (its place in `graph.issues`) as one of its email files.
    Email(usize, EmailPart),
    /// The site's feed (None) or a level's, in one format.
    Feed(Option<usize>, crate::feeds::FeedFormat),
    Sitemap,
    Robots,
    /// Index into the alias list.
    Alias(usize),
    NotFound,
}

pub(super) fn job_path(
    job: Job,
    graph: &SiteGraph,
    vocab: &Vocabulary,
    aliases: &[(String, crate::feeds::AliasView)],
) -> OutputPath {
    OutputPath::new(match job {
        Job::Page(i) => return graph.pages[i].output_file(),
        Job::EmptyHome => "index.html".into(),
        Job::Taxonomy(kind) => format!("{}/index.html", kind.plural()),
        Job::Term(kind, t) => format!("{}/{}/index.html", kind.plural(), vocab.term_slug(kind, t)),
        Job::Checklists => "checklists/index.html".into(),
        Job::ListPage(list, n) => format!("{}index.html", page_path(&list.path(graph, vocab), n)),
        Job::Search => "search/index.html".into(),
        Job::LevelCheck => "levels/check/index.html".into(),
        Job::Newsletter => "newsletter/index.html".into(),
        Job::IssueArchive => "newsletter/archive/index.html".into(),
        Job::Email(n, part) => return email_path(graph, n, part),
        Job::Feed(None, f) => f.file_name().into(),
        Job::Feed(Some(l), f) => format!("levels/{}/{}", vocab.levels[l].slug, f.file_name()),
        Job::Sitemap => "sitemap.xml".into(),
        Job::Robots => "robots.txt".into(),
        Job::Alias(a) => aliases[a].0.clone(),
        Job::NotFound => "404.html".into(),
    })
}

impl Job {
    /// The template that renders it.
    pub fn template(self, graph: &SiteGraph) -> &'static str {
        job_template(self, graph)
    }
}

pub(super) fn job_template(job: Job, graph: &SiteGraph) -> &'static str {
    match job {
        Job::Page(i) => match graph.pages[i].kind {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        },
        Job::EmptyHome => "index.html",
        Job::Taxonomy(_) => "taxonomy_list.html",
        Job::Term(..) => "taxonomy_term.html",
        Job::Checklists => "checklists.html",
        Job::ListPage(ListId::Section(_), _) => "section.html",
        Job::ListPage(ListId::Term(..), _) => "taxonomy_term.html",
        Job::ListPage(ListId::Checklists, _) => "checklists.html",
        Job::Search => "search.html",
        Job::LevelCheck => "level_check.html",
        Job::Newsletter => "newsletter.html",
        Job::IssueArchive => "newsletter_archive.html",
        Job::Email(_, part) => part.template(),
        Job::Feed(_, f) => f.file_name(),
        Job::Sitemap => "sitemap.xml",
        Job::Robots => "robots.txt",
        Job::Alias(_) => "alias.html",
        Job::NotFound => "404.html",
    }
}

/// What one job's template receives besides the global variables: built
/// once, then turned into the template's context, or (serve) stamped.
#[derive(Serialize)]
pub struct JobData<'a> {
    pub template: &'static str,
    pub current_path: String,
    pub current_url: String,
    pub view: JobView<'a>,
    /// Where a page of a paginated list is in it (`paginator`).
    pub paginator: Option<PaginatorView>,
}

/// The view of a job, under the name its template reads it by.
#[derive(Serialize)]
// One lives per job being rendered, briefly; boxing the page's view would
// cost an allocation per page for nothing.
#[allow(clippy::large_enum_variant)]
pub enum JobView<'a> {
    /// `page`
    Page(PageView<'a>),
    /// `section` (home and sections)
    Section(SectionView<'a>),
    /// `taxonomy`
    Taxonomy(TaxonomyView<'a>),
    /// `taxonomy` and `term`
    Term(TaxonomyView<'a>, TermView<'a>),
    /// `checklists`
    Checklists(ChecklistsPageView<'a>),
    /// `feed`
    Feed(FeedView<'a>),
    /// `entries`
    Sitemap(Vec<SitemapEntry>),
    /// `alias`
    Alias(&'a AliasView<'a>),
    /// `archive` (the newsletter page and the archive of issues)
    Archive(ArchiveView),
    /// `email`
    Email(EmailView<'a>),
    /// `search`: where the index's bundles are.
    Search(crate::views::SearchView),
    /// `check`: the self-check's questions and levels.
    LevelCheck(crate::views::LevelCheckView<'a>),
    /// Only the globals (robots.txt, 404).
    Plain,
}

impl<'a> JobData<'a> {
    /// `view` for the page at site path `path`, rendered by `template`.
    pub(super) fn new(
        views: &Views,
        template: &'static str,
        path: &str,
        view: JobView<'a>,
    ) -> Self {
        JobData {
            template,
            current_path: views.url(path),
            current_url: views.permalink(path),
            view,
            paginator: None,
        }
    }

    /// The same, as page `paginator.number` of a paginated list.
    pub(super) fn paged(mut self, paginator: Option<PaginatorView>) -> Self {
        self.paginator = paginator;
        self
    }

    /// The template's context (docs/templates.md lists it).
    pub(super) fn context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("current_path", &self.current_path);
        ctx.insert("current_url", &self.current_url);
        if let Some(paginator) = &self.paginator {
            ctx.insert("paginator", paginator);
        }
        match &self.view {
            JobView::Page(page) => ctx.insert("page", page),
            JobView::Section(section) => ctx.insert("section", section),
            JobView::Taxonomy(taxonomy) => ctx.insert("taxonomy", taxonomy),
            JobView::Term(taxonomy, term) => {
                ctx.insert("taxonomy", taxonomy);
                ctx.insert("term", term);
            }
            JobView::Checklists(checklists) => ctx.insert("checklists", checklists),
            JobView::Feed(feed) => ctx.insert("feed", feed),
            JobView::Sitemap(entries) => ctx.insert("entries", entries),
            JobView::Alias(alias) => ctx.insert("alias", alias),
            JobView::Archive(archive) => ctx.insert("archive", archive),
            JobView::Email(email) => ctx.insert("email", email),
            JobView::Search(search) => ctx.insert("search", search),
            JobView::LevelCheck(check) => ctx.insert("check", check),
            JobView::Plain => {}
        }
        ctx
    }

    pub(super) fn render(
        &self,
        templates: &Templates,
        path: OutputPath,
    ) -> Result<OutputFile, Diagnostic> {
        render_one(templates, self.template, &self.context(), path, |_| {})
    }

    /// `render`, with the rendered text shown to `inspect` first.
    pub(super) fn render_inspecting(
        &self,
        templates: &Templates,
        path: OutputPath,
        inspect: impl FnOnce(&str),
    ) -> Result<OutputFile, Diagnostic> {
        render_one(templates, self.template, &self.context(), path, inspect)
    }
}

/// Page `i`'s data (a page, section or home) with its body. `position`: its
/// place among the articles, if one.
pub(super) fn page_data<'b>(
    views: &Views<'b>,
    sections: &std::collections::BTreeMap<String, (Vec<usize>, Vec<usize>)>,
    position: Option<usize>,
    i: usize,
    body: &'b str,
) -> JobData<'b> {
    let page = &views.graph.pages[i];
    let template = job_template(Job::Page(i), views.graph);
    let (view, paginator) = match page.kind {
        PageKind::Page => (JobView::Page(views.page(i, position, body)), None),
        PageKind::Home | PageKind::Section => {
            let members = sections.get(&page.section_dir).cloned().unwrap_or_default();
            let (shown, paginator) = match ListId::of_page(views.graph, i) {
                Some(list) => views.page_of(list, members.0.len(), 1),
                None => (0..members.0.len(), None),
            };
            let view = views.section(Some(page), body, &members, shown);
            (JobView::Section(view), paginator)
        }
    };
    JobData::new(views, template, &page.path, view).paged(paginator)
}
