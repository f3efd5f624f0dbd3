//! Which files are job files, for every consumer that chooses them: a
//! change set (`check --staged/--base`, the hook, `plan --changed`) and a
//! folder walk (`check DIR`). `nomad job run` takes any file name, so a
//! name is only a shortcut: a file whose text opens a `job` block is a job
//! file whatever it is called. Two gates choosing differently let a job
//! pass one of them unread (a `jobs/x.json` that `check jobs/` in CI
//! walked past while the hook judged it).

use std::path::Path;

use crate::jobspec;
use crate::vfs::Vfs;

/// A file name a folder walk or a change set takes as a job-file candidate
/// without reading it (then kept only when it has a top-level `job` block).
pub fn is_job_candidate(path: &Path) -> bool {
    // Lossy, not `to_str`: a non-UTF-8 name must not hide a job from a gate.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".nomad") || name.ends_with(".hcl") || name.ends_with(".job")
}

/// Does `path`, read through `vfs`, hold a job whatever its name: its text
/// opens a `job` block (HCL, hcl JSON or the API's JSON form)? Stricter
/// than the test for `.hcl` files, which also takes a misspelt `job`: a
/// README must not fail a commit. A file git would call binary (a NUL
/// byte in its first 8,000) is a job as UTF-16 text (Nomad refuses it, so
/// it must fail, not pass unread), or when its text opens a job all the
/// same (HCL2 reads a NUL inside a comment or a string). The size cap bounds what a walk of a large repository reads;
/// a file over it is a job file unless it starts binary (fail closed).
/// A link leading out of the project (or into a submodule, from git) is
/// taken: Nomad would read what it leads to, which is not read here, so
/// its refusal fails the run. One leading nowhere, round in a loop or to
/// a folder is not a job (Nomad reads none from it).
pub fn holds_job(vfs: &dyn Vfs, path: &Path) -> bool {
    matches!(job_by_text(vfs, path), ByText::Job)
}

/// What a changed file's text says it is, or why it could not be read.
pub(super) enum ByText {
    Job,
    NotJob,
    /// Read refused for a reason [`holds_job`] does not take as a job's
    /// (a link leading nowhere, a folder, a missing file or blob): the
    /// caller tells whether the path itself went unread
    /// ([`content_unread`]).
    Unread(std::io::Error),
}

pub(super) fn job_by_text(vfs: &dyn Vfs, path: &Path) -> ByText {
    let verdict = |job: bool| if job { ByText::Job } else { ByText::NotJob };
    // A binary's opening most often tells without reading (and decoding)
    // the whole file: megabytes of staged assets cost seconds so.
    let opening = vfs.head(path, HEAD_BYTES);
    // Before any look at the blob: its checkout may be another text.
    if super::unread_checkout::taken_unread(vfs, path, opening.as_deref()) {
        return ByText::Job;
    }
    if let Some(head) = opening {
        let head = crate::vfs::decode(head);
        if is_binary(&head) && !opening_may_be_read(&head, false) {
            return ByText::NotJob;
        }
    }
    match vfs.read(path) {
        Ok(s) => {
            // A NUL need not make it binary to Nomad: HCL2 takes any byte
            // in a comment or a string (hclsyntax/scan_tokens.rl), so a
            // job behind `# \0` is read and run, and must be judged.
            if is_binary(&s.text) {
                // Most binaries show at their opening that no parser
                // reads them: the whole-file tests below cost seconds
                // on megabytes of them (a staged asset folder).
                if !opening_may_be_read(&s.text, true) {
                    return ByText::NotJob;
                }
                if jobspec::utf16::is_job(&s.text) {
                    return ByText::Job;
                }
            }
            verdict(text_holds_job(&s.text))
        }
        // Over the size cap: unread, so a job padded past the cap would
        // pass unseen. Taken (its refusal is then the file's error) when
        // its first bytes may open a job, or when they cannot be read
        // (a packed git blob far past the cap).
        // A file Nomad would read that is not read here (a link out of
        // the project or into a submodule): what it holds is not known,
        // so it is taken and its refusal fails the run, as a folder walk
        // fails on it.
        Err(e)
            if e.kind() == std::io::ErrorKind::PermissionDenied
                && crate::project::refusal(&e).is_some() =>
        {
            ByText::Job
        }
        // Refused for the line ends a checkout writes (git's `eol`): a
        // job all the same when its blob's text is one (the refusal then
        // fails the run); other files' line ends are no gate's business.
        Err(e) if e.kind() == crate::git::LINE_ENDS && crate::project::refusal(&e).is_some() => {
            verdict(
                vfs.head(path, crate::project::max_file_bytes())
                    .is_some_and(|b| text_holds_job(&crate::vfs::decode(b))),
            )
        }
        Err(e) if crate::project::is_too_big(&e) => verdict(
            vfs.head(path, HEAD_BYTES)
                .is_none_or(|head| may_open_job(&head)),
        ),
        Err(e) => ByText::Unread(e),
    }
}

/// Did reading `path`, a path git lists with content on the side `e`
/// came from, fail because that content is not here at all, rather than
/// because it is a link leading nowhere (Nomad reads no job from one)?
/// A blob a partial clone has not fetched, or, on the working tree
/// (`work_tree`, its top), a file a sparse checkout left out (the path
/// itself is absent: a dangling link is there). Such a path may hold any
/// job, whatever its name (`nomad job run deploy/web` reads any file,
/// command/helpers.go v2.0.5:472-523 JobGetter.Get), so a gate that
/// called it "not a job file" passed a change it never read (R16-40).
pub(super) fn content_unread(e: &std::io::Error, path: &Path, work_tree: Option<&Path>) -> bool {
    if crate::git::is_missing_object(e) {
        return true;
    }
    e.kind() == std::io::ErrorKind::NotFound
        && work_tree.is_some_and(|top| {
            std::fs::symlink_metadata(top.join(path))
                .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        })
}

/// Is `path`, a changed file whose name is no job file's, to be judged
/// as a job file: its text at `head` or `base` opens a job, or its new
/// content cannot be read at all ([`content_unread`]: it then fails the
/// run as an unreadable job file would, never drops out of it).
pub(super) fn changed_holds_job(
    head: &dyn Vfs,
    base: &dyn Vfs,
    path: &Path,
    work_tree: Option<&Path>,
) -> bool {
    match job_by_text(head, path) {
        ByText::Job => true,
        ByText::Unread(e) if content_unread(&e, path, work_tree) => true,
        _ => holds_job(base, path),
    }
}

/// Is `path`, a deleted file whose name is no job file's, one whose old
/// text at `base` is a job's, or could not be read (a partial clone's
/// blob): then the job it may have run is a "cannot tell", not ignored.
pub(super) fn deleted_holds_job(base: &dyn Vfs, path: &Path) -> bool {
    match job_by_text(base, path) {
        ByText::Job => true,
        ByText::Unread(e) => content_unread(&e, path, None),
        ByText::NotJob => false,
    }
}

/// Is `path`, a file the change leaves alone and whose name is no job
/// file's, a job by its text ([`holds_job`]), for finding the jobs that
/// read a changed file ([`super::ChangeSet::add_readers`])? A `deploy/api`
/// holding `job "api"` that reads `../conf/mem` is changed by an edit of
/// `conf/mem` alone (R14-10). Every file of the new version is asked, so
/// the cheap cases are told from the blob's opening: a binary no parser
/// reads, or a whole small text, is judged without a second read. A file
/// whose opening cannot be read (a link leading nowhere, out of the
/// project) is none: its own change is judged where it is made. Only a
/// job that reads files can be reached, so a small text naming no file
/// function is not parsed (unless loading it reads `var_files`): the
/// parse was most of a hook whose change touched a README.
pub(super) fn unchanged_holds_job(
    vfs: &dyn Vfs,
    path: &Path,
    reads_var_files: impl FnOnce() -> bool,
) -> bool {
    let Some(head) = vfs.head(path, HEAD_BYTES) else {
        return false;
    };
    let whole = (head.len() as u64) < HEAD_BYTES;
    let text = crate::vfs::decode(head);
    if is_binary(&text) {
        if !opening_may_be_read(&text, false) {
            return false;
        }
    } else if whole {
        return (text.contains("file") || reads_var_files()) && text_holds_job(&text);
    }
    holds_job(vfs, path)
}

/// [`holds_job`] of a git blob read by its id alone (`head(n)`: its
/// first `n` bytes; `whole`: all of it), for a walk of a state's files
/// that remembers the answer by tree id (`super::standing`): no checkout
/// filter or configuration enters it. A blob past what is read that way
/// (`head` `Ok(None)`: packed, over four times the size cap) is none: no
/// job file is that large, and an untouched file's text is no change's.
/// One that could not be read at all (`Err`: a missing object in a
/// partial clone, a corrupt pack) is taken, as `whole`'s failure is: its
/// load then says the gate cannot tell (rv27-3). Over the size cap,
/// taken when its opening may open a job (its load then refuses it: the
/// gate cannot tell).
pub fn blob_holds_job(
    head: &dyn Fn(u64) -> std::io::Result<Option<Vec<u8>>>,
    whole: &dyn Fn() -> std::io::Result<Vec<u8>>,
) -> bool {
    let opening = match head(HEAD_BYTES) {
        Ok(Some(opening)) => opening,
        Ok(None) => return false,
        Err(_) => return true,
    };
    let complete = (opening.len() as u64) < HEAD_BYTES;
    let text = crate::vfs::decode(opening);
    if is_binary(&text) && !opening_may_be_read(&text, complete) {
        return false;
    }
    if complete {
        return text_verdict(&text);
    }
    match whole() {
        Ok(bytes) => text_verdict(&crate::vfs::decode(bytes)),
        Err(e) if crate::project::is_too_big(&e) => may_open_job(text.as_bytes()),
        // Unreadable: taken, and its load says so.
        Err(_) => true,
    }
}

/// A whole file's text, read: a job's ([`job_by_text`]'s test).
fn text_verdict(text: &str) -> bool {
    if is_binary(text) {
        if !opening_may_be_read(text, true) {
            return false;
        }
        if jobspec::utf16::is_job(text) {
            return true;
        }
    }
    text_holds_job(text)
}

/// A text a gate takes as a job: it opens a `job` block
/// ([`jobspec::opens_job_block`]), or it is too deep for the parse that
/// would tell ([`crate::nesting::MAX_DEPTH`], our budget, not Nomad's:
/// hclsyntax and hcl v1 read any depth) while it names a job and its
/// opening may be an HCL body's or a JSON object ([`may_open_job`]). Such
/// a file is never "not a job": taken, it fails the run with the
/// parser's refusal (redteam6 G2: a `/* c */ job` header and a 30-level
/// `jsonencode` passed every gate).
fn text_holds_job(text: &str) -> bool {
    jobspec::opens_job_block(text)
        || (text.contains("job")
            && crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH).is_some()
            && may_open_job(&text.as_bytes()[..text.len().min(HEAD_BYTES as usize)]))
}

/// How much of a file over the size cap is read to tell whether it may
/// be a job.
const HEAD_BYTES: u64 = 64 * 1024;

/// May a file starting with `head` be a job Nomad reads? After white
/// space and comments, either a JSON object or an HCL body's first item;
/// a binary head (a NUL in git's 8,000-byte window: JSON refuses it, HCL
/// takes it only inside a comment or a string) only the latter, and not
/// when it shows no item at all. Only the head is
/// read, so the test is on the shape of the file's opening, not on its
/// first word: the job block need not come first. jobspec2 takes
/// `variables`, `variable`, `locals` and `job` in any order
/// (jobspec2/types.config.go jobConfigSchema), and a padding item
/// (`x = "..."`) ahead of a job is refused by Nomad, not passed: either
/// way the file must fail, so a head naming `variables { ... }` or an
/// argument let a padded job pass every gate with exit 0. Any JSON object
/// may be a job: `nomad job run -json` decodes with Go's encoding/json,
/// which ignores unknown keys, matches `Job` in any case and takes a job
/// not wrapped in `Job` at all (command/helpers.go eitherJob). A head
/// that ends before its first item does is taken (it may be anything).
fn may_open_job(head: &[u8]) -> bool {
    let binary = head[..head.len().min(8000)].contains(&0);
    // A job saved as UTF-16 fails (1793b90): its head is judged as such
    // (the text it decodes to holds no NUL).
    if binary && utf16_head(head).is_some_and(|t| may_open_job(t.as_bytes())) {
        return true;
    }
    let text = String::from_utf8_lossy(head);
    let rest = text.trim_start_matches('\u{feff}');
    // A comment running past the head hides what follows it, and one
    // holding a NUL ends there for hcl v1 before 0.11 (the rest is read
    // as code): either way the head cannot tell, so the file is taken. A
    // binary head once passed so: a 64 KiB comment with a NUL, then a job.
    let rest = match after_comments(rest) {
        Opening::Item(rest) => rest,
        Opening::NulComment | Opening::CommentToEnd { .. } => return true,
    };
    if binary {
        return !rest.is_empty() && !rest.starts_with('{') && opens_hcl_item(rest);
    }
    rest.starts_with('{') || opens_hcl_item(rest)
}

/// Where a file's opening leads once white space and comments are
/// skipped (`#`, `//`, `/* */`, as HCL2 and hcl v1 both write them).
enum Opening<'a> {
    /// The text from the first item on (maybe empty).
    Item(&'a str),
    /// A closed comment holding a NUL: hcl v1 before 0.11 ends the
    /// comment there and reads the rest as code.
    NulComment,
    /// A comment running to the end of the text, holding a NUL or not.
    CommentToEnd { nul: bool },
}

fn after_comments(mut rest: &str) -> Opening<'_> {
    loop {
        // Any white space Unicode names: wider than a parser's, so only
        // ever more is taken.
        rest = rest.trim_start();
        let (body, end) =
            if let Some(r) = rest.strip_prefix('#').or_else(|| rest.strip_prefix("//")) {
                (r, r.find('\n').map(|i| (i, 0)))
            } else if let Some(r) = rest.strip_prefix("/*") {
                (r, r.find("*/").map(|i| (i, 2)))
            } else {
                return Opening::Item(rest);
            };
        match end {
            Some((i, _)) if body[..i].contains('\0') => return Opening::NulComment,
            Some((i, close)) => rest = &body[i + close..],
            None => {
                return Opening::CommentToEnd {
                    nul: body.contains('\0'),
                }
            }
        }
    }
}

/// Binary as git tells (a NUL in the first 8,000 bytes), of a file's text
/// as [`crate::vfs::decode`] keeps it (a head's decodes the same).
fn is_binary(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// May a binary file (a NUL in its first 8,000 bytes) be one Nomad reads
/// as a job at some release, or one saved as UTF-16? Only its opening is
/// looked at, so a file this refuses is refused cheaply. HCL2 and hcl v1
/// alike need the first item of a file, after white space and comments,
/// to be a name (hclsyntax's Identifier; hcl v1's IDENT or STRING,
/// hcl/parser/parser.go objectKey), and a JSON object holds no NUL
/// (Go's encoding/json, hcl's JSON scanners). A comment is skipped whole
/// however long (HCL2 takes any byte in it) unless it holds a NUL, where
/// hcl v1 before 0.11 stops reading it: then the file is taken (the whole
/// test decides). Taken also when the opening decodes as UTF-16 to what
/// may open a job (Nomad refuses the file: it must fail, not pass).
/// `text` is the file as [`crate::vfs::decode`] keeps it (a byte that is
/// not UTF-8 stands as a private character no name begins with), `whole`
/// unless it is only the file's head (then what it cuts off is taken).
fn opening_may_be_read(text: &str, whole: bool) -> bool {
    const AFTER: usize = 4096;
    let cut = |s: &str, n: usize| {
        let mut end = s.len().min(n);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    // Read as UTF-16 as the whole-file test reads it (NULs on both sides
    // too: a ragged UTF-16 job must fail).
    let head = crate::source::encode(&cut(text, HEAD_BYTES as usize));
    if jobspec::utf16::decode_any(&head).is_some_and(|t| may_open_job(t.as_bytes())) {
        return true;
    }
    let rest = match after_comments(text.strip_prefix('\u{feff}').unwrap_or(text)) {
        Opening::Item(rest) => rest,
        Opening::NulComment => return true,
        // A comment to the end: nothing after it, no job (HCL2), but
        // hcl v1 reads on past a NUL in it.
        Opening::CommentToEnd { nul } => return !whole || nul,
    };
    match rest.chars().next() {
        None => false,
        // JSON refuses a NUL, but the whole test is the one to say so.
        Some('{') => true,
        Some(_) => opens_hcl_item(&cut(rest, AFTER)),
    }
}

/// `head` read as UTF-16 (jobspec::utf16's reading of a file's head),
/// when the text it decodes to holds no NUL: else still binary.
fn utf16_head(head: &[u8]) -> Option<String> {
    jobspec::utf16::decode_head(head).filter(|t| !t.contains('\0'))
}

/// Does `s` open an HCL item: a name (identifier or quoted string), any
/// labels, then `{` (a block) or `=` (an argument)? hcl v1 reads newlines
/// as white space, so the item may run across lines. Text cut off by the
/// head's end before the item shows its shape is taken.
fn opens_hcl_item(mut s: &str) -> bool {
    let undecided = |s: &str| s.trim_end_matches('\u{fffd}').is_empty();
    let mut named = false;
    loop {
        s = s.trim_start();
        if undecided(s) {
            return true;
        }
        let Some(c) = s.chars().next() else {
            return true;
        };
        if named && (c == '{' || c == '=') {
            return true;
        }
        if c == '"' {
            let body = &s[1..];
            let mut escaped = false;
            let close = body.char_indices().find(|&(_, ch)| {
                let end = ch == '"' && !escaped;
                escaped = ch == '\\' && !escaped;
                end || ch == '\n'
            });
            match close {
                Some((i, '"')) => s = &body[i + 1..],
                Some(_) => return false,
                None => return true,
            }
        } else if c.is_alphabetic() || c == '_' {
            let len = s
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
                .unwrap_or(s.len());
            s = &s[len..];
        } else {
            return false;
        }
        named = true;
    }
}

#[cfg(test)]
mod tests {
    /// The cheap look at a binary file's opening turns away what no
    /// parser reads and keeps every job a parser may read behind a NUL.
    #[test]
    fn binary_openings() {
        let decoded = |b: &[u8]| crate::vfs::decode(b.to_vec());
        // Bytes of a fixed pseudo-random sequence: a random binary.
        let mut x: u32 = 12345;
        let random: Vec<u8> = (0..200_000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        let no: [&[u8]; 6] = [
            &random,
            b"\x7fELF\x02\x01\x01\0\0\0",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"PK\x03\x04\x14\0\0\0job \"x\" {",
            b"GIF89a\x01\0\x01\0",
            b"# comment\n\0job \"x\" {",
        ];
        for b in no {
            assert!(
                !super::opening_may_be_read(&decoded(b), true),
                "{:?}",
                &b[..b.len().min(16)]
            );
        }
        let utf16 = crate::jobspec::utf16::encode;
        let mut yes: Vec<Vec<u8>> = vec![
            b"# built \0\njob \"x\" {}".to_vec(),
            b"// \0\njob \"x\" {}".to_vec(),
            b"/* \0 */ job \"x\" {}".to_vec(),
            b"x = \"\0\"\njob \"x\" {}".to_vec(),
            b"job \"x\" {\n  meta { a = \"\0\" }\n}".to_vec(),
            b"\xef\xbb\xbf  \r\n job \"x\" {\0".to_vec(),
            // hcl v1 before 0.11 reads on past a NUL in a comment.
            b"# \0 job \"x\" {}".to_vec(),
            b"{\"Job\": {\0".to_vec(),
            utf16("job \"x\" {}", true, false),
            utf16("job \"x\" {}", false, true),
            // Ragged: a character with a NUL on the other side.
            utf16("# \u{100}\u{100}\u{100}\njob \"x\" {}", true, false),
        ];
        // A comment longer than any head, holding a NUL.
        let mut long = b"# ".to_vec();
        long.extend(std::iter::repeat_n(b'a', 100_000));
        long.extend(b"\0\njob \"x\" {}");
        yes.push(long);
        let mut long = b"# \0".to_vec();
        long.extend(std::iter::repeat_n(b'a', 100_000));
        long.extend(b"\njob \"x\" {}");
        yes.push(long);
        for b in &yes {
            assert!(
                super::opening_may_be_read(&decoded(b), true),
                "{:?}",
                &b[..b.len().min(16)]
            );
        }
        // A head whose comment runs on past its end: taken (the whole
        // file decides), where the whole file's comment would not be.
        let comment = b"# \x01\0 a comment to the end";
        assert!(super::opening_may_be_read(&decoded(comment), false));
        assert!(super::opening_may_be_read(&decoded(&comment[..4]), false));
        let comment = b"# no NUL, a comment to the end";
        assert!(super::opening_may_be_read(&decoded(comment), false));
        assert!(!super::opening_may_be_read(&decoded(comment), true));
    }

    #[test]
    fn heads_that_may_open_a_job() {
        for yes in [
            "job \"x\" {",
            "# c\n/* d */\n  variable \"v\" {",
            "\"job\" \"x\" {",
            "locals {",
            "{\n  \"job\": {",
            "{\"variable\": {",
            "{\"Job\": {",
            "# only comments",
            "",
            // Any of jobspec2's top-level blocks may come first, and an
            // item Nomad refuses fails the file: taken either way.
            "variables {\n  a = 1\n}",
            "x = \"pad\"\njob \"x\" {",
            "jobs \"x\" {",
            "job\n\"x\"\n{",
            "\"variables\" {",
            // Go's decoder: any key's case, unknown keys, no `Job` wrapper.
            "{\"panels\": [",
            "{\"JOB\": {",
            "{\"ID\": \"web\", \"TaskGroups\": [",
            // Cut off by the head's end.
            "job \"a long labe",
            "variabl",
            // A NUL inside a comment keeps no HCL parser from the job.
            "# \u{0}\njob \"x\" {",
            "/* \u{0} */ job \"x\" {",
            // hcl v1 before 0.11 ends the comment at the NUL and reads on.
            "# \u{0} job \"x\" {\n",
            // A comment the head ends in hides what follows it (a file
            // over the cap goes on past its head).
            "# \u{0}",
            "# a comment past the head's end",
            "/* \u{0} job",
        ] {
            assert!(super::may_open_job(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "[1, 2",
            "id,name\n1,a",
            "\u{0}job \"x\" {",
            "\u{0}\u{0}\u{0}\u{0}job",
            "<html>",
            "# Title\nSome prose here.",
            "key: value",
            "CREATE TABLE x (",
            "2026-12-04 12:00:00 INFO start",
            "\"unterminated\n{",
            // Binary: JSON (which refuses a NUL).
            "{\"job\": {\u{0}",
        ] {
            assert!(!super::may_open_job(no.as_bytes()), "{no:?}");
        }
        // A job saved as UTF-16, with or without its byte order mark.
        let utf16 = crate::jobspec::utf16::encode;
        for (little, bom) in [(true, true), (true, false), (false, true), (false, false)] {
            let job = utf16("variables {\n}\njob \"x\" {", little, bom);
            assert!(super::may_open_job(&job), "{little} {bom}");
            let csv = utf16("id,name\n1,a", little, bom);
            assert!(!super::may_open_job(&csv), "{little} {bom}");
            // Cut inside a character: still read.
            assert!(super::may_open_job(&job[..job.len() - 1]), "{little} {bom}");
        }
    }
}
