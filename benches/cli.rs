//! Whole-process latency and peak memory of the commands users wait on:
//! the pre-commit case (`check --staged` with one staged job in a fresh git
//! repository), `plan` on the demo, and `plan --samples 1000`. Each is the
//! built binary spawned N times; peak RSS comes from `/usr/bin/time -v`
//! when it is installed.
//!
//! Run: `cargo bench --bench cli` (the release binary is built by cargo).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nomad-preflight"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Median and min wall time of `n` runs, in ms.
fn latency(dir: &Path, args: &[&str], n: usize) -> Option<(f64, f64)> {
    let mut ms = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let st = Command::new(bin())
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        // Plan exits 1 when placement fails; only a crash is a failure here.
        st.code()?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Some((*ms.get(n / 2)?, *ms.first()?))
}

/// "Maximum resident set size" of one run, in MB.
fn peak_rss(dir: &Path, args: &[&str]) -> Option<f64> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A fresh repository holding the demo's world and one staged job.
fn staged_repo() -> Option<PathBuf> {
    let d = std::env::temp_dir().join(format!("np-bench-staged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("jobs")).ok()?;
    copy_dir(&root().join("rules"), &d.join("rules"))?;
    std::fs::copy(
        root().join("jobs/sockshop.nomad"),
        d.join("jobs/sockshop.nomad"),
    )
    .ok()?;
    let ok = git(&d, &["init", "-q"])
        && git(
            &d,
            &["-c", "user.name=b", "-c", "user.email=b@b", "add", "rules"],
        )
        && git(
            &d,
            &[
                "-c",
                "user.name=b",
                "-c",
                "user.email=b@b",
                "commit",
                "-qm",
                "world",
            ],
        )
        && git(&d, &["add", "jobs/sockshop.nomad"]);
    ok.then_some(d)
}

fn copy_dir(from: &Path, to: &Path) -> Option<()> {
    std::fs::create_dir_all(to).ok()?;
    for e in std::fs::read_dir(from).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()))?;
        } else {
            std::fs::copy(&p, to.join(e.file_name())).ok()?;
        }
    }
    Some(())
}

fn report(what: &str, dir: &Path, args: &[&str], n: usize) {
    match latency(dir, args, n) {
        Some((median, min)) => {
            let rss = peak_rss(dir, args)
                .map(|m| format!("{m:.1} MB"))
                .unwrap_or_else(|| "n/a (no /usr/bin/time)".into());
            println!(
                "{what}: median {median:.1} ms, min {min:.1} ms over {n} runs; peak RSS {rss}"
            );
        }
        None => println!("{what}: could not run"),
    }
}

fn main() {
    match staged_repo() {
        Some(repo) => {
            report(
                "check --staged (1 staged job)",
                &repo,
                &["check", "--staged"],
                30,
            );
            let _ = std::fs::remove_dir_all(&repo);
        }
        None => println!("check --staged: git unavailable; skipped"),
    }
    report("check jobs (3 demo jobs)", root(), &["check", "jobs"], 30);
    report(
        "plan jobs/sockshop.nomad",
        root(),
        &["plan", "jobs/sockshop.nomad"],
        30,
    );
    report(
        "plan --samples 1000 jobs/sockshop.nomad",
        root(),
        &["plan", "--samples", "1000", "jobs/sockshop.nomad"],
        5,
    );
    report("rehearse --samples 200", root(), &["rehearse"], 5);
}
