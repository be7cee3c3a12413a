//! Tesseract runs OpenMP threads per page; with several OCR workers that is
//! about 6× slower on a small machine. OpenMP reads `OMP_THREAD_LIMIT` only
//! when the process starts, so inkan re-executes itself with it set.

/// Re-executes the current binary with `OMP_THREAD_LIMIT=1` unless it is
/// already set (by the caller, the systemd unit, or a previous re-exec).
/// If the re-exec fails, carries on with a warning on stderr.
pub fn ensure_single_threaded_openmp() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let err = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env("OMP_THREAD_LIMIT", "1").exec();
    eprintln!("inkan: warning: could not re-execute with OMP_THREAD_LIMIT=1 ({err}); OCR may be slow");
}
