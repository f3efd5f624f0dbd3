//! `Service.Validate` and `ServiceCheck.validate` (nomad/structs/structs.go
//! at 0.9.x, services.go from 0.10.0), for task and group services alike,
//! read at v0.9.3, v1.0.0, v1.1.0, v1.3.0, v1.6.0 and v2.0.5; each text's
//! first release bisected over the tags:
//!
//! - the service: its name (RFC 1123 once `${...}` interpolations are
//!   replaced; worded three ways: 0.9, 0.10–1.2, 1.3+), its address mode
//!   (`alloc` 1.0.0+, `alloc_ipv6` 1.10.4+, and from 1.3.0 only `auto` with
//!   an `address`), its `on_update` (1.1.0+), its provider (1.3.0+);
//! - each check, first the port rule (validate_services.rs words it),
//!   then a tcp check on a Connect sidecar service (0.10.0+), then the
//!   check's own rules, which stop at the first error: the type (Nomad
//!   provider checks take tcp and http only, 1.4.0+), the http path or
//!   script command, interval and timeout of at least 1s, the initial
//!   status, the address mode, `on_update`, `check_restart`, then the
//!   Consul-only or Nomad-only fields. Consul checks' errors read
//!   `Check <name> invalid: <err>` (`check` in 0.9), Nomad checks' are bare;
//! - the Connect native rules (0.12.0+, the port 1.9.2+), the Consul
//!   service kind (1.10.3+); last, the service's identity (1.7.0+,
//!   validate_workload.rs).
//!
//! Before, a service named `bad_name!`, `address_mode = "bogus"` or a check
//! of type `bogus` validated and planned as a false all-clear.

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// `Service.ValidateName` on the name with every `${...}` replaced
/// (`args.ReplaceEnvWithPlaceHolder`): 1 to 63 letters, digits or dashes,
/// neither end a dash.
fn name_ok(name: &str) -> bool {
    let stripped = crate::gotext::replace_env(name, |_| Some("ENV-VAR"));
    let b = stripped.as_bytes();
    let alnum = |c: &u8| c.is_ascii_alphanumeric();
    match b.len() {
        1 => alnum(&b[0]),
        2..=63 => {
            alnum(&b[0]) && alnum(&b[b.len() - 1]) && b.iter().all(|c| alnum(c) || *c == b'-')
        }
        _ => false,
    }
}

/// `Service.Validate` for `sv`; `native_task_missing` says whether a Connect
/// native service still has no task after the Connect hook; `hook_mode` is
/// the network mode of the group whose Connect hook mutated it
/// (validate_connect.rs).
pub(super) fn service(
    sv: &Service,
    native_task_missing: bool,
    hook_mode: Option<&str>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let s = &sv.spans;
    if !name_ok(&sv.name) {
        let q = go_quote(&sv.name);
        let text = if v.at_least(1, 3, 0) {
            format!("Service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes and must be no longer than 63 characters: {q}")
        } else if v.at_least(0, 10, 0) {
            format!("Service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes: {q}")
        } else {
            format!("service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes: {q}")
        };
        let msg = format!("Service name {q} is not a valid DNS name (RFC 1123)");
        let help = "use 1 to 63 letters, digits and dashes, not starting or ending with a dash";
        refuse(
            out,
            text,
            "jobspec::value",
            s.best("name"),
            msg,
            "invalid service name",
            help,
        );
    }
    address_mode(sv, v, out);
    if v.at_least(1, 1, 0)
        && !matches!(
            sv.on_update.as_str(),
            "" | "ignore" | "require_healthy" | "ignore_warnings"
        )
    {
        let text = format!(
            "Service on_update must be \"require_healthy\", \"ignore_warnings\", or \"ignore\"; not {}",
            go_quote(&sv.on_update)
        );
        let msg = format!("Service {}: {text}", go_quote(&sv.name));
        refuse(
            out,
            text,
            "jobspec::value",
            s.best("on_update"),
            msg,
            "unknown on_update",
            "use on_update \"require_healthy\", \"ignore_warnings\" or \"ignore\"",
        );
    }
    let provider_field = v.at_least(1, 3, 0);
    match sv.provider.as_str() {
        "nomad" if provider_field => nomad_service(sv, v, out),
        "consul" | "" => consul_service(sv, native_task_missing, hook_mode, v, out),
        _ if !provider_field => consul_service(sv, native_task_missing, hook_mode, v, out),
        other => {
            let text = format!(
                "Service provider must be \"consul\", or \"nomad\"; not {}",
                go_quote(other)
            );
            let msg = format!("Service {}: {text}", go_quote(&sv.name));
            refuse(
                out,
                text,
                "jobspec::value",
                s.best("provider"),
                msg,
                "unknown provider",
                "use provider \"consul\" or \"nomad\"",
            );
        }
    }
    super::validate_workload::service_identity(sv, v, out);
}

fn address_mode(sv: &Service, v: NomadVersion, out: &mut Out<'_>) {
    let mode = sv.address_mode.as_str();
    let known = match mode {
        "" | "auto" | "host" | "driver" => true,
        "alloc" => v.at_least(1, 0, 0),
        "alloc_ipv6" => v.has(crate::version::Fix::AllocIpv6),
        _ => false,
    };
    let span = sv.spans.best("address_mode");
    if !known {
        let service = if v.at_least(0, 10, 0) {
            "Service"
        } else {
            "service"
        };
        let text = format!(
            "{service} address_mode must be \"auto\", \"host\", or \"driver\"; not {}",
            go_quote(mode)
        );
        let msg = format!("Service {}: {text}", go_quote(&sv.name));
        refuse(
            out,
            text,
            "jobspec::value",
            span,
            msg,
            "unknown address_mode",
            "use address_mode \"auto\", \"host\" or \"driver\" (\"alloc\" in group services)",
        );
    } else if v.at_least(1, 3, 0) && !matches!(mode, "" | "auto") && !sv.address.is_empty() {
        let text = "Service address_mode must be \"auto\" if address is set";
        let msg = format!("Service {}: {text}", go_quote(&sv.name));
        refuse(
            out,
            text.into(),
            "jobspec::value",
            span,
            msg,
            "not auto",
            "drop address_mode, or drop address",
        );
    }
}

/// `validateConsulService` (from 1.3.0; the same loop inline before).
fn consul_service(
    sv: &Service,
    native_task_missing: bool,
    hook_mode: Option<&str>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let check = if v.at_least(0, 10, 0) {
        "Check"
    } else {
        "check"
    };
    for c in &sv.checks {
        if super::validate_services::port_missing(sv, c, v, out) {
            continue;
        }
        let sidecar = sv
            .connect
            .as_ref()
            .is_some_and(|cn| cn.sidecar_service.is_some());
        if v.at_least(0, 10, 0) && c.check_type == "tcp" && sidecar {
            let text = format!(
                "Check {} invalid: tcp checks are not valid for Connect enabled services",
                c.name
            );
            let help = "the service listens on the sidecar's loopback: use an http or grpc check (with expose), or none";
            refuse(
                out,
                text.clone(),
                "jobspec::value",
                c.spans.best("type"),
                text,
                "tcp check",
                help,
            );
            continue;
        }
        if let Some(e) = super::validate_check_rules::consul(c, v) {
            let text = format!("{check} {} invalid: {}", c.name, e.text);
            let msg = format!("Check {}: {}", go_quote(&c.name), e.text);
            refuse(
                out,
                text,
                e.code,
                c.spans.best(e.field),
                msg,
                e.label,
                &e.help,
            );
        }
    }
    if v.at_least(1, 10, 3)
        && !matches!(
            sv.kind.as_str(),
            "" | "api-gateway" | "ingress-gateway" | "mesh-gateway" | "terminating-gateway"
        )
    {
        let text = format!(
            "Service {} kind must be one of consul service kind or empty",
            sv.name
        );
        let help = "use kind \"api-gateway\", \"ingress-gateway\", \"mesh-gateway\" or \"terminating-gateway\", or leave it unset";
        refuse(
            out,
            text.clone(),
            "jobspec::value",
            sv.spans.best("kind"),
            text,
            "unknown kind",
            help,
        );
    }
    super::validate_connect::connect(sv, hook_mode, v, out);
    connect_native(sv, native_task_missing, v, out);
}

/// The Connect native rules (0.12.0+): the service needs its task, which
/// the Connect hook infers only for a group with a network, and (1.9.2+)
/// a port, "or consul will reject it".
fn connect_native(sv: &Service, task_missing: bool, v: NomadVersion, out: &mut Out<'_>) {
    let native = sv.connect.as_ref().is_some_and(|c| c.is_native());
    if !native || !v.at_least(0, 12, 0) {
        return;
    }
    let span = sv.spans.get("connect");
    let need = |out: &mut Out<'_>, what: &str, help: &str| {
        let text = format!(
            "Service {} is Connect Native and requires setting the {what}",
            sv.name
        );
        let label = format!("no {what} for this native service");
        refuse(
            out,
            text.clone(),
            "jobspec::missing",
            span,
            text,
            &label,
            help,
        );
    };
    if task_missing {
        need(out, "task", "set `task` on the service: without a group network Nomad's Connect hook does not infer it");
    }
    if sv.port_label.is_empty() && v.has(crate::version::Fix::ConnectNativePort) {
        need(
            out,
            "port",
            "set the service's `port`: Consul rejects a native service without one",
        );
    }
}

/// `validateNomadService` (1.3.0+): 1.3 refused checks outright; from 1.4
/// each check passes the port rule and `validateNomad`, whose errors are
/// listed bare.
fn nomad_service(sv: &Service, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 4, 0) {
        if !sv.checks.is_empty() {
            let text = "Service with provider nomad cannot include Check blocks";
            let msg = format!("Service {}: {text}", go_quote(&sv.name));
            let span = sv.checks[0].spans.block;
            refuse(
                out,
                text.into(),
                "jobspec::value",
                span,
                msg,
                "check",
                "Nomad service checks need Nomad 1.4: drop the checks or use provider \"consul\"",
            );
        }
    } else {
        for c in &sv.checks {
            if super::validate_services::port_missing(sv, c, v, out) {
                continue;
            }
            if let Some(e) = super::validate_check_rules::nomad(c, v) {
                let msg = format!("Check {}: {}", go_quote(&c.name), e.text);
                refuse(
                    out,
                    e.text,
                    e.code,
                    c.spans.best(e.field),
                    msg,
                    e.label,
                    &e.help,
                );
            }
        }
    }
    if sv.connect.is_some() {
        let text = "Service with provider nomad cannot include Connect blocks";
        let msg = format!("Service {}: {text}", go_quote(&sv.name));
        refuse(
            out,
            text.into(),
            "jobspec::value",
            sv.spans.get("connect"),
            msg,
            "connect",
            "Connect needs provider \"consul\"",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::name_ok;

    /// ValidateName's regexp and ReplaceEnvWithPlaceHolder (services.go,
    /// TestService_Validate / TestService_ValidateName cases).
    #[test]
    fn names_follow_rfc_1123_after_interpolation() {
        for ok in ["a", "web", "web-1", "A9", "${NOMAD_JOB_NAME}-web", "${a}"] {
            assert!(name_ok(ok), "{ok}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            "bad_name!",
            "-a",
            "a-",
            "a.b",
            "a b",
            "${a b}",
            long.as_str(),
        ] {
            assert!(!name_ok(bad), "{bad}");
        }
        assert!(name_ok(&"a".repeat(63)));
    }
}
