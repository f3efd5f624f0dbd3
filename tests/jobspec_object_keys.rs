//! redteam7 D6: object-constructor keys as hclsyntax reads them
//! (ObjectConsKeyExpr, hashicorp/hcl hclsyntax/expression.go:1285-1338
//! @v2.20.2-nomad-1, the hcl Nomad 2.0.5 pins): a bare traversal of more
//! than one step (`{local.k = 1}`) is refused, never evaluated; a bare
//! `null`/`true`/`false` is that name (LiteralValueExpr.AsTraversal, :84).

use crate::common;

/// The shared meta job, after a `locals` block naming `k`.
fn job(meta: &str) -> String {
    format!("locals {{\n  k = \"eu\"\n}}\n\n{}", common::meta_job(meta))
}

const AMBIGUOUS: &str = "Ambiguous attribute key; If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.";

#[test]
fn a_dotted_bare_key_is_refused_with_hcls_text() {
    for (meta, cols) in [
        ("jsonencode({local.k = 1})", "21-28"),
        ("jsonencode({local[\"k\"] = 1})", "21-31"),
    ] {
        for v in ["1.0.0", "2.0.5"] {
            let (code, err) = common::run_job_file("obj-key", "validate", &job(meta), v);
            assert_eq!(code, Some(1), "{v} {meta}: {err}");
            let want = format!(
                "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:8,{cols}: {AMBIGUOUS}\n"
            );
            assert!(err.starts_with(&want), "{v} {meta}: {err}");
        }
    }
}

#[test]
fn keyword_keys_are_names_and_a_parenthesised_key_is_evaluated() {
    let meta = "jsonencode({null = \"x\", true = 2, false = 3, (local.k) = 4})";
    let (code, out, err) = common::run_job(
        "obj-key-kw",
        &job(meta),
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
    assert!(
        out.contains(r#"{\"eu\":4,\"false\":3,\"null\":\"x\",\"true\":2}"#),
        "{out}{err}"
    );
}

/// ObjectConsExpr.Value keeps its keys in a map with no duplicate check
/// (hclsyntax/expression.go, at 68a97f93bb48 and v2.20.2-nomad-1): a key
/// written twice is the later value, whichever way it is spelled. It
/// was refused as "a single-line block may hold only one argument".
#[test]
fn a_repeated_key_takes_the_later_value() {
    let meta = "jsonencode({a = 1, \"b\" = 2, a = 3, b = 4, null = 5, null = 6})";
    for v in ["1.0.0", "2.0.5"] {
        let (code, out, err) = common::run_job(
            "obj-key-dup",
            &job(meta),
            &[
                "plan",
                "--nomad-version",
                v,
                "--format",
                "json",
                "--verbose",
                "j.nomad",
            ],
        );
        assert!(code == 0 || code == 1, "{v}: {out}{err}");
        assert!(
            out.contains(r#"{\"a\":3,\"b\":4,\"null\":6}"#),
            "{v}: {out}{err}"
        );
    }
}
