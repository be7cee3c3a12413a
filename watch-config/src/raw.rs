//! The TOML file as written: a typed mirror of its tables and keys, each
//! value with its line, before any meaning is checked.
//!
//! serde's `deny_unknown_fields` stops at the first unknown key or wrong
//! type, and inkan reports every problem at once. So this module walks
//! toml's spanned document (`toml::de::DeTable`) key by key instead: known
//! keys land in their typed field, an unknown key or a wrong type becomes a
//! problem and decoding goes on. Which keys exist is decided here and only
//! here (the `*_KEYS` lists); what the values mean is decided in
//! `validate.rs`.

use std::borrow::Cow;

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::Problems;

/// A value and the 1-based line it was written on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At<T> {
    pub value: T,
    pub line: usize,
}

/// One key of a table, as decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Field<T> {
    /// Not written: the default applies (or, if required, it is missing).
    #[default]
    Absent,
    /// Written, but with the wrong type; already reported.
    Invalid,
    /// Written with the right type.
    Given(At<T>),
}

impl<T> Field<T> {
    /// The value if it was written with the right type.
    pub fn given(&self) -> Option<&At<T>> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }
}

/// Top-level keys.
pub(crate) const TOP_KEYS: &[&str] = &["data_dir", "workers", "languages", "folder", "http"];
/// Keys of a `[[folder]]` table.
pub(crate) const FOLDER_KEYS: &[&str] = &[
    "name",
    "path",
    "output",
    "failed",
    "recursive",
    "tags",
    "settle",
    "poll",
    "incomplete_timeout",
    "rescan",
    "ignore",
];
/// Keys of the `[http]` table.
pub(crate) const HTTP_KEYS: &[&str] = &["listen", "token_file"];

/// The whole file.
#[derive(Debug, Default)]
pub(crate) struct RawConfig {
    pub data_dir: Field<String>,
    pub workers: Field<i64>,
    pub languages: Field<Vec<At<String>>>,
    pub folders: Vec<RawFolder>,
    pub http: Option<RawHttp>,
}

/// One `[[folder]]` table.
#[derive(Debug, Default)]
pub(crate) struct RawFolder {
    /// Line of the `[[folder]]` header (or of the inline table).
    pub line: usize,
    pub name: Field<String>,
    pub path: Field<String>,
    pub output: Field<String>,
    pub failed: Field<String>,
    pub recursive: Field<bool>,
    pub tags: Field<Vec<At<String>>>,
    pub settle: Field<String>,
    pub poll: Field<String>,
    pub incomplete_timeout: Field<String>,
    pub rescan: Field<String>,
    pub ignore: Field<Vec<At<String>>>,
}

/// The `[http]` table.
#[derive(Debug, Default)]
pub(crate) struct RawHttp {
    /// Line of the `[http]` header.
    pub line: usize,
    pub listen: Field<String>,
    pub token_file: Field<String>,
}

/// What a duration value must look like; shared with `validate.rs`.
pub(crate) const EXPECTED_DURATION: &str = "a duration like \"2s\" or \"5m\"";
/// What a path value must look like.
const EXPECTED_PATH: &str = "a path";

/// Parses `text` and decodes it into a [`RawConfig`], reporting every
/// syntax error, unknown key and wrongly typed value to `problems`.
///
/// On a syntax error only the syntax errors are reported (a half-parsed
/// document would give confusing "missing key" problems) and `None` is
/// returned.
pub(crate) fn decode(text: &str, problems: &mut Problems<'_>) -> Option<RawConfig> {
    let lines = LineIndex::new(text);
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        for e in &syntax {
            let line = e.span().map(|s| lines.line(s.start));
            // The error's span covers the offending text: for a duplicate
            // key, the key itself, which the message should name.
            let at = e.span().and_then(|s| text.get(s)).map(str::trim).unwrap_or("");
            let key = if e.message().contains("key") && !at.is_empty() && !at.contains('\n') && at.len() <= 64 { at } else { "" };
            problems.push(line, key, format!("invalid TOML: {}", e.message()));
        }
        return None;
    }
    let mut d = Decoder { lines, problems };
    Some(d.config(doc.get_ref()))
}

/// Byte offset to line number.
struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line containing byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The walk over one document.
struct Decoder<'p, 'f> {
    lines: LineIndex,
    problems: &'p mut Problems<'f>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Decoder<'_, '_> {
    fn line_of<T>(&self, v: &Spanned<T>) -> usize {
        self.lines.line(v.span().start)
    }

    fn config(&mut self, doc: &DeTable<'_>) -> RawConfig {
        let mut raw = RawConfig::default();
        for (k, v) in doc.iter() {
            let key = k.get_ref().as_ref();
            match key {
                "data_dir" => raw.data_dir = self.string(key, v, EXPECTED_PATH),
                "workers" => raw.workers = self.integer(key, v, "a whole number of workers like 2"),
                "languages" => {
                    raw.languages = self.strings(
                        key,
                        v,
                        "a list of languages like [\"jpn\", \"eng\"]",
                        "a language code like \"jpn\"",
                    )
                }
                "folder" => raw.folders = self.folders(v),
                "http" => raw.http = self.http(v),
                _ => self.unknown(key, k, TOP_KEYS),
            }
        }
        raw
    }

    fn folders(&mut self, v: &Value<'_>) -> Vec<RawFolder> {
        let items = match v.get_ref() {
            DeValue::Array(items) => items,
            DeValue::Table(_) => {
                let reason = "expected [[folder]] tables, found a single [folder] table; write [[folder]] (double brackets)";
                self.problems.at(self.line_of(v), "folder", reason);
                return Vec::new();
            }
            other => {
                let reason = format!("expected [[folder]] tables, found {}", describe(other));
                self.problems.at(self.line_of(v), "folder", reason);
                return Vec::new();
            }
        };
        let mut folders = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("folder[{i}]");
            let line = self.line_of(item);
            let DeValue::Table(table) = item.get_ref() else {
                let reason = format!("expected a table, found {}", describe(item.get_ref()));
                self.problems.at(line, &path, reason);
                continue;
            };
            folders.push(self.folder(&path, line, table));
        }
        folders
    }

    fn folder(&mut self, path: &str, line: usize, table: &DeTable<'_>) -> RawFolder {
        let mut f = RawFolder {
            line,
            ..RawFolder::default()
        };
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("{path}.{name}");
            let key = key.as_str();
            match name {
                "name" => f.name = self.string(key, v, "a folder name like \"contracts\""),
                "path" => f.path = self.string(key, v, EXPECTED_PATH),
                "output" => f.output = self.string(key, v, EXPECTED_PATH),
                "failed" => f.failed = self.string(key, v, EXPECTED_PATH),
                "recursive" => f.recursive = self.boolean(key, v),
                "tags" => {
                    f.tags = self.strings(key, v, "a list of tags like [\"contract\"]", "a tag")
                }
                "settle" => f.settle = self.string(key, v, EXPECTED_DURATION),
                "poll" => f.poll = self.string(key, v, EXPECTED_DURATION),
                "incomplete_timeout" => {
                    f.incomplete_timeout = self.string(key, v, EXPECTED_DURATION)
                }
                "rescan" => f.rescan = self.string(key, v, EXPECTED_DURATION),
                "ignore" => {
                    f.ignore = self.strings(
                        key,
                        v,
                        "a list of globs like [\"*.tmp\"]",
                        "a glob like \"*.tmp\"",
                    )
                }
                _ => self.unknown(key, k, FOLDER_KEYS),
            }
        }
        f
    }

    fn http(&mut self, v: &Value<'_>) -> Option<RawHttp> {
        let line = self.line_of(v);
        let DeValue::Table(table) = v.get_ref() else {
            let reason = format!("expected an [http] table, found {}", describe(v.get_ref()));
            self.problems.at(line, "http", reason);
            return None;
        };
        let mut h = RawHttp {
            line,
            ..RawHttp::default()
        };
        for (k, v) in table.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("http.{name}");
            let key = key.as_str();
            match name {
                "listen" => h.listen = self.string(key, v, "an address like \"127.0.0.1:7878\""),
                "token_file" => h.token_file = self.string(key, v, EXPECTED_PATH),
                _ => self.unknown(key, k, HTTP_KEYS),
            }
        }
        Some(h)
    }

    /// Reports `key` as unknown, suggesting the closest known key.
    fn unknown(&mut self, key: &str, k: &Spanned<Cow<'_, str>>, known: &[&str]) {
        let written = k.get_ref().as_ref();
        let reason = match closest(written, known) {
            Some(best) => format!("unknown key; did you mean \"{best}\"?"),
            None => format!("unknown key; expected one of: {}", known.join(", ")),
        };
        self.problems.at(self.line_of(k), key, reason);
    }

    fn string(&mut self, key: &str, v: &Value<'_>, expected: &str) -> Field<String> {
        match v.get_ref() {
            DeValue::String(s) => Field::Given(At {
                value: s.to_string(),
                line: self.line_of(v),
            }),
            other => self.wrong(key, v, expected, other),
        }
    }

    fn integer(&mut self, key: &str, v: &Value<'_>, expected: &str) -> Field<i64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match parsed {
            Some(value) => Field::Given(At {
                value,
                line: self.line_of(v),
            }),
            None => self.wrong(key, v, expected, v.get_ref()),
        }
    }

    fn boolean(&mut self, key: &str, v: &Value<'_>) -> Field<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Field::Given(At {
                value: *b,
                line: self.line_of(v),
            }),
            other => self.wrong(key, v, "true or false", other),
        }
    }

    /// An array of strings; each wrongly typed element is its own problem
    /// (`languages[1]`).
    fn strings(
        &mut self,
        key: &str,
        v: &Value<'_>,
        expected: &str,
        expected_item: &str,
    ) -> Field<Vec<At<String>>> {
        let DeValue::Array(items) = v.get_ref() else {
            return self.wrong(key, v, expected, v.get_ref());
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.string(&format!("{key}[{i}]"), item, expected_item) {
                Field::Given(s) => out.push(s),
                _ => ok = false,
            }
        }
        if ok {
            Field::Given(At {
                value: out,
                line: self.line_of(v),
            })
        } else {
            Field::Invalid
        }
    }

    fn wrong<T>(
        &mut self,
        key: &str,
        v: &Value<'_>,
        expected: &str,
        found: &DeValue<'_>,
    ) -> Field<T> {
        let reason = format!("expected {expected}, found {}", describe(found));
        self.problems.at(self.line_of(v), key, reason);
        Field::Invalid
    }
}

/// A found value for a message: strings quoted, scalars as written,
/// containers by kind.
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("{:?}", s.as_ref()),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.as_str().to_owned(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "a list".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

/// The known key nearest to `written` (edit distance at most 2, or a
/// different case/separator), if any.
fn closest<'k>(written: &str, known: &[&'k str]) -> Option<&'k str> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    known
        .iter()
        .map(|k| (edit_distance(&norm(written), k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Decodes `text` for tests, returning the raw config and the messages.
#[cfg(test)]
fn decode_for_test(text: &str) -> (Option<RawConfig>, Vec<crate::error::ConfigError>) {
    let file = std::path::Path::new("t.toml");
    let mut problems = Problems::new(file);
    let raw = decode(text, &mut problems);
    (raw, problems.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        decode_for_test(text)
            .1
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn lines_of_offsets() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!([0, 1, 2, 4, 5, 6].map(|o| idx.line(o)), [1, 1, 2, 2, 3, 4]);
    }

    #[test]
    fn decodes_values_with_lines() {
        let (raw, errs) = decode_for_test(
            "workers = 3\n\n[[folder]]\nname = \"a\"\ntags = [\n  \"x\",\n  \"y\"]\n[http]\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let raw = raw.unwrap();
        assert_eq!(raw.workers, Field::Given(At { value: 3, line: 1 }));
        let f = &raw.folders[0];
        assert_eq!(f.line, 3);
        assert_eq!(f.name.given().unwrap().line, 4);
        let tags = &f.tags.given().unwrap().value;
        assert_eq!((tags[1].value.as_str(), tags[1].line), ("y", 7));
        assert_eq!(raw.http.unwrap().line, 8);
    }

    #[test]
    fn every_unknown_key_and_wrong_type() {
        assert_eq!(
            messages(
                "workrs = 2\nlanguages = [\"jpn\", 3]\n[[folder]]\nsetle = \"2s\"\nrecursive = \"yes\"\nzzz = 1\n"
            ),
            [
                "t.toml:1: workrs: unknown key; did you mean \"workers\"?",
                "t.toml:2: languages[1]: expected a language code like \"jpn\", found 3",
                "t.toml:4: folder[0].setle: unknown key; did you mean \"settle\"?",
                "t.toml:5: folder[0].recursive: expected true or false, found \"yes\"",
                "t.toml:6: folder[0].zzz: unknown key; expected one of: name, path, output, failed, recursive, tags, settle, poll, incomplete_timeout, rescan, ignore",
            ]
        );
    }

    #[test]
    fn syntax_errors_only() {
        let (raw, errs) = decode_for_test("workers = 2\nworkers = 3\nname = \n");
        assert!(raw.is_none());
        assert!(errs.iter().all(|e| e.line.is_some()), "{errs:?}");
        assert!(errs.len() >= 2, "{errs:?}");
        // A duplicate key is named; other syntax errors have no key.
        assert!(errs.iter().any(|e| e.line == Some(2) && e.key == "workers"), "{errs:?}");
        assert!(errs.iter().any(|e| e.line == Some(3) && e.key.is_empty()), "{errs:?}");
    }

    #[test]
    fn hex_and_underscore_integers() {
        let (raw, _) = decode_for_test("workers = 0x10\n");
        assert_eq!(raw.unwrap().workers.given().unwrap().value, 16);
        let (raw, _) = decode_for_test("workers = 1_000\n");
        assert_eq!(raw.unwrap().workers.given().unwrap().value, 1000);
    }

    #[test]
    fn single_folder_table_is_explained() {
        assert_eq!(
            messages("[folder]\nname = \"a\"\n"),
            ["t.toml:1: folder: expected [[folder]] tables, found a single [folder] table; write [[folder]] (double brackets)"]
        );
    }
}
