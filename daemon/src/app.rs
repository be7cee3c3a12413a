//! One function per subcommand: each reads its inputs, does the work through
//! the library, prints, and returns the exit status.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::analyse::{AnalysedPage, EngineFactory, Failed, Next, Workers};
use crate::cli::{AuditAction, Cli, Command, Global};
use crate::compliance::{self, Format};
use crate::decode::{self, DecodeError};
use crate::ingest::{self, NewDocument, Outcome, Status};
use crate::ocr::{OcrEngine, TesseractEngine};
use crate::seal::Seal;

/// A command's failure as a whole (per-file failures are reported and counted instead).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad usage or bad configuration: exit 2.
    #[error("{0}")]
    Usage(String),
    /// A runtime error: exit 1.
    #[error("{0}")]
    Runtime(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Runtime(_) => ExitCode::from(1),
        }
    }
}

fn runtime(e: impl std::fmt::Display) -> CliError {
    CliError::Runtime(e.to_string())
}

/// The configuration in force: the file's, with command-line overrides.
pub struct Settings {
    /// The data directory.
    pub data: PathBuf,
    /// The parsed configuration (defaults when no file was given).
    pub config: watch_config::Config,
}

impl Settings {
    /// Loads `--config` if given and resolves `--data`.
    pub fn load(global: &Global) -> Result<Settings, CliError> {
        let config = match &global.config {
            Some(path) => watch_config::load(path).map_err(|e| CliError::Usage(e.to_string().trim_end().to_string()))?,
            None => watch_config::Config::default(),
        };
        let data = match &global.data {
            Some(d) => d.clone(),
            None => config.data_dir_or(Path::new("inkan-data")),
        };
        Ok(Settings { data, config })
    }

    fn index_dir(&self) -> PathBuf {
        self.data.join("index")
    }

    pub(crate) fn open_index(&self) -> Result<indexer::Index, CliError> {
        indexer::Index::open(&self.index_dir()).map_err(runtime)
    }

    fn languages(&self, flag: Option<&str>) -> Vec<String> {
        match flag {
            Some(l) => l.split(['+', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            None => self.config.languages.clone(),
        }
    }

    fn workers(&self, flag: Option<usize>) -> usize {
        flag.unwrap_or(self.config.workers).max(1)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let settings = Settings::load(&cli.global)?;
    match cli.command {
        Command::Inspect { json, no_ocr, lang, workers, files } => {
            let engine = (!no_ocr).then(|| engine_factory(settings.languages(lang.as_deref())));
            inspect(&files, json, settings.workers(workers), engine)
        }
        Command::Ingest { json, tags, output, lang, workers, paths } => {
            let engine = engine_factory(settings.languages(lang.as_deref()));
            let output = output.unwrap_or_else(|| settings.data.join("output"));
            ingest(&settings, &paths, &tags, &output, json, settings.workers(workers), engine)
        }
        Command::Search { json, limit, sealed, folder, tag, since, until, query } => {
            let q = indexer::SearchQuery {
                text: query.join(" "),
                limit,
                sealed_only: sealed,
                folder,
                tag,
                since: since.as_deref().map(|d| parse_date(d, "--since", false)).transpose()?,
                until: until.as_deref().map(|d| parse_date(d, "--until", true)).transpose()?,
            };
            search(&settings, &q, json)
        }
        Command::Status { json } => status(&settings, json),
        Command::CheckConfig { file } => {
            let file = file.or(cli.global.config).ok_or_else(|| CliError::Usage("check-config needs a configuration file".into()))?;
            watch_config::load(&file).map_err(|e| CliError::Usage(e.to_string().trim_end().to_string()))?;
            println!("{}: OK", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Run => crate::daemon::run_cli(&settings, cli.global.config.as_deref()),
        Command::Sealed { json, csv, status } => {
            let format = if json { Format::Json } else if csv { Format::Csv } else { Format::Table };
            compliance::sealed(&settings, format, status)
        }
        Command::Approve { doc_id, by, note } => compliance::approve(&settings, &doc_id, &by, note.as_deref()),
        Command::Audit { action: AuditAction::Verify } => compliance::audit_verify(&settings),
        Command::Serve { listen, token_file } => crate::api::serve_cli(&settings, listen.as_deref(), token_file),
        Command::Eval { corpus, cer } => eval(&corpus, cer.then(|| settings.languages(None))),
    }
}

/// `inkan eval`: seal detection (and with `--cer`, OCR under seals) against a generated corpus.
fn eval(corpus: &Path, ocr_languages: Option<Vec<String>>) -> Result<ExitCode, CliError> {
    let engine = ocr_languages.map(|l| TesseractEngine::new(&l).map(RefCell::new)).transpose().map_err(runtime)?;
    let ocr = engine.as_ref().map(|e| {
        move |page: &crate::PageImage| e.borrow_mut().recognize(page).map(|p| p.text()).unwrap_or_default()
    });
    let bar: RefCell<Option<ProgressBar>> = RefCell::new(None);
    let tick = |done: usize, total: usize| bar.borrow_mut().get_or_insert_with(|| progress(total)).set_position(done as u64);
    let report = crate::eval::run_eval_with_progress(corpus, ocr.as_ref().map(|f| f as &dyn Fn(&crate::PageImage) -> String), &tick);
    if let Some(bar) = bar.into_inner() {
        bar.finish_and_clear();
    }
    let report = report.map_err(runtime)?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Tesseract engines for `languages`, one per worker.
fn engine_factory(languages: Vec<String>) -> EngineFactory {
    Arc::new(move || TesseractEngine::new(&languages).map(|e| Box::new(e) as Box<dyn OcrEngine>))
}

/// Reads and decodes one file, logging a guessed resolution.
fn read_pages(path: &Path) -> Result<Vec<crate::PageImage>, DecodeError> {
    let pages = decode::decode_file(path)?;
    if pages.iter().any(|p| !p.dpi_from_file) {
        tracing::warn!(file = %path.display(), "no resolution in the file; assuming {} dpi", decode::DEFAULT_DPI);
    }
    Ok(pages)
}

/// A progress bar on stderr when it is a terminal and there is more than one file.
fn progress(len: usize) -> ProgressBar {
    use std::io::IsTerminal;
    if len < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} files  {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn failure_reason<E: std::fmt::Display>(f: &Failed<E>) -> String {
    ingest::one_line(&match f {
        Failed::Source(e) => e.to_string(),
        Failed::Ocr { page, error } => format!("page {page}: {error}"),
    })
}

#[derive(Serialize)]
struct InspectPage<'a> {
    page: usize,
    width: u32,
    height: u32,
    dpi: u32,
    text: String,
    seals: &'a [Seal],
}

#[derive(Serialize)]
struct InspectFile<'a> {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs_reapproval: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    pages: Vec<InspectPage<'a>>,
}

/// `inkan inspect`: analyse, print, store nothing.
fn inspect(files: &[PathBuf], json: bool, workers: usize, engine: Option<EngineFactory>) -> Result<ExitCode, CliError> {
    let pool = Workers::start(workers, engine).map_err(runtime)?;
    let mut inputs = files.iter();
    let mut failed = 0;
    let bar = progress(files.len());
    let mut out = std::io::stdout().lock();
    pool.run(
        |_| match inputs.next() {
            Some(p) => Next::Doc((p, read_pages(p))),
            None => Next::End,
        },
        |path, result| {
            bar.inc(1);
            let file = path.to_string_lossy().into_owned();
            let record = match &result {
                Ok(pages) => InspectFile {
                    file,
                    needs_reapproval: Some(pages.iter().any(|p| !p.seals.is_empty())),
                    error: None,
                    pages: pages.iter().enumerate().map(|(i, p)| inspect_page(i, p)).collect(),
                },
                Err(f) => {
                    failed += 1;
                    InspectFile { file, needs_reapproval: None, error: Some(failure_reason(f)), pages: vec![] }
                }
            };
            bar.suspend(|| print_inspect(&mut out, &record, json));
        },
    );
    bar.finish_and_clear();
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn inspect_page(i: usize, p: &AnalysedPage) -> InspectPage<'_> {
    InspectPage { page: i + 1, width: p.image.width(), height: p.image.height(), dpi: p.image.dpi.0.round() as u32, text: p.ocr.text(), seals: &p.seals }
}

fn print_inspect(out: &mut impl Write, r: &InspectFile, json: bool) {
    let _ = if json {
        writeln!(out, "{}", serde_json::to_string(r).expect("serialisable"))
    } else if let Some(e) = &r.error {
        writeln!(out, "{}: error: {e}", r.file)
    } else {
        let seals: usize = r.pages.iter().map(|p| p.seals.len()).sum();
        let _ = writeln!(out, "{}: {} page(s), {} seal(s){}", r.file, r.pages.len(), seals, if seals > 0 { ", needs re-approval" } else { "" });
        for p in &r.pages {
            let _ = writeln!(out, "--- page {} ({}×{} px, {} dpi)", p.page, p.width, p.height, p.dpi);
            for s in p.seals {
                let _ = writeln!(out, "    seal: {:?} {:?} at {:?} ({:.2})", s.shape, s.color, <[u32; 4]>::from(s.bbox), s.confidence);
            }
            if !p.text.is_empty() {
                let _ = writeln!(out, "{}", p.text);
            }
        }
        Ok(())
    };
}

/// Files under `paths`: files as given, folders walked recursively in name
/// order, skipping hidden files and desktop junk. Symlinks inside folders are not followed.
pub fn collect_files(paths: &[PathBuf]) -> Vec<(PathBuf, Option<String>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Option<String>)>) {
        let mut entries: Vec<_> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).collect(),
            Err(e) => {
                out.push((dir.to_path_buf(), Some(format!("cannot read the folder: {e}"))));
                return;
            }
        };
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_junk(&name) {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => walk(&e.path(), out),
                Ok(t) if t.is_file() => out.push((e.path(), None)),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut out),
            Ok(m) if m.is_file() => out.push((p.clone(), None)),
            Ok(_) => out.push((p.clone(), Some("not a regular file".into()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.push((p.clone(), Some("no such file or folder".into()))),
            Err(e) => out.push((p.clone(), Some(format!("cannot read it: {e}")))),
        }
    }
    out
}

/// Hidden files, and what desktops, NAS boxes and half-finished copies leave
/// in folders: the same built-in names the daemon ignores in hot folders.
fn is_junk(name: &str) -> bool {
    static BUILT_IN: std::sync::OnceLock<watch_config::IgnoreRules> = std::sync::OnceLock::new();
    name.starts_with('.') || BUILT_IN.get_or_init(watch_config::IgnoreRules::default).is_ignored(name)
}

/// Why a file did not reach the workers.
enum Skip {
    Failed(String),
    Duplicate(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Failed(e) => f.write_str(e),
            Skip::Duplicate(id) => write!(f, "duplicate of {id}"),
        }
    }
}

/// `inkan ingest`: OCR, seals, searchable PDF, index — for every file under `paths`.
fn ingest(settings: &Settings, paths: &[PathBuf], tags: &[String], output: &Path, json: bool, workers: usize, engine: EngineFactory) -> Result<ExitCode, CliError> {
    if let Some(held) = crate::datalock::running_daemon(&settings.data) {
        return Err(runtime(format!("{held} and owns its index; drop the files into one of its hot folders, or stop the daemon first")));
    }
    let files = collect_files(paths);
    let index = settings.open_index()?;
    let mut writer = index.writer().map_err(runtime)?;
    std::fs::create_dir_all(output).map_err(|e| runtime(format!("cannot create the output folder {}: {e}", output.display())))?;
    let pool = Workers::start(workers, Some(engine)).map_err(runtime)?;
    let bar = progress(files.len());
    // sha256 -> output of documents stored by this run; read by the source, filled by `done`.
    let stored: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    let mut taken: HashSet<PathBuf> = HashSet::new();
    let mut inputs = files.into_iter();
    let (mut failed, mut indexed, mut dups) = (0, 0, 0);
    let mut out = std::io::stdout().lock();
    pool.run(
        |_| {
            let Some((path, problem)) = inputs.next() else { return Next::End };
            if let Some(p) = problem {
                return Next::Doc(((path, String::new()), Err(Skip::Failed(p))));
            }
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => return Next::Doc(((path, String::new()), Err(Skip::Failed(format!("cannot read the file: {e}"))))),
            };
            let sha = ingest::sha256_hex(&bytes);
            // Empty files are not content: they fail in decode, never count as duplicates.
            let known = !bytes.is_empty()
                && (stored.borrow().contains_key(&sha) || index.find_by_sha256(&sha).ok().flatten().is_some());
            if known {
                return Next::Doc(((path, sha.clone()), Err(Skip::Duplicate(ingest::doc_id(&sha)))));
            }
            let pages = decode::decode_bytes(&bytes).map_err(|e| Skip::Failed(e.to_string()));
            if pages.as_ref().is_ok_and(|p| p.iter().any(|p| !p.dpi_from_file)) {
                tracing::warn!(file = %path.display(), "no resolution in the file; assuming {} dpi", decode::DEFAULT_DPI);
            }
            Next::Doc(((path, sha), pages))
        },
        |(path, sha), result| {
            let file = path.to_string_lossy().into_owned();
            bar.set_message(file.clone());
            let outcome = match result {
                Err(Failed::Source(Skip::Duplicate(id))) => {
                    let output = stored.borrow().get(&sha).cloned().or_else(|| index.document(&id).ok().flatten().map(|d| d.output));
                    Outcome::duplicate(file, id, output)
                }
                Err(f) => Outcome::failed(&file, failure_reason(&f)),
                // The same content twice in one run: the first copy was stored while this one was in flight.
                Ok(_) if stored.borrow().contains_key(&sha) => {
                    let output = stored.borrow().get(&sha).cloned();
                    Outcome::duplicate(file, ingest::doc_id(&sha), output)
                }
                Ok(pages) => {
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let target = ingest::free_output_path(output, &stem, &taken);
                    let doc = NewDocument { source: &path, sha256: &sha, pages: &pages, folder: "", tags, output: &target };
                    match ingest::store(&mut writer, &doc) {
                        Ok(rec) => {
                            taken.insert(target.clone());
                            stored.borrow_mut().insert(sha.clone(), rec.output.clone());
                            let seals = pages.iter().map(|p| p.seals.len()).sum();
                            Outcome { file, status: Status::Indexed, doc_id: Some(rec.doc_id), output: Some(rec.output), pages: pages.len(), seals, needs_reapproval: seals > 0, possible_duplicate_of: rec.possible_duplicate_of, error: None }
                        }
                        Err(e) => Outcome::failed(&file, e),
                    }
                }
            };
            match outcome.status {
                Status::Indexed => indexed += 1,
                Status::Duplicate => dups += 1,
                Status::Failed => failed += 1,
            }
            bar.inc(1);
            bar.suspend(|| {
                let _ = if json {
                    writeln!(out, "{}", serde_json::to_string(&outcome).expect("serialisable"))
                } else {
                    match outcome.status {
                        Status::Indexed => writeln!(out, "indexed    {} → {} ({} page(s), {} seal(s))", outcome.file, outcome.output.as_deref().unwrap_or(""), outcome.pages, outcome.seals),
                        Status::Duplicate => writeln!(out, "duplicate  {} (same content as {})", outcome.file, outcome.doc_id.as_deref().unwrap_or("")),
                        Status::Failed => writeln!(out, "failed     {}: {}", outcome.file, outcome.error.as_deref().unwrap_or("")),
                    }
                };
            });
        },
    );
    bar.finish_and_clear();
    if !json {
        let _ = writeln!(out, "{indexed} indexed, {dups} duplicate(s), {failed} failed");
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `YYYY-MM-DD` (UTC) to Unix seconds: the start of the day, or its last second with `end_of_day`.
fn parse_date(s: &str, flag: &str, end_of_day: bool) -> Result<i64, CliError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &fmt).map_err(|_| CliError::Usage(format!("{flag} expects a date like 2024-04-01, not {s:?}")))?;
    let t = d.midnight().assume_utc().unix_timestamp();
    Ok(if end_of_day { t + 86_399 } else { t })
}

#[derive(Serialize)]
struct SearchHit<'a> {
    doc_id: &'a str,
    output: &'a str,
    file: &'a str,
    page: u32,
    score: f32,
    snippet: &'a str,
    has_seal: bool,
    needs_reapproval: bool,
    folder: &'a str,
    tags: &'a [String],
    /// The earlier document this one looks like a re-scan of; `null` if none.
    possible_duplicate_of: Option<&'a str>,
}

/// `inkan search`.
fn search(settings: &Settings, q: &indexer::SearchQuery, json: bool) -> Result<ExitCode, CliError> {
    let index = settings.open_index()?;
    let hits = index.search(q).map_err(|e| match e {
        indexer::IndexError::BadQuery { .. } => CliError::Usage(e.to_string()),
        e => runtime(e),
    })?;
    let approved = crate::audit::approved(&settings.data).map_err(runtime)?;
    let mut out = std::io::stdout().lock();
    for h in &hits {
        let needs = h.has_seal && !approved.contains_key(&h.doc_id);
        let _ = if json {
            let hit = SearchHit { doc_id: &h.doc_id, output: &h.output, file: &h.file, page: h.page, score: h.score, snippet: &h.snippet, has_seal: h.has_seal, needs_reapproval: needs, folder: &h.folder, tags: &h.tags, possible_duplicate_of: h.possible_duplicate_of.as_deref() };
            writeln!(out, "{}", serde_json::to_string(&hit).expect("serialisable"))
        } else {
            let rescan = h.possible_duplicate_of.as_deref().map(|d| format!(" [possible re-scan of {d}]")).unwrap_or_default();
            writeln!(out, "{}  {} p.{}{}{}  {}\n    {}", h.doc_id, h.file, h.page, if h.has_seal { " [seal]" } else { "" }, rescan, h.output, h.snippet)
        };
    }
    if hits.is_empty() && !json {
        let _ = writeln!(out, "no matches");
    }
    Ok(ExitCode::SUCCESS)
}

/// `inkan status`.
fn status(settings: &Settings, json: bool) -> Result<ExitCode, CliError> {
    let index = settings.open_index()?;
    let approved = crate::audit::approved(&settings.data).map_err(runtime)?;
    let journal = crate::journal::read_counts(&settings.data).map_err(runtime)?;
    let r = crate::api::StatusReport::collect(&index, &approved, journal).map_err(runtime)?;
    if json {
        println!("{}", serde_json::to_string(&r).expect("serialisable"));
    } else {
        println!(
            "documents {}\npages {}\nsealed {}\npending re-approval {}\nqueued {}\nprocessing {}\nfailed {}",
            r.documents, r.pages, r.sealed, r.pending_reapproval, r.queued, r.processing, r.failed
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_day_bounds() {
        assert_eq!(parse_date("2024-04-01", "--since", false).unwrap(), 1_711_929_600);
        assert_eq!(parse_date("2024-04-01", "--until", true).unwrap(), 1_711_929_600 + 86_399);
        assert!(matches!(parse_date("April", "--since", false), Err(CliError::Usage(_))));
    }
}
