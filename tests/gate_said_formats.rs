//! What a gate refuses or cannot tell is said in the document of every
//! format, not by the exit code alone (gate25). `plan FILE --gate --format
//! markdown` of a type change `nomad job run` refuses (NP222:
//! `validateJobUpdate`, nomad/job_endpoint.go v2.0.5:232, which `Job.Plan`
//! never calls) printed a clean plan table and exited 1; `plan --changed
//! --format markdown` the same table, and its JSON `"Refused": []`: a
//! summary or a CI step reading stdout took it for an all-clear.
//!
//! And a pass over samples a budget cut below 60 shuffles (a bound over
//! 5%, `rules::priority::WEAKEST_BOUND`) is no pass: the gates and `check`
//! cannot tell, in every format.

use crate::common::{git, run_in, TempDir};

/// Every gate's document (stdout only) of the staged change in `d`, with
/// its exit code.
fn documents(d: &TempDir, file: &str) -> Vec<(String, i32, String)> {
    let runs: [&[&str]; 4] = [
        &["plan", file, "--gate", "--format", "markdown"],
        &["plan", file, "--gate", "--format", "json"],
        &[
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--format",
            "markdown",
        ],
        &[
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--format",
            "json",
        ],
    ];
    runs.iter()
        .map(|args| {
            let o = run_in(&d.0, args);
            (args.join(" "), o.code, o.stdout)
        })
        .collect()
}

/// Fails on np65: both Markdown documents are a clean table, and
/// `--changed`'s JSON has an empty `Refused` and no `Gate`.
#[test]
fn a_run_refused_change_is_said_in_every_gate_document() {
    let d = crate::sample_bound_answer::world("said-run-refused", |j| {
        j.replacen("job \"web\" {\n", "job \"web\" {\n  type = \"batch\"\n", 1)
    });
    for (args, code, doc) in documents(&d, "jobs/web.nomad") {
        assert_eq!(code, 1, "{args}: {doc}");
        assert!(doc.contains("cannot update job from type"), "{args}: {doc}");
        if args.ends_with("markdown") {
            let refused = doc
                .lines()
                .skip_while(|l| !l.starts_with("**Refused** (exit 1)"))
                .find(|l| l.starts_with("- "))
                .unwrap_or_else(|| panic!("{args}: no refusal line: {doc}"));
            assert!(refused.contains("submission will fail"), "{refused}");
            // One line, escaped: the backticks of the reason are text.
            assert!(!refused.contains('`'), "{refused}");
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&doc).expect("json");
        let gate = if args.contains("--changed") {
            let own = &v["Plans"][0]["Refused"][0];
            assert!(
                own.as_str()
                    .is_some_and(|l| l.starts_with("submission will fail")),
                "{args}: {doc}"
            );
            &v["Gate"]
        } else {
            &v["Preflight"]["Gate"]
        };
        let line = gate["Refused"][0].as_str().unwrap_or_default();
        assert!(
            line.starts_with("jobs/web.nomad submission will fail:")
                && line.contains("cannot update job from type"),
            "{args}: {doc}"
        );
        assert_eq!(gate["CannotTell"], serde_json::json!([]), "{args}");
    }
}

/// A protected job "web" of `groups` groups (count 1 each, on the one
/// client of class "web") added in the staged change: the sampling budget
/// (groups × samples at most 10,000) samples it 10,000 / `groups` times,
/// and the room bound cannot prove it (job "batchy" runs, 4,500 MHz, which
/// the bound takes as free to sit anywhere), so every gate passes it over
/// samples only.
fn many_groups(tag: &str, groups: usize) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32, cpu: u32, class: &str| {
        format!("client \"{name}\" {{\n  count      = {count}\n  datacenter = \"dc1\"\n{class}  cpu        = {cpu}\n  memory     = 4000\n  disk       = 100000\n  drivers    = [\"docker\"]\n}}\n\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.6.0\"\nregion        = \"global\"\n\n{}{}running = [\"jobs/batchy.nomad\"]\n",
            client("web", 1, 4000, "  node_class = \"web\"\n"),
            client("pool", 3, 8000, "")
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
    let task = |cpu: u32| {
        format!("    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 10\n      }}\n    }}\n")
    };
    d.put(
        "jobs/batchy.nomad",
        &format!(
            "job \"batchy\" {{\n  datacenters = [\"dc1\"]\n  group \"batchy\" {{\n{}  }}\n}}\n",
            task(4500)
        ),
    );
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    let mut web = String::from("job \"web\" {\n  datacenters = [\"dc1\"]\n  constraint {\n    attribute = \"${node.class}\"\n    value     = \"web\"\n  }\n");
    for i in 0..groups {
        web.push_str(&format!("  group \"g{i}\" {{\n{}  }}\n", task(10)));
    }
    web.push_str("}\n");
    d.put("jobs/web.nomad", &web);
    git(&d.0, &["add", "-A"]);
    d
}

const WEAK: &str = "cannot tell whether the policy passes: protected job";

/// 200 groups: 50 shuffles, "under 6%". Fails on np65, which passed it
/// (exit 0) with the bound line.
#[test]
fn a_bound_the_budget_cut_past_five_percent_cannot_tell() {
    let d = many_groups("said-weak-bound", 200);
    for (args, code, doc) in documents(&d, "jobs/web.nomad") {
        assert_eq!(code, 255, "{args}: {doc}");
        assert!(doc.contains(WEAK), "{args}: {doc}");
        assert!(
            doc.contains("in none of 50 node shuffles sampled"),
            "{args}"
        );
        assert!(
            !doc.contains("passes the policy over samples only"),
            "{args}"
        );
        if args.ends_with("markdown") {
            assert!(doc.contains("**Cannot tell** (exit 255)"), "{doc}");
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&doc).expect("json");
        let policy = if args.contains("--changed") {
            assert_eq!(v["Plans"][0]["CannotTell"], true, "{doc}");
            &v["Plans"][0]["Policy"][0]
        } else {
            assert_eq!(v["Preflight"]["CannotTell"], true, "{doc}");
            &v["Preflight"]["Policy"][0]
        };
        assert_eq!(policy["Refusal"], "cannot-tell", "{doc}");
        assert_eq!(policy["Sampled"]["TooWeak"], true, "{doc}");
    }
    let o = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert_eq!(o.code, 255, "{}", o.stderr);
    let line: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("cannot tell whether the policy"))
        .collect();
    assert!(
        line.len() == 1 && line[0].starts_with("error: jobs/web.nomad "),
        "{}",
        o.stderr
    );
    // `check`'s NP207 cannot tell too (exit 2), in the same words.
    let o = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("NP207 [advice] cannot tell whether an allocation of job \"web\" is left unplaced: in none of 50 node shuffles sampled"),
        "{}",
        o.stdout
    );
}

/// Guard: 150 groups, 66 shuffles, "under 4.6%": a pass, its bound said.
#[test]
fn a_bound_within_five_percent_passes_with_its_line() {
    let d = many_groups("said-tight-bound", 150);
    let o = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("passes the policy over samples only")
            && o.stderr
                .contains("in none of 66 node shuffles sampled, so in under 4.6%"),
        "{}",
        o.stderr
    );
}
