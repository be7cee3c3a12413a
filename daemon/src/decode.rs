//! Decode: file bytes → one [`PageImage`] per page.
//!
//! PNG and JPEG go through the `image` crate; TIFF (every page, every libtiff
//! compression incl. CCITT G3/G4, LZW, PackBits, Deflate, JPEG) through
//! leptonica; PDFs made by scanners through lopdf, taking each page's largest
//! image (DCTDecode is passed through as JPEG, FlateDecode unpacked).
//! The format is sniffed from the bytes, never taken from the file name.

use std::path::Path;

use image::{DynamicImage, GrayImage, ImageFormat, RgbImage};

use crate::page::{ColorMode, Original, PageImage};
use crate::pix;

/// The resolution assumed when a file does not carry one.
pub const DEFAULT_DPI: f32 = 300.0;

/// Largest page image accepted (pixels); bigger is treated as corrupt rather than exhausting memory.
const MAX_PIXELS: u64 = 20_000 * 20_000;

/// Why a file could not be decoded. Each message is one sentence for a user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The file has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not one of the supported formats.
    #[error("not a PNG, JPEG, TIFF or PDF file (it starts with {head:?})")]
    UnknownFormat {
        /// The first bytes, printable characters only.
        head: String,
    },
    /// The bytes claim a format but cannot be decoded (truncated, corrupt).
    #[error("the {format} is truncated or corrupt: {reason}")]
    Corrupt {
        /// PNG, JPEG, TIFF or PDF.
        format: &'static str,
        /// The decoder's own explanation.
        reason: String,
    },
    /// A readable file that holds something inkan cannot use.
    #[error("{0}")]
    Unsupported(String),
    /// Reading the file failed.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// The file formats inkan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// TIFF, little- or big-endian.
    Tiff,
    /// PDF.
    Pdf,
}

/// Recognises the format from the first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(Format::Tiff)
    } else if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        Some(Format::Pdf)
    } else {
        None
    }
}

/// Reads and decodes a file.
pub fn decode_file(path: &Path) -> Result<Vec<PageImage>, DecodeError> {
    decode_bytes(&std::fs::read(path)?)
}

/// Decodes file contents into pages.
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<PageImage>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let pages = match sniff(bytes) {
        Some(Format::Png) => vec![decode_png(bytes)?],
        Some(Format::Jpeg) => vec![decode_jpeg(bytes)?],
        Some(Format::Tiff) => decode_tiff(bytes)?,
        Some(Format::Pdf) => decode_pdf(bytes)?,
        None => {
            let head = bytes.iter().take(16).map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' });
            return Err(DecodeError::UnknownFormat { head: head.collect() });
        }
    };
    Ok(pages)
}

fn corrupt(format: &'static str) -> impl Fn(image::ImageError) -> DecodeError {
    move |e| DecodeError::Corrupt { format, reason: e.to_string() }
}

/// A decoded image in the pixel layout `PageImage` promises for its mode.
fn normalise(img: DynamicImage, bilevel_hint: bool) -> (DynamicImage, ColorMode) {
    match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageLuma16(_) | DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_) => {
            let g = img.into_luma8();
            let mode = if bilevel_hint || g.iter().all(|&v| v == 0 || v == 255) { ColorMode::Bilevel } else { ColorMode::Gray };
            (DynamicImage::ImageLuma8(g), mode)
        }
        DynamicImage::ImageRgb8(_) => (img, ColorMode::Color),
        other => (DynamicImage::ImageRgb8(other.into_rgb8()), ColorMode::Color),
    }
}

fn check_size(w: u64, h: u64, format: &'static str) -> Result<(), DecodeError> {
    if w == 0 || h == 0 || w * h > MAX_PIXELS {
        return Err(DecodeError::Corrupt { format, reason: format!("implausible image size {w}×{h}") });
    }
    Ok(())
}

fn dpi_or_default(dpi: Option<(f32, f32)>) -> ((f32, f32), bool) {
    match dpi {
        Some((x, y)) if (20.0..=4800.0).contains(&x) && (20.0..=4800.0).contains(&y) => ((x, y), true),
        _ => ((DEFAULT_DPI, DEFAULT_DPI), false),
    }
}

fn decode_png(bytes: &[u8]) -> Result<PageImage, DecodeError> {
    let info = png_info(bytes);
    let img = image::load_from_memory_with_format(bytes, ImageFormat::Png).map_err(corrupt("PNG"))?;
    check_size(img.width() as u64, img.height() as u64, "PNG")?;
    let (pixels, mode) = normalise(img, info.bilevel);
    let (dpi, dpi_from_file) = dpi_or_default(info.dpi);
    Ok(PageImage { pixels, mode, dpi, dpi_from_file, original: Original::None })
}

/// What the PNG header says that `image` does not expose.
struct PngInfo {
    /// From the pHYs chunk, when its unit is metres.
    dpi: Option<(f32, f32)>,
    /// A 1-bit grayscale image.
    bilevel: bool,
}

/// Walks the PNG chunks before the image data: IHDR (bit depth) and pHYs (resolution).
fn png_info(bytes: &[u8]) -> PngInfo {
    let mut info = PngInfo { dpi: None, bilevel: false };
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let Some(data) = bytes.get(pos + 8..pos + 8 + len) else { break };
        match kind {
            b"IHDR" if len >= 10 => info.bilevel = data[8] == 1 && data[9] == 0,
            b"pHYs" if len >= 9 && data[8] == 1 => {
                let x = u32::from_be_bytes(data[0..4].try_into().unwrap()) as f32 * 0.0254;
                let y = u32::from_be_bytes(data[4..8].try_into().unwrap()) as f32 * 0.0254;
                info.dpi = Some((x.round(), y.round()));
            }
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    info
}

fn decode_jpeg(bytes: &[u8]) -> Result<PageImage, DecodeError> {
    let img = image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).map_err(corrupt("JPEG"))?;
    check_size(img.width() as u64, img.height() as u64, "JPEG")?;
    let (pixels, mode) = normalise(img, false);
    // A scanned gray JPEG is never truly bilevel, whatever its values.
    let mode = if mode == ColorMode::Bilevel { ColorMode::Gray } else { mode };
    let (dpi, dpi_from_file) = dpi_or_default(jfif_dpi(bytes));
    Ok(PageImage { pixels, mode, dpi, dpi_from_file, original: Original::Jpeg(bytes.to_vec()) })
}

/// The resolution from a JFIF APP0 segment (units 1 = dpi, 2 = dots per cm).
fn jfif_dpi(bytes: &[u8]) -> Option<(f32, f32)> {
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        let len = u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
        let seg = bytes.get(pos + 4..pos + 2 + len)?;
        if marker == 0xE0 && seg.starts_with(b"JFIF\0") && seg.len() >= 12 {
            let x = u16::from_be_bytes([seg[8], seg[9]]) as f32;
            let y = u16::from_be_bytes([seg[10], seg[11]]) as f32;
            return match seg[7] {
                1 => Some((x, y)),
                2 => Some((x * 2.54, y * 2.54)),
                _ => None,
            };
        }
        if marker == 0xDA {
            break;
        }
        pos += 2 + len;
    }
    None
}

fn decode_tiff(bytes: &[u8]) -> Result<Vec<PageImage>, DecodeError> {
    let pages = pix::read_tiff_pages(bytes);
    if pages.is_empty() {
        return Err(DecodeError::Corrupt { format: "TIFF", reason: "no readable page".into() });
    }
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (pixels, mode) = p.to_image().ok_or_else(|| DecodeError::Corrupt {
                format: "TIFF",
                reason: format!("page {} has an unsupported pixel layout", i + 1),
            })?;
            let (x, y) = p.resolution();
            let (dpi, dpi_from_file) = dpi_or_default(Some((x as f32, y as f32)));
            Ok(PageImage { pixels, mode, dpi, dpi_from_file, original: Original::None })
        })
        .collect()
}

fn pdf_err(e: lopdf::Error) -> DecodeError {
    DecodeError::Corrupt { format: "PDF", reason: e.to_string() }
}

fn decode_pdf(bytes: &[u8]) -> Result<Vec<PageImage>, DecodeError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(pdf_err)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(DecodeError::Corrupt { format: "PDF", reason: "it has no pages".into() });
    }
    pages.iter().map(|(&n, &id)| pdf_page(&doc, n, id)).collect()
}

/// Page `page` (1-based) of a PDF, decoded alone; `None` if the PDF has no
/// such page. How the HTTP API draws previews from the searchable PDFs.
pub fn decode_pdf_page(bytes: &[u8], page: u32) -> Result<Option<PageImage>, DecodeError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(pdf_err)?;
    match doc.get_pages().get(&page) {
        Some(&id) => pdf_page(&doc, page, id).map(Some),
        None => Ok(None),
    }
}

/// The largest image of page `n` (object `id`) of `doc`.
fn pdf_page(doc: &lopdf::Document, n: u32, id: lopdf::ObjectId) -> Result<PageImage, DecodeError> {
    let images = doc.get_page_images(id).map_err(pdf_err)?;
    let img = images.iter().max_by_key(|i| i.width * i.height).ok_or_else(|| {
        DecodeError::Unsupported(format!(
            "PDF page {n} holds no scanned image (only scanner PDFs are supported, not born-digital ones)"
        ))
    })?;
    let page = decode_pdf_image(doc, img).map_err(|e| match e {
        DecodeError::Unsupported(m) => DecodeError::Unsupported(format!("PDF page {n}: {m}")),
        other => other,
    })?;
    let media = page_width_pt(doc, id).unwrap_or(612.0);
    let dpi = img.width as f32 * 72.0 / media;
    let (dpi, dpi_from_file) = dpi_or_default(Some((dpi.round(), dpi.round())));
    Ok(PageImage { dpi, dpi_from_file, ..page })
}

/// Width of a page's MediaBox (inherited from the page tree if need be).
fn page_width_pt(doc: &lopdf::Document, mut id: lopdf::ObjectId) -> Option<f32> {
    for _ in 0..32 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(mb) = dict.get(b"MediaBox").and_then(|o| doc.dereference(o).map(|(_, o)| o)).and_then(|o| o.as_array()) {
            let v: Vec<f32> = mb.iter().filter_map(|o| o.as_float().ok()).collect();
            return (v.len() == 4 && v[2] > v[0]).then(|| v[2] - v[0]);
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn decode_pdf_image(doc: &lopdf::Document, img: &lopdf::xobject::PdfImage) -> Result<PageImage, DecodeError> {
    let filters = img.filters.clone().unwrap_or_default();
    let (w, h) = (img.width.max(0) as u32, img.height.max(0) as u32);
    check_size(w as u64, h as u64, "PDF")?;
    match filters.last().map(String::as_str) {
        Some("DCTDecode") if filters.len() == 1 => decode_jpeg(img.content),
        Some("FlateDecode") | Some("LZWDecode") | None => {
            let stream = lopdf::Stream::new(img.origin_dict.clone(), img.content.to_vec());
            let data = if filters.is_empty() {
                img.content.to_vec()
            } else {
                stream.decompressed_content_with_limit(MAX_PIXELS as usize * 3).map_err(pdf_err)?
            };
            let bpc = img.bits_per_component.unwrap_or(8);
            let comps = pdf_components(doc, img.origin_dict);
            raw_to_page(&data, w, h, bpc, comps)
        }
        Some("CCITTFaxDecode") if filters.len() == 1 => decode_pdf_g4(img, w, h),
        Some(other) => Err(DecodeError::Unsupported(format!("images encoded with {other} are not supported"))),
    }
}

/// A `/CCITTFaxDecode` image with `/K -1` (Group 4, what scanners and
/// inkan's own PDFs use for black-and-white pages): the data is wrapped in a
/// one-strip TIFF and read by leptonica like any G4 TIFF.
fn decode_pdf_g4(img: &lopdf::xobject::PdfImage, w: u32, h: u32) -> Result<PageImage, DecodeError> {
    let parms = img.origin_dict.get(b"DecodeParms").ok().and_then(|o| o.as_dict().ok());
    let int = |key: &[u8]| parms.and_then(|p| p.get(key).ok()).and_then(|o| o.as_i64().ok());
    if int(b"K").unwrap_or(0) >= 0 {
        return Err(DecodeError::Unsupported("CCITT Group 3 images are not supported".into()));
    }
    let black_is_1 = parms.and_then(|p| p.get(b"BlackIs1").ok()).and_then(|o| o.as_bool().ok()).unwrap_or(false);
    let columns = int(b"Columns").map_or(w, |c| c.max(0) as u32);
    let tiff = g4_tiff(img.content, columns, h, black_is_1);
    let page = pix::read_tiff_pages(&tiff)
        .first()
        .and_then(|p| p.to_image())
        .ok_or_else(|| DecodeError::Corrupt { format: "PDF", reason: "its CCITT G4 image cannot be decoded".into() })?;
    let (pixels, _) = page;
    Ok(PageImage { pixels: DynamicImage::ImageLuma8(pixels.into_luma8()), mode: ColorMode::Bilevel, dpi: (DEFAULT_DPI, DEFAULT_DPI), dpi_from_file: false, original: Original::None })
}

/// A little-endian TIFF holding `strip` as its one G4-compressed strip.
/// `black_is_1` is PDF's `/BlackIs1`: TIFF photometric min-is-black.
fn g4_tiff(strip: &[u8], w: u32, h: u32, black_is_1: bool) -> Vec<u8> {
    const ENTRIES: u16 = 8;
    let data_at = 8 + 2 + 12 * u32::from(ENTRIES) + 4;
    let mut t = Vec::with_capacity(data_at as usize + strip.len());
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&ENTRIES.to_le_bytes());
    let mut entry = |tag: u16, long: bool, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&(if long { 4u16 } else { 3u16 }).to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    entry(256, true, w); // ImageWidth
    entry(257, true, h); // ImageLength
    entry(258, false, 1); // BitsPerSample
    entry(259, false, 4); // Compression: CCITT T.6 (G4)
    entry(262, false, u32::from(black_is_1)); // Photometric: 0 white-is-zero, 1 black-is-zero
    entry(273, true, data_at); // StripOffsets
    entry(278, true, h); // RowsPerStrip
    entry(279, true, strip.len() as u32); // StripByteCounts
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(strip);
    t
}

/// Number of colour components of an image's colour space, `None` if inkan cannot render it.
fn pdf_components(doc: &lopdf::Document, dict: &lopdf::Dictionary) -> Option<u32> {
    let cs = doc.dereference(dict.get(b"ColorSpace").ok()?).ok()?.1;
    match cs {
        lopdf::Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" => Some(1),
            b"DeviceRGB" | b"CalRGB" => Some(3),
            _ => None,
        },
        lopdf::Object::Array(a) if a.first().and_then(|o| o.as_name().ok()) == Some(b"ICCBased") => {
            let s = doc.dereference(a.get(1)?).ok()?.1.as_stream().ok()?;
            s.dict.get(b"N").ok()?.as_i64().ok().map(|n| n as u32).filter(|n| *n == 1 || *n == 3)
        }
        _ => None,
    }
}

fn raw_to_page(data: &[u8], w: u32, h: u32, bpc: i64, comps: Option<u32>) -> Result<PageImage, DecodeError> {
    let short = || DecodeError::Corrupt { format: "PDF", reason: "the image data is shorter than its size says".into() };
    let (pixels, mode) = match (bpc, comps) {
        (1, Some(1)) => {
            let stride = (w as usize).div_ceil(8);
            let data = data.get(..stride * h as usize).ok_or_else(short)?;
            let img = GrayImage::from_fn(w, h, |x, y| {
                let byte = data[y as usize * stride + x as usize / 8];
                let bit = (byte >> (7 - x % 8)) & 1;
                image::Luma([if bit == 1 { 255 } else { 0 }])
            });
            (DynamicImage::ImageLuma8(img), ColorMode::Bilevel)
        }
        (8, Some(1)) => {
            let data = data.get(..(w * h) as usize).ok_or_else(short)?;
            (DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, data.to_vec()).ok_or_else(short)?), ColorMode::Gray)
        }
        (8, Some(3)) => {
            let data = data.get(..(w * h * 3) as usize).ok_or_else(short)?;
            (DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, data.to_vec()).ok_or_else(short)?), ColorMode::Color)
        }
        _ => return Err(DecodeError::Unsupported(format!("{bpc}-bit images in this colour space are not supported"))),
    };
    Ok(PageImage { pixels, mode, dpi: (DEFAULT_DPI, DEFAULT_DPI), dpi_from_file: false, original: Original::None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png_bytes(img: DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn inkan_pdfs_read_back_page_by_page_g4_included() {
        let bilevel = GrayImage::from_fn(203, 97, |x, y| image::Luma([if (x / 7 + y / 5) % 3 == 0 { 0 } else { 255 }]));
        let gray = GrayImage::from_fn(64, 48, |x, y| image::Luma([(x * 3 + y) as u8]));
        let page = |pixels: DynamicImage, mode| PageImage { pixels, mode, dpi: (200.0, 200.0), dpi_from_file: true, original: Original::None };
        let pages = [page(DynamicImage::ImageLuma8(bilevel.clone()), ColorMode::Bilevel), page(DynamicImage::ImageLuma8(gray.clone()), ColorMode::Gray)];
        let ocr = crate::ocr::OcrPage::default();
        let pdf = crate::pdf::build_pdf(&[(&pages[0], &ocr), (&pages[1], &ocr)]).unwrap();
        let first = decode_pdf_page(&pdf, 1).unwrap().unwrap();
        assert_eq!(first.mode, ColorMode::Bilevel);
        assert_eq!(first.pixels.to_luma8(), bilevel, "G4 decodes to the same pixels, black stays black");
        assert_eq!(first.dpi, (200.0, 200.0));
        assert_eq!(decode_pdf_page(&pdf, 2).unwrap().unwrap().pixels.to_luma8(), gray);
        assert!(decode_pdf_page(&pdf, 3).unwrap().is_none());
        assert_eq!(decode_bytes(&pdf).unwrap().len(), 2);
    }

    #[test]
    fn empty_and_unknown_inputs_are_clear_errors() {
        assert_eq!(decode_bytes(b"").unwrap_err().to_string(), "the file is empty");
        let e = decode_bytes(b"hello, this is text\n").unwrap_err().to_string();
        assert_eq!(e, "not a PNG, JPEG, TIFF or PDF file (it starts with \"hello, this is t\")");
    }

    #[test]
    fn truncated_png_is_corrupt() {
        let bytes = png_bytes(DynamicImage::ImageRgb8(RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8, y as u8, 7]))));
        let e = decode_bytes(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(matches!(e, DecodeError::Corrupt { format: "PNG", .. }), "{e}");
    }

    #[test]
    fn png_modes_and_default_dpi() {
        let rgb = decode_bytes(&png_bytes(DynamicImage::ImageRgb8(RgbImage::new(8, 4)))).unwrap();
        assert_eq!(rgb.len(), 1);
        assert_eq!(rgb[0].mode, ColorMode::Color);
        assert_eq!((rgb[0].width(), rgb[0].height()), (8, 4));
        assert_eq!(rgb[0].dpi, (DEFAULT_DPI, DEFAULT_DPI));
        assert!(!rgb[0].dpi_from_file);
        let gray = decode_bytes(&png_bytes(DynamicImage::ImageLuma8(GrayImage::from_pixel(8, 4, image::Luma([128]))))).unwrap();
        assert_eq!(gray[0].mode, ColorMode::Gray);
    }

    #[test]
    fn jfif_density_is_read() {
        let mut out = Cursor::new(Vec::new());
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
        enc.encode_image(&RgbImage::new(16, 16)).unwrap();
        let bytes = out.into_inner();
        let pages = decode_bytes(&bytes).unwrap();
        assert_eq!(pages[0].dpi, (200.0, 200.0));
        assert!(pages[0].dpi_from_file);
        assert_eq!(pages[0].original, Original::Jpeg(bytes));
    }
}
