//! The closed vocabulary of tags: interdependence levels, attitudes and practices.
//! Defaults come from the coaching model (DOMAIN.md); `[vocabulary]` in site.toml
//! can extend or replace them. It validates tag values into typed ids; it does not
//! know where in a file a value was written (the `front` stage does).

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, closest};

/// Index into `Vocabulary::levels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LevelId(pub usize);
/// Index into `Vocabulary::attitudes` or `Vocabulary::practices` (by context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(pub usize);

/// The three taxonomies every article is tagged with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxonomyKind {
    Level,
    Attitude,
    Practice,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 3] = [
        TaxonomyKind::Level,
        TaxonomyKind::Attitude,
        TaxonomyKind::Practice,
    ];

    /// The front-matter key: `level`, `attitudes`, `practices`.
    pub fn key(self) -> &'static str {
        match self {
            TaxonomyKind::Level => "level",
            TaxonomyKind::Attitude => "attitudes",
            TaxonomyKind::Practice => "practices",
        }
    }

    /// One value's name in messages: `level`, `attitude`, `practice`.
    pub fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Level => "level",
            TaxonomyKind::Attitude => "attitude",
            TaxonomyKind::Practice => "practice",
        }
    }

    /// The URL segment and template name: `levels`, `attitudes`, `practices`.
    pub fn plural(self) -> &'static str {
        match self {
            TaxonomyKind::Level => "levels",
            TaxonomyKind::Attitude => "attitudes",
            TaxonomyKind::Practice => "practices",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    pub slug: String,
    pub number: u32,
    pub name: String,
    /// What the work looks like.
    pub work: String,
    /// How it is coordinated (the management type).
    pub management: String,
    #[serde(default)]
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TermDef {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `[vocabulary]` in site.toml: lists added to (or, with `replace = true`,
/// replacing) the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VocabularyConfig {
    pub replace: bool,
    pub levels: Vec<LevelDef>,
    pub attitudes: Vec<TermDef>,
    pub practices: Vec<TermDef>,
}

impl VocabularyConfig {
    /// Checks slugs are usable in URLs and not repeated.
    pub fn validate(&self, config_text: &str) -> Result<(), Vec<Diagnostic>> {
        let vocab = Vocabulary::from_config(self);
        let mut errors = Vec::new();
        let lists: [(&str, Vec<&str>); 3] = [
            (
                "levels",
                vocab.levels.iter().map(|l| l.slug.as_str()).collect(),
            ),
            (
                "attitudes",
                vocab.attitudes.iter().map(|t| t.slug.as_str()).collect(),
            ),
            (
                "practices",
                vocab.practices.iter().map(|t| t.slug.as_str()).collect(),
            ),
        ];
        for (list, slugs) in lists {
            for (i, slug) in slugs.iter().enumerate() {
                let offset = config_text.find(&format!("\"{slug}\"")).unwrap_or(0);
                if !is_url_slug(slug) {
                    errors.push(
                        Diagnostic::at(
                            "site.toml",
                            config_text,
                            offset..offset + slug.len() + 2,
                            format!("vocabulary {list} slug \"{slug}\" cannot be used in a URL"),
                        )
                        .with_help(
                            "use lowercase letters, digits and hyphens, e.g. \"peer-review\"",
                        ),
                    );
                } else if slugs[..i].contains(slug) {
                    errors.push(Diagnostic::at("site.toml", config_text, offset..offset + slug.len() + 2,
                        format!("vocabulary {list} slug \"{slug}\" is defined twice"))
                        .with_help("remove one of them (the defaults already include it unless `replace = true`)"));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn is_url_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The site's vocabulary, defaults merged with site.toml.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    pub levels: Vec<LevelDef>,
    pub attitudes: Vec<TermDef>,
    pub practices: Vec<TermDef>,
}

impl Vocabulary {
    pub fn from_config(cfg: &VocabularyConfig) -> Self {
        let mut v = if cfg.replace {
            Vocabulary {
                levels: vec![],
                attitudes: vec![],
                practices: vec![],
            }
        } else {
            default_vocabulary()
        };
        v.levels.extend(cfg.levels.iter().cloned());
        v.attitudes.extend(cfg.attitudes.iter().cloned());
        v.practices.extend(cfg.practices.iter().cloned());
        v
    }

    /// A level by slug, or by its number ("3" = reciprocal).
    pub fn level(&self, value: &str) -> Result<LevelId, String> {
        let value = value.trim();
        if let Some(i) = self.levels.iter().position(|l| l.slug == value) {
            return Ok(LevelId(i));
        }
        if let Ok(n) = value.parse::<u32>()
            && let Some(i) = self.levels.iter().position(|l| l.number == n)
        {
            return Ok(LevelId(i));
        }
        Err(unknown_help(
            value,
            self.levels.iter().map(|l| l.slug.as_str()),
            "level",
        ))
    }

    /// The attitudes or practices (levels have their own list, `levels`).
    pub fn terms(&self, kind: TaxonomyKind) -> &[TermDef] {
        match kind {
            TaxonomyKind::Level => &[],
            TaxonomyKind::Attitude => &self.attitudes,
            TaxonomyKind::Practice => &self.practices,
        }
    }

    /// How many terms a taxonomy has.
    pub fn term_count(&self, kind: TaxonomyKind) -> usize {
        match kind {
            TaxonomyKind::Level => self.levels.len(),
            k => self.terms(k).len(),
        }
    }

    /// Term `t`'s slug (for a level too).
    pub fn term_slug(&self, kind: TaxonomyKind, t: usize) -> &str {
        match kind {
            TaxonomyKind::Level => &self.levels[t].slug,
            k => &self.terms(k)[t].slug,
        }
    }

    /// A term's slug and display name.
    pub fn term_slug_and_name(&self, kind: TaxonomyKind, t: usize) -> (&str, &str) {
        match kind {
            TaxonomyKind::Level => (&self.levels[t].slug, &self.levels[t].name),
            k => (&self.terms(k)[t].slug, &self.terms(k)[t].name),
        }
    }

    pub fn attitude(&self, value: &str) -> Result<TermId, String> {
        find_term(&self.attitudes, value, "attitude")
    }

    pub fn practice(&self, value: &str) -> Result<TermId, String> {
        find_term(&self.practices, value, "practice")
    }
}

fn find_term(list: &[TermDef], value: &str, what: &str) -> Result<TermId, String> {
    list.iter()
        .position(|t| t.slug == value.trim())
        .map(TermId)
        .ok_or_else(|| unknown_help(value, list.iter().map(|t| t.slug.as_str()), what))
}

fn unknown_help<'a>(
    value: &str,
    slugs: impl Iterator<Item = &'a str> + Clone,
    what: &str,
) -> String {
    let all = slugs
        .clone()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(value, slugs) {
        Some(best) => format!("did you mean `{best}`? (valid {what} values: {all})"),
        None => format!(
            "valid {what} values: {all} (a site can add its own under [vocabulary] in site.toml)"
        ),
    }
}

impl Vocabulary {
    /// The level numbered `number` (1 pooled, 2 sequential, 3 reciprocal
    /// in the defaults).
    pub fn level_numbered(&self, number: u32) -> Option<&LevelDef> {
        self.levels.iter().find(|l| l.number == number)
    }

    /// Whether the level self-check (/levels/check/) can point to a level for
    /// every answer: its answers describe levels 1, 2 and 3, and `check` is
    /// not taken by a level's own page.
    pub fn has_level_check(&self) -> bool {
        (1..=3).all(|n| self.level_numbered(n).is_some())
            && self.levels.iter().all(|l| l.slug != "check")
    }

    /// The names and descriptions the site's strings give its terms (the
    /// shipped tables translate the defaults; `[strings.vocabulary]` any term).
    pub fn translated(mut self, strings: &crate::strings::Strings) -> Vocabulary {
        for level in &mut self.levels {
            if let Some(t) = strings.term("levels", &level.slug) {
                let fields = [
                    (&mut level.name, &t.name),
                    (&mut level.work, &t.work),
                    (&mut level.management, &t.management),
                    (&mut level.explanation, &t.explanation),
                ];
                for (into, from) in fields {
                    if let Some(text) = from {
                        into.clone_from(text);
                    }
                }
            }
        }
        for (kind, list) in [
            (TaxonomyKind::Attitude, &mut self.attitudes),
            (TaxonomyKind::Practice, &mut self.practices),
        ] {
            for term in list.iter_mut() {
                if let Some(t) = strings.term(kind.plural(), &term.slug) {
                    if let Some(name) = &t.name {
                        term.name.clone_from(name);
                    }
                    if let Some(description) = &t.description {
                        term.description.clone_from(description);
                    }
                }
            }
        }
        self
    }
}

/// The coaching model of DOMAIN.md.
pub fn default_vocabulary() -> Vocabulary {
    let level =
        |slug: &str, number, name: &str, work: &str, management: &str, explanation: &str| {
            LevelDef {
                slug: slug.into(),
                number,
                name: name.into(),
                work: work.into(),
                management: management.into(),
                explanation: explanation.into(),
            }
        };
    let term = |slug: &str, name: &str, description: &str| TermDef {
        slug: slug.into(),
        name: name.into(),
        description: description.into(),
    };
    Vocabulary {
        levels: vec![
            level(
                "pooled",
                1,
                "Pooled",
                "Each person does a whole, standard unit of work on their own; the team's result is the sum of their parts.",
                "Standardization",
                "Pooled teams are coordinated by shared rules, trained procedures and reporting. People rarely need each other to finish their own work, so the manager's job is to keep the standards clear and the results visible, not to fill calendars with meetings.",
            ),
            level(
                "sequential",
                2,
                "Sequential",
                "Work passes from one person to the next in a known order, like an assembly line.",
                "Planning",
                "Sequential teams are coordinated by planning: schedules and goals set ahead, and analysis of the process and its handoffs. Each person depends on the one before them, so the manager watches the flow and the handoffs between steps.",
            ),
            level(
                "reciprocal",
                3,
                "Reciprocal",
                "People hand work back and forth in orders that are not known in advance; new information from anyone changes everyone's work.",
                "Mutual adjustment",
                "Reciprocal teams are coordinated by mutual adjustment: frequent communication and joint re-planning. This is the most complex level and needs the most coordination; too little information here is as costly as too many meetings at a lower level.",
            ),
        ],
        attitudes: vec![
            term(
                "respect",
                "Respect",
                "Respect for the contributions of others.",
            ),
            term(
                "openness",
                "Openness",
                "Openness to experimenting with other people's ideas.",
            ),
            term(
                "sensitivity",
                "Sensitivity",
                "Awareness of how your own actions affect others and the shared goals.",
            ),
        ],
        practices: vec![
            term(
                "effective-listening",
                "Effective listening",
                "Manage your ego; listen with empathy and curiosity.",
            ),
            term(
                "constructive-feedback",
                "Constructive feedback",
                "Make expectations clear, talk through what worked and what to improve, and talk about how feedback itself is received.",
            ),
            term(
                "exploring-what-and-why",
                "Exploring what and why",
                "Before a hard conversation, check your own expectations and assumptions; open with curiosity rather than judgement.",
            ),
            term(
                "collaborative-next-steps",
                "Collaborative next steps",
                "Agree on next steps together; coach people to find their own solutions instead of handing them one.",
            ),
            term(
                "follow-up",
                "Follow-up",
                "Follow up as agreed, be specific, and tie behaviour to outcome; about three positive observations for each critique.",
            ),
            term(
                "meeting-hygiene",
                "Meeting hygiene",
                "Avoid meeting overload in remote and hybrid teams.",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_accepts_slug_or_number_and_suggests_on_typo() {
        let v = default_vocabulary();
        assert_eq!(v.level("reciprocal"), Ok(LevelId(2)));
        assert_eq!(v.level("3"), Ok(LevelId(2)));
        let err = v.level("reciprocol").unwrap_err();
        assert!(err.contains("did you mean `reciprocal`"), "{err}");
        assert!(v.level("4").is_err());
    }

    #[test]
    fn every_shipped_language_names_and_describes_every_default_term() {
        for language in crate::strings::SHIPPED.into_iter().filter(|l| *l != "en") {
            let strings = crate::strings::Strings::for_language(language);
            let english = default_vocabulary();
            let translated = default_vocabulary().translated(&strings);
            for (en, t) in english.levels.iter().zip(&translated.levels) {
                assert_ne!(t.name, en.name, "{language} {}", en.slug);
                assert!(
                    t.work != en.work
                        && t.management != en.management
                        && t.explanation != en.explanation,
                    "{language} {}",
                    en.slug
                );
            }
            for kind in [TaxonomyKind::Attitude, TaxonomyKind::Practice] {
                for (en, t) in english.terms(kind).iter().zip(translated.terms(kind)) {
                    assert!(
                        strings
                            .term(kind.plural(), &en.slug)
                            .is_some_and(|x| x.name.is_some()),
                        "{language} {}",
                        en.slug
                    );
                    assert_ne!(t.description, en.description, "{language} {}", en.slug);
                }
            }
        }
    }

    #[test]
    fn config_extends_or_replaces_defaults() {
        let extra = TermDef {
            slug: "peer-review".into(),
            name: "Peer review".into(),
            description: String::new(),
        };
        let cfg = VocabularyConfig {
            practices: vec![extra.clone()],
            ..Default::default()
        };
        let v = Vocabulary::from_config(&cfg);
        assert!(v.practice("peer-review").is_ok());
        assert!(v.practice("follow-up").is_ok());
        let cfg = VocabularyConfig {
            replace: true,
            practices: vec![extra],
            ..Default::default()
        };
        let v = Vocabulary::from_config(&cfg);
        assert!(v.practice("follow-up").is_err());
        assert!(v.levels.is_empty());
    }
}
