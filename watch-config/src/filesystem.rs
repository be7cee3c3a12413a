//! Checks that need the file system: hot folders exist, nothing the daemon
//! writes lands inside a hot folder (also through symlinks), hot folders are
//! not nested, the token file is readable, the config file is not
//! world-writable.
//!
//! Paths are compared after resolving symlinks in their longest existing
//! prefix ([`real_path`]), so `output = "/data/link/out"` with `link`
//! pointing into a hot folder is caught even before `out` exists.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::config::{Config, DEFAULT_DATA_DIR};
use crate::error::{ConfigErrors, Problems};

/// Runs every file-system check of `cfg`, read from `file`, with the data
/// folder the config names, else [`DEFAULT_DATA_DIR`].
///
/// Use [`check_filesystem_with_data`] when `--data` overrides it.
pub fn check_filesystem(cfg: &Config, file: &Path) -> Result<(), ConfigErrors> {
    let data = cfg.data_dir_or(Path::new(DEFAULT_DATA_DIR));
    check_filesystem_with_data(cfg, file, &data)
}

/// Runs every file-system check of `cfg`, read from `file`, with `data` as
/// the data folder (the `--data` option, or
/// [`Config::data_dir_or`]).
///
/// If `file` does not exist (a config built in code), its permission check
/// is skipped.
pub fn check_filesystem_with_data(
    cfg: &Config,
    file: &Path,
    data: &Path,
) -> Result<(), ConfigErrors> {
    let mut problems = Problems::new(file);
    config_file_mode(file, &mut problems);
    let hot = hot_folders(cfg, &mut problems);
    nested_hot_folders(cfg, &hot, &mut problems);
    written_places(cfg, data, &hot, &mut problems);
    token_file(cfg, &mut problems);
    problems.into_result(())
}

/// A config file anyone may change lets anyone decide where the daemon
/// reads and writes.
#[cfg(unix)]
fn config_file_mode(file: &Path, problems: &mut Problems<'_>) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::metadata(file) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o002 != 0 {
        let reason = format!(
            "the config file is writable by every user (mode {mode:04o}), so anyone could change what the daemon reads and writes; run: chmod o-w {}",
            file.display()
        );
        problems.push(None, "", reason);
    }
}

#[cfg(not(unix))]
fn config_file_mode(_file: &Path, _problems: &mut Problems<'_>) {}

/// A hot folder, resolved.
struct Hot {
    /// Index in `cfg.folders`.
    index: usize,
    /// The path with symlinks resolved.
    real: PathBuf,
}

/// Each hot folder must exist and be a directory.
fn hot_folders(cfg: &Config, problems: &mut Problems<'_>) -> Vec<Hot> {
    let mut hot = Vec::new();
    for (index, f) in cfg.folders.iter().enumerate() {
        let key = format!("folder[{index}].path");
        let line = line_or_header(cfg, &key, index);
        let problem = match fs::metadata(&f.path) {
            Ok(meta) if meta.is_dir() => None,
            Ok(_) => Some(format!("{:?} is not a directory", f.path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Some(format!("{:?} does not exist", f.path))
            }
            Err(e) => Some(format!("cannot access {:?}: {e}", f.path)),
        };
        if let Some(reason) = problem {
            problems.push(line, &key, reason);
        }
        hot.push(Hot {
            index,
            real: real_path(&f.path),
        });
    }
    hot
}

/// Two hot folders must not be the same directory or one inside the
/// other: a file would belong to both. Reported at the inner one.
fn nested_hot_folders(cfg: &Config, hot: &[Hot], problems: &mut Problems<'_>) {
    for (n, a) in hot.iter().enumerate() {
        for b in &hot[n + 1..] {
            let (inner, outer) = if b.real.starts_with(&a.real) {
                (b, a)
            } else if a.real.starts_with(&b.real) {
                (a, b)
            } else {
                continue;
            };
            let key = format!("folder[{}].path", inner.index);
            let line = line_or_header(cfg, &key, inner.index);
            let relation = if inner.real == outer.real {
                "is the same directory as"
            } else {
                "is inside"
            };
            let reason = format!(
                "{}{} {relation} the hot folder of folder[{}] ({:?}); a file would belong to both",
                quoted(&cfg.folders[inner.index].path),
                resolves_to(&cfg.folders[inner.index].path, &inner.real),
                outer.index,
                cfg.folders[outer.index].path,
            );
            problems.push(line, &key, reason);
        }
    }
}

/// A folder the daemon writes into.
struct Written {
    /// The key that decided it (`folder[0].output`, or `data_dir` for
    /// everything derived from the data folder).
    key: String,
    /// Where that key was written, if it was.
    line: Option<usize>,
    /// What it is, for the message.
    what: String,
    /// The path as configured.
    path: PathBuf,
    /// Whether the user wrote this path (so it must be a directory if it
    /// exists); derived defaults are the daemon's business.
    explicit: bool,
}

/// Nothing the daemon writes may be a hot folder or inside one, or the
/// daemon would ingest its own output.
fn written_places(cfg: &Config, data: &Path, hot: &[Hot], problems: &mut Problems<'_>) {
    let data_line = cfg.line_of("data_dir");
    let data_default = if cfg.data_dir.is_some() {
        ""
    } else {
        " (the default)"
    };
    let mut places = vec![Written {
        key: "data_dir".to_owned(),
        line: data_line,
        what: format!("the data folder{data_default}"),
        path: data.to_path_buf(),
        explicit: cfg.data_dir.is_some(),
    }];
    for (i, f) in cfg.folders.iter().enumerate() {
        for (name, set, path) in [
            ("output", f.output.is_some(), cfg.folder_output(f, data)),
            ("failed", f.failed.is_some(), cfg.folder_failed(f, data)),
            ("originals", false, cfg.folder_originals(f, data)),
        ] {
            let (key, line) = if set {
                let key = format!("folder[{i}].{name}");
                let line = cfg.line_of(&key);
                (key, line)
            } else {
                ("data_dir".to_owned(), data_line)
            };
            places.push(Written {
                key,
                line,
                what: format!("the {name} folder of folder[{i}]"),
                path,
                explicit: set,
            });
        }
    }

    let mut reported: Vec<(String, usize)> = Vec::new();
    for place in &places {
        if place.explicit {
            if let Ok(meta) = fs::metadata(&place.path) {
                if !meta.is_dir() {
                    let reason = format!("{:?} exists and is not a directory", place.path);
                    problems.push(place.line, &place.key, reason);
                }
            }
        }
        let real = real_path(&place.path);
        for h in hot {
            if !real.starts_with(&h.real) || reported.contains(&(place.key.clone(), h.index)) {
                continue;
            }
            reported.push((place.key.clone(), h.index));
            let hot_path = &cfg.folders[h.index].path;
            let relation = if real == h.real {
                "is the hot folder of"
            } else {
                "is inside the hot folder of"
            };
            let reason = format!(
                "{} {}{} {relation} folder[{}] ({:?}); its files would be taken as new scans",
                place.what,
                quoted(&place.path),
                resolves_to(&place.path, &real),
                h.index,
                hot_path,
            );
            problems.push(place.line, &place.key, reason);
        }
    }
}

/// The token file must exist, be readable and hold a token.
fn token_file(cfg: &Config, problems: &mut Problems<'_>) {
    let Some(path) = cfg.http.as_ref().and_then(|h| h.token_file.as_ref()) else {
        return;
    };
    let key = "http.token_file";
    let line = cfg.line_of(key).or_else(|| cfg.line_of("http"));
    let reason = match fs::read(path) {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => format!("{path:?} is empty"),
        Ok(_) => return,
        Err(e) if e.kind() == io::ErrorKind::NotFound => format!("{path:?} does not exist"),
        Err(e) => format!("cannot read {path:?}: {e}"),
    };
    problems.push(line, key, reason);
}

/// Line of `key`, else of the folder's `[[folder]]` header.
fn line_or_header(cfg: &Config, key: &str, index: usize) -> Option<usize> {
    cfg.line_of(key)
        .or_else(|| cfg.line_of(&format!("folder[{index}]")))
}

fn quoted(path: &Path) -> String {
    format!("{path:?}")
}

/// `" (resolves to "/real")"` when symlinks or a relative path make the
/// real location differ from what was written, else nothing.
fn resolves_to(written: &Path, real: &Path) -> String {
    if written == real {
        String::new()
    } else {
        format!(" (resolves to {real:?})")
    }
}

/// `path` made absolute with symlinks resolved as far as it exists: the
/// longest existing prefix is canonicalized and the rest appended, with
/// `..` in the rest applied by hand (it cannot contain symlinks, it does
/// not exist).
pub(crate) fn real_path(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    for prefix in absolute.ancestors() {
        let Ok(mut real) = fs::canonicalize(prefix) else {
            continue;
        };
        let rest = absolute.strip_prefix(prefix).unwrap_or(Path::new(""));
        for part in rest.components() {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::Normal(p) => real.push(p),
                _ => {}
            }
        }
        return real;
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_path_of_missing_tail_and_dotdot() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(root.join("hot")).unwrap();
        assert_eq!(real_path(&root.join("hot/a/b")), root.join("hot/a/b"));
        assert_eq!(real_path(&root.join("x/../hot/a")), root.join("hot/a"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("hot"), root.join("link")).unwrap();
            assert_eq!(real_path(&root.join("link/out")), root.join("hot/out"));
            assert_eq!(real_path(&root.join("link")), root.join("hot"));
        }
    }
}
