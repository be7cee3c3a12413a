//! Just enough JPEG parsing to pass a scanner's JPEG into the PDF untouched:
//! the frame header (size, components) and whether an Adobe APP14 marker is
//! present (which, for 4-component files, means inverted CMYK).

/// What the PDF image dictionary needs to know about a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct JpegInfo {
    /// Width in pixels (SOF).
    pub width: u32,
    /// Height in pixels (SOF).
    pub height: u32,
    /// Number of colour components: 1, 3 or 4.
    pub components: u8,
    /// An Adobe APP14 marker is present.
    pub adobe: bool,
}

/// Why a JPEG is not passed through as-is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum JpegRejected {
    /// Not a JPEG file, or it ends before its frame header.
    #[error("no JPEG frame header found")]
    NoFrame,
    /// Lossless, hierarchical or arithmetic-coded: not every PDF reader decodes it.
    #[error("JPEG process SOF{0} is not passed through")]
    Process(u8),
    /// Only 8-bit samples are valid in a PDF DCTDecode image.
    #[error("{0}-bit JPEG samples are not passed through")]
    Precision(u8),
    /// Neither gray, RGB/YCbCr nor CMYK.
    #[error("JPEG with {0} components is not passed through")]
    Components(u8),
    /// Height 0 in SOF (defined later by a DNL marker): the PDF needs it up front.
    #[error("JPEG without a height in its frame header")]
    NoHeight,
}

/// Reads the frame header of the JPEG in `data`. Accepts baseline, extended
/// sequential and progressive Huffman JPEGs with 8-bit samples and 1, 3 or 4
/// components.
pub(super) fn jpeg_info(data: &[u8]) -> Result<JpegInfo, JpegRejected> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err(JpegRejected::NoFrame);
    }
    let mut adobe = false;
    let mut frame: Option<JpegInfo> = None;
    let mut pos = 2;
    loop {
        // Markers are 0xFF, any number of 0xFF fill bytes, then the code.
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            break;
        };
        pos += 2;
        match marker {
            // Stand-alone markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            // Start of scan or end of image: every header we need comes before.
            0xDA | 0xD9 => break,
            _ => {}
        }
        let Some(len) = data
            .get(pos..pos + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
        else {
            break;
        };
        let Some(segment) = data.get(pos + 2..pos + len.max(2)) else {
            break;
        };
        pos += len.max(2);
        match marker {
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let sof = marker - 0xC0;
                if !matches!(sof, 0..=2) {
                    return Err(JpegRejected::Process(sof));
                }
                if segment.len() < 6 {
                    return Err(JpegRejected::NoFrame);
                }
                if segment[0] != 8 {
                    return Err(JpegRejected::Precision(segment[0]));
                }
                let height = u16::from_be_bytes([segment[1], segment[2]]) as u32;
                let width = u16::from_be_bytes([segment[3], segment[4]]) as u32;
                let components = segment[5];
                if !matches!(components, 1 | 3 | 4) {
                    return Err(JpegRejected::Components(components));
                }
                if height == 0 {
                    return Err(JpegRejected::NoHeight);
                }
                frame = Some(JpegInfo {
                    width,
                    height,
                    components,
                    adobe: false,
                });
            }
            _ => {}
        }
    }
    frame
        .map(|f| JpegInfo { adobe, ..f })
        .ok_or(JpegRejected::NoFrame)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG encoded by the `image` crate.
    fn encoded(w: u32, h: u32, color: image::ExtendedColorType) -> Vec<u8> {
        let channels = color.channel_count() as usize;
        let pixels: Vec<u8> = (0..w as usize * h as usize * channels)
            .map(|i| (i * 7) as u8)
            .collect();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode(&pixels, w, h, color)
            .unwrap();
        out
    }

    #[test]
    fn reads_size_and_components() {
        let rgb = jpeg_info(&encoded(33, 17, image::ExtendedColorType::Rgb8)).unwrap();
        assert_eq!(
            rgb,
            JpegInfo {
                width: 33,
                height: 17,
                components: 3,
                adobe: false
            }
        );
        let gray = jpeg_info(&encoded(8, 9, image::ExtendedColorType::L8)).unwrap();
        assert_eq!((gray.width, gray.height, gray.components), (8, 9, 1));
    }

    /// A hand-made header: SOI, APP14 Adobe, SOFn with the given fields, SOS.
    fn header(sof: u8, precision: u8, h: u16, w: u16, comps: u8) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend_from_slice(&[0xFF, 0xEE, 0, 14]);
        v.extend_from_slice(b"Adobe\x00\x64\x00\x00\x00\x00\x02");
        // Fill bytes before the marker are allowed.
        v.extend_from_slice(&[0xFF, 0xFF, 0xC0 + sof, 0, 8 + 3 * comps, precision]);
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&w.to_be_bytes());
        v.push(comps);
        for c in 0..comps {
            v.extend_from_slice(&[c + 1, 0x11, 0]);
        }
        v.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn adobe_cmyk_and_progressive_are_recognised() {
        let info = jpeg_info(&header(2, 8, 3508, 2480, 4)).unwrap();
        assert_eq!(
            info,
            JpegInfo {
                width: 2480,
                height: 3508,
                components: 4,
                adobe: true
            }
        );
    }

    #[test]
    fn rejects_what_pdf_readers_may_not_decode() {
        assert_eq!(
            jpeg_info(&header(3, 8, 10, 10, 1)),
            Err(JpegRejected::Process(3))
        );
        assert_eq!(
            jpeg_info(&header(9, 8, 10, 10, 3)),
            Err(JpegRejected::Process(9))
        );
        assert_eq!(
            jpeg_info(&header(1, 12, 10, 10, 1)),
            Err(JpegRejected::Precision(12))
        );
        assert_eq!(
            jpeg_info(&header(0, 8, 10, 10, 2)),
            Err(JpegRejected::Components(2))
        );
        assert_eq!(
            jpeg_info(&header(0, 8, 0, 10, 1)),
            Err(JpegRejected::NoHeight)
        );
        assert_eq!(jpeg_info(b"\x89PNG\r\n"), Err(JpegRejected::NoFrame));
        assert_eq!(
            jpeg_info(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00]),
            Err(JpegRejected::NoFrame)
        );
    }
}
