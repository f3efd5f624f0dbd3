//! `-var` reaches the committed versions `check --staged` and
//! `check --base REF --head REF` read from git (and the base versions the
//! change set loads to find stopped jobs), through the one job loader: the
//! variable's value decides the verdict, and the working tree (which gives
//! the variable a default) is never what is judged.

use crate::common;

use common::{git, TempDir};

/// A job whose count is a variable without a default. At 100 MHz a copy,
/// 40 copies ask 4,000 MHz of the demo's `default` quota, which allows
/// 3,000 MHz (rules/quotas/default.hcl); one copy fits.
const WEB: &str = r#"variable "n" {
  type = number
}

job "web" {
  datacenters = ["dc1"]
  group "web" {
    count = var.n
    task "web" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
"#;

/// The demo committed, with `jobs/web.nomad` (the text above) added to the
/// index or committed, and a working-tree copy that sets a default: a run
/// that read the working tree would never report the unset variable.
fn repo(name: &str, commit: bool) -> TempDir {
    let repo = TempDir::demo(name);
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "."]);
    git(&repo.0, &["commit", "-qm", "demo"]);
    std::fs::write(repo.0.join("jobs/web.nomad"), WEB).unwrap();
    git(&repo.0, &["add", "jobs/web.nomad"]);
    if commit {
        git(&repo.0, &["commit", "-qm", "web"]);
    }
    std::fs::write(
        repo.0.join("jobs/web.nomad"),
        WEB.replace("type = number", "type    = number\n  default = 1"),
    )
    .unwrap();
    repo
}

/// Run `check` with `mode` and `var`; the exit code and everything printed.
fn check(repo: &TempDir, mode: &[&str], var: Option<&str>) -> (Option<i32>, String) {
    // Variables exist from 1.0 (HCL2); the demo world runs 0.9.3.
    let mut args = vec![
        "check",
        "--output-format",
        "concise",
        "--nomad-version",
        "2.0.5",
    ];
    args.extend_from_slice(mode);
    if let Some(v) = var {
        args.extend_from_slice(&["-var", v]);
    }
    let out = repo.run(&args);
    (out.status.code(), common::output_text(&out))
}

fn the_value_decides(repo: &TempDir, mode: &[&str]) {
    let (code, s) = check(repo, mode, None);
    assert_eq!(code, Some(1), "{mode:?} without -var: {s}");
    assert!(
        s.contains("jobs/web.nomad:1:10: jobspec::missing-variable [error] <nil>: Unset variable \"n\"; A used variable must be set or have a default value; see https://developer.hashicorp.com/nomad/docs/reference/hcl2/variables  for details."),
        "{mode:?}: {s}"
    );

    let (code, s) = check(repo, mode, Some("n=1"));
    assert_eq!(code, Some(0), "{mode:?} -var n=1: {s}");
    assert!(s.contains("0 errors, 0 warnings"), "{mode:?}: {s}");

    let (code, s) = check(repo, mode, Some("n=40"));
    assert_eq!(code, Some(1), "{mode:?} -var n=40: {s}");
    assert!(
        s.contains("NP301 [error] job \"web\" alone exceeds quota \"default\" in region \"global\": cpu 4000 MHz > 3000 MHz"),
        "{mode:?}: {s}"
    );
}

#[test]
fn var_sets_the_staged_version() {
    let repo = repo("var-staged", false);
    the_value_decides(&repo, &["--staged"]);
}

#[test]
fn var_sets_the_committed_head_of_a_range() {
    let repo = repo("var-range", true);
    the_value_decides(&repo, &["--base", "HEAD~1", "--head", "HEAD"]);
}

/// The base side of a change set loads with the same variables: a file whose
/// base version needs `-var` and whose new version defines another job is a
/// stop of the old job only when the base version loads.
#[test]
fn var_sets_the_base_version_a_change_set_compares_with() {
    let repo = repo("var-base", true);
    std::fs::write(
        repo.0.join("jobs/web.nomad"),
        WEB.replace("job \"web\"", "job \"web2\"")
            .replace("type = number", "type    = number\n  default = 1"),
    )
    .unwrap();
    git(&repo.0, &["commit", "-qam", "web2"]);
    let plan = |var: &[&str]| {
        let mut args = vec![
            "plan",
            "--changed",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--nomad-version",
            "2.0.5",
        ];
        args.extend_from_slice(var);
        let out = repo.run(&args);
        (out.status.code(), common::output_text(&out))
    };
    let stop = "==> jobs/web.nomad (no longer defines this job)\n\
                job \"web\" (namespace \"default\") is not running at HEAD~1: nothing to stop";
    let (_, s) = plan(&[]);
    assert!(!s.contains(stop), "{s}");
    let (code, s) = plan(&["-var", "n=1"]);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains(stop), "{s}");
    assert!(s.contains("+ Job: \"web2\""), "{s}");
}
