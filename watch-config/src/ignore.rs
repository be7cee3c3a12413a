//! Which file names in a hot folder are never documents: the built-in junk
//! and transfer-temp names plus each folder's `ignore` globs.
//!
//! Globs match a single file or directory *name*, never a path: `*` any run
//! of characters (also none, also a leading `.`), `?` one character,
//! `[abc]`, `[a-z]`, `[!abc]` (or `[^abc]`) one character from (not from) a
//! set, `\x` the character `x` itself. Matching ignores case, because scans
//! arrive over SMB from Windows machines (`SCAN.TMP`, `THUMBS.DB`).

use thiserror::Error;

/// Names ignored in every hot folder, whatever its `ignore` list says.
///
/// Operating-system and NAS junk (`.DS_Store`, `._*`, `Thumbs.db`,
/// `desktop.ini`, `@eaDir`, `.stfolder`, ...) and the temporary names that
/// scanners, copy tools and sync tools write before renaming a file into
/// place (`*.tmp`, `*.part`, `~$*`, `.nfs*`, ...).
pub const BUILT_IN_IGNORES: &[&str] = &[
    // Desktop and NAS junk.
    ".DS_Store",
    "._*",
    ".AppleDouble",
    ".Spotlight-V100",
    ".Trashes",
    ".fseventsd",
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    "$RECYCLE.BIN",
    "System Volume Information",
    "@eaDir",
    "#recycle",
    ".@__thumb",
    ".stfolder",
    ".stversions",
    // Files still being written by a scanner, a copy or a sync tool.
    "*.tmp",
    "*.temp",
    "*.part",
    "*.partial",
    "*.filepart",
    "*.crdownload",
    "*.swp",
    "~$*",
    ".~lock.*#",
    ".syncthing.*",
    ".goutputstream-*",
    ".nfs*",
    ".fuse_hidden*",
];

/// A glob that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GlobError {
    /// The glob is the empty string.
    #[error("a glob must not be empty")]
    Empty,
    /// The glob contains `/`; globs match names, not paths.
    #[error("globs match file names only, so must not contain \"/\"; found {0:?}")]
    Slash(String),
    /// A `[` has no matching `]`.
    #[error("unclosed \"[\" in {0:?}")]
    UnclosedClass(String),
    /// The glob ends with a lone `\`.
    #[error("nothing after the final \"\\\" in {0:?}")]
    DanglingEscape(String),
}

/// Ignore rules of one hot folder: [`BUILT_IN_IGNORES`] plus the folder's
/// own globs.
///
/// `IgnoreRules::default()` holds only the built-in names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRules {
    /// The folder's own globs, compiled, in config order.
    user: Vec<Glob>,
    /// The built-in globs, compiled once per rule set.
    built_in: Vec<Glob>,
}

impl Default for IgnoreRules {
    fn default() -> IgnoreRules {
        IgnoreRules {
            user: Vec::new(),
            built_in: BUILT_IN_IGNORES
                .iter()
                .map(|g| Glob::new(g).expect("built-in globs are valid"))
                .collect(),
        }
    }
}

impl IgnoreRules {
    /// The built-in rules plus `globs`. Fails on the first glob that cannot
    /// be understood.
    pub fn new<I, S>(globs: I) -> Result<IgnoreRules, GlobError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut rules = IgnoreRules::default();
        for g in globs {
            rules.user.push(Glob::new(g.as_ref())?);
        }
        Ok(rules)
    }

    /// Whether a file or directory called `file_name` (a name, not a path)
    /// is to be left alone: not processed, not moved, not descended into.
    pub fn is_ignored(&self, file_name: &str) -> bool {
        let name: Vec<char> = file_name.to_lowercase().chars().collect();
        self.built_in
            .iter()
            .chain(&self.user)
            .any(|g| g.matches(&name))
    }

    /// The folder's own globs as written in the config (without the
    /// built-in ones).
    pub fn globs(&self) -> impl Iterator<Item = &str> {
        self.user.iter().map(|g| g.source.as_str())
    }
}

/// One compiled glob.
#[derive(Debug, Clone)]
struct Glob {
    /// The glob as written, for display and equality.
    source: String,
    /// The glob lower-cased and split into single-character steps.
    tokens: Vec<Token>,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        self.source == other.source
    }
}

impl Eq for Glob {}

/// One step of a glob.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// This exact (lower-case) character.
    Char(char),
    /// `?`: any one character.
    Any,
    /// `*`: any run of characters, including none.
    Star,
    /// `[...]`: one character in (or, if `negated`, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Glob {
    fn new(source: &str) -> Result<Glob, GlobError> {
        if source.is_empty() {
            return Err(GlobError::Empty);
        }
        if source.contains('/') {
            return Err(GlobError::Slash(source.to_owned()));
        }
        let lower: Vec<char> = source.to_lowercase().chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < lower.len() {
            let c = lower[i];
            i += 1;
            let token = match c {
                '*' => {
                    if tokens.last() == Some(&Token::Star) {
                        continue;
                    }
                    Token::Star
                }
                '?' => Token::Any,
                '\\' => {
                    let Some(&next) = lower.get(i) else {
                        return Err(GlobError::DanglingEscape(source.to_owned()));
                    };
                    i += 1;
                    Token::Char(next)
                }
                '[' => {
                    let (class, end) = parse_class(&lower, i)
                        .ok_or_else(|| GlobError::UnclosedClass(source.to_owned()))?;
                    i = end;
                    class
                }
                c => Token::Char(c),
            };
            tokens.push(token);
        }
        Ok(Glob {
            source: source.to_owned(),
            tokens,
        })
    }

    /// Whether the lower-cased `name` matches, with the classic
    /// single-backtrack wildcard walk (linear in practice, no recursion).
    fn matches(&self, name: &[char]) -> bool {
        let tokens = &self.tokens;
        let (mut p, mut n) = (0, 0);
        let mut last_star: Option<(usize, usize)> = None;
        while n < name.len() {
            match tokens.get(p) {
                Some(Token::Star) => {
                    last_star = Some((p, n));
                    p += 1;
                    continue;
                }
                Some(t) if t.matches_one(name[n]) => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
            match last_star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    last_star = Some((star_p, star_n + 1));
                }
                None => return false,
            }
        }
        tokens[p..].iter().all(|t| *t == Token::Star)
    }
}

impl Token {
    fn matches_one(&self, c: char) -> bool {
        match self {
            Token::Char(x) => *x == c,
            Token::Any => true,
            Token::Star => false,
            Token::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Parses a `[...]` class whose body starts at `start` (just after `[`).
/// Returns the token and the index just after `]`, or `None` if unclosed.
/// A `]` right after `[` or `[!` is a member, as is a `-` at either end.
fn parse_class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let body_start = i;
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(i)?;
        if c == ']' && i > body_start {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        let c = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&h| h != ']') {
            ranges.push((c, chars[i + 1]));
            i += 2;
        } else {
            ranges.push((c, c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(g: &str, name: &str) -> bool {
        let name: Vec<char> = name.to_lowercase().chars().collect();
        Glob::new(g).unwrap().matches(&name)
    }

    #[test]
    fn glob_table() {
        let cases = [
            ("*.tmp", "scan.tmp", true),
            ("*.tmp", "scan.tmp.pdf", false),
            ("*.tmp", ".tmp", true),
            ("*.tmp", "SCAN.TMP", true),
            (".*", ".hidden", true),
            (".*", "visible", false),
            ("~$*", "~$report.docx", true),
            ("~$*", "report.docx", false),
            ("scan-??.pdf", "scan-01.pdf", true),
            ("scan-??.pdf", "scan-1.pdf", false),
            ("[abc]*", "b.pdf", true),
            ("[!abc]*", "b.pdf", false),
            ("[^abc]*", "d.pdf", true),
            ("img[0-9].tif", "img7.tif", true),
            ("img[0-9].tif", "imgx.tif", false),
            ("[]]", "]", true),
            ("[a-]", "-", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("**", "", true),
            ("*", "", true),
            ("契約*", "契約書.pdf", true),
            ("*.PDF", "x.pdf", true),
        ];
        for (g, name, want) in cases {
            assert_eq!(glob(g, name), want, "{g:?} vs {name:?}");
        }
    }

    #[test]
    fn bad_globs() {
        assert_eq!(Glob::new("").unwrap_err(), GlobError::Empty);
        assert!(matches!(Glob::new("a/b"), Err(GlobError::Slash(_))));
        assert!(matches!(Glob::new("[ab"), Err(GlobError::UnclosedClass(_))));
        assert!(matches!(Glob::new("[]"), Err(GlobError::UnclosedClass(_))));
        assert!(matches!(
            Glob::new("a\\"),
            Err(GlobError::DanglingEscape(_))
        ));
        assert_eq!(
            GlobError::UnclosedClass("[ab".into()).to_string(),
            "unclosed \"[\" in \"[ab\""
        );
    }

    #[test]
    fn built_ins_and_user_globs() {
        let rules = IgnoreRules::new(["*.bak"]).unwrap();
        for junk in [
            ".DS_Store",
            "._scan.pdf",
            "Thumbs.db",
            "thumbs.db",
            "desktop.ini",
            "Desktop.ini",
            "@eaDir",
            ".stfolder",
            "scan.pdf.tmp",
            "SCAN0001.TMP",
            "~$contract.docx",
            ".nfs0000000001234",
            "old.bak",
        ] {
            assert!(rules.is_ignored(junk), "{junk}");
        }
        for doc in [
            "scan.pdf",
            "契約書.tif",
            "IMG_0001.JPG",
            "tmp.pdf",
            "backup.pdf",
        ] {
            assert!(!rules.is_ignored(doc), "{doc}");
        }
        assert!(!IgnoreRules::default().is_ignored("old.bak"));
        assert_eq!(rules.globs().collect::<Vec<_>>(), ["*.bak"]);
    }
}
