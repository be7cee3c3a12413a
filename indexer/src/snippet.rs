//! Snippets: a short, one-line excerpt of a page with the matches marked.
//!
//! Matches are found by running the query's own analyzers over the stored
//! page text, so a snippet marks exactly what the index matched (a phrase
//! across a line break included). Matches are wrapped in `«` `»`.
//! Whitespace runs become one space, except a line break between two CJK
//! characters, which is dropped (`契約\n書` reads `契約書`, as it is indexed).

use std::collections::HashMap;
use std::ops::Range;

use tantivy::tokenizer::TokenStream;

use crate::query::{Plan, TermPlan};
use crate::tokenizer::{analyzer, is_cjk, Gram};

/// Opens a match in a snippet.
pub const MARK_OPEN: char = '«';
/// Closes a match in a snippet.
pub const MARK_CLOSE: char = '»';
/// Characters of page text in a snippet (not counting marks and `…`),
/// unless a match runs past the end.
pub const SNIPPET_CHARS: usize = 120;
/// How many characters of context precede the first match.
const LEAD_CHARS: usize = SNIPPET_CHARS / 4;

/// One analysed token: text and byte range.
struct Tok {
    text: String,
    range: Range<usize>,
}

/// The snippet of `text` for `plan`. With `exact`, multi-token words are
/// marked only where they occur as a phrase; else each of their tokens is.
pub(crate) fn snippet(text: &str, plan: &Plan, exact: bool) -> String {
    let ranges = match_ranges(text, plan, exact);
    render(text, &ranges, SNIPPET_CHARS)
}

/// Byte ranges of `text` that the query `query` matches, sorted and merged:
/// where its words occur as written, or, if they occur nowhere as written,
/// where their pieces do (the loose matches of [`Index::search`](crate::Index::search)).
/// Empty if the query has no searchable word.
///
/// ```
/// let text = "業務委託契約書\n甲は乙に";
/// let ranges = indexer::highlight(text, "契約書");
/// assert_eq!(ranges.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(), ["契約書"]);
/// ```
pub fn highlight(text: &str, query: &str) -> Vec<Range<usize>> {
    let plan = Plan::new(query);
    let exact = match_ranges(text, &plan, true);
    if exact.is_empty() {
        match_ranges(text, &plan, false)
    } else {
        exact
    }
}

/// Byte ranges of `text` matched by `plan`, sorted and merged.
pub(crate) fn match_ranges(text: &str, plan: &Plan, exact: bool) -> Vec<Range<usize>> {
    let mut analysed: HashMap<Gram, Vec<Tok>> = HashMap::new();
    let mut ranges = Vec::new();
    for term in &plan.terms {
        let toks = analysed
            .entry(term.gram)
            .or_insert_with(|| tokens(term.gram, text));
        find_term(toks, term, exact, &mut ranges);
    }
    merge(ranges)
}

/// The analysed tokens of `text`.
fn tokens(gram: Gram, text: &str) -> Vec<Tok> {
    let mut analyzer = analyzer(gram);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(Tok {
            text: t.text.clone(),
            range: t.offset_from..t.offset_to,
        });
    }
    out
}

/// Pushes the ranges where `term` occurs in `toks`.
fn find_term(toks: &[Tok], term: &TermPlan, exact: bool, out: &mut Vec<Range<usize>>) {
    let n = term.tokens.len();
    if n == 0 || toks.len() < n {
        return;
    }
    if exact || !term.has_loose_form() {
        // Tokens are at consecutive positions, so a phrase is a window.
        for window in toks.windows(n) {
            if window.iter().zip(&term.tokens).all(|(t, q)| &t.text == q) {
                out.push(window[0].range.start..window[n - 1].range.end);
            }
        }
    } else {
        out.extend(
            toks.iter()
                .filter(|t| term.tokens.contains(&t.text))
                .map(|t| t.range.clone()),
        );
    }
}

/// Sorts `ranges` and merges overlapping or touching ones.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Renders about `width` characters of `text` around the first of `ranges`
/// (byte ranges at character boundaries, sorted, disjoint).
pub(crate) fn render(text: &str, ranges: &[Range<usize>], width: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let char_at = |byte: usize| chars.partition_point(|&(b, _)| b < byte);
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);

    let anchor = ranges.first().map_or(0, |r| char_at(r.start));
    let mut start = anchor.saturating_sub(LEAD_CHARS);
    let mut end = (start + width).min(n);
    if end - start < width {
        start = end.saturating_sub(width);
    }
    // Never cut a match at the end.
    if let Some(r) = ranges
        .iter()
        .find(|r| r.start < byte_at(end) && r.end > byte_at(end))
    {
        end = char_at(r.end);
    }

    let mut out = String::new();
    let mut next = ranges
        .iter()
        .position(|r| r.end > byte_at(start))
        .unwrap_or(ranges.len());
    let mut open = false;
    let mut i = start;
    while i <= end {
        let byte = byte_at(i);
        if open && ranges[next].end == byte {
            out.push(MARK_CLOSE);
            open = false;
            next += 1;
        }
        if !open && next < ranges.len() && ranges[next].start == byte && i < end {
            out.push(MARK_OPEN);
            open = true;
        }
        if i == end {
            break;
        }
        let c = chars[i].1;
        if !c.is_whitespace() && !c.is_control() {
            out.push(c);
            i += 1;
            continue;
        }
        let run_end = (i..n)
            .find(|&j| !(chars[j].1.is_whitespace() || chars[j].1.is_control()))
            .unwrap_or(n);
        let line_break = chars[i..run_end]
            .iter()
            .any(|&(_, c)| c == '\n' || c == '\r');
        let joins_cjk = line_break
            && i > 0
            && is_cjk(chars[i - 1].1)
            && run_end < n
            && is_cjk(chars[run_end].1);
        if !joins_cjk && !out.ends_with(' ') {
            out.push(' ');
        }
        i = run_end.min(end);
    }
    if open {
        out.push(MARK_CLOSE);
    }

    let body = out.trim();
    let mut snippet = String::with_capacity(body.len() + 8);
    if start > 0 {
        snippet.push('…');
    }
    snippet.push_str(body);
    if end < n {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_a_phrase() {
        let plan = Plan::new("契約書");
        assert_eq!(
            snippet("本契約書は甲と乙の", &plan, true),
            "本«契約書»は甲と乙の"
        );
    }

    #[test]
    fn marks_a_phrase_across_a_line_break() {
        let plan = Plan::new("契約書");
        assert_eq!(snippet("本契約\n書は\n甲", &plan, true), "本«契約書»は甲");
        assert_eq!(
            snippet("hello\nworld", &Plan::new("world"), true),
            "hello «world»"
        );
    }

    #[test]
    fn marks_words_and_single_characters() {
        let plan = Plan::new("甲 Hello");
        assert_eq!(
            snippet("甲は乙に\nsay  HELLO,\tworld", &plan, true),
            "«甲»は乙に say «HELLO», world"
        );
    }

    #[test]
    fn loose_matches_mark_each_bigram() {
        let plan = Plan::new("契約書");
        assert_eq!(snippet("契約の約書", &plan, false), "«契約»の«約書»");
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let text = format!("{}契約書{}", "あ".repeat(200), "い".repeat(200));
        let s = snippet(&text, &Plan::new("契約書"), true);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        let body: String = s.chars().filter(|c| !"…«»".contains(*c)).collect();
        assert_eq!(body.chars().count(), SNIPPET_CHARS);
        assert!(
            s.contains(&format!("{}«契約書»い", "あ".repeat(LEAD_CHARS))),
            "{s}"
        );
    }

    #[test]
    fn match_near_the_end_fills_the_window_backwards() {
        let text = format!("{}契約書", "あ".repeat(200));
        let s = snippet(&text, &Plan::new("契約書"), true);
        assert!(s.starts_with('…') && s.ends_with("«契約書»"), "{s}");
    }

    #[test]
    fn without_a_match_shows_the_start() {
        let s = snippet("first line\nsecond", &Plan::new("zzz"), true);
        assert_eq!(s, "first line second");
        assert_eq!(render("", &[], 10), "");
    }
}
