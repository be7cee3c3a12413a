//! The decoded page: what every stage after decode works on.

use image::DynamicImage;

/// How the page was scanned. Decides the seal detector's path and how the
/// image is stored in the output PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// Three colour channels; `PageImage::pixels` is `Rgb8`.
    Color,
    /// One 8-bit channel; `PageImage::pixels` is `Luma8`.
    Gray,
    /// Black and white (fax, G4); `PageImage::pixels` is `Luma8` holding only 0 and 255.
    Bilevel,
}

/// The scanner's own encoding of the page, kept so that the PDF writer can
/// pass it through without re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    /// Nothing to pass through; the PDF writer encodes the pixels itself.
    None,
    /// A baseline JPEG file (SOI..EOI), usable as-is as a DCTDecode stream.
    Jpeg(Vec<u8>),
}

/// One page of a scan, decoded.
#[derive(Debug, Clone)]
pub struct PageImage {
    /// The pixels, in the orientation stored in the file.
    pub pixels: DynamicImage,
    /// Colour, gray or bilevel; matches the pixel layout of `pixels`.
    pub mode: ColorMode,
    /// Horizontal and vertical resolution in dots per inch.
    pub dpi: (f32, f32),
    /// False when the file carried no usable resolution and `dpi` is the default (300).
    pub dpi_from_file: bool,
    /// The scanner's encoding of this page, for pass-through into the PDF.
    pub original: Original,
}

impl PageImage {
    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.pixels.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.pixels.height()
    }
}
