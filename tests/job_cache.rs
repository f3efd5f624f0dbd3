//! The job-load cache as the hook meets it: `check --staged` reads the
//! world at HEAD on every commit, and the running jobs' loads come from the
//! cache after the first run. Whatever the cache holds, the output is the
//! same; `--no-cache` writes nothing.

use crate::common;

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

/// Each `.job` entry with its inode: a store writes the entry aside and
/// renames it into place, so a rewritten entry has a new inode.
#[cfg(unix)]
fn entries_and_inodes(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out: Vec<_> = common::cache_entries(dir, "job")
        .into_iter()
        .map(|p| {
            let ino = std::fs::metadata(&p).unwrap().ino();
            (p, ino)
        })
        .collect();
    out.sort();
    out
}

/// A second `check` of the same file takes the running jobs from the cache:
/// it neither rewrites an entry nor adds one. Output alike cannot tell a hit
/// from a miss (a miss parses the same text to the same job), but a miss
/// stores its load again: the control below shows this run looks each
/// entry up and rewrites one it cannot use, so unchanged entries are hits.
#[cfg(unix)]
#[test]
fn a_second_check_of_the_same_file_hits_the_job_cache() {
    let repo = TempDir::demo("job-cache-second");
    let cache = TempDir::new("job-cache-second-dir");
    let args = ["check", "jobs/sockshop.nomad"];
    let first = run(&repo.0, &cache.0, &args);
    let kept = entries_and_inodes(&cache.0);
    // The demo's two running jobs load closed and clean: both kept.
    assert_eq!(kept.len(), 2, "{kept:?}");
    let second = run(&repo.0, &cache.0, &args);
    assert_eq!(
        entries_and_inodes(&cache.0),
        kept,
        "the second check missed"
    );
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.status.code(), first.status.code());
    // Control: the same run with one entry cut short misses on it and
    // writes it again (a new inode); the other is still a hit.
    let (cut, _) = &kept[0];
    let whole = std::fs::read(cut).unwrap();
    std::fs::write(cut, &whole[..whole.len() / 2]).unwrap();
    let third = run(&repo.0, &cache.0, &args);
    let now = entries_and_inodes(&cache.0);
    assert_eq!(now.len(), 2, "{now:?}");
    assert_ne!(now[0].1, kept[0].1, "a cut entry was not looked up");
    assert_eq!(std::fs::read(cut).unwrap(), whole);
    assert_eq!(now[1], kept[1], "the whole entry was rewritten");
    assert_eq!(third.stdout, first.stdout);
}
