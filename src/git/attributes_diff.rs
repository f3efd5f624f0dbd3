//! Which paths a change to one `.gitattributes` changes the attributes of.
//! A changed attributes file used to take every job file below its folder
//! as changed (fix26a): a one-line edit of a root `.gitattributes` (a
//! `*.png binary`) re-judged the whole repository on every gate. Its two
//! versions are compared path by path instead: the lines of each whose
//! pattern matches the path, with their states, in order (git's
//! attr.c fill reads a file's matching lines and nothing else of it). Two
//! versions saying the same of a path give it the same attributes,
//! whatever every other attributes file says; a change of the file's
//! macro definitions (`[attr]name ...`, read from the top file) may
//! change what any line means, so it reaches every path below.

use gix::bstr::BStr;

use super::attributes::{Found, Frame};

/// The two versions of one attributes file, parsed as a checkout reads a
/// blob (`Found::Blob`).
pub struct AttributesChange {
    base: Frame,
    head: Frame,
    /// The macro definitions differ: every path below is reached.
    macros_differ: bool,
}

impl AttributesChange {
    /// `dir`: the file's folder (slash-separated, `""` at the top, where
    /// git reads its macro definitions); `base` and `head` its bytes on
    /// each side (`None`: absent there).
    pub fn new(dir: &[u8], base: Option<&[u8]>, head: Option<&[u8]>) -> AttributesChange {
        let top = dir.is_empty();
        let base = Frame::parse(dir, base.unwrap_or_default(), Found::Blob, top);
        let head = Frame::parse(dir, head.unwrap_or_default(), Found::Blob, top);
        let macros_differ = base.macros() != head.macros();
        AttributesChange {
            base,
            head,
            macros_differ,
        }
    }

    /// May `path` (slash-separated, from the top) have other attributes
    /// at the head than at the base? Under either case rule (git's
    /// `core.ignorecase` is not read here): more paths, never fewer.
    pub fn reaches(&self, path: &BStr) -> bool {
        use gix::glob::pattern::Case;
        self.macros_differ
            || [Case::Sensitive, Case::Fold]
                .into_iter()
                .any(|case| self.base.said_of(path, case) != self.head.said_of(path, case))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gix::bstr::ByteSlice;

    fn reaches(dir: &str, base: &str, head: &str, path: &str) -> bool {
        AttributesChange::new(dir.as_bytes(), Some(base.as_bytes()), Some(head.as_bytes()))
            .reaches(path.as_bytes().as_bstr())
    }

    #[test]
    fn only_paths_whose_matching_lines_change_are_reached() {
        let base = "*.nomad text eol=lf\n";
        let head = "*.nomad text eol=lf\n*.png binary\n";
        assert!(!reaches("", base, head, "jobs/web.nomad"));
        assert!(reaches("", base, head, "img/logo.png"));
        // A job file's own line changed.
        assert!(reaches(
            "",
            base,
            "*.nomad text eol=crlf\n",
            "jobs/web.nomad"
        ));
        // Order within the file matters (the last line wins).
        assert!(reaches(
            "",
            "*.nomad eol=lf\njobs/* eol=crlf\n",
            "jobs/* eol=crlf\n*.nomad eol=lf\n",
            "jobs/web.nomad"
        ));
        // A comment, a blank line, a line git drops: nothing reached.
        assert!(!reaches(
            "",
            base,
            "# c\n\n*.nomad text eol=lf\n",
            "jobs/web.nomad"
        ));
        // Below a folder's file, its patterns are relative to the folder.
        assert!(reaches("jobs", "", "web.nomad ident\n", "jobs/web.nomad"));
        assert!(!reaches("jobs", "", "api.nomad ident\n", "jobs/web.nomad"));
        // Either case rule: `*.NOMAD` may match under core.ignorecase.
        assert!(reaches("", "", "*.NOMAD eol=crlf\n", "jobs/web.nomad"));
    }

    #[test]
    fn a_changed_macro_reaches_every_path() {
        let base = "[attr]job text eol=lf\n*.nomad job\n";
        let head = "[attr]job text eol=crlf\n*.nomad job\n";
        assert!(reaches("", base, head, "jobs/web.nomad"));
        assert!(reaches("", base, head, "README.md"));
        // A macro line below the top is dropped by git: nothing changes.
        assert!(!reaches("jobs", base, head, "jobs/web.nomad"));
    }

    #[test]
    fn an_added_or_deleted_file_reaches_what_it_matches() {
        let c = AttributesChange::new(b"", None, Some(b"*.nomad eol=crlf\n"));
        assert!(c.reaches(b"a.nomad".as_bstr()));
        assert!(!c.reaches(b"a.md".as_bstr()));
        let c = AttributesChange::new(b"", Some(b"*.nomad eol=crlf\n"), None);
        assert!(c.reaches(b"a.nomad".as_bstr()));
    }
}
