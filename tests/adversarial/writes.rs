//! Writes outside the target: names from an import never become paths, a
//! user's own git hook is never lost, and nothing is written or deleted
//! through a symbolic link.

use std::path::Path;

use super::reads::git;
use super::{assert_clean, run, tempdir, write};

fn node(id: &str) -> String {
    format!(
        "{{\"ID\":\"{id}\",\"Name\":\"{id}\",\"Datacenter\":\"dc1\",\"NodePool\":\"default\",\"NodeClass\":\"\",\"Status\":\"ready\",\"SchedulingEligibility\":\"eligible\",\"Drain\":false,\"Drivers\":{{\"docker\":{{\"Detected\":true,\"Healthy\":true}}}},\"NodeResources\":{{\"Cpu\":{{\"CpuShares\":4000}},\"Memory\":{{\"MemoryMB\":8000}},\"Disk\":{{\"DiskMB\":10000}}}}}}"
    )
}

/// The rest of a whole import (an Enterprise 2.0.5 cluster with nothing
/// running), so `--write` is refused for the names alone, not for a file
/// not saved. Node `n1`'s own file is saved too: the list alone leaves its
/// attributes unknown, and an import that guesses is never written.
fn whole(imp: &Path) {
    if !imp.join("node-n1.json").exists() {
        write(imp, "node-n1.json", node("n1"));
    }
    for (f, body) in [
        (
            "agent-self.json",
            r#"{"member": {"Tags": {"build": "2.0.5+ent"}}}"#,
        ),
        ("namespaces.json", r#"[{"Name": "default"}]"#),
        ("quotas.json", "[]"),
        // What the endpoint answers: `{}` is not (import::shape).
        (
            "scheduler.json",
            r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack", "PreemptionConfig": {"SystemSchedulerEnabled": true}}}"#,
        ),
        ("allocations.json", "[]"),
        ("csi-volumes.json", "[]"),
        ("node-pools.json", "[]"),
        ("jobs/.gitkeep", ""),
    ] {
        if !imp.join(f).exists() {
            write(imp, f, body);
        }
    }
}

#[test]
fn import_write_refuses_names_that_are_not_plain_file_names() {
    let d = tempdir("import-names");
    let imp = d.join("imp");
    write(&imp, "nodes.json", format!("[{}]", node("n1")));
    write(
        &imp,
        "quotas.json",
        "[{\"Name\":\"../../../escaped\",\"Description\":\"\",\"Limits\":[]}]",
    );
    whole(&imp);
    let o = run(&d, &["import", "imp", "--write", "out/rules"]);
    assert_clean(&o, &[2]);
    assert!(o.stderr.contains("not a plain file name"), "{}", o.stderr);
    assert!(!d.join("escaped.hcl").exists(), "wrote outside the target");
    assert!(!d
        .parent()
        .unwrap_or(Path::new("/"))
        .join("escaped.hcl")
        .exists());
    let o = run(&d, &["import", "imp", "--write", "out/rules", "--force"]);
    assert_clean(&o, &[0, 1, 2]);
    assert!(
        !d.join("escaped.hcl").exists(),
        "wrote outside the target with --force"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn import_write_never_writes_through_a_symlink() {
    let d = tempdir("import-link");
    let imp = d.join("imp");
    write(&imp, "nodes.json", format!("[{}]", node("n1")));
    whole(&imp);
    write(&d, "shared/cluster.hcl", "precious\n");
    assert!(std::fs::create_dir_all(d.join("out")).is_ok());
    assert!(std::os::unix::fs::symlink(d.join("shared"), d.join("out/rules")).is_ok());
    let o = run(&d, &["import", "imp", "--write", "out/rules/x", "--force"]);
    assert_clean(&o, &[0, 1, 2]);
    let o = run(&d, &["import", "imp", "--write", "out/rules", "--force"]);
    assert_clean(&o, &[2]);
    assert!(o.stderr.contains("symbolic link"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("shared/cluster.hcl")).unwrap_or_default(),
        "precious\n"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn hook_install_keeps_a_user_hook_that_merely_mentions_our_marker() {
    let d = tempdir("hook-marker");
    assert!(git(&d, &["init", "-q"]));
    let hook = d.join(".git/hooks/pre-commit");
    let mine = format!(
        "#!/bin/sh\n{}\nrun-my-own-linter\n",
        nomad_preflight::cli::hook::MARKER
    );
    write(&d, ".git/hooks/pre-commit", &mine);
    let o = run(&d, &["hook", "install"]);
    assert_clean(&o, &[2]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap_or_default(), mine);
    let o = run(&d, &["hook", "uninstall"]);
    assert_clean(&o, &[2]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap_or_default(), mine);
    // --force keeps it and runs it first; uninstall gives it back intact.
    let o = run(&d, &["hook", "install", "--force"]);
    assert_clean(&o, &[0]);
    let o = run(&d, &["hook", "uninstall"]);
    assert_clean(&o, &[0]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap_or_default(), mine);
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn hook_commands_never_write_or_delete_through_a_symlink() {
    let d = tempdir("hook-link");
    let repo = d.join("repo");
    assert!(std::fs::create_dir_all(&repo).is_ok());
    assert!(git(&repo, &["init", "-q"]));
    write(&d, "shared-hook", "#!/bin/sh\necho shared\n");
    assert!(std::fs::create_dir_all(repo.join(".git/hooks")).is_ok());
    let hook = repo.join(".git/hooks/pre-commit");
    assert!(std::os::unix::fs::symlink(d.join("shared-hook"), &hook).is_ok());
    for args in [&["hook", "install"][..], &["hook", "uninstall"][..]] {
        let o = run(&repo, args);
        assert_clean(&o, &[2]);
        assert!(o.stderr.contains("symbolic link"), "{}", o.stderr);
    }
    let o = run(&repo, &["hook", "install", "--force"]);
    assert_clean(&o, &[0]);
    assert_eq!(
        std::fs::read_to_string(d.join("shared-hook")).unwrap_or_default(),
        "#!/bin/sh\necho shared\n"
    );
    assert!(std::fs::symlink_metadata(&hook).is_ok_and(|m| m.file_type().is_file()));
    let _ = std::fs::remove_dir_all(&d);
}
