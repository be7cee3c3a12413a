//! The one place that holds leptonica pictures (`PIX`): an owning wrapper and
//! the conversion into `image` buffers. Leptonica is used where the Rust codecs
//! fall short: reading TIFF (Fax3/G3, YCbCr-JPEG and every other libtiff
//! flavour), and G4-encoding bilevel pages for the PDF writer (`pdf/g4.rs`).

use image::{DynamicImage, GrayImage, RgbImage};
use leptonica_sys as lep;

use crate::page::ColorMode;

/// An owned leptonica `PIX`, destroyed on drop.
pub(crate) struct Pix(*mut lep::PIX);

impl Pix {
    /// Takes ownership of a pointer returned by a leptonica constructor; `None` if null.
    pub(crate) fn from_raw(ptr: *mut lep::PIX) -> Option<Pix> {
        (!ptr.is_null()).then_some(Pix(ptr))
    }

    /// The raw pointer, for leptonica calls; valid while `self` lives.
    pub(crate) fn as_ptr(&self) -> *mut lep::PIX {
        self.0
    }

    /// Horizontal and vertical resolution in pixels per inch, 0 when unknown.
    pub(crate) fn resolution(&self) -> (i32, i32) {
        // SAFETY: self.0 is a valid PIX for the life of self.
        unsafe { (lep::pixGetXRes(self.0), lep::pixGetYRes(self.0)) }
    }

    /// Converts to an `image` buffer: 1 bpp → bilevel `Luma8` (0 black, 255
    /// white), 2/4/8 bpp gray or colour-mapped → `Luma8` or `Rgb8`, 32 bpp → `Rgb8`.
    pub(crate) fn to_image(&self) -> Option<(DynamicImage, ColorMode)> {
        // SAFETY: all reads stay within h rows of wpl words of the PIX data.
        unsafe {
            let p = &*self.0;
            let mut owned = None;
            let mut src = self.0;
            if !p.colormap.is_null() || (p.d != 1 && p.d != 8 && p.d != 32) {
                let conv = if !p.colormap.is_null() {
                    lep::pixRemoveColormap(self.0, lep::REMOVE_CMAP_BASED_ON_SRC as i32)
                } else if p.d < 8 {
                    lep::pixConvertTo8(self.0, 0)
                } else {
                    lep::pixConvertTo32(self.0)
                };
                owned = Some(Pix::from_raw(conv)?);
                src = owned.as_ref().unwrap().0;
            }
            let p = &*src;
            let (w, h, wpl) = (p.w as usize, p.h as usize, p.wpl as usize);
            let words = std::slice::from_raw_parts(p.data, wpl * h);
            let out = match p.d {
                1 => {
                    let mut img = GrayImage::new(w as u32, h as u32);
                    for (y, row) in img.chunks_exact_mut(w).enumerate() {
                        let line = &words[y * wpl..(y + 1) * wpl];
                        for (x, px) in row.iter_mut().enumerate() {
                            let bit = (line[x / 32] >> (31 - (x % 32))) & 1;
                            *px = if bit == 1 { 0 } else { 255 };
                        }
                    }
                    (DynamicImage::ImageLuma8(img), ColorMode::Bilevel)
                }
                8 => {
                    let mut img = GrayImage::new(w as u32, h as u32);
                    for (y, row) in img.chunks_exact_mut(w).enumerate() {
                        let line = &words[y * wpl..(y + 1) * wpl];
                        for (x, px) in row.iter_mut().enumerate() {
                            *px = (line[x / 4] >> (8 * (3 - (x % 4)))) as u8;
                        }
                    }
                    (DynamicImage::ImageLuma8(img), ColorMode::Gray)
                }
                32 => {
                    let mut img = RgbImage::new(w as u32, h as u32);
                    for (y, row) in img.chunks_exact_mut(3 * w).enumerate() {
                        let line = &words[y * wpl..(y + 1) * wpl];
                        for (x, px) in row.chunks_exact_mut(3).enumerate() {
                            let v = line[x];
                            px.copy_from_slice(&[(v >> 24) as u8, (v >> 16) as u8, (v >> 8) as u8]);
                        }
                    }
                    (DynamicImage::ImageRgb8(img), ColorMode::Color)
                }
                _ => return None,
            };
            drop(owned);
            Some(out)
        }
    }
}

impl Drop for Pix {
    fn drop(&mut self) {
        // SAFETY: we own the pointer; pixDestroy nulls it.
        unsafe { lep::pixDestroy(&mut self.0) }
    }
}

/// Silences leptonica's own error printing: inkan reports failures itself, in one sentence.
pub(crate) fn quiet() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: setMsgSeverity only stores an int.
    ONCE.call_once(|| unsafe {
        lep::setMsgSeverity(lep::L_SEVERITY_NONE as i32);
    });
}

/// Reads every page of a TIFF held in memory.
pub(crate) fn read_tiff_pages(data: &[u8]) -> Vec<Pix> {
    quiet();
    let mut pages = Vec::new();
    let mut offset: usize = 0;
    loop {
        // SAFETY: leptonica reads `data` only; offset is updated to the next IFD, 0 at the end.
        let pix = unsafe { lep::pixReadMemFromMultipageTiff(data.as_ptr(), data.len(), &mut offset) };
        match Pix::from_raw(pix) {
            Some(p) => pages.push(p),
            None => break,
        }
        if offset == 0 {
            break;
        }
    }
    pages
}
