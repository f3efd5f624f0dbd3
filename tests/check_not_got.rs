//! Issue 13, "the three commands never disagree", for a job file path
//! Nomad's CLI cannot get: a path that does not exist, a dangling link, a
//! folder named as a job file. `validate` (exit 1) and `plan` (255) print
//! go-getter's words (`Error getting job struct: Error getting jobfile
//! from ...`); `check` said `check::usage` (exit 2) and checked nothing
//! else. It now reports the same words as a definite finding located at
//! the path (`io::read`, exit 1) and checks the other files; a folder named
//! otherwise is still walked, and a bad flag is still the usage error.
//! Fails on the baseline binary (`NOMAD_PREFLIGHT_BIN`): check exited 2.

use crate::common;

use common::TempDir;

fn run(d: &TempDir, args: &[&str]) -> common::Out {
    let bin = std::env::var_os("NOMAD_PREFLIGHT_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(common::bin);
    let o = std::process::Command::new(bin)
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .output()
        .expect("the binary runs");
    common::Out {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25.3\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn project(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("not-got-{tag}"));
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.10.5\"\nregion = \"global\"\nclient \"web\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 20000\n  drivers    = [\"docker\"]\n}\n",
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put("ok.nomad", JOB);
    d
}

#[cfg(unix)]
#[test]
fn a_job_file_nomad_cannot_get_is_its_refusal_in_check_too() {
    let d = project("named");
    std::fs::create_dir_all(d.0.join("dir.nomad")).expect("mkdir");
    std::os::unix::fs::symlink("nowhere.nomad", d.0.join("dangling.nomad")).expect("link");
    for path in ["dir.nomad", "missing.nomad", "dangling.nomad"] {
        let v = run(&d, &["validate", path]);
        assert_eq!(v.code, 1, "validate {path}\n{}", v.stderr);
        let nomad = v.stderr.lines().next().unwrap_or_default().to_string();
        assert!(
            nomad.starts_with(&format!(
                "Error getting job struct: Error getting jobfile from \"{path}\": "
            )),
            "{nomad}"
        );
        // Named beside a valid file: the refusal, located, and the other
        // file still checked.
        let c = run(&d, &["check", "--format", "json", path, "ok.nomad"]);
        assert_eq!(c.code, 1, "check {path}\n{}{}", c.stdout, c.stderr);
        let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("JSON");
        let findings = doc["findings"].as_array().expect("findings");
        let refusal = findings
            .iter()
            .find(|f| f["code"] == "io::read")
            .unwrap_or_else(|| panic!("{path}: {findings:?}"));
        assert_eq!(refusal["message"], nomad.as_str(), "{path}");
        assert_ne!(refusal["cannot_tell"], true, "{path}");
        assert_eq!(refusal["file"], path, "{path}: {refusal}");
        assert_eq!(doc["summary"]["files"], 2, "{path}: {doc}");
    }
    // Guards (both ways): a folder named otherwise is walked, and a flag
    // we do not know is the usage error.
    d.put("jobs/web.nomad", JOB);
    let c = run(&d, &["check", "jobs"]);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let c = run(&d, &["check", "--bogus", "ok.nomad"]);
    assert_eq!(c.code, 2, "{}{}", c.stdout, c.stderr);
}
