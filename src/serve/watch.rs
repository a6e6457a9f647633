//! Watches a site's sources for `huddle serve --watch` (notify + the full
//! debouncer) and turns file-system events into batches of changed paths that
//! matter: content, templates, themes, static files and site.toml. Editor temp
//! files, access events and the output folder are ignored. It does not rebuild;
//! `serve` decides what to do with a batch.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
    debouncer: Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>,
    /// The source folders watched (recursively) so far.
    watched: Mutex<HashSet<PathBuf>>,
}

/// The folders under the root whose files make the site.
const SOURCE_DIRS: [&str; 4] = ["content", "templates", "themes", "static"];

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
        let watcher = SiteWatcher {
            root: root.to_path_buf(),
            ignored,
            events: rx,
            debouncer: Mutex::new(debouncer),
            watched: Mutex::new(HashSet::new()),
        };
        for dir in SOURCE_DIRS {
            watcher.watch_source_dir(&root.join(dir))?;
        }
        Ok(watcher)
    }

    /// Starts watching a source folder (recursively) if it exists and is not
    /// watched yet: at start, and when one is created (or renamed into place)
    /// while serving.
    fn watch_source_dir(&self, path: &Path) -> notify::Result<()> {
        let (Ok(mut watched), Ok(mut debouncer)) = (self.watched.lock(), self.debouncer.lock())
        else {
            return Ok(());
        };
        if !path.is_dir() {
            // Gone (deleted or renamed away): watch it again if it comes back.
            if watched.remove(path) {
                let _ = debouncer.unwatch(path);
            }
            return Ok(());
        }
        if watched.insert(path.to_path_buf()) {
            debouncer.watch(path, RecursiveMode::Recursive)?;
        }
        Ok(())
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
        // Events were lost (the OS queue overflowed): rebuild everything.
        if events.iter().any(|e| e.event.need_rescan()) {
            return vec![self.root.join("site.toml")];
        }
        let paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths.clone())
            .filter(|p| self.is_source(p))
            .collect();
        // A source folder created (or removed) at the root: (un)watch it
        // before the rebuild reads it, so no later change inside is missed.
        for p in &paths {
            if p.parent() == Some(self.root.as_path())
                && SOURCE_DIRS.iter().any(|d| p.ends_with(d))
                && let Err(e) = self.watch_source_dir(p)
            {
                let _ = writeln!(
                    std::io::stderr(),
                    "cannot watch {}: {e}; restart huddle serve to see its changes",
                    p.display()
                );
            }
        }
        paths
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
