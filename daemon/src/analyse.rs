//! The page workers: seal detection and OCR on `workers` threads, one OCR
//! engine per thread, fed page by page so that the pages of one long document
//! spread over all cores.
//!
//! [`Workers::run`] drives a stream of documents through the workers and hands
//! each finished document back **in input order** on the calling thread, which
//! is where per-document work (PDF, index, journal) happens. At most
//! `2 × workers` pages are queued or in flight at once: that is the
//! back-pressure; the source is not asked for another document before then.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::ocr::{OcrEngine, OcrError, OcrPage};
use crate::page::PageImage;
use crate::seal::{self, Seal};

/// A page after the workers: its image, its seals, its text.
#[derive(Debug, Clone)]
pub struct AnalysedPage {
    /// The decoded page, shared with the worker that analysed it.
    pub image: Arc<PageImage>,
    /// Seal impressions found on the page.
    pub seals: Vec<Seal>,
    /// The recognised text; empty when OCR is off.
    pub ocr: OcrPage,
    /// Time spent on OCR for this page.
    pub ocr_time: Duration,
}

/// What the source of documents has to offer right now.
pub enum Next<T> {
    /// The next document.
    Doc(T),
    /// Nothing yet; ask again later.
    Wait,
    /// No more documents: drain and return.
    End,
}

/// A document to analyse: its key (the caller's), and its decoded pages or
/// the reason it could not be decoded.
pub type Input<K, E> = (K, Result<Vec<PageImage>, E>);

/// Why a document did not come out of the workers.
#[derive(Debug)]
pub enum Failed<E> {
    /// The source's own error (e.g. decode), passed through.
    Source(E),
    /// OCR of one of its pages failed.
    Ocr {
        /// 1-based page number.
        page: usize,
        /// The cause.
        error: OcrError,
    },
}

/// Builds one OCR engine; called once on each worker thread.
pub type EngineFactory = Arc<dyn Fn() -> Result<Box<dyn OcrEngine>, OcrError> + Send + Sync>;

struct PageJob {
    doc: u64,
    index: usize,
    image: Arc<PageImage>,
}

struct PageDone {
    doc: u64,
    index: usize,
    result: Result<(Vec<Seal>, OcrPage, Duration), OcrError>,
}

/// The worker threads.
pub struct Workers {
    /// Page jobs to the workers; dropped to stop them.
    jobs: Option<Sender<PageJob>>,
    /// Finished pages from the workers.
    results: Receiver<PageDone>,
    /// Joined on drop so that no engine outlives the pool.
    handles: Vec<JoinHandle<()>>,
    /// Number of threads; sets the queue bound.
    count: usize,
}

impl Workers {
    /// Starts `count` workers. With `engine = None` they only detect seals.
    /// Fails if any engine fails to start (missing language data).
    pub fn start(count: usize, engine: Option<EngineFactory>) -> Result<Workers, OcrError> {
        let count = count.max(1);
        let (job_tx, job_rx) = mpsc::channel::<PageJob>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (res_tx, results) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let handles = (0..count)
            .map(|i| {
                let (job_rx, res_tx, ready_tx, engine) = (job_rx.clone(), res_tx.clone(), ready_tx.clone(), engine.clone());
                std::thread::Builder::new()
                    .name(format!("ocr-{i}"))
                    .spawn(move || {
                        let mut engine = match engine.map(|f| f()).transpose() {
                            Ok(e) => {
                                let _ = ready_tx.send(Ok(()));
                                e
                            }
                            Err(e) => {
                                let _ = ready_tx.send(Err(e));
                                return;
                            }
                        };
                        drop(ready_tx);
                        loop {
                            let job = match job_rx.lock() {
                                Ok(rx) => rx.recv(),
                                Err(_) => return,
                            };
                            let Ok(job) = job else { return };
                            let result = analyse_page(&job.image, engine.as_deref_mut());
                            if res_tx.send(PageDone { doc: job.doc, index: job.index, result }).is_err() {
                                return;
                            }
                        }
                    })
                    .expect("spawning a worker thread")
            })
            .collect();
        drop(ready_tx);
        let workers = Workers { jobs: Some(job_tx), results, handles, count };
        for r in ready_rx.iter() {
            r?;
        }
        Ok(workers)
    }

    /// Runs documents from `source` through the workers and calls `done` for
    /// each, in the order the source gave them. Returns when the source says
    /// [`Next::End`] and every document has been handed to `done`.
    pub fn run<K, E>(
        &self,
        mut source: impl FnMut(bool) -> Next<Input<K, E>>,
        mut done: impl FnMut(K, Result<Vec<AnalysedPage>, Failed<E>>),
    ) {
        let jobs = self.jobs.as_ref().expect("workers running");
        let cap = self.count * 2;
        let mut queue: VecDeque<Slot<K, E>> = VecDeque::new();
        let mut next_id: u64 = 0;
        let mut in_flight = 0usize;
        let mut ended = false;
        loop {
            // Pull documents while there is room; block on the source only when idle.
            while !ended && in_flight < cap {
                match source(in_flight == 0 && queue.is_empty()) {
                    Next::Doc((key, Err(e))) => queue.push_back(Slot::failed(next_id, key, Failed::Source(e))),
                    Next::Doc((key, Ok(pages))) => {
                        let images: Vec<Arc<PageImage>> = pages.into_iter().map(Arc::new).collect();
                        for (index, image) in images.iter().enumerate() {
                            // The workers hold the receiver until the pool drops; a send cannot fail before.
                            let _ = jobs.send(PageJob { doc: next_id, index, image: image.clone() });
                        }
                        in_flight += images.len();
                        queue.push_back(Slot::working(next_id, key, images));
                    }
                    Next::Wait => break,
                    Next::End => ended = true,
                }
                next_id += 1;
            }
            while queue.front().is_some_and(Slot::finished) {
                let slot = queue.pop_front().unwrap();
                let (key, result) = slot.into_result();
                done(key, result);
            }
            if queue.is_empty() && ended {
                return;
            }
            if in_flight == 0 {
                continue;
            }
            let res = match self.results.recv_timeout(Duration::from_millis(200)) {
                Ok(r) => r,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => panic!("all OCR workers stopped"),
            };
            in_flight -= 1;
            if let Some(slot) = queue.iter_mut().find(|s| s.id == res.doc) {
                slot.page_done(res.index, res.result);
            }
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.jobs.take();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

/// Seals, then OCR on the page with the seals' ink suppressed.
fn analyse_page(image: &PageImage, engine: Option<&mut (dyn OcrEngine + 'static)>) -> Result<(Vec<Seal>, OcrPage, Duration), OcrError> {
    let seals = seal::detect_seals(image);
    let Some(engine) = engine else {
        return Ok((seals, OcrPage::default(), Duration::ZERO));
    };
    let cleaned = seal::suppress_seal_ink(image, &seals);
    let start = Instant::now();
    let ocr = engine.recognize(cleaned.as_ref().unwrap_or(image))?;
    Ok((seals, ocr, start.elapsed()))
}

/// One document in the ordered queue.
struct Slot<K, E> {
    id: u64,
    key: K,
    state: SlotState<E>,
}

enum SlotState<E> {
    Failed(Failed<E>),
    Working { images: Vec<Arc<PageImage>>, pages: Vec<Option<(Vec<Seal>, OcrPage, Duration)>>, remaining: usize, error: Option<(usize, OcrError)> },
}

impl<K, E> Slot<K, E> {
    fn failed(id: u64, key: K, f: Failed<E>) -> Self {
        Slot { id, key, state: SlotState::Failed(f) }
    }

    fn working(id: u64, key: K, images: Vec<Arc<PageImage>>) -> Self {
        let n = images.len();
        Slot { id, key, state: SlotState::Working { images, pages: (0..n).map(|_| None).collect(), remaining: n, error: None } }
    }

    fn finished(&self) -> bool {
        match &self.state {
            SlotState::Failed(_) => true,
            SlotState::Working { remaining, .. } => *remaining == 0,
        }
    }

    fn page_done(&mut self, index: usize, result: Result<(Vec<Seal>, OcrPage, Duration), OcrError>) {
        if let SlotState::Working { pages, remaining, error, .. } = &mut self.state {
            *remaining -= 1;
            match result {
                Ok(r) => pages[index] = Some(r),
                Err(e) => {
                    if error.as_ref().is_none_or(|(p, _)| *p > index) {
                        *error = Some((index, e));
                    }
                }
            }
        }
    }

    fn into_result(self) -> (K, Result<Vec<AnalysedPage>, Failed<E>>) {
        let result = match self.state {
            SlotState::Failed(f) => Err(f),
            SlotState::Working { error: Some((index, error)), .. } => Err(Failed::Ocr { page: index + 1, error }),
            SlotState::Working { images, pages, .. } => Ok(images
                .into_iter()
                .zip(pages)
                .map(|(image, p)| {
                    let (seals, ocr, ocr_time) = p.expect("every page reported");
                    AnalysedPage { image, seals, ocr, ocr_time }
                })
                .collect()),
        };
        (self.key, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::PxRect;
    use crate::ocr::OcrLine;
    use crate::page::{ColorMode, Original};
    use image::{DynamicImage, GrayImage};

    /// Reads the page "text" from its width, so results can be checked for order.
    struct FakeEngine;
    impl OcrEngine for FakeEngine {
        fn recognize(&mut self, page: &PageImage) -> Result<OcrPage, OcrError> {
            if page.width() == 13 {
                return Err(OcrError::Recognize("unlucky page".into()));
            }
            Ok(OcrPage { lines: vec![OcrLine { text: format!("w{}", page.width()), bbox: PxRect::default(), confidence: 90.0 }] })
        }
    }

    fn page(w: u32) -> PageImage {
        PageImage { pixels: DynamicImage::ImageLuma8(GrayImage::new(w, 4)), mode: ColorMode::Gray, dpi: (300.0, 300.0), dpi_from_file: true, original: Original::None }
    }

    #[test]
    fn documents_come_back_in_input_order_with_failures_in_place() {
        let factory: EngineFactory = Arc::new(|| Ok(Box::new(FakeEngine) as Box<dyn OcrEngine>));
        let workers = Workers::start(2, Some(factory)).unwrap();
        let mut docs: VecDeque<Input<usize, &str>> = VecDeque::from(vec![
            (0, Ok(vec![page(5), page(6), page(7)])),
            (1, Err("not an image")),
            (2, Ok(vec![page(8)])),
            (3, Ok(vec![page(9), page(13)])),
            (4, Ok((14..34).map(page).collect())),
        ]);
        let mut out = Vec::new();
        workers.run(|_| docs.pop_front().map(Next::Doc).unwrap_or(Next::End), |k, r| {
            out.push((k, r.map(|p| p.iter().map(|p| p.ocr.text()).collect::<Vec<_>>())));
        });
        assert_eq!(out.iter().map(|o| o.0).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(out[0].1.as_ref().unwrap(), &["w5", "w6", "w7"]);
        assert!(matches!(out[1], (1, Err(Failed::Source("not an image")))));
        assert_eq!(out[2].1.as_ref().unwrap(), &["w8"]);
        assert!(matches!(out[3], (3, Err(Failed::Ocr { page: 2, .. }))));
        assert_eq!(out[4].1.as_ref().unwrap().len(), 20);
    }

    #[test]
    fn engine_start_failure_is_reported() {
        let factory: EngineFactory = Arc::new(|| Err(OcrError::Init { languages: "xxx".into(), reason: "no data".into() }));
        assert!(Workers::start(2, Some(factory)).is_err());
    }
}
