//! `huddle new` and `huddle init`: what they write builds at once, and they
//! never overwrite.

use crate::common::Site;
use predicates::prelude::*;

#[test]
fn new_writes_an_article_that_builds() {
    let site = Site::fixture("basic");
    site.huddle(&[
        "new",
        "Running a reciprocal team: a first look",
        "--level",
        "3",
        "--attitude",
        "openness",
        "--practice",
        "meeting-hygiene",
        "--practice",
        "follow-up",
    ])
    .assert()
    .success();
    let path = site.path("content/articles/running-a-reciprocal-team-a-first-look.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("level: reciprocal"));
    assert!(text.contains("practices: [meeting-hygiene, follow-up]"));
    site.build();
    let html = site.output("articles/running-a-reciprocal-team-a-first-look/index.html");
    assert!(html.contains("Running a reciprocal team: a first look"));
    assert!(html.contains("/practices/meeting-hygiene/"));
}

#[test]
fn new_refuses_to_overwrite_and_checks_tags() {
    let site = Site::fixture("basic");
    site.huddle(&["new", "Plan"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert!(
        std::fs::read_to_string(site.path("content/articles/plan.md"))
            .unwrap()
            .contains("Before the marker")
    );
    site.huddle(&["new", "Fresh", "--attitude", "respekt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `respect`"));
    assert!(!site.path("content/articles/fresh.md").exists());
}

#[test]
fn init_makes_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my site");
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .arg("init")
        .arg(&dir)
        .assert()
        .success();
    assert!(dir.join("themes/default/templates/page.html").is_file());
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .contains("public/")
    );
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .args(["build", "--root"])
        .arg(&dir)
        .assert()
        .success();
    assert!(
        dir.join("public/articles/first-article/index.html")
            .is_file()
    );
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .arg("init")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not empty"));
}
