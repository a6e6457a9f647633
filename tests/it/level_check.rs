//! The level self-check at /levels/check/: without JavaScript every answer
//! opens the page of the level it describes; it is linked from the home
//! page and every level page; it translates; a site without levels 1-3
//! gets neither the page nor a link to it.

use crate::common::Site;

/// (question legend, [(answer text, formaction)]) of the self-check page.
fn questions(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    html.split("<fieldset class=\"check-question\"")
        .skip(1)
        .map(|fieldset| {
            let fieldset = &fieldset[..fieldset.find("</fieldset>").expect("fieldset ends")];
            let legend = between(fieldset, "<legend>", "</legend>").to_string();
            let answers = fieldset
                .split("<button ")
                .skip(1)
                .map(|b| {
                    let action = between(b, "formaction=\"", "\"").to_string();
                    let text = between(b, ">", "</button>").to_string();
                    (text, action)
                })
                .collect();
            (legend, answers)
        })
        .collect()
}

fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    let start = s.find(from).map_or(0, |i| i + from.len());
    let end = s[start..].find(to).map_or(s.len(), |i| start + i);
    &s[start..end]
}

#[test]
fn without_javascript_every_answer_opens_the_level_it_describes() {
    let site = Site::fixture("tagged");
    site.build();
    let page = site.output("levels/check/index.html");
    assert!(
        page.contains("<h1>Find your team&#39;s level</h1>"),
        "{page}"
    );
    let asked = questions(&page);
    assert_eq!(asked.len(), 3, "three questions");
    let levels = ["pooled", "sequential", "reciprocal"];
    for (legend, answers) in &asked {
        assert!(legend.len() > 20, "the question is written out: {legend:?}");
        assert_eq!(answers.len(), 3, "{legend}");
        for ((text, action), slug) in answers.iter().zip(levels) {
            assert!(text.len() > 15, "{text:?}");
            // The answer is a submit button of a GET form: choosing it opens
            // its level's page, which the build wrote.
            assert_eq!(action, &format!("/levels/{slug}/"), "{legend}: {text}");
            assert!(site.has_output(&format!("levels/{slug}/index.html")));
        }
    }
    assert!(page.contains("<form class=\"level-check\" method=\"get\""));
    assert!(page.contains("role=\"status\""), "the result is announced");
    // Every level's result is on the page for the script to show.
    for n in 1..=3 {
        assert!(page.contains(&format!("<template id=\"check-result-{n}\"")));
    }

    // Linked from the home page and every level page, and in the sitemap.
    for linking in [
        "index.html",
        "levels/pooled/index.html",
        "levels/sequential/index.html",
        "levels/reciprocal/index.html",
    ] {
        assert!(
            site.output(linking).contains("href=\"/levels/check/\""),
            "{linking}"
        );
    }
    assert!(
        site.output("sitemap.xml")
            .contains("https://tagged.example.org/levels/check/")
    );
}

#[test]
fn the_self_check_speaks_the_sites_language_and_strings_override_it() {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("language = \"de\"\n{config}\n[strings]\ncheck_q2 = \"Wer plant bei euch die Reihenfolge?\"\n"),
    );
    site.build();
    let page = site.output("levels/check/index.html");
    let asked = questions(&page);
    assert!(
        asked[0]
            .0
            .contains("Wenn jemand seinen Teil der Arbeit fertig hat"),
        "{:?}",
        asked[0]
    );
    assert_eq!(asked[1].0, "2. Wer plant bei euch die Reihenfolge?");
    assert!(page.contains("Ihr Team arbeitet auf Stufe 3: Reziprok"));
}

#[test]
fn a_site_whose_levels_are_not_numbered_1_to_3_has_no_self_check() {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[vocabulary]\nreplace = true\nlevels = [{{ slug = \"solo\", number = 1, name = \"Solo\", work = \"w\", management = \"m\" }}]\nattitudes = [{{ slug = \"respect\", name = \"Respect\" }}]\npractices = [{{ slug = \"follow-up\", name = \"Follow-up\" }}]\n"),
    );
    for file in ["alpha", "beta", "gamma", "delta", "epsilon"] {
        site.remove(&format!("content/articles/{file}.md"));
    }
    site.write(
        "content/articles/one.md",
        "---\ntitle: One\ndate: 2026-10-07\nlevel: solo\nattitudes: [respect]\npractices: [follow-up]\n---\nText.\n",
    );
    site.build();
    assert!(!site.has_output("levels/check/index.html"));
    assert!(!site.output("index.html").contains("/levels/check/"));
    assert!(
        !site
            .output("levels/solo/index.html")
            .contains("/levels/check/")
    );
}
