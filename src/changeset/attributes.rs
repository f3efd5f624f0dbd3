//! A change to a `.gitattributes` changes the job files below its folder
//! without touching a blob: it rewrites how a checkout writes them (line
//! ends, `ident`, a `working-tree-encoding`, a `filter`), and a checkout
//! is what `nomad job run` reads. git lists no change for them (its diff
//! compares blobs, and `git diff BASE` cleans the working tree's files
//! back through the same attributes), so each is taken here and judged as
//! changed, on every gate alike ([`super::ChangeSet::add_readers`]).
//!
//! What each side then reads decides the answer. From git (`--staged`,
//! `--head`, a base revision) the reader refuses a file whose checkout is
//! not its blob ("cannot tell", git/lazy/checkout.rs). The working tree
//! (`check --base REF`, the form CI runs) holds the checkout itself: a job
//! file `working-tree-encoding=UTF-16LE-BOM` wrote there is UTF-16, which
//! Nomad's parser refuses (`illegal char`), so the gate fails on it as
//! `check DIR` does. That file's text is no job's as read (its NUL bytes
//! look binary), and testing it so dropped every such file from the
//! working tree's change: "0 files", exit 0, while every checkout held job
//! files Nomad cannot parse (R26b-1).

use std::path::{Path, PathBuf};

use super::by_text::{content_unread, job_by_text, ByText};
use super::Reach;
use crate::vfs::Vfs;

/// How [`rejudged`] tells a job file from other files, as the change set
/// does for a changed one.
pub(super) struct Judge<'a> {
    /// A job file whatever its text (`*.nomad`, `*.job`, an `include`):
    /// the consumers load it so ([`crate::job_loader::JobLoader::job_file`]),
    /// and Nomad's CLI reads it whatever its bytes.
    pub named: &'a dyn Fn(&Path) -> bool,
    /// A job-file candidate by name (`*.hcl` too): a job by the lenient
    /// test of its text, a misspelt `job` block included.
    pub candidate: &'a dyn Fn(&Path) -> bool,
    /// The top of the working tree when the head is it: a file a sparse
    /// checkout left out is unread there, not "no job".
    pub work_tree: Option<&'a Path>,
}

/// The changed `.gitattributes` files among `changed`.
fn changed_attributes(changed: &[PathBuf]) -> Vec<&PathBuf> {
    changed
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == ".gitattributes"))
        .collect()
}

/// Does `changed` hold a `.gitattributes` (so [`rejudged`] wants the base)?
pub(super) fn any_changed(changed: &[PathBuf]) -> bool {
    !changed_attributes(changed).is_empty()
}

/// What a changed `.gitattributes` may change the attributes of.
enum Scope {
    /// Every path below its folder: a side could not be read.
    Whole,
    /// The paths its two versions say different things of.
    Lines(crate::git::AttributesChange),
}

/// The bytes of the attributes file `p` as `vfs` holds it (`None`:
/// absent there), as git reads the blob (a byte order mark included).
fn attribute_bytes(vfs: &dyn Vfs, p: &Path) -> Result<Option<Vec<u8>>, ()> {
    match vfs.read(p) {
        Ok(s) => {
            let mut b = if s.bom {
                "\u{feff}".as_bytes().to_vec()
            } else {
                Vec::new()
            };
            b.extend(crate::source::encode(&s.text));
            Ok(Some(b))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(_) => Err(()),
    }
}

fn scope_of(a: &Path, head: &dyn Vfs, base: Option<&dyn Vfs>) -> Scope {
    let dir = a
        .parent()
        .map(crate::rules::config::path_text)
        .unwrap_or_default();
    let sides = base.map(|b| (attribute_bytes(b, a), attribute_bytes(head, a)));
    match sides {
        Some((Ok(b), Ok(h))) => Scope::Lines(crate::git::AttributesChange::new(
            dir.as_bytes(),
            b.as_deref(),
            h.as_deref(),
        )),
        _ => Scope::Whole,
    }
}

/// The files among `listed` (the head's files the change leaves alone,
/// not excluded) below the folder of a `.gitattributes` among `changed`
/// whose attributes that change may change (its two versions, `base`'s
/// and `head`'s, say different things of them: every file below when
/// either cannot be read) that are job files as `head` holds them, each
/// reached by that `.gitattributes` (or unreadable), and the rest of
/// `listed`.
pub(super) fn rejudged(
    listed: Vec<PathBuf>,
    changed: &[PathBuf],
    head: &dyn Vfs,
    base: Option<&dyn Vfs>,
    judge: &Judge<'_>,
) -> (Vec<(PathBuf, Reach)>, Vec<PathBuf>) {
    let attributes = changed_attributes(changed);
    if attributes.is_empty() {
        return (Vec::new(), listed);
    }
    let scopes: Vec<(&PathBuf, Scope)> = (attributes.into_iter())
        .map(|a| (a, scope_of(a, head, base)))
        .collect();
    let below = |j: &Path| {
        scopes
            .iter()
            .find(|(a, scope)| {
                a.parent().is_some_and(|d| j.starts_with(d))
                    && match (scope, j.to_str()) {
                        (Scope::Lines(c), Some(p)) => c.reaches(gix::bstr::BStr::new(
                            &crate::rules::config::path_text(Path::new(p)),
                        )),
                        // A name that is not text: taken, as before.
                        _ => true,
                    }
            })
            .map(|(a, _)| (*a).clone())
    };
    let mut reached = Vec::new();
    let mut rest = Vec::new();
    for j in listed {
        let Some(a) = below(&j) else {
            rest.push(j);
            continue;
        };
        if let Some(reach) = reach(&j, a, head, judge) {
            reached.push((j, reach));
        }
    }
    (reached, rest)
}

/// How the changed `.gitattributes` at `attributes` reaches `path`, if
/// `path` is a job file as `head` holds it.
fn reach(path: &Path, attributes: PathBuf, head: &dyn Vfs, judge: &Judge<'_>) -> Option<Reach> {
    if (judge.candidate)(path) {
        return match head.read(path) {
            Err(_) => Some(Reach::Unreadable),
            Ok(s) if (judge.named)(path) || is_job_text(&s.text) => Some(Reach::Reads(attributes)),
            Ok(_) => None,
        };
    }
    // Any other name: a job by the gates' own test of a changed file's
    // text (a checkout not its blob, UTF-16, a link out of the project).
    match job_by_text(head, path) {
        ByText::Job => Some(Reach::Reads(attributes)),
        ByText::Unread(e) if content_unread(&e, path, judge.work_tree) => Some(Reach::Unreadable),
        _ => None,
    }
}

/// A candidate's text is a job's: the lenient test (a misspelt `job`
/// block), or a job saved as UTF-16 (what an encoding writes).
fn is_job_text(text: &str) -> bool {
    crate::jobspec::is_job_file(text) || crate::jobspec::utf16::is_job(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemVfs;

    const JOB: &str = "job \"web\" {\n  group \"g\" {}\n}\n";

    fn utf16(s: &str) -> String {
        crate::vfs::decode(crate::jobspec::utf16::encode(s, true, true)).to_string()
    }

    fn judge() -> Judge<'static> {
        Judge {
            named: &|p: &Path| crate::job_loader::named_as_job_file(p),
            candidate: &|p: &Path| super::super::is_job_candidate(p),
            work_tree: None,
        }
    }

    /// A working tree a `working-tree-encoding=UTF-16LE-BOM` wrote: every
    /// job file below the changed attributes is judged again, whatever
    /// its name, and other files are not.
    #[test]
    fn utf16_job_files_below_a_changed_gitattributes_are_rejudged() {
        let mut head = MemVfs::new("t");
        head.insert(Path::new("jobs/web.nomad"), utf16(JOB));
        head.insert(Path::new("jobs/api.hcl"), utf16(JOB));
        head.insert(Path::new("deploy/web"), utf16(JOB));
        head.insert(Path::new("jobs/README"), utf16("# notes\n"));
        head.insert(Path::new("rules/cluster.hcl"), "client \"a\" {}\n");
        head.insert(Path::new("other/x.nomad"), JOB);
        let listed: Vec<PathBuf> = [
            "deploy/web",
            "jobs/README",
            "jobs/api.hcl",
            "jobs/web.nomad",
            "rules/cluster.hcl",
        ]
        .map(PathBuf::from)
        .to_vec();
        let changed = vec![PathBuf::from(".gitattributes")];
        let (reached, rest) = rejudged(listed, &changed, &head, None, &judge());
        let got: Vec<&str> = reached.iter().map(|(p, _)| p.to_str().unwrap()).collect();
        assert_eq!(got, ["deploy/web", "jobs/api.hcl", "jobs/web.nomad"]);
        assert!(rest.is_empty());
        assert!(reached
            .iter()
            .all(|(_, r)| *r == Reach::Reads(changed[0].clone())));
    }

    /// Only what lies below the changed file's folder is reached; a file
    /// named as a job file is one whatever bytes it holds.
    #[test]
    fn only_the_folder_below_is_reached_and_a_named_job_file_always() {
        let mut head = MemVfs::new("t");
        head.insert(Path::new("jobs/web.nomad"), "\u{1}\u{2}garbage");
        head.insert(Path::new("other/x.nomad"), JOB);
        let listed: Vec<PathBuf> = ["jobs/web.nomad", "other/x.nomad"]
            .map(PathBuf::from)
            .to_vec();
        let changed = vec![PathBuf::from("jobs/.gitattributes")];
        let (reached, rest) = rejudged(listed, &changed, &head, None, &judge());
        assert_eq!(reached.len(), 1);
        assert_eq!(reached[0].0, PathBuf::from("jobs/web.nomad"));
        assert_eq!(rest, [PathBuf::from("other/x.nomad")]);
    }

    /// With the base's version read, only the files whose attributes the
    /// edit may change are judged again (a root `*.png binary` line
    /// re-judged every job file of the repository).
    #[test]
    fn only_files_whose_attributes_change_are_rejudged() {
        let mut head = MemVfs::new("t");
        head.insert(
            Path::new(".gitattributes"),
            "*.nomad text eol=lf\n*.png binary\n",
        );
        head.insert(Path::new("jobs/web.nomad"), JOB);
        head.insert(Path::new("jobs/api.nomad"), JOB);
        let mut base = MemVfs::new("b");
        base.insert(Path::new(".gitattributes"), "*.nomad text eol=lf\n");
        let listed: Vec<PathBuf> = ["jobs/api.nomad", "jobs/web.nomad"]
            .map(PathBuf::from)
            .to_vec();
        let changed = vec![PathBuf::from(".gitattributes")];
        let (reached, rest) = rejudged(listed.clone(), &changed, &head, Some(&base), &judge());
        assert!(reached.is_empty(), "{reached:?}");
        assert_eq!(rest, listed);
        // A line that reaches one job file re-judges that one alone.
        head.insert(
            Path::new(".gitattributes"),
            "*.nomad text eol=lf\njobs/web.nomad ident\n",
        );
        let (reached, rest) = rejudged(listed, &changed, &head, Some(&base), &judge());
        let got: Vec<&str> = reached.iter().map(|(p, _)| p.to_str().unwrap()).collect();
        assert_eq!(got, ["jobs/web.nomad"]);
        assert_eq!(rest, [PathBuf::from("jobs/api.nomad")]);
    }
}
