//! A change-set gate run in a shell with `NOMAD_VAR_*` set (R20-A1).
//! Nomad's CLI evaluates a job file with the submitter's environment
//! (command/helpers.go v2.0.5:566-572 `Envs: os.Environ()`; jobspec2
//! types.variables.go v2.0.5:450-475 takes each `NOMAD_VAR_<name>` of a
//! declared variable), so `check --staged` and `plan --changed --gate`
//! judged the committer's shell, not the deploy: `NOMAD_VAR_id=zz` made a
//! copy of the protected sockshop a new job "zz" (exit 0), `NOMAD_VAR_n=1`
//! hid a count raised from 1. Which environment the deploy has is not the
//! gate's to guess: judged with and without the shell's values, a job
//! that differs is "cannot tell", an equal one a note.

use crate::common;
use crate::gate_defined_twice::{protected_repo, WORDS};

use common::{git, run_in_env, Out, TempDir};

const V: [&str; 2] = ["--nomad-version", "2.0.5"];

fn run(d: &TempDir, env: &[(&str, &str)], args: &[&str]) -> Out {
    let all: Vec<&str> = args.iter().chain(&V).copied().collect();
    run_in_env(&d.0, env, &all)
}

/// A new file copying the protected sockshop's group, whose `line` (in
/// the job block) reads the variable `var` declared with `default`.
fn copy(var: &str, default: &str, line: &str) -> String {
    format!(
        "variable \"{var}\" {{\n  default = \"{default}\"\n}}\njob \"zz\" {{\n  {line}\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// Both gates on the staged change under `env`: "cannot tell" at `file`
/// naming `var`, in the line, the JSON and the exit code; `words` is the
/// line's end.
fn both_cannot_tell(d: &TempDir, env: &[(&str, &str)], file: &str, var: &str, words: &str) {
    let line = format!(
        "{file}:1:1: changeset::cannot-tell [error] cannot tell what {file} submits: the shell's {var} sets a variable, and the deploy's environment is not known here; {words}"
    );
    let c = run(d, env, &["check", "--staged", "--output-format", "concise"]);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 2, "{s}");
    assert!(c.stdout.contains(&line), "{s}");
    let c = run(d, env, &["check", "--staged", "--format", "json"]);
    let v: serde_json::Value =
        serde_json::from_str(&c.stdout).unwrap_or_else(|e| panic!("{e}: {}", c.stdout));
    let f = &v["findings"][0];
    assert_eq!(f["code"], "changeset::cannot-tell", "{v:#}");
    assert_eq!(f["cannot_tell"], true, "{v:#}");
    assert_eq!(f["file"], file, "{v:#}");

    let p = run(
        d,
        env,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&p.stdout).unwrap_or_else(|e| panic!("{e}: {}", p.stdout));
    let e = &v["Plans"][0];
    assert_eq!(e["File"], file, "{v:#}");
    assert_eq!(e["CannotTell"], true, "{v:#}");
    assert!(e["Plan"].is_null(), "{v:#}");
    let said = e["Errors"][0].as_str().unwrap_or_default();
    assert!(said.contains(var) && said.ends_with(words), "{v:#}");
}

/// Without the shell's value the copy is refused as a second definition.
fn refused_without(d: &TempDir) {
    let c = run(d, &[], &["check", "--staged", "--output-format", "concise"]);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    assert!(
        c.stdout
            .contains(&format!("policy::defined-twice [error] {WORDS}")),
        "{s}"
    );
}

#[test]
fn a_copy_whose_id_the_shell_sets_cannot_tell() {
    let d = protected_repo("shell-var-id");
    d.put("jobs/zz.nomad", &copy("id", "sockshop", "id = var.id"));
    git(&d.0, &["add", "-A"]);
    refused_without(&d);
    let words = "with those values it defines job \"zz\" in namespace \"default\", without them job \"sockshop\" in namespace \"default\", so whether this change updates that job or adds another is unknown";
    both_cannot_tell(
        &d,
        &[("NOMAD_VAR_id", "zz")],
        "jobs/zz.nomad",
        "NOMAD_VAR_id",
        words,
    );
}

#[test]
fn a_copy_whose_namespace_the_shell_sets_cannot_tell() {
    let d = protected_repo("shell-var-ns");
    let job = copy("ns", "default", "namespace = var.ns").replace("job \"zz\"", "job \"sockshop\"");
    d.put("jobs/zz.nomad", &job);
    git(&d.0, &["add", "-A"]);
    refused_without(&d);
    let words = "with those values it defines job \"sockshop\" in namespace \"ops\", without them job \"sockshop\" in namespace \"default\", so whether this change updates that job or adds another is unknown";
    both_cannot_tell(
        &d,
        &[("NOMAD_VAR_ns", "ops")],
        "jobs/zz.nomad",
        "NOMAD_VAR_ns",
        words,
    );
}

/// The demo at 2.0.5 (HCL2 variables), carts' count read from `var.n`
/// (default 1) in the base; the change raises the default to `to`.
fn counted_repo(name: &str, to: &str) -> TempDir {
    let d = protected_repo(name);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster.hcl");
    d.put(
        "rules/cluster.hcl",
        &cluster.replacen("nomad_version = \"0.9.3\"", "nomad_version = \"2.0.5\"", 1),
    );
    let job = std::fs::read_to_string(d.0.join("jobs/sockshop.nomad")).expect("sockshop");
    let at = job.find("group \"carts\"").expect("carts");
    let count = at + job[at..].find("count = 1").expect("carts count");
    let with = |n: &str| {
        format!(
            "variable \"n\" {{\n  type    = number\n  default = {n}\n}}\n{}count = var.n{}",
            &job[..count],
            &job[count + "count = 1".len()..]
        )
    };
    d.put("jobs/sockshop.nomad", &with("1"));
    git(&d.0, &["commit", "-qam", "carts' count from a variable"]);
    d.put("jobs/sockshop.nomad", &with(to));
    git(&d.0, &["add", "-A"]);
    d
}

#[test]
fn a_raised_count_the_shell_sets_back_cannot_tell() {
    let d = counted_repo("shell-var-count", "12");
    let c = run_in_env(&d.0, &[], &["check", "--staged", "--format", "json"]);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    let words =
        "its job differs with and without those values, so the gate's verdict on it is unknown";
    both_cannot_tell(
        &d,
        &[("NOMAD_VAR_n", "1")],
        "jobs/sockshop.nomad",
        "NOMAD_VAR_n",
        words,
    );
}

/// Guard: a value equal to the default leaves the job as it is: the gate
/// judges as without it and says so in one line.
#[test]
fn a_shell_value_that_changes_nothing_is_noted() {
    let d = counted_repo("shell-var-same", "2");
    let env = [("NOMAD_VAR_n", "2"), ("NOMAD_VAR_unused", "x")];
    let note = "note: the shell's NOMAD_VAR_n sets a variable of jobs/sockshop.nomad; the job is the same with and without those values, so the verdict does not depend on them (the deploy's environment is not known here)";
    let c = run_in_env(
        &d.0,
        &env,
        &["check", "--staged", "--output-format", "concise"],
    );
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 0, "{s}");
    assert!(c.stderr.contains(note) && !s.contains("cannot-tell"), "{s}");
    let p = run_in_env(&d.0, &env, &["plan", "--changed", "--staged", "--gate"]);
    let s = format!("{}{}", p.stdout, p.stderr);
    assert_eq!(p.code, 0, "{s}");
    assert!(p.stderr.contains(note), "{s}");
}

/// A deleted file (no running one) whose old version names its ID by a
/// variable: with the shell's `NOMAD_VAR_id=sockshop` the change stopped
/// the protected sockshop (plan) and `check` said nothing; without it, a
/// job "extra" nobody runs. Which one the deploy stops is unknown.
#[test]
fn a_deleted_file_whose_id_the_shell_sets_cannot_tell_what_it_stops() {
    let d = protected_repo("shell-var-deleted");
    d.put("jobs/extra.nomad", &copy("id", "extra", "id = var.id"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "extra"]);
    git(&d.0, &["rm", "-q", "jobs/extra.nomad"]);
    let args = ["check", "--staged", "--output-format", "concise"];
    let c = run(&d, &[], &args);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let env = [("NOMAD_VAR_id", "sockshop")];
    let c = run(&d, &env, &args);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 2, "{s}");
    let line = "jobs/extra.nomad:1:1: changeset::cannot-tell [error] cannot tell which job jobs/extra.nomad defined at HEAD: the shell's NOMAD_VAR_id sets a variable, with those values it is job \"sockshop\" in namespace \"default\", without them job \"extra\" in namespace \"default\", so which job this change stops is unknown";
    assert!(c.stdout.contains(line), "{s}");
    let p = run(&d, &env, &["plan", "--changed", "--staged", "--gate"]);
    let s = format!("{}{}", p.stdout, p.stderr);
    assert_eq!(p.code, 255, "{s}");
    assert!(s.contains("1 cannot tell"), "{s}");
}

/// `copy`'s job in hcl's JSON syntax: jobspec2 reads a file whose first
/// byte other than a space is `{` as JSON whatever its name (parse.go
/// v2.0.5:201-218 `parseHCLOrJSON`, `isJSON`), and
/// `collectInputVariableValues` (types.variables.go v2.0.5:450-475)
/// applies `NOMAD_VAR_<name>` to the `variable`s it declares there as to
/// the native syntax's. (`nomad job run -json` reads the API's JSON
/// instead, which has no variables: helpers.go v2.0.5:532-555, no `Envs`.)
fn json_copy(var: &str, default: &str, id: &str) -> String {
    format!(
        "{{\n  \"variable\": {{\"{var}\": {{\"default\": \"{default}\"}}}},\n  \"job\": {{\"zz\": {{\n    \"id\": \"{id}\",\n    \"datacenters\": [\"dc1\"],\n    \"group\": {{\"g\": {{\"task\": {{\"t\": {{\n      \"driver\": \"docker\",\n      \"config\": {{\"image\": \"x:1\"}},\n      \"resources\": {{\"cpu\": 100, \"memory\": 100}}\n    }}}}}}}}\n  }}}}\n}}\n"
    )
}

/// Guard: a new JSON file copying the protected job, its ID from a
/// variable the shell sets, is judged both ways as an HCL one is.
#[test]
fn a_json_copy_whose_id_the_shell_sets_cannot_tell() {
    let d = protected_repo("shell-var-json-id");
    d.put(
        "jobs/zz.nomad.json",
        &json_copy("id", "sockshop", "${var.id}"),
    );
    git(&d.0, &["add", "-A"]);
    refused_without(&d);
    let words = "with those values it defines job \"zz\" in namespace \"default\", without them job \"sockshop\" in namespace \"default\", so whether this change updates that job or adds another is unknown";
    both_cannot_tell(
        &d,
        &[("NOMAD_VAR_id", "zz")],
        "jobs/zz.nomad.json",
        "NOMAD_VAR_id",
        words,
    );
}

/// A deleted JSON file whose old version names its ID by a variable: the
/// line named no variable ("the shell's  set variables"), its old
/// version's declarations read by the native syntax's parser alone.
#[test]
fn a_deleted_json_file_names_the_shell_variable_it_reads() {
    let d = protected_repo("shell-var-json-deleted");
    d.put("jobs/extra.json", &json_copy("id", "extra", "${var.id}"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "extra"]);
    git(&d.0, &["rm", "-q", "jobs/extra.json"]);
    let args = ["check", "--staged", "--output-format", "concise"];
    let c = run(&d, &[], &args);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let c = run(&d, &[("NOMAD_VAR_id", "sockshop")], &args);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 2, "{s}");
    let line = "jobs/extra.json:1:1: changeset::cannot-tell [error] cannot tell which job jobs/extra.json defined at HEAD: the shell's NOMAD_VAR_id sets a variable, with those values it is job \"sockshop\" in namespace \"default\", without them job \"extra\" in namespace \"default\", so which job this change stops is unknown";
    assert!(c.stdout.contains(line), "{s}");
}
