//! The node a replacement prefers (`findPreferredNode`,
//! scheduler/generic_sched.go) and the select that tries it first
//! (`GenericStack.Select` with `PreferredNodes`, scheduler/stack.go; 2.0:
//! scheduler/feasible/stack.go).
//!
//! A placement that replaces an allocation of a group whose ephemeral disk
//! is sticky (every release) or, from 1.5.4, migrating prefers the
//! previous allocation's node when that node is ready, eligible and not
//! draining (`Node.Ready`): the whole stack runs on that node alone first
//! (its stop already staged, so its room is free), and only where nothing
//! fits there on every node. generic_sched.go:615-628@v0.9.3 (sticky),
//! :847-865@v1.6.0 and from v1.5.4 (sticky or migrate; v1.5.3 and every
//! 1.4.x sticky only), :878-900@v2.0.5.
//!
//! From #26662 the preference is skipped when the job's node pool or
//! datacenters changed since the version the previous allocation runs
//! (v1.11.0, v1.10.6, Enterprise 1.8.18): before, the replacement of a
//! job moved to other datacenters lands on its old node, outside them.

use super::engine::{Ask, Engine, RankedNode};
use super::generic::JobHistory;
use super::AllocMetric;
use crate::cluster::Allocation;
use crate::jobspec::{Job, TaskGroup};
use crate::version::NomadVersion;

/// `ephemeral_disk { migrate = true }` prefers the old node too from
/// 1.5.4 ("ephemeral disk: `migrate` should imply `sticky`", #16826,
/// b8a472d692 on main, e01e7f5d7f in v1.5.4; absent at v1.5.3 and
/// v1.4.14).
const MIGRATE_PREFERS: NomadVersion = NomadVersion::new(1, 5, 4);

impl Engine<'_> {
    /// `findPreferredNode`: the position of the node the replacement of
    /// `prev` in group `tg` of `job` tries first.
    pub(super) fn preferred_node(
        &self,
        history: &JobHistory,
        job: &Job,
        tg: &TaskGroup,
        prev: Option<&Allocation>,
    ) -> Option<usize> {
        let prev = prev?;
        let version = self.world.nomad_version;
        if version.has(crate::version::Fix::PreferredScopeChange) {
            if let Some((old, _)) = super::generic::old_spec(history, self.state, prev) {
                let pool = |p: &str| if p.is_empty() { "default" } else { p }.to_string();
                if pool(&old.node_pool) != pool(&job.node_pool)
                    || old.datacenters != job.datacenters
                {
                    return None;
                }
            }
        }
        let disk = &tg.ephemeral_disk;
        if !(disk.sticky || (disk.migrate && version >= MIGRATE_PREFERS)) {
            return None;
        }
        let pos = self.node_position(&prev.node_id)?;
        let node = self.node(pos)?;
        super::feasibility::schedulable(node).then_some(pos)
    }

    /// `stack.Select` with the preferred node: the node alone first (its
    /// metric discarded when nothing fits there, as `ctx.Reset` does),
    /// then every node. Putting the node list back (`SetNodes`) starts
    /// the next walk of the shuffled nodes from their first.
    pub(super) fn select_preferring(
        &mut self,
        ask: &Ask<'_>,
        evict: bool,
        preferred: Option<usize>,
        metric: &mut AllocMetric,
    ) -> Option<RankedNode> {
        let Some(pos) = preferred else {
            return self.select(ask, evict, metric);
        };
        let all = std::mem::replace(&mut self.source, vec![pos]);
        self.offset = 0;
        let choice = self.select(ask, evict, metric);
        self.source = all;
        self.offset = 0;
        if choice.is_some() {
            return choice;
        }
        *metric = AllocMetric::default();
        self.select(ask, evict, metric)
    }
}
