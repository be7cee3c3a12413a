//! End-to-end tests: the real `inkan` binary, real tesseract, generated scans
//! with known text (tests/data/make_test_data.py). Grouped by theme:
//!
//! - `ingest`: searchable PDFs (pdftotext returns the known lines, qpdf accepts them), search hits, duplicates, status.
//! - `bad_input`: broken files fail one by one with a reason; nothing is modified; exit 1.
//! - `inspect`: the JSON contract, in input order, `--no-ocr`.
//! - `cli`: usage and configuration errors exit 2 with a readable sentence.
//! - `daemon`: `inkan run` on a temporary hot folder: intake, dedupe, failures, kill -9 and restart, SIGTERM, unsafe configs.
//! - `rescan`: a re-scan of the same paper is marked `possible_duplicate_of`; a look-alike is not.
//! - `compliance`: `sealed` (table, JSON, CSV), `approve`, the audit chain, search filters, the HTTP API
//!   (auth, traversal) and the web page in headless Chromium.
//! - `seal_pages`: seal verdicts on pages of retired held-out corpora where the detector once erred.

mod util;

mod bad_input;
mod cli;
mod compliance;
mod daemon;
mod ingest;
mod inspect;
mod rescan;
mod seal_pages;
