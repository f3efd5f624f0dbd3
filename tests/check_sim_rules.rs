//! The rules that read the scheduler simulation, each against a triggering
//! and a clean fixture (`tests/fixtures/rules/<CODE>/{fail,pass}.nomad`),
//! through `check`'s own file loop (planned changes, plan cache, policy).
//!
//! Worlds: the shipped demo world `rules/` (monitoring not running yet),
//! `tests/fixtures/rules/NP403/rules`, the demo after monitoring moved to
//! namespace `monitor` (sockshop, sockshopui and monitoring running), and
//! `tests/fixtures/rules/NP306/rules`, a Nomad 1.6 world whose admission
//! checks namespace drivers, node pools and Vault (its servers run without).

use std::path::{Path, PathBuf};

use nomad_preflight::check::{check_files, Judge, Judging};
use nomad_preflight::diag::{Diag, Severity};
use nomad_preflight::job_loader::JobLoader;
use nomad_preflight::rules;
use nomad_preflight::scheduler::{sample, Simulation};
use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world::{self, World};

const DEMO: &str = "rules";
const MONITOR: &str = "tests/fixtures/rules/NP403/rules";
/// A Nomad 1.6 world: namespace `default` allows only docker, and the
/// clients are in node pools `default` and `batch`.
const ADMISSION: &str = "tests/fixtures/rules/NP306/rules";
/// A Nomad 1.8 world whose servers enable Vault without a default identity.
const VAULT_18: &str = "tests/fixtures/rules/NP212/rules";
/// A Nomad 1.8 world whose servers' `consul.service_identity` has no `aud`.
const SERVICE_ID_18: &str = "tests/fixtures/rules/NP214/rules";
/// A Nomad 1.8 world whose servers run the community edition.
const COMMUNITY_18: &str = "tests/fixtures/rules/NP217/rules";
/// A Nomad 1.6 world whose scheduler configuration rejects registrations
/// (ACLs off); its pass case is planned with the setting off.
const REJECT_16: &str = "tests/fixtures/rules/NP219/rules";
/// A Nomad Enterprise 2.0.5 world whose servers hold Sentinel policies.
const SENTINEL: &str = "tests/fixtures/rules/NP220/rules";
/// A Nomad 2.0.5 world whose hand-written clients state no Consul.
const UNSTATED_CONSUL: &str = "tests/fixtures/rules/NP221/rules";
/// A Nomad 1.6 world running the service job "api".
const RUNNING_API: &str = "tests/fixtures/rules/NP222/rules";
/// A Nomad 1.10.5 world (no `job_max_count` yet), one client.
const BEFORE_MAX_COUNT: &str = "tests/fixtures/rules/NP225/rules";
/// A Nomad 2.0.3 world whose one client has a static host volume "data".
const STATIC_VOLUME_203: &str = "tests/fixtures/rules/NP228/rules";

/// Code, world folder, and a change to that world (none, or service preemption off).
const CASES: &[(&str, &str, bool)] = &[
    ("NP207", MONITOR, true),
    ("NP208", ADMISSION, true),
    ("NP209", ADMISSION, true),
    ("NP210", ADMISSION, true),
    ("NP212", VAULT_18, true),
    ("NP214", SERVICE_ID_18, true),
    ("NP217", COMMUNITY_18, true),
    ("NP219", REJECT_16, true),
    ("NP220", SENTINEL, true),
    ("NP221", UNSTATED_CONSUL, true),
    ("NP222", RUNNING_API, true),
    // A world rule found across files: its fixture needs the world's
    // running "api" in another file.
    ("NP229", RUNNING_API, true),
    ("NP225", BEFORE_MAX_COUNT, true),
    ("NP228", STATIC_VOLUME_203, true),
    ("NP302", DEMO, true),
    ("NP304", DEMO, true),
    ("NP305", DEMO, true),
    ("NP306", ADMISSION, true),
    ("NP403", MONITOR, true),
    ("NP404", MONITOR, true),
    ("NP405", MONITOR, false),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_world(dir: &str, service_preemption: bool) -> World {
    let dir = root().join(dir);
    let vfs = DiskVfs::new(dir.parent().unwrap_or(Path::new(".")));
    let (mut world, _) = world::load(&vfs, &dir)
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    world.scheduler.preemption.service = service_preemption;
    world
}

fn loader(world: &World) -> JobLoader {
    JobLoader::plain(world.nomad_version, world.project_root.clone())
}

/// Every finding `check` reports for `files` (relative to the rule fixtures).
fn check(world: &World, files: &[&str]) -> Vec<Diag> {
    check_seeded(world, files, 1)
}

/// [`check`] with the simulation (and so its first node shuffle) of `seed`.
fn check_seeded(world: &World, files: &[&str], seed: u64) -> Vec<Diag> {
    let sim = Simulation::new(world, seed)
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    let vfs = DiskVfs::new(root().join("tests/fixtures/rules"));
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    // Several files here are a change set: each sees the earlier ones submitted.
    let judge = Judge {
        world,
        sim: Some(&sim),
        judging: Judging::InOrder,
        threads: nomad_preflight::Workers::Fixed(2),
        untrusted: None,
        namespace: None,
        plain_sampling: false,
    };
    check_files(&vfs, &files, &loader(world), &judge)
        .into_iter()
        .flat_map(|r| r.diags)
        .collect()
}

fn of(code: &str, diags: &[Diag]) -> Vec<Diag> {
    diags.iter().filter(|d| d.code == code).cloned().collect()
}

/// The share in NP403's message depends on the scheduler's shuffle: the
/// test checks it against its own sampling, the snapshot keeps the words.
fn redact_share(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("% of ") {
        let digits = rest[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .count();
        out.push_str(&rest[..at - digits]);
        out.push_str("[share]%");
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_simulation_rule_fires_on_its_fixture_and_not_on_the_clean_one() {
    for &(code, dir, service) in CASES {
        let world = load_world(dir, service);
        let fail = of(code, &check(&world, &[&format!("{code}/fail.nomad")]));
        assert!(!fail.is_empty(), "{code}: fail.nomad triggers nothing");
        let rendered = nomad_preflight::diag::render(&fail, false);
        let rendered = if code == "NP403" {
            redact_share(&rendered)
        } else {
            rendered
        };
        assert_snap!(format!("rule_fixture_{code}"), rendered);
        // NP219 refuses every job of its world: the clean case is the
        // same world with load shedding off.
        let mut world = world;
        world.scheduler.reject_job_registration &= code != "NP219";
        let pass = of(code, &check(&world, &[&format!("{code}/pass.nomad")]));
        // A pass over node shuffles sampled, which no bound proves, says
        // how far the samples go (NP207's advice, R22-A-2): not a finding
        // against the job.
        let pass: Vec<_> = pass.into_iter().filter(|f| f.unseen.is_none()).collect();
        assert!(
            pass.is_empty(),
            "{code}: pass.nomad triggers:\n{}",
            nomad_preflight::diag::render(&pass, false)
        );
    }
}

#[test]
fn every_simulation_rule_has_a_case_and_an_explanation() {
    for r in rules::all() {
        let m = r.meta();
        if m.needs != rules::Needs::Simulation {
            continue;
        }
        assert!(
            CASES.iter().any(|c| c.0 == m.code),
            "{} has no fixture",
            m.code
        );
        let text = nomad_preflight::cli::explain::explain_text(m.code).unwrap_or_default();
        assert!(
            text.contains("needs the cluster simulation") && text.contains("## Example"),
            "{}: {text}",
            m.code
        );
    }
}

#[test]
fn moving_monitoring_to_its_namespace_trades_the_quota_hit_for_a_missing_namespace() {
    let world = load_world(DEMO, true);
    let moved = check(&world, &["NP304/pass.nomad"]);
    assert!(of("NP304", &moved).is_empty());
    assert_eq!(
        of("NP302", &moved).len(),
        1,
        "monitor is created during the demo"
    );
    let stays = check(&world, &["NP304/fail.nomad"]);
    let hit = of("NP304", &stays);
    assert_eq!(hit.len(), 1);
    assert!(
        hit[0]
            .message
            .contains("cpu exhausted (3500 needed > 3000 limit)"),
        "{}",
        hit[0].message
    );
}

/// In how many of `n` node shuffles (seeds `sample_seed(1, i)`, the ones
/// `check` samples) the scheduler's own plan of the sockshop fixture
/// preempts monitoring/foundation: counted from the plans, without the rule.
fn monitoring_preempted(world: &World, n: u32) -> u32 {
    let vfs = DiskVfs::new(root().join("tests/fixtures/rules"));
    let parsed = loader(world).load(&vfs, Path::new("NP403/fail.nomad"));
    let job = parsed.job.expect("the fixture parses");
    let runs = sample(world, n, 1, |sim| {
        sim.plan(&job)
            .preempted_allocs
            .iter()
            .any(|a| a.job_id == "monitoring" && a.task_group == "foundation")
    })
    .expect("every replay runs");
    assert_eq!(runs.len(), n as usize, "every shuffle builds the world");
    runs.into_iter().filter(|p| *p).count() as u32
}

#[test]
fn scaling_carts_preempts_monitoring_as_often_as_the_shuffles_say() {
    let world = load_world(MONITOR, true);
    let n = 100;
    let preempted = monitoring_preempted(&world, n);
    // The demo's story: the carts scale-up preempts monitoring in some node
    // shuffles and not in others (about half; see rules/cluster.hcl).
    assert!(
        (20..=80).contains(&preempted),
        "{preempted} of {n} shuffles preempt monitoring"
    );
    let found = of("NP403", &check(&world, &["NP403/fail.nomad"]));
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert!(f.message.contains("monitoring/foundation"), "{}", f.message);
    let share = format!("in {preempted}% of {n} node shuffles");
    assert!(f.message.contains(&share), "{} (want {share:?})", f.message);
    // monitoring is not protected by the demo's policy: a warning.
    assert_eq!(f.severity, Severity::Warning);
}

/// The victim is reported even when the check's own shuffle preempts
/// nothing: another shuffle does, so NP403 samples whenever Nomad could
/// preempt, not only when the first plan did.
#[test]
fn a_victim_other_shuffles_preempt_is_reported_when_the_first_does_not() {
    let world = load_world(MONITOR, true);
    let vfs = DiskVfs::new(root().join("tests/fixtures/rules"));
    let parsed = loader(&world).load(&vfs, Path::new("NP403/fail.nomad"));
    let job = parsed.job.expect("the fixture parses");
    // The first seed whose own plan preempts nothing (about half do).
    let seed = (1..=64)
        .find(|&seed| {
            let sim = Simulation::new(&world, seed).expect("the world simulates");
            sim.plan(&job).preempted_allocs.is_empty()
        })
        .expect("some shuffle places carts without preempting");
    let found = of("NP403", &check_seeded(&world, &["NP403/fail.nomad"], seed));
    assert_eq!(found.len(), 1, "seed {seed}: {found:?}");
    let m = &found[0].message;
    assert!(m.contains("preempts monitoring/foundation"), "{m}");
    assert!(
        m.contains("node shuffles") && !m.contains("with this simulation's"),
        "{m}"
    );
}

#[test]
fn a_protected_victim_is_an_error() {
    let mut world = load_world(MONITOR, true);
    world.policy.protected.jobs.push("monitoring".into());
    let found = of("NP403", &check(&world, &["NP403/fail.nomad"]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert!(
        found[0].message.ends_with("the policy protects it"),
        "{}",
        found[0].message
    );
}

#[test]
fn earlier_planned_changes_are_registered_before_later_files_are_planned() {
    let world = load_world(MONITOR, true);
    // Alone, a 1000 MB job in `default` fits in the free memory.
    let alone = check(&world, &["NP305/pass.nomad"]);
    assert!(of("NP403", &alone).is_empty(), "{alone:?}");
    // After a 1900 MB job in `monitor` (an earlier file) took that room, the
    // same job only fits by preempting monitoring/foundation.
    let both = check(&world, &["NP207/pass.nomad", "NP305/pass.nomad"]);
    let later = of("NP403", &both);
    assert_eq!(later.len(), 1, "{both:?}");
    assert!(later[0]
        .source
        .as_ref()
        .is_some_and(|s| s.name.contains("NP305")));
    assert!(later[0].message.contains("monitoring/foundation"));
}

#[test]
fn an_unchanged_running_job_is_not_a_planned_change() {
    let world = load_world(MONITOR, true);
    let sim = Simulation::new(&world, 1).expect("world builds");
    let vfs = DiskVfs::new(root().join("tests/fixtures/rules/NP403"));
    let parsed = loader(&world).load(&vfs, Path::new("jobs/sockshop.nomad"));
    assert!(nomad_preflight::check::planned_change(&parsed, &sim).is_none());
    let parsed = loader(&world).load(&vfs, Path::new("fail.nomad"));
    assert!(nomad_preflight::check::planned_change(&parsed, &sim).is_some());
    // And checking the running file itself reports no preemption.
    let vfs = DiskVfs::new(root().join("tests/fixtures/rules"));
    let results = check_files(
        &vfs,
        &[PathBuf::from("NP403/jobs/sockshop.nomad")],
        &loader(&world),
        &Judge {
            world: &world,
            sim: Some(&sim),
            judging: Judging::InOrder,
            threads: nomad_preflight::Workers::Fixed(2),
            untrusted: None,
            namespace: None,
            plain_sampling: false,
        },
    );
    assert_eq!(results.len(), 1, "one file, one result");
    let np403: Vec<_> = results
        .iter()
        .flat_map(|r| &r.diags)
        .filter(|d| d.code == "NP403")
        .collect();
    assert!(np403.is_empty(), "{np403:?}");
}
