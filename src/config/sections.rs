//! The plain sections of site.toml, with their defaults: `[related]`,
//! `[feed]` and `[search]`. (`[newsletter]` has its own module, `[vocabulary]`
//! lives with the vocabulary.) They are read by serde; nothing here checks more.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    pub count: usize,
    pub weights: RelatedWeights,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedWeights {
    pub level: u32,
    pub attitudes: u32,
    pub practices: u32,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            count: 4,
            weights: RelatedWeights::default(),
        }
    }
}

impl Default for RelatedWeights {
    fn default() -> Self {
        RelatedWeights {
            level: 1,
            attitudes: 2,
            practices: 3,
        }
    }
}

/// `[feed]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// How many of the newest articles a feed holds.
    pub count: usize,
    /// `full`: each entry carries the article; `summary`: only its summary.
    pub content: FeedContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    Full,
    Summary,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            count: 20,
            content: FeedContent::Full,
        }
    }
}

/// `[search]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub enabled: bool,
    pub index: SearchIndex,
    /// Pages per index bundle: a site with more is indexed as several
    /// bundles, at once on several cores, that the search page searches
    /// together (0: one bundle whatever the size).
    pub bundle_size: usize,
}

/// Pages per search bundle unless site.toml says otherwise: one bundle up
/// to here, so only big sites split their index.
pub const DEFAULT_BUNDLE_SIZE: usize = 5000;

impl SearchConfig {
    /// How many bundles an index of `pages` pages is split into.
    pub fn bundles(&self, pages: usize) -> usize {
        if self.bundle_size == 0 {
            1
        } else {
            pages.div_ceil(self.bundle_size).max(1)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchIndex {
    /// Every word of every page.
    Full,
    /// Title, description, tags, headings and the opening words only: a
    /// smaller, faster index.
    Summary,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            index: SearchIndex::Full,
            bundle_size: DEFAULT_BUNDLE_SIZE,
        }
    }
}

/// `[images]` in site.toml.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Resize photos into variants; off, pictures are shown as they are
    /// (still with their width and height).
    pub enabled: bool,
    /// The widths of the variants, in pixels (never above a photo's own).
    pub widths: Vec<u32>,
    /// Encoder quality, 1 to 100, for WebP and JPEG variants.
    pub quality: u8,
    /// The `sizes` attribute: how wide a picture is shown, for the browser's
    /// choice of variant (the default theme's text column).
    pub sizes: String,
    /// Give every article a share card (`og:image`, 1200 × 630).
    pub share_cards: bool,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            enabled: true,
            widths: vec![480, 960, 1600],
            quality: 80,
            sizes: "(min-width: 46rem) 42rem, calc(100vw - 2rem)".into(),
            share_cards: true,
        }
    }
}

impl ImagesConfig {
    /// What is wrong with the settings, in words, with a fix.
    pub fn problems(&self) -> Vec<(&'static str, String, String)> {
        let mut out = Vec::new();
        if self.widths.is_empty() || self.widths.iter().any(|&w| !(16..=8192).contains(&w)) {
            out.push((
                "widths",
                format!(
                    "`[images] widths` must list widths from 16 to 8192 pixels (got {:?})",
                    self.widths
                ),
                "for example: widths = [480, 960, 1600]".into(),
            ));
        }
        if !(1..=100).contains(&self.quality) {
            out.push((
                "quality",
                format!(
                    "`[images] quality` must be from 1 to 100 (got {})",
                    self.quality
                ),
                "80 keeps photos sharp at a small size".into(),
            ));
        }
        out
    }
}
