//! The site as serve holds it: every output file LZ4-compressed in memory
//! (but pictures from the picture cache, read from there on request), and
//! the swap that brings a rebuild's files in (reading copied files only when
//! the change touched them) and drops the files the site no longer has.

use super::*;

/// The built site, in memory: output path (`articles/foo/index.html`) →
/// its file (see `ServedFile`).
#[derive(Default, Clone)]
pub(super) struct BuiltSite {
    pub(super) files: HashMap<String, ServedFile>,
}

/// One served file. Equal files are equal values, so changes are found by
/// comparing them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) enum ServedFile {
    /// The bytes, LZ4-compressed (HTML shrinks about 4x; a 10,000-page site
    /// would otherwise hold hundreds of MB). Equal bytes compress to equal
    /// bytes.
    Packed(Arc<[u8]>),
    /// A file of the picture cache (a share card, a picture's variant), read
    /// when asked for: it is named by its content's hash and never changes,
    /// and 10,000 share cards held in memory took about 460 MB.
    Cached(Arc<Path>),
}

impl BuiltSite {
    /// The file's bytes, decompressed (or read from the picture cache).
    pub(super) fn read(&self, key: &str) -> Option<Vec<u8>> {
        match self.files.get(key)? {
            ServedFile::Packed(packed) => lz4_flex::decompress_size_prepended(packed).ok(),
            ServedFile::Cached(path) => std::fs::read(path).ok(),
        }
    }
}

pub(super) fn pack(bytes: &[u8]) -> ServedFile {
    ServedFile::Packed(Arc::from(lz4_flex::compress_prepend_size(bytes)))
}

/// Files ready to serve, read or unpacked outside any lock: bytes, or for a
/// file copied from disk that the change did not touch, where to read it if
/// the served site lacks it.
pub(super) struct Update(Vec<(String, Ready)>);

/// The bytes to serve, or (for an untouched copied file) where to read them.
type Ready = Result<ServedFile, PathBuf>;

/// Also returns the files that could not be read (reported as errors; the
/// rest of the update still applies, so what is served matches what was rendered).
pub(super) fn prepare(
    root: &Path,
    files: Vec<crate::render::OutputFile>,
    changes: &Changes,
) -> (Update, Vec<Diagnostic>) {
    let mut out = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    // A static file's output may now come from elsewhere (the site's copy
    // deleted, the theme's shows through): re-read every file of a changed name.
    let static_names = changed_static_names(root, changes);
    for f in files {
        let path = f.path.as_str().to_string();
        let packed: Result<ServedFile, Diagnostic> = match f.content {
            OutputContent::Bytes(b) => Ok(pack(&b)),
            // Rendered pages come compressed already, in the same format.
            OutputContent::Packed(p) => Ok(ServedFile::Packed(Arc::from(p))),
            OutputContent::Copy(FileSource::Embedded(b)) => Ok(pack(b)),
            OutputContent::Cached(p) => Ok(ServedFile::Cached(Arc::from(p.as_path()))),
            OutputContent::Copy(FileSource::Disk(p))
                if !changes.covers(&p) && !static_names.contains(path.as_str()) =>
            {
                out.push((path, Err(p)));
                continue;
            }
            OutputContent::Copy(FileSource::Disk(p)) => {
                std::fs::read(&p).map(|b| pack(&b)).map_err(|e| {
                    Diagnostic::file_error(
                        crate::load::display_path(root, &p),
                        format!("cannot read: {e}"),
                    )
                })
            }
        };
        match packed {
            Ok(b) => out.push((path, Ok(b))),
            Err(d) => errors.push(d),
        }
    }
    (Update(out), errors)
}

/// The names (`css/site.css`) of changed files under static/ or a theme's static/.
fn changed_static_names(root: &Path, changes: &Changes) -> std::collections::HashSet<String> {
    let Changes::Paths(paths) = changes else {
        return Default::default();
    };
    let themes = root.join("themes");
    paths
        .iter()
        .filter_map(|p| {
            let rel = match p.strip_prefix(root.join("static")) {
                Ok(rel) => rel,
                // themes/<name>/static/...
                Err(_) => {
                    let in_theme = p.strip_prefix(&themes).ok()?;
                    let mut parts = in_theme.components();
                    parts.next()?;
                    (parts.next()?.as_os_str() == "static").then_some(())?;
                    parts.as_path()
                }
            };
            Some(crate::load::display_path(Path::new(""), rel))
        })
        .collect()
}

/// Swaps `update` into the served site; with `all_paths`, also drops files
/// the site no longer has (keeping the search index if `keep_index`).
/// Returns the paths whose bytes changed.
pub(super) fn apply(
    shared: &Shared,
    update: Update,
    all_paths: Option<&[crate::graph::OutputPath]>,
    keep_index: bool,
) -> Vec<String> {
    let Ok(mut site) = shared.site.write() else {
        return Vec::new();
    };
    // Changed in place, unless a request still holds the site (then a copy).
    let files = &mut Arc::make_mut(&mut site).files;
    let mut changed = Vec::new();
    for (path, bytes) in update.0 {
        let bytes = match bytes {
            Ok(b) => b,
            Err(_) if files.contains_key(&path) => continue,
            // A copied file the served site lacks (say, one added while the
            // site was broken): read it now.
            Err(p) => match std::fs::read(&p) {
                Ok(b) => pack(&b),
                Err(_) => continue,
            },
        };
        if files.get(&path) != Some(&bytes) {
            changed.push(format!("/{path}"));
            files.insert(path, bytes);
        }
    }
    if let Some(all) = all_paths {
        let live: std::collections::HashSet<&str> = all.iter().map(|p| p.as_str()).collect();
        files.retain(|path, _| {
            let keep = live.contains(path.as_str()) || (keep_index && path.starts_with(INDEX_DIR));
            if !keep {
                changed.push(format!("/{path}"));
            }
            keep
        });
    }
    changed.sort();
    changed
}

/// Paths (`/articles/x/index.html`) whose bytes differ between two builds,
/// or that exist in only one, sorted.
pub(super) fn changed_paths(old: &BuiltSite, new: &BuiltSite) -> Vec<String> {
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|(path, bytes)| old.files.get(*path) != Some(*bytes))
        .map(|(path, _)| format!("/{path}"))
        .collect();
    changed.extend(
        old.files
            .keys()
            .filter(|p| !new.files.contains_key(*p))
            .map(|p| format!("/{p}")),
    );
    changed.sort();
    changed
}
