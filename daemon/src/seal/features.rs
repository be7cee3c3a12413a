//! Stage 3: shape features of one candidate box, and the decision.

use image::RgbImage;

use super::label::Box;
use super::mask::WorkMap;
use super::{SealColor, SealShape};

/// Angular sectors used for ring coverage.
const SECTORS: usize = 32;

/// What the detector measures on one candidate (working pixels).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// Box width in millimetres.
    pub w_mm: f32,
    /// Box height in millimetres.
    pub h_mm: f32,
    /// Height / width.
    pub aspect: f32,
    /// Ink fraction of the whole box.
    pub fill: f32,
    /// Fraction of 32 angular sectors with ink in the ring band of the
    /// ellipse inscribed in the box (normalised radius 0.72–1.12).
    pub ring_cov: f32,
    /// Ink fraction of that ring band.
    pub ring_fill: f32,
    /// Ink fraction inside normalised radius 0.66 (the name, the date).
    pub inner_fill: f32,
    /// Ink fraction of the box corners outside normalised radius 1.2:
    /// empty for round seals, inked for square frames.
    pub corner_fill: f32,
    /// Per side (top, bottom, left, right): fraction of positions along the
    /// side with ink within 8 % of the box size from that side.
    pub side_cov: [f32; 4],
    /// Ink fraction of the box inset by 18 % on each side.
    pub rect_inner_fill: f32,
    /// Coefficient of variation of ink strength over stroke cores: stamp-pad
    /// ink is mottled, printed ink is flat. −1 when strokes are too thin to
    /// have cores.
    pub texture: f32,
    /// Mean ink strength over stroke cores (0–255).
    pub strength: f32,
    /// Colour pages: spread of the ink's darkness (paper luma minus pixel
    /// luma) over the same stroke cores, interquartile range over median,
    /// from the full-resolution pixels ([`luma_texture`]); −1 elsewhere or
    /// when there are too few cores.
    pub luma_texture: f32,
    /// Extent of the ink inside normalised radius 0.66, as a fraction of the
    /// box size (larger of width and height): a seal's name fills the inside,
    /// a circled page number or a printed 印 guide sits small in the middle.
    pub inner_span: f32,
    /// Mask pixels in a margin of half the box size around the box, beyond
    /// the page's average density there, per mask pixel inside it: other
    /// red (gray) ink nearby, as a logo's wordmark — not a dithered page's
    /// paper dots.
    pub context: f32,
    /// As `side_cov`, within 4 % of the box size: a straight frame bar
    /// along a side inks its whole length, the arc of an ellipse inscribed
    /// in the box about 0.4 of it.
    pub edge_cov: [f32; 4],
    /// Per side (as `side_cov`): how far a frame runs on past it, the
    /// fraction of the 3 mm beyond the side where ink lies in both of the
    /// 8 % bands along the two sides that meet it (beyond the right side,
    /// the top and the bottom band).
    pub runs_on: [f32; 4],
}

/// Measures a candidate box.
pub fn measure(m: &WorkMap, b: &Box) -> Features {
    let (bw, bh) = (b.w() as f32, b.h() as f32);
    let (cx, cy) = (b.x0 as f32 + bw / 2.0 - 0.5, b.y0 as f32 + bh / 2.0 - 0.5);
    let (ra, rb) = (bw / 2.0, bh / 2.0);
    let mut sectors = [0u32; SECTORS];
    let (mut ink, mut ring_n, mut ring_i, mut in_n, mut in_i, mut co_n, mut co_i) = (0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let band_x = ((bw * 0.08).round() as usize).max(1);
    let band_y = ((bh * 0.08).round() as usize).max(1);
    let thin_x = ((bw * 0.04).round() as usize).max(1);
    let thin_y = ((bh * 0.04).round() as usize).max(1);
    // Per side (top, bottom, left, right), for each position along it: the
    // distance from the side to the nearest ink (`side_cov` and `edge_cov`
    // count the positions within their bands).
    let mut near = [vec![usize::MAX; b.w()], vec![usize::MAX; b.w()], vec![usize::MAX; b.h()], vec![usize::MAX; b.h()]];
    let (ix0, ix1) = (b.x0 + (bw * 0.18) as usize, b.x1 - (bw * 0.18) as usize);
    let (iy0, iy1) = (b.y0 + (bh * 0.18) as usize, b.y1 - (bh * 0.18) as usize);
    let mut rin = 0u32;
    let (mut sx0, mut sy0, mut sx1, mut sy1) = (usize::MAX, usize::MAX, 0usize, 0usize);
    let (mut s1, mut s2, mut sn) = (0f64, 0f64, 0u32);
    for y in b.y0..b.y1 {
        let row = y * m.w;
        let dy = (y as f32 - cy) / rb;
        for x in b.x0..b.x1 {
            let dx = (x as f32 - cx) / ra;
            let r2 = dx * dx + dy * dy;
            let on = m.mask[row + x] != 0;
            if (0.72 * 0.72..1.12 * 1.12).contains(&r2) {
                ring_n += 1;
                if on {
                    ring_i += 1;
                    let a = dy.atan2(dx);
                    let s = (((a + std::f32::consts::PI) / std::f32::consts::TAU) * SECTORS as f32) as usize;
                    sectors[s.min(SECTORS - 1)] += 1;
                }
            } else if r2 < 0.66 * 0.66 {
                in_n += 1;
                in_i += on as u32;
                if on {
                    sx0 = sx0.min(x);
                    sx1 = sx1.max(x + 1);
                    sy0 = sy0.min(y);
                    sy1 = sy1.max(y + 1);
                }
            } else if r2 > 1.2 * 1.2 {
                co_n += 1;
                co_i += on as u32;
            }
            if !on {
                continue;
            }
            ink += 1;
            if (ix0..ix1).contains(&x) && (iy0..iy1).contains(&y) {
                rin += 1;
            }
            // Only ink within the wider band is recorded (the thin band
            // lies inside it): most ink is further in.
            let (i, j) = (x - b.x0, y - b.y0);
            let (di, dj) = (b.x1 - 1 - x, b.y1 - 1 - y);
            if j < band_y {
                near[0][i] = near[0][i].min(j);
            }
            if dj < band_y {
                near[1][i] = near[1][i].min(dj);
            }
            if i < band_x {
                near[2][j] = near[2][j].min(i);
            }
            if di < band_x {
                near[3][j] = near[3][j].min(di);
            }
            if is_core(m, x, y) {
                let v = m.value[row + x] as f64;
                s1 += v;
                s2 += v * v;
                sn += 1;
            }
        }
    }
    let frac = |a: u32, n: u32| if n == 0 { 0.0 } else { a as f32 / n as f32 };
    let cov = |v: &[usize], band: usize| if v.is_empty() { 0.0 } else { v.iter().filter(|&&d| d < band).count() as f32 / v.len() as f32 };
    // Expected ring pixels per sector if the ring were a thin line: a sector
    // counts when it holds at least a few pixels (noise specks do not close a ring).
    let per_sector_min = ((ring_n as f32 / SECTORS as f32) * 0.04).max(1.0) as u32;
    let ring_cov = sectors.iter().filter(|&&c| c >= per_sector_min).count() as f32 / SECTORS as f32;
    let (mean, var) = if sn > 0 {
        let mean = s1 / sn as f64;
        (mean, (s2 / sn as f64 - mean * mean).max(0.0))
    } else {
        (0.0, 0.0)
    };
    // Context: ink in a margin around the box.
    let mx = b.w() / 2;
    let my = b.h() / 2;
    let (ox0, oy0) = (b.x0.saturating_sub(mx), b.y0.saturating_sub(my));
    let (ox1, oy1) = ((b.x1 + mx).min(m.w), (b.y1 + my).min(m.h));
    let mut outside = 0u32;
    let margin = (ox1 - ox0) * (oy1 - oy0) - (b.x1.min(ox1) - b.x0) * (b.y1.min(oy1) - b.y0);
    for y in oy0..oy1 {
        let row = &m.mask[y * m.w..][..m.w];
        let inside_rows = (b.y0..b.y1).contains(&y);
        for (x, &v) in row.iter().enumerate().take(ox1).skip(ox0) {
            if v != 0 && !(inside_rows && (b.x0..b.x1).contains(&x)) {
                outside += 1;
            }
        }
    }
    // Runs on: the bands along two opposite sides continued past a third.
    let reach = (3.0 * m.ppm).round() as usize;
    let inked = |xs: std::ops::Range<usize>, ys: std::ops::Range<usize>| ys.into_iter().any(|y| xs.clone().any(|x| m.mask[y * m.w + x] != 0));
    let run = |n: usize, hit: &dyn Fn(usize) -> bool| if n == 0 { 0.0 } else { (0..n).filter(|&k| hit(k)).count() as f32 / reach as f32 };
    let (top, bottom) = (b.y0..b.y0 + band_y, b.y1 - band_y..b.y1);
    let (left, right) = (b.x0..b.x0 + band_x, b.x1 - band_x..b.x1);
    let runs_on = [
        run(reach.min(b.y0), &|k| inked(left.clone(), b.y0 - 1 - k..b.y0 - k) && inked(right.clone(), b.y0 - 1 - k..b.y0 - k)),
        run(reach.min(m.h - b.y1), &|k| inked(left.clone(), b.y1 + k..b.y1 + k + 1) && inked(right.clone(), b.y1 + k..b.y1 + k + 1)),
        run(reach.min(b.x0), &|k| inked(b.x0 - 1 - k..b.x0 - k, top.clone()) && inked(b.x0 - 1 - k..b.x0 - k, bottom.clone())),
        run(reach.min(m.w - b.x1), &|k| inked(b.x1 + k..b.x1 + k + 1, top.clone()) && inked(b.x1 + k..b.x1 + k + 1, bottom.clone())),
    ];
    Features {
        w_mm: bw / m.ppm,
        h_mm: bh / m.ppm,
        aspect: bh / bw,
        fill: frac(ink, (b.w() * b.h()) as u32),
        ring_cov,
        ring_fill: frac(ring_i, ring_n),
        inner_fill: frac(in_i, in_n),
        corner_fill: frac(co_i, co_n),
        side_cov: [cov(&near[0], band_y), cov(&near[1], band_y), cov(&near[2], band_x), cov(&near[3], band_x)],
        rect_inner_fill: frac(rin, ((ix1 - ix0) * (iy1 - iy0)).max(1) as u32),
        texture: if sn >= 40 && mean > 0.0 { (var.sqrt() / mean) as f32 } else { -1.0 },
        strength: mean as f32,
        inner_span: if sx1 > sx0 { ((sx1 - sx0) as f32 / bw).max((sy1 - sy0) as f32 / bh) } else { 0.0 },
        context: (outside as f32 - m.density * margin as f32).max(0.0) / ink.max(1) as f32,
        luma_texture: -1.0,
        edge_cov: [cov(&near[0], thin_y), cov(&near[1], thin_y), cov(&near[2], thin_x), cov(&near[3], thin_x)],
        runs_on,
    }
}

/// A stroke core: the pixel and all 8 neighbours inked (edges are blurred by
/// the scan). Only clear ink counts (not the weak fringe added by hysteresis).
fn is_core(m: &WorkMap, x: usize, y: usize) -> bool {
    if x == 0 || y == 0 || x + 1 >= m.w || y + 1 >= m.h {
        return false;
    }
    let row = y * m.w;
    m.mask[row - m.w + x - 1..=row - m.w + x + 1].iter().all(|&v| v == 1)
        && m.mask[row + x - 1..=row + x + 1].iter().all(|&v| v == 1)
        && m.mask[row + m.w + x - 1..=row + m.w + x + 1].iter().all(|&v| v == 1)
}

/// Colour pages: [`Features::luma_texture`] of a candidate box. JPEG keeps
/// colour at half resolution in coarse blocks, so printed red can look
/// mottled in redness; its luma is stored at full resolution, where printed
/// ink stays flat and stamp-pad ink, uneven in density, does not. Quartiles,
/// not the standard deviation: the blurred rim of a stroke must not count as
/// texture. The paper level is the 80th percentile of the box's unmasked
/// pixels.
pub fn luma_texture(img: &RgbImage, m: &WorkMap, b: &Box) -> f32 {
    let f = m.factor as usize;
    let (iw, ih) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let luma = |x: usize, y: usize| -> u32 {
        let (mut sum, mut n) = (0u32, 0u32);
        for fy in y * f..((y + 1) * f).min(ih) {
            for px in raw[(fy * iw + x * f) * 3..(fy * iw + ((x + 1) * f).min(iw)) * 3].chunks_exact(3) {
                sum += 77 * px[0] as u32 + 150 * px[1] as u32 + 29 * px[2] as u32;
                n += 1;
            }
        }
        sum / (n.max(1) << 8)
    };
    let mut hist = [0u32; 256];
    let mut core = Vec::new();
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            if m.mask[y * m.w + x] == 0 {
                hist[luma(x, y).min(255) as usize] += 1;
            } else if is_core(m, x, y) {
                core.push(luma(x, y) as f64);
            }
        }
    }
    let n_paper: u32 = hist.iter().sum();
    if core.len() < 40 || n_paper == 0 {
        return -1.0;
    }
    let mut acc = 0;
    let paper = hist.iter().position(|&c| {
        acc += c;
        acc * 5 > n_paper * 4
    }).unwrap_or(255) as f64;
    let mut dark: Vec<f64> = core.iter().map(|&v| (paper - v).max(0.0)).collect();
    dark.sort_by(f64::total_cmp);
    let q = |p: f64| dark[((dark.len() - 1) as f64 * p) as usize];
    if q(0.5) <= 0.0 { -1.0 } else { ((q(0.75) - q(0.25)) / q(0.5)) as f32 }
}

/// Height over width of a seal's box: seals stand upright or tall (小判);
/// wider boxes are text stamps and titles.
pub const SEAL_ASPECT: std::ops::RangeInclusive<f32> = 0.78..=2.3;

/// The straightest outer bar along a long side of a box wider than high
/// (or higher than wide): of the lines at up to 12° to that side through
/// its outer quarter with (nearly) no ink beyond them (in ≤ 10 % of the
/// columns, more than 2 working pixels out), the largest fraction of the
/// box's length on ink (within a working pixel). A text stamp stamped
/// askew has its frame's bar across `edge_cov`'s band; a ring cut short has
/// an arc there, flat over a fraction of it only, and a rule crossing a
/// ring has the ring's arc beyond it.
pub fn tilted_bar(m: &WorkMap, b: &Box) -> f32 {
    let wide = b.w() >= b.h();
    let (len, across) = if wide { (b.w(), b.h()) } else { (b.h(), b.w()) };
    if len == 0 || across < 4 {
        return 0.0;
    }
    let ink = |u: usize, v: isize| {
        (0..across as isize).contains(&v) && {
            let v = v as usize;
            let (x, y) = if wide { (b.x0 + u, b.y0 + v) } else { (b.x0 + v, b.y0 + u) };
            m.mask[y * m.w + x] != 0
        }
    };
    // The ink's envelope: per position along, its first and last ink across.
    let (mut first, mut last) = (vec![isize::MAX; len], vec![isize::MIN; len]);
    for u in 0..len {
        for v in 0..across as isize {
            if ink(u, v) {
                first[u] = first[u].min(v);
                last[u] = last[u].max(v);
            }
        }
    }
    let band = across / 4;
    let mut best = 0;
    for step in -8..=8 {
        let slope = (step as f32 * 1.5).to_radians().tan();
        for mid in (0..band).chain(across - band..across) {
            let line = |u: usize| (mid as f32 + slope * (u as f32 - len as f32 / 2.0)).round() as isize;
            let beyond = (0..len).filter(|&u| if mid < band { first[u] < line(u) - 2 } else { last[u] > line(u) + 2 }).count();
            if beyond * 10 > len {
                continue;
            }
            let hits = (0..len).filter(|&u| (-1..=1).any(|d| ink(u, line(u) + d))).count();
            best = best.max(hits);
        }
    }
    best as f32 / len as f32
}

/// One end of a framed text stamp: a side not inked along (< 0.7 of it)
/// with the rules of the two sides meeting it running on past it over half
/// of 3 mm or more (`runs_on`). A stamp's frame broken by a light 1-bit
/// impression, or a stamp split in two halves, leaves such pieces: not a
/// square seal, nor a ring cut short. The two pieces flagged as square
/// seals on seed 47 measured 0.58 and 0.83 past a side of 0.61; the square
/// seals of seeds 37–47 and the logo set ≤ 0.50, and those over 0.3 (text
/// beside them) were inked along every side (≥ 0.83).
pub fn broken_frame(f: &Features) -> bool {
    (0..4).any(|i| f.side_cov[i] < 0.7 && f.runs_on[i] >= 0.5)
}

/// Bilevel: a ring of 22 mm or more under 0.92 closed. A pen circle drawn
/// around words is as black as a seal's ring, and the circle refitted to
/// its arc as big as the biggest seals. Every 1-bit round or oval verdict ≥ 22 mm on seeds
/// 43–61 and the logo set with a ring under 0.95 closed that was no seal
/// (pen circles and a logo of 27–31 mm, circles fitted through text)
/// measured ≤ 0.91; the two seals (22.5 and 24.6 mm, one faded) 0.94.
pub fn big_open_ring(f: &Features) -> bool {
    f.w_mm.max(f.h_mm) >= 22.0 && f.ring_cov < 0.92
}

/// A group's box at least a quarter wider than high whose top or bottom
/// edge is a straight bar along most of its width (or the same turned on
/// its side): a frame, as a faded text stamp's, not a ring cut short, so no
/// circle is fitted to it. On seeds 37–41 and the logo set, the three text
/// stamps refitted to round seals this way had such a bar (0.63–0.91 of the
/// edge); the 7 round seals refitted from a box that wide did not (≤ 0.38):
/// their cut edge is an arc, ends of the ring and glyphs.
pub fn framed_bar(f: &Features) -> bool {
    let [top, bottom, left, right] = f.edge_cov;
    (f.aspect < 0.8 && top.max(bottom) >= 0.6) || (f.aspect > 1.25 && left.max(right) >= 0.6)
}

/// The detector's verdict on a candidate: a shape and a confidence, or no seal.
///
/// `refit` is true for a box from [`fit_circle`]: the ring may be partly
/// missing (faded, partial impressions), so less of it is required.
pub fn classify(f: &Features, color: SealColor, refit: bool) -> Option<(SealShape, f32)> {
    let (short, long) = (f.w_mm.min(f.h_mm), f.w_mm.max(f.h_mm));
    let bilevel = color == SealColor::Black;
    // Bilevel: big title glyphs are as black as seals; seals are ≥ 8 mm.
    // Printed logos have heavy solid rings around a lighter inside; a
    // double-ring company seal is heavy throughout.
    // A square company seal's heavy frame crosses the ring band too; round
    // logos have no corners, and every bilevel candidate with a closed
    // square outline ≥ 18 mm on the tuning and retired corpora was a seal
    // (text stamps with heavy frames measure 8–14 mm).
    let big_frame = (0.78..=1.3).contains(&f.aspect)
        && short >= 18.0
        && f.corner_fill > 0.08
        && f.side_cov.iter().all(|&s| s >= 0.5)
        && f.side_cov.iter().sum::<f32>() >= 3.0;
    let logo_ring = f.ring_fill > 0.42 && f.ring_fill > f.inner_fill + 0.08 && !big_frame;
    // A printed ring logo's mark sits in the middle of a heavy closed ring
    // (inner span 0.44–0.51 on the tuning and retired corpora); the names
    // of bilevel seals with such rings span ≥ 0.50 of the box, and the two
    // under 0.52 have lighter rings (ring fill 0.30–0.31, the logos there
    // ≥ 0.37).
    let ring_around_mark = f.ring_cov >= 0.95
        && ((f.ring_fill >= 0.30 && f.inner_span < 0.50) || (f.ring_fill >= 0.35 && f.inner_span < 0.52));
    // A dense name (inside 0.55–0.65) in a closed thin ring is a seal; a
    // bold title glyph as full inside has a heavy outline (ring fill ≥ 0.48,
    // overall fill ≥ 0.47), and the dense text stamps' outlines were open
    // (≤ 0.91). The seals there measured ring fill 0.22–0.36, fill ≤ 0.40.
    let dense_name = f.ring_cov >= 0.95 && f.ring_fill < 0.42 && f.fill < 0.45 && f.inner_fill <= 0.65;
    if bilevel && (long < 8.0 || (f.inner_fill > 0.55 && !dense_name) || f.ring_fill > 0.55 || logo_ring || ring_around_mark) {
        return None;
    }
    if short < 6.0 || long > 45.0 || f.w_mm > 42.0 {
        return None;
    }
    if !SEAL_ASPECT.contains(&f.aspect) {
        return None;
    }
    if f.fill > 0.62 {
        return None; // solid shapes: logos, filled marks
    }
    let ring_min: f32 = match (color, refit) {
        // A refitted bilevel ring may be a pen circle or any curve in the
        // text; without colour only a mostly closed one is a seal.
        (SealColor::Black, true) => 0.75,
        (_, true) => 0.55,
        // On the ink's own box a faded seal's ring may be a third gone;
        // among all colour and gray candidates of the tuning corpora only
        // seals failed on ring coverage alone between 0.50 and 0.75 (the
        // negatives there fail on aspect, flat ink or size too).
        (SealColor::Red, false) => 0.50,
        (SealColor::Gray, false) => 0.55,
        // A light 1-bit 小判 oval breaks first along its long sides, where
        // its ring band is narrowest: every bilevel candidate of the tuning
        // and retired corpora 1.4–2.0 times as tall as wide with a thin
        // ring 0.78–0.85 closed and little ink around was a seal.
        (SealColor::Black, false) if (1.4..=2.0).contains(&f.aspect) => 0.78,
        (SealColor::Black, false) => 0.85,
    };
    // Bilevel: a pen circle drawn around words among lines of text is open
    // where the pen lifted; a seal stamped among text is a closed ring.
    // With that much ink around (context ≥ 0.65) every pen circle of the
    // tuning and retired corpora measured ring coverage ≤ 0.91 but two,
    // and all seals but two ≥ 0.97.
    let ring_min = if bilevel && f.context >= 0.65 { ring_min.max(0.95) } else { ring_min };
    // Gray: an open ring of thin or even ink is a pen circle or a form's
    // curve; the faded gray seals with a third of the ring gone are mottled
    // (texture ≥ 0.09; pen circles measured 0.07 or had no stroke cores).
    let ring_min = if color == SealColor::Gray && f.texture < 0.09 { ring_min.max(0.75) } else { ring_min };
    // Printed ink is flat; stamp-pad ink is mottled.
    // Gray: a printed ring logo in the mid-gray band has a heavy ring of
    // even ink (texture 0.055 on seed 31); gray seals with rings that heavy
    // (≥ 0.45) measured ≥ 0.073 on the tuning and retired corpora.
    let flat = match color {
        SealColor::Red => 0.08,
        SealColor::Gray if f.ring_fill >= 0.45 => 0.065,
        SealColor::Gray => 0.05,
        SealColor::Black => 0.0,
    };
    // In colour, printed red is told by its flat luma where that can be
    // measured: JPEG's colour blocks mottle printed red in redness, not in
    // luma (printed logos stay under 0.07 there, stamped seals start above
    // 0.11 on the tuning corpora).
    // Colour: a closed thin ring around a name across the inside is a seal
    // however flat its ink. A seal stamped evenly on a lossless scan is as
    // flat as print; printed ring logos have heavy rings (ring fill ≥ 0.43
    // where their inside is not solid) and a dropout form's 印 guide circle
    // holds one small glyph (inner span ≤ 0.43). Stamped seals that flat
    // measured ring fill 0.24–0.36 and inner span ≥ 0.50 on the tuning and
    // retired corpora.
    let named_ring = color == SealColor::Red
        && f.ring_cov >= 0.95
        && f.ring_fill < 0.40
        && f.inner_span >= 0.50;
    // A printed ring logo's mark in the middle of a heavy ring (inner span
    // < 0.55) can be mottled by JPEG just over that line (0.093–0.098);
    // stamped seals with rings as heavy around a name that small measured
    // ≥ 0.135.
    let logo_like = f.ring_cov >= 0.95 && f.ring_fill >= 0.45 && f.inner_span < 0.55;
    let flat_ink = if color == SealColor::Red && f.luma_texture >= 0.0 {
        f.luma_texture < if logo_like { 0.12 } else { 0.09 }
    } else {
        (0.0..flat).contains(&f.texture)
    };
    if flat_ink && !named_ring {
        return None;
    }
    // Too few stroke cores to measure texture, yet strong ink: thin printed
    // line art (a dropout form's 印 guide circle, a line-drawn logo). Thin
    // seal strokes are faded ones.
    if color != SealColor::Black && f.texture < 0.0 && f.strength >= 100.0 && !named_ring {
        return None;
    }
    // Colour: a small open ring of strong ink is a red pen mark (a loop of
    // a scribble); a seal's ring breaks where the impression was light. On
    // seeds 43–57 and the logo set every colour seal found up to 10.5 mm
    // with a ring under 0.85 closed measured stroke strength ≤ 77; the
    // three pen marks read as round seals (7–9 mm, rings 0.56–0.81)
    // measured 119–129.
    if color == SealColor::Red && long <= 10.0 && f.ring_cov < 0.85 && f.strength >= 100.0 {
        return None;
    }
    // Something small in the middle of a ring: a page number, a printed 印
    // guide. A faded seal's name is partly gone too (see `light` below).
    // Colour: the 11 mm guide circles of seeds 37–41 measured 0.40–0.43
    // (one at 0.422 was flagged), the seals not light ≥ 0.479. Gray: a
    // guide circle of seed 49 (p0187) measured 0.421; the 559 gray seals
    // found on seeds 43–53 and the logo set ≥ 0.516.
    let span_min = if bilevel { 0.42 } else { 0.45 };
    // Colour: light ink (stroke strength < 90) is a faded impression, whose
    // name may be mostly gone; red pen circles and printed guide circles
    // measured ≥ 95. Every colour candidate of the tuning and retired
    // corpora that light and rejected only for a small inside was a seal.
    let light = color == SealColor::Red && (1.0..90.0).contains(&f.strength);
    // Colour: a faded impression whose name did not print at all is an
    // empty ring like a pen circle, but light (< 80). Among all colour
    // candidates of the tuning and retired corpora, every round ring ≥ 8.5
    // mm that light and that empty was a seal.
    let faded_empty = light
        && f.strength < 80.0
        && short >= 8.5
        && (0.78..=1.3).contains(&f.aspect)
        && f.ring_cov >= 0.6
        && f.inner_fill < 0.06;
    // Bilevel: a closed thin ring with nothing inside is a seal whose name
    // did not print (thresholded away); a circled page number holds its
    // digit (inside ≥ 0.05), a printed ring logo's ring is heavy (≥ 0.62).
    // Every bilevel candidate of the tuning and retired corpora that closed
    // and that empty (< 0.03) with a ring under 0.42 was a seal. A faded
    // seal thresholded that far loses arcs of its ring too: on seeds 43–63
    // every bilevel candidate that empty with a thin ring (< 0.30) at least
    // 0.84 closed and no corners was a seal (nine, on eight seals); the
    // text stamps, form boxes and logos that empty had corners (≥ 0.11)
    // or heavy rings (≥ 0.61).
    let thin_ring_min = if f.ring_fill < 0.30 { 0.84 } else { 0.99 };
    let empty_ring = bilevel && f.ring_cov >= thin_ring_min && f.inner_fill < 0.03 && f.ring_fill < 0.42 && f.corner_fill <= 0.05;
    if f.inner_span < span_min && !light && !empty_ring {
        return None;
    }
    let sides_min = f.side_cov.iter().copied().fold(1.0f32, f32::min);
    let sides_mean = f.side_cov.iter().sum::<f32>() / 4.0;

    // Gray: a big printed title glyph in the mid-gray band is a dense block
    // with a closed outline (0.64–0.68 inside); gray seals measure ≤ 0.58
    // inside on the tuning corpora (but see `gray_dense` below). Colour: a
    // bank seal's dense name fills 0.70–0.75 of the inside; the colour negatives that dense (titles,
    // solid logos, text stamps) are all too wide or too full overall. The
    // same cap (at most 0.70) holds inside a square outline: gray square
    // seals measure ≤ 0.59 there, the title glyphs and logos ≥ 0.60.
    let inner_max = match color {
        SealColor::Gray => 0.60,
        SealColor::Red => 0.80,
        SealColor::Black => 0.70,
    };
    // Gray: a seal's dense name can fill 0.62–0.73 of a closed ring (seed
    // 37 and five seals of the retired corpora). Such a ring touches its
    // box evenly (≥ 0.40 on each side: a circle), is lighter than 0.55,
    // the whole box under 0.50 full and the ink mottled (texture ≥ 0.08).
    // Printed ring logos that dense have heavy rings (≥ 0.60) of flat ink
    // (≤ 0.03), title glyphs touch their box unevenly (≤ 0.38 on a side).
    let gray_dense = color == SealColor::Gray
        && f.ring_cov >= 0.95
        && f.ring_fill < 0.55
        && f.fill < 0.50
        && f.texture >= 0.08
        && sides_min >= 0.40;
    let ellipse_max = if gray_dense { 0.75 } else { inner_max };
    // Bilevel: thresholding or a dithered scan leaves a seal's name as
    // scattered dots, yet across the whole inside; a circled page number's
    // digit sits small in the middle (inner span < 0.42). Every bilevel
    // candidate of the tuning and retired corpora with a closed ring and a
    // near-empty inside spanning ≥ 0.45 was a seal.
    let sparse_name = bilevel && f.ring_cov >= 0.85 && f.inner_span >= 0.45;
    let inner_min = if sparse_name || faded_empty || empty_ring { 0.0 } else { 0.035 };
    let ellipse = f.ring_cov >= ring_min
        && f.corner_fill <= 0.10
        && f.ring_fill >= 0.10
        && (inner_min..=ellipse_max).contains(&f.inner_fill);
    let square = sides_min >= 0.5
        && !broken_frame(f)
        && sides_mean >= 0.75
        && (0.78..=1.3).contains(&f.aspect)
        && f.corner_fill > 0.08
        && (0.10..=inner_max.min(0.70)).contains(&f.rect_inner_fill);

    // Colour and gray: the row of glyphs of a faded text stamp (or the arc
    // of a pen circle) refits to a circle through its ends, whose box has
    // no ink along its top and bottom and ink down one side only. Faded
    // date seals refitted without their top and bottom arcs keep ink down
    // both sides (≥ 0.46 on the tuning and retired corpora; the stamps and
    // circles measured < 0.40 on one).
    // Bilevel: a framed text stamp's long rules are erased as lines; its
    // glyph block and the frame's end bars refit to a circle whose box has
    // no ink along two opposite sides (< 0.05 each; 7 stamps on the tuning
    // and retired corpora). Every bilevel seal there had ink on at least
    // one side of each pair (≥ 0.10).
    let banded = if bilevel {
        f.side_cov[0].max(f.side_cov[1]) < 0.05 || f.side_cov[2].max(f.side_cov[3]) < 0.05
    } else {
        (0.95..=1.05).contains(&f.aspect) && f.side_cov[0].max(f.side_cov[1]) < 0.15 && f.side_cov[2].min(f.side_cov[3]) < 0.40
    };
    if ellipse && banded {
        return None;
    }
    let shape = if ellipse {
        if f.aspect <= 1.22 && f.aspect >= 0.82 { SealShape::Round } else { SealShape::Oval }
    } else if square {
        if f.aspect <= 1.2 { SealShape::Square } else { SealShape::Rect }
    } else {
        return None;
    };
    if bilevel && shape == SealShape::Round && f.inner_fill < 0.04 && !sparse_name && !empty_ring {
        return None; // circled page numbers, rings around a small digit
    }
    // Confidence: how complete the outline is, how plausible the inside.
    let outline = if ellipse { f.ring_cov } else { sides_mean };
    let inner = if ellipse { f.inner_fill } else { f.rect_inner_fill };
    let inner_score = ((inner - 0.03) / 0.12).clamp(0.0, 1.0);
    let mut conf = 0.5 + 0.3 * outline + 0.2 * inner_score;
    // Other ink right around it: part of a larger design (logo + wordmark).
    conf -= (f.context - 0.6).clamp(0.0, 1.0) * 0.5;
    if bilevel {
        conf *= 0.85;
    }
    if refit {
        conf *= 0.9;
    }
    if conf < 0.5 {
        return None;
    }
    Some((shape, conf.clamp(0.0, 0.99)))
}

/// Least-squares circle through the outermost ink in 64 directions around
/// the ink's centroid, refitted without the points well inside the circle
/// (glyphs where the ring did not print). For faded and partial round seals
/// whose box is cut short. Returns centre and radius in working pixels.
pub fn fit_circle(m: &WorkMap, b: &Box) -> Option<(f32, f32, f32)> {
    const DIRS: usize = 64;
    let (mut sx, mut sy, mut n) = (0f64, 0f64, 0f64);
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            if m.mask[y * m.w + x] != 0 {
                sx += x as f64;
                sy += y as f64;
                n += 1.0;
            }
        }
    }
    if n < 20.0 {
        return None;
    }
    let (gx, gy) = (sx / n, sy / n);
    let mut far = [(0f64, 0f64, -1f64); DIRS];
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            if m.mask[y * m.w + x] != 0 {
                let (dx, dy) = (x as f64 - gx, y as f64 - gy);
                let d2 = dx * dx + dy * dy;
                let k = (((dy.atan2(dx) + std::f64::consts::PI) / std::f64::consts::TAU) * DIRS as f64) as usize % DIRS;
                if d2 > far[k].2 {
                    far[k] = (dx, dy, d2);
                }
            }
        }
    }
    let mut pts: Vec<(f64, f64)> = far.iter().filter(|p| p.2 >= 0.0).map(|p| (p.0, p.1)).collect();
    let mut circle = kasa(&pts)?;
    for _ in 0..2 {
        let (cx, cy, r) = circle;
        pts.retain(|&(x, y)| ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() > 0.85 * r);
        if pts.len() < 16 {
            return None;
        }
        circle = kasa(&pts)?;
    }
    let (cx, cy, r) = circle;
    let r_mm = r as f32 / m.ppm;
    if !(3.2..=21.0).contains(&r_mm) {
        return None;
    }
    Some(((cx + gx) as f32, (cy + gy) as f32, r as f32))
}

/// Algebraic (Kåsa) circle fit: centre and radius.
fn kasa(pts: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let (mut sxx, mut sxy, mut syy, mut sx, mut sy, mut sxz, mut syz, mut sz) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let n = pts.len() as f64;
    for &(x, y) in pts {
        let z = x * x + y * y;
        sxx += x * x;
        sxy += x * y;
        syy += y * y;
        sx += x;
        sy += y;
        sxz += x * z;
        syz += y * z;
        sz += z;
    }
    // Solve [sxx sxy sx; sxy syy sy; sx sy n] [D E F] = -[sxz syz sz] by Cramer's rule.
    let det3 = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let a = [[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]];
    let rhs = [-sxz, -syz, -sz];
    let d = det3(a);
    if d.abs() < 1e-9 {
        return None;
    }
    let col = |i: usize| {
        let mut m = a;
        for r in 0..3 {
            m[r][i] = rhs[r];
        }
        det3(m) / d
    };
    let (dd, ee, ff) = (col(0), col(1), col(2));
    let (cx, cy) = (-dd / 2.0, -ee / 2.0);
    let r2 = cx * cx + cy * cy - ff;
    (r2 > 0.0).then(|| (cx, cy, r2.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Features as measured on a 1-bit tuning page (seed 1, p0026): a 21 mm
    /// double-ring company seal, heavy throughout.
    fn double_ring() -> Features {
        Features {
            w_mm: 21.0,
            h_mm: 20.8,
            aspect: 0.99,
            fill: 0.376,
            ring_cov: 1.0,
            ring_fill: 0.436,
            inner_fill: 0.428,
            corner_fill: 0.0,
            side_cov: [0.54, 0.54, 0.545, 0.52],
            rect_inner_fill: 0.382,
            texture: 0.033,
            strength: 254.4,
            inner_span: 0.637,
            context: 0.58,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        }
    }

    #[test]
    fn on_1_bit_pages_a_double_ring_seal_passes_and_a_ring_logo_does_not() {
        let seal = classify(&double_ring(), SealColor::Black, false);
        assert_eq!(seal.map(|s| s.0), Some(SealShape::Round));
        // A printed ring logo (seed 1, p0051): the ring far heavier than the
        // letter inside it.
        let logo = Features { w_mm: 9.8, h_mm: 9.8, aspect: 1.0, fill: 0.37, ring_fill: 0.535, inner_fill: 0.306, rect_inner_fill: 0.285, inner_span: 0.517, context: 0.145, ..double_ring() };
        assert_eq!(classify(&logo, SealColor::Black, false), None);
        // A ring logo with a lighter ring around a letter in the middle
        // (seed 19, p0274: inner span 0.48).
        let mark = Features { w_mm: 15.9, h_mm: 15.9, aspect: 1.0, fill: 0.26, ring_fill: 0.37, inner_fill: 0.23, inner_span: 0.48, context: 0.0, ..double_ring() };
        assert_eq!(classify(&mark, SealColor::Black, false), None);
        assert!(classify(&Features { inner_span: 0.62, ..mark }, SealColor::Black, false).is_some());
        // At a span of 0.50–0.52 the ring's weight decides: logos measured
        // ring fill ≥ 0.37 there (logo set, p0075: 0.41), seals 0.30–0.31.
        assert_eq!(classify(&Features { inner_span: 0.505, ring_fill: 0.41, ..mark }, SealColor::Black, false), None);
        assert!(classify(&Features { inner_span: 0.505, ring_fill: 0.31, ..mark }, SealColor::Black, false).is_some());
    }

    #[test]
    fn a_faded_colour_seal_with_a_third_of_its_ring_gone_passes() {
        // Seed 1, p0039: a 10 mm personal seal, mottled, its ring 62 % inked,
        // whose fitted circle did not hold the group.
        let faded = Features {
            w_mm: 10.0,
            h_mm: 10.7,
            aspect: 1.07,
            fill: 0.17,
            ring_cov: 0.62,
            ring_fill: 0.23,
            inner_fill: 0.15,
            corner_fill: 0.0,
            side_cov: [0.15, 0.37, 0.54, 0.11],
            rect_inner_fill: 0.14,
            texture: 0.14,
            strength: 60.8,
            inner_span: 0.34,
            context: 0.0,
            luma_texture: 0.16,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&faded, SealColor::Red, false).map(|s| s.0), Some(SealShape::Round));
        // The same ring half gone is not a seal.
        assert_eq!(classify(&Features { ring_cov: 0.44, ..faded }, SealColor::Red, false), None);
    }

    #[test]
    fn a_colour_bank_seal_with_a_dense_name_passes_a_solid_inside_does_not() {
        // Seed 23, p0075: an 11 mm bank seal, its name filling 0.70–0.72 inside.
        let bank = Features {
            w_mm: 11.35,
            h_mm: 11.35,
            aspect: 1.0,
            fill: 0.47,
            ring_cov: 1.0,
            ring_fill: 0.44,
            inner_fill: 0.72,
            corner_fill: 0.0,
            side_cov: [0.51, 0.49, 0.48, 0.51],
            rect_inner_fill: 0.62,
            texture: 0.13,
            strength: 135.9,
            inner_span: 0.58,
            context: 0.05,
            luma_texture: 0.16,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&bank, SealColor::Red, false).map(|s| s.0), Some(SealShape::Round));
        assert_eq!(classify(&Features { inner_fill: 0.84, ..bank }, SealColor::Red, false), None);
    }

    #[test]
    fn on_gray_pages_a_printed_guide_circle_holding_one_small_glyph_is_not_a_seal() {
        // Seed 49, p0187: a dropout form's 10 mm 印 guide circle, its
        // glyph spanning 0.42 of the box.
        let guide = Features {
            w_mm: 9.65,
            h_mm: 9.65,
            aspect: 1.0,
            fill: 0.20,
            ring_cov: 1.0,
            ring_fill: 0.26,
            inner_fill: 0.21,
            corner_fill: 0.0,
            side_cov: [0.54, 0.54, 0.53, 0.54],
            rect_inner_fill: 0.17,
            texture: 0.13,
            strength: 158.3,
            inner_span: 0.421,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.32, 0.35, 0.30, 0.35],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&guide, SealColor::Gray, false), None);
        // A seal's name across the inside (the least of seeds 43-53: 0.516).
        let seal = Features { inner_span: 0.52, ..guide };
        assert_eq!(classify(&seal, SealColor::Gray, false).map(|s| s.0), Some(SealShape::Round));
    }

    #[test]
    fn a_gray_seal_with_a_dense_name_passes_a_printed_ring_logo_and_a_title_glyph_do_not() {
        // Seed 37, p0064: a 13 mm gray seal, its name filling 0.70 inside.
        let dense = Features {
            w_mm: 13.38,
            h_mm: 13.21,
            aspect: 0.99,
            fill: 0.47,
            ring_cov: 1.0,
            ring_fill: 0.46,
            inner_fill: 0.70,
            corner_fill: 0.0,
            side_cov: [0.52, 0.52, 0.51, 0.51],
            rect_inner_fill: 0.61,
            texture: 0.11,
            strength: 157.9,
            inner_span: 0.63,
            context: 0.28,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&dense, SealColor::Gray, false).map(|s| s.0), Some(SealShape::Round));
        // Seed 31, p0068: a printed ring logo, heavy and flat.
        let logo = Features { w_mm: 20.3, fill: 0.71, ring_fill: 0.75, inner_fill: 0.78, side_cov: [0.53, 0.54, 0.53, 0.54], texture: 0.01, ..dense };
        assert_eq!(classify(&logo, SealColor::Gray, false), None);
        // Tuning seed 3, p0072: a title glyph, touching its box on two sides.
        let glyph = Features { w_mm: 7.5, fill: 0.50, ring_fill: 0.44, inner_fill: 0.68, corner_fill: 0.04, side_cov: [0.75, 0.68, 0.23, 0.29], texture: 0.25, context: 0.45, ..dense };
        assert_eq!(classify(&glyph, SealColor::Gray, false), None);
    }

    #[test]
    fn on_1_bit_pages_a_closed_ring_with_a_dotted_name_passes_a_small_mark_inside_does_not() {
        // Seed 13, p0199: a 10 mm personal seal whose thin name strokes
        // thresholding left as scattered dots (3 % of the inside) across
        // most of it.
        let dotted = Features {
            w_mm: 10.33,
            h_mm: 10.33,
            aspect: 1.0,
            fill: 0.164,
            ring_cov: 1.0,
            ring_fill: 0.306,
            inner_fill: 0.033,
            corner_fill: 0.0,
            side_cov: [0.48, 0.51, 0.49, 0.51],
            rect_inner_fill: 0.036,
            texture: 0.20,
            strength: 148.3,
            inner_span: 0.61,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&dotted, SealColor::Black, false).map(|s| s.0), Some(SealShape::Round));
        // The same ring around a small mark in the middle, or open, is not.
        assert_eq!(classify(&Features { inner_span: 0.40, ..dotted }, SealColor::Black, false), None);
        assert_eq!(classify(&Features { ring_cov: 0.81, ..dotted }, SealColor::Black, true), None);
    }

    #[test]
    fn on_1_bit_pages_a_square_company_seal_with_a_heavy_frame_passes_a_framed_text_stamp_does_not() {
        // Seed 19, p0194: a 31 mm 角印 whose frame makes the ring band as
        // heavy as a printed ring logo's.
        let kakuin = Features {
            w_mm: 31.3,
            h_mm: 31.2,
            aspect: 0.99,
            fill: 0.42,
            ring_cov: 1.0,
            ring_fill: 0.47,
            inner_fill: 0.33,
            corner_fill: 0.41,
            side_cov: [0.95, 0.95, 0.95, 0.95],
            rect_inner_fill: 0.33,
            texture: 0.05,
            strength: 253.2,
            inner_span: 0.66,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&kakuin, SealColor::Black, false).map(|s| s.0), Some(SealShape::Square));
        // Seed 7, p0197: a 14 mm framed text stamp measures the same way.
        let stamp = Features { w_mm: 13.8, h_mm: 14.0, aspect: 1.01, ring_fill: 0.49, inner_fill: 0.38, corner_fill: 0.60, side_cov: [0.99, 0.95, 0.99, 0.68], context: 0.45, ..kakuin };
        assert_eq!(classify(&stamp, SealColor::Black, false), None);
    }

    #[test]
    fn on_gray_pages_a_title_glyph_in_a_square_outline_is_not_a_seal() {
        // Seed 2, p0003: a red title glyph, its strokes closing a square
        // outline, 0.64 of the inside inked; gray square seals measure ≤ 0.59.
        let glyph = Features {
            w_mm: 9.5,
            h_mm: 8.6,
            aspect: 0.91,
            fill: 0.59,
            ring_cov: 0.97,
            ring_fill: 0.56,
            inner_fill: 0.67,
            corner_fill: 0.39,
            side_cov: [0.95, 0.52, 0.71, 0.92],
            rect_inner_fill: 0.64,
            texture: 0.066,
            strength: 191.0,
            inner_span: 0.66,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&glyph, SealColor::Gray, false), None);
        let seal = Features { fill: 0.52, rect_inner_fill: 0.56, ..glyph };
        assert_eq!(classify(&seal, SealColor::Gray, false).map(|s| s.0), Some(SealShape::Square));
    }

    #[test]
    fn a_faded_colour_ring_whose_name_did_not_print_passes_a_pen_circle_does_not() {
        // Seed 11, p0093: a 10 mm personal seal, light and mottled, nothing
        // of its name inked.
        let faded = Features {
            w_mm: 10.0,
            h_mm: 10.3,
            aspect: 1.03,
            fill: 0.13,
            ring_cov: 0.72,
            ring_fill: 0.25,
            inner_fill: 0.0,
            corner_fill: 0.0,
            side_cov: [0.3, 0.3, 0.3, 0.3],
            rect_inner_fill: 0.0,
            texture: 0.09,
            strength: 60.0,
            inner_span: 0.0,
            context: 0.0,
            luma_texture: 0.17,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&faded, SealColor::Red, false).map(|s| s.0), Some(SealShape::Round));
        // A pen circle's stroke is as mottled but strong; a printed 印 guide is smaller.
        assert_eq!(classify(&Features { strength: 112.0, ..faded }, SealColor::Red, false), None);
        assert_eq!(classify(&Features { w_mm: 7.0, h_mm: 7.2, ..faded }, SealColor::Red, false), None);
    }
    #[test]
    fn a_colour_seal_stamped_flat_passes_when_its_ring_is_thin_a_heavy_ring_logo_does_not() {
        // Seed 17, p0036: a 10 mm personal seal stamped evenly on a PNG
        // scan, its luma as flat as print (0.057).
        let seal = Features {
            w_mm: 9.82,
            h_mm: 9.99,
            aspect: 1.02,
            fill: 0.27,
            ring_cov: 1.0,
            ring_fill: 0.358,
            inner_fill: 0.267,
            corner_fill: 0.0,
            side_cov: [0.55, 0.55, 0.56, 0.56],
            rect_inner_fill: 0.215,
            texture: 0.081,
            strength: 118.6,
            inner_span: 0.644,
            context: 0.0,
            luma_texture: 0.057,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&seal, SealColor::Red, false).map(|s| s.0), Some(SealShape::Round));
        // Seed 25, p0109: a printed ring logo, as flat, its ring far heavier.
        let logo = Features { w_mm: 13.5, h_mm: 13.5, fill: 0.44, ring_fill: 0.609, inner_fill: 0.356, inner_span: 0.65, texture: 0.081, strength: 163.6, luma_texture: 0.024, ..seal };
        assert_eq!(classify(&logo, SealColor::Red, false), None);
        // A dropout form's 印 guide circle: thin, but one small glyph inside.
        assert_eq!(classify(&Features { inner_span: 0.40, ..seal }, SealColor::Red, false), None);
        // Seed 29, p0081: a ring logo mottled by JPEG just over the flat
        // line, its mark small in a heavy ring.
        let mottled = Features { w_mm: 12.2, h_mm: 12.3, fill: 0.37, ring_fill: 0.517, inner_fill: 0.331, inner_span: 0.485, texture: 0.153, strength: 131.9, luma_texture: 0.096, ..seal };
        assert_eq!(classify(&mottled, SealColor::Red, false), None);
        assert!(classify(&Features { inner_span: 0.62, ..mottled }, SealColor::Red, false).is_some());
    }

    #[test]
    fn a_light_colour_seal_with_most_of_its_name_gone_passes_a_form_guide_circle_does_not() {
        // Seed 17, p0113: a 12 mm personal seal, light (strength 64), what is
        // left of its name spanning 0.29 of the box.
        let faded = Features {
            w_mm: 12.07,
            h_mm: 11.81,
            aspect: 0.98,
            fill: 0.153,
            ring_cov: 0.72,
            ring_fill: 0.234,
            inner_fill: 0.108,
            corner_fill: 0.0,
            side_cov: [0.13, 0.47, 0.29, 0.47],
            rect_inner_fill: 0.092,
            texture: 0.160,
            strength: 63.5,
            inner_span: 0.295,
            context: 0.0,
            luma_texture: 0.267,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&faded, SealColor::Red, false).map(|s| s.0), Some(SealShape::Round));
        // Seed 19, p0246: a dropout form's 印 guide circle, strong ink around
        // one glyph (inner span 0.38).
        let guide = Features { w_mm: 11.18, h_mm: 11.18, aspect: 1.0, fill: 0.21, ring_cov: 1.0, ring_fill: 0.269, inner_fill: 0.230, side_cov: [0.52, 0.48, 0.52, 0.48], rect_inner_fill: 0.178, texture: 0.065, strength: 121.0, inner_span: 0.379, luma_texture: 0.092, ..faded };
        assert_eq!(classify(&guide, SealColor::Red, false), None);
        // Seed 41, p0241: a guide circle whose 印 is a little larger.
        let guide = Features { w_mm: 10.84, h_mm: 10.84, fill: 0.265, ring_fill: 0.329, inner_fill: 0.298, texture: 0.123, strength: 105.3, inner_span: 0.422, luma_texture: 0.12, ..guide };
        assert_eq!(classify(&guide, SealColor::Red, false), None);
        // Seed 39, p0086: a faded 8 × 14 mm oval, of the seals not light
        // on seeds 37–41 the one with the smallest name.
        let seal = Features { w_mm: 8.13, h_mm: 14.39, aspect: 1.77, fill: 0.218, ring_cov: 0.81, ring_fill: 0.283, inner_fill: 0.224, side_cov: [0.52, 0.25, 0.45, 0.49], rect_inner_fill: 0.185, texture: 0.138, strength: 98.7, inner_span: 0.479, luma_texture: 0.194, ..guide };
        assert!(classify(&seal, SealColor::Red, false).is_some());
    }
    #[test]
    fn a_faded_date_seal_refitted_without_its_top_and_bottom_passes_a_text_stamps_row_does_not() {
        // Seed 17, p0245: a 24 mm date seal, light, its top and bottom arcs
        // gone; the refitted circle's box has ink down both sides.
        let date = Features {
            w_mm: 24.2,
            h_mm: 24.4,
            aspect: 1.007,
            fill: 0.228,
            ring_cov: 0.75,
            ring_fill: 0.26,
            inner_fill: 0.235,
            corner_fill: 0.0,
            side_cov: [0.0, 0.0, 0.549, 0.688],
            rect_inner_fill: 0.233,
            texture: 0.176,
            strength: 60.0,
            inner_span: 0.664,
            context: 0.0,
            luma_texture: 0.257,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&date, SealColor::Red, true).map(|s| s.0), Some(SealShape::Round));
        // Seed 17, p0102: a faded text stamp's row of glyphs refitted the
        // same way, ink down one side only.
        let stamp = Features { w_mm: 23.2, h_mm: 23.4, aspect: 1.005, fill: 0.221, ring_cov: 0.625, ring_fill: 0.160, inner_fill: 0.357, side_cov: [0.0, 0.0, 0.533, 0.239], rect_inner_fill: 0.315, texture: 0.224, strength: 57.5, inner_span: 0.634, luma_texture: 0.382, ..date };
        assert_eq!(classify(&stamp, SealColor::Red, true), None);
    }
    #[test]
    fn a_frame_bar_stamped_askew_is_straight_a_ring_cut_short_is_not() {
        // A 120 × 60 working-pixel box (20 × 10 mm at 150 dpi).
        let map = |ink: &dyn Fn(f32, f32) -> bool| {
            let mut m = WorkMap::new(140, 80, 2, 300.0);
            for y in 0..80 {
                for x in 0..140 {
                    m.mask[y * 140 + x] = ink(x as f32, y as f32) as u8;
                }
            }
            m
        };
        let b = Box { x0: 10, y0: 10, x1: 130, y1: 70 };
        // Seed 47, p0079: a text stamp's frame 5° askew, its top bar the
        // outermost ink, glyphs below it.
        let tilt = 5f32.to_radians().tan();
        let stamp = map(&|x, y| {
            let top = 14.0 + tilt * (x - 70.0);
            (10.0..130.0).contains(&x) && ((y - top).abs() <= 1.5 || ((40.0..50.0).contains(&y) && (30.0..110.0).contains(&x)))
        });
        assert!(tilted_bar(&stamp, &b) >= 0.9, "{}", tilted_bar(&stamp, &b));
        // A ring of 60 px radius cut short above: its top is an arc.
        let arc = map(&|x, y| (((x - 70.0).powi(2) + (y - 72.0).powi(2)).sqrt() - 60.0).abs() <= 1.5 && y >= 10.0);
        assert!(tilted_bar(&arc, &b) < 0.6, "{}", tilted_bar(&arc, &b));
        // A straight rule across that ring a little below its top: the
        // ring's arc lies beyond it.
        let crossed = map(&|x, y| ((((x - 70.0).powi(2) + (y - 72.0).powi(2)).sqrt() - 60.0).abs() <= 1.5 && y >= 10.0) || ((y - 22.0).abs() <= 1.0 && (10.0..130.0).contains(&x)));
        assert!(tilted_bar(&crossed, &b) < 0.6, "{}", tilted_bar(&crossed, &b));
    }

    #[test]
    fn a_wide_box_with_a_straight_bar_along_its_edge_is_a_frame_not_a_ring_cut_short() {
        // Seed 41, p0138: a faded 済 stamp, 97 × 72 working pixels, its
        // bottom frame bar and left end bar clear.
        let stamp = Features { aspect: 0.74, edge_cov: [0.37, 0.85, 0.90, 0.14], ..Default::default() };
        assert!(framed_bar(&stamp));
        // Seed 39, p0121: a round seal faded across its top; its box's
        // edges are arcs and glyphs.
        let seal = Features { aspect: 0.66, edge_cov: [0.04, 0.31, 0.36, 0.55], ..Default::default() };
        assert!(!framed_bar(&seal));
        // A square seal's box has straight sides: not a wide group.
        assert!(!framed_bar(&Features { aspect: 0.99, edge_cov: [0.9, 0.9, 0.9, 0.9], ..Default::default() }));
        // The same stamp upright.
        assert!(framed_bar(&Features { aspect: 1.35, edge_cov: [0.90, 0.14, 0.37, 0.85], ..Default::default() }));
    }
    #[test]
    fn a_small_open_ring_of_strong_red_ink_is_a_pen_mark_a_faded_seal_is_not() {
        // Seed 57, p0065: a red pen scribble, 9 × 8 mm, its loop 0.62
        // closed, read as a round seal (0.89).
        let pen = Features {
            w_mm: 9.02,
            h_mm: 8.0,
            aspect: 0.89,
            fill: 0.39,
            ring_cov: 0.62,
            ring_fill: 0.30,
            inner_fill: 0.57,
            corner_fill: 0.03,
            side_cov: [0.3, 0.13, 0.17, 0.22],
            rect_inner_fill: 0.54,
            texture: 0.17,
            strength: 125.0,
            luma_texture: 0.16,
            inner_span: 0.66,
            context: 0.0,
            edge_cov: [0.13, 0.08, 0.1, 0.13],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&pen, SealColor::Red, false), None);
        // The same ring in light ink is a faded seal; closed, or bigger
        // than 10 mm, strong ink is judged as before.
        assert!(classify(&Features { strength: 70.0, ..pen }, SealColor::Red, false).is_some());
        assert!(classify(&Features { ring_cov: 0.9, ..pen }, SealColor::Red, false).is_some());
        assert!(classify(&Features { w_mm: 11.0, h_mm: 10.0, ..pen }, SealColor::Red, false).is_some());
    }
    #[test]
    fn on_1_bit_pages_a_big_ring_not_nearly_closed_is_a_pen_circle() {
        // Seed 61, p0003: a pen circle drawn around words on a memo,
        // refitted to a 29 mm circle 0.84 closed, read as a round seal (0.73).
        let pen = Features {
            w_mm: 28.79,
            h_mm: 28.79,
            aspect: 1.0,
            fill: 0.133,
            ring_cov: 0.844,
            ring_fill: 0.121,
            inner_fill: 0.160,
            corner_fill: 0.071,
            side_cov: [0.0, 0.747, 0.494, 0.406],
            rect_inner_fill: 0.158,
            texture: 0.062,
            strength: 252.9,
            luma_texture: -1.0,
            inner_span: 0.659,
            context: 0.552,
            edge_cov: [0.0, 0.747, 0.129, 0.276],
            runs_on: [0.0, 0.5, 0.0, 0.0],
        };
        assert!(classify(&pen, SealColor::Black, true).is_some() && big_open_ring(&pen));
        // Seed 53, p0183: a company seal of 25 × 22 mm, 0.94 closed.
        let seal = Features {
            w_mm: 24.64,
            h_mm: 21.59,
            aspect: 0.876,
            fill: 0.329,
            ring_cov: 0.9375,
            ring_fill: 0.326,
            inner_fill: 0.419,
            corner_fill: 0.0,
            side_cov: [0.428, 0.412, 0.424, 0.535],
            rect_inner_fill: 0.415,
            texture: 0.0,
            strength: 255.0,
            luma_texture: -1.0,
            inner_span: 0.660,
            context: 0.090,
            edge_cov: [0.273, 0.237, 0.235, 0.341],
            runs_on: [0.0; 4],
        };
        assert!(classify(&seal, SealColor::Black, false).is_some() && !big_open_ring(&seal));
        // A ring that open under 22 mm is judged as before.
        assert!(!big_open_ring(&Features { w_mm: 20.0, h_mm: 20.0, ..pen }));
    }
    #[test]
    fn on_1_bit_pages_an_open_circle_among_text_lines_is_a_pen_circle() {
        // Seed 29, p0294: a 26 mm pen circle around words, refitted, with
        // text all around (context 0.72), open where the pen lifted.
        let pen = Features {
            w_mm: 25.6,
            h_mm: 25.6,
            aspect: 1.0,
            fill: 0.185,
            ring_cov: 0.84,
            ring_fill: 0.166,
            inner_fill: 0.231,
            corner_fill: 0.063,
            side_cov: [0.0, 0.32, 0.50, 0.38],
            rect_inner_fill: 0.207,
            texture: 0.15,
            strength: 242.0,
            inner_span: 0.656,
            context: 0.72,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&pen, SealColor::Black, true), None);
        // A seal's closed ring among the same text is kept, and the same open
        // ring with less around it is judged as before.
        assert!(classify(&Features { ring_cov: 1.0, ..pen }, SealColor::Black, true).is_some());
        assert!(classify(&Features { context: 0.3, ..pen }, SealColor::Black, true).is_some());
    }
    #[test]
    fn on_1_bit_pages_a_framed_text_stamp_refitted_to_a_circle_is_not_a_seal() {
        // Seed 33, p0175: a double-framed 社外秘 stamp. Its long rules are
        // erased as lines; the end bars and the first glyph refit to a
        // closed circle whose box has no ink along its top and bottom.
        let stamp = Features {
            w_mm: 11.5,
            h_mm: 11.5,
            aspect: 1.0,
            fill: 0.257,
            ring_cov: 1.0,
            ring_fill: 0.289,
            inner_fill: 0.259,
            corner_fill: 0.009,
            side_cov: [0.0, 0.0, 0.735, 0.353],
            rect_inner_fill: 0.238,
            texture: 0.019,
            strength: 254.6,
            inner_span: 0.647,
            context: 0.448,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&stamp, SealColor::Black, true), None);
        // A seal's ring touches every side of its box, however lightly.
        assert!(classify(&Features { side_cov: [0.10, 0.12, 0.735, 0.353], ..stamp }, SealColor::Black, true).is_some());
        // The same box turned on its side.
        assert_eq!(classify(&Features { side_cov: [0.735, 0.353, 0.0, 0.04], ..stamp }, SealColor::Black, true), None);
    }
    #[test]
    fn on_1_bit_pages_an_empty_closed_ring_is_a_seal_a_circled_page_number_is_not() {
        // Seed 11, p0137: a 13 mm seal whose name thresholded away.
        let empty = Features {
            w_mm: 13.2,
            h_mm: 13.2,
            aspect: 1.0,
            fill: 0.102,
            ring_cov: 1.0,
            ring_fill: 0.205,
            inner_fill: 0.0,
            corner_fill: 0.0,
            side_cov: [0.436, 0.526, 0.474, 0.513],
            rect_inner_fill: 0.0,
            texture: 0.0,
            strength: 255.0,
            inner_span: 0.0,
            context: 0.021,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&empty, SealColor::Black, false).map(|s| s.0), Some(SealShape::Round));
        // Seed 11, p0116: a circled page number holds its digit.
        let page_no = Features { w_mm: 9.0, h_mm: 9.0, fill: 0.150, ring_fill: 0.252, inner_fill: 0.073, side_cov: [0.49, 0.47, 0.49, 0.47], rect_inner_fill: 0.058, texture: -1.0, inner_span: 0.358, context: 0.0, ..empty };
        assert_eq!(classify(&page_no, SealColor::Black, false), None);
        // A heavy ring around nothing is a printed logo.
        assert_eq!(classify(&Features { ring_fill: 0.65, fill: 0.33, ..empty }, SealColor::Black, false), None);
    }
    #[test]
    fn on_1_bit_pages_a_dense_name_in_a_thin_ring_passes_a_bold_title_glyph_does_not() {
        // Seed 33, p0035: a 12 mm seal whose name fills 0.60 of the inside.
        let dense = Features {
            w_mm: 12.4,
            h_mm: 12.4,
            aspect: 1.0,
            fill: 0.398,
            ring_cov: 1.0,
            ring_fill: 0.364,
            inner_fill: 0.601,
            corner_fill: 0.0,
            side_cov: [0.534, 0.534, 0.521, 0.534],
            rect_inner_fill: 0.535,
            texture: 0.047,
            strength: 253.8,
            inner_span: 0.575,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&dense, SealColor::Black, false).map(|s| s.0), Some(SealShape::Round));
        // Seed 17, p0045: a bold 10 mm title glyph, its outline heavy.
        let glyph = Features { w_mm: 9.65, h_mm: 9.65, fill: 0.528, ring_cov: 0.969, ring_fill: 0.536, inner_fill: 0.598, corner_fill: 0.075, side_cov: [0.63, 0.49, 0.49, 0.39], rect_inner_fill: 0.603, texture: 0.0, inner_span: 0.649, context: 0.230, ..dense };
        assert_eq!(classify(&glyph, SealColor::Black, false), None);
        // Denser still is solid, whatever the ring.
        assert_eq!(classify(&Features { inner_fill: 0.70, ..dense }, SealColor::Black, false), None);
    }
    #[test]
    fn on_1_bit_pages_a_light_oval_broken_along_its_sides_passes() {
        // Seed 31, p0287: a 9 × 16 mm 小判 seal, 27 of 32 sectors inked.
        let oval = Features {
            w_mm: 8.97,
            h_mm: 15.92,
            aspect: 1.774,
            fill: 0.151,
            ring_cov: 0.844,
            ring_fill: 0.131,
            inner_fill: 0.249,
            corner_fill: 0.0,
            side_cov: [0.453, 0.509, 0.457, 0.298],
            rect_inner_fill: 0.200,
            texture: 0.087,
            strength: 250.3,
            inner_span: 0.553,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&oval, SealColor::Black, false).map(|s| s.0), Some(SealShape::Oval));
        // A round ring that open, or the same oval among text, is not enough.
        assert_eq!(classify(&Features { aspect: 1.0, w_mm: 15.92, ..oval }, SealColor::Black, false), None);
        assert_eq!(classify(&Features { context: 0.7, ..oval }, SealColor::Black, false), None);
    }
    #[test]
    fn on_gray_pages_a_heavy_ring_of_even_ink_is_a_printed_logo() {
        // Seed 31, p0215: a 17 mm printed ring logo in the mid-gray band,
        // its ring heavy (0.53) and its ink even (texture 0.055).
        let logo = Features {
            w_mm: 16.6,
            h_mm: 16.6,
            aspect: 1.0,
            fill: 0.38,
            ring_cov: 1.0,
            ring_fill: 0.529,
            inner_fill: 0.302,
            corner_fill: 0.0,
            side_cov: [0.50, 0.50, 0.50, 0.50],
            rect_inner_fill: 0.273,
            texture: 0.055,
            strength: 149.2,
            inner_span: 0.656,
            context: 0.0,
            luma_texture: -1.0,
            edge_cov: [0.0; 4],
            runs_on: [0.0; 4],
        };
        assert_eq!(classify(&logo, SealColor::Gray, false), None);
        // A gray seal's ring as heavy is mottled (≥ 0.073); a lighter ring
        // keeps the usual flat line (0.05).
        assert!(classify(&Features { texture: 0.08, ..logo }, SealColor::Gray, false).is_some());
        assert!(classify(&Features { ring_fill: 0.40, ..logo }, SealColor::Gray, false).is_some());
    }
}
