//! The Why-item diff tests' helpers (diff_why_exact*.rs): a fixture pair
//! put through the Plan RPC's steps, and its JSON and text compared.

use super::{load_job, to_json};
use nomad_preflight::diff::{job_diff_with, JobDiff};
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

pub fn fixture(item: &str, side: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff/why")
        .join(format!("{item}.{side}.nomad"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The diff `nomad job plan` computes between the stored (mutated) old job
/// and the mutated new one.
pub fn plan_diff(item: &str, contextual: bool) -> JobDiff {
    let v = NomadVersion::new(2, 0, 5);
    let admit = |side: &str| {
        nomad_preflight::mutators::apply(&load_job(&fixture(item, side), v), v, &Default::default())
            .unwrap_or_else(|e| panic!("{item}.{side}: {e}"))
    };
    let (old, new) = (admit("old"), admit("new"));
    let mut d = job_diff_with(Some(&old), Some(&new), v, contextual);
    nomad_preflight::planner::annotate::annotate(&mut d, &Default::default());
    assert!(d.unmodelled.is_empty(), "{item}: {:?}", d.unmodelled);
    d
}

pub fn obj(ty: &str, name: &str, fields: Value, objects: Value) -> Value {
    json!({"Type": ty, "Name": name, "Fields": fields, "Objects": objects})
}

pub fn task(ty: &str, objects: Value, fields: Value, annotations: Value) -> Value {
    json!({"Type": ty, "Name": "t", "Fields": fields, "Objects": objects, "Annotations": annotations})
}

pub const UNCHANGED_TASK: &str =
    r#"{"Type": "None", "Name": "t", "Fields": null, "Objects": null, "Annotations": null}"#;

/// The job `j` edited in group `g` only.
pub fn group_edited(objects: Value, t: Value) -> Value {
    json!({"Type": "Edited", "ID": "j", "Fields": null, "Objects": null, "TaskGroups": [{
        "Type": "Edited", "Name": "g", "Fields": null, "Objects": objects,
        "Tasks": [t], "Updates": {},
    }]})
}

pub fn check(item: &str, want_json: Value, want_text: &str) {
    assert_eq!(to_json(&plan_diff(item, false)), want_json, "{item} JSON");
    assert_eq!(
        render_diff(&plan_diff(item, true), false, false),
        want_text,
        "{item} text"
    );
}

pub const DESTRUCTIVE: &str = "forces create/destroy update";

/// An object without objects of its own.
pub fn leaf(ty: &str, name: &str, fields: Value) -> Value {
    obj(ty, name, fields, json!(null))
}

/// Task `t` edited by `objects` alone, which annotate.go finds destructive.
pub fn destructive(objects: Value) -> Value {
    task("Edited", objects, json!(null), json!([DESTRUCTIVE]))
}
