//! Compliance: the listing of sealed documents (`inkan sealed`), their
//! electronic re-approval (`inkan approve`) and the audit check
//! (`inkan audit verify`).
//!
//! The pure parts ([`rows`], [`write_csv`], [`write_table`]) are shared with
//! the HTTP API; [`record_approval`] is the one way an approval is recorded,
//! from the shell or the browser.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use unicode_width::UnicodeWidthStr;

use crate::app::{CliError, Settings};
use crate::audit::{self, Appended, Approval, AuditError};
use crate::cli::StatusFilter;

/// One document of the compliance listing: the columns of `inkan sealed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The document id.
    pub doc_id: String,
    /// The original file name.
    pub file: String,
    /// The hot folder (`""`: a CLI ingest).
    pub folder: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Pages with at least one seal, ascending.
    pub pages_with_seals: Vec<u32>,
    /// Seals on all pages.
    pub seal_count: u32,
    /// Distinct seal shapes, in order of first appearance.
    pub shapes: Vec<String>,
    /// Ingest time, RFC 3339 UTC.
    pub ingested: String,
    /// `pending` or `approved`.
    pub status: &'static str,
    /// Who approved last, if approved.
    pub approver: Option<String>,
    /// When it was approved last, RFC 3339 UTC.
    pub approved_at: Option<String>,
}

/// The column names, in order (CSV header, table header).
pub const COLUMNS: [&str; 11] = [
    "doc_id",
    "file",
    "folder",
    "tags",
    "pages_with_seals",
    "seal_count",
    "shapes",
    "ingested",
    "status",
    "approver",
    "approved_at",
];

impl Row {
    /// The row's cells as text, in [`COLUMNS`] order; lists joined with `;`.
    fn cells(&self) -> [String; 11] {
        let join = |v: &[String]| v.join(";");
        [
            self.doc_id.clone(),
            self.file.clone(),
            self.folder.clone(),
            join(&self.tags),
            self.pages_with_seals.iter().map(u32::to_string).collect::<Vec<_>>().join(";"),
            self.seal_count.to_string(),
            join(&self.shapes),
            self.ingested.clone(),
            self.status.to_string(),
            self.approver.clone().unwrap_or_default(),
            self.approved_at.clone().unwrap_or_default(),
        ]
    }
}

/// `pending`, `approved` or `all`, as the API's `status=` parameter spells them.
pub fn parse_status(s: &str) -> Option<StatusFilter> {
    match s {
        "pending" => Some(StatusFilter::Pending),
        "approved" => Some(StatusFilter::Approved),
        "all" => Some(StatusFilter::All),
        _ => None,
    }
}

/// Unix seconds as RFC 3339 UTC (`1970-01-01T00:00:00Z` if out of range).
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .expect("a UTC date formats")
}

/// The listing of `sealed` (as [`indexer::Index::sealed`] returns it, oldest
/// first) with each document's latest approval, filtered by status.
pub fn rows(sealed: Vec<indexer::SealedDoc>, approvals: &HashMap<String, Approval>, filter: StatusFilter) -> Vec<Row> {
    sealed
        .into_iter()
        .filter_map(|d| {
            let approval = approvals.get(&d.doc_id);
            let keep = match filter {
                StatusFilter::All => true,
                StatusFilter::Pending => approval.is_none(),
                StatusFilter::Approved => approval.is_some(),
            };
            keep.then(|| Row {
                status: if approval.is_some() { "approved" } else { "pending" },
                approver: approval.map(|a| a.by.clone()),
                approved_at: approval.map(|a| rfc3339(a.at)),
                ingested: rfc3339(d.ingested),
                doc_id: d.doc_id,
                file: d.file,
                folder: d.folder,
                tags: d.tags,
                pages_with_seals: d.pages_with_seals,
                seal_count: d.seal_count,
                shapes: d.shapes,
            })
        })
        .collect()
}

/// One CSV field: RFC 4180 quoting, and a leading `'` on text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The listing as CSV: UTF-8 with a byte-order mark (so that Excel reads it
/// as UTF-8), CRLF line ends, a header line.
pub fn write_csv(out: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    out.write_all(COLUMNS.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for row in rows {
        let line: Vec<String> = row.cells().iter().map(|c| csv_field(c)).collect();
        out.write_all(line.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

/// The listing as an aligned table; CJK characters count as two columns.
/// Line breaks and tabs inside a cell are shown as spaces.
pub fn write_table(out: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_uppercase()).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.cells().iter().map(|c| if c.is_empty() { "-".to_string() } else { c.replace(['\n', '\r', '\t'], " ") }).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for cells in &body {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.width());
        }
    }
    for cells in std::iter::once(&header).chain(&body) {
        let mut line = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            line.push_str(c);
            if i + 1 < cells.len() {
                line.push_str(&" ".repeat(w - c.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Why an approval was not recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApproveError {
    /// No document with this id is indexed.
    #[error("there is no document {0:?} in the index; `inkan sealed --status all` lists the sealed ones")]
    UnknownDocument(String),
    /// The approver's name is empty.
    #[error("the approver's name (--by) is empty")]
    NoName,
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] indexer::IndexError),
    /// The audit log could not be written.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// A recorded approval.
#[derive(Debug, Clone)]
pub struct Approved {
    /// The document as listed (status `approved`).
    pub summary: indexer::DocSummary,
    /// The audit entry and the previous approval.
    pub appended: Appended,
}

impl Approved {
    /// What the shell and the browser show, one sentence.
    pub fn message(&self) -> String {
        let e = &self.appended.entry;
        match &self.appended.previous {
            None => format!("approved {} ({}) by {}; audit entry {}", e.doc_id, self.summary.file, e.by, e.seq),
            Some(p) => format!(
                "{} ({}) was already approved by {} on {}; recorded again (audit entry {})",
                e.doc_id,
                self.summary.file,
                p.by,
                rfc3339(p.at),
                e.seq
            ),
        }
    }
}

/// Records the re-approval of `doc_id` by `by` at `now`: the document must be
/// indexed; approving again is recorded as another entry.
pub fn record_approval(index: &indexer::Index, data: &Path, doc_id: &str, by: &str, note: &str, now: OffsetDateTime) -> Result<Approved, ApproveError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(ApproveError::NoName);
    }
    let doc_id = doc_id.trim();
    let summary = index.document(doc_id)?.ok_or_else(|| ApproveError::UnknownDocument(doc_id.to_string()))?;
    let appended = audit::append(data, &summary.doc_id, by, note.trim(), now)?;
    Ok(Approved { summary, appended })
}

/// How `inkan sealed` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// One JSON object per line.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

fn runtime(e: impl std::fmt::Display) -> CliError {
    CliError::Runtime(e.to_string())
}

/// `inkan sealed`.
pub fn sealed(settings: &Settings, format: Format, filter: StatusFilter) -> Result<ExitCode, CliError> {
    let index = settings.open_index()?;
    let approvals = audit::approved(&settings.data).map_err(runtime)?;
    let rows = rows(index.sealed().map_err(runtime)?, &approvals, filter);
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => rows.iter().try_for_each(|r| writeln!(out, "{}", serde_json::to_string(r).expect("serialisable"))),
        Format::Csv => write_csv(&mut out, &rows),
        Format::Table if rows.is_empty() => {
            let which = match filter {
                StatusFilter::Pending => "pending ",
                StatusFilter::Approved => "approved ",
                StatusFilter::All => "",
            };
            writeln!(out, "no {which}sealed documents")
        }
        Format::Table => write_table(&mut out, &rows),
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(runtime(format!("cannot write the listing: {e}"))),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `inkan approve`.
pub fn approve(settings: &Settings, doc_id: &str, by: &str, note: Option<&str>) -> Result<ExitCode, CliError> {
    let index = settings.open_index()?;
    match record_approval(&index, &settings.data, doc_id, by, note.unwrap_or(""), OffsetDateTime::now_utc()) {
        Ok(a) => {
            if a.summary.seal_count == 0 {
                eprintln!("inkan: note: no seal was detected in {}; the approval is recorded all the same", a.summary.doc_id);
            }
            println!("{}", a.message());
            Ok(ExitCode::SUCCESS)
        }
        Err(ApproveError::NoName) => Err(CliError::Usage(ApproveError::NoName.to_string())),
        Err(e) => Err(runtime(e)),
    }
}

/// `inkan audit verify`.
pub fn audit_verify(settings: &Settings) -> Result<ExitCode, CliError> {
    let v = audit::verify(&settings.data).map_err(runtime)?;
    println!("{}: intact, {} entries, head {}", settings.data.join(audit::LOG_FILE).display(), v.entries, v.head);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, ingested: i64) -> indexer::SealedDoc {
        indexer::SealedDoc {
            doc_id: id.into(),
            file: format!("{id}.tif"),
            source: String::new(),
            folder: "contracts".into(),
            tags: vec!["a".into(), "b".into()],
            output: String::new(),
            pages_with_seals: vec![1, 3],
            seal_count: 3,
            shapes: vec!["round".into(), "square".into()],
            ingested,
        }
    }

    fn approvals() -> HashMap<String, Approval> {
        HashMap::from([("d2".to_string(), Approval { by: "佐藤".into(), at: 1_717_232_400, note: String::new(), seq: 1 })])
    }

    #[test]
    fn rows_filter_by_status() {
        let all = || vec![doc("d1", 0), doc("d2", 86_400)];
        let ids = |f| rows(all(), &approvals(), f).into_iter().map(|r| r.doc_id).collect::<Vec<_>>();
        assert_eq!(ids(StatusFilter::Pending), ["d1"]);
        assert_eq!(ids(StatusFilter::Approved), ["d2"]);
        assert_eq!(ids(StatusFilter::All), ["d1", "d2"]);
        let r = &rows(all(), &approvals(), StatusFilter::Approved)[0];
        assert_eq!((r.status, r.approver.as_deref(), r.approved_at.as_deref()), ("approved", Some("佐藤"), Some("2024-06-01T09:00:00Z")));
        assert_eq!(r.ingested, "1970-01-02T00:00:00Z");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("plain 契約書.tif"), "plain 契約書.tif");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn csv_has_bom_header_and_crlf() {
        let mut out = Vec::new();
        write_csv(&mut out, &rows(vec![doc("d1", 0)], &HashMap::new(), StatusFilter::All)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}doc_id,file,folder,tags,pages_with_seals,seal_count,shapes,ingested,status,approver,approved_at\r\n\
             d1,d1.tif,contracts,a;b,1;3,3,round;square,1970-01-01T00:00:00Z,pending,,\r\n"
        );
    }

    #[test]
    fn table_aligns_wide_characters() {
        let mut a = doc("d1", 0);
        a.file = "契約書.tif".into();
        let mut out = Vec::new();
        write_table(&mut out, &rows(vec![a, doc("d2", 0)], &approvals(), StatusFilter::All)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let col = |l: &str| l[..l.find("contracts").unwrap()].width();
        assert_eq!(col(lines[1]), col(lines[2]), "{text}");
        assert!(lines[0].starts_with("DOC_ID  FILE"), "{text}");
        assert!(lines[1].ends_with("pending   -         -"), "{text}");
    }
}
