//! Checklists in the built output: boxes with labels, stable ids, the
//! checklists page. (Ticking, saving and Reset in a browser: tests/browser.rs.)

use crate::common::Site;

const ARTICLE: &str = "---\ntitle: Feedback prep\ndate: 2026-06-01\nlevel: reciprocal\npractices: [constructive-feedback, follow-up]\n---\n\nIntro.\n\n## Before the conversation\n\n- [ ] Write down what you expect\n- [x] Book a quiet room\n- [ ] Note two things that went well\n  - [ ] Be specific\n\n> ## In the room\n>\n> 1. [ ] Open with a question\n> 2. [ ] Listen to the answer\n";

/// Every `attr="..."` value in `html`.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| html[i + needle.len()..].split('"').next())
        .collect()
}

#[test]
fn task_lists_become_checkboxes_with_labels() {
    let site = Site::fixture("tagged");
    site.write("content/articles/prep.md", ARTICLE);
    site.build();
    let html = site.output("articles/prep/index.html");
    assert_eq!(html.matches("<input type=\"checkbox\"").count(), 6);
    assert!(!html.contains("disabled"), "boxes can be ticked");
    // Every box has exactly one label pointing at it, and its id is unique.
    let input_ids: Vec<&str> = html
        .match_indices("<input type=\"checkbox\" id=\"")
        .map(|(i, m)| html[i + m.len()..].split('"').next().unwrap())
        .collect();
    let label_fors = values(&html, "for");
    assert_eq!(input_ids.len(), 6);
    for id in &input_ids {
        assert_eq!(
            label_fors.iter().filter(|f| *f == id).count(),
            1,
            "label for {id}"
        );
        assert_eq!(
            values(&html, "id").iter().filter(|i| *i == id).count(),
            1,
            "id {id} is unique"
        );
    }
    assert!(
        html.contains("id=\"checklist-before-the-conversation--book-a-quiet-room\" checked>"),
        "[x] starts ticked"
    );
    assert!(html.contains("1 of 4 done") && html.contains("0 of 2 done"));
    assert_eq!(html.matches("class=\"checklist-reset\"").count(), 2);
    assert!(html.contains("<form class=\"checklist\" id=\"checklist-before-the-conversation\""));
    assert!(
        html.contains("<form class=\"checklist\" id=\"checklist-in-the-room\""),
        "a list in a quote is a checklist too"
    );
    assert!(
        html.contains("<script src=\"/checklists.") && html.contains(".js\" defer>"),
        "the page loads the checklist script"
    );
}

#[test]
fn editing_one_item_keeps_the_other_ids() {
    let site = Site::fixture("tagged");
    site.write("content/articles/prep.md", ARTICLE);
    site.build();
    let ids = |html: &str| -> Vec<String> {
        values(html, "for")
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let before = ids(&site.output("articles/prep/index.html"));
    site.write(
        "content/articles/prep.md",
        ARTICLE.replace("Book a quiet room", "Book a quiet room with a window"),
    );
    site.build();
    let after = ids(&site.output("articles/prep/index.html"));
    assert_eq!(before.len(), after.len());
    let changed: Vec<_> = before.iter().zip(&after).filter(|(a, b)| a != b).collect();
    assert_eq!(
        changed.len(),
        1,
        "only the edited item's id changes: {changed:?}"
    );
    assert!(changed[0].0.ends_with("book-a-quiet-room"));
}

#[test]
fn checklists_page_groups_by_practice_then_level_and_links_to_each() {
    let site = Site::fixture("tagged");
    site.write("content/articles/prep.md", ARTICLE);
    site.write("content/articles/solo.md", "---\ntitle: Solo list\ndate: 2026-06-02\nlevel: pooled\npractices: [follow-up]\n---\n\n## Weekly\n\n- [ ] Check in\n");
    site.build();
    let page = site.output("checklists/index.html");
    // Feedback prep has two practices, so it is listed under both.
    assert_eq!(
        page.matches("href=\"/articles/prep/#checklist-before-the-conversation\"")
            .count(),
        2
    );
    assert_eq!(
        page.matches("href=\"/articles/prep/#checklist-in-the-room\"")
            .count(),
        2
    );
    assert_eq!(
        page.matches("href=\"/articles/solo/#checklist-weekly\"")
            .count(),
        1
    );
    let feedback = page.find("Constructive feedback").expect("practice group");
    let follow_up = page.find("Follow-up").expect("practice group");
    assert!(feedback < follow_up, "practices in vocabulary order");
    // Within follow-up: pooled (Solo) before reciprocal (prep).
    let rest = &page[follow_up..];
    assert!(
        rest.find("#checklist-weekly").unwrap()
            < rest.find("#checklist-before-the-conversation").unwrap()
    );
    assert!(page.contains("4 items") && page.contains("1 item"));
    // Every listed link lands on a checklist that exists.
    let prep = site.output("articles/prep/index.html");
    assert!(
        prep.contains("id=\"checklist-before-the-conversation\"")
            && prep.contains("id=\"checklist-in-the-room\"")
    );
}
