//! The coaching vocabulary as a navigable site: taxonomy and term pages, the
//! home page's levels, related articles by weight, backlinks and neighbours.

use crate::common::Site;
use predicates::prelude::*;

/// The text of `html` from the heading `heading` up to the next `<h2`.
fn section_of<'a>(html: &'a str, heading: &str) -> &'a str {
    let start = html
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in page"));
    let rest = &html[start + heading.len()..];
    &rest[..rest.find("<h2").unwrap_or(rest.len())]
}

/// The titles of `candidates` that occur in `text`, in order of appearance.
fn order_of<'a>(text: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|c| text.find(c).map(|i| (i, *c)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

const TITLES: [&str; 5] = [
    "Alpha pooled",
    "Beta sequential",
    "Gamma reciprocal",
    "Delta reciprocal",
    "Epsilon numeric",
];

#[test]
fn taxonomy_and_term_pages_list_their_articles_newest_first() {
    let site = Site::fixture("tagged");
    site.build();
    for page in ["levels", "attitudes", "practices"] {
        assert!(site.has_output(&format!("{page}/index.html")), "{page}");
    }
    let reciprocal = site.output("levels/reciprocal/index.html");
    assert_eq!(
        order_of(&reciprocal, &TITLES),
        ["Delta reciprocal", "Gamma reciprocal"]
    );
    let sequential = site.output("levels/sequential/index.html");
    assert_eq!(
        order_of(&sequential, &TITLES),
        ["Epsilon numeric", "Beta sequential"],
        "level: 2 counts as sequential"
    );
    let follow_up = site.output("practices/follow-up/index.html");
    assert_eq!(
        order_of(&follow_up, &TITLES),
        ["Epsilon numeric", "Gamma reciprocal", "Beta sequential"]
    );
    let openness = site.output("attitudes/openness/index.html");
    assert_eq!(
        order_of(&openness, &TITLES),
        ["Epsilon numeric", "Gamma reciprocal", "Beta sequential"]
    );
    assert!(site.has_output("practices/meeting-hygiene/index.html"));
}

#[test]
fn level_pages_explain_their_management_type_and_link_neighbours() {
    let site = Site::fixture("tagged");
    site.build();
    let pooled = site.output("levels/pooled/index.html");
    assert!(pooled.contains("Standardization"));
    assert!(
        pooled.contains("href=\"/levels/sequential/\""),
        "links the next level"
    );
    let sequential = site.output("levels/sequential/index.html");
    assert!(sequential.contains("Planning"));
    assert!(
        sequential.contains("href=\"/levels/pooled/\"")
            && sequential.contains("href=\"/levels/reciprocal/\"")
    );
    assert!(
        site.output("levels/reciprocal/index.html")
            .contains("Mutual adjustment")
    );
}

#[test]
fn list_pages_show_counts() {
    let site = Site::fixture("tagged");
    site.build();
    let levels = site.output("levels/index.html");
    // pooled 1, sequential 2, reciprocal 2
    assert!(
        levels.contains("1 article") && levels.contains("2 articles"),
        "{levels}"
    );
    let practices = site.output("practices/index.html");
    assert!(practices.contains("3 articles"), "follow-up has three");
}

#[test]
fn home_shows_the_three_levels_with_management_types() {
    let site = Site::fixture("tagged");
    site.build();
    let home = site.output("index.html");
    let pooled = home.find("href=\"/levels/pooled/\"").expect("pooled");
    let sequential = home
        .find("href=\"/levels/sequential/\"")
        .expect("sequential");
    let reciprocal = home
        .find("href=\"/levels/reciprocal/\"")
        .expect("reciprocal");
    assert!(pooled < sequential && sequential < reciprocal);
    for m in ["Standardization", "Planning", "Mutual adjustment"] {
        assert!(home.contains(m), "{m}");
    }
    assert!(home.contains("href=\"/practices/follow-up/\""));
    assert!(
        home.contains("<a href=\"/checklists/\">Checklists</a>"),
        "the menu links the checklists page"
    );
    assert!(home.contains("href=\"/attitudes/openness/\""));
}

#[test]
fn related_articles_follow_the_configured_weights() {
    let site = Site::fixture("tagged");
    site.build();
    let gamma = site.output("articles/gamma/index.html");
    // Gamma shares: Epsilon openness+sensitivity+follow-up = 7, Beta openness+follow-up = 5,
    // Delta the level = 1, Alpha nothing (left out).
    assert_eq!(
        order_of(section_of(&gamma, "Related articles"), &TITLES),
        ["Epsilon numeric", "Beta sequential", "Delta reciprocal"]
    );
    site.write("site.toml", "title = \"Tagged fixture\"\nbase_url = \"https://tagged.example.org\"\n\n[related]\ncount = 2\nweights = { level = 10, attitudes = 1, practices = 1 }\n");
    site.build();
    let gamma = site.output("articles/gamma/index.html");
    assert_eq!(
        order_of(section_of(&gamma, "Related articles"), &TITLES),
        ["Delta reciprocal", "Epsilon numeric"]
    );
}

#[test]
fn backlinks_and_previous_next() {
    let site = Site::fixture("tagged");
    site.build();
    let alpha = site.output("articles/alpha/index.html");
    assert_eq!(
        order_of(section_of(&alpha, "Referenced by"), &TITLES),
        ["Delta reciprocal", "Gamma reciprocal"],
        "newest first"
    );
    let gamma = site.output("articles/gamma/index.html");
    let nav = &gamma[gamma
        .find("aria-label=\"More articles\"")
        .expect("neighbour nav")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(nav.contains("href=\"/articles/beta/\""), "older neighbour");
    assert!(nav.contains("href=\"/articles/delta/\""), "newer neighbour");
    let epsilon = site.output("articles/epsilon/index.html");
    assert!(
        !epsilon.contains("Newer:"),
        "the newest article has no newer neighbour"
    );
}

#[test]
fn turning_backlinks_off_removes_them() {
    let site = Site::fixture("tagged");
    site.write("site.toml", "title = \"Tagged fixture\"\nbase_url = \"https://tagged.example.org\"\nbacklinks = false\n");
    site.build();
    assert!(
        !site
            .output("articles/alpha/index.html")
            .contains("Referenced by")
    );
}

#[test]
fn check_warns_about_unused_vocabulary() {
    let site = Site::fixture("basic");
    site.huddle(&["check"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no article uses the practice `effective-listening`",
        ));
}

#[test]
fn site_vocabulary_extends_the_defaults() {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{config}\n[vocabulary]\npractices = [{{ slug = \"peer-review\", name = \"Peer review\", description = \"Colleagues review each other's work.\" }}]\n"));
    site.write(
        "content/articles/zeta.md",
        "---\ntitle: Zeta\ndate: 2026-06-01\nlevel: pooled\npractices: [peer-review]\n---\n\nZ.\n",
    );
    site.build();
    assert!(
        site.output("practices/peer-review/index.html")
            .contains("Zeta")
    );
    assert!(site.output("practices/index.html").contains("Peer review"));
}
