//! The decision "no sample failed and no bound proves the plan: sample
//! ten times more and say the bound" (R22-A-2) is one predicate for
//! `check`, both plan gates and `plan --samples`
//! (`rules::capacity::unplaceable_group::bound_asked`): where the plan is
//! not the answer (the servers refuse the run, or the plan cannot be
//! told) none of them says a sample's bound. `check` said NP207's bound
//! beside NP222's refusal of the run, which both gates judge as "submission
//! will fail" and never sample (pred24).
//!
//! The world: 49 pool clients (8,000 MHz) and one of class "web" (4,000
//! MHz), which job "web" (protected) is constrained to; job "batchy" asks
//! 4,500 MHz and 500 MB, so it never lands on the web client, but the room
//! bound (each running allocation free to sit on any node) cannot show
//! that: web's count bump 1 -> 2 is placed in every shuffle, unproven.

use crate::common::{flat, git, run_in, TempDir};

const SAID: &str = "node shuffles sampled, so in under";

fn job(name: &str, count: u32, cpu: u32, mb: u32, extra: &str, task: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"{name}\" {{\n    count = {count}\n{extra}    task \"t\" {{\n      driver = \"docker\"\n{task}      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = {mb}\n      }}\n    }}\n  }}\n}}\n"
    )
}

const ON_WEB: &str =
    "    constraint {\n      attribute = \"${node.class}\"\n      value     = \"web\"\n    }\n";

/// The world above with web's staged bump edited by `edit`.
pub(crate) fn world(tag: &str, edit: impl Fn(String) -> String) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32, cpu: u32, class: &str| {
        format!("client \"{name}\" {{\n  count      = {count}\n  datacenter = \"dc1\"\n{class}  cpu        = {cpu}\n  memory     = 1000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.6.0\"\nregion        = \"global\"\n\n{}{}running = [\n  \"jobs/batchy.nomad\",\n  \"jobs/web.nomad\",\n]\n",
            client("web", 1, 4000, "  node_class = \"web\"\n"),
            client("pool", 49, 8000, "")
        ),
    );
    d.put(
        "rules/namespaces/default.hcl",
        crate::common::DEFAULT_NAMESPACE,
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"web\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/batchy.nomad", &job("batchy", 1, 4500, 500, "", ""));
    d.put("jobs/web.nomad", &job("web", 1, 100, 300, ON_WEB, ""));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put("jobs/web.nomad", &edit(job("web", 2, 100, 300, ON_WEB, "")));
    git(&d.0, &["add", "-A"]);
    d
}

/// Every reader's output of the staged change: `check` (text and JSON),
/// both gates (text, JSON and Markdown: the Markdown summary had no bound
/// line) and `plan FILE --samples 100`.
fn said(d: &TempDir) -> Vec<(String, i32, String)> {
    let runs: [&[&str]; 8] = [
        &["--no-color", "check", "--staged"],
        &["--no-color", "check", "--staged", "--format", "json"],
        &["--no-color", "plan", "--changed", "--gate", "--staged"],
        &[
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--format",
            "json",
        ],
        &[
            "--no-color",
            "plan",
            "jobs/web.nomad",
            "--gate",
            "--samples",
            "100",
        ],
        &["plan", "jobs/web.nomad", "--gate", "--format", "json"],
        &[
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--format",
            "markdown",
        ],
        &["plan", "jobs/web.nomad", "--gate", "--format", "markdown"],
    ];
    runs.iter()
        .map(|args| {
            let o = run_in(&d.0, args);
            (
                args.join(" "),
                o.code,
                flat(&format!("{}{}", o.stdout, o.stderr)),
            )
        })
        .collect()
}

#[test]
fn a_refused_or_cannot_tell_plan_has_no_sample_bound_in_any_reader() {
    // Guard: the plan itself is the answer, and every reader bounds it.
    let d = world("bound-answer-plan", |j| j);
    for (args, code, out) in said(&d) {
        assert_eq!(code, 0, "{args}: {out}");
        let bounded = out.contains(SAID) || out.contains("\"Method\": \"rule-of-three\"");
        assert!(bounded, "{args}: {out}");
    }
    // `nomad job run` refuses the type change the plan accepts (NP222,
    // "submission will fail"): no reader samples it for a bound.
    let d = world("bound-answer-refused", |j| {
        j.replacen("job \"web\" {\n", "job \"web\" {\n  type = \"batch\"\n", 1)
    });
    for (args, code, out) in said(&d) {
        assert_ne!(code, 0, "{args}: {out}");
        // Every reader words the run's refusal (`plan FILE --format
        // markdown` said it by its exit code alone until gate25).
        assert!(out.contains("cannot update job from type"), "{args}: {out}");
        assert!(
            !out.contains(SAID) && !out.contains("rule-of-three"),
            "{args}: {out}"
        );
        assert!(!out.contains("1000 node shuffles"), "{args}: {out}");
    }
    // The servers' Vault settings are not stated: the plan cannot be told.
    let vault = "      vault {\n        policies = [\"p\"]\n      }\n";
    let d = world("bound-answer-untold", |j| {
        j.replacen(
            "      driver = \"docker\"\n",
            &format!("      driver = \"docker\"\n{vault}"),
            1,
        )
    });
    for (args, code, out) in said(&d) {
        assert!(code == 2 || code == 255, "{args}: {code} {out}");
        assert!(
            !out.contains(SAID) && !out.contains("rule-of-three"),
            "{args}: {out}"
        );
    }
}
