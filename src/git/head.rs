//! The commit `HEAD` names, read without gix in the common case (a hook
//! resolves it for each of its readers): the loose ref, else its line in
//! `packed-refs`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use gix::bstr::{BStr, ByteSlice};
use gix::ObjectId;

use super::repo::Repo;

/// The commit `HEAD` names, read as git reads it in the common case: `HEAD`
/// in the repository's (or the worktree's) git folder holding a branch
/// name or a commit ID, and the branch a loose ref file in the common git
/// folder, else its line in `packed-refs` (a loose ref overrides a packed
/// one). A hook resolves HEAD for
/// each of its readers, and gix's resolution (ref store, packed-refs look,
/// the commit's header read to check its kind) was 70 K instructions and
/// ten system calls each time. `None`, and gix resolves it, for anything
/// else: a symbolic branch, a reftable repository (whose HEAD
/// names `refs/heads/.invalid`), a name git would refuse, an ID of the
/// other hash kind, a `GIT_NAMESPACE` (whose refs live elsewhere).
/// The commit itself may be loose or packed (repo.rs's `commit_tree_of`).
///
/// Read once per git folder when the process reads one state
/// ([`crate::project::hold_one_state`]): a hook resolved it three times on
/// its main thread and once on its helper, two files each.
pub(super) fn loose_head(repo: &Repo) -> Option<ObjectId> {
    if !crate::project::one_state() {
        return read_loose_head(repo);
    }
    type Known = Mutex<HashMap<(PathBuf, PathBuf), ObjectId>>;
    static KNOWN: OnceLock<Known> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    let key = (
        repo.git_dir().to_path_buf(),
        repo.common_dir().to_path_buf(),
    );
    if let Some(id) = known.lock().ok().and_then(|m| m.get(&key).copied()) {
        return Some(id);
    }
    // Not kept when `None`: gix resolves that HEAD, and says why it cannot.
    let id = read_loose_head(repo)?;
    if let Ok(mut m) = known.lock() {
        m.insert(key, id);
    }
    Some(id)
}

fn read_loose_head(repo: &Repo) -> Option<ObjectId> {
    if std::env::var_os("GIT_NAMESPACE").is_some() {
        return None;
    }
    let head = std::fs::read(repo.git_dir().join("HEAD")).ok()?;
    let head = head.strip_suffix(b"\n")?;
    let id = match head.strip_prefix(b"ref: ") {
        None => head.to_vec(),
        Some(branch) => {
            let branch = branch.as_bstr();
            if !branch.starts_with(b"refs/heads/")
                || gix::validate::reference::name(branch).is_err()
            {
                return None;
            }
            let file = repo
                .common_dir()
                .join(gix::path::from_byte_slice(branch).ok()?);
            match std::fs::read(file) {
                Ok(mut id) => {
                    id.pop().filter(|b| *b == b'\n')?;
                    id
                }
                // `git gc` moves branches into `packed-refs`.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    packed_ref(repo.common_dir(), branch)?
                }
                Err(_) => return None,
            }
        }
    };
    let id = super::hex::sha1_from_hex(&id)?;
    (id.kind() == repo.object_hash()).then_some(id)
}

/// The ID `packed-refs` gives the branch `name` (its lines are `<id>
/// <name>`, a tag's peeled ID on a `^` line after it); `None` when it is
/// not there, or the file is larger than a sane one (gix reads it).
fn packed_ref(common_dir: &Path, name: &BStr) -> Option<Vec<u8>> {
    const MAX_PACKED_REFS: u64 = 64 << 20;
    let file = std::fs::File::open(common_dir.join("packed-refs")).ok()?;
    if file.metadata().ok()?.len() > MAX_PACKED_REFS {
        return None;
    }
    let mut body = Vec::new();
    io::Read::read_to_end(&mut &file, &mut body).ok()?;
    body.lines().find_map(|line| {
        let (id, rest) = line.split_at_checked(40)?;
        (rest.strip_prefix(b" ")? == name.as_bytes()).then(|| id.to_vec())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A branch's line in `packed-refs`, by its whole name only; a tag's
    /// peeled line and the header are not branches.
    #[test]
    fn a_packed_branch_is_found_by_its_whole_name() {
        let dir = std::env::temp_dir().join(format!("np-packed-refs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch");
        let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let body = format!(
            "# pack-refs with: peeled fully-peeled sorted \n{a} refs/heads/main2\n{b} refs/heads/main\n{c} refs/tags/v1\n^{a}\n"
        );
        std::fs::write(dir.join("packed-refs"), body).expect("write");
        let find = |name: &str| packed_ref(&dir, name.as_bytes().as_bstr());
        assert_eq!(find("refs/heads/main"), Some(b.into_bytes()));
        assert_eq!(find("refs/heads/main2"), Some(a.into_bytes()));
        assert_eq!(find("refs/heads/mai"), None);
        assert_eq!(find("refs/heads/other"), None);
        std::fs::remove_file(dir.join("packed-refs")).expect("remove");
        assert_eq!(find("refs/heads/main"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
