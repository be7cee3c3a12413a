//! The square frame of a company seal (角印) joined to the text it was
//! stamped beside or over.

use super::label::Box;
use super::mask::{self, WorkMap};

/// A square frame found by [`joined_square`].
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// The frame's box (of the square as rotated on the page), working pixels.
    pub bbox: Box,
    /// The four sides' mean coverage.
    pub mean: f32,
}

/// Square seals are stamped up to 6° off upright.
const ANGLES_DEG: [f32; 7] = [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0];

/// The best square frame inside the group box `b`: four straight sides of
/// equal length (within 12 %), each at least `min_side` on ink (within a
/// pixel) and `min_mean` on average, at one of the angles a seal is
/// stamped at, with a side of `side_mm` millimetres, not running on past
/// its corners. The sides lie along the peaks of the ink's row
/// and column projections of the group turned upright, so only those
/// pairs are tried.
pub fn joined_square(map: &WorkMap, b: &Box, side_mm: (f32, f32), (min_side, min_mean): (f32, f32)) -> Option<Frame> {
    let (w, h) = (b.w(), b.h());
    let ink = mask::dilate(&super::crop_mask(map, b), w, h);
    let (s_lo, s_hi) = ((side_mm.0 * map.ppm).round() as usize, (side_mm.1 * map.ppm).round() as usize);
    let s_hi = s_hi.min(w.max(h));
    // The ink must span a side (less what a 6° turn takes off) both ways.
    if s_lo < 4 || s_lo > s_hi || w.min(h) * 100 < s_lo * 95 {
        return None;
    }
    // The canvas: the crop turned about its centre, with room for its corners.
    let m = (0.06 * w.max(h) as f32).ceil() as usize + 1;
    let (cw, ch) = (w + 2 * m, h + 2 * m);
    let (ccx, ccy) = (cw as f32 / 2.0, ch as f32 / 2.0);
    let (ox, oy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut best: Option<Frame> = None;
    let mut canvas = vec![0u8; cw * ch];
    for deg in ANGLES_DEG {
        let (sin, cos) = deg.to_radians().sin_cos();
        // Where the centre of canvas pixel (u, v) lies in the crop.
        let in_crop = |u: usize, v: usize| {
            let (du, dv) = (u as f32 + 0.5 - ccx, v as f32 + 0.5 - ccy);
            (cos * du - sin * dv + ox, sin * du + cos * dv + oy)
        };
        for v in 0..ch {
            for u in 0..cw {
                let (x, y) = in_crop(u, v);
                let (x, y) = (x.floor(), y.floor());
                canvas[v * cw + u] = if x >= 0.0 && y >= 0.0 && (x as usize) < w && (y as usize) < h { ink[y as usize * w + x as usize] } else { 0 };
            }
        }
        let lines = Lines::new(&canvas, cw, ch);
        let cols = peaks(&lines.col_sum(), s_lo as f32 * min_side);
        let rows = peaks(&lines.row_sum(), s_lo as f32 * min_side);
        for (i, &xa) in cols.iter().enumerate() {
            for &xb in &cols[i + 1..] {
                let d = xb - xa;
                if d < s_lo || d > s_hi {
                    continue;
                }
                for (j, &ya) in rows.iter().enumerate() {
                    for &yb in &rows[j + 1..] {
                        let e = yb - ya;
                        if e.abs_diff(d) * 100 > d * 12 {
                            continue;
                        }
                        let sides = [
                            lines.row(ya, xa, xb),
                            lines.row(yb, xa, xb),
                            lines.col(xa, ya, yb),
                            lines.col(xb, ya, yb),
                        ];
                        let min = sides.iter().copied().fold(1.0, f32::min);
                        if min < min_side {
                            continue;
                        }
                        let mean = sides.iter().sum::<f32>() / 4.0;
                        if mean < min_mean || best.is_some_and(|f| f.mean >= mean) {
                            continue;
                        }
                        // A seal's frame ends at its corners; the frame of a
                        // text stamp or a form box goes on past a square's.
                        // A thick frame passes at the neighbouring angles
                        // too, so its run past a corner is looked for within
                        // 3 px of the side's line.
                        let (skip, reach) = ((d as f32 * 0.1).ceil() as usize, (d as f32 * 0.3).ceil() as usize);
                        let beyond = |a: usize, b: usize, n: usize| [(a >= reach).then(|| (a - reach, a - skip)), (b + reach < n).then(|| (b + skip, b + reach))];
                        let near = |c: usize, n: usize| c.saturating_sub(3)..=(c + 3).min(n - 1);
                        let runs_on = beyond(xa, xb, cw).iter().flatten().any(|&(p, q)| near(ya, ch).chain(near(yb, ch)).any(|y| lines.row(y, p, q) >= 0.5))
                            || beyond(ya, yb, ch).iter().flatten().any(|&(p, q)| near(xa, cw).chain(near(xb, cw)).any(|x| lines.col(x, p, q) >= 0.5));
                        if runs_on {
                            continue;
                        }
                        // The square's corners back on the page.
                        let pts = [in_crop(xa, ya), in_crop(xb, ya), in_crop(xa, yb), in_crop(xb, yb)];
                        let fx0 = pts.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0);
                        let fy0 = pts.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0);
                        let fx1 = pts.iter().map(|p| p.0).fold(f32::MIN, f32::max).min(w as f32);
                        let fy1 = pts.iter().map(|p| p.1).fold(f32::MIN, f32::max).min(h as f32);
                        let bbox = Box {
                            x0: b.x0 + fx0 as usize,
                            y0: b.y0 + fy0 as usize,
                            x1: b.x0 + (fx1.ceil() as usize).max(fx0 as usize + 1),
                            y1: b.y0 + (fy1.ceil() as usize).max(fy0 as usize + 1),
                        };
                        best = Some(Frame { bbox, mean });
                    }
                }
            }
        }
    }
    best
}

/// Prefix sums of a 0/1 image along its rows and its columns: the ink on
/// any horizontal or vertical segment in constant time.
struct Lines {
    w: usize,
    h: usize,
    /// Per row, `w + 1` prefix sums.
    rows: Vec<u32>,
    /// Per column, `h + 1` prefix sums.
    cols: Vec<u32>,
}

impl Lines {
    fn new(img: &[u8], w: usize, h: usize) -> Lines {
        let mut rows = vec![0u32; h * (w + 1)];
        let mut cols = vec![0u32; w * (h + 1)];
        for y in 0..h {
            for x in 0..w {
                let on = (img[y * w + x] != 0) as u32;
                rows[y * (w + 1) + x + 1] = rows[y * (w + 1) + x] + on;
                cols[x * (h + 1) + y + 1] = cols[x * (h + 1) + y] + on;
            }
        }
        Lines { w, h, rows, cols }
    }
    /// The fraction on ink of row `y` from `x0` to `x1` inclusive.
    fn row(&self, y: usize, x0: usize, x1: usize) -> f32 {
        let r = &self.rows[y * (self.w + 1)..];
        (r[x1 + 1] - r[x0]) as f32 / (x1 + 1 - x0) as f32
    }
    /// The fraction on ink of column `x` from `y0` to `y1` inclusive.
    fn col(&self, x: usize, y0: usize, y1: usize) -> f32 {
        let c = &self.cols[x * (self.h + 1)..];
        (c[y1 + 1] - c[y0]) as f32 / (y1 + 1 - y0) as f32
    }
    fn row_sum(&self) -> Vec<u32> {
        (0..self.h).map(|y| self.rows[y * (self.w + 1) + self.w]).collect()
    }
    fn col_sum(&self) -> Vec<u32> {
        (0..self.w).map(|x| self.cols[x * (self.h + 1) + self.h]).collect()
    }
}

/// The positions of the local maxima of `sums` (over ±2) of at least
/// `min`, strongest 16, in order.
fn peaks(sums: &[u32], min: f32) -> Vec<usize> {
    let n = sums.len();
    let mut p: Vec<usize> = (0..n)
        .filter(|&i| sums[i] as f32 >= min)
        .filter(|&i| (i.saturating_sub(2)..(i + 3).min(n)).all(|j| sums[j] < sums[i] || (sums[j] == sums[i] && j >= i)))
        .collect();
    p.sort_by_key(|&i| std::cmp::Reverse(sums[i]));
    p.truncate(16);
    p.sort_unstable();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 150-dpi working map (5.9 px/mm) with these filled rectangles inked.
    fn map(rects: &[(usize, usize, usize, usize)]) -> WorkMap {
        let mut m = WorkMap::new(400, 300, 1, 150.0);
        for &(x0, y0, x1, y1) in rects {
            for y in y0..y1 {
                m.mask[y * m.w + x0..y * m.w + x1].fill(1);
            }
        }
        m
    }

    /// The four sides, `t` thick, of the box from (x0, y0) to (x1, y1).
    fn frame(x0: usize, y0: usize, x1: usize, y1: usize, t: usize) -> [(usize, usize, usize, usize); 4] {
        [(x0, y0, x1, y0 + t), (x0, y1 - t, x1, y1), (x0, y0, x0 + t, y1), (x1 - t, y0, x1, y1)]
    }

    #[test]
    fn a_square_frame_joined_to_a_text_line_is_found() {
        // A 20 mm frame, and a line of 4 mm glyph blocks running into it.
        let mut rects = frame(200, 60, 318, 178, 6).to_vec();
        rects.extend((0..8).map(|i| (40 + i * 22, 100, 58 + i * 22, 124)));
        let m = map(&rects);
        let all = Box { x0: 0, y0: 0, x1: m.w, y1: m.h };
        let f = joined_square(&m, &all, (15.0, 40.0), (0.5, 0.82)).expect("the frame");
        assert!(f.mean > 0.95, "{f:?}");
        let b = f.bbox;
        assert!(b.x0.abs_diff(200) <= 6 && b.y0.abs_diff(60) <= 6 && b.x1.abs_diff(318) <= 6 && b.y1.abs_diff(178) <= 6, "{b:?}");
    }

    #[test]
    fn a_square_inside_a_longer_frame_is_not_a_seal_frame() {
        // A 2:1 text stamp's frame with a glyph's full-height stroke across
        // it: two perfect squares, but the frame's long sides go on past
        // each.
        let mut rects = frame(60, 60, 296, 178, 6).to_vec();
        rects.push((175, 60, 181, 178));
        let m = map(&rects);
        let all = Box { x0: 0, y0: 0, x1: m.w, y1: m.h };
        let f = joined_square(&m, &all, (15.0, 40.0), (0.5, 0.82));
        assert!(f.is_none(), "{f:?}");
    }
}
