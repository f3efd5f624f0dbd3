//! The 8-series samples (a public tutorial, Nomad ~1.2): verbose diffs with
//! group networks, services, checks and templates. The author cut every
//! block after the dry-run section, so we compare prefixes.
//!
//! The tutorial's job files (its README, "A Highly Commented Nomad Job
//! Specification" and "Workshop 4") declare the checks `ready-tcp` then
//! `ready-http`, and the load balancer's ports `http` then `dashboard`.
//! Nomad diffs each as a Go map and sorts with `ObjectDiff.Less`, under
//! which each of the two is "less" than the other (Name one way, Path or
//! Value the other): the insertion sort reverses the map's order, which
//! is the file's 7 times in 8 (redteam7 D2, `diff::set_order`). The
//! samples show `ready-http` first (the likelier outcome, twice) and
//! `http` before `dashboard` (the 1-in-8 one).

use crate::builder;

use std::collections::BTreeMap;

use builder::*;
use nomad_preflight::diff::job_diff;
use nomad_preflight::jobspec::*;
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::plan::{render_plan, PlanView};
use nomad_preflight::scheduler::{AllocMetric, DesiredUpdates, PlanResult};
use nomad_preflight::version::NomadVersion;

const VER: &str = "1.2.0";

fn sample(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/plan/samples/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("sample fixture");
    // Drop the prompt line when there is one.
    match text.strip_prefix("$ ") {
        Some(rest) => rest
            .split_once('\n')
            .map(|(_, r)| r.to_string())
            .unwrap_or_default(),
        None => text,
    }
}

/// The `n`th `EmbeddedTmpl` value quoted in a sample: Go's %q of these ASCII
/// strings is valid JSON, so decoding it gives back the template text.
fn template_text(sample_name: &str, occurrence: usize, side: usize) -> String {
    let text = sample(sample_name);
    let line = text
        .lines()
        .filter(|l| l.contains("EmbeddedTmpl: "))
        .nth(occurrence)
        .expect("template line");
    let value = line
        .split_once("EmbeddedTmpl: ")
        .map(|(_, v)| v)
        .unwrap_or("");
    let quoted = value.split(" => ").nth(side).unwrap_or(value);
    serde_json::from_str(quoted).expect("quoted template")
}

fn check(name: &str, ty: &str, path: &str, port: &str) -> ServiceCheck {
    ServiceCheck {
        name: name.into(),
        check_type: ty.into(),
        path: path.into(),
        port_label: port.into(),
        interval: Duration::secs(3),
        timeout: Duration::secs(2),
        on_update: "require_healthy".into(),
        ..Default::default()
    }
}

fn service(name: &str, port: &str, checks: Vec<ServiceCheck>) -> Service {
    Service {
        name: name.into(),
        port_label: port.into(),
        address_mode: "auto".into(),
        on_update: "require_healthy".into(),
        checks,
        ..Default::default()
    }
}

fn static_port(label: &str, value: i64) -> Port {
    Port {
        label: label.into(),
        value,
        host_network: "default".into(),
        ..Default::default()
    }
}

fn template(dest: &str, body: String) -> Template {
    Template {
        dest_path: dest.into(),
        embedded_tmpl: body,
        change_mode: "restart".into(),
        splay: Duration::secs(5),
        perms: "0644".into(),
        left_delim: "{{".into(),
        right_delim: "}}".into(),
        ..Default::default()
    }
}

fn hello_world(ver: NomadVersion, greeting: &str, tmpl: String) -> Job {
    let mut j = job("hello-world", ver);
    j.datacenters = vec!["dev-general".into()];
    let mut g = group("greeter", ver);
    g.networks.push(Network {
        reserved_ports: vec![static_port("http", 1234)],
        ..Default::default()
    });
    g.services.push(service(
        "hello-world",
        "http",
        vec![
            check("ready-tcp", "tcp", "", "http"),
            check("ready-http", "http", "/", "http"),
        ],
    ));
    let mut t = task("server", "raw_exec");
    if !greeting.is_empty() {
        t.env.insert("say-hello-to".into(), greeting.into());
    }
    t.config = map(&[("command", s("${NOMAD_ALLOC_DIR}/hello-world.sh"))]);
    t.templates
        .push(template("${NOMAD_ALLOC_DIR}/hello-world.sh", tmpl));
    g.tasks.push(t);
    j.groups.push(g);
    j
}

fn render(old: Option<&Job>, new: &Job, r: &PlanResult) -> String {
    let ver = v(VER);
    let mut d = job_diff(old, Some(new), ver);
    annotate(&mut d, &r.desired_tg_updates);
    let mut view = PlanView::new(new, r, "./1_HELLO_WORLD/job.hcl", ver);
    view.diff = Some(&d);
    view.verbose = true;
    render_plan(&view, false)
}

fn result(pairs: &[(&str, DesiredUpdates)]) -> PlanResult {
    PlanResult {
        desired_tg_updates: updates(pairs),
        ..Default::default()
    }
}

fn assert_prefix(out: &str, expected: &str) {
    if !out.starts_with(expected) {
        let common = out
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "differs at line {}:\n ours: {:?}\n want: {:?}\n\n{out}",
            common + 1,
            out.lines().nth(common),
            expected.lines().nth(common)
        );
    }
}

#[test]
fn sample_8a_verbose_new_job() {
    let new = hello_world(v(VER), "Samantha", template_text("8a", 0, 0));
    let r = result(&[(
        "greeter",
        DesiredUpdates {
            place: 1,
            ..Default::default()
        },
    )]);
    assert_prefix(&render(None, &new, &r), &sample("8a"));
}

#[test]
fn sample_8b_env_change() {
    let tmpl = template_text("8a", 0, 0);
    let old = hello_world(v(VER), "Samantha", tmpl.clone());
    let new = hello_world(v(VER), "YOUR NAME", tmpl);
    let r = result(&[(
        "greeter",
        DesiredUpdates {
            destructive_update: 1,
            ..Default::default()
        },
    )]);
    assert_prefix(&render(Some(&old), &new, &r), &sample("8b"));
}

#[test]
fn sample_8c_count_with_port_collision() {
    let tmpl = template_text("8a", 0, 0);
    let old = hello_world(v(VER), "YOUR NAME", tmpl);
    let mut new = old.clone();
    new.groups[0].count = 2;
    let mut r = result(&[(
        "greeter",
        DesiredUpdates {
            place: 1,
            in_place_update: 1,
            ..Default::default()
        },
    )]);
    r.failed_tg_allocs.insert(
        "greeter".into(),
        AllocMetric {
            nodes_evaluated: 1,
            nodes_exhausted: 1,
            dimension_exhausted: BTreeMap::from([(
                "network: reserved port collision http=1234".to_string(),
                1,
            )]),
            ..Default::default()
        },
    );
    assert_prefix(&render(Some(&old), &new, &r), &sample("8c"));
}

#[test]
fn sample_8d_network_swap_and_template_edit() {
    let old = hello_world(v(VER), "YOUR NAME", template_text("8d", 0, 0));
    let mut new = hello_world(v(VER), "YOUR NAME", template_text("8d", 0, 1));
    new.groups[0].count = 2;
    new.groups[0].networks = vec![Network {
        dynamic_ports: vec![Port {
            label: "http".into(),
            host_network: "default".into(),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let r = result(&[(
        "greeter",
        DesiredUpdates {
            place: 1,
            ignore: 1,
            ..Default::default()
        },
    )]);
    assert_prefix(&render(Some(&old), &new, &r), &sample("8d"));
}

#[test]
fn sample_8e_env_removed_and_template_edit() {
    let old = hello_world(v(VER), "Samantha", template_text("8e", 0, 0));
    let new = hello_world(v(VER), "", template_text("8e", 0, 1));
    let r = result(&[(
        "greeter",
        DesiredUpdates {
            destructive_update: 1,
            ignore: 1,
            ..Default::default()
        },
    )]);
    let mut old = old;
    old.groups[0].count = 2;
    let mut new = new;
    new.groups[0].count = 2;
    assert_prefix(&render(Some(&old), &new, &r), &sample("8e"));
}

#[test]
fn sample_8f_tags_and_new_group() {
    let ver = v(VER);
    let tmpl = template_text("8e", 0, 1);
    let mut old = hello_world(ver, "", tmpl.clone());
    old.groups[0].count = 2;
    let mut new = old.clone();
    new.groups[0].services[0].tags = vec![
        "hello-world-lb.enable=true".into(),
        "hello-world-lb.http.routers.http.rule=Path(`/`)".into(),
    ];
    let mut lb = group("load-balancer", ver);
    lb.networks.push(Network {
        reserved_ports: vec![static_port("http", 8080), static_port("dashboard", 8081)],
        ..Default::default()
    });
    lb.services.push(service(
        "hello-world-lb",
        "http",
        vec![
            check("ready-tcp", "tcp", "", "dashboard"),
            check("ready-http", "http", "/", "dashboard"),
        ],
    ));
    let mut t = task("traefik", "raw_exec");
    t.config = map(&[
        ("command", s("traefik")),
        (
            "args",
            Value::List(vec![s("--configFile=${NOMAD_ALLOC_DIR}/traefik.toml")]),
        ),
    ]);
    t.templates.push(template(
        "${NOMAD_ALLOC_DIR}/traefik.toml",
        template_text("8f", 0, 0),
    ));
    lb.tasks.push(t);
    new.groups.push(lb);
    let r = result(&[
        (
            "greeter",
            DesiredUpdates {
                in_place_update: 2,
                ..Default::default()
            },
        ),
        (
            "load-balancer",
            DesiredUpdates {
                place: 1,
                ..Default::default()
            },
        ),
    ]);
    // The sample shows the ports in the 1-in-8 order: the plan shows the
    // likelier one and says the order is random.
    let port = |label: &str, value: &str| {
        format!(
            "      + Static Port {{\n        + HostNetwork: \"default\"\n        + Label:       \"{label}\"\n        + To:          \"0\"\n        + Value:       \"{value}\"\n        }}\n"
        )
    };
    let (http, dashboard) = (port("http", "8080"), port("dashboard", "8081"));
    let sample_text = sample("8f");
    assert!(sample_text.contains(&format!("{http}{dashboard}")));
    let likelier =
        sample_text.replace(&format!("{http}{dashboard}"), &format!("{dashboard}{http}"));
    assert_prefix(&render(Some(&old), &new, &r), &likelier);
    let d = job_diff(Some(&old), Some(&new), ver);
    assert_eq!(
        d.order_notes,
        vec![
            "group \"load-balancer\": the order of its 2 Static Port diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them (\"dashboard\", \"http\" 87.5%; \"http\", \"dashboard\" 12.5%); the plan shows the likeliest".to_string(),
            "group \"load-balancer\": the order of its 2 Check diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them (\"ready-http\", \"ready-tcp\" 87.5%; \"ready-tcp\", \"ready-http\" 12.5%); the plan shows the likeliest".to_string(),
        ]
    );
}
