//! inkan's search index: the tantivy schema, the CJK bigram tokenizer, search
//! and the listings behind `inkan search`, `inkan sealed` and `inkan status`.
//!
//! A document ([`DocRecord`]: metadata + OCR text and seals per page) is
//! added through the single [`Writer`]; any number of processes can open the
//! same directory as an [`Index`] and search it while the daemon writes.
//! Japanese text is indexed as overlapping character bigrams, so words need
//! no dictionary and queries need no spaces.
//!
//! # Layout
//!
//! - [`tokenizer`]: `CjkTokenizer` (words and CJK bigrams/unigrams, byte
//!   offsets into the original) and the `Fold` filter (NFKC + lower case).
//! - `schema`: one tantivy document per page plus one per document; the
//!   typed `Fields` handle, built once.
//! - `writer`: [`Writer`], the only owner of tantivy's `IndexWriter`;
//!   replaces documents by `doc_id`.
//! - `query`: the user's query string to terms and phrases, pure.
//! - `search`: tantivy queries, filters, exact-then-loose tiers, one hit per
//!   document.
//! - `snippet`: the one-line excerpt with `«`matches`»`, and [`highlight`]'s
//!   match ranges, pure.
//! - [`rescan`]: re-scans of earlier documents (page hashes + text), the
//!   rule pure, candidates from the `phash` fast column.
//! - `index`: [`Index`]: open/create, fresh searchers per call, listings.
//! - `record`, `error`: the plain data types and [`IndexError`].
//!
//! # Example
//!
//! ```
//! use indexer::{DocRecord, Index, PageRecord, SearchQuery};
//!
//! let dir = tempfile::tempdir()?;
//! let index = Index::open(&dir.path().join("index"))?;
//!
//! let mut writer = index.writer()?;
//! writer.add(&DocRecord {
//!     doc_id: "0123456789abcdef".into(),
//!     sha256: "0123456789abcdef".repeat(4),
//!     file: "scan1.tif".into(),
//!     source: "/srv/scans/contracts/scan1.tif".into(),
//!     output: "/srv/archive/contracts/scan1.pdf".into(),
//!     folder: "contracts".into(),
//!     tags: vec!["contract".into()],
//!     ingested: 1_717_200_000,
//!     pages: vec![PageRecord { page: 1, text: "業務委託契約書\n甲は乙に".into(), ..Default::default() }],
//!     ..Default::default()
//! })?;
//! writer.commit()?;
//!
//! let hits = index.search(&SearchQuery { text: "契約書".into(), ..Default::default() })?;
//! assert_eq!(hits[0].doc_id, "0123456789abcdef");
//! assert_eq!(hits[0].snippet, "業務委託«契約書»甲は乙に");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod error;
mod index;
mod query;
mod record;
pub mod rescan;
mod schema;
mod search;
mod snippet;
pub mod tokenizer;
mod writer;

#[cfg(test)]
mod tests;

pub use error::{BoxError, IndexError};
pub use index::{Index, LOCK_TIMEOUT, WRITER_MEMORY};
pub use record::{
    DocRecord, DocSummary, Hit, LineRecord, PageLayout, PageRecord, PageSummary, SealRecord,
    SealedDoc, SearchQuery, Stats,
};
pub use snippet::{highlight, MARK_CLOSE, MARK_OPEN, SNIPPET_CHARS};
pub use writer::Writer;
