//! Broken inputs fail one by one, with a reason; nothing is modified.

use crate::util::{data_path, json_lines, run, snapshot};

#[test]
fn bad_files_fail_with_a_reason_and_the_rest_is_processed() {
    let bad = data_path("bad");
    let before = snapshot(&bad);
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("data"), &["ingest", "--json", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "exit code 1 when some input failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines = json_lines(&out);
    let by_name = |n: &str| lines.iter().find(|l| l["file"].as_str().unwrap().ends_with(n)).unwrap_or_else(|| panic!("no line for {n}: {lines:?}"));
    for (name, reason) in [
        ("empty.png", "the file is empty"),
        ("zero.tif", "the file is empty"),
        ("truncated.png", "PNG is truncated or corrupt"),
        ("text.pdf", "not a PNG, JPEG, TIFF or PDF file"),
        ("junk/notes.txt", "not a PNG, JPEG, TIFF or PDF file"),
        ("junk/random.jpg", "JPEG is truncated or corrupt"),
    ] {
        let l = by_name(name);
        assert_eq!(l["status"], "failed", "{l}");
        let e = l["error"].as_str().unwrap();
        assert!(e.contains(reason), "{name}: {e}");
        assert!(!e.contains('\n'), "one sentence: {e}");
    }
    assert_eq!(by_name("junk/ok.png")["status"], "indexed");
    assert!(lines.iter().all(|l| !l["file"].as_str().unwrap().ends_with(".DS_Store")), "desktop junk is skipped");
    assert_eq!(before, snapshot(&bad), "ingest must not modify its inputs");
}

#[test]
fn a_missing_path_fails_and_others_continue() {
    let dir = tempfile::tempdir().unwrap();
    let ok = data_path("bad/junk/ok.png");
    let out = run(&dir.path().join("data"), &["ingest", "--json", "/nonexistent/scan.png", ok.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["status"], "failed");
    assert_eq!(lines[0]["error"], "no such file or folder");
    assert_eq!(lines[1]["status"], "indexed");
}
