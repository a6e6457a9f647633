//! Every command run the way a writer runs it: from inside the site folder with
//! the default paths, with a relative `--root`, or through a symbolic link.
//! (The other tests pass absolute temp paths, which is how `serve --watch` run
//! inside the site folder once never rebuilt without any test noticing.)

use std::path::Path;

use crate::common::{Server, Site};
use assert_cmd::Command;

const PLAN: &str = "content/articles/plan.md";

/// `huddle <args>` with its current folder set to `cwd` and no `--root`.
fn huddle_in(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("huddle").unwrap();
    cmd.current_dir(cwd).args(args);
    cmd
}

#[test]
fn serve_inside_the_site_folder_rebuilds_on_every_save() {
    let site = Site::fixture("basic");
    let server = Server::start_in(site.root(), &[]);
    let coach = CoachAt(site.root().to_path_buf());
    coach.assert_a_save_is_served(&server);
    // And the next save too (the watcher keeps matching, not just once).
    coach.assert_a_save_is_served(&server);
    // A broken save shows its errors, from this root too.
    let events = server.events();
    let plan = std::fs::read_to_string(site.path(PLAN)).unwrap();
    site.write(PLAN, plan.replace("level: sequential", "level: sequentail"));
    let data = events.wait_for("build-error", "content/articles/plan.md");
    assert!(data.contains("\"nothing_built\":false"), "{data}");
}

#[test]
fn serve_with_a_relative_root_rebuilds_on_every_save() {
    let site = Site::fixture("basic");
    let parent = site.root().parent().unwrap();
    let name = site
        .root()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let coach = CoachAt(site.root().to_path_buf());
    let server = Server::start_in(parent, &["--root", &name]);
    coach.assert_a_save_is_served(&server);
    drop(server);
    let server = Server::start_in(&site.path("content"), &["--root", ".."]);
    coach.assert_a_save_is_served(&server);
}

/// A site folder by the path a writer's editor uses (maybe through a link).
struct CoachAt(std::path::PathBuf);

impl CoachAt {
    /// Adds a new last paragraph to the plan article on disk and waits until
    /// serve shows it.
    fn assert_a_save_is_served(&self, server: &Server) {
        let events = server.events();
        let path = self.0.join(PLAN);
        let plan = std::fs::read_to_string(&path).unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let marker = format!("Saved at {nanos}.");
        std::fs::write(&path, format!("{plan}\n\n{marker}\n")).unwrap();
        events.wait_for("reload", "/articles/plan/index.html");
        assert!(server.get("/articles/plan/").1.contains(&marker));
    }
}

#[cfg(unix)]
#[test]
fn serve_through_a_symbolic_link_rebuilds_on_every_save() {
    let site = Site::fixture("basic");
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("coach-link");
    std::os::unix::fs::symlink(site.root(), &link).unwrap();
    let coach = CoachAt(link.clone());
    // As `--root` (absolute and relative) and as the current folder.
    let server = Server::start_in(links.path(), &["--root", &link.to_string_lossy()]);
    coach.assert_a_save_is_served(&server);
    drop(server);
    let server = Server::start_in(links.path(), &["--root", "coach-link"]);
    coach.assert_a_save_is_served(&server);
    drop(server);
    let server = Server::start_in(&link, &[]);
    coach.assert_a_save_is_served(&server);
}

#[test]
fn a_site_broken_from_the_start_says_nothing_has_built_and_recovers() {
    let site = Site::fixture("basic");
    let plan = std::fs::read_to_string(site.path(PLAN)).unwrap();
    site.write(PLAN, plan.replace("level: sequential", "level: sequentail"));
    let server = Server::start_in(site.root(), &[]);
    let (status, page) = server.get("/articles/plan/");
    assert_eq!(status, 500);
    assert!(page.contains("Nothing has built yet"), "{page}");
    assert!(!page.contains("last good"), "{page}");
    assert!(page.contains("did you mean `sequential`"), "{page}");
    // The overlay is told there is no last good page behind it.
    let events = server.events();
    let data = events.wait_for("build-error", "sequentail");
    assert!(data.contains("\"nothing_built\":true"), "{data}");
    // The first good save serves the site.
    site.write(PLAN, &plan);
    events.wait_for("reload", "/articles/plan/index.html");
    let (status, html) = server.get("/articles/plan/");
    assert_eq!(status, 200);
    assert!(html.contains("Before the marker, part one."));
}

#[test]
fn build_check_and_new_work_inside_the_site_folder() {
    let site = Site::fixture("basic");
    huddle_in(site.root(), &["check"]).assert().success();
    huddle_in(site.root(), &["build"]).assert().success();
    assert!(site.output("articles/plan/index.html").contains("The plan"));
    huddle_in(
        site.root(),
        &["new", "Listening before fixing", "--level", "pooled"],
    )
    .assert()
    .success();
    assert!(
        site.path("content/articles/listening-before-fixing.md")
            .is_file()
    );
    // A relative --output is relative to where the command runs.
    huddle_in(
        &site.path("content"),
        &["build", "--root", "..", "--output", "../out"],
    )
    .assert()
    .success();
    assert!(
        site.path("out/articles/listening-before-fixing/index.html")
            .is_file()
    );
    // A folder that is not there is named, with what to do.
    let out = huddle_in(site.root(), &["build", "--root", "no-such-site"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("no-such-site"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn init_with_a_relative_folder_then_build_and_serve_inside_it() {
    let parent = tempfile::tempdir().unwrap();
    huddle_in(parent.path(), &["init", "coach"])
        .assert()
        .success();
    let coach = parent.path().join("coach");
    huddle_in(&coach, &["build"]).assert().success();
    assert!(coach.join("public/index.html").is_file());
    let server = Server::start_in(&coach, &[]);
    let events = server.events();
    let article = walkdir::WalkDir::new(coach.join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.path().extension().is_some_and(|x| x == "md") && !e.path().ends_with("_index.md")
        })
        .expect("init writes an article")
        .into_path();
    let slug = article.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\n\nPROBE from a fresh site.\n")).unwrap();
    // (Not just any reload: the search index arriving sends one too.)
    events.wait_for("reload", &format!("/articles/{slug}/index.html"));
    let (status, html) = server.get(&format!("/articles/{slug}/"));
    assert_eq!(status, 200);
    assert!(html.contains("PROBE from a fresh site."), "{html}");
}

#[test]
fn serve_inside_the_site_folder_records_sign_ups_and_serves_static_edits() {
    let site = Site::fixture("basic");
    let server = Server::start_in(site.root(), &[]);
    let events = server.events();
    site.write("static/extra.css", "/* edited inside the folder */");
    events.wait_for("reload", "/extra.css");
    assert!(
        server
            .get("/extra.css")
            .1
            .contains("edited inside the folder")
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(&format!("{}/__huddle/newsletter", server.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("email=ana%40example.org&website=")
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let saved = std::fs::read_to_string(site.path(".huddle/newsletter-signups.jsonl")).unwrap();
    assert!(saved.contains("ana@example.org"), "{saved}");
}
