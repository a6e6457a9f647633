//! A render's plan: the global template variables (`config`, `assets`,
//! `newsletter`, `site`), every output file as a `Job` with its path, and
//! what the jobs share (sections, article positions, aliases, the feeds'
//! bodies). `render` renders any subset of the jobs, in parallel.

use std::collections::{BTreeMap, HashMap};

use super::jobs::{EmailPart, JobData, JobView, job_path, page_data};
use super::*;
use crate::feeds::{AliasView, FeedFormat};
use crate::graph::sections;
use crate::views::{ChecklistGroups, IssueText, LinkView, ListId, Listed, page_count, page_path};
use crate::vocab::TaxonomyKind;

/// Every output file of a render, ready to render.
pub struct Plan<'a> {
    input: RenderInput<'a>,
    views: Views<'a>,
    templates: &'a Templates,
    /// Section folder → (listed pages, subsections).
    sections: BTreeMap<String, (Vec<usize>, Vec<usize>)>,
    /// Per page: its place among the articles, if one.
    positions: Vec<Option<usize>>,
    aliases: Vec<(String, AliasView<'a>)>,
    /// Every paginated list and its number of pages.
    lists: Vec<(ListId, usize)>,
    /// What the checklists page lists, for each of its pages.
    checklists: ChecklistGroups,
    jobs: Vec<Job>,
    paths: Vec<OutputPath>,
    static_paths: Vec<String>,
    /// The few articles' bodies the feeds show (page jobs may free theirs).
    feed_bodies: HashMap<usize, String>,
    /// Each newsletter issue's own text for its emails (by its place in
    /// `graph.issues`).
    issue_texts: Vec<IssueText>,
    /// The global `site` variable, by part, and its `articles` as listed.
    site: BTreeMap<&'static str, tera::Value>,
    site_articles: Vec<Listed>,
    /// With `scan_links`: what each job's file links to, read as it is
    /// rendered (for `outlinks`; a build's check, not serve's).
    link_scans: Option<Vec<std::sync::Mutex<Option<crate::outlinks::LinkScan>>>>,
}

impl<'a> Plan<'a> {
    /// Lists the jobs and sets the templates' global variables. Fails when two
    /// files would be written to one path, before anything is rendered.
    pub fn new(
        input: RenderInput<'a>,
        templates: &'a mut Templates,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut timer = crate::StageTimer::from_env();
        let views = input.views();
        let graph = input.graph;
        let (static_paths, static_urls) = fingerprint(
            input.static_files,
            &input.config.base_path,
            !input.config.dev_server,
        );
        let (site, site_articles) = set_globals(&views, templates, &static_urls);
        let templates: &'a Templates = templates;
        timer.mark("    globals");
        let sections = sections(graph);
        timer.mark("    sections");
        let checklists = views.checklist_groups();
        timer.mark("    checklists");
        let lists = paginated_lists(&views, &sections, checklists.entries);
        let mut aliases = crate::feeds::aliases(&views);
        aliases.extend(first_page_redirects(&views, &lists));
        timer.mark("    lists");
        let mut positions = vec![None; graph.pages.len()];
        for (pos, &i) in graph.articles.iter().enumerate() {
            positions[i] = Some(pos);
        }
        let jobs = list_jobs(graph, input.vocab, input.config, aliases.len(), &lists);
        let paths: Vec<OutputPath> = jobs
            .iter()
            .map(|job| job_path(*job, graph, input.vocab, &aliases))
            .collect();
        timer.mark("    jobs");
        let mut plan = Plan {
            input,
            views,
            templates,
            sections,
            positions,
            aliases,
            lists,
            checklists,
            jobs,
            paths,
            static_paths,
            feed_bodies: HashMap::new(),
            issue_texts: Vec::new(),
            site,
            site_articles,
            link_scans: None,
        };
        if let Some(dup) = crate::first_duplicate(&plan.all_paths()) {
            return Err(vec![plan.duplicate(&dup)]);
        }
        timer.mark("    duplicates");
        // Feeds are read away from the site: their HTML has absolute URLs.
        plan.feed_bodies = crate::feeds::feed_members(&plan.views)
            .into_par_iter()
            .map(|i| {
                let permalink = plan.views.permalink(&graph.pages[i].path);
                let body = plan.body(i, false);
                match url::Url::parse(&permalink) {
                    Ok(page) => (i, crate::html_urls::absolute_urls(&body, &page)),
                    Err(_) => (i, body.into_owned()),
                }
            })
            .collect();
        plan.issue_texts = graph
            .issues
            .par_iter()
            .map(|(i, _)| {
                let permalink = plan.views.permalink(&graph.pages[*i].path);
                let body = plan.body(*i, false);
                let page = url::Url::parse(&permalink)
                    .or_else(|_| url::Url::parse("https://example.invalid/"))
                    .expect("a valid URL");
                IssueText::new(&body, &page)
            })
            .collect();
        timer.mark("    feeds and emails");
        Ok(plan)
    }

    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Each job's template and, for a page, its content file.
    pub fn origins(&self) -> Vec<crate::outlinks::FileOrigin> {
        let graph = self.input.graph;
        self.jobs
            .iter()
            .map(|&job| crate::outlinks::FileOrigin {
                template: job.template(graph),
                source: match job {
                    Job::Page(i) => Some(graph.pages[i].source.rel_path.clone()),
                    _ => None,
                },
            })
            .collect()
    }

    /// Job k's output path.
    pub fn paths(&self) -> &[OutputPath] {
        &self.paths
    }

    /// Two files at one path (see `collision`).
    fn duplicate(&self, dup: &str) -> Diagnostic {
        let graph = self.input.graph;
        let mut pages = Vec::new();
        let mut others = Vec::new();
        for (&job, path) in self.jobs.iter().zip(&self.paths) {
            if path.as_str() == dup {
                match job {
                    Job::Page(i) => pages.push(i),
                    _ => others.push(describe(job, graph, &self.aliases, dup)),
                }
            }
        }
        for (file, path) in self.input.static_files.iter().zip(&self.static_paths) {
            if path == dup {
                others.push(format!("static/{}", file.rel_path));
            }
        }
        for asset in &graph.assets {
            if asset.output.as_str() == dup {
                others.push(format!("content/{}", asset.asset.rel_path));
            }
        }
        others.extend(
            pages
                .iter()
                .skip(1)
                .map(|&i| graph.pages[i].source.display_path.clone()),
        );
        match pages.first() {
            Some(&i) => collision(&graph.pages[i], dup, &others),
            None => {
                // No page to move: a static file or an asset is in the way.
                let file = others
                    .iter()
                    .position(|o| o.starts_with("static/") || o.starts_with("content/"));
                let Some(file) = file else {
                    return crate::duplicate_output(dup);
                };
                let file = others.remove(file);
                Diagnostic::file_error(
                    &file,
                    format!(
                        "this file would be written to /{dup}, where {} is written",
                        others.join(" and ")
                    ),
                )
                .with_help("rename or move the file")
            }
        }
    }

    /// Every path of the site: the jobs', the static files' and the assets'.
    pub fn all_paths(&self) -> Vec<OutputPath> {
        let mut all = self.paths.clone();
        all.extend(self.static_paths.iter().map(|p| OutputPath::new(p.clone())));
        all.extend(self.input.graph.assets.iter().map(|a| a.output.clone()));
        all
    }

    /// Renders jobs `ks` in parallel; every distinct error is reported.
    pub fn render(&self, ks: &[usize]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        collect(self.render_each(ks))
    }

    /// Renders jobs `ks` in parallel, each to its file or its error.
    pub fn render_each(&self, ks: &[usize]) -> Vec<Result<OutputFile, Diagnostic>> {
        ks.par_iter().map(|&k| self.render_job(k)).collect()
    }

    /// The static files and page-bundle assets, to copy as they are.
    pub fn copies(&self) -> Vec<OutputFile> {
        let statics = self.input.static_files.iter().zip(&self.static_paths);
        let mut files: Vec<OutputFile> = statics
            .map(|(s, path)| OutputFile {
                path: OutputPath::new(path.clone()),
                content: OutputContent::Copy(s.source.clone()),
            })
            .collect();
        files.extend(self.input.graph.assets.iter().map(|a| OutputFile {
            path: a.output.clone(),
            content: OutputContent::Copy(FileSource::Disk(a.asset.abs_path.clone())),
        }));
        files
    }

    /// Page i's body: taken (and so freed) for its own page job when the
    /// render holds the bodies, else the page's own.
    fn body(&self, i: usize, take: bool) -> std::borrow::Cow<'a, str> {
        match self.input.bodies.get(i) {
            Some(b) => std::borrow::Cow::Owned(
                b.lock()
                    .map(|mut b| {
                        if take {
                            std::mem::take(&mut *b)
                        } else {
                            b.clone()
                        }
                    })
                    .unwrap_or_default(),
            ),
            None => std::borrow::Cow::Borrowed(self.input.graph.pages[i].body.html.as_str()),
        }
    }

    /// Job k's template data, handed to `f`. `take_body`: a page job may
    /// free its body (it is rendered only once).
    pub fn with_job_data<R>(&self, k: usize, take_body: bool, f: impl FnOnce(&JobData) -> R) -> R {
        let views = &self.views;
        let path = self.paths[k].as_str();
        let template = self.jobs[k].template(self.input.graph);
        let at = |path: &str, template, view| JobData::new(views, template, path, view);
        match self.jobs[k] {
            Job::Page(i) => {
                let body = self.body(i, take_body);
                f(&page_data(
                    views,
                    &self.sections,
                    self.positions[i],
                    i,
                    &body,
                ))
            }
            Job::EmptyHome => {
                // No content/_index.md: the home page still exists, with the site's title.
                let members = self.sections.get("").cloned().unwrap_or_default();
                let all = 0..members.0.len();
                f(&at(
                    "",
                    template,
                    JobView::Section(views.section(None, "", &members, all)),
                ))
            }
            Job::Taxonomy(kind) => {
                let view = JobView::Taxonomy(views.taxonomy(kind));
                f(&at(&format!("{}/", kind.plural()), template, view))
            }
            Job::Term(kind, t) => f(&self.list_page(ListId::Term(kind, t), 1)),
            Job::Checklists => f(&self.list_page(ListId::Checklists, 1)),
            Job::ListPage(list, n) => f(&self.list_page(list, n)),
            Job::Feed(level, format) => {
                let (page_path, feed) = crate::feeds::feed(views, level, format, &self.feed_bodies);
                f(&at(&page_path, template, JobView::Feed(feed)))
            }
            Job::Sitemap => {
                let newsletter = self.input.config.newsletter.enabled;
                let entries = crate::feeds::sitemap(views, newsletter, &self.lists);
                f(&at("sitemap.xml", template, JobView::Sitemap(entries)))
            }
            Job::Alias(a) => {
                let (alias_path, alias) = &self.aliases[a];
                f(&at(alias_path, template, JobView::Alias(alias)))
            }
            Job::Search => f(&at("search/", template, JobView::Search(views.search()))),
            Job::LevelCheck => {
                let view = JobView::LevelCheck(views.level_check());
                f(&at("levels/check/", template, view))
            }
            Job::Newsletter => f(&at(
                "newsletter/",
                template,
                JobView::Archive(views.archive()),
            )),
            Job::IssueArchive => {
                let view = JobView::Archive(views.archive());
                f(&at("newsletter/archive/", template, view))
            }
            Job::Email(n, _) => {
                let page_path = &self.input.graph.pages[self.input.graph.issues[n].0].path;
                let view = JobView::Email(views.email(n, &self.issue_texts[n]));
                f(&at(page_path, template, view))
            }
            Job::Robots => f(&at("robots.txt", template, JobView::Plain)),
            Job::NotFound => f(&at(path, template, JobView::Plain)),
        }
    }

    /// Page `n` of a paginated list (page 1 of a section is its page job).
    fn list_page(&self, list: ListId, n: usize) -> JobData<'_> {
        let views = &self.views;
        let graph = self.input.graph;
        let none = Default::default();
        let members = |i: usize| {
            self.sections
                .get(&graph.pages[i].section_dir)
                .unwrap_or(&none)
        };
        let items = match list {
            ListId::Section(i) => members(i).0.len(),
            ListId::Term(kind, t) => views.links.terms.postings(kind)[t].len(),
            ListId::Checklists => self.checklists.entries,
        };
        let (shown, paginator) = views.page_of(list, items, n);
        let view = match list {
            // The section's own text is on its first page only.
            ListId::Section(i) => {
                JobView::Section(views.section(Some(&graph.pages[i]), "", members(i), shown))
            }
            ListId::Term(kind, t) => {
                JobView::Term(views.taxonomy(kind), views.term(kind, t, shown))
            }
            ListId::Checklists => {
                JobView::Checklists(views.checklists_page(&self.checklists, shown))
            }
        };
        let template = Job::ListPage(list, n).template(graph);
        let path = page_path(&list.path(graph, self.input.vocab), n);
        JobData::new(views, template, &path, view).paged(paginator)
    }

    fn render_job(&self, k: usize) -> Result<OutputFile, Diagnostic> {
        self.with_job_data(k, true, |data| match &self.link_scans {
            None => self.render_data(k, data),
            Some(scans) => data.render_inspecting(self.templates, self.paths[k].clone(), |text| {
                let scan = crate::outlinks::scan_rendered(
                    self.paths[k].as_str(),
                    text,
                    self.body_part(k, data),
                );
                if let Ok(mut slot) = scans[k].lock() {
                    *slot = scan;
                }
            }),
        })
    }

    /// From now on, each job's links are read as it is rendered.
    pub fn scan_links(&mut self) {
        self.link_scans = Some((0..self.jobs.len()).map(|_| Default::default()).collect());
    }

    /// What each job's file links to (by job), once rendered with `scan_links`.
    pub fn take_link_scans(&mut self) -> Vec<Option<crate::outlinks::LinkScan>> {
        self.link_scans
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.into_inner().ok().flatten())
            .collect()
    }

    /// A page job's body as its file shows it, with the ids it holds: the
    /// link check reads the rest of the page (the body's Markdown links were
    /// checked against the sources; its raw HTML is read on its own).
    fn body_part<'d>(
        &'d self,
        k: usize,
        data: &'d JobData,
    ) -> Option<crate::outlinks::BodyPart<'d>> {
        let Job::Page(i) = self.jobs[k] else {
            return None;
        };
        let html = match &data.view {
            JobView::Page(p) => p.content,
            JobView::Section(s) => s.content,
            _ => return None,
        };
        let body = &self.input.graph.pages[i].body;
        let checklist_ids = body
            .checklists
            .iter()
            .flat_map(|c| std::iter::once(&c.id).chain(c.items.iter().map(|item| &item.id)));
        Some(crate::outlinks::BodyPart {
            html,
            raw_html: &body.raw_html,
            ids: body
                .heading_ids
                .iter()
                .chain(checklist_ids)
                .map(String::as_str)
                .collect(),
        })
    }

    /// Job `k` rendered from its data (as `with_job_data` gave it), for a
    /// caller that looked at the data first.
    pub fn render_data(&self, k: usize, data: &JobData) -> Result<OutputFile, Diagnostic> {
        data.render(self.templates, self.paths[k].clone())
    }

    /// The site graph the plan renders.
    pub fn graph(&self) -> &'a SiteGraph {
        self.input.graph
    }

    /// `site.articles`, marked with their pages (see `views::Listed`).
    pub fn site_articles(&self) -> &[Listed] {
        &self.site_articles
    }

    /// The global `site` variable's parts, by name (`menu`, `articles`, ...).
    pub fn site_parts(&self) -> &BTreeMap<&'static str, tera::Value> {
        &self.site
    }
}

/// Pages at a URL huddle writes itself (a taxonomy, the archive, ...) or
/// a static file's, found while the pages' text is at hand, so each is
/// reported at its `slug:` line. (A render finds the rest: `Plan::new`.)
pub fn page_collisions(
    graph: &SiteGraph,
    vocab: &Vocabulary,
    config: &Config,
    static_files: &[StaticFile],
) -> Vec<Diagnostic> {
    let pages: HashMap<OutputPath, usize> = (0..graph.pages.len())
        .map(|i| (graph.pages[i].output_file(), i))
        .collect();
    let mut errors = Vec::new();
    for job in list_jobs(graph, vocab, config, 0, &[]) {
        if matches!(job, Job::Page(_)) {
            continue;
        }
        let path = job_path(job, graph, vocab, &[]);
        if let Some(&i) = pages.get(&path) {
            let what = describe(job, graph, &[], path.as_str());
            errors.push(collision(&graph.pages[i], path.as_str(), &[what]));
        }
    }
    for file in static_files {
        if let Some(&i) = pages.get(&OutputPath::new(file.rel_path.clone())) {
            let what = format!("static/{}", file.rel_path);
            errors.push(collision(&graph.pages[i], &file.rel_path, &[what]));
        }
    }
    errors
}

/// What job writes: "huddle's own page /newsletter/archive/".
fn describe(job: Job, graph: &SiteGraph, aliases: &[(String, AliasView)], path: &str) -> String {
    match job {
        Job::Page(i) => graph.pages[i].source.display_path.clone(),
        Job::Email(n, _) => {
            let page = &graph.pages[graph.issues[n].0];
            format!("an email of {}", page.source.display_path)
        }
        Job::Alias(a) => format!("the redirect of alias /{}", aliases[a].0),
        _ => format!(
            "huddle's own page /{}",
            path.strip_suffix("index.html").unwrap_or(path)
        ),
    }
}

/// `page` would be written at `dup`, where `others` are: reported at its
/// `slug:` line (or its first), with the fix.
fn collision(page: &crate::graph::Page, dup: &str, others: &[String]) -> Diagnostic {
    let source = &page.source;
    let message = format!(
        "this page would be written to /{dup}, where {} is written",
        others.join(" and ")
    );
    let help = if page.kind == PageKind::Page {
        "give the page a different `slug:` in its front matter, or rename its file"
    } else {
        "rename the page's folder (a section's `_index.md` is written at its folder's URL)"
    };
    let d = if source.text.is_empty() {
        // (A render frees the pages' text.)
        Diagnostic::file_error(&source.display_path, message)
    } else {
        let span = source.key_span("slug").unwrap_or(0..0);
        Diagnostic::at(&source.display_path, &source.text, span, message)
    };
    d.with_help(help)
}

/// Every paginated list with its number of pages.
fn paginated_lists(
    views: &Views,
    sections: &BTreeMap<String, (Vec<usize>, Vec<usize>)>,
    checklist_entries: usize,
) -> Vec<(ListId, usize)> {
    let graph = views.graph;
    let listed = |i: usize| {
        sections
            .get(&graph.pages[i].section_dir)
            .map_or(0, |m| m.0.len())
    };
    let mut lists: Vec<(ListId, usize)> = (0..graph.pages.len())
        .filter_map(|i| ListId::of_page(graph, i).map(|list| (list, listed(i))))
        .collect();
    for kind in TaxonomyKind::ALL {
        let postings = views.links.terms.postings(kind);
        lists.extend((0..postings.len()).map(|t| (ListId::Term(kind, t), postings[t].len())));
    }
    lists.push((ListId::Checklists, checklist_entries));
    lists
        .into_iter()
        .map(|(list, items)| (list, page_count(items, views.per_page(list))))
        .collect()
}

/// `<list>/page/1/` leads to the list's own URL, for every list that has
/// more than one page.
fn first_page_redirects<'a>(
    views: &Views<'a>,
    lists: &[(ListId, usize)],
) -> Vec<(String, AliasView<'a>)> {
    let (graph, vocab) = (views.graph, views.vocab);
    lists
        .iter()
        .filter(|(_, pages)| *pages > 1)
        .map(|&(list, _)| {
            let path = list.path(graph, vocab);
            let title: &'a str = match list {
                ListId::Section(i) => &graph.pages[i].source.meta.title,
                ListId::Term(kind, t) => vocab.term_slug_and_name(kind, t).1,
                ListId::Checklists => views.config.strings.text("checklists"),
            };
            let alias = AliasView {
                title,
                permalink: views.permalink(&path),
            };
            (format!("{path}page/1/index.html"), alias)
        })
        .collect()
}

/// Every job of the site, page jobs first (job k is page k). `lists`: the
/// paginated lists and their page counts.
fn list_jobs(
    graph: &SiteGraph,
    vocab: &Vocabulary,
    config: &Config,
    aliases: usize,
    lists: &[(ListId, usize)],
) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..graph.pages.len()).map(Job::Page).collect();
    if !graph.pages.iter().any(|p| p.kind == PageKind::Home) {
        jobs.push(Job::EmptyHome);
    }
    for kind in TaxonomyKind::ALL {
        jobs.push(Job::Taxonomy(kind));
        jobs.extend((0..vocab.term_count(kind)).map(|t| Job::Term(kind, t)));
    }
    jobs.push(Job::Checklists);
    for &(list, pages) in lists {
        jobs.extend((2..=pages).map(|n| Job::ListPage(list, n)));
    }
    if config.search.enabled {
        jobs.push(Job::Search);
    }
    if vocab.has_level_check() {
        jobs.push(Job::LevelCheck);
    }
    for format in [FeedFormat::Atom, FeedFormat::Rss] {
        jobs.push(Job::Feed(None, format));
        jobs.extend((0..vocab.levels.len()).map(|l| Job::Feed(Some(l), format)));
    }
    jobs.push(Job::Sitemap);
    jobs.push(Job::Robots);
    jobs.extend((0..aliases).map(Job::Alias));
    if config.newsletter.enabled {
        jobs.push(Job::Newsletter);
    }
    if !graph.issues.is_empty() {
        jobs.push(Job::IssueArchive);
    }
    for n in 0..graph.issues.len() {
        jobs.extend(EmailPart::ALL.map(|part| Job::Email(n, part)));
    }
    jobs.push(Job::NotFound);
    jobs
}

/// The variables every template gets: `config`, `assets`, `newsletter`, `site`.
fn set_globals(
    views: &Views,
    templates: &mut Templates,
    static_urls: &BTreeMap<String, String>,
) -> (BTreeMap<&'static str, tera::Value>, Vec<Listed>) {
    let (config, graph) = (views.config, views.graph);
    let global = templates.tera.global_context();
    global.insert("config", &views.config_view());
    global.insert("strings", config.strings.template_value());
    global.insert("assets", static_urls);
    global.insert(
        "newsletter",
        &config.newsletter.form(&config.base_path, config.dev_server),
    );
    let site_sections: Vec<LinkView> = graph
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Section)
        .map(|p| LinkView {
            title: &p.source.meta.title,
            url: views.url(&p.path),
            page: None,
        })
        .collect();
    fn value(v: &impl serde::Serialize) -> tera::Value {
        tera::Value::try_from_serializable(v).unwrap_or_else(|_| tera::Value::none())
    }
    let articles: Vec<Listed> = graph.articles.iter().map(|&i| views.listed(i)).collect();
    // Built from the shared listings, not re-serialized: cheap at any size.
    let listed: Vec<tera::Value> = articles.iter().map(|l| l.value.clone()).collect();
    let mut site: BTreeMap<&'static str, tera::Value> = BTreeMap::new();
    site.insert("menu", value(&views.menu()));
    site.insert("articles", tera::Value::from(listed));
    site.insert("sections", value(&site_sections));
    site.insert("level_check", tera::Value::from(views.level_check_url()));
    for kind in TaxonomyKind::ALL {
        site.insert(kind.plural(), value(&views.terms(kind)));
    }
    global.insert_value("site", tera::Value::from(site.clone()));
    (site, articles)
}
