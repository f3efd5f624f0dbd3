//! Issue 13: `VolumeRequest.Validate` (nomad/structs/volumes.go) beyond the
//! type and source, read at every tag from 1.5.0 (its forms hashed): CSI
//! access and attachment modes, reader modes read-only, single modes one
//! allocation, per_alloc in system jobs and beside sticky, host volumes'
//! modes and mount options. Each job validated and planned as a false
//! all-clear before; so did 1.1.0–1.4.x's four other forms (the legacy
//! rows). Texts from volumes.go at v1.1.0–v1.4.5, v1.6.0 and v2.0.5; the
//! TestVolumeRequest_Validate table in volumes_test.go carries "CSI volumes
//! must have an attachment mode", "volume cannot be per_alloc for system or
//! sysbatch jobs", "host volumes cannot have mount options".

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

fn job(jt: &str, group: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"{jt}\"\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

struct Case {
    name: &'static str,
    jt: &'static str,
    group: &'static str,
    /// Per release: the volume's items, none when Nomad accepts the job.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
}

fn s(x: &str) -> String {
    x.to_string()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "csi-modes",
            jt: "service",
            group: "    volume \"v\" {\n      type   = \"csi\"\n      source = \"x\"\n    }",
            want: |_| {
                Some(vec![
                    s("CSI volumes must have an attachment mode"),
                    s("CSI volumes must have an access mode"),
                ])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // Host access modes: none at all before 1.10, then the host modes.
        Case {
            name: "host-access",
            jt: "service",
            group: "    volume \"v\" {\n      type        = \"host\"\n      source      = \"x\"\n      access_mode = \"multi-node-multi-writer\"\n    }",
            want: |v| {
                Some(vec![s(if v == "1.6.0" {
                    "host volumes cannot have an access mode"
                } else {
                    "host volumes cannot be mounted with multi-node-multi-writer access mode"
                })])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "host-mount-options",
            jt: "service",
            group: "    volume \"v\" {\n      type   = \"host\"\n      source = \"x\"\n      mount_options {\n        fs_type = \"ext4\"\n      }\n    }",
            want: |_| Some(vec![s("host volumes cannot have mount options")]),
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "per-alloc-system",
            jt: "system",
            group: "    volume \"v\" {\n      type            = \"csi\"\n      source          = \"x\"\n      per_alloc       = true\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-writer\"\n    }",
            want: |_| Some(vec![s("volume cannot be per_alloc for system or sysbatch jobs")]),
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "reader",
            jt: "service",
            group: "    count = 2\n    volume \"v\" {\n      type            = \"csi\"\n      source          = \"x\"\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-reader-only\"\n    }",
            want: |_| {
                Some(vec![
                    s("single-node-reader-only volumes must be read-only"),
                    s("volume with single-node-reader-only access mode allows only one reader"),
                ])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "sticky",
            jt: "service",
            group: "    volume \"v\" {\n      type      = \"host\"\n      source    = \"x\"\n      per_alloc = true\n      sticky    = true\n    }",
            want: |_| Some(vec![s("volume cannot be per_alloc and sticky at the same time")]),
            versions: &["2.0.5"],
        },
        // 1.1.0–1.4.x: four forms on parallel release branches
        // (volumes.go at v1.1.0, v1.2.0, v1.3.0, v1.4.5).
        Case {
            name: "legacy-host",
            jt: "service",
            group: "    volume \"v\" {\n      type            = \"host\"\n      source          = \"x\"\n      per_alloc       = true\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-writer\"\n      mount_options {\n        fs_type = \"ext4\"\n      }\n    }",
            want: |v| {
                let mut items = vec![
                    s("host volumes cannot have an attachment mode"),
                    s("host volumes cannot have an access mode"),
                ];
                if v != "1.1.0" {
                    items.push(s("host volumes cannot have mount options"));
                }
                if v == "1.3.0" || v == "1.4.5" {
                    items.push(s("host volumes do not support per_alloc"));
                }
                Some(items)
            },
            versions: &["1.1.0", "1.2.0", "1.3.0", "1.4.5"],
        },
        Case {
            name: "legacy-csi-bare",
            jt: "service",
            group: "    count = 2\n    volume \"v\" {\n      type = \"csi\"\n    }",
            want: |v| {
                let source = s("volume has an empty source");
                let attach = s("CSI volumes must have an attachment mode");
                let access = s("CSI volumes must have an access mode");
                Some(match v {
                    "1.1.0" => vec![source],
                    "1.2.0" => vec![attach, access, source],
                    _ => vec![source, attach, access],
                })
            },
            versions: &["1.1.0", "1.2.0", "1.3.0"],
        },
        Case {
            name: "legacy-reader",
            jt: "service",
            group: "    count = 2\n    volume \"v\" {\n      type            = \"csi\"\n      source          = \"x\"\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-reader-only\"\n    }",
            want: |v| {
                let mut items = vec![s("single-node-reader-only volumes must be read-only")];
                if v == "1.3.0" {
                    items.push(s(
                        "volume with single-node-reader-only access mode allows only one reader",
                    ));
                }
                Some(items)
            },
            versions: &["1.1.0", "1.2.0", "1.3.0"],
        },
        Case {
            name: "legacy-per-alloc-system",
            jt: "system",
            group: "    volume \"v\" {\n      type            = \"csi\"\n      source          = \"x\"\n      per_alloc       = true\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-writer\"\n    }",
            want: |v| {
                (v == "1.4.5")
                    .then(|| vec![s("volume cannot be per_alloc for system or sysbatch jobs")])
            },
            versions: &["1.3.0", "1.4.5"],
        },
        Case {
            name: "fine",
            jt: "service",
            group: "    count = 2\n    volume \"v\" {\n      type            = \"csi\"\n      source          = \"x\"\n      per_alloc       = true\n      attachment_mode = \"file-system\"\n      access_mode     = \"single-node-writer\"\n    }",
            want: |_| None,
            versions: &["1.6.0", "2.0.5"],
        },
    ]
}

#[test]
fn validate_and_plan_refuse_bad_volume_requests_as_each_release() {
    let mut failures = Vec::new();
    for c in cases() {
        let text = job(c.jt, c.group);
        for v in c.versions {
            let want = (c.want)(v).map(|items| {
                let vol = format!(
                    "Task group volume validation for v failed: {}",
                    multi(v, &items)
                );
                common::group_refusal(v, &[vol])
            });
            common::judge_validation(
                &mut failures,
                &format!("volume-validate-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
