//! Services, checks and Consul Connect of an `api.Job` (api/services.go,
//! api/consul.go) to the model.

use serde_json::Value;

use super::api_json;
use super::api_read::{Obj, Sink};
use super::api_task::{each, identity, sidecar_task};
use crate::jobspec::{
    CheckRestart, ConsulConnect, ConsulProxy, ConsulUpstream, ExposeConfig, ExposePath, Service,
    ServiceCheck, ServiceWeights, SidecarService, TransparentProxy,
};

/// `Services` of a group or task of a job in namespace `job_ns`;
/// leftovers under `{prefix}Services[n].`.
pub(crate) fn services(
    o: &Obj<'_>,
    prefix: &str,
    sink: &mut Sink<'_>,
    job_ns: &str,
) -> Vec<Service> {
    o.nested_each("Services", prefix, sink, |s, p, sink| {
        skip_derived_namespace(s, job_ns);
        service(s, p, sink)
    })
}

/// `/v1/job/:id` returns the stored `structs.Job`, whose services carry a
/// `Namespace` that `structs.Service.Canonicalize` derives at registration
/// and again on every planned job (1.1.0+): `"default"` for a Consul
/// service, the job's namespace for a Nomad one (1.3+; before 1.3 every
/// service is Consul's). `api.Service` has no such field, so no job file
/// can set it: the derived value says nothing the planned job does not get
/// again, and is not a change. Any other value is kept as unmodelled.
fn skip_derived_namespace(s: &Obj<'_>, job_ns: &str) {
    let derived = match s.s("Provider").as_str() {
        "nomad" => job_ns,
        _ => "default",
    };
    s.skip_if("Namespace", &Value::from(derived));
}

fn service(s: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> Service {
    // api Service.Canonicalize merges the service's `check_restart` into
    // each check's (read there); the service keeps its copy.
    s.skip(&["CheckRestart"]);
    let checks = s.nested_each("Checks", p, sink, check);
    let connect = s.nested("Connect", p, sink, connect);
    Service {
        name: s.s("Name"),
        port_label: s.s("PortLabel"),
        address_mode: s.s("AddressMode"),
        address: s.s("Address"),
        provider: s.s("Provider"),
        tags: s.strs("Tags"),
        canary_tags: s.strs("CanaryTags"),
        enable_tag_override: s.b("EnableTagOverride"),
        checks,
        meta: s.smap("Meta"),
        canary_meta: s.smap("CanaryMeta"),
        task_name: s.s("TaskName"),
        on_update: s.s("OnUpdate"),
        connect,
        tagged_addresses: s.smap("TaggedAddresses"),
        cluster: s.s("Cluster"),
        kind: s.s("Kind"),
        weights: s.nested("Weights", p, sink, |w, _, _| ServiceWeights {
            passing: w.i("Passing"),
            warning: w.i("Warning"),
            spans: Default::default(),
        }),
        identity: s.nested("Identity", p, sink, |i, _, _| identity(i)),
        spans: Default::default(),
    }
}

fn check(c: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> ServiceCheck {
    // `map[string][]string` (api/services.go ServiceCheck.Header).
    let header = c.obj("Header").map_or_else(Default::default, |h| {
        let names = h.as_object().into_iter().flatten();
        names
            .map(|(k, _)| (k.clone(), api_json::strs(h, k)))
            .collect()
    });
    let check_restart = c.nested("CheckRestart", p, sink, |r, _, _| CheckRestart {
        limit: r.i("Limit"),
        grace: r.dur("Grace"),
        ignore_warnings: r.b("IgnoreWarnings"),
    });
    ServiceCheck {
        name: c.s("Name"),
        check_type: c.s("Type"),
        command: c.s("Command"),
        args: c.strs("Args"),
        path: c.s("Path"),
        protocol: c.s("Protocol"),
        port_label: c.s("PortLabel"),
        expose: c.b("Expose"),
        address_mode: c.s("AddressMode"),
        interval: c.dur("Interval"),
        timeout: c.dur("Timeout"),
        initial_status: c.s("InitialStatus"),
        tls_skip_verify: c.b("TLSSkipVerify"),
        method: c.s("Method"),
        header,
        body: c.s("Body"),
        grpc_service: c.s("GRPCService"),
        grpc_use_tls: c.b("GRPCUseTLS"),
        task_name: c.s("TaskName"),
        on_update: c.s("OnUpdate"),
        success_before_passing: c.i("SuccessBeforePassing"),
        failures_before_critical: c.i("FailuresBeforeCritical"),
        failures_before_warning: c.i("FailuresBeforeWarning"),
        tls_server_name: c.s("TLSServerName"),
        notes: c.s("Notes"),
        check_restart,
        spans: Default::default(),
    }
}

fn connect(c: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> ConsulConnect {
    let sidecar_service = c.nested("SidecarService", p, sink, |s, sp, sink| SidecarService {
        tags: s.strs("Tags"),
        port: s.s("Port"),
        proxy: s.nested("Proxy", sp, sink, proxy),
        disable_default_tcp_check: s.b("DisableDefaultTCPCheck"),
        meta: s.smap("Meta"),
        spans: Default::default(),
    });
    let sidecar_task = c.nested("SidecarTask", p, sink, sidecar_task);
    ConsulConnect {
        native: c.b("Native"),
        sidecar_service,
        sidecar_task,
        gateway: c.nested("Gateway", p, sink, super::api_gateway::gateway),
        spans: Default::default(),
    }
}

fn proxy(x: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> ConsulProxy {
    let upstreams = x.nested_each("Upstreams", p, sink, |u, up, sink| {
        let mesh_gateway_mode = u
            .nested("MeshGateway", up, sink, |m, _, _| m.s("Mode"))
            .unwrap_or_default();
        ConsulUpstream {
            destination_name: u.s("DestinationName"),
            destination_namespace: u.s("DestinationNamespace"),
            destination_partition: u.s("DestinationPartition"),
            destination_peer: u.s("DestinationPeer"),
            destination_type: u.s("DestinationType"),
            local_bind_port: u.i("LocalBindPort"),
            datacenter: u.s("Datacenter"),
            local_bind_address: u.s("LocalBindAddress"),
            local_bind_socket_path: u.s("LocalBindSocketPath"),
            local_bind_socket_mode: u.s("LocalBindSocketMode"),
            mesh_gateway_mode,
            config: u.value_map("Config"),
            spans: Default::default(),
        }
    });
    // `ExposeConfig` (with `Path`) is the deprecated spelling of `Expose`
    // (with `Paths`): api/consul.go reads either.
    let expose_key = if x.obj("Expose").is_some() {
        "Expose"
    } else {
        "ExposeConfig"
    };
    x.skip(&["Expose", "ExposeConfig"]);
    let expose = x.nested(expose_key, p, sink, |e, ep_prefix, sink| {
        let key = if e.arr("Paths").is_empty() {
            "Path"
        } else {
            "Paths"
        };
        e.skip(&["Path", "Paths"]);
        let paths = each(e, key)
            .map(|(n, ep)| {
                let out = ExposePath {
                    path: ep.s("Path"),
                    protocol: ep.s("Protocol"),
                    local_path_port: ep.i("LocalPathPort"),
                    listener_port: ep.s("ListenerPort"),
                };
                sink.keep(&ep, &format!("{ep_prefix}{key}[{n}]."));
                out
            })
            .collect();
        ExposeConfig { paths }
    });
    let transparent_proxy = x.nested("TransparentProxy", p, sink, |t, _, _| TransparentProxy {
        uid: t.s("UID"),
        outbound_port: t.i("OutboundPort"),
        exclude_inbound_ports: t.strs("ExcludeInboundPorts"),
        exclude_outbound_ports: t
            .arr("ExcludeOutboundPorts")
            .iter()
            .enumerate()
            .filter_map(|(n, x)| {
                let at = format!("ExcludeOutboundPorts[{n}]");
                api_json::typed(Some(x), &at, api_json::INT, Value::as_i64)
            })
            .collect(),
        exclude_outbound_cidrs: t.strs("ExcludeOutboundCIDRs"),
        exclude_uids: t.strs("ExcludeUIDs"),
        no_dns: t.b("NoDNS"),
        spans: Default::default(),
    });
    ConsulProxy {
        local_service_address: x.s("LocalServiceAddress"),
        local_service_port: x.i("LocalServicePort"),
        upstreams,
        expose,
        transparent_proxy,
        config: x.value_map("Config"),
        spans: Default::default(),
    }
}
