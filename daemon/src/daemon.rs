//! `inkan run`: the hot-folder daemon. Wiring only: intake threads feed a
//! bounded channel; the page workers analyse; this thread stores, journals
//! and moves originals, one document at a time, in the order taken.
//!
//! ```text
//! intake (one thread per folder) ──bounded──► source ─► Workers ─► done: PDF + index,
//!                                                                    journal, move original
//! ```
//!
//! Guarantees (see `docs/DAEMON.md`): a file leaves its hot folder only after
//! its PDF is fsync'd, its document committed and the journal says so; a
//! `kill -9` at any moment is finished by the next start (every file indexed
//! exactly once, or failed with a reason); SIGTERM/SIGINT stop intake, finish
//! the documents in flight and return within [`GRACE`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::analyse::{AnalysedPage, EngineFactory, Failed, Input, Next, Workers};
use crate::app::{CliError, Settings};
use crate::ingest::{self, NewDocument};
use crate::intake::settle::Stamp;
use crate::intake::{fs as intake_fs, Claims, HotFolder, Intake, Job};
use crate::journal::{Entry, FileFacts, Journal, JournalError, State};
use crate::ocr::{OcrEngine, OcrError, TesseractEngine};
use crate::shutdown::Shutdown;

/// After a shutdown signal, documents still in flight this long are left to
/// the next start (they are journaled as `processing`) and the process exits.
pub const GRACE: Duration = Duration::from_secs(25);

/// How often the config file is checked for changes.
const RELOAD_EVERY: Duration = Duration::from_secs(2);

/// A store that failed this many times (disk full, output unwritable) fails the file.
const MAX_ATTEMPTS: u32 = 3;

/// Why the daemon stopped with an error (per-file problems never stop it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DaemonError {
    /// Another daemon runs on the same data directory.
    #[error(transparent)]
    Locked(#[from] crate::datalock::LockError),
    /// The journal cannot be used.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The index cannot be opened or its writer taken.
    #[error(transparent)]
    Index(#[from] indexer::IndexError),
    /// The OCR engines cannot start (missing language data).
    #[error(transparent)]
    Ocr(#[from] OcrError),
    /// The HTTP API (`[http]`) cannot start.
    #[error("cannot start the HTTP API: {0}")]
    Http(String),
    /// A file-system step of start-up failed.
    #[error("cannot {about}: {source}")]
    Io {
        /// What was being done.
        about: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// `inkan run`: loads nothing new (the config was loaded by `Settings`),
/// installs SIGTERM/SIGINT handlers and runs until one arrives.
pub fn run_cli(settings: &Settings, config_path: Option<&Path>) -> Result<ExitCode, CliError> {
    let Some(config_path) = config_path else {
        return Err(CliError::Usage("inkan run needs --config FILE (see docs/DAEMON.md)".into()));
    };
    watch_config::check_filesystem_with_data(&settings.config, config_path, &settings.data).map_err(|e| CliError::Usage(e.to_string().trim_end().to_string()))?;
    let shutdown = Shutdown::new();
    on_signals(shutdown.clone()).map_err(|e| CliError::Runtime(format!("cannot install signal handlers: {e}")))?;
    run(settings.data.clone(), settings.config.clone(), Some(config_path.to_path_buf()), shutdown).map_err(|e| CliError::Runtime(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// Fires `shutdown` on SIGTERM or SIGINT. The handlers are installed before
/// this returns.
fn on_signals(shutdown: Shutdown) -> io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (mut term, mut int) = {
        let _guard = rt.enter();
        (signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?)
    };
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        let name = rt.block_on(async {
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        });
        tracing::info!("{name}: no new files are taken; finishing the ones in flight");
        shutdown.trigger();
    })?;
    Ok(())
}

/// Runs the daemon on `config` with data directory `data` until `shutdown`
/// fires. `config_path`, if given, is re-read for changes.
pub fn run(data: PathBuf, config: watch_config::Config, config_path: Option<PathBuf>, shutdown: Shutdown) -> Result<(), DaemonError> {
    let io_err = |about: String| move |source| DaemonError::Io { about, source };
    std::fs::create_dir_all(&data).map_err(io_err(format!("create the data folder {}", data.display())))?;
    let _lock = crate::datalock::DaemonLock::acquire(&data)?;
    let journal = Journal::open(&data)?;
    let index = Arc::new(indexer::Index::open(&data.join("index"))?);
    let writer = index.writer()?;
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let server = match &config.http {
        Some(http) => {
            let counts: Arc<dyn crate::api::Pipeline> = Arc::new(JournalCounts { data: data.clone(), metrics: metrics.clone() });
            Some(crate::api::start(http, data.clone(), index.clone(), Some(counts), shutdown.clone()).map_err(|e| DaemonError::Http(e.to_string()))?)
        }
        None => None,
    };
    let languages = config.languages.clone();
    let factory: EngineFactory = Arc::new(move || TesseractEngine::new(&languages).map(|e| Box::new(e) as Box<dyn OcrEngine>));
    let workers = Workers::start(config.workers, Some(factory))?;
    let (jobs_tx, jobs_rx) = mpsc::sync_channel(config.workers.max(1));
    let planned = journal.planned_outputs()?.into_iter().collect();
    let mut state = Daemon {
        folders: folders_of(&config, &data),
        data,
        journal,
        index,
        writer,
        claims: Claims::default(),
        reloader: config_path.map(watch_config::Reloader::new),
        config,
        intakes: Vec::new(),
        retired: Vec::new(),
        jobs_tx,
        jobs_rx: Some(jobs_rx),
        next_reload: Instant::now() + RELOAD_EVERY,
        in_flight: HashMap::new(),
        metrics,
        planned,
        shutdown,
        stopping: false,
        fatal: None,
        store_lock: Arc::new(Mutex::new(())),
    };
    state.recover()?;
    state.start_intakes();
    tracing::info!(folders = state.folders.len(), workers = state.config.workers, "inkan is running");

    let state = RefCell::new(state);
    workers.run(|idle| state.borrow_mut().next(idle), |key, result| state.borrow_mut().done(key, result));
    let mut state = state.into_inner();
    state.stop_intakes();
    if let Some(server) = server {
        state.shutdown.trigger(); // also after a fatal error: the API stops with the daemon
        if let Ok(Err(e)) = server.thread.join() {
            tracing::warn!("the HTTP API stopped with an error: {e}");
        }
    }
    let m = &state.metrics;
    tracing::info!(indexed = m.files("indexed"), duplicates = m.files("duplicate"), failed = m.files("failed"), "stopped");
    match state.fatal.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn folders_of(config: &watch_config::Config, data: &Path) -> Vec<Arc<HotFolder>> {
    config.folders.iter().map(|f| Arc::new(HotFolder::new(config, f, data))).collect()
}

/// The queue counts `/api/status` and `/metrics` report: read from the
/// journal, like `inkan status`.
struct JournalCounts {
    /// The data directory.
    data: PathBuf,
    /// The run loop's counters.
    metrics: Arc<crate::metrics::Metrics>,
}

impl crate::api::Pipeline for JournalCounts {
    fn counts(&self) -> crate::journal::Counts {
        match crate::journal::read_counts(&self.data) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("{e}");
                crate::journal::Counts::default()
            }
        }
    }

    fn write_metrics(&self, out: &mut String) -> std::fmt::Result {
        self.metrics.encode(out)
    }
}

/// A file taken for processing: the key that travels through the workers.
struct Taken {
    /// Its journal row.
    id: i64,
    /// Its hot folder.
    folder: Arc<HotFolder>,
    /// Its path in the hot folder.
    path: PathBuf,
    /// Its path relative to the hot folder.
    rel: PathBuf,
    /// Size and mtime of the bytes processed.
    stamp: Stamp,
    /// Their SHA-256.
    sha: String,
    /// The PDF's path.
    output: PathBuf,
    /// How many times it was taken (1 the first time).
    attempts: u32,
    /// When intake noticed it.
    noticed: Instant,
    /// When it was taken.
    taken: Instant,
}

/// Why a taken file skips the workers.
#[derive(Debug)]
enum Skip {
    /// It cannot be processed.
    Failed(String),
    /// Its content is already indexed (or being indexed) as `doc_id`.
    Duplicate { doc_id: String, output: Option<String> },
    /// A previous run indexed it and was killed before journaling that.
    AlreadyIndexed { doc_id: String, output: String },
}

/// The run loop's state, used by the workers' `source` and `done` callbacks
/// on this thread.
struct Daemon {
    /// The data directory.
    data: PathBuf,
    /// The journal (this thread's connection).
    journal: Journal,
    /// The index, for duplicate checks (shared with the HTTP API).
    index: Arc<indexer::Index>,
    /// The index's single writer, held for the daemon's life.
    writer: indexer::Writer,
    /// Paths handed over by intake and not finished yet.
    claims: Claims,
    /// The config in force.
    config: watch_config::Config,
    /// Re-reads the config file, if there is one.
    reloader: Option<watch_config::Reloader>,
    /// When to check the config file next.
    next_reload: Instant,
    /// The hot folders in force.
    folders: Vec<Arc<HotFolder>>,
    /// One intake thread per folder.
    intakes: Vec<Intake>,
    /// Intake threads of a previous config, stopping; joined at the end.
    retired: Vec<Intake>,
    /// Given to each new intake thread.
    jobs_tx: SyncSender<Job>,
    /// Ready files; dropped at shutdown so that blocked intake threads wake.
    jobs_rx: Option<Receiver<Job>>,
    /// SHA-256 → doc_id of documents taken and not yet stored.
    in_flight: HashMap<String, String>,
    /// This run's counters: for `/metrics` and the last log line.
    metrics: Arc<crate::metrics::Metrics>,
    /// Output names handed out, so two files never get the same PDF name.
    planned: HashSet<PathBuf>,
    /// Fires on SIGTERM/SIGINT.
    shutdown: Shutdown,
    /// Whether shutdown has begun.
    stopping: bool,
    /// An error that stopped the daemon.
    fatal: Option<DaemonError>,
    /// Held while a document is stored, journaled and moved, so the grace
    /// timer never exits in the middle of one.
    store_lock: Arc<Mutex<()>>,
}

impl Daemon {
    // ----- start-up, intake, reload -------------------------------------------------

    /// Finishes what a previous run left: moves originals whose result is
    /// journaled, and marks files that vanished. `processing` rows whose file
    /// is still there are redone when intake finds the file again.
    fn recover(&mut self) -> Result<(), DaemonError> {
        for e in self.journal.unfinished()? {
            let folder = self.folders.iter().find(|f| f.name == e.folder).cloned();
            let here = intake_fs::kind(&e.path);
            match e.state {
                State::Seen | State::Processing => {
                    if here == intake_fs::Kind::Missing {
                        tracing::warn!(folder = %e.folder, file = %e.path.display(), "gone: it disappeared from the hot folder before it was processed");
                        self.journal.finish(e.id, State::Gone, None, None, Some("it disappeared from the hot folder before it was processed"))?;
                    } else {
                        tracing::info!(folder = %e.folder, file = %e.path.display(), attempts = e.attempts, "left unfinished by the last run; it will be redone");
                    }
                }
                _ => {
                    let same = matches!(here, intake_fs::Kind::File(s) if s.size == e.size && s.mtime_ns == e.mtime_ns);
                    match (same, folder) {
                        (true, Some(folder)) => {
                            let rel = e.path.strip_prefix(&folder.root).unwrap_or(&e.path).to_path_buf();
                            tracing::info!(folder = %e.folder, file = %e.path.display(), "finishing the move the last run could not");
                            self.move_away(&folder, &e.path, &rel, e.id, e.state, e.reason.as_deref())?;
                        }
                        (true, None) => tracing::warn!(folder = %e.folder, file = %e.path.display(), "its folder is no longer configured; the original stays"),
                        (false, _) => self.journal.moved(e.id, None)?,
                    }
                }
            }
        }
        Ok(())
    }

    fn start_intakes(&mut self) {
        for f in &self.folders {
            match Intake::start(f.clone(), &self.data, self.jobs_tx.clone(), self.claims.clone()) {
                Ok(i) => self.intakes.push(i),
                Err(e) => tracing::error!(folder = %f.name, "cannot start watching: {e}"),
            }
        }
    }

    fn stop_intakes(&mut self) {
        let all: Vec<Intake> = self.intakes.drain(..).chain(self.retired.drain(..)).collect();
        for i in &all {
            i.stop();
        }
        // Intake threads blocked on a full channel wake up when it closes;
        // files not taken yet stay in their hot folders for the next start.
        self.jobs_rx = None;
        for i in all {
            i.join();
        }
    }

    /// Applies a changed config file: folders are restarted with their new
    /// settings; workers, languages and data_dir need a restart.
    fn maybe_reload(&mut self) {
        let now = Instant::now();
        if now < self.next_reload {
            return;
        }
        self.next_reload = now + RELOAD_EVERY;
        let Some(reloader) = &mut self.reloader else { return };
        match reloader.poll(&self.config) {
            watch_config::Reload::Unchanged => {}
            watch_config::Reload::Refused(errors) => {
                tracing::warn!("the changed configuration is refused; keeping the one in force:\n{}", errors.to_string().trim_end());
            }
            watch_config::Reload::Changed(new) => {
                if new.workers != self.config.workers || new.languages != self.config.languages || new.data_dir != self.config.data_dir {
                    tracing::warn!("changes to workers, languages or data_dir take effect after a restart");
                }
                for i in self.intakes.drain(..) {
                    i.stop();
                    self.retired.push(i);
                }
                self.folders = folders_of(&new, &self.data);
                self.config = new;
                self.start_intakes();
                tracing::info!(folders = self.folders.len(), "configuration reloaded");
            }
        }
    }

    // ----- the workers' source --------------------------------------------------------

    /// The workers' source: the next ready file, [`Next::Wait`], or
    /// [`Next::End`] once shutdown has begun.
    fn next(&mut self, idle: bool) -> Next<Input<Taken, Skip>> {
        loop {
            if self.stopping || self.fatal.is_some() {
                return Next::End;
            }
            if self.shutdown.is_shutdown() {
                self.begin_shutdown();
                return Next::End;
            }
            self.maybe_reload();
            let Some(rx) = &self.jobs_rx else { return Next::End };
            let job = if idle {
                match rx.recv_timeout(Duration::from_millis(250)) {
                    Ok(j) => j,
                    Err(RecvTimeoutError::Timeout) => return Next::Wait,
                    Err(RecvTimeoutError::Disconnected) => return Next::End,
                }
            } else {
                match rx.try_recv() {
                    Ok(j) => j,
                    Err(TryRecvError::Empty) => return Next::Wait,
                    Err(TryRecvError::Disconnected) => return Next::End,
                }
            };
            match self.take(job) {
                Ok(Some(doc)) => return Next::Doc(doc),
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!("{e}; stopping");
                    self.fatal = Some(e.into());
                    self.begin_shutdown();
                    return Next::End;
                }
            }
        }
    }

    /// Stops intake and arms the grace timer.
    fn begin_shutdown(&mut self) {
        if self.stopping {
            return;
        }
        self.stopping = true;
        for i in &self.intakes {
            i.stop();
        }
        let lock = self.store_lock.clone();
        let _ = std::thread::Builder::new().name("grace".into()).spawn(move || {
            std::thread::sleep(GRACE);
            let _held = lock.lock();
            tracing::warn!("documents still in flight after {}s are left for the next start", GRACE.as_secs());
            std::process::exit(0);
        });
    }

    /// Journals a ready file as `processing` and decides its way: the
    /// workers, or straight to `done` (duplicate, failed, already indexed).
    /// `Ok(None)`: handled here (an original whose move was pending).
    fn take(&mut self, job: Job) -> Result<Option<Input<Taken, Skip>>, JournalError> {
        let sha = ingest::sha256_hex(&job.bytes);
        drop(job.bytes);
        // A finished file whose move failed earlier: only move it.
        if let Some(e) = self.journal.unmoved(&job.path)? {
            if e.size == job.stamp.size && e.mtime_ns == job.stamp.mtime_ns && e.sha256.as_deref() == Some(sha.as_str()) {
                self.move_away(&job.folder, &job.path, &job.rel, e.id, e.state, e.reason.as_deref())?;
                self.release(&job.path);
                return Ok(None);
            }
            self.journal.moved(e.id, None)?;
        }
        let stem = job.rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let out_dir = match job.rel.parent() {
            Some(p) => job.folder.output.join(p),
            None => job.folder.output.clone(),
        };
        let fresh = ingest::free_output_path(&out_dir, &stem, &self.planned);
        let facts = FileFacts { folder: job.folder.name.clone(), path: job.path.clone(), size: job.stamp.size, mtime_ns: job.stamp.mtime_ns };
        let entry = self.journal.begin(&facts, &sha, &fresh)?;
        let output = entry.output.clone().map(PathBuf::from).unwrap_or(fresh);
        self.planned.insert(output.clone());
        let pages = job.pages.as_ref().map_or(0, Vec::len);
        tracing::info!(folder = %job.folder.name, file = %job.path.display(), pages, attempt = entry.attempts, waited_ms = job.noticed.elapsed().as_millis() as u64, "processing");
        let taken = Taken {
            id: entry.id,
            folder: job.folder,
            path: job.path,
            rel: job.rel,
            stamp: job.stamp,
            sha: sha.clone(),
            output,
            attempts: entry.attempts,
            noticed: job.noticed,
            taken: Instant::now(),
        };
        let pages = match job.pages {
            Err(reason) => Err(Skip::Failed(reason)),
            Ok(pages) => match self.known(&taken, &entry) {
                Some(skip) => Err(skip),
                None => Ok(pages),
            },
        };
        if pages.is_ok() {
            self.in_flight.insert(sha.clone(), ingest::doc_id(&sha));
        }
        Ok(Some((taken, pages)))
    }

    /// Whether this content is already indexed (or being indexed this run).
    fn known(&self, t: &Taken, entry: &Entry) -> Option<Skip> {
        if let Some(doc_id) = self.in_flight.get(&t.sha) {
            return Some(Skip::Duplicate { doc_id: doc_id.clone(), output: None });
        }
        let doc_id = match self.index.find_by_sha256(&t.sha) {
            Ok(Some(id)) => id,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!("cannot check the index for duplicates: {e}");
                return None;
            }
        };
        let summary = self.index.document(&doc_id).ok().flatten();
        let output = summary.as_ref().map(|s| s.output.clone());
        let same_file = summary.as_ref().is_some_and(|s| Path::new(&s.source) == t.path);
        if entry.attempts > 1 && same_file {
            // Our own document: stored by a run that was killed before it journaled it.
            return Some(Skip::AlreadyIndexed { doc_id, output: output.unwrap_or_default() });
        }
        Some(Skip::Duplicate { doc_id, output })
    }

    fn release(&self, path: &Path) {
        if let Ok(mut c) = self.claims.lock() {
            c.remove(path);
        }
    }

    // ----- the workers' done ----------------------------------------------------------

    /// Stores, journals and moves one document (in the order taken).
    fn done(&mut self, t: Taken, result: Result<Vec<AnalysedPage>, Failed<Skip>>) {
        let lock = self.store_lock.clone();
        let _held = lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = self.finish(&t, result) {
            tracing::error!("{e}; stopping");
            self.fatal.get_or_insert(e.into());
            self.begin_shutdown();
        }
        self.in_flight.remove(&t.sha);
        self.planned.remove(&t.output);
        self.release(&t.path);
    }

    fn finish(&mut self, t: &Taken, result: Result<Vec<AnalysedPage>, Failed<Skip>>) -> Result<(), JournalError> {
        let file = t.path.display();
        let folder = &t.folder.name;
        match result {
            Ok(pages) => {
                let tags = t.folder.tags_for(&t.rel);
                let doc = NewDocument { source: &t.path, sha256: &t.sha, pages: &pages, folder, tags: &tags, output: &t.output };
                match ingest::store(&mut self.writer, &doc) {
                    Ok(rec) => {
                        self.journal.finish(t.id, State::Indexed, Some(&rec.doc_id), Some(&rec.output), None)?;
                        self.metrics.file("indexed");
                        for p in &pages {
                            self.metrics.page(p.seals.len(), p.ocr_time);
                        }
                        let seals: usize = pages.iter().map(|p| p.seals.len()).sum();
                        tracing::info!(
                            folder = %folder, file = %file, doc_id = %rec.doc_id, output = %rec.output, pages = pages.len(), seals,
                            ms = t.taken.elapsed().as_millis() as u64, since_seen_ms = t.noticed.elapsed().as_millis() as u64, "indexed"
                        );
                        self.move_if(&t.folder, &t.path, &t.rel, t.id, State::Indexed, None, Some(t.stamp))?;
                    }
                    Err(e) if out_of_space(&e) => {
                        // Not the file's fault: it waits in its hot folder, however long that takes.
                        tracing::error!(folder = %folder, file = %file, "cannot store it: the disk is full ({e}); it stays in the hot folder and is retried at the next scan");
                        self.journal.retry_later(t.id, &e.to_string())?;
                    }
                    Err(e) if t.attempts < MAX_ATTEMPTS => {
                        tracing::warn!(folder = %folder, file = %file, attempt = t.attempts, "cannot store it ({e}); it will be retried at the next scan");
                        self.journal.retry_later(t.id, &e.to_string())?;
                    }
                    Err(e) => self.fail(t, &format!("it could not be stored after {} attempts: {e}", t.attempts))?,
                }
            }
            Err(Failed::Source(Skip::AlreadyIndexed { doc_id, output })) => {
                self.journal.finish(t.id, State::Indexed, Some(&doc_id), Some(&output), None)?;
                self.metrics.file("indexed");
                tracing::info!(folder = %folder, file = %file, doc_id = %doc_id, output = %output, "indexed (by the previous run, before it stopped)");
                self.move_if(&t.folder, &t.path, &t.rel, t.id, State::Indexed, None, Some(t.stamp))?;
            }
            Err(Failed::Source(Skip::Duplicate { doc_id, output })) => {
                self.journal.finish(t.id, State::Duplicate, Some(&doc_id), output.as_deref(), None)?;
                self.metrics.file("duplicate");
                tracing::info!(folder = %folder, file = %file, doc_id = %doc_id, "duplicate: the same content is already indexed");
                self.move_if(&t.folder, &t.path, &t.rel, t.id, State::Duplicate, None, Some(t.stamp))?;
            }
            Err(Failed::Source(Skip::Failed(reason))) => self.fail(t, &reason)?,
            Err(Failed::Ocr { page, error }) => self.fail(t, &format!("OCR failed on page {page}: {error}"))?,
        }
        Ok(())
    }

    fn fail(&mut self, t: &Taken, reason: &str) -> Result<(), JournalError> {
        self.journal.finish(t.id, State::Failed, None, None, Some(reason))?;
        self.metrics.file("failed");
        tracing::warn!(folder = %t.folder.name, file = %t.path.display(), ms = t.taken.elapsed().as_millis() as u64, "failed: {reason}");
        self.move_if(&t.folder, &t.path, &t.rel, t.id, State::Failed, Some(reason), Some(t.stamp))
    }

    /// Moves a finished original out of its hot folder (to originals, or to
    /// failed with its `.error.txt`) and journals the move. A move that
    /// fails is logged and retried when intake sees the file again.
    fn move_away(&mut self, folder: &HotFolder, path: &Path, rel: &Path, id: i64, state: State, reason: Option<&str>) -> Result<(), JournalError> {
        self.move_if(folder, path, rel, id, state, reason, None)
    }

    /// [`Daemon::move_away`] of a file taken with `stamp`: if it changed
    /// since (someone wrote to it while it was processed), it stays, and is
    /// taken again as new content.
    #[allow(clippy::too_many_arguments)]
    fn move_if(&mut self, folder: &HotFolder, path: &Path, rel: &Path, id: i64, state: State, reason: Option<&str>, stamp: Option<Stamp>) -> Result<(), JournalError> {
        match intake_fs::kind(path) {
            intake_fs::Kind::File(now) if stamp.is_some_and(|s| s != now) => {
                tracing::warn!(folder = %folder.name, file = %path.display(), "it changed while it was processed; it stays and will be processed again");
                return self.journal.moved(id, None);
            }
            intake_fs::Kind::File(_) => {}
            _ => {
                tracing::warn!(folder = %folder.name, file = %path.display(), "the original was no longer there to move");
                return self.journal.moved(id, None);
            }
        }
        let result = if state == State::Failed {
            move_failed(path, &folder.failed, rel, reason.unwrap_or("it could not be processed"))
        } else {
            move_into(path, &folder.originals, rel)
        };
        match result {
            Ok(to) => {
                tracing::info!(folder = %folder.name, file = %path.display(), to = %to.display(), "moved");
                self.journal.moved(id, Some(&to))
            }
            Err(e) => {
                tracing::error!(folder = %folder.name, file = %path.display(), "cannot move the original out of the hot folder: {e}; it will be retried");
                Ok(())
            }
        }
    }
}

/// Whether a store failed for lack of space (ENOSPC, or EDQUOT: a quota).
/// Such a file is retried without limit: failing it would only move the
/// problem to staff, who would have to drop it again once space is freed.
fn out_of_space(e: &ingest::StoreError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<io::Error>() {
            if matches!(io.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT)) {
                return true;
            }
        }
        cause = c.source();
    }
    false
}

/// `dir/rel`, or `dir/<stem>-N.<ext>` beside it with the first free N.
fn free_path(dir: &Path, rel: &Path) -> PathBuf {
    let want = dir.join(rel);
    if std::fs::symlink_metadata(&want).is_err() {
        return want;
    }
    let parent = want.parent().unwrap_or(dir).to_path_buf();
    let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = rel.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (1..)
        .map(|n| parent.join(format!("{stem}-{n}{ext}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("an unbounded range has a free name")
}

/// Moves `src` to `dir/rel` (never overwriting: see [`free_path`]), across
/// file systems if needed (copy, fsync, rename, remove). Returns where it went.
fn move_into(src: &Path, dir: &Path, rel: &Path) -> io::Result<PathBuf> {
    let dest = free_path(dir, rel);
    let parent = dest.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    match std::fs::rename(src, &dest) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
            let tmp = parent.join(format!(".{}.inkan-tmp", dest.file_name().unwrap_or_default().to_string_lossy()));
            std::fs::copy(src, &tmp)?;
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &dest)?;
            std::fs::remove_file(src)?;
        }
        Err(e) => return Err(e),
    }
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(dest)
}

/// Moves a failed file to `dir/rel` with `<name>.error.txt` beside it (written first).
fn move_failed(src: &Path, dir: &Path, rel: &Path, reason: &str) -> io::Result<PathBuf> {
    let dest = free_path(dir, rel);
    std::fs::create_dir_all(dest.parent().unwrap_or(dir))?;
    let name = dest.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let original = rel.file_name().unwrap_or_default().to_string_lossy();
    let reason = reason.trim_end_matches('.');
    std::fs::write(dest.with_file_name(format!("{name}.error.txt")), format!("{original} could not be processed: {reason}.\n"))?;
    let rel_dest = dest.strip_prefix(dir).map(Path::to_path_buf).unwrap_or_else(|_| rel.to_path_buf());
    move_into(src, dir, &rel_dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let hot = dir.path().join("hot");
        let orig = dir.path().join("orig");
        std::fs::create_dir_all(hot.join("sub")).unwrap();
        std::fs::create_dir_all(orig.join("sub")).unwrap();
        std::fs::write(orig.join("sub/a.png"), b"old").unwrap();
        std::fs::write(hot.join("sub/a.png"), b"new").unwrap();
        let to = move_into(&hot.join("sub/a.png"), &orig, Path::new("sub/a.png")).unwrap();
        assert_eq!(to, orig.join("sub/a-1.png"));
        assert_eq!(std::fs::read(orig.join("sub/a.png")).unwrap(), b"old");
        assert_eq!(std::fs::read(&to).unwrap(), b"new");
        assert!(!hot.join("sub/a.png").exists());
    }

    #[test]
    fn a_failed_file_gets_its_error_txt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.pdf"), b"text").unwrap();
        let failed = dir.path().join("failed");
        let to = move_failed(&dir.path().join("x.pdf"), &failed, Path::new("x.pdf"), "not a PNG, JPEG, TIFF or PDF file.").unwrap();
        assert_eq!(to, failed.join("x.pdf"));
        let txt = std::fs::read_to_string(failed.join("x.pdf.error.txt")).unwrap();
        assert_eq!(txt, "x.pdf could not be processed: not a PNG, JPEG, TIFF or PDF file.\n");
    }
}
