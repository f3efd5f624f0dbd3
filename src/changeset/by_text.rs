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
/// byte in its first 8,000) is a job only as UTF-16 text (Nomad refuses
/// it, so it must fail, not pass unread); other binary files are not
/// scanned. The size cap bounds what a walk of a large repository reads;
/// a file over it is a job file unless it starts binary (fail closed).
/// Other refusals (a link leading outside) are not jobs here: a walk
/// keeps those entries by itself, and a change set's link is a blob
/// holding a path.
pub fn holds_job(vfs: &dyn Vfs, path: &Path) -> bool {
    match vfs.read(path) {
        Ok(s) => {
            let bytes = s.text.as_bytes();
            if bytes[..bytes.len().min(8000)].contains(&0) {
                return jobspec::utf16::is_job(&s.text);
            }
            jobspec::opens_job_block(&s.text)
        }
        // Over the size cap: unread, so a job padded past the cap would
        // pass unseen. Taken (its refusal is then the file's error) when
        // its first bytes may open a job, or when they cannot be read
        // (a packed git blob far past the cap).
        Err(e) if crate::project::is_too_big(&e) => vfs
            .head(path, HEAD_BYTES)
            .is_none_or(|head| may_open_job(&head)),
        Err(_) => false,
    }
}

/// How much of a file over the size cap is read to tell whether it may
/// be a job.
const HEAD_BYTES: u64 = 64 * 1024;

/// May a file starting with `head` be a job Nomad reads? Not binary (a
/// NUL in git's 8,000-byte window), and its first token after white space
/// and comments is one a job file opens with: a top-level block of
/// jobspec's (`job`, `variable`, `locals`, quoted or not), or a JSON
/// object whose first key is one of them or the API's `Job`. A head of
/// nothing but comments may be anything: taken.
fn may_open_job(head: &[u8]) -> bool {
    if head[..head.len().min(8000)].contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('#').or_else(|| rest.strip_prefix("//")) {
            match r.find('\n') {
                Some(i) => rest = &r[i..],
                None => return true,
            }
        } else if let Some(r) = rest.strip_prefix("/*") {
            match r.find("*/") {
                Some(i) => rest = &r[i + 2..],
                None => return true,
            }
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return true;
    }
    let keys = ["job", "variable", "locals"];
    let word = |s: &str| {
        keys.iter().any(|k| {
            s.strip_prefix(k).is_some_and(|r| {
                !r.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
            })
        })
    };
    if let Some(body) = rest.strip_prefix('{') {
        let body = body.trim_start();
        return body.is_empty()
            || body.strip_prefix('"').is_some_and(|k| {
                word(k) && k.split('"').next().is_some_and(|w| keys.contains(&w))
                    || k.starts_with("Job\"")
            });
    }
    word(rest.strip_prefix('"').unwrap_or(rest))
}

#[cfg(test)]
mod tests {
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
        ] {
            assert!(super::may_open_job(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "{\"panels\": [",
            "[1, 2",
            "id,name\n1,a",
            "jobs \"x\" {",
            "\u{0}job \"x\" {",
            "<html>",
        ] {
            assert!(!super::may_open_job(no.as_bytes()), "{no:?}");
        }
    }
}
