//! A lint `exclude` does not take a changed job file out of the policy
//! gate (redteam6 G10): `plan --changed` plans it, says it is excluded
//! from `check`, and refuses it when it hurts a protected job.

use crate::common;

use common::{git, output_text};

/// A system job in `ops` at priority 70 asking 3000 MB of every client:
/// it preempts the protected shop wherever it lands.
const SYS: &str = r#"job "sys" {
  datacenters = ["dc1"]
  namespace   = "ops"
  type        = "system"
  priority    = 70
  group "g" {
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = 3000
      }
    }
  }
}
"#;

#[test]
fn an_excluded_job_file_is_still_planned_and_refused_by_the_gate() {
    let d = common::demo_repo(
        "gate-excluded",
        common::Demo {
            files: &[(".nomad-preflight.hcl", "exclude = [\"legacy/**\"]\n")],
            branch: Some("pr"),
            ..Default::default()
        },
    );
    d.put("legacy/sys.nomad", SYS);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "pr"]);

    // `check` honours the lint exclusion...
    let check = d.run(&["check", "--base", "main", "--head", "HEAD"]);
    assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));

    // ...the gate does not drop the file.
    let args = [
        "plan",
        "--changed",
        "--base",
        "main",
        "--head",
        "HEAD",
        "--gate",
    ];
    let out = d.run(&args);
    let s = output_text(&out);
    assert!(s.contains("==> legacy/sys.nomad (added)"), "{s}");
    assert!(!s.contains("no job file changed"), "{s}");
    assert!(
        s.contains(
            "==> note: legacy/sys.nomad: .nomad-preflight.hcl's `exclude` leaves it out of `check`"
        ),
        "{s}"
    );
    assert!(
        s.contains("==> refused by policy: legacy/sys.nomad preempts"),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let js = d.run(&json_args);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    assert_eq!(v["Plans"][0]["File"], "legacy/sys.nomad", "{v:#}");
    assert_eq!(v["Plans"][0]["LintExcluded"], true, "{v:#}");
    assert!(
        v["Notes"].as_array().is_some_and(|n| n
            .iter()
            .any(|x| x.as_str().is_some_and(|x| x.contains("`exclude`")))),
        "{v:#}"
    );
    assert_eq!(js.status.code(), Some(1));
}
