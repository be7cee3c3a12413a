//! What the values mean: defaults, durations, addresses, names, languages,
//! relative paths. Pure: no file system, no clock.
//!
//! Works on whatever `raw.rs` could decode and reports every problem; the
//! `Config` it builds is only handed out when there were none.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::config::{
    default_workers, Config, Folder, Http, Watcher, DEFAULT_INCOMPLETE_TIMEOUT, DEFAULT_LANGUAGES,
    DEFAULT_SETTLE,
};
use crate::duration::{format_duration, parse_duration};
use crate::error::Problems;
use crate::ignore::IgnoreRules;
use crate::raw::{At, Field, RawConfig, RawFolder, RawHttp, EXPECTED_DURATION};

/// More OCR workers than this is surely a typo (each holds a page image
/// and a Tesseract instance in memory).
pub(crate) const MAX_WORKERS: i64 = 256;

/// Longest folder name, in bytes (it becomes a directory name in several
/// places, some with a file name appended).
const MAX_NAME_BYTES: usize = 100;

/// Turns the decoded file into a [`Config`], reporting every problem to
/// `problems`. `file` is the config file: relative paths are resolved
/// against its directory.
pub(crate) fn validate(raw: &RawConfig, file: &Path, problems: &mut Problems<'_>) -> Config {
    let base = file.parent().unwrap_or(Path::new(""));
    let mut v = Validator {
        base,
        problems,
        lines: BTreeMap::new(),
    };
    let data_dir = v.path("data_dir", &raw.data_dir);
    let workers = v.workers(&raw.workers);
    let languages = v.languages(&raw.languages);
    let folders = (raw.folders.iter().enumerate())
        .map(|(i, f)| v.folder(i, f))
        .collect();
    v.unique_names(&raw.folders);
    let http = raw.http.as_ref().map(|h| v.http(h));
    Config {
        data_dir,
        workers,
        languages,
        folders,
        http,
        lines: v.lines,
    }
}

/// One validation pass.
struct Validator<'a, 'p, 'f> {
    /// Directory relative paths are resolved against.
    base: &'a Path,
    problems: &'p mut Problems<'f>,
    /// Line of every key written, kept in the `Config`.
    lines: BTreeMap<String, usize>,
}

impl Validator<'_, '_, '_> {
    /// Remembers where `key` was written, if it was.
    fn note<T>(&mut self, key: &str, field: &Field<T>) -> Option<usize> {
        let line = match field {
            Field::Given(At { line, .. }) => *line,
            _ => return None,
        };
        self.lines.insert(key.to_owned(), line);
        Some(line)
    }

    fn workers(&mut self, field: &Field<i64>) -> usize {
        self.note("workers", field);
        let Some(At { value, line }) = field.given() else {
            return default_workers();
        };
        match usize::try_from(*value) {
            Ok(n) if n >= 1 && *value <= MAX_WORKERS => n,
            _ => {
                let reason = format!("must be between 1 and {MAX_WORKERS}, found {value}");
                self.problems.at(*line, "workers", reason);
                1
            }
        }
    }

    fn languages(&mut self, field: &Field<Vec<At<String>>>) -> Vec<String> {
        self.note("languages", field);
        let Some(At { value: list, line }) = field.given() else {
            return DEFAULT_LANGUAGES.iter().map(|l| (*l).to_owned()).collect();
        };
        if list.is_empty() {
            self.problems.at(
                *line,
                "languages",
                "must name at least one language, like [\"jpn\", \"eng\"]",
            );
        }
        for (i, lang) in list.iter().enumerate() {
            if !is_language_code(&lang.value) {
                let reason = format!(
                    "expected a language code like \"jpn\", \"eng\" or \"jpn_vert\" (lowercase letters and \"_\"), found {:?}",
                    lang.value
                );
                self.problems
                    .at(lang.line, &format!("languages[{i}]"), reason);
            }
        }
        list.iter().map(|l| l.value.clone()).collect()
    }

    fn folder(&mut self, i: usize, raw: &RawFolder) -> Folder {
        let key = |name: &str| format!("folder[{i}].{name}");
        self.lines.insert(format!("folder[{i}]"), raw.line);

        let name = match &raw.name {
            Field::Given(At { value, line }) => {
                self.lines.insert(key("name"), *line);
                if let Err(reason) = check_name(value) {
                    self.problems.at(*line, &key("name"), reason);
                }
                value.clone()
            }
            Field::Absent => {
                let reason = "missing; every [[folder]] needs a name, like name = \"contracts\"";
                self.problems.at(raw.line, &key("name"), reason);
                String::new()
            }
            Field::Invalid => String::new(),
        };
        let path = match &raw.path {
            Field::Absent => {
                let reason = "missing; every [[folder]] needs a path: the hot folder to watch";
                self.problems.at(raw.line, &key("path"), reason);
                PathBuf::new()
            }
            field => self.path(&key("path"), field).unwrap_or_default(),
        };
        let mut folder = Folder::new(name, path);
        folder.output = self.path(&key("output"), &raw.output);
        folder.failed = self.path(&key("failed"), &raw.failed);
        self.note(&key("recursive"), &raw.recursive);
        folder.recursive = raw.recursive.given().is_some_and(|b| b.value);

        self.note(&key("tags"), &raw.tags);
        if let Some(At { value: tags, .. }) = raw.tags.given() {
            for (t, tag) in tags.iter().enumerate() {
                if tag.value.trim().is_empty() {
                    self.problems.at(
                        tag.line,
                        &format!("{}[{t}]", key("tags")),
                        "must not be empty",
                    );
                }
            }
            folder.tags = tags.iter().map(|t| t.value.clone()).collect();
        }

        let settle = self.duration(&key("settle"), &raw.settle);
        folder.settle = settle.unwrap_or(DEFAULT_SETTLE);
        if let Some(poll) = self.duration(&key("poll"), &raw.poll) {
            if let (true, Some(p)) = (poll.is_zero(), raw.poll.given()) {
                let reason = format!("must be longer than 0s, found {:?}", p.value);
                self.problems.at(p.line, &key("poll"), reason);
            }
            folder.watcher = Watcher::Poll(poll);
        }
        let timeout = self.duration(&key("incomplete_timeout"), &raw.incomplete_timeout);
        folder.incomplete_timeout = timeout.unwrap_or(DEFAULT_INCOMPLETE_TIMEOUT);
        self.timeout_after_settle(i, raw, &folder);
        if let Some(rescan) = self.duration(&key("rescan"), &raw.rescan) {
            if let (true, Some(r)) = (rescan.is_zero(), raw.rescan.given()) {
                let reason = format!("must be longer than 0s, found {:?}", r.value);
                self.problems.at(r.line, &key("rescan"), reason);
            }
            folder.rescan = rescan;
        }

        self.note(&key("ignore"), &raw.ignore);
        if let Some(At { value: globs, .. }) = raw.ignore.given() {
            let mut good = Vec::new();
            for (g, glob) in globs.iter().enumerate() {
                match IgnoreRules::new([&glob.value]) {
                    Ok(_) => good.push(glob.value.as_str()),
                    Err(e) => {
                        let reason = format!("invalid glob: {e}");
                        self.problems
                            .at(glob.line, &format!("{}[{g}]", key("ignore")), reason);
                    }
                }
            }
            folder.ignore = IgnoreRules::new(good).expect("each glob was checked");
        }
        folder
    }

    /// `incomplete_timeout` must be longer than `settle`, or files would be
    /// failed before they were ever taken. Reported at whichever of the two
    /// was written (the timeout if both were).
    fn timeout_after_settle(&mut self, i: usize, raw: &RawFolder, folder: &Folder) {
        let settle_ok = !matches!(raw.settle, Field::Invalid)
            && !self.problems.has(&format!("folder[{i}].settle"));
        let timeout_key = format!("folder[{i}].incomplete_timeout");
        let timeout_ok =
            !matches!(raw.incomplete_timeout, Field::Invalid) && !self.problems.has(&timeout_key);
        if !settle_ok || !timeout_ok || folder.incomplete_timeout > folder.settle {
            return;
        }
        let (settle, timeout) = (
            format_duration(folder.settle),
            format_duration(folder.incomplete_timeout),
        );
        if let Some(t) = raw.incomplete_timeout.given() {
            let reason = format!("must be longer than settle ({settle}), found {:?}", t.value);
            self.problems.at(t.line, &timeout_key, reason);
        } else if let Some(s) = raw.settle.given() {
            let reason = format!(
                "must be shorter than incomplete_timeout ({timeout}, the default), found {:?}",
                s.value
            );
            self.problems
                .at(s.line, &format!("folder[{i}].settle"), reason);
        }
    }

    /// Folder names must be unique, ignoring case (they become directory
    /// names, and some file systems ignore case).
    fn unique_names(&mut self, folders: &[RawFolder]) {
        let mut seen: Vec<(String, usize, usize)> = Vec::new();
        for (i, f) in folders.iter().enumerate() {
            let Some(At { value, line }) = f.name.given().filter(|n| !n.value.is_empty()) else {
                continue;
            };
            let folded = value.to_lowercase();
            if let Some((_, first, first_line)) = seen.iter().find(|(n, _, _)| *n == folded) {
                let reason = format!(
                    "duplicate folder name {value:?}; folder[{first}] on line {first_line} has it already"
                );
                self.problems
                    .at(*line, &format!("folder[{i}].name"), reason);
            } else {
                seen.push((folded, i, *line));
            }
        }
    }

    fn http(&mut self, raw: &RawHttp) -> Http {
        self.lines.insert("http".to_owned(), raw.line);
        let mut http = Http::default();
        self.note("http.listen", &raw.listen);
        let mut listen_ok = !matches!(raw.listen, Field::Invalid);
        if let Some(At { value, line }) = raw.listen.given() {
            match parse_listen(value) {
                Some(addr) => http.listen = addr,
                None => {
                    listen_ok = false;
                    let reason = format!(
                        "expected an address like \"127.0.0.1:7878\" or \"0.0.0.0:7878\", found {value:?}"
                    );
                    self.problems.at(*line, "http.listen", reason);
                }
            }
        }
        http.token_file = self.path("http.token_file", &raw.token_file);
        if listen_ok && !http.listen.ip().is_loopback() && matches!(raw.token_file, Field::Absent) {
            let reason = format!(
                "missing; required because listen ({:?}) is not a loopback address, like token_file = \"/etc/inkan/token\"",
                http.listen.to_string()
            );
            self.problems.at(raw.line, "http.token_file", reason);
        }
        http
    }

    /// A path value: not empty, no `~`, resolved against the config file's
    /// directory when relative.
    fn path(&mut self, key: &str, field: &Field<String>) -> Option<PathBuf> {
        self.note(key, field);
        let At { value, line } = field.given()?;
        if value.trim().is_empty() {
            self.problems.at(*line, key, "must not be empty");
            return None;
        }
        if value == "~" || value.starts_with("~/") {
            let reason = format!("\"~\" is not expanded; write the full path, found {value:?}");
            self.problems.at(*line, key, reason);
            return None;
        }
        Some(resolve(self.base, Path::new(value)))
    }

    /// A duration value, or `None` (absent, or reported as wrong).
    fn duration(&mut self, key: &str, field: &Field<String>) -> Option<Duration> {
        self.note(key, field);
        let At { value, line } = field.given()?;
        let parsed = parse_duration(value);
        if parsed.is_none() {
            let reason = format!("expected {EXPECTED_DURATION}, found {value:?}");
            self.problems.at(*line, key, reason);
        }
        parsed
    }
}

/// `path` made relative to `base` when it is relative, with `.` parts
/// dropped.
pub(crate) fn resolve(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let cleaned: PathBuf = joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// `jpn`, `eng`, `jpn_vert`, `chi_sim`: lowercase ASCII letters and `_`,
/// starting with a letter.
fn is_language_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// A folder name must be usable as one directory name on Linux, macOS and
/// Windows shares. Japanese and other non-ASCII names are fine.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".to_owned());
    }
    let problem = if name.contains(['/', '\\']) {
        "must not contain \"/\" or \"\\\" (it names one directory)"
    } else if name.starts_with('.') {
        "must not start with \".\" (it names a directory)"
    } else if name.trim() != name {
        "must not start or end with a space"
    } else if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
    {
        "must not contain control characters or any of < > : \" | ? *"
    } else if name.len() > MAX_NAME_BYTES {
        "is too long (at most 100 bytes)"
    } else {
        return Ok(());
    };
    Err(format!("{problem}, found {name:?}"))
}

/// `host:port` where host is an IP address (IPv6 in brackets) or
/// `localhost`.
fn parse_listen(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse() {
        return Some(addr);
    }
    let port = text.strip_prefix("localhost:")?.parse().ok()?;
    Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_LISTEN;

    #[test]
    fn language_codes() {
        for ok in ["jpn", "eng", "jpn_vert", "chi_sim"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "JPN", "jpn+eng", "_x", "jp n", "deu1"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn folder_names() {
        for ok in ["contracts", "契約書", "hr-2024_scans", "a.b"] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check_name("a/b").unwrap_err(),
            "must not contain \"/\" or \"\\\" (it names one directory), found \"a/b\""
        );
        for bad in [
            "",
            "..",
            ".hidden",
            " x",
            "x ",
            "a:b",
            "a\tb",
            &"x".repeat(101),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen("127.0.0.1:7878"), Some(DEFAULT_LISTEN));
        assert_eq!(parse_listen("localhost:7878"), Some(DEFAULT_LISTEN));
        assert!(parse_listen("[::1]:80").unwrap().ip().is_loopback());
        assert!(!parse_listen("0.0.0.0:80").unwrap().ip().is_loopback());
        for bad in ["7878", "127.0.0.1", "example.com:80", "127.0.0.1:99999", ""] {
            assert_eq!(parse_listen(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_paths() {
        let base = Path::new("/etc/inkan");
        assert_eq!(
            resolve(base, Path::new("scans")),
            Path::new("/etc/inkan/scans")
        );
        assert_eq!(
            resolve(base, Path::new("./a/./b")),
            Path::new("/etc/inkan/a/b")
        );
        assert_eq!(
            resolve(base, Path::new("../x")),
            Path::new("/etc/inkan/../x")
        );
        assert_eq!(resolve(base, Path::new("/srv/x")), Path::new("/srv/x"));
        assert_eq!(
            resolve(Path::new(""), Path::new("scans")),
            Path::new("scans")
        );
        assert_eq!(resolve(Path::new(""), Path::new(".")), Path::new("."));
    }
}
