//! A change to the world that leaves its running jobs no room (a quota
//! lowered below what runs, clients removed) is said: Nomad keeps what
//! runs, so the simulated cluster, which places every running job afresh,
//! would otherwise hold less than the real one without a word.

use crate::common;

use common::{git, output_text, TempDir};

fn demo_repo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

fn lower_quota(d: &TempDir, memory: &str) {
    let path = d.0.join("rules/quotas/default.hcl");
    let text = std::fs::read_to_string(&path).expect("quota file");
    assert!(text.contains("memory = 9500"), "{text}");
    std::fs::write(&path, text.replace("memory = 9500", memory)).expect("write");
    git(&d.0, &["add", "-A"]);
}

#[test]
fn a_quota_lowered_below_a_protected_jobs_use_fails_the_change() {
    let d = demo_repo("world-shrink");
    lower_quota(&d, "memory = 100");
    let out = d.run(&["check", "--staged"]);
    let s = output_text(&out);
    // The demo's policy protects sockshop: an error of the change.
    assert!(
        s.contains(
            "with this change, running job \"sockshop\" in namespace \"default\" no longer fits in all 100 node shuffles:"
        ),
        "{s}"
    );
    assert!(s.contains("check::world-blocks-running [error]"), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");
    // plan --changed: a refusal of the policy (the world itself is valid).
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains("==> refused by policy: with this change, running job \"sockshop\""),
        "{p}"
    );
    assert!(!p.contains("leaves the world invalid"), "{p}");
    assert_eq!(plan.status.code(), Some(1), "{p}");
}

#[test]
fn a_quota_that_still_holds_what_runs_is_quiet() {
    let d = demo_repo("world-room");
    lower_quota(&d, "memory = 9000");
    let out = d.run(&["check", "--staged"]);
    let s = output_text(&out);
    assert!(!s.contains("no longer fits"), "{s}");
    assert_eq!(out.status.code(), Some(0), "{s}");
}
