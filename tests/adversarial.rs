//! Hostile and absurd inputs, run through the binary the way a user would
//! hit them. Each must end in a clean diagnostic (or a correct answer) with
//! a documented exit code: never a panic (101), a signal, a hang or an
//! unbounded allocation. Wall time is not asserted; a generous watchdog only
//! turns a hang into a failure instead of a stuck test run.

mod common;

// Round two (issue 14): one module per bullet of the probe.
#[path = "adversarial/arith.rs"]
mod arith;
#[path = "adversarial/budgets.rs"]
mod budgets;
#[path = "adversarial/crashes.rs"]
mod crashes;
#[path = "adversarial/deep_values.rs"]
mod deep_values;
#[path = "adversarial/file_budget.rs"]
mod file_budget;
#[path = "adversarial/git.rs"]
mod git;
#[path = "adversarial/globs.rs"]
mod globs;
#[path = "adversarial/output.rs"]
mod output;
#[path = "adversarial/reads.rs"]
mod reads;
#[path = "adversarial/render.rs"]
mod render;
#[path = "adversarial/suppress_cost.rs"]
mod suppress_cost;
#[path = "adversarial/walk.rs"]
mod walk;
#[path = "adversarial/writes.rs"]
mod writes;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run the binary in `dir`, killing it if it is still running after the
/// watchdog (a hang is a bug; the limit is far above any correct run).
fn run(dir: &Path, args: &[&str]) -> Out {
    run_env(dir, args, &[])
}

/// [`run`] with extra environment variables.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    run_cmd(Command::new(common::bin()), dir, args, env)
}

/// Who runs the binary: the test's own user, or an unprivileged one.
#[derive(Clone, Copy, Debug, PartialEq)]
enum As {
    Me,
    /// uid/gid 65534 (`nobody`) without supplementary groups, through
    /// util-linux's `setpriv`, when the tests run as root: file modes do not
    /// bind root, so a refusal of an unreadable entry can only be seen by
    /// someone else.
    Nobody,
}

/// The users a permission case is run as: the test's own, and, when that is
/// root, `nobody` as well. Root without a working `setpriv` cannot show the
/// unprivileged case: said on stderr, and a failure under `CI=true` (where
/// the check must not pass unrun).
#[cfg(unix)]
fn users() -> Vec<As> {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        return vec![As::Me];
    }
    let setpriv = Command::new("setpriv")
        .args(NOBODY)
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    if setpriv {
        return vec![As::Me, As::Nobody];
    }
    let why = "running as root and `setpriv` (util-linux) cannot drop to uid 65534: the unprivileged case is not run";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("SKIPPED in part: {why}");
    vec![As::Me]
}

#[cfg(unix)]
const NOBODY: [&str; 3] = ["--reuid=65534", "--regid=65534", "--clear-groups"];

/// [`run_env`] as `who`.
#[cfg(unix)]
fn run_as(who: As, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    match who {
        As::Me => run_env(dir, args, env),
        As::Nobody => {
            let mut cmd = Command::new("setpriv");
            cmd.args(NOBODY).arg(common::bin());
            // HOME stays root's, whose cache folder is not nobody's: the
            // run would skip it with a note on stderr (cache_dir::enable).
            // These cases are about reading input, not the cache.
            cmd.env("NOMAD_PREFLIGHT_NO_CACHE", "1");
            run_cmd(cmd, dir, args, env)
        }
    }
}

fn run_cmd(mut cmd: Command, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut child = match cmd
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("cannot start the binary: {e}"),
    };
    let mut so = child.stdout.take();
    let mut se = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = so.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = se.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() > Duration::from_secs(300) => {
                let _ = child.kill();
                panic!("nomad-preflight {args:?} hung (killed after 300 s)");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("wait failed: {e}"),
        }
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Out {
        code: status.code(),
        stdout,
        stderr,
    }
}

/// A fresh empty directory for one test, removed when the test ends so runs
/// do not pile folders (some of them 100 MB) up in the temp dir.
fn tempdir(name: &str) -> Scratch {
    let d = std::env::temp_dir().join(format!("np-adv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    if let Err(e) = std::fs::create_dir_all(&d) {
        panic!("cannot create {}: {e}", d.display());
    }
    Scratch(d)
}

pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // A mode-000 file left by a test is still removable: only its parent's
        // permissions matter for unlinking.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(e) = std::fs::write(&p, bytes) {
        panic!("cannot write {}: {e}", p.display());
    }
}

/// (cpu 20: the demo world is Nomad 0.9.3, whose MinResources asks for 20 MHz.)
const TASK: &str = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 20\n        memory = 10\n      }\n    }\n";

fn job(body: &str) -> String {
    format!("job \"adv\" {{\n  datacenters = [\"dc1\"]\n{body}}}\n")
}

fn group(extra: &str) -> String {
    format!("  group \"g\" {{\n{extra}{TASK}  }}\n")
}

/// Diagnostic text without miette's line wrapping and gutters.
fn flat(s: &str) -> String {
    s.replace(['│', '\n'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// No panic, no signal: the process exited with one of our documented codes.
fn assert_clean(o: &Out, allowed: &[i32]) {
    assert!(
        !o.stderr.contains("panicked"),
        "panic:\n{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    match o.code {
        Some(c) if allowed.contains(&c) => {}
        other => panic!(
            "exit {other:?} not in {allowed:?}; stderr:\n{}",
            &o.stderr[..o.stderr.len().min(2000)]
        ),
    }
}

/// Past our parser's bound a job file is "cannot tell", not invalid:
/// Nomad's parsers read any depth (hclsyntax, hcl v1), so the 255 of plan
/// and validate and check's 2 (np11 said 1: invalid).
#[test]
fn nesting_100000_levels_deep_is_a_located_error() {
    let d = tempdir("deep");
    let n = 100_000;
    let deep_list = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    write(
        &d,
        "list.nomad",
        job(&format!("  meta = {{ k = {deep_list} }}\n")),
    );
    let blocks = format!("{}{}", "group \"g\" {\n".repeat(n), "}\n".repeat(n));
    write(&d, "blocks.nomad", job(&blocks));
    write(
        &d,
        "unary.nomad",
        job(&format!("  priority = {}1\n", "-".repeat(n))),
    );
    let tmpl = format!("\"{}1{}\"", "${\"".repeat(n), "\"}".repeat(n));
    write(
        &d,
        "tmpl.nomad",
        job(&format!("  meta = {{ k = {tmpl} }}\n")),
    );
    for f in ["list.nomad", "blocks.nomad", "unary.nomad", "tmpl.nomad"] {
        let o = run(&d, &["validate", f]);
        assert_clean(&o, &[255]);
        assert!(
            o.stderr.contains("Nesting too deep"),
            "{f}: {}",
            o.stderr.len()
        );
        assert!(o.stderr.contains(&format!("[{f}:")), "{f}: no location");
    }
    // The same guard protects `check` and the world loader.
    let o = run(&d, &["check", "list.nomad"]);
    assert_clean(&o, &[2]);
    assert!(o.stdout.contains("Nesting too deep") || o.stderr.contains("Nesting too deep"));
    let w = d.join("world");
    write(&w, "cluster.hcl", format!("region = {deep_list}\n"));
    write(&d, "ok.nomad", job(&group("")));
    let o = run(&d, &["plan", "--world", "world", "ok.nomad"]);
    assert_clean(&o, &[255]);
    assert!(o.stderr.contains("Nesting too deep"), "{}", o.stderr.len());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn long_operator_chains_are_refused_by_the_parser_not_the_stack() {
    let d = tempdir("chains");
    let chain = "1 + ".repeat(100_000);
    write(&d, "chain.nomad", job(&format!("  priority = {chain}1\n")));
    let cond = "true ? 1 : ".repeat(100_000);
    write(&d, "cond.nomad", job(&format!("  priority = {cond}1\n")));
    for f in ["chain.nomad", "cond.nomad"] {
        // HCL2 (1.0 on) has operators; hcl-edit's parser refuses the chain
        // (past its depth), which hclsyntax reads (Go's stacks grow): what
        // Nomad says of the file is not known, and our parser's words are
        // not put in its place.
        let o = run(&d, &["validate", f, "--nomad-version", "2.0.5"]);
        assert_clean(&o, &[255]);
        assert!(
            o.stderr
                .contains("cannot tell what Nomad 2.0.5 makes of this file"),
            "{f}"
        );
        assert!(!o.stderr.contains("Invalid HCL syntax"), "{f}");
        // HCL1 has none: its parser stops at the first (HCL1 oracle).
        let o = run(&d, &["validate", f, "--nomad-version", "0.12.12"]);
        assert_clean(&o, &[1]);
        let want = if f == "chain.nomad" {
            "error parsing: At 3:16: expected: IDENT | STRING | ASSIGN | LBRACE got: ADD"
        } else {
            "error parsing: At 3:19: illegal char"
        };
        assert!(o.stderr.contains(want), "{f}: {}", o.stderr.len());
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// 100 MB of job file: a heredoc template of 1 M lines. Debug builds parse
/// it in about 25 s, so it runs in release in .ci/run.
#[test]
#[ignore = "100 MB parse: slow in debug; run with --release --ignored"]
fn a_100_mb_job_file_validates() {
    let d = tempdir("huge");
    let p = d.join("huge.nomad");
    {
        use std::io::Write;
        let f = match std::fs::File::create(&p) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        let mut w = std::io::BufWriter::new(f);
        let head = "job \"big\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      template {\n        destination = \"local/x\"\n        data = <<EOT\n";
        let line = format!("{}\n", "y".repeat(99));
        let ok = w.write_all(head.as_bytes()).is_ok()
            && (0..1_000_000).all(|_| w.write_all(line.as_bytes()).is_ok())
            && w.write_all(b"EOT\n      }\n    }\n  }\n}\n").is_ok()
            && w.flush().is_ok();
        assert!(ok, "cannot write the 100 MB file");
    }
    // Over the default 16 MiB read cap (issue 14): the user raises it.
    let o = run_env(
        &d,
        &["validate", "huge.nomad"],
        &[("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "200000000")],
    );
    assert_clean(&o, &[0]);
    assert!(o.stdout.contains("Job validation successful"));
    let _ = std::fs::remove_dir_all(&d);
}

/// The read cap set (16 MiB, the default's value) raises the job parse
/// budget (4 MiB) to it: these files are past the budget on purpose.
const PAST_PARSE_BUDGET: &[(&str, &str)] = &[("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "16777216")];

#[test]
fn a_10_mb_line_is_read_and_its_errors_are_located() {
    let d = tempdir("line");
    let long = "x".repeat(10 * 1024 * 1024);
    write(
        &d,
        "ok.nomad",
        job(&format!(
            "  meta = {{\n    k = \"{long}\"\n  }}\n{}",
            group("")
        )),
    );
    let o = run_env(&d, &["validate", "ok.nomad"], PAST_PARSE_BUDGET);
    assert_clean(&o, &[0]);
    // A syntax error at the end of a 10 MB line.
    write(
        &d,
        "bad.nomad",
        job(&format!("  meta = {{\n    k = \"{long}\" ]\n  }}\n")),
    );
    let o = run_env(&d, &["validate", "bad.nomad"], PAST_PARSE_BUDGET);
    assert_clean(&o, &[1]);
    assert!(
        o.stderr.contains("[bad.nomad:4:"),
        "error not located on line 4"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn invalid_utf8_and_nul_bytes_are_syntax_errors() {
    let d = tempdir("bytes");
    // Invalid bytes inside a string would be decoded to U+FFFD and accepted;
    // outside one they are a syntax error.
    let mut bad = job(&group("")).into_bytes();
    bad.splice(0..0, [0xff, 0xfe, 0x80]);
    write(&d, "utf8.nomad", &bad);
    let mut nul = job(&group("")).into_bytes();
    nul.splice(10..10, [0, 0, 0]);
    write(&d, "nul.nomad", &nul);
    write(&d, "allnul.nomad", vec![0u8; 4096]);
    // A file named as a job file is judged as one whatever its bytes:
    // `check` fails each as `validate` does, never skipping it as "not a job
    // file" (leading bytes before `job`, all NULs) that a hook then passes.
    for f in ["utf8.nomad", "nul.nomad", "allnul.nomad"] {
        let o = run(&d, &["validate", f]);
        assert_clean(&o, &[1]);
        assert!(o.stderr.contains(f), "{f}: {}", o.stderr);
        let o = run(&d, &["check", "--format", "json", f]);
        assert_clean(&o, &[1]);
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// CRLF files plan as plain ones everywhere; a BOM from 1.0 (hclsyntax
/// skips it), while HCL1's scanner (the demo's 0.9.3) refuses it as an
/// `illegal char` at 1:1.
#[test]
fn bom_and_crlf_files_plan_exactly_like_plain_ones() {
    let d = tempdir("bom");
    let plain = job(&group("    count = 2\n"));
    write(&d, "a.nomad", &plain);
    write(&d, "b.nomad", format!("\u{feff}{plain}"));
    write(&d, "c.nomad", plain.replace('\n', "\r\n"));
    write(
        &d,
        "d.nomad",
        format!("\u{feff}{}", plain.replace('\n', "\r\n")),
    );
    for version in [None, Some("1.0.0"), Some("2.0.5")] {
        let args = |f: &'static str| -> Vec<&str> {
            match version {
                Some(v) => vec!["plan", "--nomad-version", v, f],
                None => vec!["plan", f],
            }
        };
        let base = run(&d, &args("a.nomad"));
        assert_clean(&base, &[1]);
        for f in ["b.nomad", "c.nomad", "d.nomad"] {
            let o = run(&d, &args(f));
            if version.is_none() && f != "c.nomad" {
                assert_clean(&o, &[255]);
                assert!(
                    o.stderr.contains("error parsing: At 1:1: illegal char"),
                    "{f}: {}",
                    o.stderr
                );
                continue;
            }
            assert_clean(&o, &[1]);
            assert_eq!(o.stdout.replace(f, "a.nomad"), base.stdout, "{f}");
        }
    }
    let v = run(&d, &["validate", "c.nomad"]);
    assert_clean(&v, &[0]);
    let v = run(&d, &["validate", "b.nomad"]);
    assert_clean(&v, &[1]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn ten_thousand_task_groups_plan() {
    let d = tempdir("groups");
    let groups: String = (0..10_000)
        .map(|i| format!("  group \"g{i}\" {{\n{TASK}  }}\n"))
        .collect();
    write(&d, "many.nomad", job(&groups));
    let o = run(&d, &["plan", "many.nomad"]);
    assert_clean(&o, &[1]);
    assert!(o.stdout.contains("Task Group: \"g9999\""));
    assert!(o.stdout.contains("Failed to place all allocations"));
    let _ = std::fs::remove_dir_all(&d);
}

/// Regression (found here): the reconciler named every missing allocation
/// up front, so `count = 2147483648` allocated tens of GB and never ended.
/// It is past the allocations one group is simulated for (R19-A1): plan
/// says it cannot tell at once, and check still finds the quota it breaks.
#[test]
fn count_of_two_to_the_31_fails_placement_without_naming_every_alloc() {
    let d = tempdir("count");
    write(
        &d,
        "big.nomad",
        job(&group(
            "    count = 2147483648
",
        )),
    );
    let o = run(&d, &["plan", "big.nomad"]);
    assert_clean(&o, &[255]);
    assert!(
        o.stderr.contains("asks count = 2147483648, and nomad-preflight simulates at most 200000 allocations per group"),
        "{}",
        o.stderr
    );
    let o = run(&d, &["check", "big.nomad"]);
    assert_clean(&o, &[1]);
    write(
        &d,
        "max.nomad",
        job(&group("    count = 9223372036854775807\n")),
    );
    // A Go int holds it, so the file loads and validates (hcl v1 under the
    // demo's 0.9.3: strconv.ParseInt); the plan is "cannot tell" past the
    // counts we simulate (a12057d), and check finds the quota it breaks.
    for (cmd, code, says) in [
        (
            "plan",
            255,
            "simulates at most 200000 allocations per group",
        ),
        ("check", 1, "9223372036854775807 allocations"),
        ("validate", 0, "Job validation successful"),
    ] {
        let o = run(&d, &[cmd, "max.nomad"]);
        assert_clean(&o, &[code]);
        let text = flat(&format!("{}{}", o.stdout, o.stderr));
        assert!(text.contains(says), "{cmd}: {text}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn negative_priority_and_count_are_validation_errors() {
    let d = tempdir("neg");
    write(
        &d,
        "prio.nomad",
        job(&format!("  priority = -1\n{}", group(""))),
    );
    write(&d, "count.nomad", job(&group("    count = -1\n")));
    for f in ["prio.nomad", "count.nomad"] {
        let o = run(&d, &["validate", f]);
        assert_clean(&o, &[1]);
        let o = run(&d, &["plan", f]);
        assert_clean(&o, &[255]);
    }
    let o = run(&d, &["validate", "prio.nomad"]);
    assert!(o.stderr.to_lowercase().contains("priority"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn recursive_locals_are_reported_not_followed() {
    let d = tempdir("locals");
    let text = format!(
        "locals {{\n  a = local.b\n  b = local.c\n  c = local.a\n  self = local.self\n}}\n{}",
        job(&format!("  meta = {{ k = local.a }}\n{}", group("")))
    );
    write(&d, "rec.nomad", text);
    let o = run(&d, &["validate", "rec.nomad"]);
    assert_clean(&o, &[1]);
    assert!(o.stderr.contains("rec.nomad"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn file_function_refuses_devices_and_paths_outside_the_repository() {
    let d = tempdir("file");
    // A git repository makes `d` the boundary `file()` may not leave.
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&d)
        .status();
    let have_git = git.map(|s| s.success()).unwrap_or(false);
    let cases = [
        ("zero.nomad", "/dev/zero"),
        ("passwd.nomad", "/etc/passwd"),
        ("up.nomad", "../../../../../../etc/passwd"),
        ("link.nomad", "zero.tpl"),
    ];
    #[cfg(unix)]
    let _ = std::os::unix::fs::symlink("/dev/zero", d.join("zero.tpl"));
    for (name, path) in cases {
        if !have_git && name != "zero.nomad" && name != "link.nomad" {
            continue;
        }
        write(
            &d,
            name,
            job(&format!(
                "  meta = {{ k = file(\"{path}\") }}\n{}",
                group("")
            )),
        );
        let o = run(&d, &["validate", name]);
        assert_clean(&o, &[1]);
        assert!(o.stderr.contains(name), "{name}: {}", o.stderr);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn check_walks_past_symlink_loops_fifos_and_unreadable_files() {
    let d = tempdir("walk");
    write(&d, "jobs/ok.nomad", job(&group("")));
    let _ = std::os::unix::fs::symlink(".", d.join("jobs/loop"));
    let _ = std::os::unix::fs::symlink("a.nomad", d.join("jobs/b.nomad"));
    let _ = std::os::unix::fs::symlink("b.nomad", d.join("jobs/a.nomad"));
    let _ = std::os::unix::fs::symlink("/dev/zero", d.join("jobs/zero.nomad"));
    let _ = Command::new("mkfifo")
        .arg(d.join("jobs/fifo.nomad"))
        .status();
    // Another job than ok.nomad's: two files defining one job is an error
    // of its own (NP229 defined-twice), not what this walk is about.
    write(
        &d,
        "jobs/secret.nomad",
        job(&group("")).replacen("job \"adv\"", "job \"secret\"", 1),
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            d.join("jobs/secret.nomad"),
            std::fs::Permissions::from_mode(0o000),
        );
    }
    // Mode 000 stops every user but root: what `check` must say follows
    // from whether the user running it can read the file, so the
    // expectation is exact either way; under root the walk also runs as
    // `nobody` (see [`users`]), where the permissions bind.
    let readable_by_me = std::fs::File::open(d.join("jobs/secret.nomad")).is_ok();
    // The walk ends (the link to `.` is a folder inside: not walked again),
    // and every entry that is not a readable regular file is a located
    // error naming it: the link loop, the device, the FIFO, and the
    // unreadable file when the permissions bind. Never a silent skip.
    for who in users() {
        let readable = who == As::Me && readable_by_me;
        let o = run_as(
            who,
            &d,
            &["check", "--output-format", "concise", "jobs"],
            &[],
        );
        let errors = if readable { 4 } else { 5 };
        let tail = format!("{errors} errors, 0 warnings, 0 advices in 6 files");
        // The link leading outside and the FIFO are files Nomad's CLI
        // would read (go-getter opens the link): cannot tell. The two
        // links leading to each other inside the project fail for Nomad
        // as for us (ELOOP: `failed to read`), as does a file no one may
        // read: definite findings, which outrank "cannot tell" (exit 1).
        assert_clean(&o, &[1]);
        assert!(o.stdout.contains(&tail), "{who:?}: {}", o.stdout);
        assert_eq!(
            o.stdout.contains(
                "jobs/secret.nomad:1:1: io::read [error] cannot read jobs/secret.nomad: "
            ),
            !readable,
            "{who:?}: {}",
            o.stdout
        );
        for looping in ["a.nomad", "b.nomad"] {
            assert!(
                o.stdout.contains(&format!(
                    "jobs/{looping}:1:1: io::read [error] cannot read jobs/{looping}: Too many levels of symbolic links"
                )),
                "{who:?} {looping}: {}",
                o.stdout
            );
        }
        for refused in ["zero.nomad", "fifo.nomad"] {
            assert!(
                o.stdout.contains(&format!(
                    "jobs/{refused}:1:1: io::read [error] refusing to read jobs/{refused}: "
                )),
                "{who:?} {refused}: {}",
                o.stdout
            );
        }
    }
    let o = run(&d, &["check", "--output-format", "concise", "jobs"]);
    assert!(!o.stdout.contains("jobs/loop"), "{}", o.stdout);
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let o = run(&d, &["check", "--format", format, "jobs"]);
        assert_clean(&o, &[1]);
        assert!(o.stdout.contains("fifo.nomad"), "{format}: {}", o.stdout);
    }
    let _ = std::fs::remove_dir_all(&d);
}

fn world(dir: &Path, clients: &str, quota: &str) {
    write(
        dir,
        "rules/cluster.hcl",
        format!("nomad_version = \"1.6.0\"\nregion = \"global\"\n{clients}"),
    );
    if !quota.is_empty() {
        write(dir, "rules/quotas/q.hcl", quota);
        write(
            dir,
            "rules/namespaces/default.hcl",
            "name = \"default\"\nquota = \"q\"\n",
        );
    }
}

#[test]
fn a_world_with_no_clients_fails_placement_cleanly() {
    let d = tempdir("noclients");
    world(&d, "", "");
    write(&d, "a.nomad", job(&group("    count = 3\n")));
    // A world without clients is rejected as a world error by every
    // command that needs one.
    for (args, code) in [(&["plan", "a.nomad"][..], 255), (&["status"][..], 2)] {
        let o = run(&d, args);
        assert_clean(&o, &[code]);
        assert!(
            o.stderr.contains("the world has no clients"),
            "{}",
            o.stderr
        );
    }
    // check: a world that cannot be simulated is an error of the command.
    let o = run(&d, &["check", "a.nomad"]);
    assert_clean(&o, &[2]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_quota_of_zero_blocks_every_placement() {
    let d = tempdir("quota0");
    world(
        &d,
        "client \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 10000\n  drivers = [\"docker\"]\n}\n",
        "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 0\n    memory = 0\n  }\n}\n",
    );
    write(&d, "a.nomad", job(&group("")));
    let o = run(&d, &["plan", "a.nomad"]);
    assert_clean(&o, &[1]);
    let o = run(&d, &["status"]);
    assert_clean(&o, &[0]);
    let o = run(&d, &["check", "a.nomad"]);
    assert_clean(&o, &[0]);
    let _ = std::fs::remove_dir_all(&d);
}
