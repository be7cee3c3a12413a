//! `build_pdf` end to end: the bytes are parsed back with lopdf, and checked
//! with the real poppler (`pdftotext`, `pdftoppm`) and `qpdf --check`.

use std::path::Path;
use std::process::Command;

use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

use super::*;
use crate::geom::PxRect;
use crate::ocr::OcrLine;
use crate::page::{ColorMode, Original};

const JA_CONTRACT: &str = "契約書第1条 甲は乙に対し";
const JA_COMPANY: &str = "株式会社サンプル";
const EN: &str = "This Agreement is made";
const MIXED: &str = "第2条 Payment は月末に支払う";
/// 𠮟 (U+20B9F) is outside the BMP.
const ASTRAL: &str = "𠮟責する";

/// Lines laid out top to bottom, 40 px tall, 20 px per character.
fn ocr(lines: &[&str]) -> OcrPage {
    OcrPage {
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let y = 40 + 70 * i as u32;
                let w = 20 * t.chars().count() as u32;
                OcrLine {
                    text: t.to_string(),
                    bbox: PxRect::new(30, y, 30 + w, y + 40),
                    confidence: 90.0,
                }
            })
            .collect(),
    }
}

fn page(pixels: DynamicImage, mode: ColorMode, dpi: (f32, f32), original: Original) -> PageImage {
    PageImage {
        pixels,
        mode,
        dpi,
        dpi_from_file: true,
        original,
    }
}

fn rgb_pixels(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7 * 30) as u8])
    })
}

fn rgb_page() -> PageImage {
    page(
        DynamicImage::ImageRgb8(rgb_pixels(640, 480)),
        ColorMode::Color,
        (100.0, 100.0),
        Original::None,
    )
}

fn gray_page() -> PageImage {
    let g = GrayImage::from_fn(600, 500, |x, y| Luma([((x * 3 + y * 5) % 256) as u8]));
    page(
        DynamicImage::ImageLuma8(g),
        ColorMode::Gray,
        (200.0, 100.0),
        Original::None,
    )
}

fn bilevel_page() -> PageImage {
    // Text-like strokes and some speckle; width not a multiple of 32.
    let g = GrayImage::from_fn(701, 500, |x, y| {
        let stroke = (y / 10) % 7 == 1 && (x / 13) % 3 != 0;
        let speckle = (x * 7919 + y * 104729) % 97 == 0;
        Luma([if stroke || speckle { 0 } else { 255 }])
    });
    page(
        DynamicImage::ImageLuma8(g),
        ColorMode::Bilevel,
        (150.0, 150.0),
        Original::None,
    )
}

/// A real JPEG file, encoded here, with its decoded pixels.
fn jpeg_page() -> (PageImage, Vec<u8>) {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb_pixels(520, 400))
        .unwrap();
    let decoded = image::load_from_memory(&jpeg).unwrap();
    (
        page(
            decoded,
            ColorMode::Color,
            (72.0, 72.0),
            Original::Jpeg(jpeg.clone()),
        ),
        jpeg,
    )
}

/// The dictionary of an object, following a reference.
fn dict<'a>(doc: &'a Document, obj: &'a Object) -> &'a lopdf::Dictionary {
    match obj {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

fn page_ids(doc: &Document) -> Vec<ObjectId> {
    doc.get_pages().into_values().collect()
}

/// The page's image XObject stream.
fn page_image(doc: &Document, page_id: ObjectId) -> &lopdf::Stream {
    let page = doc.get_dictionary(page_id).unwrap();
    let res = dict(doc, page.get(b"Resources").unwrap());
    let xobjects = dict(doc, res.get(b"XObject").unwrap());
    let id = xobjects.get(b"Im1").unwrap().as_reference().unwrap();
    doc.get_object(id).unwrap().as_stream().unwrap()
}

fn filter(stream: &lopdf::Stream) -> String {
    String::from_utf8(
        stream
            .dict
            .get(b"Filter")
            .unwrap()
            .as_name()
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

fn media_box(doc: &Document, page_id: ObjectId) -> Vec<f32> {
    let page = doc.get_dictionary(page_id).unwrap();
    page.get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect()
}

fn operators(doc: &Document, page_id: ObjectId) -> Vec<lopdf::content::Operation> {
    Content::decode(&doc.get_page_content(page_id))
        .unwrap()
        .operations
}

/// Writes `bytes` to a fresh temporary file and returns it (kept alive by the guard).
fn temp_pdf(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    write_atomic(&path, bytes).unwrap();
    (dir, path)
}

fn pdftotext(path: &Path, layout: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every line appears exactly, in order, on its page; nothing else but
/// whitespace is extracted.
fn assert_text_layer(path: &Path, pages: &[&[&str]]) {
    for layout in [true, false] {
        let text = pdftotext(path, layout);
        let extracted: Vec<&str> = text.split('\x0c').collect();
        for (i, lines) in pages.iter().enumerate() {
            let got = extracted[i];
            let mut from = 0;
            for line in *lines {
                let at = got[from..].find(line).unwrap_or_else(|| {
                    panic!(
                        "page {} (layout {layout}): {line:?} not found in order in {got:?}",
                        i + 1
                    )
                });
                from += at + line.len();
            }
            assert_eq!(
                without_whitespace(got),
                without_whitespace(&lines.concat()),
                "page {}",
                i + 1
            );
        }
    }
}

fn assert_qpdf_check(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf installed");
    assert_eq!(
        out.status.code(),
        Some(0),
        "qpdf --check:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Renders page `n` (1-based) at `dpi` as 8-bit gray pixels with pdftoppm.
fn render_gray(path: &Path, n: usize, dpi: f32) -> GrayImage {
    let dir = path.parent().unwrap();
    let prefix = dir.join(format!("render{n}"));
    let status = Command::new("pdftoppm")
        .args([
            "-gray",
            "-png",
            "-singlefile",
            "-r",
            &dpi.to_string(),
            "-f",
            &n.to_string(),
            "-l",
            &n.to_string(),
        ])
        .arg(path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm installed");
    assert!(status.success());
    image::open(prefix.with_extension("png"))
        .unwrap()
        .to_luma8()
}

/// Asserts that `got` (a rendering) shows `want` and not its negative: same
/// size, and the means of 8×8 blocks agree. poppler maps a W-pixel image onto
/// about W−1 device pixels even at 1:1, so single pixels drift by up to one
/// pixel across the page; block means absorb that, while an inverted or
/// garbled image differs in almost every block.
fn assert_renders_like(got: &GrayImage, want: &GrayImage, what: &str) {
    let (mean, worst) = block_difference(got, want);
    assert!(
        mean < 10.0 && worst < 64.0,
        "{what}: block means differ by {mean:.1} on average, {worst:.1} at worst"
    );
    let mut negative = want.clone();
    image::imageops::invert(&mut negative);
    let (mean, _) = block_difference(got, &negative);
    assert!(
        mean > 40.0,
        "{what}: the rendering is about as close to the negative ({mean:.1})"
    );
}

/// Mean and largest absolute difference between the means of 8×8 blocks.
fn block_difference(got: &GrayImage, want: &GrayImage) -> (f64, f64) {
    assert_eq!(got.dimensions(), want.dimensions(), "size");
    let (w, h) = want.dimensions();
    let block_mean = |img: &GrayImage, bx: u32, by: u32| {
        let mut sum = 0u32;
        for y in by * 8..by * 8 + 8 {
            for x in bx * 8..bx * 8 + 8 {
                sum += img.get_pixel(x, y).0[0] as u32;
            }
        }
        sum as f64 / 64.0
    };
    let (mut total, mut worst, mut n) = (0.0, 0.0f64, 0.0);
    for by in 0..h / 8 {
        for bx in 0..w / 8 {
            let d = (block_mean(got, bx, by) - block_mean(want, bx, by)).abs();
            total += d;
            worst = worst.max(d);
            n += 1.0;
        }
    }
    (total / n, worst)
}

#[test]
fn four_modes_in_one_document() {
    let (jpeg, jpeg_bytes) = jpeg_page();
    let (rgb, gray, bilevel) = (rgb_page(), gray_page(), bilevel_page());
    let texts: [&[&str]; 4] = [
        &[JA_CONTRACT, JA_COMPANY, EN, MIXED],
        &[EN],
        &[JA_COMPANY, ASTRAL],
        &[MIXED, JA_CONTRACT],
    ];
    let ocrs: Vec<OcrPage> = texts.iter().map(|t| ocr(t)).collect();
    let bytes = build_pdf(&[
        (&jpeg, &ocrs[0]),
        (&rgb, &ocrs[1]),
        (&gray, &ocrs[2]),
        (&bilevel, &ocrs[3]),
    ])
    .unwrap();

    let doc = Document::load_mem(&bytes).unwrap();
    let ids = page_ids(&doc);
    assert_eq!(ids.len(), 4);

    // Page size = pixels / dpi × 72.
    assert_eq!(media_box(&doc, ids[0]), vec![0.0, 0.0, 520.0, 400.0]);
    assert_eq!(
        media_box(&doc, ids[1]),
        vec![0.0, 0.0, 640.0 * 72.0 / 100.0, 480.0 * 72.0 / 100.0]
    );
    assert_eq!(
        media_box(&doc, ids[2]),
        vec![0.0, 0.0, 600.0 * 72.0 / 200.0, 500.0 * 72.0 / 100.0]
    );
    assert_eq!(
        media_box(&doc, ids[3]),
        vec![0.0, 0.0, 701.0 * 72.0 / 150.0, 500.0 * 72.0 / 150.0]
    );

    // Images: the JPEG untouched; G4 for bilevel; Flate otherwise.
    let im = page_image(&doc, ids[0]);
    assert_eq!(filter(im), "DCTDecode");
    assert!(
        im.content == jpeg_bytes,
        "JPEG bytes must pass through unchanged"
    );
    assert_eq!(
        im.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
        b"DeviceRGB"
    );
    let im = page_image(&doc, ids[1]);
    assert_eq!(filter(im), "FlateDecode");
    assert_eq!(
        im.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
        b"DeviceRGB"
    );
    assert_eq!(im.decompressed_content().unwrap(), rgb.pixels.as_bytes());
    let im = page_image(&doc, ids[2]);
    assert_eq!(filter(im), "FlateDecode");
    assert_eq!(
        im.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
        b"DeviceGray"
    );
    let im = page_image(&doc, ids[3]);
    assert_eq!(filter(im), "CCITTFaxDecode");
    assert_eq!(
        im.dict.get(b"BitsPerComponent").unwrap().as_i64().unwrap(),
        1
    );
    let parms = dict(&doc, im.dict.get(b"DecodeParms").unwrap());
    assert_eq!(parms.get(b"K").unwrap().as_i64().unwrap(), -1);
    assert_eq!(parms.get(b"Columns").unwrap().as_i64().unwrap(), 701);
    assert_eq!(parms.get(b"Rows").unwrap().as_i64().unwrap(), 500);

    // Text: invisible, one Tj per line.
    for (id, lines) in ids.iter().zip(texts) {
        let ops = operators(&doc, *id);
        let tj = ops.iter().filter(|o| o.operator == "Tj").count();
        assert_eq!(tj, lines.len());
        let tr: Vec<_> = ops.iter().filter(|o| o.operator == "Tr").collect();
        assert_eq!(tr.len(), lines.len());
        assert!(tr.iter().all(|o| o.operands == vec![Object::Integer(3)]));
        assert_eq!(ops.iter().filter(|o| o.operator == "Do").count(), 1);
    }

    // Info: Producer and Creator only.
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap());
    assert_eq!(info.get(b"Producer").unwrap().as_str().unwrap(), b"inkan");
    assert!(info
        .get(b"Creator")
        .unwrap()
        .as_str()
        .unwrap()
        .starts_with(b"inkan "));
    assert_eq!(info.len(), 2);

    let (_dir, path) = temp_pdf(&bytes);
    assert_qpdf_check(&path);
    assert_text_layer(&path, &texts);

    // The images render back to the input pixels.
    assert_renders_like(
        &render_gray(&path, 4, 150.0),
        &bilevel.pixels.to_luma8(),
        "bilevel (G4)",
    );
    assert_eq!(render_gray(&path, 3, 100.0).dimensions(), (300, 500));
}

#[test]
fn gray_page_renders_back() {
    let gray = page(
        gray_page().pixels,
        ColorMode::Gray,
        (100.0, 100.0),
        Original::None,
    );
    let bytes = build_pdf(&[(&gray, &ocr(&[JA_CONTRACT]))]).unwrap();
    let (_dir, path) = temp_pdf(&bytes);
    assert_renders_like(
        &render_gray(&path, 1, 100.0),
        &gray.pixels.to_luma8(),
        "gray (Flate)",
    );
}

#[test]
fn japanese_lines_come_back_without_inserted_spaces() {
    let lines = [
        JA_CONTRACT,
        JA_COMPANY,
        "甲乙丙丁戊己庚辛壬癸",
        "ＡＢＣ１２３アイウ",
    ];
    let bytes = build_pdf(&[(&gray_page(), &ocr(&lines))]).unwrap();
    let (_dir, path) = temp_pdf(&bytes);
    for layout in [true, false] {
        let text = pdftotext(&path, layout);
        for line in lines {
            let found = text.lines().any(|l| l.trim() == line);
            assert!(found, "layout {layout}: {line:?} not a line of {text:?}");
        }
    }
}

#[test]
fn bilevel_with_a_jpeg_original_keeps_the_jpeg() {
    let (mut jpeg, bytes) = jpeg_page();
    jpeg.mode = ColorMode::Bilevel;
    let out = build_pdf(&[(&jpeg, &OcrPage::default())]).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    let im = page_image(&doc, page_ids(&doc)[0]);
    assert_eq!(filter(im), "DCTDecode");
    assert!(im.content == bytes);
}

#[test]
fn gray_jpeg_is_device_gray() {
    let g = GrayImage::from_fn(64, 48, |x, y| Luma([(x * 4 + y) as u8]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode_image(&g)
        .unwrap();
    let p = page(
        DynamicImage::ImageLuma8(g),
        ColorMode::Gray,
        (300.0, 300.0),
        Original::Jpeg(jpeg),
    );
    let out = build_pdf(&[(&p, &ocr(&[EN]))]).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    let im = page_image(&doc, page_ids(&doc)[0]);
    assert_eq!(filter(im), "DCTDecode");
    assert_eq!(
        im.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
        b"DeviceGray"
    );
}

#[test]
fn a_jpeg_that_does_not_match_the_pixels_is_not_passed_through() {
    let (mut p, _) = jpeg_page();
    p.pixels = DynamicImage::ImageRgb8(rgb_pixels(100, 80));
    let out = build_pdf(&[(&p, &OcrPage::default())]).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(filter(page_image(&doc, page_ids(&doc)[0])), "FlateDecode");
}

#[test]
fn page_without_text_still_checks() {
    let bytes = build_pdf(&[(&bilevel_page(), &OcrPage::default())]).unwrap();
    let (_dir, path) = temp_pdf(&bytes);
    assert_qpdf_check(&path);
    assert_eq!(
        pdftotext(&path, false).trim_matches(['\x0c', '\n', ' ']),
        ""
    );
}

#[test]
fn rejects_no_pages_and_bad_resolution() {
    assert!(matches!(build_pdf(&[]), Err(PdfError::NoPages)));
    let mut p = gray_page();
    p.dpi = (0.0, 300.0);
    let err = build_pdf(&[
        (&gray_page(), &OcrPage::default()),
        (&p, &OcrPage::default()),
    ])
    .unwrap_err();
    assert!(matches!(err, PdfError::Encode { page: 2, .. }), "{err}");
}

/// Timing on full A4 pages at 300 dpi (2480×3508). Run with
/// `cargo test -p inkan --lib pdf::tests::a4_timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing, prints numbers"]
fn a4_timing() {
    let (w, h) = (2480, 3508);
    let rgb = page(
        DynamicImage::ImageRgb8(rgb_pixels(w, h)),
        ColorMode::Color,
        (300.0, 300.0),
        Original::None,
    );
    let g = GrayImage::from_fn(w, h, |x, y| {
        Luma([if (y / 20) % 5 == 1 && (x / 15) % 4 != 0 {
            0
        } else {
            255
        }])
    });
    let gray = page(
        DynamicImage::ImageLuma8(g.clone()),
        ColorMode::Gray,
        (300.0, 300.0),
        Original::None,
    );
    let bilevel = page(
        DynamicImage::ImageLuma8(g),
        ColorMode::Bilevel,
        (300.0, 300.0),
        Original::None,
    );
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb_pixels(w, h))
        .unwrap();
    let jp = page(
        rgb.pixels.clone(),
        ColorMode::Color,
        (300.0, 300.0),
        Original::Jpeg(jpeg),
    );
    let text = ocr(&[JA_CONTRACT, EN, MIXED].repeat(15));
    for (name, p) in [
        ("jpeg", &jp),
        ("rgb", &rgb),
        ("gray", &gray),
        ("bilevel", &bilevel),
    ] {
        let t = std::time::Instant::now();
        let bytes = build_pdf(&[(p, &text)]).unwrap();
        eprintln!(
            "{name:8} {:>8.1} ms {:>10} bytes",
            t.elapsed().as_secs_f64() * 1e3,
            bytes.len()
        );
    }
}
