//! Keys the api structs hold but no job file may write (redteam13 R13-1):
//! a job's `vault_namespace` and `consul_namespace` (api/jobs.go
//! @v1.0.0–v2.0.5 tag them `mapstructure` only, "set by server"), a job
//! `consul` block (api.Job has no Consul; jobspec2's decodeJob lifts only
//! `vault`, `secret` and `task`) and a task's `max_run_duration` (only
//! api.TaskGroup has it, 2.0.3+). gohcl's schema skips a field without an
//! `hcl` tag, so from 1.0 each is hclsyntax's "Unsupported argument" or
//! "Unsupported block type" at its name: `job validate` exits 1 and `job
//! plan` 255, never a plan. Before 1.0 HCL1's valid-key lists lack them
//! (jobspec/parse_job.go, parse_task.go), which the guards hold.

use crate::common::TempDir;

/// `validate`, `plan` and `check` of `text` at `v` in a fresh folder:
/// each exit code and stderr without `note:` lines.
fn runs(tag: &str, text: &str, v: &str) -> Vec<(String, i32, String)> {
    let d = TempDir::new(tag);
    d.put("j.nomad", text);
    ["validate", "plan", "check"]
        .iter()
        .map(|cmd| {
            let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
            let stream = if *cmd == "check" {
                &o.stdout
            } else {
                &o.stderr
            };
            let text: String = String::from_utf8_lossy(stream)
                .lines()
                .filter(|l| !l.starts_with("note: "))
                .map(|l| format!("{l}\n"))
                .collect();
            (cmd.to_string(), o.status.code().expect("exit code"), text)
        })
        .collect()
}

/// Nomad's refusal at `v` of `text`: `validate` 1 and `plan` 255 with
/// `line` (the parser's diagnostic) under jobspec2's prefix, `check` an
/// error at the same place.
fn assert_refused(tag: &str, text: &str, v: &str, line: &str, at: &str) {
    let want =
        format!("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:{line}\n");
    for (cmd, code, out) in runs(tag, text, v) {
        match cmd.as_str() {
            "validate" | "plan" => {
                assert_eq!(
                    code,
                    if cmd == "plan" { 255 } else { 1 },
                    "{v} {cmd}\n{out}"
                );
                assert!(out.starts_with(&want), "{v} {cmd}\n{out}");
            }
            _ => {
                assert_eq!(code, 1, "{v} check\n{out}");
                let (_, summary) = line.split_once(": ").expect("located line");
                let want = format!("j.nomad:{at}: jobspec::unknown-key [error] {summary}\n");
                assert!(out.starts_with(&want), "{v} check\n{out}");
            }
        }
    }
}

fn job(job_lines: &str, task_lines: &str) -> String {
    format!("job \"a\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n{job_lines}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n{task_lines}      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n")
}

const RELEASES: [&str; 3] = ["1.0.0", "1.9.7", "2.0.5"];

#[test]
fn a_job_vault_namespace_is_an_unsupported_argument() {
    let text = job("  vault_namespace = \"x\"\n", "");
    for v in RELEASES {
        assert_refused(
            "r13-vns",
            &text,
            v,
            "4,3-18: Unsupported argument; An argument named \"vault_namespace\" is not expected here.",
            "4:3",
        );
    }
}

#[test]
fn a_job_consul_namespace_is_an_unsupported_argument() {
    let text = job("  consul_namespace = \"x\"\n", "");
    for v in RELEASES {
        assert_refused(
            "r13-cns",
            &text,
            v,
            "4,3-19: Unsupported argument; An argument named \"consul_namespace\" is not expected here.",
            "4:3",
        );
    }
}

#[test]
fn a_job_consul_block_is_an_unsupported_block_type() {
    let text = job("  consul {\n    namespace = \"x\"\n  }\n", "");
    for v in RELEASES {
        assert_refused(
            "r13-cblock",
            &text,
            v,
            "4,3-9: Unsupported block type; Blocks of type \"consul\" are not expected here.",
            "4:3",
        );
    }
}

/// Only a group takes `max_run_duration` (2.0.3+): a task's is refused at
/// every release, also where the group's is known.
#[test]
fn a_task_max_run_duration_is_an_unsupported_argument() {
    let text = job("", "      max_run_duration = \"1h\"\n");
    for v in RELEASES {
        assert_refused(
            "r13-mrd",
            &text,
            v,
            "7,7-23: Unsupported argument; An argument named \"max_run_duration\" is not expected here.",
            "7:7",
        );
    }
}

/// Guard: HCL1 (before 1.0) refused all four already, in its own words.
#[test]
fn hcl1_releases_refuse_them_in_their_words() {
    let cases = [
        (
            job("  vault_namespace = \"x\"\n", ""),
            "job: invalid key: vault_namespace",
        ),
        (
            job("  consul_namespace = \"x\"\n", ""),
            "job: invalid key: consul_namespace",
        ),
        (
            job("  consul {\n    namespace = \"x\"\n  }\n", ""),
            "job: invalid key: consul",
        ),
        (
            job("", "      max_run_duration = \"1h\"\n"),
            "group: 'g', task: 't', invalid key: max_run_duration",
        ),
    ];
    for v in ["0.9.3", "0.12.12"] {
        for (text, key) in &cases {
            // go-multierror's list and hcl1's task prefix before 0.10
            // (hcl1_key_errors.rs).
            let want = if v == "0.9.3" {
                let key = key.replace("'t', invalid", "'t' -> invalid");
                format!("Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': 1 error(s) occurred:\n\n* {key}\n")
            } else {
                format!("Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': 1 error occurred:\n\t* {key}\n")
            };
            for (cmd, code, out) in runs("r13-hcl1", text, v) {
                if cmd == "check" {
                    assert_eq!(code, 1, "{v} {key} check\n{out}");
                    continue;
                }
                assert_eq!(
                    code,
                    if cmd == "plan" { 255 } else { 1 },
                    "{v} {cmd}\n{out}"
                );
                assert!(out.starts_with(&want), "{v} {cmd}\n{out}");
            }
        }
    }
}

/// The pre-commit gate: a staged job file writing `vault_namespace` is
/// invalid, "cannot pass" (exit 255), where it planned and passed.
#[test]
fn the_staged_gate_counts_the_file_invalid() {
    let d = TempDir::new("r13-gate");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.9.7\"\nregion = \"global\"\n\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n",
    );
    crate::common::git(&d.0, &["init", "-q"]);
    crate::common::git(&d.0, &["add", "-A"]);
    crate::common::git(&d.0, &["commit", "-qm", "world"]);
    d.put("jobs/web.nomad", &job("  vault_namespace = \"x\"\n", ""));
    crate::common::git(&d.0, &["add", "jobs/web.nomad"]);
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let out = crate::common::output_text(&o);
    assert_eq!(o.status.code(), Some(255), "{out}");
    assert!(
        out.contains("0 change allocations, 0 do not, 1 invalid"),
        "{out}"
    );
    assert!(
        out.contains(
            "Unsupported argument; An argument named \"vault_namespace\" is not expected here."
        ),
        "{out}"
    );
}
