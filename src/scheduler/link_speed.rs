//! A hand-written client pool's link speed, when the world does not state
//! it (redteam27 R27-3).
//!
//! `cluster::build` gives a pool without `network_mbits` a 1000 Mbit/s
//! link. A real client reports its own: the agent's `network_speed`, else
//! what ethtool or sysfs read of the interface, and 1000 only when neither
//! finds one (client/fingerprint/network.go v1.10.5:90-99); on AWS the
//! instance type's speed from env_aws's table (env_aws.go v1.10.5:34-50,
//! 220-238: an m5.large is 500). Nomad checks every task network's `mbits`
//! against it (`network: bandwidth exceeded`, scheduler/rank.go
//! BinPackIterator; before 0.12 a group network's too), so a job asking
//! bandwidth fits or not by a value the world does not give: the plan
//! cannot tell (exit 255; `check` NP225), never Nomad's success text.
//!
//! Where the answer cannot depend on the speed it is answered: every
//! bandwidth the planned job and the world's running jobs ask, all
//! together, fits in the slowest link a client fingerprints (ethtool and
//! sysfs report 10 Mbit/s for a 10BASE-T link, the slowest Ethernet
//! speed), so no client's link is ever full, whatever its speed. A job
//! asking no bandwidth is never checked against it. An imported pool
//! carries the speed its nodes reported.

use crate::jobspec::Job;
use crate::version::NomadVersion;
use crate::world::World;

/// The slowest link speed a client fingerprints (Mbit/s): below it, no
/// sum of asks can be refused by any client's link.
pub const SLOWEST_LINK_MBITS: i64 = 10;

/// Why a plan cannot be told: the unstated pool and the asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpeedUnknown {
    /// The first hand-written pool the job reaches that does not state
    /// `network_mbits`.
    pub pool: String,
    /// The speed the plan would have assumed for it.
    pub assumed: i64,
    /// The planned job's bandwidth per allocation, largest group's.
    pub per_alloc: i64,
    /// Every bandwidth asked: the planned job's allocations and the
    /// world's running jobs', together.
    pub total: i64,
}

/// The bandwidth one allocation of each group asks the link for: each
/// task's first network (the ask the scheduler builds,
/// `structs::resources`), and before 0.12 the group's networks, offered
/// like a task's ([`super::net_held::on_host_network`]).
fn per_alloc(job: &Job, v: NomadVersion) -> impl Iterator<Item = (i64, i64)> + '_ {
    job.groups.iter().map(move |g| {
        let tasks: i64 = g
            .tasks
            .iter()
            .filter_map(|t| t.resources.networks.first())
            .map(|n| n.mbits.max(0))
            .sum();
        let group: i64 = if super::net_held::on_host_network(v) {
            0
        } else {
            g.networks.iter().map(|n| n.mbits.max(0)).sum()
        };
        (g.count.max(0), tasks.saturating_add(group))
    })
}

/// All the bandwidth `job`'s allocations ask, together.
fn total(job: &Job, v: NomadVersion) -> i64 {
    per_alloc(job, v)
        .map(|(count, m)| m.saturating_mul(count))
        .fold(0, i64::saturating_add)
}

/// What a plan of `job` cannot know of a link's speed, if anything.
pub fn link_speed_unknown(world: &World, job: &Job) -> Option<LinkSpeedUnknown> {
    if job.stop {
        return None;
    }
    let v = world.nomad_version;
    let own = per_alloc(job, v).map(|(_, m)| m).max().unwrap_or(0);
    if own <= 0 {
        return None;
    }
    let pool = super::client_values::reached(world, job)
        .0
        .into_iter()
        .find(|p| !p.spans.written("network_mbits"))?;
    // The planned job's running version is replaced by it: counted once.
    let running = world
        .running
        .iter()
        .filter(|r| {
            let same = r.job.namespace == job.namespace && r.job.id == job.id;
            !(r.job.stop || same)
        })
        .map(|r| total(&r.job, v))
        .fold(0, i64::saturating_add);
    let all = total(job, v).saturating_add(running);
    (all > SLOWEST_LINK_MBITS).then(|| LinkSpeedUnknown {
        pool: pool.name.clone(),
        assumed: pool.network_mbits,
        per_alloc: own,
        total: all,
    })
}

impl LinkSpeedUnknown {
    /// Where the world would have to say more.
    pub const HINT: &'static str = "state each client pool's link speed, `network_mbits = ...` in its `client` block, as the client fingerprints it (`nomad node status -json`: NodeResources.Networks[].MBits); or judge the job on the cluster (`nomad job plan`)";

    /// The one line (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell whether job {} can be placed: it asks {} Mbit/s of bandwidth per allocation, and client pool {} does not state `network_mbits`, its clients' link speed, which each client fingerprints (its `network_speed`, else its interface's speed; on AWS its instance type's, 500 for an m5.large) and Nomad checks the asks against (planned as {} Mbit/s; state `network_mbits = ...` in its `client` block)",
            crate::gotext::go_quote(&job.id),
            self.per_alloc,
            crate::gotext::go_quote(&self.pool),
            self.assumed,
        )
    }

    /// `Preflight.LinkSpeed` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "Pool": self.pool,
            "Unstated": "network_mbits",
            "Assumed": self.assumed,
            "PerAllocation": self.per_alloc,
            "Total": self.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Network, Resources, Task, TaskGroup};

    fn job(id: &str, count: i64, mbits: i64) -> Job {
        Job {
            id: id.into(),
            namespace: "default".into(),
            datacenters: vec!["dc1".into()],
            groups: vec![TaskGroup {
                name: "g".into(),
                count,
                tasks: vec![Task {
                    name: "t".into(),
                    resources: Resources {
                        networks: vec![Network {
                            mbits,
                            ..Network::default()
                        }],
                        ..Resources::default()
                    },
                    ..Task::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    #[test]
    fn an_ask_past_the_slowest_link_on_an_unstated_pool_cannot_be_told() {
        let mut world = crate::rules::testing::world();
        world.nomad_version = NomadVersion::new(1, 10, 5);
        world.running.clear();
        let j = job("app", 2, 600);
        let reached = !crate::scheduler::client_values::reached(&world, &j)
            .0
            .is_empty();
        assert!(reached, "the test world's pool is reached");
        let u = link_speed_unknown(&world, &j).expect("unknown");
        assert_eq!((u.per_alloc, u.total), (600, 1200));
        assert!(u.line(&j).contains("does not state `network_mbits`"));
        // Asks that fit the slowest link, no ask, a stopped job: known.
        assert_eq!(link_speed_unknown(&world, &job("app", 2, 5)), None);
        assert_eq!(link_speed_unknown(&world, &job("app", 2, 0)), None);
        let mut stopped = j.clone();
        stopped.stop = true;
        assert_eq!(link_speed_unknown(&world, &stopped), None);
        // A stated speed is known, whatever it is.
        for p in &mut world.clients {
            p.spans.set("network_mbits", crate::source::Span::default());
        }
        assert_eq!(link_speed_unknown(&world, &j), None);
    }
}
