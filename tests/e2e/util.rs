//! Shared fixtures: the generated test data (made once per test run), a
//! shared ingested data directory, and a runner for the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// The binary under test.
pub fn inkan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_inkan"));
    c.env_remove("INKAN_LOG");
    c
}

/// Runs `inkan --data DATA args…` and returns its output.
pub fn run(data: &Path, args: &[&str]) -> Output {
    inkan().arg("--data").arg(data).args(args).output().expect("running inkan")
}

/// stdout as JSON lines.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// The generated test data folder (`known/`, `bad/`), made once by the Python generator.
pub fn data() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let script = root.join("tests/data/make_test_data.py");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-data");
        let stamp = out.join(".stamp");
        let want = std::fs::read(&script).map(|b| format!("{:x}", b.len() * 31 + b.iter().map(|&x| x as usize).sum::<usize>())).unwrap();
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
            let _ = std::fs::remove_dir_all(&out);
            let st = Command::new("/usr/bin/python3").arg(&script).arg("--out").arg(&out).status().expect("running make_test_data.py");
            assert!(st.success(), "make_test_data.py failed");
            std::fs::write(&stamp, want).unwrap();
        }
        out
    })
}

/// The known pages' truth: file → pages → lines.
pub fn truth() -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(data().join("known/truth.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// NFKC with every whitespace character removed: how OCR text is compared.
pub fn squash(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// A data directory where every known page was ingested once (shared by the search tests).
pub struct Ingested {
    /// Keeps the directory alive for the whole test run.
    pub _dir: tempfile::TempDir,
    /// The data directory.
    pub data: PathBuf,
    /// The `ingest --json` lines.
    pub lines: Vec<serde_json::Value>,
    /// The exit status of the ingest.
    pub success: bool,
}

/// Ingests `known/` once per test run.
pub fn ingested() -> &'static Ingested {
    static ONCE: OnceLock<Ingested> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let files: Vec<String> = truth().keys().map(|f| data_path(&format!("known/{f}")).to_string_lossy().into_owned()).collect();
        let mut args = vec!["ingest", "--json", "--workers", "2"];
        args.extend(files.iter().map(String::as_str));
        let out = run(&data, &args);
        assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
        Ingested { lines: json_lines(&out), success: out.status.success(), data, _dir: dir }
    })
}

/// A path under the generated data.
pub fn data_path(rel: &str) -> PathBuf {
    data().join(rel)
}

/// Every file under `dir` with its bytes, to prove nothing was changed.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}
