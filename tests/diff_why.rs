//! Issue 13's "Why" items, each from two job files: the exact diff Nomad
//! 2.0.5 computes (nomad/structs/diff.go) as JSON, and the text `nomad job
//! plan` prints for it (command/job_plan.go). Cases named after a
//! diff_test.go table reproduce that table's Expected, adjusted only where
//! a job file goes through the API's canonicalisation first (cited).

use crate::common;

use common::load_job;

use nomad_preflight::diff::{job_diff_with, JobDiff};
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

fn v205() -> NomadVersion {
    NomadVersion::new(2, 0, 5)
}

fn job(group_extra: &str, task_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_extra}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task_extra}\n    }}\n  }}\n}}\n"
    )
}

fn diff(old: &str, new: &str, contextual: bool) -> JobDiff {
    common::diff_205(old, new, contextual)
}

use common::field_json as field;

use common::to_json;

/// The group of a diff as JSON (ObjectDiff `Fields` is `[]` where Go
/// writes `null`: src/diff/mod.rs says why).
fn group_json(d: &JobDiff) -> Value {
    let mut j = to_json(d);
    j["TaskGroups"][0]["Updates"] = json!({});
    j
}

const NET_OLD: &str = "    network {\n      device = \"foo\"\n      cidr = \"foo\"\n      ip = \"foo\"\n      mbits = 100\n      hostname = \"foo\"\n      port \"foo\" {\n        static = 80\n      }\n    }";
const NET_NEW: &str = "    network {\n      device = \"bar\"\n      cidr = \"bar\"\n      ip = \"bar\"\n      mbits = 200\n      hostname = \"bar\"\n      port \"bar\" {\n        to = 8081\n        host_network = \"public\"\n      }\n      dns {\n        servers = [\"1.1.1.1\"]\n      }\n    }";

/// Why: network `DNS`, dynamic ports' `IgnoreCollision` (filtered),
/// `HostNetwork` default. TestTaskGroupDiff "TaskGroup Networks edited"
/// (v2.0.5): networks are matched whole, so the edit is a Deleted and an
/// Added network; Device, CIDR, IP and MBits are filtered out of the
/// fields; a dynamic port has no IgnoreCollision; DNS is an object. From a
/// file, structs NetworkResource.Canonicalize gives the static port the
/// HostNetwork "default" (the table's struct literal has "").
#[test]
fn networks_edited() {
    let (old, new) = (job(NET_OLD, ""), job(NET_NEW, ""));
    let port_fields = |ty: &str| {
        let del = ty == "Deleted";
        let f = |name: &str, v: &str| {
            if del {
                field(ty, name, v, "")
            } else {
                field(ty, name, "", v)
            }
        };
        if del {
            json!([
                f("HostNetwork", "default"),
                f("IgnoreCollision", "false"),
                f("Label", "foo"),
                f("To", "0"),
                f("Value", "80"),
            ])
        } else {
            json!([
                f("HostNetwork", "public"),
                f("Label", "bar"),
                f("To", "8081")
            ])
        }
    };
    assert_eq!(
        group_json(&diff(&old, &new, false)),
        json!({"Type": "Edited", "ID": "j", "Fields": null, "Objects": null, "TaskGroups": [{
            "Type": "Edited", "Name": "g", "Fields": null,
            "Objects": [
                {"Type": "Added", "Name": "Network",
                 "Fields": [field("Added", "Hostname", "", "bar")],
                 "Objects": [
                    {"Type": "Added", "Name": "Dynamic Port", "Fields": port_fields("Added"), "Objects": null},
                    {"Type": "Added", "Name": "DNS", "Fields": [field("Added", "Servers", "", "1.1.1.1")], "Objects": null},
                 ]},
                {"Type": "Deleted", "Name": "Network",
                 "Fields": [field("Deleted", "Hostname", "foo", "")],
                 "Objects": [
                    {"Type": "Deleted", "Name": "Static Port", "Fields": port_fields("Deleted"), "Objects": null},
                 ]},
            ],
            "Tasks": [{"Type": "None", "Name": "t", "Fields": null, "Objects": null, "Annotations": null}],
            "Updates": {},
        }]})
    );
    assert_eq!(
        render_diff(&diff(&old, &new, true), false, false),
        r#"+/- Job: "j"
+/- Task Group: "g"
  + Network {
    + Hostname: "bar"
      Mode:     ""
    + Dynamic Port {
      + HostNetwork: "public"
      + Label:       "bar"
      + To:          "8081"
      }
    + DNS {
      + Servers: "1.1.1.1"
      }
    }
  - Network {
    - Hostname: "foo"
      Mode:     ""
    - Static Port {
      - HostNetwork:     "default"
      - IgnoreCollision: "false"
      - Label:           "foo"
      - To:              "0"
      - Value:           "80"
      }
    }
    Task: "t""#
    );
}

/// Why: group network `cni`. TestTaskGroupDiff "TaskGroup CNI added"
/// (v2.0.5): an Added network holding an Added CNIConfig of its args.
#[test]
fn cni_added() {
    let old = job("", "");
    let new = job(
        "    network {\n      cni {\n        args = {\n          example = \"example1\"\n        }\n      }\n    }",
        "",
    );
    assert_eq!(
        group_json(&diff(&old, &new, false))["TaskGroups"][0]["Objects"],
        json!([{"Type": "Added", "Name": "Network", "Fields": [], "Objects": [
            {"Type": "Added", "Name": "CNIConfig",
             "Fields": [field("Added", "example", "", "example1")], "Objects": null},
        ]}])
    );
    assert_eq!(
        render_diff(&diff(&old, &new, true), false, false),
        r#"+/- Job: "j"
+/- Task Group: "g"
  + Network {
      Hostname: ""
      Mode:     ""
    + CNIConfig {
      + example: "example1"
      }
    }
    Task: "t""#
    );
}

/// Why: CSI volume `MountOptions`. TestTaskGroupDiff "TaskGroup volumes
/// edited" (v2.0.5): the volume keyed by name is Edited, its MountOptions
/// an Edited object whose MountFlags are a string set; the untouched host
/// volume is not listed.
#[test]
fn volumes_edited() {
    let vol = |src: &str, ro: bool, flags: &str| {
        format!("    volume \"foo\" {{\n      type = \"csi\"\n      source = \"{src}\"\n      read_only = {ro}\n      attachment_mode = \"file-system\"\n      access_mode = \"single-node-writer\"\n      mount_options {{\n        fs_type = \"ext4\"\n        mount_flags = [{flags}]\n      }}\n    }}\n    volume \"bar\" {{\n      type = \"host\"\n      source = \"bar-src\"\n      read_only = true\n    }}")
    };
    let old = job(&vol("foo-src1", false, "\"relatime\", \"rw\""), "");
    let new = job(
        &vol("foo-src2", true, "\"relatime\", \"rw\", \"nosuid\""),
        "",
    );
    assert_eq!(
        group_json(&diff(&old, &new, false))["TaskGroups"][0]["Objects"],
        json!([{"Type": "Edited", "Name": "Volume",
            "Fields": [
                field("Edited", "ReadOnly", "false", "true"),
                field("Edited", "Source", "foo-src1", "foo-src2"),
            ],
            "Objects": [{"Type": "Edited", "Name": "MountOptions", "Fields": [], "Objects": [
                {"Type": "Added", "Name": "MountFlags",
                 "Fields": [field("Added", "MountFlags", "", "nosuid")], "Objects": null},
            ]}],
        }])
    );
    assert_eq!(
        render_diff(&diff(&old, &new, true), false, false),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Volume {
        AccessMode:     "single-node-writer"
        AttachmentMode: "file-system"
        Name:           "foo"
        PerAlloc:       "false"
    +/- ReadOnly:       "false" => "true"
    +/- Source:         "foo-src1" => "foo-src2"
        Sticky:         "false"
        Type:           "csi"
    +/- MountOptions {
        FSType: "ext4"
      + MountFlags {
        + MountFlags: "nosuid"
          MountFlags: "relatime"
          MountFlags: "rw"
        }
        }
      }
      Task: "t""#
    );
}

const TASK_OLD: &str = "      resources {\n        cpu = 100\n        memory = 256\n        secrets = 10\n      }\n      volume_mount {\n        volume = \"v\"\n        destination = \"/v\"\n      }\n      artifact {\n        source = \"https://example.com/a.tgz\"\n        destination = \"local/a\"\n      }\n      template {\n        destination = \"local/t\"\n        data = \"x\"\n      }";
const TASK_NEW: &str = "      resources {\n        cpu = 100\n        memory = 256\n        secrets = 20\n      }\n      volume_mount {\n        volume = \"v\"\n        destination = \"/v\"\n        selinux_label = \"Z\"\n      }\n      artifact {\n        source = \"https://example.com/a.tgz\"\n        destination = \"local/a\"\n        chown = true\n      }\n      template {\n        destination = \"local/t\"\n        data = \"x\"\n        uid = 1000\n        gid = 100\n        error_on_missing_key = true\n        wait {\n          min = \"2s\"\n          max = \"10s\"\n        }\n      }";
const HOST_VOLUME: &str = "    volume \"v\" {\n      type = \"host\"\n      source = \"v\"\n    }";

/// Why: `resources { secrets }`, `volume_mount { selinux_label }`, artifact
/// `chown`, template `uid`, `gid`, `error_on_missing_key` and the `wait`
/// block, all once. diff.go v2.0.5 Task.Diff appends Resources, Artifact
/// (primitiveObjectSetDiff, matched by destination), Template and
/// VolumeMount in that order; Uid and Gid are pointers (unset: no field);
/// the wait block is an object Nomad names "Template" (waitConfigDiff,
/// TestTaskDiff "Template edited"); annotate.go's annotateTask makes any
/// object but LogConfig, Service and Constraint destructive. From files,
/// api canonicalisation gives the artifact GetterMode "any", the template
/// ChangeMode "restart", Perms "0644", Splay 5s and no VaultGrace (0 in
/// 2.0), the mount PropagationMode "private".
#[test]
fn task_attributes_edited() {
    let old = job(HOST_VOLUME, TASK_OLD);
    let new = job(HOST_VOLUME, TASK_NEW);
    let obj = |name: &str, fields: Value, objects: Value| json!({"Type": "Edited", "Name": name, "Fields": fields, "Objects": objects});
    assert_eq!(
        to_json(&diff(&old, &new, false).task_groups[0].tasks),
        json!([{
            "Type": "Edited", "Name": "t", "Fields": null,
            "Annotations": ["forces create/destroy update"],
            "Objects": [
                obj("Resources", json!([field("Edited", "SecretsMB", "10", "20")]), json!(null)),
                obj("Artifact", json!([field("Edited", "Chown", "false", "true")]), json!(null)),
                obj("Template", json!([
                    field("Edited", "ErrMissingKey", "false", "true"),
                    field("Added", "Gid", "", "100"),
                    field("Added", "Uid", "", "1000"),
                ]), json!([{"Type": "Added", "Name": "Template", "Fields": [
                    field("Added", "Max", "", "10000000000"),
                    field("Added", "Min", "", "2000000000"),
                ], "Objects": null}])),
                obj("VolumeMount", json!([field("Added", "SELinuxLabel", "", "Z")]), json!(null)),
            ],
        }])
    );
    assert_eq!(
        render_diff(&diff(&old, &new, true), false, false),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Task: "t" (forces create/destroy update)
    +/- Resources {
          CPU:         "100"
          Cores:       "0"
          DiskMB:      "0"
          IOPS:        "0"
          MemoryMB:    "256"
          MemoryMaxMB: "0"
      +/- SecretsMB:   "10" => "20"
        }
    +/- Artifact {
      +/- Chown:          "false" => "true"
          GetterInsecure: "false"
          GetterMode:     "any"
          GetterSource:   "https://example.com/a.tgz"
          RelativeDest:   "local/a"
        }
    +/- Template {
          ChangeMode:    "restart"
          ChangeSignal:  ""
          DestPath:      "local/t"
          EmbeddedTmpl:  "x"
          Envvars:       "false"
      +/- ErrMissingKey: "false" => "true"
      +   Gid:           "100"
          LeftDelim:     "{{"
          Once:          "false"
          Perms:         "0644"
          RightDelim:    "}}"
          SourcePath:    ""
          Splay:         "5000000000"
      +   Uid:           "1000"
          VaultGrace:    "0"
      +   Template {
          + Max: "10000000000"
          + Min: "2000000000"
          }
        }
    +/- VolumeMount {
        Destination:     "/v"
        PropagationMode: "private"
        ReadOnly:        "false"
      + SELinuxLabel:    "Z"
        Volume:          "v"
        }"#
    );
}

/// jobspec2 (1.11+): a job's `secret` blocks follow every task's own
/// (types.config.go jobConfig, normalizeJob); a group's go to each task
/// that has none (hcl_conversions.go decodeTaskGroup). A task with secrets
/// of its own in a group with secrets gets its own twice instead (Nomad
/// appends `t.Secrets` to itself), which Task.Validate refuses: "Duplicate
/// secret".
#[test]
fn job_and_group_secrets_reach_the_tasks_as_jobspec2_puts_them() {
    let v = v205();
    let secret = |name: &str| {
        format!(
            "    secret \"{name}\" {{\n      provider = \"nomad\"\n      path = \"{name}\"\n    }}"
        )
    };
    let text = job(&secret("grp"), "").replace(
        "  datacenters = [\"dc1\"]\n",
        &format!("  datacenters = [\"dc1\"]\n{}\n", secret("top")),
    );
    let j = load_job(&text, v);
    let names: Vec<&str> = j.groups[0].tasks[0]
        .secrets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["grp", "top"]);
    // Removing the job's secret is a task edit: the Secret object goes.
    let d = diff(&text, &job(&secret("grp"), ""), false);
    let t = to_json(&d.task_groups[0].tasks[0]);
    assert_eq!(t["Objects"][0]["Type"], "Deleted", "{t}");
    assert_eq!(t["Objects"][0]["Name"], "Secret", "{t}");
    // A task with its own secret in a group with one: refused as Nomad does.
    let own = job(
        &secret("grp"),
        "      secret \"own\" {\n        provider = \"nomad\"\n        path = \"own\"\n      }",
    );
    let mut vfs = nomad_preflight::vfs::MemVfs::new("t");
    vfs.insert("j.nomad", own.as_str());
    let opts = nomad_preflight::jobspec::LoadOptions {
        version: v,
        ..Default::default()
    };
    let p = nomad_preflight::jobspec::load(&vfs, std::path::Path::new("j.nomad"), &opts);
    assert!(!p.is_valid());
    assert_eq!(
        nomad_preflight::render::job_file_error::validate_error(&p, "j.nomad", v, None),
        "Job validation errors:\n1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Task t validation failed: 1 error occurred:\n\t* Duplicate secret \"own\" found\n\n\n\n\n\n\n"
    );
    // 1.10's parser has no job or group secret.
    let opts = nomad_preflight::jobspec::LoadOptions {
        version: NomadVersion::new(1, 10, 5),
        ..Default::default()
    };
    vfs.insert("k.nomad", text.as_str());
    let p = nomad_preflight::jobspec::load(&vfs, std::path::Path::new("k.nomad"), &opts);
    assert!(p
        .diags
        .iter()
        .any(|d| d.code == nomad_preflight::jobspec::version_gates::CODE && d.is_error()));
}

/// Why: template `vault_grace` default by version. api/tasks.go
/// Template.Canonicalize gives an unwritten vault_grace 15s up to 0.10.x and
/// 0 from 0.11.0 (deprecated), so an added template shows VaultGrace
/// "15000000000" under 0.10.5 and "0" under 2.0.5.
#[test]
fn vault_grace_default_follows_the_release() {
    let tmpl = "      template {\n        destination = \"local/t\"\n        data = \"x\"\n      }";
    let grace = |v: NomadVersion| {
        let (o, n) = (load_job(&job("", ""), v), load_job(&job("", tmpl), v));
        let d = job_diff_with(Some(&o), Some(&n), v, false);
        let t = to_json(&d.task_groups[0].tasks[0]);
        let fields = t["Objects"][0]["Fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(t["Objects"][0]["Name"], "Template", "{t}");
        fields
            .into_iter()
            .find(|f| f["Name"] == "VaultGrace")
            .unwrap_or_else(|| panic!("no VaultGrace: {t}"))
    };
    assert_eq!(
        grace(NomadVersion::new(0, 10, 5)),
        field("Added", "VaultGrace", "", "15000000000")
    );
    assert_eq!(grace(v205()), field("Added", "VaultGrace", "", "0"));
}
