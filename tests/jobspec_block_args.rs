//! Blocks written as arguments (`resources = { ... }`), through `validate`
//! as a user runs it. From 1.0 the CLI's parser (jobspec2, gohcl) refuses
//! an argument named as a block of the api struct with hclsyntax's
//! "Unsupported argument" (hcl/v2 hclsyntax/structure.go Body.Content): the
//! suggestion is the first schema argument within Levenshtein distance 2,
//! else the block of that name. `meta` (job, group, task) and a task's
//! `env` are read as arguments first (jobspec2 decodeAsAttribute).

use crate::common;

use common::TempDir;

const TASK: &str = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n";

/// A job whose task ends with `task_extra`, in group `g` after
/// `group_extra`, after `job_extra`.
fn job(job_extra: &str, group_extra: &str, task_extra: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_extra}  group \"g\" {{\n{group_extra}{TASK}{task_extra}    }}\n  }}\n}}\n")
}

/// `validate --nomad-version V j.nomad`: exit code and stderr, without the
/// note naming the demo world that judges (no world in the temp dir).
fn validate(name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("block-args-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

fn parse_error(line: &str) -> String {
    format!("Error getting job struct: Error parsing job file from j.nomad:\n{line}\n")
}

/// A task's `resources` (api.Task `hcl:"resources,block"`; no task
/// argument is within distance 2 of "resources"): refused from 1.0 at the
/// argument's name, with our located diagnostic after Nomad's text.
#[test]
fn resources_as_an_argument_is_refused_from_1_0() {
    let text = job("", "", "      resources = {\n        cpu = 100\n      }\n");
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = validate("resources", &text, v);
        assert_eq!(code, 1, "{v}: {err}");
        let nomad = parse_error("j.nomad:9,7-16: Unsupported argument; An argument named \"resources\" is not expected here. Did you mean to define a block of type \"resources\"?");
        assert!(err.starts_with(&nomad), "{v}: {err}");
        assert!(err.contains("j.nomad:9:7"), "{v}: located: {err}");
        assert!(err.contains("a block written as an argument"), "{v}: {err}");
    }
}

/// A job's `ui = { ... }`: "ui" is within distance 2 of the argument
/// "id", the first such in api.Job's sorted arguments, so HCL suggests it
/// rather than the block.
#[test]
fn the_suggestion_is_hcls_nearest_argument_first() {
    let text = job("  ui = {\n    description = \"x\"\n  }\n", "", "");
    let (code, err) = validate("ui", &text, "2.0.5");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&parse_error("j.nomad:3,3-5: Unsupported argument; An argument named \"ui\" is not expected here. Did you mean \"id\"?")),
        "{err}"
    );
}

/// A group's `vault` is taken out by jobspec2 before gohcl decodes the
/// group (decodeTaskGroup's tgExtra, a PartialContent): the remaining
/// dynblock body hides it, and dynblock's extendSchema passes hidden blocks
/// on with gohcl's schema, so hclsyntax suggests the block (checked with
/// hclsyntax and dynblock at v2.20.2-nomad-1).
#[test]
fn a_jobspec2_extra_block_gets_the_block_suggestion() {
    let text = job("", "    vault = {\n      policies = [\"p\"]\n    }\n", "");
    let (code, err) = validate("vault", &text, "2.0.5");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&parse_error(
            "j.nomad:4,5-10: Unsupported argument; An argument named \"vault\" is not expected here. Did you mean to define a block of type \"vault\"?"
        )),
        "{err}"
    );
}

/// `meta` of a job, group and task and a task's `env` may be arguments
/// (decodeAsAttribute); a service's `meta` may not.
#[test]
fn meta_and_env_may_be_arguments_a_services_meta_may_not() {
    let ok = job(
        "  meta = {\n    a = \"1\"\n  }\n",
        "    meta = {\n      b = \"2\"\n    }\n",
        "      meta = {\n        c = \"3\"\n      }\n      env = {\n        D = \"4\"\n      }\n",
    );
    let (code, err) = validate("meta-ok", &ok, "2.0.5");
    assert_eq!(code, 0, "{err}");
    let service = job(
        "",
        "",
        "      service {\n        name = \"s\"\n        meta = {\n          a = \"1\"\n        }\n      }\n",
    );
    let (code, err) = validate("service-meta", &service, "2.0.5");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&parse_error("j.nomad:11,9-13: Unsupported argument; An argument named \"meta\" is not expected here. Did you mean to define a block of type \"meta\"?")),
        "{err}"
    );
}

/// A block the release lacks, written as an argument: that release's
/// schema has no such block, so HCL suggests none (a task's `schedule`
/// came in 1.8.0; no task argument is within distance 2 of it).
#[test]
fn a_block_the_release_lacks_gets_no_block_suggestion() {
    let text = job(
        "",
        "",
        "      schedule = {\n        cron = {\n          start = \"0 12 * * * *\"\n        }\n      }\n",
    );
    let (code, err) = validate("schedule", &text, "1.7.0");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&parse_error(
            "j.nomad:9,7-15: Unsupported argument; An argument named \"schedule\" is not expected here."
        )),
        "{err}"
    );
    let (code, err) = validate("schedule", &text, "1.8.0");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&parse_error("j.nomad:9,7-15: Unsupported argument; An argument named \"schedule\" is not expected here. Did you mean to define a block of type \"schedule\"?")),
        "{err}"
    );
}
