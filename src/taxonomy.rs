//! Cross-links of the `SiteGraph`: which articles carry each level, attitude and
//! practice (newest first), each article's related articles and backlinks, and
//! the vocabulary entries no article uses (warnings for `huddle check`). Every
//! step is an index walk, linear in pages plus links; nothing compares page × page.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{SiteGraph, newest_first};
use crate::related::related_articles;
use crate::vocab::Vocabulary;

/// Article indexes (into `SiteGraph::pages`) per term, newest first.
#[derive(Debug, Default, Clone)]
pub struct TermIndex {
    pub levels: Vec<Vec<usize>>,
    pub attitudes: Vec<Vec<usize>>,
    pub practices: Vec<Vec<usize>>,
}

impl TermIndex {
    /// Every term's articles of one taxonomy.
    pub fn postings(&self, kind: crate::vocab::TaxonomyKind) -> &[Vec<usize>] {
        use crate::vocab::TaxonomyKind as K;
        match kind {
            K::Level => &self.levels,
            K::Attitude => &self.attitudes,
            K::Practice => &self.practices,
        }
    }
}

/// Everything that links pages to each other, by page index.
#[derive(Debug, Default, Clone)]
pub struct CrossLinks {
    pub terms: TermIndex,
    /// Per page: related articles, best first (empty for non-articles).
    pub related: Vec<Vec<usize>>,
    /// Per page: the pages whose bodies link to it, newest first.
    pub backlinks: Vec<Vec<usize>>,
}

/// Builds the term index, related lists and backlinks.
pub fn cross_link(graph: &SiteGraph, config: &Config, vocab: &Vocabulary) -> CrossLinks {
    let mut terms = TermIndex {
        levels: vec![Vec::new(); vocab.levels.len()],
        attitudes: vec![Vec::new(); vocab.attitudes.len()],
        practices: vec![Vec::new(); vocab.practices.len()],
    };
    // `graph.articles` is newest first, so every posting list is too.
    for &i in &graph.articles {
        let tags = &graph.pages[i].source.meta.tags;
        if let Some(l) = tags.level {
            terms.levels[l.0].push(i);
        }
        for a in &tags.attitudes {
            terms.attitudes[a.0].push(i);
        }
        for p in &tags.practices {
            terms.practices[p.0].push(i);
        }
    }
    let mut related = vec![Vec::new(); graph.pages.len()];
    if config.related.count > 0 {
        let tags: Vec<_> = graph
            .articles
            .iter()
            .map(|&i| &graph.pages[i].source.meta.tags)
            .collect();
        let lists = related_articles(&tags, &config.related.weights, config.related.count);
        for (pos, list) in lists.into_iter().enumerate() {
            related[graph.articles[pos]] = list.into_iter().map(|p| graph.articles[p]).collect();
        }
    }
    let mut backlinks = vec![Vec::new(); graph.pages.len()];
    if config.backlinks {
        for &(from, to) in &graph.link_edges {
            // Edges come grouped by source page, so a repeat is the last entry.
            if backlinks[to].last() != Some(&from) {
                backlinks[to].push(from);
            }
        }
    }
    for list in &mut backlinks {
        list.sort_by(|&a, &b| newest_first(&graph.pages[a], &graph.pages[b]));
    }
    CrossLinks {
        terms,
        related,
        backlinks,
    }
}

/// Vocabulary entries that no article uses, as warnings on site.toml.
pub fn unused_vocabulary(links: &CrossLinks, vocab: &Vocabulary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lists = [
        (
            "level",
            vocab
                .levels
                .iter()
                .map(|l| l.slug.as_str())
                .collect::<Vec<_>>(),
            &links.terms.levels,
        ),
        (
            "attitude",
            vocab.attitudes.iter().map(|t| t.slug.as_str()).collect(),
            &links.terms.attitudes,
        ),
        (
            "practice",
            vocab.practices.iter().map(|t| t.slug.as_str()).collect(),
            &links.terms.practices,
        ),
    ];
    for (what, slugs, postings) in lists {
        for (slug, members) in slugs.iter().zip(postings.iter()) {
            if members.is_empty() {
                out.push(
                    Diagnostic::file_error("site.toml", format!("no article uses the {what} `{slug}`"))
                        .warning()
                        .with_help("its page lists no articles yet; tag an article with it, or remove it under [vocabulary] if the site added it"),
                );
            }
        }
    }
    out
}
