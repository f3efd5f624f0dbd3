//! The assumptions a plan rests on (redteam4 F12, F13, F25; issue 13) are
//! said by every command that plans, from the one place that computes them
//! (`planner::Plan::assumed`): `check` in each of its formats (NP221,
//! advice; NP220, "cannot tell", for stated Sentinel policies), `plan
//! --changed` (the gate) in text, JSON and Markdown, and `rehearse`. A
//! stated Sentinel policy makes the gate's verdict "cannot tell" with
//! `plan`'s exit code, 255, even with `--gate`.

use crate::common;

use common::{git, TempDir};

/// A git project at Nomad 2.0.5 whose world (`top` opens
/// rules/cluster.hcl; one hand-written client pool with no attributes) is
/// committed, then `jobs/web.nomad` (a group with `group_body`) added and
/// staged: the pre-commit case. A rehearsal plans the job.
fn staged(tag: &str, top: &str, group_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"2.0.5\"\nregion = \"global\"\n{top}\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4096\n  drivers    = [\"docker\"]\n}}\n"),
    );
    d.put(
        "rehearsals/demo.hcl",
        "rehearsal \"r\" {\n  description = \"plan\"\n}\nstep \"plan\" {\n  command = \"nomad job plan jobs/web.nomad\"\n  expect {\n    exit_code = 1\n  }\n}\n",
    );
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put(
        "jobs/web.nomad",
        &format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_body}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
    );
    git(&d.0, &["add", "jobs/web.nomad"]);
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b).unwrap_or_else(|e| panic!("{e}: {}", text(b)))
}

const SERVICE: &str = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";

/// F13's note, as `plan` says it.
const CONSUL: &str = "planned as if every hand-written client reaches Consul and Vault and has the CNI plugins: the job's placement reads ${attr.consul.version}, which a client reports only when it does (state them in each `client` block's `attributes`, `\"consul.version\" = \"\"` for none)";

/// Words of the note every format keeps as they are.
const CONSUL_WORDS: &str = "which a client reports only when it does";

#[test]
fn check_says_the_note_plan_says_in_every_format() {
    let d = staged(
        "ac-check",
        "edition = \"community\"\nserver {\n}\n",
        SERVICE,
    );
    // The reference: `plan` of the file.
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), format!("note: {CONSUL}\n"));
    // Advice: the check still passes, and says it in each format.
    for (format, extra) in [
        ("human", &["--output-format", "full"][..]),
        ("human", &["--output-format", "concise"][..]),
        ("json", &[][..]),
        ("sarif", &[][..]),
        ("github", &[][..]),
        ("markdown", &[][..]),
    ] {
        let mut args = vec!["check", "--staged", "--format", format];
        args.extend(extra);
        let o = d.run(&args);
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{format} {extra:?}: {out}");
        assert!(out.contains("NP221"), "{format} {extra:?}: {out}");
        assert!(
            common::flat(&out).contains(CONSUL_WORDS),
            "{format} {extra:?}: {out}"
        );
    }
    let o = d.run(&["check", "--staged", "--format", "json"]);
    let v = json(&o.stdout);
    let found = v.to_string();
    // The whole note, as one finding's message.
    assert!(
        found.contains(&serde_json::Value::from(CONSUL).to_string()),
        "{found}"
    );
    // Stated, it is silent: the pool says it has no Consul (the plan then
    // fails to place, as Nomad's would).
    let d = staged(
        "ac-check-stated",
        "edition = \"community\"\nserver {\n}\n",
        SERVICE,
    );
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    d.put(
        "rules/cluster.hcl",
        &cluster.replace(
            "  drivers",
            "  attributes = { \"consul.version\" = \"1.21.0\" }\n  drivers",
        ),
    );
    git(&d.0, &["commit", "-qam", "consul"]);
    let o = d.run(&["check", "--staged", "--format", "json"]);
    assert!(!text(&o.stdout).contains("NP221"), "{}", text(&o.stdout));
}

#[test]
fn the_gate_and_its_reports_carry_the_notes() {
    let d = staged("ac-gate", "edition = \"community\"\nserver {\n}\n", SERVICE);
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    let out = text(&o.stdout);
    // In the file's section, after Nomad's text.
    let section = out
        .split("==> jobs/web.nomad")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(section.contains(&format!("\nnote: {CONSUL}\n")), "{out}");
    // JSON: each plan's Preflight.Assumed, as `plan --format json`.
    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let v = json(&o.stdout);
    let assumed = &v["Plans"][0]["Plan"]["Preflight"]["Assumed"];
    assert_eq!(assumed[0]["Setting"], "client_fingerprints", "{v}");
    assert_eq!(assumed[0]["Note"], CONSUL);
    assert!(
        text(&o.stderr).contains(&format!("note: jobs/web.nomad: {CONSUL}\n")),
        "{}",
        text(&o.stderr)
    );
    let single = json(
        &d.run(&["plan", "--format", "json", "jobs/web.nomad"])
            .stdout,
    );
    assert_eq!(&single["Preflight"]["Assumed"], assumed);
    // Markdown: below the table, for the summary of a pull request.
    for args in [
        &["plan", "--changed", "--staged", "--format", "markdown"][..],
        &["plan", "--format", "markdown", "jobs/web.nomad"][..],
    ] {
        let out = text(&d.run(args).stdout);
        assert!(
            out.contains("**Assumed** (not stated in the world):\n\n- `jobs/web.nomad`: planned as if every hand-written client"),
            "{args:?}: {out}"
        );
    }
}

#[test]
fn rehearse_says_the_note_under_the_plans_text() {
    let d = staged(
        "ac-rehearse",
        "edition = \"community\"\nserver {\n}\n",
        SERVICE,
    );
    let o = d.run(&["rehearse", "--samples", "0"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    assert!(out.contains(&format!("\nnote: {CONSUL}\n")), "{out}");
    let o = d.run(&["rehearse", "--samples", "0", "--format", "json"]);
    let v = json(&o.stdout);
    assert_eq!(v["steps"][0]["assumed"][0]["Note"], CONSUL, "{v}");
}

const SENTINEL_NOTE: &str = "planned as if no Sentinel policy applies: Nomad Enterprise 2.0.5 checks the job against its submit-job Sentinel policies before planning, which nomad-preflight cannot evaluate (state `sentinel = \"none\"` in rules/cluster.hcl when `nomad sentinel list` shows none, `\"policies\"` when it shows some)";

const SENTINEL_UNKNOWN: &str = "cannot tell what Nomad Enterprise 2.0.5 answers: its servers hold Sentinel policies (`sentinel = \"policies\"` in rules/cluster.hcl), which it enforces before planning and nomad-preflight cannot evaluate; judge the job on the cluster (`nomad job plan`)";

#[test]
fn an_unstated_sentinel_is_said_by_every_command() {
    let d = staged("ac-sent", "edition = \"enterprise\"\nserver {\n}\n", "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(text(&o.stderr), format!("note: {SENTINEL_NOTE}\n"));
    let o = d.run(&["check", "--staged", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    assert!(
        text(&o.stdout).contains(&format!("NP221 [advice] {SENTINEL_NOTE}")),
        "{}",
        text(&o.stdout)
    );
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    assert!(text(&o.stdout).contains(&format!("\nnote: {SENTINEL_NOTE}\n")));
    let o = d.run(&["rehearse", "--samples", "0"]);
    assert!(text(&o.stdout).contains(&format!("\nnote: {SENTINEL_NOTE}\n")));
}

#[test]
fn stated_sentinel_policies_are_cannot_tell_for_every_command() {
    let top = "edition = \"enterprise\"\nsentinel = \"policies\"\nserver {\n}\n";
    let d = staged("ac-pol", top, "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    assert_eq!(text(&o.stderr), format!("error: {SENTINEL_UNKNOWN}\n"));
    // The gate: the same line, the same exit code, whatever --gate says.
    for gate in [&["--gate"][..], &[][..]] {
        let mut args = vec!["plan", "--changed", "--staged"];
        args.extend(gate);
        let o = d.run(&args);
        assert_eq!(o.status.code(), Some(255), "{}", common::output_text(&o));
        let out = common::flat(&text(&o.stdout));
        assert!(out.contains(SENTINEL_UNKNOWN), "{out}");
        assert!(!out.contains("All tasks successfully allocated"), "{out}");
    }
    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    assert_eq!(o.status.code(), Some(255));
    let v = json(&o.stdout);
    assert_eq!(v["Plans"][0]["Errors"][0], SENTINEL_UNKNOWN, "{v}");
    // check: NP220 cannot tell, exit 2.
    let o = d.run(&["check", "--staged", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::output_text(&o));
    assert!(
        text(&o.stdout).contains(&format!("NP220 [error] {SENTINEL_UNKNOWN}")),
        "{}",
        text(&o.stdout)
    );
    // rehearse: the step says it cannot tell, as `plan` does; its
    // expectation cannot pass on a guess.
    let o = d.run(&["rehearse", "--samples", "0"]);
    assert_eq!(o.status.code(), Some(1), "{}", common::output_text(&o));
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("error: {SENTINEL_UNKNOWN}\n")),
        "{out}"
    );
    assert!(!out.contains("note: planned as if"), "{out}");
}

/// A deleted job's file is `nomad job stop` (Job.Deregister), which
/// enforces no submit-job policy: the gate knows it.
#[test]
fn a_stop_rests_on_no_sentinel_policy() {
    let top = "edition = \"enterprise\"\nsentinel = \"policies\"\nserver {\n}\n";
    let d = staged("ac-stop", top, "");
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    d.put(
        "rules/cluster.hcl",
        &format!("{cluster}running = [\"jobs/web.nomad\"]\n"),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    git(&d.0, &["rm", "-q", "jobs/web.nomad"]);
    d.put("rules/cluster.hcl", &cluster);
    git(&d.0, &["add", "rules/cluster.hcl"]);
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    let out = text(&o.stdout);
    assert!(!out.contains("cannot tell"), "{out}");
    // Nothing but the inferred index (tests/plan_modify_index_inferred.rs)
    // is noted: no sentinel policy.
    let notes: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("note:") && !l.starts_with("note: Job Modify Index "))
        .collect();
    assert!(notes.is_empty(), "{out}");
}
