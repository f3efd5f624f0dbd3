//! Issue 13 for Consul Connect: the releases at which nomad/structs/diff.go
//! and the connect structs (nomad/structs/services.go) gained what we had
//! placed later, each diffed at the releases either side (the group diff's
//! Service object as JSON, as tests/diff_connect.rs does).

use crate::common;

use nomad_preflight::diff::{group_diff, ObjectDiff};
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

fn job_with(connect: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      mode = \"bridge\"\n      port \"http\" {{}}\n    }}\n    service {{\n      name = \"webapp\"\n      port = \"http\"\n      connect {{\n{connect}\n      }}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The ConsulConnect object of the contextual group diff, as JSON.
fn connect_diff(old: &str, new: &str, at: NomadVersion) -> Value {
    let load = |t: &str| common::parse_job(&job_with(t), at).job.expect("job");
    let (o, n) = (load(old), load(new));
    let d = group_diff(&o.groups[0], &n.groups[0], at, true);
    let service: &ObjectDiff = d
        .objects
        .iter()
        .find(|o| o.name == "Service")
        .expect("a Service object");
    let c = service
        .objects
        .iter()
        .find(|o| o.name == "ConsulConnect")
        .expect("a ConsulConnect object");
    serde_json::to_value(c).expect("json")
}

/// The field names of the first upstream object under the sidecar's proxy.
fn upstream_fields(c: &Value) -> Vec<String> {
    let proxy = &c["Objects"][0]["Objects"][0];
    assert_eq!(proxy["Name"], json!("ConsulProxy"), "{c}");
    let up = proxy["Objects"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["Name"] == json!("ConsulUpstreams")))
        .unwrap_or_else(|| panic!("an upstream object: {proxy}"));
    up["Fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["Name"].as_str().map(str::to_string))
        .collect()
}

fn upstream(port: u32) -> String {
    format!("        sidecar_service {{\n          proxy {{\n            upstreams {{\n              destination_name = \"db\"\n              local_bind_port  = {port}\n            }}\n          }}\n        }}")
}

/// ConsulUpstream (services.go) has DestinationNamespace in v1.2.9 to
/// v1.2.x and from v1.3.2 (not v1.3.0/1), the peer, type and socket
/// fields from v1.6.2 and DestinationPartition from v1.7.7; the
/// contextual upstream object lists each field the release has.
#[test]
fn upstream_fields_per_release() {
    let (old, new) = (upstream(1), upstream(2));
    let has = |at: NomadVersion, field: &str| {
        upstream_fields(&connect_diff(&old, &new, at)).contains(&field.to_string())
    };
    let namespace: Vec<bool> = [v(1, 2, 8), v(1, 2, 9), v(1, 3, 1), v(1, 3, 2)]
        .into_iter()
        .map(|at| has(at, "DestinationNamespace"))
        .collect();
    assert_eq!(namespace, [false, true, false, true]);
    for field in [
        "DestinationPeer",
        "DestinationType",
        "LocalBindSocketMode",
        "LocalBindSocketPath",
    ] {
        assert_eq!(
            [has(v(1, 6, 1), field), has(v(1, 6, 2), field)],
            [false, true]
        );
    }
    assert_eq!(
        [
            has(v(1, 7, 6), "DestinationPartition"),
            has(v(1, 7, 7), "DestinationPartition")
        ],
        [false, true]
    );
    assert_eq!(
        upstream_fields(&connect_diff(&old, &new, v(1, 7, 7))),
        [
            "Datacenter",
            "DestinationName",
            "DestinationNamespace",
            "DestinationPartition",
            "DestinationPeer",
            "DestinationType",
            "LocalBindAddress",
            "LocalBindPort",
            "LocalBindSocketMode",
            "LocalBindSocketPath",
        ]
    );
}

/// diff.go's consulProxyUpstreamsDiff (v1.1.1) matches upstreams by
/// datacenter and name: an edit is one Edited object; v1.1.0 diffed them
/// as a content set, a Deleted and an Added one.
#[test]
fn upstreams_are_matched_by_name_from_1_1_1() {
    let (old, new) = (upstream(1), upstream(2));
    let kinds = |at: NomadVersion| -> Vec<String> {
        let c = connect_diff(&old, &new, at);
        c["Objects"][0]["Objects"][0]["Objects"]
            .as_array()
            .expect("upstreams")
            .iter()
            .filter(|o| o["Name"] == json!("ConsulUpstreams"))
            .map(|o| o["Type"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(kinds(v(1, 1, 0)), ["Added", "Deleted"]);
    assert_eq!(kinds(v(1, 1, 1)), ["Edited"]);
}

/// diff.go's consulProxyExposeDiff: in v1.5.16, v1.6.9 and from v1.7.6
/// (not v1.5.15, v1.6.8, v1.7.5), where the proxy shows an Expose object.
#[test]
fn expose_is_diffed_from_its_backports() {
    let expose = |path: &str| {
        format!("        sidecar_service {{\n          proxy {{\n            expose {{\n              path {{\n                path            = \"{path}\"\n                protocol        = \"http\"\n                local_path_port = 1\n                listener_port   = \"http\"\n              }}\n            }}\n          }}\n        }}")
    };
    let (old, new) = (expose("/a"), expose("/b"));
    let shows = |at: NomadVersion| -> bool {
        let c = connect_diff(&old, &new, at);
        c["Objects"][0]["Objects"][0]["Objects"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o["Name"] == json!("Expose")))
    };
    let at = [
        v(1, 5, 15),
        v(1, 5, 16),
        v(1, 6, 8),
        v(1, 6, 9),
        v(1, 7, 5),
        v(1, 7, 6),
    ];
    let got: Vec<bool> = at.into_iter().map(shows).collect();
    assert_eq!(got, [false, true, false, true, false, true]);
}

/// ConsulSidecarService.Meta: services.go from v1.5.4 (with the parser's
/// `meta`), flattened as `Meta[key]` by connectSidecarServiceDiff.
#[test]
fn sidecar_meta_is_diffed_from_1_5_4() {
    let meta = |x: &str| {
        format!("        sidecar_service {{\n          meta {{\n            k = \"{x}\"\n          }}\n        }}")
    };
    let c = connect_diff(&meta("a"), &meta("b"), v(1, 5, 4));
    let sidecar = &c["Objects"][0];
    assert_eq!(sidecar["Name"], json!("SidecarService"), "{c}");
    assert!(
        sidecar["Fields"]
            .as_array()
            .expect("fields")
            .contains(&json!({"Type": "Edited", "Name": "Meta[k]", "Old": "a", "New": "b", "Annotations": null})),
        "{sidecar}"
    );
}

/// diff.go's sidecarTaskDiff diffs the sidecar task's volume mounts from
/// v1.10.2 (not v1.10.1).
#[test]
fn sidecar_task_volume_mounts_are_diffed_from_1_10_2() {
    let task = |dest: &str| {
        format!("        sidecar_service {{}}\n        sidecar_task {{\n          volume_mount {{\n            volume      = \"v\"\n            destination = \"{dest}\"\n          }}\n        }}")
    };
    let (old, new) = (task("/a"), task("/b"));
    let shows = |at: NomadVersion| -> bool {
        let c = connect_diff(&old, &new, at);
        let t = c["Objects"]
            .as_array()
            .and_then(|o| {
                o.iter()
                    .find(|o| o["Name"] == json!("SidecarTask"))
                    .cloned()
            })
            .unwrap_or_else(|| panic!("a SidecarTask object: {c}"));
        t["Objects"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o["Name"] == json!("VolumeMount")))
    };
    assert_eq!([shows(v(1, 10, 1)), shows(v(1, 10, 2))], [false, true]);
}
