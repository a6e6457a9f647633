//! Test helper: copies a fixture site from tests/fixtures/<name> into a temp
//! folder, then chains build / edit / rebuild / assert against that copy.
#![allow(dead_code)] // each test binary uses a different part of it

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as Process, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use assert_cmd::Command;

/// A `w` × `h` photo of noise and gradients (it compresses like a photo).
pub fn photo(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24;
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, n as u8])
    })
}

/// `photo` as a JPEG file's bytes.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(photo(w, h).as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_tree(&from, dir.path());
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Runs the `huddle` binary with `args` and `--root <site>` where it applies.
    pub fn huddle(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("huddle").unwrap();
        cmd.args(args);
        if matches!(args.first(), Some(&"build") | Some(&"check") | Some(&"new")) {
            cmd.arg("--root").arg(self.root());
        }
        cmd
    }

    /// Builds with the library into public/ and panics with the diagnostics on failure.
    pub fn build(&self) -> huddle::BuildReport {
        self.build_with(|_| {})
    }

    pub fn build_with(&self, f: impl FnOnce(&mut huddle::BuildOptions)) -> huddle::BuildReport {
        let mut opts = huddle::BuildOptions::new(self.root());
        f(&mut opts);
        match huddle::build(&opts) {
            Ok(r) => r,
            Err(problems) => panic!(
                "build failed:\n{}",
                problems
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }

    pub fn build_errors(&self) -> Vec<huddle::Diagnostic> {
        match huddle::build(&huddle::BuildOptions::new(self.root())) {
            Ok(_) => panic!("expected the build to fail"),
            Err(problems) => problems,
        }
    }

    pub fn output(&self, rel: &str) -> String {
        let p = self.path("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn has_output(&self, rel: &str) -> bool {
        self.path("public").join(rel).exists()
    }

    /// Every file under `rel` with its bytes (and modification time), to prove a
    /// failed build changed nothing.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
        let base = self.path(rel);
        walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let bytes = std::fs::read(e.path()).unwrap();
                let mtime = e.metadata().unwrap().modified().unwrap();
                (
                    e.path().strip_prefix(&base).unwrap().to_path_buf(),
                    (bytes, mtime),
                )
            })
            .collect()
    }

    /// Every entry (files and folders) under `rel`, by relative path.
    /// Builds the site with the CLI, breaks it with `break_it`, and checks
    /// the failure a writer sees: exit 1, every needle in stderr, no panic,
    /// public/ as it was and no temporary file left anywhere. Returns stderr.
    pub fn fails_cleanly(&self, break_it: impl FnOnce(&Site), expect_in_stderr: &[&str]) -> String {
        let site = self;
        site.huddle(&["build"]).assert().success();
        let before = site.snapshot("public");
        assert!(!before.is_empty());
        let entries_before = site.entries("");
        break_it(site);
        let out = site
            .huddle(&["build"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        for needle in expect_in_stderr {
            assert!(
                stderr.contains(needle),
                "stderr lacks {needle:?}:\n{stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            site.snapshot("public"),
            before,
            "a failed build must not touch the output"
        );
        // No temporary files left behind anywhere in the site.
        let after: Vec<String> = site
            .entries("")
            .into_iter()
            .filter(|e| !entries_before.contains(e))
            .collect();
        assert!(
            after.iter().all(|e| e.starts_with("content")
                || e.starts_with("templates")
                || e.starts_with("static")
                || e == "site.toml"),
            "left behind: {after:?}"
        );
        stderr
    }

    pub fn entries(&self, rel: &str) -> Vec<String> {
        let base = self.path(rel);
        let mut v: Vec<String> = walkdir::WalkDir::new(&base)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| {
                e.path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        v.sort();
        v
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// Starts `huddle serve --watch --root <absolute site path>` on a free
    /// port and waits until it serves.
    pub fn start(site: &Site) -> Server {
        Server::start_in(site.root(), &["--root", &site.root().to_string_lossy()])
    }

    /// Starts `huddle serve --watch --port 0 <args>` with `cwd` as its current
    /// folder, as a writer runs it: inside the site folder with no `--root`,
    /// or with a relative one.
    pub fn start_in(cwd: &Path, args: &[&str]) -> Server {
        Server::start_with_env(cwd, args, &[])
    }

    /// `start_in` with these environment variables set for the server.
    pub fn start_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Process::new(env!("CARGO_BIN_EXE_huddle"))
            .args(["serve", "--watch", "--port", "0"])
            .args(args)
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start huddle serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // Keep reading after the address line, so the server's stdout never blocks or closes.
                let _ = tx.send(line);
            }
        });
        let url = loop {
            let line = rx
                .recv_timeout(WAIT)
                .expect("huddle serve printed its address");
            if let Some(rest) = line.split(" at ").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_string();
            }
        };
        Server { child, url }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut response = agent
            .get(&format!("{}{path}", self.url))
            .call()
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_vec().unwrap_or_default(),
        )
    }

    pub fn events(&self) -> Events {
        let response = ureq::get(&format!("{}/__huddle/events", self.url))
            .call()
            .expect("event stream");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(response.into_body().into_reader());
            let mut event = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((event.clone(), data.to_string())).is_err()
                {
                    break;
                }
            }
        });
        Events(rx)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Events(Receiver<(String, String)>);

impl Events {
    /// The data of the next `name` event whose data contains `needle`.
    pub fn wait_for(&self, name: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let (event, data) = self
                .0
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no `{name}` event containing {needle:?}"));
            if event == name && data.contains(needle) {
                return data;
            }
        }
    }
}
