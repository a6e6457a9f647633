//! Templates under serve: the last compiled ones are kept while no file
//! under templates/ or themes/ changed; otherwise they are compiled again
//! (and everything is rendered, with what each template reads of `site`
//! found again).

use std::path::Path;

use super::Changes;
use super::memo::Memo;
use super::stamps;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load;
use crate::render::{self, Templates};

/// The last compiled templates while no template changed, else the
/// template files to compile.
pub(super) fn take_templates(
    memo: &mut Memo,
    root: &Path,
    changes: &Changes,
    config: &Config,
) -> (
    Option<Templates>,
    Result<Vec<load::TemplateFile>, Vec<Diagnostic>>,
) {
    let theme_changed = changes.touches(root, &["templates", "themes"]);
    // Until a run succeeds, a reason to render everything stays: a failed
    // run may have compiled the new templates already.
    memo.render_all |= theme_changed || matches!(changes, Changes::Everything);
    if theme_changed {
        (None, load::load_templates(root, &config.theme))
    } else {
        match memo.templates.take() {
            Some(t) => (Some(t), Ok(Vec::new())),
            None => (None, load::load_templates(root, &config.theme)),
        }
    }
}

/// The templates: the last ones while no template changed, else compiled
/// afresh (and scanned for what of `site` they read). None when they or the
/// site have errors; what compiled is kept for the next try.
pub(super) fn compile_templates(
    memo: &mut Memo,
    cached: Option<Templates>,
    files: Result<Vec<load::TemplateFile>, Vec<Diagnostic>>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Templates> {
    let templates = match cached {
        Some(t) => Ok(t),
        None => files.and_then(render::compile_templates).inspect(|t| {
            memo.uses = stamps::site_uses(t.sources());
        }),
    };
    match templates.map_err(|e| problems.extend(e)).ok() {
        Some(t) if !problems.iter().any(Diagnostic::is_error) => Some(t),
        compiled => {
            memo.templates = compiled;
            None
        }
    }
}
