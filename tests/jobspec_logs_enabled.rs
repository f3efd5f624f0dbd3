//! A task's `logs { enabled }` in Nomad 1.5.4, the one release whose
//! api.LogConfig has `Enabled` (default true) and whose servers keep it
//! (command/agent/job_endpoint.go apiLogConfigToStructs copies it to
//! structs.LogConfig.Enabled). 1.5.5 swapped it for `Disabled` and copies
//! only that: `enabled` is then decoded and dropped. We dropped it at 1.5.4
//! too, so turning the logger off planned as no change.
//!
//! At 1.5.4 the diff names the field `Enabled` (structs.go, diff.go
//! primitiveObjectDiff), tasksUpdated replaces the task when it changes
//! (scheduler/util.go, "task log enabled"), and annotate.go marks the task
//! destructive for any LogConfig field named `Enabled`, as 1.5.5 on does
//! for `Disabled`: whatever its diff type, and the Plan RPC's contextual
//! diff lists it unchanged too, so any edit of the logs block forces
//! create/destroy on the task, while the group, judged by tasksUpdated,
//! is updated in place.

use crate::common;

use common::dialect::{expect, task_edit};

fn enabled() -> (String, String) {
    task_edit(
        "      logs {\n        enabled = @\n      }\n",
        "true",
        "false",
    )
}

fn max_files() -> (String, String) {
    task_edit("      logs {\n        max_files = @\n      }\n", "10", "5")
}

#[test]
fn turning_the_logger_off_replaces_the_task_at_1_5_4() {
    expect(
        "logs-enabled",
        "1.5.4",
        &enabled(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- LogConfig {\n      +/- Enabled:       \"true\" => \"false\"\n          MaxFileSizeMB: \"10\"\n          MaxFiles:      \"10\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Enabled","New":"false","Old":"true","Type":"Edited"},{"Annotations":null,"Name":"MaxFileSizeMB","New":"10","Old":"10","Type":"None"},{"Annotations":null,"Name":"MaxFiles","New":"10","Old":"10","Type":"None"}],"Name":"LogConfig","Objects":null,"Type":"Edited"}]"#,
    );
}

#[test]
fn from_1_5_5_enabled_never_reaches_the_servers() {
    expect(
        "logs-enabled",
        "1.5.5",
        &enabled(),
        "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
        "tobjects",
        "null",
    );
}

#[test]
fn any_logs_edit_forces_the_task_destructive_from_1_5_4() {
    for v in ["1.5.4", "1.6.0"] {
        let field = if v == "1.5.4" { "Enabled" } else { "Disabled" };
        let value = if v == "1.5.4" { "true" } else { "false" };
        let pad = if v == "1.5.4" { "       " } else { "      " };
        expect(
            "logs-max-files",
            v,
            &max_files(),
            &format!("+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- LogConfig {{\n          {field}:{pad}\"{value}\"\n          MaxFileSizeMB: \"10\"\n      +/- MaxFiles:      \"10\" => \"5\"\n        }}\n"),
            "tobjects",
            &format!(r#"[{{"Fields":[{{"Annotations":null,"Name":"{field}","New":"{value}","Old":"{value}","Type":"None"}},{{"Annotations":null,"Name":"MaxFileSizeMB","New":"10","Old":"10","Type":"None"}},{{"Annotations":null,"Name":"MaxFiles","New":"5","Old":"10","Type":"Edited"}}],"Name":"LogConfig","Objects":null,"Type":"Edited"}}]"#),
        );
    }
    // Before 1.5.4 LogConfig is in place.
    expect(
        "logs-max-files",
        "1.5.3",
        &max_files(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- LogConfig {\n          MaxFileSizeMB: \"10\"\n      +/- MaxFiles:      \"10\" => \"5\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"MaxFileSizeMB","New":"10","Old":"10","Type":"None"},{"Annotations":null,"Name":"MaxFiles","New":"5","Old":"10","Type":"Edited"}],"Name":"LogConfig","Objects":null,"Type":"Edited"}]"#,
    );
}
