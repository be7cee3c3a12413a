//! The invisible text layer: character codes for the glyphless font, the
//! ToUnicode CMap that turns them back into text, and one text object per
//! OCR line.
//!
//! # Codes
//! The font is `Identity-H` encoded, so every character is a 2-byte code that
//! is also its CID. A BMP character's code is its own code point. The codes
//! `D800..=DFFF` never name a BMP character (they are UTF-16 surrogates), so
//! they are handed out, one per distinct character, to characters outside the
//! BMP (e.g. 𠮟, U+20B9F, a Jōyō kanji); the ToUnicode CMap maps each such code
//! to the character's surrogate pair. Past 2048 distinct such characters in one
//! document, further ones become U+FFFD. Control characters are dropped.
//!
//! # Placement
//! Every glyph of the font is [`GLYPH_WIDTH`]/1000 em wide and spans the em
//! vertically from the baseline. A line is drawn with its baseline on the
//! bottom of its box, the font size set to the box height and the horizontal
//! scaling (`Tz`) chosen so that the string spans exactly the box width; a
//! viewer's selection then covers the line as printed on the scan.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::geom::{PtRect, PxRect};

/// Advance width of every glyph, in thousandths of the font size (the
/// CIDFont's `/DW`). Half an em, as tesseract's renderer uses.
pub(super) const GLYPH_WIDTH: f32 = 500.0;

/// The first code handed out to characters outside the BMP.
const ASTRAL_FIRST: u16 = 0xD800;
/// How many codes there are for characters outside the BMP (`D800..=DFFF`).
const ASTRAL_SLOTS: usize = 0x800;
/// What a character outside the BMP becomes once the slots are used up.
const REPLACEMENT: u16 = 0xFFFD;
/// The smallest font size used, for lines whose box has no height.
const MIN_FONT_SIZE: f32 = 1.0;
/// PDF limits a CMap's `beginbfrange`/`beginbfchar` block to 100 entries.
const CMAP_BLOCK: usize = 100;

/// Turns text into codes of the glyphless font, remembering which codes stand
/// for characters outside the BMP so that [`TextEncoder::to_unicode_cmap`] can
/// map them back. One per document.
#[derive(Debug, Default)]
pub(super) struct TextEncoder {
    /// Characters outside the BMP; the one at index `i` has code `D800 + i`.
    astral: Vec<char>,
    /// Reverse of `astral`: character to its code.
    astral_codes: HashMap<char, u16>,
}

impl TextEncoder {
    /// Appends the codes for `text` to `out`: one code per character, control
    /// characters dropped (see the module doc for the mapping).
    pub(super) fn encode(&mut self, text: &str, out: &mut Vec<u16>) {
        for c in text.chars() {
            if c.is_control() {
                continue;
            }
            let cp = c as u32;
            if cp <= 0xFFFF {
                // A `char` is never a surrogate, so this never lands in D800..=DFFF.
                out.push(cp as u16);
            } else {
                out.push(self.astral_code(c));
            }
        }
    }

    /// The code for a character outside the BMP: its slot, a new slot, or
    /// U+FFFD when all slots are taken.
    fn astral_code(&mut self, c: char) -> u16 {
        if let Some(&code) = self.astral_codes.get(&c) {
            return code;
        }
        if self.astral.len() >= ASTRAL_SLOTS {
            return REPLACEMENT;
        }
        let code = ASTRAL_FIRST + self.astral.len() as u16;
        self.astral.push(c);
        self.astral_codes.insert(c, code);
        code
    }

    /// The ToUnicode CMap for every code this encoder may have produced:
    /// each BMP code to itself, as one `bfrange` per high byte (a range must not
    /// cross a first-byte boundary), and each surrogate-range code in use to
    /// its character as a `bfchar`.
    pub(super) fn to_unicode_cmap(&self) -> Vec<u8> {
        let mut s = String::with_capacity(8 * 1024);
        s.push_str(
            "/CIDInit /ProcSet findresource begin\n\
             12 dict begin\n\
             begincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n\
             /CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let high_bytes: Vec<u16> = (0u16..=0xFF)
            .filter(|h| !(0xD8..=0xDF).contains(h))
            .collect();
        for block in high_bytes.chunks(CMAP_BLOCK) {
            let _ = writeln!(s, "{} beginbfrange", block.len());
            for &h in block {
                let _ = writeln!(s, "<{h:02X}00> <{h:02X}FF> <{h:02X}00>");
            }
            s.push_str("endbfrange\n");
        }
        for (i, block) in self.astral.chunks(CMAP_BLOCK).enumerate() {
            let _ = writeln!(s, "{} beginbfchar", block.len());
            for (j, &c) in block.iter().enumerate() {
                let code = ASTRAL_FIRST as usize + i * CMAP_BLOCK + j;
                let mut utf16 = [0u16; 2];
                let units = c.encode_utf16(&mut utf16);
                let _ = write!(s, "<{code:04X}> <");
                for u in units.iter() {
                    let _ = write!(s, "{u:04X}");
                }
                s.push_str(">\n");
            }
            s.push_str("endbfchar\n");
        }
        s.push_str(
            "endcmap\n\
             CMapName currentdict /CMap defineresource pop\n\
             end\n\
             end\n",
        );
        s.into_bytes()
    }
}

/// Where and how large one line's text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LinePlacement {
    /// Left end of the baseline, points from the page's left edge.
    pub x: f32,
    /// Baseline height, points from the page's bottom edge.
    pub y: f32,
    /// Font size (`Tf`), points: the box height.
    pub size: f32,
    /// Horizontal scaling (`Tz`), percent: makes `n` glyphs span the box width.
    pub tz: f32,
}

impl LinePlacement {
    /// The placement of a line of `n_codes` glyphs whose box is `bbox` on a
    /// page image `page_height_px` pixels tall scanned at `dpi`.
    pub(super) fn new(bbox: PxRect, n_codes: usize, page_height_px: u32, dpi: (f32, f32)) -> Self {
        let PtRect { x0, y0, x1, y1 } = bbox.to_pt(page_height_px, dpi);
        let size = (y1 - y0).max(MIN_FONT_SIZE);
        let width = x1 - x0;
        let natural = n_codes as f32 * size * GLYPH_WIDTH / 1000.0;
        let tz = if width > 0.0 && natural > 0.0 {
            100.0 * width / natural
        } else {
            100.0
        };
        LinePlacement {
            x: x0,
            y: y0,
            size,
            tz,
        }
    }
}

/// Appends one line's text object to the content stream `out`:
/// `BT /<font> size Tf 3 Tr tz Tz 1 0 0 1 x y Tm <codes> Tj ET`.
/// Nothing is written for an empty `codes`.
pub(super) fn write_line(out: &mut Vec<u8>, font: &str, codes: &[u16], at: LinePlacement) {
    if codes.is_empty() {
        return;
    }
    let mut s = String::with_capacity(64 + 4 * codes.len());
    let _ = write!(
        s,
        "BT /{font} {} Tf 3 Tr {} Tz 1 0 0 1 {} {} Tm <",
        Num(at.size),
        Num(at.tz),
        Num(at.x),
        Num(at.y)
    );
    for c in codes {
        let _ = write!(s, "{c:04X}");
    }
    s.push_str("> Tj ET\n");
    out.extend_from_slice(s.as_bytes());
}

/// A number as written in a content stream: at most 3 decimals, no trailing
/// zeros, never exponent notation or `-0`.
pub(super) struct Num(pub f32);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(if s == "-0" || s.is_empty() { "0" } else { s })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(enc: &mut TextEncoder, s: &str) -> Vec<u16> {
        let mut v = Vec::new();
        enc.encode(s, &mut v);
        v
    }

    #[test]
    fn bmp_characters_are_their_own_code() {
        let mut enc = TextEncoder::default();
        assert_eq!(
            codes(&mut enc, "甲は A"),
            vec![0x7532, 0x306F, 0x0020, 0x0041]
        );
        assert_eq!(codes(&mut enc, "１２"), vec![0xFF11, 0xFF12]);
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut enc = TextEncoder::default();
        assert_eq!(codes(&mut enc, "a\tb\n"), vec![0x61, 0x62]);
    }

    #[test]
    fn astral_characters_get_surrogate_range_codes() {
        let mut enc = TextEncoder::default();
        // 𠮟 (U+20B9F) twice, then 𩸽 (U+29E3D).
        assert_eq!(
            codes(&mut enc, "𠮟る𠮟𩸽"),
            vec![0xD800, 0x308B, 0xD800, 0xD801]
        );
        let cmap = String::from_utf8(enc.to_unicode_cmap()).unwrap();
        assert!(
            cmap.contains("2 beginbfchar\n<D800> <D842DF9F>\n<D801> <D867DE3D>\nendbfchar\n"),
            "{cmap}"
        );
    }

    #[test]
    fn astral_codes_run_out_into_replacement_character() {
        let mut enc = TextEncoder::default();
        let many: String = (0x20000u32..0x20000 + ASTRAL_SLOTS as u32 + 1)
            .filter_map(char::from_u32)
            .collect();
        let v = codes(&mut enc, &many);
        assert_eq!(v[0], 0xD800);
        assert_eq!(v[ASTRAL_SLOTS - 1], 0xDFFF);
        assert_eq!(v[ASTRAL_SLOTS], REPLACEMENT);
        // Blocks of at most 100 entries.
        let cmap = String::from_utf8(enc.to_unicode_cmap()).unwrap();
        assert_eq!(cmap.matches("100 beginbfchar").count(), 20);
        assert_eq!(cmap.matches("48 beginbfchar").count(), 1);
    }

    #[test]
    fn cmap_ranges_stay_within_one_high_byte_and_skip_surrogates() {
        let cmap = String::from_utf8(TextEncoder::default().to_unicode_cmap()).unwrap();
        assert!(cmap.contains("<0000> <00FF> <0000>\n"));
        assert!(cmap.contains("<3000> <30FF> <3000>\n"));
        assert!(cmap.contains("<FF00> <FFFF> <FF00>\n"));
        assert!(cmap.contains("<D700> <D7FF> <D700>\n<E000> <E0FF> <E000>\n"));
        assert!(!cmap.contains("<D800>"));
        // 248 ranges in blocks of 100, 100, 48; no bfchar when nothing is astral.
        assert_eq!(cmap.matches("100 beginbfrange").count(), 2);
        assert_eq!(cmap.matches("48 beginbfrange").count(), 1);
        let ranges = cmap
            .lines()
            .filter(|l| l.len() == 20 && l.starts_with('<'))
            .count();
        assert_eq!(ranges, 248);
        assert!(!cmap.contains("bfchar"));
    }

    #[test]
    fn placement_spans_the_box() {
        // 300 dpi: 300 px = 72 pt. Box 600 px wide, 50 px tall, 100 px from the bottom.
        let bbox = PxRect::new(300, 2850, 900, 2900);
        let p = LinePlacement::new(bbox, 10, 3000, (300.0, 300.0));
        assert_eq!(p.x, 72.0);
        assert_eq!(p.y, 24.0);
        assert_eq!(p.size, 12.0);
        // 10 glyphs of half an em at 12 pt = 60 pt natural; the box is 144 pt wide.
        assert!((p.tz - 240.0).abs() < 1e-3, "{}", p.tz);
        let spanned = 10.0 * p.size * GLYPH_WIDTH / 1000.0 * p.tz / 100.0;
        assert!((spanned - 144.0).abs() < 1e-3);
    }

    #[test]
    fn placement_of_degenerate_boxes_stays_finite() {
        let p = LinePlacement::new(PxRect::new(10, 10, 10, 10), 3, 100, (72.0, 72.0));
        assert_eq!(p.size, MIN_FONT_SIZE);
        assert_eq!(p.tz, 100.0);
    }

    #[test]
    fn line_operators() {
        let mut out = Vec::new();
        let at = LinePlacement {
            x: 72.0,
            y: 24.5,
            size: 12.0,
            tz: 240.125,
        };
        write_line(&mut out, "F1", &[0x5951, 0x0041], at);
        write_line(&mut out, "F1", &[], at);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "BT /F1 12 Tf 3 Tr 240.125 Tz 1 0 0 1 72 24.5 Tm <59510041> Tj ET\n"
        );
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(Num(1.0).to_string(), "1");
        assert_eq!(Num(0.1000).to_string(), "0.1");
        assert_eq!(Num(-0.0001).to_string(), "0");
        assert_eq!(Num(1e-9).to_string(), "0");
        assert_eq!(Num(12345678.0).to_string(), "12345678");
        assert_eq!(Num(f32::NAN).to_string(), "0");
    }
}
