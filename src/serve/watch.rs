//! Watches a site's sources for `huddle serve --watch` (notify + the full
//! debouncer) and turns file-system events into batches of changed paths that
//! matter: content, templates, themes, static files and site.toml. Editor temp
//! files, access events and the output folder are ignored. It does not rebuild;
//! `serve` decides what to do with a batch.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::load::is_ignored_name;

/// Short on purpose: the debouncer adds this to every save's latency.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// Watches `root`'s source folders; `next_batch()` yields coalesced batches.
pub struct SiteWatcher {
    sources: Sources,
    /// The source paths of each debounced batch of events (never empty).
    events: Receiver<Vec<PathBuf>>,
    /// Set as soon as a relevant change arrives, cleared when a batch is
    /// taken: a rebuild that sees it set knows a newer save is waiting.
    newer_save: Arc<AtomicBool>,
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
        let sources = Sources {
            root: root.to_path_buf(),
            ignored,
        };
        let newer_save = Arc::new(AtomicBool::new(false));
        let handler = {
            let (sources, newer_save) = (sources.clone(), Arc::clone(&newer_save));
            move |result: DebounceEventResult| {
                let paths = sources.paths(result);
                if paths.is_empty() {
                    return;
                }
                // Queued first, flagged second: whoever sees the flag finds
                // the change waiting.
                let _ = tx.send(paths);
                newer_save.store(true, Ordering::SeqCst);
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler)
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        // Watch the root itself (non-recursively) for site.toml and for source
        // folders created later, and each source folder recursively.
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let watcher = SiteWatcher {
            sources,
            events: rx,
            newer_save,
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

    /// The flag a rebuild watches for a newer save (`Session::interrupt_when`).
    pub fn newer_save(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.newer_save)
    }

    /// Blocks until relevant files changed, then returns all of them, with
    /// whatever else is already pending (the debouncer does not merge bursts
    /// of saves): a rebuild starts at once, and anything that arrives while
    /// it runs makes the next batch. Returns None when the watcher has stopped.
    pub fn next_batch(&self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let paths = self.take_pending(self.relevant(first))?;
            if !paths.is_empty() {
                return Some(paths);
            }
        }
    }

    /// The relevant changes already waiting, without blocking (perhaps none).
    pub fn pending_batch(&self) -> Vec<PathBuf> {
        self.take_pending(Vec::new()).unwrap_or_default()
    }

    /// `paths` and every change waiting, sorted; clears the newer-save flag
    /// first, so a change that comes after this either is taken here or
    /// sets the flag again. None when the watcher has stopped.
    fn take_pending(&self, mut paths: Vec<PathBuf>) -> Option<Vec<PathBuf>> {
        self.newer_save.store(false, Ordering::SeqCst);
        loop {
            match self.events.try_recv() {
                Ok(more) => paths.extend(self.relevant(more)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return None,
            }
        }
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    /// A batch's paths, once any source folder it created or removed is
    /// (un)watched.
    fn relevant(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let root = &self.sources.root;
        // A source folder created (or removed) at the root: (un)watch it
        // before the rebuild reads it, so no later change inside is missed.
        for p in &paths {
            if p.parent() == Some(root.as_path())
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
}

/// Which changed paths make a rebuild: the site's sources, less the ignored
/// folders and editor leftovers.
#[derive(Clone)]
struct Sources {
    root: PathBuf,
    ignored: Vec<PathBuf>,
}

impl Sources {
    /// The source paths some events touched; site.toml (everything) after a
    /// watcher error or lost events.
    fn paths(&self, result: DebounceEventResult) -> Vec<PathBuf> {
        let Ok(events) = result else {
            // A watcher error (e.g. too many files): rebuild to be safe.
            return vec![self.root.join("site.toml")];
        };
        // Events were lost (the OS queue overflowed): rebuild everything.
        if events.iter().any(|e| e.event.need_rescan()) {
            return vec![self.root.join("site.toml")];
        }
        events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Waits up to five seconds for the flag to be `wanted`.
    fn flag_becomes(flag: &AtomicBool, wanted: bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if flag.load(Ordering::SeqCst) == wanted {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn a_save_flags_a_newer_save_until_its_batch_is_taken_and_the_cache_never_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join(".huddle/cache")).unwrap();
        let watcher = SiteWatcher::new(&root, vec![root.join(".huddle")]).unwrap();
        let flag = watcher.newer_save();

        // What serve itself writes while it rebuilds is no newer save.
        std::fs::write(root.join(".huddle/cache/picture.webp"), b"x").unwrap();
        std::fs::write(root.join("content/notes.md.swp"), b"x").unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !flag.load(Ordering::SeqCst),
            "cache and editor files flagged"
        );

        std::fs::write(root.join("content/a.md"), "# A\n").unwrap();
        assert!(flag_becomes(&flag, true), "a save sets the flag");
        let batch = watcher.next_batch().unwrap();
        assert_eq!(batch, [root.join("content/a.md")]);
        assert!(!flag.load(Ordering::SeqCst), "taking the batch clears it");
        assert!(watcher.pending_batch().is_empty());
    }
}
