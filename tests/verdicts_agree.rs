//! `validate`, `plan` and `check` on the same file and world give the same
//! verdict: a job the world's Nomad release refuses (a feature it predates,
//! a server-side validation error, an admission refusal) is refused by all
//! three, with the same Nomad text from `validate` and `plan` where Nomad's
//! two commands print the same; a job it accepts is refused by none. Each
//! case runs in a temporary project whose `rules/` gives the version, and
//! `validate` takes that version from the world as the other two do.

use crate::common;

use common::{run_in, TempDir};

/// The rules that report Nomad's admission refusals (missing node pool,
/// Connect hook refusal, the job invalid once mutated, the community
/// edition's refusal of Enterprise's features, missing namespace, driver
/// not allowed): a job the server refuses is refused by `check` through
/// one of these.
const ADMISSION_REFUSALS: &[&str] = &["NP208", "NP209", "NP214", "NP217", "NP302", "NP306"];

/// A 1-client cluster in dc1 under `version`, with namespace `default`
/// (allowing only `docker` when `docker_only`).
fn project(name: &str, version: &str, docker_only: bool, job: &str) -> TempDir {
    project_of(name, version, None, docker_only, job)
}

/// [`project`] whose cluster.hcl states the servers' `edition`.
fn project_of(
    name: &str,
    version: &str,
    edition: Option<&str>,
    docker_only: bool,
    job: &str,
) -> TempDir {
    let dir = TempDir::new(&format!("agree-{name}"));
    let rules = dir.0.join("rules");
    std::fs::create_dir_all(rules.join("namespaces")).expect("mkdir");
    std::fs::write(
        rules.join("cluster.hcl"),
        format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n{}client \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  network_mbits = 1000\n  drivers = [\"docker\", \"exec\"]\n}}\n",
            edition.map_or(String::new(), |e| format!("edition = \"{e}\"\n"))
        ),
    )
    .expect("cluster");
    let caps = if docker_only {
        "capabilities {\n  enabled_task_drivers = [\"docker\"]\n}\n"
    } else {
        ""
    };
    std::fs::write(
        rules.join("namespaces/default.hcl"),
        format!("name = \"default\"\n{caps}"),
    )
    .expect("namespace");
    std::fs::write(dir.0.join("job.nomad"), job).expect("job");
    dir
}

/// A job: `head` goes at the job's top, `group` into its one group, `task`
/// into its one task.
fn job(head: &str, group: &str, task: &str) -> String {
    format!(
        "job \"app\" {{\n  datacenters = [\"dc1\"]\n{head}  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n{task}    }}\n  }}\n}}\n"
    )
}

#[derive(Debug)]
struct Verdicts {
    validate: i32,
    validate_err: String,
    plan: i32,
    plan_err: String,
    /// Nomad's plan was silent, and our warning says the submission fails.
    plan_warned: bool,
    check: i32,
    /// `check` reported an error from the front end or an admission rule.
    check_refused: bool,
}

fn verdicts(dir: &TempDir) -> Verdicts {
    verdicts_with(dir, &[])
}

/// [`verdicts`] with the same `extra` flags given to the three commands.
fn verdicts_with(dir: &TempDir, extra: &[&str]) -> Verdicts {
    let with = |args: &[&'static str]| -> Vec<&str> {
        args.iter().copied().chain(extra.iter().copied()).collect()
    };
    let v = run_in(&dir.0, &with(&["validate", "job.nomad"]));
    let p = run_in(&dir.0, &with(&["plan", "job.nomad"]));
    let plan_warned = p.code == 1 && p.stdout.contains(WARNING);
    let c = run_in(&dir.0, &with(&["check", "--format", "json", "job.nomad"]));
    let doc: serde_json::Value = serde_json::from_str(&c.stdout)
        .unwrap_or_else(|e| panic!("check JSON: {e}\n{}{}", c.stdout, c.stderr));
    let refusing = |code: &str| code.starts_with("jobspec::") || ADMISSION_REFUSALS.contains(&code);
    let check_refused = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["severity"] == "error" && f["code"].as_str().is_some_and(refusing));
    Verdicts {
        validate: v.code,
        validate_err: v.stderr,
        plan: p.code,
        plan_err: p.stderr,
        plan_warned,
        check: c.code,
        check_refused,
    }
}

/// The first lines of Nomad's own text (before our located diagnostics).
fn nomad_text(stderr: &str) -> String {
    stderr
        .split("\njobspec::")
        .next()
        .unwrap_or_default()
        .to_string()
}

struct Case {
    name: &'static str,
    version: &'static str,
    /// The servers' edition, as cluster.hcl states it.
    edition: Option<&'static str>,
    docker_only: bool,
    job: String,
    refused: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, version, docker_only, job: String, refused| Case {
        name,
        version,
        edition: None,
        docker_only,
        job,
        refused,
    };
    let pool = job("  node_pool = \"default\"\n", "", "");
    let missing_pool = job("  node_pool = \"gpu\"\n", "", "");
    let sysbatch = job("  type = \"sysbatch\"\n", "", "");
    let network = job("", "    network {\n      port \"http\" {}\n    }\n", "");
    let connect = job(
        "",
        "",
        "      service {\n        name = \"api\"\n        connect {\n          native = true\n        }\n      }\n",
    );
    let volume = job(
        "",
        "    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n",
        "",
    );
    let scaling = job("", "    scaling {\n      max = 3\n    }\n", "");
    let ui = job("  ui {\n    description = \"x\"\n  }\n", "", "");
    let star = job("", "", "").replace("[\"dc1\"]", "[\"*\"]");
    let plain = job("", "", "");
    let monitor = job("  namespace = \"monitor\"\n", "", "");
    // A label on a block that takes none: hclsyntax's error from 1.0;
    // HCL1 reads it as a key parseService never looks at (v0.12.12
    // jobspec/parse_service.go decodes the item's value only).
    // validateServices (structs.go): a numeric task service port is a
    // literal port only in driver mode; a group network's port is in a task
    // service's scope only from 1.0.0 (c291dd1e94, GH-8780).
    let numeric = job(
        "",
        "",
        "      service {\n        name = \"api\"\n        port = \"8080\"\n      }\n",
    );
    let driver = numeric.replace(
        "port = \"8080\"\n",
        "port = \"8080\"\n        address_mode = \"driver\"\n",
    );
    let group_port = job(
        "",
        "    network {\n      port \"http\" {}\n    }\n",
        "      service {\n        name = \"api\"\n        port = \"http\"\n      }\n",
    );
    let labelled = job(
        "",
        "",
        "      service \"x\" {\n        name = \"api\"\n      }\n",
    );
    // Enterprise's features: unknown keys before their release, then
    // refused by the community edition's admission hooks.
    let of = |name, version, edition, job: &String, refused| Case {
        name,
        version,
        edition: Some(edition),
        docker_only: false,
        job: job.clone(),
        refused,
    };
    let numa = numa_job();
    let schedule = schedule_job();
    let consul = job("", "    consul {\n      cluster = \"other\"\n    }\n", "");
    let enterprise = vec![
        of("numa-1.6", "1.6.0", "enterprise", &numa, true),
        of("numa-1.7-ce", "1.7.0", "community", &numa, true),
        of("numa-1.7-ent", "1.7.0", "enterprise", &numa, false),
        of("numa-2.0-ce", "2.0.5", "community", &numa, true),
        of("schedule-1.7", "1.7.7", "enterprise", &schedule, true),
        of("schedule-1.8-ce", "1.8.0", "community", &schedule, true),
        of("schedule-1.8-ent", "1.8.0", "enterprise", &schedule, false),
        of("consul-cluster-1.6", "1.6.0", "community", &consul, true),
        of("consul-cluster-1.7-ce", "1.7.0", "community", &consul, true),
        of(
            "consul-cluster-1.7-ent",
            "1.7.0",
            "enterprise",
            &consul,
            false,
        ),
    ];
    enterprise
        .into_iter()
        .chain(vec![
            case("pool-1.5", "1.5.6", false, pool.clone(), true),
            case("pool-0.12", "0.12.9", false, pool.clone(), true),
            case("pool-1.6", "1.6.0", false, pool, false),
            case(
                "missing-pool-1.6",
                "1.6.0",
                false,
                missing_pool.clone(),
                true,
            ),
            case("missing-pool-2.0", "2.0.5", false, missing_pool, true),
            case("sysbatch-1.1", "1.1.0", false, sysbatch.clone(), true),
            case("sysbatch-1.2", "1.2.0", false, sysbatch, false),
            case("network-0.9", "0.9.3", false, network.clone(), true),
            case("network-0.10", "0.10.0", false, network, false),
            case("connect-0.9", "0.9.3", false, connect.clone(), true),
            case("connect-0.10", "0.10.0", false, connect, false),
            case("volume-0.9", "0.9.3", false, volume.clone(), true),
            case("volume-0.10", "0.10.0", false, volume, false),
            case("scaling-0.10", "0.10.9", false, scaling.clone(), true),
            case("scaling-0.11", "0.11.0", false, scaling, false),
            case("ui-1.7", "1.7.7", false, ui.clone(), true),
            case("ui-1.8", "1.8.0", false, ui, false),
            // Not refused before 1.5: a datacenter named "*" (nothing placed).
            case("star-1.4", "1.4.0", false, star.clone(), false),
            case("star-1.5", "1.5.0", false, star, false),
            // A missing namespace: 0.9.3 plans silently and validate never
            // checked it before 1.3; both warn after Nomad's text and exit 1.
            case("ns-0.9", "0.9.3", false, monitor.clone(), true),
            case("ns-1.2", "1.2.0", false, monitor.clone(), true),
            case("ns-2.0", "2.0.5", false, monitor, true),
            case("numeric-port-2.0", "2.0.5", false, numeric, true),
            case("numeric-port-driver-2.0", "2.0.5", false, driver, false),
            case(
                "group-port-0.12",
                "0.12.12",
                false,
                group_port.clone(),
                true,
            ),
            case("group-port-1.0", "1.0.0", false, group_port, false),
            case("label-0.12", "0.12.12", false, labelled.clone(), false),
            case("label-1.0", "1.0.0", false, labelled.clone(), true),
            case("label-2.0", "2.0.5", false, labelled, true),
            case("driver-1.2", "1.2.0", true, plain.clone(), false),
            case("driver-1.3", "1.3.0", true, plain.clone(), true),
            case("driver-2.0", "2.0.5", true, plain, true),
        ])
        .collect()
}

/// A task asking for NUMA-aware placement of its cores (Enterprise's).
fn numa_job() -> String {
    job("", "", "").replace(
        "        cpu    = 100\n        memory = 128\n",
        "        cores  = 1\n        memory = 128\n        numa {\n          affinity = \"require\"\n        }\n",
    )
}

/// A task schedule (Enterprise's).
fn schedule_job() -> String {
    job(
        "",
        "",
        "      schedule {\n        cron {\n          start    = \"0 12 * * * *\"\n          end      = \"0 16\"\n          timezone = \"UTC\"\n        }\n      }\n",
    )
}

#[test]
fn validate_plan_and_check_agree_on_every_case() {
    for c in cases() {
        let dir = project_of(c.name, c.version, c.edition, c.docker_only, &c.job);
        let v = verdicts(&dir);
        let what = format!("{} (Nomad {}): {v:#?}", c.name, c.version);
        // validate: 1 refused, 0 accepted.
        assert_eq!(v.validate, if c.refused { 1 } else { 0 }, "{what}");
        // plan: 255 when refused (Nomad's error), or exit 1 with our
        // warning where that release's plan is silent; otherwise it plans,
        // or says it cannot tell (255 too: a NUMA task reserves cores,
        // which no world states, tests/plan_cores.rs).
        let unknown = v.plan_err.starts_with("error: cannot tell");
        assert_eq!(
            (v.plan == 255 && !unknown) || v.plan_warned,
            c.refused,
            "{what}"
        );
        // check: a refusing error exactly when refused; it fails then, and
        // where the plan cannot tell.
        assert_eq!(v.check_refused, c.refused, "{what}");
        // A refusal is definite (exit 1); a plan that cannot tell is
        // check's "cannot tell" (exit 2) unless a refusal comes first.
        if c.refused {
            assert_eq!(v.check, 1, "{what}");
        } else if unknown {
            assert_eq!(v.check, 2, "{what}");
        }
        // Where Nomad's plan and validate both stop at the CLI's parser,
        // they print the same text.
        let plan_text = nomad_text(&v.plan_err);
        if plan_text.starts_with("Error getting job struct: ") {
            assert_eq!(plan_text, nomad_text(&v.validate_err), "{what}");
        }
    }
}

/// Outside any project the three commands judge by one rule: the demo
/// world compiled in (Nomad 0.9.3), said so on stderr by each, and
/// `--nomad-version` names another release for all three alike.
#[test]
fn outside_a_project_the_three_judge_by_the_same_release() {
    let dir = TempDir::new("agree-noworld");
    // `datacenters` may be left out from Nomad 1.5 (it defaults to "*").
    let text = job("", "", "").replace("  datacenters = [\"dc1\"]\n", "");
    std::fs::write(dir.0.join("job.nomad"), text).expect("job");
    let v = verdicts(&dir);
    let what = format!("{v:#?}");
    assert_eq!(v.validate, 1, "{what}");
    assert_eq!(v.plan, 255, "{what}");
    assert!(v.check_refused, "{what}");
    for err in [&v.validate_err, &v.plan_err] {
        assert!(
            err.contains("no rules/cluster.hcl found") && err.contains("the demo world"),
            "{what}"
        );
    }
    let v = verdicts_with(&dir, &["--nomad-version", "1.5.0"]);
    let what = format!("{v:#?}");
    assert_eq!(v.validate, 0, "{what}");
    assert!(v.plan != 255 && !v.plan_warned, "{what}");
    assert!(!v.check_refused, "{what}");
    assert!(v.plan_err.contains("judged as Nomad 1.5.0"), "{what}");
}

/// Nomad's text for the gated features, byte for byte, at the release that
/// refuses them.
#[test]
fn refusals_are_worded_as_each_release_words_them() {
    let by_name = |name: &str| cases().into_iter().find(|c| c.name == name).expect("case");
    let run = |name: &str| {
        let c = by_name(name);
        let dir = project_of(
            &format!("text-{name}"),
            c.version,
            c.edition,
            c.docker_only,
            &c.job,
        );
        verdicts(&dir)
    };
    let v = run("pool-1.5");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad:\njob.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.\n"), "{}", v.plan_err);
    let v = run("pool-0.12");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error occurred:\n\t* job: invalid key: node_pool\n\n"), "{}", v.plan_err);
    let v = run("network-0.9");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error(s) occurred:\n\n* group: 'g' -> invalid key: network\n"), "{}", v.plan_err);
    let v = run("connect-0.9");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error(s) occurred:\n\n* group: 'g', task: 't', service (0) -> invalid key: connect\n"), "{}", v.plan_err);
    let v = run("volume-0.9");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error(s) occurred:\n\n* group: 'g' -> invalid key: volume\n"), "{}", v.plan_err);
    let v = run("ui-1.7");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad:\njob.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.\n"), "{}", v.plan_err);
    let v = run("sysbatch-1.1");
    assert!(v.plan_err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"sysbatch\"\n\n)\n"), "{}", v.plan_err);
    assert!(
        v.validate_err.starts_with(
            "Job validation errors:\n1 error occurred:\n\t* Invalid job type: \"sysbatch\"\n\n"
        ),
        "{}",
        v.validate_err
    );
    let v = run("driver-1.3");
    assert!(v.validate_err.starts_with("Job validation errors:\n1 error occurred:\n\t* used task driver \"exec\" is not allowed in namespace \"default\"\n\n"), "{}", v.validate_err);
    let v = run("numa-1.7-ce");
    assert_eq!(v.plan_err, "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* numa scheduling requires Nomad Enterprise)\n");
    assert!(
        v.validate_err.starts_with(
            "Job validation errors:\n1 error occurred:\n\t* numa scheduling requires Nomad Enterprise\n\n"
        ),
        "{}",
        v.validate_err
    );
    let v = run("consul-cluster-1.7-ce");
    assert_eq!(v.plan_err, "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* non-default Consul cluster requires Nomad Enterprise)\n");
    let v = run("schedule-1.8-ce");
    assert_eq!(v.plan_err, "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* task schedules requires Nomad Enterprise)\n");
    let v = run("schedule-1.7");
    assert!(
        v.plan_err.starts_with(
            "Error getting job struct: Error parsing job file from job.nomad:\njob.nomad:"
        ),
        "{}",
        v.plan_err
    );
    let v = run("missing-pool-2.0");
    assert_eq!(v.plan_err, "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* job \"app\" is in nonexistent node pool \"gpu\")\n");
    // Before 1.5 "*" is a name: the hint says so on every command.
    let v = run("star-1.4");
    assert!(
        v.validate_err
            .contains("matches every datacenter only from Nomad 1.5.0"),
        "{}",
        v.validate_err
    );
    assert!(
        v.plan_err
            .contains("matches every datacenter only from Nomad 1.5.0"),
        "{}",
        v.plan_err
    );
}

/// The section our warning opens after Nomad's text.
const WARNING: &str = "== nomad-preflight: warning (not part of Nomad's output) ==";

/// The verdicts of the three commands on one corpus file: (validate
/// refused, plan refused, check refused), `None` where validate could not
/// read it (exit 255: I/O, not a verdict).
fn corpus_verdicts(dir: &TempDir, file: &std::path::Path) -> Option<(bool, bool, bool)> {
    let file = file.to_str()?;
    let v = run_in(&dir.0, &["validate", file]);
    if v.code == 255 {
        return None;
    }
    let p = run_in(&dir.0, &["plan", file]);
    let c = run_in(&dir.0, &["check", "--format", "json", file]);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout).ok()?;
    let refusing = |code: &str| {
        code.starts_with("jobspec::")
            || code.starts_with("hcl::")
            || ADMISSION_REFUSALS.contains(&code)
    };
    let check_refused = doc["findings"]
        .as_array()?
        .iter()
        .any(|f| f["severity"] == "error" && f["code"].as_str().is_some_and(refusing));
    // plan exits 255 for a file it refuses; `Error during plan` and
    // `Error getting job struct` are Nomad's refusals.
    // Where Nomad's plan is silent about a submission that will fail (a
    // missing namespace before 0.12.2), our warning follows and plan exits 1.
    // A sure refusal whose whole text we do not know (Job.Validate's errors
    // beside an entry the world leaves unknown) is a refusal too: plan
    // exits 255 with that line, validate 1.
    let plan_refused = (p.code == 255
        && (p.stderr.starts_with("Error getting job struct: ")
            || p.stderr.starts_with("Error during plan: ")
            || p.stderr
                .starts_with("error: Nomad refuses this job (the errors below)")))
        || (p.code == 1 && p.stdout.contains(WARNING));
    Some((v.code == 1, plan_refused, check_refused))
}

/// Issue 13's sweep: every corpus job under a 0.9.3, a 1.6 and a 2.0 world
/// gets one verdict from validate, plan and check.
#[test]
#[ignore = "optional sweep over ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_verdicts_agree_under_three_releases() {
    let jobs = common::shared_input("PREFLIGHT_CORPUS", "corpus").join("jobs");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&jobs)
        .unwrap_or_else(|e| panic!("{} not readable: {e}", jobs.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".nomad") || n.ends_with(".hcl")
        })
        .collect();
    files.sort();
    assert!(files.len() > 100, "only {} corpus files", files.len());
    let mut disagree = Vec::new();
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        let dir = project(
            &format!("corpus-{version}"),
            version,
            false,
            &job("", "", ""),
        );
        let (mut refused, mut accepted, mut unread) = (0, 0, 0);
        for f in &files {
            match corpus_verdicts(&dir, f) {
                None => unread += 1,
                Some((v, p, c)) if v == p && p == c => {
                    if v {
                        refused += 1
                    } else {
                        accepted += 1
                    }
                }
                Some(verdicts) => disagree.push(format!(
                    "{version} {}: validate/plan/check refused = {verdicts:?}",
                    f.file_name().unwrap_or_default().to_string_lossy()
                )),
            }
        }
        eprintln!(
            "Nomad {version}: {} files, {refused} refused by all three, {accepted} accepted by all three, {unread} unreadable",
            files.len()
        );
    }
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
}

/// Where the world does not say which edition the servers run, a job using
/// Enterprise's features cannot be judged: each command says so in one
/// line (exit 255), never Nomad's success text.
#[test]
fn an_unstated_edition_is_cannot_tell_for_enterprise_features() {
    for (name, version, text) in [
        ("numa", "1.7.0", numa_job()),
        ("schedule", "2.0.5", schedule_job()),
        (
            "consul",
            "1.7.0",
            job("", "    consul {\n      cluster = \"other\"\n    }\n", ""),
        ),
    ] {
        let dir = project(&format!("edition-{name}"), version, false, &text);
        let v = verdicts(&dir);
        let what = format!("{name} (Nomad {version}): {v:#?}");
        assert_eq!(v.validate, 255, "{what}");
        assert_eq!(v.plan, 255, "{what}");
        for err in [&v.validate_err, &v.plan_err] {
            assert!(
                err.starts_with("error: cannot tell whether Nomad ")
                    && err.contains("which Nomad Enterprise schedules"),
                "{what}"
            );
        }
        // NP217's "edition not stated" cannot tell: exit 2.
        assert_eq!(v.check, 2, "{what}");
        let c = run_in(&dir.0, &["check", "--format", "json", "job.nomad"]);
        assert!(c.stdout.contains("\"NP217\""), "{what}\n{}", c.stdout);
    }
}

/// The community edition's hooks are the validators' last entries: after
/// jobValidate's items (nomad/job_endpoint.go `admissionValidators`).
#[test]
fn the_community_hooks_follow_job_validate() {
    let text = numa_job().replace(
        "  datacenters = [\"dc1\"]\n",
        "  datacenters = [\"dc1\"]\n  priority    = 500\n",
    );
    let dir = project_of("edition-order", "1.7.0", Some("community"), false, &text);
    let v = verdicts(&dir);
    assert!(v.plan_err.starts_with("Error during plan: Unexpected response code: 500 (2 errors occurred:\n\t* job priority must be between [1, 100]\n\t* numa scheduling requires Nomad Enterprise)\n"), "{v:#?}");
    assert!(v.validate_err.starts_with("Job validation errors:\n2 errors occurred:\n\t* job priority must be between [1, 100]\n\t* numa scheduling requires Nomad Enterprise\n\n"), "{v:#?}");
    // The Consul hook is the fourth validator: before jobValidate's items.
    let text = text.replace(
        "  group \"g\" {\n",
        "  group \"g\" {\n    consul {\n      cluster = \"other\"\n    }\n",
    );
    let dir = project_of(
        "edition-order-consul",
        "1.7.0",
        Some("community"),
        false,
        &text,
    );
    let v = verdicts(&dir);
    assert!(v.validate_err.starts_with("Job validation errors:\n3 errors occurred:\n\t* non-default Consul cluster requires Nomad Enterprise\n\t* job priority must be between [1, 100]\n\t* numa scheduling requires Nomad Enterprise\n\n"), "{v:#?}");
}

/// Before 0.12 a group network is offered like a task's (AssignNetwork,
/// scheduler/rank.go at v0.10.0 and v0.11.8): its `mbits` are asked of
/// the device, so one asking more than the clients' 1000 Mbits fails the
/// plan and `check` (NP207) alike. A system job's nodes each try
/// preemption, which cannot free bandwidth, and the BinPackIterator drops
/// them without a metric (before 1.7.5): Nomad's plan gives no reason, and
/// `check` says why there is none instead of an empty one.
#[test]
fn a_group_network_exhausting_bandwidth_before_0_12_fails_plan_and_check() {
    let group = "    network {\n      mbits = 2000\n      port \"http\" {}\n    }\n";
    for version in ["0.10.0", "0.11.8"] {
        for system in [false, true] {
            let head = if system { "  type = \"system\"\n" } else { "" };
            let name = format!("bw-{version}-{system}");
            let dir = project(&name, version, false, &job(head, group, ""));
            let p = run_in(&dir.0, &["plan", "job.nomad"]);
            assert_eq!(p.code, 1, "{name}: {}{}", p.stdout, p.stderr);
            assert!(
                p.stdout.contains("- WARNING: Failed to place"),
                "{name}: {}",
                p.stdout
            );
            let c = run_in(&dir.0, &["check", "job.nomad"]);
            assert_ne!(c.code, 0, "{name}: {}", c.stdout);
            let why = if system {
                "cannot be placed: 2 node(s) evaluated, each dropped without a metric"
            } else {
                "cannot be placed: network: bandwidth exceeded exhausted on 2 nodes"
            };
            assert!(c.stdout.contains(why), "{name}: {}", c.stdout);
        }
    }
}
