//! Changes to a simulated cluster other than a submission: a job
//! stopped, clients added, a namespace applied; and a quota's usage.

use super::evaluation::Unblock;
use super::{QuotaUsage, Simulation, UnblockOutcome};
use crate::cluster::build::build_node;
use crate::world::Namespace;

impl Simulation {
    /// `nomad job stop`: stop every allocation of the job and re-run blocked evaluations.
    pub fn stop_job(&mut self, namespace: &str, job_id: &str) -> UnblockOutcome {
        let key = (namespace.to_string(), job_id.to_string());
        let Some(record) = self.state.jobs.get_mut(&key) else {
            return UnblockOutcome::default();
        };
        self.state.index += 1;
        std::sync::Arc::make_mut(&mut record.job).stop = true;
        record.version += 1;
        record.modify_index = self.state.index;
        record.job_modify_index = self.state.index;
        let (job, version) = (record.job.clone(), record.version);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), job);
        let eval_id = self.eval_id(self.state.index, &format!("stop-{job_id}"));
        self.evaluate_and_apply(&key, &eval_id, false);
        self.state
            .blocked
            .retain(|b| !(b.namespace == key.0 && b.job_id == key.1));
        self.refresh_statuses();
        self.unblock(Unblock::Freed)
    }

    /// Add `count` clients to an existing pool (named NAME-k after the
    /// existing ones), then re-run blocked evaluations as Nomad does.
    pub fn add_clients(&mut self, pool: &str, count: u32) -> UnblockOutcome {
        let Some(pos) = self.world.clients.iter().position(|p| p.name == pool) else {
            return UnblockOutcome::default();
        };
        let Some(spec) = self.world.clients.get(pos).cloned() else {
            return UnblockOutcome::default();
        };
        let start = spec.count;
        for i in start + 1..=start + count {
            self.state.index += 1;
            let node = build_node(&self.world, &spec, pos, i, self.state.index);
            self.state.nodes.push(node);
        }
        if let Some(p) = std::sync::Arc::make_mut(&mut self.world)
            .clients
            .get_mut(pos)
        {
            p.count = start + count;
        }
        self.unblock(Unblock::Capacity)
    }

    /// `nomad namespace apply`: create or update a namespace.
    pub fn apply_namespace(&mut self, namespace: Namespace) {
        self.state.index += 1;
        if !self.state.namespaces.contains(&namespace.name) {
            self.state.namespaces.push(namespace.name.clone());
        }
        std::sync::Arc::make_mut(&mut self.world)
            .namespaces
            .insert(namespace.name.clone(), namespace);
    }

    /// Current usage of a quota in a region.
    pub fn quota_usage(
        &self,
        quota: &str,
        region: &str,
    ) -> Result<QuotaUsage, crate::cluster::usage::UsageOverflow> {
        crate::cluster::usage::quota_usage(&self.world, &self.state, quota, region)
    }
}
