//! A node's computed class (`structs/node_class.go`): what feasibility is
//! cached by.

use super::Node;
use crate::version::NomadVersion;

/// The attribute a client's fingerprint stores its HTTP advertise address
/// under (`Node.HTTPAddr`, client/fingerprint/nomad.go). Every release
/// from 0.9.0 until the fix names it `nomad.advertise.address`, which is
/// not in the `unique.` namespace: each real client then has a computed
/// class of its own, and Nomad's class cache never carries a feasibility
/// verdict from one client to another.
pub fn advertise_address_key(v: NomadVersion) -> &'static str {
    if v.has(crate::version::Fix::ClassUniqueAddress) {
        "unique.advertise.address"
    } else {
        "nomad.advertise.address"
    }
}

/// The node's computed class (`Node.ComputeClass`): everything but its
/// unique attributes, so feasibility can be cached per class. The value is
/// only a key of the scheduler's feasibility caches, never shown. The parts
/// are laid end to end, each closed by 0xFF (a byte UTF-8 text never
/// holds, so different part lists give different bytes), and hashed in one
/// pass with foldhash's fixed state: the byte-wise FNV of `hash_parts`, or
/// a hasher call per piece, was a twentieth of `plan --samples 1000`. The
/// state keeps each node's class once computed (`cluster::Nodes`).
pub fn computed_class(n: &Node) -> u64 {
    use std::hash::BuildHasher;
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut part = |pieces: &[&[u8]]| {
        for p in pieces {
            buf.extend_from_slice(p);
        }
        buf.push(0xFF);
    };
    for p in [&n.datacenter, &n.node_class, &n.node_pool] {
        part(&[p.as_bytes()]);
    }
    for (tag, map) in [(b"a:", &n.attributes), (b"m:", &n.meta)] {
        for (k, v) in map.iter().filter(|(k, _)| !k.starts_with("unique.")) {
            part(&[tag, k.as_bytes(), b"=", v.as_bytes()]);
        }
    }
    // Devices count by vendor, type, name and attributes only: instances
    // and their health are not hashed (`NodeDeviceResource.HashInclude`),
    // so nodes that differ only in healthy instances share a class and its
    // cached device verdict, as in Nomad.
    for d in &n.devices {
        part(&[b"d:", d.id.to_string().as_bytes()]);
        for (k, v) in d
            .attributes
            .iter()
            .filter(|(k, _)| !k.starts_with("unique."))
        {
            part(&[b"da:", k.as_bytes(), b"=", v.to_string().as_bytes()]);
        }
    }
    foldhash::fast::FixedState::default().hash_one(buf.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unique attributes do not change the class; anything else does,
    /// including where one part ends and the next begins.
    #[test]
    fn computed_class_hashes_the_shared_attributes_only() {
        let mut n = Node {
            datacenter: "dc1".into(),
            node_class: "c".into(),
            node_pool: "default".into(),
            ..Node::default()
        };
        n.attributes.insert("kernel.name".into(), "linux".into());
        n.attributes.insert("unique.hostname".into(), "a".into());
        n.meta.insert("rack".into(), "r1".into());
        let mut other = n.clone();
        other
            .attributes
            .insert("unique.hostname".into(), "b".into());
        assert_eq!(computed_class(&other), computed_class(&n));
        other.meta.insert("rack".into(), "r2".into());
        assert_ne!(computed_class(&other), computed_class(&n));
        let mut shifted = n.clone();
        shifted.datacenter = "dc1c".into();
        shifted.node_class = String::new();
        assert_ne!(computed_class(&shifted), computed_class(&n));
        let mut as_meta = n.clone();
        as_meta.attributes.remove("kernel.name");
        as_meta.meta.insert("kernel.name".into(), "linux".into());
        assert_ne!(computed_class(&as_meta), computed_class(&n));
    }

    /// The address is hashed until #24942 reached each line.
    #[test]
    fn the_advertise_address_leaves_the_class_with_24942() {
        let key = |a, b, c| advertise_address_key(NomadVersion::new(a, b, c));
        for (a, b, c) in [
            (0, 9, 0),
            (1, 7, 7),
            (1, 7, 18),
            (1, 8, 4),
            (1, 8, 10),
            (1, 9, 6),
        ] {
            assert_eq!(key(a, b, c), "nomad.advertise.address", "{a}.{b}.{c}");
        }
        for (a, b, c) in [(1, 7, 19), (1, 8, 11), (1, 9, 7), (1, 10, 0), (2, 0, 5)] {
            assert_eq!(key(a, b, c), "unique.advertise.address", "{a}.{b}.{c}");
        }
    }
}
