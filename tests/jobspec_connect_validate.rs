//! Issue 13: `ConsulConnect.Validate` and the Connect proxy task kind
//! (nomad/structs/services.go, connect.go, structs.go `Task.Validate`),
//! each a false all-clear before: `validate` exited 0 and `plan` printed
//! its success text for jobs every listed release refuses. Expected texts
//! from Nomad's source at the named tags and its tests: services_test.go
//! `TestConsulGateway_Validate`, `TestConsulGatewayProxy_Validate`,
//! `TestConsulIngressListener_Validate`, `TestConsulIngressService_Validate`,
//! `TestConsulLinkedService_Validate`, `TestConsulConnect_Validate`
//! (`must be exclusively native`), connect_test.go
//! `TestConnectTransparentProxy_Validate` (1.8.0+) and structs_test.go
//! `TestTask_Validate_ConnectProxyKind` (the proxy kind).

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

fn s(x: &str) -> String {
    x.to_string()
}

/// A job whose group `g` (network `mode`) has `service`; task `t` gets
/// `task` lines.
fn job(mode: &str, service: &str, task: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      mode = \"{mode}\"\n    }}\n{service}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{task}\n    }}\n  }}\n}}\n"
    )
}

/// The group service `web`'s `Service.Validate` items, nested as
/// `TaskGroup.validateServices` nests them.
fn service_items(v: &str, items: &[String]) -> Vec<String> {
    let svc = format!("Service[0] web validation failed: {}", multi(v, items));
    vec![format!(
        "Task group service validation failed: {}",
        multi(v, &[svc])
    )]
}

fn task_items(v: &str, items: &[String]) -> Vec<String> {
    vec![format!("Task t validation failed: {}", multi(v, items))]
}

struct Case {
    name: &'static str,
    mode: &'static str,
    service: &'static str,
    task: &'static str,
    /// Per release: the group's items, none when Nomad accepts the job.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
}

const INGRESS_NO_PORT: &str = "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              protocol = \"tcp\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }\n      }\n    }";

fn cases() -> Vec<Case> {
    vec![
        // TestConsulConnect_Validate: none of native, sidecar, gateway.
        Case {
            name: "empty-connect",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      connect {\n      }\n    }",
            task: "",
            want: |v| {
                let text = if v == "0.12.0" {
                    "Consul Connect must be native or use a sidecar service"
                } else {
                    "Consul Connect must be exclusively native, make use of a sidecar, or represent a Gateway"
                };
                Some(service_items(v, &[s(text)]))
            },
            versions: &["0.12.0", "1.0.0", "1.6.0", "2.0.5"],
        },
        // Both a sidecar and a gateway: the hook takes the sidecar branch.
        Case {
            name: "sidecar-and-gateway",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {}\n        gateway {\n          terminating {\n            service {\n              name = \"db\"\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s("Consul Connect must be exclusively native, make use of a sidecar, or represent a Gateway")],
                ))
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // In bridge networking the hook binds each ingress service on its
        // listener's port (gatewayBindAddressesIngressForBridge), and the
        // proxy is validated before the ingress: a listener without a port
        // fails as a bind address. In host networking the proxy has no
        // bind addresses and the listener itself fails.
        Case {
            name: "ingress-listener-port-bridge",
            mode: "bridge",
            service: INGRESS_NO_PORT,
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s("Consul Gateway Bind Address must set valid Port")],
                ))
            },
            versions: &["1.0.4", "1.6.0", "2.0.5"],
        },
        Case {
            name: "ingress-listener-port-host",
            mode: "host",
            service: INGRESS_NO_PORT,
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s("Consul Ingress Listener requires valid Port")],
                ))
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // Until 1.0.4 the hook wrote a bridge ingress proxy without a
        // connect timeout (fixed by 52b842dd29, GH-9851), so under 1.0.0's
        // HCL2 parser every such gateway without its own proxy block was
        // refused. (0.12.x's HCL1 parser required the proxy block.)
        Case {
            name: "proxy-timeout-1.0.0",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              port     = 8080\n              protocol = \"tcp\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                (v == "1.0.0").then(|| {
                    service_items(v, &[s("Consul Gateway Proxy connection_timeout must be set")])
                })
            },
            versions: &["1.0.0", "1.0.4", "2.0.5"],
        },
        // TestConsulIngressListener_Validate: the protocols per release.
        Case {
            name: "listener-protocol",
            mode: "host",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              port     = 8080\n              protocol = \"udp\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                let text = if v == "1.0.4" {
                    r#"Consul Ingress Listener requires protocol of "http" or "tcp", got "udp""#
                } else {
                    r#"Consul Ingress Listener requires protocol of tcp, http, http2, grpc, got "udp""#
                };
                Some(service_items(v, &[s(text)]))
            },
            versions: &["1.0.4", "1.6.0", "2.0.5"],
        },
        // TestConsulIngressService_Validate: hosts on a tcp listener.
        Case {
            name: "tcp-hosts",
            mode: "host",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              port     = 8080\n              protocol = \"tcp\"\n              service {\n                name  = \"api\"\n                hosts = [\"api.example\"]\n              }\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                let text = if v == "1.0.4" {
                    "Consul Ingress Service supports hosts only when using HTTP protocol"
                } else {
                    r#"Consul Ingress Service doesn't support associating hosts to a service for the "tcp" protocol"#
                };
                Some(service_items(v, &[s(text)]))
            },
            versions: &["1.0.4", "1.6.0", "2.0.5"],
        },
        // An http service without hosts: required until 1.3.10/1.4.5.
        Case {
            name: "http-no-hosts",
            mode: "host",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              port     = 8080\n              protocol = \"http\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| match v {
                "1.0.4" => Some(service_items(
                    v,
                    &[s("Consul Ingress Service requires one or more hosts when using HTTP protocol")],
                )),
                "1.4.0" => Some(service_items(
                    v,
                    &[s(r#"Consul Ingress Service requires one or more hosts when using "http" protocol"#)],
                )),
                _ => None,
            },
            versions: &["1.0.4", "1.4.0", "1.4.5", "2.0.5"],
        },
        // TestConsulLinkedService_Validate.
        Case {
            name: "linked-service-tls",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      connect {\n        gateway {\n          terminating {\n            service {\n              name      = \"db\"\n              cert_file = \"c.pem\"\n              key_file  = \"k.pem\"\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s("Consul Linked Service TLS requires CAFile")],
                ))
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // TestConsulGatewayProxy_Validate: the DNS discovery type (1.0.4+).
        Case {
            name: "dns-discovery",
            mode: "host",
            service: "    service {\n      name = \"web\"\n      connect {\n        gateway {\n          proxy {\n            envoy_dns_discovery_type = \"BOGUS\"\n          }\n          terminating {\n            service {\n              name = \"db\"\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s("Consul Gateway Proxy Envoy DNS Discovery type must be STRICT_DNS or LOGICAL_DNS")],
                ))
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // TestConsulTransparentProxy_Validate: one error bare, several as
        // their own list.
        Case {
            name: "tproxy-uids",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {\n          proxy {\n            transparent_proxy {\n              uid          = \"foo\"\n              exclude_uids = [\"70000\"]\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                Some({
                    let inner = multi(
                        v,
                        &[
                            s(r#"transparent proxy block has invalid UID field: invalid user ID "foo": invalid syntax"#),
                            s(r#"transparent proxy block has invalid ExcludeUIDs field: invalid user ID "70000": value out of range"#),
                        ],
                    );
                    service_items(v, &[inner])
                })
            },
            versions: &["1.8.0", "2.0.5"],
        },
        Case {
            name: "tproxy-cidr",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {\n          proxy {\n            transparent_proxy {\n              exclude_outbound_cidrs = [\"10.0.0.0\"]\n            }\n          }\n        }\n      }\n    }",
            task: "",
            want: |v| {
                Some(service_items(
                    v,
                    &[s(r#"could not parse transparent proxy excluded outbound CIDR as network prefix: netip.ParsePrefix("10.0.0.0"): no '/'"#)],
                ))
            },
            versions: &["2.0.5"],
        },
        // Task.Validate: a hand-written proxy task (kind connect-proxy:X).
        Case {
            name: "proxy-task-kind",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {}\n      }\n    }",
            task: "      kind   = \"connect-proxy:api\"\n      leader = true",
            want: |v| {
                Some(task_items(
                    v,
                    &[
                        s("Connect proxy task must not have leader set"),
                        s(r#"Connect proxy service name ("api") not found in Connect services from task group: [web]"#),
                    ],
                ))
            },
            versions: &["1.0.0", "2.0.5"],
        },
        Case {
            name: "proxy-task-service",
            mode: "bridge",
            service: "",
            task: "      kind = \"connect-proxy:web\"\n      service {\n        name = \"other\"\n      }",
            want: |v| {
                let block = if v == "1.0.0" { "stanza" } else { "block" };
                Some(task_items(
                    v,
                    &[
                        format!("Connect proxy task must not have a service {block}"),
                        s(r#"No Connect services in task group with Connect proxy ("web")"#),
                    ],
                ))
            },
            versions: &["1.0.0", "2.0.5"],
        },
        // A proxy task for a sidecar service the group has: accepted.
        Case {
            name: "proxy-task-fine",
            mode: "bridge",
            service: "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {}\n      }\n    }",
            task: "      kind = \"connect-proxy:web\"",
            want: |_| None,
            versions: &["1.0.0", "2.0.5"],
        },
    ]
}

#[test]
fn validate_and_plan_refuse_connect_blocks_as_each_release() {
    let mut failures = Vec::new();
    for c in cases() {
        let text = job(c.mode, c.service, c.task);
        for v in c.versions {
            let want = (c.want)(v).map(|items| common::group_refusal(v, &items));
            common::judge_validation(
                &mut failures,
                &format!("connect-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `groupConnectUpstreamsValidate` (job_endpoint_hook_connect.go, 1.1.2+;
/// the transparent proxy's rules 1.8.0+), the Connect hook's validator:
/// its error is the admission's, so `plan` fails with the servers' 500 and
/// `validate` (which runs the admission validators from 1.3.0) exits 1.
/// Texts from job_endpoint_hook_connect_test.go
/// `TestJobEndpointConnect_groupConnectUpstreamsValidate` (v2.0.5).
#[test]
fn the_connect_hook_refuses_upstream_and_tproxy_conflicts() {
    let upstream = |name: &str, port: &str, dest: &str| {
        format!("    service {{\n      name = \"{name}\"\n      port = \"{port}\"\n      connect {{\n        sidecar_service {{\n          proxy {{\n            upstreams {{\n              destination_name = \"{dest}\"\n              local_bind_port  = 9000\n            }}\n          }}\n        }}\n      }}\n    }}")
    };
    let two = format!(
        "{}\n{}",
        upstream("web", "8080", "a"),
        upstream("api", "8081", "b")
    );
    let tproxy = |ports: &str| {
        format!("    service {{\n      name = \"web\"\n      port = \"8080\"\n      connect {{\n        sidecar_service {{\n          proxy {{\n            transparent_proxy {{\n              exclude_inbound_ports = [{ports}]\n            }}\n          }}\n        }}\n      }}\n    }}")
    };
    let cases: Vec<(&str, String, &[&str], Option<&str>)> = vec![
        (
            "same-listener",
            two.clone(),
            &["1.6.0", "2.0.5"],
            Some(
                r#"Consul Connect services "api" and "web" in group "g" using same address for upstreams (:9000)"#,
            ),
        ),
        // Before 1.1.2 the hook had no upstream rule.
        ("same-listener-1.1.0", two, &["1.1.0"], None),
        (
            "tproxy-port",
            tproxy("\"no-such-label\""),
            &["2.0.5"],
            Some(
                r#"Consul Connect transparent proxy port "no-such-label" must be numeric or one of network.port labels"#,
            ),
        ),
        ("tproxy-port-numeric", tproxy("\"9000\""), &["2.0.5"], None),
        (
            "tproxy-two-connect-blocks",
            format!("{}\n{}", tproxy("\"9000\""), upstream("api", "8081", "b")),
            &["2.0.5"],
            Some("Consul Connect transparent proxy requires there is only one connect block"),
        ),
    ];
    let mut failures = Vec::new();
    for (name, service, versions, want) in cases {
        let text = job("bridge", &service, "");
        for v in versions {
            let tag = format!("connect-hook-{name}-{v}");
            let (pcode, _, perr) = common::run_job(
                &format!("{tag}-p"),
                &text,
                &["plan", "--nomad-version", v, "j.nomad"],
            );
            let (vcode, _, verr) = common::run_job(
                &format!("{tag}-v"),
                &text,
                &["validate", "--nomad-version", v, "j.nomad"],
            );
            match want {
                Some(want) => {
                    let body = format!("(1 error occurred:\n\t* {want})");
                    if pcode != 255 || !perr.contains(&body) {
                        failures.push(format!("{name} {v} plan ({pcode}): want {body:?}\n{perr}"));
                    }
                    if vcode != 1 || !verr.contains(want) {
                        failures.push(format!(
                            "{name} {v} validate ({vcode}): want {want:?}\n{verr}"
                        ));
                    }
                }
                // Accepted: the plan may still fail to place it (the
                // demo clients lack the tproxy's CNI plugin), never a 500.
                None => {
                    if vcode != 0 || perr.contains("Unexpected response code") {
                        failures.push(format!("{name} {v}: accepted by Nomad\n{perr}{verr}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `check` reports each rule as a located error at the block or field it
/// concerns (the gateway, the proxy task's `kind`, the tproxy's `uid`),
/// with Nomad's words.
#[test]
fn check_locates_connect_errors() {
    let gateway = "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        gateway {\n          ingress {\n            listener {\n              port     = 8080\n              protocol = \"udp\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }\n      }\n    }";
    let sidecar = "    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {\n          proxy {\n            transparent_proxy {\n              uid = \"foo\"\n            }\n          }\n        }\n      }\n    }";
    let cases = [
        (
            job("host", gateway, ""),
            "gateway {",
            r#"jobspec::value [error] Service "web": Consul Ingress Listener requires protocol of tcp, http, http2, grpc, got "udp""#,
        ),
        (
            job("bridge", sidecar, "      kind = \"connect-proxy:api\""),
            "kind = ",
            r#"jobspec::value [error] Task "t": Connect proxy service name ("api") not found in Connect services from task group: [web]"#,
        ),
        (
            job("bridge", sidecar, ""),
            "uid = ",
            r#"jobspec::value [error] Service "web": transparent proxy block has invalid UID field: invalid user ID "foo": invalid syntax"#,
        ),
    ];
    for (i, (text, at, want)) in cases.iter().enumerate() {
        let (line, col) = text
            .lines()
            .enumerate()
            .find_map(|(n, l)| l.find(at).map(|c| (n + 1, c + 1)))
            .expect("anchor");
        let (code, out, err) = common::run_job(
            &format!("connect-check-{i}"),
            text,
            &["check", "--nomad-version", "2.0.5", "j.nomad"],
        );
        let located = format!("j.nomad:{line}:{col}: {want}");
        assert!(
            out.contains(&located) || err.contains(&located),
            "{code}: want {located:?}\n{out}{err}"
        );
    }
}
