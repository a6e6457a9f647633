//! `huddle import wordpress|ghost`: the fixtures in tests/fixtures/import/
//! (a WXR file and Ghost exports written for these tests) imported with the
//! binary, then the written Markdown, front matter, report and the build of
//! the imported site checked; and the exports it must refuse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn huddle_in(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("huddle").unwrap();
    cmd.current_dir(cwd)
        .args(args)
        .env("HUDDLE_NOW", "2026-12-01T09:00:00Z");
    cmd
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    crate::common::photo(w, h)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// The old site's wp-content/uploads: originals and WordPress's smaller
/// copies (of other sizes, so a test can tell which was copied).
/// sticky-wall.jpg is missing on purpose.
fn uploads(dir: &Path) {
    for (rel, w, h) in [
        ("2025/03/whiteboard.jpg", 1200, 800),
        ("2025/03/whiteboard-300x200.jpg", 300, 200),
        ("2025/02/notes.jpg", 1000, 750),
        ("2025/02/notes-300x225.jpg", 300, 225),
        ("2024/12/coaches.jpg", 900, 600),
        ("2024/12/coaches-300x200.jpg", 300, 200),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, crate::common::jpeg(w, h)).unwrap();
    }
}

fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `file:line` places a report lists under its errors section.
fn announced_errors(report: &str) -> Vec<String> {
    let Some(start) = report.find("### Errors the build will report") else {
        return vec![];
    };
    let section = &report[start..];
    let end = section[3..].find("\n#").map_or(section.len(), |i| i + 3);
    let mut places: Vec<String> = section[..end]
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    places.sort();
    places
}

/// The `file:line` of each error a build printed.
fn build_errors(stderr: &str) -> Vec<String> {
    let mut places: Vec<String> = format!("\n{stderr}")
        .split("\nerror: ")
        .skip(1)
        .filter_map(|e| e.lines().find_map(|l| l.trim_start().strip_prefix("--> ")))
        .map(|p| p.rsplit_once(':').map_or(p, |(a, _)| a).to_string())
        .collect();
    places.sort();
    places
}

/// The WordPress fixture imported into `root` (a new, empty folder) with
/// its uploads, and the level the report announced as missing added to
/// each article that lacks one, so the site builds.
pub(crate) fn imported_wordpress_site(root: &Path) {
    let up = tempfile::tempdir().unwrap();
    uploads(up.path());
    let out = huddle_in(up.path(), &["import", "wordpress"])
        .arg(fixture("wordpress.xml"))
        .arg("--uploads")
        .arg(up.path())
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for place in announced_errors(&read(root.join("import-report.md"))) {
        let (file, _) = place.rsplit_once(':').unwrap();
        let text = read(root.join(file));
        std::fs::write(
            root.join(file),
            text.replacen("\nslug:", "\nlevel: pooled\nslug:", 1),
        )
        .unwrap();
    }
}

#[test]
fn a_wordpress_blog_moves_in_with_its_pictures_tags_and_old_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let up = tmp.path().join("uploads");
    uploads(&up);
    let out = huddle_in(tmp.path(), &["import", "wordpress"])
        .arg(fixture("wordpress.xml"))
        .args(["--uploads", "uploads", "--root", "site"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains("imported 9 articles and 3 pages"),
        "{summary}"
    );
    let site = tmp.path().join("site");
    let c = |rel: &str| read(site.join("content").join(rel));

    // A Gutenberg post: a bundle with the original picture, not the 300×200 copy.
    let post = c("articles/giving-feedback-that-lands/index.md");
    assert_eq!(
        size_of(&site.join("content/articles/giving-feedback-that-lands/whiteboard.jpg")),
        (1200, 800)
    );
    assert!(
        !site
            .join("content/articles/giving-feedback-that-lands/whiteboard-300x200.jpg")
            .exists()
    );
    for line in [
        "title: Giving feedback that lands",
        "date: 2025-03-04T09:15:00+00:00",
        "description: Three habits that make feedback useful.",
        "level: reciprocal",
        "- constructive-feedback",
        "image: whiteboard.jpg",
        "image_alt: A coach sketching a feedback loop on a whiteboard",
        "- /2025/03/giving-feedback-that-lands/",
        "  - Leadership",
        "  - Remote Work",
    ] {
        assert!(
            post.lines().any(|l| l == line),
            "missing `{line}` in:\n{post}"
        );
    }
    // Typography and emoji exactly; Markdown for headings, lists, quotes, tables, code, captions.
    for text in [
        "A team lead once told me, “I rehearse it in the car and it still comes out wrong.” That’s normal. ▶",
        "🗨",
        "## Three habits",
        "1. Ask before you tell",
        "   - “In Tuesday’s stand-up you cut Sam off twice.”",
        "> Feedback is only a gift",
        "| Situation ",
        "```\nsituation & behaviour -> impact -> next step <agreed>\n```",
        "![A coach sketching a feedback loop on a whiteboard](whiteboard.jpg)\n\n*The loop we drew in the first session*",
        // Internal links in three forms: the old permalink, ?p=102, a root-relative path.
        "[Listening first](@/articles/listening-first/index.md)",
        "[my notes on one-to-ones](@/articles/listening-first/index.md)",
        "[meet the coaching team](@/about/team/index.md)",
    ] {
        assert!(post.contains(text), "missing {text:?} in:\n{post}");
    }
    // What the old theme and plugins put in the text is gone.
    for gone in [
        "mins read",
        "Success!",
        "Share this",
        "wp:",
        "Subscribe",
        "list-manage",
        "<!--",
        "<form",
    ] {
        assert!(!post.contains(gone), "{gone:?} left in:\n{post}");
    }

    // A classic-editor post: paragraphs, the caption shortcode, alt text from the attachment.
    let classic = c("articles/listening-first/index.md");
    assert!(
        classic.contains(
            "![Handwritten notes from a one-to-one](notes.jpg)\n\n*Notes from a one-to-one*"
        ),
        "{classic}"
    );
    assert_eq!(
        size_of(&site.join("content/articles/listening-first/notes.jpg")),
        (1000, 750)
    );
    assert!(
        classic.contains("if a[b[0]]> 1:"),
        "CDATA split across sections: {classic}"
    );
    assert!(
        classic.contains(
            "(https://steadyteams.example.com/wp-content/uploads/2025/02/sticky-wall.jpg)"
        ),
        "{classic}"
    );
    assert!(classic.contains("[https://www.youtube.com/watch?v=dQw4w9WgXcQ](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"), "{classic}");
    assert!(
        !classic.contains("coaching_timer") && !classic.contains("mc4wp"),
        "{classic}"
    );
    assert!(
        classic.lines().any(|l| l == "- meeting-hygiene"),
        "{classic}"
    );

    // Drafts, pending, private and password-protected posts are drafts; a future post keeps its date.
    for draft in [
        "half-written-thoughts-on-trust.md",
        "private-notes.md",
        "members-only-plan.md",
        "pending-review.md",
    ] {
        assert!(
            c(&format!("articles/{draft}"))
                .lines()
                .any(|l| l == "draft: true"),
            "{draft}"
        );
    }
    let future = c("articles/next-quarters-retro.md");
    assert!(
        future.contains("date: 2027-01-15T08:00:00+00:00") && !future.contains("draft:"),
        "{future}"
    );
    // Trash, revisions, menu items and attachments are not pages.
    let files: Vec<String> = snapshot(&site.join("content"))
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        !files
            .iter()
            .any(|f| f.contains("trashed") || f.contains("revision") || f.contains("120")),
        "{files:?}"
    );
    // Pages nest under their parents, a page with pictures and children
    // as a bundle beside them; non-ASCII slugs stay; a hostile slug stays inside.
    for page in [
        "about.md",
        "about/team/index.md",
        "about/team/coaches.jpg",
        "about/team/coaching-hours.md",
        "articles/über-vertrauen.md",
        "articles/escape.md",
    ] {
        assert!(
            site.join("content").join(page).is_file(),
            "{page}: {files:?}"
        );
    }
    assert!(!tmp.path().join("escape.md").exists() && !site.join("escape.md").exists());

    // The report: counts, mapping, guesses at their lines, renames.
    let report = read(site.join("import-report.md"));
    for text in [
        "| comments (not imported) | 2 |",
        "| tag “feedback” (`feedback`) | 1 | practice `constructive-feedback` |",
        "| category “Level 3” (`level-3`) | 1 | level `reciprocal` |",
        "kept under `extra.tags`",
        "`[coaching_timer minutes=\"5\"]`",
        "sticky-wall.jpg is missing",
        "alt text “Handwritten notes from a one-to-one” taken from the attachment's alt text",
        "alt text “A wall of sticky notes” taken from the attachment's title",
        "`../../escape` would write outside its folder",
    ] {
        assert!(report.contains(text), "missing {text:?} in:\n{report}");
    }
    // Each guess names the line where it is.
    let gallery = report
        .lines()
        .find(|l| l.contains("`[gallery]`"))
        .expect("the gallery is listed");
    let place = gallery.split('`').nth(1).unwrap();
    let (file, line) = place.rsplit_once(':').unwrap();
    let line: usize = line.parse().unwrap();
    let text = read(site.join(file));
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .starts_with("![A coach sketching"),
        "{place}:\n{text}"
    );
    assert!(read(site.join("import-map.toml")).contains("\"leadership\" = \"keep\""));

    // The site builds with exactly the errors the report announced.
    let built = huddle_in(&site, &["build"]).output().unwrap();
    assert!(!built.status.success());
    let announced = announced_errors(&report);
    assert!(!announced.is_empty());
    assert_eq!(
        build_errors(&stderr(&built)),
        announced,
        "build:\n{}\nreport:\n{report}",
        stderr(&built)
    );

    // With the levels added, it builds, and the old addresses redirect.
    for place in &announced {
        let (file, _) = place.rsplit_once(':').unwrap();
        let text = read(site.join(file));
        std::fs::write(
            site.join(file),
            text.replacen("\nslug:", "\nlevel: pooled\nslug:", 1),
        )
        .unwrap();
    }
    let built = huddle_in(&site, &["build"]).output().unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let redirect = read(site.join("public/2025/03/giving-feedback-that-lands/index.html"));
    assert!(
        redirect.contains("/articles/giving-feedback-that-lands/"),
        "{redirect}"
    );
    let umlaut = read(site.join("public/2025/01/über-vertrauen/index.html"));
    assert!(
        umlaut.contains("/articles/über-vertrauen/")
            || umlaut.contains("/articles/%C3%BCber-vertrauen/"),
        "{umlaut}"
    );
    assert!(
        site.join("public/about/team/coaching-hours/index.html")
            .is_file()
    );
    let team = read(site.join("public/about/team/index.html"));
    assert!(
        team.contains("alt=\"The three coaches at a planning board\""),
        "{team}"
    );
    assert!(site.join("public/about/team/coaches.jpg").is_file());
    assert_eq!(
        size_of(&site.join("content/about/team/coaches.jpg")),
        (900, 600)
    );
    assert!(!site.join("public/articles/private-notes").exists());
}

#[test]
fn importing_again_is_refused_and_with_force_gives_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    uploads(&tmp.path().join("uploads"));
    let import = |extra: &[&str]| {
        huddle_in(tmp.path(), &["import", "wordpress"])
            .arg(fixture("wordpress.xml"))
            .args(["--uploads", "uploads", "--root", "site"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(import(&[]).status.success());
    let first = snapshot(&tmp.path().join("site"));
    let again = import(&[]);
    assert_eq!(again.status.code(), Some(1));
    let err = stderr(&again);
    assert!(
        err.contains("already exist")
            && err.contains("content/articles/giving-feedback-that-lands/index.md")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        snapshot(&tmp.path().join("site")),
        first,
        "a refused import changed files"
    );
    let forced = import(&["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(
        snapshot(&tmp.path().join("site")),
        first,
        "the same import gave other files"
    );

    // A post with pictures whose folder exists (with a file of the coach's
    // own, no index.md) is a clash too: its pictures would land beside it.
    let site = tmp.path().join("site");
    std::fs::remove_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(site.join("content/articles/listening-first")).unwrap();
    std::fs::write(
        site.join("content/articles/listening-first/notes.jpg"),
        b"the coach's own",
    )
    .unwrap();
    let clash = import(&[]);
    assert_eq!(clash.status.code(), Some(1), "{}", stderr(&clash));
    let err = stderr(&clash);
    assert!(
        err.contains("2 files")
            && err.contains("  content/articles/listening-first/\n")
            && err.contains("  import-map.toml"),
        "{err}"
    );
    assert_eq!(
        read(site.join("content/articles/listening-first/notes.jpg")),
        "the coach's own"
    );
    assert!(
        !site
            .join("content/articles/giving-feedback-that-lands")
            .exists()
    );
}

#[test]
fn the_import_map_changes_how_tags_map_and_its_mistakes_name_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        huddle_in(tmp.path(), &["import", "wordpress"])
            .arg(fixture("wordpress.xml"))
            .args(["--root", "site"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&[]).status.success());
    let map_path = tmp.path().join("site/import-map.toml");
    let map = read(&map_path);
    std::fs::write(
        &map_path,
        map.replace(
            "\"leadership\" = \"keep\"",
            "\"leadership\" = \"level:pooled\"",
        ),
    )
    .unwrap();
    let out = run(&["--map", "site/import-map.toml", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let umlaut = read(tmp.path().join("site/content/articles/über-vertrauen.md"));
    assert!(
        umlaut.lines().any(|l| l == "level: pooled") && !umlaut.contains("Leadership"),
        "{umlaut}"
    );
    // The coach's map is not rewritten.
    assert!(read(&map_path).contains("\"leadership\" = \"level:pooled\""));

    std::fs::write(
        &map_path,
        read(&map_path).replace("level:pooled", "level:poolde"),
    )
    .unwrap();
    let out = run(&["--map", "site/import-map.toml", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = read(&map_path)
        .lines()
        .position(|l| l.contains("poolde"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("import-map.toml:{line}:")) && err.contains("level:pooled"),
        "{err}"
    );
}

#[test]
fn a_ghost_blog_moves_into_an_existing_site_from_inside_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    std::fs::create_dir_all(images.join("2024/05")).unwrap();
    std::fs::create_dir_all(images.join("2024/04")).unwrap();
    std::fs::write(
        images.join("2024/05/sync-board.jpg"),
        crate::common::jpeg(1600, 900),
    )
    .unwrap();
    std::fs::write(images.join("2024/05/agenda.png"), png(1200, 800)).unwrap();
    std::fs::write(
        images.join("2024/04/ears.jpg"),
        crate::common::jpeg(1200, 800),
    )
    .unwrap();
    let init = huddle_in(tmp.path(), &["init", "site"]).output().unwrap();
    assert!(init.status.success(), "{}", stderr(&init));
    let site = tmp.path().join("site");
    let before = snapshot(&site);
    // The new site's about page clashes with the blog's: nothing is written.
    let export = fixture("ghost.json");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "import",
            "ghost",
            export.to_str().unwrap(),
            "--images",
            "../images",
            "--url",
            "https://calmleads.example.net",
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let clash = huddle_in(&site, &[]).args(args(&[])).output().unwrap();
    assert_eq!(clash.status.code(), Some(1));
    assert!(
        stderr(&clash).contains("content/about.md"),
        "{}",
        stderr(&clash)
    );
    assert_eq!(snapshot(&site), before);

    let out = huddle_in(&site, &[])
        .args(args(&["--force"]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let c = |rel: &str| read(site.join("content").join(rel));
    let sync = c("articles/weekly-sync/index.md");
    for line in [
        "level: sequential",
        "image: sync-board.jpg",
        "image_alt: A team standing at a planning board",
        "- /weekly-sync/",
        "  - Remote",
    ] {
        assert!(
            sync.lines().any(|l| l == line),
            "missing `{line}` in:\n{sync}"
        );
    }
    // The original picture, not Ghost's size/w600 copy; the internal #newsletter tag is Ghost's own.
    assert_eq!(
        size_of(&site.join("content/articles/weekly-sync/agenda.png")),
        (1200, 800)
    );
    assert!(
        sync.contains("](agenda.png)\n\n*Our one-page agenda*"),
        "{sync}"
    );
    assert!(
        !sync.contains("- '#newsletter'")
            && !sync.contains("- \"#newsletter\"")
            && !sync.contains("min read")
            && !sync.contains("Subscribe"),
        "{sync}"
    );
    assert!(
        sync.contains("[Listening at work](@/articles/listening-at-work/index.md)"),
        "{sync}"
    );
    assert!(
        sync.contains("[A guide to short meetings](https://example.org/article)"),
        "{sync}"
    );
    // Members-only posts and drafts are drafts; a scheduled post keeps its date.
    assert!(
        c("articles/members-deep-dive.md")
            .lines()
            .any(|l| l == "draft: true")
    );
    assert!(
        c("articles/draft-idea.md")
            .lines()
            .any(|l| l == "draft: true")
    );
    let december = c("articles/december-plan.md");
    assert!(
        december.contains("date: 2027-12-01T09:00:00+00:00") && !december.contains("draft:"),
        "{december}"
    );
    assert!(c("about.md").contains("title: About me"));
    assert!(c("articles/vertrauen-und-führung.md").contains("title: Vertrauen und Führung"));
    // The existing site keeps its own files.
    assert!(site.join("content/articles/first-article.md").is_file());
    let report = read(site.join("import-report.md"));
    assert!(
        report.contains("Ghost") && report.contains("no alt text"),
        "{report}"
    );
}

#[test]
fn a_ghost_2_export_marks_pages_with_page_true() {
    let tmp = tempfile::tempdir().unwrap();
    let out = huddle_in(tmp.path(), &["import", "ghost"])
        .arg(fixture("ghost-v2.json"))
        .args(["--root", "site"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("site/content/about.md").is_file());
    let post = read(
        tmp.path()
            .join("site/content/articles/saying-no-to-a-meeting.md"),
    );
    assert!(post.contains("title: Saying no to a meeting"), "{post}");
}

#[test]
fn a_dry_run_prints_the_report_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = huddle_in(tmp.path(), &["import", "wordpress"])
        .arg(fixture("wordpress.xml"))
        .args(["--root", "site", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("# Import report") && report.contains("Nothing was written"),
        "{report}"
    );
    assert!(!tmp.path().join("site").exists());
}

#[test]
fn broken_and_hostile_exports_are_refused_with_their_line_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = read(fixture("wordpress.xml"));
    let cut = whole
        .char_indices()
        .nth(whole.chars().count() / 2)
        .unwrap()
        .0;
    std::fs::write(tmp.path().join("cut.xml"), &whole[..cut]).unwrap();
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n<rss><channel><title>&lol3;</title></channel></rss>\n";
    std::fs::write(tmp.path().join("bomb.xml"), bomb).unwrap();
    std::fs::write(
        tmp.path().join("package.json"),
        "{\n  \"name\": \"not-an-export\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("wrong.json"),
        "{\"db\":[{\"data\":{\"posts\":[\n{\"id\":\"1\",\"title\":5}]}}]}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("page.html"),
        "<html><body>hello</body></html>\n",
    )
    .unwrap();
    let cases: [(&str, &str, &[&str]); 6] = [
        ("wordpress", "cut.xml", &["cut short", "cut.xml:"]),
        (
            "wordpress",
            "bomb.xml",
            &["declares XML entities", "bomb.xml:2"],
        ),
        (
            "wordpress",
            "package.json",
            &["JSON file, not a WordPress export", "huddle import ghost"],
        ),
        (
            "wordpress",
            "page.html",
            &["not a WordPress export", "<html>"],
        ),
        (
            "ghost",
            "package.json",
            &["not a Ghost export", "db[0].data.posts"],
        ),
        (
            "ghost",
            "wrong.json",
            &["db[0].data.posts[0].title", "wrong.json:2"],
        ),
    ];
    for (platform, file, expected) in cases {
        let out = huddle_in(tmp.path(), &["import", platform, file, "--root", "site"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = stderr(&out);
        for e in expected {
            assert!(err.contains(e), "{file}: {e:?} not in:\n{err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!tmp.path().join("site").exists(), "{file} wrote files");
    }
}

/// Serves `body` at `path` and 404 for anything else, on a free port of
/// loopback; returns the port. Each connection is answered once.
fn serve_one_file(path: &'static str, body: Vec<u8>) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap_or(0);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut stream = stream;
            let wanted = request.split_whitespace().nth(1) == Some(path);
            let (status, bytes): (&str, &[u8]) = if wanted {
                ("200 OK", &body)
            } else {
                ("404 Not Found", b"not here")
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(bytes);
        }
    });
    port
}

#[test]
fn download_fetches_only_what_the_uploads_folder_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    uploads(&tmp.path().join("uploads"));
    let port = serve_one_file(
        "/wp-content/uploads/2025/02/sticky-wall.jpg",
        crate::common::jpeg(640, 480),
    );
    let export = read(fixture("wordpress.xml")).replace(
        "https://steadyteams.example.com",
        &format!("http://127.0.0.1:{port}"),
    );
    std::fs::write(tmp.path().join("export.xml"), export).unwrap();
    let out = huddle_in(
        tmp.path(),
        &[
            "import",
            "wordpress",
            "export.xml",
            "--uploads",
            "uploads",
            "--root",
            "site",
            "--download",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = tmp.path().join("site/content/articles/listening-first");
    assert_eq!(size_of(&bundle.join("sticky-wall.jpg")), (640, 480));
    let post = read(bundle.join("index.md"));
    assert!(
        post.contains("![A wall of sticky notes](sticky-wall.jpg)"),
        "{post}"
    );
    let report = read(tmp.path().join("site/import-report.md"));
    assert!(
        report.contains("| images downloaded (--download) | 1 |"),
        "{report}"
    );
    // The audio file is not on the server: listed, linked to the old site.
    assert!(
        report.contains("intro.mp3 is linked but downloading it failed"),
        "{report}"
    );
}
