//! Incremental rebuilds (`huddle serve`'s `Session`), driven directly: after
//! every kind of edit, the site the session's deltas add up to is byte for
//! byte the site a fresh build renders.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::common::Site;
use huddle::serve::{Changes, RebuildError, Session};
use huddle::{OutputContent, OutputFile};

/// The site as `serve` holds it: every path and its bytes.
type Served = BTreeMap<String, Vec<u8>>;

fn bytes_of(f: &OutputFile) -> Vec<u8> {
    match &f.content {
        OutputContent::Bytes(b) => b.clone(),
        other => other.unpack().expect("readable output"),
    }
}

fn options(site: &Site) -> huddle::BuildOptions {
    let mut opts = huddle::BuildOptions::new(site.root());
    opts.base_url = Some("http://127.0.0.1:1111/".into());
    opts.dev_server = true;
    opts
}

/// A fresh full render, as `serve`'s first build makes it.
fn fresh(opts: &huddle::BuildOptions) -> Served {
    let rendered = huddle::render_site(opts).unwrap_or_else(|e| panic!("{e:?}"));
    rendered
        .files
        .iter()
        .map(|f| (f.path.as_str().to_string(), bytes_of(f)))
        .collect()
}

struct Served2 {
    opts: huddle::BuildOptions,
    session: Session,
    served: Served,
    /// Each call of the first-phase callback, with the files it got.
    early: Vec<Vec<(String, Vec<u8>)>>,
    rendered: usize,
    /// serve's newer-save flag, as the watcher would set it.
    newer_save: Arc<AtomicBool>,
}

impl Served2 {
    fn start(site: &Site) -> Self {
        Served2::start_with(options(site))
    }

    fn start_with(opts: huddle::BuildOptions) -> Self {
        let newer_save = Arc::new(AtomicBool::new(false));
        let mut session = Session::new(opts.clone());
        let flag = Arc::clone(&newer_save);
        session.interrupt_when(Some(Arc::new(move || flag.load(Ordering::SeqCst))));
        let mut s = Served2 {
            session,
            opts,
            served: Served::new(),
            early: Vec::new(),
            rendered: 0,
            newer_save,
        };
        s.rebuild(Changes::Everything);
        s
    }

    /// Rebuilds and applies the deltas (early ones too) as `serve` does.
    fn rebuild(&mut self, changes: Changes) {
        let site = self
            .rebuild_early(&changes)
            .unwrap_or_else(|e| panic!("{e:?}"));
        self.apply(site);
    }

    /// Serves a finished rebuild's files.
    fn apply(&mut self, site: huddle::RenderedSite) {
        for f in &site.files {
            self.served.insert(f.path.as_str().to_string(), bytes_of(f));
        }
        let live: std::collections::HashSet<&str> =
            site.all_paths.iter().map(|p| p.as_str()).collect();
        self.served.retain(|p, _| live.contains(p.as_str()));
        self.rendered = site.rendered;
    }

    /// A rebuild during which a newer save arrives: it must stop after
    /// handing over its edited pages, which serve serves at once.
    fn rebuild_interrupted(&mut self, changes: &Changes) {
        // Set before the rebuild starts: it is first asked once the edited
        // pages are out, so this is a save that came during the express
        // lane or the edited pages.
        self.newer_save.store(true, Ordering::SeqCst);
        let result = self.rebuild_early(changes);
        self.newer_save.store(false, Ordering::SeqCst);
        assert!(
            matches!(result, Err(RebuildError::Interrupted)),
            "a newer save stops the rebuild: {:?}",
            result.map(|s| s.rendered)
        );
    }

    /// Runs a rebuild; the files of its first phase are served at once.
    fn rebuild_early(&mut self, changes: &Changes) -> Result<huddle::RenderedSite, RebuildError> {
        let mut early: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
        let result = self.session.rebuild(changes, &mut |files| {
            early.push(
                files
                    .iter()
                    .map(|f| (f.path.as_str().to_string(), bytes_of(f)))
                    .collect(),
            )
        });
        for (path, bytes) in early.iter().flatten() {
            self.served.insert(path.clone(), bytes.clone());
        }
        self.early = early;
        result
    }

    /// Rebuilds after `changes`, then checks the site against a fresh build,
    /// and that every page served early was already the final one.
    fn step(&mut self, site: &Site, changes: Changes, what: &str) {
        self.rebuild(changes);
        let expected = self.assert_matches(site, what);
        for (path, bytes) in self.early.iter().flatten() {
            assert!(
                expected.get(path) == Some(bytes),
                "after {what}: {path} was served early as\n{}\n---- but a fresh build has ----\n{}",
                String::from_utf8_lossy(bytes),
                expected
                    .get(path)
                    .map_or("nothing".into(), |b| String::from_utf8_lossy(b))
            );
        }
    }

    /// A served file as text.
    fn page(&self, rel: &str) -> String {
        String::from_utf8_lossy(&self.served[rel]).into_owned()
    }

    /// The clock moves on (serve reads it at every rebuild).
    fn set_now(&mut self, now: &str) {
        self.opts.now = Some(now.parse().unwrap());
        self.session.set_now(self.opts.now);
    }

    /// Returns the fresh build.
    fn assert_matches(&self, _site: &Site, after: &str) -> Served {
        let expected = fresh(&self.opts);
        let served: Vec<&String> = self.served.keys().collect();
        let wanted: Vec<&String> = expected.keys().collect();
        assert_eq!(served, wanted, "after {after}: the same files");
        for (path, bytes) in &expected {
            assert!(
                self.served[path] == *bytes,
                "after {after}: {path} differs from a fresh build:\n{}\n---- expected ----\n{}",
                String::from_utf8_lossy(&self.served[path]),
                String::from_utf8_lossy(bytes)
            );
        }
        expected
    }
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) -> Changes {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} contains {from:?}");
    site.write(rel, text.replace(from, to));
    Changes::Paths(vec![site.path(rel)])
}

fn paths(site: &Site, rels: &[&str]) -> Changes {
    Changes::Paths(rels.iter().map(|r| site.path(r)).collect::<Vec<PathBuf>>())
}

#[test]
fn every_kind_of_edit_adds_up_to_a_fresh_build() {
    let site = Site::fixture("tagged");
    let mut s = Served2::start(&site);
    s.assert_matches(&site, "the first build");
    let total = s.rendered;

    let c = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha body.",
        "Alpha body, edited.",
    );
    s.step(&site, c, "a body edit");
    assert!(
        s.rendered < total,
        "a body edit renders {} of {total}",
        s.rendered
    );

    let c = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha's summary.",
        "Alpha's new summary.",
    );
    s.step(&site, c, "a summary edit");

    let c = edit(
        &site,
        "content/articles/beta.md",
        "title: ",
        "title: Renamed ",
    );
    s.step(&site, c, "a title edit");

    // Three newer articles with alpha's tags: alpha is now far down its lists.
    for n in 1..=3 {
        site.write(
            &format!("content/articles/newer-{n}.md"),
            format!("---\ntitle: Newer {n}\ndate: 2026-08-0{n}\nlevel: pooled\nattitudes: [respect]\npractices: [effective-listening]\n---\n\nNewer.\n"),
        );
    }
    s.step(
        &site,
        paths(
            &site,
            &[
                "content/articles/newer-1.md",
                "content/articles/newer-2.md",
                "content/articles/newer-3.md",
            ],
        ),
        "three new articles",
    );
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "title: Alpha",
        "title: Alpha, retitled,",
    );
    s.step(&site, c, "a title edit of an article low in its lists");

    let c = edit(
        &site,
        "content/articles/delta.md",
        "level: ",
        "level: reciprocal\nx_was: ",
    );
    // (An unknown key is an error; put it back as a real retag.)
    let broken = s.session.rebuild(&c, &mut |_| {});
    assert!(broken.is_err(), "an unknown key is reported");
    let text = std::fs::read_to_string(site.path("content/articles/delta.md")).unwrap();
    let fixed: String = text
        .lines()
        .filter(|l| !l.starts_with("x_was:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("content/articles/delta.md", fixed);
    s.step(
        &site,
        paths(&site, &["content/articles/delta.md"]),
        "a retag",
    );

    let c = edit(
        &site,
        "content/articles/epsilon.md",
        "date: 2026",
        "date: 2027",
    );
    s.step(&site, c, "a new date (the order of articles changes)");

    site.write(
        "content/articles/zeta.md",
        "---\ntitle: Zeta\ndate: 2026-06-01\nlevel: pooled\npractices: [follow-up]\n---\n\nZeta links to [gamma](gamma.md).\n",
    );
    s.step(
        &site,
        paths(&site, &["content/articles/zeta.md"]),
        "adding an article",
    );

    site.write(
        "content/guides/one/first.md",
        "---\ntitle: First guide\n---\n\nSee [zeta](@/articles/zeta.md).\n",
    );
    s.step(&site, paths(&site, &["content/guides"]), "adding a folder");

    std::fs::rename(site.path("content/guides"), site.path("content/notes")).unwrap();
    s.step(
        &site,
        paths(&site, &["content/guides", "content/notes"]),
        "renaming a folder",
    );

    site.remove("content/notes/one/first.md");
    site.remove("content/articles/zeta.md");
    s.step(
        &site,
        paths(
            &site,
            &["content/notes/one/first.md", "content/articles/zeta.md"],
        ),
        "deleting two pages",
    );

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}\n",
    );
    s.step(
        &site,
        paths(&site, &["templates/page.html"]),
        "a new template",
    );
    assert_eq!(
        s.rendered,
        Served2::start(&site).rendered,
        "a template change renders everything"
    );

    site.write("static/extra.css", "body { color: black }\n");
    s.step(
        &site,
        paths(&site, &["static/extra.css"]),
        "a new static file",
    );
    site.write("static/extra.css", "body { color: navy }\n");
    s.step(
        &site,
        paths(&site, &["static/extra.css"]),
        "a static file edit",
    );
    assert_eq!(s.rendered, 0, "a static file edit only copies the file");

    site.write(
        "site.toml",
        std::fs::read_to_string(site.path("site.toml"))
            .unwrap()
            .replace("count = 4", "count = 2"),
    );
    s.step(&site, paths(&site, &["site.toml"]), "a site.toml change");

    // Another language, then one of its strings overridden: every page,
    // the bodies' callouts and checklists included, as a fresh build has it.
    site.write(
        "content/articles/alpha.md",
        std::fs::read_to_string(site.path("content/articles/alpha.md"))
            .unwrap()
            .replace(
                "Alpha body, edited.",
                "Alpha body, edited.\n\n> [!NOTE]\n> Noted.\n\n- [ ] one\n- [x] two\n",
            ),
    );
    s.step(
        &site,
        paths(&site, &["content/articles/alpha.md"]),
        "a callout and a checklist",
    );
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("language = \"fr\"\n{config}"));
    s.step(&site, paths(&site, &["site.toml"]), "the site in French");
    let alpha = s.page("articles/alpha/index.html");
    assert!(
        alpha.contains(">Remarque</p>") && alpha.contains("1 sur 2 coché"),
        "{alpha}"
    );
    site.write(
        "site.toml",
        format!("language = \"fr\"\n{config}\n[strings]\ncallout_note = \"À noter\"\n"),
    );
    s.step(
        &site,
        paths(&site, &["site.toml"]),
        "a French string overridden",
    );
    assert!(s.page("articles/alpha/index.html").contains(">À noter</p>"));
}

#[test]
fn a_body_edit_shows_its_page_first_exactly_as_a_full_build_renders_it() {
    let site = Site::fixture("tagged");
    let mut s = Served2::start(&site);
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha body.",
        "Alpha body, edited.",
    );
    s.rebuild(c);
    // The express lane (the page alone), then the rebuild's first phase.
    assert_eq!(s.early.len(), 2, "two early answers: {:?}", s.early.len());
    let expected = fresh(&options(&site));
    for answer in &s.early {
        assert_eq!(answer.len(), 1);
        let (path, bytes) = &answer[0];
        assert_eq!(path, "articles/alpha/index.html");
        assert!(*bytes == expected[path], "the early page is the final page");
    }
    // A title (and a description) is shown by other pages, but places
    // nothing: its page goes first too, and is final, share card and all.
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "title: Alpha",
        "description: Now described\ntitle: Alpha, renamed,",
    );
    s.step(&site, c, "a title edit");
    assert_eq!(s.early.len(), 2, "the express lane and the first phase");
    assert_eq!(s.early[0].len(), 1);
    let page = String::from_utf8_lossy(&s.early[0][0].1).into_owned();
    assert!(
        page.contains("Alpha, renamed,") && page.contains("Now described"),
        "{page}"
    );
    // Tags place the page in lists and pick its related articles: no lane.
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "attitudes: [respect]",
        "attitudes: [respect, openness]",
    );
    s.step(&site, c, "a retag");
    assert_eq!(s.early.len(), 1, "only the rebuild's first phase");
}

#[test]
fn saves_that_interrupt_a_rebuild_are_served_first_and_settle_into_a_fresh_build() {
    let site = Site::fixture("tagged");
    let mut s = Served2::start(&site);
    let alpha = "articles/alpha/index.html";

    // An autosave: the same body saved twice, the second during the first
    // rebuild. Each save's page is served first, as a fresh build renders it.
    let first = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha body.",
        "Alpha body, v1.",
    );
    s.rebuild_interrupted(&first);
    let served_first = s.page(alpha);
    assert!(served_first.contains("Alpha body, v1."), "{served_first}");
    assert_eq!(
        served_first.as_bytes(),
        fresh(&options(&site))[alpha],
        "the interrupted rebuild's edited page is final for its text"
    );
    let second = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha body, v1.",
        "Alpha body, v2.",
    );
    let merged = first.merged(second);
    s.step(
        &site,
        merged,
        "a body saved twice, the first rebuild interrupted",
    );
    assert_eq!(
        s.early.len(),
        2,
        "the express lane still answers after an interrupt"
    );
    assert_eq!(s.early[0][0].0, alpha);

    // A summary (shown by the lists) interrupted, then another page's body:
    // the lists catch up with the first save when the second one settles.
    let first = edit(
        &site,
        "content/articles/alpha.md",
        "Alpha's summary.",
        "Alpha's interrupted summary.",
    );
    s.rebuild_interrupted(&first);
    assert!(
        !s.page("index.html")
            .contains("Alpha’s interrupted summary."),
        "the home page is not rendered by the interrupted rebuild"
    );
    let second = edit(
        &site,
        "content/articles/beta.md",
        "Beta's summary.",
        "Beta's summary, edited.",
    );
    s.step(
        &site,
        first.merged(second),
        "a summary edit interrupted by another page's save",
    );
    assert!(
        s.page("index.html")
            .contains("Alpha’s interrupted summary.")
    );

    // A retag interrupted: alpha's related list gains epsilon, a page it
    // did not show before, which the next run must still see.
    let retag = edit(
        &site,
        "content/articles/epsilon.md",
        "attitudes: [openness, sensitivity]",
        "attitudes: [openness, sensitivity, respect]",
    );
    s.rebuild_interrupted(&retag);
    let body = edit(
        &site,
        "content/articles/beta.md",
        "summary, edited.",
        "summary, edited twice.",
    );
    s.step(
        &site,
        retag.merged(body),
        "a retag interrupted by another page's save",
    );

    // Interrupted twice in a row: a retitle, then a new article (which
    // moves every list), then a body edit that finally runs to the end.
    let retitle = edit(
        &site,
        "content/articles/gamma.md",
        "title: ",
        "title: Retitled ",
    );
    s.rebuild_interrupted(&retitle);
    site.write(
        "content/articles/newest.md",
        "---\ntitle: Newest\ndate: 2026-09-01\nlevel: pooled\nattitudes: [respect]\npractices: [effective-listening]\n---\n\nNewest body.\n",
    );
    let added = retitle.merged(paths(&site, &["content/articles/newest.md"]));
    s.rebuild_interrupted(&added);
    assert!(
        s.page("articles/newest/index.html")
            .contains("Newest body.")
    );
    let body = edit(
        &site,
        "content/articles/delta.md",
        "twice:",
        "twice, edited:",
    );
    s.step(
        &site,
        added.merged(body),
        "two interrupted rebuilds, then one that finishes",
    );

    // A template change renders everything: interrupted, then a body edit.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><p>interrupted template</p>{{ page.content | safe }}{% endblock content %}\n",
    );
    let template = paths(&site, &["templates/page.html"]);
    s.rebuild_interrupted(&template);
    let body = edit(
        &site,
        "content/articles/beta.md",
        "summary, edited twice.",
        "summary, again.",
    );
    s.step(&site, template.merged(body), "an interrupted full render");

    // An interrupted save, then one that breaks the build, then the fix.
    let first = edit(
        &site,
        "content/articles/alpha.md",
        "title: Alpha",
        "title: Alpha, once more,",
    );
    s.rebuild_interrupted(&first);
    let broken = edit(
        &site,
        "content/articles/gamma.md",
        "(alpha.md#",
        "(missing.md#",
    );
    let merged = first.merged(broken);
    assert!(matches!(
        s.rebuild_early(&merged),
        Err(RebuildError::Problems(_))
    ));
    let fixed = edit(
        &site,
        "content/articles/gamma.md",
        "(missing.md#",
        "(alpha.md#",
    );
    s.step(
        &site,
        merged.merged(fixed),
        "an interrupt, a broken save and its fix",
    );
}

/// Adds a paragraph at the end of a file.
fn append(site: &Site, rel: &str, text: &str) -> Changes {
    let before = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(rel, format!("{before}\n{text}\n"));
    Changes::Paths(vec![site.path(rel)])
}

#[test]
fn a_rebuild_stopped_at_any_step_by_a_newer_save_settles_into_a_fresh_build() {
    let site = Site::fixture("tagged");
    // One related article each: a retag moves a page into a related list
    // it was not in, on a page whose own data and shown pages kept theirs.
    let settings = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", settings.replace("count = 4", "count = 1"));
    let mut s = Served2::start(&site);
    let mut n = 0;
    // A body edit (the express lane, so it may stop at any stage), a retag
    // (its first phase, then the lists) and a new article (a new structure).
    for kind in ["a body edit", "a retag", "a new article"] {
        let mut stop_at = 1;
        loop {
            n += 1;
            let first = match kind {
                "a body edit" => append(&site, "content/articles/alpha.md", &format!("Line {n}.")),
                "a retag" => {
                    // Epsilon shares alpha's attitude and practice, or not:
                    // alpha's one related article is epsilon, or delta.
                    let plain = "attitudes: [openness, sensitivity]\npractices: [follow-up]";
                    let shared = "attitudes: [openness, sensitivity, respect]\npractices: [follow-up, effective-listening]";
                    let rel = "content/articles/epsilon.md";
                    let text = std::fs::read_to_string(site.path(rel)).unwrap();
                    if text.contains(plain) {
                        edit(&site, rel, plain, shared)
                    } else {
                        edit(&site, rel, shared, plain)
                    }
                }
                _ => {
                    let rel = format!("content/articles/new-{n}.md");
                    site.write(&rel, format!("---\ntitle: New {n}\ndate: 2026-08-01\nlevel: pooled\nattitudes: [respect]\n---\n\nNew {n}.\n"));
                    paths(&site, &[rel.as_str()])
                }
            };
            // The newer save arrives just before the rebuild's stop_at-th look.
            let asks = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&asks);
            s.session.interrupt_when(Some(Arc::new(move || {
                counted.fetch_add(1, Ordering::SeqCst) + 1 >= stop_at
            })));
            let result = s.rebuild_early(&first);
            s.session.interrupt_when(None);
            let what = format!("{kind} stopped at look {stop_at}");
            match result {
                Err(RebuildError::Interrupted) => {
                    let newer = append(
                        &site,
                        "content/articles/beta.md",
                        &format!("Beta line {n}."),
                    );
                    s.step(&site, first.merged(newer), &what);
                }
                Ok(done) => {
                    // More looks than the rebuild takes: it ran to the end.
                    assert!(stop_at > 3, "{kind}: finished though asked to stop");
                    s.apply(done);
                    s.assert_matches(&site, &what);
                    break;
                }
                Err(RebuildError::Problems(p)) => panic!("{what}: {p:?}"),
            }
            // Every early look, then a sample of the later ones.
            stop_at += if stop_at < 8 { 1 } else { 5 };
        }
    }
}

#[test]
fn after_failed_rebuilds_the_next_good_one_catches_up() {
    let site = Site::fixture("tagged");
    let mut s = Served2::start(&site);
    let rebuild_fails = |s: &mut Served2, c: Changes| {
        assert!(
            s.session.rebuild(&c, &mut |_| {}).is_err(),
            "expected errors"
        );
    };

    // A template changed while the site is broken still reaches every page.
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "(alpha.md#",
        "(missing.md#",
    );
    rebuild_fails(&mut s, c);
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><p>new template</p>{{ page.content | safe }}{% endblock content %}\n",
    );
    rebuild_fails(&mut s, paths(&site, &["templates/page.html"]));
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "(missing.md#",
        "(alpha.md#",
    );
    s.step(&site, c, "fixing the site after a template change");

    // A retitle whose build fails (its alias collides with a page) is
    // still shown by its neighbours once the alias goes.
    let c = edit(
        &site,
        "content/articles/beta.md",
        "title: ",
        "aliases: [\"/articles/alpha/\"]\ntitle: Clashing ",
    );
    rebuild_fails(&mut s, c);
    let c = edit(
        &site,
        "content/articles/beta.md",
        "aliases: [\"/articles/alpha/\"]\n",
        "",
    );
    s.step(&site, c, "removing a clashing alias");

    // A body edit while a template is broken, after a page was deleted.
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}\n");
    rebuild_fails(&mut s, paths(&site, &["templates/page.html"]));
    // (epsilon: not the last page in path order, and nothing links to it.)
    site.remove("content/articles/epsilon.md");
    rebuild_fails(&mut s, paths(&site, &["content/articles/epsilon.md"]));
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "Gamma's summary",
        "Gamma's new summary",
    );
    rebuild_fails(&mut s, c);
    site.remove("templates/page.html");
    s.step(
        &site,
        paths(&site, &["templates/page.html"]),
        "fixing the template",
    );
}

/// A theme whose templates print every variable they are given, as JSON: any
/// data a view hands its template is in the output, so if a stamp left out
/// anything a view shows (today, or after a view grows a field), this test
/// would serve a stale page. The stamps are taken from that same template
/// data, never from a list of what each view shows.
#[test]
fn a_theme_that_prints_all_its_data_stays_equal_to_a_fresh_build() {
    let site = Site::fixture("tagged");
    let dump = |vars: &[&str]| {
        let mut t = String::from("{{ current_path }} {{ current_url }}\n");
        for v in vars {
            t.push_str(&format!("<pre>{{{{ {v} | json }}}}</pre>\n"));
        }
        // (Not `site`: it holds every summary, so printing it would make
        // every edit render every page and prove nothing.)
        t
    };
    site.write("templates/page.html", dump(&["page"]));
    site.write("templates/section.html", dump(&["section"]));
    site.write("templates/index.html", dump(&["section"]));
    site.write("templates/taxonomy_list.html", dump(&["taxonomy"]));
    site.write("templates/taxonomy_term.html", dump(&["taxonomy", "term"]));
    site.write("templates/checklists.html", dump(&["checklists"]));
    let mut s = Served2::start(&site);
    s.assert_matches(&site, "the first build");
    let total = s.rendered;
    // Each edit reaches other pages' data in another way: backlinks (gamma
    // links to alpha and beta), related lists, term lists, neighbours.
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "title: Alpha pooled",
        "title: Alpha, linked to",
    );
    s.step(&site, c, "retitling a page others link to");
    let c = edit(&site, "content/articles/beta.md", "Beta", "Beta, reworded");
    s.step(&site, c, "a body edit of a linked page");
    assert!(
        s.rendered < total,
        "not everything: {} of {total}",
        s.rendered
    );
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "date: 2026-01-01",
        "date: 2026-09-01",
    );
    s.step(
        &site,
        c,
        "a date that moves a page to the top of every list",
    );
    let c = edit(
        &site,
        "content/articles/epsilon.md",
        "level: ",
        "description: Now described\nlevel: ",
    );
    s.step(&site, c, "a description added");
    let c = edit(
        &site,
        "content/articles/delta.md",
        "practices: [",
        "practices: [follow-up, ",
    );
    s.step(&site, c, "a retag");
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "(alpha.md#listening-first)",
        "(delta.md)",
    );
    s.step(&site, c, "a link moved from one page to another");
    site.remove("content/articles/beta.md");
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "and [beta](@/articles/beta.md)",
        "",
    );
    let Changes::Paths(mut both) = c else {
        unreachable!()
    };
    both.push(site.path("content/articles/beta.md"));
    s.step(
        &site,
        Changes::Paths(both),
        "a linked page deleted and its link removed",
    );
}

#[test]
fn checklist_edits_reach_the_checklists_page_as_a_fresh_build_shows_them() {
    let site = Site::fixture("tagged");
    site.write(
        "content/articles/lists.md",
        "---\ntitle: Lists\ndate: 2026-07-01\nlevel: pooled\npractices: [follow-up, effective-listening]\n---\n\n## Before the meeting\n\n- [ ] Book the room\n- [x] Send the agenda\n\n## After it\n\n- [ ] Write the notes\n",
    );
    let mut s = Served2::start(&site);
    let page =
        |s: &Served2| String::from_utf8_lossy(&s.served["checklists/index.html"]).into_owned();
    assert!(page(&s).contains("Before the meeting"), "{}", page(&s));

    let c = edit(
        &site,
        "content/articles/lists.md",
        "Book the room",
        "Book a quiet room",
    );
    s.step(&site, c, "an item's text edited");

    let c = edit(
        &site,
        "content/articles/lists.md",
        "- [ ] Write",
        "- [x] Write",
    );
    s.step(&site, c, "an item ticked");

    let c = edit(
        &site,
        "content/articles/lists.md",
        "## After it",
        "## Afterwards",
    );
    s.step(&site, c, "a checklist's heading renamed");
    assert!(page(&s).contains("Afterwards"));

    let c = edit(
        &site,
        "content/articles/lists.md",
        "title: Lists",
        "title: Meeting lists",
    );
    s.step(&site, c, "the article retitled");
    assert!(page(&s).contains("Meeting lists"));

    let c = edit(
        &site,
        "content/articles/lists.md",
        "\n## Afterwards\n\n- [x] Write the notes\n",
        "\n",
    );
    s.step(&site, c, "a checklist removed");
    assert!(!page(&s).contains("Afterwards"));
    let c = edit(
        &site,
        "content/articles/lists.md",
        "practices: [follow-up, effective-listening]",
        "practices: [follow-up]",
    );
    s.step(&site, c, "a practice dropped (one group fewer)");
    site.remove("content/articles/lists.md");
    s.step(
        &site,
        paths(&site, &["content/articles/lists.md"]),
        "the article deleted",
    );
    assert!(!page(&s).contains("Meeting lists"));
}

/// A small photo-like JPEG, `w` × `h`.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn picture_edits_add_up_to_a_fresh_build() {
    let site = Site::fixture("tagged");
    let mut s = Served2::start(&site);
    let dir = "content/articles/offsite";
    site.write(&format!("{dir}/room.jpg"), jpeg(900, 600));
    site.write(
        &format!("{dir}/index.md"),
        "---\ntitle: Offsite\ndate: 2026-07-02\nlevel: pooled\npractices: [follow-up]\nimage: room.jpg\nimage_alt: The room before the workshop\n---\n\nBody.\n",
    );
    s.step(
        &site,
        paths(&site, &[dir]),
        "a page bundle with a featured picture",
    );
    let page = |s: &Served2| {
        String::from_utf8_lossy(&s.served["articles/offsite/index.html"]).into_owned()
    };
    assert!(page(&s).contains("width=\"900\" height=\"600\""));

    site.write(&format!("{dir}/room.jpg"), jpeg(1200, 500));
    s.step(
        &site,
        paths(&site, &[&format!("{dir}/room.jpg")]),
        "the picture replaced",
    );
    assert!(
        page(&s).contains("width=\"1200\" height=\"500\""),
        "{}",
        page(&s)
    );

    site.write(&format!("{dir}/wall.jpg"), jpeg(500, 500));
    edit(
        &site,
        &format!("{dir}/index.md"),
        "Body.",
        "Body.\n\n![Notes on the wall](wall.jpg)",
    );
    let both = [format!("{dir}/index.md"), format!("{dir}/wall.jpg")];
    let c = paths(&site, &[&both[0], &both[1]]);
    s.step(&site, c, "a picture added to the body");
    assert!(page(&s).contains("alt=\"Notes on the wall\""));

    site.remove(&format!("{dir}/wall.jpg"));
    let c = edit(
        &site,
        &format!("{dir}/index.md"),
        "\n\n![Notes on the wall](wall.jpg)",
        "",
    );
    let Changes::Paths(mut p) = c else {
        unreachable!()
    };
    p.push(site.path(&format!("{dir}/wall.jpg")));
    s.step(&site, Changes::Paths(p), "a picture and its use removed");
}

#[test]
fn schedules_under_serve_add_up_to_a_fresh_build_as_dates_and_the_clock_move() {
    let site = Site::fixture("tagged");
    let mut opts = options(&site);
    opts.now = Some("2026-12-08T06:00:00Z".parse().unwrap());
    let mut s = Served2::start_with(opts);
    let c = edit(
        &site,
        "content/articles/alpha.md",
        "date: 2026-01-01",
        "date: 2026-12-08T09:00:00Z",
    );
    s.step(&site, c, "an article moved into the future");
    let banner = "Scheduled for Tuesday 8 December 2026, 09:00";
    let page = String::from_utf8_lossy(&s.served["articles/alpha/index.html"]).into_owned();
    assert!(page.contains(banner), "{page}");
    // Its time comes with no save at all: the banner goes at the next rebuild.
    s.set_now("2026-12-08T09:00:01Z");
    s.step(
        &site,
        paths(&site, &["content/articles/beta.md"]),
        "the clock passing the date",
    );
    let page = String::from_utf8_lossy(&s.served["articles/alpha/index.html"]).into_owned();
    assert!(!page.contains("preview-banner"), "published now: {page}");
    let c = edit(
        &site,
        "content/articles/delta.md",
        "level: reciprocal",
        "level: reciprocal\ndraft: true",
    );
    s.step(&site, c, "a page made a draft (left out without --drafts)");
    assert!(!s.served.contains_key("articles/delta/index.html"));
}

#[test]
fn newsletter_issue_edits_under_serve_add_up_to_a_fresh_build() {
    let site = Site::fixture("tagged");
    site.write(
        "content/newsletter/2026-03-15.md",
        "---\nsubject: March notes\ndate: 2026-03-15\npreheader: Listening first\narticles:\n  - \"@/articles/gamma.md\"\n  - \"@/articles/alpha.md\"\n---\n\nHello, read [Beta](../articles/beta.md) too.\n",
    );
    let mut s = Served2::start(&site);
    assert!(s.served.contains_key("newsletter/2026-03-15/email.html"));
    let c = edit(
        &site,
        "content/articles/gamma.md",
        "title: ",
        "title: Renamed ",
    );
    s.step(&site, c, "a featured article's title");
    let email = String::from_utf8_lossy(&s.served["newsletter/2026-03-15/email.txt"]).into_owned();
    assert!(email.contains("Renamed"), "{email}");
    let c = edit(
        &site,
        "content/newsletter/2026-03-15.md",
        "  - \"@/articles/gamma.md\"\n  - \"@/articles/alpha.md\"",
        "  - \"@/articles/alpha.md\"\n  - \"@/articles/delta.md\"",
    );
    s.step(&site, c, "the issue's articles reordered and changed");
    let c = edit(
        &site,
        "content/newsletter/2026-03-15.md",
        "Hello",
        "Good morning",
    );
    s.step(&site, c, "the issue's own text");
    let c = edit(
        &site,
        "content/newsletter/2026-03-15.md",
        "Listening first",
        "Hearing",
    );
    s.step(&site, c, "the preheader");
    site.write(
        "content/newsletter/2026-05-02.md",
        "---\nsubject: May notes\ndate: 2026-05-02\narticles: [\"@/articles/epsilon.md\"]\n---\n\nHi.\n",
    );
    s.step(
        &site,
        paths(&site, &["content/newsletter/2026-05-02.md"]),
        "a new issue",
    );
    let c = edit(
        &site,
        "content/articles/epsilon.md",
        "date: 2026-05-01",
        "date: 2026-05-03",
    );
    s.step(&site, c, "a featured article's date");
    site.remove("content/newsletter/2026-03-15.md");
    s.step(
        &site,
        paths(&site, &["content/newsletter/2026-03-15.md"]),
        "an issue deleted",
    );
    assert!(!s.served.contains_key("newsletter/2026-03-15/email.html"));
}

#[test]
fn an_imported_blog_under_serve_adds_up_to_a_fresh_build() {
    let site = Site {
        dir: tempfile::tempdir().unwrap(),
    };
    crate::import::imported_wordpress_site(site.root());
    let mut s = Served2::start(&site);
    s.assert_matches(&site, "the first build of an imported blog");
    assert!(
        s.served
            .contains_key("about/team/coaching-hours/index.html")
    );
    assert!(
        s.served
            .contains_key("2025/03/giving-feedback-that-lands/index.html")
    );

    let post = "content/articles/giving-feedback-that-lands/index.md";
    let c = edit(
        &site,
        post,
        "title: Giving feedback that lands",
        "title: Feedback that lands",
    );
    s.step(&site, c, "an imported article's title edited");
    let c = edit(
        &site,
        "content/about/team/index.md",
        "Three coaches",
        "Four coaches",
    );
    s.step(
        &site,
        c,
        "the body of a page bundle with a child page edited",
    );
    let c = edit(
        &site,
        "content/about/team/coaching-hours.md",
        "Fridays",
        "Mondays",
    );
    s.step(&site, c, "the child page beside the bundle edited");
    let gone = "content/articles/next-quarters-retro.md";
    site.remove(gone);
    s.step(&site, paths(&site, &[gone]), "an imported article deleted");
}

#[test]
fn paginated_lists_under_serve_shift_as_articles_come_and_go_and_equal_a_fresh_build() {
    let site = crate::pagination::generated(10, 3);
    let mut s = Served2::start(&site);
    s.assert_matches(&site, "the first build");
    assert!(s.served.contains_key("articles/page/5/index.html"));
    assert!(!s.served.contains_key("articles/page/6/index.html"));

    // A new newest article pushes one entry onto every later page, and a
    // new last page appears.
    site.write(
        "content/articles/newest.md",
        "---\ntitle: The newest\ndate: 2027-01-01\nlevel: pooled\nattitudes: [respect]\npractices: [follow-up]\n---\n\nNew.\n\n## Do\n\n- [ ] One\n",
    );
    s.step(
        &site,
        paths(&site, &["content/articles/newest.md"]),
        "adding the newest article",
    );
    assert!(s.served.contains_key("articles/page/6/index.html"));

    // Deleting an old one pulls them back; the last page goes.
    site.remove("content/articles/gen-004.md");
    site.remove("content/articles/gen-005.md");
    s.step(
        &site,
        paths(
            &site,
            &["content/articles/gen-004.md", "content/articles/gen-005.md"],
        ),
        "deleting two articles",
    );
    assert!(!s.served.contains_key("articles/page/6/index.html"));

    // A listed article's summary and title change, nothing moves.
    let c = edit(
        &site,
        "content/articles/gen-008.md",
        "Summary of article 8.",
        "A new summary of 8.",
    );
    s.step(&site, c, "a listed article's summary");
    let c = edit(
        &site,
        "content/articles/gen-008.md",
        "title: Generated article 008",
        "title: Article eight",
    );
    s.step(&site, c, "a listed article's title");

    // A date moves an article from the last page to the first.
    let c = edit(
        &site,
        "content/articles/gen-000.md",
        "date: 2025-01-01",
        "date: 2027-02-01",
    );
    s.step(&site, c, "a date edit that reorders the list");

    // The section's own fields are on its later pages too.
    let c = edit(
        &site,
        "content/articles/_index.md",
        "title: Articles",
        "title: Articles\ndescription: All of them",
    );
    s.step(&site, c, "the section's description");
    let c = edit(
        &site,
        "content/articles/_index.md",
        "title: Articles",
        "title: Articles\npaginate: 4",
    );
    s.step(&site, c, "the section's own page size");

    // A level and a practice move: both term lists shift.
    let c = edit(
        &site,
        "content/articles/gen-007.md",
        "level: sequential",
        "level: pooled",
    );
    s.step(&site, c, "a level edit");
    let c = edit(
        &site,
        "content/articles/gen-003.md",
        "- [ ] First step",
        "- [x] First step",
    );
    s.step(&site, c, "a ticked checklist item");
    let c = edit(&site, "site.toml", "paginate = 3", "paginate = 2");
    s.step(&site, c, "site.toml's page size");
}
