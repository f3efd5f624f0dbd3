//! Before 1.0: a service's Consul Connect block and a job's multiregion
//! block as HCL1's job parser reads them (jobspec/parse_service.go's
//! parseConnect, parseSidecarService, parseProxy, parseUpstream,
//! parseExpose/parseExposePath, parseSidecarTask, parseGateway,
//! parseGatewayProxy, parseIngressConfigEntry and its listeners, and
//! jobspec/parse_multiregion.go, at 0.10.9, 0.11.8 and 0.12.12): a value
//! their decoders refuse is refused with Nomad's whole text, the prefix
//! chain each function adds and mapstructure's list, weak or strict as
//! each decoder is configured. We gave the lowering's own words for these.
//!
//! And what those parsers drop without a word: a sidecar_task beside no
//! sidecar_service (parseConnect returns first), and a group's volumes
//! when hcl's decoder refuses one (parse_group.go's parseVolumes ignores
//! hcl.DecodeObject's error, 0.11.0 to 0.12.12).
//!
//! Every expected text is what jobspec.ParseFile built from Nomad 0.10.9,
//! 0.11.8 and 0.12.12 printed for the same file (tests/hcl-oracle/build.sh,
//! oracle-jobspec-*), but for durations, which Go 1.19 (the oracles') quotes
//! and the Go that built those releases does not.

use crate::common;

/// A job whose group service's connect block holds `connect`.
fn job(connect: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      mode = \"bridge\"\n    }}\n    service {{\n      name = \"api\"\n      port = \"9090\"\n      connect {{\n{connect}\n      }}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
}

const PARSING: &str =
    "Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': ";

/// `validate --nomad-version v` of `text`: exit code and stderr without
/// the world note.
fn validate(name: &str, text: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("hcl1-connect-{name}-{v}"), "validate", text, v)
}

/// The file is refused with Nomad's text under each of `versions`.
fn refused(name: &str, text: &str, versions: &[&str], nomad: &str) {
    for v in versions {
        let (code, err) = validate(name, text, v);
        assert_eq!(code, Some(1), "{name} {v}: {err}");
        let want = format!("{PARSING}{nomad}\n");
        assert!(err.starts_with(&want), "{name} {v}:\n{err}\nwant:\n{want}");
    }
}

const SERVICE: &str = "group: 'g', service (0): 'api', ";

#[test]
fn connects_own_argument_is_weakly_decoded() {
    refused(
        "native",
        &job("        native = \"zz\""),
        &["0.10.9", "0.11.8", "0.12.12"],
        &format!("{SERVICE}1 error(s) decoding:\n\n* cannot parse 'Native' as bool: strconv.ParseBool: parsing \"zz\": invalid syntax"),
    );
}

/// parseService prefixes its connect errors with the name as
/// mapstructure weak-decoded it: an int in decimal (hcl v1 reads `0x10`
/// as 16), a bool as `1` or `0`.
#[test]
fn the_prefix_names_the_service_as_decoded() {
    for (name, shown) in [("7", "7"), ("0x10", "16"), ("true", "1")] {
        let text =
            job("        native = \"zz\"").replace("name = \"api\"", &format!("name = {name}"));
        refused(
            "decoded-name",
            &text,
            &["0.10.9", "0.12.12"],
            &format!("group: 'g', service (0): '{shown}', 1 error(s) decoding:\n\n* cannot parse 'Native' as bool: strconv.ParseBool: parsing \"zz\": invalid syntax"),
        );
    }
}

#[test]
fn a_sidecar_service_and_its_upstreams_decode_weakly() {
    let text =
        job("        sidecar_service {\n          tags = [[1]]\n          port = [1]\n        }");
    refused(
        "sidecar-service",
        &text,
        &["0.11.8", "0.12.12"],
        &format!("{SERVICE}sidecar_service, sidecar_service: 2 error(s) decoding:\n\n* 'Port' expected type 'string', got unconvertible type '[]interface {{}}'\n* 'Tags[0]' expected type 'string', got unconvertible type '[]interface {{}}'"),
    );
    let text = job("        sidecar_service {\n          proxy {\n            upstreams {\n              destination_name = \"db\"\n              local_bind_port = \"zz\"\n            }\n          }\n        }");
    refused(
        "upstreams",
        &text,
        &["0.10.9", "0.11.8", "0.12.12"],
        &format!("{SERVICE}sidecar_service, proxy, 1 error(s) decoding:\n\n* cannot parse 'local_bind_port' as int: strconv.ParseInt: parsing \"zz\": invalid syntax"),
    );
}

/// parseProxy decodes its own arguments from 0.11, and without weak
/// typing: a quoted port is no int there, a number no address.
#[test]
fn a_proxys_own_arguments_decode_strictly_from_0_11() {
    let text = job("        sidecar_service {\n          proxy {\n            local_service_port = \"8080\"\n            local_service_address = 1\n          }\n        }");
    refused(
        "proxy",
        &text,
        &["0.11.8", "0.12.12"],
        &format!("{SERVICE}sidecar_service, proxy, proxy: 2 error(s) decoding:\n\n* 'local_service_address' expected type 'string', got unconvertible type 'int'\n* 'local_service_port' expected type 'int', got unconvertible type 'string'"),
    );
    // 0.10.9's parseProxy does not decode them: the job parses.
    let (code, err) = validate("proxy", &text, "0.10.9");
    assert!(!err.contains("error parsing"), "{err}");
    assert_eq!(code, Some(0), "{err}");
    let text = job("        sidecar_service {\n          proxy {\n            expose {\n              path {\n                path = \"/health\"\n                protocol = 1\n                local_path_port = \"8080\"\n                listener_port = \"http\"\n              }\n            }\n          }\n        }");
    refused(
        "expose",
        &text,
        &["0.11.8", "0.12.12"],
        &format!("{SERVICE}sidecar_service, proxy, 2 error(s) decoding:\n\n* 'Protocol' expected type 'string', got unconvertible type 'int'\n* 'local_path_port' expected type 'int', got unconvertible type 'string'"),
    );
}

/// parseSidecarTask is parseTask with the sidecar's keys: its decode, then
/// its resources under `resources ->`.
#[test]
fn a_sidecar_task_is_read_as_a_task() {
    let text = job("        sidecar_service {}\n        sidecar_task {\n          driver = [1]\n          kill_timeout = \"zz\"\n          resources {\n            cpu = \"zz\"\n          }\n        }");
    let both = "2 error(s) decoding:\n\n* 'Driver' expected type 'string', got unconvertible type '[]interface {}'\n*";
    refused(
        "task-old",
        &text,
        &["0.10.9", "0.11.8"],
        &format!("{SERVICE}sidecar_task, {both} time: invalid duration zz"),
    );
    refused(
        "task-new",
        &text,
        &["0.12.12"],
        &format!("{SERVICE}sidecar_task, {both} error decoding 'kill_timeout': time: invalid duration zz"),
    );
    let text = job("        sidecar_service {}\n        sidecar_task {\n          resources {\n            cpu = \"zz\"\n          }\n        }");
    refused(
        "task-resources",
        &text,
        &["0.10.9", "0.11.8", "0.12.12"],
        &format!("{SERVICE}sidecar_task, resources -> 1 error(s) decoding:\n\n* cannot parse 'CPU' as int: strconv.ParseInt: parsing \"zz\": invalid syntax"),
    );
}

/// parseConnect returns when it finds no sidecar_service: a sidecar_task
/// alone is never read, whatever it holds. Nomad parses the file, and its
/// servers then refuse the empty connect block; so do we.
#[test]
fn a_sidecar_task_without_a_sidecar_service_is_never_read() {
    let text = job("        sidecar_task {\n          driver = [1]\n        }");
    for v in ["0.10.9", "0.11.8", "0.12.12"] {
        let (code, err) = validate("alone", &text, v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(!err.contains("Inappropriate value"), "{v}: {err}");
        assert!(
            err.contains(
                "A sidecar_task without a sidecar_service is never read by Nomad before 1.0"
            ),
            "{v}: {err}"
        );
        // ConsulConnect.Validate's words (nomad/structs/services.go).
        let servers = if v == "0.12.12" {
            "Consul Connect must be exclusively native, make use of a sidecar, or represent a Gateway"
        } else {
            "Consul Connect must be native or use a sidecar service"
        };
        assert!(err.contains(servers), "{v}: {err}");
    }
}

#[test]
fn a_gateways_proxy_decodes_weakly_and_its_ingress_strictly() {
    let text = job("        gateway {\n          proxy {\n            connect_timeout = \"zz\"\n            envoy_gateway_no_default_bind = \"maybe\"\n          }\n          ingress {\n            listener {\n              port = \"8080\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }");
    refused(
        "gateway-proxy",
        &text,
        &["0.12.12"],
        &format!("{SERVICE}gateway, proxy, proxy: 2 error(s) decoding:\n\n* cannot parse 'envoy_gateway_no_default_bind' as bool: strconv.ParseBool: parsing \"maybe\": invalid syntax\n* error decoding 'connect_timeout': time: invalid duration zz"),
    );
    let text = job("        gateway {\n          proxy {}\n          ingress {\n            tls {\n              enabled = \"true\"\n            }\n            listener {\n              port = \"8080\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n        }");
    refused(
        "gateway-tls",
        &text,
        &["0.12.12"],
        &format!("{SERVICE}gateway, ingress, 1 error(s) decoding:\n\n* 'Enabled' expected type 'bool', got unconvertible type 'string'"),
    );
    let text = job("        gateway {\n          proxy {}\n          ingress {\n            listener {\n              port = 8080\n              service {\n                name = 1\n                hosts = [\"x\", 2]\n              }\n            }\n          }\n        }");
    refused(
        "gateway-service",
        &text,
        &["0.12.12"],
        &format!("{SERVICE}gateway, ingress, 2 error(s) decoding:\n\n* 'Hosts[1]' expected type 'string', got unconvertible type 'int'\n* 'Name' expected type 'string', got unconvertible type 'int'"),
    );
}

fn multiregion(body: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  multiregion {{\n{body}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
}

#[test]
fn a_multiregions_strategy_and_regions_decode_weakly() {
    let text = multiregion("    strategy {\n      max_parallel = \"zz\"\n      on_failure = [1]\n    }\n    region \"west\" {\n      count = \"x\"\n    }");
    refused(
        "multiregion-strategy",
        &text,
        &["0.12.12"],
        "multiregion -> strategy -> 2 error(s) decoding:\n\n* 'on_failure' expected type 'string', got unconvertible type '[]interface {}'\n* cannot parse 'max_parallel' as int: strconv.ParseInt: parsing \"zz\": invalid syntax",
    );
    let text = multiregion("    strategy {\n      max_parallel = 1\n      on_failure = \"fail_all\"\n    }\n    region \"west\" {\n      count = 1\n      datacenters = [[1]]\n    }");
    refused(
        "multiregion-region",
        &text,
        &["0.12.12"],
        "multiregion -> regions -> 1 error(s) decoding:\n\n* 'Datacenters[0]' expected type 'string', got unconvertible type '[]interface {}'",
    );
}

fn volume_job(source: &str, mount: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    volume \"data\" {{\n      type = \"host\"\n      source = {source}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{mount}\n    }}\n  }}\n}}\n")
}

/// 0.11.0–0.12.12's parseVolumes ignores hcl.DecodeObject's error: a
/// volume hcl cannot decode leaves the group with no volume, and the file
/// parses. (0.10.9 weak-decodes each volume and refuses it.)
#[test]
fn a_volume_hcl_cannot_decode_drops_the_groups_volumes_from_0_11() {
    let text = volume_job("[1]", "");
    for v in ["0.11.8", "0.12.12"] {
        let (code, err) = validate("volume", &text, v);
        assert_eq!(code, Some(0), "{v}: {err}");
        assert!(!err.contains("Inappropriate value"), "{v}: {err}");
        assert!(
            err.contains("job parser drops every volume of this group (`data`)"),
            "{v}: {err}"
        );
    }
    refused(
        "volume",
        &text,
        &["0.10.9"],
        "group: volume -> 1 error(s) decoding:\n\n* 'Source' expected type 'string', got unconvertible type '[]interface {}'",
    );
    // A number is a string to hcl's decoder: the volume stays.
    let (code, err) = validate("volume-number", &volume_job("1", ""), "0.12.12");
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("drops every volume"), "{err}");
    // Mounted, the volume is dropped all the same and the servers refuse
    // the mount of a volume the group no longer has (TaskGroup.Validate).
    let mount =
        "      volume_mount {\n        volume = \"data\"\n        destination = \"/d\"\n      }";
    let (code, err) = validate("volume-mounted", &volume_job("[1]", mount), "0.12.12");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("drops every volume of this group (`data`)"),
        "{err}"
    );
    assert!(
        err.contains("Task t has a volume mount (0) referencing undefined volume data"),
        "{err}"
    );
}
