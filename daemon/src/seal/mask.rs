//! Stage 1: the page at ~150 dpi and a mask of "could be seal ink" pixels.
//!
//! One pass over the full-resolution pixels builds a small map; every later
//! step works on that map (a 300-dpi A4 page becomes 1240×1754).

use image::{GrayImage, RgbImage};

use super::label::{next_nonzero, next_zero, Box, Component};

/// The working resolution the detector aims for, in dots per inch.
pub const WORK_DPI: f32 = 150.0;

/// The page reduced to the working resolution, with its ink mask.
#[derive(Clone)]
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
    /// Per working pixel: non-zero where the pixel may be seal ink; 2 for
    /// weak ink added by hysteresis (colour), which stroke-texture
    /// measurement leaves out.
    pub mask: Vec<u8>,
    /// Colour: the weak-ink level for hysteresis ([`clean_lines`]); 0 for
    /// gray and bilevel maps.
    pub weak: u8,
    /// Colour: the faint-ink level a rejected group is grown into for a
    /// second look ([`grow_faint`]); 0 for gray and bilevel maps.
    pub faint: u8,
    /// Gray: the darkness above which ink is black (text, and a seal
    /// stamped over dark print), left out of the mask; 255 elsewhere.
    pub black: u8,
    /// Fraction of the page's pixels in the mask after [`clean_lines`]: the
    /// ink any box can expect around it (a dithered page's paper dots).
    pub density: f32,
}

impl WorkMap {
    pub(super) fn new(w: usize, h: usize, factor: u32, dpi: f32) -> Self {
        WorkMap {
            w,
            h,
            factor,
            ppm: dpi / factor as f32 / 25.4,
            value: vec![0; w * h],
            mask: vec![0; w * h],
            weak: 0,
            faint: 0,
            black: 255,
            density: 0.0,
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

// The map builders and `clean_lines` stay out of line: inlined into
// `seal::work_map` the same code ran about 2 ms slower per page (perf on
// `seal_eval --bench`; docs/BENCHMARKS.md).

/// Colour scans: redness `R − max(G,B)` of each block's mean colour. The
/// threshold follows the paper: yellowed or pink paper raises it.
#[inline(never)]
pub fn color_map(img: &RgbImage, dpi: f32) -> WorkMap {
    let f = block_factor(dpi);
    let (fw, fh) = (img.width() as usize, img.height() as usize);
    let (w, h) = (fw / f as usize, fh / f as usize);
    let mut m = WorkMap::new(w, h, f, dpi);
    let raw = img.as_raw();
    let mut hist = [0u32; 256];
    let fu = f as usize;
    let mut acc = vec![[0u32; 3]; w];
    let n = f * f;
    for y in 0..h {
        let out = &mut m.value[y * w..][..w];
        if fu == 2 {
            // The common 300-dpi case, kept tight so it vectorises.
            let r0 = &raw[(y * 2) * fw * 3..][..w * 6];
            let r1 = &raw[(y * 2 + 1) * fw * 3..][..w * 6];
            for ((o, a), b) in out.iter_mut().zip(r0.chunks_exact(6)).zip(r1.chunks_exact(6)) {
                let r = (a[0] as u32 + a[3] as u32 + b[0] as u32 + b[3] as u32) >> 2;
                let g = (a[1] as u32 + a[4] as u32 + b[1] as u32 + b[4] as u32) >> 2;
                let bl = (a[2] as u32 + a[5] as u32 + b[2] as u32 + b[5] as u32) >> 2;
                *o = r.saturating_sub(g.max(bl)) as u8;
            }
        } else {
            acc.iter_mut().for_each(|a| *a = [0; 3]);
            for dy in 0..fu {
                let row = &raw[(y * fu + dy) * fw * 3..][..w * fu * 3];
                for (a, block) in acc.iter_mut().zip(row.chunks_exact(fu * 3)) {
                    for px in block.chunks_exact(3) {
                        a[0] += px[0] as u32;
                        a[1] += px[1] as u32;
                        a[2] += px[2] as u32;
                    }
                }
            }
            for (o, a) in out.iter_mut().zip(&acc) {
                let (r, g, b) = (a[0] / n, a[1] / n, a[2] / n);
                *o = r.saturating_sub(g.max(b)) as u8;
            }
        }
        for &v in out.iter() {
            hist[v as usize] += 1;
        }
    }
    let paper = quantile(&hist, w * h, 0.5);
    let thr = (paper as u32 + 26).max(34) as u8;
    for (mk, &v) in m.mask.iter_mut().zip(&m.value) {
        *mk = (v >= thr) as u8;
    }
    // Hysteresis ([`clean_lines`]): a faded seal's light side is pinkish,
    // under the threshold but well above the paper.
    m.weak = (paper as u32 + 13).max(21) as u8;
    m.faint = (paper as u32 + 6).max(10) as u8;
    m
}

/// Erases thin straight lines ([`remove_thin_lines`]); on colour maps then
/// extends the mask into weak red ink touching clear red ink (a faded
/// seal's light side), never into the erased lines, and erases the lines'
/// weak fringes that this brought back.
#[inline(never)]
pub fn clean_lines(m: &mut WorkMap, min_len: usize, max_thick: usize) {
    let before = (m.weak > 0).then(|| m.mask.clone());
    remove_thin_lines(&mut m.mask, m.w, m.h, min_len, max_thick);
    if let Some(before) = before {
        for ((v, &b), &a) in m.value.iter_mut().zip(&before).zip(&m.mask) {
            if b != 0 && a == 0 {
                *v = 0;
            }
        }
        let weak = m.weak;
        hysteresis(m, weak);
        remove_thin_lines(&mut m.mask, m.w, m.h, min_len, max_thick);
    }
    m.density = set_pixels(&m.mask) as f32 / (m.w * m.h).max(1) as f32;
}

/// The number of non-zero pixels of a mask. A sum rather than
/// `filter().count()` so that it vectorises: about 0.3 ms on a 300-dpi
/// page's map instead of 1.1, and it runs on every page.
fn set_pixels(mask: &[u8]) -> usize {
    mask.iter().map(|&v| (v != 0) as u32).sum::<u32>() as usize
}

/// Extends the mask (8-connected) into pixels whose value is at least `weak`.
fn hysteresis(m: &mut WorkMap, weak: u8) {
    let (w, h) = (m.w, m.h);
    let mut stack: Vec<usize> = Vec::new();
    for y in 0..h {
        let row = &m.mask[y * w..][..w];
        if row.chunks(8).all(|c| c.iter().fold(0u8, |a, &v| a | v) == 0) {
            continue;
        }
        stack.extend(row.iter().enumerate().filter(|(_, &v)| v != 0).map(|(x, _)| y * w + x));
    }
    while let Some(i) = stack.pop() {
        let (x, y) = (i % w, i / w);
        for ny in y.saturating_sub(1)..(y + 2).min(h) {
            for nx in x.saturating_sub(1)..(x + 2).min(w) {
                let j = ny * w + nx;
                if m.mask[j] == 0 && m.value[j] >= weak {
                    m.mask[j] = 2;
                    stack.push(j);
                }
            }
        }
    }
}

/// The ink of the mask inside `b` grown (8-connected) into pixels of at
/// least `faint` value, less than `margin` pixels beyond `b`: the pixels
/// added and the box of all of it. A seal faded along one side is an arc
/// in the mask; its faint side, at `faint`, is joined to the arc by more
/// faint ink all round. `None` when nothing was added, or when the faint
/// ink runs on to `margin` (a faded text stamp's frame, a form's rule):
/// then the box would be cut off there.
pub fn grow_faint(m: &WorkMap, b: &Box, faint: u8, margin: usize) -> Option<(Vec<usize>, Box)> {
    let win = grown(b, margin, m.w, m.h);
    let mut seen = vec![false; win.w() * win.h()];
    let at = |x: usize, y: usize| (y - win.y0) * win.w() + (x - win.x0);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            if m.mask[y * m.w + x] != 0 {
                seen[at(x, y)] = true;
                stack.push((x, y));
            }
        }
    }
    let mut added = Vec::new();
    let mut bb = *b;
    while let Some((x, y)) = stack.pop() {
        for ny in y.saturating_sub(1).max(win.y0)..(y + 2).min(win.y1) {
            for nx in x.saturating_sub(1).max(win.x0)..(x + 2).min(win.x1) {
                let (i, j) = (ny * m.w + nx, at(nx, ny));
                if !seen[j] && (m.mask[i] != 0 || m.value[i] >= faint) {
                    seen[j] = true;
                    stack.push((nx, ny));
                    if m.mask[i] == 0 {
                        added.push(i);
                    }
                    bb = Box { x0: bb.x0.min(nx), y0: bb.y0.min(ny), x1: bb.x1.max(nx + 1), y1: bb.y1.max(ny + 1) };
                }
            }
        }
    }
    let cut = (bb.x0 == win.x0 && win.x0 > 0) || (bb.y0 == win.y0 && win.y0 > 0) || (bb.x1 == win.x1 && win.x1 < m.w) || (bb.y1 == win.y1 && win.y1 < m.h);
    (!added.is_empty() && !cut).then_some((added, bb))
}

/// Grayscale scans: the red ink became mid-gray. Blocks are min-pooled so
/// thin black strokes stay black; the mask is the band between text black
/// and paper white, minus the anti-aliased halo around black strokes.
#[inline(never)]
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
        if f == 1 {
            // A 200-dpi scan, or a descreened page ([`descreen`]).
            mins.copy_from_slice(&raw[y * fw..][..w]);
        } else if f == 2 {
            let r0 = &raw[(y * 2) * fw..][..w * 2];
            let r1 = &raw[(y * 2 + 1) * fw..][..w * 2];
            for ((mn, a), b) in mins.iter_mut().zip(r0.chunks_exact(2)).zip(r1.chunks_exact(2)) {
                *mn = a[0].min(a[1]).min(b[0].min(b[1]));
            }
        } else {
            for dy in 0..f as usize {
                let row = &raw[(y * f as usize + dy) * fw..][..w * f as usize];
                for (x, mn) in mins.iter_mut().enumerate() {
                    for &p in &row[x * f as usize..][..f as usize] {
                        *mn = (*mn).min(p);
                    }
                }
            }
        }
        for (x, &v) in mins.iter().enumerate() {
            m.value[y * w + x] = 255 - v;
            hist[v as usize] += 1;
        }
    }
    mid_band(&mut m, &hist);
    m
}

/// The gray-page mask from a histogram of gray levels (`255 − value`): the
/// band between text black and paper white, minus the halo around black.
fn mid_band(m: &mut WorkMap, hist: &[u32; 256]) {
    let (w, h) = (m.w, m.h);
    let paper = quantile(hist, w * h, 0.80) as f32;
    let black = quantile(hist, w * h, 0.005) as f32;
    let span = (paper - black).max(40.0);
    // In darkness units (255 - gray): ink darker than `lo` but not black.
    let hi_gray = paper - 0.13 * span; // lighter than this: paper
    // Darker than this: black text. Dark (brick-red) pads make seals nearly
    // as dark as text; 0.16 of the span keeps more of them than 0.22 did
    // (tuning seeds 1–3: gray true positives 109 → 113, false positives
    // 4 → 4; 0.10–0.13 lose seals to text edges again).
    let lo_gray = black + 0.16 * span;
    let (dmin, dmax) = ((255.0 - hi_gray) as u8, (255.0 - lo_gray) as u8);
    m.black = dmax;
    for i in 0..w * h {
        let d = m.value[i];
        m.mask[i] = (d >= dmin && d <= dmax) as u8;
    }
    // Halo: mid-gray right next to black is the edge of a black stroke.
    let dark: Vec<u8> = m.value.iter().map(|&d| (d > dmax) as u8).collect();
    let grown = dilate(&dark, w, h);
    for (mk, &g) in m.mask.iter_mut().zip(&grown) {
        if g != 0 {
            *mk = 0;
        }
    }
}


/// Bilevel scans: the fraction of black in each block; the mask is the
/// blocks at least a third black, despeckled ([`despeckle`]), or on a
/// dithered page at about 150 dpi the dot density ([`density_mask`]).
#[inline(never)]
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
        if f == 2 {
            let r0 = &raw[(y * 2) * fw..][..w * 2];
            let r1 = &raw[(y * 2 + 1) * fw..][..w * 2];
            for ((a, p), q) in acc.iter_mut().zip(r0.chunks_exact(2)).zip(r1.chunks_exact(2)) {
                *a = (p[0] < 128) as u32 + (p[1] < 128) as u32 + (q[0] < 128) as u32 + (q[1] < 128) as u32;
            }
        } else {
            for dy in 0..f as usize {
                let row = &raw[(y * f as usize + dy) * fw..][..w * f as usize];
                for (x, a) in acc.iter_mut().enumerate() {
                    for &p in &row[x * f as usize..][..f as usize] {
                        *a += (p < 128) as u32;
                    }
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
    let before = if f == 1 { set_pixels(&m.mask) } else { 0 };
    despeckle(&mut m.mask, w, h);
    // Mostly isolated dots: a dithered page at about 150 dpi (at 300 dpi the
    // 2×2 blocks already merge them: there under 5 % go, here 60–85 %).
    if f == 1 && (before - set_pixels(&m.mask)) * 10 > before * 3 {
        density_mask(&mut m, 0.28);
    }
    m
}

/// For every byte, its fields of `width` bits (1 or 2) as bytes: field i
/// in byte i of the result.
const fn byte_fields(width: u32) -> [u64; 256] {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i * width < 8 {
            t[b] |= ((b as u64 >> (width * i)) & ((1 << width) - 1)) << (8 * i);
            i += 1;
        }
        b += 1;
    }
    t
}

/// Each byte's eight bits as eight bytes of 0 or 1.
const SPREAD: [u64; 256] = byte_fields(1);

/// Each byte's four 2-bit fields as four bytes (in the low 32 bits).
const PAIRS: [u64; 256] = byte_fields(2);

/// Whether a bilevel page is dithered: more than a fifth of its black
/// pixels (sampled every eighth row) have no black 4-neighbour. On 60
/// pages of seeds 43 and 57, thresholded pages measured 0–0.5 % such
/// pixels, dithered ones 37–86 %.
pub fn dithered(img: &GrayImage) -> bool {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 3 || h < 3 {
        return false;
    }
    let raw = img.as_raw();
    let (mut black, mut lone) = (0u32, 0u32);
    for y in (1..h - 1).step_by(8) {
        let (a, b, c) = (&raw[(y - 1) * w..][..w], &raw[y * w..][..w], &raw[(y + 1) * w..][..w]);
        for x in 1..w - 1 {
            if b[x] < 128 {
                black += 1;
                lone += (a[x] >= 128 && c[x] >= 128 && b[x - 1] >= 128 && b[x + 1] >= 128) as u32;
            }
        }
    }
    lone * 5 > black
}

/// Whether the pixel at (x, y) is solid ink by [`descreen`]'s rule: black,
/// and in a 2×2 block of black or a run of three black across or down.
pub fn solid_at(img: &GrayImage, x: u32, y: u32) -> bool {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let ink = |dx: i64, dy: i64| {
        let (x, y) = (x as i64 + dx, y as i64 + dy);
        (0..w).contains(&x) && (0..h).contains(&y) && img.get_pixel(x as u32, y as u32).0[0] < 128
    };
    let block = |dx: i64, dy: i64| ink(dx, 0) && ink(0, dy) && ink(dx, dy);
    let across = (-2..=0).any(|s| (s..s + 3).all(|d| ink(d, 0)));
    let down = (-2..=0).any(|s| (s..s + 3).all(|d| ink(0, d)));
    ink(0, 0) && (across || down || block(-1, -1) || block(1, -1) || block(-1, 1) || block(1, 1))
}

/// A dithered page as the gray scan it was dithered from, at the working
/// resolution ([`block_factor`] pixels per side of a block; the factor is
/// returned). Solid ink (text, rules, a seal's densest strokes: black
/// pixels in a 2×2 block of black or a run of three black across or down,
/// [`solid_at`]) stays black, as min-pooling keeps it on a gray scan;
/// every other block becomes paper darkened by the share of loose dots in
/// the box about 0.7 mm wide around it. A faded seal dithered to a sparse
/// field of dots (Floyd–Steinberg leaves dots up to a third black apart)
/// is then the mid-gray ring of a gray scan. Blurring solid ink too widened
/// a thin rule into a mid-gray band that joined the seals in a table's
/// cells (seed 43 p0021), and without the runs of three, the one-pixel
/// strokes of 200-dpi title glyphs became mid-gray round shapes (seed 63
/// p0215).
pub fn descreen(img: &GrayImage, dpi: f32) -> (GrayImage, u32) {
    let f = block_factor(dpi) as usize;
    let (fw, fh) = (img.width() as usize, img.height() as usize);
    let (w, h) = (fw / f, fh / f);
    // One bit per pixel, 64 to a word (bit i of word j: pixel 64j + i).
    let nw = fw.div_ceil(64);
    let mut ink = vec![0u64; nw * fh];
    for (row, px) in ink.chunks_exact_mut(nw).zip(img.as_raw().chunks_exact(fw)) {
        for (word, c) in row.iter_mut().zip(px.chunks(64)) {
            // Eight pixels at a time: the top bit of each byte clear is
            // black; the multiply gathers the eight bits into the top byte.
            let mut eight = c.chunks_exact(8);
            for (b, c8) in eight.by_ref().enumerate() {
                let dark = !u64::from_le_bytes(c8.try_into().expect("8 bytes")) & 0x8080_8080_8080_8080;
                *word |= ((dark >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * b);
            }
            let done = c.len() / 8 * 8;
            for (i, &p) in eight.remainder().iter().enumerate() {
                *word |= ((p < 128) as u64) << (done + i);
            }
        }
    }
    // Bits moved n pixels right (towards x + n, n < 64) and left, across words.
    let right = |v: &[u64], j: usize, n: u32| (v[j] << n) | if j > 0 { v[j - 1] >> (64 - n) } else { 0 };
    let left = |v: &[u64], j: usize, n: u32| (v[j] >> n) | if j + 1 < v.len() { v[j + 1] << (64 - n) } else { 0 };
    let row = |y: usize| &ink[y * nw..][..nw];
    // Per block: loose dots counted, and whether any pixel is solid.
    let mut dots = vec![0u8; w * h];
    let mut solid = vec![0u8; w * h];
    let (mut pair, mut sol, mut loose) = (vec![0u64; nw], vec![0u64; nw], vec![0u64; nw]);
    let mut run = vec![0u64; nw];
    let (mut loose_px, mut sol_px) = (vec![0u8; nw * 64], vec![0u8; nw * 64]);
    for y in 0..h * f {
        let here = row(y);
        sol.fill(0);
        // 2×2 blocks of black with the row above and with the row below.
        for ny in [y.checked_sub(1), (y + 1 < fh).then_some(y + 1)].into_iter().flatten() {
            pair.iter_mut().zip(here).zip(row(ny)).for_each(|((p, &a), &b)| *p = a & b);
            // Bit x: pixels x and x + 1 both in the pair.
            run.iter_mut().enumerate().for_each(|(j, r)| *r = pair[j] & left(&pair, j, 1));
            for j in 0..nw {
                sol[j] |= run[j] | right(&run, j, 1);
            }
        }
        // Runs of three across (bit x: pixels x..x + 2 black) and down: a
        // one-pixel stroke of a 200-dpi glyph or ring has no 2×2 block.
        run.iter_mut().enumerate().for_each(|(j, r)| *r = here[j] & left(here, j, 1) & left(here, j, 2));
        for j in 0..nw {
            sol[j] |= run[j] | right(&run, j, 1) | right(&run, j, 2);
        }
        for y0 in y.saturating_sub(2)..=y {
            if y0 + 2 < fh {
                let (a, b, c) = (row(y0), row(y0 + 1), row(y0 + 2));
                sol.iter_mut().enumerate().for_each(|(j, s)| *s |= a[j] & b[j] & c[j]);
            }
        }
        loose.iter_mut().zip(here).zip(&sol).for_each(|((l, &a), &s)| *l = a & !s);
        let (d, s) = (&mut dots[(y / f) * w..][..w], &mut solid[(y / f) * w..][..w]);
        if f == 2 {
            // The common 300-dpi case: per word, the pairs' counts of dots
            // and whether either is solid (SWAR), added four blocks at a
            // time from a byte's four pairs.
            const M: u64 = 0x5555_5555_5555_5555;
            for (j, (&l, &so)) in loose.iter().zip(&sol).enumerate() {
                let count = (l & M) + ((l >> 1) & M);
                let any = (so | (so >> 1)) & M;
                for (q, (cb, ab)) in count.to_le_bytes().into_iter().zip(any.to_le_bytes()).enumerate() {
                    let at = j * 32 + q * 4;
                    if at + 4 <= w {
                        let (d4, s4) = (&mut d[at..at + 4], &mut s[at..at + 4]);
                        let dv = u32::from_le_bytes((&*d4).try_into().expect("4 bytes")) + PAIRS[cb as usize] as u32;
                        let sv = u32::from_le_bytes((&*s4).try_into().expect("4 bytes")) | PAIRS[ab as usize] as u32;
                        d4.copy_from_slice(&dv.to_le_bytes());
                        s4.copy_from_slice(&sv.to_le_bytes());
                    } else {
                        for (i, (c, a)) in PAIRS[cb as usize].to_le_bytes().into_iter().zip(PAIRS[ab as usize].to_le_bytes()).enumerate().take(w.saturating_sub(at).min(4)) {
                            d[at + i] += c;
                            s[at + i] |= a;
                        }
                    }
                }
            }
        } else {
            // The row's bits as bytes (0/1), then summed per block.
            for (v, e) in [(&loose, &mut loose_px), (&sol, &mut sol_px)] {
                for (c, &word) in e.chunks_exact_mut(64).zip(v.iter()) {
                    for (c8, byte) in c.chunks_exact_mut(8).zip(word.to_le_bytes()) {
                        c8.copy_from_slice(&SPREAD[byte as usize].to_le_bytes());
                    }
                }
            }
            for ((d, s), (l, so)) in d.iter_mut().zip(s.iter_mut()).zip(loose_px.chunks_exact(f).zip(sol_px.chunks_exact(f))) {
                *d = d.saturating_add(l.iter().sum::<u8>());
                *s |= so.iter().fold(0, |a, &b| a | b);
            }
        }
    }
    let k = ((0.7 * dpi / 25.4 / f as f32).round() as usize).clamp(2, 15).min(w).min(h);
    let r = k / 2;
    let cell = (f * f) as u32;
    // Gray per count of dots in a whole k×k box; boxes cut by the page's
    // edge divide by their own area.
    let area = (k * k) as u32 * cell;
    let scale = (255 << 16) / area + 1;
    let mut col = vec![0u32; w];
    let mut ps = vec![0u32; w + 1];
    let mut out = vec![0u8; w * h];
    for y in 0..h + r {
        if y < h {
            col.iter_mut().zip(&dots[y * w..][..w]).for_each(|(c, &d)| *c += d as u32);
        }
        if y >= k {
            col.iter_mut().zip(&dots[(y - k) * w..][..w]).for_each(|(c, &d)| *c -= d as u32);
        }
        if y < r {
            continue;
        }
        // Output row `oy` sums rows oy + r + 1 − k ..= oy + r, and column
        // x the columns x + r + 1 − k ..= x + r (prefix sums `ps`).
        let oy = y - r;
        let rows = y.min(h - 1) + 1 - (y + 1).saturating_sub(k);
        for x in 0..w {
            ps[x + 1] = ps[x] + col[x];
        }
        let (row, s) = (&mut out[oy * w..][..w], &solid[oy * w..][..w]);
        let gray = |x: usize| {
            let (lo, hi) = ((x + r + 1).saturating_sub(k), (x + r + 1).min(w));
            (255 - (ps[hi] - ps[lo]) * 255 / ((rows * (hi - lo)) as u32 * cell)) as u8
        };
        // Inside the page's edges, the whole k×k box: 255 − sum·255/area
        // as a multiply and shift (exact to one gray level).
        if rows == k {
            let (x0, x1) = (k - r - 1, w - r);
            for x in (0..x0).chain(x1..w) {
                row[x] = gray(x);
            }
            for (o, (&hi, &lo)) in row[x0..x1].iter_mut().zip(ps[k..].iter().zip(&ps[..])) {
                *o = (255 - (((hi - lo) * scale) >> 16)) as u8;
            }
        } else {
            row.iter_mut().enumerate().for_each(|(x, o)| *o = gray(x));
        }
        for (o, &s) in row.iter_mut().zip(s) {
            *o &= s.wrapping_sub(1);
        }
    }
    (GrayImage::from_raw(w as u32, h as u32, out).expect("w×h pixels"), f as u32)
}

/// A dithered page's ink is a density of dots, not a shape: the mask
/// becomes the pixels whose 3×3 neighbourhood is at least `tau` black. A
/// faded seal's dotted ring closes (30–40 % black), the paper's 5–15 % stays
/// out, and solid text stays as it is. (Tuning corpora: 0.26–0.30 give the
/// same result; 0.20 adds false positives, 0.34 loses seals.)
fn density_mask(m: &mut WorkMap, tau: f32) {
    let (w, h) = (m.w, m.h);
    if w < 3 || h < 3 {
        return;
    }
    let t = (tau * 255.0 * 9.0) as u32;
    let mut col = vec![0u32; w];
    m.mask.fill(0);
    for y in 1..h - 1 {
        let (a, b, c) = (&m.value[(y - 1) * w..][..w], &m.value[y * w..][..w], &m.value[(y + 1) * w..][..w]);
        for (((s, &a), &b), &c) in col.iter_mut().zip(a).zip(b).zip(c) {
            *s = a as u32 + b as u32 + c as u32;
        }
        let row = &mut m.mask[y * w..][..w];
        for x in 1..w - 1 {
            row[x] = (col[x - 1] + col[x] + col[x + 1] >= t) as u8;
        }
    }
}

/// Clears mask pixels with fewer than two set 8-neighbours. On a dithered
/// scan the paper itself is a field of dots (yellowed or gray paper
/// dithers to 5–15 % black; at 200 dpi the working map is the scan
/// itself); left in, they glue strokes together. A stroke, even a
/// one-pixel ring, has two neighbours. (Requiring three clears a dithered
/// page's paper completely but also thins its dithered seals away.)
fn despeckle(mask: &mut [u8], w: usize, h: usize) {
    if w < 3 || h < 3 {
        return;
    }
    // Vertical 3-sums of the row above, the row and the row below, then
    // horizontal 3-sums of those: the 3×3 count, self included.
    let mut count = vec![0u8; w * h];
    let mut col = vec![0u8; w];
    for y in 1..h - 1 {
        let (a, b, c) = (&mask[(y - 1) * w..][..w], &mask[y * w..][..w], &mask[(y + 1) * w..][..w]);
        for (((s, &a), &b), &c) in col.iter_mut().zip(a).zip(b).zip(c) {
            *s = a + b + c;
        }
        let row = &mut count[y * w..][..w];
        for x in 1..w - 1 {
            row[x] = (col[x - 1] + col[x] + col[x + 1]) * b[x];
        }
    }
    for (m, &n) in mask.iter_mut().zip(&count) {
        *m = (n >= 3) as u8;
    }
}


/// Cores of filled shapes and the discs grown back from them, at half the
/// working resolution ([`filled_cores`]).
pub struct Cores {
    /// Width of the half-resolution maps.
    cw: usize,
    /// Height of the half-resolution maps.
    ch: usize,
    /// 0/1: the cores grown back (the discs).
    disc: Vec<u8>,
    /// The connected components of the cores, in half-resolution pixels.
    comps: Vec<Component>,
}

impl Cores {
    /// The cores' connected components in working pixels: what labelling
    /// the core map brought back to the working resolution would give.
    pub fn components(&self) -> Vec<Component> {
        let up = |b: &Box| Box { x0: 2 * b.x0, y0: 2 * b.y0, x1: 2 * b.x1, y1: 2 * b.y1 };
        self.comps.iter().map(|c| Component { bbox: up(&c.bbox), area: 4 * c.area }).collect()
    }

    /// Clears `mask` (working resolution, `w` wide) outside the discs.
    pub fn keep_discs(&self, mask: &mut [u8], w: usize) {
        for (y, row) in mask.chunks_exact_mut(w).enumerate() {
            let (inside, rest) = row.split_at_mut(2 * self.cw);
            rest.fill(0);
            if y / 2 >= self.ch {
                inside.fill(0);
                continue;
            }
            let disc = &self.disc[(y / 2) * self.cw..][..self.cw];
            for (pair, &d) in inside.chunks_exact_mut(2).zip(disc) {
                pair[0] &= d;
                pair[1] &= d;
            }
        }
    }
}

/// Cores of filled shapes: the mask with its holes filled (background not
/// reachable from the page border), then the pixels at city-block distance
/// ≥ `k` from the background. A closed seal ring becomes a disc with a core
/// even when text it was stamped over is attached to it; a glyph narrower
/// than `2k` has none. Returns the cores and the cores grown back by `grow`
/// (the discs). The distances are taken at half resolution (a coarse pixel
/// is filled when all four of its pixels are), which is plenty for
/// millimetre-sized cores and four times cheaper; and only in windows
/// around the filled shapes big enough to hold a core and around the cores,
/// not over the whole page (text is most of a page and has no cores).
pub fn filled_cores(mask: &[u8], w: usize, h: usize, k: u8, grow: u8) -> Cores {
    let (cw, ch) = (w / 2, h / 2);
    let core = deep_pixels(&half_filled(mask, w, h), cw, ch, (k / 2).max(1));
    let comps = super::label::components(&core, cw, ch, 1);
    let disc = grow_cores(&core, &comps, cw, ch, grow.div_ceil(2));
    Cores { cw, ch, disc, comps }
}

/// The mask with its holes filled, at half resolution: non-zero where all
/// four pixels are filled.
fn half_filled(mask: &[u8], w: usize, h: usize) -> Vec<u8> {
    let filled = super::label::fill_holes(mask, w, h);
    let (cw, ch) = (w / 2, h / 2);
    let mut half = vec![0u8; cw * ch];
    for y in 0..ch {
        let (r0, r1) = (&filled[2 * y * w..][..2 * cw], &filled[(2 * y + 1) * w..][..2 * cw]);
        for ((o, a), b) in half[y * cw..][..cw].iter_mut().zip(r0.chunks_exact(2)).zip(r1.chunks_exact(2)) {
            *o = a[0] & a[1] & b[0] & b[1];
        }
    }
    half
}

/// The pixels of a 0/1 map at city-block distance ≥ `kc` from its zeros.
///
/// Per 8-connected component, in a window of its box grown by one pixel,
/// with only its own pixels set: a pixel's nearest zero is next to the
/// 4-connected part holding it, so inside that window, and pixels not
/// 4-connected to it can be taken as zeros. A component narrower than
/// `2kc − 1` (not at the map's edge) has a zero within `kc − 1` along each
/// row, so it has no such pixels and is skipped.
fn deep_pixels(map: &[u8], w: usize, h: usize, kc: u8) -> Vec<u8> {
    let mut out = vec![0u8; w * h];
    let labels = super::label::label(map, w, h);
    let min_side = 2 * kc as usize - 1;
    let could_hold = |b: &Box| {
        (b.w() >= min_side || b.x0 == 0 || b.x1 == w) && (b.h() >= min_side || b.y0 == 0 || b.y1 == h)
    };
    // The runs of each component that could hold a deep pixel.
    let mut runs: Vec<Option<Vec<(u32, u32, u32)>>> = labels.comps.iter().map(|c| could_hold(&c.bbox).then(Vec::new)).collect();
    for (&r, &c) in labels.runs.iter().zip(&labels.comp) {
        if let Some(v) = &mut runs[c as usize] {
            v.push(r);
        }
    }
    let mut d = Vec::new();
    for (c, comp_runs) in labels.comps.iter().zip(&runs) {
        let Some(comp_runs) = comp_runs else { continue };
        let win = grown(&c.bbox, 1, w, h);
        let ww = win.w();
        d.clear();
        d.resize(ww * win.h(), 0u8);
        for &(y, x0, x1) in comp_runs {
            d[(y as usize - win.y0) * ww..][x0 as usize - win.x0..x1 as usize - win.x0].fill(255);
        }
        city_distance(&mut d, ww, win.h());
        for (y, row) in d.chunks_exact(ww).enumerate() {
            let o = &mut out[(win.y0 + y) * w + win.x0..][..ww];
            o.iter_mut().zip(row).for_each(|(o, &v)| *o |= (v >= kc) as u8);
        }
    }
    out
}

/// The pixels within city-block distance `g` of a core pixel (a dilation
/// by a diamond), given the cores' components: worked out in a window of
/// each component's box grown by `g`, which holds every pixel that close
/// to it and the straight paths there.
fn grow_cores(core: &[u8], comps: &[Component], w: usize, h: usize, g: u8) -> Vec<u8> {
    let mut out = vec![0u8; w * h];
    let mut d = Vec::new();
    for c in comps {
        let win = grown(&c.bbox, g as usize, w, h);
        let ww = win.w();
        d.clear();
        for y in win.y0..win.y1 {
            d.extend(core[y * w + win.x0..][..ww].iter().map(|&v| if v != 0 { 0 } else { 255 }));
        }
        city_distance(&mut d, ww, win.h());
        for (y, row) in d.chunks_exact(ww).enumerate() {
            let o = &mut out[(win.y0 + y) * w + win.x0..][..ww];
            o.iter_mut().zip(row).for_each(|(o, &v)| *o |= (v <= g) as u8);
        }
    }
    out
}

/// `b` grown by `m` on each side, clipped to a `w`×`h` map.
fn grown(b: &Box, m: usize, w: usize, h: usize) -> Box {
    Box { x0: b.x0.saturating_sub(m), y0: b.y0.saturating_sub(m), x1: (b.x1 + m).min(w), y1: (b.y1 + m).min(h) }
}

/// City-block distance transform in place: 0 stays 0 (the sources), every
/// other value becomes min(itself, distance to the nearest 0), saturating
/// at 255. Two passes; the vertical step of each row vectorises.
fn city_distance(d: &mut [u8], w: usize, h: usize) {
    for y in 1..h {
        let (above, row) = d[(y - 1) * w..(y + 1) * w].split_at_mut(w);
        row.iter_mut().zip(above.iter()).for_each(|(v, &u)| *v = (*v).min(u.saturating_add(1)));
        for x in 1..w {
            row[x] = row[x].min(row[x - 1].saturating_add(1));
        }
    }
    if h > 0 {
        let row = &mut d[..w];
        for x in 1..w {
            row[x] = row[x].min(row[x - 1].saturating_add(1));
        }
    }
    for y in (0..h).rev() {
        if y + 1 < h {
            let (row, below) = d[y * w..(y + 2) * w].split_at_mut(w);
            row.iter_mut().zip(below.iter()).for_each(|(v, &b)| *v = (*v).min(b.saturating_add(1)));
        }
        let row = &mut d[y * w..][..w];
        for x in (0..w.saturating_sub(1)).rev() {
            row[x] = row[x].min(row[x + 1].saturating_add(1));
        }
    }
}

/// 3×3 dilation of a 0/1 mask.
pub fn dilate(src: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut horiz = vec![0u8; w * h];
    rows3(src, &mut horiz, w, 0, |a, b, c| a | b | c);
    let mut out = vec![0u8; w * h];
    columns3(&horiz, &mut out, w, 0, |a, b, c| a | b | c);
    out
}

/// 3×3 opening of a 0/1 mask: strokes thinner than 3 pixels disappear.
pub fn open(src: &[u8], w: usize, h: usize) -> Vec<u8> {
    open_k(src, w, h, 1)
}

/// Opening by a (2k+1)×(2k+1) square (k ≥ 1): strokes thinner than 2k+1
/// pixels disappear. The erosion counts pixels outside the map as ink, the
/// dilation as background. Separable, in two buffers.
pub fn open_k(src: &[u8], w: usize, h: usize, k: usize) -> Vec<u8> {
    assert!(k >= 1, "an opening needs k ≥ 1");
    let (mut a, mut b) = (vec![0u8; w * h], vec![0u8; w * h]);
    let ink = |v: u8| (v != 0) as u8;
    rows3(src, &mut a, w, 1, |l, c, r| ink(l) & ink(c) & ink(r));
    columns3(&a, &mut b, w, 1, |u, c, d| u & c & d);
    for _ in 1..k {
        rows3(&b, &mut a, w, 1, |l, c, r| l & c & r);
        columns3(&a, &mut b, w, 1, |u, c, d| u & c & d);
    }
    for _ in 0..k {
        rows3(&b, &mut a, w, 0, |l, c, r| l | c | r);
        columns3(&a, &mut b, w, 0, |u, c, d| u | c | d);
    }
    b
}

/// `dst[x] = op(src[x−1], src[x], src[x+1])` along each row, with `edge`
/// beyond the row's ends. The interior is a plain zip, so it vectorises.
fn rows3(src: &[u8], dst: &mut [u8], w: usize, edge: u8, op: impl Fn(u8, u8, u8) -> u8) {
    if w == 0 {
        return;
    }
    for (r, o) in src.chunks_exact(w).zip(dst.chunks_exact_mut(w)) {
        if w == 1 {
            o[0] = op(edge, r[0], edge);
            continue;
        }
        o[0] = op(edge, r[0], r[1]);
        o[w - 1] = op(r[w - 2], r[w - 1], edge);
        for (((v, &a), &b), &c) in o[1..w - 1].iter_mut().zip(&r[..w - 2]).zip(&r[1..w - 1]).zip(&r[2..]) {
            *v = op(a, b, c);
        }
    }
}

/// `dst[y] = op(src[y−1], src[y], src[y+1])` down each column, with `edge`
/// above the first row and below the last; row by row, vectorised.
fn columns3(src: &[u8], dst: &mut [u8], w: usize, edge: u8, op: impl Fn(u8, u8, u8) -> u8) {
    if w == 0 {
        return;
    }
    let h = src.len() / w;
    let border = vec![edge; w];
    for (y, o) in dst.chunks_exact_mut(w).enumerate() {
        let up = if y > 0 { &src[(y - 1) * w..][..w] } else { &border[..] };
        let down = if y + 1 < h { &src[(y + 1) * w..][..w] } else { &border[..] };
        for (((v, &a), &b), &c) in o.iter_mut().zip(up).zip(&src[y * w..][..w]).zip(down) {
            *v = op(a, b, c);
        }
    }
}

/// Erases thin straight lines (table rules, form boxes, underlines) longer
/// than `min_len` whose thickness is at most `max_thick`. A seal's ring is
/// curved and its frame thick, so they survive; where a glyph crosses a rule
/// the thick part stays.
pub fn remove_thin_lines(mask: &mut [u8], w: usize, h: usize, min_len: usize, max_thick: usize) {
    let mut kill = Vec::new();
    // Horizontal runs; background is skipped eight bytes at a time.
    for y in 0..h {
        let row = &mask[y * w..][..w];
        let mut x = next_nonzero(row, 0);
        while x < w {
            let s = x;
            x = next_zero(row, x);
            if x - s >= min_len {
                for xx in s..x {
                    // The whole cross-section goes, with the line's ragged
                    // edge rows whose own runs are too short to count.
                    let (top, n) = vertical_section(mask, w, h, xx, y, max_thick + 1);
                    if n <= max_thick {
                        kill.extend((top..top + n).map(|yy| yy * w + xx));
                    }
                }
            }
            x = next_nonzero(row, x);
        }
    }
    // Vertical runs, row by row (cache-friendly): `run[x]` is the length of
    // the current run in column x. A branch-free pass per row counts; only
    // rows where a long run ends are looked at again.
    let mut run = vec![0u16; w];
    let min = min_len.min(u16::MAX as usize - 1) as u16;
    for y in 0..=h {
        let mut ended = false;
        if y < h {
            let row = &mask[y * w..][..w];
            for (r, &m) in run.iter_mut().zip(row) {
                ended |= (m == 0) & (*r >= min);
                *r = if m != 0 { r.saturating_add(1) } else { 0 };
            }
        } else {
            ended = run.iter().any(|&r| r >= min);
        }
        if !ended {
            continue;
        }
        // Recover the runs that ended at this row: the row above had ink for
        // `len` rows where this row has none (run[x] was just reset to 0).
        for x in 0..w {
            if (y < h && mask[y * w + x] != 0) || y == 0 {
                continue;
            }
            let mut len = 0;
            while len < y && mask[(y - 1 - len) * w + x] != 0 {
                len += 1;
            }
            if len >= min_len {
                for yy in y - len..y {
                    let (left, n) = horizontal_section(mask, w, x, yy, max_thick + 1);
                    if n <= max_thick {
                        kill.extend((left..left + n).map(|xx| yy * w + xx));
                    }
                }
            }
        }
        if y == h {
            run.iter_mut().for_each(|r| *r = 0);
        }
    }
    for i in kill {
        mask[i] = 0;
    }
}

/// Erases thin straight lines broken into dashes or dots (a gray dropout
/// rule whose ink lies about the band's edge): in a row or a column, runs
/// at most `gap` apart, two or more of them spanning at least `min_len`,
/// where at least 90 % of the runs' pixels have a cross-section at most
/// `max_thick` thick; those thin cross-sections go (as in
/// [`remove_thin_lines`]). A row through a seal or through title glyphs
/// crosses their rings and vertical strokes, whose cross-sections there
/// are long.
pub fn remove_dashed_lines(m: &mut WorkMap, min_len: usize, max_thick: usize, gap: usize) {
    let (w, h, mask) = (m.w, m.h, &mut m.mask);
    let mut kill = Vec::new();
    dashed_rows(mask, w, h, (min_len, max_thick, gap), &mut kill, &|i| i);
    let mut t = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            t[x * h + y] = mask[y * w + x];
        }
    }
    dashed_rows(&t, h, w, (min_len, max_thick, gap), &mut kill, &|i| (i % h) * w + i / h);
    for i in kill {
        mask[i] = 0;
    }
    m.density = set_pixels(&m.mask) as f32 / (w * h).max(1) as f32;
}

/// The rows of [`remove_dashed_lines`]: pushes the index (through `index`)
/// of every pixel to erase.
fn dashed_rows(mask: &[u8], w: usize, h: usize, (min_len, max_thick, gap): (usize, usize, usize), kill: &mut Vec<usize>, index: &dyn Fn(usize) -> usize) {
    let mut chain: Vec<(usize, usize)> = Vec::new();
    for y in 0..h {
        let row = &mask[y * w..][..w];
        chain.clear();
        let mut x = next_nonzero(row, 0);
        loop {
            let run = (x < w).then(|| (x, next_zero(row, x)));
            match (run, chain.last()) {
                (Some((s, e)), Some(&(_, pe))) if s - pe <= gap => chain.push((s, e)),
                _ => {
                    if chain.len() >= 2 && chain[chain.len() - 1].1 - chain[0].0 >= min_len {
                        let sections: Vec<(usize, usize, usize)> = chain.iter().flat_map(|&(s, e)| s..e).map(|xx| {
                            let (top, n) = vertical_section(mask, w, h, xx, y, max_thick + 1);
                            (xx, top, n)
                        }).collect();
                        let thin = sections.iter().filter(|&&(_, _, n)| n <= max_thick).count();
                        if thin * 10 >= sections.len() * 9 {
                            for &(xx, top, n) in sections.iter().filter(|&&(_, _, n)| n <= max_thick) {
                                kill.extend((top..top + n).map(|yy| index(yy * w + xx)));
                            }
                        }
                    }
                    chain.clear();
                    chain.extend(run);
                }
            }
            let Some((_, e)) = run else { break };
            x = next_nonzero(row, e);
        }
    }
}

/// The vertical stretch of ink through (x, y): its top row and length,
/// counted up to `cap` (a length of `cap` may be longer).
fn vertical_section(mask: &[u8], w: usize, h: usize, x: usize, y: usize, cap: usize) -> (usize, usize) {
    let mut n = 1;
    let mut top = y;
    while top > 0 && mask[(top - 1) * w + x] != 0 && n < cap {
        top -= 1;
        n += 1;
    }
    let mut yy = y;
    while yy + 1 < h && mask[(yy + 1) * w + x] != 0 && n < cap {
        yy += 1;
        n += 1;
    }
    (top, n)
}

/// The horizontal stretch of ink through (x, y): its left column and
/// length, counted up to `cap`.
fn horizontal_section(mask: &[u8], w: usize, x: usize, y: usize, cap: usize) -> (usize, usize) {
    let row = &mask[y * w..][..w];
    let mut n = 1;
    let mut left = x;
    while left > 0 && row[left - 1] != 0 && n < cap {
        left -= 1;
        n += 1;
    }
    let mut xx = x;
    while xx + 1 < w && row[xx + 1] != 0 && n < cap {
        xx += 1;
        n += 1;
    }
    (left, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descreen_keeps_black_exactly_the_blocks_solid_at_calls_solid() {
        // `descreen` finds solid ink 64 pixels at a time, `solid_at` (for
        // clearing a halftone seal's dots) one pixel at a time: the same
        // rule, so they must agree. A deterministic field of dots at about
        // 30 %, with strokes: a 1-pixel and a 2-pixel line, a 3-pixel
        // vertical run, a 2×2 block, and ink on the image's edges.
        let (w, h) = (203u32, 131u32);
        let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
        for y in 0..h {
            for x in 0..w {
                let hash = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 1000;
                if hash < 300 && (x + y) % 2 == 0 {
                    img.put_pixel(x, y, image::Luma([0]));
                }
            }
        }
        for x in 10..190 {
            img.put_pixel(x, 40, image::Luma([0]));
            img.put_pixel(x, 80, image::Luma([0]));
            img.put_pixel(x, 81, image::Luma([0]));
        }
        for (x, y) in [(100, 100), (100, 101), (100, 102), (150, 110), (151, 110), (150, 111), (151, 111), (0, 0), (202, 130), (202, 129), (202, 128)] {
            img.put_pixel(x, y, image::Luma([0]));
        }
        let (gray, f) = descreen(&img, 300.0);
        assert_eq!(f, 2);
        let mut solid_blocks = 0;
        for by in 0..gray.height() {
            for bx in 0..gray.width() {
                let solid = (0..2).any(|dy| (0..2).any(|dx| solid_at(&img, bx * 2 + dx, by * 2 + dy)));
                // A block that is not solid is paper darkened by dots,
                // never all black at this density.
                assert_eq!(gray.get_pixel(bx, by).0[0] == 0, solid, "block ({bx}, {by})");
                solid_blocks += solid as u32;
            }
        }
        assert!(solid_blocks > 100, "{solid_blocks}");
    }

    #[test]
    fn a_faint_half_ring_grows_onto_its_clear_half_and_a_long_rule_does_not() {
        let mut m = WorkMap::new(200, 100, 1, 150.0);
        // A ring of radius 20 round (50, 50): its left half clear ink, its
        // right half faint (value 12, under the weak level).
        for a in 0..360 {
            let t = (a as f32).to_radians();
            let (x, y) = ((50.0 + 20.0 * t.cos()).round() as usize, (50.0 + 20.0 * t.sin()).round() as usize);
            let i = y * m.w + x;
            if x < 50 {
                m.mask[i] = 1;
                m.value[i] = 60;
            } else {
                m.value[i] = m.value[i].max(12);
            }
        }
        let clear = Box { x0: 30, y0: 30, x1: 50, y1: 71 };
        let (added, b) = grow_faint(&m, &clear, 10, 30).expect("the faint half");
        assert!(!added.is_empty());
        assert_eq!((b.x0, b.y0, b.x1, b.y1), (30, 30, 71, 71));
        assert_eq!(grow_faint(&m, &clear, 13, 30), None, "under the faint level nothing joins");
        // A faint rule running on from the clear ink past the margin.
        (50..200).for_each(|x| m.value[90 * m.w + x] = 12);
        m.mask[90 * m.w + 48] = 1;
        m.mask[90 * m.w + 49] = 1;
        assert_eq!(grow_faint(&m, &Box { x0: 48, y0: 90, x1: 50, y1: 91 }, 10, 30), None);
    }

    #[test]
    fn rules_broken_into_dashes_or_dots_go_a_seal_and_a_row_of_glyphs_stay() {
        // 150 dpi: 12 mm = 70 px, 1 mm = 6 px, 0.6 mm = 4 px thick at most.
        let mut m = WorkMap::new(200, 200, 2, 300.0);
        let mut set = |x: usize, y: usize| m.mask[y * 200 + x] = 1;
        for x in 11..187 {
            // A rule 2 px thick, 8-px dashes 3 px apart; the same turned.
            if x % 11 < 8 {
                (20..22).for_each(|y| set(x, y));
                (20..22).for_each(|y| set(y, x));
            }
            // A dotted rule: 2-px dots 2 px apart.
            if x % 4 < 2 {
                (190..192).for_each(|y| set(x, y));
            }
        }
        // A row of glyphs 4 px apart, a bar across each and a 3-px
        // vertical stroke through it (seed 51: title glyphs).
        for g in 0..8 {
            let x0 = 30 + g * 16;
            (x0..x0 + 12).for_each(|x| (170..172).for_each(|y| set(x, y)));
            (x0 + 5..x0 + 8).for_each(|x| (160..182).for_each(|y| set(x, y)));
        }
        // A ring of radius 40 with a name bar across it, inside the dashes.
        for y in 0..200 {
            for x in 0..200 {
                let d = ((x as f32 - 110.0).powi(2) + (y as f32 - 100.0).powi(2)).sqrt();
                if (38.5..=40.5).contains(&d) || ((85..135).contains(&x) && (99..101).contains(&y)) {
                    set(x, y);
                }
            }
        }
        let kept = {
            let mut r = m.mask.clone();
            (20..22).for_each(|y| (11..187).for_each(|x| r[y * 200 + x] = 0));
            (20..22).for_each(|x| (11..187).for_each(|y| r[y * 200 + x] = 0));
            (190..192).for_each(|y| (11..187).for_each(|x| r[y * 200 + x] = 0));
            r
        };
        remove_dashed_lines(&mut m, 70, 4, 6);
        let diff: Vec<(usize, usize, u8)> = (0..200 * 200).filter(|&i| m.mask[i] != kept[i]).map(|i| (i % 200, i / 200, m.mask[i])).take(12).collect();
        assert!(diff.is_empty(), "(x, y, left) where they differ: {diff:?}");
    }

    #[test]
    fn block_factor_targets_150_dpi() {
        assert_eq!(block_factor(300.0), 2);
        assert_eq!(block_factor(200.0), 1);
        assert_eq!(block_factor(600.0), 4);
        assert_eq!(block_factor(72.0), 1);
    }

    #[test]
    fn a_closed_ring_has_a_core_an_attached_stroke_does_not() {
        // A ring of radius 20 (2 px thick) with a 3-px-wide bar glued to it.
        let (w, h) = (80, 60);
        let mut m = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let d = ((x as f32 - 30.0).powi(2) + (y as f32 - 30.0).powi(2)).sqrt();
                if (18.5..=20.5).contains(&d) || ((48..78).contains(&x) && (29..32).contains(&y)) {
                    m[y * w + x] = 1;
                }
            }
        }
        let c = filled_cores(&m, w, h, 8, 12);
        let cores = c.components();
        assert_eq!(cores.len(), 1);
        let b = cores[0].bbox;
        assert!((b.x0..b.x1).contains(&30) && (b.y0..b.y1).contains(&30), "the filled disc's centre is core");
        assert!(b.x1 < 48, "the bar has no core");
        let at = |v: &[u8], x: usize, y: usize| v[(y / 2) * c.cw + x / 2];
        assert_eq!(at(&c.disc, 11, 30), 1, "grown back to the ring");
        assert_eq!(at(&c.disc, 70, 30), 0);
        let mut kept = m.clone();
        c.keep_discs(&mut kept, w);
        assert_eq!(kept[30 * w + 11], 1, "the ring stays");
        assert_eq!(kept[30 * w + 70], 0, "the bar goes");
    }

    /// What [`filled_cores`] computes in windows, over the whole map: the
    /// half-resolution core and disc maps.
    fn whole_map_cores(mask: &[u8], w: usize, h: usize, k: u8, grow: u8) -> (Vec<u8>, Vec<u8>) {
        let (cw, ch) = (w / 2, h / 2);
        let mut d: Vec<u8> = half_filled(mask, w, h).iter().map(|&v| if v != 0 { 255 } else { 0 }).collect();
        city_distance(&mut d, cw, ch);
        let core: Vec<u8> = d.iter().map(|&v| (v >= (k / 2).max(1)) as u8).collect();
        let mut g: Vec<u8> = core.iter().map(|&v| if v != 0 { 0 } else { 255 }).collect();
        city_distance(&mut g, cw, ch);
        (core, g.iter().map(|&v| (v <= grow.div_ceil(2)) as u8).collect())
    }

    #[test]
    fn windowed_cores_equal_the_whole_map_computation() {
        // Rings big and small, close together (discs overlap), with a bar
        // attached; a narrow slab and a disc cut by the map's edges; a
        // square just big enough for one core pixel; specks.
        let (w, h) = (161, 121);
        let mut m = vec![0u8; w * h];
        let ring = |x: f32, y: f32, cx: f32, cy: f32, r: f32| (r - 2.0..=r).contains(&((x - cx).powi(2) + (y - cy).powi(2)).sqrt());
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f32, y as f32);
                let on = ring(fx, fy, 40.0, 40.0, 20.0)
                    || ((58..90).contains(&x) && (39..42).contains(&y))
                    || ring(fx, fy, 120.0, 20.0, 6.0)
                    || ring(fx, fy, 100.0, 80.0, 12.0)
                    || ring(fx, fy, 126.0, 80.0, 12.0)
                    || (x < 8 && y >= 70)
                    || ((60..74).contains(&x) && (90..104).contains(&y))
                    || (fx - 155.0).powi(2) + (fy - 115.0).powi(2) < 100.0
                    || (x * 7 + y * 13) % 41 == 0;
                m[y * w + x] = on as u8;
            }
        }
        let c = filled_cores(&m, w, h, 8, 12);
        let (core, disc) = whole_map_cores(&m, w, h, 8, 12);
        assert!(core.iter().filter(|&&v| v != 0).count() > 100, "there are cores");
        assert_eq!(deep_pixels(&half_filled(&m, w, h), c.cw, c.ch, 4), core);
        assert_eq!(c.disc, disc);
        let boxes = |v: &[Component]| v.iter().map(|c| (c.bbox, c.area)).collect::<Vec<_>>();
        assert_eq!(boxes(&c.comps), boxes(&crate::seal::label::components(&core, c.cw, c.ch, 1)));
    }

    #[test]
    fn opening_matches_its_definition() {
        // Min then max over the in-map 3×3 neighbourhood, on blobs, strokes
        // and specks that touch the map's edges.
        let (w, h) = (23, 17);
        let m: Vec<u8> = (0..w * h).map(|i| ((i % w) * 3 % 7 < 4 && (i / w) % 5 != 2 || i % 11 == 0) as u8).collect();
        let near = |x: usize, y: usize| {
            let (xs, ys) = (x.saturating_sub(1)..(x + 2).min(w), y.saturating_sub(1)..(y + 2).min(h));
            ys.flat_map(move |yy| xs.clone().map(move |xx| yy * w + xx))
        };
        let eroded: Vec<u8> = (0..w * h).map(|i| near(i % w, i / w).all(|j| m[j] != 0) as u8).collect();
        let opened: Vec<u8> = (0..w * h).map(|i| near(i % w, i / w).any(|j| eroded[j] != 0) as u8).collect();
        assert!(opened.iter().any(|&v| v != 0) && opened != m, "the pattern exercises the opening");
        assert_eq!(open(&m, w, h), opened);
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

    #[test]
    fn a_rules_ragged_edge_goes_with_it() {
        // A 2-px rule with a broken third row under it (every fourth pixel
        // missing: runs of 3, far too short to be a line themselves).
        let (w, h) = (100, 10);
        let mut m = vec![0u8; w * h];
        for x in 0..w {
            m[4 * w + x] = 1;
            m[5 * w + x] = 1;
            m[6 * w + x] = (x % 4 != 0) as u8;
        }
        remove_thin_lines(&mut m, w, h, 40, 3);
        assert_eq!(m.iter().filter(|&&v| v != 0).count(), 0);
    }

    #[test]
    fn despeckle_clears_dots_and_keeps_thin_strokes() {
        let (w, h) = (60, 60);
        let mut m = vec![0u8; w * h];
        // Isolated dots and diagonal pairs, as dithered paper.
        for (x, y) in [(5, 5), (20, 7), (21, 8), (40, 30), (50, 12)] {
            m[y * w + x] = 1;
        }
        // A one-pixel diagonal stroke and a one-pixel horizontal one.
        for i in 10..50 {
            m[i * w + i] = 1;
            m[55 * w + i] = 1;
        }
        despeckle(&mut m, w, h);
        assert_eq!(m[5 * w + 5] + m[7 * w + 20] + m[8 * w + 21] + m[30 * w + 40] + m[12 * w + 50], 0);
        // The strokes' inner pixels all stay (their two ends have one neighbour).
        assert!((11..49).all(|i| m[i * w + i] == 1 && m[55 * w + i] == 1));
    }
}
