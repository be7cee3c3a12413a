//! `inkan inspect`: the JSON contract.

use crate::util::{data_path, json_lines, run, squash, truth};

#[test]
fn inspect_prints_one_object_per_file_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["known/multi.tif", "bad/empty.png", "known/en_letter.png"].map(|f| data_path(f).to_string_lossy().into_owned());
    let out = run(&dir.path().join("data"), &["inspect", "--json", &files[0], &files[1], &files[2]]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    for (l, f) in lines.iter().zip(&files) {
        assert_eq!(l["file"], f.as_str());
    }
    let multi = &lines[0];
    assert_eq!(multi["pages"].as_array().unwrap().len(), 3);
    let p1 = &multi["pages"][0];
    assert_eq!(p1["page"], 1);
    assert_eq!(p1["dpi"], 300);
    assert!(p1["width"].as_u64().unwrap() > 1000 && p1["height"].as_u64().unwrap() > 1000);
    assert!(p1["seals"].is_array());
    assert!(multi["needs_reapproval"].is_boolean());
    let want = &truth()["multi.tif"][1];
    let got = squash(multi["pages"][1]["text"].as_str().unwrap());
    for line in want.as_array().unwrap() {
        assert!(got.contains(&squash(line.as_str().unwrap())), "page 2 text lacks {line}: {got}");
    }
    assert_eq!(lines[1]["error"], "the file is empty");
    assert_eq!(lines[1]["pages"].as_array().unwrap().len(), 0);
    assert!(!dir.path().join("data").exists(), "inspect writes nothing");
}

#[test]
fn no_ocr_gives_empty_text() {
    let dir = tempfile::tempdir().unwrap();
    let f = data_path("known/fax_g4.tif");
    let out = run(&dir.path().join("data"), &["inspect", "--json", "--no-ocr", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let l = &json_lines(&out)[0];
    assert_eq!(l["pages"][0]["text"], "");
    assert_eq!(l["pages"][0]["dpi"], 200);
}
