//! Guards (they pass on the binary before the change too): where the hook
//! makes the world's simulation does not show. With HEAD's world and its
//! replay kept in the cache, `check --staged` posts the simulation to its
//! select-ahead helper and loads the staged files before it waits for it
//! (src/cli/check/later_sim.rs); without the cache, or on the run that
//! makes the entry, the main thread simulates first as before. Every run
//! here, each way, says the same on stdout and stderr with the same exit
//! code: one file and several (the load's worker threads), a file Nomad
//! refuses, and a shell's `NOMAD_NAMESPACE` (a note on stderr before the
//! load, and a second pass in "default" that loads again).

use std::path::Path;
use std::process::Output;

use crate::common::{self, git, stage_edit, staged_demo, TempDir};

fn run(repo: &Path, cache: &Path, args: &[&str], namespace: Option<&str>) -> Output {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.current_dir(repo)
        .arg("--no-color")
        .args(args)
        .env("NOMAD_PREFLIGHT_CACHE_DIR", cache)
        .env_remove("NOMAD_PREFLIGHT_NO_CACHE")
        .env_remove("GIT_DIR")
        .env_remove("NOMAD_REGION")
        .env_remove("VAULT_TOKEN");
    match namespace {
        Some(ns) => cmd.env("NOMAD_NAMESPACE", ns),
        None => cmd.env_remove("NOMAD_NAMESPACE"),
    };
    cmd.output().expect("run nomad-preflight")
}

fn said(o: &Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code(),
    )
}

/// `check --staged` in `repo` in each format: without the cache, then
/// twice with a new cache folder (the run that keeps HEAD's world and its
/// replay, then the run that posts the replay to the helper), all alike.
fn the_same_each_way(repo: &Path, name: &str, namespace: Option<&str>) {
    for format in ["human", "json"] {
        let cache = TempDir::new(&format!("{name}-{format}"));
        let dir = cache.0.join("c");
        let args = ["check", "--staged", "--format", format];
        let off = said(&run(
            repo,
            &dir,
            &[&["--no-cache"], &args[..]].concat(),
            namespace,
        ));
        let keeps = said(&run(repo, &dir, &args, namespace));
        let replays = common::cache_entries(&dir, "world");
        assert_eq!(replays.len(), 1, "{name}: {replays:?}");
        let posts = said(&run(repo, &dir, &args, namespace));
        assert_eq!(keeps, off, "{name} {format}: the run that keeps the entry");
        assert_eq!(
            posts, off,
            "{name} {format}: the run that posts the simulation"
        );
        assert!(
            !off.0.is_empty() || !off.1.is_empty(),
            "{name}: said nothing"
        );
    }
}

#[test]
fn one_staged_file_says_the_same_wherever_the_simulation_is_made() {
    let repo = staged_demo("sim-helper-one");
    the_same_each_way(&repo.0, "sim-helper-one", None);
}

#[test]
fn several_files_a_refused_one_and_a_shell_namespace_say_the_same() {
    let repo = staged_demo("sim-helper-many");
    stage_edit(&repo.0, "count = 2");
    let monitoring = repo.0.join("jobs/monitoring.nomad");
    let text = std::fs::read_to_string(&monitoring).unwrap();
    std::fs::write(&monitoring, format!("{text}\n# staged too\n")).unwrap();
    std::fs::write(repo.0.join("jobs/bad.nomad"), common::BAD_COUNT_JOB).unwrap();
    git(&repo.0, &["add", "-A"]);
    the_same_each_way(&repo.0, "sim-helper-many", None);
    the_same_each_way(&repo.0, "sim-helper-many-ns", Some("monitor"));
}

/// The head's other job files (the "defined twice" lookup) are looked up
/// on the helper after the simulation when it makes it (src/check/preload.rs
/// `post_standing`): a staged copy of a committed job that the change
/// leaves alone is told NP229 each way, in the shell's namespace too (the
/// second pass in "default" looks them up itself).
#[test]
fn a_copy_of_an_untouched_job_is_told_the_same_wherever_the_lookup_is_made() {
    let repo = staged_demo("sim-helper-twice");
    let text = std::fs::read_to_string(repo.0.join("jobs/monitoring.nomad")).unwrap();
    std::fs::write(repo.0.join("jobs/monitoring-copy.nomad"), text).unwrap();
    git(&repo.0, &["add", "-A"]);
    let cache = TempDir::new("sim-helper-twice-cache");
    let args = ["check", "--staged", "--no-cache"];
    let said_np229 = said(&run(&repo.0, &cache.0.join("c"), &args, None));
    assert!(said_np229.0.contains("NP229"), "{said_np229:?}");
    the_same_each_way(&repo.0, "sim-helper-twice", None);
    the_same_each_way(&repo.0, "sim-helper-twice-ns", Some("monitor"));
}
