//! The page pictures of the web page: a page's preview, where a query's
//! words are on it, and seal crops. Every picture is drawn from the page
//! image inside the document's searchable PDF (the `output` the index lists
//! for the id; no request path becomes a file path) and cached under
//! `DATA/cache/` in a file named only from the checked id and numbers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{bad_request, blocking, check_id, internal, ApiState, Failure, Inner};
use crate::preview::{self, HitBox};

/// The URL of a page's preview.
pub(super) fn preview_url(doc_id: &str, page: u32) -> String {
    format!("/api/documents/{doc_id}/pages/{page}/preview")
}

/// A page or seal number from the URL: 1 or more.
fn number(what: &str, v: &str) -> Result<u32, Failure> {
    v.parse::<u32>().ok().filter(|&n| n >= 1).ok_or_else(|| bad_request(format!("{what} must be a number from 1, not {v:?}")))
}

fn not_found(message: String) -> Failure {
    Failure(StatusCode::NOT_FOUND, message)
}

/// `DATA/cache/<kind>/<id>-<n>.<ext>`; `id` has passed [`check_id`].
fn cache_path(data: &Path, kind: &str, id: &str, n: u32, ext: &str) -> PathBuf {
    data.join("cache").join(kind).join(format!("{id}-{n}.{ext}"))
}

/// The cached bytes at `path`, or `make()`'s, then cached (best effort:
/// a read-only data directory still serves, uncached).
fn cached(path: &Path, make: impl FnOnce() -> Result<Vec<u8>, Failure>) -> Result<Vec<u8>, Failure> {
    if let Ok(bytes) = std::fs::read(path) {
        return Ok(bytes);
    }
    let bytes = make()?;
    // A temporary name of our own, so that two requests for the same picture
    // never write into the same file; the rename makes it appear whole.
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let tmp = path.with_extension(format!("{}-{}.tmp", std::process::id(), SERIAL.fetch_add(1, Ordering::Relaxed)));
    let stored = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&tmp, &bytes)).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = stored {
        tracing::debug!(path = %path.display(), "cannot cache a picture: {e}");
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(bytes)
}

/// Page `n` of document `id`, decoded from its searchable PDF.
fn page_image(inner: &Inner, id: &str, n: u32) -> Result<crate::PageImage, Failure> {
    let summary = inner.index.document(id).map_err(internal)?.ok_or_else(|| not_found(format!("no document {id:?}")))?;
    if n as usize > summary.pages.len() {
        return Err(not_found(format!("document {id} has {} page(s), not {n}", summary.pages.len())));
    }
    let output = PathBuf::from(&summary.output);
    let bytes = std::fs::read(&output).map_err(|e| {
        tracing::warn!(doc_id = %id, output = %output.display(), "cannot read the PDF: {e}");
        not_found(format!("no PDF for document {id:?}"))
    })?;
    crate::decode::decode_pdf_page(&bytes, n)
        .map_err(|e| internal(format!("cannot read page {n} of {}: {e}", output.display())))?
        .ok_or_else(|| not_found(format!("the PDF of {id} has no page {n}")))
}

fn picture(content_type: &'static str, bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=3600")], bytes).into_response()
}

/// `GET /api/documents/{id}/pages/{n}/preview`: the page as a JPEG, 900 px wide at most.
pub(super) async fn preview(State(state): State<ApiState>, UrlPath((id, n)): UrlPath<(String, String)>) -> Result<Response, Failure> {
    check_id(&id)?;
    let n = number("the page", &n)?;
    let inner = state.inner.clone();
    let bytes = blocking(move || {
        let path = cache_path(&inner.data, "previews", &id, n, "jpg");
        cached(&path, || preview::page_jpeg(&page_image(&inner, &id, n)?).map_err(internal))
    })
    .await?;
    Ok(picture("image/jpeg", bytes))
}

/// `GET /api/documents/{id}/pages/{n}/hits` parameters.
#[derive(Debug, Deserialize)]
pub(super) struct HitsParams {
    q: Option<String>,
}

/// Where the query's words are on a page.
#[derive(Debug, Serialize)]
struct PageHits {
    doc_id: String,
    page: u32,
    /// Page image size in pixels; the boxes are in these pixels.
    width: u32,
    height: u32,
    preview: String,
    boxes: Vec<HitBox>,
}

/// `GET /api/documents/{id}/pages/{n}/hits?q=`: the boxes of the query's
/// matches on the page, from the OCR line boxes kept at ingest.
pub(super) async fn hits(State(state): State<ApiState>, UrlPath((id, n)): UrlPath<(String, String)>, Query(params): Query<HitsParams>) -> Result<Response, Failure> {
    check_id(&id)?;
    let n = number("the page", &n)?;
    let q = params.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(bad_request("q (the query) is empty"));
    }
    let inner = state.inner.clone();
    let body = blocking(move || {
        let layout = inner.index.page_layout(&id, n).map_err(internal)?.ok_or_else(|| not_found(format!("no page {n} of document {id:?}")))?;
        let ranges = indexer::highlight(&layout.text, &q);
        Ok(PageHits {
            boxes: preview::hit_boxes(&layout.text, &layout.lines, &ranges),
            preview: preview_url(&id, n),
            width: layout.width,
            height: layout.height,
            page: n,
            doc_id: id,
        })
    })
    .await?;
    Ok(Json(body).into_response())
}

/// `GET /api/documents/{id}/seals/{k}`: seal `k` (1-based, in page order) as a PNG crop.
pub(super) async fn seal(State(state): State<ApiState>, UrlPath((id, k)): UrlPath<(String, String)>) -> Result<Response, Failure> {
    check_id(&id)?;
    let k = number("the seal", &k)?;
    let inner = state.inner.clone();
    let bytes = blocking(move || {
        let path = cache_path(&inner.data, "seals", &id, k, "png");
        cached(&path, || {
            let summary = inner.index.document(&id).map_err(internal)?.ok_or_else(|| not_found(format!("no document {id:?}")))?;
            let (page, seal) = summary
                .pages
                .iter()
                .flat_map(|p| p.seals.iter().map(move |s| (p.page, s)))
                .nth(k as usize - 1)
                .ok_or_else(|| not_found(format!("document {id} has {} seal(s), not {k}", summary.seal_count)))?;
            preview::seal_png(&page_image(&inner, &id, page)?, seal.bbox).map_err(internal)
        })
    })
    .await?;
    Ok(picture("image/png", bytes))
}
