//! Group counts past what the simulation holds.
//!
//! Nomad's `TaskGroup.Count` is a Go `int` (64 bits on amd64) from the
//! api (`Count *int`, api/tasks.go) to the structs
//! (nomad/structs/structs.go) at every release 0.9.0–2.0.5, and
//! `Job.Validate` bounds it only below (`Task group count can't be
//! negative`). From 1.11.0 the servers' `job_max_count` (50000 unless set,
//! 0: no bound) refuses a larger total at admission (jobValidate,
//! nomad/job_endpoint_hooks.go@v1.11.0), which `planner::admission` says
//! first. Otherwise the servers schedule every allocation asked; the
//! reconciler names them from a bitmap of the count's size
//! (`allocNameIndex`, scheduler/reconcile_util.go). nomad-preflight
//! simulates at most [`MAX_ALLOCATIONS`] allocations of one group, so past
//! it it says it cannot tell instead of planning for hours or showing a
//! clamped number.

use crate::jobspec::Job;
use crate::version::NomadVersion;

/// The most allocations one group is simulated for: a service or batch
/// group's count, a system or sysbatch group's count over all its nodes (a
/// sysbatch group places `count` on every node, `materializeSystemTaskGroups`,
/// scheduler/system_util.go v1.9.7:21-34). Nomad bounds neither before
/// 1.11 (`Job.Validate` refuses only a negative count,
/// nomad/structs/structs.go v1.6.0:6749), and a placement costs the
/// simulation a select, so a count of 1,000,000 ran for hours. Past it the
/// plan is said not to be known ([`count_unknown`], [`per_node_unknown`]).
/// Four times 1.11's default `job_max_count` (50,000), the same as the
/// allocations a world may pin.
pub const MAX_ALLOCATIONS: u64 = 200_000;

/// [`MAX_ALLOCATIONS`] as a count.
pub const MAX_SIMULATED: i64 = MAX_ALLOCATIONS as i64;

/// The most groups one job is simulated with. Nomad bounds them nowhere
/// (`Job.Validate` refuses only a job without one,
/// nomad/structs/structs.go v2.0.5), but a plan's work grows faster than
/// its groups (each group's feasibility and reconciliation read the
/// others): a plan of 20,000 groups of count 1 on two clients ran for
/// minutes (rt20a); 10,000 failing groups, the adversarial suite's, plan
/// in seconds. Past it the plan is said not to be known
/// ([`count_unknown`]) and the scheduler places nothing.
pub const MAX_GROUPS: usize = crate::world::MAX_JOB_GROUPS;

/// Has `job` more groups than the simulation plans ([`MAX_GROUPS`])?
pub fn too_many_groups(job: &Job) -> bool {
    job.groups.len() > MAX_GROUPS
}

/// The largest count a per-node group is simulated for over `nodes`
/// candidate nodes.
pub fn per_node_bound(nodes: usize) -> u32 {
    let nodes = u64::try_from(nodes.max(1)).unwrap_or(u64::MAX);
    u32::try_from(MAX_ALLOCATIONS / nodes).unwrap_or(u32::MAX)
}

/// The clients of `world`, every one a candidate node of a per-node group
/// (the bound [`per_node_bound`] shares among them).
pub fn clients(world: &crate::world::World) -> usize {
    world.clients.iter().map(|c| c.count as usize).sum()
}

/// A running job the replay would schedule whose group is past the
/// bound: an error of the world, located at the group's count in the job
/// file. The reconciler leaves such a group unplaced
/// (`reconcile_group`), and a per-node one is clamped
/// (`generic_system::names_per_node`), so a replay that went on would
/// show the cluster with room the job holds, and every other plan a
/// false all-clear (rv19-5). A stopped job places nothing: never past it.
pub fn running_unknown(
    world: &crate::world::World,
    running: &crate::world::RunningJob,
    admitted: &Job,
) -> Option<crate::diag::Diag> {
    if admitted.stop {
        return None;
    }
    let clients = clients(world);
    let g = admitted
        .groups
        .iter()
        .find(|g| past_bound(admitted, g, clients))?;
    let u = CountUnknown {
        version: world.nomad_version,
        group: g.name.clone(),
        count: g.count,
        per_node: admitted.job_type.is_per_node().then_some(clients),
        groups: None,
    };
    let line = format!(
        "cannot tell what Nomad {} plans against this world: in running job {} ({}), group {}",
        u.version,
        crate::gotext::go_quote(&running.job.id),
        running.path.display(),
        u.asks(),
    );
    let mut d = crate::diag::Diag::error(RUNNING_CODE, line)
        .help("a running count this large is beyond what nomad-preflight simulates; judge plans on the cluster, or describe the allocations the job runs (rules/allocations.hcl, or an import)")
        .as_cannot_tell();
    // The count as the job file writes it (the spans are the loaded
    // job's; the admission mutators leave group names as they are).
    let span = running
        .job
        .group(&g.name)
        .and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
    if let Some(src) = running.job.source.0.as_ref() {
        d = match span {
            Some(span) => d.at(src, span, "past what nomad-preflight simulates"),
            None => d.in_source(src),
        };
    }
    Some(d)
}

/// The code of [`running_unknown`]'s error (a `world::running` error of
/// its own kind: the job registers, the simulation cannot hold it).
pub const RUNNING_CODE: &str = "world::running-count";

/// The first group of a per-node (system or sysbatch) `job` whose count over the world's
/// `clients` passes [`MAX_ALLOCATIONS`] (every candidate node is a client,
/// so the engine never clamps a count this lets through).
pub fn per_node_unknown(version: NomadVersion, job: &Job, clients: usize) -> Option<CountUnknown> {
    if !job.job_type.is_per_node() || job.stop {
        return None;
    }
    let g = job.groups.iter().find(|g| past_bound(job, g, clients))?;
    Some(CountUnknown {
        version,
        group: g.name.clone(),
        count: g.count,
        per_node: Some(clients),
        groups: None,
    })
}

/// Is group `g`'s count past what the simulation plans for `job` on a
/// world of `clients` (its failures then are not Nomad's number)?
pub fn past_bound(job: &Job, g: &crate::jobspec::TaskGroup, clients: usize) -> bool {
    g.count > MAX_SIMULATED
        || (job.job_type.is_per_node() && !job.stop && g.count > i64::from(per_node_bound(clients)))
}

/// A group whose count the simulation cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountUnknown {
    pub version: NomadVersion,
    pub group: String,
    pub count: i64,
    /// A per-node group's: the clients its count is placed on each of.
    pub per_node: Option<usize>,
    /// A job past [`MAX_GROUPS`]: its number of groups (no one group is
    /// past a bound, `group` and `count` are empty).
    pub groups: Option<usize>,
}

/// The first group of `job` whose count is past [`MAX_SIMULATED`] (a
/// per-node group's is bounded over its nodes, [`per_node_unknown`]).
pub fn count_unknown(version: NomadVersion, job: &Job) -> Option<CountUnknown> {
    if too_many_groups(job) {
        return Some(CountUnknown {
            version,
            group: String::new(),
            count: 0,
            per_node: None,
            groups: Some(job.groups.len()),
        });
    }
    // A running per-node group's bound is over its nodes: per_node_unknown.
    let per_node = job.job_type.is_per_node() && !job.stop;
    let g = job
        .groups
        .iter()
        .find(|g| g.count > MAX_SIMULATED && !per_node)?;
    Some(CountUnknown {
        version,
        group: g.name.clone(),
        count: g.count,
        per_node: None,
        groups: None,
    })
}

impl CountUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        if let Some(groups) = self.groups {
            return format!(
                "cannot tell what Nomad {} plans for job {}: it has {groups} groups, and nomad-preflight simulates at most {MAX_GROUPS} groups per job; Nomad takes any number of groups",
                self.version,
                crate::gotext::go_quote(&job.id),
            );
        }
        format!(
            "cannot tell what Nomad {} plans for job {}: group {}",
            self.version,
            crate::gotext::go_quote(&job.id),
            self.asks()
        )
    }

    /// The group, what it asks and the bound it passes: the tail of
    /// [`CountUnknown::line`] and of a running job's [`running_unknown`].
    fn asks(&self) -> String {
        let group = crate::gotext::go_quote(&self.group);
        if let Some(clients) = self.per_node {
            return format!(
                "{group} asks count = {} on each of up to {clients} clients, and nomad-preflight simulates at most {MAX_ALLOCATIONS} allocations of a system or sysbatch group",
                self.count
            );
        }
        format!(
            "{group} asks count = {}, and nomad-preflight simulates at most {MAX_SIMULATED} allocations per group; Nomad takes any 64-bit count and schedules every allocation",
            self.count
        )
    }

    /// `Preflight.Count` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "Known": false,
            "Group": self.group,
            "Count": self.count,
            "MaxSimulated": MAX_SIMULATED,
        });
        if let (Some(groups), Some(o)) = (self.groups, v.as_object_mut()) {
            o.insert("Groups".into(), groups.into());
            o.insert("MaxGroups".into(), MAX_GROUPS.into());
        }
        // A per-node group's bound is its names over every client.
        if let (Some(clients), Some(o)) = (self.per_node, v.as_object_mut()) {
            o.insert("PerNodeClients".into(), clients.into());
            o.insert("PerNodeMaxSimulated".into(), MAX_ALLOCATIONS.into());
        }
        v
    }

    pub const HINT: &'static str =
        "a count this large is beyond what nomad-preflight simulates; judge it on the cluster";
}

/// The most group plans one sampling run replays (groups × samples): a
/// plan costs at least a select per group on every node, and more than
/// linearly in the groups (the reconciler and the feasibility checks look
/// groups up among the job's), so 1,000 groups of count 1 sampled 100
/// times took 18.9 s (rt20a). Nomad bounds neither the groups
/// (`Job.Validate` refuses only none, nomad/structs/structs.go v2.0.5)
/// nor the evaluations. A larger job is sampled fewer times
/// ([`SampleWork::within_budget`]: 100 groups at the full 100 samples,
/// 1,000 at 10); past it at the fewest samples the sampled share is said
/// not to be known.
pub const MAX_SAMPLED_GROUPS: u64 = 10_000;

/// The most allocations one sampling run places (the job's placements ×
/// samples): [`MAX_ALLOCATIONS`] sampled 10 times.
pub const MAX_SAMPLED_PLACEMENTS: u64 = 10 * MAX_ALLOCATIONS;

/// The work sampling `job` `samples` times asks, and whether it passes
/// the budget ([`MAX_SAMPLED_GROUPS`], [`MAX_SAMPLED_PLACEMENTS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleWork {
    pub job: String,
    pub groups: u64,
    pub placements: u64,
    pub samples: u32,
}

impl SampleWork {
    /// `job` sampled `samples` times over `clients` clients (a per-node
    /// group places its count on each).
    pub fn of(job: &Job, clients: usize, samples: u32) -> SampleWork {
        let per_node = job.job_type.is_per_node();
        let nodes = u64::try_from(clients.max(1)).unwrap_or(u64::MAX);
        let placements = job
            .groups
            .iter()
            .map(|g| {
                let count = u64::try_from(g.count.max(0)).unwrap_or(0);
                if per_node {
                    count.saturating_mul(nodes)
                } else {
                    count
                }
            })
            .fold(0u64, u64::saturating_add);
        SampleWork {
            job: job.id.clone(),
            groups: u64::try_from(job.groups.len()).unwrap_or(u64::MAX),
            placements,
            samples,
        }
    }

    /// Is the work past the sampling budget?
    pub fn too_large(&self) -> bool {
        let n = u64::from(self.samples);
        self.groups.saturating_mul(n) > MAX_SAMPLED_GROUPS
            || self.placements.saturating_mul(n) > MAX_SAMPLED_PLACEMENTS
    }

    /// The most samples of the job, at most the [`Self::samples`] asked,
    /// that stay within the sampling budget (0 when not even one does).
    pub fn most_within_budget(&self) -> u32 {
        let by_groups = MAX_SAMPLED_GROUPS / self.groups.max(1);
        let by_placements = MAX_SAMPLED_PLACEMENTS / self.placements.max(1);
        let most = by_groups.min(by_placements);
        u32::try_from(most).unwrap_or(u32::MAX).min(self.samples)
    }

    /// The samples to take: those asked, fewer where the budget allows
    /// fewer, never fewer than `floor` (nor than asked, when fewer were):
    /// a share over a handful of shuffles reads as odds it cannot give.
    /// Past the budget at the floor: the work at the floor, which the
    /// readers say is too large to sample.
    pub fn within_budget(&self, floor: u32) -> Result<u32, SampleWork> {
        if self.samples == 0 {
            return Ok(0);
        }
        let n = self.most_within_budget();
        let floor = floor.min(self.samples);
        if n >= floor && n > 0 {
            return Ok(n);
        }
        Err(SampleWork {
            samples: floor.max(1),
            ..self.clone()
        })
    }
}

impl SampleWork {
    /// What a run asked [`Self::samples`] and cut to `sampled` by the
    /// budget sampled, in one line: `plan --samples` says it beside its
    /// shares, never a silent cut.
    pub fn cut_line(&self, sampled: u32) -> String {
        format!(
            "{} node shuffles asked; sampled {sampled}, the most within what nomad-preflight samples of job {} ({} allocations in {} groups; at most {MAX_SAMPLED_GROUPS} group plans and {MAX_SAMPLED_PLACEMENTS} allocations per sampling run)",
            self.samples,
            crate::gotext::go_quote(&self.job),
            self.placements,
            self.groups,
        )
    }
}

impl std::fmt::Display for SampleWork {
    /// The one line every sampling reader says (NP207, NP403, `plan
    /// --samples`), in [`CountUnknown`]'s words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too large to sample: job {} asks {} allocations in {} groups, {} node shuffles of it (the fewest sampled) pass what nomad-preflight samples (at most {MAX_SAMPLED_GROUPS} group plans and {MAX_SAMPLED_PLACEMENTS} allocations per sampling run); Nomad takes any number of groups",
            crate::gotext::go_quote(&self.job),
            self.placements,
            self.groups,
            self.samples,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job too large for the samples asked is sampled fewer times, down
    /// to the floor; past the budget at the floor it is too large, and
    /// the error names the floor's work (what the readers say).
    #[test]
    fn within_budget_samples_fewer_down_to_the_floor() {
        let at = |groups, count, samples| SampleWork::of(&job_of(groups, count), 2, samples);
        assert_eq!(at(100, 1, 100).within_budget(10), Ok(100));
        assert_eq!(at(101, 1, 100).within_budget(10), Ok(99));
        assert_eq!(at(400, 1, 100).within_budget(10), Ok(25));
        assert_eq!(at(1000, 1, 100).within_budget(10), Ok(10));
        let past = at(1001, 1, 100).within_budget(10);
        assert_eq!(past.as_ref().map_err(|w| w.samples), Err(10));
        assert!(past.is_err_and(|w| w.too_large()));
        // Fewer asked than the floor: as asked, while the budget holds.
        assert_eq!(at(1001, 1, 5).within_budget(10), Ok(5));
        // The allocations' bound: 20,000 allocations at 100 samples, one
        // group of 200,001 not even at 10.
        assert_eq!(at(1, 40_000, 100).within_budget(10), Ok(50));
        assert!(at(1, 200_001, 100).within_budget(10).is_err());
        assert_eq!(at(20_000, 1, 0).within_budget(10), Ok(0));
        // Not even one sample: too large whatever the floor.
        assert!(at(10_001, 1, 100).within_budget(0).is_err());
        // A budget past u32 samples is cut to those asked.
        assert_eq!(at(1, 0, 100_000).within_budget(10), Ok(10_000));
    }

    #[test]
    fn per_node_bound_shares_the_names_among_the_nodes() {
        assert_eq!(per_node_bound(0), 200_000);
        assert_eq!(per_node_bound(1), 200_000);
        assert_eq!(per_node_bound(2), 100_000);
        assert_eq!(per_node_bound(300_000), 0);
    }

    fn job_of(groups: usize, count: i64) -> Job {
        Job {
            id: "many".into(),
            groups: (0..groups)
                .map(|i| crate::jobspec::TaskGroup {
                    name: format!("g{i}"),
                    count,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn sampling_budget_bounds_groups_and_placements() {
        // 100 groups at 100 samples is the bound; one more passes it.
        assert!(!SampleWork::of(&job_of(100, 1), 2, 100).too_large());
        assert!(SampleWork::of(&job_of(101, 1), 2, 100).too_large());
        // At the fewest samples (10, after many earlier changes) 1,000
        // groups are at the bound (ten plans), one more past it.
        assert!(!SampleWork::of(&job_of(1000, 1), 2, 10).too_large());
        assert!(SampleWork::of(&job_of(1001, 1), 2, 10).too_large());
        // One group of 20,001 at 100 samples passes the placements' bound.
        assert!(SampleWork::of(&job_of(1, 20_001), 2, 100).too_large());
        assert!(!SampleWork::of(&job_of(1, 20_000), 2, 10).too_large());
        let line = SampleWork::of(&job_of(1000, 1), 2, 100).to_string();
        assert!(
            line.starts_with(
                "too large to sample: job \"many\" asks 1000 allocations in 1000 groups"
            ),
            "{line}"
        );
    }
}
