//! Units: image pixels (top-left origin) versus PDF points (bottom-left
//! origin). [`PxRect::to_pt`] is the one place that converts between them.

use serde::Serialize;

/// A rectangle in pixels of a page image as stored in the file: `x0,y0` is the
/// top-left corner, `x1,y1` is one past the bottom-right (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(into = "[u32; 4]")]
pub struct PxRect {
    /// Left edge.
    pub x0: u32,
    /// Top edge.
    pub y0: u32,
    /// Right edge (exclusive).
    pub x1: u32,
    /// Bottom edge (exclusive).
    pub y1: u32,
}

impl From<PxRect> for [u32; 4] {
    fn from(r: PxRect) -> Self {
        [r.x0, r.y0, r.x1, r.y1]
    }
}

/// A rectangle in PDF user space (points, 1/72 inch), bottom-left origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PtRect {
    /// Left edge.
    pub x0: f32,
    /// Bottom edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Top edge.
    pub y1: f32,
}

impl PxRect {
    /// A rectangle from its corners.
    pub fn new(x0: u32, y0: u32, x1: u32, y1: u32) -> Self {
        PxRect { x0, y0, x1, y1 }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.y1.saturating_sub(self.y0)
    }

    /// Intersection over union with another rectangle, 0.0 when disjoint.
    pub fn iou(&self, other: &PxRect) -> f32 {
        let ix0 = self.x0.max(other.x0);
        let iy0 = self.y0.max(other.y0);
        let ix1 = self.x1.min(other.x1);
        let iy1 = self.y1.min(other.y1);
        if ix1 <= ix0 || iy1 <= iy0 {
            return 0.0;
        }
        let inter = (ix1 - ix0) as f64 * (iy1 - iy0) as f64;
        let a = self.width() as f64 * self.height() as f64;
        let b = other.width() as f64 * other.height() as f64;
        (inter / (a + b - inter)) as f32
    }

    /// This rectangle in PDF points on a page whose image is `page_height_px`
    /// pixels tall and was scanned at `dpi` (x, y).
    pub fn to_pt(&self, page_height_px: u32, dpi: (f32, f32)) -> PtRect {
        let sx = 72.0 / dpi.0;
        let sy = 72.0 / dpi.1;
        PtRect {
            x0: self.x0 as f32 * sx,
            x1: self.x1 as f32 * sx,
            y0: page_height_px.saturating_sub(self.y1) as f32 * sy,
            y1: page_height_px.saturating_sub(self.y0) as f32 * sy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_pt_flips_the_y_axis() {
        // A 300-dpi A4-ish page: 3000 px tall; a box 300 px from the top.
        let r = PxRect::new(300, 300, 600, 400);
        let p = r.to_pt(3000, (300.0, 300.0));
        assert_eq!(p.x0, 72.0);
        assert_eq!(p.x1, 144.0);
        assert_eq!(p.y1, (3000.0 - 300.0) * 72.0 / 300.0);
        assert_eq!(p.y0, (3000.0 - 400.0) * 72.0 / 300.0);
    }

    #[test]
    fn iou_of_disjoint_and_equal_boxes() {
        let a = PxRect::new(0, 0, 10, 10);
        assert_eq!(a.iou(&a), 1.0);
        assert_eq!(a.iou(&PxRect::new(20, 20, 30, 30)), 0.0);
        assert!((a.iou(&PxRect::new(5, 0, 15, 10)) - 1.0 / 3.0).abs() < 1e-6);
    }
}
