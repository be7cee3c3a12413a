//! `inkan serve` as a child process, and a raw HTTP/1.1 client: raw, so that
//! request paths reach the server exactly as written (no client-side
//! normalisation of `..` or `%2F`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::inkan;

/// A running `inkan serve`, killed on drop.
pub struct Server {
    /// The child process.
    child: Child,
    /// `127.0.0.1:PORT`, whatever address it listens on.
    pub addr: String,
}

impl Server {
    /// `inkan --data DATA serve ARGS…`; waits for its `listening on` line.
    pub fn start(data: &Path, args: &[&str]) -> Server {
        let mut cmd = inkan();
        cmd.arg("--data").arg(data).arg("serve").args(args);
        Server::spawn(cmd)
    }

    /// `inkan --data DATA --config CONFIG serve`.
    pub fn start_with_config(data: &Path, config: &Path) -> Server {
        let mut cmd = inkan();
        cmd.arg("--data").arg(data).arg("--config").arg(config).arg("serve");
        Server::spawn(cmd)
    }

    /// `serve` on every address (0.0.0.0), so a bearer token is required:
    /// `token`, written to `DATA/token` and named by `DATA/inkan.toml`.
    pub fn start_with_token(data: &Path, token: &str) -> Server {
        let token_file = data.join("token");
        std::fs::write(&token_file, format!("{token}\n")).unwrap();
        let cfg = data.join("inkan.toml");
        std::fs::write(&cfg, format!("[http]\nlisten = \"0.0.0.0:0\"\ntoken_file = \"{}\"\n", token_file.display())).unwrap();
        Server::start_with_config(data, &cfg)
    }

    fn spawn(mut cmd: Command) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("running inkan serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let listen = line.trim().strip_prefix("listening on http://").unwrap_or_else(|| {
            let _ = child.kill();
            panic!("inkan serve did not start: {line:?}")
        });
        let port = listen.trim_end_matches('/').rsplit_once(':').unwrap().1;
        Server { child, addr: format!("127.0.0.1:{port}") }
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asserts that `path` is refused (400 or 404) and serves no file's content
    /// (no `/etc/passwd` line, no index metadata).
    pub fn assert_refused(&self, path: &str) {
        let r = self.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {} {}", r.status, r.text());
        let body = r.text();
        assert!(!body.contains("root:") && !body.contains("segments"), "{path} leaked a file: {body}");
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[], b"")
    }

    /// `GET path` with extra headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(&self.addr, "GET", path, headers, b"")
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        request(&self.addr, "POST", path, &[("Content-Type", "application/json")], body.to_string().as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One request on a fresh connection (`Connection: close`), with
/// `Host: localhost` unless `headers` set it.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        req.push_str("Host: localhost\r\n");
    }
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Response { status, headers, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}
