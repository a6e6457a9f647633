//! The second half of the graph: with bodies rendered, every internal link
//! and anchor is checked (with the closest match as a suggestion), the link
//! edges kept for backlinks, and the articles ordered newest first.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::front::Absent;
use crate::markdown::InternalLink;

/// One page's link edges (from, to) and link errors.
type PageLinks = (Vec<(usize, usize)>, Vec<Diagnostic>);

/// Second half: with bodies rendered, check every internal link and anchor, and
/// order the articles. `absent` are sources that take no part: a link to one
/// that failed earlier is not reported again; a link to a draft or a
/// scheduled page is an error (it would be broken in the output).
pub fn link_and_order(
    pages: Vec<Page>,
    assets: Vec<PlacedAsset>,
    absent: &HashMap<String, Absent>,
) -> (SiteGraph, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let targets = Targets {
        pages: &pages,
        index: pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.rel_path.as_str(), i))
            .collect(),
        assets: assets.iter().map(|a| a.asset.rel_path.as_str()).collect(),
        absent,
        sorted: std::sync::OnceLock::new(),
    };
    // Each page's links are checked on their own, in parallel; the results
    // are gathered in page order, so errors and edges come in a stable order.
    let checked: Vec<PageLinks> = pages
        .par_iter()
        .enumerate()
        .map(|(from, page)| targets.check(from, page))
        .collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (mut e, mut d) in checked {
        edges.append(&mut e);
        errors.append(&mut d);
    }
    let mut articles: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_article && p.kind == PageKind::Page)
        .map(|(i, _)| i)
        .collect();
    articles.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
    let section_pages = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != PageKind::Page)
        .map(|(i, p)| (p.section_dir.clone(), i))
        .collect();
    let issues = targets.issues();
    let graph = SiteGraph {
        pages,
        assets,
        articles,
        section_pages,
        link_edges: edges,
        issues,
    };
    (graph, errors)
}

/// What links can point at: the pages by content path, the assets, and the
/// sources that failed earlier.
struct Targets<'p> {
    pages: &'p [Page],
    index: HashMap<&'p str, usize>,
    assets: HashSet<&'p str>,
    absent: &'p HashMap<String, Absent>,
    /// For "did you mean" only: sorted once, and only if a link is broken.
    sorted: std::sync::OnceLock<Vec<&'p str>>,
}

impl Targets<'_> {
    /// The newsletter issues, newest first, with the pages each features
    /// (the links of its front matter, which come before its body).
    fn issues(&self) -> Vec<(usize, Vec<usize>)> {
        let mut issues: Vec<(usize, Vec<usize>)> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source.meta.issue.is_some() && p.kind == PageKind::Page)
            .map(|(i, p)| {
                let featured = p
                    .body
                    .links
                    .iter()
                    .filter(|l| l.span.end <= p.source.body_start)
                    .filter_map(|l| self.index.get(l.target.as_deref()?).copied())
                    .collect();
                (i, featured)
            })
            .collect();
        issues.sort_by(|a, b| newest_first(&self.pages[a.0], &self.pages[b.0]));
        issues
    }

    /// Page `from`'s link edges and broken links and anchors.
    fn check(&self, from: usize, page: &Page) -> PageLinks {
        let mut edges = Vec::new();
        let mut errors: Vec<Diagnostic> = page
            .body
            .problems
            .iter()
            .map(|p| {
                let source = &page.source;
                let d = Diagnostic::at(
                    &source.display_path,
                    &source.text,
                    p.span.clone(),
                    p.message.clone(),
                )
                .with_help(p.help.clone());
                if p.warning { d.warning() } else { d }
            })
            .collect();
        let mut featured = HashSet::new();
        for link in &page.body.links {
            if page.source.meta.issue.is_some()
                && link.span.end <= page.source.body_start
                && let Some(e) = self.check_featured(page, link, &mut featured)
            {
                errors.push(e);
            }
            let target_page = match &link.target {
                None if link.resolved => Some(page),
                None => continue, // a URL path (`/about/`); see the render stage
                Some(t) if self.absent.contains_key(t) => {
                    if let Some(e) = unpublished_link(page, link, t, &self.absent[t]) {
                        errors.push(e);
                    }
                    continue;
                }
                Some(t) => match self.index.get(t.as_str()) {
                    Some(&i) => {
                        if i != from && page.source.meta.issue.is_none() {
                            edges.push((from, i));
                        }
                        Some(&self.pages[i])
                    }
                    None if self.assets.contains(t.as_str()) => None,
                    None => {
                        errors.push(self.broken_link(page, link, t));
                        continue;
                    }
                },
            };
            if let (Some(target), Some(anchor)) = (target_page, &link.anchor)
                && !target.body.heading_ids.contains(anchor)
                && !is_footnote_anchor(anchor, &target.body.html)
            {
                errors.push(broken_anchor(page, link, target, anchor));
            }
        }
        (edges, errors)
    }

    /// An issue's `articles:` entry must be an article, once.
    fn check_featured(
        &self,
        page: &Page,
        link: &InternalLink,
        seen: &mut HashSet<usize>,
    ) -> Option<Diagnostic> {
        let &i = self.index.get(link.target.as_deref()?)?;
        let target = &self.pages[i];
        let (message, help) = if !(target.is_article && target.kind == PageKind::Page) {
            (
                format!(
                    "{} is not an article: an issue's `articles:` lists articles only",
                    target.source.display_path
                ),
                "list files of content/articles/ (`@/articles/name.md`); link other pages from the issue's text",
            )
        } else if !seen.insert(i) {
            (
                format!(
                    "{} is listed twice in `articles:`",
                    target.source.display_path
                ),
                "remove this line: each article appears once in an issue",
            )
        } else {
            return None;
        };
        let source = &page.source;
        Some(
            Diagnostic::at(
                &source.display_path,
                &source.text,
                link.span.clone(),
                message,
            )
            .with_help(help),
        )
    }

    fn broken_link(&self, page: &Page, link: &InternalLink, target: &str) -> Diagnostic {
        let sorted = self.sorted.get_or_init(|| {
            let mut all: Vec<&str> = self.index.keys().copied().collect();
            all.extend(self.assets.iter().copied());
            all.sort_unstable();
            all
        });
        // A missing picture is most likely another file, a page another page.
        let is_file = |p: &str| !p.ends_with(".md");
        let others = sorted
            .iter()
            .copied()
            .filter(|c| *c != page.source.rel_path && is_file(c) == is_file(target));
        let help = match closest(target, others) {
            Some(best) => format!("did you mean `{}`? (link paths are relative to this file, or start with @/ for content/)", relative_hint(&page.source.rel_path, best)),
            None => "link to a Markdown file under content/, relative to this file (`other.md`, `../guides/x.md`) or from content/ (`@/articles/x.md`)".into(),
        };
        link_error(
            page,
            link,
            format!(
                "broken link `{}`: there is no content/{target}",
                link.written
            ),
            help,
        )
    }
}

/// A link to a draft or a scheduled page: it would be broken in the output.
fn unpublished_link(
    page: &Page,
    link: &InternalLink,
    target: &str,
    why: &Absent,
) -> Option<Diagnostic> {
    let (message, help) = match why {
        Absent::Failed => return None,
        Absent::Draft => (
            format!("`{}` links to content/{target}, a draft that is not published", link.written),
            "publish it (remove `draft: true`), remove the link, or build with --drafts to preview".to_string(),
        ),
        Absent::Scheduled(when) => (
            format!("`{}` links to content/{target}, which is scheduled for {when} and not published yet", link.written),
            "link to it once it is out, schedule this page after it, or build with --future to publish both now".to_string(),
        ),
    };
    Some(link_error(page, link, message, help))
}

fn broken_anchor(page: &Page, link: &InternalLink, target: &Page, anchor: &str) -> Diagnostic {
    let mut ids: Vec<&str> = target.body.heading_ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    let help = match closest(anchor, ids.iter().copied()) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if ids.is_empty() => {
            format!("{} has no headings to link to", target.source.display_path)
        }
        None => format!(
            "headings in {}: {}",
            target.source.display_path,
            ids.iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = format!(
        "broken anchor `{}`: {} has no heading with id `{anchor}`",
        link.written, target.source.display_path
    );
    link_error(page, link, message, help)
}

fn link_error(page: &Page, link: &InternalLink, message: String, help: String) -> Diagnostic {
    Diagnostic::at(
        &page.source.display_path,
        &page.source.text,
        link.span.clone(),
        message,
    )
    .with_help(help)
}

fn is_footnote_anchor(anchor: &str, html: &str) -> bool {
    html.contains(&format!("id=\"{anchor}\""))
}

/// `best` written relative to the folder of `from`, as a writer would type it.
fn relative_hint(from: &str, best: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, d)| d.to_vec())
        .unwrap_or_default();
    let to: Vec<&str> = best.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hint_walks_up_and_down() {
        assert_eq!(relative_hint("articles/a.md", "articles/b.md"), "b.md");
        assert_eq!(relative_hint("articles/a.md", "about.md"), "../about.md");
        assert_eq!(relative_hint("about.md", "articles/b.md"), "articles/b.md");
    }
}
