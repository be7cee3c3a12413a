//! The daemon's Prometheus counters and OCR-time histogram (`GET /metrics`),
//! counted since the process started, as Prometheus expects of counters.
//! The gauges (documents, queue depth, …) are read fresh per scrape by
//! `api`; this module only holds what must be counted as it happens.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// How a file ended, the label of `inkan_files_total`.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    /// `indexed`, `duplicate` or `failed`.
    pub outcome: &'static str,
}

/// Upper bounds of the OCR-time buckets, in seconds: a small page takes
/// tenths of a second, a dense A4 page at 300 dpi several seconds.
const OCR_BUCKETS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0];

/// Counters shared by the run loop (which counts) and the API (which encodes).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    files: Family<Outcome, Counter>,
    pages: Counter,
    seals: Counter,
    ocr_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let files = Family::<Outcome, Counter>::default();
        let pages = Counter::default();
        let seals = Counter::default();
        let ocr_seconds = Histogram::new(OCR_BUCKETS);
        let mut registry = Registry::with_prefix("inkan");
        registry.register("files", "Files finished by the daemon, by outcome (indexed, duplicate, failed)", files.clone());
        registry.register("processed_pages", "Pages of the documents indexed by this daemon (the inkan_pages gauge counts the whole index)", pages.clone());
        registry.register("processed_seals", "Seal impressions found on the pages indexed by this daemon", seals.clone());
        registry.register("ocr_seconds", "OCR time per page", ocr_seconds.clone());
        // Every outcome is reported from the start, at 0, so rates work at once.
        for outcome in ["indexed", "duplicate", "failed"] {
            let _ = files.get_or_create(&Outcome { outcome });
        }
        Metrics { registry, files, pages, seals, ocr_seconds }
    }
}

impl Metrics {
    /// Counts one finished file.
    pub fn file(&self, outcome: &'static str) {
        self.files.get_or_create(&Outcome { outcome }).inc();
    }

    /// Counts one indexed page with its seals and OCR time.
    pub fn page(&self, seals: usize, ocr: Duration) {
        self.pages.inc();
        self.seals.inc_by(seals as u64);
        self.ocr_seconds.observe(ocr.as_secs_f64());
    }

    /// Files finished with `outcome` so far.
    pub fn files(&self, outcome: &'static str) -> u64 {
        self.files.get_or_create(&Outcome { outcome }).get()
    }

    /// Appends the OpenMetrics text of every counter (without the final `# EOF`).
    pub fn encode(&self, out: &mut String) -> std::fmt::Result {
        prometheus_client::encoding::text::encode_registry(out, &self.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_encoded_as_openmetrics() {
        let m = Metrics::default();
        m.file("indexed");
        m.file("indexed");
        m.file("failed");
        assert_eq!((m.files("indexed"), m.files("duplicate"), m.files("failed")), (2, 0, 1));
        m.page(2, Duration::from_millis(300));
        m.page(0, Duration::from_secs(3));
        let mut out = String::new();
        m.encode(&mut out).unwrap();
        assert!(out.contains("# TYPE inkan_files counter"), "{out}");
        assert!(out.contains("inkan_files_total{outcome=\"indexed\"} 2"), "{out}");
        assert!(out.contains("inkan_files_total{outcome=\"duplicate\"} 0"), "{out}");
        assert!(out.contains("inkan_files_total{outcome=\"failed\"} 1"), "{out}");
        assert!(out.contains("inkan_processed_pages_total 2") && out.contains("inkan_processed_seals_total 2"), "{out}");
        assert!(out.contains("# TYPE inkan_ocr_seconds histogram"), "{out}");
        assert!(out.contains("inkan_ocr_seconds_bucket{le=\"0.5\"} 1"), "{out}");
        assert!(out.contains("inkan_ocr_seconds_bucket{le=\"4.0\"} 2"), "{out}");
        assert!(out.contains("inkan_ocr_seconds_count 2"), "{out}");
        assert!(!out.contains("# EOF"), "{out}");
    }
}
