//! Replays the fuzzers' inputs through the fuzzers' own checks (`fuzz/checks/mod.rs`):
//! every seed in `fuzz/seeds/<target>/` and every minimised crash kept in
//! `fuzz/regressions/<target>/`, so a fixed crash stays fixed without cargo-fuzz or
//! a nightly toolchain. See `fuzz/README.md` for how the fuzzers are run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/checks/mod.rs"]
mod checks;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none if the folder is missing).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a fuzz input folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `kind` through its target's checks and fails with the list
/// of inputs that broke one (each check's own message is printed as it panics).
/// Returns how many inputs were replayed.
fn replay(kind: &str) -> usize {
    let mut replayed = 0;
    let mut failed = Vec::new();
    for (target, check) in checks::TARGETS {
        for path in inputs(kind, target) {
            let data = std::fs::read(&path).expect("a fuzz input reads");
            replayed += 1;
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                let name = path.strip_prefix(fuzz_dir()).unwrap_or(&path);
                failed.push(format!("fuzz/{}: {message}", name.display()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {replayed} inputs in fuzz/{kind}/ break the fuzz checks:\n{}",
        failed.len(),
        failed.join("\n")
    );
    replayed
}

#[test]
fn every_seed_passes_the_fuzz_checks() {
    for (target, _) in checks::TARGETS {
        assert!(
            !inputs("seeds", target).is_empty(),
            "fuzz/seeds/{target}/ is empty"
        );
    }
    assert!(replay("seeds") > 0);
}

#[test]
fn every_kept_crash_passes_the_fuzz_checks() {
    // Zero kept crashes is fine: each one is a bug that was found and fixed.
    replay("regressions");
}
