//! Index-level tests: real tantivy indexes in temp directories.

use std::time::Duration;

use tempfile::TempDir;

use crate::*;

/// A seal of the given shape.
fn seal(shape: &str) -> SealRecord {
    SealRecord {
        shape: shape.into(),
        color: "red".into(),
        confidence: 0.9,
        bbox: [10, 20, 110, 120],
    }
}

/// A document with pages `(text, seal shapes)`, numbered from 1.
fn record(
    id: &str,
    folder: &str,
    tags: &[&str],
    ingested: i64,
    pages: &[(&str, &[&str])],
) -> DocRecord {
    DocRecord {
        doc_id: id.into(),
        sha256: format!("{id}{}", "0".repeat(64 - id.len())),
        file: format!("{id}.tif"),
        source: format!("/scans/{folder}/{id}.tif"),
        output: format!("/archive/{id}.pdf"),
        folder: folder.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ingested,
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, (text, seals))| PageRecord {
                page: i as u32 + 1,
                text: text.to_string(),
                seals: seals.iter().map(|s| seal(s)).collect(),
                ..Default::default()
            })
            .collect(),
        possible_duplicate_of: None,
    }
}

const A: &str = "aaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccc";
const D: &str = "dddddddddddddddd";

/// The shared corpus: A and C have seals; C breaks 契約書 across lines; D has
/// its bigrams apart.
fn corpus() -> Vec<DocRecord> {
    vec![
        record(
            A,
            "contracts",
            &["contract", "2024"],
            1_000,
            &[
                (
                    "業務委託契約書\nABC株式会社と山田商事は以下のとおり契約を締結する。",
                    &[],
                ),
                (
                    "第５条 損害賠償金\n甲は乙に対し損害賠償金を支払う。",
                    &["round"],
                ),
            ],
        ),
        record(
            B,
            "invoices",
            &["invoice"],
            2_000,
            &[
                ("Invoice\nPayment terms: thirty days.", &[]),
                ("請求書\nお支払い期限は月末です。hello world", &[]),
            ],
        ),
        record(
            C,
            "",
            &[],
            3_000,
            &[
                ("会議の記録", &[]),
                (
                    "本契約\n書は、双方の署名をもって成立する。",
                    &["square", "round"],
                ),
            ],
        ),
        record(
            D,
            "contracts",
            &["memo"],
            4_000,
            &[("契約の変更と約書の扱い", &[])],
        ),
    ]
}

/// A fresh index holding `docs`, committed.
fn index_with(docs: &[DocRecord]) -> (TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(&dir.path().join("index")).unwrap();
    let mut writer = index.writer().unwrap();
    for doc in docs {
        writer.add(doc).unwrap();
    }
    writer.commit().unwrap();
    (dir, index)
}

fn search(index: &Index, text: &str) -> Vec<Hit> {
    index
        .search(&SearchQuery {
            text: text.into(),
            ..Default::default()
        })
        .unwrap()
}

/// `(doc_id, page)` of each hit.
fn found(hits: &[Hit]) -> Vec<(&str, u32)> {
    hits.iter().map(|h| (h.doc_id.as_str(), h.page)).collect()
}

#[test]
fn two_character_word() {
    let (_dir, index) = index_with(&corpus());
    let hits = search(&index, "請求");
    assert_eq!(found(&hits), [(B, 2)]);
    assert_eq!(
        hits[0].snippet,
        "«請求»書お支払い期限は月末です。hello world"
    );
    assert!(hits[0].exact);
}

#[test]
fn five_character_word() {
    let (_dir, index) = index_with(&corpus());
    let hits = search(&index, "損害賠償金");
    assert_eq!(found(&hits), [(A, 2)]);
    let hit = &hits[0];
    assert_eq!(
        hit.snippet,
        "第５条 «損害賠償金»甲は乙に対し«損害賠償金»を支払う。"
    );
    assert_eq!(
        (hit.file.as_str(), hit.output.as_str()),
        ("aaaaaaaaaaaaaaaa.tif", "/archive/aaaaaaaaaaaaaaaa.pdf")
    );
    assert_eq!(
        (hit.folder.as_str(), hit.tags.clone()),
        ("contracts", vec!["contract".to_string(), "2024".into()])
    );
    assert_eq!(
        (
            hit.has_seal,
            hit.seal_count,
            hit.page_seal_count,
            hit.ingested
        ),
        (true, 1, 1, 1_000)
    );
    assert!(hit.score > 0.0);
}

#[test]
fn english_word_any_case() {
    let (_dir, index) = index_with(&corpus());
    for q in ["payment", "PAYMENT", "Ｐａｙｍｅｎｔ"] {
        let hits = search(&index, q);
        assert_eq!(found(&hits), [(B, 1)], "{q}");
        assert_eq!(hits[0].snippet, "Invoice «Payment» terms: thirty days.");
    }
    assert_eq!(found(&search(&index, "hello")), [(B, 2)]);
    assert!(search(&index, "hell").is_empty(), "whole words only");
}

#[test]
fn phrase_across_scripts() {
    let (_dir, index) = index_with(&corpus());
    assert_eq!(found(&search(&index, "ABC株式会社")), [(A, 1)]);
    assert_eq!(found(&search(&index, "\"hello world\"")), [(B, 2)]);
    assert!(search(&index, "\"world hello\"").is_empty());
}

#[test]
fn phrase_across_a_line_break_and_exact_before_scattered() {
    let (_dir, index) = index_with(&corpus());
    let hits = search(&index, "契約書");
    let exact: Vec<_> = hits
        .iter()
        .filter(|h| h.exact)
        .map(|h| (h.doc_id.as_str(), h.page))
        .collect();
    assert_eq!(exact.len(), 2);
    assert!(
        exact.contains(&(A, 1)) && exact.contains(&(C, 2)),
        "{exact:?}"
    );
    // D has 契約 and 約書 apart: listed, but after every exact match.
    assert_eq!(hits.len(), 3);
    assert_eq!((hits[2].doc_id.as_str(), hits[2].exact), (D, false));
    assert!(hits[2].score < hits[1].score);
    assert_eq!(hits[2].snippet, "«契約»の変更と«約書»の扱い");

    let c = hits.iter().find(|h| h.doc_id == C).unwrap();
    assert_eq!(c.snippet, "本«契約書»は、双方の署名をもって成立する。");

    // Quoted: exact only.
    let hits = search(&index, "\"契約書\"");
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.exact));
}

#[test]
fn single_character_inside_longer_words() {
    let (_dir, index) = index_with(&corpus());
    let hits = search(&index, "甲");
    assert_eq!(found(&hits), [(A, 2)]);
    assert_eq!(
        hits[0].snippet,
        "第５条 損害賠償金«甲»は乙に対し損害賠償金を支払う。"
    );
    assert_eq!(found(&search(&index, "乙")), [(A, 2)]);
    // a lone character next to a Latin word
    assert_eq!(found(&search(&index, "ABC株")), [(A, 1)]);
    assert_eq!(found(&search(&index, "署")), [(C, 2)]);
}

#[test]
fn all_words_must_match_on_the_same_page() {
    let (_dir, index) = index_with(&corpus());
    assert_eq!(found(&search(&index, "甲 損害賠償金")), [(A, 2)]);
    assert_eq!(found(&search(&index, "  payment　invoice ")), [(B, 1)]);
    // 業務委託 is on page 1, 損害賠償金 on page 2
    assert!(search(&index, "業務委託 損害賠償金").is_empty());
    assert!(search(&index, "甲 請求書").is_empty());
    assert!(search(&index, "存在しない").is_empty());
}

#[test]
fn filters() {
    let (_dir, index) = index_with(&corpus());
    let run = |q: SearchQuery| {
        let mut ids: Vec<String> = index
            .search(&q)
            .unwrap()
            .into_iter()
            .map(|h| h.doc_id)
            .collect();
        ids.sort();
        ids
    };
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = SearchQuery {
            text: "契約".into(),
            ..Default::default()
        };
        f(&mut q);
        q
    };
    assert_eq!(run(q(&|_| {})), [A, C, D]);
    assert_eq!(run(q(&|q| q.sealed_only = true)), [A, C]);
    assert_eq!(run(q(&|q| q.folder = Some("contracts".into()))), [A, D]);
    assert_eq!(run(q(&|q| q.folder = Some(String::new()))), [C]);
    assert_eq!(run(q(&|q| q.tag = Some("contract".into()))), [A]);
    assert_eq!(run(q(&|q| q.tag = Some("memo".into()))), [D]);
    assert_eq!(run(q(&|q| q.since = Some(3_000))), [C, D]);
    assert_eq!(run(q(&|q| q.until = Some(3_000))), [A, C]);
    assert_eq!(
        run(q(&|q| {
            q.since = Some(1_500);
            q.until = Some(3_500);
        })),
        [C]
    );
    assert!(run(q(&|q| {
        q.sealed_only = true;
        q.folder = Some("invoices".into());
    }))
    .is_empty());
    assert!(run(q(&|q| q.since = Some(5_000))).is_empty());
}

#[test]
fn two_step_phrase_check_finds_the_same_documents() {
    let (_dir, index) = index_with(&corpus());
    let searcher = index.searcher().unwrap();
    for text in [
        "契約書",
        "\"契約書\"",
        "損害賠償金 甲",
        "ABC株式会社",
        "hello",
        "\"hello world\"",
        "\"world hello\"",
    ] {
        for sealed_only in [false, true] {
            let q = SearchQuery {
                text: text.into(),
                sealed_only,
                ..Default::default()
            };
            let normal = crate::search::run(&searcher, &index.fields, &q).unwrap();
            let two_step = crate::search::run_with(&searcher, &index.fields, &q, 0).unwrap();
            let ids = |hits: &[Hit]| {
                let mut v: Vec<(String, u32, bool)> = hits
                    .iter()
                    .map(|h| (h.doc_id.clone(), h.page, h.exact))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(ids(&normal), ids(&two_step), "{text} sealed={sealed_only}");
            assert!(two_step.windows(2).all(|w| w[0].score >= w[1].score));
        }
    }
    // with many candidates per document, more are fetched until enough pass
    let pages: Vec<String> = (0..100)
        .map(|i| {
            if i == 99 {
                "契約書".to_string()
            } else {
                format!("契約 と 約書 {i}")
            }
        })
        .collect();
    let pages: Vec<(&str, &[&str])> = pages.iter().map(|t| (t.as_str(), &[][..])).collect();
    let (_dir, index) = index_with(&[
        record(A, "f", &[], 1, &pages),
        record(B, "f", &[], 2, &[("契約書です", &[])]),
    ]);
    let searcher = index.searcher().unwrap();
    // limit 2: the first 64 candidates hold A's phrase-less pages
    let q = SearchQuery {
        text: "\"契約書\"".into(),
        limit: 2,
        ..Default::default()
    };
    let hits = crate::search::run_with(&searcher, &index.fields, &q, 0).unwrap();
    let mut ids: Vec<(&str, u32)> = hits.iter().map(|h| (h.doc_id.as_str(), h.page)).collect();
    ids.sort();
    assert_eq!(ids, [(A, 100), (B, 1)]);
}

#[test]
fn limit_and_one_hit_per_document() {
    let many: Vec<(String, &[&str])> = (0..50)
        .map(|i| (format!("crowd page {i}"), &[][..]))
        .collect();
    let pages: Vec<(&str, &[&str])> = many.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    let docs = vec![
        record("eeeeeeeeeeeeeeee", "f", &[], 1, &pages),
        record(
            "ffffffffffffffff",
            "f",
            &[],
            2,
            &[("crowd crowd crowd", &[])],
        ),
        record("gggggggggggggggg", "f", &[], 3, &[("a crowd", &[])]),
    ];
    let (_dir, index) = index_with(&docs);
    let hits = search(&index, "crowd");
    let mut ids: Vec<&str> = hits.iter().map(|h| h.doc_id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["eeeeeeeeeeeeeeee", "ffffffffffffffff", "gggggggggggggggg"]
    );
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));

    let q = |limit| SearchQuery {
        text: "crowd".into(),
        limit,
        ..Default::default()
    };
    assert_eq!(index.search(&q(2)).unwrap().len(), 2);
    assert!(index.search(&q(0)).unwrap().is_empty());
}

#[test]
fn readding_replaces() {
    let docs = corpus();
    let (_dir, index) = index_with(&docs);
    let mut writer = index.writer().unwrap();
    // again, twice in one batch, with a new text the second time
    writer.add(&docs[0]).unwrap();
    let mut changed = docs[0].clone();
    changed.pages[0].text = "改訂版の業務委託契約書".into();
    writer.add(&changed).unwrap();
    writer.commit().unwrap();
    drop(writer);

    assert_eq!(
        index.stats().unwrap(),
        Stats {
            documents: 4,
            pages: 7,
            sealed: 2
        }
    );
    assert_eq!(found(&search(&index, "業務委託")), [(A, 1)]);
    assert_eq!(found(&search(&index, "改訂版")), [(A, 1)]);
    assert!(search(&index, "山田商事").is_empty());
    assert_eq!(index.sealed().unwrap().len(), 2);
}

#[test]
fn find_by_sha256_and_document() {
    let docs = corpus();
    let (_dir, index) = index_with(&docs);
    assert_eq!(
        index.find_by_sha256(&docs[1].sha256).unwrap().as_deref(),
        Some(B)
    );
    assert_eq!(
        index
            .find_by_sha256(&docs[1].sha256.to_uppercase())
            .unwrap()
            .as_deref(),
        Some(B)
    );
    assert_eq!(index.find_by_sha256(&"9".repeat(64)).unwrap(), None);

    let summary = index.document(C).unwrap().unwrap();
    assert_eq!(summary, DocSummary::of(&docs[2]));
    assert_eq!((summary.page_count, summary.seal_count), (2, 2));
    assert_eq!(summary.pages_with_seals, [2]);
    assert_eq!(summary.pages[1].seals[0].shape, "square");
    assert_eq!(index.document("nope").unwrap(), None);
}

#[test]
fn sealed_listing_oldest_first() {
    let (_dir, index) = index_with(&corpus());
    let sealed = index.sealed().unwrap();
    assert_eq!(sealed.len(), 2);
    let a = &sealed[0];
    assert_eq!(a.doc_id, A);
    assert_eq!(
        (a.file.as_str(), a.folder.as_str(), a.ingested),
        ("aaaaaaaaaaaaaaaa.tif", "contracts", 1_000)
    );
    assert_eq!(
        (a.pages_with_seals.clone(), a.seal_count, a.shapes.clone()),
        (vec![2], 1, vec!["round".to_string()])
    );
    let c = &sealed[1];
    assert_eq!(c.doc_id, C);
    assert_eq!((c.pages_with_seals.clone(), c.seal_count), (vec![2], 2));
    assert_eq!(c.shapes, ["square", "round"]);
}

#[test]
fn stats_count_documents_pages_and_sealed() {
    let (_dir, index) = index_with(&corpus());
    assert_eq!(
        index.stats().unwrap(),
        Stats {
            documents: 4,
            pages: 7,
            sealed: 2
        }
    );
}

#[test]
fn empty_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(&dir.path().join("new").join("index")).unwrap();
    assert!(search(&index, "契約書").is_empty());
    assert!(search(&index, "甲").is_empty());
    assert_eq!(index.stats().unwrap(), Stats::default());
    assert!(index.sealed().unwrap().is_empty());
    assert_eq!(index.find_by_sha256("00").unwrap(), None);
    assert_eq!(index.document(A).unwrap(), None);
    // reopening an existing index works
    drop(index);
    let again = Index::open(&dir.path().join("new").join("index")).unwrap();
    assert!(search(&again, "x").is_empty());
}

#[test]
fn bad_queries_are_one_sentence() {
    let (_dir, index) = index_with(&corpus());
    for q in ["", "   ", "、。!?"] {
        let err = index
            .search(&SearchQuery {
                text: q.into(),
                ..Default::default()
            })
            .unwrap_err();
        assert!(matches!(err, IndexError::BadQuery { .. }), "{q:?}: {err}");
        assert!(err.to_string().starts_with("bad query: "));
    }
}

#[test]
fn other_handles_see_new_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let writer_side = Index::open(&path).unwrap();
    let reader_side = Index::open(&path).unwrap();
    assert!(search(&reader_side, "請求").is_empty());

    let mut writer = writer_side.writer().unwrap();
    writer.add(&corpus()[1]).unwrap();
    assert!(search(&reader_side, "請求").is_empty(), "not before commit");
    writer.commit().unwrap();
    assert_eq!(found(&search(&reader_side, "請求")), [(B, 2)]);
    assert_eq!(reader_side.stats().unwrap().documents, 1);
}

#[test]
fn second_writer_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let first = Index::open(&path).unwrap();
    let second = Index::open(&path).unwrap();
    let held = first.writer().unwrap();
    let err = second
        .writer_with_timeout(Duration::from_millis(300))
        .unwrap_err();
    assert!(err.is_locked(), "{err}");
    drop(held);
    assert!(second.writer_with_timeout(Duration::from_secs(5)).is_ok());
}

#[test]
fn handles_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Index>();
    send_sync::<Writer>();
    send_sync::<IndexError>();
}

#[test]
fn empty_doc_id_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut writer = index.writer().unwrap();
    let err = writer
        .add(&record("", "f", &[], 1, &[("x", &[])]))
        .unwrap_err();
    assert!(matches!(err, IndexError::InvalidRecord { .. }));
}

/// A rough latency check, not run by default:
/// `INKAN_BENCH_DOCS=100000 cargo test -p indexer bench_search -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_search() {
    use std::time::Instant;

    let docs: usize = std::env::var("INKAN_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    // A Zipf-like vocabulary: a few very common function words and contract
    // terms, then a long tail of synthetic kanji compounds.
    let common = [
        "の",
        "は",
        "を",
        "に",
        "して",
        "する",
        "ものとする",
        "について",
        "契約",
        "甲",
        "乙",
        "第",
        "条",
        "項",
        "本件",
        "契約書",
        "株式会社",
        "支払い",
        "期限",
        "請求書",
        "損害賠償",
        "業務委託",
        "invoice",
        "payment",
        "total",
        "2024年",
        "署名",
        "捺印",
        "印鑑",
        "秘密保持",
        "解除",
        "東京都",
    ];
    let kanji: Vec<char> = "安以宇衣於加幾久計己左之寸世曽太知川天止奈仁奴祢乃波比不部保末美武女毛也由与良利留礼呂和遠"
        .chars()
        .collect();
    let mut tail = Vec::new();
    for (i, a) in kanji.iter().enumerate() {
        for b in kanji.iter().skip(i % 7).step_by(3) {
            tail.push(format!("{a}{b}"));
        }
    }
    // xorshift: deterministic pseudo-random text
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let word = |next: &mut dyn FnMut(usize) -> usize| -> String {
        // rank r with probability ~ 1/r over common ++ tail
        let total = common.len() + tail.len();
        let r = ((total as f64).powf(next(10_000) as f64 / 10_000.0) as usize).clamp(1, total) - 1;
        if r < common.len() {
            common[r].to_string()
        } else {
            tail[r - common.len()].clone()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let started = Instant::now();
    let mut writer = index.writer().unwrap();
    for d in 0..docs {
        let pages: Vec<PageRecord> = (1..=2)
            .map(|page| {
                let mut text = String::new();
                for i in 0..120 {
                    text.push_str(&word(&mut next));
                    if i % 20 == 19 {
                        text.push('\n');
                    }
                }
                PageRecord {
                    page,
                    text,
                    seals: if d % 7 == 0 {
                        vec![seal("round")]
                    } else {
                        vec![]
                    },
                    ..Default::default()
                }
            })
            .collect();
        let id = format!("{d:016x}");
        writer
            .add(&DocRecord {
                doc_id: id.clone(),
                sha256: format!("{id}{}", "0".repeat(48)),
                file: format!("{id}.tif"),
                source: String::new(),
                output: format!("/out/{id}.pdf"),
                folder: ["contracts", "invoices"][d % 2].into(),
                tags: vec![],
                ingested: d as i64,
                pages,
                possible_duplicate_of: None,
            })
            .unwrap();
        if d % 20_000 == 19_999 {
            writer.commit().unwrap();
        }
    }
    writer.commit().unwrap();
    drop(writer);
    eprintln!("indexed {docs} documents in {:?}", started.elapsed());

    for text in [
        "の",
        "契約",
        "契約書",
        "損害賠償 東京都",
        "甲",
        "invoice",
        "秘密保持契約",
        "zzz",
        "株式会社 印鑑 捺印",
        "安以",
        "留礼呂",
    ] {
        for sealed_only in [false, true] {
            let q = SearchQuery {
                text: text.into(),
                sealed_only,
                ..Default::default()
            };
            let mut times = Vec::new();
            let mut n = 0;
            for _ in 0..30 {
                let t = Instant::now();
                n = index.search(&q).unwrap().len();
                times.push(t.elapsed());
            }
            times.sort();
            eprintln!(
                "{text:>20} sealed={sealed_only:<5} hits={n:>2} p50={:>8.2?} max={:>8.2?}",
                times[15], times[29]
            );
        }
    }
    let t = Instant::now();
    let stats = index.stats().unwrap();
    eprintln!("stats {stats:?} in {:?}", t.elapsed());
    let t = Instant::now();
    let sealed = index.sealed().unwrap();
    eprintln!("sealed() {} docs in {:?}", sealed.len(), t.elapsed());
}

/// A one-page document with a page hash, for the re-scan tests.
fn hashed(id: &str, ingested: i64, phash: u64, text: &str) -> DocRecord {
    let mut doc = record(id, "scans", &[], ingested, &[(text, &[])]);
    doc.pages[0].phash = Some(phash);
    doc
}

#[test]
fn rescans_are_found_by_hash_and_text() {
    let dir = TempDir::new().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut writer = index.writer().unwrap();
    let text = "業務委託契約書\n甲は乙に対し、次の業務を委託する。\n第1条 委託業務の内容";
    let other = "売買契約書\n乙は甲に対し、次の商品を売り渡す。\n第1条 売買の目的物";
    writer.add(&hashed(A, 100, 0xF0F0_F0F0_0F0F_0F0F, text)).unwrap();
    writer.add(&hashed(B, 200, 0xF0F0_F0F0_0F0F_0F0F, other)).unwrap();
    writer.commit().unwrap();

    // Five bits off, the text read with one line break elsewhere: a re-scan of A.
    let rescan = hashed(C, 300, 0xF0F0_F0F0_0F0F_0F0F ^ 0b1_0110_1001, &text.replace('\n', ""));
    assert_eq!(writer.possible_duplicate_of(&rescan).unwrap().as_deref(), Some(A));
    // The same look with the other text is B's, never both.
    let looks_like_b = hashed(C, 300, 0xF0F0_F0F0_0F0F_0F0F, other);
    assert_eq!(writer.possible_duplicate_of(&looks_like_b).unwrap().as_deref(), Some(B));
    // Far hash, or no hash at all: nothing.
    assert_eq!(writer.possible_duplicate_of(&hashed(C, 300, !0xF0F0_F0F0_0F0F_0F0F, text)).unwrap(), None);
    assert_eq!(writer.possible_duplicate_of(&record(C, "scans", &[], 300, &[(text, &[])])).unwrap(), None);
    // A document is not its own re-scan.
    assert_eq!(writer.possible_duplicate_of(&hashed(A, 100, 0xF0F0_F0F0_0F0F_0F0F, text)).unwrap(), None);

    // Stored and shown on hits and in the summary.
    let mut marked = rescan.clone();
    marked.possible_duplicate_of = Some(A.into());
    writer.add(&marked).unwrap();
    writer.commit().unwrap();
    let hits = index.search(&SearchQuery { text: "業務委託".into(), ..Default::default() }).unwrap();
    let by_id = |id: &str| hits.iter().find(|h| h.doc_id == id).unwrap().possible_duplicate_of.clone();
    assert_eq!((by_id(A), by_id(C)), (None, Some(A.to_string())));
    assert_eq!(index.document(C).unwrap().unwrap().possible_duplicate_of.as_deref(), Some(A));
    // A later re-scan points to the earliest of the matches (A, not C).
    let again = hashed(D, 400, 0xF0F0_F0F0_0F0F_0F0F ^ 0b11, text);
    assert_eq!(writer.possible_duplicate_of(&again).unwrap().as_deref(), Some(A));
}

#[test]
fn page_layouts_and_highlights() {
    let dir = TempDir::new().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut writer = index.writer().unwrap();
    let mut doc = record(A, "scans", &[], 100, &[("業務委託契約書\n甲は乙に署名捺印する。", &[])]);
    doc.pages[0].width = 2480;
    doc.pages[0].height = 3508;
    doc.pages[0].lines = vec![
        LineRecord { text: "業務委託契約書".into(), bbox: [300, 200, 1000, 280] },
        LineRecord { text: "甲は乙に署名捺印する。".into(), bbox: [300, 400, 1400, 460] },
    ];
    writer.add(&doc).unwrap();
    writer.commit().unwrap();
    let layout = index.page_layout(A, 1).unwrap().unwrap();
    assert_eq!((layout.page, layout.width, layout.height, layout.lines.len()), (1, 2480, 3508, 2));
    assert_eq!(layout.text, doc.pages[0].text);
    assert_eq!(index.page_layout(A, 2).unwrap(), None);
    assert_eq!(index.page_layout(B, 1).unwrap(), None);
    let ranges = highlight(&layout.text, "署名捺印");
    assert_eq!(ranges.iter().map(|r| &layout.text[r.clone()]).collect::<Vec<_>>(), ["署名捺印"]);
    assert!(highlight(&layout.text, "、。").is_empty());
}
