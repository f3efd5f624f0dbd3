//! Gates on changes to the world itself: a broken file under rules/ and the
//! deletion of a job file the world still runs fail both `check --staged`
//! and `plan --changed --staged --gate` (they used to report 0 files and
//! exit 0, and every run after the merge failed).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Repo {
    fn demo(name: &str) -> Repo {
        let dir =
            std::env::temp_dir().join(format!("np-world-change-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        common::copy_dir(&manifest.join("jobs"), &dir.join("jobs"));
        common::copy_dir(&manifest.join("rules"), &dir.join("rules"));
        common::git(&dir, &["init", "-q"]);
        common::git(&dir, &["add", "."]);
        common::git(&dir, &["commit", "-qm", "demo"]);
        Repo(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(common::bin())
            .current_dir(&self.0)
            .arg("--no-color")
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("the binary runs")
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.0.join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from:?} not in {rel}");
        std::fs::write(p, t.replacen(from, to, 1)).unwrap();
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_staged_broken_quota_file_fails_check_and_plan() {
    let repo = Repo::demo("quota");
    let quota = std::fs::read_to_string(repo.0.join("rules/quotas/default.hcl")).unwrap();
    std::fs::write(
        repo.0.join("rules/quotas/default.hcl"),
        format!("{quota}\nlimit {{\n"),
    )
    .unwrap();
    common::git(&repo.0, &["add", "rules/quotas/default.hcl"]);

    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("rules/quotas/default.hcl"), "{s}");

    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(s.contains("rules/quotas/default.hcl"), "{s}");
    assert!(s.contains("leaves the world invalid"), "{s}");
}

#[test]
fn deleting_a_running_jobs_file_without_stopping_it_fails_check_and_plan() {
    let repo = Repo::demo("deleted");
    common::git(&repo.0, &["rm", "-q", "jobs/sockshopui.nomad"]);

    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("jobs/sockshopui.nomad is deleted by this change but still listed in `running`"),
        "{s}"
    );
    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(out.status.code(), Some(255), "{}", text(&out));

    // Stopping it (removing it from `running` in the same change) is a
    // consistent change: the world loads, the check passes.
    repo.edit("rules/cluster.hcl", "  \"jobs/sockshopui.nomad\",\n", "");
    common::git(&repo.0, &["add", "rules/cluster.hcl"]);
    let out = repo.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
