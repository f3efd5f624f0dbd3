//! `check` sends a job that names no namespace where `plan` does: the
//! `-namespace` flag (`--namespace`), else `NOMAD_NAMESPACE`, from 1.0.9 and
//! 1.1.3 (Nomad's CLI forces only a namespace the job writes,
//! command/job_plan.go v2.0.5:208-210). `check` judged every such job in
//! "default": a quota hit in the namespace the command names passed the
//! check while `plan` showed it (stop 59 Left 2). And a plan's before is the
//! job stored under the namespace and ID it lands in (nomad/job_endpoint.go
//! v2.0.5:1821 `snap.JobByID(args.RequestNamespace(), args.Job.ID)`), not
//! the planned file's entry in another namespace (stop 59 Left 5).

use crate::common;

use common::{git, run_in_env, Out, TempDir};

const WEB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "nginx:1.27" }
      resources {
        cpu    = 200
        memory = 100
      }
    }
  }
}
"#;

/// The demo's world and running jobs, with namespace `tight` whose quota
/// (100 MHz) is smaller than `web`'s 200, and `jobs/web.nomad` naming no
/// namespace.
fn project(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    let _ = std::fs::remove_file(d.0.join("jobs/monitoring.nomad"));
    d.put(
        "rules/namespaces/tight.hcl",
        "name = \"tight\"\ndescription = \"t\"\nquota = \"tight\"\n",
    );
    d.put(
        "rules/quotas/tight.hcl",
        "name = \"tight\"\ndescription = \"t\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 100\n    memory = 1000\n  }\n}\n",
    );
    d.put("jobs/web.nomad", WEB);
    d
}

fn check(d: &TempDir, env: &[(&str, &str)], more: &[&str]) -> Out {
    let mut args = vec!["check", "--output-format", "concise"];
    args.extend_from_slice(more);
    args.push("jobs/web.nomad");
    run_in_env(&d.0, env, &args)
}

fn plan(d: &TempDir, env: &[(&str, &str)], more: &[&str]) -> Out {
    let mut args = vec!["plan"];
    args.extend_from_slice(more);
    args.push("jobs/web.nomad");
    run_in_env(&d.0, env, &args)
}

const HIT: &str = "Quota limit hit \"cpu exhausted (200 needed > 100 limit)\"";

#[test]
fn check_and_plan_agree_on_a_quota_hit_in_the_namespace_the_command_names() {
    let d = project("check-ns-quota");
    let v = ["--nomad-version", "2.0.5"];
    let env = [("NOMAD_NAMESPACE", "tight")];
    let p = plan(&d, &env, &v);
    assert!(p.stdout.contains(HIT), "{}{}", p.stdout, p.stderr);
    for (env, flag) in [
        (&env[..], &[][..]),
        (&[][..], &["--namespace", "tight"][..]),
    ] {
        let more: Vec<&str> = v.iter().chain(flag).copied().collect();
        let c = check(&d, env, &more);
        assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
        // The root cause, as `plan`'s `Quota limit hit`: the job alone
        // exceeds the quota (NP301, which also causes NP304).
        assert!(
            c.stdout
                .contains("NP301 [error] job \"web\" alone exceeds quota \"tight\""),
            "{}{}",
            c.stdout,
            c.stderr
        );
    }
    // The flag wins over the environment, as Nomad's `-namespace` does.
    let more: Vec<&str> = v
        .iter()
        .chain(&["--namespace", "default"])
        .copied()
        .collect();
    let c = check(&d, &env, &more);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    // Guard: in "default" both pass.
    let (p, c) = (plan(&d, &[], &v), check(&d, &[], &v));
    assert!(!p.stdout.contains("Quota limit hit"), "{}", p.stdout);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
}

/// Guard: before 1.0.9 (the demo's 0.9.3) the servers plan such a job in
/// "default" whatever was asked: both commands judge it there, and `check`
/// says so as `plan` does.
#[test]
fn an_old_release_plans_it_in_default_and_check_says_so() {
    let d = project("check-ns-old");
    let env = [("NOMAD_NAMESPACE", "tight")];
    let p = plan(&d, &env, &[]);
    assert!(!p.stdout.contains("Quota limit hit"), "{}", p.stdout);
    let c = check(&d, &env, &[]);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    assert!(
        c.stderr.contains(
            "plans a job that names no namespace in \"default\", whatever NOMAD_NAMESPACE says"
        ),
        "{}",
        c.stderr
    );
}

/// `NOMAD_NAMESPACE=tight plan jobs/sockshopui.nomad` (committed, listed in
/// `running`, naming no namespace): Nomad plans a new job in "tight" while
/// "default" runs the committed version, and the JSON's before said "git".
#[test]
fn a_running_file_planned_in_another_namespace_has_no_running_version_there() {
    let d = project("check-ns-before");
    let _ = std::fs::remove_file(d.0.join("jobs/web.nomad"));
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    let args = [
        "plan",
        "--nomad-version",
        "2.0.5",
        "--format",
        "json",
        "jobs/sockshopui.nomad",
    ];
    let before = |env: &[(&str, &str)]| {
        let o = run_in_env(&d.0, env, &args);
        let v: serde_json::Value = serde_json::from_str(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr));
        (v["Preflight"]["Before"].clone(), v["Diff"]["Type"].clone())
    };
    let (b, diff) = before(&[("NOMAD_NAMESPACE", "tight")]);
    assert_eq!(diff, "Added", "{b:#}");
    assert_eq!(b["Source"], "not-running", "{b:#}");
    // Guard: in its own namespace the before is the committed version.
    let (b, _) = before(&[]);
    assert_eq!(b["Source"], "git", "{b:#}");
    assert_eq!(b["Rev"], "HEAD", "{b:#}");
}
