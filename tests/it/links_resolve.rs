//! A generated 2,000-article site: every internal `href` and `src` in every
//! output page must lead to a written file, and every `#anchor` to an id in it.

use std::collections::HashMap;
use std::path::Path;

const LEVELS: [&str; 3] = ["pooled", "sequential", "reciprocal"];
const ATTITUDES: [&str; 3] = ["respect", "openness", "sensitivity"];
const PRACTICES: [&str; 6] = [
    "effective-listening",
    "constructive-feedback",
    "exploring-what-and-why",
    "collaborative-next-steps",
    "follow-up",
    "meeting-hygiene",
];

/// A small deterministic generator (LCG), so the site is the same on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn generate(root: &Path, n: usize) {
    std::fs::create_dir_all(root.join("content/articles")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"Generated\"\nbase_url = \"https://gen.example.org/sub/\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "---\ntitle: Home\n---\n\nSee [an article](articles/a-0.md).\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/articles/_index.md"),
        "---\ntitle: Articles\n---\n",
    )
    .unwrap();
    let mut rng = Rng(7);
    for i in 0..n {
        let pick = |rng: &mut Rng, list: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = (0..1 + rng.below(2))
                .map(|_| list[rng.below(list.len())].to_string())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let attitudes = pick(&mut rng, &ATTITUDES).join(", ");
        let practices = pick(&mut rng, &PRACTICES).join(", ");
        let level = LEVELS[rng.below(3)];
        let (a, b) = (rng.below(n), rng.below(n));
        let body = format!(
            "Opening of article {i}.\n\n## Section one\n\nLinks to [another](a-{a}.md#section-two), [a third](@/articles/a-{b}.md) and [myself](#section-one).\n\n## Section two\n\n- [ ] A task\n- [x] A done task\n\n## Section one\n\nRepeated heading.\n"
        );
        let text = format!(
            "---\ntitle: \"Article {i}\"\ndate: 2025-{:02}-{:02}\nlevel: {level}\nattitudes: [{attitudes}]\npractices: [{practices}]\n---\n\n{body}",
            1 + rng.below(12),
            1 + rng.below(28)
        );
        std::fs::write(root.join(format!("content/articles/a-{i}.md")), text).unwrap();
    }
}

/// Every value of `attr="..."` in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn every_internal_href_and_anchor_resolves() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 2000);
    let mut opts = huddle::BuildOptions::new(dir.path());
    opts.output = Some(dir.path().join("out"));
    if let Err(problems) = huddle::build(&opts) {
        panic!(
            "{}",
            problems
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let out = dir.path().join("out");
    let mut html_files: HashMap<String, String> = HashMap::new();
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_some_and(|x| x == "html") {
            let rel = e
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            html_files.insert(rel, std::fs::read_to_string(e.path()).unwrap());
        }
    }
    assert!(html_files.len() > 2000, "only {} pages", html_files.len());
    let mut checked = 0;
    let mut dead = Vec::new();
    for (file, html) in &html_files {
        for link in attribute_values(html, "href")
            .into_iter()
            .chain(attribute_values(html, "src"))
        {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (path, anchor) = link.split_once('#').unwrap_or((link, ""));
            let target = if path.is_empty() {
                file.clone()
            } else {
                let Some(p) = path.strip_prefix("/sub/") else {
                    dead.push(format!(
                        "{file}: {link} does not start with the base path /sub/"
                    ));
                    continue;
                };
                if p.is_empty() || p.ends_with('/') {
                    format!("{p}index.html")
                } else {
                    p.to_string()
                }
            };
            checked += 1;
            if !out.join(&target).is_file() {
                dead.push(format!("{file}: {link} (no {target})"));
                continue;
            }
            if !anchor.is_empty() {
                let has_id = html_files
                    .get(&target)
                    .is_some_and(|t| t.contains(&format!(" id=\"{anchor}\"")));
                if !has_id {
                    dead.push(format!("{file}: {link} (no id {anchor} in {target})"));
                }
            }
        }
    }
    assert!(checked > 20_000, "only {checked} links checked");
    assert!(
        dead.is_empty(),
        "{} dead links, e.g.:\n{}",
        dead.len(),
        dead.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
