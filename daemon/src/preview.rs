//! Pictures for the web page, drawn from a page image: the downscaled page
//! preview (JPEG), a seal's crop (PNG), and where a hit's words are on the
//! page (boxes in page-image pixels, from the stored OCR line boxes).
//!
//! Pure: image in, bytes or boxes out. The HTTP API (`api::pages`) decodes
//! the page from the searchable PDF and caches what these return.

use std::ops::Range;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};
use serde::Serialize;

use crate::page::{ColorMode, PageImage};

/// Width of a page preview, pixels (smaller pages are not enlarged).
pub const PREVIEW_WIDTH: u32 = 900;

/// JPEG quality of previews.
const PREVIEW_QUALITY: u8 = 80;

/// Longest side of a seal crop, pixels (smaller crops are not enlarged).
pub const SEAL_CROP_SIDE: u32 = 200;

/// Margin around a seal's box in a crop, as a share of the box's longer side.
const SEAL_MARGIN: f32 = 0.15;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    /// Encoding failed.
    #[error("cannot encode the {what}: {source}")]
    Encode {
        /// `preview` or `seal crop`.
        what: &'static str,
        /// The cause.
        #[source]
        source: image::ImageError,
    },
    /// The box lies outside the page image.
    #[error("the box {bbox:?} is outside the {width}x{height} page")]
    OutsidePage {
        /// The box.
        bbox: [u32; 4],
        /// Page width.
        width: u32,
        /// Page height.
        height: u32,
    },
}

/// The page, [`PREVIEW_WIDTH`] wide at most, as a JPEG (gray for gray and
/// black-and-white pages, which downscale to smooth gray).
pub fn page_jpeg(page: &PageImage) -> Result<Vec<u8>, PreviewError> {
    let img = &page.pixels;
    let small = if img.width() > PREVIEW_WIDTH {
        let height = (u64::from(img.height()) * u64::from(PREVIEW_WIDTH) / u64::from(img.width())).max(1) as u32;
        img.resize_exact(PREVIEW_WIDTH, height, FilterType::Triangle)
    } else {
        img.clone()
    };
    let small = match page.mode {
        ColorMode::Color => DynamicImage::ImageRgb8(small.into_rgb8()),
        ColorMode::Gray | ColorMode::Bilevel => DynamicImage::ImageLuma8(small.into_luma8()),
    };
    let mut out = Vec::new();
    small
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, PREVIEW_QUALITY))
        .map_err(|source| PreviewError::Encode { what: "preview", source })?;
    Ok(out)
}

/// The seal at `bbox` (page-image pixels) with a small margin, at most
/// [`SEAL_CROP_SIDE`] on its longer side, as a PNG.
pub fn seal_png(page: &PageImage, bbox: [u32; 4]) -> Result<Vec<u8>, PreviewError> {
    let (w, h) = (page.width(), page.height());
    let [x0, y0, x1, y1] = bbox;
    if x0 >= x1 || y0 >= y1 || x0 >= w || y0 >= h {
        return Err(PreviewError::OutsidePage { bbox, width: w, height: h });
    }
    let margin = ((x1 - x0).max(y1 - y0) as f32 * SEAL_MARGIN) as u32;
    let (cx0, cy0) = (x0.saturating_sub(margin), y0.saturating_sub(margin));
    let (cx1, cy1) = ((x1 + margin).min(w), (y1 + margin).min(h));
    let crop = page.pixels.crop_imm(cx0, cy0, cx1 - cx0, cy1 - cy0);
    let crop = if crop.width().max(crop.height()) > SEAL_CROP_SIDE {
        crop.resize(SEAL_CROP_SIDE, SEAL_CROP_SIDE, FilterType::Triangle)
    } else {
        crop
    };
    let mut out = std::io::Cursor::new(Vec::new());
    crop.write_to(&mut out, ImageFormat::Png)
        .map_err(|source| PreviewError::Encode { what: "seal crop", source })?;
    Ok(out.into_inner())
}

/// A highlighted stretch of one OCR line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitBox {
    /// `[x0, y0, x1, y1]` in page-image pixels.
    pub bbox: [u32; 4],
    /// The matched text.
    pub text: String,
}

/// Boxes around `ranges` (byte ranges of `text`, as `indexer::highlight`
/// returns them), given the page's OCR `lines`, whose texts joined by `\n`
/// make `text`. Within a line the box spans the matched characters'
/// share of the line's width (OCR keeps line boxes, not character boxes). A
/// match across a line break gives one box per line. Lines whose text does
/// not agree with `text` get no box.
pub fn hit_boxes(text: &str, lines: &[indexer::LineRecord], ranges: &[Range<usize>]) -> Vec<HitBox> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in lines {
        let end = start + line.text.len();
        if text.get(start..end) != Some(line.text.as_str()) {
            break;
        }
        let chars = line.text.chars().count().max(1) as u64;
        let [x0, y0, x1, y1] = line.bbox;
        for r in ranges {
            let (from, to) = (r.start.max(start), r.end.min(end));
            if from >= to || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
                continue;
            }
            let before = text[start..from].chars().count() as u64;
            let upto = before + text[from..to].chars().count() as u64;
            let width = u64::from(x1.saturating_sub(x0));
            let bx0 = x0 + (width * before / chars) as u32;
            let bx1 = x0 + (width * upto).div_ceil(chars) as u32;
            out.push(HitBox { bbox: [bx0, y0, bx1.min(x1), y1], text: text[from..to].to_string() });
        }
        start = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Original;
    use image::{GrayImage, Luma, Rgb, RgbImage};
    use indexer::LineRecord;

    fn line(text: &str, bbox: [u32; 4]) -> LineRecord {
        LineRecord { text: text.into(), bbox }
    }

    #[test]
    fn boxes_cover_the_matched_characters() {
        let lines = [line("業務委託契約書", [100, 50, 800, 120]), line("甲は乙に署名捺印する", [100, 200, 1100, 260])];
        let text = "業務委託契約書\n甲は乙に署名捺印する";
        let boxes = hit_boxes(text, &lines, &indexer::highlight(text, "署名捺印"));
        // Characters 4..8 of 10 on a 1000 px line: 400..800.
        assert_eq!(boxes, vec![HitBox { bbox: [500, 200, 900, 260], text: "署名捺印".into() }]);
        // Across the line break: one box on each line.
        let boxes = hit_boxes(text, &lines, &indexer::highlight(text, "契約書甲は"));
        assert_eq!(boxes.iter().map(|b| b.text.as_str()).collect::<Vec<_>>(), ["契約書", "甲は"]);
        assert_eq!(boxes[0].bbox, [500, 50, 800, 120]);
        assert_eq!(boxes[1].bbox, [100, 200, 300, 260]);
        // Lines that do not make up the text: nothing rather than wrong boxes.
        assert!(hit_boxes("別の文章", &lines, std::slice::from_ref(&(0..3))).is_empty());
    }

    #[test]
    fn previews_are_small_jpegs_and_crops_small_pngs() {
        let page = PageImage {
            pixels: DynamicImage::ImageRgb8(RgbImage::from_fn(2000, 2800, |x, y| if (x / 40 + y / 40) % 2 == 0 { Rgb([200, 30, 40]) } else { Rgb([250, 250, 250]) })),
            mode: ColorMode::Color,
            dpi: (300.0, 300.0),
            dpi_from_file: true,
            original: Original::None,
        };
        let jpeg = page_jpeg(&page).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (PREVIEW_WIDTH, 1260));
        let png = seal_png(&page, [1800, 2600, 2000, 2800]).unwrap();
        let crop = image::load_from_memory_with_format(&png, ImageFormat::Png).unwrap();
        assert_eq!((crop.width(), crop.height()), (200, 200), "230 px with the margin, clamped at the page edge, then scaled");
        assert!(seal_png(&page, [2100, 10, 2200, 50]).is_err());
        let bilevel = PageImage { pixels: DynamicImage::ImageLuma8(GrayImage::from_pixel(300, 200, Luma([255]))), mode: ColorMode::Bilevel, ..page };
        assert_eq!(image::load_from_memory(&page_jpeg(&bilevel).unwrap()).unwrap().width(), 300);
    }
}
