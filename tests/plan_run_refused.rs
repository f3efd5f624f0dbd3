//! Refusals only `nomad job run` makes (redteam8 V4): `Job.Plan` never
//! calls `validateJobUpdate` (nomad/job_endpoint.go, v0.9.0-v2.0.5: type
//! change, periodic <-> not, parameterized <-> not), and only the HTTP
//! agent's register handler refuses a system job with group `scaling`
//! (command/agent/job_endpoint.go, 0.12.2+, "stanzas" until 1.3.10/1.4.5/
//! 1.5.0, "blocks" after). Nomad's plan text stands; our warning follows it,
//! the plan exits 1, JSON says `SubmissionFails`, and `check` reports NP222.

use crate::common;

use common::{run_in as run, TempDir};

fn job(ty: &str, extra: &str, group_extra: &str) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  type = \"{ty}\"\n{extra}  group \"g\" {{\n{group_extra}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// A world of `version` running `running` as jobs/web.nomad; `planned` is
/// written to new/web.nomad.
fn project(tag: &str, version: &str, running: Option<&str>, planned: &str) -> TempDir {
    let dir = TempDir::new(&format!("run-refused-{tag}"));
    let running_list = if running.is_some() {
        "running = [\"jobs/web.nomad\"]\n"
    } else {
        ""
    };
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n{running_list}"
        ),
    );
    if let Some(r) = running {
        dir.put("jobs/web.nomad", r);
    }
    dir.put("new/web.nomad", planned);
    dir
}

const WARNING: &str = "== nomad-preflight: warning (not part of Nomad's output) ==";

fn refused_text(version: &str, error: &str) -> String {
    format!("Nomad {version}'s plan does not check this, but `nomad job run` will fail: Error submitting job: {error}.")
}

#[test]
fn a_type_change_plans_as_nomad_does_and_then_is_refused() {
    let d = project(
        "type",
        "1.6.0",
        Some(&job("service", "", "")),
        &job("batch", "", ""),
    );
    let o = run(&d.0, &["plan", "--no-color", "new/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // Nomad's plan text: the type diff, then our warning after it.
    let at = o.stdout.find(WARNING).expect("warning section");
    assert!(
        o.stdout[..at].contains("Type: \"service\" => \"batch\""),
        "{}",
        o.stdout
    );
    let want = refused_text(
        "1.6.0",
        "Unexpected response code: 500 (cannot update job from type \"service\" to \"batch\")",
    );
    assert!(o.stdout[at..].contains(&want), "{}", o.stdout);
    // --gate fails on it.
    let o = run(&d.0, &["plan", "--no-color", "--gate", "new/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // JSON: the admission says the submission fails.
    let o = run(&d.0, &["plan", "--format", "json", "new/web.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let fails = v["Preflight"]["Admission"]["SubmissionFails"]
        .as_str()
        .unwrap_or_default();
    assert!(
        fails.contains("cannot update job from type"),
        "{}",
        o.stdout
    );
    // check: an error finding.
    let o = run(&d.0, &["check", "--no-color", "new/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP222"), "{}{}", o.stdout, o.stderr);
    // The same type: no refusal.
    let d = project(
        "same",
        "1.6.0",
        Some(&job("service", "", "")),
        &job("service", "", ""),
    );
    let o = run(&d.0, &["plan", "--no-color", "new/web.nomad"]);
    assert!(!o.stdout.contains(WARNING), "{}", o.stdout);
    let o = run(&d.0, &["check", "--no-color", "new/web.nomad"]);
    assert!(!o.stdout.contains("NP222"), "{}", o.stdout);
}

#[test]
fn periodic_and_parameterized_cannot_be_added_or_removed() {
    let periodic = "  periodic {\n    cron = \"*/5 * * * *\"\n  }\n";
    let param = "  parameterized {\n  }\n";
    for (tag, old, new, error) in [
        (
            "to-periodic",
            "",
            periodic,
            "cannot update non-periodic job to being periodic",
        ),
        (
            "from-periodic",
            periodic,
            "",
            "cannot update periodic job to being non-periodic",
        ),
        (
            "to-param",
            "",
            param,
            "cannot update non-parameterized job to being parameterized",
        ),
        (
            "from-param",
            param,
            "",
            "cannot update parameterized job to being non-parameterized",
        ),
    ] {
        let d = project(
            tag,
            "2.0.5",
            Some(&job("batch", old, "")),
            &job("batch", new, ""),
        );
        let o = run(&d.0, &["plan", "--no-color", "new/web.nomad"]);
        let want = refused_text("2.0.5", &format!("Unexpected response code: 500 ({error})"));
        assert!(o.stdout.contains(&want), "{tag}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.code, 1, "{tag}");
    }
}

#[test]
fn a_system_job_with_group_scaling_is_refused_by_the_agent_per_release() {
    let scaling = "    scaling {\n      min = 1\n      max = 1\n    }\n";
    for (version, word) in [
        ("2.0.5", Some("blocks")),
        ("1.4.4", Some("stanzas")),
        ("1.4.5", Some("blocks")),
        ("0.12.1", None),
    ] {
        let d = project(version, version, None, &job("system", "", scaling));
        let o = run(&d.0, &["plan", "--no-color", "new/web.nomad"]);
        match word {
            Some(w) => {
                let want = refused_text(
                    version,
                    &format!("Unexpected response code: 400 (Task groups with job type system do not support scaling {w})"),
                );
                assert!(
                    o.stdout.contains(&want),
                    "{version}: {}{}",
                    o.stdout,
                    o.stderr
                );
                assert_eq!(o.code, 1, "{version}");
                let o = run(&d.0, &["check", "--no-color", "new/web.nomad"]);
                assert!(o.stdout.contains("NP222"), "{version}: {}", o.stdout);
            }
            None => assert!(!o.stdout.contains(WARNING), "{version}: {}", o.stdout),
        }
    }
}
