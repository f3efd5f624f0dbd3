//! The gates' lookup of the state's other job files finds job files by
//! their text too (R25b-1, rv26-5), remembering what each folder's tree
//! holds by its id. A folder whose tree changed (any file of it added or
//! edited) had every file in it read again for that test, each hook run
//! (issue 17: the hook's cost). A blob's verdict is a function of its
//! bytes, so a blob known to open no job is not read again.
//!
//! Told from outside by what the second run would read: the object of an
//! unchanged unnamed file is replaced (in the object store, under its id)
//! by a job's bytes after the first run. Read again, it would be a second
//! definition of the changed job (NP229, exit 1); not read, the gate
//! passes (exit 0). Git names objects by their content, so the id stands
//! for the bytes first read.

use crate::common;

use common::{git, output_text};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

fn git_out(dir: &std::path::Path, args: &[&str]) -> String {
    let out = common::git_command(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", output_text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn object_path(root: &std::path::Path, id: &str) -> std::path::PathBuf {
    root.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn a_changed_folders_unchanged_files_are_not_read_again_for_their_text() {
    let d = common::demo_repo(
        "lookup-text-once",
        common::Demo {
            without_monitoring: true,
            protect: Some("\"sockshop\""),
            branch: Some("pr"),
            files: &[("deploy/notes.txt", "notes on the deploy folder\n")],
        },
    );
    // Beside the repository: a cache inside a checkout is not used (R27b-1).
    let cache = d.0.with_extension("np-cache");
    let _ = std::fs::remove_dir_all(&cache);
    std::fs::create_dir(&cache).expect("cache folder");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700))
            .expect("private cache folder");
    }
    let cache_env = cache.to_string_lossy().into_owned();
    let check = || {
        common::run_in_env(
            &d.0,
            &[("NOMAD_PREFLIGHT_CACHE_DIR", cache_env.as_str())],
            &["check", "--staged"],
        )
    };
    d.put("deploy/api.nomad", &api("web"));
    git(&d.0, &["add", "deploy"]);
    let first = check();
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    git(&d.0, &["commit", "-qm", "api", "--no-verify"]);

    // deploy/notes.txt's object now holds a job api's bytes.
    let notes = git_out(&d.0, &["rev-parse", "HEAD:deploy/notes.txt"]);
    d.put("forged.txt", &api("forged"));
    let job = git_out(&d.0, &["hash-object", "-w", "forged.txt"]);
    std::fs::remove_file(d.0.join("forged.txt")).expect("forged.txt");
    let at = object_path(&d.0, &notes);
    std::fs::remove_file(&at).expect("loose object");
    std::fs::copy(object_path(&d.0, &job), &at).expect("copy");

    // The deploy folder's tree changed: an edit of the job in it.
    d.put("deploy/api.nomad", &api("web2"));
    git(&d.0, &["add", "deploy"]);
    let second = check();
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
}
