//! [`Index`]: opening the index directory, fresh searchers, listings.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    Directory, DocAddress, IndexReader, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};

use crate::error::IndexError;
use crate::record::{DocSummary, Hit, PageLayout, SealedDoc, SearchQuery, Stats};
use crate::schema::{Fields, KIND_DOC, KIND_PAGE};
use crate::writer::Writer;
use crate::{search, tokenizer};

/// How long [`Index::writer`] waits for another process's writer lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// Total indexing memory of a [`Writer`], split between its threads.
pub const WRITER_MEMORY: usize = 100_000_000;

/// At most this many indexing threads (the machine also runs OCR).
const MAX_WRITER_THREADS: usize = 4;

/// The file whose change means "another commit happened".
const META_FILE: &str = "meta.json";

/// The inkan index in one directory (`DATA/index`).
///
/// Any number of processes may open and search the same directory at once;
/// one of them at a time may hold the [`Writer`]. Every read call sees the
/// latest commit, whichever process made it. `Index` is `Send + Sync`: share
/// it in an `Arc`.
pub struct Index {
    /// The directory, for error messages.
    dir: PathBuf,
    /// The tantivy index, with our analyzers registered.
    index: tantivy::Index,
    /// One reader, reloaded by hand when `meta.json` changed.
    reader: IndexReader,
    /// The schema's field handles.
    pub(crate) fields: Fields,
    /// The `meta.json` the reader was last loaded from; the lock also makes
    /// concurrent reloads wait for each other.
    loaded_meta: Mutex<Vec<u8>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Opens the index in `dir`, creating the directory and an empty index if
    /// missing.
    ///
    /// # Errors
    ///
    /// [`IndexError::Io`] if the directory cannot be created,
    /// [`IndexError::IncompatibleSchema`] if it holds an index of another
    /// version, [`IndexError::Tantivy`] if the index cannot be read.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            about: "create the index directory",
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = Fields::build();
        let index = open_or_create(dir, &schema)?;
        tokenizer::register(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(IndexError::tantivy("open a reader"))?;
        Ok(Index {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            loaded_meta: Mutex::new(Vec::new()),
        })
    }

    /// The directory this index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The single writer, waiting up to [`LOCK_TIMEOUT`] (30 s) for another
    /// process to release it.
    ///
    /// # Errors
    ///
    /// [`IndexError::Locked`] if the lock stayed busy.
    pub fn writer(&self) -> Result<Writer, IndexError> {
        self.writer_with_timeout(LOCK_TIMEOUT)
    }

    /// [`Index::writer`] with another lock timeout (`Duration::ZERO`: try once).
    pub fn writer_with_timeout(&self, timeout: Duration) -> Result<Writer, IndexError> {
        let threads = thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_WRITER_THREADS);
        let started = Instant::now();
        loop {
            match self.index.writer_with_num_threads(threads, WRITER_MEMORY) {
                Ok(writer) => return Ok(Writer::new(writer, self.fields)),
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    let waited = started.elapsed();
                    if waited >= timeout {
                        return Err(IndexError::Locked {
                            dir: self.dir.clone(),
                            waited,
                        });
                    }
                    tracing::debug!(dir = %self.dir.display(), "index writer lock busy, retrying");
                    thread::sleep((timeout - waited).min(Duration::from_millis(200)));
                }
                Err(err) => return Err(IndexError::tantivy("open the writer")(err)),
            }
        }
    }

    /// Searches pages; see [`SearchQuery`] for the syntax and filters.
    ///
    /// Returns one [`Hit`] per document (its best page), best first, at most
    /// `q.limit`. Pages where every word matches as written come first; then,
    /// if there is room, pages where a word's bigrams all occur but apart
    /// (`exact: false`). An empty index gives no hits.
    ///
    /// # Errors
    ///
    /// [`IndexError::BadQuery`] if the query has no searchable word.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.searcher()?;
        search::run(&searcher, &self.fields, q)
    }

    /// Every document with at least one seal, oldest ingest first (ties by
    /// `doc_id`).
    pub fn sealed(&self) -> Result<Vec<SealedDoc>, IndexError> {
        let searcher = self.searcher()?;
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.term_query(self.fields.kind, KIND_DOC)),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_bool(self.fields.sealed, true),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let mut found: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)
            .map_err(IndexError::tantivy("list sealed documents"))?
            .into_iter()
            .collect();
        // In storage order, so each compressed store block is read once.
        found.sort_unstable();
        let mut docs = found
            .into_iter()
            .map(|addr| Ok(self.summary_at(&searcher, addr)?.sealed_doc()))
            .collect::<Result<Vec<_>, IndexError>>()?;
        docs.sort_by(|a, b| (a.ingested, &a.doc_id).cmp(&(b.ingested, &b.doc_id)));
        Ok(docs)
    }

    /// Counts of documents, pages and sealed documents.
    pub fn stats(&self) -> Result<Stats, IndexError> {
        let searcher = self.searcher()?;
        let count = |query: &dyn Query| {
            searcher
                .search(query, &Count)
                .map(|n| n as u64)
                .map_err(IndexError::tantivy("count documents"))
        };
        let sealed = BooleanQuery::new(vec![
            (Occur::Must, self.term_query(self.fields.kind, KIND_DOC)),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_bool(self.fields.sealed, true),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        Ok(Stats {
            documents: count(&*self.term_query(self.fields.kind, KIND_DOC))?,
            pages: count(&*self.term_query(self.fields.kind, KIND_PAGE))?,
            sealed: count(&sealed)?,
        })
    }

    /// The `doc_id` of the document with this SHA-256 (hex, any case), if
    /// indexed.
    pub fn find_by_sha256(&self, sha256: &str) -> Result<Option<String>, IndexError> {
        let searcher = self.searcher()?;
        let query = self.term_query(self.fields.sha256, &sha256.to_ascii_lowercase());
        let Some(addr) = first(&searcher, &*query)? else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(IndexError::tantivy("read a stored document"))?;
        Ok(doc
            .get_first(self.fields.doc_id)
            .and_then(|v| v.as_str())
            .map(str::to_string))
    }

    /// The stored summary of a document, if indexed.
    pub fn document(&self, doc_id: &str) -> Result<Option<DocSummary>, IndexError> {
        let searcher = self.searcher()?;
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.term_query(self.fields.doc_id, doc_id)),
            (Occur::Must, self.term_query(self.fields.kind, KIND_DOC)),
        ]);
        match first(&searcher, &query)? {
            Some(addr) => Ok(Some(self.summary_at(&searcher, addr)?)),
            None => Ok(None),
        }
    }

    /// A page's size, OCR text and line boxes, if the document and page exist.
    /// Pages indexed before line boxes were kept have no lines and size 0.
    pub fn page_layout(&self, doc_id: &str, page: u32) -> Result<Option<PageLayout>, IndexError> {
        let searcher = self.searcher()?;
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.term_query(self.fields.doc_id, doc_id)),
            (Occur::Must, self.term_query(self.fields.kind, KIND_PAGE)),
        ]);
        let found = searcher
            .search(&query, &DocSetCollector)
            .map_err(IndexError::tantivy("look up a page"))?;
        for addr in found {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .map_err(IndexError::tantivy("read a stored page"))?;
            if doc.get_first(self.fields.page).and_then(|v| v.as_u64()) != Some(u64::from(page)) {
                continue;
            }
            let text = doc.get_first(self.fields.text).and_then(|v| v.as_str()).unwrap_or_default();
            let mut layout: PageLayout = match doc.get_first(self.fields.layout).and_then(|v| v.as_str()) {
                Some(json) => serde_json::from_str(json).map_err(|err| IndexError::Corrupt {
                    doc_id: doc_id.to_string(),
                    reason: err.to_string(),
                })?,
                None => PageLayout::default(),
            };
            layout.page = page;
            layout.text = text.to_string();
            return Ok(Some(layout));
        }
        Ok(None)
    }

    /// A searcher on the latest commit (of any process).
    ///
    /// Reloading opens every segment again, so it is done only when
    /// `meta.json`, which every commit rewrites, has changed. A commit's
    /// garbage collection may delete files between our reading `meta.json`
    /// and opening them: the reload is retried a few times.
    pub(crate) fn searcher(&self) -> Result<Searcher, IndexError> {
        let mut loaded = self
            .loaded_meta
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut attempt = 0;
        loop {
            let meta = self
                .index
                .directory()
                .atomic_read(Path::new(META_FILE))
                .map_err(|err| IndexError::Tantivy {
                    about: "read the index metadata",
                    source: Box::new(err),
                })?;
            if *loaded == meta {
                return Ok(self.reader.searcher());
            }
            match self.reader.reload() {
                Ok(()) => *loaded = meta,
                Err(err) if attempt < 3 => {
                    attempt += 1;
                    tracing::debug!(error = %err, "index reload failed, retrying");
                    thread::sleep(Duration::from_millis(20 << attempt));
                }
                Err(err) => return Err(IndexError::tantivy("load the latest commit")(err)),
            }
        }
    }

    /// A term query on a string field.
    fn term_query(&self, field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    /// The [`DocSummary`] stored in the doc record at `addr`.
    fn summary_at(&self, searcher: &Searcher, addr: DocAddress) -> Result<DocSummary, IndexError> {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(IndexError::tantivy("read a stored document"))?;
        let doc_id = doc
            .get_first(self.fields.doc_id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let meta = doc
            .get_first(self.fields.meta)
            .and_then(|v| v.as_str())
            .ok_or_else(|| IndexError::Corrupt {
                doc_id: doc_id.clone(),
                reason: "its metadata is missing".into(),
            })?;
        serde_json::from_str(meta).map_err(|err| IndexError::Corrupt {
            doc_id,
            reason: err.to_string(),
        })
    }
}

/// The address of the first document matching `query`.
fn first(searcher: &Searcher, query: &dyn Query) -> Result<Option<DocAddress>, IndexError> {
    let top = searcher
        .search(query, &TopDocs::with_limit(1))
        .map_err(IndexError::tantivy("look up a document"))?;
    Ok(top.first().map(|&(_, addr)| addr))
}

/// Opens the index in `dir` or creates it; a concurrent creation by another
/// process is tolerated.
fn open_or_create(
    dir: &Path,
    schema: &tantivy::schema::Schema,
) -> Result<tantivy::Index, IndexError> {
    let mut attempt = 0;
    loop {
        let directory = MmapDirectory::open(dir).map_err(|err| IndexError::Tantivy {
            about: "open the index directory",
            source: Box::new(err),
        })?;
        match tantivy::Index::open_or_create(directory, schema.clone()) {
            Ok(index) => return Ok(index),
            Err(TantivyError::SchemaError(_)) => {
                return Err(IndexError::IncompatibleSchema {
                    dir: dir.to_path_buf(),
                })
            }
            Err(TantivyError::IndexAlreadyExists) if attempt < 3 => attempt += 1,
            Err(err) => return Err(IndexError::tantivy("open the index")(err)),
        }
    }
}
