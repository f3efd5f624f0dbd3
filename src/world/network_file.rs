//! A client pool's networks in `rules/cluster.hcl`, read and written:
//! `network_modes = ["host", "bridge", "cni/NAME"]` (the modes of the
//! node's `NodeResources.Networks`, as the job's `network { mode }` names
//! them) and `host_network "NAME" { cidr, interface, reserved_ports }`
//! blocks (the client
//! agent's own syntax; the name is the alias the node's addresses carry),
//! the agent's `network_interface`, and `interface "NAME" { addresses,
//! default_route }` blocks (the clients' interfaces, which decide which
//! addresses carry which alias: host_aliases.rs). See
//! docs/world-format.md.

use std::fmt::Write as _;

use hcl_edit::structure::Block;

use super::emit::{list, quote};
use super::hclread::{one_label, BodyReader, Schema};
use super::host_aliases::{valid_address, Interface};
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
    for (position, b) in r.blocks("host_network").enumerate() {
        if let Some((name, mut hn)) = read_host_network(src, b, diags) {
            hn.position = position;
            out.host_networks.insert(name, hn);
        }
    }
    for b in r.blocks("interface") {
        if let Some(i) = read_interface(src, b, diags) {
            if out.interfaces.iter().any(|x| x.name == i.name) {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!("interface {:?} is given twice", i.name),
                    )
                    .at(
                        src,
                        crate::world::hclread::span_of(&b.ident),
                        "given again here",
                    )
                    .help("list each interface once, with all its addresses"),
                );
                continue;
            }
            out.interfaces.push(i);
        }
    }
    out.network_interface = r.string("network_interface", diags).unwrap_or_default();
    let named = out.network_interface.as_str();
    if !named.is_empty()
        && !out.interfaces.is_empty()
        && !out.interfaces.iter().any(|i| i.name == named)
    {
        let at = r.attr_span("network_interface").unwrap_or_default();
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("`network_interface` names {named:?}, which is not one of the pool's interfaces"),
            )
            .at(src, at, "no such interface")
            .help("a client whose network_interface does not exist fails its network fingerprint; name one of the `interface` blocks"),
        );
    }
    if out.interfaces.iter().filter(|i| i.default_route).count() > 1 {
        diags.push(
            Diag::error(
                "world::bad-value",
                "more than one interface has `default_route = true`",
            )
            .in_source(src)
            .help("go-sockaddr's GetDefaultInterfaceName names one interface: mark one"),
        );
    }
    out
}

fn read_interface(src: &Source, b: &Block, diags: &mut Diags) -> Option<Interface> {
    let (name, _) = one_label(src, b, "interface \"NAME\" { addresses = [\"10.0.0.5\"] }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: &["addresses", "default_route"],
        blocks: &[],
    };
    let what = format!("interface \"{name}\"");
    let r = BodyReader::new(src, &b.body, &S, &what, diags);
    let mut addresses = Vec::new();
    for (a, span) in r.strings("addresses", diags).unwrap_or_default() {
        if valid_address(&a) {
            addresses.push(a);
            continue;
        }
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("`addresses` holds {a:?}, not an IP address"),
            )
            .at(src, span, "not an address")
            .help("write an IPv4 or IPv6 address, optionally with its prefix length: \"10.0.0.5/24\", \"fe80::1\""),
        );
    }
    Some(Interface {
        name,
        addresses,
        default_route: r.bool("default_route", diags).unwrap_or(false),
    })
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
    let go = crate::gorelease::go_span(version).text();
    for (name, hn) in &pool.networks.host_networks {
        let errors = match hn.cidr_settled(version) {
            Some(CidrVerdict::Open) => continue,
            Some(CidrVerdict::Unmatchable(errors)) => errors,
            None => {
                diags.push(
                    Diag::warning(
                        super::guess::HOST_NETWORK,
                        format!(
                            "client `{}`: cannot tell whether Nomad {} reads host_network {name:?}'s cidr {:?}: its changelogs leave its Go open ({go}), and net.ParseCIDR reads it differently across that range; taken as matching",
                            pool.name,
                            version.named(),
                            hn.cidr
                        ),
                    )
                    .at(src, at, "cannot tell")
                    .help("write each cidr as every Go reads it: IPv6 groups of at most four hex digits (Go 1.23+)"),
                );
                continue;
            }
        };
        let text = format!(
            "client `{}`: host_network {name:?} has no cidr Nomad {version} ({go}) reads ({}), so no address carries the alias {name:?}",
            pool.name,
            errors.join("; ")
        );
        // A cidr Go refuses is Nomad's own outcome, not a guess.
        diags.push(
            Diag::warning("world::host-network-cidr", text)
                .at(src, at, "host network on no address")
                .help("write each cidr as the client's Go reads it: dotted IPv4 without leading zeros (Go 1.17+), a prefix length of digits, entries separated by `,` without spaces"),
        );
    }
    if pool.networks.host_networks.is_empty() && pool.networks.interfaces.is_empty() {
        return;
    }
    let aliases = pool.networks.aliases(version);
    for e in aliases
        .cannot_tell
        .iter()
        .filter(|e| e.contains("go-sockaddr"))
    {
        diags.push(
            Diag::warning(
                super::guess::HOST_NETWORK,
                format!("client `{}`: {e}; taken as this interface", pool.name),
            )
            .at(src, at, "cannot tell")
            .help("name the interface plainly (`interface = \"eth1\"`)"),
        );
    }
    let default_by_chance = aliases.by_chance.iter().any(|c| c.alias == "default");
    if !aliases.carried.contains("default") && !default_by_chance {
        diags.push(
            Diag::warning(
                "world::no-default-host-network",
                format!(
                    "client `{}`: no address carries the `default` host network alias under Nomad {version}, so a port without `host_network` (canonicalised to \"default\") finds the node missing it",
                    pool.name
                ),
            )
            .at(src, at, "no `default` alias")
            .help("before 1.6.2 (1.5.9, 1.4.13) an address matched by a host_network block gets no `default`: give the block a cidr or interface that leaves the default route's address out, or mark the default route's interface"),
        );
    }
}

fn read_host_network(src: &Source, b: &Block, diags: &mut Diags) -> Option<(String, HostNetwork)> {
    let (name, _) = one_label(src, b, "host_network \"NAME\" { cidr = \"...\" }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: &["cidr", "interface", "reserved_ports"],
        blocks: &[],
    };
    let what = format!("host_network \"{name}\"");
    let r = BodyReader::new(src, &b.body, &S, &what, diags);
    let mut reserved_ports = Vec::new();
    if let Some(text) = r.string("reserved_ports", diags) {
        match super::cluster_file::parse_port_ranges(&text) {
            Ok(p) => reserved_ports = p,
            Err(msg) => diags.push(
                Diag::error("world::bad-value", format!("reserved_ports: {msg}"))
                    .at(
                        src,
                        r.attr_span("reserved_ports").unwrap_or_default(),
                        "not a port list",
                    )
                    .help(
                        "write ports as the client's host_network block does: \"22,80,8000-8010\"",
                    ),
            ),
        }
    }
    let hn = HostNetwork {
        cidr: r.string("cidr", diags).unwrap_or_default(),
        interface: r.string("interface", diags).unwrap_or_default(),
        position: 0,
        reserved_ports,
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
    if !n.network_interface.is_empty() {
        let _ = writeln!(o, "  network_interface = {}", quote(&n.network_interface));
    }
    // In the agent's order, which matters before 1.1.0.
    let mut blocks: Vec<_> = n.host_networks.iter().collect();
    blocks.sort_by_key(|(_, hn)| hn.position);
    for (name, hn) in blocks {
        let _ = writeln!(o, "  host_network {} {{", quote(name));
        if !hn.cidr.is_empty() {
            let _ = writeln!(o, "    cidr      = {}", quote(&hn.cidr));
        }
        if !hn.interface.is_empty() {
            let _ = writeln!(o, "    interface = {}", quote(&hn.interface));
        }
        if !hn.reserved_ports.is_empty() {
            let ports: Vec<String> = hn.reserved_ports.iter().map(u16::to_string).collect();
            let _ = writeln!(o, "    reserved_ports = {}", quote(&ports.join(",")));
        }
        let _ = writeln!(o, "  }}");
    }
    for i in &n.interfaces {
        let _ = writeln!(o, "  interface {} {{", quote(&i.name));
        let _ = writeln!(o, "    addresses = {}", list(&i.addresses));
        if i.default_route {
            let _ = writeln!(o, "    default_route = true");
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
            ..HostNetwork::default()
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
        // Go 1.23 (Nomad 1.9.0 on) refuses a group of five digits.
        assert_eq!(
            hn("00001::/64").cidr_verdict(v(2, 0, 5)),
            CidrVerdict::Unmatchable(vec!["invalid CIDR address: 00001::/64".into()])
        );
        assert_eq!(hn("00001::/64").cidr_verdict(v(1, 8, 4)), CidrVerdict::Open);
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
