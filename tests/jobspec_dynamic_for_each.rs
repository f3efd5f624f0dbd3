//! redteam7 D5: hcl's dynblock refuses a null `for_each` (a `default = null`
//! list variable), and words a scalar one its own way
//! (hashicorp/hcl ext/dynblock/expand_spec.go:80-104@v2.20.2-nomad-1, the hcl
//! Nomad 2.0.5 pins). Nomad cannot parse such a file; it is never an empty
//! expansion.

use crate::common;

fn job(for_each: &str) -> String {
    format!(
        "variable \"extra\" {{\n  type    = list(number)\n  default = null\n}}\n\njob \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      dynamic \"port\" {{\n        for_each = {for_each}\n        labels   = [\"p${{port.value}}\"]\n        content {{\n          static = port.value\n        }}\n      }}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn nomad_text(cols: &str, detail: &str) -> String {
    format!("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:11,{cols}: Invalid dynamic for_each value; {detail}\n")
}

#[test]
fn a_null_for_each_is_refused_with_dynblocks_text() {
    let null = "Cannot use a null value in for_each.";
    for (expr, cols, detail) in [
        ("var.extra", "20-29", null.to_string()),
        ("null", "20-24", null.to_string()),
        (
            "\"a\"",
            "20-23",
            "Cannot use a string value in for_each. An iterable collection is required.".into(),
        ),
    ] {
        for v in ["1.0.0", "2.0.5"] {
            let (code, err) = common::run_job_file("dyn-null", "validate", &job(expr), v);
            assert_eq!(code, Some(1), "{v} {expr}: {err}");
            assert!(
                err.starts_with(&nomad_text(cols, &detail)),
                "{v} {expr}: {err}"
            );
            let (code, out, err) = common::run_job(
                "dyn-null-plan",
                &job(expr),
                &["plan", "--nomad-version", v, "j.nomad"],
            );
            assert_eq!(code, 255, "{v} {expr}: {out}{err}");
            assert!(
                err.contains(&nomad_text(cols, &detail)),
                "{v} {expr}: {err}"
            );
        }
    }
}

#[test]
fn an_empty_list_still_expands_to_nothing() {
    let (code, err) = common::run_job_file("dyn-empty", "validate", &job("[]"), "2.0.5");
    assert_eq!(code, Some(0), "{err}");
}
