//! The page image as a PDF image XObject, passed through or encoded
//! losslessly:
//!
//! | page                                  | stream                          |
//! |---------------------------------------|---------------------------------|
//! | `Original::Jpeg` (8-bit, SOF0/1/2)    | `/DCTDecode`, the file's bytes  |
//! | `ColorMode::Bilevel`                  | `/CCITTFaxDecode` G4, 1 bit     |
//! | `ColorMode::Gray`                     | `/FlateDecode`, 8-bit DeviceGray|
//! | `ColorMode::Color`                    | `/FlateDecode`, 8-bit DeviceRGB |
//!
//! A JPEG that cannot be passed through (see [`JpegRejected`]) or whose size
//! differs from the decoded pixels falls back to the row below it, as does a
//! bilevel page leptonica fails to encode.

use std::io::Write as _;

use image::DynamicImage;
use lopdf::{dictionary, Dictionary, Object, Stream};

use super::g4::encode_g4;
use super::jpeg::{jpeg_info, JpegInfo, JpegRejected};
use crate::page::{ColorMode, Original, PageImage};

/// How the page image went into the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ImageEncoding {
    /// The scanner's JPEG, unchanged.
    Jpeg,
    /// CCITT Group 4.
    G4,
    /// Deflate of the raw 8-bit samples.
    Flate,
}

/// Builds the image XObject stream for `page`, choosing the encoding per the
/// module table.
pub(super) fn image_xobject(page: &PageImage) -> Result<(Stream, ImageEncoding), std::io::Error> {
    if let Original::Jpeg(bytes) = &page.original {
        match jpeg_info(bytes) {
            Ok(info) if (info.width, info.height) == (page.width(), page.height()) => {
                return Ok((jpeg_stream(bytes, info), ImageEncoding::Jpeg));
            }
            Ok(info) => tracing::warn!(
                jpeg = ?(info.width, info.height),
                pixels = ?(page.width(), page.height()),
                "JPEG size differs from the decoded page; encoding the pixels instead"
            ),
            Err(e @ JpegRejected::NoFrame) => tracing::warn!("{e}; encoding the pixels instead"),
            Err(e) => tracing::debug!("{e}; encoding the pixels instead"),
        }
    }
    if page.mode == ColorMode::Bilevel {
        let luma;
        let gray = match &page.pixels {
            DynamicImage::ImageLuma8(g) => g,
            other => {
                luma = other.to_luma8();
                &luma
            }
        };
        match encode_g4(gray) {
            Ok(g4) => {
                let dict = dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => gray.width(),
                    "Height" => gray.height(),
                    "ColorSpace" => "DeviceGray",
                    "BitsPerComponent" => 1,
                    "Filter" => "CCITTFaxDecode",
                    "DecodeParms" => dictionary! {
                        "K" => -1,
                        "Columns" => gray.width(),
                        "Rows" => gray.height(),
                        "BlackIs1" => g4.black_is_1,
                    },
                };
                return Ok((
                    Stream::new(dict, g4.data).with_compression(false),
                    ImageEncoding::G4,
                ));
            }
            Err(e) => tracing::warn!("G4 encoding failed ({e}); using Flate"),
        }
    }
    flate_stream(&page.pixels).map(|s| (s, ImageEncoding::Flate))
}

/// The JPEG file as a `/DCTDecode` image, bytes untouched.
fn jpeg_stream(bytes: &[u8], info: JpegInfo) -> Stream {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => info.width,
        "Height" => info.height,
        "BitsPerComponent" => 8,
        "Filter" => "DCTDecode",
    };
    let space = match info.components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    dict.set("ColorSpace", space);
    if info.components == 4 && info.adobe {
        // Adobe writes CMYK JPEGs inverted.
        let decode: Vec<Object> = [1, 0, 1, 0, 1, 0, 1, 0]
            .into_iter()
            .map(Object::from)
            .collect();
        dict.set("Decode", decode);
    }
    Stream::new(dict, bytes.to_vec()).with_compression(false)
}

/// The raw 8-bit samples, deflated at the fast level: `Luma8` as DeviceGray,
/// `Rgb8` as DeviceRGB; any other layout is converted to one of those first.
fn flate_stream(pixels: &DynamicImage) -> Result<Stream, std::io::Error> {
    let converted;
    let (raw, space): (&[u8], &str) = match pixels {
        DynamicImage::ImageLuma8(g) => (g.as_raw(), "DeviceGray"),
        DynamicImage::ImageRgb8(c) => (c.as_raw(), "DeviceRGB"),
        DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageLumaA16(_) => {
            converted = DynamicImage::ImageLuma8(pixels.to_luma8());
            (converted.as_bytes(), "DeviceGray")
        }
        _ => {
            converted = DynamicImage::ImageRgb8(pixels.to_rgb8());
            (converted.as_bytes(), "DeviceRGB")
        }
    };
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(raw.len() / 4),
        flate2::Compression::fast(),
    );
    z.write_all(raw)?;
    let data = z.finish()?;
    let dict: Dictionary = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => pixels.width(),
        "Height" => pixels.height(),
        "ColorSpace" => space,
        "BitsPerComponent" => 8,
        "Filter" => "FlateDecode",
    };
    Ok(Stream::new(dict, data).with_compression(false))
}
