//! Seal impressions (hanko, company seals, date seals): detection on a decoded
//! page, and suppression of their ink before OCR.
//!
//! STUB — being written; the public shape below is the contract the pipeline uses.

use serde::Serialize;

use crate::geom::PxRect;
use crate::page::PageImage;

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

/// Finds the seal impressions on a page.
pub fn detect_seals(_page: &PageImage) -> Vec<Seal> {
    Vec::new()
}

/// Returns the page with the seals' ink suppressed so that text printed under
/// a seal can be read, or `None` when there is nothing to suppress.
pub fn suppress_seal_ink(_page: &PageImage, _seals: &[Seal]) -> Option<PageImage> {
    None
}
