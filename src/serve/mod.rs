//! `huddle serve`: builds the site in memory and serves it on loopback, and with
//! `--watch` rebuilds on every save and tells open pages to reload (Server-Sent
//! Events). A save that breaks the build keeps the last good pages served and
//! shows the errors as an overlay. It never writes the output folder and never
//! serves anything but the files of the built site.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
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
use watch::SiteWatcher;

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

mod http;
mod incremental;
mod indexer;
mod rebuild;
mod served;
mod signup;
mod watch;

pub use incremental::{Changes, NewerSave, RebuildError, Session};

use http::{events_stream, live_js, site_file, with_headers};
use indexer::{index_in_background, lower_this_thread_priority, return_freed_memory};
use rebuild::{describe, rebuild};
use served::BuiltSite;
pub use signup::SIGNUPS_FILE;
use signup::{SIGNUP_BODY_LIMIT, newsletter_signup};

const LIVE_RELOAD_JS: &str = include_str!("live.js");
const LIVE_RELOAD_TAG: &str = "<script src=\"/__huddle/live.js\"></script>";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub drafts: bool,
    /// The moment banners are judged by; `None` is the clock (see
    /// `BuildOptions::now`).
    pub now: Option<jiff::Timestamp>,
    /// Open the site in the default browser (`$BROWSER` on Linux) once served.
    pub open: bool,
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
            file: d.origin.label(),
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
    Errors {
        errors: Vec<ErrorView>,
        /// No build has succeeded yet, so no last good page is being served.
        nothing_built: bool,
    },
    /// A rebuild finished: everything it changed is served.
    Built {
        milliseconds: u128,
        rendered: usize,
    },
    Shutdown,
}

/// Where Pagefind's files live in the site.
pub(super) const INDEX_DIR: &str = "pagefind/";

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

impl Shared {
    /// No build has succeeded since serve started: there is no last good site.
    fn nothing_built(&self) -> bool {
        self.site.read().map_or(true, |s| s.files.is_empty())
    }
}

/// Runs the server until Ctrl-C. Errors here are the server's own (the port is
/// taken); content errors never stop it.
pub fn run(opts: ServeOptions) -> Result<(), Vec<Diagnostic>> {
    // Every path the watcher reports is compared with the root, so it must be
    // the resolved, absolute one (a relative `.` matched no event at all).
    let opts = ServeOptions {
        root: crate::load::resolve_site_root(&opts.root).map_err(|d| vec![d])?,
        ..opts
    };
    let (listener, base_url) = bind(&opts)?;
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        base_url: Some(base_url.clone()),
        drafts: opts.drafts,
        future: true,
        now: opts.now,
        dev_server: true,
    };
    let builders = thread_pools()?;
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
    // The first build's working memory, held by each builder thread's heap.
    builders.broadcast(|_| return_freed_memory());
    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || index_in_background(&shared, &index_queue));
    }
    if opts.watch {
        watch_in_background(Arc::clone(&shared), session, build_opts, builders)?;
        say!("Watching content/, templates/, themes/, static/ and site.toml for changes");
    }
    // Printed last: once this line is out, the site is built and watched.
    say!(
        "Serving {} at {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );
    if opts.open {
        // The listener is bound, so the browser's first request waits for us.
        std::thread::spawn(move || {
            if let Err(e) = webbrowser::open(&base_url) {
                tell!("could not open a browser ({e}); open {base_url} yourself");
            }
        });
    }
    serve_http(listener, shared)
}

/// Binds the address (loopback by default); returns the listener and the
/// site's address as a browser opens it.
fn bind(opts: &ServeOptions) -> Result<(TcpListener, String), Vec<Diagnostic>> {
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
            Diagnostic::server_error(
                format!("{}:{}", opts.bind, opts.port),
                format!("cannot listen on this address: {e}"),
            )
            .with_help(help),
        ]
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| vec![Diagnostic::server_error("", e.to_string())])?;
    let shown_ip = if local.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        local.ip()
    };
    let base_url = format!("http://{}/", SocketAddr::new(shown_ip, local.port()));
    Ok((listener, base_url))
}

/// Rebuilds run on their own threads at normal priority; the global rayon
/// pool, which Pagefind uses, and the indexer run at the lowest priority, so
/// a save is never slowed by the index being refreshed.
fn thread_pools() -> Result<rayon::ThreadPool, Vec<Diagnostic>> {
    rayon::ThreadPoolBuilder::new()
        .start_handler(|_| lower_this_thread_priority())
        .build_global()
        .ok();
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("huddle-build-{i}"))
        .build()
        .map_err(|e| vec![Diagnostic::server_error("", e.to_string())])
}

/// How long saves may keep interrupting rebuilds before one is let finish.
const MAX_INTERRUPTED: Duration = Duration::from_secs(2);

/// Watches the site's sources and rebuilds after every batch of saves, on
/// its own thread, for as long as serve runs.
fn watch_in_background(
    shared: Arc<Shared>,
    mut session: Session,
    build_opts: BuildOptions,
    builders: rayon::ThreadPool,
) -> Result<(), Vec<Diagnostic>> {
    let root = build_opts.root.clone();
    let ignored = vec![build_opts.output_dir(), root.join(".huddle")];
    let watcher = SiteWatcher::new(&root, ignored).map_err(|e| {
        vec![Diagnostic::file_error(
            root.display().to_string(),
            format!("cannot watch the site's files: {e}"),
        )]
    })?;
    let newer_save: NewerSave = {
        let flag = watcher.newer_save();
        Arc::new(move || flag.load(Ordering::SeqCst))
    };
    std::thread::spawn(move || {
        // The paths of a rebuild a newer save interrupted, to rebuild with
        // that save's at once, and when the first was interrupted.
        let mut carried: Option<Vec<PathBuf>> = None;
        let mut waiting_since: Option<Instant> = None;
        loop {
            let paths = match carried.take() {
                Some(mut earlier) => {
                    earlier.extend(watcher.pending_batch());
                    earlier.sort();
                    earlier.dedup();
                    earlier
                }
                None => match watcher.next_batch() {
                    Some(paths) => paths,
                    None => break,
                },
            };
            let started = Instant::now();
            // site.toml (or a watcher that lost events) rebuilds everything.
            let changes = if paths.contains(&root.join("site.toml")) {
                Changes::Everything
            } else {
                Changes::Paths(paths.clone())
            };
            let what = describe(&root, &paths);
            // Saves that never pause (an autosave on every keystroke) would
            // interrupt every rebuild: after a while, one runs to the end.
            let starved = waiting_since.is_some_and(|t| t.elapsed() > MAX_INTERRUPTED);
            session.interrupt_when((!starved).then(|| Arc::clone(&newer_save)));
            // A bug in a stage must not end watching: report it and go on.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                builders.install(|| rebuild(&shared, &mut session, &changes, &what, started))
            }));
            if matches!(outcome, Ok(false)) {
                carried = Some(paths);
                waiting_since.get_or_insert(started);
                continue;
            }
            waiting_since = None;
            if outcome.is_err() {
                // Trust nothing the failed rebuild may have left half-done.
                session = Session::new(build_opts.clone());
                say!(
                    "{what}: the rebuild failed unexpectedly (a bug in huddle); still serving the last good build"
                );
            }
        }
    });
    Ok(())
}

/// Serves the site over HTTP until Ctrl-C.
fn serve_http(listener: TcpListener, shared: Arc<Shared>) -> Result<(), Vec<Diagnostic>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            vec![Diagnostic::server_error(
                "",
                format!("cannot start the server: {e}"),
            )]
        })?;
    runtime.block_on(async move {
        listener.set_nonblocking(true).ok();
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| vec![Diagnostic::server_error("", e.to_string())])?;
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
                vec![Diagnostic::server_error(
                    "",
                    format!("the server stopped: {e}"),
                )]
            })
    })
}
