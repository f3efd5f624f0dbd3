//! `jobConsulHook.Mutate` (nomad/job_endpoint_hook_consul.go `mutateImpl`,
//! from v1.7.3, the release that added `consul { partition }` to job
//! files; absent at v1.7.2): a group or task `consul` block naming an
//! admin partition constrains its group or task to clients whose Consul
//! agent is in that partition (`newConsulPartitionConstraint`:
//! `${attr.consul.partition} = P` for the default cluster,
//! `${attr.consul.<cluster>.partition} = P` for another one). The hook runs
//! before the Connect and implied-constraint hooks (nomad/job_endpoint.go
//! `NewJobEndpoints` mutators at v1.7.3 and v2.0.5), so its constraint
//! precedes theirs.
//!
//! Nomad appends without looking; we add unless an equal constraint is
//! there, so a job mutated twice is the job mutated once. An equal
//! constraint written in the file changes neither the diff (constraints
//! diff as a set) nor placement.

use crate::jobspec::{Constraint, Consul, Job};
use crate::version::NomadVersion;

/// `newConsulPartitionConstraint(cluster, partition)`, or nothing when the
/// block names no partition.
fn constraint(consul: &Consul) -> Option<Constraint> {
    if consul.partition.is_empty() {
        return None;
    }
    let ltarget = if consul.cluster.is_empty() || consul.cluster == "default" {
        "${attr.consul.partition}".to_string()
    } else {
        format!("${{attr.consul.{}.partition}}", consul.cluster)
    };
    Some(Constraint {
        ltarget,
        operand: "=".into(),
        rtarget: consul.partition.clone(),
        ..Constraint::default()
    })
}

fn add(list: &mut Vec<Constraint>, k: Option<Constraint>) {
    if let Some(k) = k {
        if !list.contains(&k) {
            list.push(k);
        }
    }
}

pub(super) fn mutate(job: &mut Job, v: NomadVersion) {
    if !v.at_least(1, 7, 3) {
        return;
    }
    for g in &mut job.groups {
        add(&mut g.constraints, g.consul.as_ref().and_then(constraint));
        for t in &mut g.tasks {
            add(&mut t.constraints, t.consul.as_ref().and_then(constraint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consul(cluster: &str, partition: &str) -> Consul {
        Consul {
            cluster: cluster.into(),
            partition: partition.into(),
            ..Consul::default()
        }
    }

    #[test]
    fn the_cluster_names_the_attribute() {
        let k = constraint(&consul("", "p1")).expect("constraint");
        assert_eq!(
            (k.ltarget.as_str(), k.operand.as_str(), k.rtarget.as_str()),
            ("${attr.consul.partition}", "=", "p1")
        );
        let k = constraint(&consul("default", "p1")).expect("constraint");
        assert_eq!(k.ltarget, "${attr.consul.partition}");
        let k = constraint(&consul("east", "p1")).expect("constraint");
        assert_eq!(k.ltarget, "${attr.consul.east.partition}");
        assert!(constraint(&consul("east", "")).is_none());
    }
}
