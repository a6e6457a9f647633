//! Newsletter issues: `huddle newsletter new` lists what was published since
//! the last issue; the build makes each issue's web version, the archive, and
//! the email files a coach pastes into a mailing-list service (HTML for email
//! clients, plain text, Markdown); an issue's mistakes are writer errors.

use assert_cmd::Command;
use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::common::Site;

/// The tagged fixture (articles dated the 1st of January to May 2026) in
/// Berlin, with one past issue (15 March) featuring alpha and gamma.
fn site_with_an_issue() -> Site {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        config.replace("[related]", "timezone = \"Europe/Berlin\"\n\n[related]"),
    );
    site.write(
        "content/newsletter/2026-03-15.md",
        "---\nsubject: \"March: listening first\"\ndate: 2026-03-15\npreheader: Two pieces on listening\narticles:\n  - \"@/articles/gamma.md\"\n  - ../articles/alpha.md\n---\n\nHello, read [Beta](../articles/beta.md) too.\n",
    );
    site
}

/// `huddle newsletter new` run the way a coach runs it: inside the site
/// folder, with no paths, at a fixed moment.
fn newsletter_new(site: &Site, now: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(site.root())
        .env("HUDDLE_NOW", now)
        .args(["newsletter", "new"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `@/...` entries of an issue's `articles:` list, in order.
fn listed_articles(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("- \"@/"))
        .map(|l| l.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn newsletter_new_lists_exactly_the_articles_published_since_the_last_issue() {
    let site = site_with_an_issue();
    // Published after the issue: delta (1 April), epsilon (1 May), and one
    // on the evening of 1 December; not listed: a draft, an article due
    // later, gamma and alpha (in the last issue), beta (1 February).
    site.write(
        "content/articles/evening.md",
        "---\ntitle: Evening piece\ndate: 2026-12-01T21:00:00\nlevel: pooled\n---\n\nLate.\n",
    );
    site.write(
        "content/articles/unfinished.md",
        "---\ntitle: Unfinished\ndate: 2026-11-01\nlevel: pooled\ndraft: true\n---\n\nNot yet.\n",
    );
    site.write(
        "content/articles/later.md",
        "---\ntitle: Later\ndate: 2026-12-24\nlevel: pooled\n---\n\nFor Christmas.\n",
    );
    // 00:30 on 2 December in Berlin is still 1 December in UTC: the issue is
    // named for the day in the site's time zone.
    let said = newsletter_new(&site, "2026-12-01T23:30:00Z", &[]);
    let path = "content/newsletter/2026-12-02.md";
    let text = std::fs::read_to_string(site.path(path)).unwrap();
    assert_eq!(
        listed_articles(&text),
        [
            "articles/evening.md",
            "articles/epsilon.md",
            "articles/delta.md"
        ],
        "{text}"
    );
    assert!(text.contains("date: 2026-12-02"), "{text}");
    assert!(said.contains("published since 15 March 2026"), "{said}");
    assert!(said.contains("Evening piece"), "{said}");
    // It builds as written, and its email features them in that order.
    site.build_with(|o| o.now = Some("2026-12-02T08:00:00Z".parse().unwrap()));
    let email = site.output("newsletter/2026-12-02/email.txt");
    let (e, p, d) = (
        email.find("Evening piece").unwrap(),
        email.find("Epsilon").unwrap(),
        email.find("Delta").unwrap(),
    );
    assert!(e < p && p < d, "{email}");
    // Run again the same day, it never overwrites.
    let again = Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(site.root())
        .env("HUDDLE_NOW", "2026-12-02T09:00:00Z")
        .args(["newsletter", "new"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(std::fs::read_to_string(site.path(path)).unwrap(), text);
}

#[test]
fn newsletter_new_since_a_date_and_a_first_issue() {
    let site = Site::fixture("tagged");
    newsletter_new(&site, "2026-06-01T12:00:00Z", &["--since", "2026-03-01"]);
    let text = std::fs::read_to_string(site.path("content/newsletter/2026-06-01.md")).unwrap();
    assert_eq!(
        listed_articles(&text),
        [
            "articles/epsilon.md",
            "articles/delta.md",
            "articles/gamma.md"
        ]
    );
    // No issue yet and no --since: the newest five of six.
    let site = Site::fixture("tagged");
    site.write(
        "content/articles/zeta.md",
        "---\ntitle: Zeta\ndate: 2026-05-20\nlevel: pooled\n---\n\nSix.\n",
    );
    let said = newsletter_new(&site, "2026-06-01T12:00:00Z", &[]);
    let text = std::fs::read_to_string(site.path("content/newsletter/2026-06-01.md")).unwrap();
    assert_eq!(listed_articles(&text).len(), 5, "{text}");
    assert!(!text.contains("alpha.md"), "the oldest is left out: {text}");
    assert!(said.contains("first issue"), "{said}");
    let bad = Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(site.root())
        .args(["newsletter", "new", "--since", "last week"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--since") && stderr.contains("YYYY-MM-DD"),
        "{stderr}"
    );
}

/// Every attribute of every element of `html`: (element, name, value).
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let found = std::cell::RefCell::new(Vec::new());
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            for a in el.attributes() {
                found
                    .borrow_mut()
                    .push((el.tag_name(), a.name(), a.value()));
            }
            Ok(())
        })),
    )
    .unwrap();
    found.into_inner()
}

#[test]
fn the_email_is_for_email_clients_every_url_absolute_every_picture_sized() {
    let site = site_with_an_issue();
    // A featured image on gamma, a picture in the issue's own text, and
    // Buttondown as the provider.
    site.write("content/articles/wide.jpg", crate::common::jpeg(1600, 900));
    let gamma = std::fs::read_to_string(site.path("content/articles/gamma.md")).unwrap();
    site.write(
        "content/articles/gamma.md",
        gamma.replacen(
            "---\n",
            "---\nimage: wide.jpg\nimage_alt: A wide view of the office\n",
            1,
        ),
    );
    let issue = std::fs::read_to_string(site.path("content/newsletter/2026-03-15.md")).unwrap();
    site.write(
        "content/newsletter/2026-03-15.md",
        format!("{issue}\n![The whiteboard after the retrospective](../articles/wide.jpg)\n"),
    );
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[newsletter]\nprovider = \"buttondown\"\naction = \"https://buttondown.com/api/emails/embed-subscribe/coach\"\n"),
    );
    let report = site.build();
    assert_eq!(
        report.emails,
        [
            "newsletter/2026-03-15/email.html",
            "newsletter/2026-03-15/email.txt",
            "newsletter/2026-03-15/email.md"
        ]
    );
    let html = site.output("newsletter/2026-03-15/email.html");
    for banned in [
        "<script",
        "<link",
        "<style",
        "class=\"newsletter-form",
        "@font-face",
    ] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains("Two pieces on listening"), "the preheader");
    let attrs = attributes(&html);
    for (tag, name, value) in &attrs {
        if name == "href" || name == "src" {
            let absolute = value.starts_with("https://tagged.example.org/")
                || value.starts_with("mailto:")
                || value == "{{ unsubscribe_url }}";
            assert!(absolute, "<{tag} {name}=\"{value}\"> is not absolute");
        }
    }
    let imgs: Vec<&(String, String, String)> =
        attrs.iter().filter(|(t, _, _)| t == "img").collect();
    let count = |name: &str| imgs.iter().filter(|(_, n, _)| n == name).count();
    assert_eq!(count("src"), 2, "the featured image and the picture");
    assert_eq!(count("width"), 2);
    assert_eq!(count("height"), 2);
    assert_eq!(count("alt"), 2);
    for (_, name, value) in &imgs {
        if name == "width" {
            let w: u32 = value.parse().unwrap();
            assert!(w <= 552, "no picture wider than the column: {w}");
        }
        if name == "src" {
            assert!(
                value.ends_with(".png") || value.ends_with(".jpg"),
                "email clients get JPEG or PNG: {value}"
            );
        }
    }
    assert!(html.contains("alt=\"A wide view of the office\""));
    assert!(html.contains(
        "<a href=\"https://tagged.example.org/newsletter/2026-03-15/\" style=\"color:#1a4d8f;text-decoration:underline;\">View in your browser</a>"
    ));
    assert!(
        html.contains("href=\"{{ unsubscribe_url }}\""),
        "Buttondown's placeholder"
    );
    // Featured, in the issue's order, each linked by its absolute URL.
    let g = html
        .find("href=\"https://tagged.example.org/articles/gamma/\"")
        .unwrap();
    let a = html
        .find("href=\"https://tagged.example.org/articles/alpha/\"")
        .unwrap();
    assert!(g < a);

    let text = site.output("newsletter/2026-03-15/email.txt");
    assert!(!text.contains('<'), "plain text: {text}");
    for url in [
        "https://tagged.example.org/newsletter/2026-03-15/",
        "https://tagged.example.org/articles/gamma/",
        "https://tagged.example.org/articles/alpha/",
        "https://tagged.example.org/articles/beta/",
    ] {
        assert!(text.contains(url), "{url} written out in {text}");
    }
    let md = site.output("newsletter/2026-03-15/email.md");
    assert!(
        md.contains("[Beta](https://tagged.example.org/articles/beta/)"),
        "{md}"
    );
    assert!(
        md.contains("(https://tagged.example.org/articles/gamma/)"),
        "{md}"
    );
}

#[test]
fn each_provider_gets_its_own_unsubscribe_placeholder() {
    for (settings, expected) in [
        (
            "provider = \"mailchimp\"\naction = \"https://x.us1.list-manage.com/subscribe/post?u=abc&id=def\"",
            "href=\"*|UNSUB|*\"",
        ),
        (
            "provider = \"kit\"\naction = \"https://app.kit.com/forms/123/subscriptions\"",
            "href=\"{{ unsubscribe_url }}\"",
        ),
        (
            "unsubscribe_url = \"https://lists.example.org/leave\"",
            "href=\"https://lists.example.org/leave\"",
        ),
    ] {
        let site = site_with_an_issue();
        let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
        site.write("site.toml", format!("{config}\n[newsletter]\n{settings}\n"));
        site.build();
        let html = site.output("newsletter/2026-03-15/email.html");
        assert!(html.contains(expected), "{settings}: {expected}");
        let text = site.output("newsletter/2026-03-15/email.txt");
        let placeholder = expected.trim_start_matches("href=\"").trim_end_matches('"');
        assert!(
            text.contains(&format!("Unsubscribe: {placeholder}")),
            "{text}"
        );
    }
}

#[test]
fn the_web_version_the_archive_and_the_newsletter_page_link_the_issues() {
    let site = site_with_an_issue();
    site.write(
        "content/newsletter/2026-05-08.md",
        "---\nsubject: May notes\ndate: 2026-05-08\narticles: [\"@/articles/epsilon.md\"]\n---\n\nHello again.\n",
    );
    // A scheduled issue is not published, nor are its emails.
    site.write(
        "content/newsletter/2027-01-08.md",
        "---\nsubject: January\ndate: 2027-01-08\n---\n\nLater.\n",
    );
    let report = site.build_with(|o| o.now = Some("2026-06-01T00:00:00Z".parse().unwrap()));
    assert_eq!(report.emails.len(), 6, "two issues, three files each");
    assert!(!site.has_output("newsletter/2027-01-08/index.html"));
    assert!(!site.has_output("newsletter/2027-01-08/email.html"));
    let web = site.output("newsletter/2026-03-15/index.html");
    assert!(web.contains("<h1>March: listening first</h1>"), "{web}");
    let in_issue = &web[web.find("In this issue").expect("the featured list")..];
    let g = in_issue.find("href=\"/articles/gamma/\"").unwrap();
    let a = in_issue.find("href=\"/articles/alpha/\"").unwrap();
    assert!(g < a, "in the issue's order");
    assert!(
        web.contains("class=\"newsletter-form\""),
        "with the sign-up form"
    );
    assert!(web.contains("href=\"/newsletter/archive/\""));
    let archive = site.output("newsletter/archive/index.html");
    let may = archive.find("href=\"/newsletter/2026-05-08/\"").unwrap();
    let march = archive.find("href=\"/newsletter/2026-03-15/\"").unwrap();
    assert!(may < march, "newest first");
    assert!(
        archive.contains("Two pieces on listening"),
        "the preheader as summary"
    );
    let page = site.output("newsletter/index.html");
    assert!(page.contains("href=\"/newsletter/archive/\""), "{page}");
    assert!(page.contains("href=\"/newsletter/2026-05-08/\""));
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("https://tagged.example.org/newsletter/archive/"));
    assert!(sitemap.contains("https://tagged.example.org/newsletter/2026-03-15/"));
    // An issue is no backlink and no article: gamma is not "referenced by" it,
    // and the feeds do not carry it.
    let gamma = site.output("articles/gamma/index.html");
    assert!(!gamma.contains("March: listening first"), "{gamma}");
    assert!(!site.output("atom.xml").contains("March: listening first"));
}

#[test]
fn an_issues_mistakes_are_errors_with_their_line() {
    let site = site_with_an_issue();
    site.write(
        "content/articles/unfinished.md",
        "---\ntitle: Unfinished\ndate: 2026-03-01\nlevel: pooled\ndraft: true\n---\n\nNot yet.\n",
    );
    let stderr = site.fails_cleanly(
        |s| {
            s.write(
                "content/newsletter/2026-03-15.md",
                "---\ndate: 2026-03-15\narticles:\n  - \"@/articles/gamma.md\"\n  - \"@/articles/missing.md\"\n  - \"@/articles/unfinished.md\"\n  - https://elsewhere.example/post\n  - \"@/_index.md\"\n  - ../articles/gamma.md\n---\n\nHello.\n",
            );
        },
        &[
            "this newsletter issue has no `subject`",
            "content/newsletter/2026-03-15.md:5:",
            "missing.md",
            "content/newsletter/2026-03-15.md:6:",
            "draft",
            "content/newsletter/2026-03-15.md:7:",
            "is not an article of this site",
            "content/newsletter/2026-03-15.md:8:",
            "content/_index.md is not an article",
            "content/newsletter/2026-03-15.md:9:",
            "content/articles/gamma.md is listed twice",
        ],
    );
    assert!(stderr.contains("subject:"), "the fix is shown: {stderr}");
    // The issue's keys belong to issues.
    let site = site_with_an_issue();
    let stderr = site.fails_cleanly(
        |s| {
            let alpha = std::fs::read_to_string(s.path("content/articles/alpha.md")).unwrap();
            s.write(
                "content/articles/alpha.md",
                alpha.replacen("---\n", "---\npreheader: Hi\n", 1),
            );
        },
        &[
            "content/articles/alpha.md:2:",
            "`preheader` belongs to newsletter issues only",
        ],
    );
    assert!(stderr.contains("huddle newsletter new"), "{stderr}");
}

#[test]
fn an_empty_date_is_a_missing_date() {
    let site = site_with_an_issue();
    site.fails_cleanly(
        |s| {
            let issue =
                std::fs::read_to_string(s.path("content/newsletter/2026-03-15.md")).unwrap();
            s.write(
                "content/newsletter/2026-03-15.md",
                issue.replace("date: 2026-03-15", "date:"),
            );
            let alpha = std::fs::read_to_string(s.path("content/articles/alpha.md")).unwrap();
            let dated = alpha
                .lines()
                .find(|l| l.starts_with("date:"))
                .unwrap()
                .to_string();
            s.write(
                "content/articles/alpha.md",
                alpha.replace(&dated, "date: ~"),
            );
        },
        &[
            "content/newsletter/2026-03-15.md:3:",
            "this newsletter issue has no `date`",
            "content/articles/alpha.md:",
            "this article has no `date`",
        ],
    );
}

#[test]
fn newsletter_new_counts_issues_written_ahead_and_what_they_feature() {
    let site = site_with_an_issue();
    // A draft issue of 15 April already features epsilon (1 May), by a
    // path relative to the issue; zeta came after it.
    site.write(
        "content/newsletter/2026-04-15.md",
        "---\nsubject: April\ndate: 2026-04-15\ndraft: true\narticles: [../articles/epsilon.md]\n---\n\nDraft.\n",
    );
    site.write(
        "content/articles/zeta.md",
        "---\ntitle: Zeta\ndate: 2026-05-20\nlevel: pooled\n---\n\nSix.\n",
    );
    let said = newsletter_new(&site, "2026-06-01T12:00:00Z", &[]);
    let text = std::fs::read_to_string(site.path("content/newsletter/2026-06-01.md")).unwrap();
    assert_eq!(listed_articles(&text), ["articles/zeta.md"], "{text}");
    assert!(said.contains("published since 15 April 2026"), "{said}");
}

#[test]
fn other_pages_of_the_newsletter_folder_and_the_urls_huddle_keeps() {
    // A thank-you page (the Netlify form's `action`) is a plain page.
    let site = site_with_an_issue();
    site.write(
        "content/newsletter/thanks.md",
        "---\ntitle: Thank you for signing up\n---\n\nPlease confirm your address.\n",
    );
    let report = site.build();
    let thanks = site.output("newsletter/thanks/index.html");
    assert!(thanks.contains("Thank you for signing up"), "{thanks}");
    assert!(!site.has_output("newsletter/thanks/email.html"));
    assert_eq!(report.emails.len(), 3, "one issue: {:?}", report.emails);
    let archive = site.output("newsletter/archive/index.html");
    assert!(!archive.contains("/newsletter/thanks/"), "{archive}");
    // An issue whose slug takes the archive's URL is refused at its own line.
    let stderr = site.fails_cleanly(
        |s| {
            s.write(
                "content/newsletter/2026-05-08.md",
                "---\nsubject: May\ndate: 2026-05-08\nslug: archive\n---\n\nHello.\n",
            );
        },
        &[
            "content/newsletter/2026-05-08.md:4:",
            "would be written to /newsletter/archive/index.html",
            "huddle's own page /newsletter/archive/",
        ],
    );
    assert!(stderr.contains("slug:"), "the fix: {stderr}");
}

#[test]
fn the_email_keeps_checklists_titles_and_remote_pictures_readable() {
    let site = site_with_an_issue();
    site.write(
        "content/newsletter/2026-03-15.md",
        "---\nsubject: March\ndate: 2026-03-15\narticles: [\"@/articles/gamma.md\"]\n---\n\nBefore we meet:\n\n- [x] Book a room\n- [ ] Send the agenda\n\n![The team board](https://pictures.example/board.jpg)\n",
    );
    let gamma = std::fs::read_to_string(site.path("content/articles/gamma.md")).unwrap();
    let title = gamma
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    site.write(
        "content/articles/gamma.md",
        gamma.replace(&title, "title: \"Listening *first* [part 1]\""),
    );
    site.build();
    let html = site.output("newsletter/2026-03-15/email.html");
    assert!(html.contains("☑ Book a room"), "{html}");
    assert!(html.contains("☐ Send the agenda"), "{html}");
    assert!(!html.contains("<form") && !html.contains("<input") && !html.contains("Reset"));
    assert!(
        html.contains("<a href=\"https://pictures.example/board.jpg\""),
        "an unsized picture becomes a link: {html}"
    );
    assert!(
        !html.contains("<img src=\"https://pictures.example"),
        "{html}"
    );
    let text = site.output("newsletter/2026-03-15/email.txt");
    assert!(text.contains("☐ Send the agenda"), "{text}");
    let md = site.output("newsletter/2026-03-15/email.md");
    assert!(
        md.contains(
            "### [Listening \\*first\\* \\[part 1\\]](https://tagged.example.org/articles/gamma/)"
        ),
        "{md}"
    );
}
