//! The HTTP API and the web page, served by `inkan run` when `[http]` is set
//! (and by the hidden `inkan serve`, which serves them alone).
//!
//! # Routes
//!
//! | route | what |
//! |-------|------|
//! | `GET /` | the web page (search, compliance), `web/index.html` |
//! | `GET /api/openapi.json` | this API, described (`web/openapi.json`) |
//! | `GET /api/search?q=&limit=&sealed=&folder=&tag=&since=&until=` | hits, best first |
//! | `GET /api/documents/{id}` | a document's summary and approval |
//! | `GET /api/documents/{id}/pdf` | its searchable PDF |
//! | `GET /api/documents/{id}/pages/{n}/preview` | page `n` as a JPEG, 900 px wide at most |
//! | `GET /api/documents/{id}/pages/{n}/hits?q=` | boxes of the query's matches on page `n` |
//! | `GET /api/documents/{id}/seals/{k}` | seal `k` (1-based, page order) cropped, PNG |
//! | `GET /api/sealed?status=pending\|approved\|all&format=json\|csv` | the compliance listing |
//! | `POST /api/documents/{id}/approve` | `{"by":…,"note":…}`: record a re-approval |
//! | `GET /api/status` | the counts of `inkan status --json` |
//! | `GET /metrics` | Prometheus text |
//!
//! # Security
//!
//! - A non-loopback `listen` address needs a bearer token ([`Auth::Bearer`]);
//!   then every route but `/` and `/api/openapi.json` asks for
//!   `Authorization: Bearer <token>`. The token is compared as SHA-256
//!   digests in constant time.
//! - Without a token (loopback only), requests must name a loopback host in
//!   `Host`, so that a web page elsewhere cannot reach the API through DNS
//!   rebinding; `approve` takes only `application/json`, which a cross-site
//!   form cannot send.
//! - No request path is ever turned into a file path: the PDF route serves
//!   the `output` that the index lists for the document id, nothing else;
//!   previews and seal crops are drawn from that PDF and cached under
//!   `DATA/cache/` in files named from the checked id and numbers only.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::app::{CliError, Settings};
use crate::audit;
use crate::cli::StatusFilter;
use crate::compliance::{self, ApproveError};

mod pages;

/// The web page.
const INDEX_HTML: &str = include_str!("../web/index.html");

/// The OpenAPI description of this API.
const OPENAPI_JSON: &str = include_str!("../web/openapi.json");

/// Most hits one search may ask for.
const MAX_LIMIT: usize = 200;

/// What the running daemon reports to the API. `inkan serve` has no pipeline:
/// its counts are zeros.
pub trait Pipeline: Send + Sync + 'static {
    /// Files waiting, being processed, and failed.
    fn counts(&self) -> crate::journal::Counts;

    /// Extra OpenMetrics families (counters, histograms) for `/metrics`,
    /// each with its `# HELP`/`# TYPE`, without `# EOF`. By default, none.
    fn write_metrics(&self, _out: &mut String) -> std::fmt::Result {
        Ok(())
    }
}

/// A bearer token, kept only as its SHA-256 digest.
#[derive(Clone)]
pub struct Token {
    /// SHA-256 of the token.
    digest: [u8; 32],
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Token {
    /// The token `secret` (surrounding whitespace is not part of it).
    pub fn new(secret: &str) -> Token {
        Token { digest: Sha256::digest(secret.trim().as_bytes()).into() }
    }

    /// Whether `presented` is this token. Both sides are hashed first, so the
    /// comparison takes the same time whatever the length or content of
    /// `presented`, and it does not stop at the first differing byte.
    pub fn matches(&self, presented: &str) -> bool {
        let other: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        constant_time_eq(&self.digest, &other)
    }
}

/// Equality of two digests in time independent of where they differ.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= std::hint::black_box(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// Who may use the API.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// Anyone who can connect (loopback addresses only).
    Open,
    /// Only requests with `Authorization: Bearer <token>`.
    Bearer(Token),
}

/// Why the API cannot be served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A non-loopback address without a token.
    #[error("listening on {listen} (not a loopback address) requires a bearer token: set token_file in [http]")]
    NeedsToken {
        /// The address.
        listen: SocketAddr,
    },
    /// The token file cannot be read or is empty.
    #[error("cannot use the token file {}: {reason}", .path.display())]
    TokenFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The address cannot be bound.
    #[error("cannot listen on {listen}: {source}")]
    Bind {
        /// The address.
        listen: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the HTTP server failed: {0}")]
    Io(#[from] std::io::Error),
}

impl Auth {
    /// The access rule for `[http]`: a token if `token_file` is set (required
    /// for a non-loopback `listen`), else open.
    pub fn from_config(http: &watch_config::Http) -> Result<Auth, ServeError> {
        match &http.token_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ServeError::TokenFile { path: path.clone(), reason: e.to_string() })?;
                if text.trim().is_empty() {
                    return Err(ServeError::TokenFile { path: path.clone(), reason: "it is empty".into() });
                }
                Ok(Auth::Bearer(Token::new(&text)))
            }
            None if !http.listen.ip().is_loopback() => Err(ServeError::NeedsToken { listen: http.listen }),
            None => Ok(Auth::Open),
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct ApiState {
    /// Shared by all handlers.
    inner: Arc<Inner>,
}

/// The state behind [`ApiState`].
struct Inner {
    /// The data directory (the audit log lives there).
    data: PathBuf,
    /// The index; every call sees the latest commit of any process.
    index: Arc<indexer::Index>,
    /// Who may call.
    auth: Auth,
    /// The daemon's counters, if a daemon runs in this process.
    pipeline: Option<Arc<dyn Pipeline>>,
    /// The approvals read from the audit log, re-read only when the log's
    /// length or modification time changed (every search needs them).
    approvals: Mutex<Option<CachedApprovals>>,
}

/// The audit log's approvals as of one (length, mtime) of the file.
struct CachedApprovals {
    /// Length and modification time of the log when read.
    stamp: (u64, Option<std::time::SystemTime>),
    /// The latest approval of each document.
    map: Arc<HashMap<String, audit::Approval>>,
}

impl Inner {
    /// The latest approval of each document, from the cache if the log did not change.
    fn approvals(&self) -> Result<Arc<HashMap<String, audit::Approval>>, Failure> {
        let stamp = match std::fs::metadata(self.data.join(audit::LOG_FILE)) {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(_) => (0, None),
        };
        let mut cache = self.approvals.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref().filter(|c| c.stamp == stamp && stamp.1.is_some()) {
            return Ok(c.map.clone());
        }
        let map = Arc::new(audit::approved(&self.data).map_err(internal)?);
        *cache = Some(CachedApprovals { stamp, map: map.clone() });
        Ok(map)
    }
}

impl ApiState {
    /// State for serving `index` and the audit log in `data`.
    pub fn new(data: PathBuf, index: Arc<indexer::Index>, auth: Auth) -> ApiState {
        ApiState { inner: Arc::new(Inner { data, index, auth, pipeline: None, approvals: Mutex::new(None) }) }
    }

    /// The same state, reporting `pipeline`'s counts in `/api/status` and `/metrics`.
    pub fn with_pipeline(self, pipeline: Arc<dyn Pipeline>) -> ApiState {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|arc| Inner {
            data: arc.data.clone(),
            index: arc.index.clone(),
            auth: arc.auth.clone(),
            pipeline: arc.pipeline.clone(),
            approvals: Mutex::new(None),
        });
        ApiState { inner: Arc::new(Inner { pipeline: Some(pipeline), ..inner }) }
    }
}

/// The routes, with authentication and headers.
pub fn router(state: ApiState) -> Router {
    let protected = Router::new()
        .route("/api/search", get(search))
        .route("/api/documents/{id}", get(document))
        .route("/api/documents/{id}/pdf", get(pdf))
        .route("/api/documents/{id}/approve", post(approve))
        .route("/api/documents/{id}/pages/{n}/preview", get(pages::preview))
        .route("/api/documents/{id}/pages/{n}/hits", get(pages::hits))
        .route("/api/documents/{id}/seals/{k}", get(pages::seal))
        .route("/api/sealed", get(sealed))
        .route("/api/status", get(status))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/", get(page))
        .route("/api/openapi.json", get(openapi))
        .merge(protected)
        .fallback(|| async { failure(StatusCode::NOT_FOUND, "no such route") })
        .layer(middleware::from_fn_with_state(state.clone(), loopback_host))
        .layer(middleware::map_response(common_headers))
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` completes, then lets open
/// requests finish.
pub async fn serve(listener: tokio::net::TcpListener, state: ApiState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

/// The API running on its own thread; how `inkan run` serves `[http]`.
#[derive(Debug)]
pub struct Server {
    /// Where it listens (the real port when `listen` had port 0).
    pub addr: SocketAddr,
    /// The server thread; it ends after the shutdown fired.
    pub thread: std::thread::JoinHandle<std::io::Result<()>>,
}

/// Binds `http.listen` now and serves on a thread with a small tokio runtime
/// until `shutdown` fires.
pub fn start(http: &watch_config::Http, data: PathBuf, index: Arc<indexer::Index>, pipeline: Option<Arc<dyn Pipeline>>, shutdown: crate::shutdown::Shutdown) -> Result<Server, ServeError> {
    let auth = Auth::from_config(http)?;
    let mut state = ApiState::new(data, index, auth);
    if let Some(p) = pipeline {
        state = state.with_pipeline(p);
    }
    let std_listener = std::net::TcpListener::bind(http.listen).map_err(|source| ServeError::Bind { listen: http.listen, source })?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("http").enable_all().build()?;
    let thread = std::thread::Builder::new().name("http".into()).spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            let fired = async move {
                let _ = tokio::task::spawn_blocking(move || while !shutdown.wait_timeout(Duration::from_secs(3600)) {}).await;
            };
            serve(listener, state, fired).await
        })
    })?;
    tracing::info!(%addr, "HTTP API listening");
    Ok(Server { addr, thread })
}

/// `inkan serve`: the API and page alone, until SIGINT/SIGTERM. Prints
/// `listening on http://ADDR/` first, on stdout.
pub fn serve_cli(settings: &Settings, listen: Option<&str>, token_file: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let mut http = settings.config.http.clone().unwrap_or_default();
    if let Some(l) = listen {
        http.listen = l.parse().map_err(|_| CliError::Usage(format!("--listen expects an address like 127.0.0.1:7878, not {l:?}")))?;
    }
    if token_file.is_some() {
        http.token_file = token_file;
    }
    let auth = Auth::from_config(&http).map_err(|e| CliError::Usage(e.to_string()))?;
    let index = Arc::new(settings.open_index()?);
    let state = ApiState::new(settings.data.clone(), index, auth);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(format!("cannot start the HTTP runtime: {e}")))?;
    runtime
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(http.listen).await.map_err(|source| ServeError::Bind { listen: http.listen, source })?;
            let addr = listener.local_addr()?;
            {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "listening on http://{addr}/");
                let _ = out.flush();
            }
            serve(listener, state, stop_signal()).await.map_err(ServeError::Io)
        })
        .map_err(|e| match e {
            e @ ServeError::Bind { .. } => CliError::Usage(e.to_string()),
            e => CliError::Runtime(e.to_string()),
        })?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGINT or SIGTERM.
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

// ---------------------------------------------------------------------------
// Middleware.

/// Headers on every response.
async fn common_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Without a token, only requests addressed to a loopback host name.
async fn loopback_host(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    if matches!(state.inner.auth, Auth::Open) {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !is_loopback_host(host) {
            return failure(StatusCode::FORBIDDEN, "this server answers only requests to localhost; set token_file in [http] to serve other names");
        }
    }
    next.run(req).await
}

/// `localhost`, `127.x.y.z` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// With a token, `Authorization: Bearer <token>` on every protected route.
async fn require_token(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    if let Auth::Bearer(token) = &state.inner.auth {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim());
        if !presented.is_some_and(|t| token.matches(t)) {
            let mut res = failure(StatusCode::UNAUTHORIZED, "a valid bearer token is required (Authorization: Bearer …)");
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"inkan\""));
            return res;
        }
    }
    next.run(req).await
}

// ---------------------------------------------------------------------------
// Handlers.

/// A JSON error response `{"error": message}`.
fn failure(status: StatusCode, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Body {
        error: String,
    }
    (status, Json(Body { error: message.into() })).into_response()
}

/// A handler's failure, turned into [`failure`].
struct Failure(StatusCode, String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        if self.0.is_server_error() {
            tracing::error!("{}", self.1);
        }
        failure(self.0, self.1)
    }
}

fn internal(e: impl std::fmt::Display) -> Failure {
    Failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

fn bad_request(e: impl std::fmt::Display) -> Failure {
    Failure(StatusCode::BAD_REQUEST, e.to_string())
}

/// Runs blocking index or audit work off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Failure> + Send + 'static) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.map_err(internal)?
}

/// A document id as the index makes them: 1–64 ASCII letters, digits, `-`, `_`.
fn check_id(id: &str) -> Result<(), Failure> {
    let ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad_request("not a document id"))
    }
}

/// The URL of a document's PDF, opened at `page`.
fn pdf_url(doc_id: &str, page: Option<u32>) -> String {
    match page {
        Some(p) => format!("/api/documents/{doc_id}/pdf#page={p}"),
        None => format!("/api/documents/{doc_id}/pdf"),
    }
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ],
        INDEX_HTML,
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], OPENAPI_JSON).into_response()
}

/// `GET /api/search` parameters; all text so that errors are ours, in JSON.
#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
    sealed: Option<String>,
    folder: Option<String>,
    tag: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

/// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`/empty.
fn parse_flag(name: &str, v: Option<&str>) -> Result<bool, Failure> {
    match v.map(str::to_ascii_lowercase).as_deref() {
        None | Some("" | "false" | "0" | "no" | "off") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(other) => Err(bad_request(format!("{name} must be true or false, not {other:?}"))),
    }
}

/// `YYYY-MM-DD` (UTC): the day's first second, or its last with `end_of_day`.
fn parse_day(name: &str, v: Option<&str>, end_of_day: bool) -> Result<Option<i64>, Failure> {
    let Some(v) = v.filter(|v| !v.is_empty()) else { return Ok(None) };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(v, &fmt).map_err(|_| bad_request(format!("{name} expects a date like 2024-04-01, not {v:?}")))?;
    let t = day.midnight().assume_utc().unix_timestamp();
    Ok(Some(if end_of_day { t + 86_399 } else { t }))
}

impl SearchParams {
    fn query(&self) -> Result<indexer::SearchQuery, Failure> {
        let text = self.q.clone().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(bad_request("q (the query) is empty"));
        }
        let limit = match self.limit.as_deref().filter(|l| !l.is_empty()) {
            None => 20,
            Some(l) => l.parse::<usize>().map_err(|_| bad_request(format!("limit must be a number, not {l:?}")))?.min(MAX_LIMIT),
        };
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(indexer::SearchQuery {
            text,
            limit,
            sealed_only: parse_flag("sealed", self.sealed.as_deref())?,
            folder: nonempty(&self.folder),
            tag: nonempty(&self.tag),
            since: parse_day("since", self.since.as_deref(), false)?,
            until: parse_day("until", self.until.as_deref(), true)?,
        })
    }
}

/// One hit as the API returns it.
#[derive(Serialize)]
struct ApiHit {
    doc_id: String,
    file: String,
    output: String,
    folder: String,
    tags: Vec<String>,
    page: u32,
    score: f32,
    exact: bool,
    snippet: String,
    has_seal: bool,
    seal_count: u32,
    page_seal_count: u32,
    needs_reapproval: bool,
    ingested: String,
    pdf: String,
    /// The hit page's preview image.
    preview: String,
    /// The earlier document this one looks like a re-scan of; `null` if none.
    possible_duplicate_of: Option<String>,
}

async fn search(State(state): State<ApiState>, Query(params): Query<SearchParams>) -> Result<Response, Failure> {
    let q = params.query()?;
    let inner = state.inner.clone();
    let started = Instant::now();
    let hits = blocking(move || {
        let hits = inner.index.search(&q).map_err(|e| match e {
            indexer::IndexError::BadQuery { .. } => bad_request(e),
            e => internal(e),
        })?;
        let approved = inner.approvals()?;
        Ok(hits
            .into_iter()
            .map(|h| ApiHit {
                needs_reapproval: h.has_seal && !approved.contains_key(&h.doc_id),
                pdf: pdf_url(&h.doc_id, Some(h.page)),
                preview: pages::preview_url(&h.doc_id, h.page),
                possible_duplicate_of: h.possible_duplicate_of,
                ingested: compliance::rfc3339(h.ingested),
                doc_id: h.doc_id,
                file: h.file,
                output: h.output,
                folder: h.folder,
                tags: h.tags,
                page: h.page,
                score: h.score,
                exact: h.exact,
                snippet: h.snippet,
                has_seal: h.has_seal,
                seal_count: h.seal_count,
                page_seal_count: h.page_seal_count,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    #[derive(Serialize)]
    struct Body {
        query: String,
        took_ms: f64,
        marks: [char; 2],
        hits: Vec<ApiHit>,
    }
    let took_ms = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
    Ok(Json(Body { query: params.q.unwrap_or_default(), took_ms, marks: [indexer::MARK_OPEN, indexer::MARK_CLOSE], hits }).into_response())
}

/// A document's approval, as the API shows it.
#[derive(Serialize)]
struct ApiApproval {
    by: String,
    at: String,
    note: String,
    seq: u64,
}

impl From<&audit::Approval> for ApiApproval {
    fn from(a: &audit::Approval) -> ApiApproval {
        ApiApproval { by: a.by.clone(), at: compliance::rfc3339(a.at), note: a.note.clone(), seq: a.seq }
    }
}

/// `pending`/`approved` for a sealed document, `none` without seals.
fn status_of(summary: &indexer::DocSummary, approval: Option<&audit::Approval>) -> &'static str {
    match (summary.seal_count, approval) {
        (0, _) => "none",
        (_, Some(_)) => "approved",
        (_, None) => "pending",
    }
}

async fn document(State(state): State<ApiState>, axum::extract::Path(id): axum::extract::Path<String>) -> Result<Response, Failure> {
    check_id(&id)?;
    let inner = state.inner.clone();
    let (summary, approval) = blocking(move || {
        let summary = inner.index.document(&id).map_err(internal)?.ok_or_else(|| Failure(StatusCode::NOT_FOUND, format!("no document {id:?}")))?;
        let approval = inner.approvals()?.get(&summary.doc_id).cloned();
        Ok((summary, approval))
    })
    .await?;
    #[derive(Serialize)]
    struct Body<'a> {
        #[serde(flatten)]
        summary: &'a indexer::DocSummary,
        ingested_at: String,
        status: &'static str,
        approval: Option<ApiApproval>,
        pdf: String,
    }
    Ok(Json(Body {
        ingested_at: compliance::rfc3339(summary.ingested),
        status: status_of(&summary, approval.as_ref()),
        approval: approval.as_ref().map(ApiApproval::from),
        pdf: pdf_url(&summary.doc_id, None),
        summary: &summary,
    })
    .into_response())
}

/// `name` for `Content-Disposition`: an ASCII fallback and the UTF-8 name.
fn content_disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn pdf(State(state): State<ApiState>, axum::extract::Path(id): axum::extract::Path<String>) -> Result<Response, Failure> {
    check_id(&id)?;
    let inner = state.inner.clone();
    let (name, bytes) = blocking(move || {
        let not_found = || Failure(StatusCode::NOT_FOUND, format!("no PDF for document {id:?}"));
        let summary = inner.index.document(&id).map_err(internal)?.ok_or_else(not_found)?;
        let output = PathBuf::from(&summary.output);
        let is_pdf = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if !is_pdf {
            return Err(not_found());
        }
        let bytes = std::fs::read(&output).map_err(|e| {
            tracing::warn!(doc_id = %summary.doc_id, output = %output.display(), "cannot read the PDF: {e}");
            not_found()
        })?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "document.pdf".into());
        Ok((name, bytes))
    })
    .await?;
    let disposition = HeaderValue::from_str(&content_disposition(&name)).unwrap_or(HeaderValue::from_static("inline"));
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    Ok((headers, bytes).into_response())
}

/// `POST /api/documents/{id}/approve` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    by: String,
    #[serde(default)]
    note: Option<String>,
}

async fn approve(State(state): State<ApiState>, axum::extract::Path(id): axum::extract::Path<String>, body: Result<Json<ApproveBody>, JsonRejection>) -> Result<Response, Failure> {
    check_id(&id)?;
    let Json(body) = body.map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => Failure(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the body as application/json".into()),
        e => bad_request(format!("the body must be {{\"by\": NAME, \"note\": TEXT}}: {}", e.body_text())),
    })?;
    let inner = state.inner.clone();
    let approved = blocking(move || {
        compliance::record_approval(&inner.index, &inner.data, &id, &body.by, body.note.as_deref().unwrap_or(""), OffsetDateTime::now_utc()).map_err(|e| match e {
            ApproveError::UnknownDocument(_) => Failure(StatusCode::NOT_FOUND, e.to_string()),
            ApproveError::NoName => bad_request("by (the approver's name) is empty"),
            e => internal(e),
        })
    })
    .await?;
    #[derive(Serialize)]
    struct Body {
        message: String,
        entry: audit::Entry,
        previous: Option<ApiApproval>,
    }
    Ok(Json(Body { message: approved.message(), previous: approved.appended.previous.as_ref().map(ApiApproval::from), entry: approved.appended.entry }).into_response())
}

/// `GET /api/sealed` parameters.
#[derive(Debug, Default, Deserialize)]
struct SealedParams {
    status: Option<String>,
    format: Option<String>,
}

async fn sealed(State(state): State<ApiState>, Query(params): Query<SealedParams>) -> Result<Response, Failure> {
    let filter = match params.status.as_deref().filter(|s| !s.is_empty()) {
        None => StatusFilter::Pending,
        Some(s) => compliance::parse_status(s).ok_or_else(|| bad_request(format!("status must be pending, approved or all, not {s:?}")))?,
    };
    let csv = match params.format.as_deref() {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(f) => return Err(bad_request(format!("format must be json or csv, not {f:?}"))),
    };
    let inner = state.inner.clone();
    let rows = blocking(move || {
        let approvals = inner.approvals()?;
        Ok(compliance::rows(inner.index.sealed().map_err(internal)?, &approvals, filter))
    })
    .await?;
    if csv {
        let mut out = Vec::new();
        compliance::write_csv(&mut out, &rows).map_err(internal)?;
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"inkan-sealed.csv\"")],
            out,
        )
            .into_response());
    }
    Ok(Json(rows).into_response())
}

/// Health counts: `inkan status --json`, `/api/status` and `/metrics` all report exactly this.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// Indexed documents.
    pub documents: u64,
    /// Their pages.
    pub pages: u64,
    /// Documents with at least one seal.
    pub sealed: u64,
    /// Sealed documents not yet re-approved.
    pub pending_reapproval: u64,
    /// Files noticed in hot folders, not yet taken.
    pub queued: u64,
    /// Files being processed.
    pub processing: u64,
    /// Files that failed.
    pub failed: u64,
}

impl StatusReport {
    /// The index's counts, the approvals, and the pipeline's counts, together.
    pub fn collect(index: &indexer::Index, approved: &HashMap<String, crate::audit::Approval>, pipeline: crate::journal::Counts) -> Result<StatusReport, indexer::IndexError> {
        let stats = index.stats()?;
        let pending = index.sealed()?.iter().filter(|d| !approved.contains_key(&d.doc_id)).count() as u64;
        Ok(StatusReport {
            documents: stats.documents,
            pages: stats.pages,
            sealed: stats.sealed,
            pending_reapproval: pending,
            queued: pipeline.queued,
            processing: pipeline.processing,
            failed: pipeline.failed,
        })
    }
}

async fn counts(inner: Arc<Inner>) -> Result<StatusReport, Failure> {
    blocking(move || {
        let approved = inner.approvals()?;
        let pipeline = inner.pipeline.as_ref().map(|p| p.counts()).unwrap_or_default();
        StatusReport::collect(&inner.index, &approved, pipeline).map_err(internal)
    })
    .await
}

async fn status(State(state): State<ApiState>) -> Result<Response, Failure> {
    Ok(Json(counts(state.inner.clone()).await?).into_response())
}

async fn metrics(State(state): State<ApiState>) -> Result<Response, Failure> {
    use prometheus_client::metrics::gauge::Gauge;
    let c = counts(state.inner.clone()).await?;
    let mut gauges = prometheus_client::registry::Registry::with_prefix("inkan");
    for (name, help, value) in [
        ("documents", "Documents in the index", c.documents),
        ("pages", "Pages of all indexed documents", c.pages),
        ("sealed_documents", "Indexed documents with at least one seal", c.sealed),
        ("pending_reapproval", "Sealed documents not yet re-approved", c.pending_reapproval),
        ("queue_depth", "Files noticed in hot folders and not yet taken", c.queued),
        ("processing", "Files being processed", c.processing),
        ("failed_files", "Files that failed (in the journal)", c.failed),
    ] {
        let gauge = Gauge::<i64>::default();
        gauge.set(value.try_into().unwrap_or(i64::MAX));
        gauges.register(name, help, gauge);
    }
    let mut out = String::new();
    let encoded = prometheus_client::encoding::text::encode_registry(&mut out, &gauges)
        .and_then(|()| state.inner.pipeline.as_ref().map_or(Ok(()), |p| p.write_metrics(&mut out)))
        .and_then(|()| prometheus_client::encoding::text::encode_eof(&mut out));
    encoded.map_err(|_| internal("cannot encode the metrics"))?;
    Ok(([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_by_digest() {
        let t = Token::new("s3cret-token\n");
        assert!(t.matches("s3cret-token"));
        assert!(!t.matches("s3cret-toke"));
        assert!(!t.matches("s3cret-tokenX"));
        assert!(!t.matches(""));
        assert!(constant_time_eq(&[7; 32], &[7; 32]));
        let mut b = [7; 32];
        b[31] = 8;
        assert!(!constant_time_eq(&[7; 32], &b));
        assert_eq!(format!("{t:?}"), "Token(…)");
    }

    #[test]
    fn non_loopback_needs_a_token() {
        let http = |listen: &str, token_file: Option<PathBuf>| watch_config::Http { listen: listen.parse().unwrap(), token_file };
        assert!(matches!(Auth::from_config(&http("127.0.0.1:0", None)), Ok(Auth::Open)));
        assert!(matches!(Auth::from_config(&http("[::1]:0", None)), Ok(Auth::Open)));
        assert!(matches!(Auth::from_config(&http("0.0.0.0:0", None)), Err(ServeError::NeedsToken { .. })));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "abc\n").unwrap();
        assert!(matches!(Auth::from_config(&http("0.0.0.0:0", Some(file.clone()))), Ok(Auth::Bearer(t)) if t.matches("abc")));
        std::fs::write(&file, " \n").unwrap();
        assert!(matches!(Auth::from_config(&http("0.0.0.0:0", Some(file))), Err(ServeError::TokenFile { .. })));
    }

    #[test]
    fn loopback_hosts() {
        for ok in ["localhost", "localhost:7878", "127.0.0.1:80", "127.1.2.3", "[::1]:7878", "LOCALHOST:1"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["", "evil.example", "evil.example:7878", "10.0.0.1:7878", "localhost.evil.example", "[::2]:1"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn ids_are_checked_before_any_lookup() {
        assert!(check_id("0123456789abcdef").is_ok());
        for bad in ["", "../../etc/passwd", "/etc/passwd", "a b", "..", "a/b", "%2e%2e"] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn content_disposition_keeps_japanese_names() {
        assert_eq!(content_disposition("契約.pdf"), "inline; filename=\"__.pdf\"; filename*=UTF-8''%E5%A5%91%E7%B4%84.pdf");
        assert_eq!(content_disposition("a \"b\".pdf"), "inline; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf");
    }

    #[test]
    fn search_parameters() {
        let p = SearchParams { q: Some("契約".into()), limit: Some("5000".into()), sealed: Some("true".into()), since: Some("2024-04-01".into()), ..Default::default() };
        let q = p.query().ok().unwrap();
        assert_eq!((q.limit, q.sealed_only, q.since, q.until), (MAX_LIMIT, true, Some(1_711_929_600), None));
        assert!(SearchParams { q: Some(" ".into()), ..Default::default() }.query().is_err());
        assert!(SearchParams { q: Some("x".into()), sealed: Some("maybe".into()), ..Default::default() }.query().is_err());
        assert!(SearchParams { q: Some("x".into()), until: Some("April".into()), ..Default::default() }.query().is_err());
    }
}
