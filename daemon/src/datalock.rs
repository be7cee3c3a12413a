//! `DATA/daemon.lock`: at most one daemon per data directory.
//!
//! The running daemon holds an exclusive `flock` on the file (released by
//! the kernel when the process dies, even by `kill -9`, so a stale lock is
//! impossible) and writes its pid into it. A second `inkan run` on the same
//! data directory, and an `inkan ingest` that would need the daemon's index
//! writer, see the lock at once and say who holds it, instead of waiting for
//! the index lock to time out.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The lock file's name in the data directory.
pub const LOCK_FILE: &str = "daemon.lock";

/// The daemon's hold on its data directory; released when dropped.
#[derive(Debug)]
pub struct DaemonLock {
    _file: File,
}

/// Why [`DaemonLock::acquire`] failed.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another daemon holds the data directory.
    #[error("an inkan daemon{} is already running on {dir}", pid_text(*.pid))]
    Held {
        /// The data directory.
        dir: String,
        /// The other daemon's pid, if it wrote one.
        pid: Option<u32>,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn pid_text(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

impl DaemonLock {
    /// Takes the data directory `data` (which must exist) for this process.
    pub fn acquire(data: &Path) -> Result<DaemonLock, LockError> {
        let path = data.join(LOCK_FILE);
        let io = |source| LockError::Io { path: path.display().to_string(), source };
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Held { dir: data.display().to_string(), pid: read_pid(&mut file) }),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(DaemonLock { _file: file })
    }
}

/// [`LockError::Held`] if a daemon is running on `data`.
pub fn running_daemon(data: &Path) -> Option<LockError> {
    let mut file = File::open(data.join(LOCK_FILE)).ok()?;
    match file.try_lock_shared() {
        Ok(()) | Err(TryLockError::Error(_)) => None,
        Err(TryLockError::WouldBlock) => Some(LockError::Held { dir: data.display().to_string(), pid: read_pid(&mut file) }),
    }
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        assert!(running_daemon(dir.path()).is_none());
        let held = DaemonLock::acquire(dir.path()).unwrap();
        // flock locks belong to the open file description: a second open in
        // this process conflicts just as another process would.
        let pid = format!("(pid {})", std::process::id());
        assert!(running_daemon(dir.path()).is_some_and(|e| e.to_string().contains(&pid)));
        let err = DaemonLock::acquire(dir.path()).unwrap_err();
        assert!(err.to_string().contains(&pid), "{err}");
        drop(held);
        assert!(running_daemon(dir.path()).is_none());
        DaemonLock::acquire(dir.path()).unwrap();
    }
}
