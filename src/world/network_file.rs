//! A client pool's networks in `rules/cluster.hcl`, read and written:
//! `network_modes = ["host", "bridge", "cni/NAME"]` (the modes of the
//! node's `NodeResources.Networks`, as the job's `network { mode }` names
//! them) and `host_network "NAME" { cidr, interface }` blocks (the client
//! agent's own syntax; the name is the alias the node's addresses carry).
//! See docs/world-format.md.

use std::fmt::Write as _;

use hcl_edit::structure::Block;

use super::emit::{list, quote};
use super::hclread::{one_label, BodyReader, Schema};
use super::model::{ClientPool, HostNetwork, PoolNetworks};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// A mode a Nomad client fingerprints: `host` (client/fingerprint/network.go),
/// `bridge` (bridge_linux.go) or `cni/NAME` (cni.go, one per CNI network).
pub fn known_mode(m: &str) -> bool {
    m == "host" || m == "bridge" || m.strip_prefix("cni/").is_some_and(|n| !n.is_empty())
}

/// `network_modes` and the `host_network` blocks of a `client` body.
pub(super) fn read_networks(src: &Source, r: &BodyReader<'_>, diags: &mut Diags) -> PoolNetworks {
    let mut out = PoolNetworks::default();
    if let Some(modes) = r.strings("network_modes", diags) {
        let mut kept = Vec::with_capacity(modes.len());
        for (m, span) in modes {
            if known_mode(&m) {
                kept.push(m);
                continue;
            }
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("`network_modes` holds {m:?}, not a mode a client fingerprints"),
                )
                .at(src, span, "unknown network mode")
                .help("a client's networks are \"host\", \"bridge\" or \"cni/NAME\" (one per CNI network configuration)"),
            );
        }
        out.modes = Some(kept);
    }
    for b in r.blocks("host_network") {
        if let Some((name, hn)) = read_host_network(src, b, diags) {
            out.host_networks.insert(name, hn);
        }
    }
    out
}

fn read_host_network(src: &Source, b: &Block, diags: &mut Diags) -> Option<(String, HostNetwork)> {
    let (name, _) = one_label(src, b, "host_network \"NAME\" { cidr = \"...\" }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: &["cidr", "interface"],
        blocks: &[],
    };
    let what = format!("host_network \"{name}\"");
    let r = BodyReader::new(src, &b.body, &S, &what, diags);
    let hn = HostNetwork {
        cidr: r.string("cidr", diags).unwrap_or_default(),
        interface: r.string("interface", diags).unwrap_or_default(),
    };
    Some((name, hn))
}

/// The lines [`read_networks`] reads back: modes only when they differ
/// from a stock client of `version`.
pub(super) fn networks_hcl(o: &mut String, c: &ClientPool, version: NomadVersion) {
    let mut n = c.networks.clone();
    n.normalise(version);
    if let Some(modes) = &n.modes {
        let _ = writeln!(o, "  network_modes = {}", list(modes));
    }
    for (name, hn) in &n.host_networks {
        let _ = writeln!(o, "  host_network {} {{", quote(name));
        if !hn.cidr.is_empty() {
            let _ = writeln!(o, "    cidr      = {}", quote(&hn.cidr));
        }
        if !hn.interface.is_empty() {
            let _ = writeln!(o, "    interface = {}", quote(&hn.interface));
        }
        let _ = writeln!(o, "  }}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_clients_fingerprint() {
        for m in ["host", "bridge", "cni/mynet"] {
            assert!(known_mode(m), "{m}");
        }
        for m in ["", "cni/", "none", "bogus", "cni", "Host"] {
            assert!(!known_mode(m), "{m}");
        }
    }
}
