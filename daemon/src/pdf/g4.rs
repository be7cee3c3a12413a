//! CCITT Group 4 encoding of bilevel pages, by leptonica (libtiff's fax
//! encoder underneath).
//!
//! The pixels are packed into a 1-bpp leptonica `PIX`, written as a one-strip
//! G4 TIFF to memory (`pixWriteMemTiff`), and the strip is lifted out: it is
//! exactly what a PDF `/CCITTFaxDecode` filter with `/K -1` reads.
//! (`pixGenerateCIData(.., L_G4_ENCODE, ..)` would do the same through a
//! temporary file in leptonica 1.82, hence the in-memory route.)

use image::GrayImage;
use leptonica_sys as lep;

use crate::pix::Pix;

/// A page's G4 data and how to read it.
#[derive(Debug)]
pub(super) struct G4Data {
    /// The encoded strip: `/CCITTFaxDecode` input with `/K -1`.
    pub data: Vec<u8>,
    /// `/BlackIs1`: whether 1 bits of the decoded image are black (TIFF
    /// "min-is-black" photometric), as opposed to the usual fax sense.
    pub black_is_1: bool,
}

/// Why leptonica's G4 data could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum G4Error {
    /// The image has no pixels.
    #[error("empty image")]
    Empty,
    /// The image is larger than leptonica's signed 32-bit dimensions.
    #[error("image too large for leptonica")]
    TooLarge,
    /// A leptonica call returned an error or a null pointer.
    #[error("leptonica {0} failed")]
    Leptonica(&'static str),
    /// The TIFF leptonica wrote is not the one-strip G4 file expected.
    #[error("unexpected G4 TIFF from leptonica: {0}")]
    Tiff(&'static str),
}

/// A buffer allocated by leptonica, freed with `lept_free` on drop.
struct LeptBytes {
    ptr: *mut u8,
    len: usize,
}

impl LeptBytes {
    fn as_slice(&self) -> &[u8] {
        if self.ptr.is_null() {
            return &[];
        }
        // SAFETY: leptonica returned `len` initialised bytes at `ptr`, alive until drop.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Drop for LeptBytes {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the buffer was allocated by leptonica and is freed exactly once.
            unsafe { lep::lept_free(self.ptr.cast()) }
        }
    }
}

/// G4-encodes a bilevel image: pixels below 128 are black, the rest white.
pub(super) fn encode_g4(img: &GrayImage) -> Result<G4Data, G4Error> {
    let (w, h) = img.dimensions();
    let (wi, hi) = (
        i32::try_from(w).map_err(|_| G4Error::TooLarge)?,
        i32::try_from(h).map_err(|_| G4Error::TooLarge)?,
    );
    if w == 0 || h == 0 {
        return Err(G4Error::Empty);
    }
    // SAFETY: pixCreate returns a zeroed (all white) 1-bpp image or null.
    let pix = Pix::from_raw(unsafe { lep::pixCreate(wi, hi, 1) }).ok_or(G4Error::Leptonica("pixCreate"))?;
    // SAFETY: the PIX owns h rows of wpl 32-bit words; we write only inside them,
    // and nothing else aliases the data while the slice lives.
    let words = unsafe {
        let wpl = lep::pixGetWpl(pix.as_ptr()) as usize;
        let data = lep::pixGetData(pix.as_ptr());
        if data.is_null() || wpl * 32 < w as usize {
            return Err(G4Error::Leptonica("pixGetData"));
        }
        std::slice::from_raw_parts_mut(data, wpl * h as usize)
    };
    pack_rows(img, words);

    let mut out = LeptBytes {
        ptr: std::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: pix is a valid 1-bpp PIX; leptonica stores a malloc'd buffer in out.
    let rc =
        unsafe { lep::pixWriteMemTiff(&mut out.ptr, &mut out.len, pix.as_ptr(), lep::IFF_TIFF_G4 as i32) };
    if rc != 0 || out.ptr.is_null() {
        return Err(G4Error::Leptonica("pixWriteMemTiff"));
    }
    let strip = single_g4_strip(out.as_slice(), w, h)?;
    Ok(G4Data {
        data: strip.data.to_vec(),
        black_is_1: strip.min_is_black,
    })
}

/// Packs `img` into leptonica's 1-bpp layout: black = 1, each row `wpl` words,
/// the leftmost pixel in a word's most significant bit (native word order).
fn pack_rows(img: &GrayImage, words: &mut [u32]) {
    let w = img.width() as usize;
    if w == 0 {
        return;
    }
    let wpl = words.len() / img.height() as usize;
    let mut bytes = vec![0u8; wpl * 4];
    for (row, line) in img
        .as_raw()
        .chunks_exact(w)
        .zip(words.chunks_exact_mut(wpl))
    {
        let full = row.chunks_exact(8);
        let rest = full.remainder();
        let mut out = bytes.iter_mut();
        // `full` first: zip must not take a byte from `out` once `full` is done.
        for (px, byte) in full.zip(&mut out) {
            *byte = black_bits(px.try_into().expect("chunks of 8"));
        }
        if !rest.is_empty() {
            let mut px = [255u8; 8];
            px[..rest.len()].copy_from_slice(rest);
            *out.next().expect("wpl covers the row") = black_bits(px);
        }
        for (word, b) in line.iter_mut().zip(bytes.chunks_exact(4)) {
            *word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        }
    }
}

/// The bits of 8 pixels, first pixel in the most significant bit, 1 where a
/// pixel is black (below 128, i.e. its top bit is clear). The multiply gathers
/// the eight top bits into the top byte without carries: pixel `i`'s bit (at
/// 63 − 8i) meets the multiplier's bit 7i at 63 − i.
fn black_bits(px: [u8; 8]) -> u8 {
    let tops = !u64::from_be_bytes(px) & 0x8080_8080_8080_8080;
    (tops.wrapping_mul(0x0002_0408_1020_4081) >> 56) as u8
}

/// The strip of a one-strip G4 TIFF and its photometric interpretation.
#[derive(Debug, PartialEq, Eq)]
struct Strip<'a> {
    /// The compressed strip.
    data: &'a [u8],
    /// Photometric 1 (min-is-black) rather than 0 (min-is-white).
    min_is_black: bool,
}

/// Finds the single G4 strip of the TIFF `tiff`, checking that it is `w`×`h`,
/// CCITT T.6 compressed, MSB-first, one strip.
fn single_g4_strip(tiff: &[u8], w: u32, h: u32) -> Result<Strip<'_>, G4Error> {
    let bad = G4Error::Tiff;
    let little = match tiff.get(..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return Err(bad("not a classic TIFF")),
    };
    let u16_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at + 2)?;
        Some(if little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        } as u32)
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4).ok_or(bad("truncated header"))? as usize;
    let n = u16_at(ifd).ok_or(bad("truncated IFD"))? as usize;
    let (mut width, mut height, mut compression, mut photometric, mut fill_order) =
        (None, None, None, 0, 1);
    let (mut offset, mut count) = (None, None);
    for i in 0..n {
        let e = ifd + 2 + 12 * i;
        let (tag, typ, cnt) = (u16_at(e), u16_at(e + 2), u32_at(e + 4));
        let (Some(tag), Some(typ), Some(cnt)) = (tag, typ, cnt) else {
            return Err(bad("truncated IFD entry"));
        };
        // A single SHORT (3) or LONG (4) value sits in the entry itself.
        let value = match (typ, cnt) {
            (3, 1) => u16_at(e + 8),
            (4, 1) => u32_at(e + 8),
            _ => None,
        };
        match tag {
            256 => width = value,
            257 => height = value,
            259 => compression = value,
            262 => photometric = value.ok_or(bad("photometric"))?,
            266 => fill_order = value.ok_or(bad("fill order"))?,
            273 => offset = Some(value.ok_or(bad("more than one strip"))?),
            279 => count = Some(value.ok_or(bad("more than one strip"))?),
            _ => {}
        }
    }
    if compression != Some(4) {
        return Err(bad("not CCITT T.6"));
    }
    if width != Some(w) || height != Some(h) {
        return Err(bad("size differs from the image"));
    }
    if fill_order != 1 {
        return Err(bad("LSB-first fill order"));
    }
    if photometric > 1 {
        return Err(bad("photometric neither min-is-white nor min-is-black"));
    }
    let (Some(offset), Some(count)) = (offset, count) else {
        return Err(bad("no strip"));
    };
    let data = tiff
        .get(offset as usize..offset as usize + count as usize)
        .ok_or(bad("strip out of bounds"))?;
    Ok(Strip {
        data,
        min_is_black: photometric == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_msb_first_black_is_one() {
        // 40 px wide: two words per row; black at x = 0, 9, 31, 32, 39.
        let mut img = GrayImage::from_pixel(40, 2, image::Luma([255]));
        for x in [0, 9, 31, 32, 39] {
            img.put_pixel(x, 1, image::Luma([0]));
        }
        img.put_pixel(1, 0, image::Luma([127]));
        let mut words = vec![0u32; 4];
        pack_rows(&img, &mut words);
        assert_eq!(words, vec![0x4000_0000, 0, 0x8040_0001, 0x8100_0000]);

        // A row that ends inside a byte: the padding stays white.
        let mut img = GrayImage::from_pixel(13, 1, image::Luma([255]));
        img.put_pixel(12, 0, image::Luma([0]));
        let mut words = vec![0u32; 1];
        pack_rows(&img, &mut words);
        assert_eq!(words, vec![0x0008_0000]);
    }

    #[test]
    fn black_bits_of_every_position() {
        for i in 0..8 {
            let mut px = [255u8; 8];
            px[i] = 0;
            assert_eq!(black_bits(px), 0x80 >> i);
            let mut px = [0u8; 8];
            px[i] = 128;
            assert_eq!(black_bits(px), !(0x80u8 >> i));
        }
        assert_eq!(
            black_bits([127, 128, 0, 255, 1, 200, 100, 130]),
            0b1010_1010
        );
    }

    #[test]
    fn encodes_a_page_as_one_g4_strip() {
        let mut img = GrayImage::from_pixel(200, 120, image::Luma([255]));
        for y in 30..60 {
            for x in 20..180 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        let g4 = encode_g4(&img).unwrap();
        assert!(!g4.black_is_1, "leptonica writes 1 bpp as min-is-white");
        // A rectangle codes to a handful of bytes, far below the 3000 raw bytes.
        assert!(
            !g4.data.is_empty() && g4.data.len() < 200,
            "{}",
            g4.data.len()
        );
    }

    #[test]
    fn rejects_unexpected_tiffs() {
        assert_eq!(
            single_g4_strip(b"GIF89a", 1, 1),
            Err(G4Error::Tiff("not a classic TIFF"))
        );
        assert_eq!(
            single_g4_strip(b"II*\0\x08\0\0\0", 1, 1),
            Err(G4Error::Tiff("truncated IFD"))
        );
    }
}
