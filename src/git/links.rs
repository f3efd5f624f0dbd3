//! Symbolic links inside a revision or the index, followed as the file
//! system would follow them in a checkout of it: `nomad job run deploy/web`
//! reads the file a link there leads to, so a gate reading git must judge
//! that file (named by the link) or say it cannot. Only the tree is looked
//! at: a link leaving it (absolute, or `..` past its top) is never
//! followed, as a read on disk is fenced to the project.

use std::collections::VecDeque;
use std::io;

use gix::bstr::{BString, ByteSlice};
use gix::ObjectId;

use super::repo::Kind;

/// At most this many links on one path: Linux's own bound (MAXSYMLINKS,
/// 40), past which `open` fails with ELOOP.
const MAX_HOPS: usize = 40;

/// What a tree holds at a path: an object and its kind.
pub(super) type Entry = (ObjectId, Kind);

/// Where a path leads once its links are followed.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Followed {
    /// No link on the way: the caller's own lookup stands.
    NoLink,
    /// A file (regular or executable) of the tree.
    File(ObjectId),
    /// A link leads somewhere a checkout of the tree cannot be read from.
    Refused(Why),
}

/// Why a link is not followed, in words that never name its target.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Why {
    Outside,
    Missing,
    Loop,
    Folder,
    Submodule,
}

impl Why {
    /// How the refusal is kinded: `PermissionDenied` where Nomad would
    /// read a file this reader will not (a gate must then fail, whatever
    /// the link is called), else where Nomad too reads nothing (a folder,
    /// nothing there, a loop: `nomad job run` fails, no job runs).
    pub(super) fn kind(&self) -> io::ErrorKind {
        match self {
            Why::Outside | Why::Submodule => io::ErrorKind::PermissionDenied,
            Why::Missing => io::ErrorKind::NotFound,
            Why::Loop | Why::Folder => io::ErrorKind::InvalidInput,
        }
    }

    pub(super) fn words(&self) -> &'static str {
        match self {
            Why::Outside => "and links are not followed out of the project",
            Why::Missing => "and the path it leads to holds no file there",
            Why::Loop => "and its links lead round more than 40 times",
            Why::Folder => "and it leads to a folder, from which Nomad reads no job",
            Why::Submodule => "and links are not followed into a submodule",
        }
    }
}

/// Follow the links on `path` (slash-separated, relative to the top):
/// `lookup` gives what the tree holds at a path (`None` for nothing, or
/// for a folder the index names only by its files), `target` a link's
/// blob. Each link is replaced by its target read from the link's own
/// folder, `..` taking off the last real folder, as the kernel resolves a
/// path on disk.
pub(super) fn follow(
    path: &[u8],
    lookup: &mut dyn FnMut(&[u8]) -> io::Result<Option<Entry>>,
    target: &mut dyn FnMut(ObjectId) -> io::Result<Vec<u8>>,
) -> io::Result<Followed> {
    let mut todo: VecDeque<BString> = parts(path).collect();
    let mut done: Vec<BString> = Vec::new();
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        if part == ".." {
            if done.pop().is_none() {
                return Ok(refused_if(hops, Why::Outside));
            }
            continue;
        }
        done.push(part);
        let here = done.join(&b'/');
        let last = todo.is_empty();
        match lookup(&here)? {
            Some((id, Kind::Link)) => {
                hops += 1;
                if hops > MAX_HOPS {
                    return Ok(Followed::Refused(Why::Loop));
                }
                let to = target(id)?;
                if to.first() == Some(&b'/') || to.is_empty() {
                    return Ok(Followed::Refused(Why::Outside));
                }
                done.pop();
                for p in parts(&to).collect::<Vec<_>>().into_iter().rev() {
                    todo.push_front(p);
                }
            }
            Some((id, Kind::File | Kind::Executable)) if last => {
                return Ok(if hops == 0 {
                    Followed::NoLink
                } else {
                    Followed::File(id)
                });
            }
            Some((_, Kind::Tree)) if last => return Ok(refused_if(hops, Why::Folder)),
            Some((_, Kind::Tree)) => {}
            Some((_, Kind::Commit)) => return Ok(refused_if(hops, Why::Submodule)),
            // A file with more path after it, or nothing.
            Some(_) => return Ok(refused_if(hops, Why::Missing)),
            None if last => return Ok(refused_if(hops, Why::Missing)),
            // The index names folders only by the files in them.
            None => {}
        }
    }
    // Only `.` and `..` left: the top or a folder it holds.
    Ok(refused_if(hops, Why::Folder))
}

fn refused_if(hops: usize, why: Why) -> Followed {
    if hops == 0 {
        Followed::NoLink
    } else {
        Followed::Refused(why)
    }
}

/// The parts of a slash-separated path, `.` and empty parts left out.
fn parts(path: &[u8]) -> impl Iterator<Item = BString> + '_ {
    path.split(|b| *b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .map(|p| p.as_bstr().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn tree(entries: &[(&str, Kind, &str)]) -> HashMap<Vec<u8>, (ObjectId, Kind, Vec<u8>)> {
        entries
            .iter()
            .enumerate()
            .map(|(i, (p, k, to))| {
                let mut id = [0u8; 20];
                id[0] = i as u8 + 1;
                (
                    p.as_bytes().to_vec(),
                    (
                        ObjectId::from_bytes_or_panic(&id),
                        *k,
                        to.as_bytes().to_vec(),
                    ),
                )
            })
            .collect()
    }

    fn run(t: &HashMap<Vec<u8>, (ObjectId, Kind, Vec<u8>)>, path: &str) -> Followed {
        let by_id: HashMap<ObjectId, Vec<u8>> =
            t.values().map(|(id, _, to)| (*id, to.clone())).collect();
        follow(
            path.as_bytes(),
            &mut |p| Ok(t.get(p).map(|(id, k, _)| (*id, *k))),
            &mut |id| Ok(by_id[&id].clone()),
        )
        .unwrap()
    }

    #[test]
    fn links_are_followed_inside_the_tree_only() {
        let t = tree(&[
            ("jobs", Kind::Tree, ""),
            ("jobs/web.nomad", Kind::File, ""),
            ("deploy/web", Kind::Link, "../jobs/web.nomad"),
            ("deploy/via", Kind::Link, "web"),
            ("alias", Kind::Link, "jobs"),
            ("up", Kind::Link, "../x"),
            ("abs", Kind::Link, "/etc/passwd"),
            ("a", Kind::Link, "b"),
            ("b", Kind::Link, "a"),
            ("dir.hcl", Kind::Link, "jobs/"),
            ("sub", Kind::Commit, ""),
            ("into", Kind::Link, "sub/x.nomad"),
            ("gone", Kind::Link, "jobs/nothing.nomad"),
        ]);
        let web = t[&b"jobs/web.nomad".to_vec()].0;
        assert_eq!(run(&t, "jobs/web.nomad"), Followed::NoLink);
        assert_eq!(run(&t, "deploy/web"), Followed::File(web));
        assert_eq!(run(&t, "deploy/via"), Followed::File(web));
        assert_eq!(run(&t, "alias/web.nomad"), Followed::File(web));
        assert_eq!(run(&t, "alias/../jobs/web.nomad"), Followed::File(web));
        assert_eq!(run(&t, "up"), Followed::Refused(Why::Outside));
        assert_eq!(run(&t, "abs"), Followed::Refused(Why::Outside));
        assert_eq!(run(&t, "a"), Followed::Refused(Why::Loop));
        assert_eq!(run(&t, "dir.hcl"), Followed::Refused(Why::Folder));
        assert_eq!(run(&t, "into"), Followed::Refused(Why::Submodule));
        assert_eq!(run(&t, "gone"), Followed::Refused(Why::Missing));
        assert_eq!(run(&t, "nothing.nomad"), Followed::NoLink);
    }
}
