//! `inkan sealed`, `inkan approve`, `inkan audit verify` and the search
//! filters, through the real binary on a known index.

use std::collections::BTreeSet;

use super::fixture::{Fixture, D1, D2, D3, D4};
use crate::util::{json_lines, run};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ids(lines: &[serde_json::Value]) -> Vec<String> {
    lines.iter().map(|l| l["doc_id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn sealed_lists_pending_documents_oldest_first() {
    let f = Fixture::new();
    let out = run(&f.data, &["sealed", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_lines(&out);
    assert_eq!(ids(&rows), [D1, D2, D3]);
    assert_eq!(
        rows[0],
        serde_json::json!({
            "doc_id": D1, "file": "業務委託契約書.tif", "folder": "contracts", "tags": ["contract", "2019"],
            "pages_with_seals": [2], "seal_count": 1, "shapes": ["round"], "ingested": "2024-04-01T10:00:00Z",
            "status": "pending", "approver": null, "approved_at": null
        })
    );
    assert_eq!(rows[1]["pages_with_seals"], serde_json::json!([1, 2]));
    assert_eq!(rows[1]["shapes"], serde_json::json!(["square", "round"]));
    assert_eq!(rows[1]["seal_count"], 3);
    assert!(json_lines(&run(&f.data, &["sealed", "--json", "--status", "approved"])).is_empty());
}

#[test]
fn sealed_table_is_aligned() {
    let f = Fixture::new();
    let out = run(&f.data, &["sealed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("DOC_ID  "), "{text}");
    // The folder column starts at the same display column on every line,
    // although the file names mix double-width Japanese and ASCII.
    use unicode_width::UnicodeWidthStr;
    let folder_col = |l: &str, word: &str| l[..l.find(word).unwrap()].width();
    let want = folder_col(lines[0], "FOLDER");
    assert_eq!(folder_col(lines[1], "contracts"), want, "{text}");
    assert_eq!(folder_col(lines[2], "legal"), want, "{text}");
    let empty = run(&f.data, &["sealed", "--status", "approved"]);
    assert_eq!(stdout(&empty), "no approved sealed documents\n");
}

#[test]
fn csv_opens_in_excel_with_japanese() {
    let f = Fixture::new();
    let out = run(&f.data, &["sealed", "--csv", "--status", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&out.stdout[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark first");
    let text = String::from_utf8(out.stdout[3..].to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "header, 3 rows, empty after the last CRLF: {text:?}");
    assert_eq!(lines[0], "doc_id,file,folder,tags,pages_with_seals,seal_count,shapes,ingested,status,approver,approved_at");
    assert_eq!(lines[1], format!("{D1},業務委託契約書.tif,contracts,contract;2019,2,1,round,2024-04-01T10:00:00Z,pending,,"));
    assert_eq!(lines[2], format!("{D2},\"NDA, \"\"final\"\".pdf\",legal,nda,1;2,3,square;round,2024-05-15T00:00:00Z,pending,,"));
    assert_eq!(lines[3], format!("{D3},'=売買契約書.tif,contracts,contract,1,1,oval,2024-06-20T23:59:00Z,pending,,"), "formula defused");
    assert_eq!(lines[4], "");
}

#[test]
fn approving_an_unknown_document_fails() {
    let f = Fixture::new();
    let out = run(&f.data, &["approve", "ffffffffffffffff", "--by", "佐藤"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("there is no document \"ffffffffffffffff\" in the index"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!f.audit_log().exists() || std::fs::read_to_string(f.audit_log()).unwrap().is_empty());
    let no_name = run(&f.data, &["approve", D1, "--by", "  "]);
    assert_eq!(no_name.status.code(), Some(2), "{}", stderr(&no_name));
}

#[test]
fn approving_twice_is_recorded_twice() {
    let f = Fixture::new();
    let first = run(&f.data, &["approve", D1, "--by", "佐藤 花子", "--note", "原本確認済"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stdout(&first), format!("approved {D1} (業務委託契約書.tif) by 佐藤 花子; audit entry 1\n"));

    let second = run(&f.data, &["approve", D1, "--by", "田中"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let msg = stdout(&second);
    assert!(msg.starts_with(&format!("{D1} (業務委託契約書.tif) was already approved by 佐藤 花子 on 20")), "{msg}");
    assert!(msg.trim_end().ends_with("; recorded again (audit entry 2)"), "{msg}");

    let log = std::fs::read_to_string(f.audit_log()).unwrap();
    let entries: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[0]["by"].as_str(), entries[0]["note"].as_str()), (Some("佐藤 花子"), Some("原本確認済")));
    assert_eq!(entries[1]["prev"], entries[0]["hash"]);

    let approved = json_lines(&run(&f.data, &["sealed", "--json", "--status", "approved"]));
    assert_eq!(ids(&approved), [D1]);
    assert_eq!(approved[0]["approver"], "田中");
    assert!(approved[0]["approved_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(ids(&json_lines(&run(&f.data, &["sealed", "--json"]))), [D2, D3]);
    assert_eq!(ids(&json_lines(&run(&f.data, &["sealed", "--json", "--status", "all"]))), [D1, D2, D3]);

    let status = json_lines(&run(&f.data, &["status", "--json"]));
    assert_eq!(status[0]["pending_reapproval"], 2);

    let verify = run(&f.data, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stdout(&verify).contains("intact, 2 entries, head "), "{}", stdout(&verify));
}

#[test]
fn a_tampered_audit_log_fails_verification_naming_the_line() {
    let f = Fixture::new();
    for (id, by) in [(D1, "佐藤"), (D2, "Kim"), (D3, "田中")] {
        assert!(run(&f.data, &["approve", id, "--by", by]).status.success());
    }
    let log = std::fs::read_to_string(f.audit_log()).unwrap();
    assert!(run(&f.data, &["audit", "verify"]).status.success());

    // Someone changes who approved the second document.
    std::fs::write(f.audit_log(), log.replacen("\"by\":\"Kim\"", "\"by\":\"Lee\"", 1)).unwrap();
    let out = run(&f.data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("audit.log is broken at line 2: its hash does not match its contents"), "{err}");

    // Someone deletes the first line.
    let rest: String = log.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(f.audit_log(), rest).unwrap();
    let err = stderr(&run(&f.data, &["audit", "verify"]));
    assert!(err.contains("is broken at line 1: its seq is 2, expected 1"), "{err}");
}

#[test]
fn search_filters() {
    let f = Fixture::new();
    let search = |args: &[&str]| -> BTreeSet<String> {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        let out = run(&f.data, &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        ids(&json_lines(&out)).into_iter().collect()
    };
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(search(&["契約"]), set(&[D1, D2, D3, D4]));
    assert_eq!(search(&["--sealed", "契約"]), set(&[D1, D2, D3]));
    assert_eq!(search(&["--folder", "contracts", "契約"]), set(&[D1, D3]));
    assert_eq!(search(&["--folder", "legal", "契約"]), set(&[D2]));
    assert_eq!(search(&["--tag", "contract", "契約"]), set(&[D1, D3]));
    assert_eq!(search(&["--tag", "2019", "契約"]), set(&[D1]));
    assert_eq!(search(&["--since", "2024-05-15", "契約"]), set(&[D2, D3, D4]));
    assert_eq!(search(&["--until", "2024-05-15", "契約"]), set(&[D1, D2]));
    assert_eq!(search(&["--since", "2024-05-01", "--until", "2024-05-31", "契約"]), set(&[D2]));
    assert_eq!(search(&["--until", "2024-06-20", "--folder", "contracts", "--sealed", "契約"]), set(&[D1, D3]));
    assert_eq!(search(&["confidential", "information"]), set(&[D2]));
    assert_eq!(search(&["\"sales contract\""]), set(&[D3]));

    let hit = &json_lines(&run(&f.data, &["search", "--json", "署名捺印"]))[0];
    assert_eq!((hit["doc_id"].as_str(), hit["page"].as_u64(), hit["has_seal"].as_bool()), (Some(D1), Some(2), Some(true)));
    assert!(hit["snippet"].as_str().unwrap().contains("«署名捺印»"), "{hit}");
    assert_eq!(hit["needs_reapproval"], true);
    assert!(run(&f.data, &["approve", D1, "--by", "x"]).status.success());
    let hit = &json_lines(&run(&f.data, &["search", "--json", "署名捺印"]))[0];
    assert_eq!(hit["needs_reapproval"], false);
}
