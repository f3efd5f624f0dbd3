//! The installed pre-commit hook, run by `git commit` itself, with the
//! built binary found on PATH as a user's installed one would be.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
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

/// PATH with the built binary's directory first.
fn path_with_binary() -> std::ffi::OsString {
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let mut dirs = vec![bin_dir];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

impl Repo {
    fn demo(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("np-hook-run-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&manifest.join("jobs"), &dir.join("jobs"));
        copy_dir(&manifest.join("rules"), &dir.join("rules"));
        let repo = Repo(dir);
        assert!(repo.git(&["init", "-q"]).status.success());
        assert!(repo.git(&["add", "."]).status.success());
        assert!(repo.git(&["commit", "-qm", "demo"]).status.success());
        repo
    }

    fn git(&self, args: &[&str]) -> Output {
        self.git_with_path(args, &path_with_binary())
    }

    fn git_with_path(&self, args: &[&str], path: &std::ffi::OsStr) -> Output {
        common::git_command(&self.0)
            .args(args)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn install(&self, plan: bool) {
        let mut args = vec!["hook", "install"];
        if plan {
            args.push("--plan");
        }
        let out = Command::new(common::bin())
            .args(&args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }

    fn set(&self, path: &str, from: &str, to: &str) {
        let p = self.0.join(path);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from:?} not in {path}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    }

    fn head(&self) -> String {
        String::from_utf8_lossy(&self.git(&["rev-parse", "HEAD"]).stdout)
            .trim()
            .to_string()
    }
}

fn text(o: &Output) -> String {
    common::output_text(o)
}

#[test]
fn memory_beyond_the_quota_blocks_the_commit_with_a_located_message() {
    let repo = Repo::demo("quota");
    repo.install(false);
    let before = repo.head();
    repo.set("jobs/monitoring.nomad", "memory = 3072", "memory = 9800");
    assert!(repo.git(&["add", "jobs/monitoring.nomad"]).status.success());
    // The working tree goes back to a harmless value: the hook must judge
    // what is staged, not this.
    repo.set("jobs/monitoring.nomad", "memory = 9800", "memory = 3072");

    let out = repo.git(&["commit", "-m", "monitoring needs more memory"]);
    let s = text(&out);
    assert!(!out.status.success(), "the commit went through: {s}");
    assert_eq!(repo.head(), before);
    // One ask, one finding: NP201 (no client is that large) owns the quota
    // errors of the same ask (NP301: the job alone needs more memory than
    // its namespace's quota), named in its message. It points into the
    // staged file, one line per finding (stdout is not a terminal).
    assert!(
        s.contains("jobs/monitoring.nomad:19:9: NP201 [error] group \"foundation\" cannot fit on any client: memory 9800 MB > 3951 MB (this also causes: NP301 job-exceeds-quota"),
        "{s}"
    );
    assert!(!s.contains("NP301 [error]"), "{s}");

    // Staged back to a value that fits: the commit goes through. The cpu
    // too: the demo's quota leaves 1000 MHz, and a quota hit (NP304) is
    // an error as Nomad blocks the evaluation (R17-51).
    assert!(repo.git(&["add", "jobs/monitoring.nomad"]).status.success());
    repo.set("jobs/monitoring.nomad", "memory = 3072", "memory = 3000");
    repo.set("jobs/monitoring.nomad", "cpu    = 2000", "cpu    = 1000");
    assert!(repo.git(&["add", "jobs/monitoring.nomad"]).status.success());
    let out = repo.git(&["commit", "-qm", "a little less memory"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(repo.head(), before);
}

#[test]
fn the_plan_hook_refuses_a_change_that_blocks_a_protected_job() {
    let repo = Repo::demo("plan");
    // Relax the lint that would stop this commit first, so that the plan
    // gate is what refuses it.
    let policy = repo.0.join("rules/policy.hcl");
    let mut text_policy = std::fs::read_to_string(&policy).unwrap();
    text_policy.push_str("\nrule \"NP301\" {\n  severity = \"warning\"\n}\n");
    std::fs::write(&policy, text_policy).unwrap();
    assert!(repo
        .git(&["commit", "-qam", "relax NP301"])
        .status
        .success());
    repo.install(true);
    // Changing allocations is fine: the gate only refuses what policy protects.
    repo.set("jobs/sockshop.nomad", "memory = 1024", "memory = 1000");
    assert!(repo.git(&["add", "-A"]).status.success());
    let out = repo.git(&["commit", "-qm", "trim"]);
    assert!(out.status.success(), "{}", text(&out));

    let before = repo.head();
    let shop = std::fs::read_to_string(repo.0.join("jobs/sockshop.nomad")).unwrap();
    let at = shop.find("group \"carts\"").unwrap();
    let mut edited = shop.clone();
    let rel = shop[at..].find("count = 1").unwrap();
    edited.replace_range(at + rel..at + rel + "count = 1".len(), "count = 9");
    std::fs::write(repo.0.join("jobs/sockshop.nomad"), edited).unwrap();
    assert!(repo.git(&["add", "-A"]).status.success());
    let out = repo.git(&["commit", "-qm", "many carts"]);
    let s = text(&out);
    assert!(!out.status.success(), "{s}");
    assert_eq!(repo.head(), before);
    assert!(
        s.contains("==> refused by policy: jobs/sockshop.nomad leaves"),
        "{s}"
    );
}

#[test]
fn without_the_binary_on_path_the_hook_fails_closed() {
    let repo = Repo::demo("nobinary");
    repo.install(false);
    let before = repo.head();
    repo.set("jobs/monitoring.nomad", "memory = 3072", "memory = 3000");
    assert!(repo.git(&["add", "-A"]).status.success());
    // git itself must still be found: keep only its directory.
    let git_dir = Command::new("sh")
        .args(["-c", "dirname \"$(command -v git)\""])
        .output()
        .unwrap();
    let git_dir = String::from_utf8_lossy(&git_dir.stdout).trim().to_string();
    let mut dirs: Vec<PathBuf> = vec![PathBuf::from(&git_dir), PathBuf::from("/bin")];
    dirs.push(PathBuf::from("/usr/bin"));
    // Only meaningful when nomad-preflight is not installed in those dirs.
    if dirs.iter().any(|d| d.join("nomad-preflight").exists()) {
        eprintln!("SKIPPED: nomad-preflight is installed system-wide");
        return;
    }
    let path = std::env::join_paths(dirs).unwrap();
    let out = repo.git_with_path(&["commit", "-qm", "x"], &path);
    let s = text(&out);
    assert!(!out.status.success(), "{s}");
    assert_eq!(repo.head(), before);
    assert!(s.contains("nomad-preflight: not found on PATH"), "{s}");
    assert!(s.contains("git commit --no-verify"), "{s}");
}
