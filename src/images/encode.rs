//! Makes the variants of the pictures pages show: each source decoded once
//! (within limits, EXIF orientation applied), resized (fast_image_resize,
//! Lanczos 3) to every width, and encoded as WebP (libwebp) and as JPEG or
//! PNG. Each variant is kept in the cache folder under its key, so an
//! unchanged picture is never encoded twice; the output copies it from there.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use image::{DynamicImage, ImageDecoder};
use rayon::prelude::*;

use super::probe::{Fault, Format, MAX_SIDE};
use super::{ImageTable, Picture, Variant};
use crate::paths::{FileSource, OutputContent, OutputFile};

/// What an encoding run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EncodeReport {
    /// Pictures encoded now, and pictures whose variants all came from the cache.
    pub encoded: usize,
    pub cached: usize,
    /// Share cards drawn (or cropped) now.
    pub cards: usize,
}

/// Where variant `v` is kept.
fn cached_path(dir: &Path, v: &Variant) -> PathBuf {
    dir.join(format!("{:016x}.{}", v.key, v.format.extension()))
}

/// Whether the picture cache holds a file (its path, its key), asked before
/// a variant or card is made.
pub type InCache<'a> = &'a (dyn Fn(&Path, u64) -> bool + Sync);

/// The file names in the cache folder, read in one listing: a build asks
/// about every variant and card, and one listing costs less than a look-up
/// per file.
pub struct CacheListing(std::collections::HashSet<std::ffi::OsString>);

impl CacheListing {
    pub fn read(dir: &Path) -> Self {
        let names = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect();
        CacheListing(names)
    }

    pub fn holds(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| self.0.contains(n))
    }
}

/// The variants of the pictures at `keys` (each once), as output files
/// copied from `cache_dir`; the faults of pictures that could not be
/// decoded, by key. `progress` is told each picture encoded (done, total).
pub fn encode_variants(
    table: &ImageTable,
    keys: &[&str],
    (cache_dir, in_cache): (&Path, InCache),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<OutputFile>, Vec<(String, Fault)>, EncodeReport) {
    let mut seen = std::collections::HashSet::new();
    let pictures: Vec<&Picture> = keys
        .iter()
        .filter(|k| seen.insert(**k))
        .filter_map(|k| match table.get(k) {
            Some(Ok(p)) if !p.fallback.is_empty() => Some(p.as_ref()),
            _ => None,
        })
        .collect();
    // Each picture's variants with their places in the cache.
    let cached: Vec<Vec<(&Variant, PathBuf)>> = pictures
        .iter()
        .map(|p| {
            let variants = p.modern.iter().chain(&p.fallback);
            variants.map(|v| (v, cached_path(cache_dir, v))).collect()
        })
        .collect();
    let (ready, todo): (Vec<usize>, Vec<usize>) =
        (0..pictures.len()).partition(|&i| cached[i].iter().all(|(v, path)| in_cache(path, v.key)));
    let todo: Vec<&Picture> = todo.into_iter().map(|i| pictures[i]).collect();
    let done = AtomicUsize::new(0);
    let total = todo.len();
    let results: Vec<(String, Result<(), Fault>)> = todo
        .par_iter()
        .map(|p| {
            let r = encode_one(table, p, cache_dir);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            (p.key.clone(), r)
        })
        .collect();
    let mut faults = Vec::new();
    let mut failed = std::collections::HashSet::new();
    for (key, r) in results {
        if let Err(f) = r {
            failed.insert(key.clone());
            faults.push((key, f));
        }
    }
    let files = pictures
        .iter()
        .zip(cached)
        .filter(|(p, _)| !failed.contains(&p.key))
        .flat_map(|(_, variants)| variants)
        .map(|(v, path)| OutputFile {
            path: v.output.clone(),
            content: OutputContent::Cached(path),
        })
        .collect();
    let report = EncodeReport {
        encoded: total - faults.len(),
        cached: ready.len(),
        cards: 0,
    };
    (files, faults, report)
}

/// The picture at `key`, decoded whole (within limits) and upright.
pub(super) fn decode_key(table: &ImageTable, key: &str) -> Result<DynamicImage, Fault> {
    let file = table
        .file(key)
        .ok_or_else(|| Fault::new(format!("{key} is gone"), "save it again"))?;
    let named = file.shown.as_str();
    let bytes = match &file.source {
        FileSource::Embedded(b) => b.to_vec(),
        FileSource::Disk(path) => std::fs::read(path).map_err(|e| {
            Fault::new(
                format!("cannot read {named}: {e}"),
                "check that the file can be read",
            )
        })?,
    };
    decode(&bytes, named)
}

/// Keeps `bytes` at `path` in the cache (temp file + rename, so a reader
/// never sees half a file).
pub(super) fn store(cache_dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), Fault> {
    // Two pictures can share a variant (the same file used twice), and
    // rayon may encode both at once: each write gets its own temp name, so
    // neither rename finds the other's file gone.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::fs::create_dir_all(cache_dir).map_err(|e| cache_fault(cache_dir, &e))?;
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            cache_fault(cache_dir, &e)
        })
}

fn encode_one(table: &ImageTable, p: &Picture, cache_dir: &Path) -> Result<(), Fault> {
    let named = table
        .file(&p.key)
        .map_or(p.key.as_str(), |f| f.shown.as_str());
    let image = decode_key(table, &p.key)?;
    let quality = table.settings.quality;
    let mut resizer = fast_image_resize::Resizer::new();
    for (modern, fallback) in p.modern.iter().zip(&p.fallback) {
        let sized = resize(&mut resizer, &image, modern.width, modern.height)?;
        for v in [modern, fallback] {
            let path = cached_path(cache_dir, v);
            if path.is_file() {
                continue;
            }
            let encoded = encode(&sized, v.format, quality).map_err(|e| {
                Fault::new(
                    format!("cannot encode {named} as {}: {e}", v.format.name()),
                    "open it in an image editor and save it again",
                )
            })?;
            store(cache_dir, &path, &encoded)?;
        }
    }
    Ok(())
}

fn cache_fault(dir: &Path, e: &std::io::Error) -> Fault {
    Fault::new(
        format!("cannot write the image cache {}: {e}", dir.display()),
        "check that the site folder is writable (the cache is .huddle/cache/, safe to delete)",
    )
}

/// Decodes a whole image within limits, upright.
fn decode(bytes: &[u8], named: &str) -> Result<DynamicImage, Fault> {
    let damaged = |e: image::ImageError| {
        Fault::new(
            format!("{named} cannot be decoded: {e}"),
            "the file is damaged or cut off: open it in an image editor and save it again, or copy it again from where it came from",
        )
    };
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged(image::ImageError::IoError(e)))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    Ok(if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    })
}

fn resize(
    resizer: &mut fast_image_resize::Resizer,
    image: &DynamicImage,
    width: u32,
    height: u32,
) -> Result<DynamicImage, Fault> {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions};
    if (width, height) == (image.width(), image.height()) {
        return Ok(image.clone());
    }
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer
        .resize(image, &mut out, &options)
        .map_err(|e| Fault::new(format!("cannot resize: {e}"), "save the image again"))?;
    Ok(out)
}

pub(super) fn encode(image: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Webp => {
            let encoder = webp::Encoder::from_image(image).map_err(|e| e.to_string())?;
            out.extend_from_slice(&encoder.encode(quality as f32));
        }
        Format::Jpeg => {
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.max(1));
            image
                .write_with_encoder(encoder)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let encoder = image::codecs::png::PngEncoder::new(&mut out);
            image
                .write_with_encoder(encoder)
                .map_err(|e| e.to_string())?;
        }
        Format::Gif | Format::Svg => return Err("not a resized format".into()),
    }
    Ok(out)
}

/// Shows how encoding goes: a bar on a terminal (indicatif), a line every
/// few seconds otherwise ("images: 120 of 200 encoded, 14 s left").
pub struct Progress {
    started: Instant,
    last: std::sync::Mutex<Instant>,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new() -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "images: {bar:30} {pos} of {len} encoded, {eta} left",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            started: Instant::now(),
            last: std::sync::Mutex::new(Instant::now()),
            bar,
        }
    }

    /// One more picture encoded of `total`.
    pub fn tell(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && total > 1 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if done == total {
                bar.finish_and_clear();
            }
            return;
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.elapsed().as_secs() >= 3 && done < total {
            let per = self.started.elapsed().as_secs_f64() / done.max(1) as f64;
            let left = (per * (total - done) as f64).round();
            eprintln!("images: {done} of {total} encoded, {left} s left");
            *last = Instant::now();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}
