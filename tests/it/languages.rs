//! The theme in the site's language: the sample site built in German shows
//! none of the theme's English texts, plural forms and dates follow the
//! language, and `[strings]` in site.toml overrides any text.

use std::path::Path;

use crate::common::{Site, copy_tree};

/// The sample site (this repository's site.toml and content/) with `language`.
fn sample_in(language: &str) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("content"), &dir.path().join("content"));
    copy_tree(&root.join("static"), &dir.path().join("static"));
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(config.contains("language = \"en\""));
    let site = Site { dir };
    site.write(
        "site.toml",
        config.replace("language = \"en\"", &format!("language = \"{language}\"")),
    );
    site
}

/// `html` without what the writer wrote: article bodies, summaries, leads
/// and descriptions (the sample's articles are in English whatever the
/// language).
fn theme_text(html: &str) -> String {
    let mut out: String = html
        .lines()
        .filter(|l| !(l.starts_with("<meta ") && l.contains("description\"")))
        .map(|l| format!("{l}\n"))
        .collect();
    for open in [
        "<div class=\"content\">",
        "<div class=\"summary\">",
        "<p class=\"summary\">",
        "<p class=\"lead\">",
    ] {
        while let Some(start) = out.find(open) {
            let tag = &open[1..open.find(' ').unwrap()];
            let end = element_end(&out[start..], tag).map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "");
        }
    }
    out
}

/// Where the element starting `html` (a `tag`) ends, nested ones counted.
fn element_end(html: &str, tag: &str) -> Option<usize> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0;
    let mut at = 0;
    loop {
        let next_open = html[at..].find(&open).map(|i| at + i);
        let next_close = html[at..].find(&close).map(|i| at + i)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + open.len();
            }
            _ => {
                depth -= 1;
                at = next_close + close.len();
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

/// Every HTML page of the build, by path.
fn pages(site: &Site) -> Vec<(String, String)> {
    let public = site.path("public");
    walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&public)
                .unwrap()
                .display()
                .to_string();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_sample_site_in_german_shows_none_of_the_themes_english() {
    let site = sample_in("de");
    site.build();
    // The theme's English as a reader meets it, written out here.
    let english = [
        "min read",
        "Skip to content",
        "Contents",
        "Related articles",
        "Referenced by",
        "More articles",
        "Older:",
        "Newer:",
        " of 5 done",
        ">Reset<",
        "Latest articles",
        "levels of teamwork",
        "What the work looks like",
        "How it is coordinated",
        "All articles at level",
        "Articles at level",
        "Articles on ",
        "the newest:",
        "newest first",
        "In this section",
        "Email address",
        "Subscribe",
        "Coach notes to your inbox",
        "Privacy policy",
        "Leave this field empty",
        "Recent issues",
        "Every issue",
        "Newsletter of",
        "In this issue",
        "Page not found",
        "Go to the home page",
        "Browse by topic",
        "Search the articles",
        "Find your team's level",
        "Not sure?",
        "No article is tagged",
        "Other checklists",
        "checklists from the articles",
        "Tick them",
        "from <a",
        "This page has moved",
        ">Levels<",
        ">Attitudes<",
        ">Practices<",
        ">Checklists<",
        ">Search<",
        ">Home<",
        ">Level<",
        "Level 1",
        "Level 2",
        "Level 3",
        // The months German writes differently (April, August, September
        // and November are the same words).
        "January",
        "February",
        "March",
        " May ",
        "June",
        "July",
        "October",
        "December",
        // The default vocabulary's names and management types.
        ">Pooled<",
        ": Pooled",
        ": Sequential",
        ": Reciprocal",
        ">Standardization<",
        ">Planning<",
        ">Mutual adjustment<",
        ">Respect<",
        ">Openness<",
        ">Sensitivity<",
        ">Effective listening<",
        ">Constructive feedback<",
        ">Follow-up<",
        ">Meeting hygiene<",
        "Respect for the contributions of others",
        "Interdependence levels:",
    ];
    let mut found = Vec::new();
    let all = pages(&site);
    assert!(all.len() >= 30, "{} pages", all.len());
    for (rel, html) in &all {
        let text = theme_text(html);
        for phrase in english {
            if text.contains(phrase) {
                found.push(format!("{rel}: {phrase:?}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "English in the German site:\n{}",
        found.join("\n")
    );

    // The pages speak German where the English ones spoke English.
    let article = site.output("articles/listening-past-your-own-ego/index.html");
    assert!(article.contains("<html lang=\"de\">"));
    assert!(article.contains("Minuten Lesezeit") && article.contains("Verwandte Artikel"));
    // Callouts and checklists inside the body are the theme's too.
    assert!(
        article.contains("<p class=\"callout-label\">Tipp</p>"),
        "{article}"
    );
    let checklist = all
        .iter()
        .find(|(rel, html)| {
            rel.starts_with("articles/") && html.contains("class=\"checklist-reset\"")
        })
        .expect("an article with a checklist");
    assert!(checklist.1.contains(">Zurücksetzen</button>"));
    assert!(checklist.1.contains(" erledigt</span>"));
    // Dates as German writes them, in every list.
    assert!(
        all.iter()
            .any(|(_, html)| html.contains(". Oktober 2026</time>")
                || html.contains(". November 2026</time>")),
        "German dates"
    );
    let home = site.output("index.html");
    assert!(home.contains("Die drei Stufen der Zusammenarbeit"));
    assert!(home.contains("Stufe 1: Gepoolt"));
    let level = site.output("levels/sequential/index.html");
    assert!(level.contains("<p class=\"management\">Planung</p>"));
}

#[test]
fn plural_forms_and_dates_follow_french_and_spanish() {
    for (language, one_min, date_words) in [
        ("fr", "1 min de lecture", " octobre 2026</time>"),
        ("es", "1 min de lectura", " de octubre de 2026</time>"),
    ] {
        let site = Site::fixture("tagged");
        let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
        site.write("site.toml", format!("language = \"{language}\"\n{config}"));
        site.write(
            "content/articles/short.md",
            "---\ntitle: Short\ndate: 2026-10-07\nlevel: pooled\nattitudes: [respect]\npractices: [follow-up]\n---\nA few words.\n",
        );
        site.build();
        let short = site.output("articles/short/index.html");
        assert!(short.contains(one_min), "{language}: {short}");
        assert!(short.contains(date_words), "{language}");
        // The callout label and the checklist line come from the same table.
        site.write(
            "content/articles/short.md",
            "---\ntitle: Short\ndate: 2026-10-07\nlevel: pooled\nattitudes: [respect]\npractices: [follow-up]\n---\n> [!WARNING]\n> Careful.\n\n- [x] one\n- [ ] two\n",
        );
        site.build();
        let short = site.output("articles/short/index.html");
        let (label, progress) = if language == "fr" {
            (">Attention</p>", ">1 sur 2 coché</span>")
        } else {
            (">Advertencia</p>", ">1 de 2 hecho</span>")
        };
        assert!(
            short.contains(label) && short.contains(progress),
            "{language}: {short}"
        );
    }
}

#[test]
fn strings_in_site_toml_replace_the_theme_texts_and_wrong_ones_are_named() {
    let site = Site::fixture("tagged");
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!(
            "{config}\n[strings]\ncontents = \"On this page\"\nmin_read = {{ one = \"a one-minute read\", other = \"{{n}} minutes to read\" }}\n\n[strings.vocabulary.practices.follow-up]\nname = \"Following up\"\n"
        ),
    );
    site.write(
        "content/articles/short.md",
        "---\ntitle: Short\ndate: 2026-10-07\nlevel: pooled\nattitudes: [respect]\npractices: [follow-up]\n---\nA few words.\n",
    );
    site.build();
    let short = site.output("articles/short/index.html");
    assert!(short.contains("a one-minute read"));
    assert!(short.contains(">Following up</a>"));
    assert!(
        site.output("practices/follow-up/index.html")
            .contains("<h1>Following up</h1>")
    );

    // A typo, a value never filled in and an unknown term: all three named
    // at their lines, and the output is left as it was.
    let stderr = site.fails_cleanly(
        |s| {
            s.write(
                "site.toml",
                format!(
                    "{config}\n[strings]\ncontnets = \"On this page\"\nmin_read = \"{{minutes}} min\"\n\n[strings.vocabulary.practices.folow-up]\nname = \"x\"\n"
                ),
            )
        },
        &["contnets", "did you mean `contents`", "{minutes}", "folow-up", "did you mean `follow-up`"],
    );
    assert!(stderr.contains("site.toml:"), "{stderr}");
}
