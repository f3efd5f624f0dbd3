//! Several errors of jobspec2's decoding (1.0+) whose order is Go's map
//! order: gohcl's decodeBodyToStruct ranges over a block's attributes and
//! kinds of child block as maps, and decodeBodyToMap over a `meta {}`
//! block's values, collecting every error; jobspec2's decode prints each
//! one a line. The lines are certain, their order changes per run: we print
//! them all (attributes and kinds of block as the file first gives them)
//! with a note, and exit as Nomad does, not "cannot tell". Texts and odds:
//! tests/hcl-oracle/gohcl.go `-block` (oracle-gohcl-old, -cty1.16.3).

use crate::common;

const JOB: &str = r#"job "v" {
  datacenters = ["dc1"]
  group "g" {
    meta {
      b = [1]
      a = {x = 1}
    }
    spread {
      weight = 500
    }
    task "t" {
      driver = "docker"
      config { image = "a" }
    }
  }
}
"#;

const NOTE: &str = "jobspec::decode-map-order";

fn lines(tuple: &str, object: &str) -> String {
    format!(
        "Error getting job struct: Error parsing job file from j.nomad:\n\
         j.nomad:5,11-12: Unsuitable value type; Unsuitable value: string required{tuple}\n\
         j.nomad:6,11-12: Unsuitable value type; Unsuitable value: string required{object}\n\
         j.nomad:9,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127\n"
    )
}

#[test]
fn a_meta_blocks_errors_and_a_spreads_are_all_said_with_a_note() {
    // go-cty 1.16.3 (Nomad 1.10.2 on) names the type it got.
    for (v, want) in [
        ("1.6.0", lines("", "")),
        ("2.0.5", lines(", but have tuple", ", but have object")),
    ] {
        for (cmd, exit) in [("plan", 255), ("validate", 1)] {
            let (code, _, err) = common::run_job(
                &format!("decode-map-order-{cmd}-{v}"),
                JOB,
                &[cmd, "j.nomad", "--nomad-version", v],
            );
            assert_eq!(code, exit, "{cmd} {v}: {err}");
            assert!(err.contains(&want), "{cmd} {v}: {err}");
            assert!(err.contains(NOTE), "{cmd} {v}: {err}");
            assert!(!err.contains("cannot tell"), "{cmd} {v}: {err}");
        }
    }
    let (_, out, _) = common::run_job(
        "decode-map-order-json",
        JOB,
        &[
            "check",
            "j.nomad",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
        ],
    );
    assert!(out.contains(&format!("\"code\": \"{NOTE}\"")), "{out}");
}

#[test]
fn an_order_gohcl_fixes_has_no_note() {
    // Two spreads: one kind of block, in source order; no meta error.
    let two = JOB
        .replace("      b = [1]\n      a = {x = 1}\n", "      b = \"1\"\n")
        .replace(
            "    spread {",
            "    spread {\n      weight = 300\n    }\n    spread {",
        );
    let (code, _, err) = common::run_job(
        "decode-fixed",
        &two,
        &["plan", "j.nomad", "--nomad-version", "1.6.0"],
    );
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains("j.nomad:8,16-19: Unsuitable value type"),
        "{err}"
    );
    assert!(!err.contains(NOTE), "{err}");
}
