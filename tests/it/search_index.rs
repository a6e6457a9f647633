//! The search index and its manifest in `.huddle/`: a build whose records did
//! not change since the last build into the same folder keeps the index files
//! as they are; any change to what is indexed makes it again.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::Site;

/// Every file of `dir`'s pagefind/ with its bytes and modification time.
fn index_files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir.join("pagefind"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let bytes = std::fs::read(e.path()).unwrap();
            (e.path().to_path_buf(), (bytes, meta.modified().unwrap()))
        })
        .collect()
}

/// Whether any of the index's fragments (gzip-compressed JSON) holds `word`.
fn indexed(dir: &Path, word: &str) -> bool {
    index_files(dir).iter().any(|(path, (bytes, _))| {
        let mut text = String::new();
        path.extension().is_some_and(|e| e == "pf_fragment")
            && flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .is_ok()
            && text.contains(word)
    })
}

#[test]
fn a_build_with_the_same_records_keeps_the_index_and_any_change_makes_it_again() {
    let site = Site::fixture("tagged");
    let public = site.path("public");
    assert!(!site.build().search_index_kept, "the first build indexes");
    let first = index_files(&public);
    assert!(first.len() > 5, "an index was written: {first:?}");

    // Nothing changed: the files stay exactly as they were, not rewritten.
    assert!(site.build().search_index_kept);
    assert_eq!(index_files(&public), first);

    // A word in a body is a changed record: indexed again, and findable.
    let text = std::fs::read_to_string(site.path("content/articles/alpha.md")).unwrap();
    site.write(
        "content/articles/alpha.md",
        text.replace("Alpha body.", "Alpha body with zebracorns."),
    );
    assert!(!site.build().search_index_kept);
    assert!(indexed(&public, "zebracorns"));
    assert!(site.build().search_index_kept);

    // A title, a tag and a removed page are changed records too.
    let text = std::fs::read_to_string(site.path("content/articles/beta.md")).unwrap();
    site.write(
        "content/articles/beta.md",
        text.replacen("title: ", "title: Renamed ", 1),
    );
    assert!(!site.build().search_index_kept);
    site.remove("content/articles/gamma.md");
    assert!(!site.build().search_index_kept);

    // An index file missing or edited in the output is made again.
    let kept = index_files(&public);
    let (victim, _) = kept
        .iter()
        .find(|(p, _)| p.extension().is_some_and(|e| e == "pf_fragment"))
        .unwrap();
    std::fs::remove_file(victim).unwrap();
    assert!(!site.build().search_index_kept, "a file is gone");
    assert!(victim.exists());
    let entry = public.join("pagefind/pagefind-entry.json");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The same number of bytes: only its modification time tells.
    let was = std::fs::read_to_string(&entry).unwrap();
    let edited = " ".repeat(was.len());
    std::fs::write(&entry, &edited).unwrap();
    assert!(!site.build().search_index_kept, "a file was edited");
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), was);

    // Another output folder has an index of its own.
    let other = site.path("elsewhere");
    let into_other = |s: &Site| s.build_with(|o| o.output = Some(other.clone()));
    assert!(!into_other(&site).search_index_kept);
    assert!(into_other(&site).search_index_kept);
    assert!(
        site.build().search_index_kept,
        "public's manifest still holds"
    );

    // Search turned off, then on again: made afresh.
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n[search]\nenabled = false\n"));
    assert!(!site.build().search_index_kept);
    assert!(!public.join("pagefind").exists());
    site.write("site.toml", toml);
    assert!(!site.build().search_index_kept);
    assert!(indexed(&public, "zebracorns"));
}

#[test]
fn a_second_build_from_inside_the_site_folder_says_it_kept_the_index() {
    let site = Site::fixture("tagged");
    let build = || {
        let mut cmd = assert_cmd::Command::cargo_bin("huddle").unwrap();
        let out = cmd.current_dir(site.root()).arg("build").assert().success();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    assert!(!build().contains("search index unchanged"));
    let second = build();
    assert!(second.contains("search index unchanged, kept"), "{second}");
    assert!(
        site.root().join(".huddle/search").is_dir(),
        "the manifest is under .huddle/"
    );
}

#[test]
fn a_big_index_is_split_into_bundles_the_search_page_names() {
    let site = Site::fixture("tagged");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n[search]\nbundle_size = 2\n"));
    site.build();
    // Five articles, two a bundle: three bundles, each a whole Pagefind bundle.
    for dir in ["pagefind/", "pagefind/part-2/", "pagefind/part-3/"] {
        assert!(
            site.has_output(&format!("{dir}pagefind-entry.json")),
            "{dir}"
        );
        assert!(site.has_output(&format!("{dir}pagefind.js")), "{dir}");
    }
    assert!(!site.has_output("pagefind/part-4/pagefind-entry.json"));
    let page = site.output("search/index.html");
    assert!(
        page.contains("mergeIndex: [\"/pagefind/part-2/\",\"/pagefind/part-3/\"]"),
        "{page}"
    );
    // Every article is in exactly one bundle.
    let count = |dir: &str| -> u64 {
        let entry: serde_json::Value =
            serde_json::from_str(&site.output(&format!("{dir}pagefind-entry.json"))).unwrap();
        entry["languages"]["en"]["page_count"].as_u64().unwrap()
    };
    assert_eq!(
        count("pagefind/") + count("pagefind/part-2/") + count("pagefind/part-3/"),
        5
    );

    // One bundle again: the parts go, and the index is made afresh.
    site.write("site.toml", format!("{toml}\n[search]\nbundle_size = 0\n"));
    assert!(!site.build().search_index_kept);
    assert!(!site.has_output("pagefind/part-2/pagefind-entry.json"));
    assert!(site.output("search/index.html").contains("mergeIndex: []"));
    assert_eq!(count("pagefind/"), 5);
}
