//! `huddle new` (a new article with valid front matter), `huddle newsletter
//! new` (the next newsletter issue, listing what was published since the
//! last) and `huddle init` (a new site that builds at once). They write only
//! new files and never overwrite.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::load_config;
use crate::diagnostic::Diagnostic;
use crate::load::{DEFAULT_THEME, embedded_files};
use crate::vocab::Vocabulary;

/// What `huddle new` is asked for.
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    pub title: String,
    pub level: Option<String>,
    pub attitudes: Vec<String>,
    pub practices: Vec<String>,
}

/// Writes `content/articles/<slug>.md` under `root`; returns its path.
pub fn new_article(
    root: &Path,
    article: &NewArticle,
    today: &str,
) -> Result<PathBuf, Vec<Diagnostic>> {
    let config = load_config(root, None)?;
    let vocab = Vocabulary::from_config(&config.vocabulary);
    let title = article.title.trim();
    let mut errors = Vec::new();
    if title.is_empty() {
        errors.push(
            Diagnostic::flag_error("TITLE", "the title is empty")
                .with_help("write it in quotes: huddle new \"Running a reciprocal team\""),
        );
    }
    let level = match &article.level {
        Some(l) => match vocab.level(l) {
            Ok(id) => vocab.levels[id.0].slug.clone(),
            Err(help) => {
                errors.push(
                    Diagnostic::flag_error("--level", format!("unknown level `{l}`"))
                        .with_help(help),
                );
                String::new()
            }
        },
        None => vocab
            .levels
            .first()
            .map(|l| l.slug.clone())
            .unwrap_or_default(),
    };
    for a in &article.attitudes {
        if let Err(help) = vocab.attitude(a) {
            errors.push(
                Diagnostic::flag_error("--attitude", format!("unknown attitude `{a}`"))
                    .with_help(help),
            );
        }
    }
    for p in &article.practices {
        if let Err(help) = vocab.practice(p) {
            errors.push(
                Diagnostic::flag_error("--practice", format!("unknown practice `{p}`"))
                    .with_help(help),
            );
        }
    }
    let slug = slug::slugify(title);
    let path = root
        .join("content")
        .join("articles")
        .join(format!("{slug}.md"));
    if path.exists() {
        errors.push(
            Diagnostic::file_error(
                format!("content/articles/{slug}.md"),
                "this article already exists; huddle new never overwrites",
            )
            .with_help("pick another title, or edit the existing file"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let list = |xs: &[String]| format!("[{}]", xs.join(", "));
    let text = format!(
        "---\ntitle: {}\ndate: {today}\ndescription: \"\"\nlevel: {level}\nattitudes: {}\npractices: {}\n---\n\nWrite the opening paragraph here. It becomes the summary in article lists.\n\n## A first heading\n\n- [ ] A first checklist item\n",
        yaml_string(title),
        list(&article.attitudes),
        list(&article.practices)
    );
    write_new(&path, &text).map_err(|d| vec![d])?;
    Ok(path)
}

/// What `huddle newsletter new` wrote.
#[derive(Debug)]
pub struct NewIssue {
    pub path: PathBuf,
    /// The articles it lists, newest first: (title, file under content/).
    pub articles: Vec<(String, String)>,
    /// Since when they were published: `--since`, else the last issue's
    /// date; `None` for a first issue (the newest articles).
    pub since: Option<String>,
}

/// How many articles a first issue lists (there is no last issue to count from).
const FIRST_ISSUE_ARTICLES: usize = 5;

/// Writes `content/newsletter/<today>.md`: a subject and preheader to
/// fill in, an intro to write, and the articles published since the last
/// issue (or since `since`, a date), newest first, that no issue featured
/// yet. "Published" is as a build at `now` publishes: no drafts, nothing
/// scheduled later.
pub fn new_issue(
    root: &Path,
    since: Option<&str>,
    now: jiff::Timestamp,
) -> Result<NewIssue, Vec<Diagnostic>> {
    let mut opts = crate::BuildOptions::new(root);
    opts.now = Some(now);
    // Issues written ahead (scheduled or drafts) count as the last issue and
    // their articles as featured; articles must be published at `now`.
    opts.future = true;
    opts.drafts = true;
    let opts = opts.resolved()?;
    let (config, vocab) = crate::pipeline::settings(&opts)?;
    let since = match since {
        Some(text) => match crate::front::parse_date(text, &config.zone) {
            Some(d) => Some(d),
            None => {
                return Err(vec![
                    Diagnostic::flag_error("--since", format!("`{text}` is not a date"))
                        .with_help("write it as YYYY-MM-DD, e.g. --since 2026-11-06"),
                ]);
            }
        },
        None => None,
    };
    let (sources, _, _) = crate::pipeline::read_sources(&opts, &config, &vocab);
    let errors: Vec<Diagnostic> = sources
        .problems
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let issues: Vec<_> = sources
        .sources
        .iter()
        .filter(|s| s.meta.issue.is_some())
        .collect();
    let featured: std::collections::HashSet<String> = issues
        .iter()
        .flat_map(|s| {
            let dir = s.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            let written = s.meta.issue.iter().flat_map(|i| &i.articles);
            written.map(move |a| content_path(dir, &a.written))
        })
        .collect();
    let last = issues
        .iter()
        .filter_map(|s| s.meta.date.clone())
        .max_by_key(|d| d.timestamp);
    let from = since.or(last);
    let mut articles: Vec<_> = sources
        .sources
        .iter()
        .filter(|s| crate::front::is_article_path(&s.rel_path) && !s.meta.draft)
        .filter_map(|s| Some((s.meta.date.as_ref()?.timestamp, s)))
        .filter(|(t, _)| *t <= now.as_second())
        .filter(|(t, _)| from.as_ref().is_none_or(|f| *t >= f.timestamp))
        .filter(|(_, s)| !featured.contains(&s.rel_path))
        .collect();
    articles.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.rel_path.cmp(&b.1.rel_path)));
    if from.is_none() {
        articles.truncate(FIRST_ISSUE_ARTICLES);
    }
    let today = now.to_zoned_datetime(config.zone.clone()).date();
    let rel = format!("content/newsletter/{today}.md");
    let path = opts.root.join(&rel);
    if path.exists() {
        return Err(vec![
            Diagnostic::file_error(
                rel,
                "today's newsletter issue already exists; huddle newsletter new never overwrites",
            )
            .with_help("edit that file, or rename it (its date stays in its front matter) and run the command again"),
        ]);
    }
    let display = crate::front::parse_date(&today.to_string(), &config.zone)
        .map_or_else(|| today.to_string(), |d| d.display);
    let since_text = from.as_ref().map(|d| d.display.clone());
    let list_comment = match &since_text {
        Some(d) => format!("published since {d}"),
        None => format!("the newest {FIRST_ISSUE_ARTICLES} (this is the first issue)"),
    };
    let mut text = format!(
        "---\nsubject: {}\ndate: {today}\n# The line email clients show after the subject.\npreheader: \"\"\n# The articles {list_comment}, newest first: reorder or remove\n# lines as you like. Each is checked like a link.\narticles:",
        yaml_string(&format!("{}: {display}", config.title)),
    );
    if articles.is_empty() {
        text.push_str(" []\n");
    } else {
        text.push('\n');
        for (_, s) in &articles {
            text.push_str(&format!(
                "  - \"@/{}\"  # {}\n",
                s.rel_path,
                s.meta.title.replace('\n', " ")
            ));
        }
    }
    text.push_str("---\n\nHello,\n\nwrite a few sentences for your readers here: what you noticed these\nweeks, and why the articles below are worth their time. The articles\nfollow this text, in the order listed above, with their summaries.\n\nUntil next time,\n");
    text.push_str(if config.author.is_empty() {
        &config.title
    } else {
        &config.author
    });
    text.push('\n');
    write_new(&path, &text).map_err(|d| vec![d])?;
    Ok(NewIssue {
        path,
        articles: articles
            .iter()
            .map(|(_, s)| (s.meta.title.clone(), s.rel_path.clone()))
            .collect(),
        since: since_text,
    })
}

/// An article as an issue lists it (`@/articles/x.md`, or relative to the
/// issue's folder `dir`) as its path under content/.
fn content_path(dir: &str, written: &str) -> String {
    let written = written.split(['#', '?']).next().unwrap_or_default();
    let (mut parts, rest): (Vec<&str>, &str) = match written.strip_prefix("@/") {
        Some(rest) => (Vec::new(), rest),
        None => (dir.split('/').filter(|p| !p.is_empty()).collect(), written),
    };
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A YAML double-quoted string.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
}

fn write_new(path: &Path, text: impl AsRef<[u8]>) -> Result<(), Diagnostic> {
    let err = |e: std::io::Error| {
        Diagnostic::file_error(path.display().to_string(), format!("cannot write: {e}"))
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(err)?;
    std::io::Write::write_all(&mut f, text.as_ref()).map_err(err)
}

/// The deploy workflow GitHub Pages runs, and Netlify's settings, with
/// `__CRON__`, `__HOUR_TEXT__` and `__VERSION__` to fill in.
const DEPLOY_WORKFLOW: &str = include_str!("deploy.yml");
const NETLIFY_TOML: &str = include_str!("netlify.toml");

/// `--daily-at HH:MM` (UTC): when the deploy workflow builds every day.
pub fn daily_at(text: &str) -> Result<jiff::civil::Time, Diagnostic> {
    text.trim().parse::<jiff::civil::Time>().map_err(|_| {
        Diagnostic::flag_error("--daily-at", format!("`{text}` is not a time of day"))
            .with_help("write it as HH:MM in UTC, e.g. --daily-at 05:30")
    })
}

/// The deploy files for a site built daily at `at` (UTC).
fn deploy_files(at: jiff::civil::Time) -> [(String, String); 2] {
    let version = env!("CARGO_PKG_VERSION");
    let workflow = DEPLOY_WORKFLOW
        .replace("__CRON__", &format!("{} {} * * *", at.minute(), at.hour()))
        .replace(
            "__HOUR_TEXT__",
            &format!("{:02}:{:02}", at.hour(), at.minute()),
        )
        .replace("__VERSION__", version);
    [
        (".github/workflows/deploy.yml".into(), workflow),
        (
            "netlify.toml".into(),
            NETLIFY_TOML.replace("__VERSION__", version),
        ),
    ]
}

/// What a new site says about itself in site.toml and on its home page.
pub struct NewSite<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub description: &'a str,
    /// The first article and the about page of `huddle init`; an import
    /// brings its own.
    pub sample_pages: bool,
}

impl NewSite<'_> {
    /// The site `huddle init` makes.
    pub const INIT: NewSite<'static> = NewSite {
        title: "Coach Notes",
        base_url: "https://coach.example.org",
        description: "Articles and checklists for the managers I coach.",
        sample_pages: true,
    };
}

/// The files of a new site (paths relative to its folder): site.toml, the
/// home and articles pages, the default theme, and a GitHub Pages workflow
/// that also builds every day at `daily` (UTC) and Netlify's settings.
pub fn new_site_files(
    site: &NewSite,
    today: &str,
    daily: jiff::civil::Time,
) -> Vec<(String, Vec<u8>)> {
    let toml_text = |s: &str| toml::Value::String(s.to_string()).to_string();
    let yaml_text = |s: &str| {
        serde_yaml::to_string(s)
            .map(|y| y.trim_end().to_string())
            .unwrap_or_else(|_| "Home".into())
    };
    let mut files: Vec<(String, String)> = vec![
        (
            "site.toml".into(),
            format!(
                "title = {}\nbase_url = {}\ndescription = {}\nlanguage = \"en\"\ntheme = \"default\"\n",
                toml_text(site.title),
                toml_text(site.base_url),
                toml_text(site.description)
            ),
        ),
        (".gitignore".into(), "public/\n.huddle/\n".into()),
        (
            "content/_index.md".into(),
            format!(
                "---\ntitle: {}\ndescription: {}\n---\n\nWelcome. Start with the newest article below.\n",
                yaml_text(site.title),
                yaml_text(site.description)
            ),
        ),
        (
            "content/articles/_index.md".into(),
            "---\ntitle: Articles\n---\n".into(),
        ),
    ];
    if site.sample_pages {
        files.push((
            "content/about.md".into(),
            "---\ntitle: About\n---\n\nWho writes these notes, and for whom.\n".into(),
        ));
        files.push(("content/articles/first-article.md".into(), format!("---\ntitle: My first article\ndate: {today}\ndescription: A first note for the managers I coach.\nlevel: pooled\nattitudes: [respect]\npractices: [effective-listening]\n---\n\nWrite your first article here. Its first paragraph is the summary.\n\n## Try this week\n\n- [ ] Listen to one person without planning your reply\n- [ ] Note one thing you learned\n")));
    }
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .chain(deploy_files(daily))
        .map(|(rel, text)| (rel, text.into_bytes()))
        .collect();
    for file in embedded_files(&DEFAULT_THEME) {
        out.push((
            format!("themes/default/{}", file.path().display()),
            file.contents().to_vec(),
        ));
    }
    out
}

/// Creates a new site in `dir` (which must not exist or be empty): the
/// files of `new_site_files`.
pub fn init_site(dir: &Path, today: &str, daily: jiff::civil::Time) -> Result<(), Vec<Diagnostic>> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(vec![
            Diagnostic::file_error(
                dir.display().to_string(),
                "this folder already exists and is not empty",
            )
            .with_help("give huddle init a new folder name, e.g. huddle init my-coaching-site"),
        ]);
    }
    for (rel, bytes) in new_site_files(&NewSite::INIT, today, daily) {
        write_new(&dir.join(&rel), &bytes).map_err(|d| vec![d])?;
    }
    Ok(())
}
