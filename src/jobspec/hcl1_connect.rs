//! Before 1.0: a service's `connect` block as HCL1's job parser reads it
//! (jobspec/parse_service.go's parseConnect and the functions it calls, at
//! 0.10.0 to 0.12.12), in its order and words.
//!
//! parseConnect weak-decodes its own arguments (`native`: `'Native'`),
//! then reads, each under its own prefix:
//! - `gateway` (0.12.4+): one at most (`only one 'gateway' block allowed
//!   per task`); parseGateway wants one `proxy` and one `ingress` (`must
//!   have one 'proxy' block`), parseGatewayProxy decodes with the duration
//!   hook (`gateway, proxy, proxy: N error(s) decoding`), parseIngress's
//!   `tls`, `listener` and listener `service` decode strictly (`gateway,
//!   ingress, N error(s) decoding`);
//! - `sidecar_service`: one at most; its own arguments weakly with the
//!   hook (`sidecar_service, sidecar_service: ...`), one `proxy` at most
//!   (`sidecar_service, only one 'proxy' block allowed per task`), whose
//!   parseProxy decodes its own arguments strictly from 0.11 (`sidecar_service,
//!   proxy, proxy: ...`; 0.10 does not decode them), each `upstreams`
//!   weakly with the hook and, from 0.11, the one `expose`'s `path`s
//!   strictly (`sidecar_service, proxy, N error(s) decoding`);
//! - `sidecar_task`, only when a `sidecar_service` is written: parseTask
//!   with the sidecar's keys, its errors under `sidecar_task, ` (its own
//!   arguments, env, config, meta, resources, logs, as a task's).
//!
//! "Strictly": those decoders set no WeaklyTypedInput, so `"8080"` is no
//! int there (`'Port' expected type 'int', got unconvertible type
//! 'string'`). parseService puts the service's name before it (`'api',`).
//!
//! Each function first checks its keys (helper.CheckHCLKeys): a key it
//! does not know is that check's error, worded elsewhere, so the walk stops
//! there without a word. So do the shapes not read here (a block written
//! as a value, two `connect` or `config` blocks, a gateway's bind
//! addresses, whose decode error panics).
//!
//! Checked against jobspec.ParseFile built from Nomad 0.10.9, 0.11.8 and
//! 0.12.12 (tests/hcl-oracle) over the corpus jobs with one value made a
//! string or a list (decode_sweep.sh).

use super::hcl1_decode::{f, refusal_in, Field, Kind, Typing, INT, STR};
use super::hcl1_parse::{refused, ParseError};
use super::hcl1_resources::{self, items, Item};
use super::hcl1_singles::{self, Found, Step};
use super::tree::Node;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// What the walk of one block found: nothing, the parser's error, or a
/// place it does not read (an unknown key, a value for a block).
pub(super) enum Read {
    Fine,
    Refused(ParseError),
    Unread,
}

use Read::{Fine, Refused, Unread};

/// api.ConsulConnect (WeakDecode).
const CONNECT: &[Field] = &[f("native", "Native", Kind::Bool)];

/// api.ConsulSidecarService (weak, with the duration hook).
const SIDECAR_SERVICE: &[Field] = &[f("tags", "Tags", Kind::Strs), f("port", "Port", STR)];

/// api.ConsulProxy (strict; decoded from 0.11).
const PROXY: &[Field] = &[
    f("local_service_address", "local_service_address", STR),
    f("local_service_port", "local_service_port", INT),
];

/// api.ConsulUpstream (weak, with the hook).
const UPSTREAM: &[Field] = &[
    f("destination_name", "destination_name", STR),
    f("local_bind_port", "local_bind_port", INT),
];

/// api.ConsulExposePath (strict).
const EXPOSE_PATH: &[Field] = &[
    f("path", "Path", STR),
    f("protocol", "Protocol", STR),
    f("local_path_port", "local_path_port", INT),
    f("listener_port", "listener_port", STR),
];

/// api.ConsulGatewayProxy (weak, with the hook; `config` and the bind
/// addresses are read apart).
const GATEWAY_PROXY: &[Field] = &[
    f("connect_timeout", "connect_timeout", Kind::Dur),
    f(
        "envoy_gateway_bind_tagged_addresses",
        "envoy_gateway_bind_tagged_addresses",
        Kind::Bool,
    ),
    f(
        "envoy_gateway_no_default_bind",
        "envoy_gateway_no_default_bind",
        Kind::Bool,
    ),
];

/// api.ConsulGatewayTLSConfig (strict).
const TLS: &[Field] = &[f("enabled", "Enabled", Kind::Bool)];

/// api.ConsulIngressListener (strict; its services read apart).
const LISTENER: &[Field] = &[f("port", "Port", INT), f("protocol", "Protocol", STR)];

/// api.ConsulIngressService (strict).
const INGRESS_SERVICE: &[Field] = &[f("name", "Name", STR), f("hosts", "Hosts", Kind::Strs)];

/// The keys each function's CheckHCLKeys takes, with the first release
/// whose parser takes it (the same at every later tag before 1.0).
type Keys = &'static [(&'static str, (u32, u32, u32))];
const ANY: (u32, u32, u32) = (0, 0, 0);
const CONNECT_KEYS: Keys = &[
    ("native", ANY),
    ("sidecar_service", ANY),
    ("sidecar_task", ANY),
    ("gateway", (0, 12, 4)),
];
const PROXY_KEYS: Keys = &[
    ("local_service_address", ANY),
    ("local_service_port", ANY),
    ("upstreams", ANY),
    ("expose", (0, 11, 0)),
    ("config", ANY),
];
const SIDECAR_TASK_KEYS: Keys = &[
    ("driver", ANY),
    ("user", ANY),
    ("config", ANY),
    ("env", ANY),
    ("resources", ANY),
    ("meta", ANY),
    ("logs", ANY),
    ("kill_timeout", ANY),
    ("shutdown_delay", ANY),
    ("kill_signal", ANY),
    ("name", (0, 11, 0)),
];

/// Does `n` write only keys of `valid` (as CheckHCLKeys compares them:
/// exactly)?
fn keys_ok(n: &Node, valid: &[&str]) -> bool {
    n.attrs.iter().all(|a| valid.contains(&a.name.as_str()))
        && n.blocks.iter().all(|b| valid.contains(&b.ident.as_str()))
}

/// [`keys_ok`] for the keys release `v` takes.
fn keys_at(n: &Node, valid: Keys, v: NomadVersion) -> bool {
    let names: Vec<&str> = valid
        .iter()
        .filter(|(_, (a, b, c))| v.at_least(*a, *b, *c))
        .map(|(k, _)| *k)
        .collect();
    keys_ok(n, &names)
}

/// The `key` items of a block its parser takes once.
enum One<'n> {
    Absent,
    Block(&'n Node),
    /// A value written in the block's place: not read here.
    Value,
    /// More than one: the second's span.
    Many(Span),
}

fn one<'n>(n: &'n Node, key: &str) -> One<'n> {
    match items(n, key).as_slice() {
        [] => One::Absent,
        [Item::Block(b)] => One::Block(b),
        [Item::Arg(..)] => One::Value,
        [_, second, ..] => One::Many(second.span()),
    }
}

/// A parser error that is not a decoder's (a count), at `span`.
fn plain(text: String, span: Span, label: &'static str, help: &str) -> Read {
    Refused(ParseError {
        text,
        span,
        label,
        help: help.into(),
        level: (0, 0, 0),
        replaces: Vec::new(),
    })
}

/// A decoder's refusal of `n` into `fields`, under `prefix`.
fn decoded(
    n: &Node,
    fields: &[Field],
    typing: Typing,
    prefix: &str,
    src: &Source,
    v: NomadVersion,
) -> Read {
    match refusal_in(n, fields, src, v, typing) {
        Some(r) => {
            let mut e = refused(r, prefix, (0, 0, 0));
            if typing == Typing::Strict {
                e.help = "this decoder has no weak typing: a string is no number or bool here, and a number no string; write the value in the field's own type".into();
            }
            Refused(e)
        }
        None => Fine,
    }
}

/// Prefix a found error's text (fmt.Errorf's `"x, %v"`).
fn under(r: Read, prefix: &str) -> Read {
    match r {
        Refused(mut e) => {
            e.text = format!("{prefix}{}", e.text);
            Refused(e)
        }
        other => other,
    }
}

/// `a`, unless it is fine, then `b`.
fn then(a: Read, b: impl FnOnce() -> Read) -> Read {
    match a {
        Fine => b(),
        other => other,
    }
}

/// parseConnect's reading of `connect` (without parseService's prefix).
pub(super) fn read(connect: &Node, src: &Source, v: NomadVersion) -> Read {
    if !v.at_least(0, 10, 0) || v.at_least(1, 0, 0) || !keys_at(connect, CONNECT_KEYS, v) {
        return Unread;
    }
    let own = decoded(connect, CONNECT, Typing::Weak, "", src, v);
    then(own, || {
        let gw = if v.at_least(0, 12, 4) {
            match one(connect, "gateway") {
                One::Absent => Fine,
                One::Block(g) => under(gateway(g, src, v), "gateway, "),
                One::Value => Unread,
                One::Many(at) => plain(
                    "only one 'gateway' block allowed per task".into(),
                    at,
                    "second gateway",
                    "merge them into one `gateway { ... }` block",
                ),
            }
        } else {
            Fine
        };
        then(gw, || sidecar(connect, src, v))
    })
}

/// parseConnect's sidecar_service, then (only with one) its sidecar_task.
fn sidecar(connect: &Node, src: &Source, v: NomadVersion) -> Read {
    let service = match one(connect, "sidecar_service") {
        One::Absent => return Fine,
        One::Block(s) => s,
        One::Value => return Unread,
        One::Many(at) => {
            return plain(
                "only one 'sidecar_service' block allowed per task".into(),
                at,
                "second sidecar_service",
                "merge them into one `sidecar_service { ... }` block",
            )
        }
    };
    let read = under(sidecar_service(service, src, v), "sidecar_service, ");
    then(read, || match one(connect, "sidecar_task") {
        One::Absent => Fine,
        One::Block(t) => under(sidecar_task(t, src, v), "sidecar_task, "),
        One::Value => Unread,
        One::Many(at) => plain(
            "only one 'sidecar_task' block allowed per task".into(),
            at,
            "second sidecar_task",
            "merge them into one `sidecar_task { ... }` block",
        ),
    })
}

/// parseSidecarService: its arguments, then its one proxy.
fn sidecar_service(s: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_ok(s, &["port", "proxy", "tags"]) {
        return Unread;
    }
    let own = decoded(s, SIDECAR_SERVICE, Typing::Weak, "sidecar_service:", src, v);
    then(own, || match one(s, "proxy") {
        One::Absent => Fine,
        One::Block(p) => under(proxy(p, src, v), "proxy, "),
        One::Value => Unread,
        One::Many(at) => plain(
            "only one 'proxy' block allowed per task".into(),
            at,
            "second proxy",
            "merge them into one `proxy { ... }` block",
        ),
    })
}

/// parseProxy: its own arguments (0.11+), its upstreams, its expose.
fn proxy(p: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_at(p, PROXY_KEYS, v) {
        return Unread;
    }
    if v.at_least(0, 11, 0) {
        if let Refused(e) = decoded(p, PROXY, Typing::Strict, "proxy:", src, v) {
            return Refused(e);
        }
    }
    for u in items(p, "upstreams") {
        let Item::Block(u) = u else { return Unread };
        if !keys_ok(u, &["destination_name", "local_bind_port"]) {
            return Unread;
        }
        if let Refused(e) = decoded(u, UPSTREAM, Typing::Weak, "", src, v) {
            return Refused(e);
        }
    }
    if !v.at_least(0, 11, 0) {
        return Fine;
    }
    match one(p, "expose") {
        One::Absent => Fine,
        One::Block(e) => expose(e, src, v),
        One::Value => Unread,
        One::Many(at) => plain(
            "only 1 expose object supported".into(),
            at,
            "second expose",
            "merge them into one `expose { ... }` block",
        ),
    }
}

/// parseExpose: each `path`, decoded strictly.
fn expose(e: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_ok(e, &["path"]) {
        return Unread;
    }
    for p in items(e, "path") {
        let Item::Block(p) = p else { return Unread };
        if !keys_ok(p, &["path", "protocol", "local_path_port", "listener_port"]) {
            return Unread;
        }
        if let Refused(e) = decoded(p, EXPOSE_PATH, Typing::Strict, "", src, v) {
            return Refused(e);
        }
    }
    Fine
}

/// parseSidecarTask: parseTask's reading of a task, in its order: its
/// own arguments, env, config and meta (decoded inline), its resources,
/// then its logs.
fn sidecar_task(t: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_at(t, SIDECAR_TASK_KEYS, v) {
        return Unread;
    }
    let own = decoded(
        t,
        super::hcl1_decode::SIDECAR_TASK,
        Typing::Weak,
        "",
        src,
        v,
    );
    then(own, || {
        let step = |st| hcl1_singles::first(t, st, "", src, v).map(|(Found::Error(e), _)| e);
        let found = step(Step::TaskEnv)
            .or_else(|| step(Step::TaskPre))
            .or_else(|| hcl1_resources::task(t, src, v))
            .or_else(|| step(Step::Task));
        found.map_or(Fine, Refused)
    })
}

/// parseGateway: one proxy (decoded), then one ingress.
fn gateway(g: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_ok(g, &["proxy", "ingress"]) {
        return Unread;
    }
    // Exactly one block of `key`, else what the parser says.
    let exactly = |key: &str| -> Result<&Node, Option<Span>> {
        match items(g, key).as_slice() {
            [Item::Block(b)] => Ok(b),
            // A value in place of the block: its parser's own reading,
            // which hcl1_unread.rs refuses.
            [Item::Arg(..)] => Err(None),
            found => Err(Some(found.get(1).map_or(g.ident_span, |b| b.span()))),
        }
    };
    let failed = |key: &str, at: Option<Span>| {
        match at {
        None => Unread,
        Some(at) => plain(
            format!("must have one '{key}' block"),
            at,
            "the gateway",
            "a Connect gateway needs exactly one `proxy { }` block (HCL1's parser asks for it, even empty) and one `ingress { }` block",
        ),
    }
    };
    let p = match exactly("proxy") {
        Ok(p) => p,
        Err(at) => return failed("proxy", at),
    };
    let read = under(gateway_proxy(p, src, v), "proxy, ");
    then(read, || match exactly("ingress") {
        Ok(i) => under(ingress(i, src, v), "ingress, "),
        Err(at) => failed("ingress", at),
    })
}

/// parseGatewayProxy: its own arguments (the bind addresses and config
/// aside).
fn gateway_proxy(p: &Node, src: &Source, v: NomadVersion) -> Read {
    let valid = [
        "connect_timeout",
        "envoy_gateway_bind_tagged_addresses",
        "envoy_gateway_bind_addresses",
        "envoy_gateway_no_default_bind",
        "envoy_dns_discovery_type",
        "config",
    ];
    if !keys_ok(p, &valid) {
        return Unread;
    }
    decoded(p, GATEWAY_PROXY, Typing::Weak, "proxy:", src, v)
}

/// parseIngressConfigEntry: its one tls, then each listener and its
/// services, all decoded strictly and returned as they are.
fn ingress(i: &Node, src: &Source, v: NomadVersion) -> Read {
    if !keys_ok(i, &["tls", "listener"]) {
        return Unread;
    }
    match one(i, "tls") {
        One::Absent => {}
        One::Block(t) => {
            if !keys_ok(t, &["enabled"]) {
                return Unread;
            }
            if let Refused(e) = decoded(t, TLS, Typing::Strict, "", src, v) {
                return Refused(e);
            }
        }
        One::Value => return Unread,
        One::Many(at) => {
            return plain(
                "only 1 tls object supported".into(),
                at,
                "second tls",
                "merge them into one `tls { ... }` block",
            )
        }
    }
    for l in items(i, "listener") {
        let Item::Block(l) = l else { return Unread };
        if !keys_ok(l, &["port", "protocol", "service"]) {
            return Unread;
        }
        if let Refused(e) = decoded(l, LISTENER, Typing::Strict, "", src, v) {
            return Refused(e);
        }
        for s in items(l, "service") {
            let Item::Block(s) = s else { return Unread };
            if !keys_ok(s, &["name", "hosts"]) {
                return Unread;
            }
            if let Refused(e) = decoded(s, INGRESS_SERVICE, Typing::Strict, "", src, v) {
                return Refused(e);
            }
        }
    }
    Fine
}
