//! Deploy-ready output: Atom feeds a feed parser reads, a sitemap of every
//! page, robots.txt, alias redirects, and page metadata.

use crate::common::Site;

fn feed(site: &Site, path: &str) -> atom_syndication::Feed {
    site.output(path)
        .parse::<atom_syndication::Feed>()
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}"))
}

#[test]
fn site_feed_lists_the_newest_articles_with_absolute_links() {
    let site = Site::fixture("tagged");
    site.build();
    let f = feed(&site, "atom.xml");
    assert_eq!(f.title().as_str(), "Tagged fixture");
    let titles: Vec<&str> = f.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "Epsilon numeric",
            "Delta reciprocal",
            "Gamma reciprocal",
            "Beta sequential",
            "Alpha pooled"
        ]
    );
    let first = &f.entries()[0];
    assert_eq!(
        first.links()[0].href(),
        "https://tagged.example.org/articles/epsilon/"
    );
    assert!(
        first
            .content()
            .and_then(|c| c.value())
            .unwrap_or_default()
            .contains("Epsilon")
    );
    assert!(first.categories().iter().any(|c| c.term() == "follow-up"));
    assert_eq!(f.updated().to_rfc3339(), "2026-05-01T00:00:00+00:00");
}

#[test]
fn level_feeds_and_feed_settings() {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[feed]\ncount = 1\ncontent = \"summary\"\n"),
    );
    site.build();
    let f = feed(&site, "levels/reciprocal/atom.xml");
    let titles: Vec<&str> = f.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        ["Delta reciprocal"],
        "newest reciprocal article only (count = 1)"
    );
    assert!(f.entries()[0].content().is_none(), "summary only");
    assert!(f.entries()[0].summary().is_some());
}

#[test]
fn sitemap_lists_every_page_and_robots_points_to_it() {
    let site = Site::fixture("tagged");
    site.build();
    let sitemap = site.output("sitemap.xml");
    let locs: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    let mut pages = 0;
    for entry in site.entries("public") {
        if let Some(dir) = entry.strip_suffix("index.html") {
            let url = format!("https://tagged.example.org/{dir}");
            assert!(locs.contains(&url), "sitemap lacks {url}");
            pages += 1;
        }
    }
    assert_eq!(locs.len(), pages, "no extra entries");
    assert!(sitemap.contains(
        "<loc>https://tagged.example.org/articles/gamma/</loc>\n    <lastmod>2026-03-01</lastmod>"
    ));
    assert!(
        site.output("robots.txt")
            .contains("Sitemap: https://tagged.example.org/sitemap.xml")
    );
}

#[test]
fn aliases_redirect_to_the_new_url() {
    let site = Site::fixture("tagged");
    let gamma = std::fs::read_to_string(site.path("content/articles/gamma.md")).unwrap();
    site.write(
        "content/articles/gamma.md",
        gamma.replacen(
            "---\n",
            "---\naliases: [/old/gamma/, /2025/gamma.html]\n",
            1,
        ),
    );
    site.build();
    for path in ["old/gamma/index.html", "2025/gamma.html"] {
        let html = site.output(path);
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=https://tagged.example.org/articles/gamma/\">"), "{path}");
        assert!(html.contains(
            "<link rel=\"canonical\" href=\"https://tagged.example.org/articles/gamma/\">"
        ));
    }
}

#[test]
fn articles_carry_open_graph_and_json_ld() {
    let site = Site::fixture("tagged");
    site.build();
    let html = site.output("articles/gamma/index.html");
    assert!(html.contains("<meta property=\"og:title\" content=\"Gamma reciprocal\">"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let json: serde_json::Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").unwrap()])
            .expect("valid JSON-LD");
    assert_eq!(json["@type"], "Article");
    assert_eq!(json["headline"], "Gamma reciprocal");
    assert_eq!(json["datePublished"], "2026-03-01");
}

#[test]
fn a_subpath_base_url_prefixes_every_link() {
    let site = Site::fixture("tagged");
    site.build_with(|o| o.base_url = Some("https://example.org/coach/".into()));
    for entry in site
        .entries("public")
        .into_iter()
        .filter(|e| e.ends_with(".html"))
    {
        let html = site.output(&entry);
        for attr in [" href=\"", " src=\""] {
            for (i, _) in html.match_indices(attr) {
                let value = html[i + attr.len()..].split('"').next().unwrap();
                if value.starts_with('/') {
                    assert!(value.starts_with("/coach/"), "{entry}: {value}");
                }
            }
        }
    }
    assert!(
        feed(&site, "atom.xml").entries()[0].links()[0]
            .href()
            .starts_with("https://example.org/coach/articles/")
    );
}

#[test]
fn search_page_and_pagefind_index() {
    let site = Site::fixture("tagged");
    site.build();
    assert!(site.has_output("pagefind/pagefind.js") && site.has_output("pagefind/pagefind-ui.js"));
    let entry: serde_json::Value =
        serde_json::from_str(&site.output("pagefind/pagefind-entry.json"))
            .expect("Pagefind entry file");
    assert_eq!(
        entry["languages"]["en"]["page_count"], 5,
        "the five articles are indexed: {entry}"
    );
    let page = site.output("search/index.html");
    assert!(page.contains("/pagefind/pagefind-ui.js"));
    // Without JavaScript, the page still offers the topics.
    for href in [
        "/levels/pooled/",
        "/attitudes/openness/",
        "/practices/follow-up/",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(
        site.output("index.html")
            .contains("<a href=\"/search/\">Search</a>")
    );
}

#[test]
fn search_can_be_turned_off() {
    let site = Site::fixture("tagged");
    site.build();
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[search]\nenabled = false\n"),
    );
    site.build();
    assert!(
        !site.has_output("pagefind"),
        "a later build removes the old index"
    );
    assert!(!site.has_output("search/index.html"));
    assert!(!site.output("index.html").contains("/search/"));
}

#[test]
fn the_sample_home_page_weighs_under_100_kb_with_its_css_and_scripts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    let mut opts = huddle::BuildOptions::new(root);
    opts.output = Some(out.path().to_path_buf());
    huddle::build(&opts).expect("the sample site builds");
    let home = std::fs::read_to_string(out.path().join("index.html")).expect("home page");
    // Everything a browser fetches to show it, images aside: the HTML, its
    // stylesheets and its scripts (uncompressed, so stricter than "transferred").
    let mut fetched = vec![("index.html".to_string(), home.len())];
    for (tag, attr) in [("<link ", " href=\""), ("<script ", " src=\"")] {
        for (i, _) in home.match_indices(tag) {
            let element = &home[i..i + home[i..].find('>').expect("tag ends")];
            if tag == "<link " && !element.contains("rel=\"stylesheet\"") {
                continue;
            }
            let Some(at) = element.find(attr) else {
                continue;
            };
            let url = element[at + attr.len()..].split('"').next().unwrap();
            let path = url.trim_start_matches('/');
            let size = std::fs::metadata(out.path().join(path))
                .unwrap_or_else(|_| panic!("{url} is in the output"))
                .len() as usize;
            fetched.push((url.to_string(), size));
        }
    }
    assert!(
        fetched.iter().any(|(u, _)| u.ends_with(".css")),
        "the stylesheet was found: {fetched:?}"
    );
    let total: usize = fetched.iter().map(|(_, s)| s).sum();
    assert!(total < 100 * 1024, "{total} bytes: {fetched:?}");
}

#[test]
fn rss_feed_carries_full_html_with_absolute_urls_categories_and_the_featured_image() {
    let site = Site::fixture("tagged");
    site.write(
        "content/articles/delta/photo.jpg",
        crate::common::jpeg(800, 600),
    );
    let delta = std::fs::read_to_string(site.path("content/articles/delta.md")).unwrap();
    site.remove("content/articles/delta.md");
    site.write(
        "content/articles/delta/index.md",
        delta
            .replacen(
                "level: reciprocal\n",
                "level: reciprocal\nimage: photo.jpg\nimage_alt: A team at a whiteboard\n",
                1,
            )
            .replace("](alpha.md", "](../alpha.md")
            .replace("](beta.md", "](../beta.md"),
    );
    site.build();
    let channel = rss::Channel::read_from(site.output("rss.xml").as_bytes())
        .unwrap_or_else(|e| panic!("rss.xml is not RSS: {e}"));
    let titles: Vec<&str> = channel.items().iter().filter_map(|i| i.title()).collect();
    let atom = feed(&site, "atom.xml");
    let atom_titles: Vec<&str> = atom.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles, atom_titles, "both feeds list the same articles");
    assert_eq!(channel.link(), "https://tagged.example.org/");
    for item in channel.items() {
        assert!(
            item.link()
                .unwrap()
                .starts_with("https://tagged.example.org/articles/")
        );
        assert!(item.pub_date().is_some_and(|d| d.contains("2026")));
        let html = item.content().expect("full HTML in content:encoded");
        assert!(
            !html.contains("href=\"/") && !html.contains("src=\"/"),
            "{html}"
        );
    }
    let gamma = channel
        .items()
        .iter()
        .find(|i| i.title() == Some("Gamma reciprocal"))
        .unwrap();
    assert!(
        gamma
            .content()
            .unwrap()
            .contains("href=\"https://tagged.example.org/articles/alpha/#listening-first\""),
        "{:?}",
        gamma.content()
    );
    assert!(
        gamma.categories().iter().any(|c| c.name() == "Reciprocal"
            && c.domain() == Some("https://tagged.example.org/levels/"))
    );
    let with_image = channel
        .items()
        .iter()
        .find(|i| i.title() == Some("Delta reciprocal"))
        .unwrap();
    let enclosure = with_image.enclosure().expect("the featured image");
    assert_eq!(enclosure.mime_type(), "image/jpeg");
    assert!(
        enclosure
            .url()
            .starts_with("https://tagged.example.org/articles/delta/")
    );
    // The level feeds come in RSS too.
    let level =
        rss::Channel::read_from(site.output("levels/reciprocal/rss.xml").as_bytes()).unwrap();
    assert!(
        level
            .items()
            .iter()
            .all(|i| i.title() != Some("Alpha pooled"))
    );
}
