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

#[test]
fn init_writes_deploy_files_that_build_daily_at_the_chosen_hour() {
    let tmp = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(tmp.path())
        .args(["init", "coach", "--daily-at", "05:30"])
        .assert()
        .success()
        .stderr(predicate::str::contains("deploy.yml"));
    let dir = tmp.path().join("coach");
    let workflow: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(dir.join(".github/workflows/deploy.yml")).unwrap(),
    )
    .unwrap();
    let on = &workflow["on"];
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"));
    assert_eq!(
        on["schedule"][0]["cron"].as_str(),
        Some("30 5 * * *"),
        "daily at 05:30 UTC"
    );
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(workflow["env"]["HUDDLE_VERSION"].as_str(), Some(version));
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with("cargo install huddle --locked")),
        "{runs:?}"
    );
    assert!(
        runs.iter().any(|r| r.starts_with("huddle build")),
        "{runs:?}"
    );
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.contains(&"actions/cache@v4"), "the install is cached");
    assert!(uses.contains(&"actions/upload-pages-artifact@v3"));
    let netlify: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("netlify.toml")).unwrap()).unwrap();
    assert_eq!(netlify["build"]["publish"].as_str(), Some("public"));
    assert_eq!(
        netlify["build"]["environment"]["HUDDLE_VERSION"].as_str(),
        Some(version)
    );
    assert!(
        netlify["build"]["command"]
            .as_str()
            .unwrap()
            .contains("huddle build")
    );
    // The site builds from inside its folder, with default paths.
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(&dir)
        .arg("build")
        .assert()
        .success();
    assert!(dir.join("public/index.html").is_file());
    // A time that is not one is refused before anything is written.
    assert_cmd::Command::cargo_bin("huddle")
        .unwrap()
        .current_dir(tmp.path())
        .args(["init", "other", "--daily-at", "25:00"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--daily-at").and(predicate::str::contains("HH:MM")));
    assert!(!tmp.path().join("other").exists());
}
