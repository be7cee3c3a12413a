//! OCR: the [`OcrEngine`] trait and the text it returns. The tesseract
//! implementation lives in `tesseract.rs`; nothing else touches tesseract.

mod tesseract;

pub use self::tesseract::TesseractEngine;

use crate::geom::PxRect;
use crate::page::PageImage;

/// One line of recognised text with its box on the page image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The line's text, NFKC-normalised, no spaces between CJK characters.
    pub text: String,
    /// The line's box in page-image pixels.
    pub bbox: PxRect,
    /// Mean word confidence, 0–100.
    pub confidence: f32,
}

/// The recognised text of one page, line by line in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrPage {
    /// Lines in reading order; never contains an empty line.
    pub lines: Vec<OcrLine>,
}

impl OcrPage {
    /// The page's text: lines joined by `\n`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&l.text);
        }
        out
    }
}

/// Why OCR failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OcrError {
    /// The engine could not start (missing language data, usually).
    #[error("cannot start OCR for languages {languages}: {reason}")]
    Init {
        /// The language string, e.g. `jpn+eng`.
        languages: String,
        /// What tesseract said.
        reason: String,
    },
    /// Recognition of a page failed.
    #[error("OCR failed: {0}")]
    Recognize(String),
}

/// Something that turns a page image into lines of text.
///
/// An engine is used from one thread at a time; make one per worker.
pub trait OcrEngine: Send {
    /// Recognises the text of `page`. An empty page gives an empty `OcrPage`,
    /// not an error; an error means the engine could not process the page.
    fn recognize(&mut self, page: &PageImage) -> Result<OcrPage, OcrError>;
}
