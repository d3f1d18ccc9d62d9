//! Nothing is lost: healthdex never removes or replaces what it did not write, and
//! an empty, moved or unreadable corpus never wipes the index.

use std::fs;
use std::path::Path;

use crate::util::{fixtures, healthdex, temp_corpus};

/// Every file under `dir` with its content, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().display().to_string();
            (relative, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_folder_of_dotfiles_is_never_deleted_by_index_search_or_serve() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let home = dir.path().join("home");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    fs::create_dir_all(home.join(".git/objects")).unwrap();
    fs::write(home.join(".ssh/id_ed25519"), "secret key").unwrap();
    fs::write(home.join(".bashrc"), "export PATH=$PATH").unwrap();
    fs::write(home.join(".env"), "TOKEN=1").unwrap();
    fs::write(home.join(".git/HEAD"), "ref: refs/heads/main").unwrap();
    let before = snapshot(&home);

    let commands: [&[&str]; 3] = [
        &["index", "corpus", "--index", "home"],
        &["search", "--index", "home", "--corpus", "corpus", "fibre"],
        &[
            "serve", "--index", "home", "--corpus", "corpus", "--port", "0",
        ],
    ];
    for args in commands {
        let run = healthdex(dir.path(), args);
        assert_ne!(run.code, 0, "{args:?} succeeded: {}", run.stdout);
        assert!(
            run.stderr.contains("is not a healthdex index") && run.stderr.contains("home"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(snapshot(&home), before, "{args:?} changed the folder");
    }
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("home."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_regular_file_given_as_index_is_left_alone() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    fs::write(dir.path().join("precious.txt"), "do not touch").unwrap();
    let run = healthdex(dir.path(), &["index", "corpus", "--index", "precious.txt"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("is a file"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
        "do not touch"
    );
    assert!(!dir.path().join(".precious.txt.lock").exists());
}

#[test]
fn files_of_the_user_beside_an_index_survive_a_rebuild() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let first = healthdex(dir.path(), &["index", "corpus"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    fs::write(dir.path().join(".healthdex/my-notes.txt"), "mine").unwrap();
    // Settings change forces a rebuild of the whole index.
    let run = healthdex(dir.path(), &["index", "corpus", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join(".healthdex/my-notes.txt")).unwrap(),
        "mine"
    );

    // An index that must be replaced (here: from another schema version) is not
    // replaced while something foreign sits in it.
    crate::util::rewrite_payload(&dir.path().join(".healthdex"), "schema_version", "0");
    let refused = healthdex(dir.path(), &["index", "corpus"]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("my-notes.txt"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".healthdex/my-notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn an_empty_corpus_folder_does_not_wipe_the_index() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let first = healthdex(dir.path(), &["index", "corpus"]);
    assert!(
        first.stdout.contains("indexed 3 articles"),
        "{}",
        first.stdout
    );

    fs::rename(&corpus, dir.path().join("corpus.moved")).unwrap();
    fs::create_dir(&corpus).unwrap();
    let index = healthdex(dir.path(), &["index", "corpus"]);
    assert_ne!(index.code, 0, "{}", index.stdout);
    let search = healthdex(dir.path(), &["search", "fibre"]);
    assert_eq!(search.code, 0, "a search still answers: {}", search.stderr);
    assert!(search.stdout.contains("fibre"), "{}", search.stdout);
    for run in [&index, &search] {
        assert!(
            run.stderr.contains("refusing to remove 3 of the 3")
                && run.stderr.contains("--allow-mass-removal"),
            "{}",
            run.stderr
        );
    }
    let still = crate::util::search_json(dir.path(), &["--no-refresh", "fibre"]);
    assert!(!still["hits"].as_array().unwrap().is_empty(), "{still:#}");

    let allowed = healthdex(dir.path(), &["index", "corpus", "--allow-mass-removal"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert!(allowed.stdout.contains("3 removed"), "{}", allowed.stdout);
}

#[cfg(unix)]
#[test]
fn an_unmounted_subfolder_keeps_its_articles() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let mount = dir.path().join("drive");
    fs::create_dir(&mount).unwrap();
    fs::write(
        mount.join("zinc.md"),
        "---\ntitle: Zinc\n---\nZinc lozenges and colds.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&mount, corpus.join("sub")).unwrap();
    let first = healthdex(dir.path(), &["index", "corpus"]);
    assert!(
        first.stdout.contains("indexed 4 articles"),
        "{}",
        first.stdout
    );

    // The drive goes away: the link dangles, as a mount point of a removed disk would.
    fs::rename(&mount, dir.path().join("elsewhere")).unwrap();
    let run = healthdex(dir.path(), &["index", "corpus"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("sub"), "{}", run.stderr);
    assert!(
        run.stdout.contains("indexed 4 articles") && run.stdout.contains("0 removed"),
        "{}",
        run.stdout
    );
    let hits = crate::util::search_json(dir.path(), &["--no-refresh", "zinc"]);
    assert_eq!(hits["hits"][0]["path"], "sub/zinc.md", "{hits:#}");
}

#[cfg(target_os = "linux")]
#[test]
fn names_that_differ_only_in_invalid_utf8_stay_two_stable_articles() {
    use std::os::unix::ffi::OsStrExt;
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    for (byte, topic) in [(0xE9u8, "Zinc"), (0xE8, "Iron")] {
        let name = [b'c', b'a', b'f', byte, b'.', b'm', b'd'];
        fs::write(
            corpus.join(std::ffi::OsStr::from_bytes(&name)),
            format!("---\ntitle: {topic}\n---\n{topic} and colds.\n"),
        )
        .unwrap();
    }
    let first = healthdex(dir.path(), &["index", "corpus"]);
    assert!(
        first.stdout.contains("indexed 5 articles"),
        "{}",
        first.stdout
    );
    for _ in 0..2 {
        let again = healthdex(dir.path(), &["index", "corpus"]);
        assert!(again.stdout.contains("0 updated"), "{}", again.stdout);
        assert!(again.stdout.contains("5 unchanged"), "{}", again.stdout);
    }
    let zinc = crate::util::search_json(dir.path(), &["--no-refresh", "zinc"]);
    assert_eq!(zinc["hits"][0]["path"], "caf%E9.md", "{zinc:#}");
    let iron = crate::util::search_json(dir.path(), &["--no-refresh", "iron"]);
    assert_eq!(iron["hits"][0]["path"], "caf%E8.md", "{iron:#}");

    // A real name that spells the escaped one: one file per id, the same each run.
    fs::write(
        corpus.join("caf%E9.md"),
        "---\ntitle: Copper\n---\nCopper.\n",
    )
    .unwrap();
    let clash = healthdex(dir.path(), &["index", "corpus"]);
    assert!(clash.stderr.contains("same id"), "{}", clash.stderr);
    let again = healthdex(dir.path(), &["index", "corpus"]);
    assert!(again.stdout.contains("0 updated"), "{}", again.stdout);
    let copper = crate::util::search_json(dir.path(), &["--no-refresh", "copper"]);
    assert_eq!(copper["hits"][0]["path"], "caf%E9.md", "{copper:#}");
}

/// Runs `script` with `sh` in new user and mount namespaces (so it may mount a small
/// tmpfs without privileges), with `$HEALTHDEX` set; returns (exit code, stdout,
/// stderr).
#[cfg(target_os = "linux")]
fn in_mount_namespace(script: &str) -> (i32, String, String) {
    let output = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("HEALTHDEX", env!("CARGO_BIN_EXE_healthdex"))
        .output()
        .expect("unshare (util-linux) runs this test; install it");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_named_and_leaves_no_half_built_index() {
    let dir = tempfile::tempdir().unwrap();
    let (small, big) = (dir.path().join("small"), dir.path().join("big"));
    fs::create_dir(&small).unwrap();
    fs::create_dir(&big).unwrap();
    fs::copy(fixtures().join("site/eczema.md"), small.join("eczema.md")).unwrap();
    // About 4 MB of varied words: more than the 1 MiB disk below can hold as an index.
    for n in 0..400 {
        let words: String = (0..1_500)
            .map(|w| format!("w{}x{} ", n * 7 + w % 97, w * n % 1_009))
            .collect();
        fs::write(
            big.join(format!("a{n}.md")),
            format!("---\ntitle: Article {n}\n---\n{words}\n"),
        )
        .unwrap();
    }
    let disk = dir.path().join("disk");
    fs::create_dir(&disk).unwrap();
    let script = format!(
        r#"mount -t tmpfs -o size=1M tmpfs '{disk}' || exit 90
"$HEALTHDEX" index '{big}' --index '{disk}/first'; echo "first=$?"
echo "left=$(ls -A '{disk}' | tr '\n' ' ')"
"$HEALTHDEX" index '{small}' --index '{disk}/kept' >/dev/null || exit 91
cp '{big}'/*.md '{small}'/
"$HEALTHDEX" index '{small}' --index '{disk}/kept'; echo "again=$?"
"$HEALTHDEX" search --index '{disk}/kept' --no-refresh eczema"#,
        disk = disk.display(),
        big = big.display(),
        small = small.display(),
    );
    let (code, stdout, stderr) = in_mount_namespace(&script);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("first=1") && stdout.contains("again=1"),
        "{stdout}"
    );
    for index in ["first", "kept"] {
        let expected = format!(
            "no space left for the index at `{}/{index}`",
            disk.display()
        );
        assert!(stderr.contains(&expected), "{stderr}");
    }
    assert!(stderr.contains("ENOSPC"), "{stderr}");
    assert!(!stderr.contains("index writer was killed"), "{stderr}");
    assert!(
        !stderr.contains("cannot index `a"),
        "no article is blamed: {stderr}"
    );
    // Nothing of the failed first build is left on the disk but the lock file.
    assert!(stdout.contains("left=.first.lock \n"), "{stdout}");
    // The index that was there still answers.
    assert!(stdout.contains("Eczema"), "{stdout}");
}
