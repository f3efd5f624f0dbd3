//! The world cache as the hook meets it: `check --staged` loads the world
//! at HEAD on every commit, and after the first run it comes from the
//! cache until a commit changes a file the load read. Whatever the cache
//! holds, the output is what a load without it gives.

use std::path::Path;
use std::process::Output;

use crate::common;

use common::{git, run_cached as run, stage_edit, staged_demo, TempDir};

/// Commit `rel` as `text`, leaving the staged job edit staged.
fn commit_file(repo: &Path, rel: &str, text: &str) {
    std::fs::write(repo.join(rel), text).unwrap();
    git(repo, &["add", rel]);
    git(repo, &["commit", "-qm", "edit", "--", rel]);
}

/// An entry's inode and bytes. Every store writes the entry aside and
/// renames it into place, so a run that missed and stored again leaves a
/// new inode even where it wrote the same bytes: comparing bytes alone
/// passes on a miss.
fn identity(entry: &Path) -> (u64, Vec<u8>) {
    use std::os::unix::fs::MetadataExt;
    let ino = std::fs::metadata(entry).expect("entry").ino();
    (ino, std::fs::read(entry).expect("entry"))
}

fn same(a: &Output, b: &Output, what: &str) {
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout),
        "{what}"
    );
    assert_eq!(
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr),
        "{what}"
    );
    assert_eq!(a.status.code(), b.status.code(), "{what}");
}

#[test]
fn a_hit_and_a_miss_say_what_no_cache_says_and_no_cache_writes_nothing() {
    let repo = staged_demo("world-cache-hit");
    let cache = TempDir::new("world-cache-hit-dir");
    let dir = cache.0.join("c");
    for format in ["human", "json"] {
        let args = ["check", "--staged", "--format", format];
        let off = run(&repo.0, &dir, &[&["--no-cache"], &args[..]].concat());
        assert!(
            !dir.exists(),
            "--no-cache wrote {:?}",
            common::cache_entries(&dir, "world")
        );
        let miss = run(&repo.0, &dir, &args);
        let entries = common::cache_entries(&dir, "world");
        assert_eq!(entries.len(), 1, "{entries:?}");
        let kept = identity(&entries[0]);
        let hit = run(&repo.0, &dir, &args);
        assert_eq!(identity(&entries[0]), kept, "a hit rewrote");
        same(&miss, &off, format);
        same(&hit, &off, format);
        assert!(!off.stdout.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A commit that touches nothing the world's load read keeps the entry:
/// the next commit's hook loads nothing from HEAD's world files.
#[test]
fn a_commit_beside_the_world_keeps_the_entry() {
    let repo = staged_demo("world-cache-beside");
    let cache = TempDir::new("world-cache-beside-dir");
    let args = ["check", "--staged", "--format", "json"];
    let first = run(&repo.0, &cache.0, &args);
    let entries = common::cache_entries(&cache.0, "world");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let kept = identity(&entries[0]);
    commit_file(&repo.0, "README.md", "docs\n");
    let again = run(&repo.0, &cache.0, &args);
    same(&again, &first, "after an unrelated commit");
    assert_eq!(common::cache_entries(&cache.0, "world"), entries);
    assert_eq!(identity(&entries[0]), kept, "reloaded");
}

/// A damaged, cut or emptied world entry is passed over: the same output,
/// and the entry written again whole. `flip` picks the byte damaged.
fn a_damaged_entry_is_ignored(name: &str, flip: fn(usize) -> usize) {
    let repo = staged_demo(name);
    let cache = TempDir::new(&format!("{name}-dir"));
    let args = ["check", "--staged", "--format", "json"];
    let first = run(&repo.0, &cache.0, &args);
    let entries = common::cache_entries(&cache.0, "world");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let whole = std::fs::read(&entries[0]).unwrap();
    let mut flipped = whole.clone();
    let at = flip(flipped.len());
    flipped[at] ^= 0xff;
    for broken in [whole[..whole.len() / 3].to_vec(), flipped, Vec::new()] {
        std::fs::write(&entries[0], &broken).unwrap();
        let again = run(&repo.0, &cache.0, &args);
        same(&again, &first, name);
        assert_eq!(std::fs::read(&entries[0]).unwrap(), whole, "rewritten");
    }
}

#[test]
fn a_damaged_or_cut_entry_is_ignored() {
    a_damaged_entry_is_ignored("world-cache-damaged", |len| len / 2);
}

/// The same for HEAD's replay (`check::sim_cache`), which the world's
/// entry holds after the world: its last byte damaged.
#[test]
fn a_damaged_replay_entry_is_ignored() {
    a_damaged_entry_is_ignored("replay-cache-damaged", |len| len - 1);
}

/// Whether a run of `args` left the world's one entry as it found it: a
/// run that found the world and its replay there writes nothing, and a
/// run that replayed keeps the replay in the entry, writing it anew.
fn kept_as_it_was(repo: &Path, cache: &Path, args: &[&str]) -> bool {
    let entries = common::cache_entries(cache, "world");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let before = identity(&entries[0]);
    run(repo, cache, args);
    identity(&entries[0]) == before
}

/// Each edit is committed with an entry of the world before it in the
/// cache: the run must say what a run without the cache says, and that
/// differs from what it said before the edit (so a stale world would show).
fn an_edit_is_seen(name: &str, rel: &str, edit: impl Fn(&str) -> String) {
    let repo = staged_demo(name);
    let cache = TempDir::new(&format!("{name}-dir"));
    let args = ["check", "--staged", "--format", "json"];
    let before = run(&repo.0, &cache.0, &args);
    assert_eq!(common::cache_entries(&cache.0, "world").len(), 1);
    assert!(
        kept_as_it_was(&repo.0, &cache.0, &args),
        "HEAD's replay is kept with its world"
    );
    let text = std::fs::read_to_string(repo.0.join(rel)).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit applies");
    commit_file(&repo.0, rel, &edited);
    let after = run(&repo.0, &cache.0, &args);
    let off = run(&repo.0, &cache.0, &[&["--no-cache"], &args[..]].concat());
    same(&after, &off, rel);
    assert_ne!(
        after.stdout, before.stdout,
        "{rel}: the edit changes the check"
    );
    // The changed world was replayed afresh and kept with it, in the
    // world's one entry.
    assert_eq!(common::cache_entries(&cache.0, "world").len(), 1);
    assert!(kept_as_it_was(&repo.0, &cache.0, &args), "{rel}");
}

/// The world's own file: clients with less memory than the jobs need.
#[test]
fn an_edit_to_the_world_file_is_seen() {
    an_edit_is_seen("world-cache-cluster", "rules/cluster.hcl", |t| {
        t.replacen("memory = 3951", "memory = 1500", 1)
    });
}

/// A running job's text at HEAD: the front end asks for most of a client.
#[test]
fn an_edit_to_a_running_job_at_head_is_seen() {
    an_edit_is_seen("world-cache-running", "jobs/sockshopui.nomad", |t| {
        t.replacen("memory = 128", "memory = 2800", 1)
    });
}

/// A file a running job reads (`file()`, relative to where `nomad` runs):
/// such a load is not closed, so no
/// entry is kept, and an edit to the file shows.
#[test]
fn a_running_job_that_reads_a_file_is_never_kept() {
    let repo = TempDir::demo("world-cache-file");
    // file() exists from 1.0 (HCL2): the world must run a release that has it.
    hcl2_world(&repo);
    let ui = repo.0.join("jobs/sockshopui.nomad");
    let text = std::fs::read_to_string(&ui).unwrap();
    std::fs::write(
        &ui,
        text.replacen("memory = 128", "memory = file(\"jobs/ui-memory\")", 1),
    )
    .unwrap();
    std::fs::write(repo.0.join("jobs/ui-memory"), "128").unwrap();
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "-A"]);
    git(&repo.0, &["commit", "-qm", "world"]);
    stage_edit(&repo.0, "count = 3");
    let cache = TempDir::new("world-cache-file-dir");
    let args = ["check", "--staged", "--format", "json"];
    let before = run(&repo.0, &cache.0, &args);
    assert!(before.status.code().is_some_and(|c| c < 2), "{before:?}");
    assert!(common::cache_entries(&cache.0, "world").is_empty());
    commit_file(&repo.0, "jobs/ui-memory", "2800");
    let after = run(&repo.0, &cache.0, &args);
    let off = run(&repo.0, &cache.0, &[&["--no-cache"], &args[..]].concat());
    same(&after, &off, "file() read");
    assert_ne!(
        after.stdout, before.stdout,
        "the file's edit changes the check"
    );
}

/// HEAD's replay is kept under the world cache's name for the world
/// (`check::sim_cache`), in the world's own entry (one file read, not
/// two): a second run reads it instead of replaying, says what a run
/// without the cache says, and leaves the entry as it was; `--no-cache`
/// writes none.
#[test]
fn the_replay_of_head_is_kept_and_a_hit_says_what_a_replay_says() {
    let repo = staged_demo("replay-cache-hit");
    let cache = TempDir::new("replay-cache-hit-dir");
    let dir = cache.0.join("c");
    for format in ["human", "json", "sarif"] {
        let args = ["check", "--staged", "--format", format];
        let off = run(&repo.0, &dir, &[&["--no-cache"], &args[..]].concat());
        assert!(!dir.exists(), "--no-cache wrote into the cache folder");
        let miss = run(&repo.0, &dir, &args);
        let entries = common::cache_entries(&dir, "world");
        assert_eq!(entries.len(), 1, "{entries:?}");
        let placements = common::cache_entries(&dir, "placements");
        assert!(placements.is_empty(), "a file of its own: {placements:?}");
        let kept = identity(&entries[0]);
        // A new staged text: the world and its replay are what is reused.
        stage_edit(&repo.0, "count = 2");
        let hit = run(&repo.0, &dir, &args);
        let off_too = run(&repo.0, &dir, &[&["--no-cache"], &args[..]].concat());
        assert_eq!(common::cache_entries(&dir, "world"), entries);
        assert_eq!(identity(&entries[0]), kept, "a hit rewrote");
        same(&miss, &off, format);
        same(&hit, &off_too, format);
        stage_edit(&repo.0, "count = 3");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// `--nomad-version` changes the world after its load, and with it what a
/// replay registers: a replay kept under the world's own version is not
/// reused for another, and each is kept beside the other in the world's
/// entry (fails before: the first run's replay was never rewritten into
/// the world's entry).
#[test]
fn a_judged_version_gets_its_own_replay() {
    let repo = staged_demo("replay-cache-version");
    let cache = TempDir::new("replay-cache-version-dir");
    let args = ["check", "--staged", "--format", "json"];
    run(&repo.0, &cache.0, &args);
    assert!(kept_as_it_was(&repo.0, &cache.0, &args));
    let judged = [&args[..], &["--nomad-version", "1.4.0"]].concat();
    let off = run(&repo.0, &cache.0, &[&["--no-cache"], &judged[..]].concat());
    assert!(
        !kept_as_it_was(&repo.0, &cache.0, &judged),
        "1.4.0's replay is its own"
    );
    let hit = run(&repo.0, &cache.0, &judged);
    same(&hit, &off, "--nomad-version 1.4.0");
    assert!(kept_as_it_was(&repo.0, &cache.0, &judged), "1.4.0's kept");
    assert!(kept_as_it_was(&repo.0, &cache.0, &args), "and the world's");
}

/// A `--var-file` (read from the index, as the job is) is read by the
/// staged job's load, never by HEAD's world or its replay: an edit to it
/// shows at once, cache or not.
#[test]
fn an_edit_to_a_var_file_is_seen() {
    let repo = TempDir::demo("replay-cache-varfile");
    // Variables exist from 1.0 (HCL2).
    hcl2_world(&repo);
    let job = repo.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&job).unwrap();
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "-A"]);
    git(&repo.0, &["commit", "-qm", "world"]);
    let with_var = format!(
        "variable \"n\" {{\n  type = number\n}}\n{}",
        text.replacen("count = 1", "count = var.n", 1)
    );
    std::fs::write(&job, with_var).unwrap();
    git(&repo.0, &["add", "jobs/sockshop.nomad"]);
    let vars = repo.0.join("vars.hcl");
    let cache = TempDir::new("replay-cache-varfile-dir");
    let args = [
        "check",
        "--staged",
        "--format",
        "json",
        "--var-file",
        "vars.hcl",
    ];
    std::fs::write(&vars, "n = 1\n").unwrap();
    git(&repo.0, &["add", "vars.hcl"]);
    let one = run(&repo.0, &cache.0, &args);
    std::fs::write(&vars, "n = 40\n").unwrap();
    git(&repo.0, &["add", "vars.hcl"]);
    let forty = run(&repo.0, &cache.0, &args);
    let off = run(&repo.0, &cache.0, &[&["--no-cache"], &args[..]].concat());
    same(&forty, &off, "var-file edited");
    assert_ne!(one.stdout, forty.stdout, "the var-file changes the check");
}

/// The demo world on Nomad 2.0.5 instead of 0.9.3, whose HCL1 parser
/// refuses HCL2's variables and functions.
fn hcl2_world(repo: &TempDir) {
    let world = repo.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&world).unwrap();
    assert!(text.contains("nomad_version = \"0.9.3\""));
    std::fs::write(
        &world,
        text.replacen("nomad_version = \"0.9.3\"", "nomad_version = \"2.0.5\"", 1),
    )
    .unwrap();
}

/// Outside any project the demo compiled into the binary is the world: it
/// is kept once per binary, and a hit says what a load without the cache
/// says, in every format.
#[test]
fn the_embedded_demo_is_kept_and_a_hit_says_what_no_cache_says() {
    let tmp = TempDir::new("world-cache-embedded");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(manifest.join("jobs/sockshop.nomad"), tmp.0.join("s.nomad")).unwrap();
    // Beside the folder: outside any project the current folder is the
    // project, and a cache folder inside it is not used (R27b-1).
    let dir = tmp.0.with_extension("c");
    for format in ["human", "json"] {
        let args = ["check", "s.nomad", "--format", format];
        let off = run(&tmp.0, &dir, &[&["--no-cache"], &args[..]].concat());
        assert!(!dir.exists(), "--no-cache wrote to {}", dir.display());
        let miss = run(&tmp.0, &dir, &args);
        let entries = common::cache_entries(&dir, "world");
        assert_eq!(entries.len(), 1, "{entries:?}");
        let kept = identity(&entries[0]);
        let hit = run(&tmp.0, &dir, &args);
        assert_eq!(identity(&entries[0]), kept, "a hit rewrote");
        same(&miss, &off, format);
        same(&hit, &off, format);
        assert!(
            String::from_utf8_lossy(&off.stderr).contains("the demo world compiled into"),
            "{}",
            String::from_utf8_lossy(&off.stderr)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A world file that starts with a byte order mark is kept with it: the
/// entry holds each text as its blob decodes, which other readers of the
/// same object are given in place of the blob.
#[test]
fn a_byte_order_mark_is_kept_with_the_text() {
    let repo = staged_demo("world-cache-bom");
    let cache = TempDir::new("world-cache-bom-dir");
    let policy = std::fs::read_to_string(repo.0.join("rules/policy.hcl")).unwrap();
    commit_file(&repo.0, "rules/policy.hcl", &format!("\u{feff}{policy}"));
    let args = ["check", "--staged", "--format", "json"];
    let off = run(&repo.0, &cache.0, &[&["--no-cache"], &args[..]].concat());
    let miss = run(&repo.0, &cache.0, &args);
    let entries = common::cache_entries(&cache.0, "world");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let kept = std::fs::read(&entries[0]).unwrap();
    let with_mark = format!("\u{feff}{}", policy.lines().next().unwrap_or_default());
    assert!(
        kept.windows(with_mark.len())
            .any(|w| w == with_mark.as_bytes()),
        "the entry lost policy.hcl's byte order mark"
    );
    let hit = run(&repo.0, &cache.0, &args);
    same(&miss, &off, "miss");
    same(&hit, &off, "hit");
}
