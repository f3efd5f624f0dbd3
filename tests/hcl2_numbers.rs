//! jobspec2's numbers are go-cty's 512-bit big.Floats (cty.ParseNumberVal,
//! go-cty cty/value_init.go:49-52 at v1.4.1, v1.12.1 and v1.19.0, the
//! releases Nomad 1.0.0, 1.6.0 and 2.0.5 pin); ours are 64-bit floats.
//! Where the two may differ the plan is "cannot tell" (exit 255, one
//! line), never a value Nomad would not compute: an 18-digit ID edited
//! planned as "no change" (redteam4 F2). Where they provably agree (short
//! literals, exact arithmetic) the plan is what it was. HCL1 (before 1.0)
//! holds float64s and is not touched.

use crate::common;

use common::edit_plan;
use common::Out;

const HCL2: [&str; 3] = ["1.0.0", "1.6.0", "2.0.5"];

const WORLD: &str = r#"nomad_version = "2.0.5"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
"#;

/// A job whose task's `env` block holds `env`, after `head` (variables).
fn job(head: &str, env: &str) -> String {
    format!(
        "{head}job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n      env {{\n{env}      }}\n    }}\n  }}\n}}\n"
    )
}

/// `plan --running old.nomad new.nomad` at `version`, with `files` beside
/// them and `extra` arguments.
fn plan(
    name: &str,
    version: &str,
    old: &str,
    new: &str,
    files: &[(&str, &str)],
    extra: &[&str],
) -> Out {
    let dir = edit_plan::project(&format!("hcl2-numbers-{name}-{version}"), WORLD, old, new);
    for (path, text) in files {
        dir.put(path, text);
    }
    edit_plan::run(&dir, version, extra)
}

/// The "cannot tell" line of `what` at `version`.
fn untold(version: &str, what: &str) -> String {
    format!("error: cannot tell what Nomad {version} makes of {what}: go-cty holds numbers as binary floats of up to 512 bits (big.Float) and nomad-preflight as 64-bit floats, which may give another value here")
}

fn assert_untold(out: &Out, version: &str, what: &str) {
    assert_eq!(out.code, 255, "{version}: {}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "", "{version}");
    assert_eq!(
        out.stderr.lines().next(),
        Some(untold(version, what).as_str()),
        "{version}: {}",
        out.stderr
    );
}

#[test]
fn an_edited_long_id_is_cannot_tell_not_no_change() {
    // Nomad: Env[CHANNEL_ID] "987654321098765432" => "987654321098765433",
    // a destructive update. We planned it as `(1 ignore)`, exit 0.
    let old = job("", "        CHANNEL_ID = 987654321098765432\n");
    let new = job("", "        CHANNEL_ID = 987654321098765433\n");
    for v in HCL2 {
        let out = plan("id", v, &old, &new, &[], &[]);
        assert_untold(&out, v, "the number 987654321098765433");
        let json = plan("id", v, &old, &new, &[], &["--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
        assert_eq!(doc["Preflight"]["Number"]["Line"], 10, "{v}");
        assert_eq!(doc["Preflight"]["Number"]["Column"], 22, "{v}");
        assert_eq!(json.code, 255);
    }
}

#[test]
fn inexact_numbers_and_arithmetic_are_cannot_tell() {
    let old = job("", "        A = \"a\"\n");
    for (expr, what) in [
        // Nomad prints "0.3"; a 64-bit float 0.30000000000000004.
        ("0.1 + 0.2", "this arithmetic"),
        ("1 / 3", "this arithmetic"),
        ("9007199254740993", "the number 9007199254740993"),
        ("0.10000000000000001", "the number 0.10000000000000001"),
        ("\"${987654321098765432}\"", "the number 987654321098765432"),
        // A faithful literal whose f64 is not its exact value, in arithmetic.
        ("2 * 987654321098765000", "this arithmetic"),
        ("987654321098765 * 1000", "this arithmetic"),
        (
            "\"0.10000000000000001\" + 1",
            "the string \"0.10000000000000001\" as a number",
        ),
        ("pow(2, 0.5)", "this pow()"),
        ("log(8, 2)", "this log()"),
        ("parseint(\"987654321098765432\", 10)", "this parseint()"),
        // A tie past 38 decimals (cty_number::tie_at_512_bits).
        ("format(\"%.40f\", 1.5e-40)", "this format()"),
        (
            "jsonencode(jsondecode(\"987654321098765432\"))",
            "the JSON number 987654321098765432",
        ),
        ("jsonencode(range(0, 1, 0.1))", "this range()"),
    ] {
        let new = job("", &format!("        X = {expr}\n"));
        for v in HCL2 {
            let out = plan("inexact", v, &old, &new, &[], &[]);
            let what = if what.starts_with("this format") || what.starts_with("the JSON") {
                // go-cty's own functions: the release is not at hand.
                assert_eq!(out.code, 255, "{expr} {v}: {}", out.stderr);
                let line = untold("", what).replace("Nomad  makes", "Nomad makes");
                assert_eq!(out.stderr.lines().next(), Some(line.as_str()), "{expr} {v}");
                continue;
            } else {
                what
            };
            assert_untold(&out, v, what);
        }
    }
}

#[test]
fn short_literals_and_exact_arithmetic_plan_as_nomad_prints_them() {
    let old = job("", "        A = \"a\"\n");
    let new = job(
        "",
        "        A = \"a\"\n        B = 1.5 * 1000\n        C = 0.1\n        D = 7 % 3\n        E = 2 * 987654321098765\n        F = 987654321098765400\n        G = pow(2, 10) / 8\n        H = jsonencode(range(0, 2, 0.5))\n",
    );
    let want = "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    + Env[B]: \"1500\"\n    + Env[C]: \"0.1\"\n    + Env[D]: \"1\"\n    + Env[E]: \"1975308642197530\"\n    + Env[F]: \"987654321098765400\"\n    + Env[G]: \"128\"\n    + Env[H]: \"[0,0.5,1,1.5]\"\n";
    for v in HCL2 {
        let out = plan("exact", v, &old, &new, &[], &[]);
        assert_eq!(out.code, 1, "{v}: {}{}", out.stdout, out.stderr);
        let diff = out
            .stdout
            .split("\nScheduler dry-run:")
            .next()
            .unwrap_or("");
        assert_eq!(diff, want, "{v}");
    }
}

#[test]
fn hcl1_before_1_0_keeps_its_float64s() {
    // Nomad 0.9.3 reads both as the float64 0.1 and formats it "0.1":
    // no change, as before.
    let old = job("", "        X = 0.1\n");
    let new = job("", "        X = 0.10000000000000001\n");
    let out = plan("hcl1", "0.9.3", &old, &new, &[], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .starts_with("Job: \"j\"\nTask Group: \"g\" (1 ignore)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn var_files_and_flags_with_a_long_number_are_cannot_tell() {
    let head = "variable \"id\" {\n  type = number\n}\n";
    // The running version takes the world's variables, never the
    // command's (R17-10): it was submitted with a short id.
    let running = "variable \"id\" {\n  type    = number\n  default = 9876543210\n}\n";
    let old = job(running, "        ID = var.id\n");
    let new = job(head, "        ID = var.id\n        B = \"b\"\n");
    // Nomad 1.0.0's CLI reads no var file (from 1.0.1).
    for v in ["1.0.1", "1.6.0", "2.0.5"] {
        for (file, text) in [
            ("v.json", "{\"id\": 987654321098765432}"),
            ("v.hcl", "id = 987654321098765432\n"),
        ] {
            let out = plan(
                "varfile",
                v,
                &old,
                &new,
                &[(file, text)],
                &["--var-file", file],
            );
            assert_eq!(out.code, 255, "{v} {file}: {}{}", out.stdout, out.stderr);
            let first = out.stderr.lines().next().unwrap_or("");
            assert!(
                first.starts_with(&format!("error: cannot tell what Nomad {v} says of the variables' values: a var file holds a number")),
                "{v} {file}: {first}"
            );
        }
        let out = plan(
            "varflag",
            v,
            &old,
            &new,
            &[],
            &["--var", "id=987654321098765432"],
        );
        assert_eq!(out.code, 255, "{v} -var: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.starts_with("error: cannot tell"),
            "{v}: {}",
            out.stderr
        );
        // A short one plans.
        let out = plan("varok", v, &old, &new, &[], &["--var", "id=9876543210"]);
        assert_eq!(out.code, 1, "{v}: {}{}", out.stdout, out.stderr);
    }
}
