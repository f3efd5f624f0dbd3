//! `plan -namespace NS` (and `NOMAD_NAMESPACE`) for a job file that names
//! no namespace: Nomad's agent planned such a job in "default" whatever the
//! request said until 1.0.9 and 1.1.3 (jobPlan's `planReq.Namespace =
//! sJob.Namespace` after canonicalising, command/agent/job_endpoint.go
//! v0.9.3–v1.0.8, v1.1.0–v1.1.2; `namespaceForJob` from #10875). The demo
//! runs 0.9.3, so the README's `plan -namespace monitor
//! jobs/monitoring.nomad` plans FluentD against the default namespace's
//! quota, as the demo script's step (uncomment the job's namespace line)
//! implies.

use crate::common;
use common::{git, TempDir};

/// The demo with the `monitor` namespace applied (no quota).
fn demo_with_monitor(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    d.put(
        "rules/namespaces/monitor.hcl",
        "name        = \"monitor\"\ndescription = \"monitoring\"\n",
    );
    d
}

fn plan(d: &TempDir, env: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("VAULT_TOKEN")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    if let Some(ns) = env {
        cmd.env("NOMAD_NAMESPACE", ns);
    }
    let o = cmd.output().expect("the binary runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const QUOTA: &str = "    * Quota limit hit \"cpu exhausted (3500 needed > 3000 limit)\"\n";
const PLACED: &str = "- All tasks successfully allocated.\n";

#[test]
fn before_1_0_9_the_flag_does_not_move_an_unnamed_job_out_of_default() {
    let d = demo_with_monitor("ns-flag-old");
    for v in ["0.9.3", "0.12.12", "1.0.8", "1.1.2"] {
        let (code, out, err) = plan(
            &d,
            None,
            &[
                "plan",
                "--nomad-version",
                v,
                "-namespace",
                "monitor",
                "jobs/monitoring.nomad",
            ],
        );
        let (plain_code, plain, _) = plan(
            &d,
            None,
            &["plan", "--nomad-version", v, "jobs/monitoring.nomad"],
        );
        assert!(out.contains(QUOTA), "{v}: {out}");
        assert_eq!(
            (code, out.as_str()),
            (plain_code, plain.as_str()),
            "{v}: as without the flag"
        );
        assert!(
            err.contains(&format!(
                "note: Nomad {v} plans a job that names no namespace in \"default\", whatever -namespace says"
            )),
            "{v}: {err}"
        );
        assert!(
            err.contains("write `namespace = \"monitor\"` in the job"),
            "{v}: {err}"
        );
    }
}

#[test]
fn from_1_0_9_and_1_1_3_the_flag_and_the_environment_apply() {
    let d = demo_with_monitor("ns-flag-new");
    for v in ["1.0.9", "1.1.3", "1.6.0", "2.0.5"] {
        let args = [
            "plan",
            "--nomad-version",
            v,
            "-namespace",
            "monitor",
            "jobs/monitoring.nomad",
        ];
        let (_, out, err) = plan(&d, None, &args);
        assert!(out.contains(PLACED), "{v}: {out}");
        assert!(!out.contains("Quota limit hit"), "{v}: {out}");
        assert!(!err.contains("names no namespace"), "{v}: {err}");
        let env_args = ["plan", "--nomad-version", v, "jobs/monitoring.nomad"];
        let (_, env_out, _) = plan(&d, Some("monitor"), &env_args);
        assert!(env_out.contains(PLACED), "{v}: NOMAD_NAMESPACE: {env_out}");
        // The flag wins over the environment (Meta.Client sets the
        // namespace over api.DefaultConfig's).
        let (_, both, _) = plan(
            &d,
            Some("monitor"),
            &[
                "plan",
                "--nomad-version",
                v,
                "-namespace",
                "default",
                "jobs/monitoring.nomad",
            ],
        );
        assert!(both.contains(QUOTA), "{v}: {both}");
    }
    // The check-index hint repeats the flag (1.6+), never the environment:
    // c.namespace is the flag's own field (command/job_plan.go v1.6.0:268).
    let (_, flag, _) = plan(
        &d,
        None,
        &[
            "plan",
            "--nomad-version",
            "1.6.0",
            "-namespace",
            "monitor",
            "jobs/monitoring.nomad",
        ],
    );
    assert!(
        flag.contains("nomad job run -check-index 0 -namespace=\"monitor\" jobs/monitoring.nomad"),
        "{flag}"
    );
    let (_, env, _) = plan(
        &d,
        Some("monitor"),
        &["plan", "--nomad-version", "1.6.0", "jobs/monitoring.nomad"],
    );
    assert!(
        env.contains("nomad job run -check-index 0 jobs/monitoring.nomad"),
        "{env}"
    );
}

#[test]
fn the_environment_is_ignored_before_1_0_9_too_and_a_written_namespace_wins() {
    let d = demo_with_monitor("ns-env-old");
    let (_, out, err) = plan(&d, Some("monitor"), &["plan", "jobs/monitoring.nomad"]);
    assert!(out.contains(QUOTA), "{out}");
    assert!(err.contains("whatever NOMAD_NAMESPACE says"), "{err}");
    // A job that writes its namespace is planned there at every release,
    // with no note: the CLI forces the request's namespace to the job's.
    let text = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    let named = text.replace(
        "job \"monitoring\" {",
        "job \"monitoring\" {\n  namespace = \"default\"",
    );
    assert_ne!(named, text);
    d.put("jobs/named.nomad", &named);
    for v in ["0.9.3", "1.6.0"] {
        let (_, out, err) = plan(
            &d,
            Some("monitor"),
            &[
                "plan",
                "--nomad-version",
                v,
                "-namespace",
                "monitor",
                "jobs/named.nomad",
            ],
        );
        assert!(out.contains(QUOTA), "{v}: {out}");
        assert!(!err.contains("names no namespace"), "{v}: {err}");
    }
}

#[test]
fn plan_changed_follows_the_same_rule() {
    let d = demo_with_monitor("ns-changed");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    let text = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    d.put("jobs/monitoring.nomad", &format!("{text}\n# edited\n"));
    git(&d.0, &["add", "jobs/monitoring.nomad"]);
    let (_, old, err) = plan(
        &d,
        None,
        &["plan", "--changed", "--staged", "-namespace", "monitor"],
    );
    assert!(old.contains(QUOTA), "{old}");
    assert!(err.contains("whatever -namespace says"), "{err}");
    let (_, new, err) = plan(
        &d,
        None,
        &[
            "plan",
            "--changed",
            "--staged",
            "--nomad-version",
            "1.6.0",
            "-namespace",
            "monitor",
        ],
    );
    assert!(new.contains(PLACED), "{new}");
    assert!(!err.contains("names no namespace"), "{err}");
}

#[test]
fn validate_takes_the_flag_as_nomad_job_validate_does() {
    let d = demo_with_monitor("ns-validate");
    let (code, out, err) = plan(
        &d,
        None,
        &["validate", "-namespace", "monitor", "jobs/monitoring.nomad"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Job validation successful"), "{out}");
}
