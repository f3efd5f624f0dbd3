//! Job files a change reaches through what they read. A job that calls
//! `file("tpl/app.conf")` (or `filebase64`, `fileset`, `fileexists`) is
//! changed by an edit of `tpl/app.conf` even though its own text is not:
//! Nomad sees a new template, and the plan shows it. A change set that
//! listed only the edited job files let such a commit through as "no job
//! file changed", a false all-clear.
//!
//! So when a change touches files that are not job files, every job file
//! of the new version that may read files is evaluated once through a
//! [`Recorder`], and the ones whose evaluation reads (or lists, or probes)
//! a changed path join the change set as changed files. Job files whose
//! text calls no file function are never evaluated here.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::job_loader::JobLoader;
use crate::source::Source;
use crate::vfs::{self, Vfs};

/// What an evaluation asked of the files.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    /// A file read or probed: reached by a change to that path.
    File(PathBuf),
    /// A folder listed: reached by a change anywhere below it.
    Folder(PathBuf),
}

/// A [`Vfs`] that answers as `inner` does and notes every path asked about.
pub(super) struct Recorder<'a> {
    inner: &'a dyn Vfs,
    asked: Mutex<Vec<Asked>>,
}

impl<'a> Recorder<'a> {
    pub(super) fn new(inner: &'a dyn Vfs) -> Recorder<'a> {
        Recorder {
            inner,
            asked: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, a: Asked) {
        // A poisoned lock only means another reader panicked; keep noting.
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        asked.push(a);
    }

    /// The path as the change set spells it: relative to the root, normalised.
    fn spelled(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix(self.inner.root()).unwrap_or(path);
        vfs::normalize(rel)
    }

    /// The first of `changed` that an evaluation through this recorder reached.
    pub(super) fn reached<'p>(&self, changed: &'p [PathBuf]) -> Option<&'p PathBuf> {
        let asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        changed.iter().find(|c| {
            asked.iter().any(|a| match a {
                Asked::File(p) => p == *c,
                Asked::Folder(d) => c.starts_with(d),
            })
        })
    }
}

impl Vfs for Recorder<'_> {
    fn read(&self, path: &Path) -> std::io::Result<Source> {
        self.note(Asked::File(self.spelled(path)));
        self.inner.read(path)
    }
    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        self.note(Asked::Folder(self.spelled(dir)));
        self.inner.list(dir)
    }
    fn is_dir(&self, path: &Path) -> bool {
        // Whether a folder exists changes when anything below it does.
        self.note(Asked::Folder(self.spelled(path)));
        self.inner.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.note(Asked::File(self.spelled(path)));
        self.inner.is_file(path)
    }
    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        self.note(Asked::Folder(self.spelled(dir)));
        self.inner.files_under(dir)
    }
    fn probe(&self, path: &Path) -> std::io::Result<bool> {
        self.note(Asked::File(self.spelled(path)));
        self.inner.probe(path)
    }
    fn root(&self) -> &Path {
        self.inner.root()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn fence_root(&self) -> Option<&Path> {
        self.inner.fence_root()
    }
}

/// Could evaluating `text` with `loader` read a file? Every load reads
/// the `-var-file`s (through the same files: at the base, the base's
/// version). Otherwise only a job-file function reads, lists or probes
/// files, and each has `file` in its name (`file`, `filebase64`,
/// `fileset`, `fileexists`, ...): a text without it is not evaluated.
fn may_read_files(text: &str, loader: &JobLoader) -> bool {
    loader.reads_var_files() || text.contains("file")
}

/// How a job file the change did not touch is reached by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Its evaluation reads this changed (or deleted) path.
    Reads(PathBuf),
    /// Its text cannot be read at the head, so what it reads is unknown:
    /// the consumer reports it unreadable rather than skip it.
    Unreadable,
}

/// The job files among `listed` (the head's files, the change set's own
/// excluded) that `changed` reaches, each with how, in path order.
pub(super) fn reached(
    listed: impl IntoIterator<Item = PathBuf>,
    changed: &[PathBuf],
    head: &dyn Vfs,
    loader: &JobLoader,
) -> Vec<(PathBuf, Reach)> {
    let mut out = Vec::new();
    if changed.is_empty() {
        return out;
    }
    for path in listed {
        let source = match head.read(&path) {
            Ok(s) => s,
            Err(_) => {
                out.push((path, Reach::Unreadable));
                continue;
            }
        };
        if !may_read_files(&source.text, loader) || !crate::jobspec::is_job_file(&source.text) {
            continue;
        }
        let recorder = Recorder::new(head);
        // The evaluation's result is the consumer's to judge; only what it read matters here.
        let _ = loader.load_source(&recorder, source);
        if let Some(hit) = recorder.reached(changed) {
            out.push((path, Reach::Reads(hit.clone())));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemVfs;

    fn loader() -> JobLoader {
        JobLoader::plain(
            crate::version::NomadVersion::CURRENT,
            PathBuf::from("/repo"),
        )
    }

    fn job(body: &str) -> String {
        format!("job \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n{body}\n    }}\n  }}\n}}\n")
    }

    fn head() -> MemVfs {
        let mut v = MemVfs::git(":", "/repo");
        v.insert(
            Path::new("jobs/app.nomad"),
            job("      template {\n        data = file(\"tpl/app.conf\")\n        destination = \"local/a\"\n      }"),
        );
        v.insert(
            Path::new("jobs/set.nomad"),
            job("      meta { n = length(fileset(\"conf\", \"*.yml\")) }")
                .replace("\"app\"", "\"set\""),
        );
        v.insert(
            Path::new("jobs/plain.nomad"),
            job("").replace("\"app\"", "\"plain\""),
        );
        v.insert(Path::new("jobs/tpl/app.conf"), "v2\n".to_string());
        v.insert(Path::new("jobs/conf/a.yml"), "a: 1\n".to_string());
        v
    }

    fn listed() -> Vec<PathBuf> {
        ["jobs/app.nomad", "jobs/set.nomad", "jobs/plain.nomad"]
            .map(PathBuf::from)
            .to_vec()
    }

    #[test]
    fn a_changed_template_reaches_the_job_that_reads_it_only() {
        let changed = vec![PathBuf::from("jobs/tpl/app.conf")];
        let got = reached(listed(), &changed, &head(), &loader());
        assert_eq!(
            got,
            vec![(
                PathBuf::from("jobs/app.nomad"),
                Reach::Reads(changed[0].clone())
            )]
        );
    }

    #[test]
    fn a_file_added_to_a_listed_folder_reaches_the_fileset_job() {
        let changed = vec![PathBuf::from("jobs/conf/b.yml")];
        let got = reached(listed(), &changed, &head(), &loader());
        assert_eq!(
            got,
            vec![(
                PathBuf::from("jobs/set.nomad"),
                Reach::Reads(changed[0].clone())
            )]
        );
    }

    #[test]
    fn a_deleted_template_still_reaches_its_reader() {
        let mut h = head();
        h.remove(Path::new("jobs/tpl/app.conf"));
        let changed = vec![PathBuf::from("jobs/tpl/app.conf")];
        let got = reached(listed(), &changed, &h, &loader());
        assert_eq!(got.len(), 1, "{got:?}");
    }

    #[test]
    fn unrelated_changes_reach_nothing() {
        let changed = vec![PathBuf::from("README.md")];
        assert!(reached(listed(), &changed, &head(), &loader()).is_empty());
    }
}
