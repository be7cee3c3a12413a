//! Ingest of the known pages: the searchable PDFs and the search index.

use std::process::Command;

use crate::util::{ingested, json_lines, run, squash, truth, data_path};

fn line_for<'a>(file: &str) -> &'a serde_json::Value {
    ingested()
        .lines
        .iter()
        .find(|l| l["file"].as_str().is_some_and(|f| f.ends_with(&format!("/{file}"))))
        .unwrap_or_else(|| panic!("no ingest line for {file}: {:?}", ingested().lines))
}

#[test]
fn every_known_file_is_indexed_with_its_page_count() {
    let ing = ingested();
    assert!(ing.success, "ingest failed: {:?}", ing.lines);
    for (file, pages) in truth() {
        let l = line_for(&file);
        assert_eq!(l["status"], "indexed", "{l}");
        assert_eq!(l["pages"].as_u64().unwrap() as usize, pages.as_array().unwrap().len(), "{file}");
        assert!(l["doc_id"].as_str().unwrap().len() == 16);
        assert!(l["output"].as_str().unwrap().ends_with(".pdf"));
    }
}

#[test]
fn pdftotext_returns_every_known_line() {
    let mut missing = Vec::new();
    for (file, pages) in truth() {
        let pdf = line_for(&file)["output"].as_str().unwrap().to_string();
        for (i, lines) in pages.as_array().unwrap().iter().enumerate() {
            let page = (i + 1).to_string();
            let out = Command::new("pdftotext").args(["-f", &page, "-l", &page, &pdf, "-"]).output().expect("pdftotext (poppler-utils) is installed");
            let text = String::from_utf8_lossy(&out.stdout);
            // No spaces may appear inside Japanese text.
            let got = squash(&text);
            for line in lines.as_array().unwrap() {
                let want = squash(line.as_str().unwrap());
                if !got.contains(&want) {
                    missing.push(format!("{file} p{page}: {want}\n   got: {}", text.replace('\n', " | ")));
                }
            }
        }
    }
    assert!(missing.is_empty(), "lines missing from pdftotext output:\n{}", missing.join("\n"));
}

#[test]
fn japanese_text_has_no_inserted_spaces() {
    let pdf = line_for("jp_contract.png")["output"].as_str().unwrap().to_string();
    let out = Command::new("pdftotext").args([&pdf, "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let spaced = text.lines().filter(|l| {
        let c: Vec<char> = l.chars().collect();
        c.windows(3).any(|w| w[1] == ' ' && is_kana_or_han(w[0]) && is_kana_or_han(w[2]))
    });
    assert_eq!(spaced.count(), 0, "{text}");
}

fn is_kana_or_han(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x4E00..=0x9FFF)
}

#[test]
fn qpdf_accepts_every_output() {
    for l in &ingested().lines {
        let pdf = l["output"].as_str().unwrap();
        let out = Command::new("qpdf").args(["--check", pdf]).output().expect("qpdf is installed");
        assert!(out.status.success(), "qpdf --check {pdf}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn distinctive_words_find_their_document_and_page_first() {
    let words: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(data_path("known/words.json")).unwrap()).unwrap();
    let mut wrong = Vec::new();
    for w in &words {
        let word = w["word"].as_str().unwrap();
        let out = run(&ingested().data, &["search", "--json", word]);
        assert!(out.status.success());
        let hits = json_lines(&out);
        let want_id = line_for(w["file"].as_str().unwrap())["doc_id"].as_str().unwrap().to_string();
        match hits.first() {
            Some(h) if h["doc_id"] == want_id.as_str() && h["page"] == w["page"] => {
                assert!(!h["snippet"].as_str().unwrap().is_empty());
                assert!(h["file"].as_str().unwrap().len() > 1);
            }
            other => wrong.push(format!("{word}: want {want_id} p{}, got {other:?}", w["page"])),
        }
    }
    // The issue asks for a 2-character and a 5-character Japanese word and an English word at least.
    let lens: Vec<usize> = words.iter().map(|w| w["word"].as_str().unwrap().chars().count()).collect();
    assert!(lens.contains(&2) && lens.iter().any(|&n| n >= 5), "{lens:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_same_content_twice_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let copy = dir.path().join("copy-of-letter.png");
    std::fs::copy(data_path("known/en_letter.png"), &copy).unwrap();
    let first = json_lines(&run(&data, &["ingest", "--json", data_path("known/en_letter.png").to_str().unwrap()]));
    let second = run(&data, &["ingest", "--json", copy.to_str().unwrap()]);
    assert!(second.status.success());
    let second = json_lines(&second);
    assert_eq!(first[0]["status"], "indexed");
    assert_eq!(second[0]["status"], "duplicate");
    assert_eq!(second[0]["doc_id"], first[0]["doc_id"]);
    let status = json_lines(&run(&data, &["status", "--json"]));
    assert_eq!(status[0]["documents"], 1);
}

#[test]
fn status_counts_documents_and_pages() {
    let ing = ingested();
    let out = run(&ing.data, &["status", "--json"]);
    assert!(out.status.success());
    let s = &json_lines(&out)[0];
    let pages: usize = truth().values().map(|p| p.as_array().unwrap().len()).sum();
    assert_eq!(s["documents"].as_u64().unwrap() as usize, truth().len());
    assert_eq!(s["pages"].as_u64().unwrap() as usize, pages);
    for k in ["sealed", "pending_reapproval", "queued", "processing", "failed"] {
        assert!(s[k].is_u64(), "{k} missing in {s}");
    }
}

#[test]
fn two_copies_in_one_run_give_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    std::fs::copy(data_path("bad/junk/ok.png"), &a).unwrap();
    std::fs::copy(data_path("bad/junk/ok.png"), &b).unwrap();
    let out = run(&dir.path().join("data"), &["ingest", "--json", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(out.status.success());
    let lines = json_lines(&out);
    assert_eq!(lines[0]["status"], "indexed");
    assert_eq!(lines[1]["status"], "duplicate");
    assert_eq!(lines[1]["doc_id"], lines[0]["doc_id"]);
    assert_eq!(lines[1]["output"], lines[0]["output"]);
}
