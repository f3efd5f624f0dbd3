//! Every sample marked accurate in the samples notes, rebuilt from our own
//! Job + PlanResult values and compared byte for byte (cut samples: prefix).

use crate::builder;

use std::collections::BTreeMap;

use builder::*;
use nomad_preflight::diff::job_diff;
use nomad_preflight::jobspec::{Duration, Job, JobType};
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::plan::{plan_exit_code, render_plan, PlanView};
use nomad_preflight::scheduler::{AllocMetric, DesiredUpdates, PlanResult, PreemptedAlloc};
use nomad_preflight::version::NomadVersion;

fn sample(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/plan/samples/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("sample fixture")
}

/// Drop the leading shell prompt line(s).
fn without_prompt(text: &str, lines: usize) -> String {
    text.splitn(lines + 1, '\n')
        .last()
        .unwrap_or("")
        .to_string()
}

fn plan(
    old: Option<&Job>,
    new: &Job,
    result: &PlanResult,
    path: &str,
    ver: NomadVersion,
    verbose: bool,
) -> String {
    let mut d = job_diff(old, Some(new), ver);
    annotate(&mut d, &result.desired_tg_updates);
    let mut view = PlanView::new(new, result, path, ver);
    view.diff = Some(&d);
    view.verbose = verbose;
    render_plan(&view, false)
}

fn result(updates: &[(&str, DesiredUpdates)], index: u64) -> PlanResult {
    PlanResult {
        job_modify_index: index,
        desired_tg_updates: builder::updates(updates),
        ..Default::default()
    }
}

fn place(n: u64) -> DesiredUpdates {
    DesiredUpdates {
        place: n,
        ..Default::default()
    }
}

fn exhausted(coalesced: u64, nodes: u64, dim: &str) -> AllocMetric {
    AllocMetric {
        nodes_evaluated: nodes,
        nodes_exhausted: nodes,
        dimension_exhausted: BTreeMap::from([(dim.to_string(), nodes)]),
        coalesced_failures: coalesced,
        ..Default::default()
    }
}

fn new_job_plan(ver: NomadVersion, path: &str) -> String {
    let job = init_short(ver);
    let r = result(&[("cache", place(1))], 0);
    assert_eq!(plan_exit_code(None, &r, ver), 1);
    plan(None, &job, &r, path, ver, false)
}

#[test]
fn sample_1a_new_job_0_9() {
    assert_eq!(
        new_job_plan(v("0.9.3"), "example.nomad"),
        without_prompt(&sample("1a"), 2)
    );
    assert_eq!(
        new_job_plan(v("0.10.5"), "example.nomad"),
        without_prompt(&sample("1a"), 2)
    );
}

#[test]
fn sample_2a_new_job_2_0() {
    assert_eq!(
        new_job_plan(v("2.0.5"), "example.nomad.hcl"),
        without_prompt(&sample("2a"), 1)
    );
}

fn count_to_eight(ver: NomadVersion, path: &str) -> String {
    let old = init_short(ver);
    let mut new = old.clone();
    new.groups[0].count = 8;
    let mut r = result(
        &[(
            "cache",
            DesiredUpdates {
                place: 7,
                in_place_update: 1,
                ..Default::default()
            },
        )],
        15,
    );
    r.failed_tg_allocs
        .insert("cache".into(), exhausted(2, 1, "cpu"));
    plan(Some(&old), &new, &r, path, ver, false)
}

#[test]
fn sample_1b_count_increase_without_capacity() {
    assert_eq!(
        count_to_eight(v("0.9.3"), "example.nomad"),
        without_prompt(&sample("1b"), 1)
    );
}

#[test]
fn sample_2b_count_increase_without_capacity_2_0() {
    assert_eq!(
        count_to_eight(v("2.0.5"), "example.nomad.hcl"),
        without_prompt(&sample("2b"), 1)
    );
}

fn redis_job(ver: NomadVersion) -> Job {
    let mut j = init_short(ver);
    j.id = "redis".into();
    j.name = "redis".into();
    j.groups[0].name = "cache1".into();
    j
}

#[test]
fn sample_6a_failed_placement_prefix() {
    let ver = v("0.9.3");
    let mut r = result(&[("cache1", place(1))], 0);
    r.failed_tg_allocs
        .insert("cache1".into(), exhausted(0, 3, "memory"));
    let out = plan(None, &redis_job(ver), &r, "redis.nomad", ver, false);
    let expected = without_prompt(&sample("6a"), 1);
    assert!(out.starts_with(&expected), "{out}");
    let ver = v("2.0.5");
    let out = plan(None, &redis_job(ver), &r, "redis.nomad.hcl", ver, false);
    let text = sample("6e");
    let expected = without_prompt(text.split("...").next().unwrap_or(""), 1);
    assert!(out.starts_with(&expected), "{out}");
}

fn preempting(ver: NomadVersion, id: &str) -> String {
    let mut r = result(
        &[(
            "cache1",
            DesiredUpdates {
                place: 1,
                preemptions: 1,
                ..Default::default()
            },
        )],
        0,
    );
    r.preempted_allocs.push(PreemptedAlloc {
        id: id.into(),
        namespace: "default".into(),
        job_id: "webserver".into(),
        job_type: "service".into(),
        task_group: "webserver".into(),
        node_id: "n1".into(),
        job_priority: Some(40),
        ..PreemptedAlloc::default()
    });
    plan(None, &redis_job(ver), &r, "redis.nomad", ver, false)
}

#[test]
fn sample_6c_and_6f_preemption_table_prefix() {
    for (name, ver, id) in [
        ("6c", "0.9.3", "725d3b49-d5cf-6ba2-be3d-cb441c10a8b3"),
        ("6f", "2.0.5", "8a3d7e1e-40ee-f731-5135-247d8b7c2901"),
    ] {
        let text = sample(name);
        let expected = without_prompt(text.split("...").next().unwrap_or(""), 1);
        let out = preempting(v(ver), id);
        assert!(out.starts_with(&expected), "{name}:\n{out}");
        // No blank line between the table and the modify index block.
        assert!(out.contains("webserver\nJob Modify Index: 0\n"));
    }
}

#[test]
fn sample_9c_group_edited_with_nothing_visible() {
    // Reported on 0.11.0-dev, before group shutdown_delay joined the diff;
    // the 0.10 diff has the same field set.
    let ver = v("0.10.5");
    let mut old = job("delay", ver);
    let mut g = group("api", ver);
    g.tasks.push(task("dashboard", "docker"));
    g.tasks.push(task("web", "docker"));
    old.groups.push(g);
    let mut new = old.clone();
    new.groups[0].shutdown_delay = Some(Duration::secs(10));
    let r = result(
        &[(
            "api",
            DesiredUpdates {
                in_place_update: 1,
                ..Default::default()
            },
        )],
        10,
    );
    let out = plan(Some(&old), &new, &r, "delay.nomad", ver, false);
    assert!(out.starts_with(&sample("9c")), "{out}");
    assert_eq!(plan_exit_code(None, &r, ver), 0);
}

#[test]
fn sample_9e_unchanged_verbose_1_0() {
    let ver = v("1.0.0");
    let mut j = job("uptime2", ver);
    let mut g = group("mygroup", ver);
    g.count = 10;
    g.tasks.push(task("mytask", "docker"));
    j.groups.push(g);
    let r = result(
        &[(
            "mygroup",
            DesiredUpdates {
                place: 1,
                ignore: 9,
                ..Default::default()
            },
        )],
        460297,
    );
    let out = plan(Some(&j), &j, &r, "uptime2.nomad", ver, true);
    assert_eq!(out, without_prompt(&sample("9e"), 1));
    // 1.5+ exits 0 for an unchanged job even with placements (known Nomad bug).
    let d = job_diff(Some(&j), Some(&j), v("1.5.0"));
    assert_eq!(plan_exit_code(Some(&d), &r, v("1.5.0")), 0);
    assert_eq!(plan_exit_code(Some(&d), &r, ver), 1);
}

#[test]
fn sample_9f_periodic_new_job() {
    let ver = v("1.1.0");
    let mut j = job("example", ver);
    j.job_type = JobType::Batch;
    let mut g = group("group", ver);
    g.update = None;
    g.tasks.push(task("task", "exec"));
    j.groups.push(g);
    j.periodic = Some(nomad_preflight::jobspec::Periodic {
        specs: vec!["*/10 * * * *".into()],
        spec_type: "cron".into(),
        time_zone: "UTC".into(),
        enabled: true,
        ..Default::default()
    });
    let r = result(&[("group", place(1))], 0);
    let mut d = job_diff(None, Some(&j), ver);
    annotate(&mut d, &r.desired_tg_updates);
    let mut view = PlanView::new(&j, &r, "example.nomad", ver);
    view.diff = Some(&d);
    view.next_periodic_launch = Some(("2021-07-07T19:40:00Z".into(), Duration(22_400_000_000)));
    let text = sample("9f");
    let first = without_prompt(text.split("\n$ echo").next().unwrap_or(""), 1);
    assert_eq!(
        format!("{}\n", render_plan(&view, false).trim_end()),
        format!("{}\n", first.trim_end())
    );
    assert_eq!(plan_exit_code(Some(&d), &r, ver), 1);
}

#[test]
fn sample_9f_second_plan_in_place_task() {
    let ver = v("1.1.0");
    let mut old = job("example", ver);
    let mut g = group("group", ver);
    g.tasks.push(task("task", "exec"));
    old.groups.push(g);
    let mut new = old.clone();
    new.groups[0].tasks[0].kill_timeout = Duration::secs(10);
    let r = result(&[("group", place(1))], 7);
    let out = plan(Some(&old), &new, &r, "example.nomad", ver, false);
    let text = sample("9f");
    let second = text
        .split("$ nomad plan example.nomad\n")
        .nth(2)
        .unwrap_or("");
    assert!(out.starts_with(second), "{out}");
}
