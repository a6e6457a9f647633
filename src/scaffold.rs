//! `huddle new` (a new article with valid front matter) and `huddle init` (a new
//! site that builds at once). They write only new files and never overwrite.

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

/// A YAML double-quoted string.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
}

fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
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
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(err)
}

/// Creates a new site in `dir` (which must not exist or be empty).
pub fn init_site(dir: &Path, today: &str) -> Result<(), Vec<Diagnostic>> {
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
    let files: Vec<(String, String)> = vec![
        ("site.toml".into(), "title = \"Coach Notes\"\nbase_url = \"https://coach.example.org\"\ndescription = \"Articles and checklists for the managers I coach.\"\nlanguage = \"en\"\ntheme = \"default\"\n".into()),
        (".gitignore".into(), "public/\n.huddle/\n".into()),
        ("content/_index.md".into(), "---\ntitle: Coach Notes\ndescription: Articles and checklists for the managers I coach.\n---\n\nWelcome. Start with the newest article below.\n".into()),
        ("content/articles/_index.md".into(), "---\ntitle: Articles\n---\n".into()),
        ("content/about.md".into(), "---\ntitle: About\n---\n\nWho writes these notes, and for whom.\n".into()),
        ("content/articles/first-article.md".into(), format!("---\ntitle: My first article\ndate: {today}\ndescription: A first note for the managers I coach.\nlevel: pooled\nattitudes: [respect]\npractices: [effective-listening]\n---\n\nWrite your first article here. Its first paragraph is the summary.\n\n## Try this week\n\n- [ ] Listen to one person without planning your reply\n- [ ] Note one thing you learned\n")),
    ];
    for (rel, text) in files {
        write_new(&dir.join(&rel), &text).map_err(|d| vec![d])?;
    }
    for file in embedded_files(&DEFAULT_THEME) {
        let path = dir.join("themes/default").join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| {
                vec![Diagnostic::file_error(
                    parent.display().to_string(),
                    e.to_string(),
                )]
            })?;
        }
        fs::write(&path, file.contents()).map_err(|e| {
            vec![Diagnostic::file_error(
                path.display().to_string(),
                e.to_string(),
            )]
        })?;
    }
    Ok(())
}
