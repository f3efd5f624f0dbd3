//! A placement-cache entry's allocations, written as what each one adds
//! to the one before it. A replay's allocations come in runs of one job's
//! group: the same namespace, job, group, resources and statuses, and only
//! the ID, name, node and indexes differ. Decoding every field of every
//! allocation (100,000 at 5,000 clients, seven strings each, every one
//! checked as UTF-8 and allocated) was half of a cached plan's
//! instructions; a copy of the allocation before, with four fields set,
//! is a fraction of that. The IDs and names sit end to end in one string,
//! checked as UTF-8 once rather than 200,000 times.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cluster::{Allocation, Node};

/// An entry's allocations.
#[derive(Serialize, Deserialize)]
pub(super) struct PackedAllocs {
    /// Each allocation's ID then its name, end to end.
    text: String,
    allocs: Vec<Packed>,
}

/// One allocation in an entry.
#[derive(Serialize, Deserialize)]
struct Packed {
    /// Lengths in bytes of its ID and name in [`PackedAllocs::text`].
    id_len: u32,
    name_len: u32,
    node: NodeRef,
    create_index: u64,
    modify_index: u64,
    /// Every other field, only when it differs from the allocation before
    /// (the first one always has it): the allocation with the fields above
    /// cleared.
    rest: Option<Allocation>,
}

/// The allocation's node: its position in the entry's nodes, or the ID
/// itself when no node has it (an allocation left on a node that is gone).
#[derive(Serialize, Deserialize)]
enum NodeRef {
    At(u32),
    Id(String),
}

/// `a` without the fields a [`Packed`] carries on its own.
fn rest_of(a: &Allocation) -> Allocation {
    Allocation {
        id: String::new(),
        name: String::new(),
        node_id: String::new(),
        create_index: 0,
        modify_index: 0,
        ..a.clone()
    }
}

/// `allocs` as an entry stores them, nodes by their position in `nodes`;
/// `None` for an ID or name past 4 GiB.
pub(super) fn pack(allocs: &[Allocation], nodes: &[Node]) -> Option<PackedAllocs> {
    let at: HashMap<&str, u32> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((n.id.as_str(), u32::try_from(i).ok()?)))
        .collect();
    let mut before: Option<Allocation> = None;
    let mut text = String::new();
    let allocs = allocs
        .iter()
        .map(|a| {
            let rest = rest_of(a);
            let changed = before.as_ref() != Some(&rest);
            let node = match at.get(a.node_id.as_str()) {
                Some(&i) => NodeRef::At(i),
                None => NodeRef::Id(a.node_id.clone()),
            };
            text.push_str(&a.id);
            text.push_str(&a.name);
            let packed = Packed {
                id_len: u32::try_from(a.id.len()).ok()?,
                name_len: u32::try_from(a.name.len()).ok()?,
                node,
                create_index: a.create_index,
                modify_index: a.modify_index,
                rest: changed.then(|| rest.clone()),
            };
            before = Some(rest);
            Some(packed)
        })
        .collect::<Option<Vec<Packed>>>()?;
    Some(PackedAllocs { text, allocs })
}

/// The allocations `packed` holds, or `None` when it is not a packing of
/// allocations on `nodes` (a first allocation without its fields, a node
/// position or a length past the end, a length that splits a character).
pub(super) fn unpack(packed: PackedAllocs, nodes: &[Node]) -> Option<Vec<Allocation>> {
    let PackedAllocs { text, allocs } = packed;
    let mut out = Vec::with_capacity(allocs.len());
    let mut before: Option<Allocation> = None;
    let mut at = 0usize;
    let mut take = |len: u32| -> Option<String> {
        let end = at.checked_add(usize::try_from(len).ok()?)?;
        let s = text.get(at..end)?.to_string();
        at = end;
        Some(s)
    };
    for p in allocs {
        if let Some(rest) = p.rest {
            before = Some(rest);
        }
        let node_id = match p.node {
            NodeRef::At(i) => nodes.get(usize::try_from(i).ok()?)?.id.clone(),
            NodeRef::Id(id) => id,
        };
        out.push(Allocation {
            id: take(p.id_len)?,
            name: take(p.name_len)?,
            node_id,
            create_index: p.create_index,
            modify_index: p.modify_index,
            ..before.as_ref()?.clone()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::{ClientStatus, DesiredStatus};

    fn node(id: &str) -> Node {
        Node {
            id: id.to_string(),
            ..Node::default()
        }
    }

    fn alloc(id: &str, job: &str, node: &str, cpu: i64) -> Allocation {
        let mut a = Allocation {
            id: id.to_string(),
            name: format!("{job}.g[{id}]"),
            namespace: "default".to_string(),
            job_id: job.to_string(),
            task_group: "g".to_string(),
            node_id: node.to_string(),
            create_index: 7,
            modify_index: 9,
            ..Allocation::default()
        };
        a.resources.cpu = cpu;
        a
    }

    #[test]
    fn every_field_survives_and_runs_share_the_rest() {
        let nodes = vec![node("n1"), node("n2")];
        let mut stopped = alloc("4", "web", "n2", 100);
        stopped.desired_status = DesiredStatus::Stop;
        stopped.client_status = ClientStatus::Complete;
        stopped.preempted_by = Some("x".to_string());
        let allocs = vec![
            alloc("1", "web", "n1", 100),
            alloc("2", "web", "n2", 100),
            alloc("3", "web", "gone", 100),
            stopped,
            alloc("5", "api", "n1", 100),
            alloc("6", "api", "n1", 250),
        ];
        let packed = pack(&allocs, &nodes).expect("packs");
        let carried: Vec<bool> = packed.allocs.iter().map(|p| p.rest.is_some()).collect();
        assert_eq!(carried, [true, false, false, true, true, true]);
        assert!(matches!(packed.allocs[2].node, NodeRef::Id(ref id) if id == "gone"));
        assert_eq!(unpack(packed, &nodes), Some(allocs));
    }

    #[test]
    fn a_packing_that_does_not_fit_is_refused() {
        let nodes = vec![node("n1")];
        let one = || pack(&[alloc("ü", "web", "n1", 1)], &nodes).expect("packs");
        assert!(unpack(one(), &nodes).is_some());
        assert!(unpack(one(), &[]).is_none(), "node position past the end");
        let mut p = one();
        p.allocs[0].rest = None;
        assert!(unpack(p, &nodes).is_none(), "no fields to copy");
        let mut p = one();
        p.allocs[0].id_len = 1;
        assert!(
            unpack(p, &nodes).is_none(),
            "a length splitting a character"
        );
        let mut p = one();
        p.allocs[0].name_len += 1;
        assert!(unpack(p, &nodes).is_none(), "a length past the end");
    }
}
