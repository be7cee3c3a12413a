//! Seal impressions (hanko, company seals, date seals): detection on a decoded
//! page, and suppression of their ink before OCR.
//!
//! # Method
//! The detector never looks at full-resolution pixels twice. One pass
//! reduces the page to about 150 dpi and marks the pixels that could be seal
//! ink, differently per scan mode ([`mask`]):
//! - colour: redness `R − max(G,B)` of each block, above a threshold that
//!   follows the paper's own redness (yellowed paper stays out), grown by
//!   hysteresis into weak red touching clear red (faded seals);
//! - gray: the band between text black and paper white (the red became
//!   mid-gray), minus the halo around black strokes;
//! - bilevel: blocks that are at least a third black (seals are black too),
//!   with the dots of dithered paper cleared; on a dithered page at about
//!   150 dpi, where nearly everything is dots, the 3×3 density of dots.
//!   A dithered page is also descreened into the gray scan it was dithered
//!   from (solid ink stays black, loose dots become their local density)
//!   and judged on the gray path too, for faint seals left as sparse dots.
//!
//! Thin straight lines longer than 12 mm (table rules, dropout form boxes)
//! are erased, the rest is labelled into connected components ([`label`]);
//! on bilevel pages the filled cores of closed rings are candidates too (a
//! seal stamped over text is one component with it),
//! nearby components are grouped (a ring and the name inside it), and each
//! group of seal size (6.5–45 mm) is measured ([`features`]): ring coverage
//! of the inscribed ellipse, inked corners versus empty corners, frame side
//! coverage, inner fill, and red ink around the box. Round/oval seals need a
//! closed ring, empty corners and something inside; square seals need four
//! inked sides and a filled inside. Groups too wide or too long to be a
//! seal (one joined to the text or signature it was stamped on) are
//! searched for the rings and square frames inside them ([`square`]); on
//! colour pages, red groups that hold no seal are grown into the faint ink
//! around them (a seal faded along one side) and judged again.
//! Solid shapes, wide boxes (text stamps, titles), gray title glyphs with
//! the next glyph of their row beside them, and rings with nothing in
//! them (pen circles, page numbers) are rejected, and so is printed ink:
//! flat, where stamp-pad ink is mottled (on colour pages measured in luma,
//! which JPEG keeps at full resolution; its coarse colour blocks mottle
//! printed red). docs/SEALS.md has the numbers.

mod features;
mod label;
mod mask;
mod square;

use std::borrow::Cow;

use image::{DynamicImage, GrayImage, RgbImage};
use serde::Serialize;

use crate::geom::PxRect;
use crate::page::{ColorMode, Original, PageImage};

pub use features::Features;

/// Outline of a seal impression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SealShape {
    /// Circular (丸印, 日付印).
    Round,
    /// Elliptical (小判型).
    Oval,
    /// Square (角印).
    Square,
    /// Non-square rectangle.
    Rect,
    /// Anything else that is still a seal.
    Other,
}

/// Ink colour as seen in the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SealColor {
    /// Vermilion/red ink in a colour scan.
    Red,
    /// A grayscale scan: the red became mid-gray.
    Gray,
    /// A bilevel scan: the seal is black like the text.
    Black,
}

/// One detected seal impression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seal {
    /// Bounding box in pixels of the page image as stored in the file.
    pub bbox: PxRect,
    /// Outline.
    pub shape: SealShape,
    /// Ink colour.
    pub color: SealColor,
    /// 0.0–1.0.
    pub confidence: f32,
}

/// A box the detector considered, with what it measured; for tuning and
/// evaluation tools.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The box in page-image pixels.
    pub bbox: PxRect,
    /// The measurements.
    pub features: Features,
    /// The verdict: `Some` when the box is reported as a seal.
    pub seal: Option<Seal>,
}

/// Bilevel: distance from the background (mm) of the core of a filled seal.
const CORE_MM: f32 = 2.2;

/// Finds the seal impressions on a page.
pub fn detect_seals(page: &PageImage) -> Vec<Seal> {
    candidates(page).into_iter().filter_map(|c| c.seal).collect()
}

/// Every candidate box of seal size with its features and verdict; seals
/// that lie inside a more confident seal are dropped. On a dithered
/// bilevel page, the candidates of its descreened page too ([`descreened`]).
pub fn candidates(page: &PageImage) -> Vec<Candidate> {
    let mut out = candidates_in(page);
    if let Some((gray, f)) = descreened(page) {
        let seals = seal_boxes(&out);
        let (pw, ph) = (page.width(), page.height());
        let up = |b: PxRect| PxRect::new(b.x0 * f, b.y0 * f, (b.x1 * f).min(pw), (b.y1 * f).min(ph));
        // Dithered pages: the descreened page is judged as a gray scan
        // too, for what it adds: the faint. The bilevel mask already takes
        // ink at least a third black (`mask::bilevel_map`); strokes whose
        // cores are denser in dots than that are printed ink dithered from
        // a mid-gray (seeds 43–63 and the logo set: seven red logos and
        // titles judged seals here measured 90–118, the seals ≤ 82; a
        // logo and three titles dithered lighter, 67–82, pass). A seal
        // the bilevel path found keeps its box and verdict.
        for mut c in candidates_in(&gray) {
            c.bbox = up(c.bbox);
            if let Some(s) = &mut c.seal {
                s.bbox = up(s.bbox);
                if c.features.strength >= 255.0 / 3.0 || seals.iter().any(|k| k.iou(&c.bbox) > 0.0 || contains(k, &c.bbox) || contains(&c.bbox, k)) {
                    c.seal = None;
                } else {
                    // In the scan it is a halftone: gray, not black ink.
                    s.color = SealColor::Gray;
                }
            }
            out.push(c);
        }
    }
    out
}

/// A dithered bilevel page as the gray scan it was dithered from
/// ([`mask::descreen`]), or `None` for any other page.
fn descreened(page: &PageImage) -> Option<(PageImage, u32)> {
    if page.mode != ColorMode::Bilevel {
        return None;
    }
    let img = as_luma(&page.pixels);
    let dpi = working_dpi(page);
    // A page under three working pixels across has nothing to descreen.
    let f = mask::block_factor(dpi);
    if img.width() / f < 3 || img.height() / f < 3 || !mask::dithered(&img) {
        return None;
    }
    let (gray, f) = mask::descreen(&img, dpi);
    let pixels = DynamicImage::ImageLuma8(gray);
    let dpi = (page.dpi.0 / f as f32, page.dpi.1 / f as f32);
    Some((PageImage { pixels, mode: ColorMode::Gray, dpi, dpi_from_file: page.dpi_from_file, original: Original::None }, f))
}

/// [`candidates`] on the page's own working map.
fn candidates_in(page: &PageImage) -> Vec<Candidate> {
    let (map, color) = work_map(page);
    let ppm = map.ppm;
    let min_area = match color {
        SealColor::Red => 3,
        _ => ((0.25 * ppm * ppm) as usize).max(4),
    };
    let comps = label::components(&map.mask, map.w, map.h, min_area);
    let mut core_map: Option<mask::WorkMap> = None;
    let mut core_groups: Vec<label::Component> = Vec::new();
    let mut joined: Vec<label::Component> = Vec::new();
    let mut loose: Vec<label::Component> = Vec::new();
    let groups = match color {
        SealColor::Red => label::group(&comps, (1.2 * ppm) as usize),
        SealColor::Gray => {
            // A faded gray seal falls apart into pieces further apart than
            // the grouping distance: groups within 2.5 mm are candidates
            // too, judged more strictly below. (In colour, where faded
            // seals fall apart too, this found a seal or two per corpus and
            // grouped several red marks into false seals.)
            joined = label::group(&comps, (2.5 * ppm).round() as usize);
            label::group(&comps, (0.5 * ppm) as usize)
        }
        // Bilevel: text is the same ink; grouping would glue seals to it.
        // Thin text strokes touching a ring are cut off by an opening, so
        // the opened mask's components are candidates too.
        SealColor::Black => {
            let opened = mask::open(&map.mask, map.w, map.h);
            // A ring broken where the impression was light is pieces that
            // never touch: the groups of pieces within 0.6 mm (more than one
            // component each) are candidates too, judged more strictly below.
            joined = label::group(&comps, (0.6 * ppm).round() as usize);
            loose = label::group(&comps, (1.5 * ppm).round() as usize);
            let mut all = comps;
            all.extend(label::components(&opened, map.w, map.h, min_area));
            // A closed ring stamped over text: fill it, keep the core far
            // from the background (attached glyphs have none), grow it back
            // to the disc and measure only the ink on that disc.
            let k = (CORE_MM * ppm).round().clamp(2.0, 250.0) as u8;
            // A diamond reaches the disc's edge on the axes only; 1.5k covers the diagonals.
            let cores = mask::filled_cores(&map.mask, map.w, map.h, k, k + k / 2);
            core_groups = cores.components();
            if !core_groups.is_empty() {
                let mut cm = map.clone();
                cores.keep_discs(&mut cm.mask, map.w);
                for c in &mut core_groups {
                    let k = k as usize;
                    let b = c.bbox;
                    c.bbox = label::Box { x0: b.x0.saturating_sub(k), y0: b.y0.saturating_sub(k), x1: (b.x1 + k).min(map.w), y1: (b.y1 + k).min(map.h) };
                }
                core_map = Some(cm);
            }
            all
        }
    };
    let (lo, hi) = ((6.0 * ppm) as usize, (46.0 * ppm) as usize);
    let f = map.factor;
    let rgb = (color == SealColor::Red).then(|| as_rgb(&page.pixels));
    // `m` is the map measured; surrounding ink (`context`) is always taken
    // from the whole page's map (a logo's wordmark is not on the core's disc).
    let to_px = |b: &label::Box| {
        PxRect::new(
            b.x0 as u32 * f,
            b.y0 as u32 * f,
            (b.x1 as u32 * f).min(page.width()),
            (b.y1 as u32 * f).min(page.height()),
        )
    };
    let judge = |m: &mask::WorkMap, g: &label::Component, refit: bool| {
        let b = g.bbox;
        let measure = |b: &label::Box| {
            let mut f = features::measure(m, b);
            if !std::ptr::eq(m, &map) {
                f.context = features::measure(&map, b).context;
            }
            f
        };
        let map = m;
        let measure = |b: &label::Box| {
            let mut f = measure(b);
            if let Some(img) = &rgb {
                f.luma_texture = features::luma_texture(img, map, b);
            }
            f
        };
        let features = measure(&b);
        let bbox = to_px(&b);
        let seal = features::classify(&features, color, false).map(|(shape, confidence)| Seal { bbox, shape, color, confidence });
        if seal.is_none() && refit && !features::framed_bar(&features) && !features::broken_frame(&features) {
            // A ring with a missing arc has a box cut short: fit the circle and look
            // again (not to a frame: see `framed_bar`, `broken_frame`). Nor to
            // a box wider than high whose top or bottom is a straight outer
            // bar at an angle (`tilted_bar` ≥ 0.6): a text stamp stamped
            // askew (seed 47: 1.00), a 1-bit pen circle's flat stroke (0.63).
            // The 11 seals refitted from boxes that wide on seeds 37–47 and
            // the logo set measured 0.33–0.55. (Not higher than wide: a
            // square seal faded down one side keeps its other side straight.)
            if let Some(rb) = refit_box(map, &b) {
                let rf = measure(&rb);
                if let Some((shape, confidence)) = features::classify(&rf, color, true) {
                    if features.aspect >= 0.8 || features::tilted_bar(map, &b) < 0.6 {
                        let bbox = to_px(&rb);
                        return Candidate { bbox, features: rf, seal: Some(Seal { bbox, shape, color, confidence }) };
                    }
                }
            }
        }
        Candidate { bbox, features, seal }
    };
    let size_ok = |g: &&label::Component| g.bbox.w().min(g.bbox.h()) >= lo && g.bbox.w().max(g.bbox.h()) <= hi;
    let upright = |g: &&label::Component| features::SEAL_ASPECT.contains(&(g.bbox.h() as f32 / g.bbox.w() as f32));
    let mut out: Vec<Candidate> = groups.iter().filter(size_ok).map(|g| judge(&map, g, true)).collect();
    // Gray and 1-bit groups kept on a circle refitted to their outer ink
    // (not on their own box), searched for joined rings below: see there.
    let refitted: Vec<label::Box> = groups
        .iter()
        .filter(size_ok)
        .zip(&out)
        .filter(|(g, c)| color != SealColor::Red && c.seal.is_some() && c.bbox != to_px(&g.bbox))
        .map(|(g, _)| g.bbox)
        .collect();
    // A seal stamped on a form keeps stubs of the form's lines that are too
    // short to be erased as lines; they widen its group's box. A rejected
    // group is judged again on the box of its ink without thin strokes (as
    // it is: a circle refitted to a trimmed box proved too lenient), then,
    // for the thick rules of gray pages widened by the min-pooling, without
    // strokes up to 5 working pixels.
    if color != SealColor::Black {
        let trimmed: Vec<Candidate> = groups
            .iter()
            .filter(size_ok)
            .zip(&out)
            .filter(|(_, c)| c.seal.is_none())
            .filter_map(|(g, _)| {
                (1..=2).find_map(|k| {
                    let t = label::Component { bbox: trim_box(&map, &g.bbox, k)?, area: 0 };
                    let c = size_ok(&&t).then(|| judge(&map, &t, false))?;
                    c.seal.is_some().then_some(c)
                })
            })
            .collect();
        out.extend(trimmed);
    }
    // Two seals stamped side by side within the grouping distance are one
    // wide group (too wide to be a seal): its halves are judged on their
    // own, and kept when both are round and one is a closed ring with
    // little ink around it (circles side by side touch at a point; the
    // glyphs of a text stamp, split the same way, face each other along a
    // whole side). Two seals stamped closer still each count the other as
    // ink around: in colour, two closed rings (≥ 0.95 each) are kept too
    // (on gray pages that split title glyphs).
    // (Not on bilevel pages: their candidates are components and groups of
    // pieces within 0.6 mm, and a split 1-bit text stamp became two seals.)
    // A framed text stamp (COPY, seeds 51 and 55) splits into halves
    // whose frame and letters read as two round seals: a group with a
    // straight bar along its top or bottom, or one at an angle
    // (`framed_bar`, `tilted_bar`), is not split. Two round seals side by
    // side have arcs there.
    for g in groups.iter().filter(|_| color != SealColor::Black) {
        let Some(halves) = split_pair(&map, &g.bbox) else { continue };
        let halves = halves.map(|bbox| label::Component { bbox, area: 0 });
        let framed = || features::framed_bar(&features::measure(&map, &g.bbox)) || features::tilted_bar(&map, &g.bbox) >= 0.6;
        if halves.iter().all(|h| size_ok(&h)) && !framed() {
            let judged = halves.map(|h| judge(&map, &h, true));
            let round = |c: &Candidate| c.seal.as_ref().is_some_and(|s| s.shape == SealShape::Round);
            let apart = judged.iter().any(|c| c.features.ring_cov >= 0.9 && c.features.context < 0.35);
            let closed = color == SealColor::Red && judged.iter().all(|c| c.features.ring_cov >= 0.95 && c.features.inner_fill < 0.6);
            if judged.iter().all(round) && (apart || closed) {
                out.extend(judged);
            }
        }
    }
    // Gray: a seal stamped on a dropout form's printed 印 circle is dark
    // where the two inks overlap, so its ring goes with the black text,
    // out of the mask, and what is left is rejected. A dark closed ring of
    // a guide circle's size (≤ 12 mm; those measured 9.3–10.8) with a
    // mid-gray name across its inside (≥ 0.09 of it) is that seal; the
    // printed circle alone holds one small dark glyph, and black ring logos
    // on the tuning and retired corpora (12–20 mm) held ≤ 0.07 mid-gray.
    if color == SealColor::Gray {
        for b in guide_circles(&map, &size_ok) {
            let mut c = judge(&map, &label::Component { bbox: b, area: 0 }, false);
            if c.features.inner_span >= 0.5 && c.features.inner_fill >= 0.09 {
                if c.seal.is_none() {
                    let bbox = c.bbox;
                    c.seal = Some(Seal { bbox, shape: SealShape::Round, color, confidence: 0.7 });
                }
                out.push(c);
            }
        }
    }
    // A seal joined to what it was stamped over (a text line or a
    // signature on 1-bit pages, a printed circle in the mid-gray band, the
    // seal beside it) is one group too wide or too tall to be a seal. The
    // rings most on ink in such a group (≥ 0.7 of their points; see
    // `joined_rings`) are judged on their own boxes. Only a round or oval
    // verdict with a thin ring counts: inside a framed text stamp a
    // circle's box reads as a square glyph frame, and a printed ring logo
    // joined to its wordmark has a heavy ring (0.52; the seals found this
    // way on the tuning and retired corpora measured 0.23–0.38), or the
    // circle runs inside that ring, with ink along all four sides of its
    // box (0.83; the seals ≤ 0.61 on one side at least).
    // On gray and 1-bit pages the text and the signature a seal is stamped
    // over can reach above and below it: the rings searched go down to 0.28
    // of the group's short side (seed 59 p0152: a 20 mm company seal in a
    // group 29 mm tall, where a 29 mm circle through the text stood in for
    // it). Such a group can also be upright and of seal size: the circle
    // refitted to its outer ink takes in the signature (seed 57 p0139: 30
    // mm for an 18 mm seal), so a group kept on a refitted circle is
    // searched too, and the ring found, more confident, stays. In colour
    // the seal's ink is apart from the black text and is what makes its
    // group that high (0.38: lower rings found text-stamp glyphs there).
    let mut wide: Vec<label::Box> = groups
        .iter()
        .chain(&joined)
        .filter(size_ok)
        .filter(|g| !upright(g))
        .map(|g| g.bbox)
        .chain(refitted)
        .collect();
    wide.sort_by_key(|b| (b.x0, b.y0, b.x1, b.y1));
    wide.dedup();
    for b in wide {
        for rb in joined_rings(&map, &b, 0.7, if color == SealColor::Red { 0.38 } else { 0.28 }) {
            let mut c = judge(&map, &label::Component { bbox: rb, area: 0 }, false);
            let f = &c.features;
            if c.seal.as_ref().is_some_and(|s| !matches!(s.shape, SealShape::Round | SealShape::Oval))
                || f.ring_fill >= 0.45
                || f.side_cov.iter().all(|&s| s >= 0.7)
            {
                c.seal = None;
            }
            out.push(c);
        }
    }
    // A company seal's square frame joined to the text it was stamped
    // beside or over is one group, often longer than any seal (a text
    // block, 53 mm on one corpus page). Groups of seal height up to 120 mm
    // long, not of a seal's size and shape already (those are judged as
    // they are; searching them too cost logo-heavy pages 8 ms and found
    // nothing), that hold no seal yet are searched for a frame of 15–40 mm
    // (`square::joined_square`; generated 角印 measure 21–33 mm). Kept when
    // its box reads as a square seal, its sides are on ink 0.82 of their
    // length on average (the ring logos and text stamps that the search
    // framed on the tuning and retired corpora measured ≤ 0.80, the seals
    // it found ≥ 0.84 but one), and little ink lies around it (< 0.5).
    let framed = |g: &&label::Component| !(size_ok(g) && upright(g)) && (lo..=hi).contains(&g.bbox.w().min(g.bbox.h())) && g.bbox.w().max(g.bbox.h()) as f32 <= 120.0 * ppm;
    let mut boxes: Vec<label::Box> = groups.iter().chain(&joined).filter(framed).map(|g| g.bbox).collect();
    boxes.sort_by_key(|b| (b.x0, b.y0, b.x1, b.y1));
    boxes.dedup();
    let found = seal_boxes(&out);
    for b in boxes {
        if found.iter().any(|s| s.iou(&to_px(&b)) > 0.5) {
            continue;
        }
        if let Some(frame) = square::joined_square(&map, &b, (15.0, 40.0), (0.5, 0.82)) {
            let mut c = judge(&map, &label::Component { bbox: frame.bbox, area: 0 }, false);
            if c.seal.as_ref().is_some_and(|s| s.shape != SealShape::Square) || c.features.context >= 0.5 {
                c.seal = None;
            }
            out.push(c);
        }
    }
    // Groups of pieces at the wider distance: on bilevel pages text lines
    // and a pen circle around them group too, as do the separate strokes of
    // a bold title glyph. Kept only with little ink around (context < 0.6:
    // the pen circles measured 0.83–1.05) and a name that is not solid
    // (inside < 0.5: title glyphs 0.51–0.55).
    // (A group of one piece is a component, judged above; the same holds
    // for the 1.5 mm groups below.)
    let a_group = |g: &&label::Component| groups.iter().any(|c| c.bbox == g.bbox);
    out.extend(joined.iter().filter(size_ok).filter(|g| !a_group(g)).map(|g| {
        let mut c = judge(&map, g, true);
        if c.features.context >= 0.6 || c.features.inner_fill >= 0.5 {
            c.seal = None;
        }
        c
    }));
    // Bilevel: a thin outline printed in dashes (a light 小判 or round
    // personal seal through the threshold) is pieces too far apart for the
    // components and often for the 0.6 mm groups. The groups of pieces
    // within 1.5 mm, of seal size and upright, that hold no seal yet are
    // judged by their ring alone: kept when the pieces lie around the
    // inscribed ellipse (≥ 0.6 of its sectors), a name spans the inside
    // (≥ 0.45 of the box, ≥ 0.06 of it inked), the box is mostly empty
    // (< 0.3 inked), the corners are empty (≤ 0.08) and little ink lies
    // around (< 0.3). On seeds 37–41 this found 6 seals and nothing else;
    // the other groups it judged were printed 印 guide circles (a small
    // glyph: inside span 0.36), empty rings and clusters of glyphs (inked
    // corners). The seals measured ≤ 0.16 inked; without that bound a
    // solid pair of bullets (0.74) passed on held-out seed 43.
    if color == SealColor::Black {
        let found = seal_boxes(&out);
        for g in loose.iter().filter(size_ok).filter(upright).filter(|g| !a_group(g)) {
            if found.iter().any(|s| s.iou(&to_px(&g.bbox)) > 0.0) {
                continue;
            }
            let mut c = judge(&map, g, false);
            let f = &c.features;
            let dashed = f.ring_cov >= 0.6 && f.fill < 0.3 && f.inner_fill >= 0.06 && f.inner_span >= 0.45 && f.corner_fill <= 0.08 && f.context < 0.3;
            c.seal = dashed.then(|| {
                let shape = if (0.82..=1.22).contains(&f.aspect) { SealShape::Round } else { SealShape::Oval };
                Seal { bbox: c.bbox, shape, color, confidence: 0.6 }
            });
            out.push(c);
        }
    }
    // Colour: a seal faded along one side is an arc of clear ink whose
    // other side is pink under the weak level. Every red group of seal
    // ink (≥ 3 mm) that holds no seal yet is grown into the faint ink
    // around it (`mask::grow_faint`, up to 12 mm) and its grown box judged
    // again. Only rejected groups: growing every group joins nearby seals
    // and text into one.
    if color == SealColor::Red && map.faint > 0 {
        let found = seal_boxes(&out);
        let (min_seed, margin) = ((3.0 * ppm).round() as usize, (12.0 * ppm).round() as usize);
        let seeds: Vec<&label::Component> = groups
            .iter()
            .filter(|g| g.bbox.w().max(g.bbox.h()) >= min_seed && g.bbox.w().max(g.bbox.h()) <= hi)
            .filter(|g| !found.iter().any(|s| s.iou(&to_px(&g.bbox)) > 0.0))
            .collect();
        // A faded side adds a good part of a seal to its box; a pink halo
        // around clear print adds a pixel or two. Boxes that grew by less
        // than 15 % are not judged again: that cut the search's cost on
        // the logo stress set from 6.3 to 0.7 ms per page, found one seal
        // more on seed 39 and one fewer on seed 37.
        let grown: Vec<(Vec<usize>, label::Box)> = seeds
            .iter()
            .filter_map(|g| mask::grow_faint(&map, &g.bbox, map.faint, margin).filter(|(_, b)| b.w() * b.h() * 20 >= g.bbox.w() * g.bbox.h() * 23))
            .filter(|(_, b)| size_ok(&&label::Component { bbox: *b, area: 0 }))
            .collect();
        if !grown.is_empty() {
            let mut fm = map.clone();
            for (px, _) in &grown {
                px.iter().for_each(|&i| fm.mask[i] = 2);
            }
            let mut boxes: Vec<label::Box> = grown.into_iter().map(|(_, b)| b).collect();
            boxes.sort_by_key(|b| (b.x0, b.y0, b.x1, b.y1));
            boxes.dedup();
            for b in boxes {
                out.push(judge(&fm, &label::Component { bbox: b, area: 0 }, true));
            }
        }
    }
    if let Some(cm) = &core_map {
        // A core whose disc is already a component of its own (nothing
        // attached) that was rejected for its heavy ring or solid inside (a
        // printed ring logo) must not come back through its core.
        let plain: Vec<label::Box> = groups
            .iter()
            .filter(size_ok)
            .zip(out.iter())
            .filter(|(_, c)| c.seal.is_none() && (c.features.ring_fill > 0.42 || c.features.inner_fill > 0.42))
            .map(|(g, _)| g.bbox)
            .collect();
        let same = |a: &label::Box, b: &label::Box| {
            let iw = a.x1.min(b.x1).saturating_sub(a.x0.max(b.x0));
            let ih = a.y1.min(b.y1).saturating_sub(a.y0.max(b.y0));
            let inter = iw * ih;
            inter * 10 > (a.w() * a.h() + b.w() * b.h() - inter) * 7
        };
        out.extend(core_groups.iter().filter(size_ok).filter(|g| !plain.iter().any(|p| same(p, &g.bbox))).map(|g| judge(cm, g, true)));
    }
    // Gray: a printed title's glyphs are mid-gray too, and one whose
    // strokes close an outline (書, 納) reads as a round seal. The next
    // glyph of its row stands right beside it, as tall and on the same
    // line (`glyph_beside`); the seals of an approval row stand further
    // apart (seed 47: 0.24 of their height), and two seals stamped
    // touching are both seals.
    if color == SealColor::Gray {
        let to_map = |b: &PxRect| label::Box { x0: (b.x0 / f) as usize, y0: (b.y0 / f) as usize, x1: (b.x1 / f) as usize, y1: (b.y1 / f) as usize };
        let seals = seal_boxes(&out);
        for c in out.iter_mut().filter(|c| c.seal.is_some()) {
            if let Some(g) = glyph_beside(&map, &to_map(&c.bbox)) {
                if !seals.iter().any(|s| s.iou(&to_px(&g)) > 0.5) {
                    c.seal = None;
                }
            }
        }
    }
    // Bilevel: a big ring not nearly closed is a hand-drawn circle
    // (`features::big_open_ring`). Dropped last: a circle refitted through
    // a seal and the text it is joined to is such a ring, and is what
    // sends its group to the ring search above.
    if color == SealColor::Black {
        for c in &mut out {
            if c.seal.as_ref().is_some_and(|s| matches!(s.shape, SealShape::Round | SealShape::Oval)) && features::big_open_ring(&c.features) {
                c.seal = None;
            }
        }
    }
    // Overlapping verdicts (the inner ring of a company seal, the same seal
    // found with and without opening): the most confident one stays.
    let mut order: Vec<usize> = (0..out.len()).filter(|&i| out[i].seal.is_some()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (out[a].seal.as_ref().map_or(0.0, |s| s.confidence), out[b].seal.as_ref().map_or(0.0, |s| s.confidence));
        cb.total_cmp(&ca).then(out[b].bbox.width().cmp(&out[a].bbox.width()))
    });
    let mut kept: Vec<PxRect> = Vec::new();
    for i in order {
        let b = out[i].bbox;
        if kept.iter().any(|k| k.iou(&b) > 0.3 || contains(k, &b) || contains(&b, k)) {
            out[i].seal = None;
        } else {
            kept.push(b);
        }
    }
    out
}

/// The next glyph of a printed row of text beside `b`, left or right, and
/// its box: the first unbroken run of inked columns at most 0.1 of the
/// box's height away, at least 0.3 of it wide, whose rows start and end
/// with the box's (within 0.12 of its height, looking half a height above
/// and below) and are inked on most of that span (not the two rules of a
/// table row as high as a seal stamped in it). Bridging empty columns
/// between a glyph's parts brought back a seal's own arc beside a trimmed
/// box.
fn glyph_beside(map: &mask::WorkMap, b: &label::Box) -> Option<label::Box> {
    let h = b.h();
    let (tol, gap) = ((h * 12).div_ceil(100).max(1), h.div_ceil(10));
    let (ry0, ry1) = (b.y0.saturating_sub(h / 2), (b.y1 + h / 2).min(map.h));
    let inked = |x: usize| (ry0..ry1).any(|y| map.mask[y * map.w + x] != 0);
    let reach = gap + h;
    let right: Vec<usize> = (b.x1..(b.x1 + reach).min(map.w)).collect();
    let left: Vec<usize> = (b.x0.saturating_sub(reach)..b.x0).rev().collect();
    [right, left].into_iter().find_map(|cols| {
        let d = cols.iter().position(|&x| inked(x))?;
        let run: Vec<usize> = cols[d..].iter().copied().take_while(|&x| inked(x)).collect();
        if d > gap || run.len() * 10 < h * 3 {
            return None;
        }
        let rows: Vec<usize> = (ry0..ry1).filter(|&y| run.iter().any(|&x| map.mask[y * map.w + x] != 0)).collect();
        let (top, bottom) = (rows[0], rows[rows.len() - 1] + 1);
        let (x0, x1) = (run[0].min(run[run.len() - 1]), run[0].max(run[run.len() - 1]) + 1);
        (top.abs_diff(b.y0) <= tol && bottom.abs_diff(b.y1) <= tol && rows.len() * 10 >= (bottom - top) * 6)
            .then_some(label::Box { x0, y0: top, x1, y1: bottom })
    })
}

/// The boxes of the candidates judged seals so far.
fn seal_boxes(out: &[Candidate]) -> Vec<PxRect> {
    out.iter().filter_map(|c| c.seal.as_ref().map(|s| s.bbox)).collect()
}

/// The resolution the working map is built at: the page's higher DPI,
/// at least 50. The descreened look ([`descreened`]) must block a page as
/// its work map does.
fn working_dpi(page: &PageImage) -> f32 {
    page.dpi.0.max(page.dpi.1).max(50.0)
}

/// The working map with its mask of possible seal ink, rules erased.
fn work_map(page: &PageImage) -> (mask::WorkMap, SealColor) {
    let dpi = working_dpi(page);
    let (mut map, color) = match page.mode {
        ColorMode::Color => (mask::color_map(&as_rgb(&page.pixels), dpi), SealColor::Red),
        ColorMode::Gray => (mask::gray_map(&as_luma(&page.pixels), dpi), SealColor::Gray),
        ColorMode::Bilevel => (mask::bilevel_map(&as_luma(&page.pixels), dpi), SealColor::Black),
    };
    let ppm = map.ppm;
    // Gray rules are widened by the min-pooling: a little more thickness.
    let thick_mm = if color == SealColor::Gray { 0.6 } else { 0.45 };
    let max_thick = ((thick_mm * ppm).round() as usize).max(2);
    mask::clean_lines(&mut map, (12.0 * ppm) as usize, max_thick);
    // Gray: a dropout form's rules whose ink lies about the mid-gray band's
    // edge break into dashes or dots shorter than the line length, and join
    // the seals stamped in its cells into one group too big to judge (seed
    // 49, p0049, and seed 51, p0070: every seal of a 稟議書 table). Runs at
    // most 1 mm apart, together ≥ 12 mm and ≥ 90 % thin, go too: a row
    // through title glyphs crosses their vertical strokes (runs of any
    // length without that share split gray titles into round pieces). Not
    // in colour (hysteresis keeps the red rules whole) nor on bilevel pages
    // (a row of thresholded text is such a chain).
    if color == SealColor::Gray {
        let mm = (ppm.round() as usize).max(2);
        mask::remove_dashed_lines(&mut map, (12.0 * ppm) as usize, max_thick, mm);
    }
    (map, color)
}

/// The mask the detector labels, as an image at the working resolution
/// (black: possible seal ink; gray: weak ink added by hysteresis). For
/// tuning: `seal_eval --mask PAGE OUT.png`.
pub fn mask_image(page: &PageImage) -> GrayImage {
    let (map, _) = work_map(page);
    let px = map.mask.iter().map(|&m| match m {
        0 => 255,
        1 => 0,
        _ => 128,
    });
    GrayImage::from_raw(map.w as u32, map.h as u32, px.collect()).expect("w×h pixels")
}

/// The box of the circle fitted to a group's outer ink, when it is plausible.
fn refit_box(map: &mask::WorkMap, b: &label::Box) -> Option<label::Box> {
    let (cx, cy, r) = features::fit_circle(map, b)?;
    let (x0, y0) = ((cx - r).round().max(0.0) as usize, (cy - r).round().max(0.0) as usize);
    let (x1, y1) = (((cx + r).round() as usize + 1).min(map.w), ((cy + r).round() as usize + 1).min(map.h));
    // The fitted circle must contain most of the group and not be far bigger.
    let inter_w = x1.min(b.x1).saturating_sub(x0.max(b.x0));
    let inter_h = y1.min(b.y1).saturating_sub(y0.max(b.y0));
    if x1 <= x0 || y1 <= y0 || inter_w * inter_h * 20 < b.w() * b.h() * 17 {
        return None;
    }
    if (x1 - x0) * (y1 - y0) > b.w() * b.h() * 3 {
        return None;
    }
    Some(label::Box { x0, y0, x1, y1 })
}

/// The box of a group's ink without its strokes thinner than 2k+1 working
/// pixels (a (2k+1)×(2k+1) opening), when that is a smaller box.
fn trim_box(map: &mask::WorkMap, b: &label::Box, k: usize) -> Option<label::Box> {
    // The crop is framed with k empty pixels: the opening's erosion counts
    // pixels beyond its input as ink, which would keep a rule's stub along
    // the box's edge (the edge of a group it widened).
    let (w, h) = (b.w() + 2 * k, b.h() + 2 * k);
    let mut framed = vec![0u8; w * h];
    for y in b.y0..b.y1 {
        framed[(y - b.y0 + k) * w + k..][..b.w()].copy_from_slice(&map.mask[y * map.w + b.x0..][..b.w()]);
    }
    let opened = mask::open_k(&framed, w, h, k);
    let o = ink_box(&opened, w, &label::Box { x0: 0, y0: 0, x1: w, y1: h })?;
    let t = label::Box { x0: b.x0 + o.x0 - k, y0: b.y0 + o.y0 - k, x1: b.x0 + o.x1 - k, y1: b.y0 + o.y1 - k };
    (t != *b).then_some(t)
}

/// The map's mask inside `b`, as a `b.w()`×`b.h()` image.
fn crop_mask(map: &mask::WorkMap, b: &label::Box) -> Vec<u8> {
    (b.y0..b.y1).flat_map(|y| map.mask[y * map.w + b.x0..][..b.w()].iter().copied()).collect()
}

/// The box of the non-zero pixels of `mask` (rows of `stride`) inside `r`.
fn ink_box(mask: &[u8], stride: usize, r: &label::Box) -> Option<label::Box> {
    let mut ink: Option<label::Box> = None;
    for y in r.y0..r.y1 {
        let row = &mask[y * stride + r.x0..y * stride + r.x1];
        let Some(first) = row.iter().position(|&v| v != 0) else { continue };
        let last = row.iter().rposition(|&v| v != 0).unwrap_or(first);
        let (x0, x1) = (r.x0 + first, r.x0 + last + 1);
        ink = Some(match ink {
            None => label::Box { x0, y0: y, x1, y1: y + 1 },
            Some(b) => label::Box { x0: b.x0.min(x0), y0: b.y0, x1: b.x1.max(x1), y1: y + 1 },
        });
    }
    ink
}

/// The boxes of the ink either side of the emptiest column in the middle
/// of a group about twice as wide as high.
fn split_pair(map: &mask::WorkMap, b: &label::Box) -> Option<[label::Box; 2]> {
    let (w, h) = (b.w(), b.h());
    if w * 10 < h * 15 || w * 10 > h * 28 {
        return None;
    }
    let ink = |x: usize| (b.y0..b.y1).filter(|&y| map.mask[y * map.w + x] != 0).count();
    let cut = (b.x0 + w * 2 / 5..b.x1 - w * 2 / 5).min_by_key(|&x| ink(x))?;
    let side = |x0: usize, x1: usize| ink_box(&map.mask, map.w, &label::Box { x0, y0: b.y0, x1, y1: b.y1 });
    Some([side(b.x0, cut)?, side(cut, b.x1)?])
}

/// Gray pages: the boxes of round dark rings up to 12 mm, closed or cut by
/// a rule (refitted), with little dark ink inside: printed 印 guide
/// circles (see the caller).
fn guide_circles(map: &mask::WorkMap, size_ok: &dyn Fn(&&label::Component) -> bool) -> Vec<label::Box> {
    let mut dark = map.clone();
    for (d, &v) in dark.mask.iter_mut().zip(&map.value) {
        *d = (v > map.black) as u8;
    }
    mask::clean_lines(&mut dark, (12.0 * map.ppm) as usize, ((0.6 * map.ppm).round() as usize).max(2));
    let min_area = ((0.25 * map.ppm * map.ppm) as usize).max(4);
    let mut out = Vec::new();
    for c in label::components(&dark.mask, map.w, map.h, min_area).iter().filter(size_ok) {
        let mut b = c.bbox;
        let mut fd = features::measure(&dark, &b);
        if !(0.85..=1.18).contains(&fd.aspect) {
            // The printed circle touching a rule loses an arc with it.
            let Some(rb) = refit_box(&dark, &b) else { continue };
            b = rb;
            fd = features::measure(&dark, &b);
        }
        if !(0.85..=1.18).contains(&fd.aspect) || fd.ring_cov < 0.80 || fd.corner_fill > 0.10 || fd.inner_fill > 0.35 {
            continue;
        }
        if fd.w_mm.max(fd.h_mm) <= 12.0 {
            out.push(b);
        }
    }
    out
}

/// The rings of seals joined to what they were stamped over, inside a
/// group too wide or too tall to be a seal. The seal makes most of the
/// group's height (or width): circles, and upright ovals 1.5 and 1.8 times
/// as tall as wide, whose radius across the group's short side is
/// `min_frac`–0.52 of it, are scored by the fraction of points along them
/// on ink (within a pixel). Strokes crossing a ring cover little of it; a
/// ring covers most. Returns the boxes of the best ring and of the best one
/// clear of it, each at least `min_score` on ink.
fn joined_rings(map: &mask::WorkMap, b: &label::Box, min_score: f32, min_frac: f32) -> Vec<label::Box> {
    let (w, h) = (b.w(), b.h());
    let mut ink = mask::dilate(&crop_mask(map, b), w, h);
    let short = w.min(h) as f32;
    let r_min = (min_frac * short).round().max(3.5 * map.ppm) as usize;
    let r_max = (0.52 * short).round() as usize;
    // (rx, ry) for a radius across the group's short side and a shape.
    let radii = |r: usize, k: f32| if w >= h { ((r as f32 / k).round() as usize, r) } else { (r, (r as f32 * k).round() as usize) };
    let mut out = Vec::new();
    while out.len() < 2 {
        let mut best = Ring::default();
        for k in [1.0, 1.5, 1.8] {
            for r in (r_min..=r_max).step_by(2) {
                best.search(&ink, w, h, radii(r, k), min_score, None);
            }
        }
        if best.score < min_score {
            break;
        }
        let (cx, cy, (rx, ry)) = (best.cx, best.cy, best.radii);
        // Refined around the best, every centre and radius.
        for drx in -1..=1isize {
            for dry in -1..=1isize {
                let r = ((rx as isize + drx).max(1) as usize, (ry as isize + dry).max(1) as usize);
                best.search(&ink, w, h, r, min_score, Some((cx, cy)));
            }
        }
        let (cx, cy, (rx, ry)) = (best.cx, best.cy, best.radii);
        let (x0, y0) = ((b.x0 as isize + cx - rx as isize).max(0) as usize, (b.y0 as isize + cy - ry as isize).max(0) as usize);
        out.push(label::Box { x0, y0, x1: (x0 + 2 * rx + 1).min(map.w), y1: (y0 + 2 * ry + 1).min(map.h) });
        // The next ring must not reuse this one.
        let (ex, ey) = ((rx + 1) as f32, (ry + 1) as f32);
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = ((x as isize - cx) as f32 / ex, (y as isize - cy) as f32 / ey);
                if dx * dx + dy * dy <= 1.0 {
                    ink[y * w + x] = 0;
                }
            }
        }
    }
    out
}

/// The best ring found so far by [`joined_rings`]: score, centre, radii.
#[derive(Default)]
struct Ring {
    score: f32,
    cx: isize,
    cy: isize,
    radii: (usize, usize),
}

impl Ring {
    /// Scores the rings of radii `(rx, ry)` lying wholly inside the w×h
    /// mask `ink`, centred on every second pixel (or, refining, on every
    /// pixel within one of `near`), keeping the best. A ring is dropped as
    /// soon as it misses more points than the best so far (or `floor`)
    /// allows.
    fn search(&mut self, ink: &[u8], w: usize, h: usize, (rx, ry): (usize, usize), floor: f32, near: Option<(isize, isize)>) {
        if 2 * rx + 1 > w || 2 * ry + 1 > h {
            return;
        }
        let n = ((std::f32::consts::TAU * rx.max(ry) as f32).round() as usize).max(48);
        let mut pts: Vec<isize> = Vec::with_capacity(n);
        let mut prev = None;
        for i in 0..n {
            let t = std::f32::consts::TAU * i as f32 / n as f32;
            let p = ((rx as f32 * t.cos()).round() as isize, (ry as f32 * t.sin()).round() as isize);
            if prev != Some(p) {
                pts.push(p.1 * w as isize + p.0);
                prev = Some(p);
            }
        }
        let (rx, ry) = (rx as isize, ry as isize);
        // Centres whose ring lies wholly inside the mask.
        let ((mut x_lo, mut x_hi), (mut y_lo, mut y_hi)) = ((rx, w as isize - 1 - rx), (ry, h as isize - 1 - ry));
        let step = match near {
            Some((cx, cy)) => {
                (x_lo, x_hi, y_lo, y_hi) = (x_lo.max(cx - 1), x_hi.min(cx + 1), y_lo.max(cy - 1), y_hi.min(cy + 1));
                1
            }
            None => 2,
        };
        for cy in (y_lo..=y_hi).step_by(step) {
            for cx in (x_lo..=x_hi).step_by(step) {
                let allowed = ((1.0 - self.score.max(floor)) * pts.len() as f32) as usize;
                let c = cy * w as isize + cx;
                let mut missed = 0;
                for &p in &pts {
                    if ink[(c + p) as usize] == 0 {
                        missed += 1;
                        if missed > allowed {
                            break;
                        }
                    }
                }
                if missed <= allowed {
                    let score = 1.0 - missed as f32 / pts.len() as f32;
                    if score > self.score {
                        *self = Ring { score, cx, cy, radii: (rx as usize, ry as usize) };
                    }
                }
            }
        }
    }
}

fn contains(outer: &PxRect, inner: &PxRect) -> bool {
    let ix0 = outer.x0.max(inner.x0);
    let iy0 = outer.y0.max(inner.y0);
    let ix1 = outer.x1.min(inner.x1);
    let iy1 = outer.y1.min(inner.y1);
    if ix1 <= ix0 || iy1 <= iy0 {
        return false;
    }
    let inter = (ix1 - ix0) as u64 * (iy1 - iy0) as u64;
    inter * 10 >= inner.width() as u64 * inner.height() as u64 * 8
}

fn as_rgb(img: &DynamicImage) -> Cow<'_, RgbImage> {
    match img {
        DynamicImage::ImageRgb8(i) => Cow::Borrowed(i),
        other => Cow::Owned(other.to_rgb8()),
    }
}

fn as_luma(img: &DynamicImage) -> Cow<'_, GrayImage> {
    match img {
        DynamicImage::ImageLuma8(i) => Cow::Borrowed(i),
        other => Cow::Owned(other.to_luma8()),
    }
}

/// Returns the page with the seals' ink suppressed so that text printed under
/// a seal can be read, or `None` when there is nothing to suppress.
///
/// Colour: inside each seal's box, strongly red pixels become paper white
/// and the rest take their red channel as gray (red ink is bright in the red
/// channel, black text is dark in all three). Gray: inside each box, pixels
/// lighter than the midpoint between text black and the seal's own gray
/// (the median of the mid-gray ink in the box) become paper.
/// Bilevel: the seal is as black as the text under it, so the seal's
/// ellipse (or box) is cleared whole ([`erase_seal`]); a seal found as a
/// halftone on a dithered page (gray) loses only its dots ([`clear_dots`]).
pub fn suppress_seal_ink(page: &PageImage, seals: &[Seal]) -> Option<PageImage> {
    if seals.is_empty() {
        return None;
    }
    let pixels = match (&page.mode, &page.pixels) {
        (ColorMode::Color, DynamicImage::ImageRgb8(img)) => {
            let mut img = img.clone();
            for s in seals {
                let b = grow(&s.bbox, img.width(), img.height());
                for y in b.y0..b.y1 {
                    for x in b.x0..b.x1 {
                        let p = img.get_pixel_mut(x, y);
                        let [r, g, bl] = p.0;
                        let red = r.saturating_sub(g.max(bl));
                        let v = if red > 60 { 255 } else { r.saturating_add(red / 2) };
                        p.0 = [v, v, v];
                    }
                }
            }
            DynamicImage::ImageRgb8(img)
        }
        (ColorMode::Gray, DynamicImage::ImageLuma8(img)) => {
            let mut img = img.clone();
            let mut hist = [0u32; 256];
            img.pixels().step_by(7).for_each(|p| hist[p.0[0] as usize] += 1);
            let n: u32 = hist.iter().sum();
            let q = |f: f32| {
                let mut acc = 0;
                hist.iter().position(|&c| {
                    acc += c;
                    acc as f32 > n as f32 * f
                }).unwrap_or(255) as f32
            };
            let (black, paper) = (q(0.005), q(0.8));
            let span = (paper - black).max(40.0);
            for s in seals {
                let b = grow(&s.bbox, img.width(), img.height());
                // The seal's own gray: the median of the mid-gray ink in its
                // box (text black and paper left out). The cut lies halfway
                // between text black and that level, so the seal's darkest
                // (fully inked) strokes go too, and text stays.
                let mut h2 = [0u32; 256];
                let (lo, hi) = ((black + 0.22 * span) as u8, (paper - 0.13 * span) as u8);
                for y in b.y0..b.y1 {
                    for x in b.x0..b.x1 {
                        let v = img.get_pixel(x, y).0[0];
                        if v > lo && v < hi {
                            h2[v as usize] += 1;
                        }
                    }
                }
                let n2: u32 = h2.iter().sum();
                let mut acc = 0;
                let seal_level = h2.iter().position(|&c| {
                    acc += c;
                    acc * 2 > n2
                }).map_or(black + 0.5 * span, |v| v as f32);
                let cut = (black + 0.5 * (seal_level - black)).clamp(black + 0.2 * span, black + 0.45 * span) as u8;
                for y in b.y0..b.y1 {
                    for x in b.x0..b.x1 {
                        let p = img.get_pixel_mut(x, y);
                        if p.0[0] > cut {
                            p.0[0] = paper as u8;
                        }
                    }
                }
            }
            DynamicImage::ImageLuma8(img)
        }
        (ColorMode::Bilevel, DynamicImage::ImageLuma8(img)) => {
            let mut img = img.clone();
            for s in seals {
                if s.color == SealColor::Gray {
                    clear_dots(&mut img, s);
                } else {
                    erase_seal(&mut img, s);
                }
            }
            DynamicImage::ImageLuma8(img)
        }
        _ => return None,
    };
    Some(PageImage { pixels, mode: page.mode, dpi: page.dpi, dpi_from_file: page.dpi_from_file, original: Original::None })
}

/// Bilevel pages: the seal's ink is as black as the text under it and
/// cannot be told from it, so everything inside the seal's outline goes.
/// As scanned, tesseract read the ring's arcs as brackets joined to the
/// words they cross and the seal's name mixed into the line (42 % of the
/// characters under 1-bit seals wrong on seed 23); without the seal the
/// rest of each line is read clean (35 %), and the seal adds no characters
/// of its own. What goes is the box's ellipse (round seals) or the box
/// (square ones), out to where a ring that overran the box ends: black
/// pixels counted by normalised distance from the box's centre, the first
/// distance past the densest one (the rim) where they fall below a quarter
/// of it.
fn erase_seal(img: &mut GrayImage, s: &Seal) {
    let b = grow(&s.bbox, img.width(), img.height());
    let (cx, cy) = ((s.bbox.x0 + s.bbox.x1) as f32 / 2.0, (s.bbox.y0 + s.bbox.y1) as f32 / 2.0);
    let (rx, ry) = ((s.bbox.width() as f32 / 2.0).max(1.0), (s.bbox.height() as f32 / 2.0).max(1.0));
    let square = matches!(s.shape, SealShape::Square | SealShape::Rect);
    let rho = |x: u32, y: u32| {
        let (dx, dy) = ((x as f32 + 0.5 - cx) / rx, (y as f32 + 0.5 - cy) / ry);
        if square { dx.abs().max(dy.abs()) } else { (dx * dx + dy * dy).sqrt() }
    };
    // Black and all pixels per 0.01 of normalised distance, 0.85–1.15.
    const BINS: usize = 30;
    let bin = |r: f32| ((r - 0.85) * 100.0) as usize;
    let (mut ink, mut all) = ([0u32; BINS], [0u32; BINS]);
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            let r = rho(x, y);
            if (0.85..1.15).contains(&r) {
                all[bin(r)] += 1;
                ink[bin(r)] += (img.get_pixel(x, y).0[0] < 128) as u32;
            }
        }
    }
    let density: Vec<f32> = ink.iter().zip(&all).map(|(&i, &a)| i as f32 / a.max(1) as f32).collect();
    let (rim, peak) = density.iter().copied().enumerate().fold((0, 0.0f32), |m, (i, d)| if d > m.1 { (i, d) } else { m });
    // Never inside the box's own ellipse: a box widened by attached text
    // puts the rim of a smaller ring well inside it.
    let edge = (rim..BINS).find(|&i| density[i] < peak / 4.0).map_or(1.03, |i| 0.85 + i as f32 / 100.0 + 0.01).max(1.02);
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            if rho(x, y) < edge {
                img.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
}

/// A seal dithered into a halftone on a bilevel page (reported gray): its
/// loose dots go and solid ink (the text under it) stays
/// ([`mask::solid_at`]), so the text is read whole, as on a gray scan.
fn clear_dots(img: &mut GrayImage, s: &Seal) {
    let b = grow(&s.bbox, img.width(), img.height());
    let loose: Vec<(u32, u32)> = (b.y0..b.y1)
        .flat_map(|y| (b.x0..b.x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 128 && !mask::solid_at(img, x, y))
        .collect();
    for (x, y) in loose {
        img.put_pixel(x, y, image::Luma([255]));
    }
}

/// A seal box grown by 4 % on each side (the bbox is measured at ~150 dpi).
fn grow(b: &PxRect, w: u32, h: u32) -> PxRect {
    let mx = b.width() / 25 + 2;
    let my = b.height() / 25 + 2;
    PxRect::new(b.x0.saturating_sub(mx), b.y0.saturating_sub(my), (b.x1 + mx).min(w), (b.y1 + my).min(h))
}

/// Times [`detect_seals`] on a synthetic 300-dpi A4 colour page (2480×3508)
/// with text-like black strokes, one red seal and one red rule; returns the
/// mean over `runs` in milliseconds. For docs/BENCHMARKS.md.
pub fn bench_a4(runs: u32) -> f64 {
    let page = tests_support::a4_page();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..runs.max(1) {
        n += detect_seals(&page).len();
    }
    assert!(n > 0, "the benchmark page has a seal");
    t.elapsed().as_secs_f64() * 1000.0 / runs.max(1) as f64
}

#[doc(hidden)]
pub mod tests_support {
    //! Synthetic pages for unit tests and the benchmark.
    use image::{Rgb, RgbImage};

    use crate::page::{ColorMode, Original, PageImage};

    /// Ink density 0–1 of a seal-like drawing at `(x, y)` relative to its centre.
    pub type Drawing = dyn Fn(f32, f32) -> f32;

    /// A round seal of radius `r`: ring of thickness `t` plus a kanji-like cross inside.
    pub fn round_seal(r: f32, t: f32) -> Box<Drawing> {
        Box::new(move |x, y| {
            let d = (x * x + y * y).sqrt();
            let ring = d <= r && d >= r - t;
            let inside = d < r - 2.0 * t;
            let glyph = inside
                && ((x.abs() < t * 0.8 && y.abs() < r * 0.6)
                    || ((y - r * 0.3).abs() < t * 0.7 && x.abs() < r * 0.5)
                    || ((y + r * 0.25).abs() < t * 0.7 && x.abs() < r * 0.45));
            (ring || glyph) as u8 as f32
        })
    }

    /// A square seal of half-size `s`: frame of thickness `t` and a 3×3 grid of small glyph blocks.
    pub fn square_seal(s: f32, t: f32) -> Box<Drawing> {
        Box::new(move |x, y| {
            let frame = (x.abs() <= s && y.abs() <= s) && (x.abs() >= s - t || y.abs() >= s - t);
            let inner = s - 2.0 * t;
            let cell = 2.0 * inner / 3.0;
            let glyph = x.abs() < inner && y.abs() < inner && {
                let gx = ((x + inner) / cell).fract();
                let gy = ((y + inner) / cell).fract();
                ((gx - 0.5).abs() < 0.1 && (0.15..0.85).contains(&gy)) || ((gy - 0.5).abs() < 0.1 && (0.15..0.85).contains(&gx))
                    || ((gy - 0.2).abs() < 0.08 && (0.15..0.85).contains(&gx))
            };
            (frame || glyph) as u8 as f32
        })
    }

    /// Paints `draw` centred at `(cx, cy)` in `ink` (multiplied onto the page), with mottled density.
    pub fn paint(img: &mut RgbImage, cx: f32, cy: f32, half: f32, ink: [u8; 3], draw: &Drawing) {
        let (x0, x1) = ((cx - half - 2.0).max(0.0) as u32, ((cx + half + 2.0) as u32).min(img.width()));
        let (y0, y1) = ((cy - half - 2.0).max(0.0) as u32, ((cy + half + 2.0) as u32).min(img.height()));
        for y in y0..y1 {
            for x in x0..x1 {
                // Stamp-pad ink is mottled: a deterministic speckle (printed ink would be flat).
                let speckle = (((x / 5).wrapping_mul(73_856_093) ^ (y / 5).wrapping_mul(19_349_663)) % 1000) as f32 / 1000.0;
                let a = draw(x as f32 - cx, y as f32 - cy) * (0.45 + 0.55 * speckle);
                if a > 0.0 {
                    let p = img.get_pixel_mut(x, y);
                    for (v, &k) in p.0.iter_mut().zip(&ink) {
                        *v = (*v as f32 * (1.0 - a + a * k as f32 / 255.0)) as u8;
                    }
                }
            }
        }
    }

    /// Lines of black "text": 3.5 mm glyph boxes of strokes, like 10.5 pt type at 300 dpi.
    pub fn text_lines(img: &mut RgbImage, x0: u32, y0: u32, lines: u32, chars: u32) {
        for l in 0..lines {
            for c in 0..chars {
                let gx = x0 + c * 46;
                let gy = y0 + l * 72;
                for y in gy..gy + 41 {
                    for x in gx..gx + 41 {
                        let (dx, dy) = (x - gx, y - gy);
                        let stroke = dx % 13 < 4 || (dy % 14 < 3 && (c + l) % 2 == 0) || dy < 3;
                        if stroke && x < img.width() && y < img.height() {
                            img.put_pixel(x, y, Rgb([25, 25, 25]));
                        }
                    }
                }
            }
        }
    }

    /// A 300-dpi A4 colour page: slightly yellow paper, text, one red seal
    /// (over text), one red table rule.
    pub fn a4_page() -> PageImage {
        let mut img = RgbImage::from_pixel(2480, 3508, Rgb([245, 240, 225]));
        text_lines(&mut img, 250, 300, 40, 40);
        paint(&mut img, 1800.0, 2700.0, 110.0, [215, 70, 55], &*round_seal(105.0, 9.0));
        for x in 250..2200 {
            for y in 3200..3204 {
                img.put_pixel(x, y, Rgb([210, 30, 40]));
            }
        }
        page(img, ColorMode::Color)
    }

    /// Wraps pixels in a 300-dpi page of the given mode (gray and bilevel are converted).
    pub fn page(img: RgbImage, mode: ColorMode) -> PageImage {
        let pixels = match mode {
            ColorMode::Color => image::DynamicImage::ImageRgb8(img),
            ColorMode::Gray => image::DynamicImage::ImageLuma8(image::DynamicImage::ImageRgb8(img).to_luma8()),
            ColorMode::Bilevel => {
                let mut g = image::DynamicImage::ImageRgb8(img).to_luma8();
                g.pixels_mut().for_each(|p| p.0[0] = if p.0[0] < 160 { 0 } else { 255 });
                image::DynamicImage::ImageLuma8(g)
            }
        };
        PageImage { pixels, mode, dpi: (300.0, 300.0), dpi_from_file: true, original: Original::None }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;
    use super::*;
    use image::{Rgb, RgbImage};

    const PAPER: Rgb<u8> = Rgb([246, 242, 230]);
    const VERMILION: [u8; 3] = [215, 70, 55];

    fn blank() -> RgbImage {
        RgbImage::from_pixel(900, 900, PAPER)
    }

    fn one(seals: Vec<Seal>) -> Seal {
        assert_eq!(seals.len(), 1, "{seals:?}");
        seals.into_iter().next().unwrap()
    }

    /// A ring `t` thick inside radius `r`, cut into `n` equal arcs each
    /// inked over its first `on` (a fraction).
    fn arcs(r: f32, t: f32, n: f32, on: f32) -> impl Fn(f32, f32) -> bool + Copy {
        move |x, y| {
            let d = (x * x + y * y).sqrt();
            (r - t..=r).contains(&d) && (y.atan2(x) * n / std::f32::consts::TAU).rem_euclid(1.0) < on
        }
    }

    /// Exactly two seals, left one first.
    fn two(mut seals: Vec<Seal>) -> [Seal; 2] {
        seals.sort_by_key(|s| s.bbox.x0);
        seals.try_into().unwrap_or_else(|s: Vec<Seal>| panic!("two seals expected: {s:?}"))
    }

    #[test]
    fn red_ring_is_a_round_red_seal() {
        let mut img = blank();
        // 15 mm at 300 dpi ≈ 177 px across.
        paint(&mut img, 450.0, 450.0, 90.0, VERMILION, &*round_seal(88.0, 8.0));
        let s = one(detect_seals(&page(img, ColorMode::Color)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Red));
        assert!(s.bbox.iou(&PxRect::new(362, 362, 538, 538)) > 0.8, "{:?}", s.bbox);
        assert!(s.confidence > 0.7);
    }

    #[test]
    fn red_square_frame_with_grid_is_square() {
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 130.0, VERMILION, &*square_seal(125.0, 12.0));
        let s = one(detect_seals(&page(img, ColorMode::Color)));
        assert_eq!(s.shape, SealShape::Square);
    }

    #[test]
    fn red_rule_is_not_a_seal() {
        let mut img = blank();
        for x in 50..850 {
            for y in 400..405 {
                img.put_pixel(x, y, Rgb([210, 30, 40]));
            }
        }
        assert!(detect_seals(&page(img, ColorMode::Color)).is_empty());
    }

    #[test]
    fn black_text_is_not_a_seal() {
        let mut img = blank();
        text_lines(&mut img, 50, 50, 10, 17);
        for mode in [ColorMode::Color, ColorMode::Gray, ColorMode::Bilevel] {
            assert!(detect_seals(&page(img.clone(), mode)).is_empty(), "{mode:?}");
        }
    }

    #[test]
    fn gray_ring_on_a_gray_page_is_round_gray() {
        let mut img = blank();
        text_lines(&mut img, 50, 50, 3, 17);
        paint(&mut img, 450.0, 550.0, 90.0, VERMILION, &*round_seal(88.0, 8.0));
        let s = one(detect_seals(&page(img, ColorMode::Gray)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Gray));
    }

    #[test]
    fn bilevel_ring_is_round_black() {
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 90.0, [40, 40, 40], &*round_seal(88.0, 8.0));
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Black));
        assert!(s.confidence < 0.9);
    }

    #[test]
    fn bilevel_ring_broken_into_arcs_is_found() {
        // A light impression: the ring prints as eight arcs 0.5 mm apart
        // (6 px at 300 dpi) that never touch, around the name.
        let mut img = blank();
        let seal = round_seal(88.0, 8.0);
        paint(&mut img, 450.0, 450.0, 90.0, [40, 40, 40], &*Box::new(move |x: f32, y: f32| {
            let d = (x * x + y * y).sqrt();
            let along = (y.atan2(x) + std::f32::consts::PI) * d; // arc length from the left
            let gap = d > 75.0 && along.rem_euclid(2.0 * std::f32::consts::PI * d / 8.0) < 6.0;
            if gap { 0.0 } else { seal(x, y) }
        }));
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Black));
        assert!(s.bbox.iou(&PxRect::new(362, 362, 538, 538)) > 0.8, "{:?}", s.bbox);
    }

    #[test]
    fn bilevel_thin_ring_with_an_arc_gone_and_nothing_inside_is_found() {
        // As on seed 53, p0057: a faded 10 mm seal through the threshold,
        // its name gone and an eighth of its thin ring with it. The same
        // ring drawn heavy, as a printed logo's, is still no seal.
        let ring = |t: f32| {
            let ring = arcs(57.0, t, 1.0, 0.875);
            Box::new(move |x: f32, y: f32| ring(x, y) as u8 as f32)
        };
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 60.0, [40, 40, 40], &*ring(5.0));
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Black));
        assert!(s.bbox.iou(&PxRect::new(393, 393, 507, 507)) > 0.8, "{:?}", s.bbox);
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 60.0, [40, 40, 40], &*ring(22.0));
        assert!(detect_seals(&page(img, ColorMode::Bilevel)).is_empty());
    }

    #[test]
    fn on_1_bit_pages_one_end_of_a_broken_stamp_frame_is_not_a_square_seal() {
        // As on seed 47, p0235: a framed text stamp (here 30 × 13 mm)
        // through the threshold, its rules broken 1 mm apart a third of the
        // way along.
        // The piece left of the break (frame end, a glyph whose right stroke
        // closes it) is square enough; the rules run on past its open side.
        let stamp = |x: f32, y: f32| {
            let frame = x.abs() <= 177.0 && y.abs() <= 77.0 && (x.abs() >= 167.0 || y.abs() >= 67.0);
            let gap = (-50.0..=-38.0).contains(&x);
            let glyph = ((-61.0..=-51.0).contains(&x) && (-77.0..=5.0).contains(&y))
                || ((-150.0..=-51.0).contains(&x) && y.abs() <= 5.0)
                || ((-110.0..=-100.0).contains(&x) && y.abs() <= 50.0)
                || ((20.0..=100.0).contains(&x) && (y.abs() <= 5.0 || (x - 60.0).abs() <= 5.0) && y.abs() <= 45.0);
            ((frame && !gap) || glyph) as u8 as f32
        };
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 180.0, [30, 30, 30], &stamp);
        assert!(detect_seals(&page(img, ColorMode::Bilevel)).is_empty());
        // The rule on the piece's measures, and on a square seal's with text
        // beside it (seed 41, p0152): inked along every side, it stays.
        let f = Features { side_cov: [1.0, 1.0, 1.0, 0.61], runs_on: [0.0, 0.0, 0.0, 0.83], ..Features::default() };
        assert!(features::broken_frame(&f));
        assert!(!features::broken_frame(&Features { runs_on: [0.5, 0.5, 0.5, 0.0], side_cov: [0.83, 0.9, 0.95, 1.0], ..f }));
    }

    #[test]
    fn on_1_bit_pages_a_seal_outline_printed_in_dashes_is_found_a_dashed_guide_circle_is_not() {
        // Seed 41, p0100: a light 12 mm seal through the threshold. Its thin
        // outline is dashes about 1 mm apart (further than the 0.6 mm
        // grouping), its name is whole but apart from the outline.
        let mut img = blank();
        let ring = arcs(70.0, 5.0, 16.0, 0.55);
        paint(&mut img, 450.0, 450.0, 72.0, [40, 40, 40], &*Box::new(move |x: f32, y: f32| {
            let name = (x.abs() < 2.5 && y.abs() < 45.0) || ((y - 18.0).abs() < 2.5 && x.abs() < 30.0) || ((y + 22.0).abs() < 2.5 && x.abs() < 26.0);
            (ring(x, y) || name) as u8 as f32
        }));
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Black));
        assert!(s.bbox.iou(&PxRect::new(380, 380, 521, 521)) > 0.8, "{:?}", s.bbox);
        // A printed 印 guide circle of the same size, dashed the same way:
        // the glyph in its middle is small.
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 72.0, [40, 40, 40], &*Box::new(move |x: f32, y: f32| {
            let glyph = (x.abs() < 2.5 && y.abs() < 16.0) || ((y - 6.0).abs() < 2.5 && x.abs() < 14.0);
            (ring(x, y) || glyph) as u8 as f32
        }));
        assert!(detect_seals(&page(img, ColorMode::Bilevel)).is_empty());
        // Seed 43, p0035: two black bullets 7 mm across, one above the
        // other 1 mm apart: a solid upright pair, not an outline.
        let mut img = blank();
        for cy in [400.0, 490.0] {
            paint(&mut img, 450.0, cy, 42.0, [40, 40, 40], &*Box::new(|x: f32, y: f32| ((x * x + y * y).sqrt() <= 40.0) as u8 as f32));
        }
        assert!(detect_seals(&page(img, ColorMode::Bilevel)).is_empty());
    }

    /// A light 12 mm impression on a 1-bit page: its ring has not printed
    /// in three places (not closed, so no filled core), its name has.
    fn open_seal() -> Box<Drawing> {
        let seal = round_seal(70.0, 7.0);
        Box::new(move |x: f32, y: f32| {
            let a = y.atan2(x).to_degrees().rem_euclid(120.0);
            if (x * x + y * y).sqrt() > 60.0 && (a - 30.0).abs() < 4.0 { 0.0 } else { seal(x, y) }
        })
    }

    /// A signature's thick zigzag, 7 px strokes, from `x0` to `x1` about `y`.
    fn signature(img: &mut RgbImage, x0: u32, x1: u32, y: f32) {
        for x in x0..x1 {
            let t = (x as f32 / 24.0).fract();
            let cy = y + 36.0 * (2.0 * (t - 0.5).abs() - 0.5);
            for yy in (cy - 4.0) as u32..(cy + 4.0) as u32 {
                img.put_pixel(x, yy, Rgb([30, 30, 30]));
            }
        }
    }

    #[test]
    fn on_1_bit_pages_a_seal_stamped_over_a_signature_is_found_the_signature_alone_is_not() {
        // A 12 mm seal over the end of a 30 mm signature: one group, too
        // wide to be a seal.
        let mut img = blank();
        signature(&mut img, 150, 520, 450.0);
        let alone = img.clone();
        paint(&mut img, 470.0, 450.0, 72.0, [40, 40, 40], &*open_seal());
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!(s.shape, SealShape::Round);
        assert!(s.bbox.iou(&PxRect::new(400, 380, 541, 521)) > 0.7, "{:?}", s.bbox);
        assert!(detect_seals(&page(alone, ColorMode::Bilevel)).is_empty());
    }

    #[test]
    fn two_open_seals_stamped_touching_are_two_seals_on_1_bit_and_gray_pages() {
        for (mode, ink) in [(ColorMode::Bilevel, [40, 40, 40]), (ColorMode::Gray, VERMILION)] {
            let mut img = blank();
            // Black text, from which a gray page's mid-gray band is set.
            text_lines(&mut img, 50, 50, 3, 17);
            paint(&mut img, 380.0, 450.0, 72.0, ink, &*open_seal());
            paint(&mut img, 516.0, 450.0, 72.0, ink, &*open_seal());
            let [left, right] = two(detect_seals(&page(img, mode)));
            assert!(left.bbox.iou(&PxRect::new(310, 380, 451, 521)) > 0.7, "{mode:?} {:?}", left.bbox);
            assert!(right.bbox.iou(&PxRect::new(446, 380, 587, 521)) > 0.7, "{mode:?} {:?}", right.bbox);
        }
    }

    /// `draw` turned by `deg` degrees about its centre.
    fn turned(draw: Box<Drawing>, deg: f32) -> Box<Drawing> {
        let (sin, cos) = deg.to_radians().sin_cos();
        Box::new(move |x, y| draw(cos * x + sin * y, cos * y - sin * x))
    }

    #[test]
    fn on_1_bit_pages_a_square_seal_touching_a_text_block_is_found() {
        // A 22 mm company seal, turned 4°, whose frame touches the ends of
        // three text lines: one group 53 mm wide, too wide to be a seal.
        let mut img = blank();
        text_lines(&mut img, 100, 340, 3, 10);
        paint(&mut img, 600.0, 450.0, 140.0, [40, 40, 40], &*turned(square_seal(130.0, 12.0), 4.0));
        let s = one(detect_seals(&page(img, ColorMode::Bilevel)));
        assert_eq!(s.shape, SealShape::Square);
        assert!(s.bbox.iou(&PxRect::new(461, 311, 739, 589)) > 0.7, "{:?}", s.bbox);
    }

    #[test]
    fn a_framed_text_stamp_holds_no_square_seal() {
        // A 2:1 frame around two square glyph blocks (社外秘-like), on a
        // 1-bit page: the frame and a glyph's side make a square, but the
        // frame's long sides run on past it.
        let mut img = blank();
        let (hw, hh, t) = (250.0f32, 125.0f32, 12.0f32);
        let stamp: Box<Drawing> = Box::new(move |x, y| {
            let frame = x.abs() <= hw && y.abs() <= hh && (x.abs() >= hw - t || y.abs() >= hh - t);
            // Two 15 mm glyphs of bars, centred 120 px either side.
            let (gx, gy) = (x.abs() - 120.0, y);
            let glyph = gx.abs() < 85.0 && gy.abs() < 85.0 && ((gx.abs() - 40.0).abs() < 7.0 || (gy.abs() - 50.0).abs() < 7.0 || gy.abs() < 6.0);
            (frame || glyph) as u8 as f32
        });
        paint(&mut img, 450.0, 450.0, 260.0, [40, 40, 40], &*turned(stamp, 3.0));
        for mode in [ColorMode::Bilevel, ColorMode::Gray] {
            assert!(detect_seals(&page(img.clone(), mode)).is_empty(), "{mode:?}");
        }
    }

    #[test]
    fn faded_seal_on_a_dithered_200_dpi_page_is_found() {
        // A mottled red seal (15 mm at 200 dpi ≈ 118 px) on yellowed paper,
        // made 1-bit by Floyd–Steinberg dithering: the ring is a dotted
        // band, the paper a field of sparse dots.
        let mut img = RgbImage::from_pixel(700, 700, Rgb([238, 232, 212]));
        paint(&mut img, 350.0, 350.0, 62.0, [220, 110, 100], &*round_seal(59.0, 5.0));
        let mut gray = image::DynamicImage::ImageRgb8(img).to_luma8();
        image::imageops::dither(&mut gray, &image::imageops::BiLevel);
        let page = PageImage {
            pixels: image::DynamicImage::ImageLuma8(gray),
            mode: ColorMode::Bilevel,
            dpi: (200.0, 200.0),
            dpi_from_file: true,
            original: Original::None,
        };
        let s = one(detect_seals(&page));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Black));
        assert!(s.bbox.iou(&PxRect::new(291, 291, 409, 409)) > 0.6, "{:?}", s.bbox);
    }

    #[test]
    fn faint_seal_dithered_at_300_dpi_is_found_as_a_halftone_and_only_its_dots_are_cleared() {
        // A faded seal (15 mm) over two lines of text on yellowed paper,
        // Floyd–Steinberg dithered at 300 dpi: the ring is dots about a
        // quarter black, too sparse for the bilevel mask's blocks (seeds
        // 43–63 had 64 such seals, which the truth counts as gone from the
        // image; 62 were missed); descreened, it is the mid-gray ring of a
        // gray scan.
        let paper = Rgb([238, 232, 212]);
        let mut text = RgbImage::from_pixel(900, 900, paper);
        text_lines(&mut text, 240, 400, 2, 9);
        let mut img = text.clone();
        paint(&mut img, 450.0, 450.0, 92.0, [230, 150, 140], &*round_seal(88.0, 8.0));
        let mut gray = image::DynamicImage::ImageRgb8(img).to_luma8();
        image::imageops::dither(&mut gray, &image::imageops::BiLevel);
        let page = PageImage { pixels: image::DynamicImage::ImageLuma8(gray), mode: ColorMode::Bilevel, dpi: (300.0, 300.0), dpi_from_file: true, original: Original::None };
        let s = one(detect_seals(&page));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Gray));
        assert!(s.bbox.iou(&PxRect::new(362, 362, 538, 538)) > 0.7, "{:?}", s.bbox);
        // Suppressed for OCR: the text under it stays, the dots go.
        let clean = suppress_seal_ink(&page, &[s]).unwrap();
        let (before, after) = (page.pixels.as_luma8().unwrap(), clean.pixels.as_luma8().unwrap());
        let (mut text_kept, mut text_all, mut dots_left, mut dots_all) = (0, 0, 0, 0);
        for y in 362..538 {
            for x in 362..538 {
                if before.get_pixel(x, y).0[0] < 128 {
                    let on_text = text.get_pixel(x, y) != &paper;
                    let kept = after.get_pixel(x, y).0[0] < 128;
                    if on_text {
                        (text_all, text_kept) = (text_all + 1, text_kept + kept as u32);
                    } else {
                        (dots_all, dots_left) = (dots_all + 1, dots_left + kept as u32);
                    }
                }
            }
        }
        assert!(text_kept * 100 >= text_all * 97, "text kept {text_kept} of {text_all}");
        // (A dot touching a stroke, or where the ink was densest, is solid.)
        assert!(dots_left * 100 <= dots_all * 10, "dots left {dots_left} of {dots_all}");
    }

    #[test]
    fn a_dithered_page_a_few_pixels_wide_is_no_seal_and_no_panic() {
        // At 600 dpi and more a working pixel is 4 × 4 or more: a tiny
        // dithered page has under three of them, and the descreened look
        // is skipped (it once panicked there).
        for (w, h, dpi) in [(3, 3, 600.0), (7, 7, 2400.0), (11, 5, 600.0)] {
            let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
            img.put_pixel(1, 1, image::Luma([0]));
            let page = PageImage { pixels: image::DynamicImage::ImageLuma8(img), mode: ColorMode::Bilevel, dpi: (dpi, dpi), dpi_from_file: true, original: Original::None };
            assert!(detect_seals(&page).is_empty(), "{w}×{h} at {dpi} dpi");
        }
    }

    #[test]
    fn two_seals_stamped_side_by_side_are_two_seals() {
        // 12 mm seals 1 mm apart (inside the grouping distance), the left one faded.
        let mut img = blank();
        paint(&mut img, 370.0, 450.0, 72.0, VERMILION, &*round_seal(70.0, 7.0));
        paint(&mut img, 523.0, 450.0, 72.0, [235, 150, 140], &*round_seal(70.0, 7.0));
        let [left, right] = two(detect_seals(&page(img, ColorMode::Color)));
        assert!(left.bbox.iou(&PxRect::new(300, 380, 441, 521)) > 0.7, "{:?}", left.bbox);
        assert!(right.bbox.iou(&PxRect::new(453, 380, 594, 521)) > 0.7, "{:?}", right.bbox);
    }

    #[test]
    fn two_date_seals_stamped_touching_are_two_seals() {
        // 12 mm seals whose rings overlap by a stroke, each with a date band
        // across it: each counts the other as ink around it.
        let mut img = blank();
        let date_seal = || {
            let seal = round_seal(70.0, 7.0);
            Box::new(move |x: f32, y: f32| if (y.abs() - 18.0).abs() < 3.5 && x.abs() < 66.0 { 1.0 } else { seal(x, y) })
        };
        paint(&mut img, 380.0, 450.0, 72.0, VERMILION, &*date_seal());
        paint(&mut img, 516.0, 462.0, 72.0, VERMILION, &*date_seal());
        let [left, right] = two(detect_seals(&page(img, ColorMode::Color)));
        assert!(left.bbox.iou(&PxRect::new(310, 380, 451, 521)) > 0.7, "{:?}", left.bbox);
        assert!(right.bbox.iou(&PxRect::new(446, 392, 587, 533)) > 0.7, "{:?}", right.bbox);
    }

    #[test]
    fn seal_on_a_red_form_line_is_found_without_the_lines_stub() {
        // A form's rule runs into the seal from a cell border 9 mm away;
        // the border (a long line) is erased, the stub between it and the
        // ring is too short to be a line and widens the seal's group.
        let mut img = blank();
        paint(&mut img, 400.0, 450.0, 90.0, VERMILION, &*round_seal(88.0, 8.0));
        let red = Rgb([215, 70, 55]);
        for x in 486..596 {
            for y in 400..403 {
                img.put_pixel(x, y, red);
            }
        }
        for y in 150..750 {
            for x in 596..599 {
                img.put_pixel(x, y, red);
            }
        }
        let s = one(detect_seals(&page(img, ColorMode::Color)));
        assert!(s.bbox.iou(&PxRect::new(312, 362, 488, 538)) > 0.8, "{:?}", s.bbox);
    }

    #[test]
    fn a_title_glyph_has_its_row_beside_it_a_seal_in_an_approval_row_does_not() {
        // Seeds 45-53 (gray): a title glyph whose strokes close an outline
        // (書, 納) passed as a round seal; the next glyph stood 0-0.07 of
        // its height away, as tall. Seed 47, p0150: two seals of an
        // approval row, as tall and level, 0.24 of their height apart.
        // A 40-pixel box; a glyph of a vertical stroke and three bars.
        let b = label::Box { x0: 100, y0: 20, x1: 140, y1: 60 };
        let blank = || mask::WorkMap::new(300, 100, 2, 300.0);
        let glyph = |dx: usize| {
            let mut m = blank();
            for y in 21..59 {
                m.mask[y * 300 + 158 + dx] = 1;
            }
            for y in [21, 40, 58] {
                (143 + dx..176 + dx).for_each(|x| m.mask[y * 300 + x] = 1);
            }
            m
        };
        // The two rules of a table row as high as the box.
        let mut rules = blank();
        for y in [20, 59] {
            (140..300).for_each(|x| rules.mask[y * 300 + x] = 1);
        }
        assert!(glyph_beside(&glyph(0), &b).is_some(), "the next glyph of a title");
        assert!(glyph_beside(&glyph(10), &b).is_none(), "a seal 0.33 of its height away");
        assert!(glyph_beside(&rules, &b).is_none(), "a table row's rules");
        let mut low = glyph(0);
        low.mask.copy_within(0..80 * 300, 10 * 300);
        assert!(glyph_beside(&low, &b).is_none(), "a seal a quarter of its height lower");
    }

    #[test]
    fn trimming_a_group_takes_off_a_rule_along_its_edge() {
        // Seed 41, p0158 (gray): where dropout rules cross, the two inks
        // turn dark and leave the mid-gray band, so a cell border falls
        // into pieces shorter than a line. A stub of the rule the seal was
        // stamped on joins it to one piece, which then runs down the edge of
        // the group's box. A 6-pixel ring, 3-pixel rules.
        let mut m = mask::WorkMap::new(120, 100, 2, 300.0);
        for y in 0..100 {
            for x in 0..120 {
                let d = ((x as f32 - 45.0).powi(2) + (y as f32 - 50.0).powi(2)).sqrt();
                if (34.0..=40.0).contains(&d) || x >= 117 || ((70..73).contains(&y) && x >= 75) {
                    m.mask[y * 120 + x] = 1;
                }
            }
        }
        let t = trim_box(&m, &label::Box { x0: 5, y0: 0, x1: 120, y1: 100 }, 2).expect("a smaller box");
        assert!((5..=7).contains(&t.x0) && (83..=86).contains(&t.x1), "{t:?}");
        assert!((10..=12).contains(&t.y0) && (88..=91).contains(&t.y1), "{t:?}");
    }

    #[test]
    fn faded_gray_seal_in_four_pieces_is_found() {
        // A light impression printed in quarters: 1.4 mm bands (16 px at
        // 300 dpi) across the seal leave four pieces further apart than the
        // gray grouping distance.
        let mut img = blank();
        text_lines(&mut img, 50, 50, 3, 17);
        let seal = round_seal(88.0, 8.0);
        paint(&mut img, 450.0, 550.0, 90.0, VERMILION, &*Box::new(move |x: f32, y: f32| if y.abs() < 8.0 || x.abs() < 8.0 { 0.0 } else { seal(x, y) }));
        let s = one(detect_seals(&page(img, ColorMode::Gray)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Gray));
        assert!(s.bbox.iou(&PxRect::new(362, 462, 538, 638)) > 0.8, "{:?}", s.bbox);
    }

    #[test]
    fn gray_seal_stamped_on_a_printed_guide_circle_is_found_the_circle_alone_is_not() {
        // A dropout form's 印 guide circle, 10 mm, printed in a red that
        // turns dark on a gray scan, with a small 印 in the middle.
        let guide = |img: &mut RgbImage| {
            for y in 390..510u32 {
                for x in 390..510u32 {
                    let (dx, dy) = (x as f32 - 450.0, y as f32 - 450.0);
                    let d = (dx * dx + dy * dy).sqrt();
                    let mark = dx.abs() < 10.0 && dy.abs() < 10.0 && (dx.abs() > 7.0 || dy.abs() > 7.0 || dy.abs() < 1.5);
                    if (53.0..=59.0).contains(&d) || mark {
                        img.put_pixel(x, y, Rgb([110, 25, 25]));
                    }
                }
            }
        };
        let mut img = blank();
        text_lines(&mut img, 50, 50, 3, 17);
        guide(&mut img);
        let form = img.clone();
        // A seal stamped on it: its ring over the printed one (dark where
        // they overlap), its name in mid-gray across the inside.
        paint(&mut img, 450.0, 450.0, 60.0, VERMILION, &*round_seal(58.0, 4.0));
        let s = one(detect_seals(&page(img, ColorMode::Gray)));
        assert_eq!((s.shape, s.color), (SealShape::Round, SealColor::Gray));
        assert!(s.bbox.iou(&PxRect::new(391, 391, 509, 509)) > 0.7, "{:?}", s.bbox);
        assert!(detect_seals(&page(form, ColorMode::Gray)).is_empty());
    }

    #[test]
    fn trimming_drops_a_rules_stub_as_thick_as_the_opening_allows() {
        // Working map: a 6-pixel ring of radius 40 and, from its right edge,
        // a 4-pixel-thick stub of a rule 30 pixels long.
        let (w, h) = (140, 100);
        let mut mask = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 - 50.0, y as f32 - 50.0);
                let d = (dx * dx + dy * dy).sqrt();
                let stub = (88..120).contains(&x) && (30..34).contains(&y);
                mask[y * w + x] = ((34.0..=40.0).contains(&d) || stub) as u8;
            }
        }
        let map = mask::WorkMap { w, h, factor: 2, ppm: 5.9, value: vec![0; w * h], mask, weak: 0, faint: 0, black: 255, density: 0.0 };
        let group = label::Box { x0: 10, y0: 10, x1: 120, y1: 91 };
        // A 3×3 opening keeps the stub; a 5×5 one removes it and keeps the
        // ring (less a pixel or two at its extremes).
        assert_eq!(trim_box(&map, &group, 1).map(|b| b.x1), Some(120));
        let t = trim_box(&map, &group, 2).expect("a smaller box");
        assert!(t.x1 <= 91 && t.x0 <= 13 && t.y0 <= 13 && t.y1 >= 88, "{t:?}");
    }

    #[test]
    fn empty_ring_is_a_pen_circle_not_a_seal() {
        let mut img = blank();
        paint(&mut img, 450.0, 450.0, 90.0, VERMILION, &*Box::new(|x: f32, y: f32| {
            let d = (x * x + y * y).sqrt();
            (82.0..=88.0).contains(&d) as u8 as f32
        }));
        assert!(detect_seals(&page(img, ColorMode::Color)).is_empty());
    }

    /// Mottles the colour in 16-pixel blocks and keeps each pixel's luma, as
    /// JPEG's coarse 4:2:0 colour blocks do to flat printed red.
    fn chroma_blocks(img: &mut RgbImage) {
        for (x, y, p) in img.enumerate_pixels_mut() {
            let d = ((((x / 16).wrapping_mul(73_856_093) ^ (y / 16).wrapping_mul(19_349_663)) % 31) as f32 - 15.0) * 1.5;
            let [r, g, b] = p.0.map(|v| v as f32);
            // Luma 0.299 R + 0.587 G + 0.114 B stays the same.
            p.0 = [(r + d).clamp(0.0, 255.0) as u8, (g - d * 0.299 / 0.587).clamp(0.0, 255.0) as u8, b as u8];
        }
    }

    #[test]
    fn printed_ring_logo_with_jpeg_colour_blocks_is_not_a_seal_a_stamped_ring_is() {
        // The same ring with a mark inside: printed (flat ink) and stamped (mottled).
        let mut printed = blank();
        let flat = round_seal(88.0, 8.0);
        for y in 360..540u32 {
            for x in 360..540u32 {
                if flat(x as f32 - 450.0, y as f32 - 450.0) > 0.0 {
                    printed.put_pixel(x, y, Rgb([210, 30, 40]));
                }
            }
        }
        chroma_blocks(&mut printed);
        let cands = candidates(&page(printed, ColorMode::Color));
        let logo = cands.iter().max_by_key(|c| c.bbox.width()).expect("the ring is a candidate");
        assert!(logo.seal.is_none(), "{:?}", logo.features);
        // Mottled enough in redness to pass for stamp-pad ink; flat in luma.
        assert!(logo.features.texture >= 0.08 && (0.0..0.09).contains(&logo.features.luma_texture), "{:?}", logo.features);

        let mut stamped = blank();
        paint(&mut stamped, 450.0, 450.0, 90.0, VERMILION, &*round_seal(88.0, 8.0));
        chroma_blocks(&mut stamped);
        let s = one(detect_seals(&page(stamped, ColorMode::Color)));
        assert_eq!(s.color, SealColor::Red);
    }

    #[test]
    fn suppression_whitens_red_and_keeps_black() {
        let mut img = blank();
        text_lines(&mut img, 380, 430, 1, 3);
        paint(&mut img, 450.0, 450.0, 90.0, VERMILION, &*round_seal(88.0, 8.0));
        let p = page(img, ColorMode::Color);
        let seals = detect_seals(&p);
        let out = suppress_seal_ink(&p, &seals).expect("colour pages are suppressed");
        let o = out.pixels.to_rgb8();
        assert!(o.get_pixel(450 - 85, 450).0[1] > 200, "ring pixel became light");
        assert!(o.get_pixel(381, 440).0[0] < 80, "text under the seal stays dark");
        assert!(suppress_seal_ink(&p, &[]).is_none());
    }

    #[test]
    fn bilevel_suppression_erases_the_seal_and_keeps_the_line_beside_it() {
        let mut img = blank();
        // A line of text running under the seal and on past it.
        text_lines(&mut img, 300, 430, 1, 12);
        paint(&mut img, 400.0, 450.0, 90.0, [40, 40, 40], &*round_seal(88.0, 8.0));
        let p = page(img, ColorMode::Bilevel);
        let seal = one(detect_seals(&p));
        let out = suppress_seal_ink(&p, std::slice::from_ref(&seal)).expect("bilevel pages are suppressed");
        let o = out.pixels.to_luma8();
        let black = |x0: u32, x1: u32| (x0..x1).flat_map(|x| (300..600).map(move |y| (x, y))).filter(|&(x, y)| o.get_pixel(x, y).0[0] < 128).count();
        let inside = (310..490u32).flat_map(|x| (360..540u32).map(move |y| (x, y))).filter(|&(x, y)| (x as f32 - 400.0).hypot(y as f32 - 450.0) <= 89.0);
        let left: Vec<_> = inside.filter(|&(x, y)| o.get_pixel(x, y).0[0] < 128).collect();
        assert!(left.is_empty(), "the ring and everything inside it are gone: {left:?} {:?}", seal.bbox);
        let before = p.pixels.to_luma8();
        let kept = (520..700).flat_map(|x| (300..600).map(move |y| (x, y))).filter(|&(x, y)| before.get_pixel(x, y).0[0] < 128).count();
        assert!(kept > 0 && black(520, 700) == kept, "the text past the seal stays");
    }

    /// `cargo test --release -p inkan --lib seal::tests::bench -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn bench() {
        let ms = bench_a4(20);
        println!("detect_seals on a 2480×3508 colour page: {ms:.1} ms");
    }
}
