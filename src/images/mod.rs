//! Pictures: every image file of the site (content/ and static/) surveyed
//! into an `ImageTable` before bodies render, so each `<img>` huddle writes
//! has its size, its resized variants and checked alt text; and the
//! variants encoded (in parallel with the render) into `.huddle/cache/`,
//! from where the output copies them.
//!
//! - `probe`: format, size and orientation from a file's first bytes.
//! - `sources`: each file's content hash, kept between builds by size and
//!   modification time, so an unchanged photo is not even read again.
//! - `encode`: decoding (with limits), resizing and encoding of variants,
//!   cached by the source's hash and the settings.
//! - `markup`: the `<picture>` / `<img>` HTML.
//!
//! A variant's name carries a hash of its source and settings
//! (`whiteboard.480w.3f9a0c12d4.webp`), so hosts may cache it for ever.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{Config, ImagesConfig};
use crate::paths::{FileSource, OutputPath};

pub mod card;
mod encode;
mod markup;
pub mod probe;
mod sources;

pub use card::{Card, CardFonts, CardSource, make_cards};
pub use encode::{CacheListing, EncodeReport, InCache, Progress, encode_variants};
pub use markup::{PictureView, picture_element};
pub use probe::{Fault, Format, Probe};
pub use sources::SourceIndex;

/// One image file of the site, before it is surveyed.
#[derive(Debug, Clone)]
pub struct ImageFile {
    /// How pages name it: its content path (`articles/trip/a.jpg`) for a file
    /// under content/, its URL path (`/images/a.jpg`) for a static file.
    pub key: String,
    /// The file as the writer knows it (`content/articles/trip/a.jpg`).
    pub shown: String,
    pub source: FileSource,
    /// Where the file itself is copied in the output.
    pub output: OutputPath,
}

/// A variant of a picture: one width in one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub output: OutputPath,
    /// The variant's cache key (source hash and settings).
    pub key: u64,
}

/// An image as pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub key: String,
    /// The original file's output path (its URL without the base path).
    pub original: OutputPath,
    pub format: Format,
    /// As shown (EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    /// Smallest first; empty when the picture is not resized.
    pub modern: Vec<Variant>,
    pub fallback: Vec<Variant>,
    /// The source's content hash: a page that shows this picture is stale
    /// when it changes.
    pub hash: u64,
    /// The original's size in bytes.
    pub bytes: u64,
    /// Its URLs as `<picture>` names them, made once (see `markup`).
    pub urls: std::sync::OnceLock<markup::PictureUrls>,
}

/// Every image of the site by key, surveyed.
#[derive(Default)]
pub struct ImageTable {
    entries: HashMap<String, Result<Arc<Picture>, Fault>>,
    files: HashMap<String, ImageFile>,
    pub settings: ImagesConfig,
    /// The site's base path, for URLs.
    pub base_path: String,
    /// The theme's fonts, for share cards (None: no cards).
    pub fonts: Option<CardFonts>,
}

/// Where processed pictures are kept: `.huddle/cache/images/` in the site.
pub fn cache_dir(root: &std::path::Path) -> std::path::PathBuf {
    root.join(".huddle").join("cache").join("images")
}

/// The extensions that mark a file as an image huddle shows.
pub fn is_image_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| Format::from_extension(ext).is_some())
}

impl ImageTable {
    /// Surveys `files` (in parallel): each one's header is probed and its
    /// content hash taken from `index` (or read and kept there).
    pub fn survey(
        files: Vec<ImageFile>,
        root: &std::path::Path,
        config: &Config,
        index: &SourceIndex,
    ) -> Self {
        use rayon::prelude::*;
        let settings = &config.images;
        let entries = files
            .par_iter()
            .map(|f| (f.key.clone(), survey_one(f, settings, index)))
            .collect();
        ImageTable {
            entries,
            files: files.into_iter().map(|f| (f.key.clone(), f)).collect(),
            settings: settings.clone(),
            base_path: config.base_path.clone(),
            fonts: if settings.share_cards {
                CardFonts::load(root, &config.theme)
            } else {
                None
            },
        }
    }

    /// The picture a page names by `key`: None when there is no such image
    /// file, the fault when it cannot be shown.
    pub fn get(&self, key: &str) -> Option<&Result<Arc<Picture>, Fault>> {
        self.entries.get(key)
    }

    /// The file behind a key.
    pub fn file(&self, key: &str) -> Option<&ImageFile> {
        self.files.get(key)
    }

    /// Every key, for "did you mean".
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The stamp of the picture at `key` (0 when there is none), for serve's
    /// memo of rendered bodies.
    pub fn stamp(&self, key: &str) -> u64 {
        match self.entries.get(key) {
            Some(Ok(p)) => p.hash ^ p.width as u64 ^ ((p.height as u64) << 32),
            Some(Err(_)) => 1,
            None => 0,
        }
    }
}

/// The widths a picture `width` pixels wide is resized to: each configured
/// width it is wider than, and its own width when that is smaller than the
/// largest configured one (never upscaled).
pub fn widths_for(width: u32, settings: &ImagesConfig) -> Vec<u32> {
    let mut out: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|&w| w < width)
        .collect();
    let largest = settings.widths.iter().copied().max().unwrap_or(0);
    if width <= largest || out.is_empty() {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn survey_one(
    file: &ImageFile,
    settings: &ImagesConfig,
    index: &SourceIndex,
) -> Result<Arc<Picture>, Fault> {
    let (hash, bytes, probe) = index.probe(file)?;
    let resized = settings.enabled && probe.format.is_resized();
    let (modern, fallback) = if resized {
        let fallback_format = if probe.format == Format::Png || probe.alpha {
            Format::Png
        } else {
            Format::Jpeg
        };
        let widths = widths_for(probe.width, settings);
        let make = |format: Format| -> Vec<Variant> {
            widths
                .iter()
                .map(|&w| variant(file, &probe, hash, w, format, settings))
                .collect()
        };
        (make(Format::Webp), make(fallback_format))
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Arc::new(Picture {
        key: file.key.clone(),
        original: file.output.clone(),
        format: probe.format,
        width: probe.width,
        height: probe.height,
        modern,
        fallback,
        hash,
        bytes,
        urls: std::sync::OnceLock::new(),
    }))
}

/// A fast 64-bit hash (xxh3) of anything hashable.
pub(crate) fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = twox_hash::XxHash3_64::default();
    value.hash(&mut h);
    h.finish()
}

/// Bumped when the encoder's output for the same settings changes.
const ENCODER_VERSION: u32 = 1;

fn variant(
    file: &ImageFile,
    probe: &Probe,
    hash: u64,
    width: u32,
    format: Format,
    settings: &ImagesConfig,
) -> Variant {
    let height = ((probe.height as u64 * width as u64 + probe.width as u64 / 2)
        / probe.width as u64)
        .max(1) as u32;
    let key = hash_of(&(ENCODER_VERSION, hash, width, format, settings.quality));
    let original = file.output.as_str();
    let stem = original.rsplit_once('.').map_or(original, |(s, _)| s);
    let output = OutputPath::new(format!(
        "{stem}.{width}w.{:010x}.{}",
        key & 0xff_ffff_ffff,
        format.extension()
    ));
    Variant {
        width,
        height,
        format,
        output,
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_never_upscaled() {
        let s = ImagesConfig::default();
        assert_eq!(widths_for(4000, &s), vec![480, 960, 1600]);
        assert_eq!(widths_for(1200, &s), vec![480, 960, 1200]);
        assert_eq!(widths_for(300, &s), vec![300]);
        assert_eq!(widths_for(1600, &s), vec![480, 960, 1600]);
    }
}
