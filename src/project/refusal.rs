//! Our refusals to read a file on behalf of input, and how a failed read
//! is worded: the path once, as the reader spelled it.

use std::io;
use std::path::{Component, Path, PathBuf};

/// A path as a refusal names it: as the reader spelled it, `.` and empty
/// components dropped (a reader rooted at `.` asked for `./x` reads
/// `././x`). `..` is kept: folding it lexically would name another file
/// when the folder before it is a link.
pub fn shown(path: &Path) -> String {
    let kept: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    if kept.as_os_str().is_empty() {
        ".".to_string()
    } else {
        kept.display().to_string()
    }
}

/// What failed reading `path`, in one phrase: our refusal as it is (it
/// names the path already), else `cannot read PATH: why`.
pub fn read_failure(path: &Path, e: &io::Error) -> String {
    match refusal(e) {
        Some(r) => r.to_string(),
        None => format!("cannot read {}: {e}", shown(path)),
    }
}

/// Our own refusal to read a file on behalf of input (outside the
/// project, not a regular file, over the size cap, a link in a git tree):
/// Nomad would read it, so what Nomad says of it is not known. Carried
/// inside the `io::Error` so that readers tell it from the file system's
/// own answer (a real `EACCES` is also `PermissionDenied`, and Nomad words
/// that one) by its type, never by its message, which quotes a path the
/// input chose.
#[derive(Debug)]
pub struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// A [`Refusal`] as an `io::Error` of `kind`.
pub fn refused(kind: io::ErrorKind, why: String) -> io::Error {
    io::Error::new(kind, Refusal(why))
}

/// The refusal `e` carries, when it is ours and not the file system's.
pub fn refusal(e: &io::Error) -> Option<&Refusal> {
    e.get_ref()?.downcast_ref::<Refusal>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_path_once_without_dot_components() {
        assert_eq!(shown(Path::new("././allocations.json")), "allocations.json");
        assert_eq!(shown(Path::new("./imp//a.json")), "imp/a.json");
        assert_eq!(shown(Path::new("jobs/link/../x")), "jobs/link/../x");
        assert_eq!(shown(Path::new("/abs/./x")), "/abs/x");
        assert_eq!(shown(Path::new(".")), ".");
        let e = refused(
            io::ErrorKind::InvalidInput,
            format!(
                "refusing to read {}: not a regular file",
                shown(Path::new("././x.json"))
            ),
        );
        assert_eq!(
            read_failure(Path::new("./x.json"), &e),
            "refusing to read x.json: not a regular file"
        );
        let plain = io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(
            read_failure(Path::new("./x.json"), &plain),
            "cannot read x.json: denied"
        );
    }
}
