//! `inkan run`: the real daemon on a temporary config and hot folder. Every
//! wait polls a condition with a deadline; nothing sleeps blindly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{data_path, inkan, json_lines, run};

/// A temporary installation: hot folder, data directory, config file.
struct Setup {
    dir: tempfile::TempDir,
    hot: PathBuf,
    data: PathBuf,
    config: PathBuf,
}

impl Setup {
    fn new(extra_folder_keys: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let hot = root.join("hot");
        let data = root.join("data");
        std::fs::create_dir_all(&hot).unwrap();
        let config = root.join("inkan.toml");
        let text = format!(
            "data_dir = {data:?}\nworkers = 2\nlanguages = [\"jpn\", \"eng\"]\n\n[[folder]]\nname = \"inbox\"\npath = {hot:?}\nsettle = \"300ms\"\n{extra_folder_keys}\n",
        );
        std::fs::write(&config, text).unwrap();
        Setup { dir, hot, data, config }
    }

    fn start(&self) -> Daemon {
        let log = self.dir.path().join(format!("daemon-{}.log", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
        let child = inkan()
            .env("INKAN_LOG", "info,inkan::intake=debug")
            .arg("--config")
            .arg(&self.config)
            .arg("run")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("starting inkan run");
        Daemon { child: std::cell::RefCell::new(child), log }
    }

    /// [`Setup::start`], then waits until every folder is watched.
    fn start_watching(&self) -> Daemon {
        let d = self.start();
        d.wait_for("the daemon to watch", Duration::from_secs(30), || d_log_has(&d.log, "watching"));
        d
    }

    fn originals(&self) -> PathBuf {
        self.data.join("originals/inbox")
    }

    /// Names of the files directly in `dir` (none if it does not exist).
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
        v.sort();
        v
    }

    fn status(&self) -> serde_json::Value {
        let out = run(&self.data, &["status", "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        json_lines(&out).remove(0)
    }
}

/// The running daemon; killed (SIGKILL) if still running when dropped.
struct Daemon {
    child: std::cell::RefCell<Child>,
    log: PathBuf,
}

impl Daemon {
    /// The daemon's log so far, without terminal colour codes.
    fn log(&self) -> String {
        strip_ansi(&std::fs::read_to_string(&self.log).unwrap_or_default())
    }

    /// Polls `cond` every 50 ms until it holds; fails after `timeout`, or at
    /// once if the daemon exited.
    fn wait_for(&self, what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) -> Duration {
        let start = Instant::now();
        loop {
            if cond() {
                return start.elapsed();
            }
            if let Ok(Some(status)) = self.child.borrow_mut().try_wait() {
                panic!("the daemon exited ({status}) while waiting for {what}; log:\n{}", self.log());
            }
            assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}; log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Log lines containing all of `parts`.
    fn count(&self, parts: &[&str]) -> usize {
        self.log().lines().filter(|l| parts.iter().all(|p| l.contains(p))).count()
    }

    fn signal(&self, sig: i32) {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.borrow().id() as i32, sig) };
    }

    /// Sends SIGTERM and waits for the exit code (at most `timeout`).
    fn terminate(self, timeout: Duration) -> Option<i32> {
        self.signal(libc::SIGTERM);
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.borrow_mut().try_wait().unwrap() {
                return st.code();
            }
            assert!(start.elapsed() < timeout, "no exit {timeout:?} after SIGTERM; log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill9(self) {
        self.signal(libc::SIGKILL);
        let _ = self.child.borrow_mut().wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let child = self.child.get_mut();
        if let Ok(None) = child.try_wait() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `ok.png` (one line of text, 1000×160) with pixel `n` darkened: a distinct
/// file (distinct SHA-256) with the same text.
fn variant(n: u32) -> Vec<u8> {
    let mut img = image::open(data_path("bad/junk/ok.png")).unwrap().to_rgb8();
    let (w, _) = img.dimensions();
    img.put_pixel(n % w, 150 + n / w, image::Rgb([200, 200, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Writes `bytes` to `dir/.name.part` and renames it into place, as copy tools do.
fn drop_file(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

fn search_hits(data: &Path, q: &str) -> Vec<serde_json::Value> {
    let out = run(data, &["search", "--json", "--limit", "100", q]);
    json_lines(&out)
}

#[test]
fn a_dropped_scan_is_indexed_moved_deduplicated_and_failures_explained() {
    let s = Setup::new("incomplete_timeout = \"3s\"\nignore = [\"*.skip\"]");
    let d = s.start();

    // One page: drop it, wait until a search finds it.
    let t0 = Instant::now();
    std::fs::copy(data_path("bad/junk/ok.png"), s.hot.join("ok.png")).unwrap();
    d.wait_for("ok.png to be searchable", Duration::from_secs(60), || !search_hits(&s.data, "テスト画像").is_empty());
    let searchable = t0.elapsed();
    eprintln!("drop to searchable, one page: {searchable:?}");
    d.wait_for("the hot folder to be empty", Duration::from_secs(10), || Setup::names(&s.hot).is_empty());
    assert_eq!(Setup::names(&s.originals()), ["ok.png"]);
    assert_eq!(std::fs::read(s.originals().join("ok.png")).unwrap(), std::fs::read(data_path("bad/junk/ok.png")).unwrap());
    let hits = search_hits(&s.data, "テスト画像");
    assert_eq!(hits.len(), 1);
    assert!(Path::new(hits[0]["output"].as_str().unwrap()).starts_with(s.data.join("output/inbox")), "{}", hits[0]);
    assert_eq!(hits[0]["file"], "ok.png");

    // The same content again, under another name: a duplicate, not a second document.
    drop_file(&s.hot, "copy.png", &std::fs::read(data_path("bad/junk/ok.png")).unwrap());
    // A broken file fails at once; a truncated one after incomplete_timeout; junk and symlinks stay.
    drop_file(&s.hot, "text.pdf", &std::fs::read(data_path("bad/text.pdf")).unwrap());
    drop_file(&s.hot, "truncated.png", &std::fs::read(data_path("bad/truncated.png")).unwrap());
    drop_file(&s.hot, "Thumbs.db", b"junk");
    drop_file(&s.hot, "notes.skip", b"ignored by the folder's globs");
    std::os::unix::fs::symlink(data_path("bad/junk/ok.png"), s.hot.join("link.png")).unwrap();

    let failed = s.data.join("failed/inbox");
    d.wait_for("copy.png, text.pdf and truncated.png to leave the hot folder", Duration::from_secs(60), || {
        Setup::names(&s.hot) == ["Thumbs.db", "link.png", "notes.skip"]
    });
    assert_eq!(Setup::names(&s.originals()), ["copy.png", "ok.png"]);
    assert_eq!(Setup::names(&failed), ["text.pdf", "text.pdf.error.txt", "truncated.png", "truncated.png.error.txt"]);
    let why = std::fs::read_to_string(failed.join("text.pdf.error.txt")).unwrap();
    assert!(why.contains("not a PNG, JPEG, TIFF or PDF file") && why.trim_end().lines().count() == 1, "{why}");
    let why = std::fs::read_to_string(failed.join("truncated.png.error.txt")).unwrap();
    assert!(why.contains("stayed incomplete for 3s") && why.contains("truncated"), "{why}");
    assert_eq!(d.count(&["duplicate", "copy.png"]), 1, "{}", d.log());
    assert!(std::fs::symlink_metadata(s.hot.join("link.png")).unwrap().file_type().is_symlink());

    // Status works while the daemon runs.
    let st = s.status();
    assert_eq!((st["documents"].as_u64(), st["failed"].as_u64(), st["processing"].as_u64(), st["queued"].as_u64()), (Some(1), Some(2), Some(0), Some(0)), "{st}");

    // SIGTERM: exit 0, quickly.
    let t = Instant::now();
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
    eprintln!("SIGTERM to exit: {:?}", t.elapsed());
}

#[test]
fn a_slow_writer_is_taken_once_and_complete() {
    let s = Setup::new("");
    let d = s.start_watching();
    let full_a = variant(1);
    let full_b = variant(2);

    // A: half written and closed (a scanner pausing between writes): it must wait for the rest.
    let a = s.hot.join("a.png");
    std::fs::write(&a, &full_a[..full_a.len() / 2]).unwrap();
    // B: half written and still held open by the writer.
    let b = s.hot.join("b.png");
    let mut fb = std::fs::File::create(&b).unwrap();
    fb.write_all(&full_b[..full_b.len() / 2]).unwrap();
    fb.flush().unwrap();

    // Both pause for longer than settle: the daemon checks them and leaves them be.
    d.wait_for("a.png to be seen as incomplete", Duration::from_secs(30), || d_log_has(&d.log, "a.png") && d.count(&["incomplete", "a.png"]) >= 1);
    d.wait_for("b.png to be seen as open for writing", Duration::from_secs(30), || d.count(&["still open for writing", "b.png"]) >= 1);
    assert_eq!(Setup::names(&s.hot), ["a.png", "b.png"]);

    std::fs::OpenOptions::new().append(true).open(&a).unwrap().write_all(&full_a[full_a.len() / 2..]).unwrap();
    fb.write_all(&full_b[full_b.len() / 2..]).unwrap();
    drop(fb);

    d.wait_for("both to be indexed", Duration::from_secs(60), || Setup::names(&s.hot).is_empty() && d.count(&["indexed"]) >= 2);
    assert_eq!(std::fs::read(s.originals().join("a.png")).unwrap(), full_a);
    assert_eq!(std::fs::read(s.originals().join("b.png")).unwrap(), full_b);
    assert_eq!(d.count(&["processing", "a.png"]), 1, "taken once: {}", d.log());
    assert_eq!(d.count(&["processing", "b.png"]), 1, "taken once: {}", d.log());
    assert!(Setup::names(&s.data.join("failed/inbox")).is_empty());
    assert_eq!(s.status()["documents"], 2);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

fn d_log_has(log: &Path, needle: &str) -> bool {
    strip_ansi(&std::fs::read_to_string(log).unwrap_or_default()).contains(needle)
}

/// `text` without `ESC [ … m` colour sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Drops `files` distinct pages, kills the daemon with SIGKILL after each of
/// `kills` points (a number of documents indexed so far), restarts it, and
/// checks that every file ends indexed exactly once.
fn kill_and_restart(files: u32, kills: &[usize]) {
    let s = Setup::new("");
    let mut d = s.start();
    for n in 0..files {
        drop_file(&s.hot, &format!("scan-{n:03}.png"), &variant(100 + n));
    }
    let started = Instant::now();
    for &after in kills {
        let indexed = || Setup::names(&s.originals()).len();
        d.wait_for(&format!("{after} documents"), Duration::from_secs(600), || indexed() >= after);
        d.kill9();
        eprintln!("killed with {} of {files} moved to originals", indexed());
        d = s.start();
    }
    d.wait_for("every file to be done", Duration::from_secs(900), || Setup::names(&s.originals()).len() == files as usize && Setup::names(&s.hot).is_empty());
    let elapsed = started.elapsed();
    eprintln!("{files} files with {} kill(s): {elapsed:?} ({:.1} files/minute)", kills.len(), files as f64 * 60.0 / elapsed.as_secs_f64());
    let st = s.status();
    assert_eq!(st["documents"].as_u64(), Some(files as u64), "{st}");
    assert_eq!((st["processing"].as_u64(), st["queued"].as_u64(), st["failed"].as_u64()), (Some(0), Some(0), Some(0)), "{st}");
    // One PDF per file: a redo reuses the name it planned, so no orphans and no "-1" copies.
    let pdfs = Setup::names(&s.data.join("output/inbox"));
    assert_eq!(pdfs.len(), files as usize, "{pdfs:?}");
    assert!(pdfs.iter().all(|p| p.ends_with(".pdf") && !p.contains("-1.") && !p.starts_with('.')), "{pdfs:?}");
    // Every file appears in the journal as indexed exactly once.
    let conn = rusqlite::Connection::open(s.data.join("journal.sqlite")).unwrap();
    let dupes: i64 = conn
        .query_row("SELECT COUNT(*) FROM (SELECT path FROM files WHERE state = 'indexed' GROUP BY path HAVING COUNT(*) != 1)", [], |r| r.get(0))
        .unwrap();
    let indexed: i64 = conn.query_row("SELECT COUNT(*) FROM files WHERE state = 'indexed'", [], |r| r.get(0)).unwrap();
    assert_eq!((indexed, dupes), (files as i64, 0));
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn kill_9_mid_run_then_restart_indexes_every_file_exactly_once() {
    kill_and_restart(10, &[2]);
}

/// The full version: 40 files, three kills at different moments.
/// Run with `cargo test -p inkan --test e2e daemon -- --ignored --nocapture`.
#[test]
#[ignore]
fn kill_9_three_times_with_40_files() {
    kill_and_restart(40, &[1, 12, 27]);
}

#[test]
fn unsafe_configs_refuse_to_start() {
    // Output inside the hot folder.
    let s = Setup::new(&format!("output = {:?}", "hot/pdfs"));
    let out = inkan().arg("--config").arg(&s.config).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inkan.toml:") && err.contains("output") && err.contains("inside the hot folder"), "{err}");

    // Output through a symlink that points into the hot folder.
    let s = Setup::new("");
    let link = s.dir.path().join("archive");
    std::os::unix::fs::symlink(&s.hot, &link).unwrap();
    let text = std::fs::read_to_string(&s.config).unwrap() + &format!("output = {:?}\n", link.join("pdfs"));
    std::fs::write(&s.config, text).unwrap();
    let out = inkan().arg("--config").arg(&s.config).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("resolves to"), "{}", String::from_utf8_lossy(&out.stderr));

    // A world-writable config file.
    let s = Setup::new("");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&s.config, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = inkan().arg("--config").arg(&s.config).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("writable by every user"));

    // `run` without a config.
    let out = inkan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_changed_config_is_reloaded_and_a_broken_one_refused() {
    let s = Setup::new("");
    let d = s.start_watching();

    // A broken change is refused with a log line; the old folder keeps working.
    let good = std::fs::read_to_string(&s.config).unwrap();
    std::fs::write(&s.config, format!("{good}\nfrobnicate = 1\n")).unwrap();
    d.wait_for("the refusal", Duration::from_secs(30), || d_log_has(&d.log, "refused"));
    assert!(d.log().contains("frobnicate"), "{}", d.log());
    drop_file(&s.hot, "one.png", &variant(7));
    d.wait_for("one.png", Duration::from_secs(60), || Setup::names(&s.originals()) == ["one.png"]);

    // A second, recursive, polled folder is added: sub-folder names become tags.
    let second = s.dir.path().join("second");
    std::fs::create_dir_all(second.join("2024")).unwrap();
    let second = std::fs::canonicalize(second).unwrap();
    std::fs::write(&s.config, format!("{good}\n[[folder]]\nname = \"second\"\npath = {second:?}\nrecursive = true\ntags = [\"contract\"]\nsettle = \"300ms\"\npoll = \"500ms\"\n")).unwrap();
    d.wait_for("the reload", Duration::from_secs(30), || d_log_has(&d.log, "configuration reloaded"));
    drop_file(&second.join("2024"), "deep.png", &variant(8));
    d.wait_for("deep.png", Duration::from_secs(60), || s.data.join("originals/second/2024/deep.png").exists());
    assert!(Setup::names(&second.join("2024")).is_empty());
    let out = run(&s.data, &["search", "--json", "--tag", "2024", "--folder", "second", "テスト画像"]);
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["file"], "deep.png");
    assert!(hits[0]["output"].as_str().unwrap().ends_with("output/second/2024/deep.pdf"), "{}", hits[0]);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

/// A burst of small pages: all indexed, none lost; prints files/minute,
/// the daemon's peak RSS and one page's drop-to-searchable time on a warm
/// daemon. `INKAN_BURST=N` sets the count (default 1000).
/// Run with `cargo test -p inkan --test e2e daemon::burst -- --ignored --nocapture`.
#[test]
#[ignore]
fn burst_of_small_pages() {
    let n: u32 = std::env::var("INKAN_BURST").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let s = Setup::new("");
    let d = s.start_watching();
    // Warm daemon: one page, drop to searchable.
    let t0 = Instant::now();
    drop_file(&s.hot, "first.png", &variant(5000));
    d.wait_for("the first page to be searchable", Duration::from_secs(60), || !search_hits(&s.data, "テスト画像").is_empty());
    eprintln!("warm daemon, one page, drop to searchable: {:?}", t0.elapsed());

    let pages: Vec<Vec<u8>> = (0..n).map(|i| variant(6000 + i)).collect();
    let t0 = Instant::now();
    for (i, p) in pages.iter().enumerate() {
        drop_file(&s.hot, &format!("burst-{i:04}.png"), p);
    }
    eprintln!("{n} files dropped in {:?}", t0.elapsed());
    let done = || Setup::names(&s.originals()).len() == n as usize + 1;
    d.wait_for("the burst", Duration::from_secs(3600), done);
    let took = t0.elapsed();
    let pid = d.child.borrow().id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let hwm = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ?").to_string();
    eprintln!("{n} files in {took:?}: {:.1} files/minute; peak RSS {hwm}", n as f64 * 60.0 / took.as_secs_f64());
    assert!(Setup::names(&s.hot).is_empty());
    assert_eq!(s.status()["documents"].as_u64(), Some(n as u64 + 1));
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn the_http_api_is_served_while_the_daemon_runs() {
    let s = Setup::new("");
    let text = std::fs::read_to_string(&s.config).unwrap();
    std::fs::write(&s.config, format!("{text}\n[http]\nlisten = \"127.0.0.1:0\"\n")).unwrap();
    let d = s.start();
    d.wait_for("the API to listen", Duration::from_secs(30), || d_log_has(&d.log, "HTTP API listening"));
    let log = d.log();
    let line = log.lines().find(|l| l.contains("HTTP API listening")).unwrap();
    let addr = line.split("addr=").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let get = |path: &str| {
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        write!(conn, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        std::io::Read::read_to_string(&mut conn, &mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        reply
    };
    let reply = get("/api/status");
    assert!(reply.contains("\"queued\"") && reply.contains("\"processing\""), "{reply}");

    // The run loop's counters: one file indexed (one page, its OCR time observed), one failed.
    drop_file(&s.hot, "one.png", &variant(12));
    drop_file(&s.hot, "text.pdf", &std::fs::read(data_path("bad/text.pdf")).unwrap());
    d.wait_for("both files to be finished", Duration::from_secs(60), || Setup::names(&s.hot).is_empty());
    let metrics = get("/metrics");
    for line in [
        "inkan_files_total{outcome=\"indexed\"} 1",
        "inkan_files_total{outcome=\"failed\"} 1",
        "inkan_files_total{outcome=\"duplicate\"} 0",
        "inkan_processed_pages_total 1",
        "inkan_ocr_seconds_count 1",
        "inkan_ocr_seconds_bucket{le=\"+Inf\"} 1",
        "inkan_documents 1",
        "inkan_failed_files 1",
        "# EOF",
    ] {
        assert!(metrics.lines().any(|l| l.trim_end() == line), "{line} missing in\n{metrics}");
    }
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn sigterm_mid_burst_finishes_what_is_in_flight_and_a_restart_does_the_rest() {
    let s = Setup::new("");
    let d = s.start_watching();
    for n in 0..8 {
        drop_file(&s.hot, &format!("t-{n}.png"), &variant(300 + n));
    }
    d.wait_for("the first document in flight", Duration::from_secs(60), || d.count(&["processing"]) >= 1);
    let t = Instant::now();
    let log_path = d.log.clone();
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
    eprintln!("SIGTERM with documents in flight to exit: {:?}", t.elapsed());
    let log = strip_ansi(&std::fs::read_to_string(log_path).unwrap());
    // Every file taken before the signal was finished, none is left half-done.
    let taken = log.lines().filter(|l| l.contains(" processing")).count();
    let done = Setup::names(&s.originals()).len();
    assert_eq!(taken, done, "{log}");
    let conn = rusqlite::Connection::open(s.data.join("journal.sqlite")).unwrap();
    let processing: i64 = conn.query_row("SELECT COUNT(*) FROM files WHERE state = 'processing'", [], |r| r.get(0)).unwrap();
    assert_eq!(processing, 0);
    drop(conn);
    let d = s.start();
    d.wait_for("the rest", Duration::from_secs(120), || Setup::names(&s.originals()).len() == 8 && Setup::names(&s.hot).is_empty());
    assert_eq!(s.status()["documents"], 8);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

/// A tmpfs mounted for one test (unmounted when dropped), so a full or
/// read-only output folder is real; `None` where this process may not mount
/// (not root, or no mount namespace): the caller then skips, and says so.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: cannot mount a tmpfs at {} (needs root)", at.display());
        }
        ok.then(|| Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, opts: &str) {
        let st = std::process::Command::new("mount").args(["-o", &format!("remount,{opts}")]).arg(&self.0).status().unwrap();
        assert!(st.success(), "remount {opts}");
    }

    /// Fills the file system with `fill` until it has no space left.
    fn fill(&self) -> PathBuf {
        let path = self.0.join("fill");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_keeps_the_file_waiting_and_it_is_stored_once_space_is_freed() {
    let s = Setup::new("output = \"out\"\nrescan = \"1s\"");
    let out = s.config.parent().unwrap().join("out");
    let Some(fs) = Tmpfs::mount(&out, "1m") else { return };
    let filler = fs.fill();
    let d = s.start_watching();
    drop_file(&s.hot, "full.png", &variant(7));

    // Each attempt finds the disk full; the file waits in the hot folder, never failed.
    d.wait_for("two attempts on the full disk", Duration::from_secs(90), || d.count(&["disk is full", "full.png"]) >= 2);
    assert_eq!(Setup::names(&s.hot), ["full.png"]);
    assert!(Setup::names(&s.data.join("failed/inbox")).is_empty());
    assert_eq!(Setup::names(&out), ["fill"], "no half-written PDF left behind");
    assert_eq!(d.count(&["failed"]), 0, "{}", d.log());

    // Space comes back: the next scan stores it.
    std::fs::remove_file(filler).unwrap();
    d.wait_for("full.png to be stored", Duration::from_secs(90), || Setup::names(&s.hot).is_empty());
    assert_eq!(Setup::names(&out), ["full.pdf"]);
    assert_eq!(Setup::names(&s.originals()), ["full.png"]);
    assert_eq!(search_hits(&s.data, "テスト画像").len(), 1);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn an_unwritable_output_folder_fails_the_file_with_the_reason_and_the_daemon_goes_on() {
    let s = Setup::new("output = \"out\"\nrescan = \"1s\"");
    let out = s.config.parent().unwrap().join("out");
    let Some(fs) = Tmpfs::mount(&out, "4m") else { return };
    let d = s.start_watching();
    fs.remount("ro");
    drop_file(&s.hot, "ro.png", &variant(8));

    let failed = s.data.join("failed/inbox");
    d.wait_for("ro.png to be failed after its retries", Duration::from_secs(120), || Setup::names(&failed).len() == 2);
    assert_eq!(Setup::names(&failed), ["ro.png", "ro.png.error.txt"]);
    let why = std::fs::read_to_string(failed.join("ro.png.error.txt")).unwrap();
    assert!(why.contains("could not be stored after 3 attempts") && why.contains("Read-only file system"), "{why}");
    assert_eq!(d.count(&["cannot store it", "ro.png"]), 2, "{}", d.log());

    // The daemon is still there: once the folder is writable again, the next file goes through.
    fs.remount("rw");
    drop_file(&s.hot, "rw.png", &variant(9));
    d.wait_for("rw.png to be stored", Duration::from_secs(60), || Setup::names(&out) == ["rw.pdf"]);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn fifos_and_devices_in_a_hot_folder_are_never_opened() {
    let s = Setup::new("");
    let fifo = std::ffi::CString::new(s.hot.join("scan.png").to_str().unwrap()).unwrap();
    // SAFETY: plain mkfifo(3)/mknod(2) on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o666) }, 0);
    let dev = std::ffi::CString::new(s.hot.join("dev.png").to_str().unwrap()).unwrap();
    // /dev/zero's numbers: a reader would never reach its end. Only root may make one.
    let have_dev = unsafe { libc::mknod(dev.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 5)) } == 0;
    if !have_dev {
        eprintln!("SKIPPED the device node part: mknod needs root");
    }
    let d = s.start();
    drop_file(&s.hot, "real.png", &variant(10));
    d.wait_for("real.png to be stored", Duration::from_secs(60), || Setup::names(&s.originals()) == ["real.png"]);
    // A rescan passes them again; they stay, untouched, and nothing failed.
    let mut left = vec!["scan.png"];
    if have_dev {
        left.insert(0, "dev.png");
    }
    assert_eq!(Setup::names(&s.hot), left);
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::symlink_metadata(s.hot.join("scan.png")).unwrap().file_type()));
    assert!(Setup::names(&s.data.join("failed/inbox")).is_empty());
    // Nothing blocks on the FIFO: SIGTERM still ends the daemon promptly.
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn a_second_daemon_and_a_cli_ingest_are_refused_at_once_while_one_runs() {
    let s = Setup::new("");
    let d = s.start_watching();
    let pid = d.child.borrow().id();

    let t = Instant::now();
    let out = inkan().arg("--config").arg(&s.config).arg("run").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("an inkan daemon (pid {pid}) is already running on")), "{err}");
    let page = s.dir.path().join("page.png");
    std::fs::write(&page, variant(11)).unwrap();
    let out = run(&s.data, &["ingest", "--json", page.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("(pid {pid})")) && err.contains("hot folders"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(20), "refused at once, not after the index lock's timeout: {:?}", t.elapsed());

    // The running daemon is unaffected.
    std::fs::rename(&page, s.hot.join("page.png")).unwrap();
    d.wait_for("page.png to be stored", Duration::from_secs(60), || Setup::names(&s.originals()) == ["page.png"]);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
    // Once it has stopped, ingest works again.
    let out = run(&s.data, &["ingest", "--json", s.originals().join("page.png").to_str().unwrap()]);
    assert_eq!(json_lines(&out)[0]["status"], "duplicate", "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_file_deleted_while_settling_or_in_flight_is_neither_lost_nor_an_error() {
    let s = Setup::new("");
    let text = std::fs::read_to_string(&s.config).unwrap().replace("settle = \"300ms\"", "settle = \"2s\"");
    std::fs::write(&s.config, text).unwrap();
    let d = s.start_watching();

    // Deleted before it settled: forgotten, nothing failed.
    drop_file(&s.hot, "early.png", &variant(13));
    d.wait_for("early.png to be noticed", Duration::from_secs(30), || d.count(&["early.png"]) >= 1);
    std::fs::remove_file(s.hot.join("early.png")).unwrap();
    d.wait_for("early.png to be forgotten", Duration::from_secs(30), || d.count(&["gone before it was taken", "early.png"]) == 1);

    // Deleted while its pages are being read: the bytes were taken, so the document is indexed.
    drop_file(&s.hot, "late.png", &std::fs::read(data_path("known/jp_contract.png")).unwrap());
    d.wait_for("late.png to be taken", Duration::from_secs(30), || d.count(&["processing", "late.png"]) == 1);
    std::fs::remove_file(s.hot.join("late.png")).unwrap();
    d.wait_for("late.png to be indexed", Duration::from_secs(120), || d.count(&["indexed", "late.png"]) == 1);
    assert_eq!(d.count(&["no longer there to move", "late.png"]), 1, "{}", d.log());
    assert!(Setup::names(&s.data.join("failed/inbox")).is_empty());
    assert_eq!(s.status()["documents"], 1);
    assert_eq!(s.status()["failed"], 0);
    assert_eq!(d.terminate(Duration::from_secs(30)), Some(0));
}
