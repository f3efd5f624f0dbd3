//! Consul Connect blocks read from job files and diffed as each version's
//! nomad/structs/diff.go diffs them (`connectDiffs` and below). Cases named
//! after a diff_test.go table reproduce its expected ObjectDiff; where the
//! table builds structs by hand, the job file goes through the API's
//! canonicalisation first (a written `sidecar_task` gets default resources
//! and logs, api/consul.go `SidecarTask.Canonicalize`), as a real plan does.

use crate::common;

/// A job as `version` loads it, Job.Validate's errors allowed: diff_test.go
/// builds its structs without validating them, and some of its cases (a
/// gateway with both ingress and terminating, a connect block holding only
/// a `sidecar_task`) are jobs Nomad refuses at submission
/// (`ConsulConnect.Validate`) whose diff is still Nomad's.
fn load_job(
    text: &str,
    version: nomad_preflight::version::NomadVersion,
) -> nomad_preflight::jobspec::Job {
    common::parse_job(text, version).job.expect("job")
}

use nomad_preflight::diff::{group_diff, DiffType, ObjectDiff};
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

fn group_with(service_body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      mode = \"bridge\"\n      port \"http\" {{}}\n    }}\n    service {{\n      name = \"webapp\"\n      port = \"http\"\n{service_body}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The Service object of the group diff between two service bodies.
fn service_diff(old: &str, new: &str, v: NomadVersion, contextual: bool) -> ObjectDiff {
    let (o, n) = (load_job(&group_with(old), v), load_job(&group_with(new), v));
    let d = group_diff(&o.groups[0], &n.groups[0], v, contextual);
    let mut services = d.objects.into_iter().filter(|o| o.name == "Service");
    let s = services.next().expect("a Service object");
    assert!(services.next().is_none());
    s
}

fn connect_of(s: &ObjectDiff) -> Value {
    let c: Vec<&ObjectDiff> = s
        .objects
        .iter()
        .filter(|o| o.name == "ConsulConnect")
        .collect();
    assert_eq!(c.len(), 1, "{s:#?}");
    serde_json::to_value(c[0]).expect("json")
}

fn field(ty: &str, name: &str, old: &str, new: &str) -> Value {
    json!({"Type": ty, "Name": name, "Old": old, "New": new, "Annotations": null})
}

fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

const UPSTREAM_OLD: &str = "      connect {\n        sidecar_service {\n          port = \"http\"\n          proxy {\n            local_service_address = \"127.0.0.1\"\n            local_service_port = 8080\n            upstreams {\n              destination_name = \"count-api\"\n              local_bind_port = 8080\n              datacenter = \"dc2\"\n              local_bind_address = \"127.0.0.1\"\n              destination_type = \"prepared_query\"\n              mesh_gateway {\n                mode = \"remote\"\n              }\n            }\n          }\n        }\n      }";

const UPSTREAM_NEW: &str = "      connect {\n        sidecar_service {\n          port = \"http\"\n          proxy {\n            local_service_address = \"127.0.0.1\"\n            local_service_port = 8080\n            upstreams {\n              destination_name = \"count-api\"\n              local_bind_port = 8080\n              datacenter = \"dc2\"\n              local_bind_address = \"127.0.0.1\"\n              local_bind_socket_mode = \"0700\"\n              local_bind_socket_path = \"/tmp/redis_5678.sock\"\n              destination_peer = \"cloud-services\"\n              destination_partition = \"infra\"\n              destination_type = \"service\"\n              mesh_gateway {\n                mode = \"remote\"\n              }\n            }\n          }\n        }\n      }";

/// TestServicesDiff "ConsulUpstream with different Upstreams" (2.0.5): the
/// upstream matched by datacenter/name is Edited, and the unchanged
/// transparent proxy is still listed as a None object.
#[test]
fn consul_upstream_with_different_upstreams() {
    let s = service_diff(UPSTREAM_OLD, UPSTREAM_NEW, v(2, 0, 5), false);
    assert_eq!(s.ty, DiffType::Edited);
    assert!(s.fields.is_empty(), "{:?}", s.fields);
    assert_eq!(
        connect_of(&s),
        json!({
            "Type": "Edited", "Name": "ConsulConnect", "Fields": [],
            "Objects": [{
                "Type": "Edited", "Name": "SidecarService", "Fields": [],
                "Objects": [{
                    "Type": "Edited", "Name": "ConsulProxy", "Fields": [],
                    "Objects": [
                        {
                            "Type": "Edited", "Name": "ConsulUpstreams",
                            "Fields": [
                                field("Added", "DestinationPartition", "", "infra"),
                                field("Added", "DestinationPeer", "", "cloud-services"),
                                field("Edited", "DestinationType", "prepared_query", "service"),
                                field("Added", "LocalBindSocketMode", "", "0700"),
                                field("Added", "LocalBindSocketPath", "", "/tmp/redis_5678.sock"),
                            ],
                            "Objects": null,
                        },
                        {"Type": "None", "Name": "TransparentProxy", "Fields": [], "Objects": null},
                    ],
                }],
            }],
        })
    );
}

/// The same edit under 1.6.2 (diff.go v1.6.2): the struct has no partition
/// yet and the proxy diff has no transparent proxy object.
#[test]
fn upstream_edit_under_1_6_lists_only_that_versions_fields() {
    // 1.6.2: the first 1.6 release whose parser knows the upstream keys
    // used, but `destination_partition` (1.7.7), which 1.6 refuses.
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.trim_start().starts_with("destination_partition"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let s = service_diff(
        &strip(UPSTREAM_OLD),
        &strip(UPSTREAM_NEW),
        v(1, 6, 2),
        false,
    );
    let c = connect_of(&s);
    let proxy = &c["Objects"][0]["Objects"][0];
    assert_eq!(
        proxy["Objects"].as_array().map(Vec::len),
        Some(1),
        "{proxy}"
    );
    let names: Vec<&str> = proxy["Objects"][0]["Fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["Name"].as_str())
        .collect();
    // The peer, type and socket fields came with 1.6.2 itself
    // (nomad/structs/services.go v1.6.2 ConsulUpstream); the partition
    // not before 1.7.7.
    assert_eq!(
        names,
        [
            "DestinationPeer",
            "DestinationType",
            "LocalBindSocketMode",
            "LocalBindSocketPath"
        ],
        "{names:?}"
    );
    assert_eq!(proxy["Objects"][0]["Type"], json!("Edited"));
}

/// Before 1.1.1 upstreams are a content set (diff.go v1.0.0
/// `primitiveObjectSetDiff`): an edited upstream is one Added and one
/// Deleted object.
#[test]
fn upstreams_are_a_set_before_1_2() {
    let old = "      connect {\n        sidecar_service {\n          proxy {\n            upstreams {\n              destination_name = \"a\"\n              local_bind_port = 1\n            }\n          }\n        }\n      }";
    let new = old.replace("local_bind_port = 1", "local_bind_port = 2");
    let s = service_diff(old, &new, v(1, 0, 0), false);
    let c = connect_of(&s);
    // The empty Datacenter is equal on both sides, so not listed.
    assert_eq!(
        c["Objects"][0]["Objects"][0]["Objects"],
        json!([
            {
                "Type": "Added", "Name": "ConsulUpstreams",
                "Fields": [
                    field("Added", "DestinationName", "", "a"),
                    field("Added", "LocalBindPort", "", "2"),
                ],
                "Objects": null,
            },
            {
                "Type": "Deleted", "Name": "ConsulUpstreams",
                "Fields": [
                    field("Deleted", "DestinationName", "a", ""),
                    field("Deleted", "LocalBindPort", "1", ""),
                ],
                "Objects": null,
            },
        ])
    );
}

/// TestServicesDiff "SidecarService with different meta" (2.0.5).
#[test]
fn sidecar_service_with_different_meta() {
    let old = "      connect {\n        sidecar_service {\n          port = \"http\"\n          proxy {}\n          meta {\n            foo = \"qux\"\n          }\n        }\n      }";
    let new = "      connect {\n        sidecar_service {\n          port = \"http\"\n          proxy {}\n          meta {\n            foo = \"var\"\n            testKey = \"testValue\"\n          }\n        }\n      }";
    let s = service_diff(old, new, v(2, 0, 5), false);
    assert_eq!(
        connect_of(&s),
        json!({
            "Type": "Edited", "Name": "ConsulConnect", "Fields": [],
            "Objects": [{
                "Type": "Edited", "Name": "SidecarService",
                "Fields": [
                    field("Edited", "Meta[foo]", "qux", "var"),
                    field("Added", "Meta[testKey]", "", "testValue"),
                ],
                "Objects": null,
            }],
        })
    );
}

/// TestTaskDiff "Service with Connect" (2.0.5): an empty sidecar service
/// added to a service.
#[test]
fn service_with_connect() {
    let s = service_diff(
        "",
        "      connect {\n        sidecar_service {}\n      }",
        v(2, 0, 5),
        false,
    );
    assert_eq!(
        connect_of(&s),
        json!({
            "Type": "Added", "Name": "ConsulConnect",
            "Fields": [field("Added", "Native", "", "false")],
            "Objects": [{
                "Type": "Added", "Name": "SidecarService",
                "Fields": [field("Added", "DisableDefaultTCPCheck", "", "false")],
                "Objects": null,
            }],
        })
    );
}

/// TestTaskDiff "Service with Connect Native" (2.0.5).
#[test]
fn service_with_connect_native() {
    let s = service_diff(
        "",
        "      task = \"t\"\n      connect {\n        native = true\n      }",
        v(2, 0, 5),
        false,
    );
    assert_eq!(
        serde_json::to_value(&s.fields).expect("json"),
        json!([field("Added", "TaskName", "", "t")])
    );
    assert_eq!(
        connect_of(&s),
        json!({
            "Type": "Added", "Name": "ConsulConnect",
            "Fields": [field("Added", "Native", "", "true")],
            "Objects": null,
        })
    );
}

/// TestTaskGroupDiff "TaskGroup Services edited" (2.0.5, contextual), its
/// Connect part without the gateway (not modelled): native flipped, a
/// sidecar service with proxy, upstream, expose path, transparent proxy and
/// config added, the sidecar task removed. The job file's sidecar task was
/// canonicalised by the API, so its default Resources and LogConfig are
/// deleted with it (the table's hand-built struct has none).
#[test]
fn task_group_services_edited_connect_part() {
    let old = "      connect {\n        native = false\n        sidecar_task {\n          name = \"sidecar\"\n          driver = \"docker\"\n          env {\n            FOO = \"BAR\"\n          }\n          config {\n            foo = \"baz\"\n          }\n          volume_mount {\n            volume = \"vol0\"\n            destination = \"/path\"\n            read_only = false\n            propagation_mode = \"private\"\n            selinux_label = \"Z\"\n          }\n        }\n      }";
    let new = "      connect {\n        native = true\n        sidecar_service {\n          port = \"http\"\n          proxy {\n            local_service_address = \"127.0.0.1\"\n            local_service_port = 8080\n            upstreams {\n              destination_name = \"foo\"\n              destination_namespace = \"ns2\"\n              local_bind_port = 8000\n              datacenter = \"dc2\"\n              local_bind_address = \"127.0.0.2\"\n              mesh_gateway {\n                mode = \"remote\"\n              }\n            }\n            expose {\n              path {\n                path = \"/health\"\n                protocol = \"http\"\n                local_path_port = 9001\n                listener_port = \"api_expose_healthcheck\"\n              }\n            }\n            config {\n              foo = \"qux\"\n            }\n            transparent_proxy {\n              uid = \"101\"\n              outbound_port = 15001\n              exclude_inbound_ports = [\"www\", \"9000\"]\n              exclude_outbound_ports = [4443]\n              exclude_outbound_cidrs = [\"10.0.0.0/8\"]\n              exclude_uids = [\"1\", \"10\"]\n              no_dns = true\n            }\n          }\n        }\n      }";
    let s = service_diff(old, new, v(2, 0, 5), true);
    let c = connect_of(&s);
    let none = |name: &str, value: &str| field("None", name, value, value);
    let upstream = json!({
        "Type": "Added", "Name": "ConsulUpstreams",
        "Fields": [
            field("Added", "Datacenter", "", "dc2"),
            field("Added", "DestinationName", "", "foo"),
            field("Added", "DestinationNamespace", "", "ns2"),
            none("DestinationPartition", ""),
            none("DestinationPeer", ""),
            none("DestinationType", ""),
            field("Added", "LocalBindAddress", "", "127.0.0.2"),
            field("Added", "LocalBindPort", "", "8000"),
            none("LocalBindSocketMode", ""),
            none("LocalBindSocketPath", ""),
        ],
        "Objects": [{
            "Type": "Added", "Name": "MeshGateway",
            "Fields": [field("Added", "Mode", "", "remote")],
            "Objects": null,
        }],
    });
    let set = |name: &str, values: &[&str]| {
        json!({
            "Type": "Added", "Name": name,
            "Fields": values.iter().map(|v| field("Added", name, "", v)).collect::<Vec<_>>(),
            "Objects": null,
        })
    };
    let sidecar_service = json!({
        "Type": "Added", "Name": "SidecarService",
        "Fields": [
            field("Added", "DisableDefaultTCPCheck", "", "false"),
            field("Added", "Port", "", "http"),
        ],
        "Objects": [{
            "Type": "Added", "Name": "ConsulProxy",
            "Fields": [
                field("Added", "LocalServiceAddress", "", "127.0.0.1"),
                field("Added", "LocalServicePort", "", "8080"),
            ],
            "Objects": [
                upstream,
                {
                    "Type": "Added", "Name": "Expose", "Fields": [],
                    "Objects": [{
                        "Type": "Added", "Name": "Paths",
                        "Fields": [
                            field("Added", "ListenerPort", "", "api_expose_healthcheck"),
                            field("Added", "LocalPathPort", "", "9001"),
                            field("Added", "Path", "", "/health"),
                            field("Added", "Protocol", "", "http"),
                        ],
                        "Objects": null,
                    }],
                },
                {
                    "Type": "Added", "Name": "TransparentProxy",
                    "Fields": [
                        field("Added", "NoDNS", "", "true"),
                        field("Added", "OutboundPort", "", "15001"),
                        field("Added", "UID", "", "101"),
                    ],
                    "Objects": [
                        set("ExcludeInboundPorts", &["9000", "www"]),
                        set("ExcludeOutboundPorts", &["4443"]),
                        set("ExcludeOutboundCIDRs", &["10.0.0.0/8"]),
                        set("ExcludeUIDs", &["1", "10"]),
                    ],
                },
                {
                    "Type": "Added", "Name": "Config",
                    "Fields": [field("Added", "foo", "", "qux")],
                    "Objects": null,
                },
            ],
        }],
    });
    assert_eq!(c["Type"], json!("Edited"));
    assert_eq!(
        c["Fields"],
        json!([field("Edited", "Native", "false", "true")])
    );
    assert_eq!(c["Objects"][0], sidecar_service);
    let task = &c["Objects"][1];
    assert_eq!(task["Type"], json!("Deleted"));
    assert_eq!(task["Name"], json!("SidecarTask"));
    assert_eq!(
        task["Fields"],
        json!([
            field("Deleted", "Driver", "docker", ""),
            field("Deleted", "Env[FOO]", "BAR", ""),
            field("Deleted", "Name", "sidecar", ""),
        ])
    );
    let names: Vec<&str> = task["Objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter_map(|o| o["Name"].as_str())
        .collect();
    assert_eq!(names, ["Config", "Resources", "LogConfig", "VolumeMount"]);
    assert_eq!(
        task["Objects"][0],
        json!({
            "Type": "Deleted", "Name": "Config",
            "Fields": [field("Deleted", "foo", "baz", "")],
            "Objects": null,
        })
    );
    assert_eq!(
        task["Objects"][3],
        json!({
            "Type": "Deleted", "Name": "VolumeMount",
            "Fields": [
                field("Deleted", "Destination", "/path", ""),
                field("Deleted", "PropagationMode", "private", ""),
                field("Deleted", "ReadOnly", "false", ""),
                field("Deleted", "SELinuxLabel", "Z", ""),
                field("Deleted", "Volume", "vol0", ""),
            ],
            "Objects": null,
        })
    );
    // The canonical defaults: 100 MHz, 300 MB, 10 files of 10 MB.
    let fields_of = |o: &Value| -> Vec<(String, String)> {
        o["Fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["Name"].as_str().unwrap_or("").to_string(),
                    f["Old"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let res = fields_of(&task["Objects"][1]);
    assert!(res.contains(&("CPU".into(), "100".into())), "{res:?}");
    assert!(res.contains(&("MemoryMB".into(), "300".into())), "{res:?}");
    let logs = fields_of(&task["Objects"][2]);
    assert!(logs.contains(&("MaxFiles".into(), "10".into())), "{logs:?}");
}

/// Before 1.8 the proxy diff had no expose object (diff.go v1.6.0): an
/// expose edit is an Edited ConsulProxy with nothing inside, as Nomad shows.
#[test]
fn expose_edit_before_1_8_is_an_empty_edited_proxy() {
    let old = "      connect {\n        sidecar_service {\n          proxy {\n            expose {\n              path {\n                path = \"/a\"\n                protocol = \"http\"\n                local_path_port = 1\n                listener_port = \"http\"\n              }\n            }\n          }\n        }\n      }";
    let new = old.replace("/a", "/b");
    let s = service_diff(old, &new, v(1, 6, 0), false);
    let c = connect_of(&s);
    assert_eq!(
        c["Objects"][0]["Objects"],
        json!([{"Type": "Edited", "Name": "ConsulProxy", "Fields": [], "Objects": null}])
    );
    let s = service_diff(old, &new, v(2, 0, 5), false);
    let c = connect_of(&s);
    let expose = &c["Objects"][0]["Objects"][0]["Objects"][0];
    assert_eq!(expose["Name"], json!("Expose"));
    assert_eq!(expose["Type"], json!("Edited"));
    let kinds: Vec<&str> = expose["Objects"]
        .as_array()
        .expect("paths")
        .iter()
        .filter_map(|p| p["Type"].as_str())
        .collect();
    assert_eq!(kinds, ["Added", "Deleted"]);
}

/// A gateway is modelled: its edit is Nomad's Gateway object, and nothing
/// of it is left to the job's unmodelled part.
#[test]
fn gateway_edit_is_a_gateway_object() {
    let old = "      connect {\n        gateway {\n          ingress {\n            listener {\n              port = 8080\n              protocol = \"tcp\"\n              service {\n                name = \"a\"\n              }\n            }\n          }\n        }\n      }";
    let new = old.replace("8080", "8081");
    let vv = v(2, 0, 5);
    let o = load_job(&group_with(old), vv);
    assert!(
        o.groups[0].unmodelled.0.is_empty(),
        "{:?}",
        o.groups[0].unmodelled
    );
    let g = gateway_of(&service_diff(old, &new, vv, false));
    let listeners = &g["Objects"][0]["Objects"];
    let kinds: Vec<&str> = listeners
        .as_array()
        .expect("listeners")
        .iter()
        .filter_map(|l| l["Type"].as_str())
        .collect();
    assert_eq!(kinds, ["Added", "Deleted"], "{g}");
}

fn gateway_body(n: u32, tagged: bool, dns: &str, tls: bool, proto: &str, hosts: &str) -> String {
    format!(
        "      connect {{\n        gateway {{\n          proxy {{\n            connect_timeout = \"{n}s\"\n            envoy_gateway_bind_tagged_addresses = {tagged}\n            envoy_gateway_no_default_bind = {tagged}\n            envoy_dns_discovery_type = \"{dns}\"\n            envoy_gateway_bind_addresses \"service1\" {{\n              address = \"10.0.0.{n}\"\n              port = 200{n}\n            }}\n            config {{\n              foo = {n}\n            }}\n          }}\n          ingress {{\n            tls {{\n              enabled = {tls}\n            }}\n            listener {{\n              port = 300{n}\n              protocol = \"{proto}\"\n              service {{\n                name = \"listener{n}\"\n{hosts}              }}\n            }}\n          }}\n          terminating {{\n            service {{\n              name = \"linked{n}\"\n              ca_file = \"ca{n}.pem\"\n              cert_file = \"cert{n}.pem\"\n              key_file = \"key{n}.pem\"\n              sni = \"linked{n}.consul\"\n            }}\n          }}\n          mesh {{}}\n        }}\n      }}"
    )
}

fn gateway_of(s: &ObjectDiff) -> Value {
    let c = connect_of(s);
    let objects = c["Objects"].as_array().expect("objects").clone();
    let g: Vec<&Value> = objects.iter().filter(|o| o["Name"] == "Gateway").collect();
    assert_eq!(g.len(), 1, "{c}");
    g[0].clone()
}

fn linked(ty: &str, n: u32) -> Value {
    let f = |name: &str, v: String| {
        if ty == "Added" {
            field(ty, name, "", &v)
        } else {
            field(ty, name, &v, "")
        }
    };
    json!({
        "Type": ty, "Name": "Service",
        "Fields": [
            f("CAFile", format!("ca{n}.pem")),
            f("CertFile", format!("cert{n}.pem")),
            f("KeyFile", format!("key{n}.pem")),
            f("Name", format!("linked{n}")),
            f("SNI", format!("linked{n}.consul")),
        ],
        "Objects": null,
    })
}

/// TestTaskGroupDiff "TaskGroup Services edited" (diff_test.go v2.0.5,
/// contextual), its Gateway object: the proxy's fields and its bind
/// addresses and config, the ingress TLS (with 1.3.2's version fields as
/// None), listeners keyed by protocol/port (an edit is an Added and a
/// Deleted listener), linked services keyed by name, an unchanged mesh
/// entry not listed.
#[test]
fn taskgroup_services_edited_gateway() {
    let hosts = "                hosts = [\"127.0.0.1\", \"127.0.0.1:3002\"]\n";
    let old = gateway_body(1, false, "STRICT_DNS", false, "tcp", "");
    let new = gateway_body(2, true, "LOGICAL_DNS", true, "http", hosts);
    let s = service_diff(&old, &new, v(2, 0, 5), true);
    let g = gateway_of(&s);
    assert_eq!(g["Type"], json!("Edited"));
    let proxy = &g["Objects"][0];
    assert_eq!(
        proxy["Fields"],
        json!([
            field("Edited", "ConnectTimeout", "1s", "2s"),
            field(
                "Edited",
                "EnvoyDNSDiscoveryType",
                "STRICT_DNS",
                "LOGICAL_DNS"
            ),
            field("Edited", "EnvoyGatewayBindTaggedAddresses", "false", "true"),
            field("Edited", "EnvoyGatewayNoDefaultBind", "false", "true"),
        ])
    );
    assert_eq!(
        proxy["Objects"][0],
        json!({"Type": "Edited", "Name": "EnvoyGatewayBindAddresses",
            "Fields": [field("Edited", "service1", "10.0.0.1:2001", "10.0.0.2:2002")],
            "Objects": null})
    );
    assert_eq!(proxy["Objects"][1]["Name"], json!("Config"));
    assert_eq!(
        proxy["Objects"][1]["Fields"],
        json!([field("Edited", "foo", "1", "2")])
    );
    let ingress = &g["Objects"][1];
    assert_eq!(ingress["Name"], json!("Ingress"));
    assert_eq!(
        ingress["Objects"][0],
        json!({"Type": "Edited", "Name": "TLS", "Fields": [
            field("Edited", "Enabled", "false", "true"),
            field("None", "TLSMaxVersion", "", ""),
            field("None", "TLSMinVersion", "", ""),
        ], "Objects": null})
    );
    assert_eq!(
        ingress["Objects"][1],
        json!({"Type": "Added", "Name": "Listener", "Fields": [
            field("Added", "Port", "", "3002"),
            field("Added", "Protocol", "", "http"),
        ], "Objects": [{
            "Type": "Added", "Name": "ConsulIngressService",
            "Fields": [field("Added", "Name", "", "listener2")],
            "Objects": [{"Type": "Added", "Name": "Hosts", "Fields": [
                field("Added", "Hosts", "", "127.0.0.1"),
                field("Added", "Hosts", "", "127.0.0.1:3002"),
            ], "Objects": null}],
        }]})
    );
    assert_eq!(ingress["Objects"][2]["Type"], json!("Deleted"));
    assert_eq!(
        g["Objects"][2],
        json!({"Type": "Edited", "Name": "Terminating", "Fields": [],
            "Objects": [linked("Added", 2), linked("Deleted", 1)]})
    );
    assert_eq!(g["Objects"].as_array().map(Vec::len), Some(3), "{g}");
}

/// The same edit under 1.0.4 (diff.go v1.0.4): TLS has only `Enabled`, and
/// terminating gateways are diffed; under 0.12.4 they are not.
#[test]
fn gateway_diff_follows_the_release() {
    let old = gateway_body(1, false, "STRICT_DNS", false, "tcp", "");
    let new = gateway_body(2, true, "LOGICAL_DNS", true, "http", "");
    // Keys a release's parser lacks are its version gate, not a diff: the
    // mesh gateway arrived in 1.1.1; terminating gateways and the DNS
    // discovery type in 1.0.4 (so 0.12.4 gets neither).
    let no_mesh = |t: &str| t.replace("          mesh {}\n", "");
    let (old, new) = (no_mesh(&old), no_mesh(&new));
    let g = gateway_of(&service_diff(&old, &new, v(1, 0, 4), true));
    assert_eq!(
        g["Objects"][1]["Objects"][0]["Fields"],
        json!([field("Edited", "Enabled", "false", "true")])
    );
    assert_eq!(g["Objects"][2]["Name"], json!("Terminating"));
    let before_1_0_4 = |t: &str| {
        let t = t
            .lines()
            .filter(|l| !l.trim_start().starts_with("envoy_dns_discovery_type"))
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        let start = t.find("          terminating {").expect("terminating");
        let end =
            t[start..].find("\n          }\n").expect("end") + start + "\n          }\n".len();
        format!("{}{}", &t[..start], &t[end..])
    };
    let g = gateway_of(&service_diff(
        &before_1_0_4(&old),
        &before_1_0_4(&new),
        v(0, 12, 4),
        false,
    ));
    let names: Vec<&str> = g["Objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter_map(|o| o["Name"].as_str())
        .collect();
    assert_eq!(names, ["Proxy", "Ingress"]);
    // 0.12.4's proxy has no DNS discovery type field.
    assert!(!g["Objects"][0]
        .to_string()
        .contains("EnvoyDNSDiscoveryType"));
}

/// The plan text of an edited ingress gateway (contextual, as `nomad job
/// plan` asks for it), in command/job_plan.go's object format: a listener
/// keyed by protocol/port is replaced (Added + Deleted), the unchanged proxy
/// is not listed (connectGatewayProxyDiff returns nil for equal proxies),
/// the Gateway and Ingress objects have no fields of their own.
#[test]
fn edited_gateway_plan_text() {
    use nomad_preflight::diff::job_diff_with;
    use nomad_preflight::planner::annotate::annotate;
    use nomad_preflight::render::diff_text::render_diff;
    let old = "      connect {\n        gateway {\n          proxy {\n            connect_timeout = \"5s\"\n          }\n          ingress {\n            listener {\n              port = 8080\n              protocol = \"tcp\"\n              service {\n                name = \"a\"\n              }\n            }\n          }\n        }\n      }";
    let new = old.replace("8080", "8081");
    let vv = v(2, 0, 5);
    let (o, n) = (
        load_job(&group_with(old), vv),
        load_job(&group_with(&new), vv),
    );
    let mut d = job_diff_with(Some(&o), Some(&n), vv, true);
    annotate(&mut d, &Default::default());
    let text = render_diff(&d, false, false);
    // formatObjectDiff: a child object starts at its parent's start + key
    // prefix + 2, and closes at start + marker length + key prefix.
    assert_eq!(
        text,
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Service {
        Address:           ""
        AddressMode:       "auto"
        Cluster:           "default"
        EnableTagOverride: "false"
        Kind:              ""
        Name:              "webapp"
        Namespace:         "default"
        OnUpdate:          "require_healthy"
        PortLabel:         "http"
        Provider:          "consul"
        TaskName:          ""
    +/- ConsulConnect {
          Native: "false"
      +/- Gateway {
        +/- Ingress {
          + Listener {
            + Port:     "8081"
            + Protocol: "tcp"
            + ConsulIngressService {
              + Name: "a"
              }
            }
          - Listener {
            - Port:     "8080"
            - Protocol: "tcp"
            - ConsulIngressService {
              - Name: "a"
              }
            }
            }
          }
        }
      }
      Task: "t""#
    );
}
