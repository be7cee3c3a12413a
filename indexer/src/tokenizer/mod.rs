//! The analyzers of the `text` fields.
//!
//! - [`CjkTokenizer`] splits text into Latin words and CJK bigrams (or
//!   unigrams), keeping byte offsets into the original text.
//! - [`Fold`] is the token filter that normalises token text: NFKC (width)
//!   and lower case.
//!
//! Two analyzers are registered on every index by [`register`]:
//! [`BIGRAM`] (`inkan_cjk`, the `text` field) and [`UNIGRAM`]
//! (`inkan_cjk_uni`, the `text_uni` field). Queries are analysed with the
//! same analyzers, see [`analyzer`].
//!
//! ```
//! use indexer::tokenizer;
//! use tantivy::tokenizer::TokenizerManager;
//!
//! let manager = TokenizerManager::default();
//! tokenizer::register(&manager);
//! assert!(manager.get(tokenizer::BIGRAM).is_some());
//! ```

mod cjk;
mod fold;
mod script;

use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, TokenizerManager};

pub use cjk::{CjkTokenStream, CjkTokenizer, Gram};
pub use fold::{Fold, FoldFilter, FoldTokenStream};

pub(crate) use script::is_cjk;

/// Name of the bigram analyzer ([`CjkTokenizer::bigram`] + [`Fold`]).
pub const BIGRAM: &str = "inkan_cjk";

/// Name of the unigram analyzer ([`CjkTokenizer::unigram`] + [`Fold`]).
pub const UNIGRAM: &str = "inkan_cjk_uni";

/// Tokens longer than this many bytes (OCR garbage, base64) are dropped, as
/// tantivy's `RemoveLongFilter` does; their position stays unused.
pub const MAX_TOKEN_BYTES: usize = 100;

/// The full analyzer for `gram`: [`CjkTokenizer`], tokens of more than
/// [`MAX_TOKEN_BYTES`] dropped, [`Fold`].
pub fn analyzer(gram: Gram) -> TextAnalyzer {
    TextAnalyzer::builder(CjkTokenizer::new(gram))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(Fold)
        .build()
}

/// Registers [`BIGRAM`] and [`UNIGRAM`] in `manager`.
pub fn register(manager: &TokenizerManager) {
    manager.register(BIGRAM, analyzer(Gram::Bigram));
    manager.register(UNIGRAM, analyzer(Gram::Unigram));
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Token, TokenStream};

    use super::*;

    /// Asserts one token's text, position and byte offsets.
    pub(crate) fn assert_token(token: &Token, position: usize, text: &str, from: usize, to: usize) {
        assert_eq!(
            (
                token.position,
                token.text.as_str(),
                token.offset_from,
                token.offset_to
            ),
            (position, text, from, to),
            "token {token:?}"
        );
    }

    fn tokens(gram: Gram, text: &str) -> Vec<Token> {
        let mut analyzer = analyzer(gram);
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        stream.process(&mut |token| out.push(token.clone()));
        out
    }

    /// The table in the `CjkTokenizer` docs.
    #[test]
    fn documented_bigram_table() {
        let t = tokens(Gram::Bigram, "Hello 株式会社とデータ、２０２４年");
        assert_eq!(t.len(), 10);
        assert_token(&t[0], 0, "hello", 0, 5);
        assert_token(&t[1], 1, "株式", 6, 12);
        assert_token(&t[2], 2, "式会", 9, 15);
        assert_token(&t[3], 3, "会社", 12, 18);
        assert_token(&t[4], 4, "社と", 15, 21);
        assert_token(&t[5], 5, "とデ", 18, 24);
        assert_token(&t[6], 6, "デー", 21, 27);
        assert_token(&t[7], 7, "ータ", 24, 30);
        assert_token(&t[8], 8, "2024", 33, 45);
        assert_token(&t[9], 9, "年", 45, 48);
    }

    #[test]
    fn documented_unigram_table() {
        let t = tokens(Gram::Unigram, "Hello 株式会社とデータ、２０２４年");
        assert_eq!(t.len(), 11);
        assert_token(&t[0], 0, "hello", 0, 5);
        assert_token(&t[1], 1, "株", 6, 9);
        assert_token(&t[2], 2, "式", 9, 12);
        assert_token(&t[7], 7, "ー", 24, 27);
        assert_token(&t[8], 8, "タ", 27, 30);
        assert_token(&t[9], 9, "2024", 33, 45);
        assert_token(&t[10], 10, "年", 45, 48);
    }

    #[test]
    fn single_cjk_character_is_a_unigram() {
        let t = tokens(Gram::Bigram, "甲 and 乙");
        assert_eq!(t.len(), 3);
        assert_token(&t[0], 0, "甲", 0, 3);
        assert_token(&t[1], 1, "and", 4, 7);
        assert_token(&t[2], 2, "乙", 8, 11);
    }

    #[test]
    fn two_characters_are_one_bigram() {
        let t = tokens(Gram::Bigram, "契約");
        assert_eq!(t.len(), 1);
        assert_token(&t[0], 0, "契約", 0, 6);
    }

    #[test]
    fn positions_continue_across_scripts() {
        let t = tokens(Gram::Bigram, "ABC株式会社");
        assert_eq!(t.len(), 4);
        assert_token(&t[0], 0, "abc", 0, 3);
        assert_token(&t[1], 1, "株式", 3, 9);
        assert_token(&t[2], 2, "式会", 6, 12);
        assert_token(&t[3], 3, "会社", 9, 15);
    }

    #[test]
    fn line_break_inside_a_cjk_run() {
        let t = tokens(Gram::Bigram, "契約\n書");
        assert_eq!(t.len(), 2);
        assert_token(&t[0], 0, "契約", 0, 6);
        assert_token(&t[1], 1, "約書", 3, 10);

        let t = tokens(Gram::Bigram, "契約 \r\n書");
        assert_token(&t[1], 1, "約書", 3, 12);

        // a paragraph break ends the run; a space too
        for text in ["契約\n\n書", "契約 書"] {
            let t = tokens(Gram::Bigram, text);
            assert_eq!(t.len(), 2, "{text:?}");
            assert_token(&t[0], 0, "契約", 0, 6);
            assert_eq!((t[1].position, t[1].text.as_str()), (1, "書"));
        }

        // Latin words are not joined across lines
        let t = tokens(Gram::Bigram, "con\ntract");
        assert_eq!(t.len(), 2);
        assert_token(&t[0], 0, "con", 0, 3);
        assert_token(&t[1], 1, "tract", 4, 9);
    }

    #[test]
    fn punctuation_splits_and_takes_no_position() {
        let t = tokens(Gram::Bigram, "甲は、乙に「通知」する。e-mail");
        let texts: Vec<_> = t.iter().map(|t| (t.position, t.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (0, "甲は"),
                (1, "乙に"),
                (2, "通知"),
                (3, "する"),
                (4, "e"),
                (5, "mail")
            ]
        );
        assert_token(&t[1], 1, "乙に", 9, 15);
    }

    #[test]
    fn full_and_half_width_forms() {
        let t = tokens(Gram::Bigram, "ＡＢＣ ｶﾞｽ");
        assert_eq!(t.len(), 2);
        assert_token(&t[0], 0, "abc", 0, 9);
        // ｶﾞ is one unit (6 bytes): bigram ｶﾞｽ -> ガス
        assert_token(&t[1], 1, "ガス", 10, 19);

        let t = tokens(Gram::Bigram, "第１２条");
        assert_eq!(t.len(), 3);
        assert_token(&t[0], 0, "第", 0, 3);
        assert_token(&t[1], 1, "12", 3, 9);
        assert_token(&t[2], 2, "条", 9, 12);
    }

    #[test]
    fn katakana_with_long_vowel_mark() {
        let t = tokens(Gram::Bigram, "サーバー");
        let texts: Vec<_> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["サー", "ーバ", "バー"]);
        assert_token(&t[2], 2, "バー", 6, 12);
    }

    #[test]
    fn overlong_tokens_are_dropped_keeping_positions() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        let t = tokens(Gram::Bigram, &format!("a {long} b"));
        assert_eq!(t.len(), 2);
        assert_token(&t[0], 0, "a", 0, 1);
        assert_token(&t[1], 2, "b", MAX_TOKEN_BYTES + 4, MAX_TOKEN_BYTES + 5);
    }

    #[test]
    fn empty_and_separator_only_text() {
        assert!(tokens(Gram::Bigram, "").is_empty());
        assert!(tokens(Gram::Bigram, " 、。\n-").is_empty());
        assert!(tokens(Gram::Unigram, "").is_empty());
    }

    #[test]
    fn offsets_always_slice_the_original_text() {
        let text = "ＡＢＣ株式会社は、\n２０２４年ｶﾞｽ代を e\u{301}tude 支払う。";
        for gram in [Gram::Bigram, Gram::Unigram] {
            let t = tokens(gram, text);
            assert!(!t.is_empty());
            for (i, token) in t.iter().enumerate() {
                assert_eq!(token.position, i);
                assert!(text.is_char_boundary(token.offset_from));
                assert!(text.is_char_boundary(token.offset_to));
                assert!(token.offset_from < token.offset_to);
            }
        }
    }
}
