//! A blob the repository names but does not hold: a partial clone
//! (`git clone --filter=blob:none`, what CI checkouts often use) records
//! every path of a revision but fetches a file's content only when git
//! needs it. We read the object database and never fetch, so such a file
//! cannot be read here; it is told apart from a damaged repository so a
//! gate says "cannot tell" with the way out (R16-40), never "not a job".

use std::io;

use gix::ObjectId;

/// The error of reading a blob this clone lacks.
#[derive(Debug)]
struct MissingObject {
    oid: ObjectId,
}

impl std::fmt::Display for MissingObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "its content (object {}) is not in this clone", self.oid)
    }
}

impl std::error::Error for MissingObject {}

/// The error for a blob `oid` the object database lacks.
/// (The reader's error names the path.)
pub(super) fn missing_object(oid: ObjectId) -> io::Error {
    io::Error::other(MissingObject { oid })
}

/// Is `e` a read of a blob this clone lacks ([`missing_object`])?
pub fn is_missing_object(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<MissingObject>())
}

/// What to do about a missing blob: our readers never fetch (a gate
/// reads, it does not change the repository or reach the network).
pub const MISSING_OBJECT_HELP: &str = "a partial clone (`git clone --filter=...`) fetches a file's content only when git needs it, and nomad-preflight never fetches: fetch the change's files first (`git cat-file -p REV:PATH` fetches one, checking the revision out fetches them all), or clone without `--filter`";
