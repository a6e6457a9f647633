//! Site search with Pagefind: the text the markdown stage extracted, with each
//! article's level, attitudes and practices as filters, goes into Pagefind's
//! index in memory, on its own thread while the pages render; its files (index
//! chunks, the search UI) then go to the output stage like any other file.

use std::collections::BTreeMap;
use std::thread::JoinHandle;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostic::Diagnostic;
use crate::graph::OutputPath;
use crate::render::{OutputContent, OutputFile};

/// Words of body text the markdown stage keeps for the index (0: none).
pub fn words_to_collect(config: &crate::config::SearchConfig) -> usize {
    match (config.enabled, config.index) {
        (false, _) => 0,
        (true, crate::config::SearchIndex::Full) => usize::MAX,
        (true, crate::config::SearchIndex::Summary) => 60,
    }
}

/// One page for the index.
pub struct SearchRecord {
    /// The page's URL with the base path.
    pub url: String,
    pub title: String,
    pub text: String,
    /// Shown with each result: "Reciprocal · Openness · Follow-up".
    pub tags: String,
    /// `level`, `attitude`, `practice` → names.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The pages to index and the site's language: what `huddle serve` hands to
/// its background indexer after each rebuild.
pub struct SearchBatch {
    /// Makes the records (on the indexer's thread: it copies every page's text).
    pub records: Box<dyn FnOnce() -> Vec<SearchRecord> + Send>,
    pub language: String,
    /// How many bundles the index is split into (`SearchConfig::bundles`).
    pub bundles: usize,
}

/// An index being built on its own thread.
pub struct PendingIndex(JoinHandle<Result<Vec<OutputFile>, String>>);

/// Starts indexing `records` in the background, as `bundles` bundles of
/// consecutive records (made at once, each on its own thread: Pagefind takes
/// one index's records one at a time).
pub fn start_index(records: Vec<SearchRecord>, language: String, bundles: usize) -> PendingIndex {
    PendingIndex(std::thread::spawn(move || {
        let per_bundle = records.len().div_ceil(bundles.max(1)).max(1);
        let mut parts: Vec<Vec<SearchRecord>> = Vec::new();
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            parts.push(records.by_ref().take(per_bundle).collect());
        }
        if parts.is_empty() {
            parts.push(Vec::new());
        }
        std::thread::scope(|scope| {
            let language = &language;
            let made: Vec<_> = parts
                .into_iter()
                .enumerate()
                .map(|(k, part)| {
                    scope.spawn(move || {
                        index_bundle(part, language, &crate::paths::search_bundle_dir(k))
                    })
                })
                .collect();
            let mut files = Vec::new();
            for bundle in made {
                let bundle = bundle
                    .join()
                    .unwrap_or_else(|_| Err("an indexing thread stopped unexpectedly".into()))?;
                files.extend(bundle);
            }
            Ok(files)
        })
    }))
}

/// One Pagefind bundle of `records`, its files under `dir`.
fn index_bundle(
    records: Vec<SearchRecord>,
    language: &str,
    dir: &str,
) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        let mut timer = crate::StageTimer::from_env();
        for r in records {
            let meta =
                BTreeMap::from([("title".to_string(), r.title), ("tags".to_string(), r.tags)]);
            index
                .add_custom_record(
                    r.url,
                    r.text,
                    language.to_string(),
                    Some(meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
        }
        timer.mark(&format!("{dir} records in"));
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        timer.mark(&format!("{dir} files"));
        Ok(files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                let name = name
                    .trim_start_matches('/')
                    .trim_start_matches("pagefind/")
                    .to_string();
                OutputFile {
                    path: OutputPath::new(format!("{dir}{name}")),
                    content: OutputContent::Bytes(f.contents),
                }
            })
            .collect())
    })
}

impl PendingIndex {
    /// Waits for the index and returns its files.
    pub fn finish(self) -> Result<Vec<OutputFile>, Diagnostic> {
        let failed = |why: String| {
            Diagnostic::tool_error("search indexer", format!("Pagefind could not build the search index: {why}"))
                .with_help("set enabled = false under [search] in site.toml to build without search, and report this")
        };
        match self.0.join() {
            Ok(result) => result.map_err(failed),
            Err(_) => Err(failed("the indexing thread stopped unexpectedly".into())),
        }
    }
}

/// The index's records: every page that is not a list, with its text (taken
/// from the page when no one else holds it) and its tags as filters.
pub(crate) fn search_records(
    pages: &mut [crate::graph::Page],
    config: &crate::config::Config,
    vocab: &crate::vocab::Vocabulary,
) -> Vec<SearchRecord> {
    pages
        .iter_mut()
        .filter(|p| p.kind == crate::graph::PageKind::Page)
        .map(|p| {
            let meta = &p.source.meta;
            let level: Vec<String> = meta
                .tags
                .level
                .map(|l| vocab.levels[l.0].name.clone())
                .into_iter()
                .collect();
            let attitudes: Vec<String> = meta
                .tags
                .attitudes
                .iter()
                .map(|t| vocab.attitudes[t.0].name.clone())
                .collect();
            let practices: Vec<String> = meta
                .tags
                .practices
                .iter()
                .map(|t| vocab.practices[t.0].name.clone())
                .collect();
            let tags: Vec<&str> = level
                .iter()
                .chain(&attitudes)
                .chain(&practices)
                .map(String::as_str)
                .collect();
            let headings: Vec<&str> = p.body.toc.iter().map(|h| h.title.as_str()).collect();
            let text = format!(
                "{} {} {} {}",
                meta.description,
                headings.join(" "),
                tags.join(" "),
                // A build's pages are theirs alone: take the text. Serve's are shared.
                match std::sync::Arc::get_mut(&mut p.body) {
                    Some(body) => std::mem::take(&mut body.text),
                    None => p.body.text.clone(),
                }
            );
            let tags = tags.join(" · ");
            let mut filters = std::collections::BTreeMap::new();
            for (name, values) in [
                ("level", level),
                ("attitude", attitudes),
                ("practice", practices),
            ] {
                if !values.is_empty() {
                    filters.insert(name.to_string(), values);
                }
            }
            SearchRecord {
                url: format!("{}{}", config.base_path, crate::graph::encode_path(&p.path)),
                title: meta.title.clone(),
                text,
                tags,
                filters,
            }
        })
        .collect()
}

/// What the last build's search index was made from, and the files it wrote
/// (`.huddle/search/<output folder's hash>.json`): a build whose records are
/// the same as then keeps those files instead of indexing again.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct IndexManifest {
    /// A digest of every record, the language and the huddle binary.
    pub records: u64,
    /// Each index file's path in the output folder and its size.
    pub files: Vec<(String, u64)>,
}

/// A digest of what the index is made from: every record in order, the
/// language, and the running program (a new huddle, or a new Pagefind in
/// it, indexes again).
pub fn records_digest(records: &[SearchRecord], language: &str, bundles: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = twox_hash::XxHash3_64::default();
    (language, bundles).hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(meta) = std::env::current_exe().ok().and_then(|e| e.metadata().ok()) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    for r in records {
        (&r.url, &r.title, &r.text, &r.tags, &r.filters).hash(&mut h);
    }
    h.finish()
}

/// Where the manifest of the index written into `out` is kept.
fn manifest_path(root: &std::path::Path, out: &std::path::Path) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = twox_hash::XxHash3_64::default();
    out.hash(&mut h);
    root.join(".huddle")
        .join("search")
        .join(format!("{:016x}.json", h.finish()))
}

/// The index files in `out` when the last build there indexed these very
/// records and its files are still as it wrote them (there, the same size,
/// not changed since): they are kept as they are.
pub fn kept_index(
    root: &std::path::Path,
    out: &std::path::Path,
    records: u64,
) -> Option<Vec<OutputFile>> {
    let path = manifest_path(root, out);
    let written = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let manifest: IndexManifest = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    if manifest.records != records || manifest.files.is_empty() {
        return None;
    }
    manifest
        .files
        .iter()
        .map(|(name, size)| {
            let file = out.join(name);
            let meta = std::fs::symlink_metadata(&file).ok()?;
            let untouched = meta.modified().is_ok_and(|m| m <= written);
            (meta.is_file() && meta.len() == *size && untouched).then(|| OutputFile {
                path: OutputPath::new(name.clone()),
                content: OutputContent::Cached(file),
            })
        })
        .collect()
}

/// Records the index just written into `out` (best effort: it is a cache).
pub fn save_manifest(root: &std::path::Path, out: &std::path::Path, manifest: &IndexManifest) {
    let path = manifest_path(root, out);
    let Ok(json) = serde_json::to_vec(manifest) else {
        return;
    };
    let tmp = path.with_extension("json.tmp");
    let saved = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&tmp, json))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if saved.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Forgets the index of `out` (before a build writes a new one there).
pub fn forget_manifest(root: &std::path::Path, out: &std::path::Path) {
    let _ = std::fs::remove_file(manifest_path(root, out));
}
