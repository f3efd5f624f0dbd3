//! What the system scheduler does with a job's allocation on a node that is
//! no candidate for it (not ready, eligible and undrained in the job's
//! datacenters and pool) and that it reads neither as lost nor as
//! disconnected (`diffSystemAllocsForNode`; 1.11+: `computeForNode`).
//!
//! A draining node is tainted and its allocation ignored at every release.
//! The rest, by release:
//! - 0.9.0-0.10.3: no eligibility test (scheduler/util.go `diffAllocs`
//!   v0.9.3:411-456, v0.10.3): an unchanged job's allocation is ignored, a
//!   changed one updated. In place where the tasks did not change and it
//!   still fits (no datacenter test before 1.0.9/1.1.3); otherwise its
//!   re-placement looks the node up among the ready nodes of the job's
//!   datacenters and fails the whole evaluation: `could not find node
//!   %q` (scheduler/system_sched.go:273-277@v0.9.3, :275-279@v0.10.3),
//!   which `Job.Plan` returns as its error (nomad/job_endpoint.go
//!   v0.9.3:1220-1226).
//! - 0.10.4-1.1.x: an allocation on a node missing from the eligible set
//!   (the ready nodes of the job's datacenters) is ignored, whatever the
//!   job (`if _, ok := eligibleNodes[nodeID]; !ok { goto IGNORE }`,
//!   util.go:130-134@v1.1.0, first at v0.10.4).
//! - 1.2.0-1.10.x: an allocation on a node that is not `Ready()` is
//!   ignored (`notReadyNodes`, util.go:143@v1.2.0, system_util.go
//!   :198-202@v1.6.0, :200@v1.10.5); from 1.6.0 only the nodes of the
//!   job's pool are in that set (`readyNodesInDCsAndPool` walks the pool,
//!   util.go:49-86@v1.6.0). On a ready node out of the job's datacenters
//!   or pool it is stopped ("no longer targeted", system_util.go
//!   :204-212@v1.6.0).
//! - 1.11.0+: as 1.6-1.10, but on a node that is not ready it is stopped
//!   once the job changed (scheduler/reconciler/reconcile_node.go
//!   :267-283@v2.0.5, the same set of not-ready nodes).

use crate::cluster::Node;
use crate::jobspec::Job;
use crate::version::NomadVersion;

/// The allocation's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OffNode {
    Ignore,
    Stop,
    /// The job changed (0.9.0-0.10.3): updated in place, or the plan fails.
    Update,
}

/// `changed`: the allocation runs another version than the planned one.
pub(super) fn off_node(version: NomadVersion, job: &Job, n: &Node, changed: bool) -> OffNode {
    use super::feasibility::{node_pools, schedulable};
    if n.drain {
        return OffNode::Ignore;
    }
    if version.at_least(1, 2, 0) {
        let pool = match job.node_pool.as_str() {
            "" => "default",
            p => p,
        };
        let in_pool = !node_pools(version) || pool == "all" || n.node_pool == pool;
        if schedulable(n) || !in_pool {
            // Ready, so out of the job's datacenters or pool.
            return OffNode::Stop;
        }
        // 1.11 stops it too once the job changed.
        return if changed && version.at_least(1, 11, 0) {
            OffNode::Stop
        } else {
            OffNode::Ignore
        };
    }
    if version.at_least(0, 10, 4) {
        return OffNode::Ignore;
    }
    if changed {
        OffNode::Update
    } else {
        OffNode::Ignore
    }
}

/// `could not find node %q`: the error of a 0.9.0-0.10.3 system job whose
/// destructive update falls on a node that is no candidate.
pub(super) fn unfound(node_id: &str) -> String {
    format!("could not find node {}", crate::gotext::go_quote(node_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_release_reads_an_allocation_off_the_candidates() {
        let v = |s: &str| s.parse::<NomadVersion>().expect("version");
        let job = Job {
            datacenters: vec!["dc1".into()],
            ..Job::default()
        };
        let ready = Node {
            datacenter: "dc2".into(),
            node_pool: "default".into(),
            status: crate::cluster::NodeStatus::Ready,
            eligible: true,
            ..Node::default()
        };
        let ineligible = Node {
            datacenter: "dc1".into(),
            eligible: false,
            ..ready.clone()
        };
        let drained = Node {
            drain: true,
            ..ready.clone()
        };
        for (at, changed, out_of_dc, not_eligible) in [
            ("0.9.3", false, OffNode::Ignore, OffNode::Ignore),
            ("0.10.3", true, OffNode::Update, OffNode::Update),
            ("0.10.4", true, OffNode::Ignore, OffNode::Ignore),
            ("1.1.3", true, OffNode::Ignore, OffNode::Ignore),
            ("1.2.0", true, OffNode::Stop, OffNode::Ignore),
            ("1.10.5", true, OffNode::Stop, OffNode::Ignore),
            ("1.10.5", false, OffNode::Stop, OffNode::Ignore),
            ("1.11.0", true, OffNode::Stop, OffNode::Stop),
            ("2.0.5", false, OffNode::Stop, OffNode::Ignore),
            ("2.0.5", true, OffNode::Stop, OffNode::Stop),
        ] {
            assert_eq!(off_node(v(at), &job, &ready, changed), out_of_dc, "{at}");
            assert_eq!(
                off_node(v(at), &job, &ineligible, changed),
                not_eligible,
                "{at}"
            );
            assert_eq!(
                off_node(v(at), &job, &drained, changed),
                OffNode::Ignore,
                "{at}"
            );
        }
        // 1.6+: a node outside the job's pool is not in `notReadyNodes`.
        let elsewhere = Node {
            node_pool: "gpu".into(),
            ..ineligible
        };
        assert_eq!(off_node(v("1.6.0"), &job, &elsewhere, false), OffNode::Stop);
        assert_eq!(
            off_node(v("1.5.17"), &job, &elsewhere, false),
            OffNode::Ignore
        );
    }
}
