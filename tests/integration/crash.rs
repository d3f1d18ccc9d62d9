//! Nothing is lost when indexing is interrupted: `healthdex index` killed with
//! SIGKILL at many moments always leaves an index that opens and answers, the next
//! run finishes the job, and a second indexer gets a clear "locked" message.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{fixtures, healthdex, search_json, temp_corpus};

/// Writes `count` small articles under `folder/`, with `version` in their text.
fn write_articles(corpus: &Path, count: usize, version: usize) {
    let folder = corpus.join("bulk");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..count {
        let text = format!(
            "---\ntitle: Bulk article {i}\n---\n## Gut note {i}\n\nVersion {version} of a note about the gut barrier and fibre.\n\n## Skin note\n\nMoisturisers and sleep, revision {version}.\n"
        );
        fs::write(folder.join(format!("a{i:04}.md")), text).unwrap();
    }
}

#[test]
fn sigkill_at_any_moment_never_damages_the_index() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    write_articles(&corpus, 300, 0);
    assert_eq!(healthdex(dir.path(), &["index", "-q"]).code, 0);
    for round in 1..=50usize {
        write_articles(&corpus, 300, round);
        let mut child = Command::new(env!("CARGO_BIN_EXE_healthdex"))
            .args(["index", "-q"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over start-up, reading, indexing and committing.
        std::thread::sleep(Duration::from_millis(((round * 37) % 25) as u64 * 8));
        let _ = child.kill();
        let _ = child.wait();

        let results = search_json(dir.path(), &["--no-refresh", "gut barrier", "--limit", "3"]);
        assert!(
            results["total"].as_u64().unwrap() >= 300,
            "round {round}: {results:#}"
        );
    }
    let run = healthdex(dir.path(), &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("indexed 303 articles"),
        "{}",
        run.stdout
    );
    let latest = search_json(dir.path(), &["--no-refresh", "\"revision 50\""]);
    assert_eq!(latest["total"], 300, "the last run indexed the latest text");
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".building-") || name.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_indexer_is_told_who_holds_the_lock_or_waits() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    assert_eq!(healthdex(dir.path(), &["index", "-q"]).code, 0);
    let mut lock = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.path().join(".healthdex.lock"))
        .unwrap();
    lock.lock().unwrap();
    write!(lock, "4242").unwrap();

    let refused = healthdex(dir.path(), &["index"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("locked by process 4242") && refused.stderr.contains("--wait"),
        "{}",
        refused.stderr
    );
    let searched = healthdex(dir.path(), &["search", "gut"]);
    assert_eq!(
        searched.code, 0,
        "searching works while the index is locked: {}",
        searched.stderr
    );

    let mut waiting = Command::new(env!("CARGO_BIN_EXE_healthdex"))
        .args(["index", "--wait", "-q"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "--wait waits for the lock"
    );
    lock.unlock().unwrap();
    assert!(waiting.wait().unwrap().success());
}

#[test]
fn searching_while_indexing_always_answers() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    write_articles(&corpus, 200, 0);
    assert_eq!(healthdex(dir.path(), &["index", "-q"]).code, 0);
    write_articles(&corpus, 200, 1);
    let mut indexer = Command::new(env!("CARGO_BIN_EXE_healthdex"))
        .args(["index", "-q"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    for _ in 0..10 {
        let results = search_json(dir.path(), &["--no-refresh", "gut"]);
        assert!(results["total"].as_u64().unwrap() >= 200);
    }
    assert!(indexer.wait().unwrap().success());
}
