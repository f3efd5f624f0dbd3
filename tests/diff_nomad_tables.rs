//! Blocks and fields issue 13 lists, diffed as Nomad 2.0.5 diffs them:
//! cases from nomad/structs/diff_test.go (named per test) rebuilt on our
//! model, compared as Nomad's JobDiff JSON, and job-file cases for what
//! diff_test.go does not cover (derived from diff.go and api/ canonicalisation).

use crate::builder;

use crate::common;

use common::load_job;

use nomad_preflight::diff::{group_diff, job_diff, task_diff};
use nomad_preflight::jobspec::{
    Artifact, ChangeScript, Disconnect, Duration, Map, Task, TaskGroup, Template, WaitConfig,
};
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::scheduler::DesiredUpdates;
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

fn v205() -> NomadVersion {
    NomadVersion::new(2, 0, 5)
}

fn js_value<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).expect("json")
}

/// TestTaskGroupDiff "Disconnect strategy added" / "... deleted".
#[test]
fn disconnect_strategy_added_and_deleted() {
    let with = TaskGroup {
        disconnect: Some(Disconnect {
            lost_after: Some(Duration::secs(1)),
            replace: Some(true),
            reconcile: "longest_running".into(),
            stop_on_client_after: Some(Duration::secs(1)),
            ..Default::default()
        }),
        ..Default::default()
    };
    let without = TaskGroup::default();
    let added = group_diff(&without, &with, v205(), false);
    let f = |n: &str, v: &str| json!({"Type": "Added", "Name": n, "Old": "", "New": v, "Annotations": null});
    assert_eq!(
        js_value(&added.objects),
        json!([{
            "Type": "Added",
            "Name": "Disconnect",
            "Fields": [
                f("LostAfter", "1000000000"),
                f("Reconcile", "longest_running"),
                f("Replace", "true"),
                f("StopOnClientAfter", "1000000000"),
            ],
            "Objects": null,
        }])
    );
    assert_eq!(js_value(&added.ty), json!("Edited"));
    let deleted = group_diff(&with, &without, v205(), false);
    assert_eq!(js_value(&deleted.objects[0].ty), json!("Deleted"));
    assert_eq!(deleted.objects[0].fields.len(), 4);
}

fn template(dest: &str, data: &str) -> Template {
    Template {
        source_path: "foo".into(),
        dest_path: dest.into(),
        embedded_tmpl: data.into(),
        change_mode: "bam".into(),
        change_signal: "SIGHUP".into(),
        change_script: Some(ChangeScript {
            command: "/bin/foo".into(),
            args: vec!["-debug".into()],
            timeout: Duration(5),
            ..Default::default()
        }),
        splay: Duration(1),
        perms: "0644".into(),
        uid: Some(1001),
        gid: Some(21),
        wait: Some(WaitConfig {
            min: Some(Duration::secs(5)),
            max: Some(Duration::secs(5)),
        }),
        ..Default::default()
    }
}

/// TestTaskDiff "Template edited": the template keyed by destination is
/// Edited (EmbeddedTmpl, ErrMissingKey) with its `wait` as an object that
/// Nomad also names "Template"; the unmatched ones are Added / Deleted with
/// Uid, Gid, the wait and the change script (Args as a string set).
#[test]
fn template_edited() {
    let mut new_first = template("bar", "baz new");
    new_first.err_missing_key = true;
    new_first.wait.as_mut().expect("wait").max = Some(Duration::secs(10));
    let mut third = template("bar3", "baz3");
    third.source_path = "foo3".into();
    third.change_mode = "bam3".into();
    third.change_signal = "SIGHUP3".into();
    third.splay = Duration(3);
    third.perms = "0776".into();
    third.uid = Some(1002);
    third.gid = Some(22);
    third.err_missing_key = true;
    third.wait.as_mut().expect("wait").max = Some(Duration::secs(10));
    third.change_script = Some(ChangeScript {
        command: "/bin/foo3".into(),
        args: vec!["-debugss".into()],
        timeout: Duration(7),
        ..Default::default()
    });
    let mut second = template("bar2", "baz2");
    second.envvars = true;
    let old = Task {
        templates: vec![template("bar", "baz"), second],
        ..Default::default()
    };
    let new = Task {
        templates: vec![new_first, third],
        ..Default::default()
    };
    let d = task_diff(&old, &new, v205(), false);
    let objects = js_value(&d.objects);
    let edited = &objects[0];
    assert_eq!(
        edited,
        &json!({
            "Type": "Edited",
            "Name": "Template",
            "Fields": [
                {"Type": "Edited", "Name": "EmbeddedTmpl", "Old": "baz", "New": "baz new", "Annotations": null},
                {"Type": "Edited", "Name": "ErrMissingKey", "Old": "false", "New": "true", "Annotations": null},
            ],
            "Objects": [{
                "Type": "Edited",
                "Name": "Template",
                "Fields": [
                    {"Type": "Edited", "Name": "Max", "Old": "5000000000", "New": "10000000000", "Annotations": null},
                ],
                "Objects": null,
            }],
        })
    );
    let added = &objects[1];
    assert_eq!(added["Type"], "Added");
    let names: Vec<&str> = added["Fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["Name"].as_str().unwrap_or_default())
        .collect();
    // Nomad's expected list, minus LeftDelim/RightDelim (empty in its
    // Go fixture, so no change to show).
    assert_eq!(
        names,
        [
            "ChangeMode",
            "ChangeSignal",
            "DestPath",
            "EmbeddedTmpl",
            "Envvars",
            "ErrMissingKey",
            "Gid",
            "Once",
            "Perms",
            "SourcePath",
            "Splay",
            "Uid",
            "VaultGrace"
        ]
    );
    assert_eq!(
        added["Objects"],
        json!([
            {"Type": "Added", "Name": "Template", "Fields": [
                {"Type": "Added", "Name": "Max", "Old": "", "New": "10000000000", "Annotations": null},
                {"Type": "Added", "Name": "Min", "Old": "", "New": "5000000000", "Annotations": null},
            ], "Objects": null},
            {"Type": "Added", "Name": "ChangeScript", "Fields": [
                {"Type": "Added", "Name": "Command", "Old": "", "New": "/bin/foo3", "Annotations": null},
                {"Type": "Added", "Name": "FailOnError", "Old": "", "New": "false", "Annotations": null},
                {"Type": "Added", "Name": "RunOnFirstRender", "Old": "", "New": "false", "Annotations": null},
                {"Type": "Added", "Name": "Timeout", "Old": "", "New": "7", "Annotations": null},
            ], "Objects": [
                {"Type": "Added", "Name": "Args", "Fields": [
                    {"Type": "Added", "Name": "Args", "Old": "", "New": "-debugss", "Annotations": null},
                ], "Objects": null},
            ]},
        ])
    );
    assert_eq!(objects[2]["Type"], "Deleted");
    assert_eq!(
        objects[2]["Fields"][2],
        json!({"Type": "Deleted", "Name": "DestPath", "Old": "bar2", "New": "", "Annotations": null})
    );
}

/// TestTaskDiff "Template edited" as v1.6.0's diff_test.go has it (read
/// against nomad/structs/structs.go Template and diff.go templateDiff at
/// every tag 1.3.4–2.0.5): no `Once` (1.10.2+) among the added template's
/// fields, no `RunOnFirstRender` (2.0.5+) in its change script; the
/// deleted one lists Uid and Gid (set pointers) and its change script.
#[test]
fn template_edited_at_1_6_0() {
    let mut third = template("bar3", "baz3");
    third.uid = Some(1002);
    third.gid = Some(22);
    third.err_missing_key = true;
    third.change_script = Some(ChangeScript {
        command: "/bin/foo3".into(),
        args: vec!["-debugss".into()],
        timeout: Duration(7),
        ..Default::default()
    });
    let mut second = template("bar2", "baz2");
    second.uid = Some(1000);
    second.gid = Some(20);
    let old = Task {
        templates: vec![template("bar", "baz"), second],
        ..Default::default()
    };
    let new = Task {
        templates: vec![template("bar", "baz"), third],
        ..Default::default()
    };
    let d = task_diff(&old, &new, NomadVersion::new(1, 6, 0), false);
    let objects = js_value(&d.objects);
    let names = |o: &Value| -> Vec<String> {
        o["Fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["Type"].as_str().unwrap_or_default(),
                    f["Name"].as_str().unwrap_or_default()
                )
            })
            .collect()
    };
    let added: Vec<String> = [
        "ChangeMode",
        "ChangeSignal",
        "DestPath",
        "EmbeddedTmpl",
        "Envvars",
        "ErrMissingKey",
        "Gid",
        "Perms",
        "SourcePath",
        "Splay",
        "Uid",
        "VaultGrace",
    ]
    .iter()
    .map(|n| format!("Added {n}"))
    .collect();
    assert_eq!(objects[0]["Type"], "Added");
    assert_eq!(names(&objects[0]), added);
    assert_eq!(objects[0]["Objects"][1]["Name"], "ChangeScript");
    assert_eq!(
        names(&objects[0]["Objects"][1]),
        ["Added Command", "Added FailOnError", "Added Timeout"]
    );
    assert_eq!(objects[1]["Type"], "Deleted");
    assert_eq!(
        objects[1]["Fields"][6],
        json!({"Type": "Deleted", "Name": "Gid", "Old": "20", "New": "", "Annotations": null})
    );
    assert_eq!(
        names(&objects[1]["Objects"][1]),
        ["Deleted Command", "Deleted FailOnError", "Deleted Timeout"]
    );
}

/// TestTaskDiff "Artifacts edited": matched by destination (DiffID), so
/// the first is Edited; the second moved and shows Chown (1.10+).
#[test]
fn artifacts_edited_with_chown() {
    let art = |src: &str, dest: &str, chown: bool| Artifact {
        getter_source: src.into(),
        relative_dest: dest.into(),
        getter_options: Map::from([("foo".to_string(), "bar".to_string())]),
        chown,
        ..Default::default()
    };
    let old = Task {
        artifacts: vec![art("foo", "foo", false), art("bar", "bar", false)],
        ..Default::default()
    };
    let new = Task {
        artifacts: vec![art("foo/bar", "foo", false), art("bam", "bam", true)],
        ..Default::default()
    };
    let d = task_diff(&old, &new, v205(), false);
    let o = js_value(&d.objects);
    assert_eq!(
        o[0],
        json!({"Type": "Edited", "Name": "Artifact", "Fields": [
            {"Type": "Edited", "Name": "GetterSource", "Old": "foo", "New": "foo/bar", "Annotations": null}
        ], "Objects": null})
    );
    assert_eq!(o[1]["Type"], "Added");
    assert_eq!(
        o[1]["Fields"][0],
        json!({"Type": "Added", "Name": "Chown", "Old": "", "New": "true", "Annotations": null})
    );
    // Before 1.10 there is no Chown field.
    let d19 = task_diff(&old, &new, NomadVersion::new(1, 9, 0), false);
    assert!(!js_value(&d19).to_string().contains("Chown"));
}

fn job_text(group_extra: &str, task_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_extra}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task_extra}\n    }}\n  }}\n}}\n"
    )
}

/// api/tasks.go copies the group's restart policy into every task, so a
/// group `restart` edit also edits each task (no field of its own to show):
/// the task is marked `forces in-place update` (diff.go's reflect.DeepEqual
/// on the task; scheduler tasksUpdated does not compare restart policies).
#[test]
fn group_restart_propagates_into_tasks() {
    let v = v205();
    let old = load_job(&job_text("    restart {\n      attempts = 2\n    }", ""), v);
    let new = load_job(&job_text("    restart {\n      attempts = 3\n    }", ""), v);
    let mut d = job_diff(Some(&old), Some(&new), v);
    let u = DesiredUpdates {
        in_place_update: 1,
        ..Default::default()
    };
    annotate(&mut d, &builder::updates(&[("g", u)]));
    assert_eq!(
        render_diff(&d, false, false),
        "+/- Job: \"j\"\n\
         +/- Task Group: \"g\" (1 in-place update)\n  \
           +/- RestartPolicy {\n    \
             +/- Attempts:        \"2\" => \"3\"\n        \
                 Delay:           \"15000000000\"\n        \
                 Interval:        \"1800000000000\"\n        \
                 Mode:            \"fail\"\n        \
                 RenderTemplates: \"false\"\n      \
               }\n  \
           +/- Task: \"t\" (forces in-place update)"
    );
    assert!(d.unmodelled.is_empty(), "{:?}", d.unmodelled);
}

/// Task-level fields modelled for 2.0: each edit shows as Nomad's field.
#[test]
fn task_fields_show_as_nomad_fields() {
    let v = v205();
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "      resources {\n        secrets = 10\n      }",
            "      resources {\n        secrets = 20\n      }",
            "Resources",
            "SecretsMB",
        ),
        (
            "      volume_mount {\n        volume = \"v\"\n        destination = \"/v\"\n      }",
            "      volume_mount {\n        volume = \"v\"\n        destination = \"/v\"\n        selinux_label = \"Z\"\n      }",
            "VolumeMount",
            "SELinuxLabel",
        ),
        (
            "      vault {\n        role = \"a\"\n      }",
            "      vault {\n        role = \"b\"\n      }",
            "Vault",
            "Role",
        ),
        (
            "      template {\n        destination = \"x\"\n        data = \"x\"\n      }",
            "      template {\n        destination = \"x\"\n        data = \"x\"\n        uid = 1000\n      }",
            "Template",
            "Uid",
        ),
    ];
    // The mounted volume exists: from 1.6.0 Task.Validate refuses a mount
    // of an undefined volume.
    let volume = "    volume \"v\" {\n      type = \"host\"\n      source = \"v\"\n    }";
    for (old, new, object, field) in cases {
        let o = load_job(&job_text(volume, old), v);
        let n = load_job(&job_text(volume, new), v);
        let d = job_diff(Some(&o), Some(&n), v);
        let t = &d.task_groups[0].tasks[0];
        let obj = t
            .objects
            .iter()
            .find(|x| x.name == *object)
            .unwrap_or_else(|| panic!("{object}: {t:#?}"));
        assert!(
            obj.fields
                .iter()
                .any(|f| f.name == *field && f.ty != nomad_preflight::diff::DiffType::None),
            "{object}.{field}: {obj:#?}"
        );
        assert!(d.unmodelled.is_empty(), "{field}: {:?}", d.unmodelled);
    }
}

/// DNS (NetworkResource.Diff, TestTaskGroupDiff "Network resources"),
/// CNIConfig (1.9+), dynamic ports' HostNetwork default and filtered
/// IgnoreCollision, and CSI MountOptions, from job files.
#[test]
fn network_and_volume_objects() {
    let v = v205();
    let net = |extra: &str| {
        format!("    network {{\n      mode = \"bridge\"\n      port \"http\" {{}}\n{extra}\n    }}\n    volume \"v\" {{\n      type = \"csi\"\n      source = \"s\"\n      attachment_mode = \"file-system\"\n      access_mode = \"single-node-writer\"\n    }}")
    };
    let old = load_job(&job_text(&net(""), ""), v);
    let new = load_job(
        &job_text(&net("      dns {\n        servers = [\"1.1.1.1\"]\n      }\n      cni {\n        args = {\n          a = \"1\"\n        }\n      }"), ""),
        v,
    );
    let d = job_diff(Some(&old), Some(&new), v);
    let text = render_diff(&d, false, false);
    assert!(text.contains("+ DNS {\n"), "{text}");
    assert!(text.contains("+ Servers: \"1.1.1.1\""), "{text}");
    assert!(text.contains("+ CNIConfig {\n"), "{text}");
    assert!(text.contains("+ a: \"1\""), "{text}");
    assert!(text.contains("HostNetwork: \"default\""), "{text}");
    assert!(!text.contains("IgnoreCollision"), "{text}");
    assert!(d.unmodelled.is_empty(), "{:?}", d.unmodelled);
}
