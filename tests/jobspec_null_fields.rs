//! redteam7 D10: a `null` for an argument whose Nomad api field is neither
//! a pointer, a slice nor a map (a task's `user`, a service's `port`, ...)
//! is no "unset": jobspec2's gohcl hands every written argument to
//! DecodeExpression, and go-cty's gocty.FromCtyValue refuses a null into
//! such a field (hashicorp/hcl gohcl/decode.go DecodeExpression
//! @v2.20.2-nomad-1; zclconf/go-cty cty/gocty/out.go fromCtyValue; the
//! fields' Go types in api/tasks.go and api/services.go @v1.0.0..v2.0.5).
//! Nomad cannot parse such a file: `validate` exits 1, `plan` 255, and
//! `check` reports the error. Pointer fields (`count`) still take a null
//! as unset.

use crate::common;

/// The Terraform-style optional variable, put where `at` says.
fn job(task_line: &str, group_line: &str) -> String {
    format!(
        "variable \"run_as\" {{\n  type    = string\n  default = null\n}}\n\njob \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    {group_line}\n    task \"t\" {{\n      driver = \"docker\"\n      {task_line}\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn nomad_text(file: &str, range: &str) -> String {
    format!("Error getting job struct: Error parsing job file from {file}:\n{file}:{range}: Unsuitable value type; Unsuitable value: null value is not allowed\n")
}

/// validate, plan and check of `text` at `v` all refuse it at `range`.
fn refused_everywhere(tag: &str, text: &str, v: &str, range: &str) {
    let want = nomad_text("j.nomad", range);
    let (code, err) = common::run_job_file(tag, "validate", text, v);
    assert_eq!(code, Some(1), "validate {v}: {err}");
    assert!(err.starts_with(&want), "validate {v}: {err}");
    let (code, out, err) = common::run_job(tag, text, &["plan", "--nomad-version", v, "j.nomad"]);
    assert_eq!(code, 255, "plan {v}: {out}{err}");
    assert!(err.contains(&want), "plan {v}: {err}");
    let (code, out, err) = common::run_job(tag, text, &["check", "--nomad-version", v, "j.nomad"]);
    assert_eq!(code, 1, "check {v}: {out}{err}");
    let line = format!(
        "j.nomad:{}: jobspec::type [error] Unsuitable value type; Unsuitable value: null value is not allowed",
        range.split('-').next().unwrap_or("").replace(',', ":")
    );
    assert!(out.contains(&line), "check {v}: {out}{err}");
}

#[test]
fn a_null_default_variable_for_the_tasks_user_is_refused() {
    // api.Task.User is a string (api/tasks.go @v1.0.0..v2.0.5).
    let text = job("user   = var.run_as", "");
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        refused_everywhere("null-user", &text, v, "12,16-26");
    }
}

#[test]
fn a_null_literal_for_a_bool_or_a_kill_signal_is_refused() {
    // api.Task.Leader is a bool, KillSignal a string.
    refused_everywhere(
        "null-leader",
        &job("leader = null", ""),
        "2.0.5",
        "12,16-20",
    );
    refused_everywhere(
        "null-signal",
        &job("kill_signal = null", ""),
        "1.3.0",
        "12,21-25",
    );
}

#[test]
fn a_services_null_port_is_refused() {
    // api.Service.PortLabel is a string (api/services.go): a group service.
    let text = job(
        "",
        "service {\n      name = \"web\"\n      port = null\n    }",
    );
    refused_everywhere("null-port", &text, "2.0.5", "11,14-18");
}

#[test]
fn a_pointer_field_still_takes_a_null_as_unset() {
    // api.TaskGroup.Count is *int, Task.Meta a map (an argument from
    // 1.0.4): null leaves them unset.
    let text = job("meta = null", "count = null");
    for v in ["1.0.4", "2.0.5"] {
        let (code, err) = common::run_job_file("null-count", "validate", &text, v);
        assert_eq!(code, Some(0), "{v}: {err}");
    }
}

#[test]
fn a_field_the_release_lacks_is_refused_as_unknown_only() {
    // `ui` came in 1.8.0 (api.JobUIConfig): before, hcl refuses the block
    // and never decodes its description.
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  ui {\n    description = null\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    let (code, err) = common::run_job_file("null-ui-old", "validate", text, "1.7.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("null value is not allowed"), "{err}");
    refused_everywhere("null-ui", text, "1.8.0", "4,19-23");
}

#[test]
fn a_null_in_hcls_json_syntax_is_refused_at_the_keyword() {
    // hcl json/ast.go nullVal: StartRange is the keyword's whole token,
    // its columns counted by hcl's JSON scanner (a tab is two).
    let text = "{\n\t\"job\": {\"j\": {\n\t\t\"datacenters\": [\"dc1\"],\n\t\t\"group\": {\"g\": {\"task\": {\"t\": {\n\t\t\t\"driver\": \"docker\",\n\t\t\t\"user\": null,\n\t\t\t\"config\": {\"image\": \"redis:7\"}\n\t\t}}}}\n\t}}\n}\n";
    let want = nomad_text("j.nomad.json", "6,15-19");
    for v in ["1.0.0", "2.0.5"] {
        let d = common::TempDir::new("null-json");
        d.put("j.nomad.json", text);
        let o = d.run(&["validate", "--nomad-version", v, "j.nomad.json"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "validate {v}: {err}");
        assert!(err.contains(&want), "validate {v}: {err}");
        let o = d.run(&["plan", "--nomad-version", v, "j.nomad.json"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(255), "plan {v}: {err}");
        assert!(err.contains(&want), "plan {v}: {err}");
    }
}

#[test]
fn a_null_inside_a_list_of_strings_is_refused_at_the_list() {
    // api.Service.Tags is a []string: gocty's fromCtyList decodes each
    // element into a string and refuses a null in the same words; gohcl
    // places it at the tuple's opening bracket (its StartRange).
    let text = job(
        "",
        "service {\n      name = \"web\"\n      tags = [var.run_as, \"web\"]\n    }",
    );
    refused_everywhere("null-tags", &text, "2.0.5", "11,14-15");
    // compact() drops the null (go-cty CompactFunc): no error.
    let fixed = text.replace("[var.run_as, \"web\"]", "compact([var.run_as, \"web\"])");
    let (code, err) = common::run_job_file("null-tags-compact", "validate", &fixed, "2.0.5");
    assert_eq!(code, Some(0), "{err}");
}
