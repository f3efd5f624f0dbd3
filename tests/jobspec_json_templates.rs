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
