//! Symbolic links inside a revision or the index, followed as the file
//! system would follow them in a checkout of it: `nomad job run deploy/web`
//! reads the file a link there leads to, so a gate reading git must judge
//! that file (named by the link) or say it cannot. Only the tree is looked
//! at: a link leaving it (absolute, or `..` past its top) is never
//! followed, as a read on disk is fenced to the project.

use std::io;

use gix::bstr::BString;
use gix::ObjectId;

use super::repo::Kind;

/// At most this many links on one path: Linux's own bound (MAXSYMLINKS,
/// 40), past which `open` fails with ELOOP.
const MAX_HOPS: usize = 40;

/// A link's target of this many bytes or more is one Linux refuses to
/// create (PATH_MAX, 4096, counts the ending NUL: `symlink` fails with
/// ENAMETOOLONG), so no checkout of the tree holds the link: Nomad is
/// given nothing. It also bounds the walk: at most 40 targets this long.
const PATH_MAX: usize = 4096;

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
    /// A file with more path after it (ENOTDIR).
    NotDir,
    Loop,
    /// Into a `.git` folder: a checkout's metadata, which no tree holds
    /// and a checkout does (its credentials, redteam6 G9).
    GitDir,
    Folder,
    Submodule,
    /// A target of [`PATH_MAX`] bytes or more.
    TooLong,
}

impl Why {
    /// How the refusal is kinded: `PermissionDenied` where Nomad would
    /// read a file this reader will not (a gate must then fail, whatever
    /// the link is called), else where Nomad too reads nothing (a folder,
    /// nothing there, a loop: `nomad job run` fails, no job runs).
    pub(super) fn kind(&self) -> io::ErrorKind {
        match self {
            Why::Outside | Why::Submodule | Why::GitDir => io::ErrorKind::PermissionDenied,
            Why::Missing => io::ErrorKind::NotFound,
            Why::NotDir => io::ErrorKind::NotADirectory,
            // No checkout holds such a link: nothing Nomad could read,
            // and nothing this gate judged, so never an all-clear.
            Why::TooLong => io::ErrorKind::PermissionDenied,
            Why::Loop | Why::Folder => io::ErrorKind::InvalidInput,
        }
    }

    /// The errno a checkout's `stat(2)` or `open(2)` through the link
    /// gives, where the kernel's own answer is Nomad's (worded by
    /// [`crate::vfs::go_errno`], the one mapping every reader shares);
    /// `None` where this reader refuses instead.
    pub(super) fn errno(&self) -> Option<i32> {
        match self {
            Why::Missing => Some(2),
            Why::NotDir => Some(20),
            Why::Loop => Some(40),
            _ => None,
        }
    }

    pub(super) fn words(&self) -> &'static str {
        match self {
            Why::Outside => "and links are not followed out of the project",
            Why::Missing => "and the path it leads to holds no file there",
            Why::NotDir => "and the path it leads to goes through a file",
            Why::GitDir => "and it leads inside a repository's .git folder, which no checkout holds",
            Why::Loop => "and its links lead round more than 40 times",
            Why::Folder => "and it leads to a folder, from which Nomad reads no job",
            Why::Submodule => "and links are not followed into a submodule",
            Why::TooLong => "and its target is 4096 bytes or longer (Linux's PATH_MAX), which no checkout can create",
        }
    }
}

/// Where a path leads, and every path of the tree it leads through.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Trace {
    pub followed: Followed,
    /// Each link met on the way, as the tree names it (the links on its
    /// own folders already followed), in the order met.
    pub links: Vec<BString>,
    /// The path inside the tree the walk ended at once links were
    /// followed (a file, a folder, or where nothing is): `None` when the
    /// walk left the tree or went round.
    pub end: Option<BString>,
}

/// Follow the links on `path` (slash-separated, relative to the top):
/// `lookup` gives what the tree holds at a path (`None` for nothing; a
/// folder the index names only by its files is a [`Kind::Tree`]),
/// `target` a link's blob. Each link is replaced by its target read from
/// the link's own folder, `..` taking off the last real folder, as the
/// kernel resolves a path on disk: a component that names nothing, or a
/// file, with more path after it ends the walk (ENOENT, ENOTDIR), and a
/// target of [`PATH_MAX`] bytes or more is one no checkout can write
/// (ENAMETOOLONG). The paths it went through are told too: a read
/// through a link depends on the link and on what it leads to, so a
/// change to either is a change to what is read (redteam6 G6).
///
/// The path walked is built in place, one component at a time (it was
/// joined again for every component: a 40 KB target took 26 s, R14-13).
pub(super) fn trace(
    path: &[u8],
    lookup: &mut dyn FnMut(&[u8]) -> io::Result<Option<Entry>>,
    target: &mut dyn FnMut(ObjectId) -> io::Result<Vec<u8>>,
) -> io::Result<Trace> {
    // What is left to walk, next part last (a link's target is pushed on
    // top of it): parts are ranges of `bytes`, which holds the path and
    // every target read, so nothing is copied per component.
    let mut bytes: Vec<u8> = path.to_vec();
    let mut todo: Vec<(usize, usize)> = parts(&bytes, 0).collect();
    todo.reverse();
    // The path the walk stands at, and where each of its parts starts.
    let mut here = BString::from(Vec::new());
    let mut starts: Vec<usize> = Vec::new();
    let mut links: Vec<BString> = Vec::new();
    let done_with = |followed: Followed, links: Vec<BString>, end: Option<BString>| Trace {
        followed,
        links,
        end,
    };
    // The path the walk stands at, with what is left of it.
    let rest = |here: &BString, bytes: &[u8], todo: &[(usize, usize)]| -> BString {
        let mut p = here.clone();
        for &(a, b) in todo.iter().rev() {
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(&bytes[a..b]);
        }
        p
    };
    while let Some((a, b)) = todo.pop() {
        if &bytes[a..b] == b".." {
            match starts.pop() {
                Some(at) => here.truncate(at.saturating_sub(1)),
                None => {
                    let hops = links.len();
                    return Ok(done_with(refused_if(hops, Why::Outside), links, None));
                }
            }
            continue;
        }
        starts.push(if here.is_empty() { 0 } else { here.len() + 1 });
        if !here.is_empty() {
            here.push(b'/');
        }
        here.extend_from_slice(&bytes[a..b]);
        let last = todo.is_empty();
        let hops = links.len();
        if hops > 0 && bytes[a..b].eq_ignore_ascii_case(b".git") {
            return Ok(done_with(Followed::Refused(Why::GitDir), links, None));
        }
        match lookup(&here)? {
            Some((id, Kind::Link)) => {
                if hops >= MAX_HOPS {
                    return Ok(done_with(Followed::Refused(Why::Loop), links, None));
                }
                links.push(here.clone());
                let to = target(id)?;
                if to.len() >= PATH_MAX {
                    return Ok(done_with(Followed::Refused(Why::TooLong), links, None));
                }
                if to.first() == Some(&b'/') || to.is_empty() {
                    return Ok(done_with(Followed::Refused(Why::Outside), links, None));
                }
                if let Some(at) = starts.pop() {
                    here.truncate(at.saturating_sub(1));
                }
                let from = bytes.len();
                bytes.extend_from_slice(&to);
                let mut added: Vec<(usize, usize)> = parts(&bytes, from).collect();
                added.reverse();
                todo.extend(added);
            }
            Some((id, Kind::File | Kind::Executable)) if last => {
                let followed = if hops == 0 {
                    Followed::NoLink
                } else {
                    Followed::File(id)
                };
                return Ok(done_with(followed, links, Some(here)));
            }
            Some((_, Kind::Tree)) if last => {
                return Ok(done_with(refused_if(hops, Why::Folder), links, Some(here)))
            }
            Some((_, Kind::Tree)) => {}
            Some((_, Kind::Commit)) => {
                let end = rest(&here, &bytes, &todo);
                return Ok(done_with(
                    refused_if(hops, Why::Submodule),
                    links,
                    Some(end),
                ));
            }
            // A file with more path after it: ENOTDIR.
            Some(_) if !last => {
                let end = rest(&here, &bytes, &todo);
                return Ok(done_with(refused_if(hops, Why::NotDir), links, Some(end)));
            }
            // Nothing: the kernel's walk stops here too.
            Some(_) | None if last => {
                return Ok(done_with(refused_if(hops, Why::Missing), links, Some(here)))
            }
            Some(_) | None => {
                let end = rest(&here, &bytes, &todo);
                return Ok(done_with(refused_if(hops, Why::Missing), links, Some(end)));
            }
        }
    }
    // Only `.` and `..` left: the top or a folder it holds.
    let hops = links.len();
    Ok(done_with(refused_if(hops, Why::Folder), links, Some(here)))
}

fn refused_if(hops: usize, why: Why) -> Followed {
    if hops == 0 {
        Followed::NoLink
    } else {
        Followed::Refused(why)
    }
}

/// The parts of the slash-separated path in `bytes` from `from` on, as
/// ranges of it; `.` and empty parts left out.
fn parts(bytes: &[u8], from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = from;
    bytes[from..]
        .split(|b| *b == b'/')
        .map(move |p| {
            let range = (at, at + p.len());
            at += p.len() + 1;
            (range, p)
        })
        .filter(|(_, p)| !p.is_empty() && *p != b".")
        .map(|(range, _)| range)
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
                id[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
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

    fn traced(t: &HashMap<Vec<u8>, (ObjectId, Kind, Vec<u8>)>, path: &str) -> Trace {
        let by_id: HashMap<ObjectId, Vec<u8>> =
            t.values().map(|(id, _, to)| (*id, to.clone())).collect();
        trace(
            path.as_bytes(),
            &mut |p| Ok(t.get(p).map(|(id, k, _)| (*id, *k))),
            &mut |id| Ok(by_id[&id].clone()),
        )
        .unwrap()
    }

    fn run(t: &HashMap<Vec<u8>, (ObjectId, Kind, Vec<u8>)>, path: &str) -> Followed {
        traced(t, path).followed
    }

    #[test]
    fn a_trace_names_every_link_and_where_it_leads() {
        let t = tree(&[
            ("data", Kind::Tree, ""),
            ("data/prio", Kind::File, ""),
            ("conf", Kind::Tree, ""),
            ("conf/link", Kind::Link, "../alias/prio"),
            ("alias", Kind::Link, "data"),
            ("gone", Kind::Link, "data/none"),
            ("up", Kind::Link, "../x"),
        ]);
        let names = |v: &[BString]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>();
        let got = traced(&t, "conf/link");
        assert_eq!(names(&got.links), ["conf/link", "alias"]);
        assert_eq!(got.end.map(|e| e.to_string()).as_deref(), Some("data/prio"));
        // A link to nothing still names where it leads: a change adding
        // the file there reaches the read.
        let got = traced(&t, "gone");
        assert_eq!(got.followed, Followed::Refused(Why::Missing));
        assert_eq!(got.end.map(|e| e.to_string()).as_deref(), Some("data/none"));
        // A folder through a link ends at the folder.
        let got = traced(&t, "alias");
        assert_eq!(got.followed, Followed::Refused(Why::Folder));
        assert_eq!(got.end.map(|e| e.to_string()).as_deref(), Some("data"));
        // No link, nothing to tell; out of the tree, no end.
        assert!(traced(&t, "data/prio").links.is_empty());
        assert_eq!(traced(&t, "up").end, None);
    }

    #[test]
    fn links_are_followed_inside_the_tree_only() {
        let t = tree(&[
            ("jobs", Kind::Tree, ""),
            ("jobs/web.nomad", Kind::File, ""),
            ("deploy", Kind::Tree, ""),
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
            ("via-missing", Kind::Link, "nothing/../jobs/web.nomad"),
            ("via-file", Kind::Link, "jobs/web.nomad/../web.nomad"),
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
        // The kernel stops at a part naming nothing, or a file, before a
        // `..` (ENOENT, ENOTDIR): so does the walk.
        assert_eq!(run(&t, "via-missing"), Followed::Refused(Why::Missing));
        assert_eq!(run(&t, "via-file"), Followed::Refused(Why::NotDir));
    }

    /// A target Linux refuses to create is refused, and a long walk is
    /// linear: 'z/' * 40000 took 26 s when the path was joined per part.
    #[test]
    fn long_targets_are_refused_and_long_walks_are_linear() {
        let long = format!("{}x", "z/".repeat(2048));
        let deep = format!("{}web.nomad", "d/".repeat(1200));
        let mut entries: Vec<(String, Kind, String)> = (1..=1200)
            .map(|n| {
                (
                    "d/".repeat(n).trim_end_matches('/').to_string(),
                    Kind::Tree,
                    String::new(),
                )
            })
            .collect();
        entries.push((deep.clone(), Kind::File, String::new()));
        entries.push(("long".into(), Kind::Link, long));
        let back = format!(
            "{}{}{}web.nomad",
            "d/".repeat(1000),
            "../d/".repeat(200),
            "d/".repeat(200)
        );
        entries.push(("back".into(), Kind::Link, back));
        let borrowed: Vec<(&str, Kind, &str)> = entries
            .iter()
            .map(|(p, k, t)| (p.as_str(), *k, t.as_str()))
            .collect();
        let t = tree(&borrowed);
        assert_eq!(run(&t, "long"), Followed::Refused(Why::TooLong));
        assert_eq!(run(&t, &deep), Followed::NoLink);
        let got = traced(&t, "back");
        assert!(matches!(got.followed, Followed::File(_)), "{got:?}");
        assert_eq!(got.end.map(|e| e.to_string()), Some(deep));
    }
}
