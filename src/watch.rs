//! Watches a site's sources for `huddle serve --watch` (notify + the full
//! debouncer) and turns file-system events into batches of changed paths that
//! matter: content, templates, themes, static files and site.toml. Editor temp
//! files, access events and the output folder are ignored. It does not rebuild;
//! `serve` decides what to do with a batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::load::is_ignored_name;

/// Short on purpose: the debouncer adds this to every save's latency.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// Watches `root`'s source folders; `changes()` yields coalesced batches.
pub struct SiteWatcher {
    root: PathBuf,
    ignored: Vec<PathBuf>,
    events: Receiver<DebounceEventResult>,
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl SiteWatcher {
    /// `ignored`: folders under the root whose changes never trigger a rebuild
    /// (the output folder, `.huddle/`).
    pub fn new(root: &Path, ignored: Vec<PathBuf>) -> notify::Result<SiteWatcher> {
        let (tx, rx) = channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        // Watch the root itself (non-recursively) for site.toml and for source
        // folders created later, and each source folder recursively.
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        for dir in ["content", "templates", "themes", "static"] {
            let path = root.join(dir);
            if path.is_dir() {
                debouncer.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(SiteWatcher {
            root: root.to_path_buf(),
            ignored,
            events: rx,
            _debouncer: debouncer,
        })
    }

    /// Blocks until relevant files changed, then returns all of them, with
    /// whatever else is already pending (the debouncer does not merge bursts
    /// of saves): a rebuild starts at once, and anything that arrives while
    /// it runs makes the next batch. Returns None when the watcher has stopped.
    pub fn next_batch(&self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let mut paths = self.relevant(first);
            loop {
                match self.events.try_recv() {
                    Ok(more) => paths.extend(self.relevant(more)),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return None,
                }
            }
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                return Some(paths);
            }
        }
    }

    fn relevant(&self, result: DebounceEventResult) -> Vec<PathBuf> {
        let Ok(events) = result else {
            // A watcher error (e.g. too many files): rebuild to be safe.
            return vec![self.root.join("site.toml")];
        };
        events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths.clone())
            .filter(|p| self.is_source(p))
            .collect()
    }

    fn is_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        if self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        let mut parts = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let Some(first) = parts.next() else {
            return false;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_ignored_name(&name) || name.ends_with(".huddle-tmp") {
            return false;
        }
        matches!(
            first.as_str(),
            "site.toml" | "content" | "templates" | "themes" | "static"
        )
    }
}
