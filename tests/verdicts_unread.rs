//! Issue 13, "the three commands never disagree", for what `plan` and
//! `validate` cannot state beside what they can: on the same file and
//! world, `validate`, `check` and `plan` give one verdict.
//!
//! - A job file we refuse to read (a link leading outside the project, a
//!   FIFO, a file over the size cap): Nomad's CLI reads it (go-getter's
//!   FileGetter links to it, command/helpers.go `JobGetter.Get` opens the
//!   link, v0.9.3 through v2.0.5), so what it says is not known: one
//!   "cannot tell" line and exit 255 from `plan` and `validate`, exit 2
//!   from `check` (it said 1, a definite refusal).
//! - A job the servers refuse for sure (Job.Validate's errors) whose list
//!   would also hold an entry the world leaves unknown (the Vault hook's):
//!   `validate` exits 1 as Nomad's does (it said 255, "cannot tell"), as
//!   `check` fails on the errors.
//! - A plan that cannot tell (preemption before 0.12 under an unstated
//!   edition): what the simulation finds beside it (allocations left
//!   unplaced, NP207; preemptions, NP403) is the plan `plan` refuses to
//!   state, so `check` marks it "cannot tell" too (it said 1).
//!
//! `NOMAD_PREFLIGHT_BIN` runs the same cases against another build (the
//! baseline, to see them fail there).

use crate::common;

use common::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary on `args` in `d` with `env`; a run that does not end in 60
/// seconds (a FIFO opened and waited on) fails the test.
fn run(d: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = std::env::var_os("NOMAD_PREFLIGHT_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(common::bin);
    let mut child = std::process::Command::new(bin)
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("VAULT_TOKEN")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{args:?} did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().expect("output");
    Run {
        code: o.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// One client in dc1 under Nomad `version`, its namespace listed.
fn world(tag: &str, cluster: &str) -> TempDir {
    let d = TempDir::new(&format!("agree-unread-{tag}"));
    d.put("rules/cluster.hcl", cluster);
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d
}

fn one_client(version: &str) -> String {
    format!("nomad_version = \"{version}\"\nregion = \"global\"\n\nclient \"web\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\n")
}

/// A job of one group: `top` at the job's top, `task` in its task.
fn job(name: &str, top: &str, count: u32, memory: u32, task: &str) -> String {
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n{top}  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25.3\"\n      }}\n{task}      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
}

/// `check --format json` of `file`: its exit code and findings.
fn check_json(d: &TempDir, file: &str, env: &[(&str, &str)]) -> (i32, Vec<serde_json::Value>) {
    let c = run(d, &["check", "--format", "json", file], env);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout)
        .unwrap_or_else(|e| panic!("{file}: check JSON: {e}\n{}{}", c.stdout, c.stderr));
    let findings = doc["findings"].as_array().expect("findings").clone();
    (c.code, findings)
}

/// A job file we refuse to read: `plan` and `validate` say one "cannot
/// tell" line (never `Error getting job struct`, Nomad's words for a file
/// it cannot get) and exit 255; `check` exits 2 with `io::read` marked
/// "cannot tell". Fails on the baseline: `check` exited 1, and `plan`
/// and `validate` printed Nomad's `Error opening file` for it.
#[cfg(unix)]
#[test]
fn a_job_file_we_refuse_to_read_cannot_tell_in_all_three() {
    let d = world("refused", &one_client("1.10.5"));
    let ok = job("web", "", 1, 16, "");
    // Outside the project: the link's target is a valid job.
    let outside = TempDir::new("agree-unread-outside");
    outside.put("web.nomad", &ok);
    std::os::unix::fs::symlink(outside.0.join("web.nomad"), d.0.join("out.nomad"))
        .expect("symlink");
    // A FIFO no one writes: Nomad's CLI would wait on it; ours must not.
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.0.join("pipe.nomad"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(fifo, "mkfifo");
    // Over the size cap (lowered here so the file stays small).
    let padded = format!("{ok}{}\n", "# padding ".repeat(200));
    d.put("big.nomad", &padded);
    let cap = [("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "1500")];
    for (file, why) in [
        ("out.nomad", "resolves outside the project root"),
        ("pipe.nomad", "not a regular file"),
        ("big.nomad", "over the 1500-byte limit"),
    ] {
        for cmd in ["validate", "plan"] {
            let o = run(&d, &[cmd, file], &cap);
            assert_eq!(o.code, 255, "{cmd} {file}\n{}{}", o.stdout, o.stderr);
            let first = o.stderr.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("error: cannot tell what Nomad says of this job file: ")
                    && first.contains(why),
                "{cmd} {file}\n{}",
                o.stderr
            );
            assert!(
                !o.stderr.contains("Error getting job struct"),
                "{cmd} {file}\n{}",
                o.stderr
            );
        }
        let c = run(&d, &["check", file], &cap);
        assert_eq!(c.code, 2, "check {file}\n{}{}", c.stdout, c.stderr);
        assert!(
            c.stderr
                .contains("error: cannot tell: 1 finding(s) (io::read)"),
            "check {file}\n{}",
            c.stderr
        );
        let (code, findings) = check_json(&d, file, &cap);
        assert_eq!(code, 2, "check json {file}");
        assert!(
            findings.iter().any(|f| f["code"] == "io::read"
                && f["cannot_tell"] == true
                && f["message"].as_str().is_some_and(|m| m.contains(why))),
            "{file}: {findings:?}"
        );
    }
}

/// Guards, passing before and after: what Nomad's CLI cannot get is its
/// own definite answer (go-getter's words), `validate` 1 and `plan` 255;
/// a file the system lets anyone read is judged as written.
#[test]
fn what_nomad_cannot_get_stays_nomads_definite_answer() {
    let d = world("getter", &one_client("1.10.5"));
    std::fs::create_dir_all(d.0.join("dir.nomad")).expect("dir");
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        let o = run(&d, &[cmd, "dir.nomad"], &[]);
        assert_eq!(o.code, code, "{cmd}\n{}", o.stderr);
        assert!(
            o.stderr.starts_with(
                "Error getting job struct: Error getting jobfile from \"dir.nomad\": source path must be a file"
            ),
            "{cmd}\n{}",
            o.stderr
        );
    }
}

/// Vault the world leaves unknown beside a priority Job.Validate refuses:
/// the servers refuse the job whatever the Vault hook says. `validate`
/// exits 1 as Nomad's validate does (it said 255), with the one line that
/// says only the words are unknown; `plan` 255; `check` 1 on the error.
#[test]
fn a_sure_refusal_with_an_unknown_entry_is_a_refusal_in_all_three() {
    let d = world("vault", &one_client("1.10.5"));
    let vault = "      vault {\n        policies = [\"x\"]\n      }\n";
    d.put("v.nomad", &job("v", "  priority    = 200\n", 1, 16, vault));
    let v = run(&d, &["validate", "v.nomad"], &[]);
    assert_eq!(v.code, 1, "validate\n{}{}", v.stdout, v.stderr);
    let line = "error: Nomad refuses this job (the errors below), but the whole of what it prints is not known: cannot tell whether Nomad 1.10.5's servers accept job \"v\": it uses Vault";
    assert!(v.stderr.starts_with(line), "validate\n{}", v.stderr);
    assert!(
        v.stderr.contains("Job priority must be between [1, 100]"),
        "{}",
        v.stderr
    );
    let p = run(&d, &["plan", "v.nomad"], &[]);
    assert_eq!(p.code, 255, "plan\n{}{}", p.stdout, p.stderr);
    assert!(p.stderr.starts_with(line), "plan\n{}", p.stderr);
    let (code, findings) = check_json(&d, "v.nomad", &[]);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "jobspec::range" && f["cannot_tell"] != true),
        "{findings:?}"
    );
    // Guard (both ways): Vault unknown alone leaves the answer unknown.
    d.put("ok.nomad", &job("ok", "", 1, 16, vault));
    let v = run(&d, &["validate", "ok.nomad"], &[]);
    assert_eq!(v.code, 255, "validate ok\n{}{}", v.stdout, v.stderr);
}

/// Preemption before 0.12 under an unstated edition: `plan` cannot tell.
/// The simulation's preemptions (NP403) and the allocation it leaves
/// unplaced (NP207) are that plan: `check` marks them "cannot tell" and
/// exits 2, with `--deny warnings` too. The baseline exited 1 on them.
#[test]
fn what_the_simulation_finds_beside_a_plan_that_cannot_tell_cannot_tell_either() {
    let d = world(
        "preempt",
        "nomad_version = \"0.11.8\"\nregion = \"global\"\nscheduler {\n  preemption {\n    service = true\n  }\n}\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 50000\n  drivers    = [\"docker\"]\n}\nrunning = [\"jobs/low.nomad\"]\n",
    );
    let prio = |p: u32| format!("  priority    = {p}\n");
    d.put("jobs/low.nomad", &job("low", &prio(20), 1, 3500, ""));
    // Four of 1100 MB: three fit once `low` is preempted, one does not.
    d.put("svc.nomad", &job("svc", &prio(60), 4, 1100, ""));
    d.put("one.nomad", &job("one", &prio(60), 1, 1100, ""));
    for file in ["svc.nomad", "one.nomad"] {
        let p = run(&d, &["plan", file], &[]);
        assert_eq!(p.code, 255, "plan {file}\n{}{}", p.stdout, p.stderr);
        assert!(p.stderr.starts_with("error: cannot tell"), "{}", p.stderr);
        for deny in [&[][..], &["--deny", "warnings"][..]] {
            let mut args = vec!["check", "--format", "json"];
            args.extend_from_slice(deny);
            args.push(file);
            let c = run(&d, &args, &[]);
            assert_eq!(c.code, 2, "{args:?}\n{}{}", c.stdout, c.stderr);
            let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("JSON");
            let findings = doc["findings"].as_array().expect("findings");
            let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
            let want: &[&str] = if file == "svc.nomad" {
                &["NP225", "NP207", "NP403"]
            } else {
                &["NP225", "NP403"]
            };
            for code in want {
                assert!(codes.contains(code), "{args:?}: {codes:?}");
            }
            assert!(
                findings.iter().all(|f| f["cannot_tell"] == true),
                "{args:?}: {findings:?}"
            );
        }
    }
    // Guard (both ways): the edition stated, the plan is known and so are
    // its findings: a definite failure.
    let stated = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("world");
    d.put(
        "rules/cluster.hcl",
        &stated.replace("region = ", "edition = \"enterprise\"\nregion = "),
    );
    let c = run(&d, &["check", "svc.nomad"], &[]);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    assert!(c.stdout.contains("NP207"), "{}", c.stdout);
}
