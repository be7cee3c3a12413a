//! The tesseract engine: the only file that touches tesseract.
//!
//! One [`TesseractEngine`] per worker thread (init costs ~0.16 s; the handle
//! is `Send` but not `Sync`). Line text comes from tesseract's own UTF-8 text
//! (which honours `preserve_interword_spaces`, so Japanese gets no spaces
//! between characters) and line boxes from the level-4 rows of its TSV output;
//! both walk the same result iterator, so they pair up line for line.

use tesseract::Tesseract;
use unicode_normalization::UnicodeNormalization;

use super::{OcrEngine, OcrError, OcrLine, OcrPage};
use crate::geom::PxRect;
use crate::page::PageImage;

/// A tesseract instance initialised for a set of languages.
pub struct TesseractEngine {
    /// `None` only while a call is using it (the crate's API consumes the
    /// handle) or after a failed call, in which case the next call re-initialises.
    api: Option<Tesseract>,
    /// Tesseract's language string, e.g. `jpn+eng`.
    languages: String,
}

impl TesseractEngine {
    /// Initialises tesseract with `languages` (e.g. `["jpn", "eng"]`).
    pub fn new(languages: &[String]) -> Result<Self, OcrError> {
        let languages = languages.join("+");
        let api = init(&languages)?;
        Ok(TesseractEngine { api: Some(api), languages })
    }
}

fn init(languages: &str) -> Result<Tesseract, OcrError> {
    // Leptonica, inside tesseract, prints errors it recovers from to stderr
    // ("box outside rectangle" on a small crop, seen under `inkan eval
    // --cer`); as for our own leptonica reads, inkan reports failures itself.
    crate::pix::quiet();
    let fail = |reason: String| OcrError::Init { languages: languages.to_string(), reason };
    let mut api = Tesseract::new(None, Some(languages))
        .map_err(|e| fail(format!("{e} (is the tesseract-ocr-{} package installed?)", languages.split('+').next().unwrap_or(""))))?
        .set_variable("preserve_interword_spaces", "1")
        .and_then(|t| t.set_variable("debug_file", "/dev/null")) // no "Detected N diacritics" chatter on stderr
        .map_err(|e| fail(e.to_string()))?;
    // The C API defaults to a single text block; the tesseract CLI (and every
    // scan) wants full page layout analysis. Without this, titles misread.
    api.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
    Ok(api)
}

impl OcrEngine for TesseractEngine {
    fn recognize(&mut self, page: &PageImage) -> Result<OcrPage, OcrError> {
        let api = match self.api.take() {
            Some(api) => api,
            None => init(&self.languages)?,
        };
        let (data, bpp): (&[u8], i32) = match &page.pixels {
            image::DynamicImage::ImageLuma8(g) => (g.as_raw(), 1),
            image::DynamicImage::ImageRgb8(c) => (c.as_raw(), 3),
            _ => return Err(OcrError::Recognize("unexpected pixel layout".into())),
        };
        let (w, h) = (page.width() as i32, page.height() as i32);
        let fail = |e: &dyn std::fmt::Display| OcrError::Recognize(e.to_string());
        let mut api = api
            .set_frame(data, w, h, bpp, w * bpp)
            .map_err(|e| fail(&e))?
            .set_source_resolution(page.dpi.1.round() as i32)
            .recognize()
            .map_err(|e| fail(&e))?;
        let tsv = api.get_tsv_text(0).map_err(|e| fail(&e))?;
        let text = api.get_text().map_err(|e| fail(&e))?;
        self.api = Some(api);
        Ok(OcrPage { lines: pair_lines(&tsv, &text) })
    }
}

/// One line as the TSV output describes it.
#[derive(Debug, Default)]
struct TsvLine {
    bbox: PxRect,
    /// (word text, left, right) in order.
    words: Vec<(String, u32, u32)>,
    confs: Vec<f32>,
}

/// Parses tesseract's TSV: level-4 rows open a line (its box), level-5 rows are its words.
fn parse_tsv(tsv: &str) -> Vec<TsvLine> {
    let mut lines: Vec<TsvLine> = Vec::new();
    for row in tsv.lines() {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<i64>().unwrap_or(0).max(0) as u32;
        let (left, top, width, height) = (num(6), num(7), num(8), num(9));
        match f[0] {
            "4" => lines.push(TsvLine { bbox: PxRect::new(left, top, left + width, top + height), ..Default::default() }),
            "5" => {
                let text = f[11].trim();
                if let (Some(line), false) = (lines.last_mut(), text.is_empty()) {
                    line.words.push((text.to_string(), left, left + width));
                    line.confs.push(f[10].trim().parse().unwrap_or(0.0));
                }
            }
            _ => {}
        }
    }
    lines.retain(|l| !l.words.is_empty());
    lines
}

/// True for characters written without spaces between them (Han, Kana, CJK punctuation, full-width forms).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// Joins a TSV line's words: a space between two words unless either side of the join is CJK.
fn join_words(words: &[(String, u32, u32)]) -> String {
    let mut out = String::new();
    for (w, _, _) in words {
        let prev_cjk = out.chars().last().is_some_and(is_cjk);
        let next_cjk = w.chars().next().is_some_and(is_cjk);
        if !out.is_empty() && !prev_cjk && !next_cjk {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// NFKC, spaces between CJK characters removed, runs of spaces folded to one.
pub(crate) fn normalise_line(line: &str) -> String {
    let nfkc: String = line.nfkc().collect();
    let chars: Vec<char> = nfkc.split_whitespace().flat_map(|w| w.chars().chain([' '])).collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            match (prev, next) {
                (Some(p), Some(n)) if n != ' ' && !(is_cjk(p) && is_cjk(n)) => out.push(' '),
                _ => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Pairs tesseract's text lines with the TSV line boxes. When the two do not
/// line up one to one (they walk the same iterator, so this is rare), the
/// line text is rebuilt from the TSV words instead.
fn pair_lines(tsv: &str, text: &str) -> Vec<OcrLine> {
    let boxes = parse_tsv(tsv);
    let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let aligned = texts.len() == boxes.len();
    boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let raw = if aligned { texts[i].to_string() } else { join_words(&b.words) };
            let confidence = b.confs.iter().sum::<f32>() / b.confs.len().max(1) as f32;
            OcrLine { text: normalise_line(&raw), bbox: b.bbox, confidence }
        })
        .filter(|l| !l.text.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t
4\t1\t1\t1\t1\t0\t100\t200\t900\t60\t-1\t
5\t1\t1\t1\t1\t1\t100\t200\t300\t60\t96.5\t契約書
5\t1\t1\t1\t1\t2\t420\t200\t580\t60\t93.5\t第1条
4\t1\t1\t1\t2\t0\t100\t300\t700\t50\t-1\t
5\t1\t1\t1\t2\t1\t100\t300\t300\t50\t90\tThis
5\t1\t1\t1\t2\t2\t420\t300\t380\t50\t80\tAgreement
";

    #[test]
    fn tsv_lines_pair_with_text_lines() {
        let lines = pair_lines(TSV, "契約書第1条\nThis Agreement\n\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "契約書第1条");
        assert_eq!(lines[0].bbox, PxRect::new(100, 200, 1000, 260));
        assert_eq!(lines[0].confidence, 95.0);
        assert_eq!(lines[1].text, "This Agreement");
    }

    #[test]
    fn misaligned_text_falls_back_to_tsv_words() {
        let lines = pair_lines(TSV, "only one line\n");
        assert_eq!(lines[0].text, "契約書第1条");
        assert_eq!(lines[1].text, "This Agreement");
    }

    #[test]
    fn normalisation_is_nfkc_without_cjk_spaces() {
        assert_eq!(normalise_line("契 約 書  ＡＢＣ１２３"), "契約書 ABC123");
        assert_eq!(normalise_line("  This   is  English "), "This is English");
        assert_eq!(normalise_line("株式会社 ｻﾝﾌﾟﾙ"), "株式会社サンプル");
    }
}
