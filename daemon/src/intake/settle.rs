//! When is a file in a hot folder ready to take? A pure state machine over
//! [`Instant`]s: the caller feeds it what it sees on disk and what its
//! checks found; it says which files are due for a check and which have
//! waited too long. No clock, no file system: tests drive it with made-up
//! instants and never sleep.
//!
//! A file is
//! - *settling* from the moment it appears or changes (size or mtime);
//! - *due* for the readiness check once it has been unchanged for `settle`
//!   (the caller then re-checks its metadata, asks whether a local process
//!   still holds it open for writing, and decodes it completely);
//! - *held* (back to settling, clock restarted) when a writer still has it open;
//! - *incomplete* when it does not decode yet (a scanner paused mid-file): it
//!   waits for the next change, and fails only after it has stayed unchanged
//!   for `incomplete_timeout`;
//! - gone from the machine once taken or deleted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the file system says about a file: enough to notice a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

/// What the caller's readiness check found for a due file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Stable, not open for writing, decodes completely: it was taken.
    Taken,
    /// A local process still has it open for writing.
    Held,
    /// It does not decode (yet); the reason, for the failure message.
    Incomplete(String),
}

/// What is due now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Unchanged for `settle`: run the readiness check.
    Check(PathBuf),
    /// Unchanged but undecodable for `incomplete_timeout`: fail it with this reason.
    Fail(PathBuf, String),
}

#[derive(Debug, Clone)]
enum Phase {
    Settling,
    Incomplete(String),
}

#[derive(Debug, Clone)]
struct Tracked {
    stamp: Stamp,
    /// When the stamp last changed (or the settle clock was restarted).
    since: Instant,
    /// When it last changed, for the incomplete timeout.
    changed: Instant,
    phase: Phase,
}

/// The settle state of one hot folder's candidate files.
#[derive(Debug)]
pub struct Settler {
    settle: Duration,
    incomplete_timeout: Duration,
    files: HashMap<PathBuf, Tracked>,
}

impl Settler {
    /// A settler with the folder's `settle` and `incomplete_timeout`.
    pub fn new(settle: Duration, incomplete_timeout: Duration) -> Settler {
        Settler { settle, incomplete_timeout, files: HashMap::new() }
    }

    /// Records what was seen of `path` at `now` (`None`: it is gone).
    /// Returns `true` if the file is new to the settler.
    pub fn observe(&mut self, path: &Path, stamp: Option<Stamp>, now: Instant) -> bool {
        let Some(stamp) = stamp else {
            self.files.remove(path);
            return false;
        };
        match self.files.get_mut(path) {
            Some(t) if t.stamp == stamp => false,
            Some(t) => {
                *t = Tracked { stamp, since: now, changed: now, phase: Phase::Settling };
                false
            }
            None => {
                self.files.insert(path.to_path_buf(), Tracked { stamp, since: now, changed: now, phase: Phase::Settling });
                true
            }
        }
    }

    /// Forgets `path` (taken, or handed elsewhere).
    pub fn forget(&mut self, path: &Path) -> bool {
        self.files.remove(path).is_some()
    }

    /// Whether `path` is being tracked.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// The stamp last seen of `path`.
    pub fn stamp(&self, path: &Path) -> Option<Stamp> {
        self.files.get(path).map(|t| t.stamp)
    }

    /// The tracked paths.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }

    /// Files due at `now`, oldest change first.
    pub fn due(&self, now: Instant) -> Vec<Due> {
        let mut due: Vec<(Instant, Due)> = self
            .files
            .iter()
            .filter_map(|(p, t)| match &t.phase {
                Phase::Settling if now.duration_since(t.since) >= self.settle => Some((t.since, Due::Check(p.clone()))),
                Phase::Incomplete(reason) if now.duration_since(t.changed) >= self.incomplete_timeout => Some((t.changed, Due::Fail(p.clone(), reason.clone()))),
                _ => None,
            })
            .collect();
        due.sort_by_key(|(t, _)| *t);
        due.into_iter().map(|(_, d)| d).collect()
    }

    /// The next instant something may become due, if anything is tracked.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.files
            .values()
            .map(|t| match t.phase {
                Phase::Settling => t.since + self.settle,
                Phase::Incomplete(_) => t.changed + self.incomplete_timeout,
            })
            .min()
    }

    /// Records the outcome of the readiness check of a due file at `now`.
    pub fn checked(&mut self, path: &Path, check: Check, now: Instant) {
        match check {
            Check::Taken => {
                self.files.remove(path);
            }
            Check::Held => {
                if let Some(t) = self.files.get_mut(path) {
                    t.since = now;
                    t.phase = Phase::Settling;
                }
            }
            Check::Incomplete(reason) => {
                if let Some(t) = self.files.get_mut(path) {
                    t.phase = Phase::Incomplete(reason);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_secs(2);
    const TIMEOUT: Duration = Duration::from_secs(600);

    fn s(size: u64, mtime_ns: i64) -> Option<Stamp> {
        Some(Stamp { size, mtime_ns })
    }

    fn secs(t0: Instant, s: f64) -> Instant {
        t0 + Duration::from_secs_f64(s)
    }

    #[test]
    fn a_file_is_due_once_unchanged_for_settle() {
        let t0 = Instant::now();
        let mut st = Settler::new(SETTLE, TIMEOUT);
        let p = Path::new("/hot/a.png");
        assert!(st.observe(p, s(10, 1), t0));
        assert!(st.due(secs(t0, 1.9)).is_empty());
        assert_eq!(st.next_deadline(), Some(secs(t0, 2.0)));
        // It grows: the clock restarts.
        assert!(!st.observe(p, s(20, 2), secs(t0, 1.5)));
        assert!(st.due(secs(t0, 2.5)).is_empty());
        // Seen again unchanged: no restart.
        st.observe(p, s(20, 2), secs(t0, 3.0));
        assert_eq!(st.due(secs(t0, 3.5)), vec![Due::Check(p.into())]);
        st.checked(p, Check::Taken, secs(t0, 3.5));
        assert!(!st.contains(p));
        assert_eq!(st.next_deadline(), None);
    }

    #[test]
    fn a_held_file_waits_another_settle() {
        let t0 = Instant::now();
        let mut st = Settler::new(SETTLE, TIMEOUT);
        let p = Path::new("/hot/a.png");
        st.observe(p, s(10, 1), t0);
        st.checked(p, Check::Held, secs(t0, 2.0));
        assert!(st.due(secs(t0, 3.9)).is_empty());
        assert_eq!(st.due(secs(t0, 4.0)), vec![Due::Check(p.into())]);
    }

    #[test]
    fn a_truncated_file_waits_for_a_change_then_fails_after_the_timeout() {
        let t0 = Instant::now();
        let mut st = Settler::new(SETTLE, TIMEOUT);
        let p = Path::new("/hot/half.png");
        st.observe(p, s(500, 1), t0);
        st.checked(p, Check::Incomplete("the PNG is truncated".into()), secs(t0, 2.0));
        // Not checked again while unchanged.
        assert!(st.due(secs(t0, 300.0)).is_empty());
        // The scanner resumes: settling again.
        st.observe(p, s(1000, 2), secs(t0, 301.0));
        assert_eq!(st.due(secs(t0, 303.0)), vec![Due::Check(p.into())]);
        st.checked(p, Check::Incomplete("still truncated".into()), secs(t0, 303.0));
        assert!(st.due(secs(t0, 900.0)).is_empty());
        assert_eq!(st.next_deadline(), Some(secs(t0, 901.0)));
        assert_eq!(st.due(secs(t0, 901.0)), vec![Due::Fail(p.into(), "still truncated".into())]);
    }

    #[test]
    fn a_deleted_file_is_forgotten_and_due_files_come_oldest_first() {
        let t0 = Instant::now();
        let mut st = Settler::new(SETTLE, TIMEOUT);
        st.observe(Path::new("/hot/b"), s(1, 1), secs(t0, 1.0));
        st.observe(Path::new("/hot/a"), s(1, 1), t0);
        st.observe(Path::new("/hot/c"), s(1, 1), t0);
        st.observe(Path::new("/hot/c"), None, secs(t0, 0.5));
        assert_eq!(st.due(secs(t0, 5.0)), vec![Due::Check("/hot/a".into()), Due::Check("/hot/b".into())]);
    }
}
