//! A render's plan: the global template variables (`config`, `assets`,
//! `newsletter`, `site`), every output file as a `Job` with its path, and
//! what the jobs share (sections, article positions, aliases, the feeds'
//! bodies). `render` renders any subset of the jobs, in parallel.

use std::collections::{BTreeMap, HashMap};

use super::jobs::{job_path, page_context, render_page};
use super::templates::render_one;
use super::*;
use crate::feeds::AliasView;
use crate::graph::sections;
use crate::views::LinkView;
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
    jobs: Vec<Job>,
    paths: Vec<OutputPath>,
    static_paths: Vec<String>,
    /// The few articles' bodies the feeds show (page jobs may free theirs).
    feed_bodies: HashMap<usize, String>,
}

impl<'a> Plan<'a> {
    /// Lists the jobs and sets the templates' global variables. Fails when two
    /// files would be written to one path, before anything is rendered.
    pub fn new(
        input: RenderInput<'a>,
        templates: &'a mut Templates,
    ) -> Result<Self, Vec<Diagnostic>> {
        let views = input.views();
        let graph = input.graph;
        let (static_paths, static_urls) = fingerprint(
            input.static_files,
            &input.config.base_path,
            !input.config.dev_server,
        );
        set_globals(&views, templates, &static_urls);
        let templates: &'a Templates = templates;
        let aliases = crate::feeds::aliases(&views);
        let mut positions = vec![None; graph.pages.len()];
        for (pos, &i) in graph.articles.iter().enumerate() {
            positions[i] = Some(pos);
        }
        let jobs = list_jobs(&input, aliases.len());
        let paths: Vec<OutputPath> = jobs
            .iter()
            .map(|job| job_path(*job, graph, input.vocab, &aliases))
            .collect();
        let mut plan = Plan {
            input,
            views,
            templates,
            sections: sections(graph),
            positions,
            aliases,
            jobs,
            paths,
            static_paths,
            feed_bodies: HashMap::new(),
        };
        if let Some(dup) = crate::first_duplicate(&plan.all_paths()) {
            return Err(vec![crate::duplicate_output(&dup)]);
        }
        plan.feed_bodies = crate::feeds::feed_members(&plan.views)
            .into_iter()
            .map(|i| (i, plan.body(i, false)))
            .collect();
        Ok(plan)
    }

    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Job k's output path.
    pub fn paths(&self) -> &[OutputPath] {
        &self.paths
    }

    pub fn views(&self) -> &Views<'a> {
        &self.views
    }

    pub fn templates(&self) -> &'a Templates {
        self.templates
    }

    pub fn sections(&self) -> &BTreeMap<String, (Vec<usize>, Vec<usize>)> {
        &self.sections
    }

    pub fn positions(&self) -> &[Option<usize>] {
        &self.positions
    }

    pub fn aliases(&self) -> &[(String, AliasView<'a>)] {
        &self.aliases
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
        let results: Vec<Result<OutputFile, Diagnostic>> =
            ks.par_iter().map(|&k| self.render_job(k)).collect();
        let mut done = Vec::with_capacity(results.len());
        let mut errors: Vec<Diagnostic> = Vec::new();
        for r in results {
            match r {
                Ok(f) => done.push(f),
                // The same template error repeats on every page that uses it: report it once.
                Err(d) if !errors.contains(&d) => errors.push(d),
                Err(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(done)
        } else {
            Err(errors)
        }
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

    /// Page i's body: taken (and so freed) for its own page job.
    fn body(&self, i: usize, take: bool) -> String {
        match self.input.bodies.get(i) {
            Some(b) => b
                .lock()
                .map(|mut b| {
                    if take {
                        std::mem::take(&mut *b)
                    } else {
                        b.clone()
                    }
                })
                .unwrap_or_default(),
            None => self.input.graph.pages[i].body.html.clone(),
        }
    }

    fn render_job(&self, k: usize) -> Result<OutputFile, Diagnostic> {
        let (views, templates) = (&self.views, self.templates);
        let path = self.paths[k].clone();
        let context = |at: &str| page_context(views, at);
        match self.jobs[k] {
            Job::Page(i) => {
                let body = self.body(i, true);
                render_page(
                    views,
                    templates,
                    &self.sections,
                    self.positions[i],
                    i,
                    &body,
                )
            }
            Job::EmptyHome => {
                // No content/_index.md: the home page still exists, with the site's title.
                let mut ctx = context("");
                let members = self.sections.get("").cloned().unwrap_or_default();
                ctx.insert("section", &views.section(None, "", &members));
                render_one(templates, "index.html", &ctx, path)
            }
            Job::Taxonomy(kind) => {
                let mut ctx = context(&format!("{}/", kind.plural()));
                ctx.insert("taxonomy", &views.taxonomy(kind));
                render_one(templates, "taxonomy_list.html", &ctx, path)
            }
            Job::Term(kind, t) => {
                let term = views.term(kind, t);
                let mut ctx = context(&format!("{}/{}/", kind.plural(), term.summary.slug));
                ctx.insert("taxonomy", &views.taxonomy(kind));
                ctx.insert("term", &term);
                render_one(templates, "taxonomy_term.html", &ctx, path)
            }
            Job::Checklists => {
                let mut ctx = context("checklists/");
                ctx.insert("checklists", &views.checklists_page());
                render_one(templates, "checklists.html", &ctx, path)
            }
            Job::Newsletter => {
                render_one(templates, "newsletter.html", &context("newsletter/"), path)
            }
            Job::Feed(level) => {
                let (page_path, feed) = crate::feeds::feed(views, level, &self.feed_bodies);
                let mut ctx = context(&page_path);
                ctx.insert("feed", &feed);
                render_one(templates, "atom.xml", &ctx, path)
            }
            Job::Search => render_one(templates, "search.html", &context("search/"), path),
            Job::Sitemap => {
                let mut ctx = context("sitemap.xml");
                let newsletter = self.input.config.newsletter.enabled;
                ctx.insert("entries", &crate::feeds::sitemap(views, newsletter));
                render_one(templates, "sitemap.xml", &ctx, path)
            }
            Job::Robots => render_one(templates, "robots.txt", &context("robots.txt"), path),
            Job::Alias(a) => {
                let (alias_path, alias) = &self.aliases[a];
                let mut ctx = context(alias_path);
                ctx.insert("alias", alias);
                render_one(templates, "alias.html", &ctx, path)
            }
            Job::NotFound => render_one(templates, "404.html", &context("404.html"), path),
        }
    }
}

/// Every job of the site, page jobs first (job k is page k).
fn list_jobs(input: &RenderInput, aliases: usize) -> Vec<Job> {
    let (graph, vocab, config) = (input.graph, input.vocab, input.config);
    let mut jobs: Vec<Job> = (0..graph.pages.len()).map(Job::Page).collect();
    if !graph.pages.iter().any(|p| p.kind == PageKind::Home) {
        jobs.push(Job::EmptyHome);
    }
    for kind in TaxonomyKind::ALL {
        jobs.push(Job::Taxonomy(kind));
        jobs.extend((0..vocab.term_count(kind)).map(|t| Job::Term(kind, t)));
    }
    jobs.push(Job::Checklists);
    if config.search.enabled {
        jobs.push(Job::Search);
    }
    jobs.push(Job::Feed(None));
    jobs.extend((0..vocab.levels.len()).map(|l| Job::Feed(Some(l))));
    jobs.push(Job::Sitemap);
    jobs.push(Job::Robots);
    jobs.extend((0..aliases).map(Job::Alias));
    if config.newsletter.enabled {
        jobs.push(Job::Newsletter);
    }
    jobs.push(Job::NotFound);
    jobs
}

/// The variables every template gets: `config`, `assets`, `newsletter`, `site`.
fn set_globals(views: &Views, templates: &mut Templates, static_urls: &BTreeMap<String, String>) {
    let (config, graph) = (views.config, views.graph);
    let global = templates.tera.global_context();
    global.insert("config", &views.config_view());
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
        })
        .collect();
    fn value(v: &impl serde::Serialize) -> tera::Value {
        tera::Value::try_from_serializable(v).unwrap_or_else(|_| tera::Value::none())
    }
    let articles: Vec<tera::Value> = graph.articles.iter().map(|&i| views.listed(i)).collect();
    // Built from the shared summaries, not re-serialized: cheap at any size.
    let mut site: BTreeMap<&str, tera::Value> = BTreeMap::new();
    site.insert("menu", value(&views.menu()));
    site.insert("articles", tera::Value::from(articles));
    site.insert("sections", value(&site_sections));
    for kind in TaxonomyKind::ALL {
        site.insert(kind.plural(), value(&views.terms(kind)));
    }
    global.insert_value("site", tera::Value::from(site));
}
