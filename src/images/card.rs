//! Share cards: the 1200 × 630 picture a link preview shows (`og:image`).
//! An article with a featured photo gets the photo, cropped to fill; any
//! other gets a card drawn from the theme's `share-card.svg` (a Tera
//! template, rendered by `render::share_cards`) with resvg, in the fonts the
//! theme ships (`fonts/`), so the card is the same on every machine. Cards
//! are cached like variants, by what they are made from.

use std::path::Path;
use std::sync::Arc;

use resvg::usvg;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use super::probe::Fault;
use super::{ImageTable, hash_of};
use crate::paths::{OutputContent, OutputFile, OutputPath};

pub const CARD_WIDTH: u32 = 1200;
pub const CARD_HEIGHT: u32 = 630;

/// Bumped when cards drawn from the same input change.
const CARD_VERSION: u32 = 2;

/// The fonts cards are drawn with: the theme's `fonts/*.otf|ttf`.
#[derive(Clone)]
pub struct CardFonts {
    db: Arc<usvg::fontdb::Database>,
    /// The first font's bytes, for measuring titles.
    measure: Arc<Vec<u8>>,
    /// A stamp of every font's bytes (a new font draws new cards).
    pub stamp: u64,
}

impl CardFonts {
    /// The theme's fonts (None when it has none: then there are no cards).
    pub fn load(root: &Path, theme: &str) -> Option<Self> {
        CardFonts::new(crate::load::load_fonts(root, theme))
    }

    /// From the font files' bytes (at least one).
    pub fn new(fonts: Vec<Vec<u8>>) -> Option<Self> {
        let stamp = hash_of(&fonts);
        let measure = Arc::new(fonts.first()?.clone());
        let mut db = usvg::fontdb::Database::new();
        for f in fonts {
            db.load_font_data(f);
        }
        Some(CardFonts {
            db: Arc::new(db),
            measure,
            stamp,
        })
    }

    /// How wide `text` is at `px` pixels, in the measuring font.
    pub fn width(&self, text: &str, px: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(&self.measure) else {
            return text.chars().count() as f32 * px * 0.55;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(px), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(px * 0.55)
            })
            .sum()
    }

    /// `title` broken into at most `max_lines` lines no wider than `width`
    /// pixels, at the largest of `sizes` that fits (the last one otherwise,
    /// with the rest cut at a word and an ellipsis).
    pub fn wrap(
        &self,
        title: &str,
        width: f32,
        sizes: &[f32],
        max_lines: usize,
    ) -> (Vec<String>, f32) {
        let words: Vec<&str> = title.split_whitespace().collect();
        let mut last = (Vec::new(), sizes.last().copied().unwrap_or(48.0));
        for &px in sizes {
            let mut lines: Vec<String> = Vec::new();
            for word in &words {
                match lines.last_mut() {
                    Some(line) if self.width(&format!("{line} {word}"), px) <= width => {
                        line.push(' ');
                        line.push_str(word);
                    }
                    _ => lines.push((*word).to_string()),
                }
            }
            if lines.len() <= max_lines {
                return (lines, px);
            }
            last = (lines, px);
        }
        let (mut lines, px) = last;
        lines.truncate(max_lines);
        if let Some(line) = lines.last_mut() {
            while !line.is_empty() && self.width(&format!("{line}…"), px) > width {
                match line.rfind(' ') {
                    Some(i) => line.truncate(i),
                    None => line.clear(),
                }
            }
            line.push('…');
        }
        (lines, px)
    }
}

/// What a card is made from.
#[derive(Debug, Clone)]
pub enum CardSource {
    /// The featured picture (by image key), cropped to fill.
    Photo(String),
    /// The theme's card template, rendered for the article.
    Drawn(String),
}

/// One article's share card, planned. Shared, so cheap to clone: serve
/// keeps every article's card from one rebuild to the next.
#[derive(Debug, Clone)]
pub struct Card(std::sync::Arc<PlannedCard>);

impl std::ops::Deref for Card {
    type Target = PlannedCard;
    fn deref(&self) -> &PlannedCard {
        &self.0
    }
}

/// A share card's output path (with a hash of what it is made from) and its
/// source.
#[derive(Debug)]
pub struct PlannedCard {
    pub output: OutputPath,
    pub key: u64,
    pub source: CardSource,
    /// The MIME type of the card.
    pub mime: &'static str,
}

impl Card {
    /// The card of the page at `page_path` (its URL path, `articles/foo/`).
    pub fn plan(
        page_path: &str,
        source: CardSource,
        table: &ImageTable,
        fonts: &CardFonts,
    ) -> Card {
        let (key, ext, mime) = match &source {
            CardSource::Photo(image) => {
                let hash = table
                    .get(image)
                    .and_then(|p| p.as_ref().ok())
                    .map_or(0, |p| p.hash);
                (
                    hash_of(&(CARD_VERSION, "photo", hash, table.settings.quality)),
                    "jpg",
                    "image/jpeg",
                )
            }
            CardSource::Drawn(svg) => (
                hash_of(&(CARD_VERSION, svg, fonts.stamp)),
                "png",
                "image/png",
            ),
        };
        let output = OutputPath::new(format!(
            "{page_path}share-card.{:010x}.{ext}",
            key & 0xff_ffff_ffff
        ));
        Card(std::sync::Arc::new(PlannedCard {
            output,
            key,
            source,
            mime,
        }))
    }

    fn cached(&self, dir: &Path) -> std::path::PathBuf {
        let ext = self.output.as_str().rsplit('.').next().unwrap_or("png");
        dir.join(format!("card-{:016x}.{ext}", self.key))
    }
}

/// Every card as a file copied from the cache, each drawn (or cropped) into
/// it first if it is not there yet, with how many were made now; or what
/// went wrong, once per kind of problem.
pub fn make_cards(
    cards: &[Option<Card>],
    table: &ImageTable,
    (cache_dir, in_cache): (&Path, super::encode::InCache),
) -> ((Vec<OutputFile>, usize), Vec<crate::diagnostic::Diagnostic>) {
    use rayon::prelude::*;
    let Some(fonts) = table.fonts.as_ref() else {
        return ((Vec::new(), 0), Vec::new());
    };
    let results: Vec<(&Card, Result<bool, Fault>)> = cards
        .par_iter()
        .flatten()
        .map(|card| {
            let path = card.cached(cache_dir);
            if in_cache(&path, card.key) {
                return (card, Ok(false));
            }
            let made = match &card.source {
                CardSource::Photo(image) => photo_card(table, image),
                CardSource::Drawn(svg) => drawn_card(svg, fonts),
            };
            let stored = made.and_then(|bytes| super::encode::store(cache_dir, &path, &bytes));
            (card, stored.map(|_| true))
        })
        .collect();
    let mut files = Vec::new();
    let mut errors: Vec<crate::diagnostic::Diagnostic> = Vec::new();
    let mut made = 0;
    for (card, r) in results {
        match r {
            Ok(new) => {
                made += usize::from(new);
                files.push(OutputFile {
                    path: card.output.clone(),
                    content: OutputContent::Cached(card.cached(cache_dir)),
                });
            }
            Err(f) => {
                let d = crate::diagnostic::Diagnostic::file_error(
                    "templates/share-card.svg",
                    f.message,
                )
                .with_help(f.help);
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    ((files, made), errors)
}

fn photo_card(table: &ImageTable, key: &str) -> Result<Vec<u8>, Fault> {
    let image = super::encode::decode_key(table, key)?;
    let mut resizer = fast_image_resize::Resizer::new();
    let mut out = image::DynamicImage::new(CARD_WIDTH, CARD_HEIGHT, image.color());
    let options = fast_image_resize::ResizeOptions::new()
        .resize_alg(fast_image_resize::ResizeAlg::Convolution(
            fast_image_resize::FilterType::Lanczos3,
        ))
        .fit_into_destination(Some((0.5, 0.5)));
    resizer.resize(&image, &mut out, &options).map_err(|e| {
        Fault::new(
            format!("cannot crop {key} for its share card: {e}"),
            "save the picture again",
        )
    })?;
    let rgb = image::DynamicImage::ImageRgb8(out.to_rgb8());
    super::encode::encode(&rgb, super::Format::Jpeg, table.settings.quality).map_err(|e| {
        Fault::new(
            format!("cannot encode the share card of {key}: {e}"),
            "save the picture again",
        )
    })
}

fn drawn_card(svg: &str, fonts: &CardFonts) -> Result<Vec<u8>, Fault> {
    let bad = |e: String| {
        Fault::new(
            format!("the share card template (share-card.svg) does not make a valid SVG: {e}"),
            "check the template's markup; the default theme's templates/share-card.svg is an example",
        )
    };
    let options = usvg::Options {
        fontdb: Arc::clone(&fonts.db),
        font_family: "Inter".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| bad(e.to_string()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(CARD_WIDTH, CARD_HEIGHT)
        .ok_or_else(|| bad("no room for the picture".into()))?;
    let size = tree.size();
    let scale = resvg::tiny_skia::Transform::from_scale(
        CARD_WIDTH as f32 / size.width(),
        CARD_HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    // Encoded with fast compression (fdeflate): the default deflate took
    // most of a card's time, for files only a little smaller.
    let rgba = pixmap.take_demultiplied();
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    image::ImageEncoder::write_image(
        encoder,
        &rgba,
        CARD_WIDTH,
        CARD_HEIGHT,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(out)
}
