//! Running a [`SearchQuery`]: tantivy queries, grouping pages into documents.
//!
//! Two tiers, so that exact matches always rank first:
//!
//! 1. *exact*: every word as a term or phrase ([`crate::query`]);
//! 2. *loose*, only if tier 1 found fewer than `limit` documents and some word
//!    has several tokens: each such word's tokens anywhere on the page. Its
//!    scores are squeezed below the lowest exact score.
//!
//! Each tier asks [`TopDocs`] for a few pages per wanted document and, when
//! pages of the same documents crowd the top, asks again for more: the work
//! stays proportional to the hits, not to the index.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::error::IndexError;
use crate::query::{Plan, TermPlan};
use crate::record::{Hit, SearchQuery};
use crate::schema::{Fields, DOC_KEY};
use crate::snippet::snippet;
use crate::tokenizer::Gram;

/// Pages fetched per wanted document on the first try.
const PAGES_PER_DOC: usize = 3;

/// Runs `q` on `searcher`.
pub(crate) fn run(searcher: &Searcher, fields: &Fields, q: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
    let plan = Plan::new(&q.text);
    if plan.terms.is_empty() {
        return Err(IndexError::BadQuery {
            reason: if q.text.trim().is_empty() {
                "the query is empty".into()
            } else {
                format!("{:?} has no searchable word", q.text)
            },
        });
    }
    if q.limit == 0 {
        return Ok(Vec::new());
    }
    let mut keys = DocKeys::new(searcher)?;
    let mut taken = HashSet::new();

    let exact = query(fields, &plan, q, false);
    let mut found: Vec<(Score, DocAddress, bool)> = top_documents(searcher, &*exact, q.limit, &mut taken, &mut keys)?
        .into_iter()
        .map(|(score, addr)| (score, addr, true))
        .collect();

    if found.len() < q.limit && plan.has_loose_form() {
        let loose = query(fields, &plan, q, true);
        let want = q.limit - found.len();
        let floor = found.last().map(|&(score, _, _)| score);
        for (score, addr) in top_documents(searcher, &*loose, want, &mut taken, &mut keys)? {
            let score = match floor {
                Some(floor) => floor * score / (score + 1.0),
                None => score,
            };
            found.push((score, addr, false));
        }
    }

    found
        .into_iter()
        .map(|(score, addr, exact)| hit(searcher, fields, &plan, score, addr, exact))
        .collect()
}

/// The tantivy query for `plan` with the filters of `q`; `loose` turns
/// unquoted multi-token words into "all tokens anywhere on the page".
fn query(fields: &Fields, plan: &Plan, q: &SearchQuery, loose: bool) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &plan.terms {
        clauses.push((Occur::Must, term_query(fields, term, loose)));
    }
    let filter = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
        (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
    };
    let exact_term = |field: Field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    };
    if q.sealed_only {
        clauses.push(filter(Box::new(TermQuery::new(
            Term::from_field_bool(fields.sealed, true),
            IndexRecordOption::Basic,
        ))));
    }
    if let Some(folder) = &q.folder {
        clauses.push(filter(exact_term(fields.folder, folder)));
    }
    if let Some(tag) = &q.tag {
        clauses.push(filter(exact_term(fields.tags, tag)));
    }
    if q.since.is_some() || q.until.is_some() {
        let bound = |t: Option<i64>| match t {
            Some(t) => Bound::Included(Term::from_field_i64(fields.ingested, t)),
            None => Bound::Unbounded,
        };
        clauses.push(filter(Box::new(RangeQuery::new(bound(q.since), bound(q.until)))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The query for one word.
fn term_query(fields: &Fields, term: &TermPlan, loose: bool) -> Box<dyn Query> {
    let field = match term.gram {
        Gram::Bigram => fields.text,
        Gram::Unigram => fields.text_uni,
    };
    let single = |token: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, token),
            IndexRecordOption::WithFreqs,
        ))
    };
    match term.tokens.as_slice() {
        [token] => single(token),
        tokens if loose && term.has_loose_form() => Box::new(BooleanQuery::new(
            tokens.iter().map(|t| (Occur::Must, single(t))).collect(),
        )),
        tokens => Box::new(PhraseQuery::new(
            tokens.iter().map(|t| Term::from_field_text(field, t)).collect(),
        )),
    }
}

/// The best page of up to `want` documents not in `taken`, best first;
/// their keys are added to `taken`.
fn top_documents(
    searcher: &Searcher,
    query: &dyn Query,
    want: usize,
    taken: &mut HashSet<u64>,
    keys: &mut DocKeys,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    let mut fetch = want.saturating_mul(PAGES_PER_DOC).max(16);
    loop {
        let top = searcher
            .search(query, &TopDocs::with_limit(fetch))
            .map_err(IndexError::tantivy("search"))?;
        let mut seen = taken.clone();
        let mut docs = Vec::with_capacity(want);
        for &(score, addr) in &top {
            if seen.insert(keys.key(addr)?) {
                docs.push((score, addr));
                if docs.len() == want {
                    break;
                }
            }
        }
        if docs.len() == want || top.len() < fetch {
            *taken = seen;
            return Ok(docs);
        }
        fetch = fetch.saturating_mul(4);
    }
}

/// Reads the `doc_key` fast field, one column per segment, opened lazily.
struct DocKeys<'s> {
    /// The searcher whose segments these are.
    searcher: &'s Searcher,
    /// Column of each segment, by segment ordinal, once opened.
    columns: Vec<Option<Column<u64>>>,
}

impl<'s> DocKeys<'s> {
    /// Key reader for `searcher`.
    fn new(searcher: &'s Searcher) -> Result<DocKeys<'s>, IndexError> {
        Ok(DocKeys {
            searcher,
            columns: vec![None; searcher.segment_readers().len()],
        })
    }

    /// The document key of the record at `addr`.
    fn key(&mut self, addr: DocAddress) -> Result<u64, IndexError> {
        let slot = &mut self.columns[addr.segment_ord as usize];
        if slot.is_none() {
            let column = self
                .searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64(DOC_KEY)
                .map_err(IndexError::tantivy("read document keys"))?;
            *slot = Some(column);
        }
        let column = slot.as_ref().expect("just filled");
        Ok(column.first(addr.doc_id).unwrap_or_default())
    }
}

/// Builds the [`Hit`] for the page record at `addr`.
fn hit(
    searcher: &Searcher,
    fields: &Fields,
    plan: &Plan,
    score: Score,
    addr: DocAddress,
    exact: bool,
) -> Result<Hit, IndexError> {
    let doc: TantivyDocument = searcher
        .doc(addr)
        .map_err(IndexError::tantivy("read a stored page"))?;
    let text = |field: Field| -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let int = |field: Field| -> u64 { doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or_default() };
    let seal_count = u32::try_from(int(fields.seal_count)).unwrap_or(u32::MAX);
    Ok(Hit {
        doc_id: text(fields.doc_id),
        output: text(fields.output),
        file: text(fields.file),
        folder: text(fields.folder),
        tags: doc
            .get_all(fields.tags)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        page: u32::try_from(int(fields.page)).unwrap_or(u32::MAX),
        score,
        snippet: snippet(&text(fields.text), plan, exact),
        has_seal: seal_count > 0,
        seal_count,
        page_seal_count: u32::try_from(int(fields.page_seals)).unwrap_or(u32::MAX),
        ingested: doc
            .get_first(fields.ingested)
            .and_then(|v| v.as_i64())
            .unwrap_or_default(),
        exact,
    })
}
