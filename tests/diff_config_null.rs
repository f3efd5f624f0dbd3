//! A null in a driver's `config`, as Nomad reads and diffs it (R17-11).
//! jobspec2 stores each top-level value of a `map[string]interface{}`
//! with `m.SetMapIndex(k, reflect.ValueOf(c))`; for a null `c` that is
//! the zero reflect.Value, which deletes the key (jobspec2/parse_map.go
//! v2.0.5 `walker.Map`): `command = null` is no change. A null deeper down
//! is a nil interface the servers keep, and flatmap writes "nil" for it
//! (helper/flatmap/flatmap.go v2.0.5 `case reflect.Interface`), so it is a
//! field line of its own.

use crate::common;

use common::edit_plan::{self, web, DC1};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn plan(tag: &str, old: &str, new: &str) -> common::Out {
    let cluster = format!("nomad_version = \"2.0.5\"\n{WORLD}");
    let dir = edit_plan::project(&format!("config-null-{tag}"), &cluster, old, new);
    edit_plan::run(&dir, "2.0.5", &[])
}

fn with_config(lines: &str) -> String {
    web(DC1, "", "").replace(
        "        image = \"nginx:1\"\n",
        &format!("        image = \"nginx:1\"\n{lines}"),
    )
}

#[test]
fn a_null_in_a_list_is_a_nil_element() {
    let old = with_config("        args  = [\"a\", \"b\"]\n");
    let new = with_config("        args  = [\"a\", \"b\", null]\n");
    let o = plan("list", &old, &new);
    assert!(
        o.stdout.starts_with("+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Config {\n        args[0]: \"a\"\n        args[1]: \"b\"\n      + args[2]: \"nil\"\n        image:   \"nginx:1\"\n        }\n"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1);
}

#[test]
fn a_null_map_value_is_an_edit_to_nil() {
    let old = with_config("        labels = { x = \"1\" }\n");
    let new = with_config("        labels = { x = null }\n");
    let o = plan("map", &old, &new);
    assert!(
        o.stdout.contains("      +/- labels[x]: \"1\" => \"nil\"\n"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn a_top_level_null_is_no_key_at_all() {
    let old = with_config("        args  = [\"a\", \"b\"]\n");
    let new = with_config("        args  = [\"a\", \"b\"]\n        command = null\n");
    let o = plan("top", &old, &new);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}
