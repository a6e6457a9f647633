//! Each image file's content hash and probe, kept between builds in
//! `.huddle/cache/images/sources.json` by the file's size and modification
//! time (as make and cargo judge files), so a warm build neither reads nor
//! hashes an unchanged photo. serve keeps one in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::probe::{Fault, Format, Probe, cut_off, jpeg_complete, probe_bytes, probe_file};
use super::{ImageFile, hash_of};
use crate::paths::FileSource;

/// What is known of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Known {
    len: u64,
    modified: u128,
    hash: u64,
    format: String,
    width: u32,
    height: u32,
    orientation: u8,
    alpha: bool,
}

/// Files' hashes and probes by path.
#[derive(Debug, Default)]
pub struct SourceIndex {
    known: Mutex<HashMap<PathBuf, Known>>,
    changed: Mutex<bool>,
}

const FILE: &str = "sources.json";

impl SourceIndex {
    /// The index kept in `dir` (empty if there is none or it cannot be read:
    /// it is only a cache).
    pub fn load(dir: &Path) -> Self {
        let known = std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<HashMap<PathBuf, Known>>(&b).ok())
            .unwrap_or_default();
        SourceIndex {
            known: Mutex::new(known),
            changed: Mutex::new(false),
        }
    }

    /// Writes the index into `dir` if it changed (temp file + rename).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        if !self.changed.lock().map(|c| *c).unwrap_or(false) {
            return Ok(());
        }
        let known = self.known.lock().map(|k| k.clone()).unwrap_or_default();
        let bytes = serde_json::to_vec(&known).map_err(std::io::Error::other)?;
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{FILE}.tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, dir.join(FILE))?;
        if let Ok(mut c) = self.changed.lock() {
            *c = false;
        }
        Ok(())
    }

    /// `file`'s content hash, size in bytes and probe.
    pub(super) fn probe(&self, file: &ImageFile) -> Result<(u64, u64, Probe), Fault> {
        let claimed = Path::new(&file.shown)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        let path = match &file.source {
            FileSource::Embedded(bytes) => {
                let probe = probe_bytes(bytes, &file.shown, claimed)?;
                if probe.format == Format::Jpeg && !jpeg_complete(bytes) {
                    return Err(cut_off(&file.shown));
                }
                return Ok((hash_of(bytes), bytes.len() as u64, probe));
            }
            FileSource::Disk(path) => path,
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            Fault::new(
                format!("cannot read {}: {e}", file.shown),
                "check that the file exists and can be read",
            )
        })?;
        let len = meta.len();
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if let Some(k) = self.known.lock().ok().and_then(|m| m.get(path).cloned())
            && k.len == len
            && k.modified == modified
            && let Some(format) = Format::from_extension(&k.format)
        {
            let probe = Probe {
                format,
                width: k.width,
                height: k.height,
                orientation: k.orientation,
                alpha: k.alpha,
            };
            return Ok((k.hash, len, probe));
        }
        let probe = probe_file(path, &file.shown)?;
        let bytes = std::fs::read(path).map_err(|e| {
            Fault::new(
                format!("cannot read {}: {e}", file.shown),
                "check that the file can be read",
            )
        })?;
        let hash = hash_of(&bytes.as_slice());
        let known = Known {
            len,
            modified,
            hash,
            format: probe.format.extension().to_string(),
            width: probe.width,
            height: probe.height,
            orientation: probe.orientation,
            alpha: probe.alpha,
        };
        if let Ok(mut m) = self.known.lock() {
            m.insert(path.clone(), known);
        }
        if let Ok(mut c) = self.changed.lock() {
            *c = true;
        }
        Ok((hash, len, probe))
    }
}
