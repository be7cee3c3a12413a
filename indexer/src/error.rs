//! [`IndexError`]: everything that can go wrong in this crate.

use std::path::PathBuf;
use std::time::Duration;

/// A boxed error from the search engine underneath, kept as the source only.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error of the index.
///
/// [`IndexError::Locked`] and [`IndexError::BadQuery`] are expected at run
/// time (another writer, a user's typo): report them and go on. The others mean
/// the index directory is unusable or damaged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// Another process (usually the running daemon) holds the writer lock
    /// and did not release it in time.
    #[error(
        "the index in {} is locked by another writer (waited {} s); is the inkan daemon running?",
        .dir.display(), .waited.as_secs()
    )]
    Locked {
        /// The index directory.
        dir: PathBuf,
        /// How long we retried.
        waited: Duration,
    },

    /// A file system operation on the index directory failed.
    #[error("cannot {about} {}: {source}", .path.display())]
    Io {
        /// What we were doing, e.g. "create the index directory".
        about: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// The directory holds an index whose schema differs from this version's.
    #[error(
        "the index in {} was written by an incompatible version of inkan; move it away and ingest again",
        .dir.display()
    )]
    IncompatibleSchema {
        /// The index directory.
        dir: PathBuf,
    },

    /// The search engine failed.
    #[error("the index failed to {about}: {source}")]
    Tantivy {
        /// What we were doing, e.g. "commit".
        about: &'static str,
        /// The cause.
        #[source]
        source: BoxError,
    },

    /// The query cannot be run (e.g. it has no searchable word).
    #[error("bad query: {reason}")]
    BadQuery {
        /// Why, as a sentence fragment for the user.
        reason: String,
    },

    /// A record handed to [`Writer::add`](crate::Writer::add) cannot be indexed.
    #[error("cannot index {file}: {reason}")]
    InvalidRecord {
        /// The record's original file name.
        file: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A stored record could not be decoded.
    #[error("the stored record of document {doc_id} is unreadable: {reason}")]
    Corrupt {
        /// The document concerned.
        doc_id: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl IndexError {
    /// Wraps a tantivy error with what we were doing.
    pub(crate) fn tantivy(about: &'static str) -> impl FnOnce(tantivy::TantivyError) -> IndexError {
        move |source| IndexError::Tantivy {
            about,
            source: Box::new(source),
        }
    }

    /// Whether another writer holds the lock.
    pub fn is_locked(&self) -> bool {
        matches!(self, IndexError::Locked { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sentences() {
        let e = IndexError::Locked {
            dir: PathBuf::from("/data/index"),
            waited: Duration::from_secs(30),
        };
        assert_eq!(
            e.to_string(),
            "the index in /data/index is locked by another writer (waited 30 s); is the inkan daemon running?"
        );
        let e = IndexError::BadQuery {
            reason: "the query has no searchable word".into(),
        };
        assert_eq!(e.to_string(), "bad query: the query has no searchable word");
    }
}
