//! The only stage that writes: puts the rendered files into the output folder.
//! It runs only after the whole site rendered without errors, writes each file
//! whose bytes changed (to a temporary name, then renamed over the old one),
//! skips unchanged ones, and deletes files of pages that no longer exist. It
//! refuses to touch a non-empty folder that huddle did not create.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::load::FileSource;
use crate::render::{OutputContent, OutputFile};

/// The file that marks a folder as huddle's output, safe to overwrite.
pub const MARKER: &str = ".huddle-output";
const TEMP_SUFFIX: &str = ".huddle-tmp";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Checks that `out` may be written: missing, empty, or marked as huddle's.
pub fn check_output_folder(out: &Path, shown: &str) -> Result<(), Diagnostic> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(
            Diagnostic::file_error(shown, "the output path exists and is not a folder")
                .with_help("choose another --output, or move that file away"),
        );
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(out)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        Ok(())
    } else {
        Err(Diagnostic::file_error(shown, "refusing to write into this folder: it is not empty and huddle did not create it")
            .with_help("choose an empty or new folder with --output, or empty this one yourself if it is safe to"))
    }
}

/// Writes `files` into `out` (see the module comment). `shown` names `out` in errors.
pub fn write_output(
    out: &Path,
    shown: &str,
    files: &[OutputFile],
) -> Result<WriteReport, Vec<Diagnostic>> {
    check_output_folder(out, shown).map_err(|d| vec![d])?;
    let io_err = |path: &Path, e: std::io::Error| {
        Diagnostic::file_error(
            path.display().to_string(),
            format!("cannot write the output: {e}"),
        )
        .with_help("check that the disk is not full and that you may write to the output folder")
    };
    fs::create_dir_all(out).map_err(|e| vec![io_err(out, e)])?;
    fs::write(
        out.join(MARKER),
        "This folder is written by huddle; files here are replaced on every build.\n",
    )
    .map_err(|e| vec![io_err(out, e)])?;

    let existing = existing_files(out);
    // Sets of paths by their bytes: hashing a `Path` walks its components.
    let there: HashSet<&OsStr> = existing.iter().map(|p| p.as_os_str()).collect();
    let results: Vec<Result<bool, Diagnostic>> = files
        .par_iter()
        .map(|f| {
            let path = out.join(f.path.as_str());
            match &f.content {
                OutputContent::Cached(_) if there.contains(path.as_os_str()) => Ok(false),
                content => write_if_changed(&path, content).map_err(|e| io_err(&path, e)),
            }
        })
        .collect();
    let mut report = WriteReport::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(true) => report.written += 1,
            Ok(false) => report.unchanged += 1,
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let keep: HashSet<std::ffi::OsString> = files
        .iter()
        .map(|f| out.join(f.path.as_str()).into_os_string())
        .collect();
    for old in existing {
        if !keep.contains(old.as_os_str())
            && !old.ends_with(MARKER)
            && fs::remove_file(&old).is_ok()
        {
            report.removed += 1;
        }
    }
    if report.removed > 0 {
        remove_empty_dirs(out);
    }
    Ok(report)
}

fn existing_files(out: &Path) -> Vec<PathBuf> {
    WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() || e.file_type().is_symlink())
        .map(|e| e.into_path())
        .collect()
}

fn remove_empty_dirs(out: &Path) {
    let dirs: Vec<PathBuf> = WalkDir::new(out)
        .contents_first(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.path() != out)
        .map(|e| e.into_path())
        .collect();
    for d in dirs {
        let _ = fs::remove_dir(d); // fails, as intended, when not empty
    }
}

/// Makes the folder of `path`, replacing a file of an old output that stands
/// where the folder must go.
fn ensure_parent(path: &Path) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    match fs::create_dir_all(parent) {
        Ok(()) => Ok(()),
        Err(_) if parent.is_file() => {
            fs::remove_file(parent)?;
            fs::create_dir_all(parent)
        }
        Err(e) => Err(e),
    }
}

/// Whether `dest` is a copy of `src` made after `src` last changed: the same
/// size and a newer modification time (as rsync and make judge files), so a
/// build does not read every photo and share card twice to find them equal.
fn copied_already(src: &Path, dest: &Path) -> bool {
    let (Ok(s), Ok(d)) = (fs::metadata(src), fs::symlink_metadata(dest)) else {
        return false;
    };
    let newer = matches!((s.modified(), d.modified()), (Ok(sm), Ok(dm)) if dm >= sm);
    d.is_file() && s.len() == d.len() && newer
}

/// Returns whether the file was written (false: its bytes were already there).
fn write_if_changed(path: &Path, content: &OutputContent) -> std::io::Result<bool> {
    if let OutputContent::Copy(FileSource::Disk(src)) = content
        && copied_already(src, path)
    {
        return Ok(false);
    }
    if let OutputContent::Cached(src) = content {
        // Not there (see `write_output`): copied whole under a temporary
        // name and renamed, so a file at its name is always complete.
        ensure_parent(path)?;
        if path.is_dir() {
            fs::remove_dir_all(path)?;
        }
        return replace_with(path, |tmp| fs::copy(src, tmp).map(|_| ()));
    }
    let owned;
    let bytes: &[u8] = match content {
        OutputContent::Bytes(b) => b,
        OutputContent::Packed(_) => {
            owned = content.unpack()?;
            &owned
        }
        OutputContent::Copy(FileSource::Embedded(b)) => b,
        OutputContent::Copy(FileSource::Disk(src)) | OutputContent::Cached(src) => {
            owned = fs::read(src)?;
            &owned
        }
    };
    match fs::symlink_metadata(path) {
        Ok(meta) => {
            if meta.is_file()
                && meta.len() == bytes.len() as u64
                && fs::read(path).is_ok_and(|old| old == bytes)
            {
                if matches!(content, OutputContent::Copy(FileSource::Disk(_))) {
                    // The same bytes, but older than their source (a cache
                    // restored or copied): dated now, so the next build
                    // sees it is a copy without reading both again.
                    let _ = fs::File::options()
                        .append(true)
                        .open(path)
                        .and_then(|f| f.set_modified(std::time::SystemTime::now()));
                }
                return Ok(false);
            }
            if meta.is_dir() {
                fs::remove_dir_all(path)?;
            }
        }
        Err(_) => {
            // Nothing to replace, so no reader can see a half-written old file:
            // write in place (one file creation instead of create + rename).
            // Its folder is made here, just before its file: creating each
            // folder and then its file is much cheaper on ext4 than all
            // folders first.
            ensure_parent(path)?;
            let result = fs::File::create_new(path).and_then(|mut f| f.write_all(bytes));
            if result.is_err() {
                let _ = fs::remove_file(path);
            }
            return result.map(|_| true);
        }
    }
    replace_with(path, |tmp| fs::File::create(tmp)?.write_all(bytes))
}

/// Writes `path` by `write`-ing a temporary file beside it, then renaming
/// it over `path`: a reader (or the next build) never sees half a file.
fn replace_with(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<bool> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(TEMP_SUFFIX);
    let tmp = PathBuf::from(tmp_name);
    let result = write(&tmp).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|_| true)
}
