//! [`Writer`]: the only owner of the tantivy `IndexWriter`.

use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::error::IndexError;
use crate::record::{len_u32, DocRecord, DocSummary, LineRecord};
use crate::schema::{doc_key, Fields, KIND_DOC, KIND_PAGE};

/// Adds documents to the index; holds the index's writer lock until dropped.
///
/// Adds are buffered (up to [`WRITER_MEMORY`](crate::WRITER_MEMORY) bytes,
/// then flushed to a new segment) and become visible to searches, in this and
/// every other process, at [`Writer::commit`]. For bulk ingest, add many
/// documents and commit once per batch. Dropping a writer discards what was
/// added since the last commit.
pub struct Writer {
    /// The tantivy writer.
    writer: IndexWriter<TantivyDocument>,
    /// The schema's field handles.
    fields: Fields,
    /// Documents added since the last commit.
    pending: usize,
    /// A reader on this writer's commits, opened at the first
    /// [`Writer::possible_duplicate_of`] call.
    reader: Option<IndexReader>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Wraps a tantivy writer (see [`Index::writer`](crate::Index::writer)).
    pub(crate) fn new(writer: IndexWriter<TantivyDocument>, fields: Fields) -> Writer {
        Writer {
            writer,
            fields,
            pending: 0,
            reader: None,
        }
    }

    /// The earlier document that `doc` looks like a re-scan of: same number
    /// of pages, each page's perceptual hash close and its text similar (see
    /// [`crate::rescan`] for the rule and thresholds). The earliest ingested
    /// of several; `doc`'s own id never. Sees committed documents only.
    ///
    /// `None` when nothing matches or a page of `doc` has no `phash`.
    pub fn possible_duplicate_of(&mut self, doc: &DocRecord) -> Result<Option<String>, IndexError> {
        if crate::rescan::signs(doc).is_none_or(|s| s.is_empty()) {
            return Ok(None);
        }
        let reader = match self.reader.take() {
            Some(reader) => {
                reader.reload().map_err(IndexError::tantivy("load the latest commit"))?;
                reader
            }
            None => self
                .writer
                .index()
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(IndexError::tantivy("open a reader"))?,
        };
        let found = crate::rescan::find(&reader.searcher(), &self.fields, doc);
        self.reader = Some(reader);
        found
    }

    /// Adds (or replaces) a document: any document with the same `doc_id`,
    /// committed or added earlier in this batch, is deleted first, so adding
    /// the same `doc_id` twice never duplicates it.
    ///
    /// # Errors
    ///
    /// [`IndexError::InvalidRecord`] for an empty `doc_id`.
    pub fn add(&mut self, doc: &DocRecord) -> Result<(), IndexError> {
        if doc.doc_id.is_empty() {
            return Err(IndexError::InvalidRecord {
                file: doc.file.clone(),
                reason: "its doc_id is empty".into(),
            });
        }
        let f = self.fields;
        self.writer
            .delete_term(Term::from_field_text(f.doc_id, &doc.doc_id));

        let summary = DocSummary::of(doc);
        let meta = serde_json::to_string(&summary).map_err(|err| IndexError::InvalidRecord {
            file: doc.file.clone(),
            reason: err.to_string(),
        })?;
        let sealed = summary.seal_count > 0;
        let key = doc_key(&doc.doc_id);

        // What both kinds of record carry: identity and filters.
        let common = |kind: &str| {
            let mut d = TantivyDocument::new();
            d.add_text(f.kind, kind);
            d.add_text(f.doc_id, &doc.doc_id);
            d.add_u64(f.doc_key, key);
            d.add_text(f.folder, &doc.folder);
            for tag in &doc.tags {
                d.add_text(f.tags, tag);
            }
            d.add_i64(f.ingested, doc.ingested);
            d.add_bool(f.sealed, sealed);
            if let Some(original) = &doc.possible_duplicate_of {
                d.add_text(f.duplicate_of, original);
            }
            d
        };

        let mut record = common(KIND_DOC);
        record.add_text(f.sha256, doc.sha256.to_ascii_lowercase());
        record.add_text(f.meta, &meta);
        self.add_document(record)?;

        for page in &doc.pages {
            let mut d = common(KIND_PAGE);
            d.add_text(f.file, &doc.file);
            d.add_text(f.output, &doc.output);
            d.add_u64(f.seal_count, u64::from(summary.seal_count));
            d.add_u64(f.page, u64::from(page.page));
            d.add_u64(f.page_seals, u64::from(len_u32(page.seals.len())));
            d.add_text(f.text, &page.text);
            d.add_text(f.text_uni, &page.text);
            if let Some(hash) = page.phash {
                d.add_u64(f.phash, hash);
            }
            let layout = StoredLayout { width: page.width, height: page.height, lines: &page.lines };
            d.add_text(f.layout, serde_json::to_string(&layout).map_err(|err| IndexError::InvalidRecord {
                file: doc.file.clone(),
                reason: err.to_string(),
            })?);
            self.add_document(d)?;
        }
        self.pending += 1;
        Ok(())
    }

    /// Deletes a document (all its records); effective at the next commit.
    pub fn delete(&mut self, doc_id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.doc_id, doc_id));
        self.pending += 1;
    }

    /// Makes everything added so far durable and visible to searchers.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer
            .commit()
            .map_err(IndexError::tantivy("commit"))?;
        tracing::debug!(documents = self.pending, "index commit");
        self.pending = 0;
        Ok(())
    }

    /// Documents added (or deleted) since the last commit.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Hands one tantivy document to the indexing threads.
    fn add_document(&mut self, doc: TantivyDocument) -> Result<(), IndexError> {
        self.writer
            .add_document(doc)
            .map(drop)
            .map_err(IndexError::tantivy("add a document"))
    }
}

/// What the `layout` field of a page record holds: the [`PageLayout`](crate::PageLayout)
/// without the text, which has its own field.
#[derive(serde::Serialize)]
pub(crate) struct StoredLayout<'a> {
    /// Page image width, pixels.
    pub width: u32,
    /// Page image height, pixels.
    pub height: u32,
    /// The OCR lines.
    pub lines: &'a [LineRecord],
}
