//! The output files a render makes, one job each: where each goes, which
//! template renders it, and how a page job is rendered (also alone, for serve's
//! express lane).

use super::templates::render_one;
use super::*;
use crate::vocab::TaxonomyKind;

/// One output file to render.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    Page(usize),
    EmptyHome,
    Taxonomy(TaxonomyKind),
    /// A term's index in its taxonomy's list.
    Term(TaxonomyKind, usize),
    Checklists,
    Search,
    Newsletter,
    /// The site's feed (None) or a level's.
    Feed(Option<usize>),
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
        Job::Search => "search/index.html".into(),
        Job::Newsletter => "newsletter/index.html".into(),
        Job::Feed(None) => "atom.xml".into(),
        Job::Feed(Some(l)) => format!("levels/{}/atom.xml", vocab.levels[l].slug),
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
        Job::Search => "search.html",
        Job::Newsletter => "newsletter.html",
        Job::Feed(_) => "atom.xml",
        Job::Sitemap => "sitemap.xml",
        Job::Robots => "robots.txt",
        Job::Alias(_) => "alias.html",
        Job::NotFound => "404.html",
    }
}

pub(super) fn page_context(views: &Views, path: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert("current_path", &views.url(path));
    ctx.insert("current_url", &views.permalink(path));
    ctx
}

/// Page `i` (a page, section or home) with its body. `position`: its place
/// among the articles, if one.
pub(super) fn render_page(
    views: &Views,
    templates: &Templates,
    sections: &std::collections::BTreeMap<String, (Vec<usize>, Vec<usize>)>,
    position: Option<usize>,
    i: usize,
    body: &str,
) -> Result<OutputFile, Diagnostic> {
    let page = &views.graph.pages[i];
    let mut ctx = page_context(views, &page.path);
    let template = job_template(Job::Page(i), views.graph);
    match page.kind {
        PageKind::Page => ctx.insert("page", &views.page(i, position, body)),
        PageKind::Home | PageKind::Section => {
            let members = sections.get(&page.section_dir).cloned().unwrap_or_default();
            ctx.insert("section", &views.section(Some(page), body, &members));
        }
    }
    render_one(templates, template, &ctx, page.output_file())
}
