//! rt17e R17-52: naming paths (`check --base main jobs/`, `check --staged
//! jobs/b.nomad`) chose which files are reported and also dropped the rest
//! of the change from the world each is judged in: a world change, a
//! deleted running job, other staged job files. docs/ci.md "Never silently
//! empty or partial": the named files are judged in the world the whole
//! change leaves.

use crate::common;

fn cluster(memory: u32, running: &str) -> String {
    format!(
        "nomad_version = \"1.7.7\"\nregion = \"global\"\nclient \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = {memory}\n  disk = 10000\n  drivers = [\"docker\"]\n}}\nrunning = [{running}]\n"
    )
}

fn job(name: &str, memory: u32) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 500\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn repo(tag: &str, memory: u32, running: &str) -> common::TempDir {
    let d = common::TempDir::new(&format!("named-whole-{tag}"));
    d.put("rules/cluster.hcl", &cluster(memory, running));
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    d
}

fn commit(d: &common::TempDir) {
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "c"]);
}

/// (exit code, concise output).
fn check(d: &common::TempDir, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check", "--output-format", "concise"];
    all.extend_from_slice(args);
    let o = d.run(&all);
    (o.status.code(), common::output_text(&o))
}

/// t5: the change lowers the clients' memory and adds a job that fitted
/// the old clients only.
#[test]
fn a_world_change_outside_the_named_folder_is_read() {
    let d = repo("t5", 4000, "");
    commit(&d);
    d.put("rules/cluster.hcl", &cluster(2000, ""));
    d.put("jobs/b.nomad", &job("b", 2500));
    let (code, whole) = check(&d, &["--base", "main"]);
    assert_eq!(code, Some(1), "{whole}");
    let (code, named) = check(&d, &["--base", "main", "jobs/"]);
    assert_eq!(code, Some(1), "{named}");
    assert!(
        named.contains("jobs/b.nomad:3:9: NP201 [error] group \"g\" cannot fit on any client: memory 2500 MB > 2000 MB (under the world as this change leaves it)"),
        "{named}"
    );
}

/// t2: the change deletes a running job's file (outside `jobs/`).
#[test]
fn a_deleted_running_job_outside_the_named_folder_is_read() {
    let d = repo("t2", 4000, "\"run/low.nomad\"");
    d.put("run/low.nomad", &job("low", 500));
    d.put("jobs/hi.nomad", &job("hi", 500));
    commit(&d);
    std::fs::remove_file(d.0.join("run/low.nomad")).unwrap();
    let (code, named) = check(&d, &["--base", "main", "jobs/"]);
    assert_eq!(code, Some(1), "{named}");
    assert!(
        named.contains("check::deleted-running-job [error] run/low.nomad is deleted by this change but still listed in `running`"),
        "{named}"
    );
}

/// t1: two staged jobs that fit one at a time; naming the second judges it
/// after the first, as the whole change submits them.
#[test]
fn other_staged_job_files_are_earlier_steps_of_a_named_one() {
    let d = repo("t1", 4000, "");
    commit(&d);
    d.put("jobs/a.nomad", &job("a", 2500));
    d.put("jobs/b.nomad", &job("b", 2500));
    common::git(&d.0, &["add", "-A"]);
    let (code, named) = check(&d, &["--staged", "jobs/b.nomad"]);
    assert_eq!(code, Some(1), "{named}");
    assert!(
        named.contains("jobs/b.nomad:4:5: NP207 [error] 1 allocation(s) of group \"g\" cannot be placed: memory exhausted on 1 nodes (caused by jobs/a.nomad (job \"a\") earlier in this change set"),
        "{named}"
    );
    // Only the named file is reported.
    assert!(!named.contains("jobs/a.nomad:"), "{named}");
}
