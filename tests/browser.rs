//! Browser tests in headless Chromium (`cargo test --features browser`): the
//! checklists as a reader uses them. They fail, never skip, when Chromium is
//! missing. Chromium is Debian's `/usr/bin/chromium` (or `$HUDDLE_CHROMIUM`).
#![cfg(feature = "browser")]

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::{Server, Site};
use headless_chrome::{Browser, LaunchOptions, Tab};

fn chromium() -> PathBuf {
    let path = PathBuf::from(
        std::env::var("HUDDLE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    assert!(
        path.is_file(),
        "Chromium not found at {}: install the Debian package `chromium` (or set HUDDLE_CHROMIUM)",
        path.display()
    );
    path
}

fn browser(profile: &Path) -> Browser {
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .window_size(Some((1280, 2400)))
        .sandbox(false)
        .user_data_dir(Some(profile.to_path_buf()))
        .args(args)
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    Browser::new(options).expect("start Chromium")
}

/// Serves `dir` over HTTP on a free loopback port (localStorage needs a real origin).
fn serve(dir: PathBuf) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let port = server.server_addr().to_ip().expect("ip address").port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let mut file = dir.join(&path);
            if path.is_empty() || path.ends_with('/') {
                file = file.join("index.html");
            }
            let response = match std::fs::read(&file) {
                Ok(bytes) if !path.contains("..") => {
                    let kind = match file.extension().and_then(OsStr::to_str) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("css") => "text/css",
                        Some("js") => "text/javascript",
                        Some("json") => "application/json",
                        Some("wasm") => "application/wasm",
                        Some("jpg") => "image/jpeg",
                        Some("png") => "image/png",
                        Some("webp") => "image/webp",
                        Some("svg") => "image/svg+xml",
                        _ => "application/octet-stream",
                    };
                    tiny_http::Response::from_data(bytes).with_header(
                        tiny_http::Header::from_bytes("Content-Type", kind).expect("header"),
                    )
                }
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}")
}

const ARTICLE: &str = "---\ntitle: Checklist test\ndate: 2026-06-01\nlevel: pooled\npractices: [follow-up]\n---\n\nIntro.\n\n## Before the talk\n\n- [ ] Write the goal\n- [ ] Book a room\n- [ ] Send the agenda\n- [x] Bring water\n";
const ITEM: &str = "checklist-before-the-talk--";

fn checked(tab: &Tab, item: &str) -> bool {
    let v = tab
        .evaluate(
            &format!("document.getElementById('{ITEM}{item}').checked"),
            false,
        )
        .expect("evaluate");
    v.value.and_then(|v| v.as_bool()).expect("a boolean")
}

fn progress(tab: &Tab) -> String {
    let v = tab
        .evaluate(
            "document.querySelector('.checklist-progress').textContent",
            false,
        )
        .expect("evaluate");
    v.value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn setup() -> (Site, String, tempfile::TempDir, Browser, Arc<Tab>) {
    let site = Site::fixture("basic");
    site.write("content/articles/checklist-test.md", ARTICLE);
    site.build();
    let base = serve(site.path("public"));
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    (site, base, profile, browser, tab)
}

#[test]
fn ticks_survive_a_reload_and_reset_clears_them() {
    let (_site, base, _profile, _browser, tab) = setup();
    let url = format!("{base}/articles/checklist-test/");
    tab.navigate_to(&url)
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    assert_eq!(progress(&tab), "1 of 4 done");
    // Click the labels' text, as a reader would.
    tab.find_element(&format!("label[for='{ITEM}write-the-goal']"))
        .expect("label")
        .click()
        .expect("click");
    tab.find_element(&format!("label[for='{ITEM}send-the-agenda']"))
        .expect("label")
        .click()
        .expect("click");
    assert!(checked(&tab, "write-the-goal") && checked(&tab, "send-the-agenda"));
    assert_eq!(progress(&tab), "3 of 4 done");

    tab.reload(false, None)
        .expect("reload")
        .wait_until_navigated()
        .expect("load");
    tab.wait_for_element(".checklist-progress")
        .expect("progress");
    assert!(
        checked(&tab, "write-the-goal"),
        "ticked item remembered after reload"
    );
    assert!(checked(&tab, "send-the-agenda"));
    assert!(!checked(&tab, "book-a-room"));
    assert!(checked(&tab, "bring-water"), "author's [x] stays ticked");
    assert_eq!(progress(&tab), "3 of 4 done");

    tab.find_element(".checklist-reset")
        .expect("reset")
        .click()
        .expect("click");
    std::thread::sleep(Duration::from_millis(50)); // the reset handler runs after the native reset
    assert!(!checked(&tab, "write-the-goal") && !checked(&tab, "send-the-agenda"));
    assert!(
        checked(&tab, "bring-water"),
        "reset restores the author's defaults"
    );
    assert_eq!(progress(&tab), "1 of 4 done");
    tab.reload(false, None)
        .expect("reload")
        .wait_until_navigated()
        .expect("load");
    tab.wait_for_element(".checklist-progress")
        .expect("progress");
    assert!(
        !checked(&tab, "write-the-goal"),
        "reset also forgets the saved state"
    );
}

#[test]
fn progress_is_announced_to_screen_readers() {
    let (_site, base, _profile, _browser, tab) = setup();
    tab.navigate_to(&format!("{base}/articles/checklist-test/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    let live = tab
        .evaluate(
            "document.querySelector('.checklist-progress').getAttribute('aria-live')",
            false,
        )
        .expect("evaluate");
    assert_eq!(
        live.value
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref(),
        Some("polite")
    );
    // Every box has a label that names it.
    let unlabelled = tab
        .evaluate("[...document.querySelectorAll('.checklist input[type=checkbox]')].filter(b => !b.labels.length || !b.labels[0].textContent.trim()).length", false)
        .expect("evaluate");
    assert_eq!(unlabelled.value.and_then(|v| v.as_u64()), Some(0));
}

#[test]
fn boxes_still_tick_without_javascript() {
    let (_site, base, _profile, _browser, tab) = setup();
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: true },
    )
    .expect("disable JavaScript");
    tab.navigate_to(&format!("{base}/articles/checklist-test/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    // `Element::click` scrolls with a script; click the label's middle directly.
    let label = tab
        .find_element(&format!("label[for='{ITEM}book-a-room']"))
        .expect("label");
    let point = label.get_midpoint().expect("label position");
    tab.click_point(point).expect("click");
    assert!(
        checked(&tab, "book-a-room"),
        "a native checkbox ticks without scripts"
    );
    let script_ran = tab
        .evaluate(
            "document.querySelector('form.checklist').dataset.ready === 'true'",
            false,
        )
        .expect("evaluate");
    assert_eq!(
        script_ran.value.and_then(|v| v.as_bool()),
        Some(false),
        "the page's script really was off"
    );
}

#[test]
fn the_page_reloads_by_itself_after_its_markdown_is_saved() {
    let site = Site::fixture("basic");
    // Started as a writer starts it: inside the site folder, no --root.
    let server = Server::start_in(site.root(), &[]);
    let (server, _profile, _browser, tab) = open_in_browser(server, "/articles/plan/");
    // Wait until the page's live-reload stream is connected.
    tab.wait_for_element("script[src='/__huddle/live.js']")
        .expect("live reload script");
    let events = server.events();
    // A marker that only survives if the page is NOT reloaded.
    tab.evaluate("window.huddleMarker = 'old page'", false)
        .expect("evaluate");
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace(
            "Before the marker, part one.",
            "Saved while the browser watched.",
        ),
    );
    events.wait_for("reload", "/articles/plan/index.html");
    wait_until("the page did not reload with the new text", || {
        let text = text_of(&tab, "document.body ? document.body.innerText : ''");
        if text.contains("Saved while the browser watched.") {
            Ok(())
        } else {
            Err(String::new())
        }
    });
    let marker = tab
        .evaluate("typeof window.huddleMarker", false)
        .expect("evaluate");
    assert_eq!(
        marker
            .value
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref(),
        Some("undefined"),
        "the page really reloaded"
    );
}

#[test]
fn a_broken_save_shows_an_overlay_until_it_is_fixed() {
    let site = Site::fixture("basic");
    let (server, _profile, _browser, tab) = open_under_serve(&site, "/articles/plan/");
    let events = server.events();
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace("title: The plan", "titel: The plan"),
    );
    events.wait_for("build-error", "titel");
    let overlay = tab
        .wait_for_element("#huddle-error-overlay")
        .expect("overlay shown");
    let text = overlay.get_inner_text().expect("overlay text");
    assert!(
        text.contains("content/articles/plan.md") && text.contains("did you mean `title`"),
        "{text}"
    );
    site.write("content/articles/plan.md", &plan);
    // Back to the last good build: nothing changed, but the reload still comes.
    events.wait_for("reload", "paths");
    wait_until("the overlay stayed after the fix", || {
        if tab.find_element("#huddle-error-overlay").is_ok() {
            Err(String::new())
        } else {
            Ok(())
        }
    });
}

#[test]
fn a_site_broken_from_the_start_shows_that_nothing_has_built_then_recovers() {
    let site = Site::fixture("basic");
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace("level: sequential", "level: sequentail"),
    );
    let server = Server::start_in(site.root(), &["--root", "."]);
    let events = server.events();
    let (server, _profile, _browser, tab) = open_in_browser(server, "/articles/plan/");
    let overlay = tab
        .wait_for_element("#huddle-error-overlay")
        .expect("overlay shown");
    let text = overlay.get_inner_text().expect("overlay text");
    assert!(text.contains("nothing has built yet"), "{text}");
    assert!(!text.contains("last good"), "{text}");
    assert!(text.contains("did you mean `sequential`"), "{text}");
    site.write("content/articles/plan.md", &plan);
    events.wait_for("reload", "/articles/plan/index.html");
    wait_until("the fixed site did not appear", || {
        let text = text_of(&tab, "document.body ? document.body.innerText : ''");
        let overlay = tab.find_element("#huddle-error-overlay").is_ok();
        if text.contains("Before the marker, part one.") && !overlay {
            Ok(())
        } else {
            Err(text)
        }
    });
    drop(server);
}

/// Polls `done` every 50 ms for up to 20 s; fails with `what` (and the last
/// detail `done` gave) if it never holds.
fn wait_until(what: &str, mut done: impl FnMut() -> Result<(), String>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match done() {
            Ok(()) => return,
            Err(detail) => assert!(std::time::Instant::now() < deadline, "{what}: {detail}"),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A site served by `huddle serve --watch`, with Chromium open on `path`.
fn open_under_serve(site: &Site, path: &str) -> (Server, tempfile::TempDir, Browser, Arc<Tab>) {
    open_in_browser(Server::start(site), path)
}

/// `server`'s site with Chromium open on `path`.
fn open_in_browser(server: Server, path: &str) -> (Server, tempfile::TempDir, Browser, Arc<Tab>) {
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&format!("{}{path}", server.url))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    (server, profile, browser, tab)
}

fn text_of(tab: &Tab, js: &str) -> String {
    tab.evaluate(js, false)
        .ok()
        .and_then(|v| v.value)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Waits until `js` (a string expression) is non-empty, and returns it.
fn wait_text(tab: &Tab, js: &str) -> String {
    let mut text = String::new();
    wait_until(&format!("nothing from {js}"), || {
        text = text_of(tab, js);
        if text.is_empty() {
            Err(String::new())
        } else {
            Ok(())
        }
    });
    text
}

fn subscribe(tab: &Tab, address: &str) {
    let field = tab.find_element("#newsletter--email").expect("email field");
    field.click().expect("focus");
    tab.evaluate(
        "document.getElementById('newsletter--email').value = ''",
        false,
    )
    .expect("clear");
    field.type_into(address).expect("type");
    tab.find_element(".newsletter-button")
        .expect("button")
        .click()
        .expect("submit");
}

/// Waits until the newsletter status line contains `needle`.
fn wait_for_status(tab: &Tab, needle: &str, what: &str) {
    wait_until(what, || {
        let status = text_of(tab, STATUS);
        if status.contains(needle) {
            Ok(())
        } else {
            Err(status)
        }
    });
}

const STATUS: &str = "document.querySelector('.newsletter-status').textContent";

#[test]
fn stub_form_shows_success_and_error_states() {
    let (_site, base, _profile, _browser, tab) = setup();
    tab.navigate_to(&format!("{base}/articles/checklist-test/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    tab.wait_for_element("form.newsletter-form[data-ready='true']")
        .expect("form script ready");
    let live = text_of(
        &tab,
        "document.querySelector('.newsletter-status').getAttribute('aria-live')",
    );
    assert_eq!(live, "polite", "states are announced");
    subscribe(&tab, "ana@example");
    let error = wait_text(&tab, STATUS);
    assert!(
        text_of(
            &tab,
            "document.querySelector('.newsletter-status').className"
        )
        .contains("is-error"),
        "{error}"
    );
    assert_eq!(
        text_of(&tab, "document.getElementById('newsletter--email').value"),
        "ana@example",
        "the typed address stays"
    );
    subscribe(&tab, "ana@example.org");
    wait_for_status(&tab, "confirm", "no success note");
    assert!(
        text_of(
            &tab,
            "document.querySelector('.newsletter-status').className"
        )
        .contains("is-success")
    );
    // The form can be used again.
    assert_eq!(
        text_of(&tab, "document.getElementById('newsletter--email').value"),
        ""
    );
}

#[test]
fn under_serve_a_sign_up_reaches_the_local_file_and_a_dead_endpoint_shows_the_error() {
    let site = Site::fixture("basic");
    site.write("content/articles/checklist-test.md", ARTICLE);
    let (mut server, _profile, _browser, tab) =
        open_under_serve(&site, "/articles/checklist-test/");
    tab.wait_for_element("form.newsletter-form[data-ready='true']")
        .expect("form script ready");
    subscribe(&tab, "reader@example.org");
    wait_for_status(&tab, "confirm", "no success note");
    let saved = std::fs::read_to_string(site.path(".huddle/newsletter-signups.jsonl"))
        .expect("sign-ups file");
    let line: serde_json::Value =
        serde_json::from_str(saved.lines().next().expect("one line")).expect("JSON");
    assert_eq!(line["email"], "reader@example.org");
    assert_eq!(
        line["tags"],
        serde_json::json!(["pooled", "follow-up"]),
        "the article's level and practices"
    );

    // Now the endpoint is gone: the page must say so and keep the address.
    server.child.kill().expect("stop the server");
    server.child.wait().expect("stopped");
    subscribe(&tab, "second@example.org");
    wait_until("no error note", || {
        let class = text_of(
            &tab,
            "document.querySelector('.newsletter-status').className",
        );
        if class.contains("is-error") {
            Ok(())
        } else {
            Err(text_of(&tab, STATUS))
        }
    });
    assert!(text_of(&tab, STATUS).contains("nothing was saved"));
    assert_eq!(
        text_of(&tab, "document.getElementById('newsletter--email').value"),
        "second@example.org"
    );
    assert_eq!(
        std::fs::read_to_string(site.path(".huddle/newsletter-signups.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn search_finds_articles_by_their_words_and_filters_by_tag() {
    let (_site, base, _profile, _browser, tab) = setup();
    tab.navigate_to(&format!("{base}/search/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    // "The plan" says "Before the marker"; the checklist article does not.
    let titles = search_for(&tab, "marker", "The plan");
    assert!(!titles.contains("Checklist test"), "{titles}");
    let tags = text_of(
        &tab,
        "document.querySelector('.search-tags') ? document.querySelector('.search-tags').textContent : ''",
    );
    assert!(
        tags.contains("Sequential"),
        "results show their tags: {tags:?}"
    );
    let filters = text_of(
        &tab,
        "document.querySelector('.pagefind-ui__filter-panel') ? document.querySelector('.pagefind-ui__filter-panel').textContent : ''",
    );
    assert!(
        filters.contains("level") && filters.contains("practice"),
        "level and practice filters: {filters:?}"
    );
}

#[test]
fn under_serve_search_works_and_learns_the_words_of_a_save() {
    let site = Site::fixture("basic");
    let (server, _profile, _browser, tab) = open_under_serve(&site, "/search/");
    let events = server.events();
    // The index is built in the background; the page reloads itself when it arrives.
    search_for(&tab, "marker", "The plan");
    let plan = std::fs::read_to_string(site.path("content/articles/plan.md")).unwrap();
    site.write(
        "content/articles/plan.md",
        plan.replace("Before the marker", "Before the zeppelin"),
    );
    events.wait_for("reload", "/articles/plan/index.html");
    // Refreshed once the saves stop.
    events.wait_for("reload", "/pagefind/");
    tab.navigate_to(&format!("{}/search/", server.url))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    search_for(&tab, "zeppelin", "The plan");
}

#[test]
fn an_index_in_several_bundles_is_searched_as_one() {
    let site = Site::fixture("basic");
    site.write("content/articles/checklist-test.md", ARTICLE);
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    // Five pages, two a bundle: the reciprocal trip in the first, "The
    // plan" (sequential) in the second, the quotes page (respect) alone in
    // the third.
    site.write("site.toml", format!("{toml}\n[search]\nbundle_size = 2\n"));
    site.build();
    assert!(site.has_output("pagefind/part-2/pagefind-entry.json"));
    assert!(site.has_output("pagefind/part-3/pagefind-entry.json"));
    assert!(!site.has_output("pagefind/part-4/pagefind-entry.json"));
    let base = serve(site.path("public"));
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&format!("{base}/search/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    // A word of the third bundle's page, and then one of the second's.
    search_for(&tab, "escaping", "Fish & chips");
    // Its result shows the page's own tags (filters are not checked here:
    // Pagefind UI lists the filter values of merged bundles as they load,
    // so a value found only in a later bundle can be missing at first).
    let tags = text_of(
        &tab,
        "document.querySelector('.search-tags') ? document.querySelector('.search-tags').textContent : ''",
    );
    assert!(
        tags.contains("Respect"),
        "the third bundle's result has its tags: {tags:?}"
    );
    let input = tab
        .find_element(".pagefind-ui__search-input")
        .expect("field");
    input.click().expect("focus");
    tab.press_key("End").expect("end");
    for _ in 0.."escaping".len() {
        tab.press_key("Backspace").expect("erase");
    }
    let titles = search_for(&tab, "marker", "The plan");
    assert!(!titles.contains("Checklist test"), "{titles}");
}

/// Types `word` into the search field (waiting for it to appear) and waits
/// until a result titled `expected` shows; returns every result title.
fn search_for(tab: &Tab, word: &str, expected: &str) -> String {
    let mut input = None;
    wait_until("no search field", || {
        input = tab.find_element(".pagefind-ui__search-input").ok();
        input.as_ref().map(|_| ()).ok_or_else(String::new)
    });
    let input = input.expect("search field");
    input.click().expect("focus");
    input.type_into(word).expect("type");
    let mut titles = String::new();
    wait_until(&format!("no result for {word:?}"), || {
        titles = text_of(
            tab,
            "[...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.textContent).join('|')",
        );
        if titles.contains(expected) {
            Ok(())
        } else {
            Err(titles.clone())
        }
    });
    titles
}

/// Every image the page downloaded: (URL, bytes), from the Resource Timing API.
fn images_downloaded(tab: &Tab) -> Vec<(String, u64)> {
    let json = text_of(
        tab,
        "JSON.stringify(performance.getEntriesByType('resource').filter(e => e.initiatorType === 'img' || /\\.(jpg|png|webp)$/.test(e.name)).map(e => [e.name, e.encodedBodySize]))",
    );
    serde_json::from_str(&json).expect("resource list")
}

#[test]
fn a_phone_downloads_a_small_variant_of_a_big_photo_and_nothing_larger() {
    use image::ImageEncoder;
    let site = Site::fixture("basic");
    // The sample site's own photo, blown up to 4,000 px wide, as a camera would take it.
    let photo = image::open(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/images/coffee.jpg"
    ))
    .expect("the sample photo")
    .resize_exact(4000, 2667, image::imageops::FilterType::Triangle)
    .to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .write_image(photo.as_raw(), 4000, 2667, image::ExtendedColorType::Rgb8)
        .expect("encode");
    assert!(jpeg.len() > 500_000, "a big photo: {} bytes", jpeg.len());
    site.write("content/articles/cafe/coffee.jpg", &jpeg);
    site.write(
        "content/articles/cafe/index.md",
        "---\ntitle: Over coffee\ndate: 2026-06-02\nlevel: pooled\nimage: coffee.jpg\nimage_alt: A cup of coffee on a saucer\n---\n\nIntro.\n\n![The same cup, further down](coffee.jpg)\n",
    );
    site.build();
    let base = serve(site.path("public"));
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
            width: 375,
            height: 740,
            device_scale_factor: 1.0,
            mobile: true,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        },
    )
    .expect("a phone's screen");
    tab.navigate_to(&format!("{base}/articles/cafe/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    // Scroll down, so the lazy picture in the body loads too.
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)", false)
        .expect("scroll");
    let mut seen = Vec::new();
    wait_until("both pictures downloaded", || {
        seen = images_downloaded(&tab);
        if seen
            .iter()
            .filter(|(u, _)| u.contains("/articles/cafe/coffee."))
            .count()
            >= 1
            && text_of(
                &tab,
                "String([...document.images].every(i => i.complete && i.naturalWidth > 0))",
            ) == "true"
        {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    });
    let photos: Vec<&(String, u64)> = seen
        .iter()
        .filter(|(u, _)| u.contains("/articles/cafe/coffee."))
        .collect();
    assert!(!photos.is_empty(), "{seen:?}");
    for (url, bytes) in &photos {
        assert!(
            url.contains(".480w."),
            "a phone gets the 480-px variant, not {url}"
        );
        assert!(*bytes < 100_000, "{url} is {bytes} bytes");
    }
    assert!(
        !seen
            .iter()
            .any(|(u, _)| u.ends_with("/articles/cafe/coffee.jpg")),
        "the 4,000-px original is never downloaded: {seen:?}"
    );
    let current = text_of(
        &tab,
        "document.querySelector('.featured-image img').currentSrc",
    );
    assert!(
        current.contains(".480w.") && current.ends_with(".webp"),
        "{current}"
    );
}

/// A viewport `width` px wide (desktop metrics), and light or dark mode.
fn emulate(tab: &Tab, width: u32, dark: bool) {
    use headless_chrome::protocol::cdp::Emulation;
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height: 900,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("viewport");
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![Emulation::MediaFeature {
            name: "prefers-color-scheme".into(),
            value: if dark { "dark" } else { "light" }.into(),
        }]),
    })
    .expect("color scheme");
}

/// The lowest contrast ratio between any text of the page and the
/// background it is drawn on (the nearest ancestor's that is not
/// transparent), as WCAG computes it.
const LOWEST_CONTRAST: &str = r#"(() => {
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)');
  };
  let lowest = 21;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el.getClientRects().length || el.closest('[style*="display:none"]')) continue;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
    lowest = Math.min(lowest, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  return String(lowest);
})()"#;

#[test]
fn a_newsletter_email_reads_well_at_600_px_on_a_phone_and_in_dark_mode() {
    let site = Site::fixture("basic");
    let articles = ["first", "second"];
    for (n, slug) in articles.iter().enumerate() {
        site.write(
            &format!("content/articles/{slug}/index.md"),
            format!(
                "---\ntitle: The {slug} piece\ndate: 2026-06-0{}\nlevel: pooled\nimage: photo.jpg\nimage_alt: A photo for the {slug} piece\n---\n\nWhat the {slug} piece is about.\n",
                n + 1
            ),
        );
        site.write(
            &format!("content/articles/{slug}/photo.jpg"),
            common::jpeg(2400, 1600),
        );
    }
    site.write(
        "content/newsletter/2026-06-05.md",
        "---\nsubject: June notes\ndate: 2026-06-05\npreheader: Two pieces\narticles: [\"@/articles/first/index.md\", \"@/articles/second/index.md\"]\n---\n\nHello, a [longer note](../articles/first/index.md) this time.\n",
    );
    // Served at the URL the email's absolute links point to, so its
    // pictures really load.
    let base = serve(site.path("public"));
    site.build_with(|o| o.base_url = Some(format!("{base}/")));
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    for (width, dark) in [(600, false), (600, true), (375, false)] {
        emulate(&tab, width, dark);
        tab.navigate_to(&format!("{base}/newsletter/2026-06-05/email.html"))
            .expect("navigate")
            .wait_until_navigated()
            .expect("loaded");
        wait_until("the pictures decoded", || {
            let done = text_of(
                &tab,
                "String(document.images.length === 2 && [...document.images].every(i => i.complete && i.naturalWidth > 0))",
            );
            if done == "true" { Ok(()) } else { Err(done) }
        });
        let titles = text_of(
            &tab,
            "JSON.stringify([...document.querySelectorAll('h3 a')].map(a => [a.textContent, a.href]))",
        );
        assert_eq!(
            titles,
            format!(
                "[[\"The first piece\",\"{base}/articles/first/\"],[\"The second piece\",\"{base}/articles/second/\"]]"
            ),
            "every featured title is a link to its article"
        );
        let overflow = text_of(
            &tab,
            "String(document.documentElement.scrollWidth > document.documentElement.clientWidth)",
        );
        assert_eq!(overflow, "false", "nothing wider than {width} px");
        let widest = text_of(
            &tab,
            "String(Math.max(...[...document.images].map(i => i.getBoundingClientRect().width)))",
        );
        let widest: f64 = widest.parse().expect("a width");
        assert!(
            widest <= 552.0 && widest > 200.0,
            "pictures fit the column: {widest}"
        );
        let contrast: f64 = text_of(&tab, LOWEST_CONTRAST).parse().expect("a ratio");
        assert!(
            contrast >= 4.5,
            "all text readable at {width} px (dark: {dark}): contrast {contrast}"
        );
    }
}

#[test]
fn the_level_self_check_shows_its_result_in_place_and_announces_it() {
    let site = Site::fixture("tagged");
    site.build();
    let base = serve(site.path("public"));
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = browser(profile.path());
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&format!("{base}/levels/check/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("load");
    let answer = |q: u32, level: u32| {
        tab.find_element(&format!(
            "fieldset[data-question='q{q}'] button[data-level='{level}']"
        ))
        .expect("answer button")
        .click()
        .expect("click");
    };
    let result = || text_of(&tab, "document.getElementById('check-result').textContent");
    assert_eq!(
        text_of(
            &tab,
            "document.getElementById('check-result').getAttribute('role')"
        ),
        "status",
        "the result region is announced"
    );
    assert!(result().trim().is_empty());

    answer(1, 3);
    wait_until("a first result", || {
        let r = result();
        r.contains("So far: level 3: Reciprocal")
            .then_some(())
            .ok_or(r)
    });
    answer(2, 2);
    answer(3, 2);
    wait_until("the result of three answers", || {
        let r = result();
        r.contains("Your team works at level 2: Sequential")
            .then_some(())
            .ok_or(r)
    });
    assert!(
        result().contains("Planning"),
        "its management type: {}",
        result()
    );
    // Shown in place: the page did not go to the level's page.
    assert!(text_of(&tab, "location.pathname").ends_with("/levels/check/"));
    assert_eq!(
        text_of(
            &tab,
            "document.querySelector(\"fieldset[data-question='q2'] button[data-level='2']\").getAttribute('aria-pressed')"
        ),
        "true"
    );
    assert_eq!(
        text_of(
            &tab,
            "document.querySelector('#check-result a').getAttribute('href')"
        ),
        "/levels/sequential/"
    );

    // One answer for each level: the tie goes to the higher level.
    answer(1, 1);
    answer(2, 2);
    answer(3, 3);
    wait_until("the tie's result", || {
        let r = result();
        r.contains("Your team works at level 3: Reciprocal")
            .then_some(())
            .ok_or(r)
    });

    tab.find_element(".check-again")
        .expect("start again")
        .click()
        .expect("click");
    wait_until("an empty result", || {
        let r = result();
        r.trim().is_empty().then_some(()).ok_or(r)
    });
}
