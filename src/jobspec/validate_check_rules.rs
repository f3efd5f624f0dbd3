//! A check's own rules: `ServiceCheck.validate` (0.9.3–1.3.x), then
//! `validateCommon` with `validateConsul` / `validateNomad` (1.4.0+)
//! (nomad/structs/services.go; structs.go in 0.9). Each returns its first
//! error, as Nomad's do; validate_checks.rs words and places it.

use super::model::*;
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// A check's first error: Nomad's words and where we point.
pub(super) struct CheckErr {
    pub text: String,
    pub code: &'static str,
    pub field: &'static str,
    pub label: &'static str,
    pub help: String,
}

fn err(
    text: impl Into<String>,
    code: &'static str,
    field: &'static str,
    label: &'static str,
    help: impl Into<String>,
) -> Option<CheckErr> {
    Some(CheckErr {
        text: text.into(),
        code,
        field,
        label,
        help: help.into(),
    })
}

const MIN: Duration = Duration::secs(1);

/// A Consul check (every check before 1.3.0).
pub(super) fn consul(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    if !v.at_least(1, 4, 0) {
        return legacy(c, v);
    }
    common(c, v, &["grpc", "tcp", "http", "script"])
        .or_else(|| expose(c, v))
        .or_else(|| pass_fail(c, v))
        .or_else(|| {
            (v.at_least(1, 8, 1) && c.notes.chars().count() > 255).then(|| CheckErr {
                text: "notes must not be longer than 255 characters".into(),
                code: "jobspec::range",
                field: "notes",
                label: "too long",
                help: "shorten the notes to 255 characters".into(),
            })
        })
}

/// A Nomad-provider check (1.4.0+): tcp or http, none of Consul's fields.
pub(super) fn nomad(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    if let Some(e) = common(c, v, &["tcp", "http"]) {
        return Some(e);
    }
    let consul_only = |what: &str, field: &'static str| {
        err(
            format!("{what} may only be set for Consul service checks"),
            "jobspec::value",
            field,
            "Consul only",
            "drop it, or use provider \"consul\"",
        )
    };
    if c.expose {
        return consul_only("expose", "expose");
    }
    if c.on_update == "ignore_warnings" {
        return err(
            "on_update may only be set to ignore_warnings for Consul service checks",
            "jobspec::value",
            "on_update",
            "Consul only",
            "Nomad checks have no warnings: use on_update \"require_healthy\" or \"ignore\"",
        );
    }
    if c.check_restart.as_ref().is_some_and(|r| r.ignore_warnings) {
        return err(
            "ignore_warnings on check_restart only supported for Consul service checks",
            "jobspec::value",
            "check_restart",
            "Consul only",
            "drop ignore_warnings: Nomad checks have no warnings",
        );
    }
    if c.address_mode == "driver" {
        return err(
            "address_mode = driver may only be set for Consul service checks",
            "jobspec::value",
            "address_mode",
            "Consul only",
            "use address_mode \"host\" or \"alloc\"",
        );
    }
    let methods = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE",
    ];
    if c.check_type == "http" && !c.method.is_empty() && !methods.contains(&c.method.as_str()) {
        return err(
            format!(
                "method type {} not supported in Nomad http check",
                go_quote(&c.method)
            ),
            "jobspec::value",
            "method",
            "unknown method",
            "use an HTTP method such as GET or POST",
        );
    }
    if c.success_before_passing != 0 {
        return consul_only("success_before_passing", "success_before_passing");
    }
    if c.failures_before_critical != 0 {
        return consul_only("failures_before_critical", "failures_before_critical");
    }
    if v.at_least(1, 7, 3) && c.failures_before_warning != 0 {
        return consul_only("failures_before_warning", "failures_before_warning");
    }
    if v.at_least(1, 6, 0) && !c.tls_server_name.is_empty() {
        return consul_only("tls_server_name", "tls_server_name");
    }
    // Last, in 1.4.13-1.4.x, 1.5.9-1.5.x and 1.6.2-1.9.5 (services.go
    // validateNomad); 1.9.6 dropped it when Nomad's own checks learned to
    // skip verification.
    let skip_refused = v.has_since(&[
        NomadVersion::new(1, 4, 13),
        NomadVersion::new(1, 5, 9),
        NomadVersion::new(1, 6, 2),
    ]) && !v.at_least(1, 9, 6);
    if skip_refused && c.tls_skip_verify {
        return consul_only("tls_skip_verify", "tls_skip_verify");
    }
    None
}

/// `validateCommon` (1.4.0+).
fn common(c: &ServiceCheck, v: NomadVersion, allowed: &[&str]) -> Option<CheckErr> {
    let ty = c.check_type.to_lowercase();
    if !allowed.contains(&ty.as_str()) {
        let list = allowed.join(", ");
        return err(
            format!(
                "invalid check type ({}), must be one of {list}",
                go_quote(&ty)
            ),
            "jobspec::value",
            "type",
            "unknown check type",
            format!("use type {list}"),
        );
    }
    match ty.as_str() {
        "http" => http_path(
            c,
            "http type must have http path",
            "http type must have valid http path",
            "http type must have relative http path",
        ),
        "script" => script(c),
        _ => None,
    }
    .or_else(|| timing(c))
    .or_else(|| initial_status(c))
    .or_else(|| address_mode(c, v))
    .or_else(|| on_update(c, v))
    .or_else(|| restart_conflicts(c, v))
    .or_else(|| check_restart(c, v))
}

/// `ServiceCheck.validate` before 1.4.0.
fn legacy(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    match c.check_type.to_lowercase().as_str() {
        "grpc" | "tcp" => None,
        "http" => http_path(
            c,
            "http type must have a valid http path",
            "http type must have a valid http path",
            "http type must have a relative http path",
        ),
        "script" => script(c),
        _ => err(
            format!(
                "invalid type ({}), must be one of \"http\", \"tcp\", or \"script\" type",
                go_quote(&c.check_type)
            ),
            "jobspec::value",
            "type",
            "unknown check type",
            "use type \"http\", \"tcp\", \"grpc\" or \"script\"",
        ),
    }
    .or_else(|| timing(c))
    .or_else(|| initial_status(c))
    .or_else(|| address_mode(c, v))
    .or_else(|| on_update(c, v))
    .or_else(|| expose(c, v))
    .or_else(|| pass_fail(c, v))
    .or_else(|| restart_conflicts(c, v))
    .or_else(|| check_restart(c, v))
}

fn http_path(c: &ServiceCheck, empty: &str, invalid: &str, absolute: &str) -> Option<CheckErr> {
    let help = "give the check a path on the service, such as \"/health\"";
    if c.path.is_empty() {
        return err(empty, "jobspec::missing", "type", "no path", help);
    }
    match url_scheme(&c.path) {
        Err(()) => err(invalid, "jobspec::value", "path", "not a URL path", help),
        Ok(true) => err(absolute, "jobspec::value", "path", "an absolute URL", help),
        Ok(false) => None,
    }
}

/// `url.Parse(path)`: an error, or whether the URL is absolute (has a
/// scheme). Covers the errors a check path meets: a bad `%` escape, a
/// leading `:` ("missing protocol scheme"), a colon in the first segment
/// of a relative path, control characters.
fn url_scheme(p: &str) -> Result<bool, ()> {
    if p.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(());
    }
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |x: Option<&u8>| x.is_some_and(u8::is_ascii_hexdigit);
            if !(hex(b.get(i + 1)) && hex(b.get(i + 2))) {
                return Err(());
            }
            i += 2;
        }
        i += 1;
    }
    for (i, c) in p.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(()),
            ':' => return Ok(true),
            _ => break,
        }
    }
    let first = p.split(['/', '?', '#']).next().unwrap_or("");
    if first.contains(':') {
        return Err(());
    }
    Ok(false)
}

fn script(c: &ServiceCheck) -> Option<CheckErr> {
    if !c.command.is_empty() {
        return None;
    }
    err(
        "script type must have a valid script path",
        "jobspec::missing",
        "type",
        "no command",
        "set the check's `command`",
    )
}

/// Interval and timeout: set, and at least 1s. (Nomad's timeout texts name
/// `minCheckInterval`, the same 1s.)
fn timing(c: &ServiceCheck) -> Option<CheckErr> {
    let help = "checks run at most once a second: use 1s or more";
    if c.interval.nanos() == 0 {
        return err(
            format!("missing required value interval. Interval cannot be less than {MIN}"),
            "jobspec::missing",
            "type",
            "no interval",
            "set the check's `interval`, e.g. \"10s\"",
        );
    }
    if c.interval.nanos() < MIN.nanos() {
        return err(
            format!("interval ({}) cannot be lower than {MIN}", c.interval),
            "jobspec::range",
            "interval",
            "below 1s",
            help,
        );
    }
    if c.timeout.nanos() == 0 {
        return err(
            format!("missing required value timeout. Timeout cannot be less than {MIN}"),
            "jobspec::missing",
            "type",
            "no timeout",
            "set the check's `timeout`, e.g. \"2s\"",
        );
    }
    if c.timeout.nanos() < MIN.nanos() {
        return err(
            format!(
                "timeout ({}) is lower than required minimum timeout {MIN}",
                c.timeout
            ),
            "jobspec::range",
            "timeout",
            "below 1s",
            help,
        );
    }
    None
}

fn initial_status(c: &ServiceCheck) -> Option<CheckErr> {
    if matches!(
        c.initial_status.as_str(),
        "" | "passing" | "warning" | "critical"
    ) {
        return None;
    }
    err(
        format!("invalid initial check state ({}), must be one of \"passing\", \"warning\", \"critical\" or empty", c.initial_status),
        "jobspec::value",
        "initial_status",
        "unknown status",
        "use initial_status \"passing\", \"warning\" or \"critical\"",
    )
}

fn address_mode(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    let ok = match c.address_mode.as_str() {
        "" | "host" | "driver" => true,
        "alloc" => v.at_least(1, 0, 0),
        "alloc_ipv6" => v.has(crate::version::Fix::AllocIpv6),
        _ => false,
    };
    let q = go_quote(&c.address_mode);
    let help =
        "use a check address_mode \"host\" or \"driver\" (\"alloc\" in group services), or none";
    if ok {
        None
    } else if c.address_mode == "auto" {
        err(
            format!("invalid address_mode {q} - auto only valid for services"),
            "jobspec::value",
            "address_mode",
            "services only",
            help,
        )
    } else {
        err(
            format!("invalid address_mode {q}"),
            "jobspec::value",
            "address_mode",
            "unknown address_mode",
            help,
        )
    }
}

fn on_update(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    if !v.at_least(1, 1, 0)
        || matches!(
            c.on_update.as_str(),
            "" | "ignore" | "require_healthy" | "ignore_warnings"
        )
    {
        return None;
    }
    err(
        format!(
            "on_update must be \"require_healthy\", \"ignore_warnings\", or \"ignore\"; got {}",
            go_quote(&c.on_update)
        ),
        "jobspec::value",
        "on_update",
        "unknown on_update",
        "use on_update \"require_healthy\", \"ignore_warnings\" or \"ignore\"",
    )
}

/// `expose` only on http and grpc checks (0.11.0+).
fn expose(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    let ty = c.check_type.to_lowercase();
    if !v.at_least(0, 11, 0) || !c.expose || matches!(ty.as_str(), "grpc" | "http") {
        return None;
    }
    err(
        "expose may only be set on HTTP or gRPC checks",
        "jobspec::value",
        "expose",
        "not http or grpc",
        "drop expose, or make the check http or grpc",
    )
}

/// The pass/fail thresholds (0.12.2+; failures_before_warning 1.7.3+).
fn pass_fail(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    if !v.at_least(0, 12, 2) {
        return None;
    }
    let mut fields = vec![
        ("success_before_passing", c.success_before_passing),
        ("failures_before_critical", c.failures_before_critical),
    ];
    if v.at_least(1, 7, 3) {
        fields.push(("failures_before_warning", c.failures_before_warning));
    }
    for (field, n) in fields {
        if n < 0 {
            return err(
                format!("{field} must be non-negative"),
                "jobspec::range",
                field,
                "negative",
                "use 0 or more",
            );
        }
        if n > 0 && !matches!(c.check_type.as_str(), "tcp" | "http" | "grpc") {
            return err(
                format!(
                    "{field} not supported for check of type {}",
                    go_quote(&c.check_type)
                ),
                "jobspec::value",
                field,
                "not for this type",
                "only tcp, http and grpc checks take it",
            );
        }
    }
    None
}

/// check_restart against on_update (1.1.0+).
fn restart_conflicts(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    let r = c.check_restart.as_ref().filter(|_| v.at_least(1, 1, 0))?;
    if c.on_update == "ignore" {
        return err(
            "on_update value \"ignore\" is not compatible with check_restart",
            "jobspec::value",
            "on_update",
            "conflicts with check_restart",
            "drop check_restart, or use another on_update",
        );
    }
    if !r.ignore_warnings && c.on_update == "ignore_warnings" {
        return err("on_update value \"ignore_warnings\" not supported with check_restart ignore_warnings value \"false\"", "jobspec::value", "on_update", "conflicts with check_restart", "set `ignore_warnings = true` in check_restart");
    }
    None
}

/// `CheckRestart.Validate`: a multierror (the grace in nanoseconds, `%d`).
fn check_restart(c: &ServiceCheck, v: NomadVersion) -> Option<CheckErr> {
    let r = c.check_restart.as_ref()?;
    let mut items = Vec::new();
    if r.limit < 0 {
        items.push(format!(
            "limit must be greater than or equal to 0 but found {}",
            r.limit
        ));
    }
    if r.grace.nanos() < 0 {
        items.push(format!(
            "grace period must be greater than or equal to 0 but found {}",
            r.grace.nanos()
        ));
    }
    if items.is_empty() {
        return None;
    }
    err(
        crate::gotext::multierror(&items, v),
        "jobspec::range",
        "check_restart",
        "negative",
        "give check_restart a limit and grace of 0 or more",
    )
}
