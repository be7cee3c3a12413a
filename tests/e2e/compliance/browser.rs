//! The web page in headless Chromium (Debian's `chromium`), driven over the
//! DevTools protocol: type a query, see the hit with its page preview and
//! the words highlighted on it; see a re-scan marked; see the seal crops of
//! the pending documents, approve one, see it leave the pending list.
//! Screenshots are kept in `target/tmp/e2e-output/` (`CARGO_TARGET_TMPDIR`).

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::fixture::{Fixture, D1, D2, D3, D4};
use super::http::Server;
use crate::util::{json_lines, run};

/// How long one step (a page load, a search, an approval) may take.
const STEP: Duration = Duration::from_secs(30);

/// A headless Chromium, killed on drop.
struct Browser {
    /// The chromium process.
    child: Child,
    /// Its profile directory.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromium and returns it with its DevTools websocket URL.
    fn start() -> (Browser, String) {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--mute-audio",
                "--window-size=1280,900",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running chromium (scripts/install-deps.sh installs it)");
        // Chromium prints "DevTools listening on ws://…" on stderr.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let browser = Browser { child, _profile: profile };
        let url = rx.recv_timeout(STEP).expect("chromium did not open its DevTools port");
        (browser, url)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal DevTools protocol client on one page (flattened session).
struct Cdp {
    /// The browser websocket.
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    /// The last message id used.
    id: u64,
    /// The page's session.
    session: Option<String>,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let (ws, _) = tungstenite::connect(url).expect("connecting to chromium's DevTools");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(STEP)).unwrap();
        }
        Cdp { ws, id: 0, session: None }
    }

    /// Sends a command and waits for its result; events are skipped.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let mut msg = json!({"id": self.id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        loop {
            let reply = match self.ws.read().unwrap_or_else(|e| panic!("{method}: no reply from chromium: {e}")) {
                Message::Text(t) => serde_json::from_str::<Value>(t.as_str()).unwrap(),
                _ => continue,
            };
            if reply["id"] == json!(self.id) {
                assert!(reply["error"].is_null(), "{method} failed: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Opens a new page and attaches to it.
    fn open_page(&mut self, url: &str) {
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call("Target.attachToTarget", json!({"targetId": target["targetId"], "flatten": true}));
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        self.call("Page.enable", json!({}));
        self.call("Emulation.setDeviceMetricsOverride", json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}));
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Evaluates `expr` in the page (awaiting promises) and returns its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": expr, "returnByValue": true, "awaitPromise": true}));
        assert!(r["exceptionDetails"].is_null(), "{expr}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Polls `expr` until it is truthy; returns its value.
    fn wait_for(&mut self, what: &str, expr: &str) -> Value {
        let deadline = Instant::now() + STEP;
        loop {
            let v = self.eval(expr);
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types `text` into the focused element, as a keyboard would.
    fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Presses Enter.
    fn enter(&mut self) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13, "text": if kind == "keyDown" { "\r" } else { "" }}),
            );
        }
    }

    /// Clicks the centre of the first element matching `selector`.
    fn click(&mut self, selector: &str) {
        let r = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            sel = json!(selector)
        ));
        let (x, y) = (r[0].as_f64().unwrap_or_else(|| panic!("nothing matches {selector}")), r[1].as_f64().unwrap());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call("Input.dispatchMouseEvent", json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}));
        }
    }

    /// Saves a PNG screenshot of the page.
    fn screenshot(&mut self, name: &str) -> PathBuf {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap()).unwrap();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-output");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }
}

#[test]
fn search_and_approve_in_the_browser() {
    let f = Fixture::new();
    // A re-scan of the invoice, to be shown as one.
    const D5: &str = "a1b2c3d4e5f60005";
    f.add_rescan(D4, D5);
    let server = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    let (_browser, devtools) = Browser::start();
    let mut page = Cdp::connect(&devtools);
    // `localhost` rather than 127.0.0.1: the name the page is meant to be opened with.
    let base = server.url().replace("127.0.0.1", "localhost");
    page.open_page(&format!("{base}/"));
    page.wait_for("the page", "document.readyState === 'complete' && !!document.querySelector('#q')");

    // Type a query and press Enter.
    page.click("#q");
    page.type_text("署名捺印");
    page.enter();
    let hits = page.wait_for(
        "the search hit",
        "(() => { const li = [...document.querySelectorAll('#results li')]; return li.length && li.map(l => ({doc: l.dataset.doc, mark: l.querySelector('mark')?.textContent, seal: !!l.querySelector('.badge.seal'), pending: !!l.querySelector('.badge.pending'), href: l.querySelector('a').getAttribute('href'), text: l.textContent})); })()",
    );
    assert_eq!(hits[0]["doc"], D1, "{hits}");
    assert_eq!(hits[0]["mark"], "署名捺印", "{hits}");
    assert_eq!(hits[0]["seal"], true);
    assert_eq!(hits[0]["pending"], true);
    assert_eq!(hits[0]["href"], format!("/api/documents/{D1}/pdf#page=2"));
    assert!(hits[0]["text"].as_str().unwrap().contains("業務委託契約書.tif"), "{hits}");
    assert!(page.eval("location.search").as_str().unwrap().starts_with("?q="), "the query is in the URL");

    // The hit's page preview has loaded, with the matched words boxed on it.
    let preview = page.wait_for(
        "the hit's preview with its highlight",
        "(() => { const li = document.querySelector('#results li'); const fig = li && li.querySelector('figure.preview'); const img = fig && fig.querySelector('img'); const hl = fig ? [...fig.querySelectorAll('.hl')] : []; if (!img || !img.complete || img.naturalWidth === 0 || !hl.length) return null; const f = fig.getBoundingClientRect(); return {natural: img.naturalWidth, hl: hl.map(h => { const r = h.getBoundingClientRect(); return {text: h.title, inside: r.width > 0 && r.height > 0 && r.left >= f.left && r.right <= f.right + 1 && r.top >= f.top && r.bottom <= f.bottom + 1, top: (r.top - f.top) / f.height}; })}; })()",
    );
    assert_eq!(preview["natural"], 900, "{preview}");
    assert_eq!(preview["hl"].as_array().unwrap().len(), 1, "{preview}");
    assert_eq!(preview["hl"][0]["text"], "署名捺印", "{preview}");
    assert_eq!(preview["hl"][0]["inside"], true, "{preview}");
    // Line 2 of the page is drawn at y = 510 of 1754.
    let top = preview["hl"][0]["top"].as_f64().unwrap();
    assert!((top - 510.0 / 1754.0).abs() < 0.01, "{preview}");
    page.click("#results li figure.preview");
    page.wait_for("the enlarged preview", "document.querySelector('#results li figure.preview.large') && document.querySelector('#results li figure.preview').getBoundingClientRect().width > 400");
    page.screenshot("browser-search.png");

    // A re-scan says so, naming the document it repeats.
    page.eval("document.querySelector('#q').value = ''");
    page.click("#q");
    page.type_text("請求書");
    page.enter();
    let note = page.wait_for(
        "the re-scan note",
        &format!("(() => {{ const a = document.querySelector(\"#results li[data-doc='{D5}'] .rescan a\"); return a && a.textContent === '請求書.tif' && {{doc: a.dataset.doc, href: a.getAttribute('href'), text: a.parentElement.textContent}}; }})()"),
    );
    assert_eq!(note["doc"], D4, "{note}");
    assert_eq!(note["href"], format!("/api/documents/{D4}/pdf"));
    assert!(note["text"].as_str().unwrap().contains("possible re-scan of"), "{note}");
    let plain = page.eval(&format!("!!document.querySelector(\"#results li[data-doc='{D4}']\") && !document.querySelector(\"#results li[data-doc='{D4}'] .rescan\")"));
    assert_eq!(plain, true, "the original is not marked");
    page.wait_for("both previews", "(() => { const imgs = [...document.querySelectorAll('#results figure.preview img')]; return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0); })()");
    page.screenshot("browser-rescan.png");

    // The compliance tab lists the three pending sealed documents.
    page.click("#tab-compliance");
    page.wait_for("the pending list", "document.querySelectorAll('#sealed-table tbody tr').length === 3");
    let listed = page.eval("[...document.querySelectorAll('#sealed-table tbody tr')].map(r => r.dataset.doc)");
    assert_eq!(listed, json!([D1, D2, D3]));
    // Each row shows a crop of each of its seals, beside the Approve button.
    let crops = page.wait_for(
        "the seal crops",
        "(() => { const imgs = [...document.querySelectorAll('#sealed-table tbody tr img.seal-crop')]; return imgs.length === 5 && imgs.every(i => i.complete && i.naturalWidth > 0) && imgs.map(i => [i.dataset.doc, i.dataset.k, i.naturalWidth, i.closest('tr').querySelector('button.approve') !== null]); })()",
    );
    assert_eq!(
        crops.as_array().unwrap().iter().map(|c| (c[0].as_str().unwrap(), c[1].as_str().unwrap())).collect::<Vec<_>>(),
        [(D1, "1"), (D2, "1"), (D2, "2"), (D2, "3"), (D3, "1")]
    );
    assert!(crops.as_array().unwrap().iter().all(|c| c[2].as_u64().unwrap() > 100 && c[3] == json!(true)), "{crops}");

    // Approve the NDA: the button asks for a name.
    page.click(&format!("button.approve[data-doc='{D2}']"));
    page.wait_for("the name field", "document.activeElement && document.activeElement.classList.contains('approver')");
    page.type_text("山田 太郎");
    page.click("button.confirm");
    page.wait_for(
        "the NDA to leave the pending list",
        &format!("document.querySelectorAll('#sealed-table tbody tr').length === 2 && !document.querySelector(\"#sealed-table tr[data-doc='{D2}']\")"),
    );
    let toast = page.wait_for("the confirmation", "!document.querySelector('#message').hidden && document.querySelector('#message').textContent");
    assert!(toast.as_str().unwrap().starts_with(&format!("approved {D2}")), "{toast}");
    page.screenshot("browser-compliance.png");

    // The approval is in the audit log, like one from the shell.
    let approved = json_lines(&run(&f.data, &["sealed", "--json", "--status", "approved"]));
    assert_eq!(approved.len(), 1);
    assert_eq!((approved[0]["doc_id"].as_str(), approved[0]["approver"].as_str()), (Some(D2), Some("山田 太郎")));
    assert!(run(&f.data, &["audit", "verify"]).status.success());
    let _ = page.call("Browser.close", json!({}));
}
