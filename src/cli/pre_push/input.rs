//! git's pre-push input: one line per pushed ref on stdin, `<local ref>
//! <local sha> <remote ref> <remote sha>`, a sha of zeros where the ref is
//! deleted (local) or new to the remote (githooks(5), "pre-push").

use std::io::Read;

use crate::diag::Diag;

/// One line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub local_ref: String,
    pub local: String,
    pub remote_ref: String,
    pub remote: String,
}

/// An object name of zeros: git's "no object" on either side.
pub(super) fn is_zero(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

fn is_sha(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse git's pre-push lines. The local ref is what was named on the
/// command line and is split off from the right, as pre-commit does;
/// anything else is refused rather than half read.
pub fn parse(input: &str) -> Result<Vec<Pushed>, Diag> {
    let mut out = Vec::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.rsplitn(4, ' ');
        let (Some(remote), Some(remote_ref), Some(local), Some(local_ref)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad_line(line));
        };
        if !is_sha(local) || !is_sha(remote) || local_ref.is_empty() || remote_ref.is_empty() {
            return Err(bad_line(line));
        }
        out.push(Pushed {
            local_ref: local_ref.to_string(),
            local: local.to_ascii_lowercase(),
            remote_ref: remote_ref.to_string(),
            remote: remote.to_ascii_lowercase(),
        });
    }
    Ok(out)
}

fn bad_line(line: &str) -> Diag {
    Diag::error(
        "pre_push::input",
        format!(
            "cannot tell what this push holds: git's pre-push line {:?} is not `<local ref> <sha> <remote ref> <sha>`",
            crate::escape::one_line(line)
        ),
    )
    .as_cannot_tell()
    .help("--pre-push reads what git gives a pre-push hook on stdin (githooks(5)); run it from the hook `nomad-preflight hook install --pre-push` writes")
}

/// Most bytes of git's pre-push lines read: ~100,000 refs. More is
/// refused, never cut short (a ref left unread would pass unjudged).
const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// The pushed refs, from this process's stdin.
pub fn read_stdin() -> Result<Vec<Pushed>, Diag> {
    let untold = |why: String| {
        Diag::error(
            "pre_push::input",
            format!("cannot tell what this push holds: {why}"),
        )
        .as_cannot_tell()
    };
    let mut input = String::new();
    std::io::stdin()
        .take(MAX_INPUT + 1)
        .read_to_string(&mut input)
        .map_err(|e| untold(format!("reading git's pre-push lines: {e}")))?;
    if input.len() as u64 > MAX_INPUT {
        return Err(untold(format!(
            "git's pre-push lines are over {MAX_INPUT} bytes"
        )));
    }
    parse(&input)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn every_line_is_read_and_a_bad_one_refused() {
        let input =
            format!("refs/heads/a {A} refs/heads/a {B}\nrefs/tags/v1 {B} refs/tags/v1 {Z}\n\n");
        let p = parse(&input).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].local_ref, "refs/tags/v1");
        assert_eq!(p[1].remote, Z);
        assert!(parse("").unwrap().is_empty());
        assert!(parse(&format!("refs/heads/a {A} refs/heads/a\n")).is_err());
        assert!(parse(&format!("refs/heads/a nothex refs/heads/a {A}\n")).is_err());
    }
}
