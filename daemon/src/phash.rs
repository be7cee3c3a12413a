//! A 64-bit perceptual hash of a page image, for finding re-scans of the
//! same paper (the comparison rule is the indexer's `rescan` module).
//!
//! 1. Gray, then crop to the ink: the rows and columns between the 0.5 % and
//!    99.5 % quantiles of dark pixels (< 128), so that a shifted scan, wider
//!    margins or a few specks of dust change nothing.
//! 2. Box-average the crop to 64 × 64 cells.
//! 3. 2-D DCT; keep the 8 × 8 coefficients of frequencies 1–8 (the constant
//!    term and the finest detail dropped).
//! 4. One bit per coefficient: above their median.
//!
//! Measured on 200 dpi A4 contract pages (tests/data/make_rescan_data.py):
//! the same page rotated 0.4–1°, shifted, tinted, noisy, JPEG q50–70, or with
//! dust specks differs by 0–2 bits; another contract with the same layout by
//! 20. Whole-page hashes without the crop could not tell those apart (2–4
//! bits both), which is why the crop is there.

use image::{DynamicImage, GrayImage};

/// Cells per side of the averaged grid.
const GRID: usize = 64;

/// Gray level below which a pixel counts as ink.
const INK: u8 = 128;

/// Share of the ink ignored on each side when cropping.
const TAIL: f64 = 0.005;

/// The page hash of `img` (see the module doc). A blank page hashes its
/// whole area.
pub fn page_hash(img: &DynamicImage) -> u64 {
    let converted;
    let gray: &GrayImage = match img.as_luma8() {
        Some(g) => g,
        None => {
            converted = img.to_luma8();
            &converted
        }
    };
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 {
        return 0;
    }
    let mut rows = vec![0u64; h];
    let mut cols = vec![0u64; w];
    for (y, row) in gray.as_raw().chunks_exact(w).enumerate() {
        for (x, &v) in row.iter().enumerate() {
            if v < INK {
                rows[y] += 1;
                cols[x] += 1;
            }
        }
    }
    let (y0, y1) = span(&rows);
    let (x0, x1) = span(&cols);
    let grid = box_means(gray, x0..x1, y0..y1);
    hash_of(&dct_block(&grid))
}

/// The index range between the [`TAIL`] and 1 − [`TAIL`] quantiles of
/// `counts`' mass; everything when there is no mass.
fn span(counts: &[u64]) -> (usize, usize) {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return (0, counts.len());
    }
    let (lo, hi) = (total as f64 * TAIL, total as f64 * (1.0 - TAIL));
    let mut sum = 0u64;
    let (mut start, mut end) = (0, counts.len());
    let mut found_start = false;
    for (i, &c) in counts.iter().enumerate() {
        sum += c;
        if !found_start && sum as f64 >= lo {
            start = i;
            found_start = true;
        }
        if sum as f64 >= hi {
            end = i + 1;
            break;
        }
    }
    (start, end.max(start + 1))
}

/// Mean gray of each of [`GRID`]² cells over the given pixel ranges.
fn box_means(gray: &GrayImage, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> Vec<[f64; GRID]> {
    let w = gray.width() as usize;
    // Cell of each pixel offset: cell i covers [i·n/GRID, (i+1)·n/GRID).
    let cells = |n: usize| -> Vec<usize> {
        let mut of = vec![0; n];
        for i in 0..GRID {
            for c in &mut of[i * n / GRID..(i + 1) * n / GRID] {
                *c = i;
            }
        }
        of
    };
    let (cx, cy) = (cells(xs.len()), cells(ys.len()));
    let mut sums = vec![[0f64; GRID]; GRID];
    let mut counts = vec![[0u32; GRID]; GRID];
    let raw = gray.as_raw();
    for (dy, y) in ys.clone().enumerate() {
        let row = &raw[y * w + xs.start..y * w + xs.end];
        let (s, n) = (&mut sums[cy[dy]], &mut counts[cy[dy]]);
        for (dx, &v) in row.iter().enumerate() {
            s[cx[dx]] += f64::from(v);
            n[cx[dx]] += 1;
        }
    }
    // A crop narrower than the grid leaves cells empty: white.
    for (s, n) in sums.iter_mut().zip(&counts) {
        for (v, &k) in s.iter_mut().zip(n) {
            *v = if k == 0 { 255.0 } else { *v / f64::from(k) };
        }
    }
    sums
}

/// The DCT-II coefficients of frequencies 1..=8 in both directions, row
/// frequency first.
fn dct_block(grid: &[[f64; GRID]]) -> [f64; 64] {
    let n = GRID as f64;
    let basis: Vec<[f64; GRID]> = (1..=8)
        .map(|u| {
            let mut b = [0.0; GRID];
            for (x, v) in b.iter_mut().enumerate() {
                *v = ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / (2.0 * n)).cos();
            }
            b
        })
        .collect();
    // t[u][x] = Σ_y basis[u][y] · grid[y][x]
    let mut t = vec![[0.0; GRID]; 8];
    for (u, b) in basis.iter().enumerate() {
        for (y, row) in grid.iter().enumerate() {
            for x in 0..GRID {
                t[u][x] += b[y] * row[x];
            }
        }
    }
    let mut out = [0.0; 64];
    for u in 0..8 {
        for v in 0..8 {
            out[u * 8 + v] = t[u].iter().zip(&basis[v]).map(|(a, b)| a * b).sum();
        }
    }
    out
}

/// Bit i set when coefficient i is above the median of all 64.
fn hash_of(coefficients: &[f64; 64]) -> u64 {
    let mut sorted = *coefficients;
    sorted.sort_by(f64::total_cmp);
    let median = (sorted[31] + sorted[32]) / 2.0;
    coefficients.iter().enumerate().filter(|(_, &c)| c > median).fold(0, |h, (i, _)| h | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    /// A page with dark bars where a text block would be, moved by (dx, dy).
    fn page(bars: &[(u32, u32, u32)], dx: u32, dy: u32) -> DynamicImage {
        let mut img = GrayImage::from_pixel(800, 1100, Luma([250]));
        for &(x, y, len) in bars {
            for yy in y + dy..y + dy + 14 {
                for xx in x + dx..x + dx + len {
                    img.put_pixel(xx, yy, Luma([20]));
                }
            }
        }
        DynamicImage::ImageLuma8(img)
    }

    const LETTER: &[(u32, u32, u32)] = &[(100, 100, 500), (100, 160, 420), (100, 200, 560), (100, 240, 300), (100, 400, 200), (400, 700, 250)];
    const FORM: &[(u32, u32, u32)] = &[(100, 100, 300), (300, 160, 320), (100, 200, 200), (120, 240, 500), (500, 400, 150), (100, 650, 450)];

    #[test]
    fn a_shifted_page_hashes_alike_another_does_not() {
        let a = page_hash(&page(LETTER, 0, 0));
        let shifted = page_hash(&page(LETTER, 37, 21));
        let other = page_hash(&page(FORM, 0, 0));
        assert!((a ^ shifted).count_ones() <= 2, "shifted: {} bits", (a ^ shifted).count_ones());
        assert!((a ^ other).count_ones() >= 12, "other: {} bits", (a ^ other).count_ones());
    }

    #[test]
    fn colour_and_gray_agree_and_blank_pages_hash() {
        let gray = page(LETTER, 0, 0);
        let rgb = DynamicImage::ImageRgb8(gray.to_rgb8());
        assert_eq!(page_hash(&gray), page_hash(&rgb));
        let blank = DynamicImage::ImageLuma8(GrayImage::from_pixel(30, 40, Luma([255])));
        let _ = page_hash(&blank);
        assert_eq!(page_hash(&DynamicImage::ImageLuma8(GrayImage::new(0, 0))), 0);
    }

    #[test]
    fn span_skips_the_tails() {
        let mut counts = vec![0u64; 100];
        counts[2] = 1; // a speck
        for c in &mut counts[20..80] {
            *c = 50;
        }
        assert_eq!(span(&counts), (20, 80));
        assert_eq!(span(&[0, 0, 0]), (0, 3));
    }
}
