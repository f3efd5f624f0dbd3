//! `nomad-preflight ... | head` must end quietly, not panic on a closed pipe.

use crate::common;

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // Far more output than a pipe buffers, so the writer must hit the closed pipe.
    let dir = std::env::temp_dir().join(format!("np-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut job = String::from("job \"big\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..400 {
        job.push_str(&format!(
            "  group \"g{i}\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n"
        ));
    }
    job.push_str("}\n");
    std::fs::write(dir.join("big.nomad"), job).expect("write job");
    let mut child = Command::new(common::bin())
        .args(["plan", "--format", "json", "big.nomad"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 8];
    if let Some(out) = child.stdout.as_mut() {
        let _ = out.read(&mut first);
    }
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(e) = child.stderr.as_mut() {
        let _ = e.read_to_string(&mut err);
    }
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!err.contains("panicked"), "{err}");
}

/// A caller that closed stdout (`exec 1>&-` in a hook script) leaves fd 1
/// free: the run must not hand it to the first file it opens (a cache
/// entry it writes, a file it reads) and write its report there. The
/// process's start-up (Rust's runtime) makes fds 0-2 valid first: the run
/// ends as it does with stdout on /dev/null, and its cache entries are the
/// same bytes. A guard for any change to how the binary starts.
#[test]
fn a_stdout_closed_by_the_caller_takes_no_file_of_the_run() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("np-closed-fd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["rules", "jobs"] {
        copy_tree(&root.join(sub), &dir.join(sub));
    }
    // Beside the project: a cache folder inside it is not used (R27b-1).
    let beside = |cache: &str| dir.with_extension(cache);
    let run = |cache: &str, closed: bool| {
        let script = if closed {
            "exec 1>&-; exec \"$0\" check jobs"
        } else {
            "exec \"$0\" check jobs >/dev/null"
        };
        let out = Command::new("sh")
            .args(["-c", script])
            .arg(common::bin())
            .current_dir(&dir)
            .env("NOMAD_PREFLIGHT_CACHE_DIR", beside(cache))
            .env("NO_COLOR", "1")
            .output()
            .expect("spawn");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let open = run("cache-open", false);
    let closed = run("cache-closed", true);
    let listed = |cache: &str| -> Vec<(std::ffi::OsString, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(beside(cache))
            .map(|rd| {
                rd.flatten()
                    .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    let (cache_open, cache_closed) = (listed("cache-open"), listed("cache-closed"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(beside("cache-open"));
    let _ = std::fs::remove_dir_all(beside("cache-closed"));
    assert!(!closed.1.contains("panicked"), "{}", closed.1);
    assert_eq!(closed, open);
    assert!(!cache_open.is_empty(), "the run writes its cache");
    assert_eq!(cache_closed, cache_open);
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}
