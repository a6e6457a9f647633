//! Builds fixture sites and checks what a reader of the output would see.

use crate::common::Site;

#[test]
fn pages_get_pretty_urls() {
    let site = Site::fixture("basic");
    let report = site.build();
    for page in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "articles/quotes/index.html",
        "articles/plan/index.html",
        "articles/the-trip/index.html",
        "404.html",
    ] {
        assert!(site.has_output(page), "missing {page}");
    }
    assert_eq!(
        report.pages, 6,
        "home, about, section and three articles (the draft is left out)"
    );
}

#[test]
fn titles_are_escaped_in_text_and_attributes() {
    let site = Site::fixture("basic");
    site.build();
    let html = site.output("articles/quotes/index.html");
    assert!(html.contains("<h1>Fish &amp; chips &lt;b&gt;bold&lt;&#x2f;b&gt; &quot;quoted&quot; &#x27;single&#x27;</h1>")
        || html.contains("<h1>Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot; &#39;single&#39;</h1>"),
        "title not escaped as expected:\n{}", &html[..html.len().min(2000)]);
    assert!(!html.contains("<b>bold</b>"));
    assert!(html.contains("content=\"A title that needs escaping &amp; more\""));
}

#[test]
fn headings_get_unique_ids_and_a_table_of_contents() {
    let site = Site::fixture("basic");
    site.build();
    let html = site.output("articles/quotes/index.html");
    assert!(html.contains(r#"<h2 id="why-quotes">"#));
    assert!(html.contains(r#"<h2 id="why-quotes-1">"#));
    assert!(html.contains(r#"<h2 id="my-anchor">"#));
    for target in ["#why-quotes\"", "#why-quotes-1\"", "#my-anchor\""] {
        assert!(
            html.contains(&format!("href=\"{target}")),
            "table of contents lacks {target}"
        );
    }
}

#[test]
fn summaries_use_the_more_marker_else_the_first_paragraph() {
    let site = Site::fixture("basic");
    site.write("content/articles/plain.md", "---\ntitle: Plain\ndate: 2026-01-09\nlevel: pooled\n---\n\nOnly this opening paragraph.\n\nNot this second one.\n");
    site.build();
    let list = site.output("articles/index.html");
    assert!(list.contains("Only this opening paragraph."));
    assert!(!list.contains("Not this second one."));
    assert!(
        list.contains("Before the marker, part one.") && list.contains("Still before the marker.")
    );
    assert!(!list.contains("After the marker."));
}

#[test]
fn reading_time_follows_word_count_and_configured_speed() {
    let site = Site::fixture("basic");
    let words = "word ".repeat(1400);
    site.write(
        "content/articles/long.md",
        format!("---\ntitle: Long\ndate: 2026-06-01\nlevel: pooled\n---\n\n{words}\n"),
    );
    site.build();
    assert!(
        site.output("articles/long/index.html")
            .contains("7 min read")
    );
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{config}words_per_minute = 100\n"));
    site.build();
    assert!(
        site.output("articles/long/index.html")
            .contains("14 min read")
    );
}

#[test]
fn markdown_extensions_code_escaping_and_raw_html() {
    let site = Site::fixture("basic");
    site.build();
    let html = site.output("articles/plan/index.html");
    assert!(
        html.contains("&lt;script&gt;alert("),
        "code blocks are escaped"
    );
    assert!(!html.contains("<script>alert("));
    assert!(html.contains(r#"<aside class="author-note">Raw HTML is kept.</aside>"#));
    assert_eq!(html.matches("type=\"checkbox\"").count(), 2);
    let quotes = site.output("articles/quotes/index.html");
    assert!(
        quotes.contains("href=\"/articles/plan/#the-plan\""),
        "@/ links are rewritten to URLs"
    );
    assert!(
        quotes.contains("href=\"/articles/the-trip/\""),
        "bundle links follow the bundle's slug"
    );
    assert!(
        site.output("about/index.html")
            .contains("href=\"/articles/quotes/#why-quotes\"")
    );
}

#[test]
fn bundle_files_are_copied_next_to_their_page() {
    let site = Site::fixture("basic");
    site.build();
    assert!(site.has_output("articles/the-trip/map.svg"));
    assert_eq!(site.output("articles/the-trip/notes.txt"), "Trip notes.\n");
    let html = site.output("articles/the-trip/index.html");
    assert!(html.contains("src=\"/articles/the-trip/map.svg\""));
}

#[test]
fn drafts_only_with_the_drafts_flag() {
    let site = Site::fixture("basic");
    site.build();
    assert!(!site.has_output("articles/draft-idea/index.html"));
    site.build_with(|o| o.drafts = true);
    assert!(site.has_output("articles/draft-idea/index.html"));
    site.build();
    assert!(
        !site.has_output("articles/draft-idea/index.html"),
        "a later build without --drafts removes it"
    );
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = Site::fixture("basic");
    site.build();
    assert!(
        site.output("404.html")
            .contains("Fixture override: nothing here")
    );
    assert!(
        site.output("articles/plan/index.html")
            .contains("class=\"skip-link\""),
        "other templates still come from the theme"
    );
    assert_eq!(
        site.output(&fingerprinted(&site, "extra", "css")),
        "/* site static */\n"
    );
    let theme_css = fingerprinted(&site, "style", "css");
    site.write("static/style.css", "/* mine */");
    site.build();
    let mine = fingerprinted(&site, "style", "css");
    assert_eq!(site.output(&mine), "/* mine */");
    assert_ne!(mine, theme_css, "new content, new name");
    assert!(
        !site.has_output(&theme_css),
        "the old stylesheet is removed"
    );
    assert!(
        site.output("index.html")
            .contains(&format!("href=\"/{mine}\"")),
        "pages link the new name"
    );
}

#[test]
fn editor_leftovers_are_skipped() {
    let site = Site::fixture("basic");
    site.write("content/articles/.plan.md.swp", [0u8, 1, 2]);
    site.build();
    assert!(
        !site
            .entries("public")
            .iter()
            .any(|p| p.contains('~') || p.contains(".#") || p.contains(".swp"))
    );
}

#[test]
fn spaces_and_non_ascii_file_names_work() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/my notes.md",
        "---\ntitle: My notes\ndate: 2026-01-05\nlevel: pooled\n---\n\nSee [café](café.md).\n",
    );
    site.write(
        "content/articles/café.md",
        "---\ntitle: Café\ndate: 2026-01-06\nlevel: pooled\n---\n\nSee [notes](my%20notes.md).\n",
    );
    site.build();
    assert!(
        site.output("articles/my-notes/index.html")
            .contains("href=\"/articles/cafe/\"")
    );
    assert!(
        site.output("articles/cafe/index.html")
            .contains("href=\"/articles/my-notes/\"")
    );
}

#[test]
fn rebuild_skips_unchanged_files_and_removes_deleted_pages() {
    let site = Site::fixture("basic");
    let first = site.build();
    assert!(first.write.written > 0);
    let second = site.build();
    assert_eq!(
        second.write.written, 0,
        "nothing changed, nothing rewritten"
    );
    site.remove("content/articles/plan.md");
    site.write(
        "content/articles/quotes.md",
        std::fs::read_to_string(site.path("content/articles/quotes.md"))
            .unwrap()
            .replace(" and [the plan](@/articles/plan.md#the-plan)", ""),
    );
    site.build();
    assert!(!site.has_output("articles/plan/index.html"));
    assert!(
        !site.has_output("articles/plan"),
        "the emptied folder is removed too"
    );
}

#[test]
fn output_folder_not_made_by_huddle_is_refused() {
    let site = Site::fixture("basic");
    site.write("public/precious.txt", "mine");
    let errors = site.build_errors();
    assert!(errors[0].message.contains("refusing"), "{}", errors[0]);
    assert_eq!(
        std::fs::read_to_string(site.path("public/precious.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn crlf_and_bom_sources_build() {
    let site = Site::fixture("basic");
    site.write("content/articles/windows.md", "\u{feff}---\r\ntitle: Saved on Windows\r\ndate: 2026-01-07\r\nlevel: sequential\r\n---\r\n\r\n## Heading\r\n\r\nBody text.\r\n");
    site.build();
    let html = site.output("articles/windows/index.html");
    assert!(html.contains("<h1>Saved on Windows</h1>"));
    assert!(html.contains(r#"<h2 id="heading">"#));
}

#[test]
fn toml_front_matter_is_accepted() {
    let site = Site::fixture("basic");
    site.write("content/articles/toml.md", "+++\ntitle = \"In TOML\"\ndate = 2026-01-08\nlevel = 2\npractices = [\"follow-up\"]\n+++\n\nBody.\n");
    site.build();
    let html = site.output("articles/toml/index.html");
    assert!(html.contains("<h1>In TOML</h1>"));
    assert!(html.contains("8 January 2026"));
}

#[test]
fn base_url_flag_changes_canonical_urls() {
    let site = Site::fixture("basic");
    site.build_with(|o| o.base_url = Some("https://preview.example.net/coach/".into()));
    let html = site.output("articles/plan/index.html");
    assert!(html.contains(
        r#"<link rel="canonical" href="https://preview.example.net/coach/articles/plan/">"#
    ));
    assert!(html.contains(r#"<link rel="stylesheet" href="/coach/style."#));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_skipped_with_a_warning() {
    let site = Site::fixture("basic");
    std::os::unix::fs::symlink("..", site.path("content/articles/loop")).unwrap();
    let report = site.build();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("points back")),
        "{:?}",
        report.warnings
    );
    assert!(site.has_output("articles/plan/index.html"));
}

/// The output name of a fingerprinted static file: `style.<hash>.css`.
fn fingerprinted(site: &Site, stem: &str, ext: &str) -> String {
    let names: Vec<String> = site
        .entries("public")
        .into_iter()
        .filter(|e| {
            e.starts_with(&format!("{stem}."))
                && e.ends_with(&format!(".{ext}"))
                && !e.contains('/')
        })
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let hash = &names[0][stem.len() + 1..names[0].len() - ext.len() - 1];
    assert!(
        hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash}"
    );
    names[0].clone()
}

#[test]
fn alerts_become_callout_boxes_with_their_label_and_markdown_inside() {
    let site = crate::common::Site::fixture("tagged");
    site.write(
        "content/articles/callouts.md",
        "---\ntitle: Callouts\ndate: 2026-02-02\nlevel: pooled\n---\n\nIntro.\n\n\
         > [!TIP]\n> Ask **what** and *why* before <script>alert(1)</script> & the [plan](alpha.md).\n\n\
         > [!NOTE]\n> A note.\n\n> [!IMPORTANT]\n> Important.\n\n> [!WARNING]\n> Careful:\n>\n> - one\n> - two\n\n\
         > [!CAUTION]\n> Stop.\n\n> A plain quote, [!TIP] in the middle.\n\n> [!UNKNOWN]\n> Not a kind.\n",
    );
    site.build();
    let html = site.output("articles/callouts/index.html");
    for (class, label) in [
        ("tip", "Tip"),
        ("note", "Note"),
        ("important", "Important"),
        ("warning", "Warning"),
        ("caution", "Caution"),
    ] {
        let open = format!(
            "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-label\">{label}</p>"
        );
        assert_eq!(
            html.matches(&open).count(),
            1,
            "one {class} callout:\n{html}"
        );
    }
    // Markdown inside: emphasis, a link rewritten to its page, a list; the
    // raw HTML of the author stays as Markdown keeps it, text is escaped.
    assert!(
        html.contains("Ask <strong>what</strong> and <em>why</em>"),
        "{html}"
    );
    assert!(
        html.contains("&amp; the <a href=\"/articles/alpha/\">plan</a>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Careful:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n</div>"),
        "{html}"
    );
    // A plain quote and an unknown kind stay quotes.
    assert!(
        html.contains("<blockquote>\n<p>A plain quote, [!TIP] in the middle.</p>\n</blockquote>")
    );
    assert!(html.contains("<blockquote>\n<p>[!UNKNOWN]"), "{html}");
    assert_eq!(html.matches("<div class=\"callout").count(), 5);
}

#[test]
fn every_page_links_a_favicon_the_site_can_replace() {
    let site = crate::common::Site::fixture("tagged");
    site.build();
    let png = std::fs::read(site.path("public/favicon.png")).unwrap();
    let icon = image::load_from_memory(&png).expect("the PNG decodes");
    assert_eq!((icon.width(), icon.height()), (32, 32));
    assert!(site.output("favicon.svg").starts_with("<svg"));
    for page in [
        "index.html",
        "articles/alpha/index.html",
        "404.html",
        "levels/pooled/index.html",
    ] {
        let html = site.output(page);
        assert!(
            html.contains(
                "<link rel=\"icon\" href=\"/favicon.png\" type=\"image/png\" sizes=\"32x32\">"
            ) && html.contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"),
            "{page}"
        );
    }
    let own = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><rect width=\"1\" height=\"1\"/></svg>";
    site.write("static/favicon.svg", own);
    site.build();
    assert_eq!(site.output("favicon.svg"), own, "the site's own icon wins");
}
