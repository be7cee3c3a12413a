//! The journal: the daemon's durable record of every file it has seen, in
//! SQLite (WAL mode) at `DATA/journal.sqlite`.
//!
//! One row per file *occurrence*: a path in a hot folder, from the moment the
//! daemon notices it until it has left the hot folder. Its `state` moves
//!
//! ```text
//! seen ──► processing ──► indexed | duplicate | failed      (then `moved` = 1)
//!   └────────────┴──────► gone    (deleted by someone else before it was done)
//! ```
//!
//! The order of durable steps for one file is what makes a `kill -9` at any
//! moment harmless:
//!
//! 1. `processing` is written with the file's SHA-256, size, mtime and the
//!    output path chosen for it (so a redo reuses the same name and leaves no
//!    orphan PDF);
//! 2. the PDF is written and fsync'd, then the index commits (`ingest::store`);
//! 3. the row becomes `indexed` (or `duplicate`, `failed`);
//! 4. the original moves out of the hot folder, then `moved` = 1.
//!
//! On start-up ([`Journal::unfinished`]) every `processing` row is redone and
//! every finished row whose original is still in the hot folder is moved.
//! A redo finds its document already in the index (the doc_id is the content
//! hash) and only finishes the bookkeeping: every file ends indexed once.
//!
//! Only the daemon's run loop writes (one connection, one thread); any
//! number of readers (`inkan status`) may open the file at the same time.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

/// The journal file inside the data directory.
pub const FILE_NAME: &str = "journal.sqlite";

/// A row's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Noticed in a hot folder, not yet taken (settling or queued).
    Seen,
    /// Taken: being analysed and stored.
    Processing,
    /// Stored: its PDF is written and its document committed to the index.
    Indexed,
    /// Its content was already indexed; no second document was made.
    Duplicate,
    /// Could not be processed; `reason` says why.
    Failed,
    /// Disappeared from the hot folder before it was processed.
    Gone,
}

impl State {
    /// The name stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Seen => "seen",
            State::Processing => "processing",
            State::Indexed => "indexed",
            State::Duplicate => "duplicate",
            State::Failed => "failed",
            State::Gone => "gone",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "seen" => State::Seen,
            "processing" => State::Processing,
            "indexed" => State::Indexed,
            "duplicate" => State::Duplicate,
            "failed" => State::Failed,
            _ => State::Gone,
        }
    }
}

/// Why the journal could not be used. Any of these stops the daemon: without
/// its journal it cannot promise anything.
#[derive(Debug, thiserror::Error)]
#[error("the journal {path} cannot be used ({about}): {source}")]
pub struct JournalError {
    /// The journal file.
    pub path: PathBuf,
    /// What was being done.
    pub about: &'static str,
    /// SQLite's reason.
    #[source]
    pub source: rusqlite::Error,
}

/// The facts about a file the journal keeps while it is being processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Hot folder name.
    pub folder: String,
    /// The file's path in the hot folder.
    pub path: PathBuf,
    /// Size in bytes when taken.
    pub size: u64,
    /// Modification time when taken, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

/// One journal row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Row id.
    pub id: i64,
    /// Hot folder name.
    pub folder: String,
    /// The file's path in the hot folder.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// SHA-256 (hex), once read.
    pub sha256: Option<String>,
    /// State.
    pub state: State,
    /// Why it failed (or why it is being retried).
    pub reason: Option<String>,
    /// The document id.
    pub doc_id: Option<String>,
    /// The searchable PDF (planned while processing, final once indexed).
    pub output: Option<String>,
    /// How many times it was taken.
    pub attempts: u32,
    /// Whether the original has left the hot folder.
    pub moved: bool,
}

/// Counts for `inkan status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Noticed, not yet taken.
    pub queued: u64,
    /// Taken, not yet finished.
    pub processing: u64,
    /// Failed.
    pub failed: u64,
}

/// The journal, open for writing.
pub struct Journal {
    /// The SQLite connection (WAL mode, `synchronous = FULL`).
    conn: Connection,
    /// The file, for messages.
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    id        INTEGER PRIMARY KEY,
    folder    TEXT NOT NULL,
    path      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    sha256    TEXT,
    state     TEXT NOT NULL,
    reason    TEXT,
    doc_id    TEXT,
    output    TEXT,
    original  TEXT,
    attempts  INTEGER NOT NULL DEFAULT 0,
    moved     INTEGER NOT NULL DEFAULT 0,
    seen_at   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
CREATE INDEX IF NOT EXISTS files_state ON files(state);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
";

fn now() -> i64 {
    crate::ingest::now_unix()
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

impl Journal {
    /// Opens (creating if needed) `DATA/journal.sqlite` for writing.
    pub fn open(data: &Path) -> Result<Journal, JournalError> {
        let path = data.join(FILE_NAME);
        let err = |about| {
            let path = path.clone();
            move |source| JournalError { path, about, source }
        };
        if let Err(e) = std::fs::create_dir_all(data) {
            return Err(err("create the data folder")(rusqlite::Error::ToSqlConversionFailure(Box::new(e))));
        }
        let conn = Connection::open(&path).map_err(err("open"))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err("configure"))?;
        let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(err("switch to WAL mode"))?;
        // FULL: a committed state change survives power loss, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL").map_err(err("configure"))?;
        conn.execute_batch(SCHEMA).map_err(err("create the tables"))?;
        Ok(Journal { conn, path })
    }

    fn err(&self, about: &'static str) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
        move |source| JournalError { path: self.path.clone(), about, source }
    }

    /// The active row (seen or processing) for `path`, if any.
    pub fn active(&self, path: &Path) -> Result<Option<Entry>, JournalError> {
        self.query_one("SELECT * FROM files WHERE path = ?1 AND state IN ('seen','processing') ORDER BY id DESC LIMIT 1", params![path_str(path)])
    }

    /// The latest finished row for `path` whose original has not left the hot folder yet.
    pub fn unmoved(&self, path: &Path) -> Result<Option<Entry>, JournalError> {
        self.query_one(
            "SELECT * FROM files WHERE path = ?1 AND state IN ('indexed','duplicate','failed') AND moved = 0 ORDER BY id DESC LIMIT 1",
            params![path_str(path)],
        )
    }

    fn query_one(&self, sql: &str, p: impl rusqlite::Params) -> Result<Option<Entry>, JournalError> {
        self.conn.query_row(sql, p, row_to_entry).optional().map_err(self.err("read"))
    }

    /// Records that a file was noticed (once per occurrence: a second call for
    /// a path with an active row does nothing).
    pub fn seen(&self, f: &FileFacts) -> Result<(), JournalError> {
        if self.active(&f.path)?.is_some() {
            return Ok(());
        }
        let t = now();
        self.conn
            .execute(
                "INSERT INTO files (folder, path, size, mtime_ns, state, seen_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'seen', ?5, ?5)",
                params![f.folder, path_str(&f.path), f.size as i64, f.mtime_ns, t],
            )
            .map_err(self.err("record a new file"))?;
        Ok(())
    }

    /// Forgets a `seen` row whose file went away before it was taken.
    pub fn unseen(&self, path: &Path) -> Result<(), JournalError> {
        self.conn.execute("DELETE FROM files WHERE path = ?1 AND state = 'seen'", params![path_str(path)]).map_err(self.err("forget a file"))?;
        Ok(())
    }

    /// Marks a file `processing` (reusing its active row, or a new one) with
    /// its hash and planned output, counting the attempt. Returns the row.
    pub fn begin(&self, f: &FileFacts, sha256: &str, output: &Path) -> Result<Entry, JournalError> {
        let t = now();
        let id = match self.active(&f.path)? {
            Some(e) => {
                // A redo of the same content keeps the output planned the first time.
                let output = match (&e.output, &e.sha256) {
                    (Some(o), Some(s)) if s == sha256 => o.clone(),
                    _ => path_str(output),
                };
                self.conn
                    .execute(
                        "UPDATE files SET folder=?2, size=?3, mtime_ns=?4, sha256=?5, state='processing', output=?6, attempts=attempts+1, updated_at=?7 WHERE id=?1",
                        params![e.id, f.folder, f.size as i64, f.mtime_ns, sha256, output, t],
                    )
                    .map_err(self.err("mark a file processing"))?;
                e.id
            }
            None => {
                self.conn
                    .execute(
                        "INSERT INTO files (folder, path, size, mtime_ns, sha256, state, output, attempts, seen_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'processing', ?6, 1, ?7, ?7)",
                        params![f.folder, path_str(&f.path), f.size as i64, f.mtime_ns, sha256, path_str(output), t],
                    )
                    .map_err(self.err("mark a file processing"))?;
                self.conn.last_insert_rowid()
            }
        };
        self.get(id)
    }

    /// The row `id`.
    pub fn get(&self, id: i64) -> Result<Entry, JournalError> {
        self.conn.query_row("SELECT * FROM files WHERE id = ?1", params![id], row_to_entry).map_err(self.err("read"))
    }

    /// Finishes row `id` as `state` (indexed, duplicate, failed or gone).
    pub fn finish(&self, id: i64, state: State, doc_id: Option<&str>, output: Option<&str>, reason: Option<&str>) -> Result<(), JournalError> {
        debug_assert!(!matches!(state, State::Seen | State::Processing));
        self.conn
            .execute(
                "UPDATE files SET state=?2, doc_id=COALESCE(?3, doc_id), output=?4, reason=?5, moved=(?2 = 'gone'), updated_at=?6 WHERE id=?1",
                params![id, state.as_str(), doc_id, output, reason, now()],
            )
            .map_err(self.err("record a result"))?;
        Ok(())
    }

    /// Puts row `id` back to `seen` after a transient failure, keeping the reason.
    pub fn retry_later(&self, id: i64, reason: &str) -> Result<(), JournalError> {
        self.conn
            .execute("UPDATE files SET state='seen', reason=?2, updated_at=?3 WHERE id=?1", params![id, reason, now()])
            .map_err(self.err("record a retry"))?;
        Ok(())
    }

    /// Records that row `id`'s original left the hot folder, and where to
    /// (`None`: it was already gone).
    pub fn moved(&self, id: i64, to: Option<&Path>) -> Result<(), JournalError> {
        self.conn
            .execute("UPDATE files SET moved=1, original=?2, updated_at=?3 WHERE id=?1", params![id, to.map(path_str), now()])
            .map_err(self.err("record a move"))?;
        Ok(())
    }

    /// Rows left unfinished by a previous run: `processing` ones and finished
    /// ones whose original was not moved yet. Stale `seen` rows are dropped
    /// (the start-up scan notices those files again).
    pub fn unfinished(&self) -> Result<Vec<Entry>, JournalError> {
        self.conn.execute("DELETE FROM files WHERE state = 'seen' AND attempts = 0", []).map_err(self.err("clean up"))?;
        let mut stmt = self
            .conn
            .prepare("SELECT * FROM files WHERE state IN ('seen','processing') OR (state IN ('indexed','duplicate','failed') AND moved = 0) ORDER BY id")
            .map_err(self.err("read"))?;
        let rows = stmt.query_map([], row_to_entry).map_err(self.err("read"))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err("read"))
    }

    /// Whether a document with this SHA-256 was recorded indexed by an earlier row.
    pub fn indexed_sha(&self, sha256: &str) -> Result<Option<String>, JournalError> {
        self.conn
            .query_row("SELECT doc_id FROM files WHERE sha256 = ?1 AND state = 'indexed' LIMIT 1", params![sha256], |r| r.get(0))
            .optional()
            .map_err(self.err("read"))
    }

    /// Planned or written outputs of active rows: names no new file may take.
    pub fn planned_outputs(&self) -> Result<Vec<PathBuf>, JournalError> {
        let mut stmt = self.conn.prepare("SELECT output FROM files WHERE state = 'processing' AND output IS NOT NULL").map_err(self.err("read"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err("read"))?;
        rows.map(|r| r.map(PathBuf::from)).collect::<Result<Vec<_>, _>>().map_err(self.err("read"))
    }

    /// Counts for `inkan status`.
    pub fn counts(&self) -> Result<Counts, JournalError> {
        counts(&self.conn).map_err(self.err("count"))
    }
}

/// Counts from the journal in `data`, read-only; all zero when there is none yet.
pub fn read_counts(data: &Path) -> Result<Counts, JournalError> {
    let path = data.join(FILE_NAME);
    if !path.exists() {
        return Ok(Counts::default());
    }
    let err = |about| {
        let path = path.clone();
        move |source| JournalError { path, about, source }
    };
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(err("open"))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(err("configure"))?;
    counts(&conn).map_err(err("count"))
}

fn counts(conn: &Connection) -> rusqlite::Result<Counts> {
    let mut c = Counts::default();
    let mut stmt = conn.prepare("SELECT state, COUNT(*) FROM files WHERE state IN ('seen','processing','failed') GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        match State::parse(&state) {
            State::Seen => c.queued = n as u64,
            State::Processing => c.processing = n as u64,
            State::Failed => c.failed = n as u64,
            _ => {}
        }
    }
    Ok(c)
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get("id")?,
        folder: r.get("folder")?,
        path: PathBuf::from(r.get::<_, String>("path")?),
        size: r.get::<_, i64>("size")? as u64,
        mtime_ns: r.get("mtime_ns")?,
        sha256: r.get("sha256")?,
        state: State::parse(&r.get::<_, String>("state")?),
        reason: r.get("reason")?,
        doc_id: r.get("doc_id")?,
        output: r.get("output")?,
        attempts: r.get::<_, i64>("attempts")? as u32,
        moved: r.get::<_, i64>("moved")? != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str) -> FileFacts {
        FileFacts { folder: "inbox".into(), path: PathBuf::from(path), size: 10, mtime_ns: 5 }
    }

    #[test]
    fn a_file_goes_seen_processing_indexed_moved() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path()).unwrap();
        j.seen(&facts("/hot/a.png")).unwrap();
        j.seen(&facts("/hot/a.png")).unwrap();
        assert_eq!(j.counts().unwrap(), Counts { queued: 1, processing: 0, failed: 0 });
        let e = j.begin(&facts("/hot/a.png"), "ab", Path::new("/out/a.pdf")).unwrap();
        assert_eq!((e.state, e.attempts), (State::Processing, 1));
        assert_eq!(j.counts().unwrap(), Counts { queued: 0, processing: 1, failed: 0 });
        j.finish(e.id, State::Indexed, Some("ab"), Some("/out/a.pdf"), None).unwrap();
        assert_eq!(j.unmoved(Path::new("/hot/a.png")).unwrap().unwrap().id, e.id);
        j.moved(e.id, Some(Path::new("/data/originals/inbox/a.png"))).unwrap();
        assert!(j.unmoved(Path::new("/hot/a.png")).unwrap().is_none());
        assert!(j.unfinished().unwrap().is_empty());
        assert_eq!(j.indexed_sha("ab").unwrap().as_deref(), Some("ab"));
        // The same path again is a new occurrence.
        j.seen(&facts("/hot/a.png")).unwrap();
        assert_ne!(j.active(Path::new("/hot/a.png")).unwrap().unwrap().id, e.id);
    }

    #[test]
    fn a_redo_after_a_crash_keeps_its_planned_output() {
        let dir = tempfile::tempdir().unwrap();
        let first = {
            let j = Journal::open(dir.path()).unwrap();
            j.begin(&facts("/hot/a.png"), "ab", Path::new("/out/a.pdf")).unwrap()
            // dropped without finishing: a crash
        };
        let j = Journal::open(dir.path()).unwrap();
        let left = j.unfinished().unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].state, State::Processing);
        let again = j.begin(&facts("/hot/a.png"), "ab", Path::new("/out/a-1.pdf")).unwrap();
        assert_eq!(again.id, first.id);
        assert_eq!(again.attempts, 2);
        assert_eq!(again.output.as_deref(), Some("/out/a.pdf"));
        assert_eq!(read_counts(dir.path()).unwrap().processing, 1);
    }

    #[test]
    fn counts_of_a_missing_journal_are_zero() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_counts(dir.path()).unwrap(), Counts::default());
    }
}
