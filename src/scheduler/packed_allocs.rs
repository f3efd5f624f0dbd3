//! A placement-cache entry's allocations, written as what each one adds
//! to the one before it. A replay's allocations come in runs of one job's
//! group: the same namespace, job, group, resources and statuses, and only
//! the ID, name, node and indexes differ. Decoding every field of every
//! allocation (100,000 at 5,000 clients, seven strings each, every one
//! checked as UTF-8 and allocated) was half of a cached plan's
//! instructions; a copy of the allocation before, with four fields set,
//! is a fraction of that. The IDs and names sit end to end in one string,
//! checked as UTF-8 once rather than 200,000 times, and the per-allocation
//! numbers sit in one byte string of fixed-width records: read through
//! serde as a struct each, they were a fifth of a cached plan.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cluster::{Allocation, Node};
use crate::ids::Id;

/// An entry's allocations.
#[derive(Serialize, Deserialize)]
pub(super) struct PackedAllocs {
    /// Each allocation's ID then its name, end to end.
    text: String,
    /// One [`RECORD`]-byte record per allocation, little-endian: ID length
    /// (u32) and name length (u32) in `text`, node position in the entry's
    /// nodes (u32; [`BY_ID`]: the next of `node_ids`), create index (u64),
    /// modify index (u64).
    records: Bytes,
    /// Node IDs of the allocations whose node the entry does not hold (an
    /// allocation left on a node that is gone), in order.
    node_ids: Vec<String>,
    /// Every other field, at each allocation where it differs from the
    /// allocation before (the first one always): (position, the allocation
    /// with the record's fields cleared), positions increasing.
    rests: Vec<(u32, Allocation)>,
}

/// Bytes of one record.
const RECORD: usize = 28;
/// The node position of an allocation whose node is stored by ID.
const BY_ID: u32 = u32::MAX;

/// Bytes serde reads as one byte string (postcard: a length, then the
/// bytes as they are), not as a sequence of numbers, one call each.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

/// `a` without the fields a record carries.
fn rest_of(a: &Allocation) -> Allocation {
    Allocation {
        id: Id::default(),
        name: Id::default(),
        node_id: Id::default(),
        create_index: 0,
        modify_index: 0,
        ..a.clone()
    }
}

/// `allocs` as an entry stores them, nodes by their position in `nodes`;
/// `None` for an ID or name past 4 GiB or more than 4 G allocations.
pub(super) fn pack(allocs: &[Allocation], nodes: &[Node]) -> Option<PackedAllocs> {
    let at: HashMap<&str, u32> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            Some((
                n.id.as_str(),
                u32::try_from(i).ok().filter(|&i| i != BY_ID)?,
            ))
        })
        .collect();
    let mut before: Option<Allocation> = None;
    let mut out = PackedAllocs {
        text: String::new(),
        records: Bytes(Vec::with_capacity(allocs.len().saturating_mul(RECORD))),
        node_ids: Vec::new(),
        rests: Vec::new(),
    };
    for (i, a) in allocs.iter().enumerate() {
        let rest = rest_of(a);
        if before.as_ref() != Some(&rest) {
            out.rests.push((u32::try_from(i).ok()?, rest.clone()));
        }
        before = Some(rest);
        let node = match at.get(a.node_id.as_str()) {
            Some(&i) => i,
            None => {
                out.node_ids.push(a.node_id.to_string());
                BY_ID
            }
        };
        out.text.push_str(&a.id);
        out.text.push_str(&a.name);
        let r = &mut out.records.0;
        r.extend_from_slice(&u32::try_from(a.id.len()).ok()?.to_le_bytes());
        r.extend_from_slice(&u32::try_from(a.name.len()).ok()?.to_le_bytes());
        r.extend_from_slice(&node.to_le_bytes());
        r.extend_from_slice(&a.create_index.to_le_bytes());
        r.extend_from_slice(&a.modify_index.to_le_bytes());
    }
    Some(out)
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The allocations `packed` holds, or `None` when it is not a packing of
/// allocations on `nodes` (records not whole, a first allocation without
/// its fields, fields or node IDs left over, a node position or a length
/// past the end, a length that splits a character).
pub(super) fn unpack(packed: PackedAllocs, nodes: &[Node]) -> Option<Vec<Allocation>> {
    let PackedAllocs {
        text,
        records,
        node_ids,
        rests,
    } = packed;
    let records = records.0;
    if records.len() % RECORD != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(records.len() / RECORD);
    let mut rests = rests.into_iter().peekable();
    let mut node_ids = node_ids.into_iter();
    let mut before: Option<Allocation> = None;
    // Each node's ID once, shared by the allocations on it.
    let mut shared: Vec<Option<Id>> = vec![None; nodes.len()];
    let mut at = 0usize;
    let mut take = |len: u32| -> Option<Id> {
        let end = at.checked_add(usize::try_from(len).ok()?)?;
        let s = Id::from(text.get(at..end)?);
        at = end;
        Some(s)
    };
    for (i, r) in records.chunks_exact(RECORD).enumerate() {
        if rests
            .peek()
            .is_some_and(|(p, _)| usize::try_from(*p).ok() == Some(i))
        {
            before = rests.next().map(|(_, rest)| rest);
        }
        let node_id = match le_u32(r, 8)? {
            BY_ID => Id::from(node_ids.next()?),
            p => {
                let p = usize::try_from(p).ok()?;
                match shared.get_mut(p)? {
                    Some(id) => id.clone(),
                    slot => slot.insert(Id::from(&nodes.get(p)?.id)).clone(),
                }
            }
        };
        out.push(Allocation {
            id: take(le_u32(r, 0)?)?,
            name: take(le_u32(r, 4)?)?,
            node_id,
            create_index: le_u64(r, 12)?,
            modify_index: le_u64(r, 20)?,
            ..before.as_ref()?.clone()
        });
    }
    if rests.next().is_some() || node_ids.next().is_some() {
        return None;
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
            id: id.into(),
            name: format!("{job}.g[{id}]").into(),
            namespace: "default".into(),
            job_id: job.into(),
            task_group: "g".into(),
            node_id: node.into(),
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
        stopped.create_index = u64::MAX;
        let allocs = vec![
            alloc("1", "web", "n1", 100),
            alloc("2", "web", "n2", 100),
            alloc("3", "web", "gone", 100),
            stopped,
            alloc("5", "api", "n1", 100),
            alloc("6", "api", "n1", 250),
        ];
        let packed = pack(&allocs, &nodes).expect("packs");
        let carried: Vec<u32> = packed.rests.iter().map(|(i, _)| *i).collect();
        assert_eq!(carried, [0, 3, 4, 5]);
        assert_eq!(packed.node_ids, ["gone"]);
        assert_eq!(unpack(packed, &nodes), Some(allocs.clone()));
        let bytes = postcard::to_stdvec(&pack(&allocs, &nodes).expect("packs")).expect("writes");
        let read: PackedAllocs = postcard::from_bytes(&bytes).expect("reads");
        assert_eq!(unpack(read, &nodes), Some(allocs));
    }

    #[test]
    fn a_packing_that_does_not_fit_is_refused() {
        let nodes = vec![node("n1")];
        let one = || pack(&[alloc("ü", "web", "n1", 1)], &nodes).expect("packs");
        assert!(unpack(one(), &nodes).is_some());
        assert!(unpack(one(), &[]).is_none(), "node position past the end");
        let mut p = one();
        p.rests.clear();
        assert!(unpack(p, &nodes).is_none(), "no fields to copy");
        let mut p = one();
        p.records.0[0..4].copy_from_slice(&1u32.to_le_bytes());
        assert!(
            unpack(p, &nodes).is_none(),
            "a length splitting a character"
        );
        let mut p = one();
        p.records.0[4] += 1;
        assert!(unpack(p, &nodes).is_none(), "a length past the end");
        let mut p = one();
        p.records.0.pop();
        assert!(unpack(p, &nodes).is_none(), "a record cut short");
        let mut p = one();
        let extra = p.rests[0].1.clone();
        p.rests.push((1, extra));
        assert!(unpack(p, &nodes).is_none(), "fields past the last record");
        let mut p = one();
        p.node_ids.push("n9".to_string());
        assert!(unpack(p, &nodes).is_none(), "a node ID left over");
        let mut p = one();
        p.records.0[8..12].copy_from_slice(&BY_ID.to_le_bytes());
        assert!(unpack(p, &nodes).is_none(), "a node by ID that is missing");
    }
}
