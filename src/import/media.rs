//! Where an export's pictures are: in the uploads folder given with
//! `--uploads` (WordPress's wp-content/uploads) or `--images` (Ghost's
//! content/images), the original preferred over WordPress's `-300x200`
//! sizes and Ghost's `size/w600/` ones; fetched from the old site only with
//! `--download` (ureq, with a timeout and a size limit).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::convert::Flavor;

/// The most one download may be.
const DOWNLOAD_LIMIT: u64 = 25 * 1024 * 1024;

pub enum Found {
    /// In the uploads folder.
    Local(PathBuf),
    /// Fetched with `--download`.
    Downloaded(std::sync::Arc<Vec<u8>>, String),
    /// Neither; `why` says what was tried.
    Missing { why: String },
}

pub struct Media {
    dir: Option<PathBuf>,
    flavor: Flavor,
    site: Option<url::Url>,
    agent: Option<ureq::Agent>,
    fetched: HashMap<String, Result<std::sync::Arc<Vec<u8>>, String>>,
    pub downloads: usize,
}

impl Media {
    pub fn new(
        dir: Option<PathBuf>,
        flavor: Flavor,
        site: Option<url::Url>,
        download: bool,
    ) -> Self {
        let agent = download.then(|| {
            ureq::Agent::new_with_config(
                ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build(),
            )
        });
        Media {
            dir,
            flavor,
            site,
            agent,
            fetched: HashMap::new(),
            downloads: 0,
        }
    }

    /// Whether `url` is a file of the old site's uploads; its path inside them.
    pub fn upload_path(&self, url: &str) -> Option<String> {
        let without_query = url.split(['?', '#']).next().unwrap_or(url);
        let marker = self.marker();
        let rest = if let Some(i) = without_query.find(marker) {
            &without_query[i + marker.len()..]
        } else if self.flavor == Flavor::WordPress
            && let Ok(u) = url::Url::parse(without_query)
            && u.host_str()
                .is_some_and(|h| h.ends_with(".files.wordpress.com"))
        {
            // WordPress.com keeps uploads at https://site.files.wordpress.com/2020/05/x.jpg.
            return Some(super::percent_decoded(u.path().trim_start_matches('/')));
        } else {
            return None;
        };
        let mut rest = super::percent_decoded(rest);
        if self.flavor == Flavor::Ghost {
            // size/w600/2024/05/x.jpg, size/w600h400/…, format/webp/…
            loop {
                let parts: Vec<&str> = rest.splitn(3, '/').collect();
                match parts.as_slice() {
                    ["size", _, tail] | ["format", _, tail] => rest = tail.to_string(),
                    _ => break,
                }
            }
        }
        Some(rest)
    }

    fn marker(&self) -> &'static str {
        match self.flavor {
            Flavor::WordPress => "wp-content/uploads/",
            Flavor::Ghost => "content/images/",
        }
    }

    /// The absolute URL of `url` on the old site, if it can be known.
    pub fn absolute(&self, url: &str) -> Option<String> {
        if url.starts_with("http://") || url.starts_with("https://") {
            return Some(url.to_string());
        }
        let site = self.site.as_ref()?;
        site.join(url).ok().map(String::from)
    }

    /// Finds the picture at `url`: the original in the uploads folder, the
    /// file as linked, or (with `--download`) either fetched.
    pub fn find(&mut self, url: &str) -> Found {
        let rel = self.upload_path(url);
        let mut tried = Vec::new();
        if let (Some(rel), Some(dir)) = (&rel, &self.dir) {
            if !safe_relative(rel) {
                return Found::Missing {
                    why: format!(
                        "its path `{rel}` would reach outside the uploads folder, so it was not read"
                    ),
                };
            }
            for candidate in originals(rel) {
                let path = dir.join(&candidate);
                if path.is_file() {
                    return Found::Local(path);
                }
                tried.push(candidate);
            }
        }
        if self.agent.is_some()
            && let Some(abs) = self.absolute(url)
        {
            let abs = abs.split(['?', '#']).next().unwrap_or(&abs).to_string();
            let candidates: Vec<String> = match &rel {
                Some(rel) => {
                    let prefix = match abs.find(self.marker()) {
                        Some(i) => abs[..i + self.marker().len()].to_string(),
                        None => url::Url::parse(&abs)
                            .map(|u| u.origin().ascii_serialization() + "/")
                            .unwrap_or_default(),
                    };
                    originals(rel)
                        .into_iter()
                        .map(|o| format!("{prefix}{o}"))
                        .collect()
                }
                None => vec![abs],
            };
            let mut last = String::new();
            for c in candidates {
                match self.download(&c) {
                    Ok(bytes) => return Found::Downloaded(bytes, c),
                    Err(e) => last = e,
                }
            }
            return Found::Missing {
                why: format!("downloading it failed: {last}"),
            };
        }
        let why = match (&rel, &self.dir) {
            (Some(_), Some(dir)) => format!(
                "it is not in {} (looked for {})",
                dir.display(),
                tried.join(", ")
            ),
            (Some(_), None) => format!(
                "no uploads folder was given (pass {} DIR, or --download)",
                if self.flavor == Flavor::WordPress {
                    "--uploads"
                } else {
                    "--images"
                }
            ),
            (None, _) => "it is not a file of the old site's uploads".into(),
        };
        Found::Missing { why }
    }

    fn download(&mut self, url: &str) -> Result<std::sync::Arc<Vec<u8>>, String> {
        if let Some(r) = self.fetched.get(url) {
            return r.clone();
        }
        let Some(agent) = &self.agent else {
            return Err("downloads are off".into());
        };
        let result = agent
            .get(url)
            .call()
            .map_err(|e| e.to_string())
            .and_then(|mut r| {
                r.body_mut()
                    .with_config()
                    .limit(DOWNLOAD_LIMIT)
                    .read_to_vec()
                    .map_err(|e| e.to_string())
            })
            .and_then(|bytes| {
                if imagesize::blob_size(&bytes).is_ok()
                    || bytes.starts_with(b"<svg")
                    || bytes.starts_with(b"<?xml")
                {
                    Ok(std::sync::Arc::new(bytes))
                } else {
                    Err("the server did not send a picture".into())
                }
            });
        if result.is_ok() {
            self.downloads += 1;
            eprintln!("downloaded {url}");
        }
        self.fetched.insert(url.to_string(), result.clone());
        result
    }
}

/// No `..`, no absolute path, no drive letters: stays inside the folder.
fn safe_relative(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains(':')
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// `2025/03/x-300x200.jpg` → `2025/03/x.jpg`, then the file as named; also
/// `-scaled` (WordPress 5.3's large-image copy) → the original.
fn originals(rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (dir, file) = match rel.rfind('/') {
        Some(i) => (&rel[..=i], &rel[i + 1..]),
        None => ("", rel),
    };
    if let Some((stem, ext)) = file.rsplit_once('.') {
        let mut base = stem;
        if let Some((head, size)) = base.rsplit_once('-')
            && let Some((w, h)) = size.split_once('x')
            && !w.is_empty()
            && !h.is_empty()
            && w.chars().all(|c| c.is_ascii_digit())
            && h.chars().all(|c| c.is_ascii_digit())
        {
            base = head;
        }
        if let Some(head) = base.strip_suffix("-scaled") {
            base = head;
        }
        if base != stem {
            out.push(format!("{dir}{base}.{ext}"));
        }
    }
    out.push(rel.to_string());
    out
}

/// A picture's file name inside a page bundle: its name as a slug, the
/// extension in lower case.
pub fn bundle_name(rel_or_url: &str) -> String {
    let file = rel_or_url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let file = super::percent_decoded(file);
    let (stem, ext) = file.rsplit_once('.').unwrap_or((&file, "jpg"));
    let stem = slug::slugify(stem);
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let stem = if stem.is_empty() {
        "picture".to_string()
    } else {
        stem
    };
    let ext = if ext.is_empty() {
        "jpg".to_string()
    } else {
        ext
    };
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn originals_come_before_sized_copies() {
        assert_eq!(
            originals("2025/03/board-300x200.jpg"),
            ["2025/03/board.jpg", "2025/03/board-300x200.jpg"]
        );
        assert_eq!(
            originals("2025/03/photo-scaled.jpeg"),
            ["2025/03/photo.jpeg", "2025/03/photo-scaled.jpeg"]
        );
        assert_eq!(originals("a/team-x-ray.png"), ["a/team-x-ray.png"]);
    }

    #[test]
    fn upload_paths_of_both_platforms() {
        let wp = Media::new(None, Flavor::WordPress, None, false);
        assert_eq!(
            wp.upload_path("https://x.org/wp-content/uploads/2025/03/a-1024x768.jpg?w=300")
                .as_deref(),
            Some("2025/03/a-1024x768.jpg")
        );
        assert_eq!(
            wp.upload_path("https://coach.files.wordpress.com/2020/05/b.png")
                .as_deref(),
            Some("2020/05/b.png")
        );
        assert_eq!(wp.upload_path("https://elsewhere.org/pic.jpg"), None);
        let ghost = Media::new(None, Flavor::Ghost, None, false);
        assert_eq!(
            ghost
                .upload_path("/content/images/size/w600/2024/05/agenda.png")
                .as_deref(),
            Some("2024/05/agenda.png")
        );
        assert!(!safe_relative("../../etc/passwd"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(safe_relative("2024/05/agenda.png"));
        assert_eq!(
            bundle_name("https://x.org/wp-content/uploads/2025/03/Board%20Photo.JPG"),
            "board-photo.jpg"
        );
    }
}
