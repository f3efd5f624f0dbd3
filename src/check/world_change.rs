//! The gate on a change to the world itself. A change set that edits
//! `rules/` (a quota with a syntax error, a namespace removed) or deletes a
//! job file the world still lists in `running` passes every job-file rule,
//! then breaks every run after the merge. So when a change touches the world
//! folder or deletes a running job's file, the world as changed (the head's)
//! is loaded and simulated too: each of its problems is a located error
//! finding of the change (exit 1), and a head world that loads is returned
//! so the changed jobs can be judged against it as well.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::Diag;
use crate::scheduler::Simulation;
use crate::vfs::Vfs;
use crate::world::{Protected, World};

mod running_edit;
pub use running_edit::BREAKS_WORLD;

/// What a change does to the world.
pub struct WorldChange {
    /// Errors and warnings of the world as changed, located in its files.
    pub findings: Vec<Diag>,
    /// The world as changed, when it differs from the base and loads and
    /// simulates cleanly.
    pub head: Option<(World, Simulation)>,
}

/// The gate for one change set: `None` when the change does not reach the
/// world of `base` (a world folder inside the repository), else the world
/// as the change's head holds it, judged. Reads the head only when needed:
/// most change sets leave the world alone.
/// `base_sim` is the caller's simulation of `base`, reused when it has the
/// seed the head world is simulated with (1) rather than scheduled again.
pub fn gate(
    base: &World,
    base_sim: Option<&Simulation>,
    set: &crate::changeset::ChangeSet,
) -> std::io::Result<Option<(PathBuf, WorldChange)>> {
    let crate::world::WorldOrigin::Dir(dir) = &base.origin else {
        return Ok(None);
    };
    // The whole change, whatever paths were named: they choose what is
    // reported, not the world each file is judged in (R17-52).
    let whole = set.whole();
    let (changed, deleted) = (whole.changed(), whole.deleted());
    if dir.is_absolute() {
        return Ok(None);
    }
    if !touches_world(base, dir, &changed, &deleted) {
        // A running job's file alone: the world's load checks it too.
        let edited = running_edit::running_changed(base, &changed);
        if edited.is_empty() {
            return Ok(None);
        }
        let head = set.range.head_vfs()?;
        let change = running_edit::judge(base, head.as_ref(), dir, &edited);
        return Ok(change.map(|c| (dir.clone(), c)));
    }
    let head = set.range.head_vfs()?;
    let mut change = judge(head.as_ref(), dir, &deleted);
    // The head world's warnings that the base world has too are no finding
    // of this change (load27): only the new ones, as a running edit's. An
    // error or a cannot-tell is kept whatever the base had: the gate stays
    // closed on it (rv27-7).
    change.findings.retain(|d| {
        d.severity == crate::diag::Severity::Error || d.cannot_tell || !base_had(base, d)
    });
    if let Some((_, head_sim)) = &change.head {
        let fresh;
        let base_sim = match base_sim.filter(|s| s.seed == HEAD_SEED) {
            Some(sim) => Some(sim),
            None => {
                fresh = Simulation::new(base, HEAD_SEED).ok();
                fresh.as_ref()
            }
        };
        if let (Some(base_sim), Some((head_world, _))) = (base_sim, &change.head) {
            let found = newly_blocked(
                [base, head_world],
                [base_sim, head_sim],
                &base.policy.protected,
            );
            match found {
                Ok(f) => change.findings.extend(f),
                // Fails closed: a world change the gate cannot judge.
                Err(e) => change.findings.push(e.to_diag()),
            }
        }
    }
    Ok(Some((dir.clone(), change)))
}

/// Whether the world judged against (`base`) was loaded with warning
/// `d` too: the same code and text, wherever it points (an edit above it
/// moves its line, not what it says).
fn base_had(base: &World, d: &Diag) -> bool {
    base.warnings
        .iter()
        .any(|b| b.code == d.code && b.message == d.message)
}

/// The seed the world as changed is simulated with; the base is compared
/// under the same one.
const HEAD_SEED: u64 = 1;

/// The code of a finding that the world as changed no longer places a
/// running job in full: an error only for a job the policy protects, which
/// `plan --changed` reports as a refusal (the world itself is valid).
pub const BLOCKS_RUNNING: &str = "check::world-blocks-running";

/// What the simulated cluster cannot place of one running job.
#[derive(Default, Clone)]
struct Unplaced {
    /// Failed placements (Nomad's metric: coalesced failures + 1 per group).
    failures: u64,
    groups: BTreeSet<String>,
    /// The first quota text that stopped one.
    quota: Option<String>,
    /// The client dimensions exhausted (`memory`, `cpu`, ...).
    dimensions: BTreeSet<String>,
}

/// The running jobs (namespace, ID) a replay (`sim`, fresh from the
/// world) leaves partly unplaced: [`running_unplaced`]'s jobs, for a
/// count over node shuffles (`plan --samples`).
pub fn unplaced_jobs(sim: &Simulation) -> Vec<(String, String)> {
    unplaced(sim).into_keys().collect()
}

/// [`Unplaced`] of each running job with a blocked evaluation, by
/// namespace and job ID.
fn unplaced(sim: &Simulation) -> BTreeMap<(String, String), Unplaced> {
    let mut out: BTreeMap<_, Unplaced> = BTreeMap::new();
    for b in &sim.state.blocked {
        let e = out
            .entry((b.namespace.clone(), b.job_id.clone()))
            .or_default();
        for (group, m) in &b.failed_tg_allocs {
            e.failures += m.coalesced_failures + 1;
            e.groups.insert(group.clone());
            if e.quota.is_none() {
                e.quota = m.quota_exhausted.first().cloned();
            }
            e.dimensions.extend(m.dimension_exhausted.keys().cloned());
        }
    }
    out
}

/// The running jobs that `head` places in full under the same node
/// shuffle as `base` but no longer in full, by namespace and job ID.
fn worse(base: &Outcome, head: &Outcome) -> Outcome {
    head.iter()
        .filter(|(k, now)| now.failures > base.get(*k).map_or(0, |b| b.failures))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

type Outcome = BTreeMap<(String, String), Unplaced>;

/// The running jobs the world as changed can no longer place in full
/// (a quota or the clients shrunk below what runs). Nomad does not evict
/// what already runs, so the simulated cluster, which places every running
/// job afresh, would silently hold less than the real one: each is said,
/// an error for a job the policy protects. Where the running allocations
/// sit depends on Nomad's node shuffle, so the two worlds are compared
/// under [`SAMPLES`] other shuffles as well as the simulated one, and the
/// finding says how often the job no longer fits (redteam6 G5: a change
/// starving a protected job in half the shuffles passed when the one
/// simulated shuffle happened to fit it).
fn newly_blocked(
    worlds: [&World; 2],
    sims: [&Simulation; 2],
    protected: &Protected,
) -> Result<Vec<Diag>, crate::scheduler::sample::SampleError> {
    let shown = worse(&unplaced(sims[0]), &unplaced(sims[1]));
    let [base, head] = worlds.map(|w| {
        let shared = crate::scheduler::replay_cache::Shared::reused(w);
        crate::scheduler::sample::sample_read(&shared, 0..SAMPLES, HEAD_SEED, unplaced)
    });
    let (base, head) = (base?, head?);
    let sampled: Vec<Outcome> = base.iter().zip(&head).map(|(b, h)| worse(b, h)).collect();
    let mut keys: BTreeSet<&(String, String)> = shown.keys().collect();
    keys.extend(sampled.iter().flat_map(BTreeMap::keys));
    let mut out = Vec::new();
    for key in keys {
        let hits = sampled.iter().filter(|s| s.contains_key(key)).count();
        let hits = u32::try_from(hits).unwrap_or(u32::MAX);
        // What the shown shuffle cannot place, else the first sample's.
        let Some(now) = shown
            .get(key)
            .or_else(|| sampled.iter().find_map(|s| s.get(key)))
        else {
            continue;
        };
        let (ns, id) = key;
        let groups: Vec<String> = now.groups.iter().map(|g| format!("{g:?}")).collect();
        let why = match &now.quota {
            Some(q) => format!(" (quota: {})", crate::escape::one_line(q)),
            None => String::new(),
        };
        let message = format!(
            "with this change, running job {:?} in namespace {:?} no longer fits {}: allocations of group(s) {} cannot be placed{why}",
            crate::escape::one_line(id),
            crate::escape::one_line(ns),
            crate::rules::priority::how_often(hits, SAMPLES),
            groups.join(", "),
        );
        let help = format!("{KEPT}: leave room for what runs, or stop it in the same change");
        out.push(if protected.covers(ns, id) {
            Diag::error(BLOCKS_RUNNING, message)
                .help(format!("{help}; the policy protects this job"))
        } else {
            Diag::warning(BLOCKS_RUNNING, message).help(help)
        });
    }
    Ok(out)
}

/// What Nomad does with allocations that already run and no longer fit:
/// an allocation is re-examined only when its node is tainted (down or
/// draining: scheduler/util.go `taintedNodes`, `diffAllocs`@v0.9.3), and a
/// quota limits new placements only (the quota usage counts every
/// non-terminal allocation), so nothing is evicted.
const KEPT: &str = "Nomad keeps allocations that already run when a quota or the clients shrink, but cannot place them again (a node failure, a drain, the next update of the job)";

/// Running jobs named one by one in [`running_unplaced`]; the rest are
/// counted in one more warning.
const NAMED: usize = 5;

/// The world-load warnings of a replay (`sim`, fresh from the world) that
/// leaves allocations of declared `running` jobs unplaced (redteam12
/// R12-1): the simulated cluster holds them pending (blocked), as a job
/// Nomad could not place, which is what a world modelling a pending job
/// needs; but a cluster where they already ran before a quota or the
/// clients shrank still runs them ([`KEPT`]) and holds more than
/// simulated, so a plan sharing their quota or clients may find room that
/// is not there. The replay cannot know which the world means: it says
/// so, one warning per job (the first [`NAMED`]), with its cause. Only a
/// replay schedules: an import's jobs are registered as they are and
/// block nothing.
pub fn running_unplaced(sim: &Simulation) -> Vec<Diag> {
    let found = unplaced(sim);
    let mut out = Vec::new();
    for ((ns, id), u) in found.iter().take(NAMED) {
        let groups: Vec<String> = u.groups.iter().map(|g| format!("{g:?}")).collect();
        let cause = match &u.quota {
            Some(q) => format!("quota: {}", crate::escape::one_line(q)),
            None if !u.dimensions.is_empty() => {
                let dims: Vec<&str> = u.dimensions.iter().map(String::as_str).collect();
                format!("clients' capacity: {} exhausted", dims.join(", "))
            }
            None => "no client is eligible".to_string(),
        };
        let running = sim
            .world
            .running
            .iter()
            .find(|r| r.job.namespace == *ns && r.job.id == *id);
        let listed = running
            .map(|r| format!(" ({})", crate::rules::config::path_text(&r.path)))
            .unwrap_or_default();
        let message = format!(
            "running job {:?}{listed} in namespace {:?} does not fit the world: {} allocation(s) of group(s) {} cannot be placed ({cause}); the simulation treats them as pending (blocked), but a cluster where they already run keeps them and holds more than simulated, so plans of jobs sharing its quota or clients can find room that is not there",
            crate::escape::one_line(id),
            crate::escape::one_line(ns),
            u.failures,
            groups.join(", "),
        );
        out.push(Diag::warning(RUNNING_UNPLACED, message).help(format!(
            "{KEPT}: if the job runs in full, describe the cluster as it is (the quota or clients it runs under, or its allocations in rules/allocations.hcl); if it is pending, nothing is wrong"
        )));
    }
    if found.len() > NAMED {
        out.push(Diag::warning(
            RUNNING_UNPLACED,
            format!(
                "{} more running jobs do not fit the world either and are treated as pending (blocked)",
                found.len() - NAMED
            ),
        ));
    }
    out
}

pub use crate::world::guess::RUNNING_UNPLACED;

/// Node shuffles the two worlds are compared under: `check`'s NP403 budget.
const SAMPLES: u32 = crate::rules::priority::SAMPLES;

/// Does the change reach the world: a path under `world_dir`, or a deleted
/// file the base world runs? A path a world file was read through counts
/// as the file (a quota file that is a link, and the file it leads to:
/// redteam6 G6), and so does one a running job's file was read through
/// when it is deleted.
pub fn touches_world(
    base: &World,
    world_dir: &Path,
    changed: &[PathBuf],
    deleted: &[PathBuf],
) -> bool {
    let dir = crate::vfs::normalize(world_dir);
    let runs = |p: &Path| {
        base.running
            .iter()
            .any(|r| crate::vfs::normalize(&r.path) == crate::vfs::normalize(p))
    };
    let through = |p: &Path, running_too: bool| {
        base.read_through.iter().any(|t| {
            (t.read.starts_with(&dir) || running_too && runs(&t.read)) && p.starts_with(&t.through)
        })
    };
    let under = |p: &PathBuf| p.starts_with(world_dir) || through(p, false);
    changed.iter().any(under)
        || deleted.iter().any(under)
        || deleted.iter().any(|d| runs(d) || through(d, true))
}

/// Load and simulate the world at `world_dir` in `head` (the index, the
/// working tree or the head revision). Call only when [`touches_world`].
pub fn judge(head: &dyn Vfs, world_dir: &Path, deleted: &[PathBuf]) -> WorldChange {
    let cluster = world_dir.join(crate::world::load::CLUSTER_FILE);
    let mut findings = Vec::new();
    // A deleted file still listed in `running`: say what the change does in
    // one line before the loader's located "does not exist".
    if let Ok(src) = head.read(&cluster) {
        for d in deleted {
            let quoted = format!("\"{}\"", crate::rules::config::path_text(d));
            if src.text.contains(&quoted) {
                findings.push(
                    Diag::error(
                        "check::deleted-running-job",
                        format!(
                            "{} is deleted by this change but still listed in `running`: the world no longer loads once it is merged",
                            crate::rules::config::path_text(d)
                        ),
                    )
                    .help("to stop the job, remove it from `running` in the same change (`plan --changed` then plans the stop); to keep it, keep its file"),
                );
            }
        }
    }
    let world = match crate::world::load(head, world_dir) {
        Ok((w, warnings)) => {
            findings.extend(warnings.0);
            w
        }
        Err(diags) => {
            findings.extend(diags.0);
            return WorldChange {
                findings,
                head: None,
            };
        }
    };
    match Simulation::new(&world, HEAD_SEED) {
        Ok(sim) => WorldChange {
            findings,
            head: Some((world, sim)),
        },
        Err(diags) => {
            findings.extend(diags.0);
            WorldChange {
                findings,
                head: None,
            }
        }
    }
}
