//! The servers' warnings, as `nomad job plan` and `nomad job validate`
//! print them under `Job Warnings:` (command/job_plan.go,
//! command/job_validate.go): `Job.Warnings` (nomad/structs/structs.go,
//! each group's entry `Group %q has warnings: %v` of its multierror), then
//! from 1.1 the memory oversubscription validator's
//! (nomad/job_endpoint_hooks.go `memoryOversubscriptionValidate`), merged
//! by `MergeMultierrorWarnings` (`N warning(s):` and `\n* ` per entry).

use crate::common;

use common::{run_in as run, TempDir};

fn project(tag: &str, version: &str, scheduler: &str, group: &str, resources: &str) -> TempDir {
    project_task(tag, version, scheduler, group, "", resources)
}

/// As `project`, with `task` written in the task's body after its driver.
fn project_task(
    tag: &str,
    version: &str,
    scheduler: &str,
    group: &str,
    task: &str,
    resources: &str,
) -> TempDir {
    let dir = TempDir::new(&format!("warnings-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{scheduler}\nclient \"c\" {{\n  count      = 3\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"
        ),
    );
    dir.put(
        "jobs/j.nomad",
        &format!(
            "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"docker\"\n{task}      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n{resources}      }}\n    }}\n  }}\n}}\n"
        ),
    );
    dir
}

const UPDATE: &str = "    count = 3\n    update {\n      max_parallel = 5\n    }\n";
const MEMORY_MAX: &str = "        memory_max = 128\n";

const PARALLEL: &str = "Update max parallel count is greater than task group count (5 > 3). A destructive change would result in the simultaneous replacement of all allocations.";
const OVERSUB: &str = "Memory oversubscription is not enabled; Task \"g.t\" memory_max value will be ignored. Update the Scheduler Configuration to allow oversubscription.";

fn plan(dir: &TempDir) -> common::Out {
    run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"])
}

#[test]
fn the_plan_prints_the_servers_warnings_in_their_words() {
    let o = plan(&project("both", "1.6.0", "", UPDATE, MEMORY_MAX));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let expected = format!(
        "- All tasks successfully allocated.\n\nJob Warnings:\n2 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* {PARALLEL}\n\n\n* {OVERSUB}\n\nJob Modify Index: 0\n"
    );
    assert!(o.stdout.contains(&expected), "{}", o.stdout);
}

#[test]
fn validate_prints_the_same_warnings() {
    let dir = project("validate", "1.6.0", "", UPDATE, MEMORY_MAX);
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stdout,
        format!(
            "Job Warnings:\n2 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* {PARALLEL}\n\n\n* {OVERSUB}\n\nJob validation successful\n"
        )
    );
}

#[test]
fn each_warning_follows_its_release() {
    // Before 1.1 there is no oversubscription validator; before 0.10.4 the
    // multierror is go-multierror's older list.
    let o = plan(&project("old", "0.9.3", "", UPDATE, ""));
    assert!(
        o.stdout.contains(&format!(
            "Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 1 error(s) occurred:\n\n* {PARALLEL}\n\nJob Modify Index"
        )),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // From 1.4 a group of count 1 is not warned about max_parallel.
    let one = "    update {\n      max_parallel = 5\n    }\n";
    let o = plan(&project("one-14", "1.4.0", "", one, ""));
    assert!(!o.stdout.contains("Job Warnings"), "{}", o.stdout);
    let o = plan(&project("one-13", "1.3.0", "", one, ""));
    assert!(o.stdout.contains("(5 > 1)"), "{}{}", o.stdout, o.stderr);
    // Oversubscription enabled in the scheduler configuration: no warning.
    let on = "scheduler {\n  memory_oversubscription = true\n}\n";
    let o = plan(&project("oversub-on", "1.6.0", on, "", MEMORY_MAX));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Job Warnings"), "{}", o.stdout);
    let o = plan(&project("oversub-off", "1.6.0", "", "", MEMORY_MAX));
    assert!(o.stdout.contains(OVERSUB), "{}", o.stdout);
}

#[test]
fn the_json_plan_carries_the_warnings() {
    let dir = project("json", "1.6.0", "", "", MEMORY_MAX);
    let o = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(
        v["Warnings"],
        format!("1 warning(s):\n\n* {OVERSUB}"),
        "{}",
        o.stdout
    );
}

/// More of `Job.Warnings`, each from its release: group services without a
/// `shutdown_delay` (2.0.1's generateServiceShutdownDelayWarnings), a
/// `cron` spec (1.6.2), and a task's deprecated `iops`, whose entry nests
/// as `Task %q has warnings: %v` from 1.7 and as a prefixed list before.
#[test]
fn job_warnings_of_later_releases() {
    let service = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
    let o = plan(&project("shutdown", "2.0.5", "", service, ""));
    assert!(
        o.stdout.contains("Job Warnings:\n1 warning(s):\n\n* group \"g\" defines services, but neither the group nor any of its tasks have shutdown_delay set\n\nJob Modify Index"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = plan(&project("shutdown-200", "2.0.0", "", service, ""));
    assert!(!o.stdout.contains("Job Warnings"), "{}", o.stdout);
    let iops = "        iops = 5\n";
    let o = plan(&project("iops-16", "1.6.0", "", "", iops));
    assert!(
        o.stdout.contains("* Group \"g\" has warnings: 1 error occurred:\n\t* 1 error occurred:\n\t* Task \"t\": IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource block.\n\n\n\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = plan(&project("iops-17", "1.7.0", "", "", iops));
    assert!(
        o.stdout.contains("* Group \"g\" has warnings: 1 error occurred:\n\t* Task \"t\" has warnings: 1 error occurred:\n\t* IOPS has been deprecated"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn a_cron_spec_is_deprecated_from_1_6_2() {
    let dir = TempDir::new("warnings-cron");
    dir.put("rules/cluster.hcl", "nomad_version = \"1.6.2\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n");
    let job = |spec: &str| {
        format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type        = \"batch\"\n  periodic {{\n    {spec}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n    }}\n  }}\n}}\n")
    };
    dir.put("jobs/j.nomad", &job("cron = \"@daily\""));
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert!(
        o.stdout.starts_with("Job Warnings:\n1 warning(s):\n\n* cron is deprecated and may be removed in a future release. Use crons instead\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    dir.put("jobs/j.nomad", &job("crons = [\"@daily\"]"));
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.stdout, "Job validation successful\n", "{}", o.stderr);
}

/// A template's deprecated `vault_grace` (Template.Warnings, 0.11+): its
/// list is one nested element of the task's before 1.7 (`mErr.Errors =
/// append(...)`) and flattened into it from 1.7 (`multierror.Append`),
/// each entry prefixed `Template[i] `.
#[test]
fn a_templates_vault_grace_is_deprecated() {
    let tmpl = "      template {\n        data        = \"x\"\n        destination = \"local/x\"\n        vault_grace = \"5s\"\n      }\n";
    const GRACE: &str = "Template[0] VaultGrace has been deprecated as of Nomad 0.11 and ignored since Vault 0.5. Please remove VaultGrace / vault_grace from template block.";
    let o = plan(&project_task("grace-16", "1.6.0", "", "", tmpl, ""));
    assert!(
        o.stdout.contains(&format!("Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* 1 error occurred:\n\t* Task \"t\": 1 error occurred:\n\t* {GRACE}\n\n\n\n\n\n\n\nJob Modify Index")),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = plan(&project_task("grace-17", "1.7.0", "", "", tmpl, ""));
    assert!(
        o.stdout.contains(&format!("Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* Task \"t\" has warnings: 1 error occurred:\n\t* {GRACE}\n\n\n\n\n\nJob Modify Index")),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // 0.10 has no Template.Warnings (and defaults vault_grace to 15s).
    let o = plan(&project_task("grace-010", "0.10.5", "", "", tmpl, ""));
    assert!(
        !o.stdout.contains("Job Warnings"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// WorkloadIdentity.Warnings (1.7+, structs/workload_id.go): each
/// identity's list stays one nested element of its task's, prefixed
/// `Identity[NAME] `.
#[test]
fn identities_warn_from_1_7() {
    let id = "      identity {\n        name = \"foo\"\n        aud  = [\"a\", \"b\"]\n        env  = true\n      }\n";
    let o = plan(&project_task("identity-17", "1.7.0", "", "", id, ""));
    assert!(
        o.stdout.contains("Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* Task \"t\" has warnings: 1 error occurred:\n\t* 3 errors occurred:\n\t* Identity[foo] while multiple audiences is allowed, it is more secure to use 1 audience per identity\n\t* Identity[foo] identities without an expiration are insecure\n\t* Identity[foo] using env=true without change_mode=\"restart\" may result in task not getting updated identity\n\n\n\n\n\n\n\nJob Modify Index"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // The same identity, safely written, warns of nothing.
    let safe = "      identity {\n        name        = \"foo\"\n        aud         = [\"a\"]\n        ttl         = \"1h\"\n        env         = true\n        change_mode = \"restart\"\n      }\n";
    let o = plan(&project_task("identity-safe", "1.7.0", "", "", safe, ""));
    assert!(
        !o.stdout.contains("Job Warnings"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // `check` locates each one on the job file.
    let dir = project_task("identity-check", "1.7.0", "", "", id, "");
    let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
    assert!(
        o.stdout.contains("jobspec::identity")
            && o.stdout
                .contains("Identity[foo] identities without an expiration are insecure"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// jobValidate's Vault identity warnings (nomad/job_endpoint_hooks.go
/// `validateVaultIdentity`, 1.7+), after Job.Warnings.
#[test]
fn vault_identities_warn_from_1_7() {
    let servers = "server {\n  vault {\n    enabled = true\n  }\n}\n";
    let lone = "      identity {\n        name = \"vault_default\"\n        aud  = [\"vault.io\"]\n        ttl  = \"1h\"\n      }\n";
    let o = plan(&project_task(
        "vault-id-lone",
        "1.8.0",
        servers,
        "",
        lone,
        "",
    ));
    assert!(
        o.stdout.contains("Job Warnings:\n1 warning(s):\n\n* Task t has an identity called vault_default but no vault block\n\nJob Modify Index"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let with_policies = format!("{lone}      vault {{\n        policies = [\"p\"]\n      }}\n");
    let o = plan(&project_task(
        "vault-id-18",
        "1.8.0",
        servers,
        "",
        &with_policies,
        "",
    ));
    assert!(
        o.stdout.contains("* Task t has a Vault block with policies but uses workload identity to authenticate with Vault, policies will be ignored\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // 1.10 dropped the policies warning with the legacy flow.
    let o = plan(&project_task(
        "vault-id-110",
        "1.10.0",
        servers,
        "",
        &with_policies,
        "",
    ));
    assert!(
        !o.stdout.contains("Job Warnings"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// 1.8.0–1.9.x: TaskGroup.Warnings names the deprecated disconnect fields
/// the HTTP API still copies (structs.go@v1.8.0, "will be deprecated favor
/// of"); from 1.10 the API drops them before the servers see the job
/// (command/agent/job_endpoint.go ApiTgToStructsTG, v1.10.0–v2.0.5, copies
/// none of the three), so 1.10's "is deprecated and ignored in favor of"
/// texts (structs.go@v1.10.0 TaskGroup.Warnings) are never printed by
/// `nomad job plan`.
#[test]
fn the_old_disconnect_fields_warn_in_1_8_and_1_9() {
    let group = "    max_client_disconnect = \"1h\"\n    prevent_reschedule_on_lost = true\n";
    for v in ["1.8.0", "1.9.7"] {
        let o = plan(&project(&format!("mcd-{v}"), v, "", group, ""));
        let expected = "Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 2 errors occurred:\n\t* MaxClientDisconnect will be deprecated favor of Disconnect.LostAfter\n\t* PreventRescheduleOnLost will be deprecated favor of Disconnect.Replace\n\n\n\nJob Modify Index: 0\n";
        assert!(o.stdout.contains(expected), "{v}: {}{}", o.stdout, o.stderr);
    }
    for v in ["1.7.7", "1.10.0", "1.11.3", "2.0.5"] {
        let o = plan(&project(&format!("mcd-{v}"), v, "", group, ""));
        assert!(
            o.stdout.contains("Scheduler dry-run:"),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(!o.stdout.contains("Job Warnings:"), "{v}: {}", o.stdout);
    }
}
