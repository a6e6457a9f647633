//! The default theme links only to pages the build writes, on sites of
//! every shape: without section pages, without articles, with one, and with
//! the newsletter and search turned off.

use crate::common::Site;
use crate::pagination::{assert_links_resolve, generated};

/// Every internal link and source of every HTML page of the build resolves.
fn assert_every_link_resolves(site: &Site) -> usize {
    let public = site.path("public");
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "html") {
            let rel = path.strip_prefix(&public).unwrap().display().to_string();
            assert_links_resolve(site, &rel, &std::fs::read_to_string(path).unwrap());
            pages += 1;
        }
    }
    pages
}

#[test]
fn a_site_without_section_pages_gets_no_link_to_them() {
    // Twelve articles (more than the home page lists) and no _index.md.
    let site = generated(12, 20);
    site.remove("content/articles/_index.md");
    site.remove("content/_index.md");
    site.build();
    assert!(!site.has_output("articles/index.html"));
    let home = site.output("index.html");
    assert!(home.contains("Latest articles") && !home.contains("All 17 articles"));
    let missing = site.output("404.html");
    assert!(missing.contains("Go to the home page") && !missing.contains("Browse all articles"));
    assert!(assert_every_link_resolves(&site) > 30);

    // With the section page, the links are there.
    site.write("content/articles/_index.md", "---\ntitle: Articles\n---\n");
    site.build();
    assert!(
        site.output("index.html")
            .contains("<a href=\"/articles/\">All 17 articles</a>")
    );
    assert!(
        site.output("404.html")
            .contains("<a href=\"/articles/\">Browse all articles</a>")
    );
    assert_every_link_resolves(&site);
}

#[test]
fn sites_with_no_article_one_article_and_no_newsletter_or_search_link_only_to_their_pages() {
    let site = Site::fixture("tagged");
    for a in ["alpha", "beta", "gamma", "delta", "epsilon"] {
        site.remove(&format!("content/articles/{a}.md"));
    }
    site.build();
    // An empty practice page says so, and points only where pages exist.
    let term = site.output("practices/follow-up/index.html");
    assert!(term.contains("No article is tagged with this practice yet"));
    assert_every_link_resolves(&site);
    site.remove("content/articles/_index.md");
    site.build();
    assert!(
        !site
            .output("practices/follow-up/index.html")
            .contains("Browse all articles")
    );
    assert_every_link_resolves(&site);

    site.write(
        "content/articles/only.md",
        "---\ntitle: The only one\ndate: 2026-01-05\nlevel: pooled\npractices: [follow-up]\n---\n\nOne.\n",
    );
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{toml}\n[newsletter]\nenabled = false\n\n[search]\nenabled = false\n"),
    );
    site.build();
    assert!(!site.has_output("newsletter/index.html") && !site.has_output("search/index.html"));
    assert_every_link_resolves(&site);
}

/// The build itself checks every link it writes: a template's broken link
/// fails it, naming the template and the pages, and the output stays as it was.
#[test]
fn a_template_linking_to_a_missing_page_fails_the_build_and_names_the_template() {
    let site = Site::fixture("tagged");
    let stderr = site.fails_cleanly(
        |s| {
            s.write(
                "templates/taxonomy_term.html",
                "{% extends \"base.html\" %}{% block content %}<h1>{{ term.name }}</h1><a href=\"{{ config.base_path }}glossary/\">Glossary</a> <a href=\"{{ config.base_path }}#nowhere\">Top</a>{% endblock content %}\n",
            )
        },
        &[
            "templates/taxonomy_term.html",
            "broken link `/glossary/`",
            "the build writes no such page or file",
            "broken link `/#nowhere`",
            "index.html has no id `nowhere`",
            "other pages",
        ],
    );
    // Each broken link once, not once per page.
    assert_eq!(
        stderr.matches("broken link `/glossary/`").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_raw_html_link_in_an_article_to_a_missing_page_names_the_article() {
    let site = Site::fixture("tagged");
    let stderr = site.fails_cleanly(
        |s| {
            let alpha = std::fs::read_to_string(s.path("content/articles/alpha.md")).unwrap();
            s.write(
                "content/articles/alpha.md",
                format!("{alpha}\n<p>See <a href=\"/old-page/\">the old page</a>.</p>\n"),
            )
        },
        &[
            "broken link `/old-page/`",
            "content/articles/alpha.md",
            "page.html",
        ],
    );
    assert!(stderr.contains("articles/alpha/index.html"), "{stderr}");
}
