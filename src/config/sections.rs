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
        }
    }
}
