//! The constraints `jobImpliedConstraints` (nomad/job_endpoint_hooks.go)
//! adds for NUMA (1.7), task schedules (1.8) and secrets providers (1.11),
//! and the Consul service constraint's place in 1.7.x against 1.8, as
//! `nomad job plan -verbose` shows them and as placement filters on them.

use crate::common;

use common::{run_in as run, TempDir};

/// A one-client world of `version` and `job` as jobs/j.nomad, whose
/// servers run Nomad Enterprise (the community edition refuses NUMA and
/// task schedules at admission: planner/admission_edition.rs).
fn project(tag: &str, version: &str, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("implied-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"enterprise\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n}}\n"
        ),
    );
    dir.put("jobs/j.nomad", job);
    dir
}

fn job(group_extra: &str, task_extra: &str, resources_extra: &str) -> String {
    format!(
        r#"job "j" {{
  datacenters = ["dc1"]
  group "g" {{
{group_extra}
    task "t" {{
      driver = "docker"
      config {{
        image = "busybox:1.36"
      }}
{task_extra}
      resources {{
        cpu    = 100
        memory = 64
{resources_extra}
      }}
    }}
  }}
}}
"#
    )
}

/// `+ Constraint { ... }` as the verbose diff prints one added to a group.
fn group_constraint(l: &str, op: &str, r: &str) -> String {
    format!(
        "  + Constraint {{\n    + LTarget: \"{l}\"\n    + Operand: \"{op}\"\n    + RTarget: \"{r}\"\n    }}\n"
    )
}

fn verbose(dir: &TempDir) -> common::Out {
    run(&dir.0, &["plan", "--verbose", "--no-color", "jobs/j.nomad"])
}

#[test]
fn numa_adds_the_version_and_kernel_constraints_from_1_7() {
    let numa = "        numa {\n          affinity = \"require\"\n        }\n";
    let dir = project("numa-17", "1.7.0", &job("", "", numa));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let version = group_constraint("${attr.nomad.version}", "semver", ">= 1.6.3-dev");
    let kernel = group_constraint("${attr.kernel.name}", "=", "linux");
    let v = o
        .stdout
        .find(&version)
        .unwrap_or_else(|| panic!("{}", o.stdout));
    let k = o
        .stdout
        .find(&kernel)
        .unwrap_or_else(|| panic!("{}", o.stdout));
    // The mutator appends the version constraint, then the kernel one
    // (job_endpoint_hooks.go@v1.7.0); each is `ObjectDiff.Less` than the
    // other (LTarget one way, RTarget the other), so Nomad's insertion sort
    // reverses the group map's order, the file's 7 times in 8: the kernel
    // constraint prints first, and the plan says the order is random
    // (redteam7 D2).
    assert!(k < v, "{}", o.stdout);
    assert!(
        o.stderr.contains("note: group \"g\": the order of its 2 Constraint diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them (\"${attr.kernel.name}\", \"${attr.nomad.version}\" 87.5%; \"${attr.nomad.version}\", \"${attr.kernel.name}\" 12.5%); the plan shows the likeliest"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.contains("- All tasks successfully allocated."));
    // `affinity = "none"` requests nothing: no constraint.
    let none = "        numa {\n          affinity = \"none\"\n        }\n";
    let dir = project("numa-none", "1.7.0", &job("", "", none));
    let o = verbose(&dir);
    assert!(!o.stdout.contains("1.6.3-dev"), "{}", o.stdout);
}

#[test]
fn a_task_schedule_adds_the_version_constraint_from_1_8() {
    let schedule = "      schedule {\n        cron {\n          start    = \"0 8 * * mon-fri\"\n          end      = \"0 16\"\n          timezone = \"UTC\"\n        }\n      }\n";
    let dir = project("sched-18", "1.8.0", &job("", schedule, ""));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(&group_constraint(
            "${attr.nomad.version}",
            "semver",
            ">= 1.8.0-dev"
        )),
        "{}",
        o.stdout
    );
}

#[test]
fn secrets_providers_constrain_every_group_from_1_11() {
    let secret = |p: &str| {
        format!("      secret \"db\" {{\n        provider = \"{p}\"\n        path     = \"secret/db\"\n      }}\n")
    };
    // A built-in provider: the clients fingerprint it, the job places.
    // (nomad, not vault: a vault secret needs the task's vault block.)
    let dir = project("secret-nomad", "1.11.0", &job("", &secret("nomad"), ""));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        // An empty RTarget is no added field: the verbose diff shows it bare.
        o.stdout.contains(
            "  + Constraint {\n    + LTarget: \"${attr.plugins.secrets.nomad.version}\"\n    + Operand: \"is_set\"\n      RTarget: \"\"\n    }\n"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("- All tasks successfully allocated."));
    // A plugin no client runs filters every node on the implied constraint.
    let dir = project("secret-custom", "1.11.0", &job("", &secret("custom"), ""));
    let o = verbose(&dir);
    assert!(
        o.stdout
            .contains("* Constraint \"${attr.plugins.secrets.custom.version} is_set \": 1 nodes excluded by filter"),
        "{}",
        o.stdout
    );
    // Every group gets every group's providers (the hook ranges over the
    // whole job's map): a second group without secrets is constrained too.
    let two = job("", &secret("nomad"), "").replace(
        "  group \"g\" {",
        "  group \"plain\" {\n    task \"p\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n    }\n  }\n  group \"g\" {",
    );
    let dir = project("secret-two", "1.11.0", &two);
    let o = verbose(&dir);
    let plain = &o.stdout[o
        .stdout
        .find("+ Task Group: \"plain\"")
        .unwrap_or_else(|| panic!("{}", o.stdout))..];
    assert!(
        plain.contains("${attr.plugins.secrets.nomad.version}"),
        "{}",
        o.stdout
    );
    // Before 1.11 nothing is added.
    let dir = project("secret-110", "1.10.0", &job("", "", ""));
    assert!(!verbose(&dir).stdout.contains("plugins.secrets"));
}

/// 1.7.x walks the task services inside its loop over the group's
/// services, adding the Consul constraint to the group; 1.8 adds it to the
/// task. A group without services of its own gets none in 1.7.
#[test]
fn consul_task_services_in_1_7_and_1_8() {
    let svc = "      service {\n        name = \"t\"\n      }\n";
    let consul = "+ LTarget: \"${attr.consul.version}\"";
    let dir = project("consul-17", "1.7.0", &job("", svc, ""));
    let o = verbose(&dir);
    assert!(!o.stdout.contains(consul), "{}", o.stdout);
    // Both services use Consul: TaskGroup.validateServices refuses a group
    // mixing providers (1.3+: "Multiple service providers used").
    let group_svc = "    service {\n      name = \"g\"\n    }\n";
    let dir = project("consul-17-group", "1.7.0", &job(group_svc, svc, ""));
    let o = verbose(&dir);
    let group = &o.stdout[..o.stdout.find("  + Task: \"t\"").unwrap_or(o.stdout.len())];
    assert!(group.contains(consul), "{}", o.stdout);
    let dir = project("consul-18", "1.8.0", &job("", svc, ""));
    let o = verbose(&dir);
    let task = &o.stdout[o
        .stdout
        .find("  + Task: \"t\"")
        .unwrap_or_else(|| panic!("{}", o.stdout))..];
    assert!(task.contains(consul), "{}", o.stdout);
}
