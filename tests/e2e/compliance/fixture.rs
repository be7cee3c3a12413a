//! A data directory with a known index, built through the `indexer` API
//! (seal detection and OCR are tested elsewhere; here the documents' seals
//! and texts must be known exactly), plus a real searchable PDF per
//! document, made by inkan's PDF writer from a drawn page: a dark bar where
//! each OCR line is, a red disk in each seal's box (the NDA is black and
//! white, so its PDF holds G4 images).

use std::path::{Path, PathBuf};

use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use indexer::{DocRecord, Index, LineRecord, PageRecord, SealRecord};
use inkan::geom::PxRect;
use inkan::ocr::{OcrLine, OcrPage};
use inkan::{ColorMode, Original, PageImage};

/// Page image size (A4 at 150 dpi).
pub const PAGE_W: u32 = 1240;
/// Page image height.
pub const PAGE_H: u32 = 1754;

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

/// Where line `i` of `n` characters is drawn.
fn line_box(i: usize, n: usize) -> [u32; 4] {
    let (x0, y0) = (120, 420 + 90 * i as u32);
    [x0, y0, (x0 + 44 * n as u32).min(PAGE_W - 40), y0 + 50]
}

fn page(page: u32, text: &str, seals: Vec<SealRecord>) -> PageRecord {
    let lines = text.lines().enumerate().map(|(i, l)| LineRecord { text: l.into(), bbox: line_box(i, l.chars().count()) }).collect();
    PageRecord { page, text: text.into(), seals, width: PAGE_W, height: PAGE_H, lines, ..Default::default() }
}

/// The drawn page image of `p`.
fn draw(p: &PageRecord, bilevel: bool) -> PageImage {
    let inside = |x: u32, y: u32| -> Option<Rgb<u8>> {
        for s in &p.seals {
            let [x0, y0, x1, y1] = s.bbox;
            let (cx, cy, r) = ((x0 + x1) as f32 / 2.0, (y0 + y1) as f32 / 2.0, (x1 - x0) as f32 / 2.0 - 4.0);
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if d <= r && (d >= r - 14.0 || (x as f32 - cx).abs() < 10.0) {
                return Some(Rgb([200, 30, 40]));
            }
        }
        p.lines.iter().any(|l| x >= l.bbox[0] && x < l.bbox[2] && y >= l.bbox[1] && y < l.bbox[3] && (x / 22).is_multiple_of(2)).then_some(Rgb([30, 30, 30]))
    };
    let rgb = RgbImage::from_fn(PAGE_W, PAGE_H, |x, y| inside(x, y).unwrap_or(Rgb([250, 249, 245])));
    let (pixels, mode) = if bilevel {
        let g = GrayImage::from_fn(PAGE_W, PAGE_H, |x, y| Luma([if rgb.get_pixel(x, y).0[1] < 128 { 0 } else { 255 }]));
        (DynamicImage::ImageLuma8(g), ColorMode::Bilevel)
    } else {
        (DynamicImage::ImageRgb8(rgb), ColorMode::Color)
    };
    PageImage { pixels, mode, dpi: (150.0, 150.0), dpi_from_file: true, original: Original::None }
}

/// The searchable PDF of `r`, as inkan writes it.
fn pdf_of(r: &DocRecord) -> Vec<u8> {
    let pages: Vec<(PageImage, OcrPage)> = r
        .pages
        .iter()
        .map(|p| {
            let lines = p.lines.iter().map(|l| OcrLine { text: l.text.clone(), bbox: PxRect::new(l.bbox[0], l.bbox[1], l.bbox[2], l.bbox[3]), confidence: 95.0 }).collect();
            (draw(p, r.doc_id == D2), OcrPage { lines })
        })
        .collect();
    let pairs: Vec<(&PageImage, &OcrPage)> = pages.iter().map(|(i, o)| (i, o)).collect();
    inkan::pdf::build_pdf(&pairs).expect("the fixture PDF")
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
            std::fs::write(&r.output, pdf_of(&r)).unwrap();
            writer.add(&r).unwrap();
        }
        writer.commit().unwrap();
        Fixture { _dir: dir, data }
    }

    /// Indexes `id` as a later re-scan of `of`: the same pages and PDF
    /// under another id and file name, marked `possible_duplicate_of` `of`.
    pub fn add_rescan(&self, of: &str, id: &str) {
        let output = self.data.join("output");
        let mut r = records(&output).into_iter().find(|r| r.doc_id == of).expect("a fixture document");
        r.doc_id = id.into();
        r.sha256 = format!("{id}{}", "f".repeat(48));
        r.file = format!("再スキャン {}", r.file);
        r.output = output.join(format!("{id}.pdf")).to_string_lossy().into_owned();
        r.ingested += 3600;
        r.possible_duplicate_of = Some(of.into());
        std::fs::write(&r.output, pdf_of(&r)).unwrap();
        let index = Index::open(&self.data.join("index")).unwrap();
        let mut writer = index.writer().unwrap();
        writer.add(&r).unwrap();
        writer.commit().unwrap();
    }

    /// The audit log's path.
    pub fn audit_log(&self) -> PathBuf {
        self.data.join("audit.log")
    }
}

/// The bytes of the PDF written for `doc_id`.
pub fn pdf_bytes(doc_id: &str) -> Vec<u8> {
    let all = records(Path::new(""));
    pdf_of(all.iter().find(|r| r.doc_id == doc_id).expect("a fixture document"))
}
