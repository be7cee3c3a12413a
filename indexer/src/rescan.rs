//! Re-scans: a new document whose pages look like an earlier document's
//! (close perceptual hashes) and read like them (similar OCR text) is marked
//! `possible_duplicate_of` that document. Exact copies (same SHA-256) never
//! get here: they are not indexed twice.
//!
//! The rule, page by page, for two documents with the same page count:
//!
//! | both pages have text | hashes within            | and text                                    |
//! |----------------------|--------------------------|---------------------------------------------|
//! | yes                  | [`MAX_DISTANCE`] bits    | character-bigram Jaccard ≥ [`MIN_TEXT_SIMILARITY`] |
//! | no (`--no-ocr`, blank) | [`MAX_DISTANCE_NO_TEXT`] bits | —                                     |
//!
//! Candidates are found by scanning the `phash` fast column of every page
//! (a popcount per page), so the search needs no extra index structure; only
//! the few candidates' pages are then read in full. On 100,000 documents
//! (200,000 pages) a lookup takes about 8 ms (docs/BENCHMARKS.md).

use std::collections::{HashMap, HashSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::IndexError;
use crate::record::{DocRecord, PageRecord};
use crate::schema::{Fields, KIND_PAGE, PHASH};

/// Largest Hamming distance between two page hashes of the same paper when
/// the texts are compared too.
pub const MAX_DISTANCE: u32 = 12;

/// Largest Hamming distance when there is no text to compare: hashes alone
/// must then be much closer.
pub const MAX_DISTANCE_NO_TEXT: u32 = 6;

/// Smallest Jaccard similarity of two pages' character-bigram sets for them
/// to read as the same page.
pub const MIN_TEXT_SIMILARITY: f64 = 0.8;

/// At most this many earlier documents are compared in full.
const MAX_CANDIDATES: usize = 64;

/// Bits in which two hashes differ.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The set of character bigrams of `text`, whitespace removed (OCR puts line
/// breaks and spaces in different places on two scans of the same page).
fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Jaccard similarity of the character-bigram sets of two texts, 0..=1;
/// `None` when either has no bigram (nothing to compare).
pub fn text_similarity(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (bigrams(a), bigrams(b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let common = a.intersection(&b).count();
    Some(common as f64 / (a.len() + b.len() - common) as f64)
}

/// One page as the rule needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageSign {
    /// The page's hash.
    pub phash: u64,
    /// Its OCR text.
    pub text: String,
}

/// Whether two pages look and read alike (see the module doc).
pub(crate) fn pages_match(a: &PageSign, b: &PageSign) -> bool {
    let distance = hamming(a.phash, b.phash);
    match text_similarity(&a.text, &b.text) {
        Some(similarity) => distance <= MAX_DISTANCE && similarity >= MIN_TEXT_SIMILARITY,
        None => distance <= MAX_DISTANCE_NO_TEXT,
    }
}

/// Whether two documents, pages in order, are the same paper.
pub(crate) fn documents_match(a: &[PageSign], b: &[PageSign]) -> bool {
    !a.is_empty() && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| pages_match(x, y))
}

/// The signs of a record's pages; `None` if any page lacks a hash.
pub(crate) fn signs(doc: &DocRecord) -> Option<Vec<PageSign>> {
    doc.pages
        .iter()
        .map(|p: &PageRecord| p.phash.map(|phash| PageSign { phash, text: p.text.clone() }))
        .collect()
}

/// The earliest-ingested document in `searcher` (other than `doc` itself)
/// whose pages match `doc`'s; `None` if there is none or `doc` has pages
/// without a hash.
pub(crate) fn find(searcher: &Searcher, fields: &Fields, doc: &DocRecord) -> Result<Option<String>, IndexError> {
    let Some(mine) = signs(doc) else { return Ok(None) };
    if mine.is_empty() {
        return Ok(None);
    }
    let candidates = candidates(searcher, fields, &mine, &doc.doc_id)?;
    let mut best: Option<(i64, String)> = None;
    for doc_id in candidates {
        let (ingested, theirs) = pages_of(searcher, fields, &doc_id)?;
        if documents_match(&mine, &theirs) && best.as_ref().is_none_or(|(t, id)| (ingested, &doc_id) < (*t, id)) {
            best = Some((ingested, doc_id));
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// Ids of documents with a page whose hash is within [`MAX_DISTANCE`] of one
/// of `mine`, closest first, at most [`MAX_CANDIDATES`], `except` left out.
fn candidates(searcher: &Searcher, fields: &Fields, mine: &[PageSign], except: &str) -> Result<Vec<String>, IndexError> {
    let mut near: Vec<(u32, DocAddress)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let column = segment
            .fast_fields()
            .u64(PHASH)
            .map_err(IndexError::tantivy("read page hashes"))?;
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let Some(hash) = column.first(doc) else { continue };
            let distance = mine.iter().map(|p| hamming(p.phash, hash)).min().unwrap_or(u32::MAX);
            if distance <= MAX_DISTANCE {
                near.push((distance, DocAddress::new(ord as u32, doc)));
            }
        }
    }
    near.sort_unstable();
    let mut ids: Vec<String> = Vec::new();
    for (_, addr) in near {
        let stored: TantivyDocument = searcher.doc(addr).map_err(IndexError::tantivy("read a stored page"))?;
        let id = stored.get_first(fields.doc_id).and_then(|v| v.as_str()).unwrap_or_default();
        if !id.is_empty() && id != except && !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
            if ids.len() == MAX_CANDIDATES {
                break;
            }
        }
    }
    Ok(ids)
}

/// A stored document's ingest time and page signs, in page order (pages
/// without a hash get hash 0, so they match nothing real).
fn pages_of(searcher: &Searcher, fields: &Fields, doc_id: &str) -> Result<(i64, Vec<PageSign>), IndexError> {
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(fields.doc_id, doc_id), IndexRecordOption::Basic)) as Box<dyn tantivy::query::Query>),
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(fields.kind, KIND_PAGE), IndexRecordOption::Basic))),
    ]);
    let found = searcher.search(&query, &DocSetCollector).map_err(IndexError::tantivy("read a document's pages"))?;
    let mut pages: HashMap<u64, PageSign> = HashMap::new();
    let mut ingested = i64::MAX;
    for addr in found {
        let stored: TantivyDocument = searcher.doc(addr).map_err(IndexError::tantivy("read a stored page"))?;
        let page = stored.get_first(fields.page).and_then(|v| v.as_u64()).unwrap_or_default();
        let phash = stored.get_first(fields.phash).and_then(|v| v.as_u64()).unwrap_or_default();
        let text = stored.get_first(fields.text).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        ingested = ingested.min(stored.get_first(fields.ingested).and_then(|v| v.as_i64()).unwrap_or_default());
        pages.insert(page, PageSign { phash, text });
    }
    let mut numbers: Vec<u64> = pages.keys().copied().collect();
    numbers.sort_unstable();
    Ok((ingested, numbers.into_iter().filter_map(|n| pages.remove(&n)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(phash: u64, text: &str) -> PageSign {
        PageSign { phash, text: text.into() }
    }

    #[test]
    fn similarity_ignores_whitespace() {
        assert_eq!(text_similarity("業務委託\n契約書", "業務委託契約書"), Some(1.0));
        assert_eq!(text_similarity("", "abc"), None);
        assert_eq!(text_similarity("a", "abc"), None, "one character has no bigram");
        let s = text_similarity("abcd", "abce").unwrap();
        assert!((s - 0.5).abs() < 1e-9, "{{ab,bc,cd}} vs {{ab,bc,ce}}: 2/4, got {s}");
    }

    #[test]
    fn the_rule_needs_looks_and_text() {
        let text = "業務委託契約書 甲は乙に対し、次の業務を委託する。";
        let near = 0b1011_0110_1110_0000u64;
        assert!(pages_match(&sign(0, text), &sign(near, text)), "8 bits apart, same text");
        assert!(!pages_match(&sign(0, text), &sign(near, "売買契約書 乙は甲に商品を売り渡す。")), "other text");
        assert!(!pages_match(&sign(0, text), &sign(u64::MAX >> 40, text)), "24 bits apart");
        // Without text the hashes must be closer.
        assert!(pages_match(&sign(0, ""), &sign(0b111, "")));
        assert!(!pages_match(&sign(0, ""), &sign(near, "")));
        assert!(!pages_match(&sign(0, text), &sign(near, "")), "one side without text: hashes alone");
    }

    #[test]
    fn documents_need_the_same_pages() {
        let a = [sign(1, "first page text"), sign(2, "second page text")];
        assert!(documents_match(&a, &a.clone()));
        assert!(!documents_match(&a, &a[..1]));
        assert!(!documents_match(&[], &[]));
    }
}
