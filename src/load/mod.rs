//! Reads the site from disk: the Markdown sources and asset files under content/,
//! the theme's and the site's templates and static files. Nothing is parsed here;
//! this stage only knows paths and bytes (and which files to skip).

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

mod theme;

pub use crate::paths::FileSource;

pub use theme::{embedded_files, load_fonts, load_static, load_templates};

/// The default theme, built into the binary so a site needs no theme folder.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A Markdown file as read from content/.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to content/, with `/` separators: `articles/foo.md`.
    pub rel_path: String,
    pub bytes: Vec<u8>,
}

/// A non-Markdown file under content/ (an image beside a page bundle, a PDF).
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub rel_path: String,
    pub abs_path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The name templates use: `page.html`, `partials/meta.html`.
    pub name: String,
    /// Shown in errors: `themes/default/templates/page.html`.
    pub display_path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Relative output path: `style.css`.
    pub rel_path: String,
    pub source: FileSource,
}

#[derive(Debug, Default)]
pub struct LoadedContent {
    pub sources: Vec<SourceFile>,
    pub assets: Vec<AssetFile>,
    /// Markdown files that could not be read, with why.
    pub unreadable: Vec<(String, Diagnostic)>,
    /// Entries skipped while walking (links that loop, unreadable folders).
    pub warnings: Vec<Diagnostic>,
}

/// True for files an editor or the OS leaves behind: hidden files, `x.md~`,
/// `.x.md.swp`, `#x.md#`, `.#x.md`, `x.md.tmp`.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "Thumbs.db"
}

/// Lists every file under `dir` (following symlinks, but never round a loop),
/// skipping ignored names. Returns (relative path with `/`, absolute path).
pub(crate) fn walk_files(
    dir: &Path,
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push((rel, e.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_else(|| display_path(root, dir));
                let why = if err.loop_ancestor().is_some() {
                    "this symbolic link points back to a folder that contains it, so it was skipped"
                        .to_string()
                } else {
                    format!(
                        "cannot read this entry: {}",
                        err.io_error()
                            .map_or("unknown error".into(), |e| e.to_string())
                    )
                };
                warnings.push(
                    Diagnostic::file_error(path, why)
                        .warning()
                        .with_help("remove or fix the link if it should not be there"),
                );
            }
        }
    }
    files
}

/// The site folder as one canonical path: absolute, with `.`, `..` and
/// symbolic links resolved. The watcher reports absolute, resolved paths and
/// every stage joins its paths onto the root, so the two must be spelled the
/// same way or no save would ever match (`huddle serve --watch` run inside the
/// site folder, with the default root `.`, once never rebuilt).
pub fn resolve_site_root(root: &Path) -> Result<PathBuf, Diagnostic> {
    let shown = root.display().to_string();
    let resolved = std::fs::canonicalize(root).map_err(|e| {
        let (message, help) = if e.kind() == std::io::ErrorKind::NotFound {
            (
                "the site folder does not exist".to_string(),
                "run huddle inside your site's folder (the one with site.toml), or pass it with --root DIR",
            )
        } else {
            (
                format!("cannot open the site folder: {e}"),
                "check the folder's permissions, or pass another one with --root DIR",
            )
        };
        Diagnostic::file_error(shown.clone(), message).with_help(help)
    })?;
    if !resolved.is_dir() {
        return Err(
            Diagnostic::file_error(shown, "the site folder is a file, not a folder")
                .with_help("pass the folder that holds site.toml with --root DIR"),
        );
    }
    Ok(resolved)
}

/// `path` as the writer sees it: relative to the site root when inside it.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// Reads content/ into Markdown sources (read in parallel) and asset paths.
/// A file that cannot be read is listed in `unreadable`, with why.
pub fn load_content(root: &Path) -> LoadedContent {
    let content_dir = root.join("content");
    let mut warnings = Vec::new();
    let files = walk_files(&content_dir, root, &mut warnings);
    LoadedContent {
        warnings,
        ..read_files(root, files)
    }
}

/// The same for one changed path under content/ (a file, a folder, or
/// something gone): what is at or under it now, keyed from content/. None
/// when the path is not inside content/ or is an ignored name.
pub(crate) fn load_content_at(root: &Path, path: &Path) -> Option<(String, LoadedContent)> {
    let content_dir = root.join("content");
    let rel = path.strip_prefix(&content_dir).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.iter().any(|p| is_ignored_name(p)) {
        return None;
    }
    let rel = parts.join("/");
    let mut warnings = Vec::new();
    let files = if path.is_dir() {
        walk_files(path, root, &mut warnings)
            .into_iter()
            .map(|(sub, abs)| match rel.as_str() {
                "" => (sub, abs),
                dir => (format!("{dir}/{sub}"), abs),
            })
            .collect()
    } else if path.is_file() {
        vec![(rel.clone(), path.to_path_buf())]
    } else {
        Vec::new()
    };
    Some((
        rel,
        LoadedContent {
            warnings,
            ..read_files(root, files)
        },
    ))
}

/// Reads the Markdown files among `files` (in parallel) and keeps the others
/// as assets.
fn read_files(root: &Path, files: Vec<(String, PathBuf)>) -> LoadedContent {
    let (md, assets): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(rel, _)| rel.ends_with(".md"));
    let mut out = LoadedContent {
        assets: assets
            .into_iter()
            .map(|(rel_path, abs_path)| AssetFile { rel_path, abs_path })
            .collect(),
        ..LoadedContent::default()
    };
    let read: Vec<(String, std::io::Result<Vec<u8>>, PathBuf)> = md
        .into_par_iter()
        .map(|(rel_path, abs)| (rel_path, std::fs::read(&abs), abs))
        .collect();
    for (rel_path, bytes, abs) in read {
        match bytes {
            Ok(bytes) => out.sources.push(SourceFile { rel_path, bytes }),
            Err(e) => {
                let problem = Diagnostic::file_error(
                    display_path(root, &abs),
                    format!("cannot read file: {e}"),
                )
                .with_help("check the file's permissions");
                out.unreadable.push((rel_path, problem));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".#a.md",
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            ".hidden.md",
            "a.md.tmp",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "my notes.md", "café.md", "photo.png"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
