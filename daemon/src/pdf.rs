//! The searchable PDF: the scan as the page image, an invisible text layer on top.
//!
//! STUB — being written; the public shape below is the contract the pipeline uses.

use std::path::Path;

use crate::ocr::OcrPage;
use crate::page::PageImage;

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Writing the file failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file being written.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The image could not be encoded for the PDF.
    #[error("could not encode page {page} image: {reason}")]
    Encode {
        /// 1-based page number.
        page: usize,
        /// What went wrong.
        reason: String,
    },
}

/// Builds the searchable PDF for `pages` (each with its OCR result) and
/// returns its bytes.
pub fn build_pdf(_pages: &[(&PageImage, &OcrPage)]) -> Result<Vec<u8>, PdfError> {
    unimplemented!()
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync,
/// rename, fsync of the directory. A reader never sees a half-written PDF.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PdfError> {
    use std::io::Write;
    let io = |source| PdfError::Io { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(
        ".{}.inkan-tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
