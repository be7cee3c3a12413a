//! The crate's plain data: what goes in ([`DocRecord`]) and what comes out.

use serde::{Deserialize, Serialize};

/// One ingested document, as the daemon hands it to [`Writer::add`](crate::Writer::add).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    /// Stable id: the first 16 hex characters of the file's SHA-256.
    pub doc_id: String,
    /// The file's full SHA-256, lower-case hex.
    pub sha256: String,
    /// The original file name.
    pub file: String,
    /// The original full path.
    pub source: String,
    /// The searchable PDF written for it.
    pub output: String,
    /// The hot folder's name; `""` for a CLI ingest.
    pub folder: String,
    /// Tags (configured tags, sub-folder names, `--tag`).
    pub tags: Vec<String>,
    /// When it was ingested, unix seconds UTC.
    pub ingested: i64,
    /// Its pages in order.
    pub pages: Vec<PageRecord>,
    /// An earlier document this one looks like a re-scan of (same pages,
    /// other bytes), found by [`Writer::possible_duplicate_of`](crate::Writer::possible_duplicate_of).
    /// By default, none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possible_duplicate_of: Option<String>,
}

/// One page of a [`DocRecord`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// 1-based page number.
    pub page: u32,
    /// The OCR text, lines separated by `\n`, NFKC-normalised.
    pub text: String,
    /// The seal impressions found on the page.
    pub seals: Vec<SealRecord>,
    /// Width of the page image in pixels; 0 if unknown.
    #[serde(default)]
    pub width: u32,
    /// Height of the page image in pixels; 0 if unknown.
    #[serde(default)]
    pub height: u32,
    /// A 64-bit perceptual hash of the page image (close hashes, by Hamming
    /// distance, mean similar-looking pages); `None` if not computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phash: Option<u64>,
    /// The OCR lines with their boxes, in the order of `text`'s lines (so
    /// that `text` is exactly their texts joined by `\n`). Empty without OCR.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineRecord>,
}

/// One OCR line of a page and where it is on the page image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRecord {
    /// The line's text, as in the page's `text`.
    pub text: String,
    /// `[x0, y0, x1, y1]` in pixels of the page image.
    pub bbox: [u32; 4],
}

/// A page's size and OCR lines, as stored for highlighting hits on it
/// ([`Index::page_layout`](crate::Index::page_layout)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLayout {
    /// 1-based page number.
    #[serde(default)]
    pub page: u32,
    /// Width of the page image in pixels; 0 if unknown.
    pub width: u32,
    /// Height of the page image in pixels; 0 if unknown.
    pub height: u32,
    /// The page's OCR text.
    #[serde(default)]
    pub text: String,
    /// Its lines with their boxes, in the order of `text`'s lines.
    pub lines: Vec<LineRecord>,
}

/// One seal impression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealRecord {
    /// `round`, `oval`, `square`, `rect` or `other`.
    pub shape: String,
    /// `red`, `gray` or `black`.
    pub color: String,
    /// Detector confidence, 0..=1.
    pub confidence: f32,
    /// `[x0, y0, x1, y1]` in pixels of the page image.
    pub bbox: [u32; 4],
}

/// What to search for. Build it with struct update syntax over `Default`.
///
/// ```
/// let q = indexer::SearchQuery { text: "契約書".into(), sealed_only: true, ..Default::default() };
/// assert_eq!(q.limit, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The user's query: whitespace-separated words, all of which must occur
    /// on the same page; `"…"` quotes a phrase. Japanese needs no spaces:
    /// `契約書` matches the word wherever it occurs.
    pub text: String,
    /// At most this many documents. By default, 10.
    pub limit: usize,
    /// Only documents with at least one seal. By default, false.
    pub sealed_only: bool,
    /// Only documents from this hot folder (`""`: CLI ingests). By default, any.
    pub folder: Option<String>,
    /// Only documents with this tag. By default, any.
    pub tag: Option<String>,
    /// Only documents ingested at or after this unix time. By default, any.
    pub since: Option<i64>,
    /// Only documents ingested at or before this unix time. By default, any.
    pub until: Option<i64>,
}

impl Default for SearchQuery {
    fn default() -> SearchQuery {
        SearchQuery {
            text: String::new(),
            limit: 10,
            sealed_only: false,
            folder: None,
            tag: None,
            since: None,
            until: None,
        }
    }
}

/// One search result: a document and its best page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The document.
    pub doc_id: String,
    /// Its searchable PDF.
    pub output: String,
    /// Its original file name.
    pub file: String,
    /// Its hot folder (`""`: CLI ingest).
    pub folder: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// The best-matching page (1-based).
    pub page: u32,
    /// Relevance; higher is better, hits come sorted by it.
    pub score: f32,
    /// About 120 characters of the page around the match, matches wrapped in
    /// `«` `»`, on one line.
    pub snippet: String,
    /// Whether the document has at least one seal.
    pub has_seal: bool,
    /// How many seals the document has in all.
    pub seal_count: u32,
    /// How many seals are on the hit's page.
    pub page_seal_count: u32,
    /// When the document was ingested, unix seconds UTC.
    pub ingested: i64,
    /// True when every query word matched as written. False for the weaker
    /// matches listed after all exact ones: the bigrams of a word all occur on
    /// the page but not next to each other.
    pub exact: bool,
    /// The earlier document this one looks like a re-scan of, if any.
    pub possible_duplicate_of: Option<String>,
}

/// A document with at least one seal, for the compliance listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedDoc {
    /// The document.
    pub doc_id: String,
    /// Its original file name.
    pub file: String,
    /// Its original full path.
    pub source: String,
    /// Its hot folder (`""`: CLI ingest).
    pub folder: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its searchable PDF.
    pub output: String,
    /// The pages with at least one seal, ascending.
    pub pages_with_seals: Vec<u32>,
    /// How many seals in all.
    pub seal_count: u32,
    /// The distinct seal shapes, in order of first appearance.
    pub shapes: Vec<String>,
    /// When it was ingested, unix seconds UTC.
    pub ingested: i64,
}

/// Counts over the whole index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Documents.
    pub documents: u64,
    /// Pages of all documents.
    pub pages: u64,
    /// Documents with at least one seal.
    pub sealed: u64,
}

/// A page of a [`DocSummary`]: its number and seals, without the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageSummary {
    /// 1-based page number.
    pub page: u32,
    /// The seal impressions found on the page.
    pub seals: Vec<SealRecord>,
    /// Width of the page image in pixels; 0 if unknown.
    #[serde(default)]
    pub width: u32,
    /// Height of the page image in pixels; 0 if unknown.
    #[serde(default)]
    pub height: u32,
}

/// A stored document without its page texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocSummary {
    /// Stable id: the first 16 hex characters of the file's SHA-256.
    pub doc_id: String,
    /// The file's full SHA-256, lower-case hex.
    pub sha256: String,
    /// The original file name.
    pub file: String,
    /// The original full path.
    pub source: String,
    /// The searchable PDF.
    pub output: String,
    /// The hot folder's name; `""` for a CLI ingest.
    pub folder: String,
    /// Tags.
    pub tags: Vec<String>,
    /// When it was ingested, unix seconds UTC.
    pub ingested: i64,
    /// Its pages with their seals, in order.
    pub pages: Vec<PageSummary>,
    /// Number of pages.
    pub page_count: u32,
    /// Number of seals on all pages.
    pub seal_count: u32,
    /// The pages with at least one seal, ascending.
    pub pages_with_seals: Vec<u32>,
    /// The earlier document this one looks like a re-scan of, if any.
    #[serde(default)]
    pub possible_duplicate_of: Option<String>,
}

impl DocSummary {
    /// The summary of `record`.
    pub fn of(record: &DocRecord) -> DocSummary {
        let pages: Vec<PageSummary> = record
            .pages
            .iter()
            .map(|p| PageSummary {
                page: p.page,
                seals: p.seals.clone(),
                width: p.width,
                height: p.height,
            })
            .collect();
        let mut pages_with_seals: Vec<u32> = pages
            .iter()
            .filter(|p| !p.seals.is_empty())
            .map(|p| p.page)
            .collect();
        pages_with_seals.sort_unstable();
        pages_with_seals.dedup();
        DocSummary {
            doc_id: record.doc_id.clone(),
            sha256: record.sha256.clone(),
            file: record.file.clone(),
            source: record.source.clone(),
            output: record.output.clone(),
            folder: record.folder.clone(),
            tags: record.tags.clone(),
            ingested: record.ingested,
            page_count: len_u32(pages.len()),
            seal_count: len_u32(pages.iter().map(|p| p.seals.len()).sum()),
            pages_with_seals,
            pages,
            possible_duplicate_of: record.possible_duplicate_of.clone(),
        }
    }

    /// The compliance-listing view of this document.
    pub fn sealed_doc(&self) -> SealedDoc {
        let mut shapes: Vec<String> = Vec::new();
        for seal in self.pages.iter().flat_map(|p| &p.seals) {
            if !shapes.contains(&seal.shape) {
                shapes.push(seal.shape.clone());
            }
        }
        SealedDoc {
            doc_id: self.doc_id.clone(),
            file: self.file.clone(),
            source: self.source.clone(),
            folder: self.folder.clone(),
            tags: self.tags.clone(),
            output: self.output.clone(),
            pages_with_seals: self.pages_with_seals.clone(),
            seal_count: self.seal_count,
            shapes,
            ingested: self.ingested,
        }
    }
}

/// `n` as a `u32`, saturating (no document has 4 billion pages).
pub(crate) fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
