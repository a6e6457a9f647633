//! Long lists split into pages: the articles section, each term's page and
//! the checklists page, on a generated site large enough to need several
//! pages per list with a small `paginate`.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::Site;

const LEVELS: [&str; 3] = ["pooled", "sequential", "reciprocal"];
const ATTITUDES: [&str; 3] = ["respect", "openness", "sensitivity"];
const PRACTICES: [&str; 3] = ["effective-listening", "follow-up", "meeting-hygiene"];

/// The tagged fixture with `n` more articles (a day apart, newest last;
/// every third has a checklist) and `paginate` in site.toml.
pub(crate) fn generated(n: usize, paginate: usize) -> Site {
    let site = Site::fixture("tagged");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        toml.replace("[related]", &format!("paginate = {paginate}\n\n[related]")),
    );
    for k in 0..n {
        site.write(&format!("content/articles/gen-{k:03}.md"), article(k));
    }
    site
}

fn article(k: usize) -> String {
    let date = jiff::civil::date(2025, 1, 1) + jiff::Span::new().days(k as i64);
    let checklist = if k.is_multiple_of(3) {
        format!("\n## Steps {k}\n\n- [ ] First step of {k}\n- [ ] Second step\n")
    } else {
        String::new()
    };
    format!(
        "---\ntitle: Generated article {k:03}\ndate: {date}\nlevel: {}\nattitudes: [{}]\npractices: [{}]\n---\n\nSummary of article {k}.\n{checklist}",
        LEVELS[k % 3],
        ATTITUDES[k % 3],
        PRACTICES[(k / 3) % 3],
    )
}

/// Every `attr="..."` value in `html`.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| html[i + needle.len()..].split('"').next())
        .collect()
}

/// The article links of a list page, in order.
fn listed(html: &str) -> Vec<String> {
    html.match_indices("<h3><a href=\"")
        .filter_map(|(i, m)| html[i + m.len()..].split('"').next())
        .map(str::to_string)
        .collect()
}

/// Pages 1.. of the list at `list` ("articles/"), as built, with the
/// output path of each.
fn pages_of(site: &Site, list: &str) -> Vec<(String, String)> {
    let mut pages = vec![(
        format!("{list}index.html"),
        site.output(&format!("{list}index.html")),
    )];
    for n in 2.. {
        let path = format!("{list}page/{n}/index.html");
        if !site.has_output(&path) {
            break;
        }
        pages.push((path.clone(), site.output(&path)));
    }
    pages
}

/// The URL path of page `n` of `list`.
fn url(list: &str, n: usize) -> String {
    if n == 1 {
        format!("/{list}")
    } else {
        format!("/{list}page/{n}/")
    }
}

/// Every internal link and source of `html` leads to a file of the build.
pub(crate) fn assert_links_resolve(site: &Site, from: &str, html: &str) {
    for attr in ["href", "src"] {
        for v in values(html, attr) {
            if !v.starts_with('/') || v.starts_with("//") {
                continue;
            }
            let path = v.split(['#', '?']).next().unwrap().trim_start_matches('/');
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(
                site.has_output(&file),
                "{from} links to {v}, which is not built"
            );
        }
    }
}

/// A list's pages: each holds `per_page` entries (the last the rest), says
/// where it is, links its neighbours with rel prev/next in the head and the
/// nav, and page 1 of the path redirects to the list.
fn assert_paginated(site: &Site, list: &str, entries: usize, per_page: usize) -> Vec<String> {
    let pages = pages_of(site, list);
    let total = entries.div_ceil(per_page);
    assert_eq!(pages.len(), total, "{list} has {total} pages");
    let mut all = Vec::new();
    for (k, (path, html)) in pages.iter().enumerate() {
        let n = k + 1;
        assert!(html.len() < 150_000, "{path} is {} bytes", html.len());
        let nav = "<nav class=\"pagination\" aria-label=\"Pages\">";
        assert_eq!(
            html.contains(nav),
            total > 1,
            "{path}: a nav when there are pages"
        );
        assert_eq!(
            html.contains(&format!("Page {n} of {total}")),
            total > 1,
            "{path} says where it is"
        );
        let head = html.split("</head>").next().unwrap();
        let prev = format!("<link rel=\"prev\" href=\"{}\">", url(list, n - 1));
        let next = format!("<link rel=\"next\" href=\"{}\">", url(list, n + 1));
        assert_eq!(head.contains(&prev), n > 1, "{path}: {prev}");
        assert_eq!(head.contains(&next), n < total, "{path}: {next}");
        assert_eq!(head.contains("rel=\"prev\""), n > 1);
        assert_eq!(head.contains("rel=\"next\""), n < total);
        if n > 1 {
            assert!(html.contains(&format!(
                "<a href=\"/{list}\"><span aria-hidden=\"true\">« </span>First page</a>"
            )));
        }
        if n < total {
            let last = url(list, total);
            assert!(
                html.contains(&format!("<a href=\"{last}\">Last page")),
                "{path} links the last page"
            );
        }
        assert!(
            head.contains(&format!(
                "<link rel=\"canonical\" href=\"https://tagged.example.org{}\">",
                url(list, n)
            )),
            "{path} is its own canonical page"
        );
        assert_links_resolve(site, path, html);
        all.push(html.clone());
    }
    let first = format!("{list}page/1/index.html");
    if total > 1 {
        let redirect = site.output(&first);
        let target = format!("https://tagged.example.org/{list}");
        assert!(
            redirect.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{list}page/1/ redirects: {redirect}"
        );
    } else {
        assert!(
            !site.has_output(&first),
            "a list of one page has no redirect"
        );
    }
    assert!(!site.has_output(&format!("{list}page/{}/index.html", total + 1)));
    all
}

#[test]
fn every_growing_list_is_split_into_linked_pages_that_stay_small() {
    let site = generated(40, 4);
    site.build();
    // The section: 40 generated + 5 fixture articles, 4 a page, newest first,
    // each exactly once.
    let pages = assert_paginated(&site, "articles/", 45, 4);
    let order: Vec<String> = pages.iter().flat_map(|h| listed(h)).collect();
    assert_eq!(order.len(), 45);
    assert_eq!(
        order.iter().collect::<BTreeSet<_>>().len(),
        45,
        "no article twice"
    );
    assert_eq!(
        order[5], "/articles/gen-039/",
        "newest first, after the 2026 fixture"
    );
    assert_eq!(order[44], "/articles/gen-000/");
    assert_eq!(listed(&pages[0]).len(), 4);
    assert_eq!(listed(&pages[11]).len(), 1, "the last page holds the rest");
    assert!(pages[1].contains("5–8 of 45, newest first."));
    assert!(pages[1].contains("<title>Articles, page 2 of 12 — Tagged fixture</title>"));

    // Each term's page: its articles (the fixture's and the generated),
    // split the same way.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let fixture = [
        ("pooled", "respect", "effective-listening"),
        ("sequential", "openness", "constructive-feedback follow-up"),
        (
            "reciprocal",
            "respect",
            "collaborative-next-steps exploring-what-and-why",
        ),
        ("sequential", "openness sensitivity", "follow-up"),
        (
            "reciprocal",
            "sensitivity openness",
            "meeting-hygiene follow-up",
        ),
    ];
    let generated = (0..40).map(|k| (LEVELS[k % 3], ATTITUDES[k % 3], PRACTICES[(k / 3) % 3]));
    for (level, attitudes, practices) in fixture.into_iter().chain(generated) {
        *counts.entry(format!("levels/{level}/")).or_default() += 1;
        for a in attitudes.split(' ') {
            *counts.entry(format!("attitudes/{a}/")).or_default() += 1;
        }
        for p in practices.split(' ') {
            *counts.entry(format!("practices/{p}/")).or_default() += 1;
        }
    }
    for (term, total) in counts {
        let pages = assert_paginated(&site, &term, total, 4);
        let listed: Vec<String> = pages.iter().flat_map(|h| listed(h)).collect();
        assert_eq!(listed.len(), total, "{term} lists each article once");
        assert_eq!(listed.iter().collect::<BTreeSet<_>>().len(), total);
    }

    // The checklists page: 14 checklists, one practice each, 4 a page, in
    // group order; a page names the groups it holds.
    let pages = assert_paginated(&site, "checklists/", 14, 4);
    let entries: Vec<&str> = pages
        .iter()
        .flat_map(|h| values(h, "href"))
        .filter(|v| v.contains("#checklist-steps-"))
        .collect();
    assert_eq!(entries.len(), 14);
    assert_eq!(entries.iter().collect::<BTreeSet<_>>().len(), 14);
    for html in &pages {
        assert!(
            html.contains("<h2 id=\"checklists-"),
            "every page has its group heading"
        );
    }

    // Every page of every list is in the sitemap; the redirects are not.
    let sitemap = site.output("sitemap.xml");
    for loc in [
        "https://tagged.example.org/articles/page/2/",
        "https://tagged.example.org/articles/page/12/",
        "https://tagged.example.org/checklists/page/4/",
        "https://tagged.example.org/levels/pooled/page/2/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{loc}</loc>")),
            "sitemap has {loc}"
        );
    }
    assert!(!sitemap.contains("/page/1/"));
}

#[test]
fn a_section_sets_its_own_page_size_and_zero_keeps_one_page() {
    let site = generated(12, 4);
    site.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\npaginate: 5\n---\n",
    );
    site.build();
    assert_paginated(&site, "articles/", 17, 5);
    // Term pages keep site.toml's size.
    assert!(site.has_output("levels/pooled/page/2/index.html"));

    site.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\npaginate: 0\n---\n",
    );
    site.build();
    let html = site.output("articles/index.html");
    assert_eq!(listed(&html).len(), 17, "every article on one page");
    assert!(!html.contains("class=\"pagination\"") && !html.contains("rel=\"next\""));
    assert!(!site.has_output("articles/page/2/index.html"));
    assert!(
        !site.has_output("articles/page/1/index.html"),
        "no redirect without pages"
    );
}

#[test]
fn a_lists_intro_text_is_on_its_first_page_only() {
    let site = generated(6, 4);
    site.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\n---\n\nStart with the newest piece.\n",
    );
    site.build();
    assert!(
        site.output("articles/index.html")
            .contains("Start with the newest piece.")
    );
    assert!(
        !site
            .output("articles/page/2/index.html")
            .contains("Start with the newest piece.")
    );
}

#[test]
fn paginate_in_the_wrong_place_or_of_the_wrong_kind_is_an_error_at_its_line() {
    let site = Site::fixture("tagged");
    // Both reported at once, and the last good output is left as it was.
    let stderr = site.fails_cleanly(
        |site| {
            let text = std::fs::read_to_string(site.path("content/articles/alpha.md")).unwrap();
            site.write(
                "content/articles/alpha.md",
                text.replacen("level: pooled", "level: pooled\npaginate: 5", 1),
            );
            site.write(
                "content/articles/_index.md",
                "---\ntitle: Articles\npaginate: many\n---\n",
            );
        },
        &["2 problems found"],
    );
    assert!(
        stderr.contains("content/articles/alpha.md:5:1")
            && stderr.contains("not a section's `_index.md`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/articles/_index.md:3")
            && stderr.contains("`paginate` must be a whole number")
            && stderr.contains("paginate: 20"),
        "{stderr}"
    );
}
