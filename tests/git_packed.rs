//! A repository whose objects git packed (`git gc`; a deep repack whose
//! deltas name their bases by ID) checks as the same repository with its
//! objects loose, and a damaged pack is an error, never an all clear.
//! Guards: src/git/pack.rs reads these packs without gix, which read them
//! before; they pass before and after it.

use std::path::Path;

use crate::common;

use common::{committed_demo, git, output_text, stage_edit, TempDir};

/// `d`'s own cache folder, beside it (inside, `--base` would note it).
fn cache(d: &TempDir) -> std::path::PathBuf {
    d.0.with_extension("cache")
}

/// `check ARGS` in `d`, with its own cache folder: exit code and text.
fn check(d: &TempDir, args: &[&str]) -> (Option<i32>, String) {
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--no-color", "check"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env("NOMAD_PREFLIGHT_CACHE_DIR", cache(d))
        .output()
        .expect("the binary runs");
    (o.status.code(), output_text(&o))
}

/// The demo committed twice (sockshop's count 1, then 2: so git has a
/// delta to make), then 3 staged; `pack` run on it.
fn history(name: &str, pack: &[&[&str]]) -> TempDir {
    let d = committed_demo(name);
    let _ = std::fs::remove_dir_all(cache(&d));
    stage_edit(&d.0, "count = 2");
    git(&d.0, &["commit", "-qm", "two"]);
    stage_edit(&d.0, "count = 3");
    for args in pack {
        git(&d.0, args);
    }
    d
}

fn loose_objects(d: &Path) -> usize {
    std::fs::read_dir(d.join(".git/objects"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().len() == 2)
        .map(|e| std::fs::read_dir(e.path()).unwrap().count())
        .sum()
}

#[test]
fn a_packed_repository_checks_as_a_loose_one() {
    let loose = history("packed-none", &[]);
    let staged = check(&loose, &["--staged"]);
    let base = check(&loose, &["--base", "HEAD~1"]);
    assert!(staged.1.contains("in 1 file"), "{}", staged.1);
    let packs: [&[&[&str]]; 2] = [
        &[&["gc", "-q"]],
        &[
            &[
                "-c",
                "repack.useDeltaBaseOffset=false",
                "repack",
                "-adfq",
                "--depth=50",
            ],
            &["pack-refs", "--all"],
        ],
    ];
    for (i, pack) in packs.into_iter().enumerate() {
        let d = history(&format!("packed-{i}"), pack);
        // Only the staged blob (and `git add`'s own) stays loose.
        assert!(loose_objects(&d.0) <= 2, "{}", loose_objects(&d.0));
        assert!(d.0.join(".git/packed-refs").is_file());
        assert_eq!(check(&d, &["--staged"]), staged, "pack {i}");
        // Twice: the second run reads the world from its cache entry.
        assert_eq!(check(&d, &["--staged"]), staged, "pack {i}, cached");
        assert_eq!(check(&d, &["--base", "HEAD~1"]), base, "pack {i}");
        let _ = std::fs::remove_dir_all(cache(&d));
    }
    let _ = std::fs::remove_dir_all(cache(&loose));
}

#[test]
fn a_damaged_pack_is_an_error() {
    let d = history("packed-damaged", &[&["repack", "-adq"]]);
    let (code, text) = check(&d, &["--staged"]);
    assert_eq!(code, Some(0), "{text}");
    // The world's cluster file at HEAD, damaged inside its packed entry.
    let out = std::process::Command::new("git")
        .current_dir(&d.0)
        .args(["rev-parse", "HEAD:rules/cluster.hcl"])
        .output()
        .unwrap();
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let pack_dir = d.0.join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    let listing = std::process::Command::new("git")
        .arg("show-index")
        .stdin(std::fs::File::open(pack.with_extension("idx")).unwrap())
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    let offset: usize = listing
        .lines()
        .find(|l| l.split(' ').nth(1) == Some(id.as_str()))
        .and_then(|l| l.split(' ').next()?.parse().ok())
        .expect("the cluster file is packed");
    let mut bytes = std::fs::read(&pack).unwrap();
    bytes[offset + 40] ^= 0x55;
    std::fs::remove_file(&pack).unwrap();
    std::fs::write(&pack, bytes).unwrap();
    let _ = std::fs::remove_dir_all(cache(&d));
    let (code, text) = check(&d, &["--staged"]);
    assert_ne!(code, Some(0), "{text}");
    assert!(!text.contains("0 errors"), "{text}");
    let _ = std::fs::remove_dir_all(cache(&d));
}
