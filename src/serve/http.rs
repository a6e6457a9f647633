//! serve's HTTP side: the site's files (folders as their index.html, `/foo`
//! redirected to `/foo/`, the site's 404, never a path outside the site), the
//! live-reload script and event stream, and the page shown before any good build.

use super::*;

pub(super) fn sse_event(event: &ServerEvent) -> Option<Event> {
    match event {
        ServerEvent::Reload { paths, css_only } => Some(
            Event::default()
                .event("reload")
                .data(serde_json::json!({ "paths": paths, "css_only": css_only }).to_string()),
        ),
        ServerEvent::Errors {
            errors,
            nothing_built,
        } => Some(Event::default().event("build-error").data(
            serde_json::json!({ "errors": errors, "nothing_built": nothing_built }).to_string(),
        )),
        ServerEvent::Built {
            milliseconds,
            rendered,
        } => Some(Event::default().event("built").data(
            serde_json::json!({ "milliseconds": milliseconds, "rendered": rendered }).to_string(),
        )),
        ServerEvent::Shutdown => None,
    }
}

pub(super) async fn events_stream(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let receiver = shared.events.subscribe();
    // A page opened while the build is broken shows the overlay at once.
    let current = shared.errors.read().map(|e| e.clone()).unwrap_or_default();
    let initial: Vec<ServerEvent> = if current.is_empty() {
        vec![]
    } else {
        vec![ServerEvent::Errors {
            errors: current,
            nothing_built: shared.nothing_built(),
        }]
    };
    let stream = tokio_stream::iter(initial)
        .chain(BroadcastStream::new(receiver).filter_map(Result::ok))
        .take_while(|e| !matches!(e, ServerEvent::Shutdown))
        .filter_map(|e| sse_event(&e))
        .map(Ok::<Event, std::convert::Infallible>);
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(super) async fn live_js() -> Response {
    with_headers(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        LIVE_RELOAD_JS.as_bytes().to_vec(),
    )
}

pub(super) fn with_headers(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site's HTML with the live-reload script before `</body>`.
pub(super) fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_RELOAD_TAG}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_RELOAD_TAG}\n").into_bytes(),
    }
}

pub(super) fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript"
            || mime.subtype() == "json"
            || mime.subtype() == "xml" =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// Which built file a URL path names, or why none does.
pub(super) enum Lookup {
    File(String),
    Redirect(String),
    NotFound,
    BadRequest,
}

pub(super) fn lookup(site: &BuiltSite, raw_path: &str) -> Lookup {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Lookup::BadRequest;
    };
    // Only paths inside the built site: no `..`, `.`, backslashes or NULs.
    if decoded.contains('\0')
        || decoded.contains('\\')
        || decoded.split('/').any(|s| s == ".." || s == ".")
    {
        return Lookup::BadRequest;
    }
    let rel = decoded.trim_start_matches('/');
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if site.files.contains_key(&key) {
        Lookup::File(key)
    } else if site.files.contains_key(&format!("{rel}/index.html")) {
        Lookup::Redirect(format!("/{rel}/"))
    } else {
        Lookup::NotFound
    }
}

pub(super) async fn site_file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let site = shared
        .site
        .read()
        .map(|s| Arc::clone(&s))
        .unwrap_or_default();
    if site.files.is_empty() {
        let errors = shared.errors.read().map(|e| e.clone()).unwrap_or_default();
        return error_page(&errors);
    }
    match lookup(&site, uri.path()) {
        Lookup::File(key) => {
            // (None: a cached picture deleted from .huddle/ while serving.)
            let Some(bytes) = site.read(&key) else {
                return with_headers(
                    StatusCode::NOT_FOUND,
                    "text/plain; charset=utf-8",
                    b"not found: the picture cache (.huddle/) lost this file; restart huddle serve to make it again"
                        .to_vec(),
                );
            };
            let body = if key.ends_with(".html") {
                inject(&bytes)
            } else {
                bytes
            };
            with_headers(StatusCode::OK, &content_type(&key), body)
        }
        Lookup::Redirect(to) => {
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            let mut r = with_headers(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                Vec::new(),
            );
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Lookup::NotFound => match site.read("404.html") {
            Some(page) => with_headers(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                inject(&page),
            ),
            None => with_headers(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                b"not found".to_vec(),
            ),
        },
        Lookup::BadRequest => with_headers(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            b"bad request: the path leaves the site".to_vec(),
        ),
    }
}

/// Served while no build has succeeded yet: the errors, and live reload so the
/// page recovers by itself once they are fixed.
pub(super) fn error_page(errors: &[ErrorView]) -> Response {
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nothing has built yet</title></head><body><h1>Nothing has built yet: the site has errors</h1><p>Fix them and save; this page reloads by itself.</p>",
    );
    for e in errors {
        body.push_str("<pre>");
        let _ = pulldown_cmark_escape::escape_html(&mut body, &e.frame);
        body.push_str("</pre>");
    }
    body.push_str("</body></html>");
    with_headers(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/html; charset=utf-8",
        inject(body.as_bytes()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::served::pack;
    use super::*;

    fn site(paths: &[&str]) -> BuiltSite {
        BuiltSite {
            files: paths.iter().map(|p| (p.to_string(), pack(b"x"))).collect(),
        }
    }

    #[test]
    fn lookups_stay_inside_the_site() {
        let s = site(&["index.html", "articles/a/index.html", "style.css"]);
        assert!(matches!(lookup(&s, "/"), Lookup::File(k) if k == "index.html"));
        assert!(matches!(lookup(&s, "/articles/a/"), Lookup::File(_)));
        assert!(matches!(lookup(&s, "/articles/a"), Lookup::Redirect(to) if to == "/articles/a/"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/articles/..%2F..%2Fetc",
            "/a\\b",
            "/%00",
        ] {
            assert!(matches!(lookup(&s, bad), Lookup::BadRequest), "{bad}");
        }
        assert!(matches!(lookup(&s, "//etc/passwd"), Lookup::NotFound));
        assert!(matches!(lookup(&s, "/nope"), Lookup::NotFound));
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script src=\"/__huddle/live.js\"></script>\n</body>"));
    }
}
