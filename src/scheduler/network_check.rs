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

use super::constraint::resolve;
use crate::cluster::Node;
use crate::gotext::go_quote;
use crate::jobspec::{Job, Network, TaskGroup};
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
        let alias = if version.at_least(1, 1, 0) && p.host_network.starts_with("${") {
            match resolve(&p.host_network, n, version) {
                Some(v) => std::borrow::Cow::Owned(v),
                None => {
                    return Some(format!(
                        "invalid host network {} template for port {}",
                        go_quote(&p.host_network),
                        go_quote(&p.label)
                    ))
                }
            }
        } else {
            std::borrow::Cow::Borrowed(p.host_network.as_str())
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
    let others = job
        .groups
        .iter()
        .filter(|g| g.name != tg.name)
        .filter_map(|g| g.networks.first());
    std::iter::once(None)
        .chain(others.map(Some))
        .any(|net| network_infeasible(net, n, version).as_deref() != verdict)
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
    use crate::jobspec::Port;
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
