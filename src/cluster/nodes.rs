//! The state's clients, shared between copies of the state: every replay
//! of a sampling run starts from the same clients and no evaluation edits
//! one, so a copy of the state shares them rather than copying each node
//! (copying and dropping them was a twentieth of `plan --samples 1000`).
//! Each node's computed class is kept beside it once computed, for every
//! copy: hashing it per evaluation was another twentieth.

use std::sync::{Arc, OnceLock};

use crate::structs::node_class::computed_class;
use crate::structs::Node;

#[derive(Clone, Default)]
pub struct Nodes(Arc<List>);

#[derive(Clone, Default)]
struct List {
    nodes: Vec<Node>,
    /// `classes[i]` is `computed_class(&nodes[i])`, filled on first use.
    /// Nodes are only ever added ([`Nodes::push`]), so a kept class never
    /// goes stale.
    classes: Vec<OnceLock<u64>>,
    /// Each computed class's node positions, in order, built on first
    /// use ([`Nodes::same_class`]) and dropped when a node is added.
    members: OnceLock<std::collections::HashMap<u64, Vec<usize>>>,
}

impl Nodes {
    /// Add a client (copying the list first if another state shares it).
    pub fn push(&mut self, node: Node) {
        let list = Arc::make_mut(&mut self.0);
        list.nodes.push(node);
        list.classes.push(OnceLock::new());
        list.members = OnceLock::new();
    }

    /// The computed class of the node at `pos` (`Node.ComputedClass`).
    pub fn class(&self, pos: usize) -> Option<u64> {
        let node = self.0.nodes.get(pos)?;
        let slot = self.0.classes.get(pos)?;
        Some(*slot.get_or_init(|| computed_class(node)))
    }
}

impl Nodes {
    /// The positions of the nodes of `pos`'s computed class, `pos` among
    /// them, in order (empty for no node there). Indexed once for every
    /// copy: a scan of every node per class asked was quadratic in the
    /// classes.
    pub fn same_class(&self, pos: usize) -> &[usize] {
        let Some(class) = self.class(pos) else {
            return &[];
        };
        let members = self.0.members.get_or_init(|| {
            let mut by: std::collections::HashMap<u64, Vec<usize>> = Default::default();
            for p in 0..self.0.nodes.len() {
                if let Some(c) = self.class(p) {
                    by.entry(c).or_default().push(p);
                }
            }
            by
        });
        members.get(&class).map_or(&[], Vec::as_slice)
    }
}

impl std::ops::Deref for Nodes {
    type Target = Vec<Node>;

    fn deref(&self) -> &Vec<Node> {
        &self.0.nodes
    }
}

impl<'a> IntoIterator for &'a Nodes {
    type Item = &'a Node;
    type IntoIter = std::slice::Iter<'a, Node>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.nodes.iter()
    }
}

impl From<Vec<Node>> for Nodes {
    fn from(nodes: Vec<Node>) -> Nodes {
        let classes = nodes.iter().map(|_| OnceLock::new()).collect();
        Nodes(Arc::new(List {
            nodes,
            classes,
            members: OnceLock::new(),
        }))
    }
}

impl FromIterator<Node> for Nodes {
    fn from_iter<I: IntoIterator<Item = Node>>(iter: I) -> Nodes {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

/// As the list of nodes it holds (the kept classes are a cache).
impl std::fmt::Debug for Nodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.nodes.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(dc: &str) -> Node {
        Node {
            datacenter: dc.into(),
            ..Node::default()
        }
    }

    /// A copy shares the nodes until one is added; each keeps the class of
    /// its own nodes, the same a fresh computation gives.
    #[test]
    fn copies_share_nodes_and_classes_until_one_grows() {
        let mut a: Nodes = vec![node("dc1"), node("dc2")].into();
        let b = a.clone();
        assert!(std::ptr::eq(&a[0], &b[0]));
        assert_eq!(a.class(1), Some(computed_class(&node("dc2"))));
        a.push(node("dc3"));
        assert_eq!((a.len(), b.len()), (3, 2));
        assert_eq!(a.class(2), Some(computed_class(&node("dc3"))));
        assert_eq!(b.class(1), a.class(1));
        assert_ne!(a.class(0), a.class(1));
        assert_eq!(b.class(2), None);
        assert_eq!(
            format!("{b:?}"),
            format!("{:?}", vec![node("dc1"), node("dc2")])
        );
    }
}
