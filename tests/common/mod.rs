//! Shared helpers for integration tests.
#![allow(dead_code)]

pub mod applier;
pub mod batch;
pub mod demo_repo;
pub mod dialect;
pub mod edit_plan;
pub mod fake_nomad;
pub mod gone;
pub mod in_process;
pub mod mem_world;
pub mod nomad_text;
pub mod one_node;
pub mod plan_out;
pub mod seeds;
pub mod service;
pub mod var_files;
pub mod why;

// Each test binary (integration, adversarial) uses a part of them.
#[allow(unused_imports)]
pub use demo_repo::{demo_repo, Demo};
#[allow(unused_imports)]
pub use in_process::*;
#[allow(unused_imports)]
pub use nomad_text::*;

/// Snapshot assertion storing snapshots under the top-level `snapshots/`.
#[macro_export]
macro_rules! assert_snap {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}

/// Path of the built binary under test.
pub fn bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_nomad-preflight"))
}

/// PATH with the built binary's folder first, as a user's install (what
/// an installed git hook finds).
pub fn path_with_binary() -> std::ffi::OsString {
    let mut dirs = vec![bin().parent().expect("bin dir").to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("PATH")
}

/// The binary run with `args` in `dir` under a CPU-time limit of `secs`
/// (`ulimit -t`), outside any git repository the test runner is in: a
/// bound on work, not wall time, so a loaded machine does not fail it.
/// Past the limit the kernel ends the process (SIGXCPU): no exit code.
pub fn run_cpu_limited(secs: u32, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", &format!("ulimit -t {secs} && exec \"$0\" \"$@\"")])
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the binary runs")
}

/// `cmd --nomad-version v j.nomad` on `text`, in a fresh folder named
/// `folder`: the exit code and stderr without its `note:` lines.
pub fn run_job_file(folder: &str, cmd: &str, text: &str, v: &str) -> (Option<i32>, String) {
    let d = TempDir::new(folder);
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err: String = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect();
    (o.status.code(), err)
}

/// A git command in `dir` with a fixed identity and branch name, isolated
/// from the caller's GIT_DIR/GIT_INDEX_FILE (tests may run inside a hook).
pub fn git_command(dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

/// Run git in `dir` (see [`git_command`]); panics on failure.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = git_command(dir)
        .args(args)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?} in {}", dir.display());
}

/// A finished command's stdout then stderr, for assertion messages.
pub fn output_text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Copy a folder tree (the demo's jobs/ and rules/ into a temp repository).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Input of an optional sweep: `$env_var` if set, else `../shared/<rel>`
/// beside the checkout. The sweeps are `#[ignore = "..."]`, so a plain
/// `cargo test` lists them as ignored instead of passing them unrun; once
/// one is asked for (`cargo test -- --ignored`, as `.ci/run` does when
/// `../shared` exists) a missing input fails it, and under `CI=true` says
/// that CI must provide it.
pub fn shared_input(env_var: &str, rel: &str) -> std::path::PathBuf {
    let p = std::env::var_os(env_var)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(rel)
        });
    if !p.exists() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        panic!(
            "{} is missing: this optional sweep needs it{}",
            p.display(),
            if ci {
                " (CI=true: CI must check ../shared out beside the repository)"
            } else {
                " (run it only where ../shared exists, or set the variable)"
            }
        );
    }
    p
}

/// A job whose one group fits on no client (99999999 MB), with no `cpu`:
/// NP201 (error) and NP102 (warning) on every world.
pub const UNPLACEABLE_JOB: &str = r#"job "bad" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      resources {
        memory = 99999999
      }
    }
  }
}
"#;

/// rules/namespaces/default.hcl: a world that lists its namespaces, as
/// created (Nomad's built-in `default`).
pub const DEFAULT_NAMESPACE: &str =
    "name        = \"default\"\ndescription = \"Default shared namespace\"\n";

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("np-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A temp dir holding the demo's jobs/ and rules/.
    pub fn demo(name: &str) -> TempDir {
        let d = TempDir::new(name);
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for sub in ["jobs", "rules"] {
            copy_dir(&manifest.join(sub), &d.0.join(sub));
        }
        d
    }

    /// Write `rel` (creating its folders).
    pub fn put(&self, rel: &str, body: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }

    /// The files of an import folder `sub` a test did not write, as a
    /// cluster with nothing more saves them (one namespace, the default
    /// scheduler configuration, no allocations, no CSI volume, node pools
    /// without their own scheduler configuration, no registered job), so
    /// the import is whole: a file not saved makes every plan "unknown".
    pub fn import_rest(&self, sub: &str) {
        let rest = [
            (
                "namespaces.json",
                r#"[{"Name": "default", "Description": "Default shared namespace"}]"#,
            ),
            (
                "scheduler.json",
                r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack", "PreemptionConfig": {"SystemSchedulerEnabled": true}}}"#,
            ),
            ("allocations.json", "[]"),
            // Saved one namespace at a time, as the printed commands do:
            // an empty list is the cluster's at every release.
            ("namespaces-listed.txt", "default\n"),
            ("csi-volumes.json", "[]"),
            (
                "node-pools.json",
                r#"[{"Name": "default", "SchedulerConfiguration": null}]"#,
            ),
            ("jobs/.gitkeep", ""),
        ];
        for (file, body) in rest {
            let rel = std::path::Path::new(sub).join(file);
            if !self.0.join(&rel).exists() {
                self.put(&rel.to_string_lossy(), body);
            }
        }
    }

    /// Run the binary here (no colour, isolated from a caller's git hook env).
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_at("", args)
    }

    /// Run the binary in the sub-folder `sub`.
    pub fn run_at(&self, sub: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(bin())
            .current_dir(self.0.join(sub))
            .arg("--no-color")
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("NOMAD_NAMESPACE")
            .env_remove("NOMAD_REGION")
            .env_remove("VAULT_TOKEN")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("the binary runs")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A project whose world is one client `c` in `dc1` of Nomad `version`
/// (10000 MB of disk; `client` holds its other attributes, one per line:
/// `cpu`, `memory`, `drivers`...) with `job` as `jobs/web.nomad`. Its
/// namespaces are listed: `default` alone.
pub fn one_client_project(tag: &str, version: &str, client: &str, job: &str) -> TempDir {
    let dir = TempDir::new(tag);
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n{client}}}\n"
        ),
    );
    dir.put("rules/namespaces/default.hcl", DEFAULT_NAMESPACE);
    dir.put("jobs/web.nomad", job);
    dir
}

/// Run the binary with `args` in a fresh project holding only `j.nomad`
/// (`text`): (exit code, stdout, stderr).
pub fn run_job(tag: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    let d = TempDir::new(tag);
    d.put("j.nomad", text);
    let o = d.run(args);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// What one run of the binary printed, and its exit code.
pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Diagnostic text without miette's wrapping and gutters: its words
/// joined by single spaces, so a message reads as one line whatever the
/// terminal's width.
pub fn flat(s: &str) -> String {
    s.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run the binary in `dir` without colours; panics if it cannot start or
/// was killed.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Out {
    run_in_env(dir, &[], args)
}

/// [`run_in`] with the environment variables `env` set.
pub fn run_in_env(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let o = std::process::Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .env_remove("GODEBUG")
        .env_remove("VAULT_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("run the binary");
    Out {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

/// The releases named by `runs` (`1.0.0..1.2.3` or one release) of the
/// ordered `releases` (the key tables of tests/fixtures/jobspec).
pub fn release_runs(
    releases: &[nomad_preflight::version::NomadVersion],
    runs: &[&str],
) -> std::collections::BTreeSet<nomad_preflight::version::NomadVersion> {
    let pos = |v: &str| {
        let v: nomad_preflight::version::NomadVersion = v.parse().expect("release");
        releases
            .iter()
            .position(|r| *r == v)
            .expect("listed release")
    };
    let mut out = std::collections::BTreeSet::new();
    for run in runs {
        let (a, b) = run.split_once("..").unwrap_or((run, run));
        out.extend(releases[pos(a)..=pos(b)].iter().copied());
    }
    out
}

/// Fails listing every key on which our parser and Nomad's disagree.
pub fn assert_keys_agree(wrong: &[String]) {
    assert!(
        wrong.is_empty(),
        "{} keys disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `import DIR --write TMP/rules`, with `jobs` copied into TMP beside it.
pub fn written_import(
    dir: &std::path::Path,
    tag: &str,
    jobs: &[&str],
) -> (TempDir, std::path::PathBuf) {
    let tmp = TempDir::new(&format!("import-{tag}"));
    let rules = tmp.0.join("rules");
    let out = run_in(
        std::path::Path::new("."),
        &[
            "import",
            &dir.to_string_lossy(),
            "--write",
            &rules.to_string_lossy(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for job in jobs {
        std::fs::copy(dir.join(job), tmp.0.join(job)).expect("copy job");
    }
    (tmp, rules)
}

/// The binary run in `repo` with its cache in `cache` (and no git
/// variables from the caller's environment), as a hook runs it.
pub fn run_cached(
    repo: &std::path::Path,
    cache: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(bin())
        .current_dir(repo)
        .arg("--no-color")
        .args(args)
        .env("NOMAD_PREFLIGHT_CACHE_DIR", cache)
        .env_remove("NOMAD_PREFLIGHT_NO_CACHE")
        .env_remove("GIT_DIR")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .env_remove("VAULT_TOKEN")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the binary runs")
}

/// The cache entries of kind `ext` (`job`, `world`) in `cache`.
pub fn cache_entries(cache: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default()
}

/// A job Nomad 0.9.3 refuses (`count` is not a number), in the demo world:
/// an error at line 4 wherever a gate judges it.
pub const BAD_COUNT_JOB: &str = "job \"x\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = \"many\"\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

/// The demo committed in a new repository.
pub fn committed_demo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

/// The demo committed in a new repository, then sockshop's `count = 1`
/// edited to `count = 3` and staged: the pre-commit case.
pub fn staged_demo(name: &str) -> TempDir {
    let d = committed_demo(name);
    stage_edit(&d.0, "count = 3");
    d
}

/// Stage sockshop's first `count = 1` as `count` (a marker comment makes
/// each edit's text new, so the staged blob is never one seen before).
pub fn stage_edit(repo: &std::path::Path, count: &str) {
    let job = repo.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&job).unwrap();
    let base = text.split("\n# staged").next().unwrap().to_string();
    let edited = base.replacen("count = 1", count, 1);
    std::fs::write(&job, format!("{edited}\n# staged {count}\n")).unwrap();
    git(repo, &["add", "jobs/sockshop.nomad"]);
}

/// The escapes of the HCL oracles' expected-text files
/// (tests/hcl-oracle): `\\` for `\`, `\n` for a line end.
pub fn oracle_unescape(e: &str) -> String {
    let mut out = String::new();
    let mut it = e.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// An oracle's expected-text file (`file<TAB>text` a line, text escaped
/// as [`oracle_unescape`] reads it).
pub fn oracle_expected(path: &std::path::Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).expect("expected texts");
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, e)| (f.to_string(), oracle_unescape(e)))
        .collect()
}

/// The first `n` lines of a run's stderr, without our `note:` lines: where
/// Nomad's own error text starts.
pub fn stderr_first_lines(o: &std::process::Output, n: usize) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A job with a variable that has no default (`image`) and one that has
/// (`instances`): what the world's `running_job` blocks feed
/// (tests/world_running_vars.rs, tests/running_vars_changes.rs).
pub const RUNNING_VARS_API: &str = r#"variable "image" {
  type = string
}
variable "instances" {
  type    = number
  default = 1
}
job "api" {
  datacenters = ["dc1"]
  group "g" {
    count = var.instances
    task "t" {
      driver = "docker"
      config {
        image = var.image
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// Two ready clients `node-1`, `node-2` and one down client `gone-1` in dc1:
/// the cluster of the hand-written worlds whose pinned allocations sit on
/// a client that stopped answering.
pub const TWO_READY_ONE_DOWN: &str = r#"client "node" {
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
}
client "gone" {
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
  status     = "down"
}
"#;

/// A one-task docker job whose job-level `meta` holds `a = {meta}`: where a
/// test evaluates an expression and reads its value back from the plan.
pub fn meta_job(meta: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    a = {meta}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `check --format json`'s findings as `(code, severity)` pairs (none when
/// stdout is no JSON document: the caller's assertions say what it was).
pub fn finding_codes(stdout: &[u8]) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_default();
    doc["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("code"), s("severity"))
        })
        .collect()
}

/// Is `code` among `found` ([`finding_codes`]) at `severity`?
pub fn has_finding(found: &[(String, String)], code: &str, severity: &str) -> bool {
    found.iter().any(|(c, s)| c == code && s == severity)
}
