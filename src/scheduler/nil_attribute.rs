//! A device attribute the cluster reports as JSON `null`. The server holds
//! a nil `*Attribute` for it (an attribute with no value set is `{}` and
//! not nil: [`crate::structs::attribute::AttrValue::Unset`]), and
//! `resolveDeviceTarget` finds it (`val, ok := d.Attributes[attr]`,
//! scheduler/feasible/feasible.go v2.0.5:1705-1709). The comparisons
//! (`!=`, `=`, `<`, ...) ask `Compare`, whose `Comparable` checks for nil
//! first (plugins/shared/structs/attribute.go v2.0.5:283-286): not
//! equal to anything, as an unset one. But `regexp`, `set_contains*`,
//! `version` and `semver` call `GetString` on it (checkAttributeConstraint
//! :1774-1818, checkAttributeVersionMatch :1285-1295), which reads
//! `a.String` through the nil pointer: a panic, in the feasibility check
//! of every node the job's scheduler reads (ready, eligible, in its
//! datacenters and pool) holding a model the request names, and in
//! `AssignDevice` for an affinity. From 1.3.0 the scheduler recovers it and `Job.Plan`
//! returns it as an error (`Process`'s deferred recover,
//! scheduler/generic_sched.go, #12009); before, the leader's process dies.
//! Whether Nomad's stack reaches such a node first depends on its shuffle,
//! so the plan cannot tell: never a placement or a refusal of ours where
//! Nomad answers with an error.

use crate::jobspec::Job;
use crate::scheduler::feasibility::pool_reached;
use crate::structs::attribute::AttrValue;
use crate::structs::device::{DeviceId, NodeDevice};
use crate::world::{ClientPool, World};

/// The operands whose check reads an attribute's string (or int) through
/// its pointer.
const READS_VALUE: &[&str] = &[
    "regexp",
    "set_contains",
    "set_contains_all",
    "set_contains_any",
    "version",
    "semver",
];

/// A device constraint or affinity that reads a `null` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NilAttributeUnknown {
    pub group: String,
    pub device: String,
    pub attribute: String,
    pub operand: String,
    /// A node that reports the model with the attribute `null`.
    pub node: String,
    pub version: crate::version::NomadVersion,
}

/// The attribute key of a `${device.attr.KEY}` target.
fn attr_key(target: &str) -> Option<&str> {
    let key = target.strip_prefix("${device.attr.")?;
    Some(key.strip_suffix('}').unwrap_or(key))
}

/// Every device attribute a node of `world` reports as `null`, as (node
/// name, model, key): an imported member's own devices first, by its
/// name, then each pool's shape, by the pool's.
pub fn nil_attributes(world: &World) -> impl Iterator<Item = (&str, &NodeDevice, &str)> {
    world.clients.iter().flat_map(pool_nil_attributes)
}

fn pool_nil_attributes(pool: &ClientPool) -> impl Iterator<Item = (&str, &NodeDevice, &str)> {
    let members = pool.members.iter().map(|m| (m.name.as_str(), &m.devices));
    members
        .chain(std::iter::once((pool.name.as_str(), &pool.devices)))
        .flat_map(|(node, devices)| {
            devices.iter().flat_map(move |d| {
                let nil = d
                    .attributes
                    .iter()
                    .filter(|(_, a)| a.value == AttrValue::Nil);
                nil.map(move |(key, _)| (node, d, key.as_str()))
            })
        })
}

/// [`nil_attributes`] of the nodes whose devices `job`'s device checker
/// can reach: Nomad's scheduler reads its nodes with
/// `readyNodesInDCsAndPool` (scheduler/util.go v2.0.5:23-60: ready, not
/// draining, eligible, in one of the job's datacenters and in its pool;
/// generic_sched.go v2.0.5:785, scheduler_system.go :133,
/// scheduler_sysbatch.go :124) before any feasibility checker runs
/// (scheduler/feasible/stack.go v2.0.5:394-446), so a node outside them
/// never has its devices' attributes read. A pool's clients share their
/// state, datacenter and pool, so its first client answers for all.
fn nil_attributes_in_scope<'w>(
    world: &'w World,
    job: &Job,
) -> impl Iterator<Item = (&'w str, &'w NodeDevice, &'w str)> {
    let v = world.nomad_version;
    let pools: Vec<&ClientPool> = world
        .clients
        .iter()
        .filter(|p| p.count > 0 && pool_reached(v, job, p))
        .collect();
    pools.into_iter().flat_map(pool_nil_attributes)
}

/// The first device constraint or affinity of `job` whose check would read
/// a `null` attribute of a node in `world`.
pub fn nil_attribute_unknown(world: &World, job: &Job) -> Option<NilAttributeUnknown> {
    if job.stop {
        return None;
    }
    for tg in &job.groups {
        let requests = tg.tasks.iter().flat_map(|t| t.resources.devices.iter());
        for req in requests {
            let constraints = req
                .constraints
                .iter()
                .map(|c| (&c.operand, &c.ltarget, &c.rtarget));
            let affinities = req
                .affinities
                .iter()
                .map(|a| (&a.operand, &a.ltarget, &a.rtarget));
            for (operand, l, r) in constraints.chain(affinities) {
                if !READS_VALUE.contains(&operand.as_str()) {
                    continue;
                }
                for key in [l, r].into_iter().filter_map(|t| attr_key(t)) {
                    let wanted = DeviceId::from_request(&req.name);
                    let node = nil_attributes_in_scope(world, job)
                        .find(|(_, d, k)| *k == key && d.id.matches(&wanted))
                        .map(|(node, _, _)| node.to_string());
                    if let Some(node) = node {
                        return Some(NilAttributeUnknown {
                            group: tg.name.to_string(),
                            device: req.name.clone(),
                            attribute: key.to_string(),
                            operand: operand.clone(),
                            node,
                            version: world.nomad_version,
                        });
                    }
                }
            }
        }
    }
    None
}

impl NilAttributeUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let version = self.version;
        let end = if version.at_least(1, 3, 0) {
            "the scheduler recovers and the plan fails with the panic as its error"
        } else {
            "the leader's process dies, or its agent drops the connection"
        };
        format!(
            "cannot tell what `nomad job plan` prints for job {}: node {} reports device attribute {} as null, and group {}'s device {} reads it with {}, which panics Nomad {version}'s scheduler if its node shuffle reaches a node with that model ({end})",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.node),
            crate::gotext::go_quote(&self.attribute),
            crate::gotext::go_quote(&self.group),
            crate::gotext::go_quote(&self.device),
            crate::gotext::go_quote(&self.operand),
        )
    }

    /// `Preflight.NilAttribute` in JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Group": self.group,
            "Device": self.device,
            "Attribute": self.attribute,
            "Operand": self.operand,
            "Node": self.node,
            "Answers": false,
        })
    }

    pub const HINT: &'static str = "a device plugin reported the attribute with no value: fix the plugin or its node, or compare the attribute with an operator that does not read its string (`is_set`, `=`, `!=`)";
}
