//! The append-only audit log of electronic re-approvals: `DATA/audit.log`.
//!
//! One JSON object per line, in this field order:
//!
//! ```text
//! {"seq":1,"time":"2024-06-01T09:00:00Z","doc_id":"0123456789abcdef","by":"佐藤","note":"","prev":"000…000","hash":"9f2c…"}
//! ```
//!
//! - `seq` counts from 1, one per line; `time` is RFC 3339 UTC, whole seconds.
//! - `prev` is the previous line's `hash` (64 zeros on the first line).
//! - `hash` is the lower-case hex SHA-256 of `prev` followed by the entry's
//!   *canonical* form: the line without `hash`, as compact JSON in the field
//!   order above.
//!
//! Changing, inserting, removing or reordering any line therefore breaks the
//! chain at that line, and [`verify`] names it. Cutting lines off the *end*
//! leaves a valid shorter chain; [`verify`] prints the count and the head hash
//! so that they can be written down elsewhere and compared later.
//!
//! Appends are serialised between processes by an exclusive `flock` on
//! `DATA/audit.lock`, held while the tail is read and the new line written;
//! the log is opened with `O_APPEND`, each entry is one `write`, and the file
//! is fsync'd before [`append`] returns.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The log's file name inside the data directory.
pub const LOG_FILE: &str = "audit.log";

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = "audit.lock";

/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When it was recorded, RFC 3339 UTC.
    pub time: String,
    /// The approved document.
    pub doc_id: String,
    /// Who approved.
    pub by: String,
    /// Free text; `""` when none was given.
    pub note: String,
    /// The previous entry's `hash`, [`GENESIS`] for the first.
    pub prev: String,
    /// SHA-256 of `prev` + the canonical entry.
    pub hash: String,
}

/// The hashed part of an [`Entry`]: everything but `hash`, in line order.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: u64,
    time: &'a str,
    doc_id: &'a str,
    by: &'a str,
    note: &'a str,
    prev: &'a str,
}

impl Entry {
    /// The hash this entry must carry.
    pub fn expected_hash(&self) -> String {
        let canonical = Canonical {
            seq: self.seq,
            time: &self.time,
            doc_id: &self.doc_id,
            by: &self.by,
            note: &self.note,
            prev: &self.prev,
        };
        let json = serde_json::to_string(&canonical).expect("strings and integers serialise");
        let mut sha = Sha256::new();
        sha.update(self.prev.as_bytes());
        sha.update(json.as_bytes());
        hex(&sha.finalize())
    }

    /// `time` as Unix seconds, if it is RFC 3339.
    pub fn unix_time(&self) -> Option<i64> {
        OffsetDateTime::parse(&self.time, &Rfc3339).ok().map(OffsetDateTime::unix_timestamp)
    }
}

/// The latest recorded re-approval of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Who approved.
    pub by: String,
    /// When (Unix seconds).
    pub at: i64,
    /// The note recorded with it (`""`: none).
    pub note: String,
    /// The log entry's `seq`.
    pub seq: u64,
}

impl Approval {
    fn of(e: &Entry) -> Approval {
        Approval { by: e.by.clone(), at: e.unix_time().unwrap_or_default(), note: e.note.clone(), seq: e.seq }
    }
}

/// What [`append`] recorded.
#[derive(Debug, Clone)]
pub struct Appended {
    /// The new line.
    pub entry: Entry,
    /// The document's latest approval before this one, if it had one.
    pub previous: Option<Approval>,
}

/// A chain that is intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of entries.
    pub entries: u64,
    /// The last entry's hash ([`GENESIS`] for an empty log).
    pub head: String,
}

/// Where and why a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// 1-based line number of the first bad line.
    pub line: usize,
    /// What is wrong with it, a sentence fragment.
    pub reason: String,
}

/// The parsed log: every readable entry, and the first break if any.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    /// Every line that parses as an entry, in file order.
    pub entries: Vec<Entry>,
    /// The first line where the chain breaks.
    pub broken: Option<Break>,
}

/// An audit-log failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A file operation failed.
    #[error("cannot {about} {}: {source}", .path.display())]
    Io {
        /// What we were doing, e.g. "read the audit log".
        about: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The hash chain is broken: the log was edited, or a write was cut short.
    #[error("the audit log {} is broken at line {line}: {reason}", .path.display())]
    Broken {
        /// The log.
        path: PathBuf,
        /// 1-based line number of the first bad line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

fn io_error<'a>(about: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> AuditError + 'a {
    move |source| AuditError::Io { about, path: path.to_path_buf(), source }
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses and checks the log's text. Pure: the core of [`verify`] and [`approved`].
pub fn check_chain(text: &str) -> Chain {
    let mut chain = Chain::default();
    let mut prev = GENESIS.to_string();
    let fail = |chain: &mut Chain, line: usize, reason: String| {
        if chain.broken.is_none() {
            chain.broken = Some(Break { line, reason });
        }
    };
    let complete = text.is_empty() || text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if n == lines.len() && !complete {
            fail(&mut chain, n, "the line is incomplete (no newline at its end: an interrupted write?)".into());
        }
        let entry: Entry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(e) => {
                fail(&mut chain, n, format!("it is not an audit entry ({e})"));
                continue;
            }
        };
        if entry.seq != n as u64 {
            fail(&mut chain, n, format!("its seq is {}, expected {n} (a line was removed, inserted or moved)", entry.seq));
        } else if entry.prev != prev {
            fail(&mut chain, n, format!("its prev does not match the hash of line {} (a line was removed, inserted or moved)", n - 1));
        } else if entry.hash != entry.expected_hash() {
            fail(&mut chain, n, "its hash does not match its contents (the line was changed)".into());
        } else if entry.unix_time().is_none() {
            fail(&mut chain, n, format!("its time {:?} is not an RFC 3339 date", entry.time));
        }
        prev = entry.hash.clone();
        chain.entries.push(entry);
    }
    chain
}

/// Reads the log, `""` if there is none yet.
fn read_log(path: &Path) -> Result<String, AuditError> {
    match fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(io_error("read the audit log", path)(e)),
    }
}

/// Checks the whole chain of `DATA/audit.log` (a missing log is an empty, intact one).
///
/// # Errors
///
/// [`AuditError::Broken`] naming the first bad line; [`AuditError::Io`] if it cannot be read.
pub fn verify(data: &Path) -> Result<Verified, AuditError> {
    let path = data.join(LOG_FILE);
    let chain = check_chain(&read_log(&path)?);
    if let Some(b) = chain.broken {
        return Err(AuditError::Broken { path, line: b.line, reason: b.reason });
    }
    Ok(Verified {
        entries: chain.entries.len() as u64,
        head: chain.entries.last().map_or_else(|| GENESIS.to_string(), |e| e.hash.clone()),
    })
}

/// The latest approval of every approved document.
///
/// Reads without the lock: a line being appended at that moment (no newline
/// yet) is ignored. A broken chain is logged as a warning and its readable
/// entries still count: `inkan audit verify` is where the break is reported.
pub fn approved(data: &Path) -> Result<HashMap<String, Approval>, AuditError> {
    let path = data.join(LOG_FILE);
    let mut text = read_log(&path)?;
    if let Some(end) = text.rfind('\n') {
        text.truncate(end + 1);
    } else {
        text.clear();
    }
    let chain = check_chain(&text);
    if let Some(b) = &chain.broken {
        tracing::warn!(log = %path.display(), line = b.line, "the audit log's hash chain is broken: {}; run `inkan audit verify`", b.reason);
    }
    Ok(chain.entries.iter().map(|e| (e.doc_id.clone(), Approval::of(e))).collect())
}

/// Holds the exclusive lock on `DATA/audit.lock` until dropped.
struct LockGuard {
    /// The locked file; closing it releases the lock.
    file: File,
}

impl LockGuard {
    /// Waits for the exclusive lock.
    fn acquire(path: &Path) -> Result<LockGuard, AuditError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io_error("open the audit lock file", path))?;
        file.lock_exclusive().map_err(io_error("lock the audit lock file", path))?;
        Ok(LockGuard { file })
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = FileExt::unlock(&self.file);
    }
}

/// Records that `by` re-approved `doc_id` at `now`, and returns the new entry
/// with the document's previous approval, both read under the same lock.
///
/// The caller checks that `doc_id` exists and that `by` is not empty.
///
/// # Errors
///
/// [`AuditError::Broken`] if the last line cannot be read (the new entry
/// could not be chained to it); [`AuditError::Io`] on a file failure.
pub fn append(data: &Path, doc_id: &str, by: &str, note: &str, now: OffsetDateTime) -> Result<Appended, AuditError> {
    fs::create_dir_all(data).map_err(io_error("create the data directory", data))?;
    let _lock = LockGuard::acquire(&data.join(LOCK_FILE))?;
    let path = data.join(LOG_FILE);
    let text = read_log(&path)?;
    let chain = check_chain(&text);
    let lines = text.lines().count();
    let last = chain.entries.last();
    let tail_readable = lines == 0 || (text.ends_with('\n') && last.is_some_and(|e| e.seq == lines as u64));
    if !tail_readable {
        let reason = chain.broken.map(|b| b.reason).unwrap_or_else(|| "the last line is unreadable".into());
        return Err(AuditError::Broken { path, line: lines, reason: format!("{reason}; nothing was recorded") });
    }
    if let Some(b) = &chain.broken {
        tracing::warn!(log = %path.display(), line = b.line, "appending to an audit log whose chain is broken: {}", b.reason);
    }
    let previous = chain.entries.iter().rev().find(|e| e.doc_id == doc_id).map(Approval::of);
    let mut entry = Entry {
        seq: lines as u64 + 1,
        time: now.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).expect("0 is a valid nanosecond").format(&Rfc3339).expect("a UTC date formats"),
        doc_id: doc_id.to_string(),
        by: by.to_string(),
        note: note.to_string(),
        prev: last.map_or_else(|| GENESIS.to_string(), |e| e.hash.clone()),
        hash: String::new(),
    };
    entry.hash = entry.expected_hash();
    let mut line = serde_json::to_string(&entry).expect("strings and integers serialise");
    line.push('\n');

    let created = !path.exists();
    let mut file = OpenOptions::new().append(true).create(true).open(&path).map_err(io_error("open the audit log", &path))?;
    file.write_all(line.as_bytes()).map_err(io_error("write to the audit log", &path))?;
    file.sync_all().map_err(io_error("sync the audit log", &path))?;
    if created {
        File::open(data).and_then(|d| d.sync_all()).map_err(io_error("sync the data directory", data))?;
    }
    Ok(Appended { entry, previous })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    #[test]
    fn first_entry_is_chained_to_genesis() {
        let dir = tempfile::tempdir().unwrap();
        let a = append(dir.path(), "d1", "佐藤", "", at(1_717_232_400)).unwrap();
        assert_eq!(a.entry.seq, 1);
        assert_eq!(a.entry.prev, GENESIS);
        assert_eq!(a.entry.time, "2024-06-01T09:00:00Z");
        assert!(a.previous.is_none());
        let line = fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(line.starts_with(r#"{"seq":1,"time":"2024-06-01T09:00:00Z","doc_id":"d1","by":"佐藤","note":"","prev":"000"#), "{line}");
        assert_eq!(verify(dir.path()).unwrap(), Verified { entries: 1, head: a.entry.hash });
    }

    #[test]
    fn hash_is_sha256_of_prev_and_canonical_json() {
        let e = Entry { seq: 1, time: "2024-06-01T09:00:00Z".into(), doc_id: "d".into(), by: "b".into(), note: "".into(), prev: GENESIS.into(), hash: String::new() };
        let canonical = r#"{"seq":1,"time":"2024-06-01T09:00:00Z","doc_id":"d","by":"b","note":"","prev":"0000000000000000000000000000000000000000000000000000000000000000"}"#;
        assert_eq!(e.expected_hash(), hex(&Sha256::digest(format!("{GENESIS}{canonical}").as_bytes())));
    }

    #[test]
    fn second_approval_is_recorded_and_reports_the_first() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), "d1", "佐藤", "", at(100)).unwrap();
        append(dir.path(), "d2", "Kim", "ok", at(200)).unwrap();
        let again = append(dir.path(), "d1", "田中", "再確認", at(300)).unwrap();
        assert_eq!(again.entry.seq, 3);
        assert_eq!(again.previous, Some(Approval { by: "佐藤".into(), at: 100, note: "".into(), seq: 1 }));
        let map = approved(dir.path()).unwrap();
        assert_eq!(map["d1"].by, "田中");
        assert_eq!(map["d2"].note, "ok");
        assert_eq!(verify(dir.path()).unwrap().entries, 3);
    }

    /// Three entries, then `edit` applied to the log text; returns the break.
    fn tampered(edit: impl FnOnce(String) -> String) -> Option<Break> {
        let dir = tempfile::tempdir().unwrap();
        for (i, by) in ["a", "b", "c"].iter().enumerate() {
            append(dir.path(), &format!("d{i}"), by, "", at(100 + i as i64)).unwrap();
        }
        let text = fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        check_chain(&edit(text)).broken
    }

    #[test]
    fn tampering_names_the_first_bad_line() {
        assert_eq!(tampered(|t| t), None);
        let changed = tampered(|t| t.replacen(r#""by":"b""#, r#""by":"x""#, 1)).unwrap();
        assert_eq!(changed.line, 2);
        assert!(changed.reason.contains("was changed"), "{}", changed.reason);
        let removed = tampered(|t| t.lines().enumerate().filter(|(i, _)| *i != 1).map(|(_, l)| format!("{l}\n")).collect()).unwrap();
        assert_eq!(removed.line, 2);
        let swapped = tampered(|t| {
            let l: Vec<&str> = t.lines().collect();
            format!("{}\n{}\n{}\n", l[1], l[0], l[2])
        })
        .unwrap();
        assert_eq!(swapped.line, 1);
        let extra_field = tampered(|t| t.replacen(r#""note":"""#, r#""note":"","revoked":true"#, 1)).unwrap();
        assert_eq!(extra_field.line, 1);
        let torn = tampered(|t| t[..t.len() - 5].to_string()).unwrap();
        assert_eq!(torn.line, 3);
        let garbage = tampered(|t| format!("{t}hello\n")).unwrap();
        assert_eq!((garbage.line, garbage.reason.starts_with("it is not an audit entry")), (4, true));
    }

    #[test]
    fn append_refuses_to_chain_onto_an_unreadable_tail() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), "d1", "a", "", at(100)).unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str("{\"seq\":2,");
        fs::write(&path, &text).unwrap();
        let err = append(dir.path(), "d2", "b", "", at(200)).unwrap_err();
        assert!(matches!(err, AuditError::Broken { line: 2, .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        // A reader ignores the line being written.
        assert_eq!(approved(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn concurrent_appends_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let data = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        append(&data, &format!("d{t}-{i}"), "x", &"長い備考".repeat(200), at(100)).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(verify(dir.path()).unwrap().entries, 100);
    }

    #[test]
    fn a_missing_log_is_empty_and_intact() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(verify(dir.path()).unwrap(), Verified { entries: 0, head: GENESIS.into() });
        assert!(approved(dir.path()).unwrap().is_empty());
    }
}
