//! An env value that is the empty string, as Nomad's diff shows it. The
//! task's primitive fields are flattened (helper/flatmap: `Env[X]` = "")
//! and compared with `fieldDiffs(old, new, false)` (nomad/structs/diff.go),
//! where a key missing on one side reads as "": `fieldDiff("", "")` is nil,
//! so an added or removed `X = ""` has no field line, and `"" => "v"` is an
//! added field, not an edited one. The task is still Edited
//! (`!reflect.DeepEqual`), annotated in place (scheduler/annotate.go
//! annotateTask: no field, no object), while the scheduler's tasksUpdated
//! compares Env (`reflect.DeepEqual` at 0.9.3, `maps.Equal` from 1.x) and
//! replaces the allocation. fieldDiffs, fieldDiff and flatmap are the same
//! from v0.9.3 to v2.0.5.

use crate::common;

use common::edit_plan::{self, web, DC1};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn env(lines: &str) -> String {
    web(DC1, "", &format!("      env {{\n{lines}      }}\n"))
}

fn plan(tag: &str, version: &str, old: &str, new: &str, extra: &[&str]) -> common::Out {
    let cluster = format!("nomad_version = \"{version}\"\n{WORLD}");
    let dir = edit_plan::project(&format!("env-empty-{tag}-{version}"), &cluster, old, new);
    edit_plan::run(&dir, version, extra)
}

const VERSIONS: &[&str] = &["0.9.3", "0.12.12", "1.0.0", "1.6.0", "2.0.5"];

const HIDDEN: &str = "+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces in-place update)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";

#[test]
fn an_added_or_removed_empty_value_has_no_field_line() {
    let none = web(DC1, "", "");
    let empty = env("        X = \"\"\n");
    let both = env("        A = \"1\"\n        X = \"\"\n");
    let one = env("        A = \"1\"\n");
    for v in VERSIONS {
        for (tag, old, new) in [
            ("add", &none, &empty),
            ("drop", &empty, &none),
            ("add-beside", &one, &both),
        ] {
            let o = plan(tag, v, old, new, &[]);
            assert_eq!(o.code, 1, "{v} {tag}: {}{}", o.stdout, o.stderr);
            assert_eq!(edit_plan::head(&o), HIDDEN, "{v} {tag}");
        }
    }
    // JSON: the task is Edited with no Fields, annotated in place.
    let o = plan("json", "1.6.0", &none, &empty, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let task = &v["Diff"]["TaskGroups"][0]["Tasks"][0];
    assert_eq!(
        task,
        &serde_json::json!({
            "Annotations": ["forces in-place update"],
            "Fields": null,
            "Name": "t",
            "Objects": null,
            "Type": "Edited",
        })
    );
}

#[test]
fn an_empty_value_on_one_side_is_an_added_or_deleted_field() {
    let empty = env("        X = \"\"\n");
    let set = env("        X = \"v\"\n");
    let head = |line: &str| {
        format!("+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    {line}\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n")
    };
    for v in VERSIONS {
        let o = plan("set", v, &empty, &set, &[]);
        assert_eq!(edit_plan::head(&o), head("+ Env[X]: \"v\""), "{v}");
        let o = plan("unset", v, &set, &empty, &[]);
        assert_eq!(edit_plan::head(&o), head("- Env[X]: \"v\""), "{v}");
    }
}
