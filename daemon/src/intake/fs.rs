//! The file-system edge of intake: walking a hot folder without following
//! symlinks, reading a regular file safely, the folder's file-system type,
//! and which files local processes hold open for writing.

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use watch_config::IgnoreRules;

use super::settle::Stamp;

/// The stamp of a metadata record.
pub fn stamp(m: &std::fs::Metadata) -> Stamp {
    Stamp { size: m.len(), mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec() }
}

/// What `lstat` says about a path in a hot folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file, with its stamp.
    File(Stamp),
    /// A directory.
    Dir,
    /// A symlink, FIFO, socket or device: never read, never followed.
    Other,
    /// Not there.
    Missing,
}

/// `lstat` of `path`: symlinks are reported as [`Kind::Other`], never followed.
pub fn kind(path: &Path) -> Kind {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Kind::File(stamp(&m)),
        Ok(m) if m.file_type().is_dir() => Kind::Dir,
        Ok(_) => Kind::Other,
        Err(_) => Kind::Missing,
    }
}

/// Whether `rel` (a path relative to the hot folder) is to be left alone:
/// any of its components matches the ignore rules.
pub fn ignored(rel: &Path, rules: &IgnoreRules) -> bool {
    rel.components().any(|c| rules.is_ignored(&c.as_os_str().to_string_lossy()))
}

/// Every regular file under `root` (only directly in it unless
/// `recursive`), skipping ignored names, symlinks and special files.
pub fn walk(root: &Path, recursive: bool, rules: &IgnoreRules) -> Vec<(PathBuf, Stamp)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let name = e.file_name();
            if rules.is_ignored(&name.to_string_lossy()) {
                continue;
            }
            // DirEntry::file_type does not follow symlinks.
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() && recursive {
                stack.push(e.path());
            } else if t.is_file() {
                if let Ok(m) = e.metadata() {
                    out.push((e.path(), stamp(&m)));
                }
            }
        }
    }
    out
}

/// Reads a regular file without following a symlink and without blocking on
/// a FIFO: opened with `O_NOFOLLOW | O_NONBLOCK`, then checked with `fstat`.
pub fn read_regular(path: &Path) -> std::io::Result<(Vec<u8>, Stamp)> {
    let mut f = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)?;
    let m = f.metadata()?;
    if !m.file_type().is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::with_capacity(m.len() as usize);
    f.read_to_end(&mut bytes)?;
    Ok((bytes, stamp(&m)))
}

/// The network or user-space file system `path` is on, if any: inotify sees
/// no changes made by other machines there, so such folders are polled.
pub fn network_fs(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated string and `st` a writable statfs.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    fs_name(st.f_type as i64)
}

/// The name of a network or user-space file system magic number.
fn fs_name(magic: i64) -> Option<&'static str> {
    match magic as u32 {
        0x6969 => Some("NFS"),
        0xFF53_4D42 => Some("CIFS"),
        0xFE53_4D42 => Some("SMB2"),
        0x517B => Some("SMB"),
        0x6573_5546 => Some("FUSE"),
        0x0102_1997 => Some("9p"),
        0x00C3_6400 => Some("Ceph"),
        0x5346_414F => Some("AFS"),
        _ => None,
    }
}

/// Which of `paths` some local process has open for writing, found by
/// reading `/proc/*/fd` and `/proc/*/fdinfo` once for the whole batch.
///
/// Only processes whose `/proc` entries this process may read are seen (all
/// of them as root; the same user's otherwise). Writers on other machines
/// (SMB, NFS) are never seen here: for them the settle time and the
/// complete-decode check decide.
pub fn open_for_writing(paths: &[PathBuf]) -> HashSet<PathBuf> {
    let mut found = HashSet::new();
    if paths.is_empty() {
        return found;
    }
    let wanted: HashSet<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let me = std::process::id().to_string();
    let Ok(procs) = std::fs::read_dir("/proc") else { return found };
    for p in procs.flatten() {
        let pid = p.file_name();
        let pid = pid.to_string_lossy();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else { continue };
            if !wanted.contains(target.as_path()) {
                continue;
            }
            let info = std::fs::read_to_string(p.path().join("fdinfo").join(fd.file_name())).unwrap_or_default();
            if writes(&info) {
                found.insert(target);
            }
        }
    }
    found
}

/// Whether an `fdinfo` text has an access mode of O_WRONLY or O_RDWR.
fn writes(fdinfo: &str) -> bool {
    fdinfo
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| i64::from_str_radix(f.trim(), 8).ok())
        .is_some_and(|flags| flags & 0o3 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdinfo_flags_are_read_in_octal() {
        assert!(writes("pos:\t0\nflags:\t0100001\nmnt_id:\t1\n"));
        assert!(writes("pos:\t0\nflags:\t02\n"));
        assert!(!writes("pos:\t0\nflags:\t0100000\n"));
        assert!(!writes(""));
    }

    #[test]
    fn network_magic_numbers() {
        assert_eq!(fs_name(0x6969), Some("NFS"));
        assert_eq!(fs_name(0xFF53_4D42), Some("CIFS"));
        assert_eq!(fs_name(0xEF53), None); // ext4
    }

    #[test]
    fn a_file_open_for_writing_here_is_seen_by_another_process_view() {
        // Our own process is skipped, so hold the file open in a child.
        let dir = tempfile::tempdir().unwrap();
        let path = std::fs::canonicalize(dir.path()).unwrap().join("w.png");
        std::fs::write(&path, b"x").unwrap();
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec 3>>'{}'; read x", path.display()))
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut seen = false;
        while std::time::Instant::now() < deadline && !seen {
            seen = open_for_writing(std::slice::from_ref(&path)).contains(&path);
        }
        drop(child.stdin.take());
        let _ = child.wait();
        assert!(seen);
        assert!(!open_for_writing(std::slice::from_ref(&path)).contains(&path));
    }

    #[test]
    fn walk_skips_symlinks_fifos_and_ignored_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.png"), b"a").unwrap();
        std::fs::write(root.join("Thumbs.db"), b"a").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/b.png"), b"b").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("link.png")).unwrap();
        let fifo = std::ffi::CString::new(root.join("fifo.png").to_str().unwrap()).unwrap();
        unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) };
        let rules = IgnoreRules::default();
        let mut flat: Vec<_> = walk(root, false, &rules).into_iter().map(|(p, _)| p).collect();
        flat.sort();
        assert_eq!(flat, vec![root.join("a.png")]);
        assert_eq!(walk(root, true, &rules).len(), 2);
        assert!(read_regular(&root.join("link.png")).is_err());
        assert!(read_regular(&root.join("fifo.png")).is_err());
        assert_eq!(kind(&root.join("link.png")), Kind::Other);
    }
}
