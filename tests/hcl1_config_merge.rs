//! Under HCL1 (0.9.3 to 0.12.x) a task's repeated `config` blocks merge:
//! jobspec/parse.go@v0.9.3 (parse_task.go@v0.12.12) decodes every block
//! into the task's one map, and mapstructure's WeakDecode into a map that
//! exists replaces keys, so later keys win. np10 refused the file as a
//! duplicate (redteam10 R10-9). HCL2 (1.0+) refuses it, as hcl does.

use crate::common;

use common::{run_in, TempDir};

fn job(config: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n    task \"web\" {{\n      driver = \"docker\"\n{config}      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

const ONE: &str =
    "      config {\n        image = \"nginx:1.25\"\n        args  = [\"a\"]\n      }\n";
const TWO: &str = "      config {\n        command = \"x\"\n        args    = [\"b\"]\n      }\n      config {\n        image = \"nginx:1.25\"\n        args  = [\"a\"]\n      }\n";

fn project(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("base.nomad", &job(ONE));
    d.put("two.nomad", &job(TWO));
    d
}

#[test]
fn repeated_config_blocks_merge_under_hcl1_later_keys_winning() {
    let d = project("hcl1-config-merge");
    for v in ["0.9.3", "0.12.12"] {
        let o = run_in(
            &d.0,
            &[
                "plan",
                "--nomad-version",
                v,
                "--running",
                "base.nomad",
                "two.nomad",
            ],
        );
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(!o.stderr.contains("Duplicate config block"), "{}", o.stderr);
        // Only `command` is new: `args` of the second block replaced the
        // first's, which is what base.nomad says (an unchanged line).
        assert!(o.stdout.contains("+ command:"), "{v}: {}", o.stdout);
        assert!(o.stdout.contains("    args[0]: \"a\""), "{v}: {}", o.stdout);
        assert!(!o.stdout.contains("\"b\""), "{v}: {}", o.stdout);
        assert!(
            o.stdout.contains("(forces create/destroy update)"),
            "{v}: {}",
            o.stdout
        );
        let c = run_in(&d.0, &["check", "--nomad-version", v, "two.nomad"]);
        assert_eq!(c.code, 0, "{v}: {}{}", c.stdout, c.stderr);
    }
}

/// Guard: HCL2 still refuses the repeat, with hcl's text.
#[test]
fn hcl2_still_refuses_a_repeated_config_block() {
    let d = project("hcl2-config-repeat");
    let o = run_in(&d.0, &["validate", "--nomad-version", "1.0.0", "two.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("Duplicate config block; Only one config block is allowed."),
        "{}",
        o.stderr
    );
}
