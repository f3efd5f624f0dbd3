//! Nomad's `NetworkChecker` (scheduler/feasible.go from 0.12.0; 2.0:
//! scheduler/feasible/feasible.go): a node must have a network of the
//! group's mode, and every port's host network. Before 0.12 there is no
//! such checker: any mode is placed anywhere.
//!
//! What each release adds:
//! - 0.12.0: the checker, `missing network` and
//!   `missing host network %q for port %q`;
//! - 1.0.0: a client older than 0.12 (its `nomad.version` attribute) passes
//!   a `bridge` ask without the bridge fingerprint, which it predates
//!   (`predatesBridgeFingerprint`, go-version `< 0.12`);
//! - 1.1.0: a port's `host_network` is interpolated against the node
//!   (`resolveTarget`), `invalid host network %q template for port %q`
//!   when that fails;
//! - 1.4.2: `mode = "none"` passes every node.
//!
//! The stack sets the checker's network only for a group that has one
//! (`if len(tg.Networks) > 0 { SetNetwork(tg.Networks[0]) }` in
//! GenericStack and SystemStack `Select`), so a group without a network is
//! checked against the last network set in the same evaluation, or `host`
//! with no ports when none was: [`NetworkAsk`] keeps that state.

use std::borrow::Cow;

use super::constraint::resolve;
use crate::cluster::Node;
use crate::gotext::go_quote;
use crate::jobspec::{Job, Network, Port, TaskGroup};
use crate::version::NomadVersion;

/// Does this release check networks at all?
pub fn checks_networks(version: NomadVersion) -> bool {
    version.at_least(0, 12, 0)
}

/// The network the checker holds in one evaluation: the last group
/// network set (by group name, so it is cloned once per group change,
/// never per node).
#[derive(Debug, Default)]
pub(super) struct NetworkAsk {
    set: Option<(String, Network)>,
}

impl NetworkAsk {
    /// `Select` of `tg`: take its first network, if it has one.
    pub(super) fn select(&mut self, tg: &TaskGroup) {
        let Some(net) = tg.networks.first() else {
            return;
        };
        if self.set.as_ref().is_some_and(|(name, _)| *name == tg.name) {
            return;
        }
        self.set = Some((tg.name.clone(), net.clone()));
    }

    /// The network the checker judges with.
    pub(super) fn network(&self) -> Option<&Network> {
        self.set.as_ref().map(|(_, n)| n)
    }
}

/// The metric `NetworkChecker.Feasible` files for `n`, or `None` when the
/// node passes. `net` is the network set (`None`: `host`, no ports).
pub fn network_infeasible(
    net: Option<&Network>,
    n: &Node,
    version: NomadVersion,
) -> Option<String> {
    if !checks_networks(version) {
        return None;
    }
    let mode = match net.map(|x| x.mode.as_str()) {
        None | Some("") => "host",
        Some(m) => m,
    };
    if mode == "none" && version.at_least(1, 4, 2) {
        return None;
    }
    if !n.nets.has_mode(mode) {
        if mode == "bridge" && version.at_least(1, 0, 0) && predates_bridge(n) {
            return None;
        }
        return Some("missing network".to_string());
    }
    // `c.ports` lists the dynamic ports, then the reserved ones.
    let ports = net
        .into_iter()
        .flat_map(|x| x.dynamic_ports.iter().chain(x.reserved_ports.iter()));
    for p in ports.filter(|p| !p.host_network.is_empty()) {
        let Some(alias) = port_alias(p, n, version, version.at_least(1, 1, 0)) else {
            return Some(format!(
                "invalid host network {} template for port {}",
                go_quote(&p.host_network),
                go_quote(&p.label)
            ));
        };
        if !n.nets.has_alias(&alias) {
            return Some(format!(
                "missing host network {} for port {}",
                go_quote(&alias),
                go_quote(&p.label)
            ));
        }
    }
    None
}

/// A port's host network as the scheduler looks it up: interpolated
/// against the node when `interpolate` (`resolveTarget`, 1.1.0+), `None`
/// when that fails.
pub(super) fn port_alias<'p>(
    p: &'p Port,
    n: &Node,
    version: NomadVersion,
    interpolate: bool,
) -> Option<Cow<'p, str>> {
    if interpolate && p.host_network.starts_with("${") {
        return resolve(&p.host_network, n, version).map(Cow::Owned);
    }
    Some(Cow::Borrowed(p.host_network.as_str()))
}

/// `NetworkIndex.AssignPorts`' refusal of the group's network on `n`, as
/// the BinPackIterator files it (`network: ` and the error): a port whose
/// host network no address of the node carries. Reached when the
/// `NetworkChecker` did not judge this node itself: its verdict is cached
/// per computed class, which does not hash the node's networks. Reserved
/// ports are assigned before dynamic ones. (A template that does not
/// resolve skips the node without a metric in Nomad; it cannot reach here,
/// since what a template reads is in the class or escapes it.)
pub fn no_addresses(tg: &TaskGroup, n: &Node, version: NomadVersion) -> Option<String> {
    if !checks_networks(version) {
        return None;
    }
    let net = tg.networks.first()?;
    let ports = net.reserved_ports.iter().chain(net.dynamic_ports.iter());
    for p in ports {
        let alias = port_alias(p, n, version, version.at_least(1, 1, 0))?;
        if !n.nets.has_alias(&alias) {
            return Some(format!("network: {}", no_addresses_text(&alias, version)));
        }
    }
    None
}

/// Does the BinPackIterator file `network: ...` for a node whose network
/// ask preemption cannot satisfy (`preemption not possible`)? From 1.7.5,
/// and the 1.6.8 and 1.5.15 backports; before, the node is dropped
/// without a metric.
pub fn records_failed_network_preemption(v: NomadVersion) -> bool {
    v.at_least(1, 7, 5)
        || (v.at_least(1, 6, 8) && !v.at_least(1, 7, 0))
        || (v.at_least(1, 5, 15) && !v.at_least(1, 6, 0))
}

/// nomad/structs/network.go's text: the alias quoted (`%q`) until the
/// fixes of 1.0.16, 1.1.10 and 1.2.4 printed it bare (`%s`).
fn no_addresses_text(alias: &str, v: NomadVersion) -> String {
    let bare = v.at_least(1, 2, 4)
        || (v.at_least(1, 1, 10) && !v.at_least(1, 2, 0))
        || (v.at_least(1, 0, 16) && !v.at_least(1, 1, 0));
    if bare {
        format!("no addresses available for {alias} network")
    } else {
        format!("no addresses available for {} network", go_quote(alias))
    }
}

/// The note for a node whose verdict on `net` rests on an alias Go's map
/// order gives or not (0.12.0–1.0.x give an address one alias, the first
/// matching `host_network` block in map order): which, its odds, and what
/// the plan assumed.
pub fn alias_by_chance(net: Option<&Network>, n: &Node, version: NomadVersion) -> Option<String> {
    if n.nets.by_chance.is_empty() {
        return None;
    }
    let ports = net?.dynamic_ports.iter().chain(net?.reserved_ports.iter());
    for p in ports {
        let Some(alias) = port_alias(p, n, version, version.at_least(1, 1, 0)) else {
            continue;
        };
        let Some(c) = n.nets.chance(&alias) else {
            continue;
        };
        let odds = match c.ppm {
            Some(ppm) => format!("{:.1}%", f64::from(ppm) / 1e4),
            None => "odds not established: more than 8 host_network blocks spread over Go's hashed buckets".to_string(),
        };
        let taken = if c.assumed { "carried" } else { "not carried" };
        return Some(format!(
            "node {:?}: Nomad {version} gives each address one host network alias, the first matching host_network block in Go's random map order; an address carries {} with probability {odds}, and this plan takes it as {taken}",
            n.name,
            go_quote(&alias),
        ));
    }
    None
}

/// Could `verdict`, for a group without a network, be another with
/// another order of Nomad's selects? The checker then holds whichever
/// group's network was set last, and the reconciler visits groups in Go's
/// map order (`for group, as := range m` in reconcile.go), so any other
/// group's network, or none, may be the one held.
pub fn order_dependent(
    job: &Job,
    tg: &TaskGroup,
    verdict: Option<&str>,
    n: &Node,
    version: NomadVersion,
) -> bool {
    if !tg.networks.is_empty() || !checks_networks(version) {
        return false;
    }
    // Asked per group on every node: the name is compared only for a
    // group with a network (comparing every group's name was quadratic in
    // the groups, a fifth of a plan of 2,000 groups without networks).
    let others = job
        .groups
        .iter()
        .filter_map(|g| g.networks.first().filter(|_| g.name != tg.name));
    std::iter::once(None)
        .chain(others.map(Some))
        .any(|net| network_infeasible(net, n, version).as_deref() != verdict)
}

/// Can the order Nomad places `job`'s groups in change a network verdict
/// on any of `nodes`: some group has no network of its own, and on some
/// node another group's network (or none) is judged otherwise
/// ([`order_dependent`], the same for every group without one)? The
/// stack sets the checker's network only for a group that has one
/// (scheduler/feasible/stack.go v2.0.5:167-169), and the reconciler
/// visits groups in Go's map order (reconcile_cluster.go v2.0.5:365-368),
/// so such a group is judged with whichever network was set before it,
/// in its placements and in its in-place updates' `Select` alike
/// (scheduler/util.go v2.0.5:862-871). Asked once per job (a proof that
/// asked it per group was quadratic in the groups).
pub fn order_matters<'n>(
    job: &Job,
    nodes: impl IntoIterator<Item = &'n Node>,
    version: NomadVersion,
) -> bool {
    let Some(bare) = job.groups.iter().find(|g| g.networks.is_empty()) else {
        return false;
    };
    if job.groups.iter().all(|g| g.networks.is_empty()) {
        return false;
    }
    nodes.into_iter().any(|n| {
        let alone = network_infeasible(None, n, version);
        order_dependent(job, bare, alone.as_deref(), n, version)
    })
}

/// Is the client older than the bridge fingerprint: its `nomad.version`
/// parses and go-version's `< 0.12` holds (a pre-release such as
/// `0.11.0-dev` never matches a constraint without one; an unparsable
/// version does not predate)?
fn predates_bridge(n: &Node) -> bool {
    let Some(v) = n.attributes.get("nomad.version") else {
        return false;
    };
    let core = v.split('+').next().unwrap_or_default();
    if core.contains('-') {
        return false;
    }
    core.parse::<NomadVersion>()
        .is_ok_and(|v| v < NomadVersion::new(0, 12, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::node_nets::NodeNets;

    fn v(s: &str) -> NomadVersion {
        s.parse().expect("version")
    }

    fn net(mode: &str, host_network: &str) -> Network {
        Network {
            mode: mode.into(),
            dynamic_ports: vec![Port {
                label: "http".into(),
                host_network: host_network.into(),
                ..Port::default()
            }],
            ..Network::default()
        }
    }

    #[test]
    fn modes_are_checked_from_0_12() {
        let n = Node::default();
        let bogus = net("bogus", "default");
        assert_eq!(network_infeasible(Some(&bogus), &n, v("0.11.8")), None);
        assert_eq!(
            network_infeasible(Some(&bogus), &n, v("0.12.0")).as_deref(),
            Some("missing network")
        );
        assert_eq!(
            network_infeasible(Some(&net("", "default")), &n, v("0.12.0")),
            None
        );
        assert_eq!(
            network_infeasible(Some(&net("bridge", "")), &n, v("2.0.5")),
            None
        );
        assert_eq!(network_infeasible(None, &n, v("2.0.5")), None);
    }

    #[test]
    fn none_passes_from_1_4_2() {
        let n = Node::default();
        let none = net("none", "default");
        assert!(network_infeasible(Some(&none), &n, v("1.4.1")).is_some());
        assert_eq!(network_infeasible(Some(&none), &n, v("1.4.2")), None);
    }

    #[test]
    fn old_clients_pass_bridge_from_1_0() {
        let mut n = Node {
            nets: NodeNets {
                bridge: false,
                ..NodeNets::default()
            },
            ..Node::default()
        };
        n.attributes.insert("nomad.version".into(), "0.11.8".into());
        let bridge = net("bridge", "");
        assert!(network_infeasible(Some(&bridge), &n, v("0.12.12")).is_some());
        assert_eq!(network_infeasible(Some(&bridge), &n, v("1.0.0")), None);
        n.attributes
            .insert("nomad.version".into(), "0.11.8-dev".into());
        assert!(network_infeasible(Some(&bridge), &n, v("1.0.0")).is_some());
        n.attributes.insert("nomad.version".into(), "0.12.0".into());
        assert!(network_infeasible(Some(&bridge), &n, v("1.0.0")).is_some());
    }

    #[test]
    fn host_networks_by_alias_and_template() {
        let mut n = Node::default();
        n.nets.host_networks = vec!["public".into()];
        n.meta.insert("net".into(), "public".into());
        assert_eq!(
            network_infeasible(Some(&net("", "public")), &n, v("1.0.0")),
            None
        );
        assert_eq!(
            network_infeasible(Some(&net("", "private")), &n, v("1.0.0")).as_deref(),
            Some("missing host network \"private\" for port \"http\"")
        );
        let tmpl = net("", "${meta.net}");
        assert_eq!(
            network_infeasible(Some(&tmpl), &n, v("1.0.18")).as_deref(),
            Some("missing host network \"${meta.net}\" for port \"http\"")
        );
        assert_eq!(network_infeasible(Some(&tmpl), &n, v("1.1.0")), None);
        let missing = net("", "${meta.nope}");
        assert_eq!(
            network_infeasible(Some(&missing), &n, v("1.1.0")).as_deref(),
            Some("invalid host network \"${meta.nope}\" template for port \"http\"")
        );
    }

    #[test]
    fn a_group_without_a_network_keeps_the_last_one_set() {
        let with = TaskGroup {
            name: "a".into(),
            networks: vec![net("cni/x", "")],
            ..TaskGroup::default()
        };
        let without = TaskGroup {
            name: "b".into(),
            ..TaskGroup::default()
        };
        let mut ask = NetworkAsk::default();
        ask.select(&without);
        assert!(ask.network().is_none());
        ask.select(&with);
        ask.select(&without);
        assert_eq!(ask.network().map(|n| n.mode.as_str()), Some("cni/x"));
        let job = Job {
            groups: vec![with.clone(), without.clone()],
            ..Job::default()
        };
        let v2 = v("2.0.5");
        let n = Node::default();
        let held = network_infeasible(ask.network(), &n, v2);
        assert_eq!(held.as_deref(), Some("missing network"));
        assert!(order_dependent(&job, &without, held.as_deref(), &n, v2));
        assert!(!order_dependent(&job, &with, held.as_deref(), &n, v2));
        let mut cni = Node::default();
        cni.nets.cni = vec!["x".into()];
        assert!(!order_dependent(&job, &without, None, &cni, v2));
    }
}
