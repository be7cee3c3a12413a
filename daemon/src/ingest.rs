//! Ingest: what happens to one document after the workers — the searchable
//! PDF written atomically, then the index entry committed. Shared by
//! `inkan ingest` and the daemon.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::analyse::AnalysedPage;
use crate::{pdf, phash};

/// The outcome of one input file, as `inkan ingest --json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outcome {
    /// The input path as given.
    pub file: String,
    /// indexed, duplicate or failed.
    pub status: Status,
    /// The document id (first 16 hex digits of the SHA-256); for a duplicate, the existing document's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// The searchable PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Number of pages.
    pub pages: usize,
    /// Number of seal impressions found.
    pub seals: usize,
    /// True when the document carries a seal and has not been re-approved.
    pub needs_reapproval: bool,
    /// The earlier document this one looks like a re-scan of (same pages,
    /// other bytes); only on `indexed` lines, and only when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicate_of: Option<String>,
    /// Why it failed: one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What became of an input.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Newly indexed.
    Indexed,
    /// The same content (SHA-256) was already indexed.
    Duplicate,
    /// Could not be processed; `error` says why.
    Failed,
}

impl Outcome {
    /// A failure with its reason.
    pub fn failed(file: &str, error: impl ToString) -> Outcome {
        let error = one_line(&error.to_string());
        Outcome { file: file.to_string(), status: Status::Failed, doc_id: None, output: None, pages: 0, seals: 0, needs_reapproval: false, possible_duplicate_of: None, error: Some(error) }
    }
}

impl Outcome {
    /// The same content is already indexed as `doc_id`.
    pub fn duplicate(file: String, doc_id: String, output: Option<String>) -> Outcome {
        Outcome { file, status: Status::Duplicate, doc_id: Some(doc_id), output, pages: 0, seals: 0, needs_reapproval: false, possible_duplicate_of: None, error: None }
    }
}

/// A message as one line: decoders' multi-line explanations folded, whitespace collapsed.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why storing a document failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The PDF could not be built or written.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// The index refused the document.
    #[error(transparent)]
    Index(#[from] indexer::IndexError),
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The document id for a content hash: its first 16 hex digits.
pub fn doc_id(sha256: &str) -> String {
    sha256[..16].to_string()
}

/// A file name safe on every file system and for SMB clients: no separators,
/// control or reserved characters, no trailing dots or spaces, not empty.
pub fn sanitise_stem(stem: &str) -> String {
    let mut s: String = stem
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    let s = s.trim_start_matches(['.', ' ']).to_string();
    let reserved = ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3"];
    if s.is_empty() || reserved.contains(&s.to_ascii_uppercase().as_str()) {
        return format!("_{s}");
    }
    // Keep names within common 255-byte limits, leaving room for "-NN.pdf".
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// `DIR/<stem>.pdf`, or `DIR/<stem>-N.pdf` with the first N that is free; never an existing file.
pub fn free_output_path(dir: &Path, stem: &str, taken: &HashSet<PathBuf>) -> PathBuf {
    let stem = sanitise_stem(stem);
    (0..)
        .map(|n| if n == 0 { dir.join(format!("{stem}.pdf")) } else { dir.join(format!("{stem}-{n}.pdf")) })
        .find(|p| !p.exists() && !taken.contains(p))
        .expect("an unbounded range has a free name")
}

/// Everything needed to store one analysed document.
pub struct NewDocument<'a> {
    /// The original file.
    pub source: &'a Path,
    /// Its SHA-256 (hex).
    pub sha256: &'a str,
    /// The analysed pages.
    pub pages: &'a [AnalysedPage],
    /// Hot folder name, "" for the command line.
    pub folder: &'a str,
    /// Tags.
    pub tags: &'a [String],
    /// Where the PDF goes.
    pub output: &'a Path,
}

/// Writes the searchable PDF, then adds the document to the index and
/// commits. The PDF is complete on disk (fsync'd) before the index refers to it.
///
/// Each page's perceptual hash, size and OCR line boxes go into the index
/// too; an earlier document with the same pages (a re-scan) is recorded as
/// `possible_duplicate_of`. Failing to look for one does not fail the store.
pub fn store(writer: &mut indexer::Writer, doc: &NewDocument) -> Result<indexer::DocRecord, StoreError> {
    let pairs: Vec<_> = doc.pages.iter().map(|p| (&*p.image, &p.ocr)).collect();
    let bytes = pdf::build_pdf(&pairs)?;
    pdf::write_atomic(doc.output, &bytes)?;
    let mut record = indexer::DocRecord {
        doc_id: doc_id(doc.sha256),
        sha256: doc.sha256.to_string(),
        file: doc.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        source: doc.source.to_string_lossy().into_owned(),
        output: doc.output.to_string_lossy().into_owned(),
        folder: doc.folder.to_string(),
        tags: doc.tags.to_vec(),
        ingested: now_unix(),
        pages: doc
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| indexer::PageRecord {
                page: i as u32 + 1,
                text: p.ocr.text(),
                width: p.image.width(),
                height: p.image.height(),
                phash: Some(phash::page_hash(&p.image.pixels)),
                lines: p.ocr.lines.iter().map(|l| indexer::LineRecord { text: l.text.clone(), bbox: l.bbox.into() }).collect(),
                seals: p
                    .seals
                    .iter()
                    .map(|s| indexer::SealRecord {
                        shape: enum_name(&s.shape),
                        color: enum_name(&s.color),
                        confidence: s.confidence,
                        bbox: s.bbox.into(),
                    })
                    .collect(),
            })
            .collect(),
        possible_duplicate_of: None,
    };
    record.possible_duplicate_of = match writer.possible_duplicate_of(&record) {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(file = %record.file, "cannot look for an earlier scan of the same paper: {e}");
            None
        }
    };
    if let Some(original) = &record.possible_duplicate_of {
        tracing::info!(file = %record.file, doc_id = %record.doc_id, original = %original, "possible re-scan of an indexed document");
    }
    writer.add(&record)?;
    writer.commit()?;
    Ok(record)
}

/// The serde name of a unit enum variant (`round`, `red`, …).
fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitise_stem("契約書 2024/05"), "契約書 2024_05");
        assert_eq!(sanitise_stem("a\u{7}b:c?"), "a_b_c_");
        assert_eq!(sanitise_stem("..hidden.. "), "hidden");
        assert_eq!(sanitise_stem("CON"), "_CON");
        assert_eq!(sanitise_stem(""), "_");
    }

    #[test]
    fn output_names_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scan.pdf"), b"x").unwrap();
        let mut taken = HashSet::new();
        let p = free_output_path(dir.path(), "scan", &taken);
        assert_eq!(p, dir.path().join("scan-1.pdf"));
        taken.insert(p);
        assert_eq!(free_output_path(dir.path(), "scan", &taken), dir.path().join("scan-2.pdf"));
    }

    #[test]
    fn doc_id_is_the_hash_prefix() {
        let h = sha256_hex(b"abc");
        assert_eq!(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(doc_id(&h), "ba7816bf8f01cfea");
    }
}
