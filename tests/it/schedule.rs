//! Scheduled articles: dated after the build's moment, they are in no page,
//! list, feed, sitemap or search record until then (or with `--future`); a
//! link to one is an error that says when it goes out; serve shows them with
//! a banner. The moment is fixed with `BuildOptions::now` or `HUDDLE_NOW`.

use std::io::Read;

use crate::common::{Server, Site};

/// 07:00 in Berlin on Tuesday 8 December 2026.
const NOW: &str = "2026-12-08T06:00:00Z";

fn at(moment: &str) -> jiff::Timestamp {
    moment.parse().unwrap()
}

/// The tagged fixture (five past articles) in Berlin, with an article due in
/// a minute, one due at midnight in Berlin, one due next year, and a draft.
fn scheduled_site() -> Site {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        config.replace("[related]", "timezone = \"Europe/Berlin\"\n\n[related]"),
    );
    site.write(
        "content/articles/soon.md",
        "---\ntitle: Soon reciprocal\ndate: 2026-12-08T06:01:00Z\nlevel: reciprocal\nattitudes: [openness]\npractices: [follow-up]\n---\n\nIt points back at [Alpha](alpha.md).\n\n## Before the meeting\n\n- [ ] Ask who depends on whom\n",
    );
    site.write(
        "content/articles/midnight.md",
        "---\ntitle: Midnight in Berlin\ndate: 2026-12-09\nlevel: pooled\npractices: [effective-listening]\n---\n\nDue at midnight, Berlin time.\n",
    );
    site.write(
        "content/articles/next-year.md",
        "---\ntitle: Next year pooled\ndate: 2027-12-08\nlevel: pooled\nattitudes: [respect]\n---\n\nA year away.\n",
    );
    site.write(
        "content/articles/unfinished.md",
        "---\ntitle: Draft sequential\ndate: 2026-06-01\nlevel: sequential\ndraft: true\n---\n\nNot ready.\n",
    );
    site
}

const LATER: [(&str, &str); 3] = [
    ("Soon reciprocal", "/articles/soon/"),
    ("Midnight in Berlin", "/articles/midnight/"),
    ("Next year pooled", "/articles/next-year/"),
];
const DRAFT: (&str, &str) = ("Draft sequential", "/articles/unfinished/");

/// Every text of the output: pages, feeds, the sitemap, and the search
/// index's fragments (gzip-compressed JSON), by path.
fn every_text(site: &Site) -> Vec<(String, String)> {
    let base = site.path("public");
    walkdir::WalkDir::new(&base)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(&base).unwrap().display().to_string();
            let bytes = std::fs::read(e.path()).unwrap();
            let text = if rel.ends_with(".pf_fragment") {
                let mut out = String::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut out)
                    .ok()?;
                out
            } else {
                String::from_utf8(bytes).ok()?
            };
            Some((rel, text))
        })
        .collect()
}

fn pages_indexed(site: &Site) -> u64 {
    let entry: serde_json::Value =
        serde_json::from_str(&site.output("pagefind/pagefind-entry.json")).unwrap();
    entry["languages"]["en"]["page_count"].as_u64().unwrap()
}

#[test]
fn scheduled_articles_and_drafts_are_nowhere_in_the_output_until_their_time() {
    let site = scheduled_site();
    let report = site.build_with(|o| o.now = Some(at(NOW)));
    let texts = every_text(&site);
    assert!(
        texts.iter().any(|(p, _)| p.ends_with(".pf_fragment")),
        "the search index was read"
    );
    for (title, url) in LATER.iter().chain([&DRAFT]) {
        for (path, text) in &texts {
            assert!(!text.contains(title), "{title} is in {path}");
            assert!(!text.contains(url), "{url} is in {path}");
        }
    }
    assert!(!site.has_output("articles/soon/index.html"));
    assert_eq!(
        pages_indexed(&site),
        5,
        "only the five past articles are searchable"
    );
    // Alpha is linked from the scheduled article: no backlink to it yet.
    assert!(!site.output("articles/alpha/index.html").contains("Soon"));
    let due: Vec<(&str, &str)> = report
        .scheduled
        .iter()
        .map(|s| (s.title.as_str(), s.when.as_str()))
        .collect();
    assert_eq!(
        due,
        [
            (
                "Soon reciprocal",
                "Tuesday 8 December 2026, 07:01 (Europe/Berlin)"
            ),
            (
                "Midnight in Berlin",
                "Wednesday 9 December 2026, 00:00 (Europe/Berlin)"
            ),
            (
                "Next year pooled",
                "Wednesday 8 December 2027, 00:00 (Europe/Berlin)"
            ),
        ]
    );
}

#[test]
fn with_future_the_scheduled_articles_are_published_everywhere() {
    let site = scheduled_site();
    site.build_with(|o| {
        o.now = Some(at(NOW));
        o.future = true;
    });
    for (title, url) in LATER {
        let file = format!("{}index.html", url.trim_start_matches('/'));
        assert!(site.output(&file).contains(title), "{file}");
        assert!(
            site.output("atom.xml").contains(title),
            "{title} in the feed"
        );
        assert!(
            site.output("sitemap.xml").contains(url),
            "{url} in the sitemap"
        );
        assert!(
            site.output("articles/index.html").contains(url),
            "{url} listed"
        );
    }
    assert!(
        site.output("levels/reciprocal/index.html")
            .contains("/articles/soon/")
    );
    assert!(
        site.output("checklists/index.html")
            .contains("/articles/soon/#"),
        "its checklist is listed"
    );
    assert!(
        site.output("articles/alpha/index.html")
            .contains("Soon reciprocal"),
        "backlink"
    );
    // The banner is serve's: a build never shows it.
    assert!(
        !site
            .output("articles/soon/index.html")
            .contains("preview-banner")
    );
    assert!(
        !site.has_output("articles/unfinished/index.html"),
        "drafts still need --drafts"
    );
    assert_eq!(pages_indexed(&site), 8);
}

#[test]
fn the_time_zone_decides_when_a_date_without_a_time_goes_out() {
    // 23:30 UTC on the 8th is 00:30 on the 9th in Berlin: due there.
    let site = scheduled_site();
    site.build_with(|o| o.now = Some(at("2026-12-08T23:30:00Z")));
    assert!(
        site.output("articles/midnight/index.html")
            .contains("Midnight in Berlin")
    );
    assert!(
        site.output("atom.xml")
            .contains("2026-12-09T00:00:00+01:00")
    );
    // The same moment in UTC is still the 8th: not yet.
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", config.replace("Europe/Berlin", "UTC"));
    site.build_with(|o| o.now = Some(at("2026-12-08T23:30:00Z")));
    assert!(!site.has_output("articles/midnight/index.html"));
    assert!(
        site.has_output("articles/soon/index.html"),
        "07:01 has passed"
    );
}

#[test]
fn a_link_to_a_scheduled_article_or_a_draft_says_so_with_its_line() {
    let site = scheduled_site();
    site.write(
        "content/articles/alpha.md",
        "---\ntitle: Alpha pooled\ndate: 2026-01-01\nlevel: pooled\n---\n\nRead [what comes next](soon.md) and\n[the draft](unfinished.md).\n\n## Listening first\n",
    );
    let mut opts = huddle::BuildOptions::new(site.root());
    opts.now = Some(at(NOW));
    let errors = huddle::build(&opts).expect_err("links to unpublished pages fail the build");
    let scheduled = errors
        .iter()
        .find(|d| d.message.contains("soon.md"))
        .expect("the link to the scheduled article");
    assert_eq!(
        (&scheduled.origin, scheduled.line),
        (&huddle::Origin::File("content/articles/alpha.md".into()), 7)
    );
    assert!(
        scheduled
            .message
            .contains("scheduled for Tuesday 8 December 2026, 07:01 (Europe/Berlin)"),
        "{scheduled}"
    );
    assert!(scheduled.help.as_deref().unwrap().contains("--future"));
    let draft = errors
        .iter()
        .find(|d| d.message.contains("unfinished.md"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(draft.line, 8);
    assert!(draft.message.contains("a draft"), "{draft}");
    // Published together, the link is fine.
    opts.future = true;
    opts.drafts = true;
    huddle::build(&opts).expect("with --future and --drafts both are published");
}

#[test]
fn check_lists_the_schedule_and_build_future_publishes_inside_the_site_folder() {
    let site = scheduled_site();
    let out = assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .arg("check")
        .current_dir(site.root())
        .env("HUDDLE_NOW", NOW)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("3 scheduled articles (not published yet):"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "Tuesday 8 December 2026, 07:01 (Europe/Berlin)  Soon reciprocal  (content/articles/soon.md)"
        ),
        "{stderr}"
    );
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .args(["build", "--future"])
        .current_dir(site.root())
        .env("HUDDLE_NOW", NOW)
        .assert()
        .success();
    assert!(
        site.output("articles/next-year/index.html")
            .contains("Next year pooled")
    );
    // A moment that is not one is a usage error.
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .arg("check")
        .current_dir(site.root())
        .env("HUDDLE_NOW", "next tuesday")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("HUDDLE_NOW"));
}

#[test]
fn an_unknown_time_zone_is_named_with_a_suggestion() {
    let site = scheduled_site();
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", config.replace("Europe/Berlin", "Europe/Berln"));
    let errors = site.build_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (&errors[0].origin, errors[0].line),
        (&huddle::Origin::File("site.toml".into()), 4)
    );
    assert!(errors[0].message.contains("Europe/Berln"));
    assert!(
        errors[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`Europe/Berlin`")
    );
}

#[test]
fn serve_shows_scheduled_articles_and_drafts_with_a_banner() {
    let site = scheduled_site();
    let server = Server::start_with_env(site.root(), &[], &[("HUDDLE_NOW", NOW)]);
    let (status, page) = server.get("/articles/soon/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Scheduled for Tuesday 8 December 2026, 07:01"),
        "{page}"
    );
    let (_, listed) = server.get("/articles/");
    assert!(
        listed.contains("/articles/soon/"),
        "serve lists what is scheduled"
    );
    let (_, past) = server.get("/articles/alpha/");
    assert!(
        !past.contains("preview-banner"),
        "a published page has no banner"
    );
    assert_eq!(
        server.get("/articles/unfinished/").0,
        404,
        "drafts need --drafts"
    );
    drop(server);
    let server = Server::start_with_env(site.root(), &["--drafts"], &[("HUDDLE_NOW", NOW)]);
    let (status, page) = server.get("/articles/unfinished/");
    assert_eq!(status, 200);
    assert!(page.contains("Draft: not published"), "{page}");
}
