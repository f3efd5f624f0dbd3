//! Which side of a Connect service edit Nomad's scheduler judges:
//! `tasksUpdated` gets the new job first (scheduler/util.go
//! genericAllocUpdateFn `tasksUpdated(newJob, existing.Job, ...)`,
//! v1.0.4:935, v1.6.0:863, v2.0.5:814) and `connectServiceUpdated` walks
//! the first job's Connect services, each against the other job's service
//! of its name (v1.0.4:442-461, v2.0.5:352-380). So a service that gains a
//! `connect { native = true }` block is replaced (from 1.0.4, when
//! `connectUpdated` began to treat one nil side as a change), while one that
//! loses it, or is renamed, is updated in place. We walked the old job's
//! services: the other way round.

use crate::common;

use common::edit_plan::{self, group_counts, DC1};

const CLUSTER: &str = r#"region = "global"

client "c" {
  count      = 3
  datacenter = "dc1"
  cpu        = 8000
  memory     = 16000
  disk       = 50000
  drivers    = ["docker"]
}
"#;

/// A group service `name` on port "http" of task "t", with `connect`.
fn job(name: &str, connect: &str) -> String {
    edit_plan::web(
        DC1,
        &format!("    count = 2\n    network {{\n      port \"http\" {{}}\n    }}\n    service {{\n      name = \"{name}\"\n      port = \"http\"\n      task = \"t\"\n{connect}    }}\n"),
        "",
    )
}

const NATIVE: &str = "      connect {\n        native = true\n      }\n";

/// Exit code and the group's counts line.
fn plan(tag: &str, version: &str, old: &str, new: &str) -> (i32, String) {
    let tag = format!("connect-direction-{tag}-{version}");
    group_counts(&edit_plan::plan(&tag, CLUSTER, version, old, new), "g")
}

const IN_PLACE: &str = "+/- Task Group: \"g\" (2 in-place update)";
const REPLACED: &str = "+/- Task Group: \"g\" (1 create/destroy update, 1 ignore)";

#[test]
fn a_service_gaining_a_native_connect_block_is_replaced_from_1_0_4() {
    let (plain, native) = (job("api", ""), job("api", NATIVE));
    assert_eq!(
        plan("add", "1.0.3", &plain, &native),
        (0, IN_PLACE.to_string())
    );
    for version in ["1.0.4", "1.6.0", "1.7.0", "2.0.5"] {
        assert_eq!(
            plan("add", version, &plain, &native),
            (1, REPLACED.to_string()),
            "{version}"
        );
    }
}

#[test]
fn a_service_losing_its_connect_block_or_renamed_is_updated_in_place() {
    let native = job("api", NATIVE);
    for version in ["1.0.3", "1.0.4", "1.6.0", "2.0.5"] {
        assert_eq!(
            plan("drop", version, &native, &job("api", "")),
            (0, IN_PLACE.to_string()),
            "{version}"
        );
        assert_eq!(
            plan("rename", version, &native, &job("api2", NATIVE)),
            (0, IN_PLACE.to_string()),
            "{version}"
        );
    }
}
