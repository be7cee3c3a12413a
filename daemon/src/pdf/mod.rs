//! The searchable PDF: the scan as the page image, an invisible text layer on top.
//!
//! One PDF page per input page, sized so that the image covers it at its scan
//! resolution (pixels / dpi × 72 pt). The image goes in without re-encoding
//! where the codec allows (the scanner's JPEG as-is; bilevel pages as CCITT
//! G4; gray and colour pixels deflated). Over it, every OCR line is one text
//! object in render mode 3 (invisible), stretched to the line's box, in a
//! glyphless font whose codes are the text's code points, so that viewers
//! select and `pdftotext` extracts exactly the OCR text, line by line.
//!
//! # Layout
//! - `xobject`: the page image as an image XObject, per colour mode.
//! - `jpeg`: the JPEG frame header, for pass-through.
//! - `g4`: CCITT G4 encoding through leptonica.
//! - `text`: character codes, the ToUnicode CMap, line placement.
//! - `font`: the glyphless font objects (after tesseract's PDF renderer).

mod font;
mod g4;
mod jpeg;
mod text;
mod xobject;

use std::io::Write as _;
use std::path::Path;

use lopdf::{dictionary, Document, Object, Stream};

use crate::ocr::OcrPage;
use crate::page::PageImage;
use text::{LinePlacement, Num, TextEncoder};

/// The resource name of the glyphless font on every page.
const FONT_RESOURCE: &str = "F1";
/// The resource name of the page image on every page.
const IMAGE_RESOURCE: &str = "Im1";

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Writing the file failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file being written.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The image could not be encoded for the PDF.
    #[error("could not encode page {page} image: {reason}")]
    Encode {
        /// 1-based page number.
        page: usize,
        /// What went wrong.
        reason: String,
    },
    /// There were no pages: a PDF needs at least one.
    #[error("no pages to write")]
    NoPages,
    /// Serialising the finished document failed.
    #[error("could not serialise the PDF: {0}")]
    Serialize(#[source] std::io::Error),
}

/// Builds the searchable PDF for `pages` (each with its OCR result) and
/// returns its bytes.
///
/// Per page: the image fills the page (`/DCTDecode` of the original JPEG
/// bytes, `/CCITTFaxDecode` G4 for bilevel pages, `/FlateDecode` of the 8-bit
/// gray or RGB samples otherwise), then one invisible (`3 Tr`) text object per
/// [`OcrLine`](crate::ocr::OcrLine), in order, with its baseline on the bottom
/// of the line box, the font size set to the box height and the horizontal
/// scaling set so the text spans the box width.
///
/// # Errors
/// [`PdfError::NoPages`] for an empty `pages`; [`PdfError::Encode`] for a page
/// without pixels or with a non-positive resolution.
pub fn build_pdf(pages: &[(&PageImage, &OcrPage)]) -> Result<Vec<u8>, PdfError> {
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let to_unicode_id = doc.new_object_id();
    let font_id = font::add_glyphless_font(&mut doc, to_unicode_id);

    let mut encoder = TextEncoder::default();
    let mut kids = Vec::with_capacity(pages.len());
    let mut size_hint = 64 * 1024;
    for (i, (image, ocr)) in pages.iter().enumerate() {
        let page = i + 1;
        let encode_err = |reason: String| PdfError::Encode { page, reason };
        let (width_pt, height_pt) = page_size_pt(image).map_err(encode_err)?;
        let (xobject, encoding) =
            xobject::image_xobject(image).map_err(|e| encode_err(e.to_string()))?;
        tracing::debug!(page, ?encoding, bytes = xobject.content.len(), "page image");
        size_hint += xobject.content.len();
        let image_id = doc.add_object(xobject);

        let content = page_content(image, ocr, (width_pt, height_pt), &mut encoder);
        let content_id =
            doc.add_object(deflated(dictionary! {}, &content).map_err(PdfError::Serialize)?);

        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), width_pt.into(), height_pt.into()],
            "Resources" => dictionary! {
                "Font" => dictionary! { FONT_RESOURCE => font_id },
                "XObject" => dictionary! { IMAGE_RESOURCE => image_id },
            },
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    doc.set_object(
        pages_id,
        dictionary! { "Type" => "Pages", "Count" => kids.len() as i64, "Kids" => kids },
    );
    doc.set_object(
        to_unicode_id,
        deflated(dictionary! {}, &encoder.to_unicode_cmap()).map_err(PdfError::Serialize)?,
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info_id = doc.add_object(dictionary! {
        "Producer" => Object::string_literal("inkan"),
        "Creator" => Object::string_literal(concat!("inkan ", env!("CARGO_PKG_VERSION"))),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);

    let mut out = Vec::with_capacity(size_hint);
    doc.save_to(&mut out).map_err(PdfError::Serialize)?;
    Ok(out)
}

/// The page's content stream: the image over the whole page
/// (`size_pt`), then one invisible text object per OCR line.
fn page_content(
    image: &PageImage,
    ocr: &OcrPage,
    size_pt: (f32, f32),
    encoder: &mut TextEncoder,
) -> Vec<u8> {
    let mut content = Vec::with_capacity(128 + 96 * ocr.lines.len());
    let _ = writeln!(
        content,
        "q {} 0 0 {} 0 0 cm /{IMAGE_RESOURCE} Do Q",
        Num(size_pt.0),
        Num(size_pt.1)
    );
    let mut codes = Vec::new();
    for line in &ocr.lines {
        codes.clear();
        encoder.encode(&line.text, &mut codes);
        let at = LinePlacement::new(line.bbox, codes.len(), image.height(), image.dpi);
        text::write_line(&mut content, FONT_RESOURCE, &codes, at);
    }
    content
}

/// The page's size in points: its pixels at its resolution. An error for an
/// empty image or a resolution that is not a positive number.
fn page_size_pt(image: &PageImage) -> Result<(f32, f32), String> {
    let (dx, dy) = image.dpi;
    if !(dx.is_finite() && dy.is_finite() && dx > 0.0 && dy > 0.0) {
        return Err(format!("invalid resolution {dx}×{dy} dpi"));
    }
    if image.width() == 0 || image.height() == 0 {
        return Err("empty image".to_string());
    }
    Ok((
        image.width() as f32 * 72.0 / dx,
        image.height() as f32 * 72.0 / dy,
    ))
}

/// A `/FlateDecode` stream of `data` (fast level), with `dict`'s other entries.
fn deflated(mut dict: lopdf::Dictionary, data: &[u8]) -> std::io::Result<Stream> {
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::fast(),
    );
    z.write_all(data)?;
    dict.set("Filter", "FlateDecode");
    Ok(Stream::new(dict, z.finish()?).with_compression(false))
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync,
/// rename, fsync of the directory. A reader never sees a half-written PDF.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PdfError> {
    let io = |source| PdfError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(
        ".{}.inkan-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        // A half-written temp file on a full disk would keep it full.
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests;
