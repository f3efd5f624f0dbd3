//! Job files a change reaches through what they read. A job that calls
//! `file("tpl/app.conf")` (or `filebase64`, `fileset`, `fileexists`) is
//! changed by an edit of `tpl/app.conf` even though its own text is not:
//! Nomad sees a new template, and the plan shows it. A change set that
//! listed only the edited job files let such a commit through as "no job
//! file changed", a false all-clear.
//!
//! So when a change touches files that are not job files, every job file
//! of the new version that may read files is evaluated once through a
//! [`Recording`], and the ones whose evaluation reads (or lists, or probes)
//! a changed path join the change set as changed files. Job files whose
//! text calls no file function are never evaluated here.

use std::path::PathBuf;

use crate::job_loader::JobLoader;
use crate::vfs::{Recording, Vfs};

/// The first of `changed` that an evaluation through `recording` reached:
/// a file it read or probed, anything below a folder it listed, or a path
/// one of those went through (a symbolic link on the way, or where it
/// leads: a job reading `conf/link` reads `data/prio` when the link leads
/// there, and is changed by an edit of either). Paths are compared as the
/// change set spells them (relative to the root, normalised).
fn first_reached<'p>(recording: &Recording<'_>, changed: &'p [PathBuf]) -> Option<&'p PathBuf> {
    let reached = recording.reached(|_| true);
    changed.iter().find(|c| reached.iter().any(|r| r.by(c)))
}

/// Could evaluating `source` with `loader` read a file? Every load reads
/// its `-var-file`s (a running job's own `var_file`s for its file; through
/// the same files: at the base, the base's version). Otherwise only a job-file function reads, lists or probes
/// files, and each has `file` in its name (`file`, `filebase64`,
/// `fileset`, `fileexists`, ...): a text without it is not evaluated.
fn may_read_files(source: &crate::source::Source, loader: &JobLoader) -> bool {
    loader.reads_var_files_of(source) || source.text.contains("file")
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
        if !may_read_files(&source, loader) || !crate::jobspec::is_job_file(&source.text) {
            continue;
        }
        let recording = Recording::new(head);
        // The evaluation's result is the consumer's to judge; only what it read matters here.
        let _ = loader.load_source(&recording, source);
        if let Some(hit) = first_reached(&recording, changed) {
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
    use std::path::Path;

    fn loader() -> JobLoader {
        JobLoader::plain(
            crate::version::NomadVersion::CURRENT,
            PathBuf::from("/repo"),
        )
    }

    fn job(body: &str) -> String {
        format!("job \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n{body}\n    }}\n  }}\n}}\n")
    }

    /// The job files in `jobs/` read relative paths from where `nomad`
    /// runs, the repository's top here (the reader's root), as
    /// `nomad job plan jobs/app.nomad` there does.
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
        v.insert(Path::new("tpl/app.conf"), "v2\n".to_string());
        v.insert(Path::new("conf/a.yml"), "a: 1\n".to_string());
        v
    }

    fn listed() -> Vec<PathBuf> {
        ["jobs/app.nomad", "jobs/set.nomad", "jobs/plain.nomad"]
            .map(PathBuf::from)
            .to_vec()
    }

    #[test]
    fn a_changed_template_reaches_the_job_that_reads_it_only() {
        let changed = vec![PathBuf::from("tpl/app.conf")];
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
        let changed = vec![PathBuf::from("conf/b.yml")];
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
        h.remove(Path::new("tpl/app.conf"));
        let changed = vec![PathBuf::from("tpl/app.conf")];
        let got = reached(listed(), &changed, &h, &loader());
        assert_eq!(got.len(), 1, "{got:?}");
    }

    #[test]
    fn unrelated_changes_reach_nothing() {
        let changed = vec![PathBuf::from("README.md")];
        assert!(reached(listed(), &changed, &head(), &loader()).is_empty());
    }
}
