//! Issue 13: multiregion jobs, judged by the edition the world's servers
//! run. Texts from Nomad's source:
//! - `Multiregion.Validate` (nomad/structs/structs.go 0.12.0–0.12.3; its
//!   table `TestMultiregion_Validate` in structs_test.go, case "repeated
//!   region, wrong strategy, missing DCs"), the last item of
//!   `Job.Validate`'s list, one nested multierror;
//! - from 0.12.4 the community build's (structs_oss.go, structs_ce.go from
//!   1.7.0; structs_ce_test.go expects "unlicensed"): `Multiregion jobs
//!   are unlicensed.`, a plain item;
//! - the HTTP agent's `regionForJob` (command/agent/job_endpoint.go):
//!   a plan goes to the first listed region unless the job lists the
//!   agent's own.
//!
//! Where the world does not say the edition, or the plan runs elsewhere,
//! or Enterprise rewrites the job in its private code, `validate`, `plan`
//! and `check` say they cannot tell (exit 255 / NP213), never Nomad's
//! success text.

use crate::common;

use common::{run_in, Out, TempDir};

/// A project whose world runs `version` in region `west`, with `edition`
/// (a cluster.hcl line, or nothing), and `job` as job.nomad.
fn project(name: &str, version: &str, edition: &str, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("mr-{name}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{edition}\nregion = \"west\"\nclient \"web\" {{\n  count = 2\n  datacenter = \"west-1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  network_mbits = 1000\n  drivers = [\"exec\"]\n}}\n"
        ),
    );
    dir.put("job.nomad", job);
    dir
}

/// A job of `jt` with `head` at its top (datacenters, multiregion).
fn job(jt: &str, head: &str) -> String {
    format!(
        "job \"j\" {{\n  type = \"{jt}\"\n{head}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// structs_test.go `TestMultiregion_Validate`, "repeated region, wrong
/// strategy, missing DCs" (a batch job without datacenters of its own).
const REPEATED: &str = "  multiregion {\n    strategy {\n      max_parallel = 2\n    }\n    region \"west\" {\n      datacenters = [\"west-1\", \"west-2\"]\n    }\n    region \"west\" {}\n  }";

/// A multiregion block the world's region `west` is in.
const WEST: &str =
    "  datacenters = [\"west-1\"]\n  multiregion {\n    region \"west\" {}\n    region \"east\" {}\n  }";

fn validate(d: &TempDir) -> Out {
    run_in(&d.0, &["validate", "job.nomad"])
}

fn plan(d: &TempDir) -> Out {
    run_in(&d.0, &["plan", "job.nomad"])
}

fn refused_as(failures: &mut Vec<String>, name: &str, d: &TempDir, v: &str, items: &[String]) {
    let want = common::go_multierror(v, items);
    let val = validate(d);
    let block = format!("Job validation errors:\n{want}");
    if val.code != 1 || !val.stderr.contains(&block) {
        failures.push(format!(
            "{name} validate ({}): want {block:?}\ngot {:?}",
            val.code, val.stderr
        ));
    }
    let p = plan(d);
    // From 1.6.0 the API client trims the response body
    // (api/error_unexpected_response.go fromHTTPResponse).
    let body = if common::at_least(v, 1, 6) {
        want.trim()
    } else {
        &want
    };
    let text = format!("Error during plan: Unexpected response code: 500 ({body})");
    if p.code != 255 || !p.stderr.contains(&text) {
        failures.push(format!(
            "{name} plan ({}): want {text:?}\ngot {:?}",
            p.code, p.stderr
        ));
    }
}

#[test]
fn the_open_checks_of_0_12_0_to_0_12_3_and_enterprise() {
    let twice = "Multiregion region \"west\" can't be listed twice".to_string();
    let dc = "Multiregion region \"west\" must have at least 1 datacenter".to_string();
    let batch = "Multiregion batch jobs can't have an update strategy".to_string();
    let mut failures = Vec::new();
    // Every build ran them before 0.12.4, whatever the world says.
    for (v, edition) in [
        ("0.12.0", ""),
        ("0.12.3", ""),
        ("1.6.0+ent", ""),
        ("2.0.5", "edition = \"enterprise\""),
    ] {
        let d = project("open", v, edition, &job("batch", REPEATED));
        let bare = v.trim_end_matches("+ent");
        // From 1.5 a job without datacenters has `*` (api Canonicalize),
        // which the region takes.
        let items = if bare.starts_with("0.") {
            vec![twice.clone(), dc.clone(), batch.clone()]
        } else {
            vec![twice.clone(), batch.clone()]
        };
        let inner = common::go_multierror(bare, &items);
        refused_as(&mut failures, &format!("repeated {v}"), &d, bare, &[inner]);
    }
    // 0.12.1 let a region take the job's datacenters (GH-8426); 0.12.0 did not.
    let with_dcs = format!("  datacenters = [\"west-1\"]\n{REPEATED}");
    let d = project("dcs", "0.12.0", "", &job("batch", &with_dcs));
    let inner = common::go_multierror("0.12.0", &[twice.clone(), dc.clone(), batch.clone()]);
    refused_as(
        &mut failures,
        "job datacenters 0.12.0",
        &d,
        "0.12.0",
        &[inner],
    );
    let d = project("dcs", "0.12.1", "", &job("batch", &with_dcs));
    let inner = common::go_multierror("0.12.1", &[twice, batch]);
    refused_as(
        &mut failures,
        "job datacenters 0.12.1",
        &d,
        "0.12.1",
        &[inner],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_community_build_refuses_every_multiregion_job_from_0_12_4() {
    let mut failures = Vec::new();
    for v in ["0.12.4", "1.6.0", "2.0.5"] {
        let d = project("ce", v, "edition = \"community\"", &job("service", WEST));
        refused_as(
            &mut failures,
            v,
            &d,
            v,
            &["Multiregion jobs are unlicensed.".into()],
        );
        // The open checks are gone: a repeated region is the same refusal.
        let d = project("ce2", v, "edition = \"community\"", &job("batch", REPEATED));
        refused_as(
            &mut failures,
            v,
            &d,
            v,
            &["Multiregion jobs are unlicensed.".into()],
        );
    }
    // Before 0.12.4 a community build plans it as written.
    let d = project(
        "ce-old",
        "0.12.3",
        "edition = \"community\"",
        &job("service", WEST),
    );
    let p = plan(&d);
    if p.code != 1 || !p.stdout.contains("+ Job: \"j\"") {
        failures.push(format!(
            "0.12.3 plan ({}): {}{}",
            p.code, p.stdout, p.stderr
        ));
    }
    // A block that lists no region is not multiregion (IsMultiregion):
    // structs_test.go "empty valid multiregion spec".
    let empty = "  datacenters = [\"west-1\"]\n  multiregion {\n    strategy {\n      max_parallel = 1\n    }\n  }";
    let d = project(
        "ce-empty",
        "2.0.5",
        "edition = \"community\"",
        &job("service", empty),
    );
    let val = validate(&d);
    if val.code != 0 || !val.stdout.contains("Job validation successful") {
        failures.push(format!("empty block: {}{}", val.stdout, val.stderr));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_unstated_edition_cannot_be_told_by_any_command() {
    let d = project("unknown", "1.6.0", "", &job("service", WEST));
    let val = validate(&d);
    assert_eq!(val.code, 255, "{}{}", val.stdout, val.stderr);
    assert!(
        val.stderr.contains("error: cannot tell whether Nomad 1.6.0's servers accept job \"j\": it is a multiregion job (regions \"west\", \"east\"), which the community edition refuses (`Multiregion jobs are unlicensed.`)"),
        "{}",
        val.stderr
    );
    assert!(!val.stdout.contains("successful"), "{}", val.stdout);
    let p = plan(&d);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr.contains("edition = \\\"community\\\"")
            || p.stderr.contains("edition = \"community\""),
        "{}",
        p.stderr
    );
    assert!(
        !p.stdout.contains("Job: \"j\""),
        "no plan text: {}",
        p.stdout
    );
    let json = run_in(&d.0, &["plan", "--format", "json", "job.nomad"]);
    assert_eq!(json.code, 255);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(
        v["Preflight"]["Multiregion"]["Known"], false,
        "{}",
        json.stdout
    );
    assert_eq!(v["Preflight"]["Multiregion"]["Why"]["EditionStated"], false);
    let c = run_in(&d.0, &["check", "job.nomad"]);
    // NP213 cannot tell: check exits 2.
    assert_eq!(c.code, 2, "{}{}", c.stdout, c.stderr);
    assert!(
        c.stdout.contains("NP213") || c.stderr.contains("NP213"),
        "{}{}",
        c.stdout,
        c.stderr
    );
    // Stated, the same file is known.
    let d = project(
        "stated",
        "1.6.0",
        "edition = \"community\"",
        &job("service", WEST),
    );
    let c = run_in(&d.0, &["check", "job.nomad"]);
    assert!(
        !(c.stdout.contains("NP213") || c.stderr.contains("NP213")),
        "{}{}",
        c.stdout,
        c.stderr
    );
}

#[test]
fn a_plan_sent_to_another_region_or_rewritten_by_enterprise_cannot_be_told() {
    // The world's region `west` is not listed: the agent sends the plan to `east`.
    let east = "  datacenters = [\"west-1\"]\n  multiregion {\n    region \"east\" {}\n  }";
    let d = project(
        "fwd",
        "0.12.3",
        "edition = \"community\"",
        &job("service", east),
    );
    let p = plan(&d);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr.contains(
            "so Nomad's agent sends the plan to region \"east\", which the world does not describe"
        ),
        "{}",
        p.stderr
    );
    // validate is not forwarded: 0.12.3 accepts the job.
    let val = validate(&d);
    assert_eq!(val.code, 0, "{}{}", val.stdout, val.stderr);
    // Enterprise: the checks pass, the region's rewrite is private.
    let d = project("ent", "1.6.0+ent", "", &job("service", WEST));
    let val = validate(&d);
    assert_eq!(val.code, 0, "{}{}", val.stdout, val.stderr);
    let p = plan(&d);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr
            .contains("error: cannot tell what Nomad 1.6.0 Enterprise plans for job \"j\""),
        "{}",
        p.stderr
    );
}

#[test]
fn the_world_states_the_edition_once() {
    let d = project(
        "conflict",
        "1.6.0+ent",
        "edition = \"community\"",
        &job("service", WEST),
    );
    let p = plan(&d);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr.contains("contradicts nomad_version"),
        "{}",
        p.stderr
    );
    let d = project("bad", "1.6.0", "edition = \"oss\"", &job("service", WEST));
    let p = plan(&d);
    assert!(
        p.stderr.contains("edition \"oss\" is not a Nomad edition"),
        "{}",
        p.stderr
    );
    // Quotas are Enterprise's: a community world cannot hold one, and a
    // world with one is Enterprise without saying so.
    let d = project(
        "quota",
        "1.6.0",
        "edition = \"community\"",
        &job("service", WEST),
    );
    d.put(
        "rules/quotas/q.hcl",
        "name = \"q\"\nlimit {\n  region = \"west\"\n  region_limit {\n    cpu = 1000\n  }\n}\n",
    );
    let p = plan(&d);
    assert!(
        p.stderr.contains("quota `q` needs Nomad Enterprise"),
        "{}",
        p.stderr
    );
    let d = project("quota-ent", "1.6.0", "", &job("service", WEST));
    d.put(
        "rules/quotas/q.hcl",
        "name = \"q\"\nlimit {\n  region = \"west\"\n  region_limit {\n    cpu = 1000\n  }\n}\n",
    );
    let p = plan(&d);
    assert!(
        p.stderr.contains("Enterprise plans for job"),
        "{}",
        p.stderr
    );
}

#[test]
fn the_gate_counts_a_plan_it_cannot_tell_apart_from_invalid_files() {
    // The file is valid: `plan --changed` said "1 invalid" and markdown
    // "**invalid**: 1 error(s)", telling the author to fix a job that has
    // nothing to fix (redteam6 G8).
    let d = project("gate", "1.6.0+ent", "", &job("service", WEST));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "rules"]);
    common::git(&d.0, &["commit", "-qm", "world"]);
    common::git(&d.0, &["add", "job.nomad"]);
    let out = run_in(&d.0, &["plan", "--changed", "--staged"]);
    assert_eq!(out.code, 255, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("0 change allocations, 0 do not, 0 invalid, 1 cannot tell"),
        "{}",
        out.stdout
    );
    let out = run_in(
        &d.0,
        &["plan", "--changed", "--staged", "--format", "markdown"],
    );
    assert_eq!(out.code, 255, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "| **cannot tell**: cannot tell what Nomad 1.6.0 Enterprise plans for job \"j\""
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("**invalid**"), "{}", out.stdout);
    let out = run_in(&d.0, &["plan", "--changed", "--staged", "--format", "json"]);
    assert!(
        out.stdout.contains("\"CannotTell\": true"),
        "{}",
        out.stdout
    );
}
