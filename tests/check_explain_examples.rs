//! Every rule's `explain` example, run through `check`: the rule fires on
//! it. An example is mostly a fragment (a `config`, a `task`, a job
//! attribute); each is placed in a whole job file as its level says and
//! checked against a one-client world, so the documentation and the rule
//! cannot drift apart unseen. The rules whose example needs a world this
//! test does not build (a running job, Vault, Enterprise, quotas) are
//! listed in NOT_RUN with why, and `every_rule_is_run_or_listed` keeps the
//! two lists whole as rules are added.

use crate::check_explain_true::{example, explain};
use crate::common;

/// Where the fragment goes in a job file.
#[derive(Clone, Copy)]
enum Level {
    /// Inside a task (`config`, `env`, ...).
    Task,
    /// Inside a group (a whole `task` block).
    Group,
    /// Inside the job block (attributes, `group`, `update`, ...); an
    /// example that is a whole `job "web" { ... }` is read from inside.
    Job,
}

const TASK: &str = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n";

fn whole_job(fragment: &str, level: Level) -> String {
    let fragment = fragment
        .trim()
        .strip_prefix("job \"web\" {")
        .and_then(|f| f.strip_suffix('}'))
        .unwrap_or(fragment);
    let body = match level {
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

/// The rules whose example this test does not run, and why: each needs a
/// world or a history the one-client project does not have. Kept here so
/// that a new rule is either run or named.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "NP001",
        "a suppression comment: judged against another rule's finding",
    ),
    ("NP002", "a suppression a change adds: needs a git base"),
    ("NP207", "needs allocations already running on the clients"),
    (
        "NP209",
        "needs Consul Connect and a Consul cluster in the world",
    ),
    ("NP210", "needs a world stating servers without Vault"),
    (
        "NP211",
        "needs a world silent on Vault, at a release that asks",
    ),
    ("NP212", "needs Nomad 1.8's Vault default_identity settings"),
    ("NP213", "a multiregion job: needs an edition left unstated"),
    (
        "NP214",
        "needs the servers' consul block in rules/cluster.hcl",
    ),
    (
        "NP215",
        "a regexp past Go's limits: its example is elided (`...`)",
    ),
    ("NP216", "needs a world without nomad_version"),
    ("NP217", "needs a community world and reserved cores"),
    ("NP218", "needs clients whose reserved cores are not stated"),
    (
        "NP219",
        "needs a scheduler block with reject_job_registration",
    ),
    ("NP220", "needs an Enterprise world with Sentinel policies"),
    ("NP221", "needs an unstated setting the plan rests on"),
    ("NP222", "needs a running job of another type"),
    (
        "NP223",
        "needs a periodic time_zone the world's zone files decide",
    ),
    ("NP224", "needs a world of another region"),
    ("NP225", "needs a registered system job in the world"),
    (
        "NP228",
        "needs a client's static host volume and a sticky claim",
    ),
    (
        "NP229",
        "needs a second file defining the job (the world's running file)",
    ),
    ("NP301", "needs a quota smaller than the job"),
    ("NP303", "needs a namespace policy requiring quotas"),
    ("NP304", "needs a quota and running jobs using it"),
    ("NP305", "needs a quota nearly used"),
    ("NP306", "needs rules/namespaces/monitor.hcl's capabilities"),
    ("NP307", "needs a quota limiting devices"),
    ("NP308", "needs a quota limiting a node pool"),
    (
        "NP401",
        "removed: never runs (Nomad's own jobspec::range reports it)",
    ),
    ("NP402", "needs a namespace priority band"),
    (
        "NP403",
        "needs running allocations to preempt (tests/check_explain_true.rs)",
    ),
    ("NP404", "needs running allocations of priority 50"),
    ("NP405", "needs preemption turned off and a blocked job"),
];

/// `rules` lists each rule code once in RUN or NOT_RUN.
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
        .chain(NOT_RUN.iter().map(|r| r.0))
        .collect();
    ours.sort_unstable();
    let mut want = listed.clone();
    want.sort_unstable();
    assert_eq!(ours, want);
}
