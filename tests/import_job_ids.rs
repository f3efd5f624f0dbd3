//! Job IDs as Nomad allows them: any character but a space or NUL
//! (nomad/structs Job.Validate), `/` in every periodic or dispatched child
//! (`report/periodic-1764547200`: structs.go@v1.7.2 PeriodicLaunchSuffix,
//! DispatchLaunchSuffix). `import --print-commands` saves each job and its
//! versions under jq's `@uri` of the ID, the import reads the ID from
//! inside the file, and a job jobs.json lists that no file holds is named
//! (redteam9 R9-1). Every path stays inside the import folder.

use crate::common;

use common::batch::{job_json, nodes};
use common::{run_in, TempDir};
use serde_json::{json, Value};

const CHILD: &str = "report/periodic-1764547200";

/// A service job asking 1500 MHz: it fits on the 4000 MHz node only if
/// the child's 3000 MHz allocation is not counted.
const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 1500\n        memory = 64\n      }\n    }\n  }\n}\n";

/// The periodic child at `version`, as `/v1/job/:id` answers (2.0.5).
fn child(version: u64) -> Value {
    job_json(
        json!({"ID": CHILD, "Name": CHILD, "ParentID": "report", "Version": version,
        "CreateIndex": 25, "ModifyIndex": 25 + version, "JobModifyIndex": 25 + version}),
    )
}

/// The child's running allocation of `version`, in the list form
/// (`/v1/allocations?resources=true`: no `Job`), holding 3000 MHz.
fn child_alloc(version: u64) -> Value {
    let mut a = common::batch::alloc(
        1,
        0,
        &child(version),
        json!({"JobID": CHILD, "Name": format!("{CHILD}.g[0]"), "JobVersion": version,
            "ClientStatus": "running",
            "TaskStates": {"t": {"State": "running", "Failed": false}},
            "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 3000}, "Memory": {"MemoryMB": 300}}},
                "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}}}),
    );
    a.as_object_mut().unwrap().remove("Job");
    a
}

/// A 2.0.5 import of one node running the child's allocation (of
/// `alloc_version`), jobs.json listing `listed`; no job file yet.
fn cluster(tag: &str, alloc_version: u64, listed: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", &nodes());
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "2.0.5", "region": "global"}}}"#,
    );
    let allocs = if alloc_version == u64::MAX {
        json!([])
    } else {
        json!([child_alloc(alloc_version)])
    };
    d.put("import/allocations.json", &allocs.to_string());
    let list: Vec<Value> = listed
        .iter()
        .map(|(ns, id)| json!({"ID": id, "Namespace": ns, "Type": "batch", "Status": "running"}))
        .collect();
    d.put("import/jobs.json", &Value::Array(list).to_string());
    d.put("import/deployments.json", "[]");
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    d.put("web.nomad", WEB);
    d
}

fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "import", "web.nomad"])
}

/// The child's allocation is counted: web no longer fits.
fn assert_child_counted(o: &common::Out) {
    assert!(
        o.code != 255 && o.stdout.contains("Failed to place all allocations"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stderr.contains("import::alloc-job"), "{}", o.stderr);
}

/// The versions of a job whose ID holds `/` are read from the file the
/// printed commands save (`job-versions/default/report%2F....json`): the
/// allocation runs version 0 while version 1 is registered.
#[test]
fn versions_of_a_child_job_are_read() {
    let d = cluster("job-ids-versions", 0, &[("default", CHILD)]);
    let name = "report%2Fperiodic-1764547200.json";
    d.put(
        &format!("import/jobs/default/{name}"),
        &child(1).to_string(),
    );
    d.put(
        &format!("import/job-versions/default/{name}"),
        &json!({"Versions": [child(1), child(0)], "Diffs": null}).to_string(),
    );
    assert_child_counted(&plan(&d));
    let s = run_in(&d.0, &["import", "import"]);
    assert!(
        s.stdout.contains("1 running jobs, 1 allocations"),
        "{}{}",
        s.stdout,
        s.stderr
    );
}

/// A job jobs.json lists that no file holds: registered, its spec
/// unknown. The warning names it and the file it is saved as, escaped.
#[test]
fn a_listed_job_without_its_file_is_named() {
    let d = cluster("job-ids-missing", u64::MAX, &[("default", CHILD)]);
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let warned: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("import::not-saved"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", o.stderr);
    assert!(
        warned[0].contains("jobs/default/report%2Fperiodic-1764547200.json")
            && warned[0].contains(&format!("job \"{CHILD}\" of namespace \"default\"")),
        "{}",
        warned[0]
    );
    // An ID with a control character is named escaped.
    let d = cluster(
        "job-ids-missing-esc",
        u64::MAX,
        &[("default", "\u{1b}[31mred")],
    );
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains('\u{1b}'), "{:?}", o.stderr);
    assert!(o.stderr.contains("%1B%5B31mred.json"), "{}", o.stderr);
}

/// A namespace jobs.json names that is not a plain file name is never
/// a folder read (guard: Nomad's names are `[a-zA-Z0-9-]`).
#[test]
fn a_namespace_never_leads_out_of_the_import() {
    let d = cluster("job-ids-outside", u64::MAX, &[("../..", "evil")]);
    d.put(
        "evil.json",
        &job_json(json!({"ID": "evil", "Name": "evil", "Namespace": "../.."})).to_string(),
    );
    let s = run_in(&d.0, &["import", "import"]);
    assert!(
        s.stdout.contains("0 running jobs"),
        "{}{}",
        s.stdout,
        s.stderr
    );
}

/// Run the printed commands that save jobs against a fake `nomad`
/// answering `answers` (URL → JSON), in `d`, saving into `import/`.
fn save_jobs(d: &TempDir, answers: &[(String, Value)]) {
    let mut answers: Vec<(String, String)> = answers
        .iter()
        .map(|(url, v)| (url.clone(), v.to_string()))
        .collect();
    // Each job's summary, which the printed commands save beside it.
    let summaries: Vec<(String, String)> = answers
        .iter()
        .filter(|(url, _)| url.starts_with("/v1/job/") && !url.contains("/versions?"))
        .map(|(url, body)| {
            let (path, query) = url.split_once('?').unwrap_or((url, ""));
            let job: Value = serde_json::from_str(body).unwrap_or_default();
            let summary = json!({"JobID": job["ID"], "Namespace": job["Namespace"], "Summary": {}});
            (format!("{path}/summary?{query}"), summary.to_string())
        })
        .collect();
    answers.extend(summaries);
    let env = common::fake_nomad::install(d, &answers);
    let printed = run_in(&d.0, &["import", "--print-commands", "import"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let line = printed
        .stdout
        .lines()
        .find(|l| l.contains("/v1/job/$id"))
        .expect("the line saving jobs");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(&d.0)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("bash runs");
    assert!(
        o.status.success() && o.stderr.is_empty(),
        "{}",
        common::output_text(&o)
    );
    assert_eq!(common::fake_nomad::posts(d), "", "no call may POST");
}

/// R9-1: the printed commands save the child job; the import counts its
/// allocation. Before, bash failed (`saved/jobs/default/report/...: No
/// such file or directory`) and every plan refused the cluster.
#[test]
fn printed_commands_save_a_child_job() {
    let d = cluster("job-ids-print", 0, &[("default", CHILD)]);
    let esc = "report%2Fperiodic-1764547200";
    save_jobs(
        &d,
        &[
            (format!("/v1/job/{esc}?namespace=default"), child(0)),
            (
                format!("/v1/job/{esc}/versions?namespace=default"),
                json!({"Versions": [child(0)], "Diffs": null}),
            ),
        ],
    );
    assert!(d
        .0
        .join(format!("import/jobs/default/{esc}.json"))
        .is_file());
    assert!(d
        .0
        .join(format!("import/job-versions/default/{esc}.json"))
        .is_file());
    assert_child_counted(&plan(&d));
}

/// IDs that would be paths or break a line (`../x`, NUL, a control
/// character) are saved as one plain name each, inside the folder.
#[test]
fn printed_commands_keep_every_id_inside_the_folder() {
    let ids = ["../x", "a\u{0}b", "\u{1}c"];
    let listed: Vec<(&str, &str)> = ids.iter().map(|id| ("default", *id)).collect();
    let d = cluster("job-ids-contain", u64::MAX, &listed);
    let escaped = ["..%2Fx", "a%00b", "%01c"];
    let mut answers = Vec::new();
    for (id, esc) in ids.iter().zip(escaped) {
        let j = job_json(json!({"ID": id, "Name": id}));
        answers.push((format!("/v1/job/{esc}?namespace=default"), j.clone()));
        answers.push((
            format!("/v1/job/{esc}/versions?namespace=default"),
            json!({"Versions": [j]}),
        ));
    }
    save_jobs(&d, &answers);
    for dir in ["jobs", "job-versions"] {
        let mut names: Vec<String> =
            std::fs::read_dir(d.0.join("import").join(dir).join("default"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        let mut want: Vec<String> = escaped.iter().map(|e| format!("{e}.json")).collect();
        want.sort();
        assert_eq!(names, want, "{dir}");
    }
    assert!(!d.0.join("import/x.json").exists());
    assert!(!d.0.join("import/jobs/x.json").exists());
    // The import reads each job by the ID inside its file.
    let s = run_in(&d.0, &["import", "import"]);
    assert!(
        s.stdout.contains("3 running jobs"),
        "{}{}",
        s.stdout,
        s.stderr
    );
}
