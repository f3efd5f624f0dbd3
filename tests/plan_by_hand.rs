//! The demo script done by hand, as a user does it: a fresh git checkout of
//! the shipped jobs/ and rules/, files edited in place, plain `plan FILE`
//! commands (no --base, no commits in between). Each step must give the
//! seed script's answer, and a running job's own file must be compared
//! with what the cluster runs, never with itself.

use crate::common;

use std::path::{Path, PathBuf};

use common::run_in as run;

/// A temporary copy of the shipped demo (jobs/ and rules/).
fn demo_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("np-by-hand-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&src.join("jobs"), &dir.join("jobs"));
    common::copy_dir(&src.join("rules"), &dir.join("rules"));
    dir
}

/// `git init` (once) and commit `paths`.
fn commit(dir: &Path, paths: &[&str]) {
    if !dir.join(".git").exists() {
        common::git(dir, &["init", "-q"]);
    }
    let mut add = vec!["add"];
    add.extend_from_slice(paths);
    common::git(dir, &add);
    common::git(dir, &["commit", "-qm", "step"]);
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn raise_carts(dir: &Path) {
    edit(
        dir,
        "jobs/sockshop.nomad",
        "group \"carts\" {\n    count = 1\n",
        "group \"carts\" {\n    count = 3\n",
    );
}

#[test]
fn the_demo_by_hand_in_a_git_checkout() {
    let dir = demo_copy("git");
    commit(&dir, &["jobs", "rules"]);

    // Monitoring in the default namespace hits the default quota.
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("* Quota limit hit \"cpu exhausted (3500 needed > 3000 limit)\""),
        "{}",
        o.stdout
    );

    // `nomad namespace apply monitor` and the uncommented namespace line.
    std::fs::write(
        dir.join("rules/namespaces/monitor.hcl"),
        "name        = \"monitor\"\ndescription = \"monitoring\"\n",
    )
    .expect("write namespace");
    edit(&dir, "jobs/monitoring.nomad", "#namespace", "namespace");
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("+ Task Group: \"foundation\" (1 create)"));
    assert!(o.stdout.contains("- All tasks successfully allocated."));
    assert!(!o.stdout.contains("Quota limit hit"), "{}", o.stdout);

    // Monitoring runs; carts 1 -> 3 in the working tree, nothing committed.
    edit(
        &dir,
        "rules/cluster.hcl",
        "  \"jobs/sockshopui.nomad\",\n",
        "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",\n",
    );
    raise_carts(&dir);
    let o = run(&dir, &["plan", "jobs/sockshop.nomad", "--samples", "200"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "+/- Task Group: \"carts\" (2 create, 1 in-place update)\n  +/- Count: \"1\" => \"3\" (forces create)\n"
        ),
        "{}",
        o.stdout
    );
    // monitoring.nomad runs as the working tree has it, never committed:
    // the plan says it takes that edit as submitted (redteam12 R12-2).
    assert!(
        o.stderr.contains(
            "note: planned as if the working tree's jobs/monitoring.nomad, listed in `running`, were submitted"
        ),
        "{}",
        o.stderr
    );
    let share = o
        .stdout
        .lines()
        .find(|l| l.contains("preempts an allocation of monitoring/foundation"))
        .unwrap_or_else(|| panic!("no preemption share in:\n{}", o.stdout));
    assert!(!share.contains("certain"), "{share}");

    // Some shuffle shows it the way Nomad prints it.
    let shown = (1..=20).any(|seed| {
        let o = run(
            &dir,
            &["plan", "jobs/sockshop.nomad", "--seed", &seed.to_string()],
        );
        o.stdout.contains("Preemptions:")
            && o.stdout
                .lines()
                .any(|l| l.contains("monitoring  foundation"))
    });
    assert!(
        shown,
        "no seed in 1..=20 lists monitoring under Preemptions:"
    );

    // The JSON says where the before came from.
    let o = run(&dir, &["plan", "--format", "json", "jobs/sockshop.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Before"]["Source"], "git");
    assert_eq!(v["Preflight"]["Before"]["Rev"], "HEAD");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outside_git_the_plan_says_it_cannot_know_and_running_gives_the_diff() {
    let dir = demo_copy("nogit");
    std::fs::copy(dir.join("jobs/sockshop.nomad"), dir.join("old.nomad")).expect("copy");
    raise_carts(&dir);

    let o = run(&dir, &["plan", "jobs/sockshop.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "", "no Nomad text in place of a plan");
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr
            .trim_end()
            .ends_with("commit it, or pass --running OLD_FILE"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("jobs/sockshop.nomad"));

    let o = run(&dir, &["plan", "--format", "json", "jobs/sockshop.nomad"]);
    assert_eq!(o.code, 255);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Before"]["Known"], false);

    let o = run(
        &dir,
        &["plan", "--running", "old.nomad", "jobs/sockshop.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o
        .stdout
        .contains("  +/- Count: \"1\" => \"3\" (forces create)\n"));

    // A job no running entry defines is simply new: no git needed.
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.starts_with("+ Job: \"monitoring\""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_untracked_running_file_is_unknown_too() {
    let dir = demo_copy("untracked");
    commit(&dir, &["rules", "jobs/sockshopui.nomad"]);
    let o = run(&dir, &["plan", "jobs/sockshop.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("not committed"), "{}", o.stderr);
    // Committed and unchanged: the plan compares it with itself, honestly.
    commit(&dir, &["jobs/sockshop.nomad"]);
    let o = run(&dir, &["plan", "jobs/sockshop.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
