//! `nomad job run` prints the register response's Warnings under `Job
//! Warnings:` before the monitor (command/job_run.go, v0.9.3-v2.0.5): the
//! same admission warnings a plan prints (one list), then from 1.6.0 the
//! submission controller's for a source over the servers'
//! `job_max_source_size` (nomad/job_endpoint_hooks.go submissionController;
//! the agent's default `1M` assumed; go-humanize's SI sizes).

use crate::common;

use common::TempDir;

const JOB: &str = "job \"NAME\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n      resources {\n        cpu        = 100\n        memory     = 64\n        memory_max = 128\n      }\n    }\n  }\n}\n";

const OVERSUB: &str = "* Memory oversubscription is not enabled; Task \\\"g.t\\\" memory_max value will be ignored. Update the Scheduler Configuration to allow oversubscription.";

fn project(tag: &str, version: &str, big_expect: &str) -> TempDir {
    let d = TempDir::new(&format!("run-warnings-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nclient \"c\" {{\n  count      = 3\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"),
    );
    d.put("jobs/j.nomad", &JOB.replace("NAME", "j"));
    // 1,200,000 bytes and more: over the default maximum of 1,000,000.
    let big = format!("{}#{}\n", JOB.replace("NAME", "big"), "x".repeat(1_200_000));
    d.put("jobs/big.nomad", &big);
    d.put(
        "rehearsals/demo.hcl",
        &format!("rehearsal \"w\" {{\n  description = \"warnings\"\n}}\nstep \"run\" {{\n  command = \"nomad job run jobs/j.nomad\"\n  expect {{\n    output_contains = \"Job Warnings:\\n1 warning(s):\\n\\n{OVERSUB}\\n\\n==> Monitoring evaluation\"\n  }}\n}}\nstep \"big\" {{\n  command = \"nomad job run jobs/big.nomad\"\n  expect {{\n    output_contains = \"{big_expect}\"\n  }}\n}}\n"),
    );
    d
}

fn rehearse(d: &TempDir) -> (Option<i32>, String) {
    let o = d.run(&["rehearse", "--samples", "0", "rehearsals/demo.hcl"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

#[test]
fn a_run_prints_the_plans_warnings_and_from_1_6_the_source_size_one() {
    let big = format!("2 warning(s):\\n\\n{OVERSUB}\\n* job source size of 1.2 MB exceeds maximum of 1.0 MB and will be discarded\\n\\n==> Monitoring");
    let (code, text) = rehearse(&project("1.6", "1.6.0", &big));
    assert_eq!(code, Some(0), "{text}");
    // Before 1.6 no submission controller: the plan's one warning.
    let big = format!("Job Warnings:\\n1 warning(s):\\n\\n{OVERSUB}\\n\\n==> Monitoring");
    let (code, text) = rehearse(&project("1.5", "1.5.6", &big));
    assert_eq!(code, Some(0), "{text}");
}
