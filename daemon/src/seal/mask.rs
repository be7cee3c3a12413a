//! Stage 1: the page at ~150 dpi and a mask of "could be seal ink" pixels.
//!
//! One pass over the full-resolution pixels builds a small map; every later
//! step works on that map (a 300-dpi A4 page becomes 1240×1754).

use image::{GrayImage, RgbImage};

/// The working resolution the detector aims for, in dots per inch.
pub const WORK_DPI: f32 = 150.0;

/// The page reduced to the working resolution, with its ink mask.
pub struct WorkMap {
    /// Width in working pixels.
    pub w: usize,
    /// Height in working pixels.
    pub h: usize,
    /// Full-resolution pixels per working pixel (an integer block size).
    pub factor: u32,
    /// Working pixels per millimetre.
    pub ppm: f32,
    /// Per working pixel: ink strength 0–255 (redness for colour, darkness
    /// for gray and bilevel); used for texture features.
    pub value: Vec<u8>,
    /// Per working pixel: 1 where the pixel may be seal ink.
    pub mask: Vec<u8>,
}

impl WorkMap {
    fn new(w: usize, h: usize, factor: u32, dpi: f32) -> Self {
        WorkMap {
            w,
            h,
            factor,
            ppm: dpi / factor as f32 / 25.4,
            value: vec![0; w * h],
            mask: vec![0; w * h],
        }
    }
}

/// The block size that brings `dpi` closest to [`WORK_DPI`] (at least 1).
pub fn block_factor(dpi: f32) -> u32 {
    ((dpi / WORK_DPI).round() as u32).max(1)
}

/// The `q`-quantile (0–1) of a histogram of `n` values.
fn quantile(hist: &[u32; 256], n: usize, q: f32) -> u8 {
    let target = (n as f32 * q) as u64;
    let mut acc = 0u64;
    for (v, &c) in hist.iter().enumerate() {
        acc += c as u64;
        if acc > target {
            return v as u8;
        }
    }
    255
}

/// Colour scans: redness `R − max(G,B)` of each block's mean colour. The
/// threshold follows the paper: yellowed or pink paper raises it.
pub fn color_map(img: &RgbImage, dpi: f32) -> WorkMap {
    let f = block_factor(dpi);
    let (fw, fh) = (img.width() as usize, img.height() as usize);
    let (w, h) = (fw / f as usize, fh / f as usize);
    let mut m = WorkMap::new(w, h, f, dpi);
    let raw = img.as_raw();
    let mut acc = vec![[0u32; 3]; w];
    let n = (f * f) as u32;
    let mut hist = [0u32; 256];
    for y in 0..h {
        acc.iter_mut().for_each(|a| *a = [0; 3]);
        for dy in 0..f as usize {
            let row = &raw[(y * f as usize + dy) * fw * 3..][..w * f as usize * 3];
            for (a, block) in acc.iter_mut().zip(row.chunks_exact(f as usize * 3)) {
                for px in block.chunks_exact(3) {
                    a[0] += px[0] as u32;
                    a[1] += px[1] as u32;
                    a[2] += px[2] as u32;
                }
            }
        }
        let out = &mut m.value[y * w..][..w];
        for (o, a) in out.iter_mut().zip(&acc) {
            let (r, g, b) = (a[0] / n, a[1] / n, a[2] / n);
            let red = r.saturating_sub(g.max(b));
            *o = red as u8;
            hist[red as usize] += 1;
        }
    }
    let paper = quantile(&hist, w * h, 0.5);
    let thr = (paper as u32 + 26).max(34) as u8;
    for (mk, &v) in m.mask.iter_mut().zip(&m.value) {
        *mk = (v >= thr) as u8;
    }
    m
}

/// Grayscale scans: the red ink became mid-gray. Blocks are min-pooled so
/// thin black strokes stay black; the mask is the band between text black
/// and paper white, minus the anti-aliased halo around black strokes.
pub fn gray_map(img: &GrayImage, dpi: f32) -> WorkMap {
    let f = block_factor(dpi);
    let (fw, fh) = (img.width() as usize, img.height() as usize);
    let (w, h) = (fw / f as usize, fh / f as usize);
    let mut m = WorkMap::new(w, h, f, dpi);
    let raw = img.as_raw();
    let mut hist = [0u32; 256];
    let mut mins = vec![255u8; w];
    for y in 0..h {
        mins.iter_mut().for_each(|v| *v = 255);
        for dy in 0..f as usize {
            let row = &raw[(y * f as usize + dy) * fw..][..w * f as usize];
            for (x, mn) in mins.iter_mut().enumerate() {
                for &p in &row[x * f as usize..][..f as usize] {
                    *mn = (*mn).min(p);
                }
            }
        }
        for (x, &v) in mins.iter().enumerate() {
            m.value[y * w + x] = 255 - v;
            hist[v as usize] += 1;
        }
    }
    let paper = quantile(&hist, w * h, 0.80) as f32;
    let black = quantile(&hist, w * h, 0.005) as f32;
    let span = (paper - black).max(40.0);
    // In darkness units (255 - gray): ink darker than `lo` but not black.
    let hi_gray = paper - 0.13 * span; // lighter than this: paper
    let lo_gray = black + 0.22 * span; // darker than this: black text
    let (dmin, dmax) = ((255.0 - hi_gray) as u8, (255.0 - lo_gray) as u8);
    for i in 0..w * h {
        let d = m.value[i];
        m.mask[i] = (d >= dmin && d <= dmax) as u8;
    }
    // Halo: mid-gray right next to black is the edge of a black stroke.
    let dark: Vec<u8> = m.value.iter().map(|&d| (d > dmax) as u8).collect();
    let grown = dilate(&dark, w, h);
    for i in 0..w * h {
        if grown[i] != 0 {
            m.mask[i] = 0;
        }
    }
    m
}

/// Bilevel scans: the fraction of black in each block.
pub fn bilevel_map(img: &GrayImage, dpi: f32) -> WorkMap {
    let f = block_factor(dpi);
    let (fw, fh) = (img.width() as usize, img.height() as usize);
    let (w, h) = (fw / f as usize, fh / f as usize);
    let mut m = WorkMap::new(w, h, f, dpi);
    let raw = img.as_raw();
    let n = f * f;
    let mut acc = vec![0u32; w];
    for y in 0..h {
        acc.iter_mut().for_each(|a| *a = 0);
        for dy in 0..f as usize {
            let row = &raw[(y * f as usize + dy) * fw..][..w * f as usize];
            for (x, a) in acc.iter_mut().enumerate() {
                for &p in &row[x * f as usize..][..f as usize] {
                    *a += (p < 128) as u32;
                }
            }
        }
        for (x, &a) in acc.iter().enumerate() {
            let v = (a * 255 / n) as u8;
            m.value[y * w + x] = v;
            // At least a third of the block black (dithered mid-gray counts).
            m.mask[y * w + x] = (a * 3 >= n) as u8;
        }
    }
    m
}

/// 3×3 dilation of a 0/1 mask.
pub fn dilate(src: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut horiz = vec![0u8; w * h];
    for y in 0..h {
        let r = &src[y * w..][..w];
        let o = &mut horiz[y * w..][..w];
        for x in 0..w {
            let l = if x > 0 { r[x - 1] } else { 0 };
            let rr = if x + 1 < w { r[x + 1] } else { 0 };
            o[x] = l | r[x] | rr;
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let u = if y > 0 { horiz[(y - 1) * w + x] } else { 0 };
            let d = if y + 1 < h { horiz[(y + 1) * w + x] } else { 0 };
            out[y * w + x] = u | horiz[y * w + x] | d;
        }
    }
    out
}

/// 3×3 opening of a 0/1 mask: strokes thinner than 3 pixels disappear.
pub fn open(src: &[u8], w: usize, h: usize) -> Vec<u8> {
    let inv: Vec<u8> = src.iter().map(|&v| (v == 0) as u8).collect();
    let eroded: Vec<u8> = dilate(&inv, w, h).iter().map(|&v| (v == 0) as u8).collect();
    dilate(&eroded, w, h)
}

/// Erases thin straight lines (table rules, form boxes, underlines) longer
/// than `min_len` whose thickness is at most `max_thick`. A seal's ring is
/// curved and its frame thick, so they survive; where a glyph crosses a rule
/// the thick part stays.
pub fn remove_thin_lines(mask: &mut [u8], w: usize, h: usize, min_len: usize, max_thick: usize) {
    let mut kill = Vec::new();
    // Horizontal runs.
    for y in 0..h {
        let row = y * w;
        let mut x = 0;
        while x < w {
            if mask[row + x] == 0 {
                x += 1;
                continue;
            }
            let s = x;
            while x < w && mask[row + x] != 0 {
                x += 1;
            }
            if x - s >= min_len {
                for xx in s..x {
                    if vertical_thickness(mask, w, h, xx, y, max_thick + 1) <= max_thick {
                        kill.push(row + xx);
                    }
                }
            }
        }
    }
    // Vertical runs, row by row (cache-friendly): `start[x]` is where the
    // current run in column x began.
    let mut start = vec![usize::MAX; w];
    for y in 0..=h {
        for x in 0..w {
            let on = y < h && mask[y * w + x] != 0;
            if on {
                if start[x] == usize::MAX {
                    start[x] = y;
                }
            } else if start[x] != usize::MAX {
                let s = start[x];
                start[x] = usize::MAX;
                if y - s >= min_len {
                    for yy in s..y {
                        if horizontal_thickness(mask, w, x, yy, max_thick + 1) <= max_thick {
                            kill.push(yy * w + x);
                        }
                    }
                }
            }
        }
    }
    for i in kill {
        mask[i] = 0;
    }
}

fn vertical_thickness(mask: &[u8], w: usize, h: usize, x: usize, y: usize, cap: usize) -> usize {
    let mut n = 1;
    let mut yy = y;
    while yy > 0 && mask[(yy - 1) * w + x] != 0 && n < cap {
        yy -= 1;
        n += 1;
    }
    let mut yy = y;
    while yy + 1 < h && mask[(yy + 1) * w + x] != 0 && n < cap {
        yy += 1;
        n += 1;
    }
    n
}

fn horizontal_thickness(mask: &[u8], w: usize, x: usize, y: usize, cap: usize) -> usize {
    let row = &mask[y * w..][..w];
    let mut n = 1;
    let mut xx = x;
    while xx > 0 && row[xx - 1] != 0 && n < cap {
        xx -= 1;
        n += 1;
    }
    let mut xx = x;
    while xx + 1 < w && row[xx + 1] != 0 && n < cap {
        xx += 1;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_factor_targets_150_dpi() {
        assert_eq!(block_factor(300.0), 2);
        assert_eq!(block_factor(200.0), 1);
        assert_eq!(block_factor(600.0), 4);
        assert_eq!(block_factor(72.0), 1);
    }

    #[test]
    fn thin_rules_go_thick_bars_stay() {
        let (w, h) = (100, 20);
        let mut m = vec![0u8; w * h];
        for x in 0..100 {
            m[3 * w + x] = 1; // a 1-px rule
            for y in 10..16 {
                m[y * w + x] = 1; // a 6-px bar
            }
        }
        remove_thin_lines(&mut m, w, h, 40, 3);
        assert_eq!(m[3 * w..4 * w].iter().filter(|&&v| v != 0).count(), 0);
        assert_eq!(m[10 * w..16 * w].iter().filter(|&&v| v != 0).count(), 600);
    }
}
