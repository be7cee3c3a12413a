//! inkan's configuration file (`inkan.toml`): reading, validating, and
//! reloading it, with every problem reported at once as
//! `FILE:LINE: KEY: REASON`.
//!
//! ```toml
//! data_dir = "/var/lib/inkan"
//! workers = 2
//! languages = ["jpn", "eng"]
//!
//! [[folder]]
//! name = "contracts"
//! path = "/srv/scans/contracts"
//! settle = "2s"
//! ignore = ["*.bak"]
//!
//! [http]
//! listen = "127.0.0.1:7878"
//! ```
//!
//! [`load`] reads a file and runs every check; [`parse`] checks only the
//! text (no file system: for tests and `check-config` of a file elsewhere);
//! [`check_filesystem`] runs the file-system checks of a parsed config.
//! Relative paths in the file are resolved against the file's directory.
//! A daemon re-reads its file with a [`Reloader`].
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//! use std::time::Duration;
//! use watch_config::{parse, Watcher};
//!
//! let text = r#"
//! data_dir = "data"
//! [[folder]]
//! name = "contracts"
//! path = "/srv/scans/contracts"
//! poll = "10s"
//! "#;
//! let cfg = parse(text, Path::new("/etc/inkan/inkan.toml")).unwrap();
//! assert_eq!(cfg.data_dir.as_deref(), Some(Path::new("/etc/inkan/data")));
//! let folder = &cfg.folders[0];
//! assert_eq!(folder.settle, Duration::from_secs(2));
//! assert_eq!(folder.watcher, Watcher::Poll(Duration::from_secs(10)));
//! assert!(folder.ignore.is_ignored("Thumbs.db"));
//! let data = cfg.data_dir_or(Path::new("inkan-data"));
//! assert_eq!(cfg.folder_output(folder, &data), Path::new("/etc/inkan/data/output/contracts"));
//!
//! // Every problem, each with its line and key.
//! let text = "workers = 0\n[[folder]]\nname = \"a\"\nsetle = \"2s\"\n";
//! let errors = parse(text, Path::new("inkan.toml")).unwrap_err();
//! assert_eq!(errors.to_string(), "\
//! inkan.toml:1: workers: must be between 1 and 256, found 0
//! inkan.toml:2: folder[0].path: missing; every [[folder]] needs a path: the hot folder to watch
//! inkan.toml:4: folder[0].setle: unknown key; did you mean \"settle\"?");
//! ```
//!
//! # Layout
//!
//! - `raw.rs`: the file as written: a typed mirror of its tables with the
//!   line of every value; unknown keys and wrong types are found here.
//! - `validate.rs`: pure: what the values mean (defaults, durations,
//!   names, languages, addresses, relative paths).
//! - `config.rs`: the validated [`Config`], [`Folder`], [`Watcher`],
//!   [`Http`] and their defaults.
//! - `duration.rs`: `"2s"`, `"10m"`, `"1h30m"` to and from [`Duration`](std::time::Duration).
//! - `ignore.rs`: [`IgnoreRules`]: built-in junk names plus a folder's globs.
//! - `filesystem.rs`: checks that touch the disk: hot folders exist,
//!   outputs are not inside them (also through symlinks), and so on.
//! - `reload.rs`: [`Reloader`], polled by the daemon to pick up edits.
//! - `error.rs`: [`ConfigError`] (one problem) and [`ConfigErrors`] (all).

#![deny(missing_docs)]

use std::io;
use std::path::Path;

mod config;
mod duration;
mod error;
mod filesystem;
mod ignore;
mod raw;
mod reload;
mod validate;

pub use config::{
    Config, Folder, Http, Watcher, DEFAULT_DATA_DIR, DEFAULT_INCOMPLETE_TIMEOUT, DEFAULT_LANGUAGES,
    DEFAULT_LISTEN, DEFAULT_RESCAN, DEFAULT_SETTLE,
};
pub use duration::{format_duration, parse_duration};
pub use error::{ConfigError, ConfigErrors};
pub use filesystem::{check_filesystem, check_filesystem_with_data};
pub use ignore::{GlobError, IgnoreRules, BUILT_IN_IGNORES};
pub use reload::{Reload, Reloader};

/// Reads, parses and validates the config file at `path`, then runs the
/// file-system checks ([`check_filesystem`]).
///
/// Errors name `path` as given, so pass it the way the user wrote it.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    match std::fs::read(path) {
        Ok(bytes) => load_bytes(path, &bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ConfigErrors::whole_file(
            path,
            "the config file does not exist",
        )),
        Err(e) => Err(ConfigErrors::whole_file(
            path,
            format!("cannot read the config file: {e}"),
        )),
    }
}

/// [`load`] of bytes already read from `path`.
pub(crate) fn load_bytes(path: &Path, bytes: &[u8]) -> Result<Config, ConfigErrors> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(ConfigErrors::whole_file(
            path,
            "the config file is not UTF-8 text",
        ));
    };
    let cfg = parse(text, path)?;
    check_filesystem(&cfg, path)?;
    Ok(cfg)
}

/// Parses and validates config `text` without touching the file system.
///
/// `file` names the file in messages, and relative paths are resolved
/// against its directory.
pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigErrors> {
    let mut problems = error::Problems::new(file);
    let Some(raw) = raw::decode(text, &mut problems) else {
        return problems.into_result(Config::default());
    };
    let cfg = validate::validate(&raw, file, &mut problems);
    problems.into_result(cfg)
}
