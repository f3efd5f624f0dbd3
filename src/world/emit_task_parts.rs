//! Services (with their checks) and templates of a running job, written
//! back for `import --write` ([`super::emit_job`]). Each key is written
//! only when its value is not the zero the file's default stands for; what
//! does not load back the same (Connect, a service identity, a key the
//! release does not know) is caught by `import --write`'s check
//! (cli/import_faithful.rs) and the job refused, never written short.

use std::fmt::Write as _;

use super::emit::{key, list, quote};
use super::emit_job::{block, dur, map_block};
use crate::jobspec::{Service, ServiceCheck, Template};

fn s(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        quote(v)
    }
}

fn n(v: i64) -> String {
    if v == 0 {
        String::new()
    } else {
        v.to_string()
    }
}

fn opt_list(v: &[String]) -> String {
    if v.is_empty() {
        String::new()
    } else {
        list(v)
    }
}

/// A block `block` writes, then the nested parts `more` adds, closed.
fn open_block(o: &mut String, pad: &str, name: &str, lines: &[(&str, String)], more: &str) {
    let mut inner = String::new();
    block(&mut inner, pad, name, lines);
    // `block` closes with `{pad}}\n`: put the nested parts before it.
    let close = format!("{pad}}}\n");
    if let Some(body) = inner.strip_suffix(&close) {
        o.push_str(body);
        o.push_str(more);
        o.push_str(&close);
    }
}

pub(super) fn services(o: &mut String, pad: &str, xs: &[Service]) {
    for sv in xs {
        let inner = format!("{pad}  ");
        let mut more = String::new();
        map_block(&mut more, &inner, "meta", &sv.meta);
        map_block(&mut more, &inner, "canary_meta", &sv.canary_meta);
        map_block(&mut more, &inner, "tagged_addresses", &sv.tagged_addresses);
        for c in &sv.checks {
            check(&mut more, &inner, c);
        }
        // The stored cluster is "default" from 1.7 (Canonicalize); the
        // key itself arrives in job files at 1.7.3.
        let cluster = if sv.cluster == "default" {
            ""
        } else {
            &sv.cluster
        };
        open_block(
            o,
            pad,
            "service",
            &[
                ("name", s(&sv.name)),
                ("port", s(&sv.port_label)),
                ("address_mode", s(&sv.address_mode)),
                ("address", s(&sv.address)),
                ("provider", s(&sv.provider)),
                ("tags", opt_list(&sv.tags)),
                ("canary_tags", opt_list(&sv.canary_tags)),
                ("enable_tag_override", sv.enable_tag_override.to_string()),
                ("task", s(&sv.task_name)),
                ("on_update", s(&sv.on_update)),
                ("cluster", s(cluster)),
                ("kind", s(&sv.kind)),
            ],
            &more,
        );
    }
}

fn check(o: &mut String, pad: &str, c: &ServiceCheck) {
    let inner = format!("{pad}  ");
    let mut more = String::new();
    // One `header` block of attributes: a name that is no HCL identifier
    // cannot be written (the file would not load, and the job is refused).
    if !c.header.is_empty() {
        let _ = writeln!(more, "{inner}header {{");
        for (k, vs) in &c.header {
            let _ = writeln!(more, "{inner}  {} = {}", key(k), list(vs));
        }
        let _ = writeln!(more, "{inner}}}");
    }
    if let Some(r) = &c.check_restart {
        block(
            &mut more,
            &inner,
            "check_restart",
            &[
                ("limit", n(r.limit)),
                ("grace", dur(r.grace)),
                ("ignore_warnings", r.ignore_warnings.to_string()),
            ],
        );
    }
    open_block(
        o,
        pad,
        "check",
        &[
            ("name", s(&c.name)),
            ("type", s(&c.check_type)),
            ("command", s(&c.command)),
            ("args", opt_list(&c.args)),
            ("path", s(&c.path)),
            ("protocol", s(&c.protocol)),
            ("port", s(&c.port_label)),
            ("expose", c.expose.to_string()),
            ("address_mode", s(&c.address_mode)),
            ("interval", dur(c.interval)),
            ("timeout", dur(c.timeout)),
            ("initial_status", s(&c.initial_status)),
            ("tls_skip_verify", c.tls_skip_verify.to_string()),
            ("method", s(&c.method)),
            ("body", s(&c.body)),
            ("grpc_service", s(&c.grpc_service)),
            ("grpc_use_tls", c.grpc_use_tls.to_string()),
            ("task", s(&c.task_name)),
            ("on_update", s(&c.on_update)),
            ("success_before_passing", n(c.success_before_passing)),
            ("failures_before_critical", n(c.failures_before_critical)),
            ("failures_before_warning", n(c.failures_before_warning)),
            ("tls_server_name", s(&c.tls_server_name)),
            ("notes", s(&c.notes)),
        ],
        &more,
    );
}

pub(super) fn templates(o: &mut String, pad: &str, xs: &[Template]) {
    for t in xs {
        let inner = format!("{pad}  ");
        let mut more = String::new();
        if let Some(w) = &t.wait {
            let _ = writeln!(more, "{inner}wait {{");
            if let Some(m) = w.min {
                let _ = writeln!(more, "{inner}  min = {}", dur(m));
            }
            if let Some(m) = w.max {
                let _ = writeln!(more, "{inner}  max = {}", dur(m));
            }
            let _ = writeln!(more, "{inner}}}");
        }
        if let Some(c) = &t.change_script {
            block(
                &mut more,
                &inner,
                "change_script",
                &[
                    ("command", s(&c.command)),
                    ("args", opt_list(&c.args)),
                    ("timeout", dur(c.timeout)),
                    ("fail_on_error", c.fail_on_error.to_string()),
                ],
            );
        }
        let vault_grace = if t.vault_grace.0 == 0 {
            String::new()
        } else {
            dur(t.vault_grace)
        };
        open_block(
            o,
            pad,
            "template",
            &[
                ("source", s(&t.source_path)),
                ("destination", s(&t.dest_path)),
                ("data", s(&t.embedded_tmpl)),
                ("change_mode", s(&t.change_mode)),
                ("change_signal", s(&t.change_signal)),
                ("splay", dur(t.splay)),
                ("perms", s(&t.perms)),
                ("uid", t.uid.map(|v| v.to_string()).unwrap_or_default()),
                ("gid", t.gid.map(|v| v.to_string()).unwrap_or_default()),
                ("left_delimiter", s(&t.left_delim)),
                ("right_delimiter", s(&t.right_delim)),
                ("env", t.envvars.to_string()),
                ("vault_grace", vault_grace),
                ("error_on_missing_key", t.err_missing_key.to_string()),
                ("once", t.once.to_string()),
            ],
            &more,
        );
    }
}
