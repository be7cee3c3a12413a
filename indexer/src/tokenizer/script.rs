//! Character classes the tokenizer splits on: pure, per-character helpers.
//!
//! A *unit* is one base character plus the combining marks that follow it
//! (`か` + U+3099, `ｶ` + `ﾞ`, `e` + U+0301), so that NFKC can later compose it
//! into one character without ever splitting a token inside a unit.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What a unit contributes to the token stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Han, Hiragana, Katakana (with `ー`), half-width Katakana: becomes
    /// overlapping bigrams (or unigrams).
    Cjk,
    /// Latin, digits and other alphanumeric scripts written with spaces:
    /// a run becomes one word.
    Word,
    /// Whitespace and punctuation: ends the current run.
    Separator,
}

/// One character and its trailing combining marks, as byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Byte offset of the base character.
    pub start: usize,
    /// Byte offset just after the last combining mark.
    pub end: usize,
    /// The class of the unit once NFKC-normalised.
    pub class: Class,
}

/// Whether `c` is written without spaces and is therefore indexed as n-grams.
///
/// Covers Han (unified, extensions, compatibility ideographs, radicals,
/// `々 〆 〇`), Hiragana, Katakana including `ー` and the half-width forms, but
/// not the Katakana middle dot `・`, which is punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF          // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007        // 々 〆 〇
        | 0x3021..=0x3029        // Hangzhou numerals
        | 0x3031..=0x3035        // vertical kana repeat marks
        | 0x303B..=0x303C        // 〻 〼
        | 0x3041..=0x309F        // Hiragana, (semi-)voiced sound marks, ゝ ゞ ゟ
        | 0x30A0..=0x30FA        // Katakana
        | 0x30FC..=0x30FF        // ー ヽ ヾ ヿ
        | 0x31F0..=0x31FF        // Katakana phonetic extensions
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFF66..=0xFF9F        // half-width Katakana
        | 0x1B000..=0x1B16F      // Kana supplement / extended
        | 0x20000..=0x3FFFF      // CJK extensions B..H
    )
}

/// Whether `c` attaches to the previous character instead of starting a unit.
pub(crate) fn is_mark(c: char) -> bool {
    // The half-width (semi-)voiced sound marks are spacing characters, but NFKC
    // turns them into the combining U+3099 / U+309A.
    is_combining_mark(c) || c == '\u{FF9E}' || c == '\u{FF9F}'
}

/// The class of a unit starting with `c` (its trailing marks do not matter).
pub(crate) fn class_of(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Separator
        };
    }
    if is_cjk(c) {
        return Class::Cjk;
    }
    if c.is_alphanumeric() {
        // Full-width Latin and digits (`Ａ`, `２`) are alphanumeric already.
        return Class::Word;
    }
    // Compatibility characters: `㈱` -> `(株)`, `㊤` -> `上`, `⑴` -> `(1)`.
    let mut class = Class::Separator;
    for n in std::iter::once(c).nfkc() {
        if is_cjk(n) {
            return Class::Cjk;
        }
        if n.is_alphanumeric() {
            class = Class::Word;
        }
    }
    class
}

/// The unit starting at byte `from` of `text`, or `None` at the end.
///
/// A combining mark with no base character (at the start of the text or after
/// a separator) is a separator unit of its own.
pub(crate) fn unit_at(text: &str, from: usize) -> Option<Unit> {
    let mut chars = text[from..].char_indices();
    let (_, base) = chars.next()?;
    let mut end = from + base.len_utf8();
    let class = if is_mark(base) {
        Class::Separator
    } else {
        class_of(base)
    };
    if class != Class::Separator {
        for (i, c) in chars {
            if !is_mark(c) {
                break;
            }
            end = from + i + c.len_utf8();
        }
    }
    Some(Unit {
        start: from,
        end,
        class,
    })
}

/// If `text[from..]` starts with a single line break (whitespace holding exactly
/// one `\n`) followed by more text, the byte offset after that whitespace.
///
/// OCR text breaks lines in the middle of Japanese words; the tokenizer uses
/// this to keep a CJK run going across the break. A blank line (two `\n`) is a
/// paragraph break and does end the run.
pub(crate) fn line_break_end(text: &str, from: usize) -> Option<usize> {
    let mut newlines = 0;
    for (i, c) in text[from..].char_indices() {
        match c {
            '\n' => newlines += 1,
            ' ' | '\t' | '\r' | '\u{3000}' => {}
            _ => return (newlines == 1).then_some(from + i),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for c in ['契', '々', 'あ', 'カ', 'ー', 'ｶ', 'ｰ', '〇', '𠮷'] {
            assert_eq!(class_of(c), Class::Cjk, "{c}");
        }
        for c in ['a', 'Z', '7', 'Ａ', '２', 'é', 'ж', '①'] {
            assert_eq!(class_of(c), Class::Word, "{c}");
        }
        for c in [' ', '、', '。', '・', '「', '(', '（', '\n', '-', '　'] {
            assert_eq!(class_of(c), Class::Separator, "{c}");
        }
        assert_eq!(class_of('㈱'), Class::Cjk);
    }

    #[test]
    fn units_keep_combining_marks() {
        // ｶ + ﾞ (half-width voiced mark) is one unit of 6 bytes.
        assert_eq!(
            unit_at("ｶﾞス", 0),
            Some(Unit {
                start: 0,
                end: 6,
                class: Class::Cjk
            })
        );
        // e + U+0301
        assert_eq!(
            unit_at("e\u{301}t", 0),
            Some(Unit {
                start: 0,
                end: 3,
                class: Class::Word
            })
        );
        // a lone mark is a separator
        assert_eq!(
            unit_at("\u{301}a", 0),
            Some(Unit {
                start: 0,
                end: 2,
                class: Class::Separator
            })
        );
        assert_eq!(unit_at("ab", 2), None);
    }

    #[test]
    fn line_breaks() {
        assert_eq!(line_break_end("\n書", 0), Some(1));
        assert_eq!(line_break_end(" \r\n  書", 0), Some(5));
        assert_eq!(line_break_end("\n\n書", 0), None);
        assert_eq!(line_break_end(" 書", 0), None);
        assert_eq!(line_break_end("\n", 0), None);
    }
}
