//! The command line, as `../shared/INTERFACE.md` defines it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// inkan turns scans into searchable PDFs, finds seal impressions and indexes everything.
#[derive(Debug, Parser)]
#[command(name = "inkan", version, about, max_term_width = 100)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Data directory: index, output, journal, audit log, originals.
    /// By default, the config's `data_dir`, else ./inkan-data.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Configuration file (TOML).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files without storing anything: seals, and OCR text unless --no-ocr.
    Inspect {
        /// One JSON object per input file, one per line, in input order.
        #[arg(long)]
        json: bool,
        /// Skip OCR (seal detection only); "text" is empty.
        #[arg(long)]
        no_ocr: bool,
        /// OCR languages, e.g. jpn+eng. By default, the config's `languages`, else jpn+eng.
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        /// Number of OCR worker threads. By default, the config's `workers`, else the number of cores.
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
        /// PNG, JPEG, TIFF or PDF files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// OCR files and folders (recursively) once: searchable PDFs and index entries.
    Ingest {
        /// One JSON line per input file.
        #[arg(long)]
        json: bool,
        /// Tag every document (repeatable).
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
        /// Where searchable PDFs go. By default, DATA/output.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// OCR languages, e.g. jpn+eng. By default, the config's `languages`, else jpn+eng.
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        /// Number of OCR worker threads. By default, the config's `workers`, else the number of cores.
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
        /// Files and folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Watch the configured hot folders and serve the HTTP API.
    Run,
    /// Validate a configuration file without running.
    CheckConfig {
        /// The configuration file. By default, --config.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Search the index (Japanese and English).
    Search {
        /// One JSON object per hit.
        #[arg(long)]
        json: bool,
        /// Most hits to return.
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Only documents with a seal.
        #[arg(long)]
        sealed: bool,
        /// Only documents from this hot folder.
        #[arg(long, value_name = "F")]
        folder: Option<String>,
        /// Only documents with this tag.
        #[arg(long, value_name = "T")]
        tag: Option<String>,
        /// Only documents ingested on or after this date (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only documents ingested on or before this date (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Words or "a phrase"; all must occur on the same page.
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
    },
    /// List every document with at least one seal, for re-approval.
    Sealed {
        /// One JSON object per document.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV (UTF-8 with BOM, opens in Excel).
        #[arg(long)]
        csv: bool,
        /// Which documents to list.
        #[arg(long, value_enum, default_value_t = StatusFilter::Pending)]
        status: StatusFilter,
    },
    /// Record the electronic re-approval of a sealed document.
    Approve {
        /// The document's id (from `sealed` or `search`).
        #[arg(value_name = "DOC_ID")]
        doc_id: String,
        /// Who approves.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// A note kept in the audit log.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Index and pipeline health.
    Status {
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The audit log of re-approvals.
    Audit {
        /// What to do with it.
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Serve the HTTP API and the web page only, without watching folders.
    #[command(hide = true)]
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:7878 (port 0: any free port).
        /// By default, the config's `[http] listen`, else 127.0.0.1:7878.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// File holding the bearer token; required for a non-loopback address.
        /// By default, the config's `[http] token_file`.
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
    },
    /// Evaluate seal detection on a generated corpus (scripts/seal_corpus.py).
    Eval {
        /// The corpus folder (with truth.jsonl).
        #[arg(value_name = "DIR")]
        corpus: PathBuf,
        /// Also measure OCR character error rate on lines under seals.
        #[arg(long)]
        cer: bool,
    },
}

/// Re-approval status filter for `sealed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    /// Not yet re-approved.
    Pending,
    /// Re-approved.
    Approved,
    /// Both.
    All,
}

/// `inkan audit` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum AuditAction {
    /// Check the hash chain of the audit log; names the first bad line (exit 1).
    Verify,
}
