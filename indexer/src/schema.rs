//! The tantivy schema and the typed [`Fields`] handle to it.
//!
//! Every document is stored as 1 + N tantivy documents sharing `doc_id`:
//!
//! | field        | type                          | `doc` | `page` | used for |
//! |--------------|-------------------------------|:-----:|:------:|----------|
//! | `kind`       | string, indexed               | ✓     | ✓      | `"doc"` / `"page"` |
//! | `doc_id`     | string, indexed, stored       | ✓     | ✓      | replace on re-add, lookups |
//! | `doc_key`    | u64, fast                     | ✓     | ✓      | grouping pages by document |
//! | `sha256`     | string, indexed               | ✓     |        | duplicate detection |
//! | `file`       | stored                        |       | ✓      | hits |
//! | `output`     | stored                        |       | ✓      | hits |
//! | `folder`     | string, indexed, stored       | ✓     | ✓      | filter |
//! | `tags`       | string, indexed, stored, many | ✓     | ✓      | filter |
//! | `ingested`   | i64, indexed, stored, fast    | ✓     | ✓      | filter |
//! | `sealed`     | bool, indexed, stored         | ✓     | ✓      | filter (document has a seal) |
//! | `seal_count` | u64, stored                   |       | ✓      | hits (document total) |
//! | `page`       | u64, stored                   |       | ✓      | hits |
//! | `page_seals` | u64, stored                   |       | ✓      | hits |
//! | `text`       | `inkan_cjk`, positions, stored|       | ✓      | search, snippets |
//! | `text_uni`   | `inkan_cjk_uni`, positions    |       | ✓      | one-character words |
//! | `meta`       | stored JSON                   | ✓     |        | [`DocSummary`](crate::DocSummary) |
//! | `phash`      | u64, stored, fast             |       | ✓      | re-scan detection ([`crate::rescan`]) |
//! | `layout`     | stored JSON                   |       | ✓      | [`PageLayout`](crate::PageLayout) minus text: hit boxes |
//! | `duplicate_of` | string, indexed, stored     | ✓     | ✓      | hits (`possible_duplicate_of`) |
//!
//! Page documents repeat the few document fields a hit needs, so a hit is one
//! stored-document fetch.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use crate::tokenizer;

/// `kind` of the per-document record.
pub(crate) const KIND_DOC: &str = "doc";
/// `kind` of a per-page record.
pub(crate) const KIND_PAGE: &str = "page";
/// Name of the fast field grouping pages by document.
pub(crate) const DOC_KEY: &str = "doc_key";
/// Name of the fast field holding page hashes.
pub(crate) const PHASH: &str = "phash";

/// Handles to every field of the schema, resolved once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// `"doc"` or `"page"`.
    pub kind: Field,
    /// The caller's document id.
    pub doc_id: Field,
    /// 64-bit hash of `doc_id` ([`doc_key`]), a fast field.
    pub doc_key: Field,
    /// Full SHA-256 (doc records only).
    pub sha256: Field,
    /// Original file name (page records).
    pub file: Field,
    /// Searchable PDF path (page records).
    pub output: Field,
    /// Hot folder name.
    pub folder: Field,
    /// Tags, one value each.
    pub tags: Field,
    /// Ingest time, unix seconds.
    pub ingested: Field,
    /// The document has at least one seal.
    pub sealed: Field,
    /// Seals in the whole document (page records).
    pub seal_count: Field,
    /// Page number (page records).
    pub page: Field,
    /// Seals on this page (page records).
    pub page_seals: Field,
    /// Page text, bigram analyzer.
    pub text: Field,
    /// Page text again, unigram analyzer, not stored.
    pub text_uni: Field,
    /// JSON of the [`DocSummary`](crate::DocSummary) (doc records).
    pub meta: Field,
    /// Perceptual hash of the page image (page records that have one).
    pub phash: Field,
    /// JSON of the page's size and OCR line boxes (page records).
    pub layout: Field,
    /// The document this one may be a re-scan of (when there is one).
    pub duplicate_of: Field,
}

impl Fields {
    /// The schema and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text_field = |analyzer: &str| {
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
        };
        let fields = Fields {
            kind: b.add_text_field("kind", STRING),
            doc_id: b.add_text_field("doc_id", STRING | STORED),
            doc_key: b.add_u64_field(DOC_KEY, FAST),
            sha256: b.add_text_field("sha256", STRING),
            file: b.add_text_field("file", STORED),
            output: b.add_text_field("output", STORED),
            folder: b.add_text_field("folder", STRING | STORED),
            tags: b.add_text_field("tags", STRING | STORED),
            ingested: b.add_i64_field("ingested", INDEXED | STORED | FAST),
            sealed: b.add_bool_field("sealed", INDEXED | STORED),
            seal_count: b.add_u64_field("seal_count", NumericOptions::default().set_stored()),
            page: b.add_u64_field("page", NumericOptions::default().set_stored()),
            page_seals: b.add_u64_field("page_seals", NumericOptions::default().set_stored()),
            text: b.add_text_field(
                "text",
                TextOptions::default()
                    .set_indexing_options(text_field(tokenizer::BIGRAM))
                    .set_stored(),
            ),
            text_uni: b.add_text_field(
                "text_uni",
                TextOptions::default().set_indexing_options(text_field(tokenizer::UNIGRAM)),
            ),
            meta: b.add_text_field("meta", STORED),
            phash: b.add_u64_field(PHASH, STORED | FAST),
            layout: b.add_text_field("layout", STORED),
            duplicate_of: b.add_text_field("duplicate_of", STRING | STORED),
        };
        (b.build(), fields)
    }
}

/// The 64-bit key grouping a document's records: FNV-1a of `doc_id`.
///
/// Two ids colliding would merge their pages in search results only (never in
/// storage); at 10⁵ documents the odds are about 10⁻⁹.
pub(crate) fn doc_key(doc_id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in doc_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_has_every_field_once() {
        let (schema, _) = Fields::build();
        assert_eq!(schema.fields().count(), 19);
    }

    #[test]
    fn doc_key_is_stable() {
        assert_eq!(doc_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(doc_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(doc_key("0123456789abcdef"), doc_key("0123456789abcdee"));
    }
}
