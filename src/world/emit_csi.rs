//! CSI written back as world files (`import --write`): each pool's
//! `csi_plugin` blocks and `csi_volumes.hcl`, in the forms
//! [`super::csi_file`] reads, so a written world loads to the same volumes
//! and plugins.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::emit::{key, quote};
use super::model::{ClientPool, World};
use crate::structs::csi::{AccessMode, CsiClaim, CsiVolume};

fn map(o: &mut String, pad: &str, name: &str, m: &BTreeMap<String, String>) {
    let inner: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
        .collect();
    let _ = writeln!(o, "{pad}{name} = {{ {} }}", inner.join(", "));
}

/// A pool's `csi_plugin` blocks.
pub(super) fn plugin_blocks(o: &mut String, c: &ClientPool) {
    for (id, p) in &c.csi_plugins {
        let kind = match (&p.node, &p.controller) {
            (Some(_), Some(_)) => "monolith",
            (None, Some(_)) => "controller",
            (Some(_), None) => "node",
            (None, None) => continue,
        };
        let healthy = p
            .node
            .as_ref()
            .map(|n| n.healthy)
            .or(p.controller.as_ref().map(|c| c.healthy))
            .unwrap_or(true);
        let _ = writeln!(o, "  csi_plugin {} {{", quote(id));
        let _ = writeln!(o, "    type    = {}", quote(kind));
        let _ = writeln!(o, "    healthy = {healthy}");
        if let Some(n) = &p.node {
            if n.max_volumes != i64::MAX {
                let _ = writeln!(o, "    max_volumes = {}", n.max_volumes);
            }
            if let Some(t) = &n.topology {
                map(o, "    ", "topology", t);
            }
        }
        if let Some(ctl) = &p.controller {
            if ctl.healthy != healthy {
                let _ = writeln!(o, "    controller_healthy = {}", ctl.healthy);
            }
            if ctl.requires_controller {
                let _ = writeln!(o, "    requires_controller = true");
            }
        }
        let _ = writeln!(o, "  }}");
    }
}

fn claims(o: &mut String, vol: &CsiVolume, mode: &str, list: &[CsiClaim]) {
    for c in list {
        let _ = writeln!(o, "  claim {} {{", quote(&c.alloc_id));
        let _ = writeln!(o, "    mode      = {}", quote(mode));
        if let Some((ns, job)) = &c.owner {
            let _ = writeln!(o, "    job       = {}", quote(job));
            if *ns != vol.namespace {
                let _ = writeln!(o, "    namespace = {}", quote(ns));
            }
        }
        let _ = writeln!(o, "  }}");
    }
}

/// `csi_volumes.hcl`, or `None` when the world registers no volume.
pub fn volumes_hcl(world: &World) -> Option<String> {
    if world.csi_volumes.is_empty() {
        return None;
    }
    let mut o = String::from("# CSI volumes as the cluster holds them (nomad-preflight import).\n");
    for vol in world.csi_volumes.values() {
        let _ = writeln!(o, "\ncsi_volume {} {{", quote(&vol.id));
        let _ = writeln!(o, "  namespace       = {}", quote(&vol.namespace));
        if vol.name != vol.id {
            let _ = writeln!(o, "  name            = {}", quote(&vol.name));
        }
        let _ = writeln!(o, "  plugin_id       = {}", quote(&vol.plugin_id));
        if vol.access_mode != AccessMode::Unknown {
            let _ = writeln!(o, "  access_mode     = {}", quote(vol.access_mode.as_str()));
        }
        if !vol.attachment_mode.is_empty() {
            let _ = writeln!(o, "  attachment_mode = {}", quote(&vol.attachment_mode));
        }
        if let Some(s) = vol.schedulable {
            let _ = writeln!(o, "  schedulable     = {s}");
        }
        if vol.resource_exhausted {
            let _ = writeln!(o, "  resource_exhausted = true");
        }
        for (m, a) in &vol.capabilities {
            let _ = writeln!(o, "  capability {{");
            let _ = writeln!(o, "    access_mode     = {}", quote(m.as_str()));
            let _ = writeln!(o, "    attachment_mode = {}", quote(a));
            let _ = writeln!(o, "  }}");
        }
        for t in &vol.topologies {
            let _ = writeln!(o, "  topology {{");
            map(&mut o, "    ", "segments", t);
            let _ = writeln!(o, "  }}");
        }
        claims(&mut o, vol, "read", &vol.read_claims);
        claims(&mut o, vol, "write", &vol.write_claims);
        let _ = writeln!(o, "}}");
    }
    Some(o)
}
