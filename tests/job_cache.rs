//! The job-load cache as the hook meets it: `check --staged` reads the
//! world at HEAD on every commit, and the running jobs' loads come from the
//! cache after the first run. Whatever the cache holds, the output is the
//! same; `--no-cache` writes nothing.

mod common;

use common::{run_cached as run, staged_demo, TempDir};

#[test]
fn the_hook_says_the_same_from_an_empty_a_filled_and_no_cache() {
    let repo = staged_demo("job-cache-hook");
    let cache = TempDir::new("job-cache-hook-dir");
    let dir = cache.0.join("c");
    for format in ["human", "json"] {
        let args = ["check", "--staged", "--format", format];
        let off = run(&repo.0, &dir, &[&["--no-cache"], &args[..]].concat());
        assert!(
            !dir.exists(),
            "--no-cache wrote {:?}",
            common::cache_entries(&dir, "job")
        );
        let empty = run(&repo.0, &dir, &args);
        // The demo's two running jobs load closed and clean: both kept.
        assert_eq!(
            common::cache_entries(&dir, "job").len(),
            2,
            "{:?}",
            common::cache_entries(&dir, "job")
        );
        let filled = run(&repo.0, &dir, &args);
        for other in [&empty, &filled] {
            assert_eq!(other.stdout, off.stdout, "{format}");
            assert_eq!(other.stderr, off.stderr, "{format}");
            assert_eq!(other.status.code(), off.status.code(), "{format}");
        }
        assert!(!off.stdout.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A damaged entry is passed over: same output, and the entry written again.
#[test]
fn a_damaged_entry_changes_nothing_but_its_own_file() {
    let repo = staged_demo("job-cache-damaged");
    let cache = TempDir::new("job-cache-damaged-dir");
    let args = ["check", "--staged", "--format", "json"];
    let first = run(&repo.0, &cache.0, &args);
    let entries = common::cache_entries(&cache.0, "job");
    assert_eq!(entries.len(), 2);
    let whole = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], &whole[..whole.len() / 3]).unwrap();
    let other = std::fs::read(&entries[1]).unwrap();
    let mut flipped = other.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    std::fs::write(&entries[1], &flipped).unwrap();
    // The world cache would stand in for both loads (tests/world_cache.rs).
    for e in std::fs::read_dir(&cache.0).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "world") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let again = run(&repo.0, &cache.0, &args);
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(again.status.code(), first.status.code());
    assert_eq!(std::fs::read(&entries[0]).unwrap(), whole, "rewritten");
    assert_eq!(std::fs::read(&entries[1]).unwrap(), other, "rewritten");
}
