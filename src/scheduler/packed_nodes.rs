//! A placement-cache entry's nodes, written as what each one changes from
//! the one before it. A world's clients come in pools whose nodes share
//! everything but their ID, name, index, IP and the two attributes naming
//! them (`unique.hostname`, `unique.network.ip-address`); decoding the ~30
//! attributes of each of 5,000 nodes, every string checked and every map
//! entry inserted in order, was a quarter of a cached plan's instructions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cluster::Node;
use crate::structs::NodeNetwork;

/// One node in an entry.
#[derive(Serialize, Deserialize)]
pub(super) struct PackedNode {
    id: String,
    name: String,
    create_index: u64,
    /// Attributes that differ from the node before's: a new value, or
    /// `None` for one this node lacks.
    attributes: Vec<(String, Option<String>)>,
    /// Only when they differ from the node before's.
    networks: Option<Vec<NodeNetwork>>,
    /// Every other field, only when it differs from the node before (the
    /// first node always has it): the node with the fields above cleared.
    rest: Option<Node>,
}

/// `n` without the fields a [`PackedNode`] carries on its own.
fn rest_of(n: &Node) -> Node {
    Node {
        id: String::new(),
        name: String::new(),
        create_index: 0,
        attributes: BTreeMap::new(),
        networks: Vec::new(),
        ..n.clone()
    }
}

/// What `now` changes of `before`.
fn changes(
    before: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<(String, Option<String>)> {
    let set = now
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), Some(v.clone())));
    let gone = before
        .keys()
        .filter(|k| !now.contains_key(*k))
        .map(|k| (k.clone(), None));
    set.chain(gone).collect()
}

/// `nodes` as an entry stores them.
pub(super) fn pack(nodes: &[Node]) -> Vec<PackedNode> {
    let empty = BTreeMap::new();
    let mut before: Option<(&Node, Node)> = None;
    nodes
        .iter()
        .map(|n| {
            let rest = rest_of(n);
            let (attrs, networks, same_rest) = match &before {
                Some((b, b_rest)) => (&b.attributes, Some(&b.networks), *b_rest == rest),
                None => (&empty, None, false),
            };
            let packed = PackedNode {
                id: n.id.clone(),
                name: n.name.clone(),
                create_index: n.create_index,
                attributes: changes(attrs, &n.attributes),
                networks: (networks != Some(&n.networks)).then(|| n.networks.clone()),
                rest: (!same_rest).then(|| rest.clone()),
            };
            before = Some((n, rest));
            packed
        })
        .collect()
}

/// The nodes `packed` holds, or `None` when it is not a packing of nodes
/// (a first node without its fields).
pub(super) fn unpack(packed: Vec<PackedNode>) -> Option<Vec<Node>> {
    let mut out: Vec<Node> = Vec::with_capacity(packed.len());
    let mut rest: Option<Node> = None;
    for p in packed {
        if let Some(r) = p.rest {
            rest = Some(r);
        }
        let before = out.last();
        let mut attributes = before.map(|b| b.attributes.clone()).unwrap_or_default();
        for (k, v) in p.attributes {
            match v {
                Some(v) => attributes.insert(k, v),
                None => attributes.remove(&k),
            };
        }
        let networks = match p.networks {
            Some(n) => n,
            None => before?.networks.clone(),
        };
        out.push(Node {
            id: p.id,
            name: p.name,
            create_index: p.create_index,
            attributes,
            networks,
            ..rest.as_ref()?.clone()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u32, pool: &str) -> Node {
        let mut n = Node {
            id: format!("id-{i}"),
            name: format!("{pool}-{i}"),
            datacenter: "dc1".to_string(),
            node_pool: pool.to_string(),
            create_index: u64::from(i),
            cpu: 4000,
            ..Node::default()
        };
        for (k, v) in [("kernel.name", "linux"), ("cpu.arch", "amd64")] {
            n.attributes.insert(k.to_string(), v.to_string());
        }
        n.attributes
            .insert("unique.hostname".to_string(), n.name.clone());
        n.networks.push(NodeNetwork {
            device: "eth0".to_string(),
            cidr: format!("10.0.0.{i}/32"),
            ip: format!("10.0.0.{i}"),
            mbits: 1000,
        });
        n
    }

    #[test]
    fn every_field_survives_and_pools_share_the_rest() {
        let mut nodes: Vec<Node> = (1..=3).map(|i| node(i, "a")).collect();
        nodes.extend((4..=5).map(|i| node(i, "b")));
        // A node lacking an attribute its neighbour has, and one whose
        // networks are its neighbour's.
        nodes[1].attributes.remove("cpu.arch");
        nodes[4].networks = nodes[3].networks.clone();
        nodes[4].drain = true;
        let packed = pack(&nodes);
        let rest: Vec<bool> = packed.iter().map(|p| p.rest.is_some()).collect();
        assert_eq!(rest, [true, false, false, true, true]);
        let nets: Vec<bool> = packed.iter().map(|p| p.networks.is_some()).collect();
        assert_eq!(nets, [true, true, true, true, false]);
        assert_eq!(
            packed[1].attributes,
            [
                ("unique.hostname".to_string(), Some("a-2".to_string())),
                ("cpu.arch".to_string(), None)
            ]
        );
        assert_eq!(unpack(packed), Some(nodes));
    }

    #[test]
    fn a_first_node_without_its_fields_is_refused() {
        let mut packed = pack(&[node(1, "a")]);
        packed[0].rest = None;
        assert!(unpack(packed).is_none());
        let mut packed = pack(&[node(1, "a")]);
        packed[0].networks = None;
        assert!(unpack(packed).is_none());
    }
}
