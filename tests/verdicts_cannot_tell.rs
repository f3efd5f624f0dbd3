//! Issue 13, "the three commands never disagree", for "cannot tell": on
//! the same file and world, where `plan` says it cannot tell (exit 255)
//! `check` says so too (exit 2, `"cannot_tell": true` in JSON), never a
//! clean pass (the worst answer a gate can give) nor a definite refusal;
//! `validate` says what Nomad's validate says (exit 255 where it cannot
//! tell either). One fixture per cause that `check` got wrong: causes the
//! planner finds during scheduling (a system group's canaries from 1.11,
//! preemption before 0.12 under an unstated edition) or in a count past
//! what the simulation holds, which no rule reported (NP225 now), and the
//! job-file diagnostics that leave Nomad's answer unknown (an inexact
//! number, a file read outside the project, an evaluation past its
//! budget), which `check` took for a definite refusal (exit 1).
//!
//! `NOMAD_PREFLIGHT_BIN` runs the same cases against another build (the
//! baseline, to see them fail there).

use crate::common;

use common::TempDir;

fn bin() -> std::path::PathBuf {
    std::env::var_os("NOMAD_PREFLIGHT_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(common::bin)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(d: &TempDir, args: &[&str]) -> Run {
    let o = std::process::Command::new(bin())
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("VAULT_TOKEN")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .output()
        .expect("the binary runs");
    Run {
        code: o.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `validate`, `check` and `plan` of `file` in `d` (each given `extra`
/// first) exit `(validate, 2, 255)`: `plan` says its one "cannot tell"
/// line, and `check` marks a finding of `code` "cannot tell" in JSON.
fn assert_agree(d: &TempDir, extra: &[&str], file: &str, validate: i32, code: &str) {
    let with = |cmd: &'static str, more: &[&'static str]| -> Vec<&str> {
        let mut a = vec![cmd];
        a.extend_from_slice(extra);
        a.extend_from_slice(more);
        a.push(file);
        a
    };
    let what = format!("{file} {code}");
    let v = run(d, &with("validate", &[]));
    assert_eq!(
        v.code, validate,
        "{what}: validate\n{}{}",
        v.stdout, v.stderr
    );
    let p = run(d, &with("plan", &[]));
    assert_eq!(p.code, 255, "{what}: plan\n{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr.contains("cannot tell") && !p.stdout.contains("successfully allocated"),
        "{what}: plan\n{}{}",
        p.stdout,
        p.stderr
    );
    let c = run(d, &with("check", &[]));
    assert_eq!(c.code, 2, "{what}: check\n{}{}", c.stdout, c.stderr);
    // One line names the codes that cannot tell (`code` among them).
    let line = c
        .stderr
        .lines()
        .find(|l| l.starts_with("error: cannot tell: "))
        .unwrap_or_default();
    assert!(
        line.contains(&format!("({code}")) || line.contains(&format!(" {code}")),
        "{what}: check\n{}{}",
        c.stdout,
        c.stderr
    );
    let c = run(d, &with("check", &["--format", "json"]));
    assert_eq!(c.code, 2, "{what}: check json\n{}{}", c.stdout, c.stderr);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("check JSON");
    let marked: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .collect();
    assert!(!marked.is_empty(), "{what}: {doc}");
    assert!(
        marked.iter().all(|f| f["cannot_tell"] == true),
        "{what}: {doc}"
    );
    // No definite error beside it: `plan` says nothing but "cannot tell".
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["severity"] != "error" || f["cannot_tell"] == true),
        "{what}: {doc}"
    );
}

/// A job of one group with `meta` (HCL) at the job's top and `count`.
fn job(meta: &str, count: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n{meta}\n  group \"g\" {{\n    count = {count}\n\n    task \"t\" {{\n      driver = \"docker\"\n\n      config {{\n        image = \"nginx:1.25.3\"\n      }}\n\n      resources {{\n        cpu    = 10\n        memory = 16\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// One client in dc1 under Nomad `version`, its namespaces listed, and
/// `text` as jobs/web.nomad.
fn one_client(tag: &str, version: &str, text: &str) -> TempDir {
    let d = TempDir::new(&format!("agree-untold-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nregion = \"global\"\n\nclient \"web\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\n"),
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put("jobs/web.nomad", text);
    d
}

/// `CannotKnow::SystemCanary`: the demo's system job sockshopui, running
/// as shipped, updated destructively with `canary = 50`, under 2.0.5.
#[test]
fn a_canarying_system_update_cannot_tell_in_all_three() {
    let d = TempDir::demo("agree-untold-syscanary");
    let old = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).expect("demo job");
    let new = old
        .replace(
            "max_parallel = 1\n",
            "max_parallel = 1\n    canary       = 50\n",
        )
        .replace("master-ac9ca707", "master-bbbbbbb");
    assert_ne!(old, new, "the demo job changed");
    // The running version is the committed one (the before of a running
    // job's file in a repository); the edit is in the working tree. A copy
    // of it elsewhere would be a second file defining the job
    // (NP229 `defined-twice`).
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d.put("jobs/sockshopui.nomad", &new);
    let v = ["--nomad-version", "2.0.5"];
    assert_agree(&d, &v, "jobs/sockshopui.nomad", 0, "NP225");
}

/// `CannotKnow::PreemptionEdition`: before 0.12 only Enterprise preempts
/// for service jobs, and the world does not state the edition.
#[test]
fn preemption_under_an_unstated_edition_cannot_tell_in_all_three() {
    let d = TempDir::new("agree-untold-preempt");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"0.11.8\"\nregion = \"global\"\nscheduler {\n  preemption {\n    service = true\n  }\n}\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 50000\n  drivers    = [\"docker\"]\n}\nrunning = [\"jobs/low.nomad\"]\n",
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    let job = |name: &str, priority: u32, memory: u32| {
        format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority    = {priority}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25.3\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
    };
    d.put("jobs/low.nomad", &job("low", 20, 3500));
    d.put("svc.nomad", &job("svc", 60, 1100));
    assert_agree(&d, &[], "svc.nomad", 0, "NP225");
}

/// `CannotKnow::Count`: a count past 32 bits before 1.11 (no
/// `job_max_count`): `check` said NP207 with the clamped count's failures.
#[test]
fn a_count_past_the_simulation_cannot_tell_in_all_three() {
    let d = one_client("count", "1.10.5", &job("", "5000000000"));
    assert_agree(&d, &[], "jobs/web.nomad", 0, "NP225");
}

/// The front end's "cannot tell": Nomad's answer to the file is not known
/// here, so `validate` and `plan` exit 255 with one line.
#[test]
fn a_front_end_cannot_tell_is_cannot_tell_in_all_three() {
    for (tag, meta, code) in [
        (
            "number",
            "  meta {\n    x = 0.1 + 0.2\n  }\n",
            "jobspec::number-cannot-tell",
        ),
        (
            "nfc",
            "  meta {\n    x = \"\u{11382}\u{113C9}\"\n  }\n",
            "jobspec::nfc-cannot-tell",
        ),
        (
            "outside",
            "  meta {\n    x = file(\"/etc/hostname\")\n  }\n",
            "jobspec::file-access",
        ),
        (
            "budget",
            "  meta {\n    x = jsonencode([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]])\n  }\n",
            "jobspec::budget",
        ),
    ] {
        let d = one_client(tag, "1.10.5", &job(meta, "1"));
        assert_agree(&d, &[], "jobs/web.nomad", 255, code);
    }
}

/// `explain` of a front-end code that cannot tell says what `check` does.
#[test]
fn explain_says_a_front_end_code_cannot_tell() {
    let d = TempDir::new("agree-untold-explain");
    let o = run(&d, &["explain", "jobspec::budget"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("Cannot tell: Nomad's answer to such a file is not known here; `plan` and `validate` exit 255 with one line, and `check` exits 2 for it"),
        "{}",
        o.stdout
    );
    let o = run(&d, &["explain", "NP225"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("Cannot tell: every finding"),
        "{}",
        o.stdout
    );
}
