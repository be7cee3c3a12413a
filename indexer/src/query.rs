//! From the user's query string to a [`Plan`]: pure, no index involved.
//!
//! The syntax is deliberately tiny, so that no input is a syntax error:
//! words are separated by whitespace (including the ideographic space `　`),
//! `"…"` (also `“…”`, `＂…＂`) quotes a phrase; an unmatched quote runs to
//! the end. Every word is analysed with the index's own analyzer:
//!
//! - no token (punctuation only): the word is dropped;
//! - one token: a term (`hello`, `契約`);
//! - several tokens: a phrase over them (`契約書` = `契約 約書`,
//!   `ABC株式会社` = `abc 株式 式会 会社`);
//! - a lone CJK character among the tokens (`甲`, `A社`): the word is
//!   analysed again into unigrams and searched in the unigram field, so it
//!   also matches inside longer words.

use tantivy::tokenizer::TokenStream;

use crate::tokenizer::{analyzer, is_cjk, Gram};

/// One whitespace-separated word or quoted phrase of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Its text, without the quotes.
    pub text: String,
    /// Whether it was quoted (then it must match exactly, never loosely).
    pub quoted: bool,
}

/// How one [`Word`] is searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermPlan {
    /// Which field: [`Gram::Bigram`] is `text`, [`Gram::Unigram`] `text_uni`.
    pub gram: Gram,
    /// The analysed tokens, in order (consecutive positions).
    pub tokens: Vec<String>,
    /// Whether the word was quoted.
    pub quoted: bool,
}

impl TermPlan {
    /// Whether a loose match (all tokens, anywhere on the page) makes sense.
    pub fn has_loose_form(&self) -> bool {
        self.tokens.len() > 1 && !self.quoted
    }
}

/// The analysed query: every term must match on the same page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Plan {
    /// One entry per searchable word.
    pub terms: Vec<TermPlan>,
}

impl Plan {
    /// Parses and analyses `query`.
    pub fn new(query: &str) -> Plan {
        let terms = split_words(query).iter().filter_map(plan_word).collect();
        Plan { terms }
    }

    /// Whether some word can match loosely.
    pub fn has_loose_form(&self) -> bool {
        self.terms.iter().any(TermPlan::has_loose_form)
    }
}

/// Whether `c` opens or closes a quoted phrase.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

/// Splits the query into words and quoted phrases.
pub(crate) fn split_words(query: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    let mut flush = |current: &mut String, quoted: bool| {
        if !current.trim().is_empty() {
            words.push(Word {
                text: current.trim().to_string(),
                quoted,
            });
        }
        current.clear();
    };
    for c in query.chars() {
        if is_quote(c) {
            flush(&mut current, in_quote);
            in_quote = !in_quote;
        } else if c.is_whitespace() && !in_quote {
            flush(&mut current, false);
        } else {
            current.push(c);
        }
    }
    flush(&mut current, in_quote);
    words
}

/// The analysed tokens of `text`.
pub(crate) fn analyse(gram: Gram, text: &str) -> Vec<String> {
    let mut analyzer = analyzer(gram);
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.text.clone());
    }
    tokens
}

/// Whether a bigram-analyser token is a lone CJK character.
fn is_single_cjk(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c))
}

/// How `word` is searched, or `None` if it has nothing searchable.
fn plan_word(word: &Word) -> Option<TermPlan> {
    let tokens = analyse(Gram::Bigram, &word.text);
    if tokens.is_empty() {
        return None;
    }
    if tokens.iter().any(|t| is_single_cjk(t)) {
        return Some(TermPlan {
            gram: Gram::Unigram,
            tokens: analyse(Gram::Unigram, &word.text),
            quoted: word.quoted,
        });
    }
    Some(TermPlan {
        gram: Gram::Bigram,
        tokens,
        quoted: word.quoted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, quoted: bool) -> Word {
        Word {
            text: text.into(),
            quoted,
        }
    }

    fn term(gram: Gram, tokens: &[&str], quoted: bool) -> TermPlan {
        TermPlan {
            gram,
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
            quoted,
        }
    }

    #[test]
    fn splits_on_whitespace_and_quotes() {
        assert_eq!(
            split_words("  a  b\tc　d "),
            [
                word("a", false),
                word("b", false),
                word("c", false),
                word("d", false)
            ]
        );
        assert_eq!(
            split_words(r#"契約 "hello world" x"#),
            [
                word("契約", false),
                word("hello world", true),
                word("x", false)
            ]
        );
        assert_eq!(split_words("“株式 会社”"), [word("株式 会社", true)]);
        assert_eq!(
            split_words(r#"open "quote"#),
            [word("open", false), word("quote", true)]
        );
        assert!(split_words(r#"  "" "#).is_empty());
    }

    #[test]
    fn plans_terms_and_phrases() {
        assert_eq!(
            Plan::new("hello").terms,
            [term(Gram::Bigram, &["hello"], false)]
        );
        assert_eq!(
            Plan::new("契約").terms,
            [term(Gram::Bigram, &["契約"], false)]
        );
        assert_eq!(
            Plan::new("契約書").terms,
            [term(Gram::Bigram, &["契約", "約書"], false)]
        );
        assert_eq!(
            Plan::new("ABC株式会社").terms,
            [term(Gram::Bigram, &["abc", "株式", "式会", "会社"], false)]
        );
        assert_eq!(
            Plan::new("ＨＥＬＬＯ").terms,
            [term(Gram::Bigram, &["hello"], false)]
        );
    }

    #[test]
    fn lone_cjk_characters_use_the_unigram_field() {
        assert_eq!(Plan::new("甲").terms, [term(Gram::Unigram, &["甲"], false)]);
        assert_eq!(
            Plan::new("A社").terms,
            [term(Gram::Unigram, &["a", "社"], false)]
        );
        assert_eq!(
            Plan::new(r#""契約 書""#).terms,
            [term(Gram::Unigram, &["契", "約", "書"], true)]
        );
    }

    #[test]
    fn punctuation_only_words_are_dropped() {
        assert!(Plan::new("、。 - ").terms.is_empty());
        assert_eq!(
            Plan::new("「契約」").terms,
            [term(Gram::Bigram, &["契約"], false)]
        );
    }

    #[test]
    fn loose_forms() {
        assert!(Plan::new("契約書").has_loose_form());
        assert!(!Plan::new("契約").has_loose_form());
        assert!(!Plan::new(r#""契約書""#).has_loose_form());
    }
}
