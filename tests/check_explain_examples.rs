//! Every rule's `explain` example, run through `check`: the rule fires on
//! it. An example is mostly a fragment (a `config`, a `task`, a job
//! attribute); each is placed in a whole job file as its level says and
//! checked, so the documentation and the rule cannot drift apart unseen.
//! RUN's examples are checked against a one-client world; WORLDS gives
//! each example that needs more (a running job, Vault settings, an
//! edition, quotas, a policy, several clients, a release) the world it
//! needs, or reads it from the example itself when the example is world
//! text (`# rules/cluster.hcl`). The few that cannot be built offline are
//! in NOT_RUN with why, and `every_rule_is_run_or_listed` keeps the three
//! lists whole as rules are added.

use crate::check_explain_true::{example, explain};
use crate::common;

/// Where the fragment goes in a job file.
#[derive(Clone, Copy)]
enum Level {
    /// Inside the docker task's `config` (`image = ...`).
    Config,
    /// Inside a task (`config`, `env`, ...).
    Task,
    /// Inside a group (a whole `task` block).
    Group,
    /// Inside the job block (attributes, `group`, `update`, ...); an
    /// example that is a whole `job "web" { ... }` is read from inside.
    Job,
}

const TASK: &str = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n";

/// The example without its leading comment lines (what world it needs)
/// and, when it is a whole `job "NAME" { ... }`, read from inside: the
/// job is checked as "web" whatever the example calls it.
fn job_body(fragment: &str) -> &str {
    let mut rest = fragment.trim();
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
    }
    let inside = rest
        .strip_prefix("job \"")
        .and_then(|r| r.split_once("\" {"))
        .and_then(|(_, r)| r.trim_end().strip_suffix('}'));
    inside.unwrap_or(rest)
}

/// Each `task` of the fragment that names no driver gets the docker
/// one: an example shows what its rule is about, not a whole task.
fn with_drivers(fragment: &str) -> String {
    let mut out = String::new();
    let mut parts = fragment.split("task \"").peekable();
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("task \"");
        match part.split_once('{') {
            Some((name, body)) if !body.contains("driver") => {
                out.push_str(&format!(
                    "{name}{{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}{body}"
                ));
            }
            _ => out.push_str(part),
        }
    }
    out
}

fn whole_job(fragment: &str, level: Level) -> String {
    let fragment = with_drivers(job_body(fragment));
    let fragment = fragment.as_str();
    let body = match level {
        Level::Config => format!(
            "  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n{fragment}\n      }}\n    }}\n  }}\n"
        ),
        Level::Task => {
            let config = if fragment.contains("config {") {
                String::new()
            } else {
                "      config {\n        image = \"nginx:1.25\"\n      }\n".to_string()
            };
            format!("  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n{config}{fragment}\n    }}\n  }}\n")
        }
        // A group's fragment that is no task (`network`) gets one.
        Level::Group if fragment.contains("task \"") => {
            format!("  group \"g\" {{\n{fragment}\n  }}\n")
        }
        Level::Group => format!("  group \"g\" {{\n{fragment}\n{TASK}  }}\n"),
        // A group without a task (`count = 0`) gets one: Nomad refuses a
        // group of none before any rule runs.
        Level::Job if fragment.contains("group \"") && !fragment.contains("task \"") => {
            let end = fragment.rfind('}').unwrap_or(fragment.len());
            format!("{}\n{TASK}{}\n", &fragment[..end], &fragment[end..])
        }
        Level::Job if fragment.contains("group \"") => format!("{fragment}\n"),
        Level::Job => format!("{fragment}\n  group \"g\" {{\n{TASK}  }}\n"),
    };
    // A periodic example is a batch job's: Nomad refuses it on a service.
    let body = if body.contains("periodic") {
        format!("  type = \"batch\"\n{body}")
    } else {
        body
    };
    let dcs = if body.contains("datacenters") {
        ""
    } else {
        "  datacenters = [\"dc1\"]\n"
    };
    format!("job \"web\" {{\n{dcs}{body}}}\n")
}

/// One client of 4000 MHz / 4000 MB in dc1, running docker on linux,
/// reserving port 22.
const CLIENT: &str = "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n  attributes = {\n    \"kernel.name\" = \"linux\"\n  }\n  reserved {\n    ports = \"22\"\n  }\n";

/// (code, where its example goes, the world's Nomad version).
const RUN: &[(&str, Level, &str)] = &[
    ("NP001", Level::Config, "1.7.7"),
    ("NP101", Level::Task, "1.7.7"),
    ("NP102", Level::Group, "1.7.7"),
    ("NP103", Level::Group, "1.7.7"),
    ("NP104", Level::Task, "1.7.7"),
    ("NP105", Level::Job, "1.7.7"),
    ("NP106", Level::Task, "1.7.7"),
    ("NP201", Level::Job, "1.7.7"),
    ("NP202", Level::Group, "1.7.7"),
    ("NP203", Level::Job, "1.7.7"),
    ("NP204", Level::Group, "1.7.7"),
    ("NP205", Level::Job, "1.7.7"),
    ("NP206", Level::Job, "1.7.7"),
    ("NP208", Level::Job, "1.7.7"),
    ("NP226", Level::Job, "1.7.7"),
    ("NP227", Level::Task, "1.7.7"),
    ("NP302", Level::Job, "1.7.7"),
];

/// Each example of RUN, whole, gives its rule under `check`.
#[test]
fn every_runnable_example_fires_its_rule() {
    let mut missed = Vec::new();
    for (code, level, version) in RUN {
        let fragment = example(&explain(code));
        let job = whole_job(&fragment, *level);
        let d = common::one_client_project(&format!("explain-ex-{code}"), version, CLIENT, &job);
        let o = d.run(&["check", "--output-format", "concise", "jobs/web.nomad"]);
        let text = common::output_text(&o);
        // A front-end error the rule also names says "also reported as".
        let fired = text.contains(&format!("{code} ["))
            || text.contains(&format!("also reported as {code} "));
        if !fired {
            missed.push(format!("{code}:\n{job}\n{text}"));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n----\n"));
}

/// The world an example needs beyond the one client: a release (none:
/// the world states none), a region, cluster.hcl's other top-level lines,
/// the client's body, other world files and a running version of the
/// checked job.
struct World {
    code: &'static str,
    level: Level,
    version: Option<&'static str>,
    region: &'static str,
    cluster: &'static str,
    /// The client block's body; `None`: one client as CLIENT says.
    client: Option<&'static str>,
    files: &'static [(&'static str, &'static str)],
    /// The job the cluster runs as "web": the checked job with this text
    /// replaced by that, as jobs/web.nomad's committed version.
    running: Option<(&'static str, &'static str)>,
    /// The job, where the example is all world (`# rules/cluster.hcl`).
    job: &'static str,
    /// The job's namespace, where a fragment below the job's level only
    /// names it in a comment.
    namespace: Option<&'static str>,
    /// What the finding says, where the rule fires for other causes too.
    says: &'static str,
    /// Fills what the example elides (`...`), as its comment says.
    fill: Option<fn(&str) -> String>,
    /// The example's leading `# preflight:` comment is what a pull request
    /// adds: the job without it is the base commit, the job with it the
    /// change, judged by `check --base` with warnings denied.
    pull_request: bool,
    /// A job the world runs beside the checked one.
    runs: Option<Runs>,
}

const W: World = World {
    code: "",
    level: Level::Job,
    version: Some("1.7.7"),
    region: "global",
    cluster: "",
    client: None,
    files: &[],
    running: None,
    job: "",
    namespace: None,
    says: "",
    fill: None,
    pull_request: false,
    runs: None,
};

/// NP215's `...`: the rest of its 1000 four-letter alternatives.
fn thousand_alternatives(example: &str) -> String {
    example.replacen("|...", &"|ijkl".repeat(998), 1)
}

/// A job the world runs beside the checked one, at run/NAME.nomad.
#[derive(Clone, Copy)]
struct Runs {
    name: &'static str,
    priority: u32,
    cpu: u32,
    memory: u32,
}

impl Runs {
    fn job(&self) -> String {
        let Runs {
            name,
            priority,
            cpu,
            memory,
        } = self;
        format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority = {priority}\n  group \"g\" {{\n{}  }}\n}}\n", TASK.replace("cpu    = 100", &format!("cpu    = {cpu}")).replace("memory = 64", &format!("memory = {memory}")))
    }
}

/// A job of priority 50 holding 64 MB, beside which SMALL_CLIENT is full.
const HOLDER: Runs = Runs {
    name: "other",
    priority: 50,
    cpu: 100,
    memory: 64,
};
const SMALL_CLIENT: &str = "  count = 1\n  cpu = 4000\n  memory = 100\n  drivers = [\"docker\"]\n";
const BIG_CLIENT: &str = "  count = 1\n  cpu = 8000\n  memory = 20000\n  drivers = [\"docker\"]\n";
const PREEMPT_SERVICE: &str = "scheduler {\n  preemption {\n    service = true\n  }\n}\n";
const NO_PREEMPT_SERVICE: &str = "scheduler {\n  preemption {\n    service = false\n  }\n}\n";
const VAULT_OFF: &str = "server {\n  vault {\n    enabled = false\n  }\n}\n";
const VAULT_ON: &str = "server {\n  vault {\n    enabled = true\n  }\n}\n";
const HOST_VOLUME_CLIENT: &str = "  count = 1\n  cpu = 4000\n  memory = 4000\n  drivers = [\"docker\"]\n  host_volume \"data\" {\n    path = \"/srv/data\"\n  }\n";
const GPU_POOL_CLIENT: &str =
    "  count = 1\n  cpu = 4000\n  memory = 4000\n  drivers = [\"docker\"]\n  node_pool = \"gpu\"\n";
/// Namespace `default` bound to quota `q`: cpu 3000 MHz, memory 9500 MB.
const IN_QUOTA_Q: &[(&str, &str)] = &[
    ("rules/namespaces/default.hcl", "name = \"default\"\nquota = \"q\"\n"),
    ("rules/quotas/q.hcl", "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 3000\n    memory = 9500\n  }\n}\n"),
];
const ML_GPU_QUOTA: &[(&str, &str)] = &[
    ("rules/namespaces/ml.hcl", "name = \"ml\"\nquota = \"gpu\"\n"),
    ("rules/quotas/gpu.hcl", "name = \"gpu\"\nlimit {\n  region = \"global\"\n  region_limit {\n    device \"nvidia/gpu\" {\n      count = 1\n    }\n  }\n}\n"),
];
const ML_POOL_QUOTA: &[(&str, &str)] = &[
    ("rules/namespaces/ml.hcl", "name = \"ml\"\nquota = \"team\"\n"),
    ("rules/quotas/team.hcl", "name = \"team\"\nlimit {\n  region = \"global\"\n  region_limit {\n    node_pool \"gpu\" {\n      cpu = 1500\n    }\n  }\n}\n"),
];
const MONITOR: (&str, &str) = ("rules/namespaces/monitor.hcl", "name = \"monitor\"\n");

/// One line a rule: the table reads as a list of worlds.
#[rustfmt::skip]
const WORLDS: &[World] = &[
    World { code: "NP002", pull_request: true, cluster: PREEMPT_SERVICE, client: Some(SMALL_CLIENT), runs: Some(HOLDER), ..W },
    World { code: "NP207", client: Some("  count = 2\n  cpu = 4000\n  memory = 100\n  drivers = [\"docker\"]\n"), ..W },
    World { code: "NP209", ..W },
    World { code: "NP210", level: Level::Group, cluster: VAULT_OFF, ..W },
    World { code: "NP211", level: Level::Group, ..W },
    World { code: "NP212", level: Level::Group, version: Some("1.8.0"), cluster: VAULT_ON, ..W },
    World { code: "NP213", ..W },
    World { code: "NP214", level: Level::Group, version: Some("1.8.0"), job: "    service {\n      name = \"web\"\n    }\n", ..W },
    World { code: "NP215", level: Level::Group, fill: Some(thousand_alternatives), ..W },
    World { code: "NP216", version: None, ..W },
    World { code: "NP217", level: Level::Group, cluster: "edition = \"community\"\n", ..W },
    World { code: "NP218", level: Level::Group, ..W },
    World { code: "NP219", version: Some("1.6.5"), ..W },
    World { code: "NP220", version: None, ..W },
    World { code: "NP221", level: Level::Group, says: "${attr.consul.version}", ..W },
    World { code: "NP222", running: Some(("type = \"batch\"", "type = \"service\"")), ..W },
    World { code: "NP223", ..W },
    World { code: "NP224", region: "eu", ..W },
    World { code: "NP225", version: Some("2.0.5"), running: Some(("agent:2", "agent:1")), ..W },
    World { code: "NP228", level: Level::Group, version: Some("1.10.0"), client: Some(HOST_VOLUME_CLIENT), ..W },
    World { code: "NP301", files: IN_QUOTA_Q, ..W },
    World { code: "NP303", files: &[("rules/policy.hcl", "require_quota = true\n"), MONITOR], ..W },
    World { code: "NP304", files: IN_QUOTA_Q, client: Some(BIG_CLIENT), runs: Some(Runs { cpu: 1500, ..HOLDER }), ..W },
    World { code: "NP305", files: IN_QUOTA_Q, client: Some(BIG_CLIENT), runs: Some(Runs { memory: 8708, ..HOLDER }), ..W },
    World { code: "NP306", level: Level::Group, namespace: Some("monitor"), files: &[MONITOR], ..W },
    World { code: "NP307", files: ML_GPU_QUOTA, ..W },
    World { code: "NP308", version: Some("2.0.5"), client: Some(GPU_POOL_CLIENT), files: ML_POOL_QUOTA, ..W },
    World { code: "NP402", files: &[("rules/policy.hcl", "namespace \"default\" {\n  priority {\n    min = 30\n    max = 70\n  }\n}\n")], ..W },
    World { code: "NP403", cluster: PREEMPT_SERVICE, client: Some("  count = 1\n  cpu = 4000\n  memory = 256\n  drivers = [\"docker\"]\n"), runs: Some(Runs { name: "foundation", priority: 10, cpu: 100, memory: 128 }), ..W },
    World { code: "NP404", cluster: PREEMPT_SERVICE, client: Some(SMALL_CLIENT), runs: Some(HOLDER), ..W },
    World { code: "NP405", cluster: NO_PREEMPT_SERVICE, client: Some(SMALL_CLIENT), runs: Some(HOLDER), ..W },
];

/// An example that opens with `# rules/PATH` and holds no job before a
/// `# the job` line carries world text: (PATH, that text, the job
/// fragment after the line, if any).
fn world_part(example: &str) -> Option<(&str, &str, &str)> {
    let first = example.lines().next()?.strip_prefix("# ")?;
    let path = first.split([' ', ',', ':']).next()?;
    // `# rules/cluster.hcl states ...` is a sentence about the world, not
    // its text.
    if !path.starts_with("rules/") || first[path.len()..].starts_with(' ') {
        return None;
    }
    let (world, job) = match example.find("# the job") {
        Some(at) => {
            let job = example[at..].split_once('\n').map_or("", |(_, j)| j);
            (&example[..at], job)
        }
        None => (example, ""),
    };
    (!world.contains("job \"")).then_some((path, world, job))
}

/// Each example of WORLDS, in the world its rule needs, gives its rule.
#[test]
fn every_world_example_fires_its_rule() {
    let mut missed = Vec::new();
    for w in WORLDS {
        let text = example(&explain(w.code));
        let text = w.fill.map_or_else(|| text.clone(), |fill| fill(&text));
        let d = common::TempDir::new(&format!("explain-world-{}", w.code));
        d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
        for (path, body) in w.files {
            d.put(path, body);
        }
        let mut cluster = String::new();
        if let Some(v) = w.version {
            cluster.push_str(&format!("nomad_version = \"{v}\"\n"));
        }
        cluster.push_str(&format!("region = \"{}\"\n{}", w.region, w.cluster));
        let client = w
            .client
            .map_or_else(|| format!("  count = 1\n{CLIENT}"), str::to_string);
        cluster.push_str(&format!(
            "client \"c\" {{\n  datacenter = \"dc1\"\n  disk       = 10000\n{client}}}\n"
        ));
        let fragment = match world_part(&text) {
            Some(("rules/cluster.hcl", world, job)) => {
                cluster.push_str(world);
                if job.is_empty() {
                    w.job.to_string()
                } else {
                    job.to_string()
                }
            }
            Some((path, world, job)) => {
                let base = std::fs::read_to_string(d.0.join(path)).unwrap_or_default();
                d.put(path, &format!("{base}{world}"));
                if job.is_empty() {
                    w.job.to_string()
                } else {
                    job.to_string()
                }
            }
            None => text.clone(),
        };
        if let Some(r) = w.runs {
            cluster.push_str(&format!("running = [\"run/{}.nomad\"]\n", r.name));
            d.put(&format!("run/{}.nomad", r.name), &r.job());
        }
        let mut job = whole_job(&fragment, w.level);
        if let Some(ns) = w.namespace {
            job = job.replacen("{\n", &format!("{{\n  namespace = \"{ns}\"\n"), 1);
        }
        if let Some((this, that)) = w.running {
            // The cluster runs the file's committed version (git HEAD).
            cluster.push_str("running = [\"jobs/web.nomad\"]\n");
            d.put("rules/cluster.hcl", &cluster);
            d.put("jobs/web.nomad", &job.replace(this, that));
            common::applier::commit(&d);
        }
        d.put("rules/cluster.hcl", &cluster);
        d.put("jobs/web.nomad", &job);
        let mut args = vec!["check", "--output-format", "concise", "jobs/web.nomad"];
        if w.pull_request {
            common::applier::commit(&d);
            let added: String = text
                .lines()
                .take_while(|l| l.starts_with("# preflight:"))
                .map(|l| format!("{l}\n"))
                .collect();
            d.put("jobs/web.nomad", &format!("{added}{job}"));
            common::git(&d.0, &["commit", "-qam", "the pull request"]);
            args = vec![
                "check",
                "--output-format",
                "concise",
                "--base",
                "HEAD~1",
                "--deny",
                "warnings",
            ];
        }
        let o = d.run(&args);
        let out = common::output_text(&o);
        let fired = out.lines().any(|l| {
            (l.contains(&format!("{} [", w.code))
                || l.contains(&format!("also reported as {} ", w.code)))
                && l.contains(w.says)
        });
        if !fired {
            missed.push(format!("{}:\n{cluster}\n{job}\n{out}", w.code));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n----\n"));
}

/// NP402's explain says how the policy states a band (it said `band
/// "NAMESPACE" { min = .. max = .. }`, which the world refuses as an
/// unknown key, src/world/policy_file.rs `read_band`); that syntax, filled
/// in, is a policy the world loads and its example breaks it.
#[test]
fn np402s_band_syntax_loads() {
    let text = common::flat(&explain("NP402"));
    let syntax = text
        .split('`')
        .find(|s| s.contains("NAMESPACE"))
        .expect("the band's syntax");
    let policy = syntax
        .replace("NAMESPACE", "default")
        .replace("...", "min = 30\nmax = 70")
        // One block a line, as HCL asks.
        .replace("{ ", "{\n")
        .replace(" }", "\n}");
    let job = whole_job(&example(&explain("NP402")), Level::Job);
    let d = common::one_client_project("explain-np402-syntax", "1.7.7", CLIENT, &job);
    d.put("rules/policy.hcl", &format!("{policy}\n"));
    let o = d.run(&["check", "--output-format", "concise", "jobs/web.nomad"]);
    let out = common::output_text(&o);
    assert!(out.contains("NP402 ["), "{policy}\n{out}");
}

/// The rules whose example this test does not run, and why: each needs a
/// world or a history the one-client project does not have. Kept here so
/// that a new rule is either run or named.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "NP229",
        "needs a second file defining the job (tests/check_defined_twice_rule.rs runs it)",
    ),
    (
        "NP401",
        "removed: never runs (Nomad's own jobspec::range reports it)",
    ),
];

/// `rules` lists each rule code once in RUN, WORLDS or NOT_RUN.
#[test]
fn every_rule_is_run_or_listed() {
    let o = std::process::Command::new(common::bin())
        .args(["--no-color", "rules"])
        .output()
        .expect("the binary runs");
    let text = String::from_utf8_lossy(&o.stdout);
    let listed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.starts_with("NP"))
        .collect();
    let mut ours: Vec<&str> = RUN
        .iter()
        .map(|r| r.0)
        .chain(WORLDS.iter().map(|w| w.code))
        .chain(NOT_RUN.iter().map(|r| r.0))
        .collect();
    ours.sort_unstable();
    let mut want = listed.clone();
    want.sort_unstable();
    assert_eq!(ours, want);
}
