//! Network feasibility as Nomad's scheduler filters nodes for it
//! (`NetworkChecker` in scheduler/feasible.go from 0.12.0, 2.0:
//! scheduler/feasible/feasible.go; set per group by `GenericStack.Select`
//! and `SystemStack.Select` in stack.go): a node without a network of the
//! group's mode is filtered with `missing network`, one without a port's
//! host network with `missing host network %q for port %q`. The plan then
//! prints each metric as command/monitor.go `formatAllocMetrics` does:
//! `* Constraint %q: %d nodes excluded by filter` (and `* Class %q: ...`
//! for a node with a class). Before 0.12 there is no checker.

use crate::common;

use std::path::Path;

/// A world of Nomad `version` with `clients` (whole `client` blocks).
fn world(tag: &str, version: &str, clients: &str, job: &str) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("net-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{clients}"),
    );
    tmp.put("job.nomad", job);
    tmp
}

/// A client pool of `count` clients of class `class`; `extra` is more of
/// its body (networks).
fn client(name: &str, class: &str, extra: &str) -> String {
    format!(
        r#"client "{name}" {{
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  node_class = "{class}"
  drivers    = ["exec"]
{extra}}}
"#
    )
}

/// A stock pool `plain` and a pool `edge` whose clients also have the CNI
/// network `mynet`.
fn plain_and_edge() -> String {
    format!(
        "{}{}",
        client("plain", "plain", ""),
        client(
            "edge",
            "edge",
            "  network_modes = [\"host\", \"bridge\", \"cni/mynet\"]\n"
        )
    )
}

/// A job of `kind` whose one group has `network` as its network block.
fn job(kind: &str, network: &str) -> String {
    format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  type        = "{kind}"
  group "web" {{
{network}
    task "web" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

fn network(mode: &str, port: &str) -> String {
    format!("    network {{\n      mode = \"{mode}\"\n      {port}\n    }}")
}

fn plan(w: &common::TempDir, more: &[&str]) -> common::Out {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    let mut args = vec!["plan", "--world", rules.as_str(), job.as_str()];
    args.extend_from_slice(more);
    common::run_in(Path::new("."), &args)
}

const PLACED: &str = "- All tasks successfully allocated.\n";

/// The failure block of one group as `formatAllocMetrics` prints it, for
/// the given metric lines (already sorted as we print them).
fn failed(group: &str, lines: &[&str]) -> String {
    failed_as("Failed to place all allocations.", group, lines)
}

/// [`failed`] for a system job: command/job_plan.go `formatDryRun` says
/// "on all nodes" for them.
fn failed_system(group: &str, lines: &[&str]) -> String {
    failed_as("Failed to place allocations on all nodes.", group, lines)
}

fn failed_as(warning: &str, group: &str, lines: &[&str]) -> String {
    let mut out =
        format!("- WARNING: {warning}\n  Task Group \"{group}\" (failed to place 1 allocation):\n");
    for l in lines {
        out.push_str(&format!("    * {l}\n"));
    }
    out
}

fn assert_has(text: &str, want: &str) {
    assert!(text.contains(want), "want:\n{want}\ngot:\n{text}");
}

/// `mode = "bogus"` passes validation (Nomad validates no mode) and is
/// placed anywhere before 0.12; from 0.12 every node lacks that network.
#[test]
fn a_bogus_mode_fails_every_node_from_0_12() {
    let clients = client("a", "a", "");
    let j = job("service", &network("bogus", "port \"http\" {}"));
    for (version, placed) in [
        ("0.11.8", true),
        ("0.12.0", false),
        ("1.6.0", false),
        ("2.0.5", false),
    ] {
        let w = world(&format!("bogus-{version}"), version, &clients, &j);
        let out = plan(&w, &[]);
        if placed {
            assert_has(&out.stdout, PLACED);
        } else {
            assert_has(
                &out.stdout,
                &failed(
                    "web",
                    &[
                        "Class \"a\": 1 nodes excluded by filter",
                        "Constraint \"missing network\": 1 nodes excluded by filter",
                    ],
                ),
            );
            assert!(
                !out.stdout.contains("All tasks successfully"),
                "{}",
                out.stdout
            );
        }
        assert_eq!(out.code, 1, "{version}: {}", out.stderr);
    }
}

/// A CNI network is a `cni/NAME` mode of the clients whose
/// `cni_config_dir` holds it (client/fingerprint/cni.go): only those take
/// the group.
#[test]
fn a_cni_network_only_where_the_clients_have_it() {
    let j = job("service", &network("cni/mynet", "port \"http\" {}"));
    let none = client("plain", "plain", "");
    let w = world("cni-missing", "1.10.5", &none, &j);
    assert_has(
        &plan(&w, &[]).stdout,
        &failed(
            "web",
            &[
                "Class \"plain\": 1 nodes excluded by filter",
                "Constraint \"missing network\": 1 nodes excluded by filter",
            ],
        ),
    );
    let both = plain_and_edge();
    let w = world("cni-present", "1.10.5", &both, &j);
    assert_eq!(
        placed_on(&w.0.join("rules"), &w.0.join("job.nomad")),
        ["edge-1"]
    );
    // Another CNI network is not this one.
    let j = job("service", &network("cni/other", ""));
    let w = world("cni-other", "1.10.5", &both, &j);
    assert_has(
        &plan(&w, &[]).stdout,
        "    * Constraint \"missing network\": 2 nodes excluded by filter\n",
    );
}

/// A port's `host_network` must be an alias of one of the node's
/// addresses (`hasHostNetworks`); `default` every client has.
#[test]
fn a_host_network_only_where_the_clients_have_it() {
    let j = job(
        "service",
        &network("host", "port \"http\" { host_network = \"public\" }"),
    );
    let w = world("hostnet-missing", "1.6.0", &client("a", "a", ""), &j);
    assert_has(
        &plan(&w, &[]).stdout,
        &failed(
            "web",
            &[
                "Class \"a\": 1 nodes excluded by filter",
                "Constraint \"missing host network \\\"public\\\" for port \\\"http\\\"\": 1 nodes excluded by filter",
            ],
        ),
    );
    let public = client(
        "a",
        "a",
        "  host_network \"public\" {\n    cidr = \"203.0.113.0/24\"\n  }\n",
    );
    let w = world("hostnet-present", "1.6.0", &public, &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
    // The default host network (`NetworkResource.Canonicalize` names it for
    // every port) is on every client.
    let j = job("service", &network("host", "port \"http\" {}"));
    let w = world("hostnet-default", "1.6.0", &client("a", "a", ""), &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
}

/// A client skips a `host_network` `cidr` entry its Go cannot parse
/// (client/fingerprint/network.go, `net.ParseCIDR` then `continue`), and
/// no address carries an alias none of whose entries parse. Go 1.17
/// refuses an IPv4 field with a leading zero (golang/go#30999): Nomad
/// 1.1.13 (Go 1.16.15) reads `010.0.0.0/8` as 10.0.0.0/8, Nomad 1.2.0
/// (Go 1.17.3) refuses it, so the port's host network is missing there.
#[test]
fn a_host_network_cidr_the_clients_go_cannot_read() {
    let j = job(
        "service",
        &network("host", "port \"http\" { host_network = \"public\" }"),
    );
    let zero = client(
        "a",
        "a",
        "  host_network \"public\" {\n    cidr = \"010.0.0.0/8\"\n  }\n",
    );
    let w = world("hostnet-cidr-116", "1.1.13", &zero, &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
    let w = world("hostnet-cidr-117", "1.2.0", &zero, &j);
    assert_has(
        &plan(&w, &[]).stdout,
        &failed(
            "web",
            &[
                "Class \"a\": 1 nodes excluded by filter",
                "Constraint \"missing host network \\\"public\\\" for port \\\"http\\\"\": 1 nodes excluded by filter",
            ],
        ),
    );
    // One readable entry of a list is enough.
    let listed = client(
        "a",
        "a",
        "  host_network \"public\" {\n    cidr = \"010.0.0.0/8,192.168.0.0/16\"\n  }\n",
    );
    let w = world("hostnet-cidr-list", "1.2.0", &listed, &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
}

/// The bridge fingerprint came with 0.12: a 0.11 world never checks the
/// mode; a 0.12 client without the bridge module is filtered; from 1.0 a
/// client older than 0.12 (its `nomad.version`) is let through
/// (`predatesBridgeFingerprint`).
#[test]
fn bridge_without_the_bridge_fingerprint() {
    let j = job("service", &network("bridge", "port \"http\" { to = 8080 }"));
    let no_bridge = client("a", "a", "  network_modes = [\"host\"]\n");
    let w = world("bridge-011", "0.11.8", &no_bridge, &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
    let w = world("bridge-012", "0.12.0", &no_bridge, &j);
    assert_has(
        &plan(&w, &[]).stdout,
        "    * Constraint \"missing network\": 1 nodes excluded by filter\n",
    );
    // A stock 0.12 client has the bridge.
    let w = world("bridge-012-stock", "0.12.0", &client("a", "a", ""), &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
    let old_client = client(
        "a",
        "a",
        "  network_modes = [\"host\"]\n  attributes = { \"nomad.version\" = \"0.11.8\" }\n",
    );
    let w = world("bridge-100-old", "1.0.0", &old_client, &j);
    assert_has(&plan(&w, &[]).stdout, PLACED);
    let w = world("bridge-100", "1.0.0", &no_bridge, &j);
    assert_has(
        &plan(&w, &[]).stdout,
        "    * Constraint \"missing network\": 1 nodes excluded by filter\n",
    );
}

/// The system scheduler's stack has the same checker: every node without
/// the network is filtered, none placed.
#[test]
fn system_jobs_are_checked_alike() {
    let j = job("system", &network("cni/mynet", ""));
    let clients = plain_and_edge();
    let w = world("system", "2.0.5", &clients, &j);
    assert_eq!(
        placed_on(&w.0.join("rules"), &w.0.join("job.nomad")),
        ["edge-1"]
    );
}

/// An imported cluster keeps each node's networks as the API reports them
/// (`NodeResources.Networks` modes, `NodeNetworks` aliases): the CNI node
/// takes a CNI group, the other does not, and the host network is the one
/// node's.
#[test]
fn an_imported_node_with_a_cni_network() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-net");
    let tmp = common::TempDir::new("net-import");
    let placed = |network_block: &str| {
        tmp.put("job.nomad", &job("service", network_block));
        placed_on(&dir, &tmp.0.join("job.nomad"))
    };
    assert_eq!(placed(&network("cni/mynet", "")), ["edge-1"]);
    assert_eq!(
        placed(&network(
            "bridge",
            "port \"http\" { host_network = \"public\" }"
        )),
        ["edge-1"]
    );
    assert!(placed(&network("cni/other", "")).is_empty());
    // `import --write` states the networks the nodes have beyond a stock
    // client's, and the written world plans alike.
    let (tmp, rules) = common::written_import(&dir, "net", &[]);
    let cluster = std::fs::read_to_string(rules.join("cluster.hcl")).expect("cluster.hcl");
    assert!(
        cluster.contains("  network_modes = [\"bridge\", \"cni/mynet\", \"host\"]\n")
            && cluster.contains(
                "  host_network \"public\" {\n    cidr      = \"10.0.0.2/32\"\n    interface = \"eth1\"\n  }\n"
            )
            && cluster.contains("  network_interface = \"eth0\"\n"),
        "{cluster}"
    );
    tmp.put("job.nomad", &job("service", &network("cni/mynet", "")));
    assert_eq!(placed_on(&rules, &tmp.0.join("job.nomad")), ["edge-1"]);
}

/// The names of the nodes a plan of `job` on the world `rules` places on
/// (its JSON names node IDs; `status` maps them to names).
fn placed_on(rules: &Path, job: &Path) -> Vec<String> {
    let rules = rules.to_string_lossy();
    let out = common::run_in(
        Path::new("."),
        &[
            "plan",
            "--world",
            &rules,
            &job.to_string_lossy(),
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let status = common::run_in(Path::new("."), &["status", "--world", &rules]).stdout;
    let name_of = |id: &str| {
        let short = id.get(..8).unwrap_or(id);
        status
            .lines()
            .find(|l| l.starts_with(short))
            .and_then(|l| l.split_whitespace().nth(3))
            .unwrap_or("?")
            .to_string()
    };
    v["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| name_of(p["NodeID"].as_str().unwrap_or_default()))
        .collect()
}

/// `check` reports the failed placement as NP207, the plan's verdict.
#[test]
fn check_reports_the_unplaceable_group() {
    let j = job("service", &network("bogus", ""));
    let w = world("check", "2.0.5", &client("a", "a", ""), &j);
    let out = common::run_in(&w.0, &["check", "--world", "rules", "job.nomad"]);
    assert!(
        out.stdout.contains("NP207") && out.stdout.contains("missing network filtered 1 nodes"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert_ne!(out.code, 0);
}

/// The world refuses a mode no client fingerprints and a `host_network`
/// key it does not read, located, before anything is planned.
#[test]
fn the_world_refuses_unknown_modes_and_keys() {
    let clients = client(
        "a",
        "a",
        "  network_modes = [\"host\", \"cni\"]\n  host_network \"public\" {\n    mbits = 22\n  }\n",
    );
    let w = world("refused", "2.0.5", &clients, &job("service", ""));
    let out = plan(&w, &[]);
    assert_eq!(out.code, 255, "{}", out.stderr);
    for want in [
        "`network_modes` holds \"cni\", not a mode a client fingerprints",
        "unknown attribute `mbits` in host_network \"public\"",
        "cluster.hcl:8:",
    ] {
        assert!(out.stderr.contains(want), "{want}\n{}", out.stderr);
    }
}

/// A system group every node filters fails from 1.2.0 with the filtered
/// nodes' metrics merged (scheduler_system.go computePlacements,
/// `mergeNodeFiltered`, `queued <= 0`); before, filtered nodes are never
/// reported and the plan is Nomad's all-clear.
#[test]
fn a_system_group_every_node_filters_fails_from_1_2() {
    let j = job("system", &network("cni/mynet", ""));
    let clients = format!("{}{}", client("a", "a", ""), client("b", "b", ""));
    for (version, fails) in [("1.1.0", false), ("1.2.0", true), ("2.0.5", true)] {
        let w = world(&format!("system-all-{version}"), version, &clients, &j);
        let out = plan(&w, &[]);
        if fails {
            assert_has(
                &out.stdout,
                &failed_system(
                    "web",
                    &[
                        "Class \"a\": 1 nodes excluded by filter",
                        "Class \"b\": 1 nodes excluded by filter",
                        "Constraint \"missing network\": 2 nodes excluded by filter",
                    ],
                ),
            );
        } else {
            assert_has(&out.stdout, PLACED);
        }
        assert_has(&out.stdout, "+ Task Group: \"web\"\n");
    }
}

/// From 1.10.2 a group with an allocation kept where it runs does not fail
/// for a new node that filters it (`existingByTaskGroup`); 1.2.0–1.10.1
/// report the filtered node as the group's failure.
#[test]
fn a_kept_system_allocation_silences_the_filtered_failure_from_1_10_2() {
    let j = job("system", &network("cni/mynet", ""));
    let clients = plain_and_edge();
    for (version, fails) in [("1.10.1", true), ("1.10.2", false), ("2.0.5", false)] {
        // The cluster runs the same job, registered from its own file.
        let w = world(
            &format!("system-kept-{version}"),
            version,
            &format!("running = [\"jobs/web.nomad\"]\n{clients}"),
            &j,
        );
        w.put("jobs/web.nomad", &j);
        let out = plan(&w, &[]);
        if fails {
            assert_has(
                &out.stdout,
                &failed_system(
                    "web",
                    &[
                        "Class \"plain\": 1 nodes excluded by filter",
                        "Constraint \"missing network\": 1 nodes excluded by filter",
                    ],
                ),
            );
        } else {
            assert_has(&out.stdout, PLACED);
        }
    }
}

/// A group without a network is checked against the network the stack
/// last set (`if len(tg.Networks) > 0 { SetNetwork(...) }` in stack.go
/// `Select`), and the reconciler visits groups in Go's map order: whether
/// the CNI group's network is held when `worker` is checked is Nomad's
/// chance, and the plan says so.
#[test]
fn a_group_without_a_network_depends_on_the_group_order() {
    let cni_group = network("cni/mynet", "");
    let j = format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  group "api" {{
{cni_group}
    task "api" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
    }}
  }}
  group "worker" {{
    task "w" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
    }}
  }}
}}
"#
    );
    let w = world("order", "2.0.5", &plain_and_edge(), &j);
    let out = plan(&w, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let notes = v["Preflight"]["Nondeterminism"].to_string();
    assert!(
        notes.contains("group \\\"worker\\\": it has no network"),
        "{notes}"
    );
    // Every client has the CNI network: the order changes nothing.
    let clients = client(
        "edge",
        "edge",
        "  network_modes = [\"host\", \"bridge\", \"cni/mynet\"]\n",
    );
    let w = world("order-none", "2.0.5", &clients, &j);
    let out = plan(&w, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(
        !v["Preflight"]["Nondeterminism"]
            .to_string()
            .contains("no network"),
        "{}",
        out.stdout
    );
}
