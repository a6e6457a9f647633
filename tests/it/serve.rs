//! `huddle serve --watch` as an author uses it: a real server process on a free
//! port, files edited on disk (plain writes and atomic renames), the live-reload
//! event stream awaited (no sleeps as assertions), pages fetched over HTTP.

use std::process::Command;
use std::time::Duration;

use crate::common::{Server, Site, WAIT};

fn atomic_write(site: &Site, rel: &str, text: &str) {
    let tmp = site.path(&format!("{rel}.tmp-save"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, site.path(rel)).unwrap();
}

#[test]
fn serves_pages_with_live_reload_and_safe_paths() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let (status, html) = server.get("/articles/plan/");
    assert_eq!(status, 200);
    assert!(html.contains("<h1>The plan</h1>"));
    assert!(
        html.contains("/__huddle/live.js"),
        "serve injects live reload"
    );
    assert!(
        html.contains(&format!("{}/articles/plan/", server.url)),
        "canonical URLs use the local address"
    );
    assert_eq!(server.get("/articles/plan").0, 301);
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("Fixture override: nothing here"),
        "the site's own 404 page"
    );
    for attack in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/articles/%2e%2e/%2e%2e/site.toml",
        "/..%5csite.toml",
    ] {
        let (status, body) = server.get(attack);
        assert!(status == 400 || status == 404, "{attack}: {status}");
        assert!(!body.contains("base_url"), "{attack} leaked site.toml");
    }
    // The build output folder is never written by serve.
    assert!(!site.path("public").exists());
}

#[test]
fn edits_rebuild_and_reload_including_atomic_saves() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();

    site.write(
        "content/articles/plan.md",
        plan.replace("Before the marker, part one.", "Edited by a plain write."),
    );
    events.wait_for("reload", "/articles/plan/index.html");
    assert!(
        server
            .get("/articles/plan/")
            .1
            .contains("Edited by a plain write.")
    );

    atomic_write(
        &site,
        "content/articles/plan.md",
        &plan.replace("Before the marker, part one.", "Edited by an atomic save."),
    );
    events.wait_for("reload", "/articles/plan/index.html");
    assert!(
        server
            .get("/articles/plan/")
            .1
            .contains("Edited by an atomic save.")
    );

    // (Once that rebuild is done: a save during it would be rebuilt with
    // it, and reload the pages too.)
    events.wait_for("built", "rendered");
    site.write("static/extra.css", "/* changed */");
    let data = events.wait_for("reload", "/extra.css");
    assert!(data.contains("\"css_only\":true"), "{data}");
}

#[test]
fn deleting_a_linked_article_reports_the_broken_link_until_it_returns() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.remove("content/articles/plan.md");
    // quotes.md links to it: that is now an error, and the old pages stay.
    let data = events.wait_for("build-error", "content/articles/quotes.md");
    assert!(data.contains("broken link"), "{data}");
    assert_eq!(server.get("/articles/plan/").0, 200);
    site.write("content/articles/plan.md", &plan);
    events.wait_for("built", "rendered");
    let (status, quotes) = server.get("/articles/quotes/");
    assert_eq!(status, 200);
    assert!(
        quotes.contains("/articles/plan/#the-plan"),
        "the link is back"
    );
}

#[test]
fn an_edit_renders_only_the_pages_that_show_it() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let about = std::fs::read_to_string(site.path("content/about.md")).unwrap();
    site.write(
        "content/about.md",
        about.replace("This page links", "This page, edited, links"),
    );
    let small: u64 = rendered_count(&events.wait_for("built", "rendered"));
    // A template change renders every page.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Gone</h1>{% endblock content %}\n",
    );
    let all: u64 = rendered_count(&events.wait_for("built", "rendered"));
    assert!(
        small >= 1 && small * 3 < all,
        "edit: {small} files, template: {all}"
    );
    assert!(server.get("/about/").1.contains("This page, edited, links"));
}

fn rendered_count(data: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(data).expect("JSON event");
    v["rendered"].as_u64().expect("rendered count")
}

#[test]
fn a_broken_save_shows_errors_and_keeps_the_last_good_page() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace("level: sequential", "level: sequentail"),
    );
    let data = events.wait_for("build-error", "content/articles/plan.md");
    assert!(data.contains("did you mean `sequential`"), "{data}");
    assert!(data.contains("\"line\":4"), "{data}");
    let (status, html) = server.get("/articles/plan/");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(html.contains("Before the marker, part one."));
    // A page opened now gets the errors at once.
    server.events().wait_for("build-error", "sequentail");
    site.write(
        "content/articles/plan.md",
        plan.replace("Before the marker, part one.", "Fixed again."),
    );
    events.wait_for("reload", "/articles/plan/index.html");
    assert!(server.get("/articles/plan/").1.contains("Fixed again."));
}

#[test]
fn after_a_sequence_of_edits_serve_matches_a_fresh_build() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    // After each step, once the rebuild is done, every file matches a fresh build.
    let step = |what: &str, change: &dyn Fn()| {
        change();
        events.wait_for("built", "rendered");
        assert_matches_a_fresh_build(&site, &server, what);
    };
    step("add an article", &|| {
        site.write("content/articles/new-one.md", "---\ntitle: New one\ndate: 2026-07-01\nlevel: reciprocal\npractices: [follow-up]\n---\n\nA new article that links to [the plan](plan.md).\n")
    });
    step("edit a body", &|| {
        let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
        site.write(
            "content/articles/plan.md",
            plan.replace(
                "Before the marker, part one.",
                "A new opening line, longer than the old one was.",
            ),
        );
    });
    step("retitle an article", &|| {
        let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
        site.write(
            "content/articles/plan.md",
            plan.replace("title: The plan", "title: The better plan"),
        );
    });
    step("retag and unlink", &|| {
        let quotes = std::fs::read_to_string(site.path("content/articles/quotes.md")).unwrap();
        site.write(
            "content/articles/quotes.md",
            quotes
                .replace("practices: [follow-up]", "practices: [meeting-hygiene]")
                .replace(" and [the plan](@/articles/plan.md#the-plan)", ""),
        );
    });
    step("remove a link", &|| {
        site.write("content/articles/new-one.md", "---\ntitle: New one\ndate: 2026-07-01\nlevel: reciprocal\npractices: [follow-up]\n---\n\nA new article.\n");
    });
    step("delete an article", &|| {
        site.remove("content/articles/plan.md")
    });
    step("change a template", &|| {
        site.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}<h1>{{ page.title }}</h1><p>custom page template</p>{{ page.content | safe }}{% endblock content %}\n");
    });
    step("change a stylesheet", &|| {
        site.write("static/extra.css", "body { margin: 0 }\n");
    });
    step("add a folder", &|| {
        site.write(
            "content/guides/first.md",
            "---\ntitle: First guide\n---\n\nGuide.\n",
        );
    });
    step("rename a folder", &|| {
        std::fs::rename(site.path("content/guides"), site.path("content/notes")).unwrap();
    });
    assert_eq!(
        server.get("/articles/plan/").0,
        404,
        "the deleted page is gone"
    );
    assert_eq!(
        server.get("/guides/first/").0,
        404,
        "the renamed folder's old page is gone"
    );
    assert_eq!(server.get("/notes/first/").0, 200);
}

/// Every file of a fresh build of the site (as serve builds: local newsletter
/// endpoint, plain asset names) is served with the same bytes, and serve
/// serves no page the build does not have.
fn assert_matches_a_fresh_build(site: &Site, server: &Server, after: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("out");
    let mut opts = huddle::BuildOptions::new(site.root());
    opts.output = Some(out.clone());
    opts.base_url = Some(format!("{}/", server.url));
    opts.dev_server = true;
    huddle::build(&opts).unwrap_or_else(|e| panic!("after {after}: {e:?}"));
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // The search index is built in the background under serve.
        if rel == ".huddle-output" || rel.starts_with("pagefind/") {
            continue;
        }
        let expected = std::fs::read(entry.path()).unwrap();
        let (status, served) = server.get_bytes(&format!("/{rel}"));
        assert_eq!(status, 200, "after {after}: /{rel}");
        // Pages carry the live-reload script; pictures are compared as bytes.
        let served = match String::from_utf8(served) {
            Ok(text) => text
                .replace("<script src=\"/__huddle/live.js\"></script>\n", "")
                .into_bytes(),
            Err(binary) => binary.into_bytes(),
        };
        assert!(
            served == expected,
            "after {after}: /{rel} differs from a fresh build:\n{}\n---- expected ----\n{}",
            String::from_utf8_lossy(&served),
            String::from_utf8_lossy(&expected)
        );
        compared += 1;
    }
    assert!(compared > 15, "compared only {compared} files");
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_ctrl_c() {
    let site = Site::fixture("basic");
    let mut server = Server::start(&site);
    let _events = server.events(); // an open event stream must not block shutdown
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "huddle serve did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_taken_port_is_reported_with_a_suggestion() {
    let site = Site::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_huddle"))
        .args(["serve", "--port", &port, "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--port"), "{stderr}");
}

fn post(server: &Server, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(&format!("{}/__huddle/newsletter", server.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(body)
        .expect("request");
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn signups(site: &Site) -> Vec<serde_json::Value> {
    match std::fs::read_to_string(site.path(".huddle/newsletter-signups.jsonl")) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn newsletter_endpoint_records_each_sign_up_once() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let (status, body) = post(
        &server,
        "email=ana%40example.org&tag=reciprocal&tag=follow-up&website=",
    );
    assert_eq!(status, 200, "{body}");
    let lines = signups(&site);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["email"], "ana@example.org");
    assert_eq!(
        lines[0]["tags"],
        serde_json::json!(["reciprocal", "follow-up"])
    );
    // The served stub form posts here.
    assert!(
        server
            .get("/newsletter/")
            .1
            .contains("/__huddle/newsletter")
    );
}

#[test]
fn newsletter_endpoint_refuses_bad_input_and_writes_nothing() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    for bad in [
        "email=not-an-address",
        "email=",
        "nothing=here",
        "email=a%40b.org%0A%7B%22email%22%3A%22x%40y.org%22%7D",
    ] {
        let (status, body) = post(&server, bad);
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("\"error\""), "{body}");
    }
    let (status, _) = post(
        &server,
        &format!("email=a%40b.org&padding={}", "x".repeat(5000)),
    );
    assert_eq!(status, 413, "oversize bodies are refused");
    assert!(signups(&site).is_empty());
}

#[test]
fn concurrent_sign_ups_are_all_recorded_on_whole_lines() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    // Apostrophes, braces and backslashes can be in an address; they must stay inside one JSON string.
    let tricky = "o'brien+{x}\\n@example.org";
    std::thread::scope(|s| {
        for i in 0..24 {
            let server = &server;
            s.spawn(move || {
                let email = if i == 0 {
                    tricky.to_string()
                } else {
                    format!("reader{i}@example.org")
                };
                let body: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("email", &email)
                    .finish();
                assert_eq!(post(server, &body).0, 200);
            });
        }
    });
    let lines = signups(&site);
    assert_eq!(lines.len(), 24);
    let mut emails: Vec<String> = lines
        .iter()
        .map(|l| l["email"].as_str().unwrap().to_string())
        .collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), 24, "each sign-up exactly once");
    assert!(emails.contains(&tricky.to_string()));
}

#[test]
fn a_templates_folder_created_while_serving_is_watched() {
    // The tagged fixture has no templates/ folder at start.
    let site = Site::fixture("tagged");
    assert!(!site.path("templates").exists());
    let server = Server::start(&site);
    let events = server.events();
    let template = |marker: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<h1>{{{{ page.title }}}}</h1><p>{marker}</p>{{% endblock content %}}\n"
        )
    };
    site.write("templates/page.html", template("first template"));
    events.wait_for("reload", "/articles/alpha/index.html");
    events.wait_for("built", "rendered");
    assert!(server.get("/articles/alpha/").1.contains("first template"));
    // A later save inside the new folder is seen too.
    site.write("templates/page.html", template("second template"));
    events.wait_for("reload", "/articles/alpha/index.html");
    assert!(server.get("/articles/alpha/").1.contains("second template"));
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_on_the_served_address() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("tagged");
    // A stand-in browser that writes down the address it was given.
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_huddle"))
        .args(["serve", "--open", "--port", "0", "--root"])
        .arg(site.root())
        .env("BROWSER", &browser)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let address = std::io::BufRead::lines(stdout)
        .map_while(Result::ok)
        .find_map(|l| {
            l.split(" at ")
                .nth(1)
                .map(|r| r.split_whitespace().next().unwrap().to_string())
        })
        .expect("address printed");
    let deadline = std::time::Instant::now() + WAIT;
    let got = loop {
        let got = std::fs::read_to_string(&opened).unwrap_or_default();
        if !got.is_empty() || std::time::Instant::now() > deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(got.trim(), address);
}

#[test]
fn vim_style_saves_and_bursts_of_saves_end_with_the_last_text() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    // vim (backupcopy=auto): the file becomes plan.md~, a new plan.md is
    // written, the backup is removed.
    std::fs::rename(
        site.path("content/articles/plan.md"),
        site.path("content/articles/plan.md~"),
    )
    .unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace("Before the marker, part one.", "Saved the vim way."),
    );
    site.remove("content/articles/plan.md~");
    events.wait_for("reload", "/articles/plan/index.html");
    wait_for_text(&server, &events, "/articles/plan/", "Saved the vim way.");
    // Five saves in a row, as fast as they come: the last one wins.
    for n in 1..=5 {
        site.write(
            "content/articles/plan.md",
            plan.replace("Before the marker, part one.", &format!("Burst save {n}.")),
        );
    }
    wait_for_text(&server, &events, "/articles/plan/", "Burst save 5.");
}

#[test]
fn saves_that_come_as_soon_as_the_last_page_is_served_settle_into_a_fresh_build() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    let quotes = std::fs::read_to_string(site.path("content/articles/quotes.md")).unwrap();
    // Each save comes once the page it edited is served, while the rest of
    // its rebuild may still be rendering (an autosave, Ctrl-S twice): the
    // newer save may interrupt it, and must still see its page first.
    for n in 1..=6 {
        let (rel, url, text) = if n % 2 == 1 {
            (
                "content/articles/plan.md",
                "/articles/plan/index.html",
                &plan,
            )
        } else {
            (
                "content/articles/quotes.md",
                "/articles/quotes/index.html",
                &quotes,
            )
        };
        let edited = text
            .replace("Before the marker, part one.", &format!("Quick save {n}."))
            .replace("second paragraph", &format!("second paragraph (save {n})"))
            .replace("title: The", &format!("title: Save {n} of The"))
            .replace("title: \"Fish", &format!("title: \"Save {n} of Fish"));
        site.write(rel, &edited);
        events.wait_for("reload", url);
    }
    // The last save retitled quotes: the home page lists it once its rebuild
    // (the only one left) is done, and then every file is a fresh build's.
    wait_for_text(&server, &events, "/", "Save 6 of ");
    assert_matches_a_fresh_build(&site, &server, "six quick saves");
}

#[test]
fn share_cards_are_served_from_the_picture_cache_and_a_lost_one_is_a_plain_404() {
    let site = Site::fixture("basic");
    let server = Server::start(&site);
    let (_, page) = server.get("/articles/plan/");
    let marker = "<meta property=\"og:image\" content=\"";
    let start = page.find(marker).expect("the article has a share card") + marker.len();
    let url = &page[start..start + page[start..].find('"').unwrap()];
    let path = url.strip_prefix(server.url.as_str()).unwrap_or(url);
    let (status, card) = server.get_bytes(path);
    assert_eq!(status, 200, "{path}");
    let decoded = image::load_from_memory(&card).expect("a picture");
    assert_eq!((decoded.width(), decoded.height()), (1200, 630));
    // The cache deleted while serving: no empty 200, no crash.
    std::fs::remove_dir_all(site.path(".huddle")).unwrap();
    let (status, body) = server.get(path);
    assert_eq!(status, 404);
    assert!(body.contains("restart huddle serve"), "{body}");
    assert_eq!(server.get("/articles/plan/").0, 200);
}

/// Waits (rebuild by rebuild) until `path` serves `text`.
fn wait_for_text(server: &Server, events: &crate::common::Events, path: &str, text: &str) {
    for _ in 0..10 {
        if server.get(path).1.contains(text) {
            return;
        }
        events.wait_for("built", "rendered");
    }
    panic!("{path} never showed {text:?}");
}

#[test]
fn deleting_a_static_override_serves_the_themes_file_again() {
    // A site made by `huddle init` has the theme on disk (themes/default/).
    let site = Site {
        dir: tempfile::tempdir().unwrap(),
    };
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .arg("init")
        .arg(site.root())
        .assert()
        .success();
    let theme_css = std::fs::read_to_string(site.path("themes/default/static/style.css")).unwrap();
    site.write("static/style.css", "body { background: hotpink }\n");
    let server = Server::start(&site);
    let events = server.events();
    assert!(server.get("/style.css").1.contains("hotpink"));
    site.remove("static/style.css");
    events.wait_for("reload", "/style.css");
    assert_eq!(server.get("/style.css").1, theme_css);
}
