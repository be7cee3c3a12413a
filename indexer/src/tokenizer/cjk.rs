//! [`CjkTokenizer`]: script-aware splitting into words and CJK n-grams.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::script::{line_break_end, unit_at, Class, Unit};

/// How a run of CJK characters is cut into tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Gram {
    /// Overlapping character pairs; a run of one character is one unigram.
    /// This is the main `text` field: short posting lists, exact phrases.
    #[default]
    Bigram,
    /// Every CJK character on its own. This is the `text_uni` field, used for
    /// query words containing a lone CJK character (`甲`, `A社`).
    Unigram,
}

/// Splits text the way Japanese + English scans need it.
///
/// - A run of CJK characters (Han, Hiragana, Katakana with `ー`, half-width
///   Katakana) becomes overlapping bigrams (with [`Gram::Bigram`]), one
///   position per bigram; a run of one character is a single unigram.
///   With [`Gram::Unigram`] every CJK character is a token.
/// - A run of other alphanumeric characters (Latin, digits, full-width forms)
///   is one word.
/// - Whitespace and punctuation only split; they take no position. Positions
///   are consecutive across scripts, so `ABC株式会社` is a phrase
///   `abc 株式 式会 会社`.
/// - A line break between two CJK characters does not end the run (OCR breaks
///   lines inside words): `契約\n書` gives `契約`, `約書`. A blank line does.
/// - A character and its combining marks are never split (`ｶﾞ`, `e`+U+0301).
///
/// # Offsets
///
/// `offset_from..offset_to` are byte offsets into the original text, which is
/// never rewritten. The tokenizer classifies characters by their NFKC form
/// (full-width `Ａ` is Latin, `ｶ` is Katakana) but emits the original
/// characters as token text; [`Fold`](super::Fold) then normalises the text
/// (NFKC + lower case) without touching offsets. A bigram across a line break
/// spans the break (`約\n書` is bytes 3..10) but its text skips it.
///
/// # Tokens
///
/// `Hello 株式会社とデータ、２０２４年` through the full `inkan_cjk` analyzer
/// (tokenizer + [`Fold`](super::Fold)):
///
/// | text    | position | from | to |
/// |---------|---------:|-----:|---:|
/// | `hello` | 0        | 0    | 5  |
/// | `株式`  | 1        | 6    | 12 |
/// | `式会`  | 2        | 9    | 15 |
/// | `会社`  | 3        | 12   | 18 |
/// | `社と`  | 4        | 15   | 21 |
/// | `とデ`  | 5        | 18   | 24 |
/// | `デー`  | 6        | 21   | 27 |
/// | `ータ`  | 7        | 24   | 30 |
/// | `2024`  | 8        | 33   | 45 |
/// | `年`    | 9        | 45   | 48 |
///
/// The same text through `inkan_cjk_uni` ([`Gram::Unigram`]):
///
/// | text    | position | from | to |
/// |---------|---------:|-----:|---:|
/// | `hello` | 0        | 0    | 5  |
/// | `株`    | 1        | 6    | 9  |
/// | `式`    | 2        | 9    | 12 |
/// | …       |          |      |    |
/// | `タ`    | 8        | 27   | 30 |
/// | `2024`  | 9        | 33   | 45 |
/// | `年`    | 10       | 45   | 48 |
///
/// # Example
///
/// ```
/// use indexer::tokenizer::{CjkTokenizer, Fold};
/// use tantivy::tokenizer::{TextAnalyzer, TokenStream};
///
/// let mut analyzer = TextAnalyzer::builder(CjkTokenizer::bigram()).filter(Fold).build();
/// let mut stream = analyzer.token_stream("契約\n書 ＯＫ");
/// let mut seen = Vec::new();
/// while let Some(token) = stream.next() {
///     seen.push((token.text.clone(), token.position, token.offset_from, token.offset_to));
/// }
/// assert_eq!(seen, [
///     ("契約".to_string(), 0, 0, 6),
///     ("約書".to_string(), 1, 3, 10),
///     ("ok".to_string(), 2, 11, 17),
/// ]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CjkTokenizer {
    /// How CJK runs are cut.
    gram: Gram,
    /// The one token every stream of this tokenizer reuses.
    token: Token,
}

impl CjkTokenizer {
    /// A tokenizer cutting CJK runs as `gram` says.
    pub fn new(gram: Gram) -> CjkTokenizer {
        CjkTokenizer {
            gram,
            token: Token::default(),
        }
    }

    /// The bigram tokenizer (the main `text` field).
    pub fn bigram() -> CjkTokenizer {
        CjkTokenizer::new(Gram::Bigram)
    }

    /// The unigram tokenizer (the `text_uni` field).
    pub fn unigram() -> CjkTokenizer {
        CjkTokenizer::new(Gram::Unigram)
    }
}

impl Tokenizer for CjkTokenizer {
    type TokenStream<'a> = CjkTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkTokenStream<'a> {
        self.token.reset();
        CjkTokenStream {
            text,
            gram: self.gram,
            cursor: 0,
            open_run: None,
            run_emitted: false,
            next_position: 0,
            token: &mut self.token,
        }
    }
}

/// The token stream of a [`CjkTokenizer`]; see there for the rules.
#[derive(Debug)]
pub struct CjkTokenStream<'a> {
    /// The original text; offsets point into it.
    text: &'a str,
    /// Bigrams or unigrams for CJK runs.
    gram: Gram,
    /// Byte offset of the first unit not yet read.
    cursor: usize,
    /// In a CJK run (bigram mode): its last unit, the left half of the next
    /// bigram.
    open_run: Option<Unit>,
    /// Whether the open run has produced a bigram (else, when it ends, its
    /// single character becomes a unigram).
    run_emitted: bool,
    /// Position of the next token.
    next_position: usize,
    /// The reused token, owned by the tokenizer.
    token: &'a mut Token,
}

impl CjkTokenStream<'_> {
    /// Makes the current token span `first..=last` units; its text is the
    /// units' characters (without anything between them, i.e. a line break).
    fn emit(&mut self, first: Unit, last: Unit) {
        let token = &mut *self.token;
        token.position = self.next_position;
        token.position_length = 1;
        token.offset_from = first.start;
        token.offset_to = last.end;
        token.text.clear();
        if first.end >= last.start {
            token.text.push_str(&self.text[first.start..last.end]);
        } else {
            token.text.push_str(&self.text[first.start..first.end]);
            token.text.push_str(&self.text[last.start..last.end]);
        }
        self.next_position += 1;
    }

    /// The CJK unit continuing the open run, if any: the next unit, or the
    /// one just after a single line break.
    fn run_continuation(&self) -> Option<Unit> {
        let next = unit_at(self.text, self.cursor)?;
        if next.class == Class::Cjk {
            return Some(next);
        }
        let after = line_break_end(self.text, self.cursor)?;
        unit_at(self.text, after).filter(|unit| unit.class == Class::Cjk)
    }

    /// The end of the `Word` run that continues at byte `end`.
    fn word_end(&self, mut end: usize) -> usize {
        while let Some(unit) = unit_at(self.text, end) {
            if unit.class != Class::Word {
                break;
            }
            end = unit.end;
        }
        end
    }
}

impl TokenStream for CjkTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(prev) = self.open_run {
                if let Some(next) = self.run_continuation() {
                    self.emit(prev, next);
                    self.open_run = Some(next);
                    self.run_emitted = true;
                    self.cursor = next.end;
                    return true;
                }
                self.open_run = None;
                if !self.run_emitted {
                    self.emit(prev, prev);
                    return true;
                }
            }
            let Some(unit) = unit_at(self.text, self.cursor) else {
                return false;
            };
            self.cursor = unit.end;
            match (unit.class, self.gram) {
                (Class::Separator, _) => {}
                (Class::Cjk, Gram::Bigram) => {
                    self.open_run = Some(unit);
                    self.run_emitted = false;
                }
                (Class::Cjk, Gram::Unigram) => {
                    self.emit(unit, unit);
                    return true;
                }
                (Class::Word, _) => {
                    let end = self.word_end(unit.end);
                    self.cursor = end;
                    let last = Unit {
                        start: unit.start,
                        end,
                        class: Class::Word,
                    };
                    self.emit(unit, last);
                    return true;
                }
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}
