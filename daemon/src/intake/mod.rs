//! Intake: one thread per hot folder notices files, waits until each is
//! ready, and hands it to the run loop as a [`Job`] over a bounded channel.
//!
//! # Noticing
//! A folder on a local file system is watched with inotify (through
//! `notify`); a folder on NFS, CIFS/SMB, FUSE or 9p (by `statfs`), or one
//! configured with `poll = "…"`, is scanned every poll interval instead,
//! because inotify sees no change made by another machine. Either way the
//! whole folder is scanned at start-up and every `rescan` (a full
//! reconciliation: a missed or overflowed event can never strand a file).
//!
//! # Readiness
//! A file is taken when (see [`settle`]) its size and mtime have been
//! unchanged for `settle`, no local process holds it open for writing
//! (checked in `/proc/*/fdinfo`, which also covers writers that never close
//! and writers started before the daemon), and it decodes completely. A
//! truncated file waits for its next change and fails only after
//! `incomplete_timeout` without one. A file that is plainly not an image
//! (unknown format, unsupported content) fails at once.
//!
//! # What is never touched
//! Symlinks (never followed), FIFOs, sockets, devices, and names matched by
//! the folder's ignore rules (built-in junk like `.DS_Store`, `Thumbs.db`,
//! `@eaDir`, temp names, and the folder's `ignore` globs), in any path
//! component. Without `recursive`, sub-folders are not looked into.
//!
//! # Claims
//! A path handed to the run loop is *claimed* (a set shared with it) until
//! the run loop has finished with it; intake never hands over a claimed path
//! again, so a reload that restarts intake cannot take a file twice.

pub mod fs;
pub mod settle;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::Watcher as _;

use crate::decode::{self, DecodeError};
use crate::journal::{FileFacts, Journal};
use crate::page::PageImage;
use settle::{Check, Due, Settler, Stamp};

/// How often a folder on a network file system is scanned when the config
/// does not say (`Watcher::Auto`).
pub const NETWORK_POLL: Duration = Duration::from_secs(5);

/// At most this many due files are checked per round (one `/proc` scan each round).
const CHECK_BATCH: usize = 16;

/// A hot folder as the daemon runs it: the config's folder with every place
/// resolved.
#[derive(Debug, Clone)]
pub struct HotFolder {
    /// The folder's name (for logs, the index and `DATA/originals/<name>`).
    pub name: String,
    /// The hot folder, with symlinks resolved (so `/proc` paths compare).
    pub root: PathBuf,
    /// Where its searchable PDFs go.
    pub output: PathBuf,
    /// Where its failed files go.
    pub failed: PathBuf,
    /// Where its originals go after success.
    pub originals: PathBuf,
    /// Whether sub-folders are watched (their names become tags).
    pub recursive: bool,
    /// Tags for every document from it.
    pub tags: Vec<String>,
    /// Quiet time before a file is checked.
    pub settle: Duration,
    /// How long an undecodable file may stay unchanged before it fails.
    pub incomplete_timeout: Duration,
    /// Inotify or polling.
    pub watcher: watch_config::Watcher,
    /// How often a watched folder is scanned in full anyway.
    pub rescan: Duration,
    /// Names to leave alone.
    pub ignore: watch_config::IgnoreRules,
}

impl HotFolder {
    /// Resolves folder `f` of `cfg` with data directory `data`.
    pub fn new(cfg: &watch_config::Config, f: &watch_config::Folder, data: &Path) -> HotFolder {
        HotFolder {
            name: f.name.clone(),
            root: std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone()),
            output: cfg.folder_output(f, data),
            failed: cfg.folder_failed(f, data),
            originals: cfg.folder_originals(f, data),
            recursive: f.recursive,
            tags: f.tags.clone(),
            settle: f.settle,
            incomplete_timeout: f.incomplete_timeout,
            watcher: f.watcher,
            rescan: f.rescan,
            ignore: f.ignore.clone(),
        }
    }

    /// The document tags of a file at `rel`: the folder's tags, then the
    /// names of the sub-folders it is in.
    pub fn tags_for(&self, rel: &Path) -> Vec<String> {
        let mut tags = self.tags.clone();
        if let Some(parent) = rel.parent() {
            for c in parent.components() {
                let t = c.as_os_str().to_string_lossy().into_owned();
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
        }
        tags
    }
}

/// A ready file, handed to the run loop.
pub struct Job {
    /// Its hot folder.
    pub folder: Arc<HotFolder>,
    /// Its path (under `folder.root`).
    pub path: PathBuf,
    /// Its path relative to the hot folder.
    pub rel: PathBuf,
    /// The bytes that were checked (hashed by the run loop).
    pub bytes: Vec<u8>,
    /// Size and mtime of those bytes.
    pub stamp: Stamp,
    /// The decoded pages, or why the file cannot be processed.
    pub pages: Result<Vec<PageImage>, String>,
    /// When intake first noticed the file (for the drop-to-done time).
    pub noticed: Instant,
}

/// Paths handed to the run loop and not yet finished with.
pub type Claims = Arc<Mutex<HashSet<PathBuf>>>;

/// What the intake thread's inbox carries.
enum Msg {
    /// A file-system event from the watcher.
    Event(notify::Result<notify::Event>),
    /// Stop now.
    Stop,
}

/// A running intake thread.
pub struct Intake {
    /// The thread's inbox, for [`Msg::Stop`].
    inbox: Sender<Msg>,
    /// Joined by [`Intake::join`].
    handle: Option<JoinHandle<()>>,
    /// The folder's name, for logs.
    name: String,
}

impl Intake {
    /// Starts watching `folder`, sending ready files to `jobs`. `data` is
    /// the data directory (for the journal's `seen` rows).
    pub fn start(folder: Arc<HotFolder>, data: &Path, jobs: SyncSender<Job>, claims: Claims) -> std::io::Result<Intake> {
        let (inbox, rx) = mpsc::channel();
        let name = folder.name.clone();
        let data = data.to_path_buf();
        let tx = inbox.clone();
        let handle = std::thread::Builder::new().name(format!("intake-{name}")).spawn(move || {
            let journal = Journal::open(&data).map_err(|e| tracing::warn!(folder = %folder.name, "{e}; queued files are not counted")).ok();
            let mut worker = Worker { settler: Settler::new(folder.settle, folder.incomplete_timeout), folder, jobs, claims, journal, noticed: Default::default() };
            worker.run(tx, rx);
        })?;
        Ok(Intake { inbox, handle: Some(handle), name })
    }

    /// Asks the thread to stop (it finishes the file it is checking).
    pub fn stop(&self) {
        let _ = self.inbox.send(Msg::Stop);
    }

    /// Waits for the thread to end.
    pub fn join(mut self) {
        if let Some(h) = self.handle.take() {
            if h.join().is_err() {
                tracing::error!(folder = %self.name, "the intake thread panicked");
            }
        }
    }
}

/// The intake thread's state.
struct Worker {
    /// The folder.
    folder: Arc<HotFolder>,
    /// The settle state of its candidate files.
    settler: Settler,
    /// Ready files go here (bounded: back-pressure on intake).
    jobs: SyncSender<Job>,
    /// Shared with the run loop.
    claims: Claims,
    /// This thread's own journal connection, for `seen` rows.
    journal: Option<Journal>,
    /// When each tracked file was first noticed.
    noticed: std::collections::HashMap<PathBuf, Instant>,
}

/// How the folder is watched.
enum Mode {
    /// inotify, plus a full scan every `rescan`.
    Events {
        /// Kept alive: dropping it stops the events.
        _watcher: notify::RecommendedWatcher,
    },
    /// A full scan every this often.
    Poll(Duration),
}

impl Worker {
    fn run(&mut self, tx: Sender<Msg>, rx: Receiver<Msg>) {
        let mode = self.mode(tx);
        let every = match &mode {
            Mode::Events { .. } => self.folder.rescan,
            Mode::Poll(d) => (*d).min(self.folder.rescan),
        };
        let mut next_scan = Instant::now();
        loop {
            let now = Instant::now();
            if now >= next_scan {
                self.scan(now);
                next_scan = Instant::now() + every;
            }
            if !self.check_due(Instant::now()) {
                return; // the run loop has gone: shutting down
            }
            let wake = self.settler.next_deadline().map_or(next_scan, |d| d.min(next_scan));
            let wait = wake.saturating_duration_since(Instant::now()).max(Duration::from_millis(20));
            match rx.recv_timeout(wait) {
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Msg::Event(Ok(ev))) => {
                    if ev.need_rescan() {
                        next_scan = Instant::now();
                    }
                    for p in &ev.paths {
                        self.consider(p, Instant::now());
                    }
                }
                Ok(Msg::Event(Err(e))) => {
                    tracing::warn!(folder = %self.folder.name, "watch error: {e}; rescanning");
                    next_scan = Instant::now();
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// Inotify where it works, polling where it cannot.
    fn mode(&self, tx: Sender<Msg>) -> Mode {
        let f = &self.folder;
        if let watch_config::Watcher::Poll(d) = f.watcher {
            tracing::info!(folder = %f.name, path = %f.root.display(), "watching by polling every {}", watch_config::format_duration(d));
            return Mode::Poll(d);
        }
        if let Some(fs) = fs::network_fs(&f.root) {
            tracing::info!(folder = %f.name, path = %f.root.display(), "the folder is on {fs}; polling every {}", watch_config::format_duration(NETWORK_POLL));
            return Mode::Poll(NETWORK_POLL);
        }
        let recursive = if f.recursive { notify::RecursiveMode::Recursive } else { notify::RecursiveMode::NonRecursive };
        let watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(Msg::Event(ev));
        })
        .and_then(|mut w| w.watch(&f.root, recursive).map(|_| w));
        match watcher {
            Ok(w) => {
                tracing::info!(folder = %f.name, path = %f.root.display(), "watching with inotify");
                Mode::Events { _watcher: w }
            }
            Err(e) => {
                tracing::warn!(folder = %f.name, path = %f.root.display(), "cannot watch the folder ({e}); polling every {}", watch_config::format_duration(NETWORK_POLL));
                Mode::Poll(NETWORK_POLL)
            }
        }
    }

    /// A full scan: every file is (re)observed; tracked files that are gone are forgotten.
    fn scan(&mut self, now: Instant) {
        let found = fs::walk(&self.folder.root, self.folder.recursive, &self.folder.ignore);
        let present: HashSet<&Path> = found.iter().map(|(p, _)| p.as_path()).collect();
        let gone: Vec<PathBuf> = self.settler.paths().filter(|p| !present.contains(p)).map(Path::to_path_buf).collect();
        for p in gone {
            self.forget_gone(&p);
        }
        for (p, stamp) in &found {
            if !fs::ignored(p.strip_prefix(&self.folder.root).unwrap_or(p), &self.folder.ignore) {
                self.observe(p, *stamp, now);
            }
        }
    }

    /// An event touched `path`: look at it.
    fn consider(&mut self, path: &Path, now: Instant) {
        let Ok(rel) = path.strip_prefix(&self.folder.root) else { return };
        if rel.as_os_str().is_empty() || fs::ignored(rel, &self.folder.ignore) {
            return;
        }
        if !self.folder.recursive && rel.components().count() > 1 {
            return;
        }
        match fs::kind(path) {
            Kind::File(stamp) => self.observe(path, stamp, now),
            Kind::Dir if self.folder.recursive => {
                // Files may have landed before inotify watched the new folder.
                for (p, stamp) in fs::walk(path, true, &self.folder.ignore) {
                    self.observe(&p, stamp, now);
                }
            }
            Kind::Missing => self.forget_gone(path),
            Kind::Dir | Kind::Other => {}
        }
    }

    fn observe(&mut self, path: &Path, stamp: Stamp, now: Instant) {
        if self.claimed(path) {
            return;
        }
        if self.settler.observe(path, Some(stamp), now) {
            self.noticed.insert(path.to_path_buf(), now);
            tracing::info!(folder = %self.folder.name, file = %path.display(), size = stamp.size, "seen");
            if let Some(j) = &self.journal {
                let facts = FileFacts { folder: self.folder.name.clone(), path: path.to_path_buf(), size: stamp.size, mtime_ns: stamp.mtime_ns };
                if let Err(e) = j.seen(&facts) {
                    tracing::warn!("{e}");
                }
            }
        }
    }

    fn forget_gone(&mut self, path: &Path) {
        if self.settler.forget(path) {
            self.noticed.remove(path);
            tracing::info!(folder = %self.folder.name, file = %path.display(), "gone before it was taken");
            if let Some(j) = &self.journal {
                if let Err(e) = j.unseen(path) {
                    tracing::warn!("{e}");
                }
            }
        }
    }

    fn claimed(&self, path: &Path) -> bool {
        self.claims.lock().map(|c| c.contains(path)).unwrap_or(false)
    }

    /// Runs the readiness check on every due file. Returns `false` when the
    /// run loop is gone.
    fn check_due(&mut self, now: Instant) -> bool {
        let mut due = self.settler.due(now);
        // A small batch at a time: the writer check below is one /proc scan
        // for the batch, and must not go stale while a burst queues up.
        due.truncate(CHECK_BATCH);
        if due.is_empty() {
            return true;
        }
        let checks: Vec<PathBuf> = due.iter().filter_map(|d| if let Due::Check(p) = d { Some(p.clone()) } else { None }).collect();
        let writing = fs::open_for_writing(&checks);
        for d in due {
            let now = Instant::now();
            let (path, job) = match d {
                Due::Fail(path, reason) => {
                    let minutes = watch_config::format_duration(self.folder.incomplete_timeout);
                    let reason = format!("it stayed incomplete for {minutes}: {reason}");
                    let Ok((bytes, stamp)) = fs::read_regular(&path) else {
                        self.forget_gone(&path);
                        continue;
                    };
                    (path.clone(), self.job(&path, bytes, stamp, Err(reason)))
                }
                Due::Check(path) => {
                    let Some(before) = self.settler.stamp(&path) else { continue };
                    match fs::kind(&path) {
                        Kind::File(s) if s == before => {}
                        Kind::File(s) => {
                            self.settler.observe(&path, Some(s), now);
                            continue;
                        }
                        _ => {
                            self.forget_gone(&path);
                            continue;
                        }
                    }
                    if writing.contains(&path) {
                        tracing::debug!(file = %path.display(), "still open for writing");
                        self.settler.checked(&path, Check::Held, now);
                        continue;
                    }
                    let (bytes, stamp) = match fs::read_regular(&path) {
                        Ok(r) => r,
                        Err(e) => {
                            self.settler.checked(&path, Check::Incomplete(format!("cannot read the file: {e}")), now);
                            continue;
                        }
                    };
                    if stamp != before {
                        self.settler.observe(&path, Some(stamp), now);
                        continue;
                    }
                    match decode::decode_bytes(&bytes) {
                        Ok(pages) => (path.clone(), self.job(&path, bytes, stamp, Ok(pages))),
                        Err(e) if is_final(&e, &bytes) => (path.clone(), self.job(&path, bytes, stamp, Err(e.to_string()))),
                        Err(e) => {
                            tracing::info!(folder = %self.folder.name, file = %path.display(), "incomplete, waiting for it to change: {e}");
                            self.settler.checked(&path, Check::Incomplete(e.to_string()), now);
                            continue;
                        }
                    }
                }
            };
            self.settler.checked(&path, Check::Taken, now);
            self.noticed.remove(&path);
            if let Ok(mut c) = self.claims.lock() {
                c.insert(path.clone());
            }
            if self.jobs.send(job).is_err() {
                return false;
            }
        }
        true
    }

    fn job(&self, path: &Path, bytes: Vec<u8>, stamp: Stamp, pages: Result<Vec<PageImage>, String>) -> Job {
        let rel = path.strip_prefix(&self.folder.root).unwrap_or(path).to_path_buf();
        let noticed = self.noticed.get(path).copied().unwrap_or_else(Instant::now);
        Job { folder: self.folder.clone(), path: path.to_path_buf(), rel, bytes, stamp, pages, noticed }
    }
}

use fs::Kind;

/// Whether a decode error is final (the file is not an image and more
/// bytes will not make it one) rather than a sign of a file still arriving.
fn is_final(e: &DecodeError, bytes: &[u8]) -> bool {
    match e {
        DecodeError::UnknownFormat { .. } => bytes.len() >= 8,
        DecodeError::Unsupported(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_folders_become_tags_after_the_folder_tags() {
        let cfg = watch_config::Config::default();
        let mut f = watch_config::Folder::new("contracts", "/srv/hot");
        f.tags = vec!["contract".into()];
        let hot = HotFolder::new(&cfg, &f, Path::new("/data"));
        assert_eq!(hot.tags_for(Path::new("2024/tokyo/a.png")), ["contract", "2024", "tokyo"]);
        assert_eq!(hot.tags_for(Path::new("a.png")), ["contract"]);
        assert_eq!(hot.originals, Path::new("/data/originals/contracts"));
    }

    #[test]
    fn only_unknown_formats_and_unsupported_files_fail_at_once() {
        assert!(is_final(&DecodeError::UnknownFormat { head: "hello".into() }, b"hello world"));
        assert!(!is_final(&DecodeError::UnknownFormat { head: "\u{89}P".into() }, b"\x89P"));
        assert!(!is_final(&DecodeError::Corrupt { format: "PNG", reason: "eof".into() }, b"1234567890"));
        assert!(!is_final(&DecodeError::Empty, b""));
    }
}
