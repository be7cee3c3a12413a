//! [`Fold`]: NFKC + lower case, as a token filter.

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::script::is_cjk;

/// Normalises token text: NFKC (full-width `Ａ２` → `A2`, half-width `ｶﾞ` →
/// `ガ`, `㈱` → `(株)`), then lower case, then drops what NFKC turned into
/// punctuation or spaces (`(株)` → `株`).
///
/// Only `text` changes: offsets and positions are left as the tokenizer set
/// them, so they still point into the original text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fold;

impl TokenFilter for Fold {
    type Tokenizer<T: Tokenizer> = FoldFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldFilter<T> {
        FoldFilter {
            tokenizer,
            buffer: String::new(),
        }
    }
}

/// A tokenizer wrapped by [`Fold`].
#[derive(Clone, Debug)]
pub struct FoldFilter<T> {
    /// The wrapped tokenizer.
    tokenizer: T,
    /// Scratch space for the folded text, swapped with the token's text.
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FoldFilter<T> {
    type TokenStream<'a> = FoldTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        FoldTokenStream {
            tail: self.tokenizer.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

/// The token stream of a [`FoldFilter`].
#[derive(Debug)]
pub struct FoldTokenStream<'a, T> {
    /// The wrapped stream.
    tail: T,
    /// Scratch space, owned by the filter.
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for FoldTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
        } else {
            fold_into(&token.text, self.buffer);
            if !self.buffer.is_empty() {
                mem::swap(&mut token.text, self.buffer);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Writes the folded form of `text` into `out` (cleared first).
pub(crate) fn fold_into(text: &str, out: &mut String) {
    out.clear();
    for c in text.nfkc() {
        for lower in c.to_lowercase() {
            if lower.is_alphanumeric() || is_cjk(lower) || is_combining_mark(lower) {
                out.push(lower);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(text: &str) -> String {
        let mut out = String::new();
        fold_into(text, &mut out);
        out
    }

    #[test]
    fn folds_width_and_case() {
        assert_eq!(fold("ＡＢＣ"), "abc");
        assert_eq!(fold("２０２４"), "2024");
        assert_eq!(fold("ｶﾞｽ"), "ガス");
        assert_eq!(fold("ﾃﾞｰﾀ"), "データ");
        assert_eq!(fold("㈱"), "株");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("契約"), "契約");
    }
}
