//! What went wrong, where: one [`ConfigError`] per problem, gathered into
//! [`ConfigErrors`] so that a user fixes a config file in one pass.
//!
//! This mirrors ripgrep's `ignore::Error::{WithLineNumber, Partial}`: every
//! problem carries its file, line and key path, and validation keeps going
//! after the first one.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a config file.
///
/// Displayed as `FILE:LINE: KEY: REASON`, for example
/// `inkan.toml:7: folder[1].settle: expected a duration like "2s" or "5m", found "fast"`.
/// When no line can be determined the `:LINE` part is left out, and when the
/// problem is about the file as a whole (it cannot be read, it is not valid
/// TOML, it is world-writable) the `KEY: ` part is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file, as the caller named it.
    pub file: PathBuf,
    /// 1-based line of the offending key or value; for a missing key, the
    /// line of its table header (`[[folder]]`, `[http]`). `None` for problems
    /// of the whole file or of a value that was not written in it (a default).
    pub line: Option<usize>,
    /// Dotted key path with 0-based array indexes, e.g. `folder[2].settle`,
    /// `languages[1]`, `http.listen`. Empty for problems of the whole file.
    pub key: String,
    /// What is wrong, in words, naming the value found where useful.
    pub reason: String,
}

impl ConfigError {
    /// Builds an error from its parts.
    pub fn new(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        key: impl Into<String>,
        reason: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            file: file.into(),
            line,
            key: key.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one config file, ordered by line (problems
/// without a line come last). Never empty when returned as an `Err`.
///
/// Displayed as one line per problem, without a trailing newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no problems (never true for a returned `Err`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One error about the file as a whole (no line, no key).
    pub(crate) fn whole_file(file: &Path, reason: impl Into<String>) -> ConfigErrors {
        ConfigErrors(vec![ConfigError::new(file, None, "", reason)])
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Collects problems while a pass goes on ("some keys failed, keep
/// checking the rest"), like ripgrep's `PartialErrorBuilder`.
#[derive(Debug)]
pub(crate) struct Problems<'f> {
    /// The config file every problem is reported against.
    file: &'f Path,
    /// What was found so far, in discovery order.
    found: Vec<ConfigError>,
}

impl<'f> Problems<'f> {
    pub(crate) fn new(file: &'f Path) -> Problems<'f> {
        Problems {
            file,
            found: Vec::new(),
        }
    }

    /// Records a problem at `key`, on `line` if known.
    pub(crate) fn push(&mut self, line: Option<usize>, key: &str, reason: impl Into<String>) {
        self.found
            .push(ConfigError::new(self.file, line, key, reason.into()));
    }

    /// Records a problem at `key` on a known line.
    pub(crate) fn at(&mut self, line: usize, key: &str, reason: impl Into<String>) {
        self.push(Some(line), key, reason);
    }

    /// Whether the key `key` already has a problem recorded.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.found.iter().any(|e| e.key == key)
    }

    /// The problems so far, sorted by line (stable: same-line problems stay
    /// in discovery order; line-less ones go last).
    pub(crate) fn finish(mut self) -> Vec<ConfigError> {
        self.found.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
        self.found
    }

    /// `Ok(value)` if nothing was found, else every problem.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T, ConfigErrors> {
        let found = self.finish();
        if found.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors(found))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_with_and_without_line_and_key() {
        let e = ConfigError::new("inkan.toml", Some(7), "folder[1].settle", "bad");
        assert_eq!(e.to_string(), "inkan.toml:7: folder[1].settle: bad");
        let e = ConfigError::new("inkan.toml", None, "data_dir", "bad");
        assert_eq!(e.to_string(), "inkan.toml: data_dir: bad");
        let e = ConfigError::new("inkan.toml", Some(3), "", "invalid TOML: x");
        assert_eq!(e.to_string(), "inkan.toml:3: invalid TOML: x");
    }

    #[test]
    fn errors_sorted_by_line_and_one_per_line() {
        let file = Path::new("a.toml");
        let mut p = Problems::new(file);
        p.push(None, "data_dir", "z");
        p.at(9, "workers", "y");
        p.at(2, "languages", "x");
        p.at(9, "http", "w");
        let errs = p.into_result(()).unwrap_err();
        assert_eq!(
            errs.to_string(),
            "a.toml:2: languages: x\na.toml:9: workers: y\na.toml:9: http: w\na.toml: data_dir: z"
        );
    }
}
