//! The policy gate judges every sampled node shuffle, as `check`'s NP403
//! does (redteam6 G5): Nomad shuffles the nodes on every evaluation, so a
//! change that preempts a protected job in some shuffles but not in the one
//! printed must not pass `plan --changed --gate`; and a world change that
//! starves a protected running job in some shuffles must not pass either.

use crate::common;

use common::{git, output_text, TempDir};

/// The demo committed, plus a namespace `ops` without a quota.
fn demo_with_ops(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    d.put(
        "rules/namespaces/ops.hcl",
        "name = \"ops\"\ndescription = \"ops\"\n",
    );
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "demo"]);
    d
}

/// A service at priority 70 in `ops`: 2 x 2000 MB, which the demo's
/// clients hold only by preempting, and whom depends on the shuffle.
const SVC: &str = r#"job "sys" {
  datacenters = ["dc1"]
  namespace   = "ops"
  type        = "service"
  priority    = 70
  group "g" {
    count = 2
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = 2000
      }
    }
  }
}
"#;

/// `in N% of 100 node shuffles` or `in all 100 node shuffles` follows.
fn says_a_share(line: &str) -> bool {
    line.contains("% of 100 node shuffles") || line.contains("in all 100 node shuffles")
}

#[test]
fn a_protected_preemption_in_some_shuffles_fails_the_gate_with_its_share() {
    let d = demo_with_ops("gate-shuffles");
    d.put("jobs/svc.nomad", SVC);
    git(&d.0, &["add", "-A"]);

    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    let refused: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with("==> refused by policy: jobs/svc.nomad preempts"))
        .collect();
    assert!(
        refused
            .iter()
            .any(|l| l.contains("protected job default/sockshop ") && says_a_share(l)),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");

    // `check` says the same change is an error: the two gates agree.
    let check = d.run(&["check", "--staged"]);
    assert_eq!(check.status.code(), Some(1), "{}", output_text(&check));

    let md = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "markdown",
    ]);
    let m = output_text(&md);
    assert!(m.contains("**Refused by policy**"), "{m}");
    assert!(
        m.lines()
            .any(|l| l.contains("protected job default/sockshop") && says_a_share(l)),
        "{m}"
    );
    assert_eq!(md.status.code(), Some(1), "{m}");

    let js = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    let policy = v["Plans"][0]["Policy"].as_array().expect("Policy");
    let shop = policy
        .iter()
        .find(|p| p["Job"] == "sockshop")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(shop["Refusal"], "preempts");
    assert_eq!(shop["Shuffles"]["Total"], 100, "{shop:#}");
    let hits = shop["Shuffles"]["Hits"].as_u64().expect("Hits");
    assert!(hits > 0 && hits <= 100, "{shop:#}");
    assert_eq!(js.status.code(), Some(1));
}

#[test]
fn plan_file_gate_judges_the_same_shuffles() {
    let d = demo_with_ops("gate-shuffles-file");
    d.put("jobs/svc.nomad", SVC);
    let out = d.run(&["plan", "jobs/svc.nomad", "--gate"]);
    let s = output_text(&out);
    assert!(
        s.lines().any(
            |l| l.starts_with("refused by policy: jobs/svc.nomad preempts")
                && l.contains("protected job default/sockshop ")
                && says_a_share(l)
        ),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");
    let js = d.run(&["plan", "jobs/svc.nomad", "--gate", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    let policy = v["Preflight"]["Policy"]
        .as_array()
        .unwrap_or_else(|| panic!("{v:#}"));
    assert!(policy
        .iter()
        .any(|p| p["Job"] == "sockshop" && p["Shuffles"]["Total"] == 100));
    assert_eq!(js.status.code(), Some(1));
}

/// `plan FILE --samples N` replays each shuffle once for its own tally and
/// the policy (whose 100 shuffles are the first 100 of the N): the
/// policy's verdict and share do not move with N, fewer or more than its
/// 100, and the tally's shares are those of the same shuffles.
#[test]
fn plan_file_samples_and_the_policy_judge_the_same_shuffles() {
    let d = demo_with_ops("gate-shuffles-samples");
    d.put("jobs/svc.nomad", SVC);
    let refusals = |out: &std::process::Output| -> Vec<String> {
        output_text(out)
            .lines()
            .filter(|l| l.starts_with("refused by policy: "))
            .map(str::to_string)
            .collect()
    };
    let alone = d.run(&["plan", "jobs/svc.nomad", "--seed", "7"]);
    let want = refusals(&alone);
    assert!(
        want.iter()
            .any(|l| l.contains("protected job default/sockshop ") && says_a_share(l)),
        "{}",
        output_text(&alone)
    );
    let shares = |n: &str| -> Vec<(String, u64)> {
        let js = d.run(&[
            "plan",
            "jobs/svc.nomad",
            "--seed",
            "7",
            "--samples",
            n,
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
        assert_eq!(
            v["Preflight"]["Samples"]["Total"].as_u64(),
            n.parse().ok(),
            "{v:#}"
        );
        let policy = &v["Preflight"]["Policy"];
        let shop = policy
            .as_array()
            .and_then(|p| p.iter().find(|p| p["Job"] == "sockshop"))
            .unwrap_or_else(|| panic!("{v:#}"));
        assert_eq!(shop["Shuffles"]["Total"], 100, "{v:#}");
        let mut out: Vec<(String, u64)> = v["Preflight"]["Samples"]["Outcomes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                (
                    o["outcome"].as_str().unwrap_or("").to_string(),
                    o["count"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        out.push((
            "policy hits".into(),
            shop["Shuffles"]["Hits"].as_u64().unwrap_or(0),
        ));
        out.sort();
        out
    };
    for n in ["40", "100", "250"] {
        let out = d.run(&["plan", "jobs/svc.nomad", "--seed", "7", "--samples", n]);
        assert_eq!(refusals(&out), want, "--samples {n}: {}", output_text(&out));
        assert_eq!(
            out.status.code(),
            alone.status.code(),
            "{}",
            output_text(&out)
        );
    }
    // The policy's hits among its 100 shuffles: the samples of those same
    // 100 shuffles preempt sockshop in as many of them.
    let hundred = shares("100");
    let hits = hundred
        .iter()
        .find(|(k, _)| k == "policy hits")
        .map(|(_, c)| *c);
    let preempting: u64 = hundred
        .iter()
        .filter(|(k, _)| k.starts_with("preempts an allocation of sockshop/"))
        .map(|(_, c)| *c)
        .max()
        .unwrap_or(0);
    assert!(
        hits.is_some_and(|h| h > 0 && h >= preempting),
        "{hundred:?}"
    );
    assert_eq!(
        shares("40").iter().find(|(k, _)| k == "policy hits"),
        hundred.iter().find(|(k, _)| k == "policy hits")
    );
}

/// `--samples` beside `--changed` was refused (taken and ignored, it
/// would have been a false promise); since gate25 the change gate's policy
/// takes it as `plan FILE --gate --samples N` does (at least N shuffles
/// for a pass over samples only: check_history_shuffles'
/// `the_change_gate_takes_samples_for_a_tighter_bound` shows the bound it
/// buys), so it plans.
#[test]
fn samples_with_changed_is_taken_by_the_policy() {
    let d = demo_with_ops("gate-samples-flag");
    d.put("jobs/svc.nomad", SVC);
    git(&d.0, &["add", "-A"]);
    let out = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--samples",
        "100",
    ]);
    let s = output_text(&out);
    assert!(!s.contains("cannot be used with"), "{s}");
    assert!(s.contains("==> jobs/svc.nomad"), "{s}");
}

#[test]
fn a_world_change_starving_a_protected_job_in_some_shuffles_fails_both_gates() {
    let d = demo_with_ops("gate-world-shuffles");
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("cluster");
    assert!(text.contains("count      = 3") && text.contains("memory = 3951"));
    let text = text
        .replacen("count      = 3", "count      = 2", 1)
        .replacen("memory = 3951", "memory = 3100", 1);
    std::fs::write(&path, text).expect("write");
    git(&d.0, &["add", "-A"]);

    let check = d.run(&["check", "--staged"]);
    let c = output_text(&check);
    let line = c
        .lines()
        .find(|l| l.contains("running job \"sockshopui\" in namespace \"default\" no longer fits"))
        .unwrap_or_else(|| panic!("{c}"));
    assert!(says_a_share(line), "{c}");
    assert!(line.contains("check::world-blocks-running [error]"), "{c}");
    assert_eq!(check.status.code(), Some(1), "{c}");

    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.lines().any(|l| l
            .starts_with("==> refused by policy: with this change, running job \"sockshopui\"")
            && says_a_share(l)),
        "{p}"
    );
    assert_eq!(plan.status.code(), Some(1), "{p}");
}
