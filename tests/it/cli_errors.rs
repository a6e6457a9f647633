//! Each kind of bad input, through the `huddle` binary: exit status 1, a message
//! that names the file (and line and column where there is one), and the
//! previous output left exactly as it was.

use crate::common::Site;
use predicates::prelude::*;

/// Builds the good fixture, applies `break_it`, builds again through the CLI and
/// checks the failure. Returns stderr for more specific assertions.
fn fails_cleanly(break_it: impl FnOnce(&Site), expect_in_stderr: &[&str]) -> String {
    Site::fixture("basic").fails_cleanly(break_it, expect_in_stderr)
}

const GOOD_HEAD: &str = "---\ntitle: T\ndate: 2026-01-01\nlevel: pooled\n";

#[test]
fn invalid_yaml() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ntitle: T\ndate: 2026-01-01\nlevel: [pooled\n---\n",
            )
        },
        &["content/articles/bad.md:", "help:"],
    );
}

#[test]
fn unknown_front_matter_key() {
    let err = fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                format!("{GOOD_HEAD}atitudes: [respect]\n---\n"),
            )
        },
        &[
            "content/articles/bad.md:5:1",
            "atitudes: [respect]",
            "did you mean `attitudes`",
        ],
    );
    assert!(err.contains("^^^^^^^^"), "the key is underlined:\n{err}");
}

#[test]
fn every_problem_of_one_file_in_one_run() {
    let err = fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ntitle: T\natitudes: [respect]\ndate: 2026-13-01\nlevel: reciprocol\n---\n\nSee [the plan](plan.md) and [the gone one](gone.md).\n",
            )
        },
        &[
            "content/articles/bad.md:3:1",
            "unknown key `atitudes`",
            "did you mean `attitudes`",
            "content/articles/bad.md:4:7",
            "`date: 2026-13-01` is not a valid date",
            "content/articles/bad.md:5:8",
            "did you mean `reciprocal`",
            "content/articles/bad.md:8:",
            "gone.md",
            "4 problems found",
        ],
    );
    // The good link in the same file is not reported.
    assert!(!err.contains("`plan.md`"), "{err}");
}

#[test]
fn unknown_tag_value() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ntitle: T\ndate: 2026-01-01\nlevel: reciprocol\n---\n",
            )
        },
        &[
            "content/articles/bad.md:4:8",
            "unknown level `reciprocol`",
            "did you mean `reciprocal`",
        ],
    );
}

#[test]
fn missing_title() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ndate: 2026-01-01\nlevel: pooled\n---\nBody\n",
            )
        },
        &["content/articles/bad.md:2", "no `title`", "title:"],
    );
}

#[test]
fn bad_date() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ntitle: T\ndate: 2026-02-30\nlevel: pooled\n---\n",
            )
        },
        &[
            "content/articles/bad.md:3:7",
            "not a valid date",
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn unterminated_front_matter() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/bad.md",
                "---\ntitle: T\n\nBody without the closing line\n",
            )
        },
        &["content/articles/bad.md:1:1", "never closed"],
    );
}

#[test]
fn invalid_utf8_and_binary_junk_and_empty_files() {
    fails_cleanly(
        |s| {
            s.write("content/articles/latin1.md", b"---\ntitle: Caf\xe9\n---\n");
            s.write(
                "content/articles/junk.md",
                [0x89u8, b'P', b'N', b'G', 0, 0, 0x1a, 0xff],
            );
            s.write("content/articles/empty.md", "");
        },
        &[
            "content/articles/latin1.md:2:",
            "not valid UTF-8",
            "content/articles/junk.md",
            "content/articles/empty.md",
            "3 problems",
        ],
    );
}

#[test]
fn utf16_files_are_named_as_such() {
    let utf16 = |text: &str, bom: bool| -> Vec<u8> {
        let mut bytes: Vec<u8> = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    fails_cleanly(
        |s| {
            let text = "---\ntitle: Notepad\n---\n\nSaved by Notepad.\n";
            s.write("content/with-bom.md", utf16(text, true));
            s.write("content/without-bom.md", utf16(text, false));
        },
        &[
            "content/with-bom.md:1:1",
            "content/without-bom.md:1:1",
            "this file is UTF-16 LE text",
            "Save with Encoding",
            "2 problems",
        ],
    );
}

#[test]
fn three_bad_files_are_all_reported_in_one_run() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/one.md",
                format!("{GOOD_HEAD}titel: x\n---\n"),
            );
            s.write(
                "content/articles/two.md",
                "---\ntitle: T\ndate: someday\nlevel: pooled\n---\n",
            );
            s.write("content/three.md", "---\ntitle: T\n---\n[x](nowhere.md)\n");
        },
        &[
            "content/articles/one.md:5:1",
            "content/articles/two.md:3:7",
            "content/three.md:4:1",
            "3 problems",
        ],
    );
}

#[test]
fn duplicate_output_url() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/copy.md",
                "---\ntitle: T\ndate: 2026-01-01\nlevel: pooled\nslug: plan\n---\n",
            )
        },
        &["content/articles/", "/articles/plan/", "slug"],
    );
}

#[test]
fn slug_escaping_the_output_folder() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/evil.md",
                "---\ntitle: T\ndate: 2026-01-01\nlevel: pooled\nslug: ../../../etc\n---\n",
            )
        },
        &["content/articles/evil.md:5:7", "slug"],
    );
}

#[test]
fn broken_link_and_anchor() {
    fails_cleanly(
        |s| {
            s.write(
                "content/articles/links.md",
                format!("{GOOD_HEAD}---\n\n[a](plann.md) and [b](plan.md#no-such-heading)\n"),
            )
        },
        &[
            "content/articles/links.md:7:1",
            "broken link `plann.md`",
            "did you mean `plan.md`",
            "content/articles/links.md:7:19",
            "broken anchor",
            "#the-plan",
        ],
    );
}

#[test]
fn site_toml_syntax_error() {
    fails_cleanly(
        |s| s.write("site.toml", "title = \"x\nbase_url = \"https://e.org\"\n"),
        &["site.toml:1:"],
    );
}

#[test]
fn site_toml_unknown_key() {
    fails_cleanly(
        |s| s.write("site.toml", "titel = \"x\"\nbase_url = \"https://e.org\"\n"),
        &[
            "site.toml:1:1",
            "unknown key `titel`",
            "did you mean `title`",
        ],
    );
}

#[test]
fn site_toml_missing_or_bad_base_url() {
    fails_cleanly(
        |s| s.write("site.toml", "title = \"x\"\n"),
        &["site.toml", "base_url"],
    );
    fails_cleanly(
        |s| s.write("site.toml", "title = \"x\"\nbase_url = \"not a url\"\n"),
        &["site.toml:2:1", "base_url"],
    );
}

#[test]
fn template_syntax_error() {
    fails_cleanly(
        |s| {
            s.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n")
        },
        &["templates/page.html:2:", "template error"],
    );
}

#[test]
fn template_rendering_error_names_the_template() {
    fails_cleanly(
        |s| {
            s.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.no_such_field }}\n{% endblock content %}\n")
        },
        &["templates/page.html:3:", "template error"],
    );
}

#[test]
fn bad_usage_exits_with_2() {
    let site = Site::fixture("basic");
    site.huddle(&["build", "--no-such-flag"]).assert().code(2);
    site.huddle(&["frobnicate"]).assert().code(2);
}

#[test]
fn every_command_has_help() {
    let site = Site::fixture("basic");
    for cmd in ["build", "check", "new", "init"] {
        site.huddle(&["help", cmd])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: huddle"));
    }
}

#[test]
fn check_reports_errors_and_writes_nothing() {
    let site = Site::fixture("basic");
    site.huddle(&["check"]).assert().success();
    assert!(!site.path("public").exists());
    site.write(
        "content/articles/bad.md",
        "---\ntitle: T\ndate: 2026-01-01\nlevel: pooled\nlevel: sequential\n---\n",
    );
    site.huddle(&["check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/articles/bad.md"));
    assert!(!site.path("public").exists());
}
