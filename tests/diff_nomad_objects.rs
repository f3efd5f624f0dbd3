//! The job and task objects Nomad added after 0.12 (UI, Multiregion,
//! Identity, Action, Secret, Schedule, Consul, NUMA), read from job files
//! and diffed as Nomad 2.0.5's nomad/structs/diff.go diffs them. Cases
//! named after a diff_test.go test reproduce that table's expected
//! JobDiff/TaskDiff/TaskGroupDiff (which diffs without context); the
//! others are derived from diff.go and api/ canonicalisation, as cited.

use crate::common;

use nomad_preflight::diff::JobDiff;
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::version::NomadVersion;
use serde_json::json;

fn job(job_extra: &str, group_extra: &str, task_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_extra}\n  group \"g\" {{\n{group_extra}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task_extra}\n    }}\n  }}\n}}\n"
    )
}

fn diff(old: &str, new: &str, contextual: bool) -> JobDiff {
    common::diff_205(old, new, contextual)
}

use common::field_json as field;

use common::to_json;

/// TestJobDiff "Multiregion: region added" (west edited, east added,
/// strategy edited). The region's datacenters are a string set inside it.
#[test]
fn multiregion_region_added() {
    let old = job(
        "  multiregion {\n    strategy {\n      max_parallel = 1\n      on_failure = \"fail_all\"\n    }\n    region \"west\" {\n      count = 1\n      datacenters = [\"west-1\"]\n      meta {\n        region_code = \"W\"\n      }\n    }\n  }",
        "",
        "",
    );
    let new = job(
        "  multiregion {\n    strategy {\n      max_parallel = 2\n      on_failure = \"fail_all\"\n    }\n    region \"west\" {\n      count = 3\n      datacenters = [\"west-2\"]\n      meta {\n        region_code = \"W\"\n      }\n    }\n    region \"east\" {\n      count = 2\n      datacenters = [\"east-1\", \"east-2\"]\n      meta {\n        region_code = \"E\"\n      }\n    }\n  }",
        "",
        "",
    );
    let d = diff(&old, &new, false);
    assert_eq!(to_json(&d.ty), json!("Edited"));
    assert!(d.unmodelled.is_empty(), "{:?}", d.unmodelled);
    assert_eq!(
        to_json(&d.objects),
        json!([{
            "Type": "Edited",
            "Name": "Multiregion",
            "Fields": [],
            "Objects": [
                {
                    "Type": "Edited",
                    "Name": "Region",
                    "Fields": [field("Edited", "Count", "1", "3")],
                    "Objects": [{
                        "Type": "Edited",
                        "Name": "Datacenters",
                        "Fields": [
                            field("Added", "Datacenters", "", "west-2"),
                            field("Deleted", "Datacenters", "west-1", ""),
                        ],
                        "Objects": null,
                    }],
                },
                {
                    "Type": "Added",
                    "Name": "Region",
                    "Fields": [
                        field("Added", "Count", "", "2"),
                        field("Added", "Meta[region_code]", "", "E"),
                        field("Added", "Name", "", "east"),
                    ],
                    "Objects": [{
                        "Type": "Added",
                        "Name": "Datacenters",
                        "Fields": [
                            field("Added", "Datacenters", "", "east-1"),
                            field("Added", "Datacenters", "", "east-2"),
                        ],
                        "Objects": null,
                    }],
                },
                {
                    "Type": "Edited",
                    "Name": "Strategy",
                    "Fields": [field("Edited", "MaxParallel", "1", "2")],
                    "Objects": null,
                },
            ],
        }])
    );
}

/// TestJobDiff "UI block is added" (from an empty `ui {}`) and "UI block is
/// edited" (a link edited by position, one added), then the plan's text.
#[test]
fn ui_added_and_edited() {
    let old = job("  ui {\n  }", "", "");
    let new = job(
        "  ui {\n    description = \"a job description\"\n    link {\n      label = \"example\"\n      url = \"http://example.com\"\n    }\n  }",
        "",
        "",
    );
    let d = diff(&old, &new, false);
    assert_eq!(
        to_json(&d.objects),
        json!([{
            "Type": "Edited",
            "Name": "UI",
            "Fields": [field("Added", "Description", "", "a job description")],
            "Objects": [{
                "Type": "Added",
                "Name": "Link",
                "Fields": [
                    field("Added", "Label", "", "example"),
                    field("Added", "Url", "", "http://example.com"),
                ],
                "Objects": null,
            }],
        }])
    );

    let old = job(
        "  ui {\n    description = \"old job description\"\n    link {\n      label = \"foo example\"\n      url = \"http://foo.example.com\"\n    }\n  }",
        "",
        "",
    );
    let new = job(
        "  ui {\n    description = \"new job description\"\n    link {\n      label = \"bar example\"\n      url = \"http://bar.example.com\"\n    }\n    link {\n      label = \"baz example\"\n      url = \"http://baz.example.com\"\n    }\n  }",
        "",
        "",
    );
    let d = diff(&old, &new, false);
    assert_eq!(
        to_json(&d.objects),
        json!([{
            "Type": "Edited",
            "Name": "UI",
            "Fields": [field("Edited", "Description", "old job description", "new job description")],
            "Objects": [
                {
                    "Type": "Edited",
                    "Name": "Link",
                    "Fields": [
                        field("Edited", "Label", "foo example", "bar example"),
                        field("Edited", "Url", "http://foo.example.com", "http://bar.example.com"),
                    ],
                    "Objects": null,
                },
                {
                    "Type": "Added",
                    "Name": "Link",
                    "Fields": [
                        field("Added", "Label", "", "baz example"),
                        field("Added", "Url", "", "http://baz.example.com"),
                    ],
                    "Objects": null,
                },
            ],
        }])
    );
    // The plan (contextual) prints it as Nomad's job objects.
    let d = diff(&old, &new, true);
    assert_eq!(
        render_diff(&d, false, false),
        "+/- Job: \"j\"\n\
         +/- UI {\n  \
           +/- Description: \"old job description\" => \"new job description\"\n  \
           +/- Link {\n    \
             +/- Label: \"foo example\" => \"bar example\"\n    \
             +/- Url:   \"http://foo.example.com\" => \"http://bar.example.com\"\n      \
               }\n  \
           +   Link {\n      \
                 + Label: \"baz example\"\n      \
                 + Url:   \"http://baz.example.com\"\n      \
               }\n    \
             }\n    \
             Task Group: \"g\"\n      \
               Task: \"t\""
    );
}

/// TestTaskGroupDiff "Consul added/deleted/updated", from files: api/
/// consul.go makes an empty cluster "default" (1.7+), so the update shows
/// the cluster edited from "default" rather than added.
#[test]
fn group_consul_added_deleted_updated() {
    let none = job("", "", "");
    let team1 = job("", "    consul {\n      namespace = \"team1\"\n    }", "");
    let team2 = job(
        "",
        "    consul {\n      namespace = \"team2\"\n      cluster = \"us-east-1\"\n      partition = \"us-east-1a\"\n    }",
        "",
    );
    let objects = |a: &str, b: &str| to_json(&diff(a, b, false).task_groups[0].objects);
    assert_eq!(
        objects(&none, &team1),
        json!([{
            "Type": "Added",
            "Name": "Consul",
            "Fields": [
                field("Added", "Cluster", "", "default"),
                field("Added", "Namespace", "", "team1"),
            ],
            "Objects": null,
        }])
    );
    assert_eq!(
        objects(&team1, &none),
        json!([{
            "Type": "Deleted",
            "Name": "Consul",
            "Fields": [
                field("Deleted", "Cluster", "default", ""),
                field("Deleted", "Namespace", "team1", ""),
            ],
            "Objects": null,
        }])
    );
    assert_eq!(
        objects(&team1, &team2),
        json!([{
            "Type": "Edited",
            "Name": "Consul",
            "Fields": [
                field("Edited", "Cluster", "default", "us-east-1"),
                field("Edited", "Namespace", "team1", "team2"),
                field("Added", "Partition", "", "us-east-1a"),
            ],
            "Objects": null,
        }])
    );
}

/// TestTaskDiff "Identity added"/"Identity modified", from files: from 1.7
/// `Task.Canonicalize` always gives a task its default identity, so writing
/// `identity { env = true }` edits that identity (Env false => true) and
/// forces a destructive update (annotate.go: any object but Service,
/// Constraint, Affinity, Spread, LogConfig).
#[test]
fn default_identity_edited() {
    let old = job("", "", "");
    let new = job("", "", "      identity {\n        env = true\n      }");
    let d = diff(&old, &new, false);
    let t = &d.task_groups[0].tasks[0];
    assert_eq!(
        to_json(&t.objects),
        json!([{
            "Type": "Edited",
            "Name": "Identity",
            "Fields": [field("Edited", "Env", "false", "true")],
            "Objects": null,
        }])
    );
    assert_eq!(t.annotations, ["forces create/destroy update"]);
    let d = diff(&old, &new, true);
    let text = render_diff(&d, false, false);
    assert!(
        text.contains(
            "+/- Task: \"t\" (forces create/destroy update)\n    \
               +/- Identity {\n          \
                     ChangeMode:   \"\"\n          \
                     ChangeSignal: \"\"\n      \
                 +/- Env:          \"false\" => \"true\"\n          \
                     File:         \"false\"\n          \
                     Filepath:     \"\"\n          \
                     Name:         \"default\"\n          \
                     ServiceName:  \"\"\n          \
                     TTL:          \"0\"\n          \
                     Audience {\n            \
                       Audience: \"nomadproject.io\"\n          \
                     }\n        \
                   }"
        ),
        "{text}"
    );
}

/// TestTaskDiff "Alternate identities added": a named identity is matched
/// by name; the new one is Added with its Audience set.
#[test]
fn named_identity_added() {
    let consul = "      identity {\n        name = \"consul\"\n        aud = [\"consul.io\"]\n        env = true\n      }";
    let vault = "      identity {\n        name = \"vault\"\n        aud = [\"vault.io\"]\n        file = true\n        ttl = \"1h\"\n      }";
    let d = diff(
        &job("", "", consul),
        &job("", "", &format!("{consul}\n{vault}")),
        false,
    );
    assert_eq!(
        to_json(&d.task_groups[0].tasks[0].objects),
        json!([{
            "Type": "Added",
            "Name": "Identity",
            "Fields": [
                field("Added", "Env", "", "false"),
                field("Added", "File", "", "true"),
                field("Added", "Name", "", "vault"),
                field("Added", "TTL", "", "3600000000000"),
            ],
            "Objects": [{
                "Type": "Added",
                "Name": "Audience",
                "Fields": [field("Added", "Audience", "", "vault.io")],
                "Objects": null,
            }],
        }])
    );
}

/// diff.go `actionDiffs` (by position, Args a string set), `secretsDiffs`
/// (by name, flattened whole: Config[...] and Env[...]) and `scheduleDiff`
/// (the cron block as a primitive object): each edit shows, each forces a
/// destructive update.
#[test]
fn action_secret_and_schedule() {
    let old = job(
        "",
        "",
        "      action \"dump\" {\n        command = \"/bin/dump\"\n        args = [\"-a\"]\n      }\n      secret \"db\" {\n        provider = \"nomad\"\n        path = \"kv/db\"\n        config {\n          engine = \"kv_v2\"\n        }\n      }\n      schedule {\n        cron {\n          start = \"0 12 * * * *\"\n          end = \"0 16\"\n        }\n      }",
    );
    let new = job(
        "",
        "",
        "      action \"dump\" {\n        command = \"/bin/dump\"\n        args = [\"-b\"]\n      }\n      secret \"db\" {\n        provider = \"nomad\"\n        path = \"kv/db2\"\n        config {\n          engine = \"kv_v1\"\n        }\n      }\n      schedule {\n        cron {\n          start = \"0 13 * * * *\"\n          end = \"0 16\"\n        }\n      }",
    );
    let d = diff(&old, &new, false);
    let t = &d.task_groups[0].tasks[0];
    assert_eq!(
        to_json(&t.objects),
        json!([
            {
                "Type": "Edited",
                "Name": "Secret",
                "Fields": [
                    field("Edited", "Config[engine]", "kv_v2", "kv_v1"),
                    field("Edited", "Path", "kv/db", "kv/db2"),
                ],
                "Objects": null,
            },
            {
                "Type": "Edited",
                "Name": "Action",
                "Fields": [],
                "Objects": [{
                    "Type": "Edited",
                    "Name": "Args",
                    "Fields": [
                        field("Added", "Args", "", "-b"),
                        field("Deleted", "Args", "-a", ""),
                    ],
                    "Objects": null,
                }],
            },
            {
                "Type": "Edited",
                "Name": "Schedule",
                "Fields": [field("Edited", "Start", "0 12 * * * *", "0 13 * * * *")],
                "Objects": null,
            },
        ])
    );
    assert_eq!(t.annotations, ["forces create/destroy update"]);
    assert!(d.unmodelled.is_empty(), "{:?}", d.unmodelled);
}

/// A task `consul` block (1.7+) and `resources { numa }` (1.11+): Nomad's
/// Consul object in the task, NUMA inside Resources (affinity "none"
/// unless written, api/resources.go).
#[test]
fn task_consul_and_numa() {
    let old = job("", "", "      resources {\n        cores = 2\n      }");
    let new = job(
        "",
        "",
        "      consul {\n        namespace = \"apps\"\n      }\n      resources {\n        cores = 2\n        numa {\n          affinity = \"require\"\n        }\n      }",
    );
    let d = diff(&old, &new, false);
    let objects = to_json(&d.task_groups[0].tasks[0].objects);
    assert_eq!(
        objects,
        json!([
            {
                "Type": "Edited",
                "Name": "Resources",
                "Fields": [],
                "Objects": [{
                    "Type": "Added",
                    "Name": "NUMA",
                    "Fields": [field("Added", "Affinity", "", "require")],
                    "Objects": null,
                }],
            },
            {
                "Type": "Added",
                "Name": "Consul",
                "Fields": [
                    field("Added", "Cluster", "", "default"),
                    field("Added", "Namespace", "", "apps"),
                ],
                "Objects": null,
            },
        ])
    );
}

/// diff.go's Task.Diff has no CSIPluginConfig object, but its
/// reflect.DeepEqual marks the task edited: Nomad shows the task edited
/// with nothing inside, `forces in-place update` (annotate.go finds no
/// destructive field or object). We add the "not shown" note.
#[test]
fn csi_plugin_edit_marks_the_task_edited() {
    let csi = |id: &str| {
        format!("      csi_plugin {{\n        id = \"{id}\"\n        type = \"monolith\"\n        mount_dir = \"/csi\"\n      }}")
    };
    let d = diff(&job("", "", &csi("a")), &job("", "", &csi("b")), true);
    let t = &d.task_groups[0].tasks[0];
    assert_eq!(to_json(&t.ty), json!("Edited"));
    assert!(t.objects.is_empty() && t.fields.is_empty());
    assert_eq!(t.annotations, ["forces in-place update"]);
    assert_eq!(d.unmodelled.len(), 1, "{:?}", d.unmodelled);
    assert!(d.unmodelled[0].fields.is_empty());
}

/// Under an older Nomad the objects its diff.go lacks do not appear (UI
/// before 1.8, secrets before 1.11); an edit there is still never "no
/// change": the task or job is edited and the safety net says so.
#[test]
fn older_versions_never_drop_the_edit() {
    // The ui block arrived in 1.8.0's parser and diff.go together: 1.6's
    // parser refuses it (a version gate), so no 1.6 plan can drop it.
    let mut mem = nomad_preflight::vfs::MemVfs::new("test");
    mem.insert(
        "j.nomad",
        job("  ui {\n    description = \"x\"\n  }", "", ""),
    );
    let opts = nomad_preflight::jobspec::LoadOptions {
        version: NomadVersion::new(1, 6, 0),
        ..Default::default()
    };
    let p = nomad_preflight::jobspec::load(&mem, std::path::Path::new("j.nomad"), &opts);
    assert!(p
        .diags
        .iter()
        .any(|d| d.code == nomad_preflight::jobspec::version_gates::CODE && d.is_error()));
}
