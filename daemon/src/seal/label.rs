//! Stage 2: connected components of the mask (8-connected, run-based
//! union-find) and grouping of nearby components into candidate boxes.

/// A box in working pixels, `x1`/`y1` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Box {
    /// Left.
    pub x0: usize,
    /// Top.
    pub y0: usize,
    /// Right (exclusive).
    pub x1: usize,
    /// Bottom (exclusive).
    pub y1: usize,
}

impl Box {
    /// Width.
    pub fn w(&self) -> usize {
        self.x1 - self.x0
    }
    /// Height.
    pub fn h(&self) -> usize {
        self.y1 - self.y0
    }
    fn union(&self, o: &Box) -> Box {
        Box { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }
    fn near(&self, o: &Box, gap: usize) -> bool {
        self.x0 <= o.x1 + gap && o.x0 <= self.x1 + gap && self.y0 <= o.y1 + gap && o.y0 <= self.y1 + gap
    }
}

/// One connected component: its box and pixel count.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// Bounding box.
    pub bbox: Box,
    /// Number of mask pixels.
    pub area: usize,
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        parent[i as usize] = parent[parent[i as usize] as usize];
        i = parent[i as usize];
    }
    i
}

fn unite(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

/// The horizontal runs of ink (`ink`) or of background (`!ink`) of a 0/1
/// mask, as `(y, x0, x1 exclusive)` in row order, and where each row's runs
/// start (one entry per row, plus the total at the end).
fn runs_of(mask: &[u8], w: usize, h: usize, ink: bool) -> (Vec<(u32, u32, u32)>, Vec<usize>) {
    let mut runs = Vec::new();
    let mut row_start = Vec::with_capacity(h + 1);
    // Ink runs start at a non-zero byte and end at a zero one; background
    // runs the other way round.
    type Scan = fn(&[u8], usize) -> usize;
    let (start, end): (Scan, Scan) = if ink { (next_nonzero, next_zero) } else { (next_zero, next_nonzero) };
    for y in 0..h {
        row_start.push(runs.len());
        let r = &mask[y * w..][..w];
        let mut x = start(r, 0);
        while x < w {
            let s = x;
            x = end(r, x);
            runs.push((y as u32, s as u32, x as u32));
            x = start(r, x);
        }
    }
    row_start.push(runs.len());
    (runs, row_start)
}

/// The first index from `x` on where `row` is non-zero, or `row.len()`.
/// Masks are mostly background: it is skipped eight bytes at a time.
pub(super) fn next_nonzero(row: &[u8], mut x: usize) -> usize {
    while let Some(c) = row.get(x..x + 8) {
        let word = u64::from_le_bytes(c.try_into().unwrap());
        if word != 0 {
            return x + (word.trailing_zeros() / 8) as usize;
        }
        x += 8;
    }
    x + row[x..].iter().position(|&v| v != 0).unwrap_or(row.len() - x)
}

/// The first index from `x` on where `row` is zero, or `row.len()`; eight
/// bytes at a time (the lowest byte flagged by the zero-byte test is exact).
pub(super) fn next_zero(row: &[u8], mut x: usize) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    while let Some(c) = row.get(x..x + 8) {
        let word = u64::from_le_bytes(c.try_into().unwrap());
        let zero = word.wrapping_sub(LOW) & !word & (LOW << 7);
        if zero != 0 {
            return x + (zero.trailing_zeros() / 8) as usize;
        }
        x += 8;
    }
    x + row[x..].iter().position(|&v| v == 0).unwrap_or(row.len() - x)
}

/// 8-connected components of a 0/1 mask, with at least `min_area` pixels.
pub fn components(mask: &[u8], w: usize, h: usize, min_area: usize) -> Vec<Component> {
    let mut out = label(mask, w, h).comps;
    out.retain(|c| c.area >= min_area);
    out
}

/// The 8-connected components of a mask and the ink runs they are made of.
pub struct Labels {
    /// The ink runs `(y, x0, x1 exclusive)`, in row order.
    pub runs: Vec<(u32, u32, u32)>,
    /// Per run: the index of its component in `comps`.
    pub comp: Vec<u32>,
    /// The components, in the order of their first run.
    pub comps: Vec<Component>,
}

/// Labels the 8-connected components of a 0/1 mask (all sizes), keeping
/// which runs make up which component: callers can then work on one
/// component's pixels only.
pub fn label(mask: &[u8], w: usize, h: usize) -> Labels {
    let (runs, row_start) = runs_of(mask, w, h, true);
    let mut parent: Vec<u32> = (0..runs.len() as u32).collect();
    for y in 1..h {
        let (prev, cur) = (row_start[y - 1]..row_start[y], row_start[y]..row_start[y + 1]);
        let mut j = prev.start;
        for i in cur {
            let (_, s, e) = runs[i];
            // Skip previous-row runs that end before this one starts (8-connected: touching diagonally counts).
            while j < prev.end && runs[j].2 < s {
                j += 1;
            }
            let mut k = j;
            while k < prev.end && runs[k].1 <= e {
                unite(&mut parent, i as u32, k as u32);
                k += 1;
            }
        }
    }
    let mut index = vec![u32::MAX; runs.len()];
    let mut comp = Vec::with_capacity(runs.len());
    let mut out: Vec<Component> = Vec::new();
    for (i, &(y, s, e)) in runs.iter().enumerate() {
        let root = find(&mut parent, i as u32) as usize;
        let (y, s, e) = (y as usize, s as usize, e as usize);
        if index[root] == u32::MAX {
            index[root] = out.len() as u32;
            out.push(Component { bbox: Box { x0: s, y0: y, x1: e, y1: y + 1 }, area: 0 });
        }
        comp.push(index[root]);
        let c = &mut out[index[root] as usize];
        c.bbox = c.bbox.union(&Box { x0: s, y0: y, x1: e, y1: y + 1 });
        c.area += e - s;
    }
    Labels { runs, comp, comps: out }
}

/// The mask with its holes filled: background (0) regions that are not
/// 4-connected to the border become 1. Run-based, like [`components`].
pub fn fill_holes(mask: &[u8], w: usize, h: usize) -> Vec<u8> {
    let (runs, row_start) = runs_of(mask, w, h, false);
    // Run n (an extra node) is "the border".
    let border = runs.len() as u32;
    let mut parent: Vec<u32> = (0..=border).collect();
    for (i, &(y, s, e)) in runs.iter().enumerate() {
        if y == 0 || y as usize == h - 1 || s == 0 || e as usize == w {
            unite(&mut parent, i as u32, border);
        }
    }
    for y in 1..h {
        let (prev, cur) = (row_start[y - 1]..row_start[y], row_start[y]..row_start[y + 1]);
        let mut j = prev.start;
        for i in cur {
            let (_, s, e) = runs[i];
            // 4-connected: runs must overlap in x.
            while j < prev.end && runs[j].2 <= s {
                j += 1;
            }
            let mut k = j;
            while k < prev.end && runs[k].1 < e {
                unite(&mut parent, i as u32, k as u32);
                k += 1;
            }
        }
    }
    let mut out = mask.to_vec();
    let root_border = find(&mut parent, border);
    for (i, &(y, s, e)) in runs.iter().enumerate() {
        if find(&mut parent, i as u32) != root_border {
            out[y as usize * w + s as usize..y as usize * w + e as usize].iter_mut().for_each(|v| *v = 1);
        }
    }
    out
}

/// Merges components whose boxes come within `gap` pixels of each other,
/// until no two groups are that close. Returns the groups' boxes and areas.
pub fn group(comps: &[Component], gap: usize) -> Vec<Component> {
    let mut groups: Vec<Component> = comps.to_vec();
    loop {
        groups.sort_by_key(|c| c.bbox.x0);
        let n = groups.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut merged = false;
        for (i, gi) in groups.iter().enumerate() {
            let bi = gi.bbox;
            for (j, gj) in groups.iter().enumerate().skip(i + 1) {
                let bj = gj.bbox;
                if bj.x0 > bi.x1 + gap {
                    break;
                }
                if bi.near(&bj, gap) {
                    unite(&mut parent, i as u32, j as u32);
                    merged = true;
                }
            }
        }
        if !merged {
            return groups;
        }
        let mut next: Vec<Component> = Vec::new();
        let mut index = vec![u32::MAX; n];
        for (i, gi) in groups.iter().enumerate() {
            let r = find(&mut parent, i as u32) as usize;
            if index[r] == u32::MAX {
                index[r] = next.len() as u32;
                next.push(*gi);
            } else {
                let g = &mut next[index[r] as usize];
                g.bbox = g.bbox.union(&gi.bbox);
                g.area += gi.area;
            }
        }
        groups = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_diagonal_touching_as_one() {
        let (w, h) = (6, 4);
        let mut m = vec![0u8; w * h];
        m[0] = 1;
        m[w + 1] = 1; // diagonal neighbour
        m[3 * w + 5] = 1; // far away
        let c = components(&m, w, h, 1);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].area, 2);
        assert_eq!(c[0].bbox, Box { x0: 0, y0: 0, x1: 2, y1: 2 });
    }

    #[test]
    fn word_scans_find_the_same_runs_as_a_byte_walk() {
        // Values 0/1/2 (colour masks mark weak ink 2); runs longer and
        // shorter than a word, across word edges and row ends.
        let (w, h) = (37, 9);
        let m: Vec<u8> = (0..w * h).map(|i| if i % 29 < 13 || i % 17 == 0 { 0 } else { 1 + (i % 2) as u8 }).collect();
        for ink in [true, false] {
            let (runs, _) = runs_of(&m, w, h, ink);
            let mut naive = Vec::new();
            for y in 0..h {
                let r = &m[y * w..][..w];
                let mut x = 0;
                while x < w {
                    let s = x;
                    while x < w && (r[x] != 0) == (r[s] != 0) {
                        x += 1;
                    }
                    if (r[s] != 0) == ink {
                        naive.push((y as u32, s as u32, x as u32));
                    }
                }
            }
            assert_eq!(runs, naive);
        }
    }

    #[test]
    fn groups_near_boxes_transitively() {
        let mk = |x0, x1| Component { bbox: Box { x0, y0: 0, x1, y1: 5 }, area: 5 };
        let g = group(&[mk(0, 5), mk(7, 10), mk(12, 15), mk(40, 45)], 2);
        assert_eq!(g.len(), 2);
        assert!(g.iter().any(|c| c.bbox.x0 == 0 && c.bbox.x1 == 15 && c.area == 15));
    }
}
