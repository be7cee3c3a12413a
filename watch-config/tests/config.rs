//! watch-config from the outside: fixtures parsed with exact messages,
//! relative paths, file-system checks in temp dirs, and reloading.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use watch_config::{
    check_filesystem, load, parse, Config, ConfigErrors, Reload, Reloader, Watcher,
};

/// Reads a fixture and parses it, naming it by its file name alone so
/// messages read `name.toml:LINE: ...`.
fn parse_fixture(kind: &str, name: &str) -> Result<Config, ConfigErrors> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
        .join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text, Path::new(name))
}

fn messages(errors: &ConfigErrors) -> Vec<String> {
    errors.iter().map(|e| e.to_string()).collect()
}

/// Writes a config file that only its owner may change (whatever the
/// umask), as a careful admin would.
fn write_config(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    set_mode(path, 0o644);
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// A temp dir, canonicalized so expected messages can name real paths.
struct Dir {
    _guard: tempfile::TempDir,
    root: PathBuf,
}

impl Dir {
    fn new() -> Dir {
        let guard = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(guard.path()).unwrap();
        Dir {
            _guard: guard,
            root,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.path(rel);
        fs::create_dir_all(&p).unwrap();
        p
    }

    /// Writes `inkan.toml` with `{root}` replaced by the dir's path.
    fn config(&self, text: &str) -> PathBuf {
        let p = self.path("inkan.toml");
        write_config(&p, &text.replace("{root}", self.root.to_str().unwrap()));
        p
    }
}

// Bad fixtures: every problem, with the exact file:line: key: reason.
mod bad {
    use super::*;

    /// (fixture, expected messages in order).
    const TABLE: &[(&str, &[&str])] = &[
        (
            "unknown_key.toml",
            &["unknown_key.toml:4: folder[0].setle: unknown key; did you mean \"settle\"?"],
        ),
        (
            "bad_duration.toml",
            &["bad_duration.toml:7: folder[1].settle: expected a duration like \"2s\" or \"5m\", found \"fast\""],
        ),
        (
            "missing_keys.toml",
            &[
                "missing_keys.toml:3: folder[0].name: missing; every [[folder]] needs a name, like name = \"contracts\"",
                "missing_keys.toml:3: folder[0].path: missing; every [[folder]] needs a path: the hot folder to watch",
            ],
        ),
        (
            "duplicate_names.toml",
            &["duplicate_names.toml:6: folder[1].name: duplicate folder name \"Contracts\"; folder[0] on line 2 has it already"],
        ),
        (
            "workers_zero.toml",
            &["workers_zero.toml:1: workers: must be between 1 and 256, found 0"],
        ),
        (
            "wrong_types.toml",
            &[
                "wrong_types.toml:1: workers: expected a whole number of workers like 2, found \"two\"",
                "wrong_types.toml:2: languages: expected a list of languages like [\"jpn\", \"eng\"], found \"jpn\"",
                "wrong_types.toml:4: folder[0].name: expected a folder name like \"contracts\", found 7",
                "wrong_types.toml:6: folder[0].recursive: expected true or false, found \"yes\"",
                "wrong_types.toml:7: folder[0].tags: expected a list of tags like [\"contract\"], found \"contract\"",
                "wrong_types.toml:8: folder[0].settle: expected a duration like \"2s\" or \"5m\", found 2",
            ],
        ),
        (
            "bad_languages.toml",
            &[
                "bad_languages.toml:2: languages[0]: expected a language code like \"jpn\", \"eng\" or \"jpn_vert\" (lowercase letters and \"_\"), found \"jpn+eng\"",
                "bad_languages.toml:3: languages[1]: expected a language code like \"jpn\", \"eng\" or \"jpn_vert\" (lowercase letters and \"_\"), found \"ENG\"",
            ],
        ),
        (
            "empty_languages.toml",
            &["empty_languages.toml:1: languages: must name at least one language, like [\"jpn\", \"eng\"]"],
        ),
        (
            "bad_listen.toml",
            &["bad_listen.toml:2: http.listen: expected an address like \"127.0.0.1:7878\" or \"0.0.0.0:7878\", found \"127.0.0.1\""],
        ),
        (
            "public_without_token.toml",
            &["public_without_token.toml:1: http.token_file: missing; required because listen (\"0.0.0.0:7878\") is not a loopback address, like token_file = \"/etc/inkan/token\""],
        ),
        (
            "bad_globs.toml",
            &[
                "bad_globs.toml:4: folder[0].ignore[1]: invalid glob: unclosed \"[\" in \"[abc\"",
                "bad_globs.toml:4: folder[0].ignore[2]: invalid glob: globs match file names only, so must not contain \"/\"; found \"sub/*.pdf\"",
                "bad_globs.toml:4: folder[0].ignore[3]: invalid glob: a glob must not be empty",
            ],
        ),
        (
            "bad_names.toml",
            &[
                "bad_names.toml:2: folder[0].name: must not contain \"/\" or \"\\\" (it names one directory), found \"../etc\"",
                "bad_names.toml:5: folder[1].name: must not be empty",
                "bad_names.toml:8: folder[2].name: must not contain control characters or any of < > : \" | ? *, found \"a:b\"",
            ],
        ),
        (
            "timeout_not_after_settle.toml",
            &[
                "timeout_not_after_settle.toml:5: folder[0].incomplete_timeout: must be longer than settle (30s), found \"10s\"",
                "timeout_not_after_settle.toml:9: folder[1].settle: must be shorter than incomplete_timeout (10m, the default), found \"20m\"",
            ],
        ),
        (
            "duplicate_key.toml",
            &["duplicate_key.toml:5: settle: invalid TOML: duplicate key"],
        ),
        (
            "poll_zero.toml",
            &[
                "poll_zero.toml:4: folder[0].poll: must be longer than 0s, found \"0s\"",
                "poll_zero.toml:5: folder[0].rescan: must be longer than 0s, found \"0s\"",
            ],
        ),
        (
            "single_folder_table.toml",
            &["single_folder_table.toml:1: folder: expected [[folder]] tables, found a single [folder] table; write [[folder]] (double brackets)"],
        ),
        (
            "bad_paths.toml",
            &[
                "bad_paths.toml:1: data_dir: \"~\" is not expanded; write the full path, found \"~/inkan\"",
                "bad_paths.toml:4: folder[0].path: must not be empty",
                "bad_paths.toml:6: http.token_file: \"~\" is not expanded; write the full path, found \"~/token\"",
            ],
        ),
        (
            "unknown_tables.toml",
            &[
                "unknown_tables.toml:3: http.tokenfile: unknown key; did you mean \"token_file\"?",
                "unknown_tables.toml:5: server: unknown key; expected one of: data_dir, workers, languages, folder, http",
            ],
        ),
        (
            "many.toml",
            &[
                "many.toml:2: workers: must be between 1 and 256, found -1",
                "many.toml:8: folder[0].settle: expected a duration like \"2s\" or \"5m\", found \"soon\"",
                "many.toml:10: folder[1].path: missing; every [[folder]] needs a path: the hot folder to watch",
                "many.toml:11: folder[1].name: duplicate folder name \"contracts\"; folder[0] on line 6 has it already",
                "many.toml:12: folder[1].recurse: unknown key; did you mean \"recursive\"?",
                "many.toml:14: http.token_file: missing; required because listen (\"0.0.0.0:7878\") is not a loopback address, like token_file = \"/etc/inkan/token\"",
            ],
        ),
        (
            "syntax.toml",
            &["syntax.toml:3: invalid TOML: invalid basic string, expected `\"`"],
        ),
    ];

    #[test]
    fn every_bad_fixture_gives_exact_messages() {
        let mut failures = Vec::new();
        for (name, want) in TABLE {
            let got = match parse_fixture("bad", name) {
                Ok(_) => vec!["<accepted>".to_owned()],
                Err(e) => messages(&e),
            };
            if got != *want {
                failures.push(format!("{name}:\n  want: {want:#?}\n  got:  {got:#?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_bad_fixture_is_in_the_table() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
        for entry in fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                TABLE.iter().any(|(n, _)| *n == name),
                "fixture {name} has no expected messages"
            );
        }
    }

    #[test]
    fn every_error_has_a_line_and_the_display_is_one_line_each() {
        for (name, want) in TABLE {
            let errors = parse_fixture("bad", name).unwrap_err();
            assert!(errors.iter().all(|e| e.line.is_some()), "{name}");
            assert_eq!(errors.to_string().lines().count(), want.len(), "{name}");
        }
    }

    #[test]
    fn structured_fields() {
        let errors = parse_fixture("bad", "bad_duration.toml").unwrap_err();
        let e = &errors.0[0];
        assert_eq!(e.file, Path::new("bad_duration.toml"));
        assert_eq!(e.line, Some(7));
        assert_eq!(e.key, "folder[1].settle");
        assert_eq!(
            e.reason,
            "expected a duration like \"2s\" or \"5m\", found \"fast\""
        );
    }
}

// Good fixtures: accepted, with the values and defaults they imply.
mod good {
    use super::*;

    #[test]
    fn every_good_fixture_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        for entry in fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Err(e) = parse_fixture("good", &name) {
                panic!("{name} refused:\n{e}");
            }
        }
    }

    #[test]
    fn full_example_values() {
        let cfg = parse_fixture("good", "full.toml").unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some(Path::new("/var/lib/inkan")));
        assert_eq!(cfg.workers, 2);
        assert_eq!(cfg.languages, ["jpn", "eng"]);
        assert_eq!(cfg.folders.len(), 2);
        let f = &cfg.folders[0];
        assert_eq!(f.name, "contracts");
        assert_eq!(f.path, Path::new("/srv/scans/contracts"));
        assert_eq!(
            f.output.as_deref(),
            Some(Path::new("/srv/archive/contracts"))
        );
        assert_eq!(
            f.failed.as_deref(),
            Some(Path::new("/srv/failed/contracts"))
        );
        assert!(f.recursive);
        assert_eq!(f.tags, ["contract"]);
        assert_eq!(f.settle, Duration::from_secs(2));
        assert_eq!(f.watcher, Watcher::Poll(Duration::from_secs(10)));
        assert_eq!(f.incomplete_timeout, Duration::from_secs(300));
        assert_eq!(f.ignore.globs().collect::<Vec<_>>(), [".*", "*.tmp", "~$*"]);
        assert!(f.ignore.is_ignored(".hidden.pdf"));
        assert!(f.ignore.is_ignored("~$scan.pdf"));
        assert!(!f.ignore.is_ignored("scan.pdf"));
        let http = cfg.http.as_ref().unwrap();
        assert_eq!(http.listen.to_string(), "127.0.0.1:7878");
        assert_eq!(http.token_file, None);
        assert_eq!(cfg.line_of("folder[0].settle"), Some(13));
        assert_eq!(cfg.line_of("folder[1]"), Some(18));
    }

    #[test]
    fn defaults() {
        let cfg = parse_fixture("good", "minimal.toml").unwrap();
        let defaults = Config::default();
        assert_eq!(cfg.data_dir, None);
        assert_eq!(cfg.workers, defaults.workers);
        assert!(cfg.workers >= 1);
        assert_eq!(cfg.languages, ["jpn", "eng"]);
        assert_eq!(cfg.http, None);
        let f = &cfg.folders[0];
        assert_eq!(f.output, None);
        assert_eq!(f.failed, None);
        assert!(!f.recursive);
        assert!(f.tags.is_empty());
        assert_eq!(f.settle, Duration::from_secs(2));
        assert_eq!(f.watcher, Watcher::Auto);
        assert_eq!(f.incomplete_timeout, Duration::from_secs(600));
        assert!(f.ignore.is_ignored(".DS_Store"));
        assert!(f.ignore.is_ignored("Thumbs.db"));
        assert!(f.ignore.is_ignored("@eaDir"));
        assert!(!f.ignore.is_ignored(".hidden.pdf"));

        let data = cfg.data_dir_or(Path::new("/d"));
        assert_eq!(data, Path::new("/d"));
        assert_eq!(cfg.folder_output(f, &data), Path::new("/d/output/inbox"));
        assert_eq!(cfg.folder_failed(f, &data), Path::new("/d/failed/inbox"));
        assert_eq!(
            cfg.folder_originals(f, &data),
            Path::new("/d/originals/inbox")
        );
        assert_eq!(cfg.folder("inbox"), Some(f));
        assert_eq!(
            parse_fixture("good", "empty.toml").unwrap(),
            Config::default()
        );
    }

    #[test]
    fn inline_tables_and_localhost() {
        let cfg = parse_fixture("good", "inline_folders.toml").unwrap();
        assert_eq!(cfg.folders[0].settle, Duration::from_millis(500));
        assert_eq!(
            cfg.folders[1].watcher,
            Watcher::Poll(Duration::from_secs(60))
        );
        assert_eq!(cfg.http.unwrap().listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn public_listen_with_token() {
        let cfg = parse_fixture("good", "public_http.toml").unwrap();
        let http = cfg.http.unwrap();
        assert_eq!(http.listen.to_string(), "0.0.0.0:7878");
        assert_eq!(
            http.token_file.as_deref(),
            Some(Path::new("/etc/inkan/token"))
        );
    }
}

// Relative paths are resolved against the config file's directory.
mod relative {
    use super::*;

    #[test]
    fn against_an_absolute_config_path() {
        let text = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/relative.toml"),
        )
        .unwrap();
        let cfg = parse(&text, Path::new("/etc/inkan/inkan.toml")).unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some(Path::new("/etc/inkan/data")));
        let f = &cfg.folders[0];
        assert_eq!(f.path, Path::new("/etc/inkan/scans/inbox"));
        assert_eq!(
            f.output.as_deref(),
            Some(Path::new("/etc/inkan/../archive"))
        );
        let data = cfg.data_dir_or(Path::new("unused"));
        assert_eq!(
            cfg.folder_failed(f, &data),
            Path::new("/etc/inkan/data/failed/inbox")
        );
    }

    #[test]
    fn against_a_relative_config_path() {
        let cfg = parse("data_dir = \"data\"\n", Path::new("conf/inkan.toml")).unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some(Path::new("conf/data")));
        let cfg = parse("data_dir = \"data\"\n", Path::new("inkan.toml")).unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some(Path::new("data")));
    }

    #[test]
    fn load_finds_relative_hot_folders() {
        let dir = Dir::new();
        dir.mkdir("etc/scans/inbox");
        let file = dir.path("etc/inkan.toml");
        write_config(
            &file,
            "data_dir = \"../var\"\n[[folder]]\nname = \"inbox\"\npath = \"scans/inbox\"\n",
        );
        let cfg = load(&file).unwrap();
        assert_eq!(cfg.folders[0].path, dir.path("etc/scans/inbox"));
        assert_eq!(cfg.data_dir, Some(dir.path("etc/../var")));
    }
}

// check_filesystem / load in real temp dirs.
mod filesystem {
    use super::*;

    fn load_messages(file: &Path) -> Vec<String> {
        match load(file) {
            Ok(_) => vec!["<accepted>".to_owned()],
            Err(e) => messages(&e),
        }
    }

    #[test]
    fn a_sound_config_loads() {
        let dir = Dir::new();
        dir.mkdir("hot/a");
        dir.mkdir("hot/b");
        fs::write(dir.path("token"), "s3cret\n").unwrap();
        let file = dir.config(
            "data_dir = \"{root}/data\"\n\
             [[folder]]\nname = \"a\"\npath = \"{root}/hot/a\"\noutput = \"{root}/out/a\"\n\
             [[folder]]\nname = \"b\"\npath = \"{root}/hot/b\"\n\
             [http]\nlisten = \"0.0.0.0:7878\"\ntoken_file = \"{root}/token\"\n",
        );
        let cfg = load(&file).unwrap();
        assert_eq!(cfg.folders.len(), 2);
        check_filesystem(&cfg, &file).unwrap();
    }

    #[test]
    fn missing_and_not_a_directory() {
        let dir = Dir::new();
        fs::write(dir.path("plain-file"), "").unwrap();
        let file = dir.config(
            "data_dir = \"{root}/data\"\n\
             [[folder]]\nname = \"a\"\npath = \"{root}/nowhere\"\n\
             [[folder]]\nname = \"b\"\npath = \"{root}/plain-file\"\n",
        );
        let root = dir.root.display();
        assert_eq!(
            load_messages(&file),
            [
                format!(
                    "{}:4: folder[0].path: \"{root}/nowhere\" does not exist",
                    file.display()
                ),
                format!(
                    "{}:7: folder[1].path: \"{root}/plain-file\" is not a directory",
                    file.display()
                ),
            ]
        );
    }

    #[test]
    fn output_inside_hot_folder() {
        let dir = Dir::new();
        dir.mkdir("hot");
        let file = dir.config(
            "data_dir = \"{root}/data\"\n\
             [[folder]]\nname = \"a\"\npath = \"{root}/hot\"\noutput = \"{root}/hot/pdf\"\nfailed = \"{root}/hot\"\n",
        );
        let root = dir.root.display();
        assert_eq!(
            load_messages(&file),
            [
                format!("{}:5: folder[0].output: the output folder of folder[0] \"{root}/hot/pdf\" is inside the hot folder of folder[0] (\"{root}/hot\"); its files would be taken as new scans", file.display()),
                format!("{}:6: folder[0].failed: the failed folder of folder[0] \"{root}/hot\" is the hot folder of folder[0] (\"{root}/hot\"); its files would be taken as new scans", file.display()),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn output_inside_hot_folder_through_a_symlink() {
        let dir = Dir::new();
        dir.mkdir("hot");
        std::os::unix::fs::symlink(dir.path("hot"), dir.path("archive")).unwrap();
        let file = dir.config(
            "data_dir = \"{root}/data\"\n\
             [[folder]]\nname = \"a\"\npath = \"{root}/hot\"\noutput = \"archive/pdf\"\n",
        );
        let root = dir.root.display();
        assert_eq!(
            load_messages(&file),
            [format!("{}:5: folder[0].output: the output folder of folder[0] \"{root}/archive/pdf\" (resolves to \"{root}/hot/pdf\") is inside the hot folder of folder[0] (\"{root}/hot\"); its files would be taken as new scans", file.display())]
        );
    }

    #[cfg(unix)]
    #[test]
    fn data_folder_inside_hot_folder_reported_once() {
        let dir = Dir::new();
        dir.mkdir("hot");
        std::os::unix::fs::symlink(dir.path("hot"), dir.path("link")).unwrap();
        let file = dir
            .config("data_dir = \"link/inkan-data\"\n[[folder]]\nname = \"a\"\npath = \"hot\"\n");
        let root = dir.root.display();
        assert_eq!(
            load_messages(&file),
            [format!("{}:1: data_dir: the data folder \"{root}/link/inkan-data\" (resolves to \"{root}/hot/inkan-data\") is inside the hot folder of folder[0] (\"{root}/hot\"); its files would be taken as new scans", file.display())]
        );
    }

    #[cfg(unix)]
    #[test]
    fn originals_through_a_symlink_in_the_data_folder() {
        let dir = Dir::new();
        dir.mkdir("hot");
        dir.mkdir("data");
        std::os::unix::fs::symlink(dir.path("hot"), dir.path("data/originals")).unwrap();
        let file = dir.config("data_dir = \"data\"\n[[folder]]\nname = \"a\"\npath = \"hot\"\n");
        let root = dir.root.display();
        assert_eq!(
            load_messages(&file),
            [format!("{}:1: data_dir: the originals folder of folder[0] \"{root}/data/originals/a\" (resolves to \"{root}/hot/a\") is inside the hot folder of folder[0] (\"{root}/hot\"); its files would be taken as new scans", file.display())]
        );
    }

    #[test]
    fn nested_and_identical_hot_folders() {
        let dir = Dir::new();
        dir.mkdir("hot/sub");
        let file = dir.config(
            "data_dir = \"{root}/data\"\n\
             [[folder]]\nname = \"sub\"\npath = \"{root}/hot/sub\"\n\
             [[folder]]\nname = \"top\"\npath = \"{root}/hot\"\n\
             [[folder]]\nname = \"again\"\npath = \"{root}/hot/\"\n",
        );
        let root = dir.root.display();
        let f = file.display();
        assert_eq!(
            load_messages(&file),
            [
                format!("{f}:4: folder[0].path: \"{root}/hot/sub\" is inside the hot folder of folder[1] (\"{root}/hot\"); a file would belong to both"),
                format!("{f}:4: folder[0].path: \"{root}/hot/sub\" is inside the hot folder of folder[2] (\"{root}/hot\"); a file would belong to both"),
                format!("{f}:10: folder[2].path: \"{root}/hot\" is the same directory as the hot folder of folder[1] (\"{root}/hot\"); a file would belong to both"),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn world_writable_config_file() {
        let dir = Dir::new();
        let file = dir.config("workers = 1\n");
        set_mode(&file, 0o666);
        assert_eq!(
            load_messages(&file),
            [format!(
                "{f}: the config file is writable by every user (mode 0666), so anyone could change what the daemon reads and writes; run: chmod o-w {f}",
                f = file.display()
            )]
        );
        set_mode(&file, 0o664);
        load(&file).unwrap();
    }

    #[test]
    fn token_file_missing_or_empty() {
        let dir = Dir::new();
        let file = dir.config(
            "data_dir = \"{root}/data\"\n[http]\nlisten = \"0.0.0.0:7878\"\ntoken_file = \"token\"\n",
        );
        let root = dir.root.display();
        let f = file.display();
        assert_eq!(
            load_messages(&file),
            [format!(
                "{f}:4: http.token_file: \"{root}/token\" does not exist"
            )]
        );
        fs::write(dir.path("token"), " \n").unwrap();
        assert_eq!(
            load_messages(&file),
            [format!("{f}:4: http.token_file: \"{root}/token\" is empty")]
        );
        fs::write(dir.path("token"), "abc\n").unwrap();
        load(&file).unwrap();
    }

    #[test]
    fn missing_config_file() {
        let dir = Dir::new();
        let file = dir.path("nope.toml");
        assert_eq!(
            load_messages(&file),
            [format!(
                "{}: the config file does not exist",
                file.display()
            )]
        );
    }

    #[test]
    fn parse_errors_come_before_filesystem_checks() {
        let dir = Dir::new();
        let file =
            dir.config("[[folder]]\nname = \"a\"\npath = \"{root}/nowhere\"\nsetle = \"1s\"\n");
        assert_eq!(
            load_messages(&file),
            [format!(
                "{}:4: folder[0].setle: unknown key; did you mean \"settle\"?",
                file.display()
            )]
        );
    }
}

// Reloader: polled, no threads, no sleeps (mtimes are set by hand).
mod reload {
    use super::*;

    fn bump_mtime(path: &Path, secs: u64) {
        let f = fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs))
            .unwrap();
    }

    const GOOD: &str =
        "data_dir = \"{root}/data\"\n[[folder]]\nname = \"a\"\npath = \"{root}/hot\"\n";

    #[test]
    fn unchanged_changed_refused() {
        let dir = Dir::new();
        dir.mkdir("hot");
        let file = dir.config(GOOD);
        let current = load(&file).unwrap();
        let mut reloader = Reloader::new(&file);
        assert_eq!(reloader.path(), file);

        // Nothing happened.
        assert_eq!(reloader.poll(&current), Reload::Unchanged);

        // Text changed, meaning did not (a comment, and a line moved).
        dir.config(&format!("# hot folders\n{GOOD}"));
        assert_eq!(reloader.poll(&current), Reload::Unchanged);

        // A real change.
        dir.config(&format!("{GOOD}settle = \"5s\"\n"));
        let current = match reloader.poll(&current) {
            Reload::Changed(new) => new,
            other => panic!("expected Changed, got {other:?}"),
        };
        assert_eq!(current.folders[0].settle, Duration::from_secs(5));
        assert_eq!(reloader.poll(&current), Reload::Unchanged);

        // A broken edit is refused once; the caller keeps `current`.
        dir.config(&format!("{GOOD}settle = \"soon\"\n"));
        match reloader.poll(&current) {
            Reload::Refused(errors) => assert_eq!(
                messages(&errors),
                [format!(
                    "{}:5: folder[0].settle: expected a duration like \"2s\" or \"5m\", found \"soon\"",
                    file.display()
                )]
            ),
            other => panic!("expected Refused, got {other:?}"),
        }
        assert_eq!(reloader.poll(&current), Reload::Unchanged);

        // Fixed back to what is running: nothing to do.
        dir.config(&format!("{GOOD}settle = \"5s\"\n"));
        assert_eq!(reloader.poll(&current), Reload::Unchanged);
    }

    #[test]
    fn touch_rechecks_a_refused_file() {
        let dir = Dir::new();
        dir.mkdir("hot");
        let file = dir.config(GOOD);
        let current = load(&file).unwrap();
        let mut reloader = Reloader::new(&file);

        // The new folder does not exist yet: refused.
        dir.config(&format!(
            "{GOOD}[[folder]]\nname = \"b\"\npath = \"{{root}}/hot-b\"\n"
        ));
        bump_mtime(&file, 1);
        assert!(matches!(reloader.poll(&current), Reload::Refused(_)));
        dir.mkdir("hot-b");
        assert_eq!(reloader.poll(&current), Reload::Unchanged);

        // The admin creates it and touches the file.
        bump_mtime(&file, 2);
        match reloader.poll(&current) {
            Reload::Changed(new) => assert_eq!(new.folders[1].name, "b"),
            other => panic!("expected Changed, got {other:?}"),
        }
    }

    #[test]
    fn a_vanished_file_is_refused_once() {
        let dir = Dir::new();
        dir.mkdir("hot");
        let file = dir.config(GOOD);
        let current = load(&file).unwrap();
        let mut reloader = Reloader::new(&file);
        fs::rename(&file, dir.path("moved.toml")).unwrap();
        assert!(matches!(reloader.poll(&current), Reload::Refused(_)));
        assert_eq!(reloader.poll(&current), Reload::Unchanged);
        fs::rename(dir.path("moved.toml"), &file).unwrap();
        assert_eq!(reloader.poll(&current), Reload::Unchanged);
    }
}
