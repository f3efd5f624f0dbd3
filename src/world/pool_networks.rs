//! A client pool's networks as the world states them: the modes its
//! clients fingerprint and its `host_network` blocks (the agent's own
//! syntax), read by network_file.rs and judged by host_aliases.rs. Part
//! of the world's model (model.rs re-exports it).

use std::collections::BTreeMap;

use crate::version::NomadVersion;

/// The networks every client of a pool fingerprints, as Nomad's
/// `NetworkChecker` reads them (see docs/world-format.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolNetworks {
    /// `network_modes = [...]`: every mode the clients' networks have
    /// (`host`, `bridge`, `cni/NAME`). `None`: what a stock Linux client of
    /// the world's release has, `host`, and `bridge` from 0.12.
    pub modes: Option<Vec<String>>,
    /// `host_network "NAME" { cidr, interface }` of the client agent
    /// configuration, by name (see [`PoolNetworks::aliases`] for the
    /// addresses that carry each alias).
    pub host_networks: BTreeMap<String, HostNetwork>,
    /// `interface "NAME" { addresses, default_route }`: the clients'
    /// interfaces. Empty: not modelled (see `host_aliases.rs`).
    pub interfaces: Vec<super::host_aliases::Interface>,
    /// The agent's `network_interface`: the interface whose addresses get
    /// the `default` alias (0.12.1+), instead of the default route's.
    pub network_interface: String,
}

impl PoolNetworks {
    /// The modes a stock Linux client of `version` fingerprints, sorted:
    /// a host network, and the bridge from 0.12 (its fingerprint,
    /// client/fingerprint/bridge_linux.go, came with the `NetworkChecker`).
    pub fn stock_modes(version: NomadVersion) -> &'static [&'static str] {
        if version.at_least(0, 12, 0) {
            &["bridge", "host"]
        } else {
            &["host"]
        }
    }

    /// The modes every client has, sorted and without repeats.
    pub fn modes(&self, version: NomadVersion) -> Vec<String> {
        match &self.modes {
            Some(m) => {
                let mut m = m.clone();
                m.sort();
                m.dedup();
                m
            }
            None => Self::stock_modes(version)
                .iter()
                .map(|m| m.to_string())
                .collect(),
        }
    }

    /// Forget modes that are a stock client's anyway, so pools alike but
    /// for how they say so group, and a written world states only what
    /// differs from a stock client.
    pub fn normalise(&mut self, version: NomadVersion) {
        if self.modes.is_some() && self.modes(version) == Self::stock_modes(version) {
            self.modes = None;
        }
    }
}

/// A client's `host_network` block: its name is the alias; `cidr` and
/// `interface` say which addresses carry it (`host_aliases.rs`), and
/// `reserved_ports` what those addresses reserve.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostNetwork {
    pub cidr: String,
    pub interface: String,
    /// Its place among the pool's blocks as written: the agent fills its
    /// `HostNetworks` map in this order, which Go's map iteration
    /// before 1.1.0 makes matter (`host_aliases::map_order_odds`).
    pub position: usize,
    /// `reserved_ports = "22,8000-8010"`: reserved on every address that
    /// carries the alias, on top of the client-wide `reserved` ports
    /// (`NodeNetworkAddress.ReservedPorts`; scheduler/address_ports.rs).
    #[serde(default)]
    pub reserved_ports: Vec<u16>,
}

/// What a host network's `cidr` decides about the alias, on a client of a
/// given release (client/fingerprint/network.go `deriveAddressAlias(es)`:
/// `cidr` is split on `,` and an entry `net.ParseCIDR` refuses is
/// skipped; the agent refuses none at start-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrVerdict {
    /// No `cidr`, or an entry the client's Go reads: addresses are not
    /// modelled, so an address is taken to match (docs/world-format.md).
    Open,
    /// Every entry is refused: no address ever carries the alias. Go's
    /// error for each.
    Unmatchable(Vec<String>),
}

impl HostNetwork {
    /// The verdict of `cidr` on a client of Nomad `v`, read by the Go it
    /// was built with; where that Go is not known and the verdict turns
    /// on it ([`Self::cidr_settled`]), taken as matching (`Open`: the
    /// loader says so, `world::host-network-unknown`).
    pub fn cidr_verdict(&self, v: NomadVersion) -> CidrVerdict {
        self.cidr_settled(v).unwrap_or(CidrVerdict::Open)
    }

    /// The verdict of `cidr` on a client of Nomad `v`, or `None` when `v`
    /// is an Enterprise-only release whose changelogs leave its Go open
    /// and the Go releases of that span read the `cidr` differently
    /// ([`crate::gorelease::GoSpan::settle`]).
    pub fn cidr_settled(&self, v: NomadVersion) -> Option<CidrVerdict> {
        crate::gorelease::go_span(v).settle(|go| self.cidr_verdict_by(go))
    }

    /// The verdict of `cidr` read by Go `go`.
    fn cidr_verdict_by(&self, go: crate::gorelease::GoRelease) -> CidrVerdict {
        use crate::gonet::{parse_cidr, CidrError};
        if self.cidr.is_empty() {
            return CidrVerdict::Open;
        }
        let mut refused = Vec::new();
        for entry in self.cidr.split(',') {
            match parse_cidr(entry, go) {
                Ok(_) => return CidrVerdict::Open,
                Err(CidrError(e)) => refused.push(e),
            }
        }
        CidrVerdict::Unmatchable(refused)
    }
}
