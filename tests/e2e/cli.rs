//! Usage and configuration errors: exit 2, one readable sentence, no panic.

use crate::util::{inkan, run};

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = inkan().args(["search", "--frobnicate", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_date_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["search", "--since", "yesterday", "契約"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--since expects a date like 2024-04-01"), "{err}");
}

#[test]
fn search_on_a_new_data_dir_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("data"), &["search", "--json", "契約"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
}

#[test]
fn broken_config_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("inkan.toml");
    std::fs::write(&cfg, "data_dir = \"d\"\nworkers = \"two\"\n").unwrap();
    let out = inkan().arg("check-config").arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inkan.toml:2") && err.contains("workers"), "{err}");
}
