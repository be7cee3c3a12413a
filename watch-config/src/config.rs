//! The validated configuration the daemon runs on.
//!
//! Like ripgrep's searcher `Config`, every field has a documented default;
//! unlike a builder, a `Config` read from a file can only come out of
//! [`parse`](crate::parse) / [`load`](crate::load), so it is always valid.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::ignore::IgnoreRules;

/// Where the daemon keeps its data when neither `--data` nor `data_dir` says
/// otherwise: `./inkan-data`, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "inkan-data";

/// OCR languages used when the config does not name any: `["jpn", "eng"]`.
pub const DEFAULT_LANGUAGES: &[&str] = &["jpn", "eng"];

/// The address the HTTP API listens on when `[http]` has no `listen`.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 7878);

/// How long a file must stay unchanged before it is taken: 2 seconds.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(2);

/// How long a file may stay unchanged yet undecodable before it is failed:
/// 10 minutes.
pub const DEFAULT_INCOMPLETE_TIMEOUT: Duration = Duration::from_secs(600);

/// How often a hot folder is scanned in full even without events: 60 seconds.
pub const DEFAULT_RESCAN: Duration = Duration::from_secs(60);

/// The whole daemon configuration (`inkan.toml`).
///
/// Paths are absolute or relative to the working directory: relative paths
/// in the file were already resolved against the file's directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the index, journal, audit log, originals, default output and
    /// default failed folders live. By default, `None`: the command line's
    /// `--data`, else [`DEFAULT_DATA_DIR`] (see [`Config::data_dir_or`]).
    pub data_dir: Option<PathBuf>,
    /// How many documents are OCR'd at once (the OCR semaphore's size);
    /// at least 1. By default, the number of available cores.
    pub workers: usize,
    /// Tesseract language codes, in priority order (`jpn`, `eng`,
    /// `jpn_vert`). By default, [`DEFAULT_LANGUAGES`].
    pub languages: Vec<String>,
    /// The hot folders, in file order (`[[folder]]` tables); names are
    /// unique. By default, none: the daemon watches nothing.
    pub folders: Vec<Folder>,
    /// The HTTP API (`[http]`). By default, `None`: no HTTP server.
    pub http: Option<Http>,
    /// Line of each key path as written (`"folder[0].path"`, `"folder[0]"`
    /// for the table header), so that later checks can point at it.
    pub(crate) lines: BTreeMap<String, usize>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            data_dir: None,
            workers: default_workers(),
            languages: DEFAULT_LANGUAGES.iter().map(|l| (*l).to_owned()).collect(),
            folders: Vec::new(),
            http: None,
            lines: BTreeMap::new(),
        }
    }
}

/// Equality of the settings only: where they were written (lines) does not
/// count, so a reload that only moved or commented lines is no change.
impl PartialEq for Config {
    fn eq(&self, other: &Config) -> bool {
        self.data_dir == other.data_dir
            && self.workers == other.workers
            && self.languages == other.languages
            && self.folders == other.folders
            && self.http == other.http
    }
}

impl Eq for Config {}

/// The number of cores this process may use, at least 1.
pub(crate) fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Config {
    /// The data directory: `data_dir` if the file set it, else `fallback`
    /// (the `--data` option or [`DEFAULT_DATA_DIR`]).
    pub fn data_dir_or(&self, fallback: &Path) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| fallback.to_path_buf())
    }

    /// Where `f`'s searchable PDFs go: its `output`, else `DATA/output/<name>`.
    pub fn folder_output(&self, f: &Folder, data: &Path) -> PathBuf {
        f.output
            .clone()
            .unwrap_or_else(|| data.join("output").join(&f.name))
    }

    /// Where `f`'s failed files go (each with a `.error.txt` beside it): its
    /// `failed`, else `DATA/failed/<name>`.
    pub fn folder_failed(&self, f: &Folder, data: &Path) -> PathBuf {
        f.failed
            .clone()
            .unwrap_or_else(|| data.join("failed").join(&f.name))
    }

    /// Where `f`'s originals move after success: `DATA/originals/<name>`.
    pub fn folder_originals(&self, f: &Folder, data: &Path) -> PathBuf {
        data.join("originals").join(&f.name)
    }

    /// The folder called `name`, if any.
    pub fn folder(&self, name: &str) -> Option<&Folder> {
        self.folders.iter().find(|f| f.name == name)
    }

    /// The line `key` (e.g. `"folder[1].path"`, `"folder[1]"` for the
    /// table header, `"http"`) was written on, if it came from a file.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }
}

/// One hot folder (`[[folder]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Unique name, used as a directory name under `DATA/originals`,
    /// `DATA/output`, `DATA/failed` and as the `--folder` filter of search.
    /// By default, nothing: every `[[folder]]` must name itself.
    pub name: String,
    /// The hot folder itself; must exist and be a directory. By default,
    /// nothing: every `[[folder]]` must give its path.
    pub path: PathBuf,
    /// Where searchable PDFs land. By default, `None`: `DATA/output/<name>`
    /// (see [`Config::folder_output`]).
    pub output: Option<PathBuf>,
    /// Where files that could not be processed move. By default, `None`:
    /// `DATA/failed/<name>` (see [`Config::folder_failed`]).
    pub failed: Option<PathBuf>,
    /// Whether sub-folders are watched too; their names become tags. By
    /// default, `false`.
    pub recursive: bool,
    /// Tags given to every document from this folder. By default, none.
    pub tags: Vec<String>,
    /// How long a file must stay unchanged before it is taken. By default,
    /// [`DEFAULT_SETTLE`] (2s).
    pub settle: Duration,
    /// How changes are noticed. By default, [`Watcher::Auto`].
    pub watcher: Watcher,
    /// A file that stays unchanged but undecodable this long is failed;
    /// always longer than `settle`. By default,
    /// [`DEFAULT_INCOMPLETE_TIMEOUT`] (10m).
    pub incomplete_timeout: Duration,
    /// How often the whole folder is scanned even when no change was
    /// noticed (a missed event can never strand a file; a file whose
    /// searchable PDF could not be stored, e.g. on a full disk, is retried
    /// then). By default, [`DEFAULT_RESCAN`] (60s).
    pub rescan: Duration,
    /// File names to leave alone. By default, only the built-in junk and
    /// temp names ([`BUILT_IN_IGNORES`](crate::BUILT_IN_IGNORES)).
    pub ignore: IgnoreRules,
}

impl Folder {
    /// A folder with every optional setting at its default.
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>) -> Folder {
        Folder {
            name: name.into(),
            path: path.into(),
            output: None,
            failed: None,
            recursive: false,
            tags: Vec::new(),
            settle: DEFAULT_SETTLE,
            watcher: Watcher::Auto,
            incomplete_timeout: DEFAULT_INCOMPLETE_TIMEOUT,
            rescan: DEFAULT_RESCAN,
            ignore: IgnoreRules::default(),
        }
    }
}

/// How a hot folder's changes are noticed (watchexec's `Watcher` shape).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Watcher {
    /// The daemon decides: native events (inotify) on local file systems,
    /// polling on network ones (SMB/CIFS, NFS) where events do not arrive.
    #[default]
    Auto,
    /// Scan the folder every this often (`poll = "10s"`); never zero.
    Poll(Duration),
}

/// The HTTP API (`[http]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Http {
    /// Address and port to listen on. By default, [`DEFAULT_LISTEN`]
    /// (`127.0.0.1:7878`).
    pub listen: SocketAddr,
    /// File whose (trimmed) contents is the bearer token clients must send;
    /// required when `listen` is not a loopback address. By default,
    /// `None`: no token asked (loopback only).
    pub token_file: Option<PathBuf>,
}

impl Default for Http {
    fn default() -> Http {
        Http {
            listen: DEFAULT_LISTEN,
            token_file: None,
        }
    }
}
