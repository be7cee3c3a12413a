//! Search benchmark (issue 6): builds an index of generated text-only
//! documents through the public API, then times 200 mixed Japanese/English
//! queries.
//!
//! ```text
//! cargo run --release -p indexer --example bench_search -- [--docs 100000] [--dir PATH] [--keep]
//! ```
//!
//! Documents have 1–3 pages (2 on average) of about 800 characters each:
//! Japanese contract sentences with some English lines, line breaks every
//! 20–40 characters, like OCR output. A fifth of them have a seal; folders,
//! tags and ingest dates vary so that filtered queries have work to do.
//! Everything comes from a fixed-seed generator: the same run builds the
//! same index.
//!
//! Prints a Markdown table (build time, index size, segments, latency
//! percentiles) on stdout; progress goes to stderr.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indexer::{DocRecord, Index, PageRecord, SealRecord, SearchQuery};

/// Japanese words of contracts and the like; the generator strings them
/// together with particles.
const JA: &[&str] = &[
    "契約書", "業務委託", "甲", "乙", "丙", "委託者", "受託者", "本契約", "個別契約", "秘密保持", "秘密情報", "損害賠償",
    "解除", "有効期間", "更新", "支払条件", "請求書", "検収", "納品", "瑕疵担保", "知的財産権", "著作権", "特許", "再委託",
    "反社会的勢力", "管轄裁判所", "東京地方裁判所", "大阪地方裁判所", "協議", "通知", "書面", "署名", "捺印", "記名押印",
    "代表取締役", "株式会社", "有限会社", "合同会社", "本社", "所在地", "東京都千代田区", "大阪府大阪市", "名古屋市",
    "福岡市", "横浜市", "賃貸借", "売買", "物品", "役務", "対価", "消費税", "振込", "銀行口座", "期日", "遅延損害金",
    "年率", "不可抗力", "天災地変", "譲渡", "担保", "保証", "連帯保証人", "個人情報", "安全管理", "監査", "報告",
    "指示", "変更", "追加", "費用", "負担", "責任", "免責", "保険", "第三者", "権利", "義務", "履行", "不履行",
    "催告", "期間満了", "存続条項", "準拠法", "日本法", "合意", "締結", "原本", "写し", "二通", "各一通", "保有",
    "印紙", "収入印紙", "覚書", "念書", "発注書", "注文請書", "見積書", "仕様書", "作業報告書", "議事録",
    "取締役会", "承認", "決裁", "稟議", "社印", "角印", "丸印", "実印", "銀行印", "印鑑証明書", "登記簿謄本",
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "山口", "松本",
];

/// Japanese particles and endings between words.
const PARTICLES: &[&str] = &["は", "の", "を", "に", "と", "が", "で", "及び", "並びに", "又は", "について", "に関する"];
const ENDINGS: &[&str] = &["する。", "とする。", "ものとする。", "を行う。", "に従う。", "を負う。", "を定める。", "ことができる。"];

/// English words of contracts.
const EN: &[&str] = &[
    "agreement", "contract", "party", "parties", "confidential", "information", "disclosure", "liability", "damages",
    "termination", "term", "renewal", "payment", "invoice", "delivery", "acceptance", "warranty", "intellectual",
    "property", "license", "assignment", "subcontract", "governing", "law", "jurisdiction", "court", "notice", "written",
    "signature", "seal", "representative", "director", "company", "limited", "corporation", "office", "address",
    "lease", "purchase", "goods", "services", "consideration", "tax", "transfer", "bank", "account", "due", "date",
    "interest", "force", "majeure", "guarantee", "guarantor", "personal", "data", "security", "audit", "report",
    "amendment", "cost", "expense", "insurance", "third", "rights", "obligations", "performance", "breach", "remedy",
    "survival", "japan", "tokyo", "osaka", "original", "copy", "stamp", "memorandum", "purchase", "order", "estimate",
    "specification", "minutes", "board", "approval", "certificate", "registry", "hereby", "shall", "pursuant", "thereof",
];

const FOLDERS: &[&str] = &["contracts", "legal", "purchasing", "hr", "archive"];
const TAGS: &[&str] = &["contract", "nda", "lease", "purchase", "2018", "2019", "2020", "2021", "tokyo", "osaka"];
const SHAPES: &[&str] = &["round", "square", "oval", "rect"];

/// 2021-01-01T00:00:00Z; documents are spread over three years from here.
const EPOCH: i64 = 1_609_459_200;
const THREE_YEARS: i64 = 3 * 365 * 86_400;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A Zipf-like pick: early items are much more frequent.
    fn skewed<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let a = self.below(items.len());
        let b = self.below(items.len());
        items[a.min(b)]
    }
}

/// One page of about `chars` characters, lines of 20–40 characters.
fn page_text(rng: &mut Rng, chars: usize) -> String {
    let mut flat = String::new();
    let mut count = 0;
    while count < chars {
        let sentence = if rng.below(10) < 7 {
            let mut s = String::new();
            for _ in 0..2 + rng.below(4) {
                s.push_str(rng.skewed(JA));
                s.push_str(rng.pick(PARTICLES));
            }
            s.push_str(rng.skewed(JA));
            s.push_str(rng.pick(ENDINGS));
            s
        } else {
            let words: Vec<&str> = (0..5 + rng.below(8)).map(|_| rng.skewed(EN)).collect();
            format!("{}. ", words.join(" "))
        };
        count += sentence.chars().count();
        flat.push_str(&sentence);
    }
    let mut out = String::with_capacity(flat.len() + flat.len() / 20);
    let mut line = 0;
    let mut width = 20 + rng.below(21);
    for c in flat.chars() {
        out.push(c);
        line += 1;
        if line >= width && (c == '。' || c == ' ' || !c.is_ascii()) {
            out.push('\n');
            line = 0;
            width = 20 + rng.below(21);
        }
    }
    out
}

/// Document number `i` of the corpus.
fn document(i: u64) -> DocRecord {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let pages = 1 + (i % 3) as u32;
    let sealed = rng.below(5) == 0;
    let seal_page = 1 + rng.below(pages as usize) as u32;
    let folder = rng.pick(FOLDERS);
    let tags = vec![rng.pick(TAGS).to_string(), rng.pick(TAGS).to_string()];
    DocRecord {
        doc_id: format!("{:016x}", rng.next()),
        sha256: format!("{:016x}{:016x}{:016x}{:016x}", rng.next(), rng.next(), rng.next(), i),
        file: format!("scan-{i:06}.tif"),
        source: format!("/srv/scans/{folder}/scan-{i:06}.tif"),
        output: format!("/srv/archive/{folder}/scan-{i:06}.pdf"),
        folder: folder.to_string(),
        tags,
        ingested: EPOCH + (rng.next() % THREE_YEARS as u64) as i64,
        pages: (1..=pages)
            .map(|p| PageRecord {
                page: p,
                text: {
                    let chars = 700 + rng.below(200);
                    page_text(&mut rng, chars)
                },
                seals: if sealed && p == seal_page {
                    vec![SealRecord { shape: rng.pick(SHAPES).into(), color: "red".into(), confidence: 0.9, bbox: [1800, 2600, 2100, 2900] }]
                } else {
                    vec![]
                },
                // Drawn apart from `rng`, so that the texts stay those of earlier runs.
                phash: Some(splitmix(i * 4 + u64::from(p))),
                ..Default::default()
            })
            .collect(),
        possible_duplicate_of: None,
    }
}

/// A well-mixed 64-bit value of `x` (SplitMix64's finaliser): the pages' perceptual hashes.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 200 benchmark queries: Japanese words, pairs and phrases, English
/// words and phrases, mixed queries, some with filters.
fn queries() -> Vec<(String, SearchQuery)> {
    let mut rng = Rng(42);
    let mut out = Vec::new();
    let q = |text: String| SearchQuery { text, ..Default::default() };
    for _ in 0..60 {
        out.push(("ja word".to_string(), q(rng.pick(JA).to_string())));
    }
    for _ in 0..30 {
        out.push(("ja two words".to_string(), q(format!("{} {}", rng.pick(JA), rng.pick(JA)))));
    }
    for _ in 0..20 {
        out.push(("ja phrase".to_string(), q(format!("{}{}{}", rng.pick(JA), rng.pick(PARTICLES), rng.pick(JA)))));
    }
    for _ in 0..30 {
        out.push(("en word".to_string(), q(rng.pick(EN).to_string())));
    }
    for _ in 0..20 {
        out.push(("en two words".to_string(), q(format!("{} {}", rng.pick(EN), rng.pick(EN)))));
    }
    for _ in 0..10 {
        out.push(("en phrase".to_string(), q(format!("\"{} {}\"", rng.skewed(EN), rng.skewed(EN)))));
    }
    for _ in 0..15 {
        out.push(("ja + en".to_string(), q(format!("{} {}", rng.pick(JA), rng.pick(EN)))));
    }
    for i in 0..15 {
        let mut s = q(rng.pick(JA).to_string());
        match i % 4 {
            0 => s.sealed_only = true,
            1 => s.folder = Some(rng.pick(FOLDERS).to_string()),
            2 => s.tag = Some(rng.pick(TAGS).to_string()),
            _ => {
                let since = EPOCH + (rng.next() % (THREE_YEARS as u64 / 2)) as i64;
                s.since = Some(since);
                s.until = Some(since + 180 * 86_400);
            }
        }
        out.push(("filtered".to_string(), s));
    }
    assert_eq!(out.len(), 200);
    out
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

/// Number of segments in the committed index (from tantivy's `meta.json`).
fn segments(dir: &Path) -> usize {
    let meta: serde_json::Value = std::fs::read(dir.join("meta.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    meta["segments"].as_array().map_or(0, Vec::len)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut docs: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
    let mut keep = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--docs" => docs = args.next().ok_or("--docs needs a number")?.parse()?,
            "--dir" => dir = Some(args.next().ok_or("--dir needs a path")?.into()),
            "--keep" => keep = true,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let tmp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| tmp.path().join("index"));
    let reuse = dir.join("meta.json").exists() && keep;

    let index = Index::open(&dir)?;
    let mut build = Duration::ZERO;
    let mut text_bytes = 0u64;
    if !reuse {
        eprintln!("building {docs} documents in {}", dir.display());
        let mut writer = index.writer()?;
        let started = Instant::now();
        let mut generate = Duration::ZERO;
        for i in 0..docs {
            let g = Instant::now();
            let d = document(i);
            generate += g.elapsed();
            text_bytes += d.pages.iter().map(|p| p.text.len() as u64).sum::<u64>();
            writer.add(&d)?;
            if (i + 1) % 10_000 == 0 {
                writer.commit()?;
                eprintln!("  {} documents, {:.0} s", i + 1, started.elapsed().as_secs_f64());
            }
        }
        writer.commit()?;
        build = started.elapsed() - generate;
        eprintln!("built in {:.1} s (+{:.1} s generating text); waiting for background merges", build.as_secs_f64(), generate.as_secs_f64());
        // Let tantivy's merge threads settle, as they would in a long-running daemon.
        let mut last = (segments(&dir), Instant::now());
        let settle = Instant::now();
        while settle.elapsed() < Duration::from_secs(600) && last.1.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_secs(2));
            let n = segments(&dir);
            if n != last.0 {
                last = (n, Instant::now());
            }
        }
        drop(writer);
    }
    let stats = index.stats()?;
    let size = dir_size(&dir);
    let segs = segments(&dir);

    let queries = queries();
    // First pass: every query once after opening (page cache warm from the build).
    let mut first = Vec::with_capacity(queries.len());
    let mut hits_total = 0;
    for (_, q) in &queries {
        let t = Instant::now();
        let hits = index.search(q)?;
        first.push(t.elapsed());
        hits_total += hits.len();
    }
    // Steady state: three more passes.
    let mut steady = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut by_query = vec![Duration::ZERO; queries.len()];
    for _ in 0..3 {
        for (i, (kind, q)) in queries.iter().enumerate() {
            let t = Instant::now();
            let _ = index.search(q)?;
            let e = t.elapsed();
            steady.push(e);
            by_kind.entry(kind).or_default().push(e);
            by_query[i] = by_query[i].max(e);
        }
    }
    // What ingest adds per document: looking for an earlier scan of the same
    // paper (every page hash in the index compared, candidates read).
    let mut writer = index.writer()?;
    let mut lookups = Vec::new();
    for i in 0..50 {
        let d = document(docs + i);
        let t = Instant::now();
        let found = writer.possible_duplicate_of(&d)?;
        lookups.push(t.elapsed());
        assert_eq!(found, None, "a new document is no re-scan");
    }
    let original = document(7);
    let mut rescan = document(docs + 99);
    rescan.pages = original.pages.iter().map(|p| PageRecord { phash: p.phash.map(|h| h ^ 0b1_0010_0100), ..p.clone() }).collect();
    let t = Instant::now();
    let found = writer.possible_duplicate_of(&rescan)?;
    let rescan_time = t.elapsed();
    assert_eq!(found.as_deref(), Some(original.doc_id.as_str()), "the re-scan of document 7 is found");
    drop(writer);
    lookups.sort();

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    first.sort();
    steady.sort();

    println!("| measure | value |");
    println!("|---|---|");
    println!("| documents / pages | {} / {} |", stats.documents, stats.pages);
    if !reuse {
        println!("| page text indexed | {:.0} MB |", text_bytes as f64 / 1e6);
        println!("| build time (add + 10 commits, text generation excluded) | {:.1} s ({:.0} docs/s) |", build.as_secs_f64(), docs as f64 / build.as_secs_f64());
    }
    println!("| index size on disk | {:.0} MB |", size as f64 / 1e6);
    println!("| segments after merges settled | {segs} |");
    println!("| queries | {} (hits returned: {hits_total}, limit 10) |", queries.len());
    println!("| first pass p50 / p99 / max | {} / {} / {} |", ms(percentile(&first, 50.0)), ms(percentile(&first, 99.0)), ms(*first.last().unwrap()));
    println!("| steady (3 passes) p50 / p99 / max | {} / {} / {} |", ms(percentile(&steady, 50.0)), ms(percentile(&steady, 99.0)), ms(*steady.last().unwrap()));
    println!("| re-scan lookup at ingest, 50 new documents: p50 / max; a real re-scan | {} / {}; {} |", ms(percentile(&lookups, 50.0)), ms(*lookups.last().unwrap()), ms(rescan_time));
    println!();
    println!("| query kind | n | p50 | p99 |");
    println!("|---|---|---|---|");
    for (kind, mut v) in by_kind {
        v.sort();
        println!("| {kind} | {} | {} | {} |", v.len() / 3, ms(percentile(&v, 50.0)), ms(percentile(&v, 99.0)));
    }
    println!();
    println!("Load average at the end (1/5/15 min): {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" / "));
    let mut slow: Vec<usize> = (0..queries.len()).collect();
    slow.sort_by_key(|&i| std::cmp::Reverse(by_query[i]));
    eprintln!("slowest queries (worst of 3 passes):");
    for &i in slow.iter().take(8) {
        let q = &queries[i].1;
        eprintln!("  {:>8}  {:<12} {:?} sealed={} folder={:?} tag={:?} since={:?}", ms(by_query[i]), queries[i].0, q.text, q.sealed_only, q.folder, q.tag, q.since);
    }
    if keep {
        eprintln!("index kept in {}", dir.display());
        std::mem::forget(tmp);
    }
    Ok(())
}
