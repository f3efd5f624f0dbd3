//! Every world-only rule against its triggering and clean fixture
//! (`tests/fixtures/rules/<CODE>/{fail,pass}.nomad`), loaded through the real
//! job front end (`jobspec::load`) and checked with the full pipeline
//! (policy, suppressions). The triggering fixture's rendered output is
//! snapshotted.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nomad_preflight::jobspec::{self, LoadOptions, Spans};
use nomad_preflight::rules::{self, RuleContext};
use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world::{
    ClientPool, Namespace, Policy, PriorityBand, QuotaLimit, QuotaSpec, RegionLimit, Reserved,
    SchedulerConfig, World, WorldOrigin,
};

/// Three demo-sized docker/java clients in dc1; namespace `default` with a
/// 3000 MHz / 9500 MB quota, `scratch` without one; quotas required;
/// priority band 30..=70 for `default`.
fn world() -> World {
    let pool = ClientPool {
        name: "client".into(),
        count: 3,
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu: 4600,
        memory: 3900,
        disk: 20_000,
        network_mbits: 300,
        drivers: vec!["docker".into(), "java".into()],
        attributes: BTreeMap::from([("kernel.name".to_string(), "linux".to_string())]),
        reserved: Reserved {
            ports: vec![22],
            ..Reserved::default()
        },
        ..ClientPool::default()
    };
    let ns = |name: &str, quota: Option<&str>| {
        (
            name.to_string(),
            Namespace {
                name: name.into(),
                quota: quota.map(str::to_string),
                ..Namespace::default()
            },
        )
    };
    let quota = QuotaSpec {
        name: "default".into(),
        limits: vec![QuotaLimit {
            region: "global".into(),
            region_limit: RegionLimit {
                cpu: Some(3000),
                memory: Some(9500),
                ..RegionLimit::default()
            },
            spans: Spans::default(),
        }],
        ..QuotaSpec::default()
    };
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        nomad_version: Default::default(),
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: vec![pool],
        quotas: BTreeMap::from([("default".to_string(), quota)]),
        namespaces: BTreeMap::from([ns("default", Some("default")), ns("scratch", None)]),
        policy: Policy {
            require_quota: true,
            bands: vec![PriorityBand {
                namespace: "default".into(),
                min: 30,
                max: 70,
                ..PriorityBand::default()
            }],
            ..Policy::default()
        },
        running: Vec::new(),
    }
}

const CODES: &[&str] = &[
    "NP001", "NP101", "NP102", "NP103", "NP104", "NP105", "NP106", "NP201", "NP202", "NP203",
    "NP204", "NP205", "NP206", "NP301", "NP302", "NP303", "NP401", "NP402",
];

/// Findings of `code` for one fixture, or `None` while the job front end is
/// still the placeholder (the branch that builds it is merged separately).
fn run(code: &str, case: &str) -> Option<(Vec<nomad_preflight::diag::Diag>, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let vfs = DiskVfs::new(root);
    let path = PathBuf::from(format!("{code}/{case}.nomad"));
    let parsed = jobspec::load(&vfs, &path, &LoadOptions::default());
    if parsed
        .diags
        .iter()
        .any(|d| d.code == "jobspec::unimplemented")
    {
        eprintln!("SKIPPED {code}/{case}: the job front end is not built in this branch");
        return None;
    }
    let world = world();
    let ctx = RuleContext::new(&parsed, &world, None);
    let all = rules::check_job(&ctx, &path);
    // NP401 may be reported by the front end's validation at the same place.
    let front: Vec<_> = parsed
        .diags
        .iter()
        .filter(|d| code == "NP401" && d.is_error() && d.message.contains("priority"))
        .cloned()
        .collect();
    let mine: Vec<_> = all
        .into_iter()
        .filter(|f| f.code == code)
        .chain(front)
        .collect();
    let rendered = nomad_preflight::diag::render(&mine, false);
    Some((mine, rendered))
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_the_clean_one() {
    for code in CODES {
        let Some((fail, rendered)) = run(code, "fail") else {
            return;
        };
        assert!(!fail.is_empty(), "{code}: fail.nomad triggers nothing");
        assert_snap!(format!("rule_fixture_{code}"), rendered);
        let Some((pass, rendered)) = run(code, "pass") else {
            return;
        };
        assert!(pass.is_empty(), "{code}: pass.nomad triggers:\n{rendered}");
    }
}

#[test]
fn every_world_rule_has_fixtures() {
    for r in rules::all() {
        let m = r.meta();
        if m.needs == rules::Needs::Simulation {
            continue; // need a built cluster: tested with the scheduler
        }
        if m.code == "NP002" {
            continue; // needs a base revision: tests/check_added_suppression.rs
        }
        assert!(CODES.contains(&m.code), "{} has no fixture", m.code);
    }
}
