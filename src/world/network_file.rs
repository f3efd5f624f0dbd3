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
use super::model::{CidrVerdict, ClientPool, HostNetwork, PoolNetworks};
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

/// Say where a pool's `host_network` `cidr` gives its clients (of Nomad
/// `version`) no address with the alias, or where we cannot tell: the
/// client agent starts anyway and the scheduler then finds the host
/// network missing.
pub(super) fn judge_host_networks(
    src: &Source,
    pool: &ClientPool,
    version: NomadVersion,
    diags: &mut Diags,
) {
    let at = pool.spans.label.unwrap_or_default();
    let (major, minor, patch) = crate::gorelease::go_of(version);
    for (name, hn) in &pool.networks.host_networks {
        let (text, label) = match hn.cidr_verdict(version) {
            CidrVerdict::Open => continue,
            CidrVerdict::Unmatchable(errors) => (
                format!(
                    "client `{}`: host_network {name:?} has no cidr Nomad {version} (Go {major}.{minor}.{patch}) reads ({}), so no address carries the alias {name:?}",
                    pool.name,
                    errors.join("; ")
                ),
                "host network on no address",
            ),
            CidrVerdict::CannotTell(e) => (
                format!(
                    "client `{}`: host_network {name:?}: {e}; taken as carried",
                    pool.name
                ),
                "cannot tell",
            ),
        };
        diags.push(
            Diag::warning("world::host-network-cidr", text)
                .at(src, at, label)
                .help("write each cidr as the client's Go reads it: dotted IPv4 without leading zeros (Go 1.17+), a prefix length of digits, entries separated by `,` without spaces"),
        );
    }
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

    /// client/fingerprint/network.go: `cidr` split on `,`, an entry
    /// `net.ParseCIDR` refuses skipped (src/gonet.rs for each Go).
    #[test]
    fn a_cidr_decides_the_alias_by_the_clients_go() {
        let v = NomadVersion::new;
        let hn = |cidr: &str| HostNetwork {
            cidr: cidr.into(),
            interface: String::new(),
        };
        assert_eq!(hn("").cidr_verdict(v(1, 2, 0)), CidrVerdict::Open);
        assert_eq!(
            hn("010.0.0.0/8").cidr_verdict(v(1, 1, 13)),
            CidrVerdict::Open
        );
        assert_eq!(
            hn("010.0.0.0/8, 10.0.0.0/8").cidr_verdict(v(1, 2, 0)),
            CidrVerdict::Unmatchable(vec![
                "invalid CIDR address: 010.0.0.0/8".into(),
                "invalid CIDR address:  10.0.0.0/8".into()
            ])
        );
        assert_eq!(
            hn("010.0.0.0/8,10.0.0.0/8").cidr_verdict(v(1, 2, 0)),
            CidrVerdict::Open
        );
        assert!(matches!(
            hn("00001::/64").cidr_verdict(v(2, 0, 5)),
            CidrVerdict::CannotTell(_)
        ));
    }

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
