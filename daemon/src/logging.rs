//! Logging to stderr, one line per event; `INKAN_LOG` sets the filter
//! (e.g. `INKAN_LOG=debug`). The daemon logs at `info` by default, the
//! one-shot commands at `warn` so that their output stays clean.

/// Installs the global subscriber.
pub fn init(daemon: bool) {
    let default = if daemon { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("INKAN_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).try_init();
}
