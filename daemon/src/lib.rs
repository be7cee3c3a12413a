//! inkan: scans in, searchable PDFs and a search index out.
//!
//! # Layout
//! In pipeline order:
//! - `decode`: file bytes → [`PageImage`]s (PNG, JPEG, multi-page TIFF, scanner PDFs).
//! - `seal`: finds seal impressions on a page; suppresses their ink before OCR.
//! - `ocr`: the [`OcrEngine`] trait and tesseract behind it.
//! - `pdf`: the searchable PDF (original image + invisible text layer).
//! - `analyse`: the page workers (seals + OCR), documents back in input order.
//! - `phash`: the perceptual page hash that finds re-scans of the same paper.
//! - `ingest`: PDF written atomically, then the index entry committed.
//! - `intake`: hot folders watched (inotify or polling), files settled and checked.
//! - `journal`: the daemon's durable per-file record (SQLite, WAL).
//! - `daemon`: `inkan run`, the run loop wiring intake, workers, ingest and journal.
//! - `datalock`: one daemon per data directory (`DATA/daemon.lock`).
//! - `shutdown`: the graceful-shutdown signal shared by the daemon's threads.
//! - `app` and `cli`: the subcommands of `shared/INTERFACE.md`.
//! - `audit`: the append-only, hash-chained log of re-approvals.
//! - `compliance`: the sealed-document listing (table, JSON, CSV) and approvals.
//! - `api`: the HTTP API and the web page (axum).
//! - `preview`: page previews, seal crops and hit boxes for the web page.
//! - `metrics`: the daemon's Prometheus counters and OCR-time histogram.
//! - `geom`: pixel and point rectangles, and the one conversion between them.

pub mod analyse;
pub mod app;
pub mod api;
pub mod audit;
pub mod cli;
pub mod compliance;
pub mod daemon;
pub mod datalock;
pub mod decode;
pub mod eval;
pub mod geom;
pub mod ingest;
pub mod intake;
pub mod journal;
pub mod logging;
pub mod metrics;
pub mod ocr;
pub mod omp;
pub mod page;
pub mod pdf;
pub mod phash;
mod pix;
pub mod preview;
pub mod seal;
pub mod shutdown;

pub use page::{ColorMode, Original, PageImage};
