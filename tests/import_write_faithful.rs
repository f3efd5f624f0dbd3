//! R13-13: `import --write` writes each running job as a job file, which is
//! the written world's running job (the "before" of every plan against
//! it). It wrote the placement fields alone and dropped the rest without a
//! word: a template, a service, a group's own update strategy. Now what it
//! writes must load back as the job the import read (a plan of the written
//! file against the import itself finds no change), and a job it cannot
//! write so is refused, named with what it would lose
//! (`import::job-not-written`, exit 2, nothing written).

use crate::common;

use common::{run_in, TempDir};
use serde_json::{json, Value};

fn fixture(d: &TempDir) -> std::path::PathBuf {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    let imp = d.0.join("imp");
    common::copy_dir(&src, &imp);
    imp
}

/// Every job of the 1.6.0 fixture (each the `/v1/job/:id` JSON of a file,
/// with its own group update, reschedule and migrate, restart policies,
/// kill timeouts and log configs as 1.6.0 stores them) is written, and each
/// written file plans against the import as unchanged.
#[test]
fn each_written_job_plans_unchanged_against_the_import() {
    let d = TempDir::new("write-faithful");
    fixture(&d);
    std::fs::create_dir_all(d.0.join("repo")).unwrap();
    let o = run_in(&d.0.join("repo"), &["import", "../imp", "--write", "rules"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for (id, counts) in [
        ("web", "2 ignore"),
        ("api", "2 ignore"),
        ("sys", "1 ignore"),
    ] {
        let file = format!("repo/jobs/{id}.nomad");
        let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", &file]);
        let head = o.stdout.split("Scheduler dry-run").next().unwrap_or("");
        assert_eq!(
            (o.code, head, o.stderr.as_str()),
            (
                0,
                format!("Job: \"{id}\"\nTask Group: \"g\" ({counts})\n  Task: \"t\"\n\n").as_str(),
                ""
            ),
            "{id}: {}",
            std::fs::read_to_string(d.0.join(&file)).unwrap_or_default()
        );
    }
}

fn edit_web_task(imp: &std::path::Path, key: &str, value: Value) {
    let web = imp.join("jobs/default/web.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&web).unwrap()).unwrap();
    v["TaskGroups"][0]["Tasks"][0][key] = value;
    std::fs::write(&web, serde_json::to_string(&v).unwrap()).unwrap();
}

/// A template as 1.6.0 stores it (the finding's reproduction) is written,
/// and the written file plans against the import as unchanged.
#[test]
fn a_template_is_written_and_plans_unchanged() {
    let d = TempDir::new("write-template");
    let imp = fixture(&d);
    edit_web_task(
        &imp,
        "Templates",
        json!([{
            "SourcePath": "", "DestPath": "local/app.conf", "EmbeddedTmpl": "port = ${1}\n",
            "ChangeMode": "restart", "ChangeSignal": "", "ChangeScript": null,
            "Splay": 5000000000u64, "Perms": "0644", "Uid": null, "Gid": null,
            "LeftDelim": "{{", "RightDelim": "}}", "Envvars": false, "VaultGrace": 0,
            "Wait": null, "ErrMissingKey": false
        }]),
    );
    std::fs::create_dir_all(d.0.join("repo")).unwrap();
    let o = run_in(&d.0.join("repo"), &["import", "../imp", "--write", "rules"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    let text = std::fs::read_to_string(d.0.join("repo/jobs/web.nomad")).unwrap();
    assert!(text.contains("template {"), "{text}");
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--no-color",
            "--world",
            "imp",
            "repo/jobs/web.nomad",
        ],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (2 ignore)\n"),
        "{}",
        o.stdout
    );
}

/// An artifact has no spelling in the written job file: the import is
/// refused, the job and the artifact named, nothing written.
#[test]
fn a_job_with_what_the_writer_cannot_write_is_refused() {
    let d = TempDir::new("write-artifact");
    let imp = fixture(&d);
    edit_web_task(
        &imp,
        "Artifacts",
        json!([{
            "GetterSource": "https://example.com/app.tgz", "GetterOptions": null,
            "GetterHeaders": null, "GetterMode": "any", "RelativeDest": "local/",
            "Chown": false
        }]),
    );
    std::fs::create_dir_all(d.0.join("repo")).unwrap();
    let o = run_in(&d.0.join("repo"), &["import", "../imp", "--write", "rules"]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    let err = o.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    let err = err.replace(" │", "");
    assert!(err.contains("import::job-not-written"), "{err}");
    assert!(
        err.contains("job \"web\" in namespace \"default\"")
            && err.contains("group \"g\" task \"t\" Artifact"),
        "{err}"
    );
    assert!(!err.contains("job \"api\""), "{err}");
    assert!(!d.0.join("repo/jobs").exists());
    assert!(!d.0.join("repo/rules").exists());
}

/// A job stored under an older release lacks what today's defaults give
/// its file (here 1.8.0 servers and the 1.6.0 jobs, without the default
/// workload identity 1.7 stores): written, and said.
#[test]
fn what_only_the_file_holds_is_said() {
    let d = TempDir::new("write-added");
    let imp = fixture(&d);
    let p = imp.join("agent-self.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    v["member"]["Tags"]["build"] = json!("1.8.0");
    v["member"]["Tags"]["role"] = json!("nomad");
    v["config"] = json!({
        "Consuls": [{"Name": "default", "AllowUnauthenticated": true}],
        "Vaults": [{"Name": "default", "Enabled": false}],
        "Server": {}, "ACL": {"Enabled": false}
    });
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    std::fs::create_dir_all(d.0.join("repo")).unwrap();
    let o = run_in(&d.0.join("repo"), &["import", "../imp", "--write", "rules"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = o.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(err.contains("import::job-written-with-defaults"), "{err}");
    assert!(err.contains("job \"web\""), "{err}");
}

/// A group service as 1.6.0 stores it (its derived `Namespace` too), with
/// tags, meta and an HTTP check with a header and `check_restart`: written,
/// and the written file plans against the import as unchanged.
#[test]
fn a_service_with_a_check_is_written_and_plans_unchanged() {
    let d = TempDir::new("write-service");
    let imp = fixture(&d);
    let web = imp.join("jobs/default/web.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&web).unwrap()).unwrap();
    let g = &mut v["TaskGroups"][0];
    g["Networks"] = json!([{
        "Mode": "", "Device": "", "CIDR": "", "IP": "", "Hostname": "", "MBits": 0,
        "DNS": null, "ReservedPorts": null,
        "DynamicPorts": [{"Label": "http", "Value": 0, "To": 0, "HostNetwork": "default"}]
    }]);
    g["Services"] = json!([{
        "Name": "web", "TaskName": "", "PortLabel": "http", "AddressMode": "auto",
        "Address": "", "EnableTagOverride": false, "Tags": ["a", "b"], "CanaryTags": null,
        "Meta": {"team": "x"}, "CanaryMeta": null, "TaggedAddresses": null,
        "Namespace": "default", "OnUpdate": "require_healthy", "Provider": "consul",
        "Connect": null,
        "Checks": [{
            "Name": "service: \"web\" check", "Type": "http", "Command": "", "Args": null,
            "Path": "/health", "Protocol": "", "PortLabel": "", "Expose": false,
            "AddressMode": "", "Interval": 10000000000u64, "Timeout": 2000000000u64,
            "InitialStatus": "", "TLSServerName": "", "TLSSkipVerify": false, "Method": "",
            "Header": {"X-A": ["1"]},
            "CheckRestart": {"Limit": 3, "Grace": 1000000000u64, "IgnoreWarnings": false},
            "GRPCService": "", "GRPCUseTLS": false, "TaskName": "",
            "SuccessBeforePassing": 0, "FailuresBeforeCritical": 0,
            "FailuresBeforeWarning": 0, "Body": "", "OnUpdate": "require_healthy"
        }]
    }]);
    std::fs::write(&web, serde_json::to_string(&v).unwrap()).unwrap();
    std::fs::create_dir_all(d.0.join("repo")).unwrap();
    let o = run_in(&d.0.join("repo"), &["import", "../imp", "--write", "rules"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    let text = std::fs::read_to_string(d.0.join("repo/jobs/web.nomad")).unwrap();
    assert!(
        text.contains("check {") && text.contains("X-A = [\"1\"]"),
        "{text}"
    );
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--no-color",
            "--world",
            "imp",
            "repo/jobs/web.nomad",
        ],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (2 ignore)\n"),
        "{}",
        o.stdout
    );
}
