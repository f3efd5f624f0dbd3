//! `nomad job run` texts (samples 5a, 5b, 6b, 9h, 9i): check-index refusal
//! and the evaluation monitor.

use std::collections::BTreeMap;

use nomad_preflight::cluster::Allocation;
use nomad_preflight::render::run::{render_run, render_run_error, RunView};
use nomad_preflight::scheduler::{AllocMetric, Placement, PlanResult, RunError, RunOutcome};
use nomad_preflight::version::NomadVersion;

fn sample(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/plan/samples/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("sample fixture")
}

/// Output of the `n`th command in a sample (0-based), without its prompt.
fn command_output(text: &str, n: usize) -> String {
    let block = text
        .split("$ ")
        .filter(|b| !b.is_empty())
        .nth(n)
        .unwrap_or("");
    let out = block.split_once('\n').map(|(_, r)| r).unwrap_or("");
    out.trim_end_matches('\n').to_string() + "\n"
}

fn outcome(eval: &str, plan: PlanResult, blocked: Option<&str>) -> RunOutcome {
    RunOutcome {
        eval_id: eval.into(),
        plan,
        blocked_eval_id: blocked.map(String::from),
        job_modify_index: 7,
        job_version: 1,
        deployment_id: None,
    }
}

fn view<'a>(
    o: &'a RunOutcome,
    job: &'a str,
    ver: NomadVersion,
    dep: Option<&'a str>,
) -> RunView<'a> {
    RunView {
        job_id: job,
        outcome: o,
        version: ver,
        verbose: false,
        job_type: nomad_preflight::jobspec::JobType::Service,
        deployment_id: dep,
        timestamp: None,
    }
}

#[test]
fn sample_5a_check_index_refused_then_monitor() {
    let text = sample("5a");
    let (err, code) = render_run_error(&RunError::CheckIndex {
        given: 5,
        message: "job exists with conflicting job modify index: 6".into(),
    });
    assert_eq!(err, command_output(&text, 0));
    assert_eq!(code, 1);

    let alloc = Allocation {
        id: "6ec7d16f-0000-0000-0000-000000000000".into(),
        node_id: "6e1f9bf6-0000-0000-0000-000000000000".into(),
        task_group: "cache".into(),
        ..Default::default()
    };
    let plan = PlanResult {
        placements: vec![Placement {
            alloc,
            preempts: vec![],
            in_place: true,
        }],
        ..Default::default()
    };
    let o = outcome("5ef16dff-1111-1111-1111-111111111111", plan, None);
    let (out, code) = render_run(
        &view(
            &o,
            "example",
            NomadVersion::new(0, 10, 5),
            Some("62eb607c-2222"),
        ),
        false,
    );
    assert_eq!(out, command_output(&text, 1));
    assert_eq!(code, 0);
}

fn filtered_failure() -> PlanResult {
    let mut plan = PlanResult::default();
    plan.failed_tg_allocs.insert(
        "cache".into(),
        AllocMetric {
            nodes_evaluated: 1,
            nodes_filtered: 1,
            class_filtered: BTreeMap::from([("foo".to_string(), 1)]),
            constraint_filtered: BTreeMap::from([("${attr.kernel.name} = linux".to_string(), 1)]),
            ..Default::default()
        },
    );
    plan
}

#[test]
fn sample_5b_failed_placement_monitor() {
    let o = outcome("2ae0e6a5-aaaa", filtered_failure(), Some("67493a64-bbbb"));
    let (out, code) = render_run(&view(&o, "example", NomadVersion::DEMO, None), false);
    assert_eq!(out, command_output(&sample("5b"), 0));
    assert_eq!(code, 2);
}

#[test]
fn sample_6b_memory_exhausted_monitor() {
    let mut plan = PlanResult::default();
    plan.failed_tg_allocs.insert(
        "cache1".into(),
        AllocMetric {
            nodes_evaluated: 3,
            nodes_exhausted: 3,
            dimension_exhausted: BTreeMap::from([("memory".to_string(), 3)]),
            ..Default::default()
        },
    );
    let o = outcome("1e54e283-cccc", plan, Some("1512251a-dddd"));
    let (out, _) = render_run(&view(&o, "redis", NomadVersion::DEMO, None), false);
    assert_eq!(out, command_output(&sample("6b"), 0));
}

#[test]
fn sample_9h_same_lines_in_sorted_map_order() {
    let mut plan = PlanResult::default();
    plan.failed_tg_allocs.insert(
        "web-app".into(),
        AllocMetric {
            nodes_evaluated: 5,
            class_filtered: BTreeMap::from([("aj".to_string(), 1), ("common".to_string(), 1)]),
            constraint_filtered: BTreeMap::from([
                ("distinct_hosts".to_string(), 1),
                ("computed class ineligible".to_string(), 1),
            ]),
            nodes_exhausted: 3,
            class_exhausted: BTreeMap::from([("common".to_string(), 3)]),
            dimension_exhausted: BTreeMap::from([(
                "network: reserved port collision".to_string(),
                3,
            )]),
            coalesced_failures: 1,
            ..Default::default()
        },
    );
    let o = outcome("319a92a8-eeee", plan, Some("0d3bb6e4-ffff"));
    let (out, _) = render_run(
        &view(&o, "web-app", NomadVersion::new(0, 9, 3), None),
        false,
    );
    let tail: Vec<&str> = out.lines().skip(3).collect();
    let text = sample("9h");
    let want: Vec<&str> = text.lines().collect();
    // Nomad iterates Go maps here: same lines, ours in sorted key order.
    let (mut a, mut b) = (tail.clone(), want.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(
        tail[4],
        "      * Constraint \"computed class ineligible\" filtered 1 nodes"
    );
}

#[test]
fn sample_9i_new_wording_with_timestamps() {
    let mut plan = PlanResult::default();
    plan.failed_tg_allocs.insert(
        "cache".into(),
        AllocMetric {
            nodes_evaluated: 1,
            constraint_filtered: BTreeMap::from([("computed class ineligible".to_string(), 1)]),
            ..Default::default()
        },
    );
    let o = outcome("adf6c271-0000", plan, None);
    let mut v = view(&o, "example", NomadVersion::new(1, 6, 0), None);
    v.timestamp = Some("2023-06-16T11:23:17-04:00");
    let (out, _) = render_run(&v, false);
    let text = sample("9i");
    let want = text.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(out.contains(&want), "{out}");
}
