//! Job.Validate's `ui` check (nomad/structs/structs.go@v1.8.0 and @v2.0.5,
//! after the spreads, before the groups): `UI description must be under
//! 1000 characters, currently %d`, Go's `len` (bytes). Before, such a job
//! validated and planned as a false all-clear.

use crate::common;

fn job(description: &str, count: i64) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  ui {{\n    description = \"{description}\"\n  }}\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn a_long_ui_description_is_refused_by_its_byte_length() {
    let mut failures = Vec::new();
    for v in ["1.8.0", "2.0.5"] {
        let long = job(&"x".repeat(1001), 1);
        let want = common::go_multierror(
            v,
            &["UI description must be under 1000 characters, currently 1001".to_string()],
        );
        common::judge_validation(
            &mut failures,
            &format!("ui-long-{v}"),
            "ui-long",
            &long,
            v,
            Some(want),
        );
        // 501 two-byte characters: 1002 bytes.
        let wide = job(&"\u{e9}".repeat(501), 1);
        let want = common::go_multierror(
            v,
            &["UI description must be under 1000 characters, currently 1002".to_string()],
        );
        common::judge_validation(
            &mut failures,
            &format!("ui-wide-{v}"),
            "ui-wide",
            &wide,
            v,
            Some(want),
        );
        // 1000 bytes pass.
        let fits = job(&"\u{e9}".repeat(500), 1);
        common::judge_validation(
            &mut failures,
            &format!("ui-fits-{v}"),
            "ui-fits",
            &fits,
            v,
            None,
        );
    }
    // Before the groups' errors.
    let v = "2.0.5";
    let both = job(&"x".repeat(1001), -1);
    let group = format!(
        "Task group g validation failed: {}",
        common::go_multierror(v, &["Task group count can't be negative".to_string()])
    );
    let want = common::go_multierror(
        v,
        &[
            "UI description must be under 1000 characters, currently 1001".to_string(),
            group,
        ],
    );
    common::judge_validation(&mut failures, "ui-order", "ui-order", &both, v, Some(want));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
