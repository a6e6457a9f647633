//! The first half of the graph: every source and asset at its URL and
//! output path (two sources with one URL are refused), and the content-path
//! → URL map that `markdown` rewrites links with.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;

/// A file or folder name made safe for a URL: `My notes` → `my-notes`.
pub fn slug_segment(name: &str) -> String {
    let s = slug::slugify(name);
    if s.is_empty() { "page".into() } else { s }
}

/// Where each source goes. Returns (kind, url path, section dir, bundle dir).
fn place(source: &ParsedSource) -> (PageKind, String, String, Option<String>) {
    let rel = source.rel_path.as_str();
    let (dir, file) = match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    };
    let dir_url: String = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", slug_segment(s)))
        .collect();
    if file == "_index.md" {
        let kind = if dir.is_empty() {
            PageKind::Home
        } else {
            PageKind::Section
        };
        return (kind, dir_url, dir.to_string(), None);
    }
    let slug = source.meta.slug.clone();
    if file == "index.md" && !dir.is_empty() {
        // A page bundle: the folder is the page.
        let parent = match dir.rfind('/') {
            Some(i) => &dir[..i],
            None => "",
        };
        let parent_url: String = parent
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("{}/", slug_segment(s)))
            .collect();
        let name = slug.unwrap_or_else(|| slug_segment(dir.rsplit('/').next().unwrap_or(dir)));
        return (
            PageKind::Page,
            format!("{parent_url}{name}/"),
            parent.to_string(),
            Some(dir.to_string()),
        );
    }
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let name = slug.unwrap_or_else(|| slug_segment(stem));
    (
        PageKind::Page,
        format!("{dir_url}{name}/"),
        dir.to_string(),
        None,
    )
}

/// Pages and assets at their URLs: the first half of the graph.
pub struct Placement {
    /// Bodies not yet rendered.
    pub pages: Vec<Page>,
    pub assets: Vec<PlacedAsset>,
    /// Content path → URL (with the base path), for links in Markdown.
    pub urls: Arc<HashMap<String, String>>,
    /// Two sources (or assets) with one output path.
    pub errors: Vec<Diagnostic>,
}

impl Placement {
    /// Everything but the pages (they are replaced).
    pub fn clone_without_pages(&self) -> Placement {
        Placement {
            pages: Vec::new(),
            assets: self.assets.clone(),
            urls: Arc::clone(&self.urls),
            errors: self.errors.clone(),
        }
    }
}

/// First half of the graph: URLs for every source and asset.
pub fn assign_urls(
    sources: Vec<Arc<ParsedSource>>,
    assets: Vec<AssetFile>,
    config: &Config,
) -> Placement {
    let mut errors = Vec::new();
    let mut pages = Vec::with_capacity(sources.len());
    let mut by_path: HashMap<String, usize> = HashMap::with_capacity(sources.len());
    // Slugs cost a little per page: place them in parallel, then in order.
    let placed_sources: Vec<_> = sources
        .into_par_iter()
        .map(|source| (place(&source), source))
        .collect();
    for ((kind, path, section_dir, bundle_dir), source) in placed_sources {
        let is_article = is_article_path(&source.rel_path);
        if let Some(&other) = by_path.get(&path) {
            let other: &Page = &pages[other];
            let d = Diagnostic::file_error(
                &source.display_path,
                format!(
                    "this page and {} would both be written to /{path}",
                    other.source.display_path
                ),
            )
            .with_help(
                "give one of them a different `slug:` in its front matter, or rename the file",
            );
            errors.push(d);
            continue;
        }
        by_path.insert(path.clone(), pages.len());
        pages.push(Page {
            source,
            kind,
            path: UrlPath::new(path),
            section_dir,
            is_article,
            bundle_dir,
            body: Arc::default(),
        });
    }
    let mut urls: HashMap<String, String> = pages
        .iter()
        .map(|p| {
            (
                p.source.rel_path.clone(),
                format!("{}{}", config.base_path, p.path),
            )
        })
        .collect();
    // Bundle assets go next to their page's index.html; other assets keep their path.
    let bundles: HashMap<&str, &str> = pages
        .iter()
        .filter_map(|p| p.bundle_dir.as_deref().map(|d| (d, p.path.as_str())))
        .collect();
    let mut placed = Vec::with_capacity(assets.len());
    let mut taken: HashSet<String> = pages
        .iter()
        .map(|p| p.output_file().as_str().to_string())
        .collect();
    for asset in assets {
        let rel = asset.rel_path.as_str();
        let out = bundle_output(rel, &bundles).unwrap_or_else(|| rel.to_string());
        if out
            .split('/')
            .any(|s| s == ".." || s == "." || s.is_empty())
            || !taken.insert(out.clone())
        {
            errors.push(
                Diagnostic::file_error(
                    format!("content/{rel}"),
                    format!("this file would overwrite another output file at /{out}"),
                )
                .with_help("rename or move it"),
            );
            continue;
        }
        urls.insert(
            rel.to_string(),
            format!("{}{}", config.base_path, encode_path(&out)),
        );
        placed.push(PlacedAsset {
            asset,
            output: OutputPath::new(out),
        });
    }
    Placement {
        pages,
        assets: placed,
        urls: Arc::new(urls),
        errors,
    }
}

fn bundle_output(rel: &str, bundles: &HashMap<&str, &str>) -> Option<String> {
    let mut dir = rel;
    while let Some(i) = dir.rfind('/') {
        dir = &dir[..i];
        if let Some(page_path) = bundles.get(dir) {
            return Some(format!("{page_path}{}", &rel[dir.len() + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_assets_follow_their_page() {
        let bundles: HashMap<&str, &str> = [("articles/trip", "articles/the-trip/")]
            .into_iter()
            .collect();
        assert_eq!(
            bundle_output("articles/trip/img/a.png", &bundles).as_deref(),
            Some("articles/the-trip/img/a.png")
        );
        assert_eq!(bundle_output("images/a.png", &bundles), None);
    }
}
