//! Strings of a JSON job file are templates (hcl json/structure.go
//! expression.Value parses each decoded string with
//! hclsyntax.ParseTemplate, v2.20.2-nomad-1 as Nomad 2.0.5 pins it), read
//! by a template file's scanner, which cuts a literal at each line end:
//! a `~` there trims one line. An oracle (hcl v2.20.2-nomad-1, go-cty
//! 1.16.3) evaluates `"%{ for x in [\"p\", \"q\"] ~}\n  ${x}\n%{ endfor ~}"`
//! in JSON to `"  p\n  q\n"`, the same template in the native syntax to
//! `"p\nq\n"`. We read JSON strings as the native syntax's twin and said
//! `"p\nq\n"` with exit 0; now such a string is "cannot tell" (255).

use crate::common;

fn job(meta: &str) -> String {
    format!(
        "{{\n  \"variable\": {{\"xs\": {{\"default\": [\"p\", \"q\"]}}, \"y\": {{\"default\": \"y\"}}}},\n  \"job\": {{\"web\": {{\n    \"datacenters\": [\"dc1\"],\n    \"meta\": {{\"k\": {meta}}},\n    \"group\": {{\"g\": {{\n      \"task\": {{\"t\": {{\n        \"driver\": \"docker\",\n        \"config\": {{\"image\": \"x\"}},\n        \"resources\": {{\"cpu\": 100, \"memory\": 64}}\n      }}}}\n    }}}}\n  }}}}\n}}\n"
    )
}

fn run(tag: &str, args: &[&str], meta: &str) -> common::Out {
    let d = common::TempDir::new(&format!("jsontmpl-{tag}"));
    d.put("j.nomad.json", &job(meta));
    let mut all = args.to_vec();
    all.extend(["--nomad-version", "2.0.5", "j.nomad.json"]);
    common::run_in(&d.0, &all)
}

/// `plan --verbose` of the JSON job file `text`.
fn plan_file(tag: &str, text: &str) -> common::Out {
    let d = common::TempDir::new(&format!("jsontmpl-{tag}"));
    d.put("j.nomad.json", text);
    common::run_in(
        &d.0,
        &[
            "plan",
            "--verbose",
            "--nomad-version",
            "2.0.5",
            "j.nomad.json",
        ],
    )
}

#[test]
fn a_strip_marker_across_lines_is_cannot_tell() {
    let meta = r#""%{ for x in var.xs ~}\n  ${x}\n%{ endfor ~}""#;
    for cmd in ["validate", "plan"] {
        let o = run(&format!("lines-{cmd}"), &[cmd], meta);
        assert_eq!(o.code, 255, "{cmd}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr
                .contains("a string holding a `~` strip marker and a line end"),
            "{cmd}: {}",
            o.stderr
        );
        assert!(!o.stdout.contains("successful"), "{}", o.stdout);
    }
}

/// Guard: a strip marker within one line trims alike in both syntaxes
/// (the oracle: `"x ${~ "y" ~} z"` is `"xyz"` in each), and is read.
#[test]
fn a_strip_marker_within_a_line_is_read() {
    let o = run("one-line", &["plan", "--verbose"], r#""x ${~ var.y ~} z""#);
    assert!(o.stdout.contains("\"xyz\""), "{}{}", o.stdout, o.stderr);
}

/// A JSON job file's strings with JSON escapes inside `${...}` (a string
/// argument written `\"k\"`, as JSON must): hcl decodes the JSON string
/// first and parses the template after, which the native syntax cannot
/// (a `\"` inside an interpolation is no token of its own). Each was
/// "cannot tell" (255); each value is now the oracle's (hcl
/// v2.20.2-nomad-1 json.Parse, go-cty 1.16.3, same variables).
#[test]
fn escapes_inside_interpolations_read_as_hcl_json_reads_them() {
    let o = plan_file(
        "escapes",
        r#"{
  "variable": {"img": {"default": "redis"}, "m": {"default": {"k": "v"}}},
  "job": {"web": {
    "datacenters": ["dc1"],
    "meta": {
      "a": "${upper(\"x\")}-${var.img}",
      "b": "$${lit} %%{x} ${var.m[\"k\"]}",
      "c": "a\\nb ${\"\\n\"} \"q\"",
      "e": "%{ if var.img == \"redis\" }yes%{ else }no%{ endif }",
      "f": "x\u00e9 ${\"\u00e9\"}"
    },
    "group": {"g": {
      "task": {"t": {
        "driver": "docker",
        "config": {"image": "${upper(\"x\")}"},
        "resources": {"cpu": 100, "memory": 64}
      }}
    }}
  }}
}
"#,
    );
    for want in [
        r#"+ Meta[a]:    "X-redis""#,
        r#"+ Meta[b]:    "${lit} %{x} v""#,
        r#"+ Meta[c]:    "a\\nb \n \"q\"""#,
        r#"+ Meta[e]:    "yes""#,
        r#"+ Meta[f]:    "xé é""#,
        r#"+ image: "X""#,
    ] {
        assert!(o.stdout.contains(want), "{want}:\n{}{}", o.stdout, o.stderr);
    }
}

/// A value written inside an interpolation of a JSON job file (a
/// function's string arguments, `\"8080\"`) reaches the plan, so an
/// edit to it is seen (before: "cannot tell", 255).
#[test]
fn a_value_inside_an_interpolation_is_planned() {
    let file = |port: &str| {
        format!("{{\"job\": {{\"web\": {{\"datacenters\": [\"dc1\"], \"group\": {{\"g\": {{\"task\": {{\"t\": {{\"driver\": \"docker\", \"config\": {{\"image\": \"x\", \"args\": [\"${{format(\\\"--port=%s\\\", \\\"{port}\\\")}}\"]}}, \"resources\": {{\"cpu\": 100, \"memory\": 64}}}}}}}}}}}}}}}}\n")
    };
    let o = plan_file("edit", &file("8080"));
    assert!(
        o.stdout.contains(r#""--port=8080""#),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
