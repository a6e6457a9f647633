//! One rebuild under serve: the session rebuilds, the new files are swapped
//! into the served site (the edited pages first), open pages are told what
//! changed, and a status line says what happened. On errors the last good
//! site stays served and the errors go to the terminal and the overlay.

use super::*;
use served::{apply, prepare};

/// "content/articles/foo.md" or "3 files".
pub(super) fn describe(root: &Path, paths: &[PathBuf]) -> String {
    match paths {
        [one] => crate::load::display_path(root, one),
        many => format!("{} files", many.len()),
    }
}

/// Rebuilds after `changes`; on success swaps the new files in and announces
/// what changed (the edited pages first, as soon as they are rendered, then
/// the pages that list or link to them), on failure keeps the last good site
/// and announces the errors. Returns false when a newer save interrupted it:
/// then rebuild again at once with these changes and the newer ones.
pub(super) fn rebuild(
    shared: &Shared,
    session: &mut Session,
    changes: &Changes,
    what: &str,
    started: Instant,
) -> bool {
    let root = session.options().root.clone();
    let mut first: Option<(Vec<String>, u128)> = None;
    let mut on_first = |files: Vec<crate::render::OutputFile>| {
        // Rendered pages only: nothing to read, nothing to fail.
        let (update, _) = prepare(&root, files, changes);
        let changed = apply(shared, update, None, false);
        announce(shared, &changed, true);
        // The express lane and then the rebuild's first phase may both come.
        match &mut first {
            None => first = Some((changed, started.elapsed().as_millis())),
            Some((earlier, _)) => earlier.extend(changed),
        }
    };
    let rebuilt = match session.rebuild(changes, &mut on_first) {
        Err(RebuildError::Interrupted) => {
            let served = first.as_ref().map_or(String::new(), |(_, ms)| {
                format!(" (edited page served in {ms} ms)")
            });
            say!("{what}: a newer save came{served}; rebuilding with both");
            return false;
        }
        Err(RebuildError::Problems(problems)) => Err(problems),
        Ok(site) => Ok(site),
    };
    let search = session.take_search();
    let result = rebuilt.and_then(|site| {
        // Warnings once, at start; every rebuild would repeat them.
        if what == "start" {
            for w in &site.warnings {
                tell!("{}\n", w.render(false));
            }
        }
        let (update, unreadable) = prepare(&root, site.files, changes);
        shared
            .search_on
            .store(search.is_some(), std::sync::atomic::Ordering::SeqCst);
        let changed = apply(shared, update, Some(&site.all_paths), search.is_some());
        if unreadable.is_empty() {
            Ok((changed, site.rendered, search))
        } else {
            Err(unreadable)
        }
    });
    let elapsed = started.elapsed().as_millis();
    match result {
        Ok((changed, rendered, search)) => {
            // The first phase's pages were swapped in (and announced) already.
            let edited = first.as_ref().map_or(&[][..], |(e, _)| e.as_slice());
            let pages_changed = changed
                .iter()
                .chain(edited)
                .filter(|p| p.ends_with(".html"))
                .count();
            let first_note = first.as_ref().map_or(String::new(), |(_, ms)| {
                format!(
                    " (edited page{} served in {ms} ms)",
                    if edited.len() == 1 { "" } else { "s" }
                )
            });
            say!(
                "{what}: rebuilt in {elapsed} ms{first_note}, {rendered} file{} rendered, {pages_changed} page{} changed",
                if rendered == 1 { "" } else { "s" },
                if pages_changed == 1 { "" } else { "s" }
            );
            announce(shared, &changed, first.is_none());
            let _ = shared.events.send(ServerEvent::Built {
                milliseconds: elapsed,
                rendered,
            });
            if let Some(batch) = search
                && let Ok(indexer) = shared.indexer.lock()
            {
                let _ = indexer.send(batch);
            }
        }
        Err(problems) => report_errors(shared, &problems, what, elapsed),
    }
    true
}

/// Prints the errors, keeps them for pages opened later, and shows them in
/// the open pages' overlay.
fn report_errors(shared: &Shared, problems: &[Diagnostic], what: &str, elapsed: u128) {
    for d in problems {
        tell!("{}\n", d.render(false));
    }
    let errors: Vec<ErrorView> = problems
        .iter()
        .filter(|d| d.is_error())
        .map(ErrorView::from)
        .collect();
    let nothing_built = shared.nothing_built();
    say!(
        "{what}: {} error{} after {elapsed} ms; {}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        if nothing_built {
            "nothing has built yet: fix them and save, and the site is served"
        } else {
            "still serving the last good build"
        }
    );
    if let Ok(mut e) = shared.errors.write() {
        e.clone_from(&errors);
    }
    let _ = shared.events.send(ServerEvent::Errors {
        errors,
        nothing_built,
    });
}

/// Tells open pages what changed: a `reload` event (also after a broken build
/// is fixed, so the overlay goes), with `css_only` when only stylesheets changed.
fn announce(shared: &Shared, changed: &[String], may_clear_errors: bool) {
    let had_errors = may_clear_errors
        && shared
            .errors
            .write()
            .map(|mut e| !std::mem::take(&mut *e).is_empty())
            .unwrap_or(false);
    if changed.is_empty() && !had_errors {
        return;
    }
    let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
    let _ = shared.events.send(ServerEvent::Reload {
        paths: changed.to_vec(),
        css_only: css_only && !had_errors,
    });
}
