//! What an image file is, read from its first bytes: its format (from the
//! bytes, not the name), its size as shown (EXIF orientation applied) and
//! whether it is too big to decode safely. Nothing here decodes pixels.

use std::io::Read;
use std::path::Path;

/// The formats huddle shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Svg,
}

impl Format {
    /// By file extension (lower case, without the dot).
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "webp" => Format::Webp,
            "gif" => Format::Gif,
            "svg" => Format::Svg,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Gif => "GIF",
            Format::Svg => "SVG",
        }
    }

    /// The extension a file of this format should have.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Svg => "svg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Svg => "image/svg+xml",
        }
    }

    /// Photos and drawings huddle resizes (SVG and GIF pass through).
    pub fn is_resized(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::Webp)
    }
}

/// The widest or tallest image huddle decodes.
pub const MAX_SIDE: u32 = 30_000;
/// The most pixels an image may have (a 100-megapixel camera's photo fits).
pub const MAX_PIXELS: u64 = 120_000_000;
/// How much of a file is read to find its size.
const HEAD: usize = 256 * 1024;

/// An image file as its header describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub format: Format,
    /// As shown: with an EXIF rotation of 90° or 270°, the stored sides swapped.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation (1 to 8; 1 when there is none).
    pub orientation: u8,
    /// Whether a PNG or WebP may have transparent pixels (an alpha channel).
    pub alpha: bool,
}

/// Why an image file cannot be shown, in words for the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub message: String,
    pub help: String,
}

impl Fault {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Fault {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Reads `path`'s header. `named` is the file as the writer knows it (for
/// messages); its extension says what the file claims to be.
pub fn probe_file(path: &Path, named: &str) -> Result<Probe, Fault> {
    let claimed = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension);
    let mut head = Vec::with_capacity(HEAD);
    let read = std::fs::File::open(path).and_then(|f| f.take(HEAD as u64).read_to_end(&mut head));
    if let Err(e) = read {
        return Err(Fault::new(
            format!("cannot read {named}: {e}"),
            "check that the file exists and can be read",
        ));
    }
    let probed = probe_bytes(&head, named, claimed).and_then(|p| {
        if p.format == Format::Jpeg && !jpeg_tail_complete(path) {
            return Err(cut_off(named));
        }
        Ok(p)
    });
    match probed {
        // The header runs past the first bytes (a large EXIF block or ICC
        // profile before the size): read the whole file.
        Err(_) if head.len() == HEAD => match std::fs::read(path) {
            Ok(all) => probe_bytes(&all, named, claimed),
            Err(e) => Err(Fault::new(
                format!("cannot read {named}: {e}"),
                "check that the file can be read",
            )),
        },
        other => other,
    }
}

/// The last bytes of a JPEG hold its end marker (FF D9): nothing else in
/// the compressed data can look like it (an FF byte there is followed by
/// 00 or a restart marker). A file without it was cut off.
pub fn jpeg_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
    tail.windows(2).any(|w| w == [0xff, 0xd9])
}

const TAIL: usize = 4096;

fn jpeg_tail_complete(path: &Path) -> bool {
    use std::io::{Seek, SeekFrom};
    let read_tail = || -> std::io::Result<Vec<u8>> {
        let mut f = std::fs::File::open(path)?;
        let len = f.metadata()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(TAIL as u64)))?;
        let mut tail = Vec::with_capacity(TAIL);
        f.read_to_end(&mut tail)?;
        Ok(tail)
    };
    read_tail().is_ok_and(|t| jpeg_complete(&t))
}

pub fn cut_off(named: &str) -> Fault {
    Fault::new(
        format!("{named} is cut off: its data ends before the picture does"),
        "copy it again from where it came from, or open it in an image editor and save it again",
    )
}

/// Probes a file's bytes (all of them, or its first ones).
pub fn probe_bytes(bytes: &[u8], named: &str, claimed: Option<Format>) -> Result<Probe, Fault> {
    let format = sniff(bytes).ok_or_else(|| {
        let what = claimed.map_or("an image", Format::name);
        Fault::new(
            format!("{named} is not {} file huddle can read", article(what)),
            "export it again as JPEG, PNG, WebP, GIF or SVG; an empty or cut-off file is often the result of an unfinished copy",
        )
    })?;
    if let Some(claimed) = claimed
        && claimed != format
    {
        return Err(Fault::new(
            format!(
                "{named} is named as {} file, but it is {} file",
                article(claimed.name()),
                article(format.name())
            ),
            format!(
                "rename it to end in .{} (and change the links to it)",
                format.extension()
            ),
        ));
    }
    if format == Format::Svg {
        return svg_size(bytes, named).map(|(width, height)| Probe {
            format,
            width,
            height,
            orientation: 1,
            alpha: true,
        });
    }
    let size = imagesize::blob_size(bytes).map_err(|e| {
        Fault::new(
            format!("{named} is a damaged {} file: {e}", format.name()),
            "open it in an image editor and save it again",
        )
    })?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err(Fault::new(
            format!("{named} says it is {w} × {h} pixels"),
            "open it in an image editor and save it again",
        ));
    }
    if w > MAX_SIDE as u64 || h > MAX_SIDE as u64 || w * h > MAX_PIXELS {
        return Err(Fault::new(
            format!(
                "{named} says it is {w} × {h} pixels ({} megapixels), more than huddle decodes ({} megapixels, {MAX_SIDE} pixels a side)",
                w * h / 1_000_000,
                MAX_PIXELS / 1_000_000
            ),
            "scale it down in an image editor (3,000 pixels wide is plenty for a web page); a small file that claims a huge size is damaged or made to exhaust memory",
        ));
    }
    let orientation = if format == Format::Jpeg {
        exif_orientation(bytes)
    } else {
        1
    };
    let (width, height) = if orientation >= 5 {
        (h as u32, w as u32)
    } else {
        (w as u32, h as u32)
    };
    Ok(Probe {
        format,
        width,
        height,
        orientation,
        alpha: has_alpha(bytes, format),
    })
}

fn article(name: &str) -> String {
    // "an SVG", "a JPEG", "a PNG", "an image"
    let vowel_sound = matches!(
        name.chars().next(),
        Some('A' | 'E' | 'I' | 'O' | 'S' | 'a' | 'e' | 'i' | 'o')
    );
    format!("{} {name}", if vowel_sound { "an" } else { "a" })
}

/// The format of a file, from its first bytes.
fn sniff(bytes: &[u8]) -> Option<Format> {
    match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => return Some(Format::Jpeg),
        Ok(imagesize::ImageType::Png) => return Some(Format::Png),
        Ok(imagesize::ImageType::Webp) => return Some(Format::Webp),
        Ok(imagesize::ImageType::Gif) => return Some(Format::Gif),
        _ => {}
    }
    // SVG is text: an XML declaration, comments or a doctype may come first.
    let start = std::str::from_utf8(&bytes[..bytes.len().min(4096)])
        .or_else(|e| std::str::from_utf8(&bytes[..e.valid_up_to()]))
        .ok()?;
    let start = start.trim_start_matches('\u{feff}').trim_start();
    (start.starts_with('<') && start.contains("<svg")).then_some(Format::Svg)
}

/// An SVG's size: its width and height, else its viewBox, in CSS pixels.
fn svg_size(bytes: &[u8], named: &str) -> Result<(u32, u32), Fault> {
    let tree =
        resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default()).map_err(|e| {
            Fault::new(
                format!("{named} is not a valid SVG file: {e}"),
                "open it in a vector editor and save it again as plain SVG",
            )
        })?;
    let size = tree.size();
    let (w, h) = (size.width().round(), size.height().round());
    Ok((w.max(1.0) as u32, h.max(1.0) as u32))
}

/// A JPEG's EXIF orientation, 1 when it has none (or it cannot be read).
fn exif_orientation(bytes: &[u8]) -> u8 {
    let mut cursor = std::io::Cursor::new(bytes);
    let Ok(exif) = exif::Reader::new().read_from_container(&mut cursor) else {
        return 1;
    };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u8)
}

/// Whether the image may have transparent pixels: a PNG whose colour type has
/// alpha (or a transparency chunk), a WebP with the alpha flag.
fn has_alpha(bytes: &[u8], format: Format) -> bool {
    match format {
        Format::Png => {
            // The colour type is the 10th byte of IHDR's data (offset 25).
            let colour = bytes.get(25).copied().unwrap_or(0);
            matches!(colour, 4 | 6) || bytes.windows(4).take(HEAD).any(|w| w == b"tRNS")
        }
        Format::Webp => {
            // VP8X carries an alpha flag; a plain VP8L stream may have alpha.
            bytes.get(12..16) == Some(b"VP8X") && bytes.get(20).is_some_and(|f| f & 0x10 != 0)
                || bytes.get(12..16) == Some(b"VP8L")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, colour: u8) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        out.extend_from_slice(&13u32.to_be_bytes());
        out.extend_from_slice(b"IHDR");
        out.extend_from_slice(&w.to_be_bytes());
        out.extend_from_slice(&h.to_be_bytes());
        out.extend_from_slice(&[8, colour, 0, 0, 0]);
        out.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked by a probe)
        out
    }

    #[test]
    fn a_png_header_gives_its_size_and_alpha() {
        let p = probe_bytes(&png(640, 480, 6), "a.png", Some(Format::Png)).unwrap();
        assert_eq!(
            (p.format, p.width, p.height, p.alpha),
            (Format::Png, 640, 480, true)
        );
        let p = probe_bytes(&png(640, 480, 2), "a.png", Some(Format::Png)).unwrap();
        assert!(!p.alpha);
    }

    #[test]
    fn a_header_claiming_a_huge_size_is_refused_before_any_decoding() {
        let e = probe_bytes(&png(100_000, 100_000, 2), "bomb.png", Some(Format::Png)).unwrap_err();
        assert!(e.message.contains("100000 × 100000"), "{e:?}");
        assert!(e.help.contains("scale it down"), "{e:?}");
    }

    #[test]
    fn an_extension_that_lies_is_named_with_the_real_format() {
        let e = probe_bytes(&png(10, 10, 2), "photo.jpg", Some(Format::Jpeg)).unwrap_err();
        assert!(
            e.message
                .contains("named as a JPEG file, but it is a PNG file"),
            "{e:?}"
        );
        assert!(e.help.contains(".png"), "{e:?}");
    }

    #[test]
    fn text_is_not_an_image_and_an_svg_is_measured() {
        let e = probe_bytes(b"hello", "notes.png", Some(Format::Png)).unwrap_err();
        assert!(e.message.contains("is not a PNG file"), "{e:?}");
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"><rect width="10" height="10"/></svg>"#;
        let p = probe_bytes(svg, "d.svg", Some(Format::Svg)).unwrap();
        assert_eq!((p.format, p.width, p.height), (Format::Svg, 300, 150));
    }
}
