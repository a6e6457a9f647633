//! `huddle serve`: builds the site in memory and serves it on loopback, and with
//! `--watch` rebuilds on every save and tells open pages to reload (Server-Sent
//! Events). A save that breaks the build keeps the last good pages served and
//! shows the errors as an overlay. It never writes the output folder and never
//! serves anything but the files of the built site.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::BuildOptions;
use crate::diagnostic::Diagnostic;
use crate::load::FileSource;
use crate::render::OutputContent;
use crate::search::SearchBatch;
use crate::session::{Changes, Session};
use crate::watch::SiteWatcher;

/// A status line on stdout. Unlike `println!`, a closed stdout (the terminal
/// went away, a pipe's reader stopped) never panics the server.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The same on stderr, for diagnostics.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

const LIVE_RELOAD_JS: &str = include_str!("live.js");
const LIVE_RELOAD_TAG: &str = "<script src=\"/__huddle/live.js\"></script>";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub drafts: bool,
    /// Open the site in the default browser (`$BROWSER` on Linux) once served.
    pub open: bool,
}

/// The built site, in memory: output path (`articles/foo/index.html`) →
/// bytes, LZ4-compressed (HTML shrinks about 4x; a 10,000-page site would
/// otherwise hold hundreds of MB). Equal bytes compress to equal bytes, so
/// changes are found by comparing the compressed forms.
#[derive(Default)]
struct BuiltSite {
    files: HashMap<String, Arc<[u8]>>,
}

impl BuiltSite {
    /// The file's bytes, decompressed.
    fn read(&self, key: &str) -> Option<Vec<u8>> {
        self.files
            .get(key)
            .and_then(|packed| lz4_flex::decompress_size_prepended(packed).ok())
    }
}

fn pack(bytes: &[u8]) -> Arc<[u8]> {
    Arc::from(lz4_flex::compress_prepend_size(bytes))
}

/// An error as the browser overlay shows it.
#[derive(Debug, Clone, Serialize)]
struct ErrorView {
    file: String,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
    /// The terminal's code frame, as plain text.
    frame: String,
}

impl From<&Diagnostic> for ErrorView {
    fn from(d: &Diagnostic) -> Self {
        ErrorView {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
            frame: d.render(false),
        }
    }
}

#[derive(Debug, Clone)]
enum ServerEvent {
    Reload {
        paths: Vec<String>,
        css_only: bool,
    },
    Errors(Vec<ErrorView>),
    /// A rebuild finished: everything it changed is served.
    Built {
        milliseconds: u128,
        rendered: usize,
    },
    Shutdown,
}

/// How long the author must stop saving before the search index is refreshed.
const INDEX_IDLE: Duration = Duration::from_secs(1);

/// Where Pagefind's files live in the site.
const INDEX_DIR: &str = "pagefind/";

struct Shared {
    root: PathBuf,
    /// Rebuilds hand their search records to the background indexer here.
    indexer: Mutex<Sender<SearchBatch>>,
    /// Search is on in the last good build: an index finished after it was
    /// turned off is dropped.
    search_on: std::sync::atomic::AtomicBool,
    /// Serializes appends to the sign-ups file, so lines never interleave.
    signups: std::sync::Mutex<()>,
    site: RwLock<Arc<BuiltSite>>,
    errors: RwLock<Vec<ErrorView>>,
    events: broadcast::Sender<ServerEvent>,
}

/// Runs the server until Ctrl-C. Errors here are the server's own (the port is
/// taken); content errors never stop it.
pub fn run(opts: ServeOptions) -> Result<(), Vec<Diagnostic>> {
    let listener = TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
        let help = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "another program (or another huddle serve) uses it; try --port {}",
                opts.port.wrapping_add(1).max(1024)
            )
        } else {
            "choose another --port or --bind address".to_string()
        };
        vec![
            Diagnostic::file_error(
                format!("{}:{}", opts.bind, opts.port),
                format!("cannot listen on this address: {e}"),
            )
            .with_help(help),
        ]
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| vec![Diagnostic::file_error("serve", e.to_string())])?;
    let shown_ip = if local.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        local.ip()
    };
    let base_url = format!("http://{}/", SocketAddr::new(shown_ip, local.port()));
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        base_url: Some(base_url.clone()),
        drafts: opts.drafts,
        dev_server: true,
    };

    // Rebuilds run on their own threads at normal priority; the global rayon
    // pool, which Pagefind uses, and the indexer run at the lowest priority, so
    // a save is never slowed by the index being refreshed.
    rayon::ThreadPoolBuilder::new()
        .start_handler(|_| lower_this_thread_priority())
        .build_global()
        .ok();
    let builders = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("huddle-build-{i}"))
        .build()
        .map_err(|e| vec![Diagnostic::file_error("serve", e.to_string())])?;

    let (events, _) = broadcast::channel(64);
    let (to_indexer, index_queue) = std::sync::mpsc::channel();
    let shared = Arc::new(Shared {
        indexer: Mutex::new(to_indexer),
        search_on: std::sync::atomic::AtomicBool::new(false),
        root: opts.root.clone(),
        signups: std::sync::Mutex::new(()),
        site: RwLock::new(Arc::new(BuiltSite::default())),
        errors: RwLock::new(Vec::new()),
        events,
    });
    let started = Instant::now();
    let mut session = Session::new(build_opts.clone());
    builders.install(|| {
        rebuild(
            &shared,
            &mut session,
            &Changes::Everything,
            "start",
            started,
        )
    });
    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || index_in_background(&shared, &index_queue));
    }

    if opts.watch {
        let output = build_opts.output_dir();
        let ignored = vec![output, opts.root.join(".huddle")];
        let watcher = SiteWatcher::new(&opts.root, ignored).map_err(|e| {
            vec![Diagnostic::file_error(
                opts.root.display().to_string(),
                format!("cannot watch the site's files: {e}"),
            )]
        })?;
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            while let Some(paths) = watcher.next_batch() {
                let started = Instant::now();
                let what = describe(&build_opts.root, &paths);
                // site.toml (or a watcher that lost events) rebuilds everything.
                let changes = if paths.contains(&build_opts.root.join("site.toml")) {
                    Changes::Everything
                } else {
                    Changes::Paths(paths)
                };
                // A bug in a stage must not end watching: report it and go on.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    builders.install(|| rebuild(&shared, &mut session, &changes, &what, started))
                }));
                if outcome.is_err() {
                    // Trust nothing the failed rebuild may have left half-done.
                    session = Session::new(build_opts.clone());
                    say!(
                        "{what}: the rebuild failed unexpectedly (a bug in huddle); still serving the last good build"
                    );
                }
            }
        });
        say!("Watching content/, templates/, themes/, static/ and site.toml for changes");
    }
    // Printed last: once this line is out, the site is built and watched.
    say!(
        "Serving {} at {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );
    if opts.open {
        // The listener is bound, so the browser's first request waits for us.
        let url = base_url.clone();
        std::thread::spawn(move || {
            if let Err(e) = webbrowser::open(&url) {
                tell!("could not open a browser ({e}); open {url} yourself");
            }
        });
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            vec![Diagnostic::file_error(
                "serve",
                format!("cannot start the server: {e}"),
            )]
        })?;
    runtime.block_on(async move {
        listener.set_nonblocking(true).ok();
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| vec![Diagnostic::file_error("serve", e.to_string())])?;
        let app = Router::new()
            .route("/__huddle/events", get(events_stream))
            .route("/__huddle/live.js", get(live_js))
            .route(
                crate::newsletter::LOCAL_ENDPOINT,
                axum::routing::post(newsletter_signup)
                    .layer(axum::extract::DefaultBodyLimit::max(SIGNUP_BODY_LIMIT)),
            )
            .fallback(get(site_file))
            .with_state(Arc::clone(&shared));
        let on_shutdown = Arc::clone(&shared);
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                // End the event streams, or graceful shutdown would wait on them.
                let _ = on_shutdown.events.send(ServerEvent::Shutdown);
                say!("\nStopped.");
            })
            .await
            .map_err(|e| {
                vec![Diagnostic::file_error(
                    "serve",
                    format!("the server stopped: {e}"),
                )]
            })
    })
}

/// "content/articles/foo.md" or "3 files".
fn describe(root: &Path, paths: &[PathBuf]) -> String {
    match paths {
        [one] => crate::load::display_path(root, one),
        many => format!("{} files", many.len()),
    }
}

/// Rebuilds after `changes`; on success swaps the new files in and announces
/// what changed (the edited pages first, as soon as they are rendered, then
/// the pages that list or link to them), on failure keeps the last good site
/// and announces the errors.
fn rebuild(
    shared: &Shared,
    session: &mut Session,
    changes: &Changes,
    what: &str,
    started: Instant,
) {
    let root = session.options().root.clone();
    let mut first: Option<(Vec<String>, u128)> = None;
    let mut on_first = |files: Vec<crate::render::OutputFile>| {
        // Rendered pages only: nothing to read, nothing to fail.
        let (update, _) = prepare(&root, files, changes);
        let changed = apply(shared, update, None, false);
        announce(shared, &changed, true);
        // The express lane and then the rebuild's first phase may both come.
        match &mut first {
            None => first = Some((changed, started.elapsed().as_millis())),
            Some((earlier, _)) => earlier.extend(changed),
        }
    };
    let result = session.rebuild(changes, &mut on_first).and_then(|site| {
        // Warnings once, at start; every rebuild would repeat them.
        if what == "start" {
            for w in &site.warnings {
                tell!("{}\n", w.render(false));
            }
        }
        let (update, unreadable) = prepare(&root, site.files, changes);
        shared
            .search_on
            .store(site.search.is_some(), std::sync::atomic::Ordering::SeqCst);
        let changed = apply(shared, update, Some(&site.all_paths), site.search.is_some());
        if unreadable.is_empty() {
            Ok((changed, site.rendered, site.search))
        } else {
            Err(unreadable)
        }
    });
    let elapsed = started.elapsed().as_millis();
    match result {
        Ok((mut changed, rendered, search)) => {
            let pages_changed = changed.iter().filter(|p| p.ends_with(".html")).count();
            let first_note = match &first {
                Some((edited, ms)) => {
                    let pages = edited.iter().filter(|p| p.ends_with(".html")).count();
                    changed.retain(|p| !edited.contains(p));
                    format!(
                        " (the edited page{} in {ms} ms)",
                        if pages == 1 { "" } else { "s" }
                    )
                }
                None => String::new(),
            };
            let pages_changed = pages_changed
                + first.as_ref().map_or(0, |(e, _)| {
                    e.iter().filter(|p| p.ends_with(".html")).count()
                });
            say!(
                "{what}: rebuilt in {elapsed} ms{first_note}, {rendered} file{} rendered, {pages_changed} page{} changed",
                if rendered == 1 { "" } else { "s" },
                if pages_changed == 1 { "" } else { "s" }
            );
            announce(shared, &changed, first.is_none());
            let _ = shared.events.send(ServerEvent::Built {
                milliseconds: elapsed,
                rendered,
            });
            if let Some(batch) = search
                && let Ok(indexer) = shared.indexer.lock()
            {
                let _ = indexer.send(batch);
            }
        }
        Err(problems) => {
            for d in &problems {
                tell!("{}\n", d.render(false));
            }
            let errors: Vec<ErrorView> = problems
                .iter()
                .filter(|d| d.is_error())
                .map(ErrorView::from)
                .collect();
            say!(
                "{what}: {} error{} after {elapsed} ms; still serving the last good build",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            if let Ok(mut e) = shared.errors.write() {
                e.clone_from(&errors);
            }
            let _ = shared.events.send(ServerEvent::Errors(errors));
        }
    }
}

/// Files ready to serve, read or unpacked outside any lock: bytes, or for a
/// file copied from disk that the change did not touch, where to read it if
/// the served site lacks it.
struct Update(Vec<(String, Ready)>);

/// The bytes to serve, or (for an untouched copied file) where to read them.
type Ready = Result<Arc<[u8]>, PathBuf>;

/// Also returns the files that could not be read (reported as errors; the
/// rest of the update still applies, so what is served matches what was rendered).
fn prepare(
    root: &Path,
    files: Vec<crate::render::OutputFile>,
    changes: &Changes,
) -> (Update, Vec<Diagnostic>) {
    let mut out = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    // A static file's output may now come from elsewhere (the site's copy
    // deleted, the theme's shows through): re-read every file of a changed name.
    let static_names = changed_static_names(root, changes);
    for f in files {
        let path = f.path.as_str().to_string();
        let packed: Result<Arc<[u8]>, Diagnostic> = match f.content {
            OutputContent::Bytes(b) => Ok(pack(&b)),
            // Rendered pages come compressed already, in the same format.
            OutputContent::Packed(p) => Ok(Arc::from(p)),
            OutputContent::Copy(FileSource::Embedded(b)) => Ok(pack(b)),
            OutputContent::Copy(FileSource::Disk(p))
                if !changes.covers(&p) && !static_names.contains(path.as_str()) =>
            {
                out.push((path, Err(p)));
                continue;
            }
            OutputContent::Copy(FileSource::Disk(p)) => {
                std::fs::read(&p).map(|b| pack(&b)).map_err(|e| {
                    Diagnostic::file_error(
                        crate::load::display_path(root, &p),
                        format!("cannot read: {e}"),
                    )
                })
            }
        };
        match packed {
            Ok(b) => out.push((path, Ok(b))),
            Err(d) => errors.push(d),
        }
    }
    (Update(out), errors)
}

/// The names (`css/site.css`) of changed files under static/ or a theme's static/.
fn changed_static_names(root: &Path, changes: &Changes) -> std::collections::HashSet<String> {
    let Changes::Paths(paths) = changes else {
        return Default::default();
    };
    let themes = root.join("themes");
    paths
        .iter()
        .filter_map(|p| {
            let rel = match p.strip_prefix(root.join("static")) {
                Ok(rel) => rel,
                // themes/<name>/static/...
                Err(_) => {
                    let in_theme = p.strip_prefix(&themes).ok()?;
                    let mut parts = in_theme.components();
                    parts.next()?;
                    (parts.next()?.as_os_str() == "static").then_some(())?;
                    parts.as_path()
                }
            };
            Some(crate::load::display_path(Path::new(""), rel))
        })
        .collect()
}

/// Swaps `update` into the served site; with `all_paths`, also drops files
/// the site no longer has (keeping the search index if `keep_index`).
/// Returns the paths whose bytes changed.
fn apply(
    shared: &Shared,
    update: Update,
    all_paths: Option<&[crate::graph::OutputPath]>,
    keep_index: bool,
) -> Vec<String> {
    let Ok(mut site) = shared.site.write() else {
        return Vec::new();
    };
    let mut files = site.files.clone();
    let mut changed = Vec::new();
    for (path, bytes) in update.0 {
        let bytes = match bytes {
            Ok(b) => b,
            Err(_) if files.contains_key(&path) => continue,
            // A copied file the served site lacks (say, one added while the
            // site was broken): read it now.
            Err(p) => match std::fs::read(&p) {
                Ok(b) => pack(&b),
                Err(_) => continue,
            },
        };
        if files.get(&path) != Some(&bytes) {
            changed.push(format!("/{path}"));
            files.insert(path, bytes);
        }
    }
    if let Some(all) = all_paths {
        let live: std::collections::HashSet<&str> = all.iter().map(|p| p.as_str()).collect();
        files.retain(|path, _| {
            let keep = live.contains(path.as_str()) || (keep_index && path.starts_with(INDEX_DIR));
            if !keep {
                changed.push(format!("/{path}"));
            }
            keep
        });
    }
    changed.sort();
    *site = Arc::new(BuiltSite { files });
    changed
}

/// Tells open pages what changed: a `reload` event (also after a broken build
/// is fixed, so the overlay goes), with `css_only` when only stylesheets changed.
fn announce(shared: &Shared, changed: &[String], may_clear_errors: bool) {
    let had_errors = may_clear_errors
        && shared
            .errors
            .write()
            .map(|mut e| !std::mem::take(&mut *e).is_empty())
            .unwrap_or(false);
    if changed.is_empty() && !had_errors {
        return;
    }
    let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
    let _ = shared.events.send(ServerEvent::Reload {
        paths: changed.to_vec(),
        css_only: css_only && !had_errors,
    });
}

/// Paths (`/articles/x/index.html`) whose bytes differ between two builds,
/// or that exist in only one, sorted.
fn changed_paths(old: &BuiltSite, new: &BuiltSite) -> Vec<String> {
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|(path, bytes)| old.files.get(*path) != Some(*bytes))
        .map(|(path, _)| format!("/{path}"))
        .collect();
    changed.extend(
        old.files
            .keys()
            .filter(|p| !new.files.contains_key(*p))
            .map(|p| format!("/{p}")),
    );
    changed.sort();
    changed
}

/// The background indexer: indexes the first build's pages at once, later
/// ones when the author has stopped saving for `INDEX_IDLE`, and swaps the new
/// index's files into the served site. Runs at the lowest priority.
fn index_in_background(shared: &Shared, queue: &Receiver<SearchBatch>) {
    lower_this_thread_priority();
    let mut first = true;
    while let Ok(mut batch) = queue.recv() {
        // Only the newest pages matter: wait until saves stop, keep the last batch.
        if !first {
            loop {
                match queue.recv_timeout(INDEX_IDLE) {
                    Ok(newer) => batch = newer,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        first = false;
        let started = Instant::now();
        let records = (batch.records)();
        let count = records.len();
        let files = match crate::search::start_index(records, batch.language).finish() {
            Ok(files) => files,
            Err(d) => {
                tell!("{}\n", d.render(false));
                continue;
            }
        };
        let mut changed = Vec::new();
        if let Ok(mut site) = shared.site.write() {
            // Checked under the lock the rebuild's swap also takes.
            if !shared.search_on.load(std::sync::atomic::Ordering::SeqCst) {
                continue;
            }
            let mut new = BuiltSite {
                files: site
                    .files
                    .iter()
                    .filter(|(path, _)| !path.starts_with(INDEX_DIR))
                    .map(|(path, bytes)| (path.clone(), Arc::clone(bytes)))
                    .collect(),
            };
            for f in files {
                if let OutputContent::Bytes(b) = f.content {
                    new.files.insert(f.path.as_str().to_string(), pack(&b));
                }
            }
            changed = changed_paths(&site, &new);
            // The search page reloads when the first index arrives (it said
            // the index was being built); later refreshes leave it alone.
            if !site.files.keys().any(|p| p.starts_with(INDEX_DIR)) {
                changed.push("/search/index.html".to_string());
            }
            *site = Arc::new(new);
        }
        say!(
            "search index: {count} page{} indexed in {} ms",
            if count == 1 { "" } else { "s" },
            started.elapsed().as_millis()
        );
        if !changed.is_empty() {
            let _ = shared.events.send(ServerEvent::Reload {
                paths: changed,
                css_only: false,
            });
        }
    }
}

/// Lowers the calling thread's scheduling priority (Linux: nice 19 for this
/// thread alone), for background work that must not slow rebuilds.
fn lower_this_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; with `who` = 0 on
    // Linux it changes the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

fn sse_event(event: &ServerEvent) -> Option<Event> {
    match event {
        ServerEvent::Reload { paths, css_only } => Some(
            Event::default()
                .event("reload")
                .data(serde_json::json!({ "paths": paths, "css_only": css_only }).to_string()),
        ),
        ServerEvent::Errors(errors) => Some(
            Event::default()
                .event("build-error")
                .data(serde_json::json!({ "errors": errors }).to_string()),
        ),
        ServerEvent::Built {
            milliseconds,
            rendered,
        } => Some(Event::default().event("built").data(
            serde_json::json!({ "milliseconds": milliseconds, "rendered": rendered }).to_string(),
        )),
        ServerEvent::Shutdown => None,
    }
}

async fn events_stream(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let receiver = shared.events.subscribe();
    // A page opened while the build is broken shows the overlay at once.
    let current = shared.errors.read().map(|e| e.clone()).unwrap_or_default();
    let initial: Vec<ServerEvent> = if current.is_empty() {
        vec![]
    } else {
        vec![ServerEvent::Errors(current)]
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

async fn live_js() -> Response {
    with_headers(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        LIVE_RELOAD_JS.as_bytes().to_vec(),
    )
}

fn with_headers(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site's HTML with the live-reload script before `</body>`.
fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_RELOAD_TAG}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_RELOAD_TAG}\n").into_bytes(),
    }
}

fn content_type(path: &str) -> String {
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
enum Lookup {
    File(String),
    Redirect(String),
    NotFound,
    BadRequest,
}

fn lookup(site: &BuiltSite, raw_path: &str) -> Lookup {
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

async fn site_file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
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
            let bytes = site.read(&key).unwrap_or_default();
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

/// Sign-ups larger than this are refused (413): a real one is under 300 bytes.
const SIGNUP_BODY_LIMIT: usize = 4096;

/// Where serve records stub sign-ups, relative to the site root.
pub const SIGNUPS_FILE: &str = ".huddle/newsletter-signups.jsonl";

fn json_answer(status: StatusCode, value: serde_json::Value) -> Response {
    with_headers(status, "application/json", value.to_string().into_bytes())
}

/// `POST /__huddle/newsletter`: the stub form's local endpoint. Checks the
/// address and appends the sign-up as one JSON line, flushed and synced to disk
/// before answering, so a success the page shows is a sign-up on disk.
async fn newsletter_signup(
    State(shared): State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut email = None;
    let mut tags = Vec::new();
    let mut honeypot = false;
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "email" => email = Some(value.into_owned()),
            "tag" => tags.push(value.into_owned()),
            "website" => honeypot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    let Some(email) = email else {
        return json_answer(
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "error": "the form sent no `email` field" }),
        );
    };
    if let Err(why) = crate::newsletter::plausible_email(&email) {
        return json_answer(StatusCode::BAD_REQUEST, serde_json::json!({ "error": why }));
    }
    if honeypot {
        // Filled in by a bot: answer like a success so it learns nothing, record nothing.
        return json_answer(StatusCode::OK, serde_json::json!({ "ok": true }));
    }
    let page = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let received = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let line = serde_json::json!({ "email": email.trim(), "tags": tags, "page": page, "received": received }).to_string();
    let written = tokio::task::spawn_blocking(move || append_signup(&shared, &line)).await;
    match written {
        Ok(Ok(())) => json_answer(StatusCode::OK, serde_json::json!({ "ok": true })),
        Ok(Err(e)) => json_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": format!("could not save the sign-up: {e}") }),
        ),
        Err(_) => json_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": "could not save the sign-up" }),
        ),
    }
}

fn append_signup(shared: &Shared, line: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let path = shared.root.join(SIGNUPS_FILE);
    let _guard = shared
        .signups
        .lock()
        .map_err(|_| std::io::Error::other("a previous write failed"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    // One write of the whole line: appends of one buffer do not interleave.
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}

/// Served while no build has succeeded yet: the errors, and live reload so the
/// page recovers by itself once they are fixed.
fn error_page(errors: &[ErrorView]) -> Response {
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error</title></head><body><h1>The site has errors</h1>",
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
