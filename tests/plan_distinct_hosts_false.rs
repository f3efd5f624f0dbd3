//! `constraint { distinct_hosts = false }` per release, as jobspec2's
//! decodeConstraint (jobspec2/hcl_conversions.go) and the scheduler's
//! DistinctHostsIterator (scheduler/feasible.go) read it. #16907
//! (84cd58db27; in 1.6.0 and backported to 1.3.14, 1.4.9, 1.5.4) keeps
//! the constraint, with RTarget "false" (a `true` one gets "true"), and the
//! scheduler stops enforcing a distinct_hosts constraint whose RTarget
//! parses as false. Before, jobspec2 dropped only the operator: the
//! constraint is an `=` with neither target, which Job.Validate refuses;
//! and a long-form `operator = "distinct_hosts"` was enforced whatever
//! its value. HCL1 (before 1.0) skips the constraint.

use crate::common;

fn job(constraint: &str) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n    constraint {{\n{constraint}    }}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

const SHORT_FALSE: &str = "      distinct_hosts = false\n";
const LONG_FALSE: &str = "      operator = \"distinct_hosts\"\n      value    = \"false\"\n";

fn plan(tag: &str, version: &str, constraint: &str) -> common::Out {
    let dir = common::one_client_project(
        tag,
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"exec\"]\n",
        &job(constraint),
    );
    common::run_in(&dir.0, &["plan", "--no-color", "jobs/web.nomad"])
}

#[test]
fn before_the_fix_a_false_shorthand_is_an_empty_equals_constraint() {
    for v in ["1.0.0", "1.4.8", "1.5.3"] {
        let o = plan(&format!("dh-short-{v}"), v, SHORT_FALSE);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.contains("Operator \"=\" requires an RTarget")
                && o.stderr
                    .contains("No LTarget provided but is required by constraint"),
            "{v}: {}",
            o.stderr
        );
    }
}

#[test]
fn from_the_fix_a_false_constraint_is_kept_and_not_enforced() {
    for v in ["1.4.9", "1.5.4", "1.6.0", "2.0.5"] {
        for (name, c) in [("short", SHORT_FALSE), ("long", LONG_FALSE)] {
            let o = plan(&format!("dh-{name}-{v}"), v, c);
            assert_eq!(o.code, 1, "{v} {name}: {}{}", o.stdout, o.stderr);
            assert!(
                o.stdout.contains("- All tasks successfully allocated."),
                "{v} {name}: {}",
                o.stdout
            );
        }
    }
    // The same long form before the fix is enforced: one node, one alloc.
    let o = plan("dh-long-1.5.3", "1.5.3", LONG_FALSE);
    assert!(
        o.stdout
            .contains("Task Group \"g\" (failed to place 1 allocation)"),
        "{}",
        o.stdout
    );
}
