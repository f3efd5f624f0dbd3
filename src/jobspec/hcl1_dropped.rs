//! What HCL1's job parser drops without a word, before 1.0, so that we
//! plan and validate the job Nomad would (and say what went):
//!
//! - A Connect `sidecar_task` beside no `sidecar_service` (0.10.0 to
//!   0.12.12): parseConnect (jobspec/parse_service.go) returns as soon as
//!   it finds no sidecar_service, before it looks for a sidecar_task, so
//!   whatever that block holds, even values its decoder would refuse, is
//!   never read.
//! - Every `volume` of a group, when hcl v1's decoder refuses one of them
//!   (0.11.0 to 0.12.12): parseVolumes (jobspec/parse_group.go) calls
//!   `hcl.DecodeObject(out, list)` and ignores its error, and hcl's
//!   decodeMap sets the map only once every item decoded, so the group
//!   keeps no volume at all (a task's volume_mount then names an undefined
//!   volume, which the servers refuse). hcl's decoder, not mapstructure:
//!   a string field takes any literal (a number as written) but no list or
//!   object, `read_only` only `true`, `false`, `1` or `0` (a string or a
//!   bool, case aside), `mount_options.mount_flags` only a list; a volume
//!   without a name is no map key either. A job that mounts one of them
//!   is left as it is (refused), since the servers refuse it and our
//!   validation lacks that pre-1.6 rule. (0.10's parseVolumes
//!   weak-decodes each volume with mapstructure and returns its error:
//!   hcl1_block_decode.rs.)
//! - A key of a later release in a block its parser decodes without
//!   checking keys (a task's `csi_plugin` at 0.11.0 to 0.12.12: parseTask
//!   decodes it into a map, then weakly into api.TaskCSIPluginConfig,
//!   which has no `health_timeout` before 1.1.15; a group's `volume` from
//!   0.11): nothing reads it, nothing refuses it (hcl1_key_errors.rs). A
//!   port's keys before 0.12 are the lowering's (lower/task.rs).

use super::hcl1_key_errors;
use super::model::Value;
use super::tree::{Attr, Node};
use super::version_keys;
use crate::diag::{Diag, Diags, Severity};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// The code of the advice (shared with hcl1_labels.rs: a block Nomad
/// never reads).
const CODE: &str = "jobspec::hcl1-skipped";

/// Remove from the job node what the parser of `v` drops, with located
/// advice for each.
pub fn drop_unread(job: &mut Node, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if !v.at_least(0, 10, 0) || v.at_least(1, 0, 0) {
        return;
    }
    unfielded(job, &mut vec!["job".to_string()], src, v, diags);
    for g in job.blocks.iter_mut().filter(|b| b.ident == "group") {
        if v.at_least(0, 11, 0) {
            volumes(g, src, v, diags);
        }
        for t in g.blocks.iter_mut().filter(|b| b.ident == "task") {
            services(t, src, diags);
        }
        services(g, src, diags);
    }
}

/// The keys of `n` (at `path`) and below that `v`'s parser decodes
/// without a check and has no field for.
fn unfielded(
    n: &mut Node,
    path: &mut Vec<String>,
    src: &Source,
    v: NomadVersion,
    diags: &mut Diags,
) {
    let idents: Vec<&str> = path.iter().map(String::as_str).collect();
    // A port's fields are read by release in the lowering (lower/task.rs),
    // its other keys dropped there without a word, as parsePorts does.
    let port = idents.ends_with(&["network", "port"]);
    if !port && hcl1_key_errors::unchecked(&idents, v) {
        let later = |key: &str| version_keys::lookup(&idents, key).filter(|k| !k.known(v));
        let mut gone = Vec::new();
        n.attrs.retain(|a| match later(&a.name) {
            Some(k) => {
                gone.push((k, a.key_span));
                false
            }
            None => true,
        });
        n.blocks.retain(|b| match later(&b.ident) {
            Some(k) => {
                gone.push((k, b.ident_span));
                false
            }
            None => true,
        });
        for (k, at) in gone {
            diags.push(
                Diag::warning(
                    CODE,
                    format!(
                        "Nomad {v}'s job parser decodes `{}` without checking its keys and has no field for `{}` ({} arrived in Nomad {}): it is dropped, not refused",
                        n.ident, k.key, k.feature, k.needed(v).named()
                    ),
                )
                .with_severity(Severity::Advice)
                .at(src, at, "never read")
                .help(format!("remove `{}`, or judge by Nomad {} or later", k.key, k.needed(v).named())),
            );
        }
    }
    for b in &mut n.blocks {
        path.push(b.ident.clone());
        unfielded(b, path, src, v, diags);
        path.pop();
    }
}

/// The sidecar tasks of the connect blocks of `parent`'s services.
fn services(parent: &mut Node, src: &Source, diags: &mut Diags) {
    let connects = parent
        .blocks
        .iter_mut()
        .filter(|b| b.ident == "service")
        .flat_map(|s| s.blocks.iter_mut().filter(|b| b.ident == "connect"));
    for c in connects {
        let has_service = c.blocks.iter().any(|b| b.ident == "sidecar_service")
            || c.attrs.iter().any(|a| a.name == "sidecar_service");
        if has_service {
            continue;
        }
        let (gone, kept): (Vec<Node>, Vec<Node>) = std::mem::take(&mut c.blocks)
            .into_iter()
            .partition(|b| b.ident == "sidecar_task");
        c.blocks = kept;
        for t in gone {
            diags.push(
                Diag::warning(
                    CODE,
                    "A sidecar_task without a sidecar_service is never read by Nomad before 1.0: its parser returns from `connect` when it finds no sidecar_service",
                )
                .with_severity(Severity::Advice)
                .at(src, t.header_span(), "this block is never read")
                .help("add the `sidecar_service { }` it customises, or remove it"),
            );
        }
    }
}

/// A group's volumes, all dropped when hcl's decoder refuses one.
fn volumes(g: &mut Node, src: &Source, v: NomadVersion, diags: &mut Diags) {
    let refused = g
        .blocks
        .iter()
        .filter(|b| b.ident == "volume")
        .find_map(|b| undecodable(b, src));
    let Some(at) = refused else { return };
    // A task mounting one then names an undefined volume, which these
    // releases' TaskGroup.Validate refuses (validate_task_parts.rs,
    // `group_volume_mounts`), as Nomad does.
    let (gone, kept): (Vec<Node>, Vec<Node>) = std::mem::take(&mut g.blocks)
        .into_iter()
        .partition(|b| b.ident == "volume");
    g.blocks = kept;
    let names: Vec<String> = gone
        .iter()
        .filter_map(|b| b.labels.first().map(|l| format!("`{}`", l.0)))
        .collect();
    diags.push(
        Diag::warning(
            CODE,
            format!(
                "Nomad {v}'s job parser drops every volume of this group ({}): hcl's decoder refuses this value and parseVolumes ignores the error, so the job is submitted without them",
                if names.is_empty() { "unnamed".to_string() } else { names.join(", ") }
            ),
        )
        .with_severity(Severity::Advice)
        .at(src, at, "hcl's decoder refuses this")
        .help("write `type` and `source` as strings, `read_only` as true or false, `mount_flags` as a list of strings"),
    );
}

/// Where hcl v1's decode of volume `b` into an api.VolumeRequest fails,
/// if it does.
fn undecodable(b: &Node, src: &Source) -> Option<Span> {
    if b.labels.is_empty() {
        return Some(b.header_span());
    }
    let string_field = |a: &Attr| matches!(a.value, Value::List(_) | Value::Map(_));
    for a in &b.attrs {
        let name = a.name.to_ascii_lowercase();
        let fails = match name.as_str() {
            "name" | "type" | "source" => string_field(a),
            "read_only" => !bool_literal(a, src),
            // A struct from anything but an object.
            "mount_options" => true,
            _ => false,
        };
        if fails {
            return Some(a.value_span);
        }
    }
    for n in &b.blocks {
        match n.ident.to_ascii_lowercase().as_str() {
            "name" | "type" | "source" | "read_only" => return Some(n.header_span()),
            "mount_options" => {
                for a in &n.attrs {
                    let fails = match a.name.to_ascii_lowercase().as_str() {
                        "fs_type" => string_field(a),
                        "mount_flags" => match &a.value {
                            Value::List(items) => items
                                .iter()
                                .any(|i| matches!(i, Value::List(_) | Value::Map(_))),
                            _ => true,
                        },
                        _ => false,
                    };
                    if fails {
                        return Some(a.value_span);
                    }
                }
                let nested = n.blocks.iter().find(|x| {
                    matches!(
                        x.ident.to_ascii_lowercase().as_str(),
                        "fs_type" | "mount_flags"
                    )
                });
                if let Some(x) = nested {
                    return Some(x.header_span());
                }
            }
            _ => {}
        }
    }
    None
}

/// hcl v1's decodeBool: a BOOL, STRING or NUMBER token whose text, quotes
/// removed and lower-cased, is `1`, `true`, `0` or `false`.
fn bool_literal(a: &Attr, src: &Source) -> bool {
    let text = src.slice(a.value_span);
    match &a.value {
        Value::Bool(_) => true,
        Value::String(_) if !text.starts_with("<<") => {
            let t = text.replace('"', "").to_ascii_lowercase();
            matches!(t.as_str(), "1" | "true" | "0" | "false")
        }
        Value::Number(_) | Value::Int(_) => matches!(text, "1" | "0"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::version::NomadVersion;

    fn group_volumes(text: &str, v: &str) -> usize {
        let v: NomadVersion = v.parse().expect("version");
        let parsed = crate::jobspec::load_text(text, v);
        parsed
            .job
            .map_or(0, |j| j.groups.iter().map(|g| g.volumes.len()).sum())
    }

    #[test]
    fn a_read_only_hcl_cannot_read_drops_the_groups_volumes_from_0_11() {
        let job = |ro: &str| {
            format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    volume \"a\" {{\n      type = \"host\"\n      source = \"a\"\n    }}\n    volume \"b\" {{\n      type = \"host\"\n      source = \"b\"\n      read_only = {ro}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
        };
        for ro in ["true", "\"TRUE\"", "1", "\"0\""] {
            assert_eq!(group_volumes(&job(ro), "0.12.12"), 2, "{ro}");
        }
        for ro in ["\"yes\"", "1.0", "2", "[true]"] {
            assert_eq!(group_volumes(&job(ro), "0.12.12"), 0, "{ro}");
            assert_eq!(group_volumes(&job(ro), "0.11.8"), 0, "{ro}");
        }
    }
}
