//! `plan --samples N`: the share of each outcome over N node shuffles
//! (preflight's own section after Nomad's text).

use crate::jobspec::Job;
use crate::scheduler::{sample, PlanResult, Simulation, Tally};

/// Outcomes of one sampled plan, in words.
fn outcomes(r: &PlanResult) -> Vec<String> {
    let mut out = Vec::new();
    if r.failed_tg_allocs.is_empty() {
        out.push("every allocation is placed".to_string());
    }
    for (g, m) in &r.failed_tg_allocs {
        out.push(format!("task group {g:?} fails to place"));
        for q in &m.quota_exhausted {
            out.push(format!("quota limit hit: {q}"));
        }
    }
    if r.preempted_allocs.is_empty() {
        out.push("nothing is preempted".to_string());
    }
    for p in &r.preempted_allocs {
        out.push(format!(
            "preempts an allocation of {}/{}",
            p.job_id, p.task_group
        ));
    }
    out
}

/// Share of each outcome over `n` replays of the world under other shuffles.
pub fn sampled_outcomes(
    world: &crate::world::World,
    job: &Job,
    n: u32,
    seed: u64,
) -> Result<Tally<String>, crate::scheduler::sample::SampleError> {
    let mut tally = Tally::new();
    // Mutated once for every replay (the mutators see only the job,
    // the release and the servers' config, which no replay changes).
    let planned = crate::scheduler::sim::Planned::new(job, world);
    for keys in sample(world, n, seed, |sim: &mut Simulation| {
        outcomes(&sim.plan_planned(&planned))
    })? {
        tally.add_sample(keys);
    }
    Ok(tally)
}

pub(super) fn samples_text(tally: &Tally<String>) -> String {
    let mut out = format!(
        "\n== nomad-preflight: outcomes over {} node shuffles (not part of Nomad's output) ==\n",
        tally.samples()
    );
    for (k, c, share) in tally.entries() {
        let tag = if c == tally.samples() {
            "certain".to_string()
        } else {
            format!("{:.1}%", share * 100.0)
        };
        out.push_str(&format!("{tag:>8}  {k} ({c}/{})\n", tally.samples()));
    }
    out
}
