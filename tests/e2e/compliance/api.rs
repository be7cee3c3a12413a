//! The HTTP API through `inkan serve`: search filters, documents and PDFs,
//! approvals, status and metrics, authentication and path traversal.

use std::collections::BTreeSet;

use super::fixture::{pdf_bytes, Fixture, D1, D2, D3, D4};
use super::http::{request, Server};
use crate::util::{inkan, run};

fn hit_ids(body: &serde_json::Value) -> BTreeSet<String> {
    body["hits"].as_array().unwrap().iter().map(|h| h["doc_id"].as_str().unwrap().to_string()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn search_with_every_filter() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let search = |query: &str| {
        let r = s.get(&format!("/api/search?{query}"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        hit_ids(&r.json())
    };
    // 契約 = %E5%A5%91%E7%B4%84
    let q = "q=%E5%A5%91%E7%B4%84";
    assert_eq!(search(q), set(&[D1, D2, D3, D4]));
    assert_eq!(search(&format!("{q}&sealed=true")), set(&[D1, D2, D3]));
    assert_eq!(search(&format!("{q}&folder=contracts")), set(&[D1, D3]));
    assert_eq!(search(&format!("{q}&tag=2019")), set(&[D1]));
    assert_eq!(search(&format!("{q}&since=2024-05-15")), set(&[D2, D3, D4]));
    assert_eq!(search(&format!("{q}&until=2024-05-15")), set(&[D1, D2]));
    assert_eq!(search(&format!("{q}&since=2024-05-01&until=2024-05-31&sealed=1")), set(&[D2]));
    assert_eq!(search(&format!("{q}&limit=1")).len(), 1);

    // 署名捺印: the hit's page, its snippet marks and the PDF link at that page.
    let body = s.get("/api/search?q=%E7%BD%B2%E5%90%8D%E6%8D%BA%E5%8D%B0").json();
    let hit = &body["hits"][0];
    assert_eq!(hit["doc_id"], D1);
    assert_eq!(hit["page"], 2);
    assert_eq!(hit["has_seal"], true);
    assert_eq!(hit["needs_reapproval"], true);
    assert_eq!(hit["pdf"], format!("/api/documents/{D1}/pdf#page=2"));
    assert_eq!(body["marks"], serde_json::json!(["«", "»"]));
    assert!(hit["snippet"].as_str().unwrap().contains("«署名捺印»"), "{hit}");

    for bad in ["q=", "q=x&limit=many", "q=x&since=yesterday", "q=x&sealed=maybe", "q=%E3%80%81%E3%80%82"] {
        let r = s.get(&format!("/api/search?{bad}"));
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        assert!(r.json()["error"].is_string());
    }
}

#[test]
fn documents_and_their_pdfs() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let doc = s.get(&format!("/api/documents/{D2}"));
    assert_eq!(doc.status, 200, "{}", doc.text());
    let doc = doc.json();
    assert_eq!(doc["file"], "NDA, \"final\".pdf");
    assert_eq!(doc["status"], "pending");
    assert_eq!(doc["seal_count"], 3);
    assert_eq!(doc["pages"][0]["seals"][0]["shape"], "square");
    assert_eq!(s.get(&format!("/api/documents/{D4}")).json()["status"], "none");

    let pdf = s.get(&format!("/api/documents/{D1}/pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.body, pdf_bytes(D1));
    assert!(pdf.header("content-disposition").unwrap().starts_with("inline;"));

    assert_eq!(s.get("/api/documents/ffffffffffffffff").status, 404);
    assert_eq!(s.get("/api/documents/ffffffffffffffff/pdf").status, 404);
    // The index lists the file, but it is gone: 404, not a 500.
    std::fs::remove_file(f.data.join("output").join(format!("{D3}.pdf"))).unwrap();
    assert_eq!(s.get(&format!("/api/documents/{D3}/pdf")).status, 404);
}

#[test]
fn no_request_path_reaches_another_file() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let index_file = f.data.join("index").join("meta.json");
    let absolute = format!("/api/documents/{}/pdf", index_file.display());
    let encoded_abs = format!("/api/documents/{}/pdf", index_file.display().to_string().replace('/', "%2F"));
    for path in [
        "/api/documents/..%2F..%2Fetc%2Fpasswd/pdf",
        "/api/documents/..%252F..%252Fetc%252Fpasswd/pdf",
        "/api/documents/../../etc/passwd/pdf",
        "/api/documents/%2e%2e/%2e%2e/etc/passwd/pdf",
        "/api/documents/%2Fetc%2Fpasswd/pdf",
        "/api/documents//etc/passwd/pdf",
        "/api/documents/..%5C..%5Cetc%5Cpasswd/pdf",
        "/api/documents/a1b2c3d4e5f60001%00/pdf",
        "/api/documents/a1b2c3d4e5f60001/pdf/../../../../etc/passwd",
        "/../../../../etc/passwd",
        "/etc/passwd",
        "/api/../../etc/passwd",
        absolute.as_str(),
        encoded_abs.as_str(),
    ] {
        s.assert_refused(path);
    }
}

#[test]
fn approve_from_the_api() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let url = format!("/api/documents/{D2}/approve");
    let r = s.post_json(&url, &serde_json::json!({"by": "山田 太郎", "note": "web"}));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["message"], format!("approved {D2} (NDA, \"final\".pdf) by 山田 太郎; audit entry 1"));
    assert_eq!(body["entry"]["seq"], 1);
    assert!(body["previous"].is_null());

    let again = s.post_json(&url, &serde_json::json!({"by": "Kim"})).json();
    assert!(again["message"].as_str().unwrap().contains("was already approved by 山田 太郎 on 20"), "{again}");
    assert_eq!(again["previous"]["by"], "山田 太郎");

    let pending: Vec<String> = s.get("/api/sealed").json().as_array().unwrap().iter().map(|r| r["doc_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(pending, [D1, D3]);
    let approved = s.get("/api/sealed?status=approved").json();
    assert_eq!(approved[0]["approver"], "Kim");
    assert_eq!(s.get(&format!("/api/documents/{D2}")).json()["approval"]["by"], "Kim");

    assert_eq!(s.post_json("/api/documents/ffffffffffffffff/approve", &serde_json::json!({"by": "x"})).status, 404);
    assert_eq!(s.post_json(&url, &serde_json::json!({"by": " "})).status, 400);
    assert_eq!(s.post_json(&url, &serde_json::json!({"name": "x"})).status, 400);
    let form = request(&s.addr, "POST", &url, &[("Content-Type", "application/x-www-form-urlencoded")], b"by=x");
    assert_eq!(form.status, 415, "a cross-site form cannot approve");
    assert_eq!(s.get(&url).status, 405);

    let csv = s.get("/api/sealed?status=all&format=csv");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBFdoc_id,file,"));
    assert_eq!(s.get("/api/sealed?status=everything").status, 400);

    let verify = run(&f.data, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("intact, 2 entries"));
}

#[test]
fn status_metrics_openapi_and_page() {
    let f = Fixture::new();
    assert!(run(&f.data, &["approve", D3, "--by", "x"]).status.success());
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let status = s.get("/api/status").json();
    assert_eq!(
        status,
        serde_json::json!({"documents": 4, "pages": 6, "sealed": 3, "pending_reapproval": 2, "queued": 0, "processing": 0, "failed": 0})
    );
    let metrics = s.get("/metrics");
    assert!(metrics.header("content-type").unwrap().starts_with("application/openmetrics-text; version=1.0.0"));
    let text = metrics.text();
    assert_eq!(text.lines().last(), Some("# EOF"), "{text}");
    for line in ["inkan_documents 4", "inkan_pages 6", "inkan_sealed_documents 3", "inkan_pending_reapproval 2", "inkan_queue_depth 0", "# TYPE inkan_documents gauge"] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }

    let spec = s.get("/api/openapi.json").json();
    assert_eq!(spec["openapi"], "3.1.0");
    for path in ["/api/search", "/api/documents/{id}", "/api/documents/{id}/pdf", "/api/sealed", "/api/documents/{id}/approve", "/api/status", "/metrics"] {
        assert!(spec["paths"][path].is_object(), "{path} is not described");
    }

    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    assert!(page.text().contains("<html lang=\"ja\">"));
    assert_eq!(s.get("/nothing/here").status, 404);
}

#[test]
fn without_a_token_only_loopback_host_names_are_served() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    for host in ["localhost", "127.0.0.1", "[::1]:7878"] {
        assert_eq!(s.get_with("/api/status", &[("Host", host)]).status, 200, "{host}");
    }
    let r = s.get_with("/api/status", &[("Host", "evil.example:7878")]);
    assert_eq!(r.status, 403, "DNS rebinding is refused");
}

#[test]
fn serving_beyond_loopback_needs_a_token() {
    let f = Fixture::new();
    let out = run(&f.data, &["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address) requires a bearer token"), "{err}");

    // The same in a configuration file: check-config already refuses it.
    let cfg = f.data.join("inkan.toml");
    std::fs::write(&cfg, "[http]\nlisten = \"0.0.0.0:7878\"\n").unwrap();
    let out = inkan().arg("--data").arg(&f.data).arg("--config").arg(&cfg).arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("token_file"));
}

#[test]
fn a_token_is_required_for_a_non_loopback_address() {
    let f = Fixture::new();
    let s = Server::start_with_token(&f.data, "correct-horse-battery-staple");
    let protected = ["/api/status", "/api/search?q=x", "/api/sealed", &format!("/api/documents/{D1}"), &format!("/api/documents/{D1}/pdf"), "/metrics"];
    for path in protected {
        let r = s.get(path);
        assert_eq!(r.status, 401, "{path} without a token");
        assert_eq!(r.header("www-authenticate"), Some("Bearer realm=\"inkan\""));
        for wrong in ["Bearer correct-horse-battery-stapl", "Bearer correct-horse-battery-staple-", "Bearer ", "Basic Y29ycmVjdA==", "correct-horse-battery-staple"] {
            assert_eq!(s.get_with(path, &[("Authorization", wrong)]).status, 401, "{path} with {wrong:?}");
        }
        let ok = s.get_with(path, &[("Authorization", "Bearer correct-horse-battery-staple"), ("Host", "archive.example:7878")]);
        assert_eq!(ok.status, 200, "{path} with the token: {}", ok.text());
    }
    let r = request(&s.addr, "POST", &format!("/api/documents/{D1}/approve"), &[("Content-Type", "application/json")], br#"{"by":"x"}"#);
    assert_eq!(r.status, 401);
    assert!(!f.audit_log().exists(), "nothing recorded without the token");
    let r = request(&s.addr, "POST", &format!("/api/documents/{D1}/approve"), &[("Content-Type", "application/json"), ("Authorization", "bearer correct-horse-battery-staple")], br#"{"by":"x"}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    // The page and the API description are public: they hold no data.
    assert_eq!(s.get("/").status, 200);
    assert_eq!(s.get("/api/openapi.json").status, 200);
}
