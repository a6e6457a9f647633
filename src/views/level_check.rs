//! The level self-check (`/levels/check/`): three questions about how work
//! flows in a team, each answered by the level (1, 2 or 3) whose work the
//! answer describes. The questions and answers are strings (`check_q1`,
//! `check_q1_a1` ...), so they translate and a site overrides them under
//! `[strings]`; each answer carries its level's page, where it leads
//! without JavaScript.

use serde::Serialize;

use super::Views;
use super::taxonomies::TermSummaryView;
use crate::vocab::TaxonomyKind;

#[derive(Serialize)]
pub struct LevelCheckView<'a> {
    pub questions: Vec<CheckQuestion<'a>>,
    /// Levels 1, 2 and 3 (term summaries: name, management, url, count).
    pub levels: Vec<TermSummaryView<'a>>,
}

#[derive(Serialize)]
pub struct CheckQuestion<'a> {
    /// `q1`, `q2`, `q3`.
    pub id: String,
    pub text: &'a str,
    pub answers: Vec<CheckAnswer<'a>>,
}

#[derive(Serialize)]
pub struct CheckAnswer<'a> {
    pub text: &'a str,
    /// The level the answer describes, and its page.
    pub level: u32,
    pub url: String,
}

/// How many questions the self-check asks, and the levels they tell apart.
const QUESTIONS: u32 = 3;
const LEVELS: u32 = 3;

impl<'a> Views<'a> {
    pub fn level_check(&self) -> LevelCheckView<'a> {
        let strings = &self.config.strings;
        let url_of = |number: u32| {
            self.vocab
                .level_numbered(number)
                .map(|l| self.url(&format!("levels/{}/", l.slug)))
                .unwrap_or_default()
        };
        let questions = (1..=QUESTIONS)
            .map(|q| CheckQuestion {
                id: format!("q{q}"),
                text: strings.text(&format!("check_q{q}")),
                answers: (1..=LEVELS)
                    .map(|level| CheckAnswer {
                        text: strings.text(&format!("check_q{q}_a{level}")),
                        level,
                        url: url_of(level),
                    })
                    .collect(),
            })
            .collect();
        let levels = self
            .terms(TaxonomyKind::Level)
            .into_iter()
            .filter(|t| t.number.is_some_and(|n| (1..=LEVELS).contains(&n)))
            .collect();
        LevelCheckView { questions, levels }
    }
}
