//! `check --var-file F` checks F before any job file: an unreadable one
//! is a usage error of the run (exit 2), not a finding in every file. The
//! check opened F, and opening a FIFO waits for a writer: the run hung for
//! good (a CI job until its timeout; a path the repository names may be a
//! link to one). A var file that is not a regular file (a FIFO, a device,
//! a folder) is refused at once, in the run's usage words.

use crate::common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, TempDir};

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x:1\"\n      }\n    }\n  }\n}\n";

/// `check --var-file var web.nomad` in `d`: exit code and stderr, the run
/// killed (and the test failed) after 20 s.
fn check_with(d: &TempDir, var: &str) -> (Option<i32>, String) {
    let mut child = Command::new(bin())
        .current_dir(&d.0)
        .args([
            "--no-color",
            "check",
            "--nomad-version",
            "1.9.0",
            "--var-file",
            var,
            "web.nomad",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check --var-file {var} hung (killed after 20 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
    (status.code(), err)
}

#[test]
fn a_var_file_that_is_not_a_regular_file_is_refused_without_waiting() {
    let d = TempDir::new("check-var-file-kinds");
    d.put("web.nomad", JOB);
    std::fs::create_dir_all(d.0.join("vars.d")).unwrap();
    let made = Command::new("mkfifo").arg(d.0.join("fifo.hcl")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for var in ["fifo.hcl", "/dev/zero", "vars.d"] {
        let (code, err) = check_with(&d, var);
        assert_eq!(code, Some(2), "{var}: {err}");
        assert!(
            err.contains(&format!("cannot read --var-file {var}: not a regular file")),
            "{var}: {err}"
        );
    }
}
