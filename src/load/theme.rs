//! Reads the theme: its templates and static files, from `themes/<name>/`
//! or the default theme built into huddle, with the site's own `templates/`
//! and `static/` overriding them file by file.

use std::path::Path;

use include_dir::Dir;

use super::*;

/// The theme's templates, then the site's `templates/` overriding them by name.
pub fn load_templates(root: &Path, theme: &str) -> Result<Vec<TemplateFile>, Vec<Diagnostic>> {
    let mut by_name: std::collections::BTreeMap<String, TemplateFile> = Default::default();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let theme_dir = root.join("themes").join(theme);
    if theme_dir.is_dir() {
        read_template_dir(
            root,
            &theme_dir.join("templates"),
            &mut by_name,
            &mut errors,
            &mut warnings,
        );
        // A theme copied before these templates existed still builds.
        add_built_in(&mut by_name, |name| ADDED_LATER.contains(&name));
    } else if theme == "default" {
        add_built_in(&mut by_name, |_| true);
    } else {
        errors.push(
            Diagnostic::file_error(
                "site.toml",
                format!("theme `{theme}` not found: there is no folder themes/{theme}/"),
            )
            .with_help("set theme = \"default\" or add the theme's folder under themes/"),
        );
    }
    read_template_dir(
        root,
        &root.join("templates"),
        &mut by_name,
        &mut errors,
        &mut warnings,
    );
    if errors.is_empty() {
        Ok(by_name.into_values().collect())
    } else {
        Err(errors)
    }
}

/// Templates the default theme gained after themes were first copied out of
/// it (machine-read outputs a theme rarely restyles): a theme without them
/// uses the built-in ones.
const ADDED_LATER: &[&str] = &[
    "rss.xml",
    "newsletter_archive.html",
    "newsletter_email.html",
    "newsletter_email.txt",
    "newsletter_email.md",
    "level_check.html",
];

/// The built-in default theme's templates that `wanted` picks and `into`
/// does not have yet.
fn add_built_in(
    into: &mut std::collections::BTreeMap<String, TemplateFile>,
    wanted: impl Fn(&str) -> bool,
) {
    let Some(dir) = DEFAULT_THEME.get_dir("templates") else {
        return;
    };
    for file in embedded_files(dir) {
        let name = embedded_name(file, "templates");
        if !wanted(&name) || into.contains_key(&name) {
            continue;
        }
        let text = String::from_utf8_lossy(file.contents()).into_owned();
        into.insert(
            name.clone(),
            TemplateFile {
                display_path: format!("(built-in default theme) templates/{name}"),
                name,
                text,
            },
        );
    }
}

/// A built-in theme file's path below its folder (`templates`, `static`), with `/`.
fn embedded_name(file: &include_dir::File, folder: &str) -> String {
    file.path()
        .strip_prefix(folder)
        .unwrap_or(file.path())
        .to_string_lossy()
        .replace('\\', "/")
}

fn read_template_dir(
    root: &Path,
    dir: &Path,
    into: &mut std::collections::BTreeMap<String, TemplateFile>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    for (name, abs) in walk_files(dir, root, warnings) {
        let display_path = display_path(root, &abs);
        match std::fs::read(&abs).map(String::from_utf8) {
            Ok(Ok(text)) => {
                into.insert(
                    name.clone(),
                    TemplateFile {
                        name,
                        display_path,
                        text,
                    },
                );
            }
            Ok(Err(_)) => errors.push(
                Diagnostic::file_error(display_path, "template is not valid UTF-8")
                    .with_help("save it as UTF-8"),
            ),
            Err(e) => errors.push(Diagnostic::file_error(
                display_path,
                format!("cannot read template: {e}"),
            )),
        }
    }
}

/// The theme's static files, then the site's `static/` on top of them.
pub fn load_static(root: &Path, theme: &str) -> Vec<StaticFile> {
    let mut by_path: std::collections::BTreeMap<String, StaticFile> = Default::default();
    let mut warnings = Vec::new();
    let theme_dir = root.join("themes").join(theme);
    if theme_dir.is_dir() {
        for (rel_path, abs) in walk_files(&theme_dir.join("static"), root, &mut warnings) {
            by_path.insert(
                rel_path.clone(),
                StaticFile {
                    rel_path,
                    source: FileSource::Disk(abs),
                },
            );
        }
    } else if theme == "default"
        && let Some(dir) = DEFAULT_THEME.get_dir("static")
    {
        for file in embedded_files(dir) {
            let rel_path = embedded_name(file, "static");
            by_path.insert(
                rel_path.clone(),
                StaticFile {
                    rel_path,
                    source: FileSource::Embedded(file.contents()),
                },
            );
        }
    }
    for (rel_path, abs) in walk_files(&root.join("static"), root, &mut warnings) {
        by_path.insert(
            rel_path.clone(),
            StaticFile {
                rel_path,
                source: FileSource::Disk(abs),
            },
        );
    }
    by_path.into_values().collect()
}

/// Every file of an embedded folder, recursively.
pub fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(embedded_files(sub));
    }
    out
}

/// The theme's fonts (`fonts/*.otf`, `*.ttf`), for share cards: from
/// `themes/<name>/fonts/`, else the built-in default theme's.
pub fn load_fonts(root: &Path, theme: &str) -> Vec<Vec<u8>> {
    let is_font = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "otf" | "ttf"))
    };
    let dir = root.join("themes").join(theme).join("fonts");
    if root.join("themes").join(theme).is_dir() {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| is_font(p))
            .collect();
        paths.sort();
        return paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    }
    let Some(fonts) = DEFAULT_THEME.get_dir("fonts") else {
        return Vec::new();
    };
    let mut files: Vec<_> = embedded_files(fonts)
        .into_iter()
        .filter(|f| is_font(f.path()))
        .collect();
    files.sort_by_key(|f| f.path());
    files.iter().map(|f| f.contents().to_vec()).collect()
}
