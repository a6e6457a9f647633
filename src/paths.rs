//! The paths of the site's output, each its own type so one can never stand
//! for another: a file's place in the output folder (`OutputPath`), a page's
//! URL path (`UrlPath`), and a file to write (`OutputFile`) with where its
//! bytes come from. A leaf: it imports nothing of huddle's.

use std::path::PathBuf;

use serde::Serialize;

/// A path inside the output folder, relative, with `/` separators and no `..`:
/// `articles/foo/index.html`. Only `graph` and `render` make them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutputPath(String);

impl OutputPath {
    /// `segments` must already be safe folder names (slugs); see `slug_segment`.
    pub fn new(path: String) -> Self {
        debug_assert!(
            !path.split('/').any(|s| s == ".." || s == "."),
            "unsafe output path {path}"
        );
        OutputPath(path)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A page's URL path inside the site, without the base path, with `/`
/// separators and a trailing `/`: `articles/foo/` (empty for the home page).
/// Not an output path: `articles/foo/` is written as `articles/foo/index.html`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UrlPath(String);

impl UrlPath {
    pub fn new(path: String) -> Self {
        UrlPath(path)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file a page at this URL is written to.
    pub fn index_file(&self) -> OutputPath {
        OutputPath::new(format!("{}index.html", self.0))
    }
}

impl std::ops::Deref for UrlPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UrlPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a theme or static file's bytes come from.
#[derive(Debug, Clone)]
pub enum FileSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

/// What to put at a path in the output folder.
#[derive(Debug, Clone)]
pub enum OutputContent {
    Bytes(Vec<u8>),
    /// A rendered page, LZ4-compressed while it waits for the writer: the whole
    /// site is held until every page rendered, and HTML shrinks about 4x.
    Packed(Vec<u8>),
    Copy(FileSource),
    /// A copy of a file of the picture cache (a variant or a share card).
    /// Such a file never changes, and its output name carries a hash of its
    /// content: a file at that name in the output is already this one.
    Cached(PathBuf),
}

impl OutputContent {
    /// The bytes of a `Packed` file (or a copy of `Bytes`).
    pub fn unpack(&self) -> std::io::Result<Vec<u8>> {
        match self {
            OutputContent::Bytes(b) => Ok(b.clone()),
            OutputContent::Packed(p) => {
                lz4_flex::decompress_size_prepended(p).map_err(std::io::Error::other)
            }
            OutputContent::Copy(FileSource::Embedded(b)) => Ok(b.to_vec()),
            OutputContent::Copy(FileSource::Disk(p)) | OutputContent::Cached(p) => std::fs::read(p),
        }
    }

    /// How many bytes the file has once written (a packed file's, unpacked;
    /// a copy's, as its source is now; 0 if that cannot be read).
    pub fn written_size(&self) -> u64 {
        match self {
            OutputContent::Bytes(b) => b.len() as u64,
            OutputContent::Packed(p) => p
                .get(..4)
                .map_or(0, |n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as u64),
            OutputContent::Copy(FileSource::Embedded(b)) => b.len() as u64,
            OutputContent::Copy(FileSource::Disk(p)) | OutputContent::Cached(p) => {
                std::fs::metadata(p).map_or(0, |m| m.len())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: OutputPath,
    pub content: OutputContent,
}

/// Percent-encodes each segment of a path for use in an href.
pub fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    // `/` is not in the set: the path is encoded segment by segment.
    utf8_percent_encode(path, SEGMENT).to_string()
}

/// Where bundle `k` of the search index goes: the first at `pagefind/`, the
/// others inside it at `pagefind/part-2/` and on (the search page merges
/// them).
pub fn search_bundle_dir(k: usize) -> String {
    if k == 0 {
        "pagefind/".into()
    } else {
        format!("pagefind/part-{}/", k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn a_path_is_escaped_within_its_segments_and_keeps_its_slashes() {
        assert_eq!(
            encode_path("articles/plain/index.html"),
            "articles/plain/index.html"
        );
        assert_eq!(
            encode_path("images/my photo #2.jpg"),
            "images/my%20photo%20%232.jpg"
        );
        assert_eq!(encode_path("café/100%.png"), "caf%C3%A9/100%25.png");
    }
}
