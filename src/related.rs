//! Related articles: for each article, the `count` others that share the most
//! weighted tags (level, attitudes, practices), ties broken by date, newest first.
//!
//! Scores depend only on an article's tag set, and a site has few distinct tag
//! sets (at most 3 × 7 × 63 with the default vocabulary) however many articles
//! it has. So the scoring runs over tag sets through an inverted index
//! (tag → tag sets that carry it), and each article then takes its list from its
//! tag set's ranking: the cost grows with the number of articles, not its square.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::RelatedWeights;
use crate::front::Tags;

/// One tag as an index key: (taxonomy, term index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TagKey {
    Level(usize),
    Attitude(usize),
    Practice(usize),
}

fn keys(tags: &Tags) -> Vec<TagKey> {
    let mut k: Vec<TagKey> = tags.level.iter().map(|l| TagKey::Level(l.0)).collect();
    k.extend(tags.attitudes.iter().map(|t| TagKey::Attitude(t.0)));
    k.extend(tags.practices.iter().map(|t| TagKey::Practice(t.0)));
    k.sort_by_key(|k| match k {
        TagKey::Level(i) => (0, *i),
        TagKey::Attitude(i) => (1, *i),
        TagKey::Practice(i) => (2, *i),
    });
    k
}

fn weight(key: TagKey, w: &RelatedWeights) -> u32 {
    match key {
        TagKey::Level(_) => w.level,
        TagKey::Attitude(_) => w.attitudes,
        TagKey::Practice(_) => w.practices,
    }
}

/// For each article (by position in `articles`), the positions of its related
/// articles, best first. `articles` must be ordered newest first: that order
/// breaks ties.
pub fn related_articles(
    articles: &[&Tags],
    weights: &RelatedWeights,
    count: usize,
) -> Vec<Vec<usize>> {
    if count == 0 {
        return vec![Vec::new(); articles.len()];
    }
    // Group articles by tag set; members stay newest first.
    let mut set_ids: HashMap<Vec<TagKey>, usize> = HashMap::new();
    let mut sets: Vec<Vec<TagKey>> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut set_of = Vec::with_capacity(articles.len());
    for (i, tags) in articles.iter().enumerate() {
        let k = keys(tags);
        let id = *set_ids.entry(k.clone()).or_insert_with(|| {
            sets.push(k);
            members.push(Vec::new());
            sets.len() - 1
        });
        members[id].push(i);
        set_of.push(id);
    }
    // Inverted index: tag → tag sets carrying it.
    let mut postings: HashMap<TagKey, Vec<usize>> = HashMap::new();
    for (id, set) in sets.iter().enumerate() {
        for &k in set {
            postings.entry(k).or_default().push(id);
        }
    }
    // For each tag set, the best `count + 1` articles of other sets or its own
    // (one more, because an article must not be related to itself).
    let ranking: Vec<Vec<usize>> = (0..sets.len())
        .into_par_iter()
        .map_init(
            || vec![0u32; sets.len()],
            |score, id| {
                // Scores are small integers: bucket the tag sets by score
                // instead of sorting them.
                let mut touched: Vec<usize> = Vec::new();
                let mut best = 0;
                for &k in &sets[id] {
                    let w = weight(k, weights);
                    if w == 0 {
                        continue;
                    }
                    for &other in &postings[&k] {
                        if score[other] == 0 {
                            touched.push(other);
                        }
                        score[other] += w;
                        best = best.max(score[other]);
                    }
                }
                let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); best as usize + 1];
                for &other in &touched {
                    buckets[score[other] as usize].push(other);
                    score[other] = 0;
                }
                let mut picked: Vec<usize> = Vec::new();
                // Walk score groups from the best; within a group, merge by date
                // (article position), taking only as many as could still be needed.
                for group_sets in buckets.iter().skip(1).rev() {
                    if picked.len() > count {
                        break;
                    }
                    let mut group: Vec<usize> = group_sets
                        .iter()
                        .flat_map(|&s| members[s].iter().take(count + 1))
                        .copied()
                        .collect();
                    group.sort_unstable();
                    picked.extend(group.into_iter().take(count + 1 - picked.len()));
                }
                picked
            },
        )
        .collect();
    (0..articles.len())
        .map(|i| {
            ranking[set_of[i]]
                .iter()
                .copied()
                .filter(|&a| a != i)
                .take(count)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{LevelId, TermId};

    fn tags(level: usize, attitudes: &[usize], practices: &[usize]) -> Tags {
        Tags {
            level: Some(LevelId(level)),
            attitudes: attitudes.iter().map(|&a| TermId(a)).collect(),
            practices: practices.iter().map(|&p| TermId(p)).collect(),
        }
    }

    /// The obvious page × page scoring, to check the indexed one against.
    fn brute_force(articles: &[&Tags], w: &RelatedWeights, count: usize) -> Vec<Vec<usize>> {
        (0..articles.len())
            .map(|i| {
                let ki = keys(articles[i]);
                let mut scored: Vec<(u32, usize)> = (0..articles.len())
                    .filter(|&j| j != i)
                    .map(|j| {
                        let kj = keys(articles[j]);
                        (
                            ki.iter()
                                .filter(|k| kj.contains(k))
                                .map(|&k| weight(k, w))
                                .sum(),
                            j,
                        )
                    })
                    .filter(|(s, _)| *s > 0)
                    .collect();
                scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.into_iter().take(count).map(|(_, j)| j).collect()
            })
            .collect()
    }

    #[test]
    fn weights_decide_the_order() {
        let a = tags(0, &[0], &[0]);
        let same_practice = tags(1, &[1], &[0]);
        let same_level_and_attitude = tags(0, &[0], &[1]);
        let list = [&a, &same_practice, &same_level_and_attitude];
        let w = RelatedWeights {
            level: 1,
            attitudes: 2,
            practices: 3,
        };
        assert_eq!(
            related_articles(&list, &w, 2)[0],
            vec![1, 2],
            "level+attitude (3) ties practice (3): the newer (earlier in the list) first"
        );
        let w = RelatedWeights {
            level: 1,
            attitudes: 1,
            practices: 5,
        };
        assert_eq!(related_articles(&list, &w, 2)[0], vec![1, 2]);
        let w = RelatedWeights {
            level: 5,
            attitudes: 1,
            practices: 1,
        };
        assert_eq!(related_articles(&list, &w, 2)[0], vec![2, 1]);
    }

    #[test]
    fn matches_brute_force_on_a_generated_site() {
        // A deterministic pseudo-random site.
        let mut seed: u64 = 42;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % m
        };
        let all: Vec<Tags> = (0..400)
            .map(|_| {
                let mut a: Vec<usize> = (0..1 + next(2)).map(|_| next(3)).collect();
                a.sort();
                a.dedup();
                let mut p: Vec<usize> = (0..1 + next(3)).map(|_| next(6)).collect();
                p.sort();
                p.dedup();
                tags(next(3), &a, &p)
            })
            .collect();
        let refs: Vec<&Tags> = all.iter().collect();
        for w in [
            RelatedWeights {
                level: 1,
                attitudes: 2,
                practices: 3,
            },
            RelatedWeights {
                level: 0,
                attitudes: 1,
                practices: 0,
            },
        ] {
            assert_eq!(related_articles(&refs, &w, 4), brute_force(&refs, &w, 4));
        }
    }
}
