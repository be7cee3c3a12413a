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
//!
//! Checking phrase positions is the expensive part (tantivy cannot prune a
//! conjunction, so a phrase of common bigrams like `契約書` is checked on
//! every page holding both). When a phrase's rarest token is on more than
//! [`PHRASE_SCAN_LIMIT`] pages, the exact tier runs in two steps
//! instead: the best pages by the cheap all-tokens query (no positions), then
//! the phrase check on those candidates only, asking for more candidates
//! until enough documents pass. Such hits are ranked by the all-tokens score.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Score, Searcher, TantivyDocument, Term};

use crate::error::IndexError;
use crate::query::{Plan, TermPlan};
use crate::record::{Hit, SearchQuery};
use crate::schema::{Fields, DOC_KEY};
use crate::snippet::snippet;
use crate::tokenizer::Gram;

/// Pages fetched per wanted document on the first try.
const PAGES_PER_DOC: usize = 3;

/// Above this many candidate pages, phrases are checked on the best
/// candidates only (see the module doc).
pub(crate) const PHRASE_SCAN_LIMIT: u64 = 20_000;

/// Candidate pages per wanted document on the first try of the two-step path.
const CANDIDATES_PER_DOC: usize = 24;

/// Runs `q` on `searcher`.
pub(crate) fn run(
    searcher: &Searcher,
    fields: &Fields,
    q: &SearchQuery,
) -> Result<Vec<Hit>, IndexError> {
    run_with(searcher, fields, q, PHRASE_SCAN_LIMIT)
}

/// [`run`] with another [`PHRASE_SCAN_LIMIT`] (tests force the two-step path).
pub(crate) fn run_with(
    searcher: &Searcher,
    fields: &Fields,
    q: &SearchQuery,
    phrase_scan_limit: u64,
) -> Result<Vec<Hit>, IndexError> {
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

    let exact = query(fields, &plan, q, Mode::Exact);
    let has_phrase = plan.terms.iter().any(|t| t.tokens.len() > 1);
    let exact_docs =
        if has_phrase && phrase_candidates(searcher, fields, &plan)? > phrase_scan_limit {
            let candidates = query(fields, &plan, q, Mode::AllTokens);
            top_documents_checked(
                searcher,
                &*candidates,
                &*exact,
                q.limit,
                &mut taken,
                &mut keys,
            )?
        } else {
            top_documents(searcher, &*exact, q.limit, &mut taken, &mut keys)?
        };
    let mut found: Vec<(Score, DocAddress, bool)> = exact_docs
        .into_iter()
        .map(|(score, addr)| (score, addr, true))
        .collect();

    if found.len() < q.limit && plan.has_loose_form() {
        let loose = query(fields, &plan, q, Mode::Loose);
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

/// How multi-token words are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// As phrases.
    Exact,
    /// Unquoted ones: all their tokens anywhere on the page; quoted ones as
    /// phrases (the loose tier).
    Loose,
    /// All: all their tokens anywhere on the page (candidates for the
    /// two-step exact tier).
    AllTokens,
}

/// The tantivy query for `plan` with the filters of `q`.
pub(crate) fn query(fields: &Fields, plan: &Plan, q: &SearchQuery, mode: Mode) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &plan.terms {
        clauses.push((Occur::Must, term_query(fields, term, mode)));
    }
    let filter = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
        (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
    };
    let exact_term = |field: Field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
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
        clauses.push(filter(Box::new(RangeQuery::new(
            bound(q.since),
            bound(q.until),
        ))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The query for one word.
fn term_query(fields: &Fields, term: &TermPlan, mode: Mode) -> Box<dyn Query> {
    let field = field_of(fields, term.gram);
    let single = |token: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, token),
            IndexRecordOption::WithFreqs,
        ))
    };
    match term.tokens.as_slice() {
        [token] => single(token),
        tokens if mode == Mode::AllTokens => Box::new(BooleanQuery::new(
            covering(tokens).map(|t| (Occur::Must, single(t))).collect(),
        )),
        tokens if mode == Mode::Loose && term.has_loose_form() => Box::new(BooleanQuery::new(
            tokens.iter().map(|t| (Occur::Must, single(t))).collect(),
        )),
        tokens => Box::new(PhraseQuery::new(
            tokens
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        )),
    }
}

/// The tokens of a phrase without those whose characters the neighbours
/// already cover: of the overlapping bigrams `東京 京地 地方 方裁 裁判 判所`,
/// `東京 地方 裁判 判所`. A page holding the phrase holds these; the
/// candidates query needs fewer posting lists (the phrase check that
/// follows still uses every token).
fn covering(tokens: &[String]) -> impl Iterator<Item = &String> {
    let overlap = |a: &str, b: &str| {
        let (mut a, mut b) = (a.chars(), b.chars());
        match (a.next(), a.next(), a.next(), b.next(), b.next(), b.next()) {
            (Some(a0), Some(a1), None, Some(b0), Some(b1), None) => {
                a1 == b0 && [a0, a1, b1].into_iter().all(crate::tokenizer::is_cjk)
            }
            _ => false,
        }
    };
    let mut last_kept = None;
    tokens.iter().enumerate().filter_map(move |(i, t)| {
        let covered = i > 0
            && i + 1 < tokens.len()
            && last_kept == Some(i - 1)
            && overlap(&tokens[i - 1], t)
            && overlap(t, &tokens[i + 1]);
        if covered {
            None
        } else {
            last_kept = Some(i);
            Some(t)
        }
    })
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
    let first = want.saturating_mul(PAGES_PER_DOC).max(16);
    new_documents(searcher, query, None, first, want, taken, keys)
}

/// Ranks pages by `ranked` and keeps the best page of up to `want`
/// documents not in `taken` (and, given `check`, only pages it matches),
/// asking for `fetch` pages first and four times more while pages of the
/// same documents, or pages failing the check, crowd the top.
fn new_documents(
    searcher: &Searcher,
    ranked: &dyn Query,
    check: Option<&dyn Weight>,
    mut fetch: usize,
    want: usize,
    taken: &mut HashSet<u64>,
    keys: &mut DocKeys,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    loop {
        let top = searcher
            .search(ranked, &TopDocs::with_limit(fetch))
            .map_err(IndexError::tantivy("search"))?;
        let passed = match check {
            Some(check) => matching(searcher, check, &top)?,
            None => vec![true; top.len()],
        };
        let mut seen = taken.clone();
        let mut docs = Vec::with_capacity(want);
        for (&(score, addr), ok) in top.iter().zip(passed) {
            if ok && seen.insert(keys.key(addr)?) {
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

/// The pages whose positions the exact query would check: for each phrase,
/// the document frequency of its rarest token (deleted pages included); the
/// largest of these, since each phrase scans its own candidates.
fn phrase_candidates(searcher: &Searcher, fields: &Fields, plan: &Plan) -> Result<u64, IndexError> {
    let mut most = 0;
    for term in plan.terms.iter().filter(|t| t.tokens.len() > 1) {
        let field = field_of(fields, term.gram);
        let mut least = u64::MAX;
        for token in &term.tokens {
            let freq = searcher
                .doc_freq(&Term::from_field_text(field, token))
                .map_err(IndexError::tantivy("read term statistics"))?;
            least = least.min(freq);
        }
        most = most.max(least);
    }
    Ok(most)
}

/// Like [`top_documents`] for `exact`, but ranking the pages of the cheaper
/// `candidates` query (which must match a superset of `exact`) and keeping
/// those `exact` matches too.
fn top_documents_checked(
    searcher: &Searcher,
    candidates: &dyn Query,
    exact: &dyn Query,
    want: usize,
    taken: &mut HashSet<u64>,
    keys: &mut DocKeys,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    let check = exact
        .weight(EnableScoring::disabled_from_searcher(searcher))
        .map_err(IndexError::tantivy("prepare the search"))?;
    let first = want.saturating_mul(CANDIDATES_PER_DOC).max(64);
    new_documents(searcher, candidates, Some(&*check), first, want, taken, keys)
}

/// For each of `pages`, whether `check` (a non-scoring weight) matches it.
fn matching(
    searcher: &Searcher,
    check: &dyn Weight,
    pages: &[(Score, DocAddress)],
) -> Result<Vec<bool>, IndexError> {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_unstable_by_key(|&i| pages[i].1);
    let mut passed = vec![false; pages.len()];
    let mut scorer: Option<(u32, Box<dyn Scorer>)> = None;
    for i in order {
        let addr = pages[i].1;
        if scorer.as_ref().map(|(segment, _)| *segment) != Some(addr.segment_ord) {
            let reader = searcher.segment_reader(addr.segment_ord);
            let fresh = check
                .scorer(reader, 1.0)
                .map_err(IndexError::tantivy("search"))?;
            scorer = Some((addr.segment_ord, fresh));
        }
        let (_, docs) = scorer.as_mut().expect("just set");
        if docs.doc() < addr.doc_id {
            docs.seek(addr.doc_id);
        }
        passed[i] = docs.doc() == addr.doc_id;
    }
    Ok(passed)
}

/// The field searched for `gram`.
fn field_of(fields: &Fields, gram: Gram) -> Field {
    match gram {
        Gram::Bigram => fields.text,
        Gram::Unigram => fields.text_uni,
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
    let int = |field: Field| -> u64 {
        doc.get_first(field)
            .and_then(|v| v.as_u64())
            .unwrap_or_default()
    };
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
        possible_duplicate_of: Some(text(fields.duplicate_of)).filter(|id| !id.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::covering;

    fn cover(tokens: &[&str]) -> Vec<String> {
        let tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        covering(&tokens).cloned().collect()
    }

    #[test]
    fn covering_drops_only_bigrams_both_neighbours_cover() {
        assert_eq!(cover(&["東京", "京地", "地方", "方裁", "裁判", "判所"]), ["東京", "地方", "裁判", "判所"]);
        assert_eq!(cover(&["契約", "約書"]), ["契約", "約書"]);
        assert_eq!(cover(&["契約", "約書", "書類"]), ["契約", "書類"]);
        // Latin words and non-overlapping neighbours are never dropped.
        assert_eq!(cover(&["abc", "株式", "式会", "会社"]), ["abc", "株式", "会社"]);
        assert_eq!(cover(&["hello", "big", "world"]), ["hello", "big", "world"]);
        assert_eq!(cover(&["契約", "書類", "類型"]), ["契約", "書類", "類型"]);
        assert_eq!(cover(&["x"]), ["x"]);
    }
}
