//! What users run, each beside an anchor measured in the same run, so the
//! figures are ratios that survive a loaded or different machine:
//! - `true`: the cost of starting a process at all;
//! - `git diff --cached --name-only`: the cheapest thing a git hook can do;
//! - HashiCorp's Go HCL, a bare parse of the same corpus files
//!   (`benches/go-hcl.sh` installs and builds it; skipped with a message
//!   when it cannot).
//!
//! Cases: `check --staged` in a repository with the demo world plus 1 and
//! plus 20,000 committed files, cold (new staged text before every run, as
//! each commit brings; the goal is claimed on it: the jobs at HEAD are in
//! the cache from the run before, as at a user's second commit), with an
//! empty cache (a user's first run ever) and warm (the same staged text
//! again); `check` over the corpus (`../shared/corpus/jobs`
//! or `$NOMAD_PREFLIGHT_CORPUS`), in the demo's world (which runs jobs: its
//! history is sampled) and in a world of clients only (no history: only
//! each plan's own node shuffle is); `plan` of a 100-allocation job through world
//! files at 500 clients / 10,000 allocations and 5,000 / 100,000; `plan
//! --samples 1000` on the demo's carts step. Runs are interleaved (case,
//! anchor, case, ...) so load changes hit both sides alike; medians.
//!
//! Run: `cargo bench --bench anchored` (builds the release binary).

mod common;
use common::{bin, median, runs_and_machine};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One way to run a process, and where.
struct Cmd {
    program: PathBuf,
    args: Vec<String>,
    dir: PathBuf,
}

impl Cmd {
    fn new(program: impl Into<PathBuf>, args: &[&str], dir: &Path) -> Cmd {
        Cmd {
            program: program.into(),
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: dir.to_path_buf(),
        }
    }

    fn ours(args: &[&str], dir: &Path) -> Cmd {
        Cmd::new(bin(), args, dir)
    }

    /// Wall time of one run in ms, or `None` if it could not start or
    /// crashed (a finding's exit 1 is a normal outcome here).
    fn time(&self) -> Option<f64> {
        let t = Instant::now();
        let st = Command::new(&self.program)
            .args(&self.args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .env("NOMAD_PREFLIGHT_CACHE_DIR", cache_dir())
            .env_remove("NOMAD_PREFLIGHT_NO_CACHE")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let code = st.code()?;
        (code < 100 || code == 255).then(|| t.elapsed().as_secs_f64() * 1000.0)
    }
}

/// The placement cache of this bench run (README, "Cache"): its own, so a
/// run starts cold whatever the user's cache holds; each case's first,
/// unmeasured run fills it, as a user's first run does.
fn cache_dir() -> PathBuf {
    std::env::temp_dir().join(format!("np-bench-cache-{}", std::process::id()))
}

/// `case` and `anchor` run alternately `n` times; their medians in ms.
fn paired(case: &Cmd, anchor: &Cmd, n: usize) -> Option<(f64, f64)> {
    paired_fresh(case, anchor, n, &mut |_| Some(()))
}

/// [`paired`], with `prepare(i)` run (untimed) before the case's `i`th run:
/// the cold hook stages new content there, as each real commit does.
fn paired_fresh(
    case: &Cmd,
    anchor: &Cmd,
    n: usize,
    prepare: &mut dyn FnMut(usize) -> Option<()>,
) -> Option<(f64, f64)> {
    prepare(0)?;
    case.time()?; // warm the page cache for both
    anchor.time()?;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 1..=n {
        prepare(i)?;
        a.push(case.time()?);
        b.push(anchor.time()?);
    }
    Some((median(a), median(b)))
}

/// Stage a version of the edited job that no earlier run has seen (the
/// edit plus a comment naming run `i`): whatever is cached from one run
/// (placements keyed by the world at HEAD, which a commit at a time leaves
/// as it was) the staged text is new to each, so the hook's figure is
/// that of a real commit, not of re-checking the same content.
fn stage_fresh(repo: &Path, i: usize) -> Option<()> {
    let job = repo.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&job).ok()?;
    let base = text.split("\n# bench run ").next()?.to_string();
    std::fs::write(&job, format!("{base}\n# bench run {i}\n")).ok()?;
    git(repo, &["add", "jobs/sockshop.nomad"]).then_some(())
}

fn row(what: &str, anchor_name: &str, r: Option<(f64, f64)>, goal: &str) {
    match r {
        Some((c, a)) => println!(
            "| {what} | {c:.1} ms | {anchor_name} {a:.1} ms | {:.2}x | {goal} |",
            c / a
        ),
        None => println!("| {what} | could not run | {anchor_name} | | {goal} |"),
    }
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=b", "-c", "user.email=b@b"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("np-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The demo's world and jobs committed with `extra` unrelated files, then
/// one job edit staged (the pre-commit case).
fn staged_repo(extra: usize) -> Option<PathBuf> {
    let d = scratch(&format!("staged-{extra}"));
    copy_dir(&root().join("rules"), &d.join("rules"))?;
    copy_dir(&root().join("jobs"), &d.join("jobs"))?;
    for i in 0..extra {
        let f = d.join(format!("docs/d{}/f{i}.txt", i % 200));
        std::fs::create_dir_all(f.parent()?).ok()?;
        std::fs::write(f, format!("file {i}\n")).ok()?;
    }
    let job = d.join("jobs/sockshop.nomad");
    let ok =
        git(&d, &["init", "-q"]) && git(&d, &["add", "-A"]) && git(&d, &["commit", "-qm", "world"]);
    let text = std::fs::read_to_string(&job).ok()?;
    std::fs::write(&job, text.replacen("count = 1", "count = 2", 1)).ok()?;
    (ok && git(&d, &["add", "jobs/sockshop.nomad"])).then_some(d)
}

/// A world of `clients` clients running `allocs` filler allocations (one
/// batch job, priority 10, 150 MHz / 120 MB each), and a 100-allocation
/// service job to plan against it.
fn big_world(clients: u32, allocs: u32) -> Option<PathBuf> {
    let d = scratch(&format!("world-{clients}"));
    std::fs::create_dir_all(d.join("rules")).ok()?;
    std::fs::create_dir_all(d.join("jobs")).ok()?;
    let demo = std::fs::read_to_string(root().join("rules/cluster.hcl")).ok()?;
    let cluster = demo
        .replacen("count      = 3", &format!("count      = {clients}"), 1)
        .replace(
            "running = [\n  \"jobs/sockshop.nomad\",\n  \"jobs/sockshopui.nomad\",\n]",
            "running = [\"jobs/filler.nomad\"]",
        );
    if cluster == demo || !cluster.contains("filler") {
        return None; // the demo world changed shape: say so rather than measure something else
    }
    std::fs::write(d.join("rules/cluster.hcl"), cluster).ok()?;
    let job = |name: &str, kind: &str, prio: u32, count: u32, cpu: u32, mem: u32| {
        format!(
            "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  priority = {prio}\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = {mem}\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    std::fs::write(
        d.join("jobs/filler.nomad"),
        job("filler", "batch", 10, allocs, 150, 120),
    )
    .ok()?;
    std::fs::write(
        d.join("jobs/web.nomad"),
        job("web", "service", 50, 100, 100, 100),
    )
    .ok()?;
    Some(d)
}

/// The demo's carts step: monitoring runs in its own namespace, carts 1 -> 3.
fn carts_step() -> Option<PathBuf> {
    let d = scratch("carts");
    copy_dir(&root().join("rules"), &d.join("rules"))?;
    copy_dir(&root().join("jobs"), &d.join("jobs"))?;
    let cluster = d.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&cluster).ok()?;
    std::fs::write(
        &cluster,
        text.replace(
            "  \"jobs/sockshopui.nomad\",\n]",
            "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",\n]",
        ),
    )
    .ok()?;
    let mon = d.join("jobs/monitoring.nomad");
    let text = std::fs::read_to_string(&mon).ok()?;
    std::fs::write(&mon, text.replace("#namespace=", "namespace =")).ok()?;
    std::fs::write(
        d.join("rules/namespaces/monitor.hcl"),
        "name        = \"monitor\"\ndescription = \"monitoring\"\n",
    )
    .ok()?;
    let old = d.join("jobs/sockshop.nomad");
    std::fs::copy(&old, d.join("sockshop.running.nomad")).ok()?;
    let text = std::fs::read_to_string(&old).ok()?;
    let carts = text.find("group \"carts\"")?;
    let (head, tail) = text.split_at(carts);
    let edited = format!("{head}{}", tail.replacen("count = 1", "count = 3", 1));
    std::fs::write(&old, edited).ok()?;
    Some(d)
}

/// A project whose world is clients only (the demo's three, at the newest
/// release the corpus's jobs load under): nothing runs, so no history is
/// sampled, only each plan's own node shuffle where its placements
/// compete and the room bound cannot show they fit (stop 62, shuf21).
fn clients_only_world() -> Option<PathBuf> {
    let d = scratch("clients-only");
    std::fs::create_dir_all(d.join("rules")).ok()?;
    std::fs::write(
        d.join("rules/cluster.hcl"),
        "nomad_version = \"2.0.5\"\nregion = \"global\"\n\nclient \"aws\" {\n  count = 3\n  datacenter = \"dc1\"\n  cpu = 4600\n  memory = 3951\n  disk = 18000\n  network_mbits = 300\n  drivers = [\"docker\", \"exec\", \"java\", \"raw_exec\"]\n  attributes = {\n    \"kernel.name\" = \"linux\"\n    \"arch\" = \"amd64\"\n  }\n}\n",
    )
    .ok()?;
    git(&d, &["init", "-q"]).then_some(d)
}

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("NOMAD_PREFLIGHT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus/jobs"));
    p.is_dir().then_some(p)
}

/// The Go HCL parser built by `benches/go-hcl.sh`, if it could be.
fn go_hcl() -> Option<PathBuf> {
    let out = Command::new("bash")
        .arg(root().join("benches/go-hcl.sh"))
        .stderr(Stdio::inherit())
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

fn main() {
    let n = runs_and_machine(15);
    println!("| case | ours | anchor | ratio | goal |\n|---|---|---|---|---|");
    let t = Cmd::new("true", &[], root());
    for extra in [1usize, 20_000] {
        match staged_repo(extra) {
            Some(repo) => {
                let check = Cmd::ours(&["check", "--staged"], &repo);
                let hook = Cmd::new("git", &["diff", "--cached", "--name-only"], &repo);
                // Cold first (new staged text every run: the goal is
                // claimed on this one), then warm (the same staged text).
                let label = format!("check --staged, cold, {extra} more committed files");
                let mut fresh = |i| stage_fresh(&repo, i);
                row(
                    &label,
                    "true",
                    paired_fresh(&check, &t, n, &mut fresh),
                    "<= 3x",
                );
                let mut fresh = |i| stage_fresh(&repo, i + n + 1);
                let r = paired_fresh(&check, &hook, n, &mut fresh);
                row(&label, "git diff --cached", r, "");
                // A user's first run ever: nothing cached, not even the
                // jobs at HEAD (each run starts from an empty cache folder).
                let label = format!("check --staged, empty cache, {extra} more committed files");
                let mut empty = |i| {
                    let _ = std::fs::remove_dir_all(cache_dir());
                    stage_fresh(&repo, i + 2 * n + 2)
                };
                row(&label, "true", paired_fresh(&check, &t, n, &mut empty), "");
                let label = format!("check --staged, warm, {extra} more committed files");
                row(&label, "true", paired(&check, &t, n), "");
                row(&label, "git diff --cached", paired(&check, &hook, n), "");
                let _ = std::fs::remove_dir_all(&repo);
            }
            None => println!("| check --staged ({extra}) | git unavailable: skipped | | | |"),
        }
    }
    match (corpus(), go_hcl()) {
        (Some(dir), Some(go)) => {
            let d = dir.to_string_lossy().to_string();
            let ours = Cmd::ours(&["check", "--exit-zero", &d], root());
            let theirs = Cmd::new(go, &[&d], root());
            row(
                "check over the corpus",
                "Go HCL bare parse",
                paired(&ours, &theirs, n.min(7)),
                "<= 1.0x",
            );
            match clients_only_world() {
                Some(w) => {
                    let ours = Cmd::ours(&["check", "--exit-zero", &d], &w);
                    row(
                        "check over the corpus, world without history",
                        "Go HCL bare parse",
                        paired(&ours, &theirs, n.min(7)),
                        "",
                    );
                    let _ = std::fs::remove_dir_all(&w);
                }
                None => println!("| check over the corpus, world without history | world could not be written | | | |"),
            }
        }
        (None, _) => {
            println!("| check over the corpus | no corpus (../shared/corpus/jobs): skipped | | | |")
        }
        (_, None) => println!(
            "| check over the corpus | Go HCL unavailable (see benches/go-hcl.sh): skipped | | | |"
        ),
    }
    // Each plan size with the placement cache (what a user's second and
    // later runs cost) and without it (the first run, or --no-cache).
    let mut small: [Option<f64>; 2] = [None, None];
    for (clients, allocs) in [(500u32, 10_000u32), (5_000, 100_000)] {
        let Some(dir) = big_world(clients, allocs) else {
            println!("| plan at {clients} / {allocs} | world could not be generated | | | |");
            continue;
        };
        for (i, cached) in [true, false].into_iter().enumerate() {
            let mut args = vec!["plan", "jobs/web.nomad"];
            if !cached {
                args.push("--no-cache");
            }
            let plan = Cmd::ours(&args, &dir);
            let r = paired(&plan, &t, n.min(5));
            let how = if cached {
                "cached placements"
            } else {
                "--no-cache"
            };
            let label = format!("plan, {clients} clients / {allocs} allocations, {how}");
            row(&label, "true", r, "<= 100 ms");
            match (small[i], r) {
                (None, Some((ms, _))) => small[i] = Some(ms),
                (Some(s), Some((ms, _))) => println!(
                    "| 5,000/100,000 over 500/10,000, {how} | {:.2}x | | | <= 12x |",
                    ms / s
                ),
                _ => {}
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    match carts_step() {
        Some(dir) => {
            let plan = Cmd::ours(
                &[
                    "plan",
                    "--samples",
                    "1000",
                    "--running",
                    "sockshop.running.nomad",
                    "jobs/sockshop.nomad",
                ],
                &dir,
            );
            row(
                "plan --samples 1000, carts 1 -> 3",
                "true",
                paired(&plan, &t, n.min(5)),
                "<= 100 ms",
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
        None => println!("| plan --samples 1000 | demo could not be copied | | | |"),
    }
    let _ = std::fs::remove_dir_all(cache_dir());
}
