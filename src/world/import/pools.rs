//! Identical client nodes grouped into pools, each named after its nodes,
//! so an import reads like a hand-written `rules/cluster.hcl`.

use super::nodes::NodeShape;
use crate::world::model::*;

/// The stem of a node name: `client-12` → `client`.
fn name_stem(n: &str) -> &str {
    n.trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches(['-', '_', '.'])
}

/// Hands out pool names from the nodes' names (`client-1`, `client-2` →
/// `client`), numbering repeats `client2`, `client3`, ... in pool order.
///
/// Each base remembers the last number it tried: names are never released,
/// so every number below it is still taken and the next search starts
/// there. A probe either names the pool (once per pool) or finds a taken
/// name, which moves its base past it for good, so N pools cost O(N) probes
/// however many share a base (a scan from 2 each time probed N²/2 names,
/// each probe a scan of every name: 20,000 nodes took minutes).
#[derive(Default)]
struct PoolNamer {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, u64>,
    /// Names probed so far, to keep the bound above honest in a test.
    probes: u64,
}

impl PoolNamer {
    fn name(&mut self, names: &[&str]) -> String {
        let base = names
            .first()
            .map(|n| name_stem(n))
            .filter(|b| !b.is_empty() && names.iter().all(|n| name_stem(n) == *b))
            .unwrap_or("client")
            .to_string();
        let mut name = base.clone();
        let k = self.next.entry(base.clone()).or_insert(2);
        loop {
            self.probes += 1;
            if !self.taken.contains(&name) {
                break;
            }
            name = format!("{base}{k}");
            *k += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A hash of everything that makes two nodes' pools equal, so grouping
/// compares a node only with the groups of its own bucket. Fields it leaves
/// out only cost collisions: membership is still decided by `==`.
fn shape_hash(p: &ClientPool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&p.datacenter, &p.node_pool, &p.node_class).hash(&mut h);
    (p.cpu, p.memory, p.disk, p.network_mbits).hash(&mut h);
    (&p.drivers, &p.attributes, &p.meta).hash(&mut h);
    let r = &p.reserved;
    (r.cpu, r.memory, r.disk, &r.ports).hash(&mut h);
    (p.state.status.as_str(), p.state.ineligible, p.state.drain).hash(&mut h);
    for (name, v) in &p.host_volumes {
        (name, &v.path, v.read_only).hash(&mut h);
    }
    h.finish()
}

/// Pools of identical nodes, and the work it took to find them (the counts
/// are read by the growth test only).
#[cfg_attr(not(test), allow(dead_code))]
struct Grouping {
    pools: Vec<ClientPool>,
    /// Full shape comparisons made (one per node and same-bucket group).
    comparisons: u64,
    probes: u64,
}

/// Group identical nodes (sorted by name for stable output) into pools, in
/// the order each shape first appears.
pub(super) fn group_nodes(nodes: Vec<NodeShape>) -> Vec<ClientPool> {
    group_nodes_counted(nodes).pools
}

fn group_nodes_counted(mut nodes: Vec<NodeShape>) -> Grouping {
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    // Members are kept beside each pool, not in it, so the shape comparison
    // below ignores the nodes' identities.
    let mut groups: Vec<(ClientPool, Vec<NodeIdentity>)> = Vec::new();
    let mut buckets: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    let mut comparisons = 0;
    for n in nodes {
        let member = NodeIdentity {
            id: n.id,
            name: n.name,
            devices: n.devices,
            task_networks: n.task_networks,
            address_ips: n.address_ips,
            attributes: n.unique_attributes,
        };
        let bucket = buckets.entry(shape_hash(&n.pool)).or_default();
        let found = bucket.iter().copied().find(|&g| {
            comparisons += 1;
            groups[g].0 == n.pool
        });
        match found {
            Some(g) => groups[g].1.push(member),
            None => {
                bucket.push(groups.len());
                groups.push((n.pool, vec![member]));
            }
        }
    }
    let mut namer = PoolNamer::default();
    let pools = groups
        .into_iter()
        .map(|(mut pool, members)| {
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            pool.name = namer.name(&names);
            pool.count = u32::try_from(members.len()).unwrap_or(u32::MAX);
            pool.members = members;
            pool
        })
        .collect();
    Grouping {
        pools,
        comparisons,
        probes: namer.probes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::nodes::node_shape;
    use super::*;

    #[test]
    fn identical_nodes_form_one_pool_named_after_them() {
        let node = |id: &str, name: &str, mem: i64| {
            serde_json::json!({"ID": id, "Name": name, "Datacenter": "dc1",
                "Attributes": {"kernel.name": "linux", "unique.hostname": name},
                "NodeResources": {"Cpu": {"CpuShares": 4600}, "Memory": {"MemoryMB": mem}, "Disk": {"DiskMB": 100}},
                "Drivers": {"docker": {"Detected": true, "Healthy": true}}})
        };
        let shapes = vec![
            node_shape(&node("a", "web-2", 3951)),
            node_shape(&node("b", "web-1", 3951)),
            node_shape(&node("c", "big-1", 8000)),
        ];
        let pools = group_nodes(shapes);
        assert_eq!(pools.len(), 2);
        assert_eq!((pools[0].name.as_str(), pools[0].count), ("big", 1));
        assert_eq!((pools[1].name.as_str(), pools[1].count), ("web", 2));
        assert_eq!(pools[1].drivers, vec!["docker".to_string()]);
        assert!(!pools[1].attributes.contains_key("unique.hostname"));
    }

    fn distinct_nodes(n: usize, prefix: &str) -> Vec<NodeShape> {
        (0..n)
            .map(|k| {
                node_shape(
                    &serde_json::json!({"ID": format!("id-{k}"), "Name": format!("{prefix}-{k}"),
                    "Datacenter": "dc1", "NodeResources": {"Cpu": {"CpuShares": 1000 + k}}}),
                )
            })
            .collect()
    }

    #[test]
    fn distinct_nodes_sharing_a_stem_are_numbered_in_order() {
        let pools = group_nodes(distinct_nodes(3, "client"));
        let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
        // Sorted by node name: client-0, client-1, client-2.
        assert_eq!(names, ["client", "client2", "client3"]);
        // A stem that is itself a numbered name skips the number already used.
        let mut namer = PoolNamer::default();
        let got: Vec<String> = [["web-1"], ["web-2"], ["web2-1"], ["web-3"]]
            .iter()
            .map(|n| namer.name(n))
            .collect();
        assert_eq!(got, ["web", "web2", "web22", "web3"]);
    }

    /// Work grows linearly with the number of nodes: ten times the nodes
    /// costs at most ten times the comparisons and name probes (plus a small
    /// constant). Counted, not timed, so the test cannot be flaky; the cubic
    /// naming this replaces made 10× the nodes cost ~1000× the probes.
    #[test]
    fn grouping_and_naming_work_grows_linearly() {
        for prefix in ["client", ""] {
            let small = group_nodes_counted(distinct_nodes(500, prefix));
            let large = group_nodes_counted(distinct_nodes(5000, prefix));
            assert_eq!((small.pools.len(), large.pools.len()), (500, 5000));
            assert!(large.comparisons <= 10 * small.comparisons + 10, "{prefix}");
            assert!(large.probes <= 10 * small.probes + 10, "{prefix}");
            assert!(
                large.probes <= 2 * 5000,
                "{prefix}: {} probes",
                large.probes
            );
        }
        // Identical nodes: one comparison per node after the first.
        let same: Vec<NodeShape> = (0..5000)
            .map(|k| {
                node_shape(
                    &serde_json::json!({"ID": format!("id-{k}"), "Name": format!("web-{k}")}),
                )
            })
            .collect();
        let g = group_nodes_counted(same);
        assert_eq!(
            (g.pools.len(), g.pools[0].count, g.comparisons),
            (1, 5000, 4999)
        );
    }
}
