//! redteam7 D6 in var files: jobspec2's collectInputVariableValues
//! (types.variables.go, the same 1.0.1-2.0.5) parses a `-var-file` with
//! hclsyntax and evaluates each value with a nil EvalContext, and
//! hclsyntax's ObjectConsExpr.Value keeps its keys in a map with no
//! duplicate check (hclsyntax/expression.go at 68a97f93bb48 and
//! v2.20.2-nomad-1): `{a = 1, a = 2}` is `{a = 2}` there as in a job
//! file, and so in a `-var` value (hclsyntax.ParseExpression). A computed
//! key written twice is evaluated twice: in a job file the later value
//! wins; in a var file `(local.k)` is refused each time ("Variables not
//! allowed", at the traversal's root), while `("a")` is a key like `a`.
//! The same respelling reads all of them (src/jobspec/dup_keys.rs).

use crate::common;

use common::var_files::run;
use common::TempDir;

fn job() -> String {
    format!(
        "variable \"m\" {{}}\n\n{}",
        common::meta_job("jsonencode(var.m)")
    )
}

/// `plan --format json --verbose` with `extra` flags: the job's meta `a`
/// as the JSON text shows it.
fn planned(d: &TempDir, v: &str, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "plan",
        "--nomad-version",
        v,
        "--format",
        "json",
        "--verbose",
    ];
    args.extend_from_slice(extra);
    args.push("j.nomad");
    let o = d.run(&args);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (o.status.code().expect("exit code"), format!("{out}{err}"))
}

#[test]
fn a_key_repeated_in_a_var_file_takes_the_later_value() {
    let d = TempDir::new("varfile-dup-key");
    d.put("j.nomad", &job());
    for vars in [
        "m = {a = 1, a = 2}\n",
        "m = {\"a\" = 1, a = 2}\n",
        // A computed key Nomad evaluates with no context: a literal.
        "m = {(\"a\") = 1, (\"a\") = 2}\n",
    ] {
        d.put("v.hcl", vars);
        for v in ["1.6.0", "2.0.5"] {
            let (code, out) = planned(&d, v, &["--var-file", "v.hcl"]);
            assert!(code == 0 || code == 1, "{v} {vars}: {out}");
            assert!(out.contains(r#"{\"a\":2}"#), "{v} {vars}: {out}");
        }
    }
}

#[test]
fn a_key_repeated_in_a_var_flag_takes_the_later_value() {
    let d = TempDir::new("varflag-dup-key");
    // An untyped variable takes a `-var` as a string literal; a typed one
    // parses it as an expression.
    let typed = job().replace(
        "variable \"m\" {}",
        "variable \"m\" {\n  type = map(number)\n}",
    );
    d.put("j.nomad", &typed);
    let (code, out) = planned(&d, "2.0.5", &["--var", "m={a = 1, a = 2}"]);
    assert!(code == 0 || code == 1, "{out}");
    assert!(out.contains(r#"{\"a\":2}"#), "{out}");
}

#[test]
fn a_repeated_computed_key_in_a_var_file_is_refused_each_time() {
    let d = TempDir::new("varfile-dup-computed");
    d.put("j.nomad", &job());
    d.put("v.hcl", "m = {(local.k) = 1, (local.k) = 2}\n");
    let want = "Error getting job struct: Error parsing job file from j.nomad:\nv.hcl:1,7-12: Variables not allowed; Variables may not be used here.\nv.hcl:1,22-27: Variables not allowed; Variables may not be used here.";
    for (cmd, exit) in [("plan", 255), ("validate", 1)] {
        let (code, err) = run(
            &d,
            &[
                cmd,
                "--nomad-version",
                "1.6.0",
                "--var-file",
                "v.hcl",
                "j.nomad",
            ],
        );
        assert_eq!(code, exit, "{cmd}: {err}");
        assert!(err.starts_with(want), "{cmd}: {err}");
    }
}

#[test]
fn a_repeated_computed_key_in_a_job_file_takes_the_later_value() {
    let text = format!(
        "locals {{\n  k = \"eu\"\n}}\n\n{}",
        common::meta_job("jsonencode({(local.k) = 1, (local.k) = 2, x = 3})")
    );
    let (code, out, err) = common::run_job(
        "job-dup-computed",
        &text,
        &[
            "plan",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
            "--verbose",
            "j.nomad",
        ],
    );
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(out.contains(r#"{\"eu\":2,\"x\":3}"#), "{out}{err}");
}
