//! Re-reading the config file while the daemon runs.
//!
//! [`Reloader`] is polled by the caller (on a timer, on SIGHUP, on a
//! change event); it owns no thread and never sleeps. Each call compares the
//! file with what it saw last time and only then loads it again, so
//! polling often is cheap and a broken file is reported once, not on every
//! poll.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::config::Config;
use crate::error::ConfigErrors;

/// What [`Reloader::poll`] found.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Reload {
    /// Nothing to do: the file is as it was, or its new text means the same
    /// settings as the current config.
    Unchanged,
    /// The file changed and the new config is valid: switch to it.
    Changed(Config),
    /// The file changed but cannot be used: keep the current config and
    /// report these problems. Reported once per distinct broken state.
    Refused(ConfigErrors),
}

/// Watches one config file for changes, by polling.
#[derive(Debug)]
pub struct Reloader {
    /// The config file.
    path: PathBuf,
    /// The file as last seen (text and modification time), or `None` if it
    /// could not be read; a poll that sees the same state does nothing.
    seen: Option<Snapshot>,
}

/// A config file's state at one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    /// The file's bytes.
    bytes: Vec<u8>,
    /// Its modification time: a `touch` alone asks for a re-check, e.g.
    /// after creating the hot folder a refused config named.
    modified: Option<SystemTime>,
}

impl Snapshot {
    fn take(path: &Path) -> Option<Snapshot> {
        let bytes = fs::read(path).ok()?;
        let modified = fs::metadata(path).and_then(|m| m.modified()).ok();
        Some(Snapshot { bytes, modified })
    }
}

impl Reloader {
    /// Starts watching `path`, taking the file as it is now as the state the
    /// current config was loaded from. Create it right after
    /// [`load`](crate::load).
    pub fn new(path: impl Into<PathBuf>) -> Reloader {
        let path = path.into();
        let seen = Snapshot::take(&path);
        Reloader { path, seen }
    }

    /// The watched file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the file once. If its contents or modification time changed
    /// since the last poll, loads it (parse, validate, file-system checks)
    /// and compares the result with `current`.
    pub fn poll(&mut self, current: &Config) -> Reload {
        let now = Snapshot::take(&self.path);
        if now == self.seen {
            return Reload::Unchanged;
        }
        let loaded = match &now {
            Some(snapshot) => crate::load_bytes(&self.path, &snapshot.bytes),
            None => crate::load(&self.path),
        };
        self.seen = now;
        match loaded {
            Ok(new) if new == *current => Reload::Unchanged,
            Ok(new) => Reload::Changed(new),
            Err(errors) => Reload::Refused(errors),
        }
    }
}
