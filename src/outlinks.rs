//! The last check before writing: every internal link of every rendered
//! page, whoever wrote it (the theme's chrome and pagination, a page's raw
//! HTML, the sitemap and the Atom feeds), must lead to a file of this build,
//! and its `#anchor` to an id on that page. The links authors write in
//! Markdown were checked against the sources already (`graph`); this reads
//! what the templates made of everything. A streaming HTML parser
//! (lol_html) reads the pages; each broken link is reported once per
//! template, with the pages it is on.

use std::collections::{BTreeMap, HashMap, HashSet};

use lol_html::{HtmlRewriter, Settings, element, text};
use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::paths::{OutputFile, OutputPath};

/// Where a rendered file came from: its template, and the content file of
/// its page (if it is one).
#[derive(Debug, Clone)]
pub struct FileOrigin {
    pub template: &'static str,
    pub source: Option<String>,
}

/// What one file links to and which anchors it has.
#[derive(Default, Debug)]
pub struct LinkScan {
    ids: HashSet<String>,
    /// (attribute, URL as written)
    links: Vec<(&'static str, String)>,
}

/// A page's body inside its rendered file: the HTML as the template got it
/// (`page.content`), its raw HTML as the writer wrote it, and the ids the
/// Markdown made (headings, checklists). The body's Markdown links were
/// checked against the sources, so the scan skips the body and reads its
/// raw HTML instead.
pub struct BodyPart<'a> {
    pub html: &'a str,
    pub raw_html: &'a str,
    pub ids: Vec<&'a str>,
}

/// What the rendered file at `path` (its text) links to, or None for a
/// file the check does not read. With `body`, the body's HTML is found in
/// the page and skipped (a template that changes it is read whole).
pub fn scan_rendered(path: &str, text: &str, body: Option<BodyPart>) -> Option<LinkScan> {
    let kind = kind_of(path)?;
    let at = body
        .as_ref()
        .filter(|b| !b.html.is_empty() && matches!(kind, Kind::Html))
        .and_then(|b| find_whole(text, b.html).map(|start| (start, b)));
    let Some((start, body)) = at else {
        return Some(scan(text.as_bytes(), kind));
    };
    // One read of the page around its body, then the body's raw HTML (each
    // reader costs its setup, so the parts go to one).
    let after = &text[start + body.html.len()..];
    let mut rest = String::with_capacity(start + after.len() + body.raw_html.len() + 1);
    rest.push_str(&text[..start]);
    rest.push_str(after);
    let mut out = scan(rest.as_bytes(), kind);
    if !body.raw_html.is_empty() {
        let more = scan(body.raw_html.as_bytes(), kind);
        out.ids.extend(more.ids);
        out.links.extend(more.links);
    }
    out.ids.extend(body.ids.iter().map(|id| id.to_string()));
    Some(out)
}

/// Where `needle` (a page's body, often half the page) is in `text`: found
/// by its first line's worth of bytes and then compared whole, which is many
/// times cheaper than a search that first studies a 10 KB needle.
fn find_whole(text: &str, needle: &str) -> Option<usize> {
    let mut cut = needle.len().min(64);
    while !needle.is_char_boundary(cut) {
        cut -= 1;
    }
    let prefix = &needle[..cut];
    let mut from = 0;
    while let Some(found) = text[from..].find(prefix) {
        let at = from + found;
        if text[at..].starts_with(needle) {
            return Some(at);
        }
        // The next try may overlap this one.
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// What is served besides the planned files: the search index is written
/// by its own stage (`pagefind/`); `huddle serve` answers `__huddle/`
/// itself (the stub sign-up, live reload).
pub struct Extra {
    pub search_index: bool,
    pub dev_server: bool,
}

/// Every broken internal link in `files` (the rendered ones, `origins` in
/// the same order), judged against `all_paths`. `base_url` and `base_path`
/// are the site's (`https://e.org/coach`, `/coach/`).
pub fn broken_links(
    files: &[OutputFile],
    origins: &[FileOrigin],
    scanned: &[Option<LinkScan>],
    all_paths: &[OutputPath],
    (base_url, base_path): (&str, &str),
    extra: &Extra,
) -> Vec<Diagnostic> {
    // Files not read as they were rendered are read now.
    let fresh: Vec<Option<LinkScan>> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            if scanned.get(i).is_some_and(Option::is_some) {
                return None;
            }
            let kind = kind_of(f.path.as_str())?;
            let bytes = f.content.unpack().ok()?;
            Some(scan(&bytes, kind))
        })
        .collect();
    let scans: Vec<Option<&LinkScan>> = fresh
        .iter()
        .enumerate()
        .map(|(i, s)| s.as_ref().or(scanned.get(i).and_then(Option::as_ref)))
        .collect();
    let paths: HashSet<&str> = all_paths.iter().map(OutputPath::as_str).collect();
    let ids: HashMap<&str, &HashSet<String>> = files
        .iter()
        .zip(&scans)
        .filter_map(|(f, s)| Some((f.path.as_str(), &s.as_ref()?.ids)))
        .collect();
    let resolver = Resolver {
        paths: &paths,
        ids: &ids,
        base_url,
        base_path,
        root: url::Url::parse(&format!("{base_url}/")).ok(),
        extra,
    };
    // (template, url, why) -> the pages (and their sources) it is on.
    type Found = BTreeMap<(&'static str, String, String), Vec<(String, Option<String>)>>;
    let found: Vec<Found> = files
        .par_iter()
        .zip(scans.par_iter())
        .enumerate()
        .map(|(i, (f, s))| {
            let mut out = Found::new();
            let (Some(s), Some(origin)) = (s, origins.get(i)) else {
                return out;
            };
            let mut seen = HashSet::new();
            for (_, url) in &s.links {
                if !seen.insert(url.as_str()) {
                    continue;
                }
                let email = origin.template.starts_with("newsletter_email");
                if let Some(why) = resolver.problem(f.path.as_str(), url, email) {
                    out.entry((origin.template, url.clone(), why))
                        .or_default()
                        .push((f.path.as_str().to_string(), origin.source.clone()));
                }
            }
            out
        })
        .collect();
    let mut all = Found::new();
    for part in found {
        for (k, mut v) in part {
            all.entry(k).or_default().append(&mut v);
        }
    }
    all.into_iter()
        .map(|((template, url, why), pages)| diagnostic(template, &url, &why, &pages))
        .collect()
}

fn diagnostic(
    template: &str,
    url: &str,
    why: &str,
    pages: &[(String, Option<String>)],
) -> Diagnostic {
    let (first, source) = &pages[0];
    let more = match pages.len() {
        1 => String::new(),
        n => format!(" and {} other page{}", n - 1, if n == 2 { "" } else { "s" }),
    };
    let message = format!("broken link `{url}` on {first}{more} (rendered by {template}): {why}");
    let help = match source {
        Some(src) => format!(
            "if content/{src} writes this link (as raw HTML), fix it there; otherwise fix templates/{template}, or add the page it should lead to"
        ),
        None => format!("fix the link in templates/{template}, or add the page it should lead to"),
    };
    Diagnostic::file_error(format!("templates/{template}"), message).with_help(help)
}

#[derive(Clone, Copy)]
enum Kind {
    Html,
    Sitemap,
    Atom,
}

fn kind_of(path: &str) -> Option<Kind> {
    if path.ends_with(".html") {
        Some(Kind::Html)
    } else if path == "sitemap.xml" {
        Some(Kind::Sitemap)
    } else if path.ends_with("atom.xml") {
        Some(Kind::Atom)
    } else {
        None
    }
}

fn scan(bytes: &[u8], kind: Kind) -> LinkScan {
    let mut result = LinkScan::default();
    {
        let ids = std::cell::RefCell::new(&mut result.ids);
        let links = std::cell::RefCell::new(Vec::new());
        let loc = std::cell::RefCell::new(String::new());
        let mut handlers = Vec::new();
        match kind {
            Kind::Html => {
                // One handler for every element, reading the attributes it
                // has: cheaper than a selector per attribute.
                handlers.push(element!("*", |el| {
                    for attr in el.attributes() {
                        let name = attr.name();
                        let (name, value) = (name.as_str(), attr.value());
                        match name {
                            "id" => {
                                ids.borrow_mut().insert(value);
                            }
                            "name" if el.tag_name() == "a" => {
                                ids.borrow_mut().insert(value);
                            }
                            "href" | "src" | "formaction" => {
                                let name = if name == "href" {
                                    "href"
                                } else if name == "src" {
                                    "src"
                                } else {
                                    "formaction"
                                };
                                links.borrow_mut().push((name, value));
                            }
                            "action" if el.tag_name() == "form" => {
                                links.borrow_mut().push(("action", value));
                            }
                            "srcset" => {
                                for candidate in value.split(',') {
                                    if let Some(url) = candidate.split_whitespace().next() {
                                        links.borrow_mut().push(("srcset", url.to_string()));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    Ok(())
                }));
            }
            Kind::Atom => handlers.push(element!("link[href]", |el| {
                if let Some(v) = el.get_attribute("href") {
                    links.borrow_mut().push(("href", v));
                }
                Ok(())
            })),
            Kind::Sitemap => handlers.push(text!("loc", |t| {
                loc.borrow_mut().push_str(t.as_str());
                if t.last_in_text_node() {
                    let url = std::mem::take(&mut *loc.borrow_mut());
                    links
                        .borrow_mut()
                        .push(("loc", decode_entities(url.trim())));
                }
                Ok(())
            })),
        }
        // Not strict: a page may hold markup whose parsing is ambiguous
        // (raw HTML in an article); the scan goes on through it.
        let mut settings = Settings::new().with_strict(false);
        for handler in handlers {
            settings = settings.append_element_content_handler(handler);
        }
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        // The site's own output: lol_html takes any bytes.
        let _ = rewriter.write(bytes);
        let _ = rewriter.end();
        result.links = links.into_inner();
    }
    result
}

/// `&amp;` and the like in sitemap text.
fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

struct Resolver<'a> {
    paths: &'a HashSet<&'a str>,
    ids: &'a HashMap<&'a str, &'a HashSet<String>>,
    base_url: &'a str,
    base_path: &'a str,
    /// The site's root as a URL (`https://e.org/coach/`): links are resolved
    /// against each file's URL under it (the url crate does the resolving).
    root: Option<url::Url>,
    extra: &'a Extra,
}

impl Resolver<'_> {
    /// Why `url`, written on the file at `from`, leads nowhere (None: it is fine
    /// or not ours to judge). In an `email`, only the site's absolute URLs
    /// are ours: the rest are the mailing service's placeholders
    /// (`{{ unsubscribe_url }}`, `*|UNSUB|*`).
    fn problem(&self, from: &str, url: &str, email: bool) -> Option<String> {
        let url = url.trim();
        if url.is_empty() {
            return None;
        }
        let own_absolute = url
            .strip_prefix(self.base_url)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
        // Pages write the site's full URL only where the theme makes it
        // from the page's own address (canonical, og:url); a writer's full
        // URL to the old site (an import) is warned about when the body is
        // read. Feeds, the sitemap and emails have only such URLs.
        let page = from.ends_with(".html") && !email;
        if own_absolute && page || email && !own_absolute {
            return None;
        }
        let root = self.root.as_ref()?;
        let target = root.join(from).and_then(|file| file.join(url)).ok()?;
        // Another site, or no site at all (mailto:, tel:, data:).
        if target.origin() != root.origin() {
            return None;
        }
        let path = percent_encoding::percent_decode_str(target.path())
            .decode_utf8_lossy()
            .into_owned();
        let inside = match path.strip_prefix(self.base_path) {
            Some(inside) => inside.to_string(),
            None if format!("{path}/") == self.base_path => String::new(),
            None => {
                return Some(format!(
                    "it is outside the site, whose pages are under {}",
                    self.base_path
                ));
            }
        };
        let file = match self.file_of(&inside)? {
            Ok(file) => file,
            Err(()) => return Some("the build writes no such page or file".into()),
        };
        let anchor = target.fragment().filter(|a| !a.is_empty())?;
        let anchor = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
        match self.ids.get(file.as_str()) {
            Some(ids) if !ids.contains(anchor.as_ref()) => {
                Some(format!("{file} has no id `{anchor}`"))
            }
            _ => None,
        }
    }

    /// The output file a site path names (Ok), none (Err), or None when it
    /// is written by a later stage and not checked here.
    fn file_of(&self, target: &str) -> Option<Result<String, ()>> {
        if self.extra.search_index && target.starts_with("pagefind/")
            || self.extra.dev_server && target.starts_with("__huddle/")
        {
            return None;
        }
        let candidates = if target.is_empty() || target.ends_with('/') {
            vec![format!("{target}index.html")]
        } else {
            vec![target.to_string(), format!("{target}/index.html")]
        };
        Some(
            candidates
                .into_iter()
                .find(|c| self.paths.contains(c.as_str()))
                .ok_or(()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_found_whole_even_after_an_earlier_copy_of_its_start() {
        let body = format!("<p>{}</p><p>end</p>", "x".repeat(100));
        let start_only = format!("<p>{}</p><p>other</p>", "x".repeat(100));
        let page = format!("<head>{start_only}</head><main>{body}</main>");
        assert_eq!(find_whole(&page, &body), page.find(&body));
        assert!(find_whole(&page, &body).unwrap() > start_only.len());
        assert_eq!(find_whole("<p>short</p>", "<p>sh"), Some(0));
        assert_eq!(find_whole("<p>ünï</p>", "ünï</p>"), Some(3));
        assert_eq!(find_whole(&start_only, &body), None);
        // A true match overlapping a false one.
        assert_eq!(find_whole("ababac", "abac"), Some(2));
    }
    use crate::paths::OutputContent;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: OutputPath::new(path.to_string()),
            content: OutputContent::Bytes(html.as_bytes().to_vec()),
        }
    }

    fn check(files: &[OutputFile], base: (&str, &str)) -> Vec<Diagnostic> {
        let origins: Vec<FileOrigin> = files
            .iter()
            .map(|_| FileOrigin {
                template: "page.html",
                source: None,
            })
            .collect();
        let paths: Vec<OutputPath> = files.iter().map(|f| f.path.clone()).collect();
        broken_links(
            files,
            &origins,
            &[],
            &paths,
            base,
            &Extra {
                search_index: true,
                dev_server: false,
            },
        )
    }

    #[test]
    fn links_to_pages_files_and_anchors_of_the_build_pass() {
        let files = [
            file(
                "index.html",
                "<a href=\"/coach/a/\">a</a><a href=\"a/#part\">p</a><img src=\"/coach/x.png\" srcset=\"/coach/x.png 1x, x.png 2x\"><a href=\"https://coach.example.org/coach/nowhere/\">abs</a><a href=\"https://elsewhere.org/\">e</a><a href=\"mailto:a@b.c\">m</a><a href=\"#top\" id=\"top\">t</a><link rel=\"stylesheet\" href=\"/coach/pagefind/pagefind-ui.css\">",
            ),
            file(
                "a/index.html",
                "<h2 id=\"part\">Part</h2><a href=\"../\">up</a><form action=\"/coach/a\"><button formaction=\"/coach/\">go</button></form>",
            ),
            file("x.png", ""),
        ];
        let errors = check(&files, ("https://coach.example.org/coach", "/coach/"));
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_missing_page_anchor_or_a_link_outside_the_site_is_named_once_per_template() {
        let files = [
            file(
                "index.html",
                "<a href=\"/coach/missing/\">m</a><a href=\"/coach/a/#nowhere\">n</a><a href=\"/other/\">o</a>",
            ),
            file("a/index.html", "<a href=\"/coach/missing/\">again</a>"),
            file(
                "sitemap.xml",
                "<urlset><url><loc>https://coach.example.org/coach/gone/</loc></url></urlset>",
            ),
        ];
        let errors = check(&files, ("https://coach.example.org/coach", "/coach/"));
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors.len(), 4, "{messages:#?}");
        let missing = messages
            .iter()
            .find(|m| m.contains("`/coach/missing/`"))
            .unwrap();
        assert!(
            missing.contains("and 1 other page") && missing.contains("page.html"),
            "{missing}"
        );
        assert!(messages.iter().any(|m| m.contains("no id `nowhere`")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`/other/`") && m.contains("outside the site"))
        );
        assert!(messages.iter().any(|m| m.contains("/coach/gone/")));
        assert!(
            errors
                .iter()
                .all(|e| e.origin == crate::diagnostic::Origin::File("templates/page.html".into()))
        );
    }
}
