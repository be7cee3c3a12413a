//! Evaluation of seal detection (and, given an OCR function, of text under
//! seals) on a corpus made by `scripts/seal_corpus.py`.
//!
//! The corpus directory holds page images and `truth.jsonl` (one JSON object
//! per page: file, mode, dpi, seal boxes, hard-negative boxes, text lines;
//! the script's docstring describes it). [`run_eval`] decodes every page,
//! runs [`detect_seals`] on it, and returns an [`EvalReport`] whose
//! `Display` is the human-readable summary.
//!
//! A detection matches a true seal when their boxes overlap with IoU ≥ 0.5
//! (≥ 0.3 for a faded or partial seal); matching is one-to-one, best IoU
//! first.
//!
//! The headline numbers count every true seal. A seal whose `visible` (the
//! fraction of its clear impression still ink in the stored image) is below
//! [`VISIBLE_MIN`] is not in the image — a faded seal thresholded away —
//! and the report adds recall and F1 without those: an unmatched invisible
//! seal is not a miss there, a detection matching one stays a true positive.
//!
//! Decoding: pages are read with `crate::decode`, the production path, so the
//! page mode and resolution are what ingest would see; a PDF whose image
//! encoding inkan cannot read falls back to the page's PNG twin.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use image::GenericImageView;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::geom::PxRect;
use crate::page::{Original, PageImage};
use crate::seal::{detect_seals, suppress_seal_ink, Seal};

/// How many of the slowest 300-dpi pages the report names.
const SLOWEST_SHOWN: usize = 5;

/// Why an evaluation could not run at all. (A page that fails to decode is
/// counted in the report instead.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// `truth.jsonl` could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line of `truth.jsonl` is not a page record.
    #[error("{path} line {line}: {source}")]
    Truth {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

/// One page of the corpus as the generator describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthPage {
    /// Image file name, relative to the corpus directory.
    pub file: String,
    /// For PDF pages: the same page as PNG.
    #[serde(default)]
    pub fallback: Option<String>,
    /// Document id (a document may have several pages).
    pub doc: String,
    /// `color`, `gray` or `bilevel`.
    pub mode: String,
    /// Scan resolution.
    pub dpi: f32,
    /// True seals.
    pub seals: Vec<TruthSeal>,
    /// Hard negatives.
    #[serde(default)]
    pub negatives: Vec<TruthNegative>,
    /// Printed text lines.
    #[serde(default)]
    pub lines: Vec<TruthLine>,
}

/// A true seal.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthSeal {
    /// `[x0, y0, x1, y1]` pixels, exclusive ends.
    pub bbox: [u32; 4],
    /// `round`, `oval`, `square`, …
    pub shape: String,
    /// Faded or partly inked: matched at IoU ≥ 0.3.
    #[serde(default)]
    pub faded: bool,
    /// Fraction (0–1) of the seal's clear impression that is still ink in
    /// the stored image; 1 in corpora written before the field existed.
    #[serde(default = "fully_visible")]
    pub visible: f32,
}

/// A seal with less of its impression left in the stored image than this
/// is counted as not in the image.
pub const VISIBLE_MIN: f32 = 0.25;

fn fully_visible() -> f32 {
    1.0
}

impl TruthSeal {
    /// Whether enough of the seal is in the stored image to be found.
    pub fn in_image(&self) -> bool {
        self.visible >= VISIBLE_MIN
    }
}

/// A hard negative: something seal-like that is not a seal.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthNegative {
    /// `red_logo`, `text_stamp`, `red_pen`, …
    pub kind: String,
    /// Its box.
    pub bbox: [u32; 4],
}

/// A printed line of text.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthLine {
    /// The text as printed.
    pub text: String,
    /// Its box.
    pub bbox: [u32; 4],
    /// Whether a seal covers part of it.
    #[serde(default)]
    pub under_seal: bool,
}

fn rect(b: &[u32; 4]) -> PxRect {
    PxRect::new(b[0], b[1], b[2], b[3])
}

/// Detection counts for one scan mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Pages.
    pub pages: usize,
    /// Detections matching a true seal.
    pub tp: usize,
    /// Detections matching nothing.
    pub fp: usize,
    /// True seals not found.
    pub fn_: usize,
    /// Matched seals whose shape was also right.
    pub shape_ok: usize,
    /// Faded/partial true seals, and how many were found.
    pub faded: (usize, usize),
    /// True seals not in the image (visible < [`VISIBLE_MIN`]), and how
    /// many were found anyway.
    pub invisible: (usize, usize),
    /// CPU milliseconds spent in detection on these pages.
    pub ms: f64,
}

impl Counts {
    /// TP / (TP + FP); 1 when nothing was detected.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// TP / (TP + FN); 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// Misses among the seals that are in the image.
    pub fn fn_visible(&self) -> usize {
        self.fn_ - (self.invisible.0 - self.invisible.1)
    }
    /// TP / (TP + visible FN): recall without the seals not in the image.
    pub fn recall_visible(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_visible())
    }
    /// F1 of precision and [`Counts::recall_visible`].
    pub fn f1_visible(&self) -> f64 {
        f1(self.precision(), self.recall_visible())
    }

    /// Counts one page: matches `dets` to `truth` ([`match_seals`]) and
    /// returns the matching.
    pub fn add_page(&mut self, dets: &[Seal], truth: &[TruthSeal]) -> Vec<Option<usize>> {
        let matched = match_seals(dets, truth);
        self.pages += 1;
        for (d, m) in dets.iter().zip(&matched) {
            match m {
                Some(j) => {
                    self.tp += 1;
                    if shape_name(d) == truth[*j].shape {
                        self.shape_ok += 1;
                    }
                }
                None => self.fp += 1,
            }
        }
        for (j, s) in truth.iter().enumerate() {
            let found = matched.contains(&Some(j));
            if !found {
                self.fn_ += 1;
            }
            if s.faded {
                self.faded.0 += 1;
                self.faded.1 += found as usize;
            }
            if !s.in_image() {
                self.invisible.0 += 1;
                self.invisible.1 += found as usize;
            }
        }
        matched
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Character error rates under seals, filled when an OCR function is given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CerReport {
    /// Lines under a seal that were read.
    pub lines: usize,
    /// Reference characters in those lines.
    pub chars: usize,
    /// Edit distance summed over lines, OCR of the page as scanned.
    pub errors_raw: usize,
    /// Edit distance summed over lines, OCR after [`suppress_seal_ink`].
    pub errors_suppressed: usize,
    /// Seal boxes with no printed text under them that were read.
    pub seal_crops: usize,
    /// Characters OCR produced from those seal crops (junk), as scanned.
    pub junk_raw: usize,
    /// The same after suppression.
    pub junk_suppressed: usize,
    /// Per scan mode: (reference characters, errors as scanned, errors
    /// suppressed). On bilevel pages suppression clears the seal whole.
    pub by_mode: BTreeMap<String, (usize, usize, usize)>,
}

/// What [`run_eval`] measured.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// The corpus directory.
    pub corpus: PathBuf,
    /// Per scan mode (`color`, `gray`, `bilevel`).
    pub modes: BTreeMap<String, Counts>,
    /// Documents: (true positive, false positive, false negative, true negative)
    /// for "has at least one seal" (needs re-approval).
    pub docs: (usize, usize, usize, usize),
    /// Documents with at least one seal in the image: (flagged, not flagged).
    pub docs_visible: (usize, usize),
    /// Per hard-negative kind: (count, flagged by an unmatched detection).
    pub negatives: BTreeMap<String, (usize, usize)>,
    /// Milliseconds spent in `detect_seals`, per page.
    pub times_ms: Vec<f64>,
    /// Milliseconds per 300-dpi page.
    pub times_300_ms: Vec<f64>,
    /// The slowest 300-dpi pages: (milliseconds, file), slowest first.
    pub slowest_300: Vec<(f64, String)>,
    /// CPU milliseconds of the detecting thread, per page: on a shared
    /// machine the wall time also counts waiting for a core.
    pub cpu_ms: Vec<f64>,
    /// Pages that could not be decoded: (file, reason).
    pub failed: Vec<(String, String)>,
    /// Text under seals; `None` without OCR.
    pub cer: Option<CerReport>,
}

impl EvalReport {
    /// All modes together.
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.modes.values() {
            t.pages += c.pages;
            t.tp += c.tp;
            t.fp += c.fp;
            t.fn_ += c.fn_;
            t.shape_ok += c.shape_ok;
            t.faded.0 += c.faded.0;
            t.faded.1 += c.faded.1;
            t.invisible.0 += c.invisible.0;
            t.invisible.1 += c.invisible.1;
            t.ms += c.ms;
        }
        t
    }

    /// Document-level precision of "needs re-approval".
    pub fn doc_precision(&self) -> f64 {
        ratio(self.docs.0, self.docs.0 + self.docs.1)
    }

    /// Document-level recall of "needs re-approval".
    pub fn doc_recall(&self) -> f64 {
        ratio(self.docs.0, self.docs.0 + self.docs.2)
    }

    /// Document-level recall over documents with a seal in the image.
    pub fn doc_recall_visible(&self) -> f64 {
        ratio(self.docs_visible.0, self.docs_visible.0 + self.docs_visible.1)
    }

    /// Tallies documents, each given as (has a seal, has a seal in the
    /// image, has a detection).
    fn add_docs(&mut self, docs: impl IntoIterator<Item = (bool, bool, bool)>) {
        for (has, has_visible, said) in docs {
            match (has, said) {
                (true, true) => self.docs.0 += 1,
                (false, true) => self.docs.1 += 1,
                (true, false) => self.docs.2 += 1,
                (false, false) => self.docs.3 += 1,
            }
            if has_visible {
                if said {
                    self.docs_visible.0 += 1;
                } else {
                    self.docs_visible.1 += 1;
                }
            }
        }
    }
}

/// CPU time of the calling thread in milliseconds (0 where unavailable).
pub fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

/// Mean and 95th percentile of a list of times.
pub fn mean_p95(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let mean = s.iter().sum::<f64>() / s.len() as f64;
    let i = ((s.len() as f64 * 0.95).ceil() as usize).clamp(1, s.len()) - 1;
    (mean, s[i])
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seal evaluation of {}", self.corpus.display())?;
        writeln!(f, "{:<8} {:>5} {:>5} {:>4} {:>4} {:>9} {:>7} {:>6} {:>7} {:>9} {:>8}", "mode", "pages", "tp", "fp", "fn", "precision", "recall", "F1", "shape", "faded", "cpu ms")?;
        let mut rows: Vec<(String, Counts)> = self.modes.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        rows.push(("all".into(), self.total()));
        for (mode, c) in rows {
            writeln!(
                f,
                "{:<8} {:>5} {:>5} {:>4} {:>4} {:>9.4} {:>7.4} {:>6.4} {:>7.3} {:>4}/{:<4} {:>8.1}",
                mode, c.pages, c.tp, c.fp, c.fn_, c.precision(), c.recall(), c.f1(),
                ratio(c.shape_ok, c.tp), c.faded.1, c.faded.0, c.ms / c.pages.max(1) as f64
            )?;
        }
        let (tp, fp, fn_, tn) = self.docs;
        writeln!(
            f,
            "documents needing re-approval: precision {:.4} recall {:.4} (tp {tp} fp {fp} fn {fn_} tn {tn})",
            self.doc_precision(),
            self.doc_recall()
        )?;
        writeln!(f, "visible seals only (visible ≥ {VISIBLE_MIN} of a clear impression; a detection of an invisible seal stays a tp):")?;
        writeln!(f, "{:<8} {:>7} {:>9} {:>5} {:>5} {:>4} {:>7} {:>6}", "mode", "visible", "invisible", "found", "tp", "fn", "recall", "F1")?;
        let mut rows: Vec<(String, Counts)> = self.modes.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        rows.push(("all".into(), self.total()));
        for (mode, c) in rows {
            writeln!(
                f,
                "{:<8} {:>7} {:>9} {:>5} {:>5} {:>4} {:>7.4} {:>6.4}",
                mode, c.tp + c.fn_ - c.invisible.0, c.invisible.0, c.invisible.1, c.tp, c.fn_visible(), c.recall_visible(), c.f1_visible()
            )?;
        }
        let (vtp, vfn) = self.docs_visible;
        writeln!(f, "documents with a visible seal: recall {:.4} (tp {vtp} fn {vfn})", self.doc_recall_visible())?;
        writeln!(f, "hard negatives flagged:")?;
        for (kind, (n, flagged)) in &self.negatives {
            writeln!(f, "  {kind:<14} {flagged:>4}/{n:<5} {:>6.2} %", if *n == 0 { 0.0 } else { 100.0 * *flagged as f64 / *n as f64 })?;
        }
        let (m, p) = mean_p95(&self.times_ms);
        let (m3, p3) = mean_p95(&self.times_300_ms);
        writeln!(f, "detection time per page: mean {m:.1} ms, p95 {p:.1} ms (300 dpi pages: mean {m3:.1} ms, p95 {p3:.1} ms)")?;
        if !self.slowest_300.is_empty() {
            let slow: Vec<String> = self.slowest_300.iter().map(|(ms, file)| format!("{file} {ms:.1}")).collect();
            writeln!(f, "slowest 300 dpi pages (ms): {}", slow.join(", "))?;
        }
        let (mc, pc) = mean_p95(&self.cpu_ms);
        writeln!(f, "detection CPU time per page (one thread): mean {mc:.1} ms, p95 {pc:.1} ms")?;
        if !self.failed.is_empty() {
            writeln!(f, "pages not decoded: {}", self.failed.len())?;
            for (file, why) in self.failed.iter().take(5) {
                writeln!(f, "  {file}: {why}")?;
            }
        }
        match &self.cer {
            None => writeln!(f, "CER under seals: not measured (no OCR)")?,
            Some(c) => {
                writeln!(
                    f,
                    "CER under seals ({} lines, {} chars): as scanned {:.4}, seal ink suppressed {:.4}",
                    c.lines,
                    c.chars,
                    ratio(c.errors_raw, c.chars),
                    ratio(c.errors_suppressed, c.chars)
                )?;
                for (mode, (n, raw, sup)) in &c.by_mode {
                    writeln!(f, "  {mode:<8} {n:>5} chars: as scanned {:.4}, suppressed {:.4}", ratio(*raw, *n), ratio(*sup, *n))?;
                }
                writeln!(
                    f,
                    "junk characters from seals with no text under them ({} seals): as scanned {:.2}/seal, suppressed {:.2}/seal",
                    c.seal_crops,
                    c.junk_raw as f64 / c.seal_crops.max(1) as f64,
                    c.junk_suppressed as f64 / c.seal_crops.max(1) as f64
                )?;
            }
        }
        Ok(())
    }
}

/// Reads `truth.jsonl` of a corpus.
pub fn load_truth(corpus_dir: &Path) -> Result<Vec<TruthPage>, EvalError> {
    let path = corpus_dir.join("truth.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io { path: path.clone(), source })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|source| EvalError::Truth { path: path.clone(), line: i + 1, source }))
        .collect()
}

/// Decodes one corpus page into the [`PageImage`] the truth file says it is.
pub fn load_page(corpus_dir: &Path, t: &TruthPage) -> Result<PageImage, String> {
    // The production decoder, so that the evaluation sees pages exactly as ingest does.
    match crate::decode::decode_file(&corpus_dir.join(&t.file)) {
        Ok(mut pages) if !pages.is_empty() => Ok(pages.swap_remove(0)),
        Ok(_) => Err("no page".into()),
        // A PDF whose image encoding inkan does not read (e.g. CCITT from Pillow): its PNG twin.
        Err(e) => match &t.fallback {
            Some(png) => crate::decode::decode_file(&corpus_dir.join(png)).map_err(|e| e.to_string())?.into_iter().next().ok_or_else(|| "no page".into()),
            None => Err(e.to_string()),
        },
    }
}

/// One-to-one matching of detections to true seals, best IoU first. Returns
/// for each detection the index of its true seal, if any.
pub fn match_seals(dets: &[Seal], truth: &[TruthSeal]) -> Vec<Option<usize>> {
    let mut pairs = Vec::new();
    for (i, d) in dets.iter().enumerate() {
        for (j, t) in truth.iter().enumerate() {
            let iou = d.bbox.iou(&rect(&t.bbox));
            let need = if t.faded { 0.3 } else { 0.5 };
            if iou >= need {
                pairs.push((iou, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut det_to = vec![None; dets.len()];
    let mut taken = vec![false; truth.len()];
    for (_, i, j) in pairs {
        if det_to[i].is_none() && !taken[j] {
            det_to[i] = Some(j);
            taken[j] = true;
        }
    }
    det_to
}

/// Evaluates seal detection on a corpus. With `ocr`, also measures the
/// character error rate of text lines under seals (each line is cropped and
/// read on its own, before and after [`suppress_seal_ink`]) and the junk
/// characters OCR reads out of seals that cover no text.
pub fn run_eval(corpus_dir: &Path, ocr: Option<&dyn Fn(&PageImage) -> String>) -> Result<EvalReport, EvalError> {
    run_eval_with_progress(corpus_dir, ocr, &|_, _| {})
}

/// [`run_eval`], calling `progress(done, total)` before each page and once
/// at the end (for a progress bar: `--cer` reads every line under a seal
/// twice).
pub fn run_eval_with_progress(
    corpus_dir: &Path,
    ocr: Option<&dyn Fn(&PageImage) -> String>,
    progress: &dyn Fn(usize, usize),
) -> Result<EvalReport, EvalError> {
    let truth = load_truth(corpus_dir)?;
    let mut rep = EvalReport { corpus: corpus_dir.to_path_buf(), cer: ocr.map(|_| CerReport::default()), ..Default::default() };
    // Per document: (has a seal, has a seal in the image, has a detection).
    let mut docs: BTreeMap<String, (bool, bool, bool)> = BTreeMap::new();
    for (i, t) in truth.iter().enumerate() {
        progress(i, truth.len());
        let page = match load_page(corpus_dir, t) {
            Ok(p) => p,
            Err(e) => {
                rep.failed.push((t.file.clone(), e));
                continue;
            }
        };
        let start = Instant::now();
        let cpu0 = thread_cpu_ms();
        let dets = detect_seals(&page);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let cpu = thread_cpu_ms() - cpu0;
        rep.cpu_ms.push(cpu);
        rep.times_ms.push(ms);
        if (t.dpi - 300.0).abs() < 1.0 {
            rep.times_300_ms.push(ms);
            rep.slowest_300.push((ms, t.file.clone()));
            rep.slowest_300.sort_by(|a, b| b.0.total_cmp(&a.0));
            rep.slowest_300.truncate(SLOWEST_SHOWN);
        }
        let c = rep.modes.entry(t.mode.clone()).or_default();
        c.ms += cpu;
        let matched = c.add_page(&dets, &t.seals);
        for n in &t.negatives {
            let nb = rect(&n.bbox);
            let flagged = dets.iter().zip(&matched).any(|(d, m)| {
                m.is_none() && (d.bbox.iou(&nb) >= 0.3 || centre_inside(&d.bbox, &nb))
            });
            let e = rep.negatives.entry(n.kind.clone()).or_default();
            e.0 += 1;
            e.1 += flagged as usize;
        }
        let doc = docs.entry(t.doc.clone()).or_default();
        doc.0 |= !t.seals.is_empty();
        doc.1 |= t.seals.iter().any(TruthSeal::in_image);
        doc.2 |= !dets.is_empty();
        if let (Some(read), Some(cer)) = (ocr, rep.cer.as_mut()) {
            measure_cer(read, &page, &dets, t, cer);
        }
    }
    progress(truth.len(), truth.len());
    rep.add_docs(docs.into_values());
    Ok(rep)
}

fn shape_name(s: &Seal) -> String {
    serde_json::to_value(s.shape).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn centre_inside(d: &PxRect, n: &PxRect) -> bool {
    let (cx, cy) = ((d.x0 + d.x1) / 2, (d.y0 + d.y1) / 2);
    (n.x0..n.x1).contains(&cx) && (n.y0..n.y1).contains(&cy)
}

fn measure_cer(read: &dyn Fn(&PageImage) -> String, page: &PageImage, dets: &[Seal], t: &TruthPage, cer: &mut CerReport) {
    let suppressed = suppress_seal_ink(page, dets);
    let clean = suppressed.as_ref().unwrap_or(page);
    for l in t.lines.iter().filter(|l| l.under_seal) {
        let r = rect(&l.bbox);
        let pad = r.height() / 3 + 2;
        let reference = normalise(&l.text);
        let raw = levenshtein(&reference, &normalise(&read(&crop(page, &r, pad))));
        // Without suppression the page is read as scanned: the same text.
        let sup = if suppressed.is_some() { levenshtein(&reference, &normalise(&read(&crop(clean, &r, pad)))) } else { raw };
        let n = reference.chars().count();
        cer.lines += 1;
        cer.chars += n;
        cer.errors_raw += raw;
        cer.errors_suppressed += sup;
        let m = cer.by_mode.entry(t.mode.clone()).or_default();
        m.0 += n;
        m.1 += raw;
        m.2 += sup;
    }
    for s in &t.seals {
        let sb = rect(&s.bbox);
        if t.lines.iter().any(|l| rect(&l.bbox).iou(&sb) > 0.0 || overlaps(&rect(&l.bbox), &sb)) {
            continue;
        }
        cer.seal_crops += 1;
        let junk = normalise(&read(&crop(page, &sb, 4))).chars().count();
        cer.junk_raw += junk;
        cer.junk_suppressed += if suppressed.is_some() { normalise(&read(&crop(clean, &sb, 4))).chars().count() } else { junk };
    }
}

fn overlaps(a: &PxRect, b: &PxRect) -> bool {
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

/// A region of a page (grown by `pad` pixels) as a page of its own.
pub fn crop(page: &PageImage, r: &PxRect, pad: u32) -> PageImage {
    let (w, h) = page.pixels.dimensions();
    let x0 = r.x0.saturating_sub(pad).min(w.saturating_sub(1));
    let y0 = r.y0.saturating_sub(pad).min(h.saturating_sub(1));
    let x1 = (r.x1 + pad).min(w).max(x0 + 1);
    let y1 = (r.y1 + pad).min(h).max(y0 + 1);
    PageImage {
        pixels: page.pixels.crop_imm(x0, y0, x1 - x0, y1 - y0),
        mode: page.mode,
        dpi: page.dpi,
        dpi_from_file: page.dpi_from_file,
        original: Original::None,
    }
}

/// NFKC, whitespace removed: how OCR output and references are compared.
pub fn normalise(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Edit distance (insertions, deletions, substitutions) over characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != cb) as usize).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Character error rate of `hyp` against `reference`, both normalised first.
pub fn cer(reference: &str, hyp: &str) -> f64 {
    let r = normalise(reference);
    let n = r.chars().count();
    if n == 0 {
        return if normalise(hyp).is_empty() { 0.0 } else { 1.0 };
    }
    levenshtein(&r, &normalise(hyp)) as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{SealColor, SealShape};

    #[test]
    fn levenshtein_counts_chars_not_bytes() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("契約書", "契約書"), 0);
        assert_eq!(levenshtein("契約書", "契約"), 1);
        assert_eq!(levenshtein("契約書", "契的書"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "印"), 1);
    }

    #[test]
    fn cer_normalises_width_and_whitespace() {
        // Full-width digits and letters fold to ASCII under NFKC; spaces do not count.
        assert_eq!(cer("第１条 ＡＢＣ", "第1条ABC"), 0.0);
        assert!((cer("甲及び乙は", "甲及乙は") - 0.2).abs() < 1e-9);
        assert_eq!(cer("", ""), 0.0);
        assert_eq!(cer("", "x"), 1.0);
    }

    #[test]
    fn matching_is_one_to_one_and_faded_is_lenient() {
        let seal = |x0, x1| Seal { bbox: PxRect::new(x0, 0, x1, 100), shape: SealShape::Round, color: SealColor::Red, confidence: 0.9 };
        let truth = vec![
            TruthSeal { bbox: [0, 0, 100, 100], shape: "round".into(), faded: false, visible: 1.0 },
            TruthSeal { bbox: [200, 0, 300, 100], shape: "round".into(), faded: true, visible: 1.0 },
        ];
        // Two detections on the first seal: one matches, one is a false positive.
        // IoU 0.4 with the faded seal still matches.
        let d = vec![seal(0, 100), seal(5, 100), seal(200, 240)];
        assert_eq!(match_seals(&d, &truth), vec![Some(0), None, Some(1)]);
    }

    #[test]
    fn seals_not_in_the_image_leave_only_the_visible_numbers() {
        let seal = |x0: u32| Seal { bbox: PxRect::new(x0, 0, x0 + 100, 100), shape: SealShape::Round, color: SealColor::Red, confidence: 0.9 };
        let truth = |x0: u32, visible| TruthSeal { bbox: [x0, 0, x0 + 100, 100], shape: "round".into(), faded: true, visible };
        // Old corpora have no `visible`: every seal counts as in the image.
        let old: TruthSeal = serde_json::from_str(r#"{"bbox": [0, 0, 9, 9], "shape": "round"}"#).unwrap();
        assert_eq!(old.visible, 1.0);
        assert!(old.in_image());
        let mut c = Counts::default();
        // Page 1: a visible seal found, an invisible one found, an invisible
        // one and a visible one missed, and a false positive.
        let t1 = [truth(0, 0.9), truth(200, 0.1), truth(400, 0.24), truth(600, 0.25)];
        let m = c.add_page(&[seal(0), seal(200), seal(900)], &t1);
        assert_eq!(m, vec![Some(0), Some(1), None]);
        assert_eq!((c.tp, c.fp, c.fn_, c.invisible), (2, 1, 2, (2, 1)));
        // All seals count in the headline; the missed invisible one is not a
        // miss among visible seals, the found invisible one stays a tp.
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert_eq!(c.fn_visible(), 1);
        assert!((c.recall_visible() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.f1_visible() - 2.0 / 3.0).abs() < 1e-9);
        // Documents: one whose seals are all invisible is left out of the
        // visible document recall, not of the headline.
        let mut rep = EvalReport::default();
        rep.add_docs([(true, true, true), (true, false, false), (true, true, false), (false, false, true)]);
        assert_eq!(rep.docs, (1, 1, 2, 0));
        assert_eq!(rep.docs_visible, (1, 1));
        assert!((rep.doc_recall_visible() - 0.5).abs() < 1e-9);
        rep.modes.insert("bilevel".into(), c);
        let text = rep.to_string();
        assert!(text.contains("documents with a visible seal: recall 0.5000 (tp 1 fn 1)"), "{text}");
    }

    #[test]
    fn progress_is_reported_per_page_and_an_unreadable_page_is_listed_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        image::RgbImage::from_pixel(200, 280, image::Rgb([246, 242, 230])).save(dir.path().join("p0000.png")).unwrap();
        std::fs::write(dir.path().join("p0001.png"), b"not a png").unwrap();
        let line = |f: &str| format!(r#"{{"file": "{f}", "doc": "{f}", "mode": "color", "dpi": 200, "seals": []}}"#);
        std::fs::write(dir.path().join("truth.jsonl"), format!("{}\n{}\n", line("p0000.png"), line("p0001.png"))).unwrap();
        let calls = std::cell::RefCell::new(Vec::new());
        let rep = run_eval_with_progress(dir.path(), None, &|done, total| calls.borrow_mut().push((done, total))).unwrap();
        assert_eq!(calls.into_inner(), vec![(0, 2), (1, 2), (2, 2)]);
        assert_eq!(rep.failed.len(), 1, "{:?}", rep.failed);
        assert_eq!(rep.failed[0].0, "p0001.png");
    }

    #[test]
    fn mean_and_p95() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(mean_p95(&v), (50.5, 95.0));
        assert_eq!(mean_p95(&[]), (0.0, 0.0));
    }
}
