//! Re-scans (issue 6): the same paper scanned twice (other bytes, same page)
//! is marked `possible_duplicate_of` the first scan; another contract with
//! the same layout is not; an identical file is still a plain `duplicate`.
//! The scans come from tests/data/make_rescan_data.py.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{json_lines, run};

/// The generated re-scan fixtures (made once per test run).
fn scans() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-rescan");
        let st = Command::new("/usr/bin/python3")
            .arg(root.join("tests/data/make_rescan_data.py"))
            .arg("--out")
            .arg(&out)
            .status()
            .expect("running make_rescan_data.py");
        assert!(st.success(), "make_rescan_data.py failed");
        out
    })
}

fn scan(name: &str) -> String {
    scans().join(name).to_string_lossy().into_owned()
}

#[test]
fn a_rescan_is_marked_and_a_lookalike_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let first = json_lines(&run(&data, &["ingest", "--json", &scan("original.png")]));
    assert_eq!(first[0]["status"], "indexed", "{first:?}");
    assert!(first[0].get("possible_duplicate_of").is_none(), "nothing to be a re-scan of: {first:?}");
    let original = first[0]["doc_id"].as_str().unwrap().to_string();

    let out = run(&data, &["ingest", "--json", &scan("rescan.jpg"), &scan("other.png")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["status"], "indexed", "{lines:?}");
    assert_eq!(lines[0]["possible_duplicate_of"], original.as_str(), "the re-scan is caught: {lines:?}");
    assert_eq!(lines[1]["status"], "indexed");
    assert!(lines[1].get("possible_duplicate_of").is_none(), "a look-alike contract is not a re-scan: {lines:?}");
    let rescan = lines[0]["doc_id"].as_str().unwrap().to_string();
    let other = lines[1]["doc_id"].as_str().unwrap().to_string();

    // The same bytes again: still the exact duplicate, no new document.
    let again = json_lines(&run(&data, &["ingest", "--json", &scan("rescan.jpg")]));
    assert_eq!((again[0]["status"].as_str(), again[0]["doc_id"].as_str()), (Some("duplicate"), Some(rescan.as_str())), "{again:?}");

    // search --json carries the mark on every hit line, null where there is none.
    let hits = json_lines(&run(&data, &["search", "--json", "受託者"]));
    let mark = |id: &str| hits.iter().find(|h| h["doc_id"] == id).unwrap_or_else(|| panic!("{id} not found: {hits:?}"))["possible_duplicate_of"].clone();
    assert_eq!(mark(&original), serde_json::Value::Null);
    assert_eq!(mark(&rescan), original.as_str());
    let lease = json_lines(&run(&data, &["search", "--json", "賃貸借"]));
    assert_eq!(lease.len(), 1, "{lease:?}");
    assert_eq!((lease[0]["doc_id"].as_str(), &lease[0]["possible_duplicate_of"]), (Some(other.as_str()), &serde_json::Value::Null));
    // The table says it too.
    let table = String::from_utf8_lossy(&run(&data, &["search", "受託者"]).stdout).into_owned();
    assert!(table.contains(&format!("[possible re-scan of {original}]")), "{table}");
    assert_eq!(json_lines(&run(&data, &["status", "--json"]))[0]["documents"], 3);
}
