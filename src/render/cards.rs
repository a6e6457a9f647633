//! Plans every article's share card (`images::card`): its featured photo when
//! it has one that huddle resizes, else the theme's `share-card.svg`
//! rendered with the article's data. Planning renders only the SVG text
//! (its hash names the card); drawing it is `images::card::make_cards`.

use serde::Serialize;

use super::templates::render_text;
use super::*;
use crate::images::{Card, CardFonts, CardSource, ImageTable};

/// What `share-card.svg` receives as `card` (documented in docs/templates.md).
#[derive(Serialize)]
struct CardView<'a> {
    site: &'a str,
    title: &'a str,
    title_lines: Vec<String>,
    title_size: f32,
    level: Option<CardLevel<'a>>,
    practices: Vec<&'a str>,
}

#[derive(Serialize)]
struct CardLevel<'a> {
    number: u32,
    name: &'a str,
}

/// Title sizes tried, largest first, and how many lines a title may take.
const TITLE_SIZES: [f32; 4] = [76.0, 66.0, 56.0, 48.0];
const TITLE_LINES: usize = 4;
const TITLE_WIDTH: f32 = 1040.0;

/// Each page's share card (index = page index): articles get one (unless
/// `[images] share_cards = false`). `known[i]`, where given, is page i's
/// card from an earlier run that still holds (serve).
pub fn share_cards(
    graph: &SiteGraph,
    templates: &Templates,
    config: &Config,
    vocab: &Vocabulary,
    pictures: &ImageTable,
    known: &[Option<Option<Card>>],
) -> Result<Vec<Option<Card>>, Vec<Diagnostic>> {
    let Some(fonts) = pictures.fonts.as_ref() else {
        return Ok(vec![None; graph.pages.len()]);
    };
    let results: Vec<Result<Option<Card>, Diagnostic>> = graph
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| match known.get(i) {
            Some(Some(card)) => Ok(card.clone()),
            _ => card_of(p, templates, (config, vocab), pictures, fonts),
        })
        .collect();
    let mut cards = Vec::with_capacity(results.len());
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(c) => cards.push(c),
            Err(d) => {
                cards.push(None);
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(cards)
    } else {
        Err(errors)
    }
}

/// One page's share card, as `share_cards` plans it (serve's express lane
/// plans the card of a retitled article with it).
pub fn share_card(
    p: &crate::graph::Page,
    templates: &Templates,
    (config, vocab): (&Config, &Vocabulary),
    pictures: &ImageTable,
) -> Result<Option<Card>, Diagnostic> {
    match pictures.fonts.as_ref() {
        Some(fonts) => card_of(p, templates, (config, vocab), pictures, fonts),
        None => Ok(None),
    }
}

fn card_of(
    p: &crate::graph::Page,
    templates: &Templates,
    (config, vocab): (&Config, &Vocabulary),
    pictures: &ImageTable,
    fonts: &CardFonts,
) -> Result<Option<Card>, Diagnostic> {
    if !p.is_article || p.kind != PageKind::Page {
        return Ok(None);
    }
    let photo = p.body.featured.as_ref().filter(|f| f.format.is_resized());
    let source = match photo {
        Some(f) => CardSource::Photo(f.key.clone()),
        None => CardSource::Drawn(drawn(p, templates, config, vocab, fonts)?),
    };
    Ok(Some(Card::plan(&p.path, source, pictures, fonts)))
}

fn drawn(
    p: &crate::graph::Page,
    templates: &Templates,
    config: &Config,
    vocab: &Vocabulary,
    fonts: &CardFonts,
) -> Result<String, Diagnostic> {
    let meta = &p.source.meta;
    let (title_lines, title_size) = fonts.wrap(&meta.title, TITLE_WIDTH, &TITLE_SIZES, TITLE_LINES);
    let view = CardView {
        site: &config.title,
        title: &meta.title,
        title_lines,
        title_size,
        level: meta.tags.level.map(|l| CardLevel {
            number: vocab.levels[l.0].number,
            name: &vocab.levels[l.0].name,
        }),
        practices: meta
            .tags
            .practices
            .iter()
            .map(|t| vocab.practices[t.0].name.as_str())
            .collect(),
    };
    let mut ctx = Context::new();
    ctx.insert("card", &view);
    // Cards are drawn before the pages' globals are set: their own copy of
    // what the card says in the site's language.
    ctx.insert("strings", config.strings.template_value());
    render_text(templates, "share-card.svg", &ctx)
}
