//! NP207's skip of the samples where no draw can change which groups
//! fail ([`super::fates_fixed`]): the tally it gives is the samples'.

use super::*;
use crate::rules::testing::{load, simulate, world};

/// A job of `groups` (name, driver, memory MB, count) in `world`.
fn job_text(groups: &[(&str, &str, u32, u32)]) -> String {
    let body: String = groups
        .iter()
        .map(|(g, driver, mem, count)| format!("  group \"{g}\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"{driver}\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {mem}\n      }}\n    }}\n  }}\n"))
        .collect();
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{body}}}\n")
}

/// A tally's entries: group, failures, share.
type Entries = Vec<(String, u32, f64)>;

/// What NP207 finds, whether it skipped sampling, and the tally the
/// samples give when taken (the skip must give the same).
fn run(world: &crate::world::World, text: &str) -> (Vec<Finding>, bool, Option<Entries>) {
    let parsed = load("j.nomad", text);
    let sim = simulate(world);
    let ctx = RuleContext::new(&parsed, world, Some(&sim));
    let mut out = Vec::new();
    UnplaceableGroup.check(&ctx, &mut out);
    let (Some(job), Some(plan)) = (ctx.job(), ctx.plan()) else {
        panic!("no plan");
    };
    let skipped = fates_fixed(&ctx, job, plan);
    let sampled =
        crate::rules::priority::sample_plans(world, None, sim.seed, &[], job, failed_groups).ok();
    (out, skipped, sampled.map(|t| t.entries()))
}

fn messages(out: &[Finding]) -> Vec<String> {
    out.iter().map(|f| f.message.clone()).collect()
}

/// Two groups whose driver no client has, at the current release and
/// at 0.9.3 (the quota checked before feasibility, so the replays'
/// usage is compared): the group order is drawn, no draw can change
/// either fate, and the tally the skip gives is the one the samples
/// give.
#[test]
fn groups_filtered_on_every_node_skip_sampling_with_the_samples_tally() {
    let text = job_text(&[("a", "raw_exec", 100, 1), ("b", "raw_exec", 100, 1)]);
    for version in [
        crate::version::NomadVersion::CURRENT,
        crate::version::NomadVersion::new(0, 9, 3),
    ] {
        let mut w = world();
        w.nomad_version = version;
        let (out, skipped, sampled) = run(&w, &text);
        assert!(skipped, "{version}: {:?}", messages(&out));
        let skip_tally = sample_failures(
            &RuleContext::new(&load("j.nomad", &text), &w, Some(&simulate(&w))),
            &load("j.nomad", &text).job.expect("job"),
            Refusal::Place,
        )
        .map(|t| t.fails.entries());
        assert_eq!(skip_tally, sampled, "{version}");
        assert_eq!(out.len(), 2, "{version}: {:?}", messages(&out));
        for f in &out {
            assert!(f.message.ends_with("it fails in all 100 other evaluations sampled (node shuffles and Go's map orders)"), "{}", f.message);
        }
    }
}

/// Two groups competing for the three large clients (four allocations
/// of 10,000 MB): which fails is the group order's draw, so NP207 still
/// samples and gives the share.
#[test]
fn groups_competing_for_room_are_still_sampled() {
    let mut w = world();
    if let Some(ns) = w.namespaces.get_mut("default") {
        ns.quota = None;
    }
    let text = job_text(&[("a", "docker", 10_000, 3), ("b", "docker", 10_000, 1)]);
    let (out, skipped, sampled) = run(&w, &text);
    assert!(!skipped, "{:?}", messages(&out));
    let sampled = sampled.expect("samples");
    assert!(
        sampled.iter().all(|(_, n, _)| (1..100).contains(n)),
        "{sampled:?}"
    );
    assert!(
        out.iter().any(|f| f.message.contains(
            "a draw of Nomad's evaluation (the plan's notes say which) decided this failure"
        )),
        "{:?}",
        messages(&out)
    );
    assert!(
        out.iter().any(|f| f
            .message
            .contains("is placed in this evaluation, but a draw of Nomad's evaluation decides")),
        "{:?}",
        messages(&out)
    );
}

/// A job that places and rolls out nothing in batches makes none of the
/// run's replays: making them hashes the whole world's `Debug` text for
/// their key, which was over half of a fat-LTO hook's main thread where
/// NP207 asked for them before looking whether the plan holds anything
/// back (hook round 15).
#[test]
fn a_plan_that_holds_nothing_back_makes_no_replays() {
    let w = world();
    let parsed = load("j.nomad", &job_text(&[("a", "docker", 64, 1)]));
    let sim = simulate(&w);
    let replays = std::sync::OnceLock::new();
    let ctx = RuleContext::new(&parsed, &w, Some(&sim)).with_replays(&replays);
    let mut out = Vec::new();
    UnplaceableGroup.check(&ctx, &mut out);
    assert!(out.is_empty(), "{:?}", messages(&out));
    assert!(replays.get().is_none(), "the run's replays were made");
}
