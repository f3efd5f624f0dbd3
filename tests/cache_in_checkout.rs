//! A cache folder inside a checkout is not used (R27b-1). GitLab CI keeps
//! only caches inside the project (`cache: paths:`), so a pipeline sets
//! `XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache`; a pull request then commits a
//! forged `.cache/nomad-preflight/<key>.standing` and the clone's files
//! are the CI user's own, so the ownership check passed them: NP229
//! ("defined twice") went quiet, exit 0 for 1. Now a cache folder inside
//! the project, or inside any git work tree (looked for canonically, a
//! link in its path followed), is not used, with one note saying why.

#![cfg(unix)]

use crate::common;

use common::{git, TempDir};
use std::path::{Path, PathBuf};
use std::process::Output;

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

/// `check --staged` in `d` with the environment `env` (the cache's
/// variables), nothing of the caller's cache settings kept.
fn check(d: &TempDir, env: &[(&str, &Path)]) -> Output {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.current_dir(&d.0)
        .args(["--no-color", "check", "--staged"])
        .env_remove("NOMAD_PREFLIGHT_CACHE_DIR")
        .env_remove("NOMAD_PREFLIGHT_NO_CACHE")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
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

/// The `.standing` entry a forger commits: learnt from a run at the same
/// path (here, a private cache folder beside the repository), then the
/// committed `other/a.nomad`'s blob given `other/notes.hcl`'s "defines
/// no job" record, the CRC recomputed (as tests/cache_folder_trust.rs).
fn forged_entry(d: &TempDir, name: &str) -> (String, Vec<u8>) {
    let outside = d.0.join(format!("../{name}-primer"));
    let _ = std::fs::remove_dir_all(&outside);
    let first = check(d, &[("NOMAD_PREFLIGHT_CACHE_DIR", &outside)]);
    assert!(np229(&first), "{first:?}");
    let found = common::cache_entries(&outside, "standing");
    assert_eq!(found.len(), 1, "{found:?}");
    let bytes = std::fs::read(&found[0]).unwrap();
    let file = found[0].file_name().unwrap().to_string_lossy().into_owned();
    let _ = std::fs::remove_dir_all(&outside);
    let (a, b) = (
        blob(d, "HEAD:other/a.nomad"),
        blob(d, "HEAD:other/notes.hcl"),
    );
    let (head, payload) = bytes.split_at(44);
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
    (file, out)
}

/// The forged entry written into `folder` (made as a checkout makes it).
fn plant(folder: &Path, entry: &(String, Vec<u8>)) {
    std::fs::create_dir_all(folder).unwrap();
    std::fs::write(folder.join(&entry.0), &entry.1).unwrap();
}

fn np229(out: &Output) -> bool {
    String::from_utf8_lossy(&out.stdout).contains("NP229")
}

fn assert_refused(out: &Output, place: &str) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(np229(out), "the forged entry was read: {out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("note: not using the cache folder ").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(&format!("it is inside {place}, where a commit can put entries that would answer for this run; set NOMAD_PREFLIGHT_CACHE_DIR to a folder outside every checkout")),
        "{err}"
    );
}

#[test]
fn a_cache_folder_inside_the_project_is_not_used() {
    // GitLab's way: XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache, the entry
    // committed by the pull request (it need only be there: a checkout
    // writes it).
    let d = repo("cache-in-project");
    let entry = forged_entry(&d, "cache-in-project");
    let xdg = d.0.join(".cache");
    plant(&xdg.join("nomad-preflight"), &entry);
    let out = check(&d, &[("XDG_CACHE_HOME", &xdg)]);
    assert_refused(&out, "the project this run reads");
    // Nothing was written there either.
    let left = common::cache_entries(&xdg.join("nomad-preflight"), "standing");
    assert_eq!(left.len(), 1, "{left:?}");
    // Named directly, the same.
    let named = d.0.join("ci-cache");
    plant(&named, &entry);
    let out = check(&d, &[("NOMAD_PREFLIGHT_CACHE_DIR", &named)]);
    assert_refused(&out, "the project this run reads");
}

#[test]
fn a_cache_folder_reached_through_a_link_into_the_project_is_not_used() {
    let d = repo("cache-linked-in");
    let entry = forged_entry(&d, "cache-linked-in");
    let inside = d.0.join(".cache/np");
    plant(&inside, &entry);
    let link: PathBuf = d.0.join("../np-cache-linked-in-link");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    let out = check(&d, &[("NOMAD_PREFLIGHT_CACHE_DIR", &link)]);
    let _ = std::fs::remove_file(&link);
    assert_refused(&out, "the project this run reads");
}

#[test]
fn a_cache_folder_inside_another_checkout_is_not_used() {
    // Another repository's work tree (a second clone of the pull request,
    // a monorepo's sibling checkout): its files are a commit's too.
    let d = repo("cache-other-tree");
    let entry = forged_entry(&d, "cache-other-tree");
    let other = d.0.join("../np-cache-other-tree-checkout");
    let _ = std::fs::remove_dir_all(&other);
    std::fs::create_dir_all(&other).unwrap();
    git(&other, &["init", "-q"]);
    let folder = other.join("deep/cache");
    plant(&folder, &entry);
    let out = check(&d, &[("NOMAD_PREFLIGHT_CACHE_DIR", &folder)]);
    let _ = std::fs::remove_dir_all(&other);
    assert_refused(&out, "a git work tree");
}
