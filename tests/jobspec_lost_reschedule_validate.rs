//! Job.Validate's per-group loop, 1.7.2 to 1.9.x (structs.go@v1.7.2 and
//! @v1.9.7, gone in 1.10.0): `max_client_disconnect and
//! prevent_reschedule_on_lost cannot be enabled when rechedule.attempts >
//! 0` (Nomad's spelling), judged on the canonical reschedule policy, so a
//! batch job's default `attempts = 1` trips it. Before, such a job
//! validated and planned as a false all-clear.

use crate::common;

fn job(jt: &str, group: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"{jt}\"\n  group \"g\" {{\n    max_client_disconnect = \"1h\"\n    prevent_reschedule_on_lost = true\n{group}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

const TEXT: &str = "max_client_disconnect and prevent_reschedule_on_lost cannot be enabled when rechedule.attempts > 0";

#[test]
fn a_lost_group_that_is_never_replaced_may_not_ask_for_rescheduling() {
    let mut failures = Vec::new();
    let batch = job("batch", "");
    let written = job(
        "service",
        "    reschedule {\n      attempts = 2\n      interval = \"1h\"\n      unlimited = false\n    }",
    );
    for v in ["1.7.2", "1.8.0", "1.9.7"] {
        let want = common::go_multierror(v, &[TEXT.to_string()]);
        for (name, text) in [("batch", &batch), ("written", &written)] {
            let tag = format!("lost-{name}-{v}");
            common::judge_validation(&mut failures, &tag, name, text, v, Some(want.clone()));
        }
    }
    // A service job's default policy has no attempts; 1.10.0 dropped the rule.
    common::judge_validation(
        &mut failures,
        "lost-svc",
        "svc",
        &job("service", ""),
        "1.9.7",
        None,
    );
    common::judge_validation(&mut failures, "lost-110", "1.10", &batch, "1.10.0", None);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
