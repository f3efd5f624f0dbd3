//! The networks a client fingerprints, as the scheduler's `NetworkChecker`
//! reads them (scheduler/feasible.go, 2.0: scheduler/feasible/feasible.go):
//! the modes of `NodeResources.Networks` and the host network aliases of
//! `NodeResources.NodeNetworks` addresses.

/// A node's network modes and host networks. Kept as flags for the modes
/// every stock client has and short lists for the rest, so cloning a node
/// (every cached plan unpacks thousands) allocates nothing for them unless
/// a world names CNI or host networks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NodeNets {
    /// A `host` mode network: the network fingerprint found an address
    /// (client/fingerprint/network.go).
    pub host: bool,
    /// `bridge` mode: the bridge kernel module is loaded
    /// (client/fingerprint/bridge_linux.go, 0.12+).
    pub bridge: bool,
    /// `cni/NAME` modes by NAME: one per CNI network configuration in the
    /// client's `cni_config_dir` (client/fingerprint/cni.go, 0.12+). Sorted.
    pub cni: Vec<String>,
    /// Host network aliases besides `default` (the client's
    /// `host_network "NAME"` blocks an address matches). Sorted.
    pub host_networks: Vec<String>,
    /// An address carries `default`: one on the default route's interface
    /// (or the agent's `network_interface`) that no block matched. A
    /// stock client has it.
    pub default_alias: bool,
    /// Aliases Go's map order gives or not (0.12.0–1.0.x: one alias per
    /// address): those the plan takes as carried are in `host_networks`
    /// too. Empty on every client of a later release.
    pub by_chance: Vec<AliasChance>,
    /// The node's addresses as `NodeNetworks[].Addresses` reports them,
    /// one per IP: each alias it carries with that host network's
    /// `reserved_ports`. Filled when the pool names host networks or
    /// interfaces (a stock client's one address carries `default` alone):
    /// scheduler/address_ports.rs and alloc_ports.rs read it.
    pub addresses: Vec<Vec<(String, Vec<u16>)>>,
    /// Each address's IP (`Addresses[].Address`), by its place in
    /// `addresses`: what the pool's `interface` blocks give (an imported
    /// node's own, behind the pool's stand-ins); empty where
    /// the world does not say (a pool without them), and then the ports
    /// held there are not told apart from those on other addresses.
    pub address_ips: Vec<String>,
}

/// An alias a client carries only if Go's map order picks it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AliasChance {
    pub alias: String,
    /// The chance that some address carries it, in parts per million
    /// (`None`: not established).
    pub ppm: Option<u32>,
    /// Taken as carried (the likelier outcome).
    pub assumed: bool,
}

impl Default for NodeNets {
    /// What a stock Linux client fingerprints from 0.12: a host network and
    /// the bridge, no CNI configuration, no host networks.
    fn default() -> Self {
        NodeNets {
            host: true,
            bridge: true,
            cni: Vec::new(),
            host_networks: Vec::new(),
            default_alias: true,
            by_chance: Vec::new(),
            addresses: Vec::new(),
            address_ips: Vec::new(),
        }
    }
}

impl NodeNets {
    /// Does one of the node's networks have this mode (`hasNetwork`; the
    /// caller reads an empty mode as `host`, as Nomad does on both sides)?
    pub fn has_mode(&self, mode: &str) -> bool {
        match mode {
            "host" => self.host,
            "bridge" => self.bridge,
            _ => mode
                .strip_prefix("cni/")
                .is_some_and(|name| self.cni.iter().any(|c| c == name)),
        }
    }

    /// Does an address of the node carry this host network alias
    /// (`NodeNetworkResource.HasAlias` over `NodeNetworks`)?
    pub fn has_alias(&self, alias: &str) -> bool {
        if alias == "default" {
            return self.default_alias;
        }
        self.host_networks.iter().any(|h| h == alias)
    }

    /// Every address has an IP the allocations' ports can be keyed by.
    pub fn addresses_known(&self) -> bool {
        !self.addresses.is_empty()
            && self.address_ips.len() == self.addresses.len()
            && self.address_ips.iter().all(|ip| !ip.is_empty())
    }

    /// The chance of `alias`, when Go's map order decides it.
    pub fn chance(&self, alias: &str) -> Option<&AliasChance> {
        self.by_chance.iter().find(|c| c.alias == alias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_aliases_are_matched_exactly() {
        let n = NodeNets {
            cni: vec!["mynet".into()],
            host_networks: vec!["public".into()],
            ..NodeNets::default()
        };
        assert!(n.has_mode("host") && n.has_mode("bridge") && n.has_mode("cni/mynet"));
        assert!(!n.has_mode("cni/other") && !n.has_mode("cni/") && !n.has_mode("bogus"));
        assert!(!n.has_mode("mynet"), "a CNI network is only its cni/ mode");
        assert!(n.has_alias("default") && n.has_alias("public"));
        assert!(!n.has_alias("private") && !n.has_alias("Public"));
        let no_default = NodeNets {
            default_alias: false,
            ..n.clone()
        };
        assert!(!no_default.has_alias("default") && no_default.has_alias("public"));
        let bare = NodeNets {
            host: false,
            bridge: false,
            ..NodeNets::default()
        };
        assert!(!bare.has_mode("host") && !bare.has_mode("bridge"));
    }
}
