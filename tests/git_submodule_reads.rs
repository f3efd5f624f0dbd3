//! A job's file functions reaching into a submodule, read through a git
//! revision or the index (`check --staged`, `--base/--head`, `plan
//! --changed`): the checkout `nomad` reads holds there the submodule's own
//! `.git` file and whichever commit its clone checked out (nothing when it
//! was not initialised), not this repository's objects, so the answer is
//! "cannot tell" (255), never a listing of the recorded commit's blobs.

use crate::common;

use common::{git, output_text, TempDir};

const WORLD: &str = r#"nomad_version = "1.6.0"
edition       = "community"
client "c" {
  count      = 3
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 100000
  drivers    = ["docker"]
}
"#;

/// A job whose template lists `sub` with `call`, e.g. `fileset("sub", "*")`.
fn job(call: &str) -> String {
    format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{
        image = "nginx:1.25"
      }}
      template {{
        data        = "${{jsonencode({call})}}"
        destination = "local/files"
      }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

/// A project with `sub`, a real submodule (its own repository beside it,
/// added with `git submodule add`), and `jobs/web.nomad` staged with `call`.
fn project(name: &str, call: &str) -> (TempDir, TempDir) {
    let upstream = TempDir::new(&format!("{name}-upstream"));
    upstream.put("a.txt", "a\n");
    git(&upstream.0, &["init", "-q"]);
    git(&upstream.0, &["add", "-A"]);
    git(&upstream.0, &["commit", "-qm", "a"]);
    let p = TempDir::new(name);
    p.put("conf/b.txt", "b\n");
    p.put("rules/cluster.hcl", WORLD);
    git(&p.0, &["init", "-q"]);
    let url = upstream.0.to_string_lossy().into_owned();
    git(
        &p.0,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &url,
            "sub",
        ],
    );
    git(&p.0, &["add", "-A"]);
    git(&p.0, &["commit", "-qm", "submodule"]);
    p.put("jobs/web.nomad", &job(call));
    git(&p.0, &["add", "-A"]);
    (p, upstream)
}

/// Before, `fileset("sub", "*")` listed `["a.txt"]` from the submodule's
/// recorded commit and `check --staged` passed, where the checkout also
/// holds `sub/.git` (`*` matches it) or, cloned without its submodules,
/// nothing. `file()` and `fileexists()` into it, and a walk that
/// a brace leads into, likewise.
#[test]
fn a_file_function_reaching_a_submodule_through_git_cannot_tell() {
    for call in [
        r#"fileset("sub", "*")"#,
        r#"fileset(".", "{conf,sub}/*.txt")"#,
        r#"file("sub/a.txt")"#,
        r#"fileexists("sub/a.txt")"#,
    ] {
        let (p, _up) = project("subreads", call);
        // `check` exits 2 on a cannot-tell finding, `plan` 255 (as for an
        // absolute path read through a revision).
        for (args, code) in [
            (&["check", "--staged"][..], 2),
            (&["plan", "--changed", "--staged"][..], 255),
        ] {
            let out = p.run(args);
            let s = output_text(&out);
            assert!(
                s.contains("sub is a git submodule in the index"),
                "{call} {args:?}: {s}"
            );
            assert_eq!(out.status.code(), Some(code), "{call} {args:?}: {s}");
        }
        git(&p.0, &["commit", "-qm", "job"]);
        let out = p.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
        let s = output_text(&out);
        assert!(
            s.contains("sub is a git submodule in git HEAD"),
            "{call}: {s}"
        );
        assert_eq!(out.status.code(), Some(2), "{call}: {s}");
    }
}

/// Guard: a job whose functions do not reach the submodule is judged as
/// before (a `*` at the root matches `sub` without entering it).
#[test]
fn a_file_function_beside_a_submodule_is_unaffected() {
    for call in [r#"fileset("conf", "*")"#, r#"fileset(".", "*")"#] {
        let (p, _up) = project("subbeside", call);
        let out = p.run(&["check", "--staged"]);
        let s = output_text(&out);
        assert!(!s.contains("submodule"), "{call}: {s}");
        assert_eq!(out.status.code(), Some(0), "{call}: {s}");
    }
}
