//! `check`'s run as a library: a file that crashes fails the run.

use super::*;
use crate::source::Source;

/// Reads the demo's files, but panics on one path: a stand-in for any
/// input that crashes the front end.
struct PanickingVfs {
    inner: crate::vfs::MemVfs,
    bomb: PathBuf,
}

impl Vfs for PanickingVfs {
    fn read(&self, path: &Path) -> std::io::Result<Source> {
        if path == self.bomb {
            panic!("boom in the front end");
        }
        self.inner.read(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.inner.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }
    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        self.inner.list(dir)
    }
    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        self.inner.files_under(dir)
    }
    fn root(&self) -> &Path {
        self.inner.root()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[test]
fn a_panicking_file_fails_the_run_and_is_named_whatever_the_thread_count() {
    let mut inner = crate::vfs::MemVfs::new("test");
    let mut files = Vec::new();
    for i in 0..12 {
        let p = PathBuf::from(format!("jobs/j{i:02}.nomad"));
        inner.insert(
            &p,
            format!("job \"j{i}\" {{\n  datacenters = [\"dc1\"]\n}}\n"),
        );
        files.push(p);
    }
    let bomb = PathBuf::from("jobs/j07.nomad");
    let vfs = PanickingVfs {
        inner,
        bomb: bomb.clone(),
    };
    let world = crate::rules::testing::world();
    let loader = JobLoader::plain(crate::version::NomadVersion::CURRENT, PathBuf::from("/p"));
    // The panic hook is process-wide: swapping it here raced with other
    // tests doing the same. The expected panic's message is only noise.
    for threads in [1, 2, 3, 4, 8] {
        let judge = Judge {
            world: &world,
            sim: None,
            judging: Judging::EachAlone,
            threads: crate::Workers::Fixed(threads),
            untrusted: None,
            namespace: None,
            plain_sampling: false,
        };
        let results = check_files(&vfs, &files, &loader, &judge);
        let paths: Vec<&PathBuf> = results.iter().map(|r| &r.path).collect();
        assert_eq!(paths, files.iter().collect::<Vec<_>>(), "threads={threads}");
        let crashed: Vec<&FileResult> = results.iter().filter(|r| r.crashed).collect();
        assert_eq!(crashed.len(), 1, "threads={threads}");
        assert_eq!(crashed[0].path, bomb);
        assert_eq!(crashed[0].diags[0].code, INTERNAL);
        assert!(crashed[0].diags[0].message.contains("jobs/j07.nomad"));
    }
}

/// A refused file's resample is skipped only where nothing it gives is
/// read: a plain check whose sampling rules report by code alone, of a
/// file with a front-end error and no suppression comment. A guard (the
/// output is the same either way, by design): it holds the conditions
/// `resample_moot` documents.
#[test]
fn only_a_plainly_reported_refused_file_without_suppressions_skips_the_resample() {
    let world = crate::rules::testing::world();
    let judge = |plain_sampling| Judge {
        world: &world,
        sim: None,
        judging: Judging::EachAlone,
        threads: crate::Workers::Fixed(1),
        untrusted: None,
        namespace: None,
        plain_sampling,
    };
    let load = |text: &str| {
        let mut vfs = crate::vfs::MemVfs::new("test");
        vfs.insert("j.nomad", text);
        jobspec::load(&vfs, Path::new("j.nomad"), &jobspec::LoadOptions::default())
    };
    let refused = load("job \"j\" {\n  datacenters = [\"dc1\"]\n  bogus = 1\n}\n");
    let suppressed = load(
        "job \"j\" {\n  datacenters = [\"dc1\"]\n  bogus = 1 # preflight:ignore NP207 why\n}\n",
    );
    assert!(refused.diags.iter().any(root_cause::refuses_file));
    assert!(resample_moot(&refused, &judge(true)));
    assert!(!resample_moot(&refused, &judge(false)));
    assert!(!resample_moot(&suppressed, &judge(true)));
    let in_order = Judge {
        judging: Judging::InOrder,
        ..judge(true)
    };
    assert!(!resample_moot(&refused, &in_order));
}
