//! A repository opened in process, and its objects: revisions resolved to
//! trees, trees decoded one directory at a time, blobs read under the size
//! cap. Every git consumer reads through these few functions.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;

/// What a tree or index entry is, with the executable bit: a change of
/// either is a change git reports (`M` or `T`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Executable,
    /// A symbolic link: its blob is the link's target, followed only
    /// inside the tree (src/git/links.rs: it could name any file on the
    /// machine running the gate).
    Link,
    /// A submodule's commit: no blob of this repository.
    Commit,
    Tree,
}

impl Kind {
    fn of_tree(mode: gix::object::tree::EntryMode) -> Kind {
        use gix::object::tree::EntryKind;
        match mode.kind() {
            EntryKind::Tree => Kind::Tree,
            EntryKind::Blob => Kind::File,
            EntryKind::BlobExecutable => Kind::Executable,
            EntryKind::Link => Kind::Link,
            EntryKind::Commit => Kind::Commit,
        }
    }

    pub(super) fn of_index(mode: gix::index::entry::Mode) -> Kind {
        use gix::index::entry::Mode;
        // A submodule's mode (0o160000) holds the directory bit too: tested
        // first, or every submodule read as a folder and differed from
        // HEAD's commit entry.
        if mode == Mode::COMMIT {
            Kind::Commit
        } else if mode.contains(Mode::DIR) {
            Kind::Tree
        } else if mode == Mode::SYMLINK {
            Kind::Link
        } else if mode == Mode::FILE_EXECUTABLE {
            Kind::Executable
        } else {
            Kind::File
        }
    }

    /// A file whose blob holds its content (a link's blob is not content).
    pub(super) fn is_blob(self) -> bool {
        matches!(self, Kind::File | Kind::Executable | Kind::Link)
    }
}

/// One entry of a tree: its name (one path component) and object.
#[derive(Debug, Clone)]
pub(super) struct TreeEntry {
    pub name: BString,
    pub oid: ObjectId,
    pub kind: Kind,
}

pub(super) fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// A repository as the readers use it: where its parts are, and gix,
/// opened only when something needs more than the plain layout's files
/// ([`super::plain`]). A hook whose objects are loose never opens it.
pub(super) struct Repo {
    git_dir: PathBuf,
    common_dir: PathBuf,
    objects: PathBuf,
    index: PathBuf,
    hash: gix::hash::Kind,
    workdir: Option<PathBuf>,
    /// The configuration read without gix (plain layout only).
    config: Option<Arc<gix::config::File>>,
    /// The work tree gix opens when asked (plain layout only).
    root: Option<PathBuf>,
    gix: std::cell::OnceCell<gix::Repository>,
}

impl Repo {
    fn plain(root: &Path, at: &super::plain::Layout, config: Arc<gix::config::File>) -> Repo {
        Repo {
            git_dir: at.git_dir.clone(),
            common_dir: at.git_dir.clone(),
            objects: at.objects.clone(),
            index: at.index.clone(),
            hash: gix::hash::Kind::Sha1,
            workdir: Some(root.to_path_buf()),
            config: Some(config),
            root: Some(root.to_path_buf()),
            gix: std::cell::OnceCell::new(),
        }
    }

    /// A repository gix opened.
    pub(super) fn from_gix(repo: gix::Repository) -> Repo {
        let gix = std::cell::OnceCell::new();
        let me = Repo {
            git_dir: repo.git_dir().to_path_buf(),
            common_dir: repo.common_dir().to_path_buf(),
            objects: repo.objects.store_ref().path().to_path_buf(),
            index: repo.index_path(),
            hash: repo.object_hash(),
            workdir: repo.workdir().map(Path::to_path_buf),
            config: None,
            root: None,
            gix: std::cell::OnceCell::new(),
        };
        let _ = gix.set(repo);
        Repo { gix, ..me }
    }

    /// gix's handle, opened now if it was not yet.
    pub(super) fn gix(&self) -> io::Result<&gix::Repository> {
        if let Some(repo) = self.gix.get() {
            return Ok(repo);
        }
        let root = self
            .root
            .as_deref()
            .ok_or_else(|| io::Error::other("git reader lost its repository"))?;
        let repo = open_gix(root)?;
        Ok(self.gix.get_or_init(|| repo))
    }

    pub(super) fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    pub(super) fn common_dir(&self) -> &Path {
        &self.common_dir
    }

    /// The main object folder (loose objects live below it).
    pub(super) fn objects_dir(&self) -> &Path {
        &self.objects
    }

    /// The index file (`GIT_INDEX_FILE` honoured).
    pub(super) fn index_path(&self) -> &Path {
        &self.index
    }

    pub(super) fn object_hash(&self) -> gix::hash::Kind {
        self.hash
    }

    pub(super) fn workdir(&self) -> Option<&Path> {
        self.workdir.as_deref()
    }

    /// The merged configuration when read without gix; `None` when gix's
    /// snapshot is the one to read.
    pub(super) fn plain_config(&self) -> Option<&gix::config::File> {
        self.config.as_deref()
    }
}

/// Opened repositories, by work-tree root: a command reads the index, HEAD
/// and the world through several consumers, and opening (config files,
/// refs, object store) is paid once per process.
fn opened() -> &'static Mutex<HashMap<PathBuf, gix::ThreadSafeRepository>> {
    static OPENED: OnceLock<Mutex<HashMap<PathBuf, gix::ThreadSafeRepository>>> = OnceLock::new();
    OPENED.get_or_init(Default::default)
}

/// Plain layouts found, by work-tree root (`None`: gix opens that root).
type Plains = HashMap<PathBuf, Option<(Arc<super::plain::Layout>, Arc<gix::config::File>)>>;

fn plains() -> &'static Mutex<Plains> {
    static PLAINS: OnceLock<Mutex<Plains>> = OnceLock::new();
    PLAINS.get_or_init(Default::default)
}

/// The repository whose work tree is `root`: its plain layout when it has
/// one ([`super::plain`]), else opened by gix.
pub(super) fn open(root: &Path) -> io::Result<Repo> {
    let found = {
        let mut map = plains()
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        map.entry(root.to_path_buf())
            .or_insert_with(|| {
                super::plain::open(root).map(|(at, config)| (Arc::new(at), Arc::new(config)))
            })
            .clone()
    };
    match found {
        Some((at, config)) => Ok(Repo::plain(root, &at, config)),
        None => open_gix(root).map(Repo::from_gix),
    }
}

/// The repository whose work tree is `root`, opened by gix. `GIT_DIR` and
/// `GIT_INDEX_FILE` are honoured as git honours them: a pre-commit hook of
/// `git commit FILE` is given a temporary index, and that index is what
/// gets committed.
fn open_gix(root: &Path) -> io::Result<gix::Repository> {
    let mut map = opened()
        .lock()
        .map_err(|_| io::Error::other("git reader poisoned"))?;
    if let Some(repo) = map.get(root) {
        return Ok(repo.to_thread_local());
    }
    // Git does not verify the index's trailing checksum when it reads the
    // index (only fsck does); neither do we: SHA-1 over a 20,000-entry
    // index was a tenth of a hook's time.
    let mut trust = gix::sec::trust::Mapping::<gix::open::Options>::default();
    trust.full = trust.full.config_overrides(["index.skipHash=true"]);
    trust.reduced = trust.reduced.config_overrides(["index.skipHash=true"]);
    let repo = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
        root,
        Default::default(),
        trust,
    )
    .map_err(|e| {
        io::Error::other(format!(
            "cannot open the git repository at {}: {e}",
            root.display()
        ))
    })?;
    let local = repo.to_thread_local();
    map.insert(root.to_path_buf(), repo);
    Ok(local)
}

/// A revision given on the command line is a revision, never an option.
pub(super) fn plain_rev(rev: &str) -> io::Result<&str> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(not_found(rev));
    }
    Ok(rev)
}

fn not_found(rev: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("git revision {rev:?} not found"),
    )
}

/// The tree `rev` names, or `None` for `HEAD` before the first commit.
pub(super) fn tree_of(repo: &Repo, rev: &str) -> io::Result<Option<ObjectId>> {
    let spec = plain_rev(rev)?;
    if rev == "HEAD" {
        if let Some(tree) = super::head::loose_head(repo).and_then(|id| commit_tree_of(repo, id)) {
            return Ok(Some(tree));
        }
    }
    let gix = repo.gix()?;
    // Before resolving: git's order would pick one of several refs.
    super::ambiguous::check(gix, rev)?;
    match gix.rev_parse_single(spec.as_bytes().as_bstr()) {
        Ok(id) => {
            if let Some(tree) = loose_tree_of(repo, id.detach()) {
                return Ok(Some(tree));
            }
            let tree = id
                .object()
                .map_err(other)?
                .peel_to_tree()
                .map_err(|_| not_found(rev))?;
            Ok(Some(tree.id))
        }
        Err(_) if rev == "HEAD" && gix.head().is_ok_and(|h| h.is_unborn()) => Ok(None),
        Err(_) => Err(not_found(rev)),
    }
}

/// The tree commit `id` names, loose or packed (a clone's commits, and
/// every commit after git's gc, are packed: [`super::pack`] reads those,
/// gix peels what it leaves); `None` when
/// it cannot be read or is not a commit, for the caller's full path to say.
fn commit_tree_of(repo: &Repo, id: ObjectId) -> Option<ObjectId> {
    known_tree_of(repo, id, || {
        loose_tree_uncached(repo, id).or_else(|| {
            let object = repo.gix().ok()?.find_object(id).ok()?;
            if object.kind != gix::object::Kind::Commit {
                return None;
            }
            object.peel_to_tree().ok().map(|t| t.id)
        })
    })
}

/// The tree a loose commit (or a loose tree) names, read with the
/// one-pass loose reader: gix's `find_object` built a fresh inflater for
/// the HEAD commit, a thirtieth of a hook. `None` (gix peels it) for a
/// packed object, a tag, or a commit that does not decode.
fn loose_tree_of(repo: &Repo, id: ObjectId) -> Option<ObjectId> {
    known_tree_of(repo, id, || loose_tree_uncached(repo, id))
}

/// The tree of commit `id` as this process first read it (`read`): an
/// object's content never changes, so one read serves every resolution.
fn known_tree_of(
    repo: &Repo,
    id: ObjectId,
    read: impl FnOnce() -> Option<ObjectId>,
) -> Option<ObjectId> {
    static TREES: OnceLock<Mutex<HashMap<ObjectKey, ObjectId>>> = OnceLock::new();
    let known = TREES.get_or_init(Default::default);
    let key = (repo.objects_dir().to_path_buf(), id);
    if let Some(tree) = known.lock().ok().and_then(|m| m.get(&key).copied()) {
        return Some(tree);
    }
    let tree = read()?;
    if let Ok(mut m) = known.lock() {
        m.insert(key, tree);
    }
    Some(tree)
}

fn loose_tree_uncached(repo: &Repo, id: ObjectId) -> Option<ObjectId> {
    let loose = object(repo, &id, u64::MAX)?;
    let data = loose.data.ok()?;
    match loose.kind {
        gix::object::Kind::Tree => Some(id),
        // A commit's first line names its tree (git's fsck refuses any
        // other): read here, as gix's parser decodes it with faster-hex
        // (src/git/hex.rs says why not). Anything else is gix's to parse.
        gix::object::Kind::Commit => super::hex::commit_tree(&data).or_else(|| {
            gix::objs::CommitRefIter::from_bytes(&data, id.kind())
                .tree_id()
                .ok()
        }),
        _ => None,
    }
}

/// An object in one object database: the same ID is the same content in
/// any repository, but whether it is there at all is the repository's
/// (a submodule whose commit is missing from the clone must be told so).
type ObjectKey = (PathBuf, ObjectId);

/// Trees decoded by this process, by object. A hook reaches HEAD's top
/// trees through three readers (the world at HEAD, the change list, the
/// staged files' running versions), and each opened, inflated and decoded
/// them again; an object's content never changes, so one read serves all
/// (a commit's tree likewise, in [`loose_tree_of`]).
fn decoded_trees() -> &'static Mutex<HashMap<ObjectKey, Arc<[TreeEntry]>>> {
    static TREES: OnceLock<Mutex<HashMap<ObjectKey, Arc<[TreeEntry]>>>> = OnceLock::new();
    TREES.get_or_init(Default::default)
}

/// Blob texts this process decoded (or was given, [`keep_text`]), by
/// object. A hook reads the running version of each staged job from HEAD
/// through two readers (the world at HEAD, whose cache entry holds the
/// texts, and the change set's base); the second inflated and decoded the
/// blob again, a sixtieth of a hook. Same object, same text.
fn known_texts() -> &'static Mutex<HashMap<ObjectKey, Arc<str>>> {
    static TEXTS: OnceLock<Mutex<HashMap<ObjectKey, Arc<str>>>> = OnceLock::new();
    TEXTS.get_or_init(Default::default)
}

/// The text of blob `id` as [`crate::vfs::decode`] gives it, if this
/// process has it.
pub(super) fn known_text(repo: &Repo, id: ObjectId) -> Option<Arc<str>> {
    let key = (repo.objects_dir().to_path_buf(), id);
    known_texts().lock().ok()?.get(&key).cloned()
}

/// Keep `text` as the text of blob `id`: the caller holds exactly what
/// [`crate::vfs::decode`] gives for it (byte order mark included).
pub(super) fn keep_text(repo: &Repo, id: ObjectId, text: &Arc<str>) {
    let key = (repo.objects_dir().to_path_buf(), id);
    if let Ok(mut m) = known_texts().lock() {
        m.insert(key, text.clone());
    }
}

/// Object `oid` read without gix, loose or packed, refused from its
/// header when larger than `max`; `None` when gix must read it.
fn object(repo: &Repo, oid: &gix::oid, max: u64) -> Option<super::loose::Loose> {
    super::loose::read(repo, oid, max).or_else(|| super::pack::read(packs_of(repo)?, oid, max))
}

/// The object folder whose packs are read without gix: the plain layout's
/// only. A repository gix opened may replace objects (`refs/replace`,
/// which gix's store applies and this reader does not), or keep them in
/// an alternate's packs; and only SHA-1 packs are read here.
fn packs_of(repo: &Repo) -> Option<&Path> {
    (repo.plain_config().is_some() && repo.object_hash() == gix::hash::Kind::Sha1)
        .then(|| repo.objects_dir())
}

/// The entries of one tree object, in git's order.
pub(super) fn read_tree(repo: &Repo, id: ObjectId) -> io::Result<Vec<TreeEntry>> {
    let key = (repo.objects_dir().to_path_buf(), id);
    if let Some(t) = decoded_trees()
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(t.to_vec());
    }
    let entries = read_tree_uncached(repo, id)?;
    if let Ok(mut m) = decoded_trees().lock() {
        m.insert(key, entries.as_slice().into());
    }
    Ok(entries)
}

fn read_tree_uncached(repo: &Repo, id: ObjectId) -> io::Result<Vec<TreeEntry>> {
    if let Some(super::loose::Loose {
        kind: gix::object::Kind::Tree,
        data: Ok(data),
    }) = object(repo, &id, u64::MAX)
    {
        let decoded = gix::objs::TreeRef::from_bytes(&data, id.kind()).map_err(other)?;
        return Ok(entries_of(&decoded));
    }
    let tree = repo
        .gix()?
        .find_object(id)
        .map_err(other)?
        .try_into_tree()
        .map_err(other)?;
    let decoded = tree.decode().map_err(other)?;
    Ok(entries_of(&decoded))
}

fn entries_of(tree: &gix::objs::TreeRef<'_>) -> Vec<TreeEntry> {
    tree.entries
        .iter()
        .map(|e| TreeEntry {
            name: e.filename.to_owned(),
            oid: e.oid.to_owned(),
            kind: Kind::of_tree(e.mode),
        })
        .collect()
}

/// `dir/name`, or `name` at the top.
pub(super) fn join(dir: &BStr, name: &BStr) -> BString {
    let mut p = BString::from(Vec::with_capacity(dir.len() + name.len() + 1));
    if !dir.is_empty() {
        p.extend_from_slice(dir);
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// Every file below tree `id`, with its path under `prefix`, in the
/// order a depth-first walk meets them. Walked with a stack of its own,
/// not recursion: git allows paths 2000 folders deep, and the recursive
/// walk overflowed a helper thread's 2 MiB stack at 1200 (R14-12).
pub(super) fn walk_files(
    repo: &Repo,
    id: ObjectId,
    prefix: &BStr,
    out: &mut Vec<(BString, ObjectId, Kind)>,
) -> io::Result<()> {
    // Each folder open: its path and its entries not yet looked at, next last.
    let mut open: Vec<(BString, Vec<TreeEntry>)> = vec![(prefix.to_owned(), reversed(repo, id)?)];
    while let Some((dir, entries)) = open.last_mut() {
        let Some(e) = entries.pop() else {
            open.pop();
            continue;
        };
        let path = join(dir.as_ref(), e.name.as_ref());
        if e.kind == Kind::Tree {
            open.push((path, reversed(repo, e.oid)?));
        } else {
            out.push((path, e.oid, e.kind));
        }
    }
    Ok(())
}

/// The entries of tree `id`, last first (taken from the end as walked).
fn reversed(repo: &Repo, id: ObjectId) -> io::Result<Vec<TreeEntry>> {
    let mut entries = read_tree(repo, id)?;
    entries.reverse();
    Ok(entries)
}

/// A blob's bytes; over the size cap it is refused from its header,
/// before it is inflated.
pub(super) fn blob(repo: &Repo, oid: ObjectId, path: &Path) -> io::Result<Vec<u8>> {
    let max = crate::project::max_file_bytes();
    if let Some(loose) = object(repo, &oid, max) {
        return match loose.data {
            Err(size) => Err(crate::project::too_big(path, size, max)),
            Ok(_) if loose.kind != gix::object::Kind::Blob => Err(not_a_file(path, loose.kind)),
            Ok(data) => Ok(data),
        };
    }
    let gix = repo.gix()?;
    // Absent, not unreadable: a partial clone's blob not fetched yet.
    let Some(header) = gix.try_find_header(oid).map_err(other)? else {
        return Err(super::missing::missing_object(oid));
    };
    let size = header.size();
    if size > max {
        return Err(crate::project::too_big(path, size, max));
    }
    let object = gix.find_object(oid).map_err(other)?;
    if object.kind != gix::object::Kind::Blob {
        return Err(not_a_file(path, object.kind));
    }
    Ok(object.detach().data)
}

/// The first `n` bytes of a blob over the size cap, for telling a job
/// from a large binary file. A loose blob (what `git add` writes) is
/// inflated only that far; a packed one is inflated whole while within
/// four times the cap, and past that `None` (the caller fails closed).
pub(super) fn blob_head(repo: &Repo, oid: ObjectId, n: u64) -> Option<Vec<u8>> {
    blob_head_read(repo, oid, n).ok().flatten()
}

/// [`blob_head`], telling a blob it could not read (`Err`: a missing
/// object in a partial clone, a corrupt pack) from one it will not read
/// (`Ok(None)`: not a blob, or packed far over the size cap), so a caller
/// that remembers "no job" by blob id never remembers a read that failed
/// (rv27-3).
pub(super) fn blob_head_read(repo: &Repo, oid: ObjectId, n: u64) -> io::Result<Option<Vec<u8>>> {
    if let Some((kind, _, head)) = super::loose::head(repo, &oid, n) {
        return Ok((kind == gix::object::Kind::Blob).then_some(head));
    }
    let whole_max = crate::project::max_file_bytes().saturating_mul(4);
    if let Some(objects) = packs_of(repo) {
        if let Some(head) = super::pack::head(objects, &oid, n, whole_max) {
            return Ok(Some(head));
        }
    }
    let gix = repo.gix().map_err(io::Error::other)?;
    let header = gix.find_header(oid).map_err(io::Error::other)?;
    if header.kind() != gix::object::Kind::Blob || header.size() > whole_max {
        return Ok(None);
    }
    let mut data = gix
        .find_object(oid)
        .map_err(io::Error::other)?
        .detach()
        .data;
    data.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    Ok(Some(data))
}

fn not_a_file(path: &Path, kind: gix::object::Kind) -> io::Error {
    io::Error::other(format!("{} is a {kind} in git, not a file", path.display()))
}

/// A path from git's bytes, kept exactly (non-UTF-8 included on Unix). Off
/// Unix a name that is not UTF-8 cannot be a path, and the whole listing is
/// refused rather than the entry dropped (a file name must not hide a
/// change from a gate).
pub(super) fn path_of(bytes: &[u8]) -> io::Result<PathBuf> {
    gix::path::from_byte_slice(bytes)
        .map(Path::to_path_buf)
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "git holds a path that is not UTF-8 ({}); refusing to go on without it",
                    String::from_utf8_lossy(bytes)
                ),
            )
        })
}

/// A relative path as git spells it (`/`-separated bytes).
pub(super) fn bytes_of(path: &Path) -> BString {
    match gix::path::into_bstr(path) {
        Ok(bytes) => gix::path::to_unix_separators_on_windows(bytes).into_owned(),
        // Not representable in git (only off Unix): a path no entry has.
        Err(_) => BString::from(path.to_string_lossy().as_bytes()),
    }
}
