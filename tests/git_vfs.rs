//! The git layer against real temporary repositories.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use nomad_preflight::git::{self, Change};
use nomad_preflight::vfs::Vfs;

struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "np-git-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let r = Repo(dir);
        r.git(&["init", "-q"]);
        r
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(["-c", "user.name=Test", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.0.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(vfs: &dyn Vfs, path: &str) -> String {
        vfs.read(Path::new(path)).unwrap().text.to_string()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn staged_content_wins_over_unstaged_edits() {
    let r = Repo::new("staged");
    r.write("jobs/a.nomad", "v1\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "one"]);
    r.write("jobs/a.nomad", "v2 staged\n");
    r.git(&["add", "jobs/a.nomad"]);
    r.write("jobs/a.nomad", "v3 unstaged\n");
    let root = git::repo_root(&r.0).unwrap();
    let index = git::index_vfs(&root).unwrap();
    assert_eq!(Repo::read(&index, "jobs/a.nomad"), "v2 staged\n");
    let src = index.read(Path::new("jobs/a.nomad")).unwrap();
    assert_eq!(src.name, "jobs/a.nomad (staged)");
    // The working tree and the index are untouched.
    assert_eq!(
        std::fs::read_to_string(r.0.join("jobs/a.nomad")).unwrap(),
        "v3 unstaged\n"
    );
    assert!(r
        .git(&["status", "--porcelain"])
        .contains("MM jobs/a.nomad"));
    let staged = git::changed_files(&root, "HEAD", None, true).unwrap();
    assert_eq!(staged, vec![Change::Modified("jobs/a.nomad".into())]);
}

#[test]
fn base_revision_reads_base_versions_and_filters() {
    let r = Repo::new("base");
    r.write("a.nomad", "base a\n");
    r.write("README.md", "readme\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "base"]);
    let base = r.git(&["rev-parse", "HEAD"]);
    r.write("a.nomad", "head a\n");
    r.git(&["commit", "-qam", "head"]);
    let root = git::repo_root(&r.0).unwrap();
    let vfs = git::rev_vfs(&root, &base).unwrap();
    assert_eq!(Repo::read(&vfs, "a.nomad"), "base a\n");
    let only_jobs = git::rev_vfs_filtered(&root, "HEAD", |p| {
        p.extension().is_some_and(|e| e == "nomad")
    })
    .unwrap();
    assert_eq!(Repo::read(&only_jobs, "a.nomad"), "head a\n");
    assert!(!only_jobs.is_file(Path::new("README.md")));
    assert!(git::rev_vfs(&root, "no-such-rev").is_err());
}

#[test]
fn deletions_and_renames_are_reported() {
    let r = Repo::new("changes");
    r.write(
        "old.nomad",
        "job \"x\" {\n  # a long enough body for rename detection\n  group \"g\" {}\n}\n",
    );
    r.write("gone.nomad", "bye\n");
    r.write("same.nomad", "same\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "base"]);
    r.git(&["mv", "old.nomad", "new.nomad"]);
    r.git(&["rm", "-q", "gone.nomad"]);
    r.write("added.nomad", "new\n");
    r.git(&["add", "added.nomad"]);
    r.git(&["commit", "-qm", "head"]);
    let root = git::repo_root(&r.0).unwrap();
    let mut changes = git::changed_files(&root, "HEAD~1", Some("HEAD"), false).unwrap();
    changes.sort();
    assert_eq!(
        changes,
        vec![
            Change::Added("added.nomad".into()),
            Change::Deleted("gone.nomad".into()),
            Change::Renamed {
                from: "old.nomad".into(),
                to: "new.nomad".into()
            },
        ]
    );
}

#[test]
fn repository_without_commits() {
    let r = Repo::new("empty");
    r.write("a.nomad", "first\n");
    r.git(&["add", "a.nomad"]);
    let root = git::repo_root(&r.0).unwrap();
    let head = git::rev_vfs(&root, "HEAD").unwrap();
    assert_eq!(head.paths().count(), 0);
    assert_eq!(
        Repo::read(&git::index_vfs(&root).unwrap(), "a.nomad"),
        "first\n"
    );
    let staged = git::changed_files(&root, "HEAD", None, true).unwrap();
    assert_eq!(staged, vec![Change::Added("a.nomad".into())]);
}

#[test]
fn detached_head() {
    let r = Repo::new("detached");
    r.write("a.nomad", "one\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "one"]);
    r.write("a.nomad", "two\n");
    r.git(&["commit", "-qam", "two"]);
    r.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    let root = git::repo_root(&r.0).unwrap();
    assert_eq!(
        Repo::read(&git::rev_vfs(&root, "HEAD").unwrap(), "a.nomad"),
        "one\n"
    );
    let changes = git::changed_files(&root, "HEAD", Some("main"), false).unwrap();
    assert_eq!(changes, vec![Change::Modified("a.nomad".into())]);
}

#[test]
fn outside_a_repository() {
    let dir = std::env::temp_dir().join(format!("np-git-none-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // temp_dir itself could sit inside a repository on some machines.
    if Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["rev-parse"])
        .status()
        .is_ok_and(|s| !s.success())
    {
        assert!(git::repo_root(&dir).is_none());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lazy_reader_reads_revisions_and_the_index_on_demand() {
    let r = Repo::new("lazy");
    // Before the first commit HEAD has no files, and that is not an error.
    let empty = git::LazyGitVfs::rev(&r.0, "HEAD").unwrap();
    assert_eq!(empty.paths().count(), 0);

    r.write("rules/cluster.hcl", "region = \"a\"\n");
    r.write("rules/quotas/q.hcl", "name = \"q\"\n");
    r.write("jobs/a.nomad", "job \"a\" {}\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "one"]);
    r.write("jobs/a.nomad", "job \"a\" { # staged\n}\n");
    r.git(&["add", "."]);
    r.write("jobs/a.nomad", "job \"a\" { # tree\n}\n");

    let head = git::LazyGitVfs::rev(&r.0, "HEAD").unwrap();
    assert!(head.is_dir(Path::new("rules")));
    assert!(head.is_file(Path::new("rules/quotas/q.hcl")));
    assert_eq!(
        head.list(Path::new("rules")).unwrap(),
        vec![PathBuf::from("rules/cluster.hcl")]
    );
    let a = head.read(Path::new("jobs/a.nomad")).unwrap();
    assert_eq!(&*a.text, "job \"a\" {}\n");
    // Absolute paths under the root and `./` spellings name the same file.
    let again = head.read(&r.0.join("./jobs/a.nomad")).unwrap();
    assert_eq!(&*again.text, "job \"a\" {}\n");
    assert!(head.read(Path::new("jobs/missing.nomad")).is_err());

    let index = git::LazyGitVfs::index(&r.0).unwrap();
    let staged = index.read(Path::new("jobs/a.nomad")).unwrap();
    assert_eq!(&*staged.text, "job \"a\" { # staged\n}\n");
    assert_eq!(staged.name, "jobs/a.nomad (staged)");

    // Unknown revisions, and anything git could read as an option, are refused.
    for bad in ["no-such-branch", "--output=/tmp/x", ""] {
        let err = git::LazyGitVfs::rev(&r.0, bad).err().expect(bad);
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{bad}: {err}");
    }
    assert!(git::changed_files(&r.0, "--cached", None, false).is_err());
}

/// Readers of one repository share what they know of an object: a text
/// one reader was given for a blob (the world cache's, remembered) is what
/// another reader of the same blob reads, at any path, without inflating
/// it again. A byte order mark is part of the text remembered, as of the
/// blob read.
#[test]
fn readers_share_the_text_of_one_object() {
    let r = Repo::new("shared-text");
    r.write("jobs/a.nomad", "\u{feff}job \"a\" {}\n");
    r.write("jobs/copy.nomad", "\u{feff}job \"a\" {}\n");
    r.write("jobs/b.nomad", "job \"b\" {}\n");
    r.git(&["add", "."]);
    r.git(&["commit", "-qm", "one"]);

    let world = git::LazyGitVfs::rev(&r.0, "HEAD").unwrap();
    // A stand-in text, so the test sees which reader answered: a caller
    // gives the text of the very object at the path, which the blob holds.
    world.remember(Path::new("jobs/a.nomad"), "\u{feff}remembered\n".into());
    let base = git::LazyGitVfs::rev(&r.0, "HEAD").unwrap();
    let a = base.read(Path::new("jobs/copy.nomad")).unwrap();
    assert_eq!(
        &*a.text, "remembered\n",
        "the same blob, read by another reader"
    );
    assert!(a.bom);
    // Another object is read from its blob.
    let b = base.read(Path::new("jobs/b.nomad")).unwrap();
    assert_eq!(&*b.text, "job \"b\" {}\n");
    assert!(!b.bom);
}
