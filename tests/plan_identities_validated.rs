//! What `jobImplicitIdentitiesHook` (1.7+) adds is validated: Nomad runs
//! every admission validator after every mutator (nomad/job_endpoint.go
//! `admissionControllers`, the same order in every release from 1.7.0 to
//! 2.0.5: the Connect hook, expose-check, implied constraints, node pool,
//! then implicit identities), and `jobValidate` runs `Job.Validate` on the
//! mutated job. So an identity the servers' agent config gives a service or
//! a task refuses the job when it fails `Service.validateIdentity` or
//! `WorkloadIdentity.Validate`, and a service identity is named for the
//! service's name after the Connect hook interpolated it.

use crate::common;

use common::{run_in as run, TempDir};

fn project(tag: &str, version: &str, server: &str, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("identities-validated-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\", \"exec\", \"java\"]\n}}\n"
        ),
    );
    dir.put("jobs/j.nomad", job);
    dir
}

/// A job with `group` and `task` inside its group and its task.
fn job(group: &str, task: &str) -> String {
    format!(
        r#"job "j" {{
  datacenters = ["dc1"]
  group "g" {{
    network {{
      mode = "bridge"
      port "http" {{}}
    }}
{group}
    task "t" {{
      driver = "docker"
      config {{
        image = "busybox:1.36"
      }}
{task}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

const SERVICE: &str = "    service {\n      name = \"api\"\n      port = \"http\"\n    }\n";

/// The servers' `consul.service_identity` without `aud`.
const NO_AUD: &str =
    "server {\n  consul {\n    service_identity {\n      ttl = \"1h\"\n    }\n  }\n}\n";

/// Job.Validate's nesting for the group's first service (structs.go
/// `Task group %s validation failed`, TaskGroup.validateServices' `Task
/// group service validation failed`, `Service[%d] %s validation failed`)
/// around services.go `Service.validateIdentity`'s text.
const NESTED: &str = "Task group g validation failed: 1 error occurred:\n\t* Task group service validation failed: 1 error occurred:\n\t* Service[0] api validation failed: 1 error occurred:\n\t* Service identity must provide at least one target aud value";

/// "mutate service to inject identity"
/// (job_endpoint_hook_implicit_identities_test.go
/// Test_jobImplicitIdentitiesHook_Mutate_consul_service) with a server
/// identity that names no audience: the injected identity fails
/// `Service identity must provide at least one target aud value`, so
/// `plan` fails as Nomad's (the 1.6+ API client trims the body) and
/// `validate` lists it; a service with its own identity does not take the
/// servers' and passes.
#[test]
fn an_injected_service_identity_without_aud_refuses_the_job() {
    for version in ["1.7.0", "1.8.0", "2.0.5"] {
        let dir = project("no-aud", version, NO_AUD, &job(SERVICE, ""));
        let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 255, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stderr,
            format!("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* {NESTED})\n"),
            "{version}"
        );
        assert_eq!(o.stdout, "", "{version}");
        let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.starts_with(&format!(
                "Job validation errors:\n1 error occurred:\n\t* {NESTED}\n"
            )),
            "{version}: {}",
            o.stderr
        );
        assert!(!o.stdout.contains("successful"), "{version}: {}", o.stdout);
        let own = SERVICE.replace(
            "    }\n",
            "      identity {\n        aud = [\"consul.io\"]\n        ttl = \"1h\"\n      }\n    }\n",
        );
        let dir = project("own-aud", version, NO_AUD, &job(&own, ""));
        let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("+ Job: \"j\""), "{version}: {}", o.stdout);
    }
}

/// `check` reports the refusal of the mutated job (NP214) where the file
/// alone validates.
#[test]
fn check_reports_the_mutated_jobs_refusal() {
    let dir = project("check", "1.8.0", NO_AUD, &job(SERVICE, ""));
    let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(all.contains("NP214"), "{all}");
    assert!(
        all.contains("Service identity must provide at least one target aud value"),
        "{all}"
    );
}

/// `WorkloadIdentity.Validate`'s `ttl must be >= 0` for the task identity
/// the servers' `consul.task_identity` gives a task with a `consul` block
/// (1.10's `handleConsulTask`; Test_jobImplicitIdentitiesHook_Mutate_consulTask
/// "consul block in task without identity block"), nested as Task.Validate
/// nests it: `Identity %q is invalid: ...` in `Task %s validation failed`.
#[test]
fn an_injected_task_identity_with_a_negative_ttl_refuses_the_job() {
    let server = "server {\n  consul {\n    task_identity {\n      aud = [\"consul.io\"]\n      ttl = \"-1h\"\n    }\n  }\n}\n";
    let dir = project("neg-ttl", "1.10.0", server, &job("", "      consul {}\n"));
    let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with(
            "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Task t validation failed: 1 error occurred:\n\t* Identity \"consul_default\" is invalid: 1 error occurred:\n\t* ttl must be >= 0"
        ),
        "{}",
        o.stderr
    );
    // Without the consul block no identity is added: nothing to refuse.
    let dir = project("neg-ttl-none", "1.10.0", server, &job("", ""));
    let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
}

/// The identities hook runs after the Connect hook, which interpolates a
/// sidecar service's name (TestJobEndpointConnect_ConnectInterpolation):
/// the service's identity is named (`MakeUniqueIdentityName`) and given
/// the service name as interpolated ("mutate identity name and service
/// name when custom identity is provided").
#[test]
fn a_connect_services_identity_follows_its_interpolated_name() {
    let service = "    service {\n      name = \"${NOMAD_JOB_NAME}-api\"\n      port = \"9090\"\n      identity {\n        aud = [\"consul.io\"]\n        ttl = \"1h\"\n      }\n      connect {\n        sidecar_service {}\n      }\n    }\n";
    let dir = project("interpolated", "1.8.0", "server {}\n", &job(service, ""));
    let o = run(&dir.0, &["plan", "--verbose", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let has = |name: &str, value: &str| {
        o.stdout.lines().any(|l| {
            l.trim_start()
                .strip_prefix(&format!("+ {name}:"))
                .is_some_and(|rest| rest.trim_start() == format!("\"{value}\""))
        })
    };
    assert!(has("Name", "consul-service_j-api-9090"), "{}", o.stdout);
    assert!(has("ServiceName", "j-api"), "{}", o.stdout);
    assert!(!o.stdout.contains("consul-service_${"), "{}", o.stdout);
}

/// `jobValidate.validateServiceIdentity` (nomad/job_endpoint_hooks.go,
/// 1.7+): the hook names only a Consul service's identity, so a Nomad
/// service's identity without a name is refused, after Job.Validate's
/// items; before 1.7 there is no such rule (nor service identities).
#[test]
fn a_nomad_services_unnamed_identity_is_refused() {
    let task = "      service {\n        name     = \"web\"\n        provider = \"nomad\"\n        port     = \"http\"\n        identity {\n          aud = [\"x\"]\n          ttl = \"1h\"\n        }\n      }\n";
    let dir = project("nomad-svc", "1.8.0", "server {}\n", &job("", task));
    let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stderr.lines().next(),
        Some("Error during plan: Unexpected response code: 500 (1 error occurred:"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("\t* Service web in task t has an identity with an empty name)"),
        "{}",
        o.stderr
    );
    let named = task.replace("aud = [\"x\"]", "name = \"web\"\n          aud = [\"x\"]");
    let dir = project("nomad-svc-named", "1.8.0", "server {}\n", &job("", &named));
    let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
}

/// jobValidate's one loop (nomad/job_endpoint_hooks.go `jobValidate.Validate`,
/// 1.7.0 to 2.0.5) appends, per task, its services' identity errors
/// (`validateServiceIdentity`) and then its Vault identity error
/// (`validateVaultIdentity`): with two tasks failing both, the errors
/// alternate task by task, never all service errors first.
#[test]
fn identity_errors_are_listed_task_by_task_as_jobvalidates_loop_meets_them() {
    let task = |n: &str| {
        format!(
            "    task \"{n}\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      service {{\n        name     = \"web-{n}\"\n        provider = \"nomad\"\n        port     = \"http\"\n        identity {{\n          aud = [\"x\"]\n          ttl = \"1h\"\n        }}\n      }}\n      vault {{\n        change_mode = \"restart\"\n      }}\n    }}\n"
        )
    };
    let job = format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      port \"http\" {{}}\n    }}\n{}{}  }}\n}}\n",
        task("a"),
        task("b")
    );
    let vault_on = "server {\n  vault {\n    enabled = true\n  }\n}\n";
    let dir = project("interleaved", "1.8.0", vault_on, &job);
    let o = run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (4 errors occurred:\n\t* Service web-a in task a has an identity with an empty name\n\t* Task a has a Vault block with an empty list of policies\n\t* Service web-b in task b has an identity with an empty name\n\t* Task b has a Vault block with an empty list of policies)\n"),
        "{}",
        o.stderr
    );
    // `nomad job validate` gets the same list from the Validate RPC.
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(
        all.contains("4 errors occurred:\n\t* Service web-a in task a has an identity with an empty name\n\t* Task a has a Vault block with an empty list of policies\n\t* Service web-b in task b has an identity with an empty name\n\t* Task b has a Vault block with an empty list of policies\n"),
        "{all}"
    );
}
