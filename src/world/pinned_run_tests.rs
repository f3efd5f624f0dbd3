//! `read` against a real git repository in a temp dir: a working-tree
//! world whose pins fit `HEAD`'s version of a running job and not its
//! edit runs `HEAD`'s, said as a stand-in; pins that fit neither, and the
//! same edit read from a revision (no working tree), keep the world's
//! error.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::super::stand_in::Why;
use crate::vfs::DiskVfs;

const CLUSTER: &str = "nomad_version = \"1.9.7\"\nregion = \"global\"\nrunning = [\"jobs/j.nomad\"]\nclient \"c\" {\n  count = 1\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n}\n";

fn pins(group: &str) -> String {
    format!("allocation \"a0000001-0000-4000-8000-000000000000\" {{\n  job = \"j\"\n  index = 0\n  node = \"c-1\"\n  group = \"{group}\"\n}}\n")
}

fn job(group: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n    }}\n  }}\n}}\n")
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .status()
        .is_ok_and(|s| s.success())
}

/// A repository committing `j` with group "g" and pins of `pinned`, the
/// working tree's `j` with group "h". None where git is missing.
fn repo(tag: &str, pinned: &str) -> Option<PathBuf> {
    let d = std::env::temp_dir().join(format!("np-pinned-run-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    for (p, text) in [
        ("rules/cluster.hcl", CLUSTER.to_string()),
        ("rules/allocations.hcl", pins(pinned)),
        ("jobs/j.nomad", job("g")),
    ] {
        let path = d.join(p);
        std::fs::create_dir_all(path.parent()?).ok()?;
        std::fs::write(path, text).ok()?;
    }
    let ok =
        git(&d, &["init", "-q"]) && git(&d, &["add", "-A"]) && git(&d, &["commit", "-qm", "c"]);
    std::fs::write(d.join("jobs/j.nomad"), job("h")).ok()?;
    ok.then_some(d)
}

fn group_run(world: &super::World) -> Vec<String> {
    world
        .running
        .iter()
        .flat_map(|r| r.job.groups.iter().map(|g| g.name.clone()))
        .collect()
}

#[test]
fn pins_of_head_s_version_run_head_s_version_in_a_working_tree_world() {
    let d = repo("head", "g").expect("the test repository is made (git on PATH)");
    let vfs = DiskVfs::new(&d);
    let loaded = crate::world::load::load_work_tree(&vfs, &d.join("rules"), None);
    let (world, _) = loaded.expect("the world loads");
    assert_eq!(group_run(&world), vec!["g".to_string()]);
    assert_eq!(world.stand_ins.len(), 1);
    assert_eq!(world.stand_ins[0].why, Why::Pinned);
    assert_eq!(world.stand_ins[0].path, PathBuf::from("jobs/j.nomad"));
    // Read as a revision (no working tree), the edit is what runs: the
    // pins' error stands.
    let err = crate::world::load(&vfs, &d.join("rules")).expect_err("pins of no group");
    assert!(
        err.iter().any(|x| x.code == "world::alloc-group"),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn pins_fitting_no_version_keep_the_world_s_error() {
    let d = repo("none", "x").expect("the test repository is made (git on PATH)");
    let vfs = DiskVfs::new(&d);
    let err = crate::world::load::load_work_tree(&vfs, &d.join("rules"), None)
        .expect_err("pins of no group");
    assert!(
        err.iter().any(|x| x.code == "world::alloc-group"),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
