//! Renderer-only oracles (diffs built by hand where the sample's field set
//! predates or postdates our model), colour output and the JSON shape.

use crate::builder;

use std::collections::BTreeMap;

use builder::*;
use nomad_preflight::diff::{
    job_diff, DiffType, FieldDiff, JobDiff, ObjectDiff, TaskDiff, TaskGroupDiff,
};
use nomad_preflight::jobspec::Constraint;
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::render::plan::{render_plan, PlanView};
use nomad_preflight::render::plan_json::plan_json;
use nomad_preflight::render::template_diff::render_template_diffs;
use nomad_preflight::scheduler::{AllocMetric, DesiredUpdates, PlanResult};

fn sample(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/plan/samples/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("sample fixture")
}

fn f(ty: DiffType, name: &str, old: &str, new: &str) -> FieldDiff {
    FieldDiff {
        ty,
        name: name.into(),
        old: old.into(),
        new: new.into(),
        annotations: vec![],
    }
}

fn none(name: &str, v: &str) -> FieldDiff {
    f(DiffType::None, name, v, v)
}

fn obj(ty: DiffType, name: &str, fields: Vec<FieldDiff>, objects: Vec<ObjectDiff>) -> ObjectDiff {
    ObjectDiff {
        ty,
        name: name.into(),
        fields,
        objects,
    }
}

use DiffType::*;

#[test]
fn sample_3b_alignment_of_nested_objects() {
    let task = TaskDiff {
        ty: Edited,
        name: "redis".into(),
        fields: vec![f(Added, "Meta[key]", "", "value")],
        objects: vec![
            obj(
                Edited,
                "Config",
                vec![
                    none("image", "redis:3.2"),
                    f(Edited, "port_map[0][db]", "6379", "6380"),
                ],
                vec![],
            ),
            obj(
                Edited,
                "Resources",
                vec![
                    none("CPU", "500"),
                    none("DiskMB", "0"),
                    none("IOPS", "0"),
                    f(Edited, "MemoryMB", "256", "257"),
                ],
                vec![],
            ),
            obj(
                Edited,
                "Service",
                vec![none("Name", "global-redis-check"), none("PortLabel", "db")],
                vec![obj(
                    Edited,
                    "Check",
                    vec![
                        none("Command", ""),
                        none("InitialStatus", ""),
                        none("Interval", "10000000000"),
                        none("Name", "alive"),
                        none("Path", ""),
                        none("PortLabel", ""),
                        none("Protocol", ""),
                        f(Edited, "Timeout", "2000000000", "3000000000"),
                        none("Type", "tcp"),
                    ],
                    vec![],
                )],
            ),
        ],
        annotations: vec!["forces create/destroy update".into()],
    };
    let group = TaskGroupDiff {
        ty: Edited,
        name: "cache".into(),
        fields: vec![],
        objects: vec![
            obj(
                Edited,
                "RestartPolicy",
                vec![
                    f(Edited, "Attempts", "10", "9"),
                    none("Delay", "25000000000"),
                    none("Interval", "300000000000"),
                    none("Mode", "delay"),
                ],
                vec![],
            ),
            obj(
                Edited,
                "EphemeralDisk",
                vec![
                    none("Migrate", "false"),
                    f(Edited, "SizeMB", "300", "301"),
                    none("Sticky", "false"),
                ],
                vec![],
            ),
        ],
        tasks: vec![task],
        updates: BTreeMap::from([("create/destroy update".to_string(), 1)]),
    };
    let diff = JobDiff {
        ty: Edited,
        id: "example".into(),
        fields: vec![],
        objects: vec![],
        task_groups: vec![group],
        version: v("0.9.3"),
        unmodelled: vec![],
        masked: vec![],
        order_notes: vec![],
    };
    assert_eq!(
        format!("{}\n", render_diff(&diff, false, false)),
        sample("3b")
    );
}

#[test]
fn sample_9d_deleted_job_field_full_output() {
    let diff = JobDiff {
        ty: Edited,
        id: "example".into(),
        fields: vec![f(
            Deleted,
            "NomadTokenID",
            "8d71945a-94e4-d236-9924-104810f09f56",
            "",
        )],
        objects: vec![],
        task_groups: vec![TaskGroupDiff {
            ty: None,
            name: "cache".into(),
            fields: vec![],
            objects: vec![],
            tasks: vec![TaskDiff {
                ty: None,
                name: "redis".into(),
                fields: vec![],
                objects: vec![],
                annotations: vec![],
            }],
            updates: BTreeMap::from([("in-place update".to_string(), 1)]),
        }],
        version: v("0.12.1"),
        unmodelled: vec![],
        masked: vec![],
        order_notes: vec![],
    };
    let ver = v("0.12.1");
    let job = init_short(ver);
    let r = PlanResult {
        job_modify_index: 127068,
        ..Default::default()
    };
    let mut view = PlanView::new(&job, &r, "example.nomad", ver);
    view.diff = Some(&diff);
    assert_eq!(render_plan(&view, false), sample("9d"));
}

#[test]
fn sample_9b_job_constraint_added_prefix() {
    let ver = v("0.9.3");
    let mut old = job("dummyapp", ver);
    let mut g = group("dummyapp", ver);
    g.count = 39;
    g.tasks.push(task("dummyapp", "docker"));
    old.groups.push(g);
    let mut new = old.clone();
    new.constraints.push(Constraint {
        ltarget: "${attr.unique.network.ip-address}".into(),
        operand: "distinct_property".into(),
        rtarget: "13".into(),
        ..Default::default()
    });
    let mut r = PlanResult {
        desired_tg_updates: updates(&[(
            "dummyapp",
            DesiredUpdates {
                destructive_update: 39,
                ..Default::default()
            },
        )]),
        ..Default::default()
    };
    r.failed_tg_allocs.insert(
        "dummyapp".into(),
        AllocMetric {
            nodes_evaluated: 13,
            coalesced_failures: 24,
            ..Default::default()
        },
    );
    let mut d = job_diff(Some(&old), Some(&new), ver);
    annotate(&mut d, &r.desired_tg_updates);
    let mut view = PlanView::new(&new, &r, "dummyapp.hcl", ver);
    view.diff = Some(&d);
    let out = render_plan(&view, false);
    let text = sample("9b");
    let expected = text.split_once('\n').map(|(_, r)| r).unwrap_or("");
    let expected = expected.split("[... truncated").next().unwrap_or("");
    assert!(out.starts_with(expected), "{out}");
    assert!(out[expected.len()..].starts_with("  Task Group \"dummyapp\" (failed to place 25 a"));
}

fn colored_view_output() -> String {
    let ver = v("0.9.3");
    let old = init_short(ver);
    let mut new = old.clone();
    new.groups[0].count = 3;
    new.groups[0].tasks[0]
        .config
        .insert("image".into(), s("redis:4.0"));
    let mut r = PlanResult {
        job_modify_index: 7,
        desired_tg_updates: updates(&[(
            "cache",
            DesiredUpdates {
                place: 2,
                destructive_update: 1,
                ..Default::default()
            },
        )]),
        ..Default::default()
    };
    r.failed_tg_allocs.insert(
        "cache".into(),
        AllocMetric {
            nodes_evaluated: 2,
            nodes_exhausted: 2,
            dimension_exhausted: BTreeMap::from([("memory".to_string(), 2)]),
            coalesced_failures: 1,
            ..Default::default()
        },
    );
    let mut d = job_diff(Some(&old), Some(&new), ver);
    annotate(&mut d, &r.desired_tg_updates);
    let mut view = PlanView::new(&new, &r, "example.nomad", ver);
    view.diff = Some(&d);
    render_plan(&view, true)
}

#[test]
fn colored_plan_snapshot() {
    let out = colored_view_output();
    // Every Output call is wrapped by the colored Ui (output colour 0).
    assert!(out.starts_with("\u{1b}[0m\u{1b}[93m+/-"), "{out:?}");
    assert!(
        out.ends_with("potentially invalid.\u{1b}[0m\u{1b}[0m\n"),
        "{out:?}"
    );
    // Escapes made visible so the snapshot can be reviewed.
    assert_snap!(
        "plan_colored_count_and_image",
        out.replace('\u{1b}', "<ESC>")
    );
}

#[test]
fn json_has_nomad_shape_and_one_extra_key() {
    let ver = v("2.0.5");
    let job = init_short(ver);
    let r = PlanResult {
        desired_tg_updates: updates(&[(
            "cache",
            DesiredUpdates {
                place: 1,
                ..Default::default()
            },
        )]),
        ..Default::default()
    };
    let mut d = job_diff(Option::None, Some(&job), ver);
    annotate(&mut d, &r.desired_tg_updates);
    let mut view = PlanView::new(&job, &r, "example.nomad.hcl", ver);
    view.diff = Some(&d);
    let j = plan_json(&view);
    let keys: Vec<&str> = j
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        vec![
            "Annotations",
            "CreatedEvals",
            "Diff",
            "FailedTGAllocs",
            "JobModifyIndex",
            "NextPeriodicLaunch",
            "Preflight",
            "Warnings"
        ]
    );
    assert_eq!(j["Annotations"]["DesiredTGUpdates"]["cache"]["Place"], 1);
    assert_eq!(j["Diff"]["Type"], "Added");
    assert_eq!(j["Diff"]["TaskGroups"][0]["Updates"]["create"], 1);
    assert_eq!(
        j["Diff"]["TaskGroups"][0]["Tasks"][0]["Annotations"][0],
        "forces create"
    );
    assert_eq!(j["Preflight"]["ExitCode"], 1);
}

#[test]
fn template_changes_come_from_the_diff() {
    let ver = v("1.2.0");
    let mut old = init_short(ver);
    old.groups[0].tasks[0]
        .templates
        .push(nomad_preflight::jobspec::Template {
            dest_path: "local/a.conf".into(),
            embedded_tmpl: "port = 1\nname = x\n".into(),
            ..Default::default()
        });
    let mut new = old.clone();
    new.groups[0].tasks[0].templates[0].embedded_tmpl = "port = 2\nname = x\n".into();
    let d = job_diff(Some(&old), Some(&new), ver);
    let changes = d.template_changes();
    assert_eq!(changes.len(), 1);
    let text = render_template_diffs(&changes);
    assert!(
        text.contains("group \"cache\" task \"redis\":\n-port = 1\n+port = 2\n name = x\n"),
        "{text}"
    );
}
