//! From Nomad 1.11 a system job's destructive update canaries when its
//! group sets `update { canary > 0 }` (`isCanarying` in
//! scheduler/scheduler_system.go, v1.11.0 to v2.0.5): the evaluation
//! places canaries that `evictUnneededCanaries` picks, and the plan's
//! counts change. We do not simulate that, so such a plan is one "cannot
//! tell" line, exit 255 and `Preflight.SystemCanary`, never our counts
//! with Nomad's success text. Before 1.11 the system scheduler ignores
//! `canary`, and a plan with no destructive update is known either way.

use crate::common;

use common::TempDir;

const IMAGE: &str = "master-ac9ca707";

/// The demo project, with `jobs/old.nomad` the registered sockshopui and
/// `jobs/new.nomad` it with `canary` set and `image` as given.
fn project(tag: &str, canary: u32, image: &str) -> TempDir {
    let d = TempDir::demo(&format!("syscanary-{tag}"));
    let old = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).expect("demo job");
    assert!(old.contains("max_parallel = 1\n") && old.contains(IMAGE));
    let new = old
        .replace(
            "max_parallel = 1\n",
            &format!("max_parallel = 1\n    canary       = {canary}\n"),
        )
        .replace(IMAGE, image);
    d.put("old.nomad", &old);
    d.put("jobs/sockshopui.nomad", &new);
    d
}

fn plan(d: &TempDir, version: &str, json: bool) -> (i32, String, String) {
    let mut args = vec![
        "plan",
        "--nomad-version",
        version,
        "--running",
        "old.nomad",
        "jobs/sockshopui.nomad",
    ];
    if json {
        args.extend(["--format", "json"]);
    }
    let o = d.run(&args);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const LINE: &str = "cannot tell what the plan of job \"sockshopui\" places: system group \"frontend\" sets update canary = 50 and 3 of its allocations are replaced; from Nomad 1.11 such an update places canaries first";

#[test]
fn a_canarying_system_update_is_cannot_tell_from_1_11() {
    let d = project("destructive", 50, "master-bbbbbbb");
    for version in ["1.11.0", "2.0.5"] {
        let (code, out, err) = plan(&d, version, false);
        assert_eq!(code, 255, "{version}: {out}{err}");
        assert!(err.contains(LINE), "{version}: {err}");
        assert!(
            !out.contains("All tasks successfully allocated"),
            "{version}: {out}"
        );
        let (code, out, _) = plan(&d, version, true);
        assert_eq!(code, 255);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let u = &v["Preflight"]["SystemCanary"];
        assert_eq!(u["Known"], false, "{out}");
        assert_eq!(u["TaskGroup"], "frontend");
        assert_eq!(u["Canary"], 50);
        assert_eq!(u["DestructiveUpdates"], 3);
    }
}

#[test]
fn before_1_11_or_without_a_destructive_update_the_plan_is_known() {
    // 1.10: the system scheduler has no canaries.
    let d = project("old-release", 50, "master-bbbbbbb");
    let (code, out, err) = plan(&d, "1.10.5", false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("+/- Task Group: \"frontend\" (3 create/destroy update)"),
        "{out}"
    );
    // 1.11+: only the update block changes, nothing is replaced.
    let d = project("in-place", 50, IMAGE);
    let (code, out, err) = plan(&d, "2.0.5", false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("+/- Task Group: \"frontend\" (3 create, 3 in-place update)"),
        "{out}"
    );
    // 1.11+: replaced, but no canary asked.
    let d = project("no-canary", 0, "master-bbbbbbb");
    let (code, out, err) = plan(&d, "2.0.5", false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("Task Group: \"frontend\" (3 create, 3 create/destroy update)"),
        "{out}"
    );
}
