//! The theme's templates compiled with Tera (each reported on its own first,
//! so one broken template does not hide another), the `json` filter, and Tera
//! errors turned into diagnostics pointing into the template file.

use super::*;

/// The templates, compiled, with where each came from (for error messages).
pub struct Templates {
    pub(super) tera: Tera,
    files: HashMap<String, TemplateFile>,
}

impl Templates {
    /// The `fill` filter choosing plural forms by `language`'s rules (until
    /// this is called: English).
    pub fn set_language(&mut self, language: &str) {
        self.tera.register_filter("fill", fill_filter(language));
    }

    /// Every template's name and text.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .values()
            .map(|f| (f.name.as_str(), f.text.as_str()))
    }
}

/// Compiles the templates; every syntax error of every template is reported.
pub fn compile_templates(files: Vec<TemplateFile>) -> Result<Templates, Vec<Diagnostic>> {
    let files: HashMap<String, TemplateFile> =
        files.into_iter().map(|f| (f.name.clone(), f)).collect();
    let mut errors = Vec::new();
    // First each on its own, so one broken template does not hide another.
    for f in files.values() {
        let mut alone = Tera::default();
        if let Err(e) = alone.add_raw_template(&f.name, &f.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            errors.push(template_diagnostic(&e, &files));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    tera.register_filter("json", json_filter);
    tera.register_filter("markdown_escape", markdown_escape_filter);
    tera.register_filter("fill", fill_filter("en"));
    if let Err(e) =
        tera.add_raw_templates(files.values().map(|f| (f.name.as_str(), f.text.as_str())))
    {
        return Err(vec![template_diagnostic(&e, &files)]);
    }
    for required in [
        "index.html",
        "section.html",
        "page.html",
        "404.html",
        "taxonomy_list.html",
        "taxonomy_term.html",
        "checklists.html",
        "newsletter.html",
        "newsletter_archive.html",
        "newsletter_email.html",
        "newsletter_email.txt",
        "newsletter_email.md",
        "search.html",
        "level_check.html",
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
        "robots.txt",
        "alias.html",
        "share-card.svg",
    ] {
        if !tera.contains_template(required) {
            errors.push(
                Diagnostic::file_error(
                    format!("templates/{required}"),
                    format!("the theme has no `{required}` template"),
                )
                .with_help(format!(
                    "add templates/{required} to your site or theme (see docs/templates.md)"
                )),
            );
        }
    }
    if errors.is_empty() {
        Ok(Templates { tera, files })
    } else {
        Err(errors)
    }
}

/// `{{ strings.min_read | fill(n=4) }}`: an entry of the strings table
/// with its `{name}`s filled in from the arguments; a table of plural forms
/// is chosen by `n` under the plural rules of `language`.
fn fill_filter(
    language: &str,
) -> impl Fn(&tera::Value, tera::Kwargs, &tera::State) -> tera::TeraResult<String> + Send + Sync + 'static
{
    let plurals = crate::strings::Plurals::new(language);
    move |value, kwargs, _| fill(value, &kwargs, &plurals)
}

fn fill(
    value: &tera::Value,
    kwargs: &tera::Kwargs,
    plurals: &crate::strings::Plurals,
) -> tera::TeraResult<String> {
    let form = match (value.as_str(), value.as_map()) {
        (Some(text), _) => text.to_string(),
        (None, Some(forms)) => {
            let n: u64 = kwargs.must_get("n")?;
            let category = plurals.category(n);
            let pick = |name: &str| {
                forms
                    .get(&tera::value::Key::Str(name))
                    .and_then(|v| v.as_str().map(str::to_string))
            };
            pick(category).or_else(|| pick("other")).unwrap_or_default()
        }
        _ => {
            return Err(tera::Error::message(
                "`fill` takes an entry of `strings` (a text or plural forms)",
            ));
        }
    };
    Ok(crate::strings::fill_in(&form, |name| {
        kwargs
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v.to_string())
    }))
}

/// `{{ value | json }}`: the value as JSON that is safe inside a `<script>`
/// element (for JSON-LD): `<`, `>` and `&` are written as `\u003c` etc.
fn json_filter(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let escaped = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    tera::Value::safe_string(&escaped)
}

/// `{{ title | markdown_escape }}`: text that reads as itself in Markdown
/// (`*`, `_`, `[` and the other marks written with a backslash), for
/// email.md. Markdown has no escaping function of its own to call.
fn markdown_escape_filter(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    tera::Value::from(markdown_escape(&text))
}

fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]()<>#+-.!|~&".contains(c) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

/// A Tera error as a diagnostic pointing into the template file.
pub(super) fn template_diagnostic(
    e: &tera::Error,
    files: &HashMap<String, TemplateFile>,
) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let help = "fix the template (Tera syntax: https://keats.github.io/tera/docs/); variables are listed in docs/templates.md";
    match report.and_then(|r| files.get(r.filename()).map(|f| (r, f))) {
        Some((r, f)) => {
            let span = r.span();
            Diagnostic::at_line_col(
                &f.display_path,
                &f.text,
                span.start_line,
                span.start_col + 1,
                format!("template error: {}", r.message()),
            )
            .with_help(help)
        }
        None => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::file_error("templates", format!("template error: {message}"))
                .with_help(help)
        }
    }
}

/// A template rendered to text.
pub(super) fn render_text(
    templates: &Templates,
    name: &str,
    ctx: &Context,
) -> Result<String, Diagnostic> {
    templates
        .tera
        .render(name, ctx)
        .map_err(|e| template_diagnostic(&e, &templates.files))
}

pub(super) fn render_one(
    templates: &Templates,
    name: &str,
    ctx: &Context,
    path: OutputPath,
    inspect: impl FnOnce(&str),
) -> Result<OutputFile, Diagnostic> {
    templates
        .tera
        .render(name, ctx)
        .map(|html| {
            inspect(&html);
            OutputFile {
                path,
                content: OutputContent::Packed(lz4_flex::compress_prepend_size(html.as_bytes())),
            }
        })
        .map_err(|e| template_diagnostic(&e, &templates.files))
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_escape_keeps_the_text_as_written() {
        assert_eq!(
            super::markdown_escape("[Draft] 1. *Not* <b>bold</b>_x_"),
            "\\[Draft\\] 1\\. \\*Not\\* \\<b\\>bold\\</b\\>\\_x\\_"
        );
    }
}
