//! serve's background search index: built after the first build and again
//! once the author stops saving, on the lowest-priority threads, and swapped
//! into the served site; no rebuild ever waits for it.

use super::served::{changed_paths, pack};
use super::*;

/// How long the author must stop saving before the search index is refreshed.
const INDEX_IDLE: Duration = Duration::from_secs(1);

/// The background indexer: indexes the first build's pages at once, later
/// ones when the author has stopped saving for `INDEX_IDLE`, and swaps the new
/// index's files into the served site. Runs at the lowest priority.
pub(super) fn index_in_background(shared: &Shared, queue: &Receiver<SearchBatch>) {
    lower_this_thread_priority();
    let mut first = true;
    while let Ok(mut batch) = queue.recv() {
        // Only the newest pages matter: wait until saves stop, keep the last batch.
        if !first {
            loop {
                match queue.recv_timeout(INDEX_IDLE) {
                    Ok(newer) => batch = newer,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        first = false;
        let started = Instant::now();
        let records = (batch.records)();
        let count = records.len();
        let files =
            match crate::search::start_index(records, batch.language, batch.bundles).finish() {
                Ok(files) => files,
                Err(d) => {
                    tell!("{}\n", d.render(false));
                    continue;
                }
            };
        let mut changed = Vec::new();
        if let Ok(mut site) = shared.site.write() {
            // Checked under the lock the rebuild's swap also takes.
            if !shared.search_on.load(std::sync::atomic::Ordering::SeqCst) {
                continue;
            }
            let mut new = BuiltSite {
                files: site
                    .files
                    .iter()
                    .filter(|(path, _)| !path.starts_with(INDEX_DIR))
                    .map(|(path, file)| (path.clone(), file.clone()))
                    .collect(),
            };
            for f in files {
                if let OutputContent::Bytes(b) = f.content {
                    new.files.insert(f.path.as_str().to_string(), pack(&b));
                }
            }
            changed = changed_paths(&site, &new);
            // The search page reloads when the first index arrives (it said
            // the index was being built); later refreshes leave it alone.
            if !site.files.keys().any(|p| p.starts_with(INDEX_DIR)) {
                changed.push("/search/index.html".to_string());
            }
            *site = Arc::new(new);
        }
        say!(
            "search index: {count} page{} indexed in {} ms",
            if count == 1 { "" } else { "s" },
            started.elapsed().as_millis()
        );
        // Pagefind indexes on the global pool's threads: each has its own heap.
        rayon::broadcast(|_| return_freed_memory());
        return_freed_memory();
        if !changed.is_empty() {
            let _ = shared.events.send(ServerEvent::Reload {
                paths: changed,
                css_only: false,
            });
        }
    }
}

/// Gives the memory the index was built in back to the OS: the allocator
/// (mimalloc, the global allocator of the huddle binary) keeps freed pages
/// for reuse, which at 10,000 articles left serve holding about 1 GB more
/// than it uses between indexing runs.
pub(super) fn return_freed_memory() {
    // SAFETY: mi_collect only walks the allocator's own free lists; `force`
    // also returns unused pages (of this thread and of exited threads) to the
    // OS. It is safe to call at any time, with any global allocator.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// Lowers the calling thread's scheduling priority (Linux: nice 19 for this
/// thread alone), for background work that must not slow rebuilds.
pub(super) fn lower_this_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; with `who` = 0 on
    // Linux it changes the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}
