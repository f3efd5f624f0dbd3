//! The cache folder is trusted only when it is the user's alone (R26b-2,
//! R26b-3). Its entries are sealed with a CRC, against accidents: a
//! `.standing` entry forged by whoever could write a shared folder (a
//! `1777` `NOMAD_PREFLIGHT_CACHE_DIR`, a self-hosted runner's shared home)
//! made a committed job file "define nothing", and a staged second file
//! for that job passed the hook; a link planted at an entry's name was
//! read, and one at its temp name was written through. Now a folder owned
//! by another user or writable by group or others is not used (one note on
//! stderr), entries are read only from regular files the user owns, never
//! through a link, and written only as new files.

#![cfg(unix)]

use crate::common;

use common::{git, run_cached, TempDir};
use std::os::unix::fs::PermissionsExt;

const DUP: &str = "job \"dup\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.27\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// The demo with `other/a.nomad` (job `dup`) and `other/notes.hcl` (no
/// job) committed, and a second file for `dup` staged: NP229.
fn repo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    d.put("other/a.nomad", DUP);
    d.put("other/notes.hcl", "not_a_job = 1\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/b.nomad", DUP);
    git(&d.0, &["add", "jobs/b.nomad"]);
    d
}

fn blob(d: &TempDir, rev: &str) -> Vec<u8> {
    let out = common::git_command(&d.0)
        .args(["rev-parse", rev])
        .output()
        .expect("git");
    let hex = String::from_utf8(out.stdout).expect("hex");
    (0..40)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex.trim()[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The `.standing` entry rewritten as a forger would: the committed
/// `other/a.nomad`'s blob given the "defines no job" record of
/// `other/notes.hcl`, its own record a dead id, the CRC recomputed.
fn forged(d: &TempDir, entry: &[u8]) -> Vec<u8> {
    let (a, b) = (
        blob(d, "HEAD:other/a.nomad"),
        blob(d, "HEAD:other/notes.hcl"),
    );
    let (head, payload) = entry.split_at(44);
    let mut payload = payload.to_vec();
    let find = |p: &[u8], id: &[u8]| {
        let mut needle = vec![20u8];
        needle.extend_from_slice(id);
        p.windows(21)
            .position(|w| w == needle.as_slice())
            .expect("the blob's record")
    };
    let (pa, pb) = (find(&payload, &a), find(&payload, &b));
    payload[pa + 1..pa + 21].fill(0xee);
    payload[pb + 1..pb + 21].copy_from_slice(&a);
    let mut out = head.to_vec();
    out[40..44].copy_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

fn standing(cache: &std::path::Path) -> std::path::PathBuf {
    let found = common::cache_entries(cache, "standing");
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// A new cache folder `name` beside the repository, of `mode`.
fn folder(d: &TempDir, name: &str, mode: u32) -> std::path::PathBuf {
    let cache = d.0.join(format!("../{name}"));
    let _ = std::fs::remove_dir_all(&cache);
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(mode)).unwrap();
    cache
}

/// A private cache folder `name` after one `check --staged` (NP229):
/// the folder, its `.standing` entry and that first run.
fn primed(
    d: &TempDir,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::process::Output) {
    let cache = folder(d, name, 0o700);
    let first = run_cached(&d.0, &cache, &["check", "--staged"]);
    assert!(np229(&first), "{first:?}");
    let entry = standing(&cache);
    (cache, entry, first)
}

fn np229(out: &std::process::Output) -> bool {
    String::from_utf8_lossy(&out.stdout).contains("NP229")
}

#[test]
fn a_folder_others_can_write_is_not_used_and_a_forged_entry_there_opens_nothing() {
    let d = repo("cache-shared");
    // A private folder first, to get the entry a forger would start from.
    let (cache, entry, first) = primed(&d, "np-cache-shared-folder");
    assert_eq!(first.status.code(), Some(1), "{first:?}");
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, forged(&d, &bytes)).unwrap();
    // Now anyone may write there (a 1777 folder, as /tmp).
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let out = run_cached(&d.0, &cache, &["check", "--staged"]);
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(np229(&out), "the forged entry was read: {out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("note: not using the cache folder ").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("not yours alone to write (owned by another user, or writable by group or others); running without the cache"),
        "{err}"
    );
}

#[test]
fn nothing_is_written_to_a_folder_others_can_write() {
    let d = common::staged_demo("cache-shared-write");
    let cache = folder(&d, "np-cache-shared-write-folder", 0o777);
    let out = run_cached(&d.0, &cache, &["check", "--staged"]);
    let left: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_entry_reached_through_a_link_is_not_read() {
    let d = repo("cache-linked");
    let (cache, entry, _) = primed(&d, "np-cache-linked-folder");
    let outside = d.0.join("../np-cache-linked-forgery");
    std::fs::write(&outside, forged(&d, &std::fs::read(&entry).unwrap())).unwrap();
    std::fs::remove_file(&entry).unwrap();
    std::os::unix::fs::symlink(&outside, &entry).unwrap();
    let out = run_cached(&d.0, &cache, &["check", "--staged"]);
    let _ = std::fs::remove_dir_all(&cache);
    let _ = std::fs::remove_file(&outside);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(np229(&out), "the linked forgery was read: {out:?}");
}

#[test]
fn a_forged_entry_in_a_private_folder_is_a_guard_of_the_test_itself() {
    // Guard: the forgery above does turn NP229 off when the folder is the
    // user's own and the entry a plain file (what the owner can do to
    // their own cache is theirs); without this, the two tests above could
    // pass on a forgery that changes nothing.
    let d = repo("cache-private-forged");
    let (cache, entry, _) = primed(&d, "np-cache-private-forged-folder");
    std::fs::write(&entry, forged(&d, &std::fs::read(&entry).unwrap())).unwrap();
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run_cached(&d.0, &cache, &["check", "--staged"]);
    let _ = std::fs::remove_dir_all(&cache);
    assert!(!np229(&out), "{out:?}");
}
