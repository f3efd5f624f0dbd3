//! A revision's name that more than one ref answers to (R27b-2).
//!
//! Git reads a short name by trying, in order, `refs/NAME`,
//! `refs/tags/NAME`, `refs/heads/NAME`, `refs/remotes/NAME` and
//! `refs/remotes/NAME/HEAD`, takes the first that exists and warns
//! "refname 'NAME' is ambiguous" when several do (refs.c
//! ref_rev_parse_rules and repo_dwim_ref, git v2.47.0); gix takes the same
//! first one (gix-ref 0.69 file::find, `["", "tags", "heads", "remotes"]`,
//! then `remotes/NAME/HEAD`). A tag comes before a remote-tracking branch,
//! so a pull request that pushes a tag `origin/main` on its own commit
//! (a CI clone fetches tags) turned `--base origin/main` into the pull
//! request itself: "0 files changed", exit 0. Nothing here can tell which
//! ref the user meant, so the gate cannot tell, and says which full name
//! to pass. A full name (`refs/...`) and `HEAD` are read as written; a
//! full-length object id is the object (git and gix prefer it).
//!
//! A short object id that is also a ref's name is ambiguous the same way
//! (git and gix take the ref): `--base $(git rev-parse --short main)`
//! met a pushed tag of that name.

use std::io;

/// The error of a revision whose name several refs answer to.
#[derive(Debug)]
pub struct AmbiguousRev {
    /// The revision as given.
    pub rev: String,
    /// The full names it may mean, in git's order (`object ID` for an
    /// object whose id it abbreviates).
    pub meanings: Vec<String>,
}

impl std::fmt::Display for AmbiguousRev {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .meanings
            .iter()
            .map(|m| crate::escape::one_line(m))
            .collect();
        // The way out is in the line itself: every format carries it.
        write!(
            f,
            "revision {} is ambiguous: it names {}; pass the full name of the one you mean (e.g. {})",
            crate::escape::one_line(&format!("{:?}", self.rev)),
            names.join(" and "),
            self.example()
        )
    }
}

impl std::error::Error for AmbiguousRev {}

impl AmbiguousRev {
    /// The full name to pass instead: a remote-tracking branch (what a
    /// CI's base means), else a branch, else the object's full id, else
    /// git's first; an example, not a guess of what was meant.
    fn example(&self) -> String {
        let with = |p: &str| self.meanings.iter().find(|m| m.starts_with(p));
        if let Some(m) = with("refs/remotes/").or_else(|| with("refs/heads/")) {
            return crate::escape::one_line(m);
        }
        if with("object ID ").is_some() {
            return "the commit's full id".to_string();
        }
        self.meanings
            .first()
            .map_or_else(String::new, |m| crate::escape::one_line(m))
    }

    /// Why it is not read as git would.
    pub fn help(&self) -> String {
        "git takes the first of these (tags before branches, branches before remote-tracking branches) and only warns \"refname is ambiguous\"; a pull request can push a tag or branch of that name, so a gate cannot tell which was meant".to_string()
    }
}

/// The ambiguity of `e`, if that is what it is.
pub fn ambiguous_rev(e: &io::Error) -> Option<&AmbiguousRev> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<AmbiguousRev>())
}

/// `Err` when `rev`'s leading name is one several refs answer to (or a
/// short object id that a ref is also named); `Ok` when it names at most
/// one, or is read as written.
pub(super) fn check(repo: &gix::Repository, rev: &str) -> io::Result<()> {
    let name = leading_name(rev);
    if name.is_empty() || name == "@" || name == "HEAD" || name.starts_with("refs/") {
        return Ok(());
    }
    let hex_len = repo.object_hash().len_in_hex();
    let hex = name.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && name.len() == hex_len {
        return Ok(());
    }
    let mut meanings: Vec<String> = candidates(name)
        .into_iter()
        .filter(|full| {
            repo.try_find_reference(full.as_str())
                .ok()
                .flatten()
                .is_some_and(|r| r.name().as_bstr() == full.as_bytes())
        })
        .collect();
    if hex && name.len() >= 4 && !meanings.is_empty() && abbreviates_object(repo, name) {
        meanings.push(format!("object ID {name}..."));
    }
    if meanings.len() < 2 {
        return Ok(());
    }
    Err(io::Error::other(AmbiguousRev {
        rev: rev.to_string(),
        meanings,
    }))
}

/// The full names git tries for a short `name`, in its order.
fn candidates(name: &str) -> Vec<String> {
    vec![
        format!("refs/{name}"),
        format!("refs/tags/{name}"),
        format!("refs/heads/{name}"),
        format!("refs/remotes/{name}"),
        format!("refs/remotes/{name}/HEAD"),
    ]
}

/// Does some object's id start with `name` (hex)?
fn abbreviates_object(repo: &gix::Repository, name: &str) -> bool {
    gix::hash::Prefix::from_hex(name).ok().is_some_and(|p| {
        repo.objects
            .lookup_prefix(p, None)
            .is_ok_and(|r| r.is_some())
    })
}

/// The ref name a revision starts with: what comes before its first
/// navigation (`~`, `^`, `:`, `@{`) or range (`..`). A ref name holds
/// none of these (git check-ref-format).
fn leading_name(rev: &str) -> &str {
    let mut end = rev.len();
    for pat in ["~", "^", ":", "@{", ".."] {
        if let Some(i) = rev.find(pat) {
            end = end.min(i);
        }
    }
    &rev[..end]
}

#[cfg(test)]
mod tests {
    use super::leading_name;

    #[test]
    fn the_leading_name_stops_at_navigation() {
        assert_eq!(leading_name("origin/main"), "origin/main");
        assert_eq!(leading_name("origin/main~2"), "origin/main");
        assert_eq!(leading_name("origin/main^{commit}"), "origin/main");
        assert_eq!(leading_name("main@{1}"), "main");
        assert_eq!(leading_name("main:jobs/web.nomad"), "main");
        assert_eq!(leading_name("a..b"), "a");
        assert_eq!(leading_name("@{-1}"), "");
        assert_eq!(leading_name("user@host"), "user@host");
    }
}
