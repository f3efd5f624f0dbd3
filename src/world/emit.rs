//! Writing a world back out as `rules/` files, and jobs as HCL job files:
//! what `import --write` produces. The output is what `load` reads, so a
//! written world loads back to the same model. This module holds the
//! quoting every writer shares and the list of files; each object kind is
//! written by its own module: the cluster and its client pools
//! ([`super::emit_cluster`]), quotas and namespaces ([`super::emit_specs`]),
//! jobs ([`super::emit_job`]), pinned allocations and nodes
//! ([`super::emit_allocs`]), CSI ([`super::emit_csi`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::model::*;
use crate::jobspec::Job;

pub use super::emit_cluster::cluster_hcl;
pub use super::emit_job::job_hcl;
pub use super::emit_specs::{namespace_hcl, quota_hcl};

/// HCL string literal: quotes, escapes, and template sequences neutralised
/// so an imported value is never evaluated as an interpolation. A character
/// Go's `unicode.IsPrint` refuses (an ESC, a BEL, a bidi override from a
/// hostile cluster's JSON) is written `\uNNNN` / `\UNNNNNNNN`, as hclwrite's
/// escapeQuotedStringLit does, so the written world file holds no raw
/// control bytes for an editor or `cat` to act on; reading it back gives
/// the same string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if !crate::gotext::is_print(c, crate::gotext::Unicode::U17) => {
                let _ = if u32::from(c) < 0x1_0000 {
                    write!(out, "\\u{:04x}", u32::from(c))
                } else {
                    write!(out, "\\U{:08x}", u32::from(c))
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn key(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        quote(k)
    }
}

pub(super) fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

pub(super) fn map_attr(out: &mut String, pad: &str, name: &str, m: &BTreeMap<String, String>) {
    let m = m.iter().map(|(k, v)| (k, Some(v.as_str())));
    nullable_map_attr(out, pad, name, m);
}

/// [`map_attr`] whose values may be `null` (`None`): a device attribute
/// set with no value (device_file.rs reads it back).
pub(super) fn nullable_map_attr<'a>(
    out: &mut String,
    pad: &str,
    name: &str,
    m: impl ExactSizeIterator<Item = (&'a String, Option<&'a str>)>,
) {
    if m.len() == 0 {
        return;
    }
    let _ = writeln!(out, "{pad}{name} = {{");
    for (k, v) in m {
        let v = v.map_or_else(|| "null".to_string(), quote);
        let _ = writeln!(out, "{pad}  {} = {v}", key(k));
    }
    let _ = writeln!(out, "{pad}}}");
}

/// Every file of a world directory: (path relative to the world dir, text).
/// Running jobs are returned separately by [`running_job_files`].
pub fn world_files(world: &World) -> Vec<(PathBuf, String)> {
    let mut files = vec![(PathBuf::from("cluster.hcl"), cluster_hcl(world))];
    for q in world.quotas.values() {
        files.push((
            PathBuf::from(format!("quotas/{}.hcl", q.name)),
            quota_hcl(q),
        ));
    }
    for ns in world.namespaces.values() {
        files.push((
            PathBuf::from(format!("namespaces/{}.hcl", ns.name)),
            namespace_hcl(ns),
        ));
    }
    if let Some(text) = super::emit_csi::volumes_hcl(world) {
        files.push((PathBuf::from(super::csi_file::VOLUMES_FILE), text));
    }
    if let Some(p) = &world.pinned {
        let nodes = super::emit_allocs::member_ids(world);
        files.push((
            PathBuf::from(super::PINNED_FILE),
            super::emit_allocs::allocations_hcl(p, &nodes),
        ));
    }
    files
}

/// Where a running job is written, relative to the project root.
pub fn job_file_path(job: &Job) -> PathBuf {
    if job.namespace.is_empty() || job.namespace == "default" {
        PathBuf::from(format!("jobs/{}.nomad", job.id))
    } else {
        PathBuf::from(format!("jobs/{}/{}.nomad", job.namespace, job.id))
    }
}

/// The running jobs as HCL job files, relative to the project root.
pub fn running_job_files(world: &World) -> Vec<(PathBuf, String)> {
    world
        .running
        .iter()
        .map(|r| (job_file_path(&r.job), job_hcl(&r.job)))
        .collect()
}

#[cfg(test)]
#[path = "emit_tests.rs"]
mod tests;
