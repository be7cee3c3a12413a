//! A data directory with a known index, built through the `indexer` API
//! (seal detection and OCR are tested elsewhere; here the documents' seals
//! and texts must be known exactly), plus a PDF file per document.

use std::path::{Path, PathBuf};

use indexer::{DocRecord, Index, PageRecord, SealRecord};

/// 2024-04-01T10:00:00Z.
pub const APRIL: i64 = 1_711_965_600;
/// 2024-05-15T00:00:00Z.
pub const MAY: i64 = 1_715_731_200;
/// 2024-06-20T23:59:00Z.
pub const JUNE: i64 = 1_718_927_940;

/// The contract: folder `contracts`, tags `contract`+`2019`, seal on page 2.
pub const D1: &str = "a1b2c3d4e5f60001";
/// The NDA: folder `legal`, tag `nda`, a file name with a comma and quotes.
pub const D2: &str = "a1b2c3d4e5f60002";
/// The sales contract: folder `contracts`, tag `contract`; a name like a formula.
pub const D3: &str = "a1b2c3d4e5f60003";
/// The invoice: no seal.
pub const D4: &str = "a1b2c3d4e5f60004";

/// A fresh data directory, removed on drop.
pub struct Fixture {
    /// Keeps the directory alive.
    _dir: tempfile::TempDir,
    /// The data directory (`--data`).
    pub data: PathBuf,
}

fn seal(shape: &str) -> SealRecord {
    SealRecord { shape: shape.into(), color: "red".into(), confidence: 0.95, bbox: [100, 100, 300, 300] }
}

fn page(page: u32, text: &str, seals: Vec<SealRecord>) -> PageRecord {
    PageRecord { page, text: text.into(), seals, ..Default::default() }
}

/// The four documents.
pub fn records(output: &Path) -> Vec<DocRecord> {
    let doc = |id: &str, file: &str, folder: &str, tags: &[&str], ingested: i64, pages: Vec<PageRecord>| DocRecord {
        doc_id: id.into(),
        sha256: format!("{id}{}", "0".repeat(48)),
        file: file.into(),
        source: format!("/srv/scans/{folder}/{file}"),
        output: output.join(format!("{id}.pdf")).to_string_lossy().into_owned(),
        folder: folder.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ingested,
        pages,
        possible_duplicate_of: None,
    };
    vec![
        doc(D1, "業務委託契約書.tif", "contracts", &["contract", "2019"], APRIL, vec![
            page(1, "業務委託契約書\n甲は乙に対し、次の業務を委託する。", vec![]),
            page(2, "本契約の成立を証するため\n甲乙記名の上署名捺印する。", vec![seal("round")]),
        ]),
        doc(D2, "NDA, \"final\".pdf", "legal", &["nda"], MAY, vec![
            page(1, "Non-Disclosure Agreement\nconfidential information 秘密保持契約", vec![seal("square"), seal("round")]),
            page(2, "Signed and sealed by both parties.", vec![seal("round")]),
        ]),
        doc(D3, "=売買契約書.tif", "contracts", &["contract"], JUNE, vec![
            page(1, "売買契約書\nsales contract between 甲 and 乙", vec![seal("oval")]),
        ]),
        doc(D4, "請求書.tif", "invoices", &[], JUNE, vec![page(1, "請求書\n契約番号 1234", vec![])]),
    ]
}

impl Fixture {
    /// Indexes the four documents and writes a small PDF for each.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let output = data.join("output");
        std::fs::create_dir_all(&output).unwrap();
        let index = Index::open(&data.join("index")).unwrap();
        let mut writer = index.writer().unwrap();
        for r in records(&output) {
            std::fs::write(&r.output, pdf_bytes(&r.doc_id)).unwrap();
            writer.add(&r).unwrap();
        }
        writer.commit().unwrap();
        Fixture { _dir: dir, data }
    }

    /// The audit log's path.
    pub fn audit_log(&self) -> PathBuf {
        self.data.join("audit.log")
    }
}

/// The bytes of the PDF written for `doc_id`.
pub fn pdf_bytes(doc_id: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% inkan test document {doc_id}\n%%EOF\n").into_bytes()
}
