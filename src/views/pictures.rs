//! Pictures in views: a page's featured image (`page.image`, in lists too)
//! and its share card (`page.share_card`, for the head's `og:image`).

use serde::Serialize;

use super::Views;
use crate::graph::Page;
use crate::images::PictureView;

/// A page's share card for its head: an absolute URL, its size and type.
#[derive(Serialize)]
pub struct ShareCardView<'a> {
    pub url: String,
    pub width: u32,
    pub height: u32,
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub alt: &'a str,
}

impl<'a> Views<'a> {
    /// Page `i`'s share card: its featured photo's alt text, or the title.
    pub(super) fn share_card(&self, i: usize) -> Option<ShareCardView<'a>> {
        use crate::images::card::{CARD_HEIGHT, CARD_WIDTH};
        let card = self.cards.get(i)?.as_ref()?;
        let meta = &self.graph.pages[i].source.meta;
        let alt = match (&card.source, &meta.image) {
            (crate::images::CardSource::Photo(_), Some(image)) => image.alt.as_str(),
            _ => meta.title.as_str(),
        };
        Some(ShareCardView {
            url: self.permalink(card.output.as_str()),
            width: CARD_WIDTH,
            height: CARD_HEIGHT,
            mime: card.mime,
            alt,
        })
    }

    /// Page `p`'s featured image as templates show it.
    pub fn featured(&self, p: &Page) -> Option<Box<PictureView>> {
        let picture = p.body.featured.as_ref()?;
        let alt = p.source.meta.image.as_ref().map_or("", |i| i.alt.as_str());
        let c = self.config;
        let view = PictureView::new(picture, alt, None, &c.base_path, &c.images.sizes);
        Some(Box::new(view))
    }
}
