//! jobspec2's functions compute go-cty's values, not our language's
//! (redteam4 F3): the order a cty set iterates in (cty/set_internals.go
//! `Less`, cty/set/ops.go `Values`), Go's `strings.Split`, `ToUpper`,
//! `ToLower` and `Title` (simple case mapping, Go's Unicode tables), and
//! go-textseg's grapheme clusters for `substr`, `strrev` and `strlen`
//! (cty/function/stdlib/string.go at go-cty v1.4.1, v1.12.1, v1.18.1).
//! Each job adds `env { X = <expr> }` to a running job without it; the
//! plan's `+ Env[X]` line is Nomad's value.

mod common;

use common::{Out, TempDir};

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

/// A job whose task's config has `args = <args>` and whose env block
/// holds `env`.
fn job(args: &str, env: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n        args  = {args}\n      }}\n      env {{\n{env}      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(name: &str, version: &str, old: &str, new: &str) -> Out {
    let dir = TempDir::new(&format!("hcl2-fn-cty-{name}-{version}"));
    dir.put("rules/cluster.hcl", WORLD);
    dir.put("old.nomad", old);
    dir.put("new.nomad", new);
    let args = [
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "--nomad-version",
        version,
        "--running",
        "old.nomad",
        "new.nomad",
    ];
    common::run_in(&dir.0, &args)
}

fn diff(out: &Out) -> &str {
    out.stdout
        .split("\nScheduler dry-run:")
        .next()
        .unwrap_or("")
}

/// The value Nomad `version` gives `expr`, read from the plan's
/// `+ Env[X]` line (exit 1: the env is new).
fn value(name: &str, version: &str, expr: &str) -> String {
    let old = job("[]", "");
    let new = job("[]", &format!("        X = {expr}\n"));
    let out = plan(name, version, &old, &new);
    assert_eq!(
        out.code, 1,
        "{version} {expr}: {}{}",
        out.stdout, out.stderr
    );
    let line = diff(&out)
        .lines()
        .find_map(|l| l.trim().strip_prefix("+ Env[X]: "))
        .unwrap_or_else(|| panic!("{version} {expr}: no Env[X] line: {}", out.stdout));
    serde_json::from_str::<String>(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// The same set written in another order is the same job: go-cty
/// iterates a set sorted (strings by bytes), so `args` is `["a", "b"]`
/// either way and nothing changes. Before, the insertion order reached
/// `args` and the reorder planned as a destructive update.
#[test]
fn a_reordered_set_is_the_same_job() {
    for v in HCL2 {
        for f in ["setunion", "setintersection"] {
            let (x, y) = if f == "setunion" {
                (r#"setunion(["b"], ["a"])"#, r#"setunion(["a"], ["b"])"#)
            } else {
                (
                    r#"setintersection(["b", "a"], ["a", "b"])"#,
                    r#"setintersection(["a", "b"], ["b", "a"])"#,
                )
            };
            let out = plan(f, v, &job(x, ""), &job(y, ""));
            assert_eq!(out.code, 0, "{v} {f}: {}{}", out.stdout, out.stderr);
            assert_eq!(
                diff(&out),
                "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
                "{v} {f}"
            );
        }
    }
}

/// setRules.Less: strings by their UTF-8 bytes ("é" after "z"), numbers
/// by value, false before true; a string among numbers makes them all
/// strings (UnifyUnsafe), sorted as strings.
#[test]
fn set_elements_iterate_in_cty_s_order() {
    for v in HCL2 {
        let cases = [
            (r#"join(",", setunion(["z"], ["a", "é", "e"]))"#, "a,e,z,é"),
            (r#"join(",", setunion([10, 9], [2]))"#, "2,9,10"),
            (r#"join(",", setunion([true], [false]))"#, "false,true"),
            (r#"join(",", setunion([10, 9], ["2"]))"#, "10,2,9"),
            (
                r#"join(",", setintersection(["c", "b", "a"], ["a", "c"]))"#,
                "a,c",
            ),
        ];
        for (expr, want) in cases {
            assert_eq!(value("set", v, expr), want, "{v} {expr}");
        }
    }
}

/// A set of lists is ordered by go-cty's hash text, which is not
/// reproduced: one "cannot tell" line, never a guessed order.
#[test]
fn a_set_of_lists_is_cannot_tell() {
    let old = job("[]", "");
    let new = job(
        "[]",
        "        X = jsonencode(setunion([[\"b\"]], [[\"a\"]]))\n",
    );
    let out = plan("set-lists", "2.0.5", &old, &new);
    assert_eq!(out.code, 255, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("cannot tell the order go-cty gives a set whose elements are lists or maps"),
        "{}",
        out.stderr
    );
}
