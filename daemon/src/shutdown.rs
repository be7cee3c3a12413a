//! Graceful shutdown for the daemon's threads: one trigger, shared by
//! cloning. The daemon's threads are plain threads (OCR is CPU-bound and
//! [`Workers::run`](crate::analyse::Workers::run) is synchronous), so this is
//! mini-redis's `Shutdown` with a condition variable instead of a broadcast
//! channel: whoever waits is woken at once when it fires.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A shutdown signal: fired once, seen by every clone.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    /// Whether it fired, and the condition variable waiters sleep on.
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl Shutdown {
    /// A signal that has not fired.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Fires the signal; every waiter wakes up.
    pub fn trigger(&self) {
        let (lock, cvar) = &*self.inner;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_all();
    }

    /// Whether it fired.
    pub fn is_shutdown(&self) -> bool {
        *self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until it fires or `timeout` passes; returns whether it fired.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let (lock, cvar) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (fired, _) = cvar.wait_timeout_while(guard, timeout, |fired| !*fired).unwrap_or_else(|e| e.into_inner());
        *fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trigger_wakes_a_waiter() {
        let s = Shutdown::new();
        assert!(!s.wait_timeout(Duration::ZERO));
        let waiter = {
            let s = s.clone();
            std::thread::spawn(move || s.wait_timeout(Duration::from_secs(60)))
        };
        s.trigger();
        assert!(waiter.join().unwrap());
        assert!(s.is_shutdown());
    }
}
