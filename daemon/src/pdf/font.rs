//! The glyphless font of the text layer, as tesseract's PDF renderer writes
//! it (`src/api/pdfrenderer.cpp`): a Type0 font, `Identity-H` encoded, whose
//! CIDFontType2 descendant maps every CID to glyph 1 of an embedded 572-byte
//! TrueType font that draws nothing. Text in it is invisible anyway (render
//! mode 3); the font exists so that viewers and `pdftotext` have widths for
//! placement and a ToUnicode CMap for extraction.

use std::io::Write as _;
use std::sync::OnceLock;

use lopdf::{dictionary, Document, Object, ObjectId, Stream};

use super::text::GLYPH_WIDTH;

/// tesseract's `pdf.ttf` (Apache-2.0; see `daemon/assets/README.md`).
const GLYPHLESS_TTF: &[u8] = include_bytes!("../../assets/pdf.ttf");

/// The font's PostScript name, as tesseract calls it.
const FONT_NAME: &str = "GlyphLessFont";

/// Adds the font's objects to `doc` and returns the Type0 font's id, for the
/// pages' `/Font` resources. `to_unicode` is the id the caller will give the
/// ToUnicode CMap stream (written last, once every code is known).
pub(super) fn add_glyphless_font(doc: &mut Document, to_unicode: ObjectId) -> ObjectId {
    let font_file = doc.add_object(
        Stream::new(
            dictionary! { "Length1" => GLYPHLESS_TTF.len() as i64 },
            GLYPHLESS_TTF.to_vec(),
        )
        .with_compression(false),
    );
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => FONT_NAME,
        // FixedPitch + Symbolic.
        "Flags" => 5,
        "FontBBox" => vec![0.into(), 0.into(), (GLYPH_WIDTH as i64).into(), 1000.into()],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        // Must be negative; the glyphs sit on the baseline.
        "Descent" => -1,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => font_file,
    });
    let cid_to_gid = doc.add_object(
        Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            cid_to_gid_map().to_vec(),
        )
        .with_compression(false),
    );
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => FONT_NAME,
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => GLYPH_WIDTH as i64,
        "CIDToGIDMap" => cid_to_gid,
    });
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => FONT_NAME,
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// The flate-compressed CIDToGIDMap: 65536 big-endian `u16`s, all 1 (every
/// CID draws glyph 1). Built once per process; it compresses to a few hundred
/// bytes.
fn cid_to_gid_map() -> &'static [u8] {
    static MAP: OnceLock<Vec<u8>> = OnceLock::new();
    MAP.get_or_init(|| {
        let raw: Vec<u8> = std::iter::repeat_n([0u8, 1u8], 1 << 16).flatten().collect();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&raw).expect("writing to a Vec cannot fail");
        z.finish().expect("writing to a Vec cannot fail")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn the_embedded_font_is_tesseracts() {
        assert_eq!(GLYPHLESS_TTF.len(), 572);
        assert_eq!(&GLYPHLESS_TTF[..4], &[0, 1, 0, 0], "TrueType sfnt version");
    }

    #[test]
    fn cid_to_gid_map_sends_every_cid_to_glyph_1() {
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(cid_to_gid_map())
            .read_to_end(&mut raw)
            .unwrap();
        assert_eq!(raw.len(), 2 * 65536);
        assert!(raw.chunks(2).all(|g| g == [0, 1]));
        assert!(cid_to_gid_map().len() < 1024);
    }
}
