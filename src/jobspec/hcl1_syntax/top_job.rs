//! Does hcl v1 read a top-level `job` block in a file? jobspec.Parse
//! (jobspec/parse.go@v0.9.3, the same to 0.12.12, and 1.0 to 1.8 behind
//! `-hcl1`) takes the items of the root whose first key is exactly `job`
//! (`list.Filter("job")`; `helper.CheckHCLKeys` refuses any other, case
//! included) and needs a name after it (`'job' block missing name`).
//!
//! A walk of the parser's tokens at the top level, at any depth: an item is
//! keys (IDENT or STRING, hcl/parser/parser.go objectKey) then `{` or `=`
//! and a value, items optionally separated by commas (objectList), so a
//! job may follow another item on the same line. It stops where the
//! parser's grammar does (the file is refused there); what it finds before
//! is taken whatever comes after (a refusal later still fails the file).
//! Only what may hide a job is followed: nested values are skipped by
//! their brackets.

use super::scan::{Kind, Scanner};
use super::{literal, Era};

/// Where the walk is in the root's object list.
#[derive(Clone, Copy)]
enum At {
    /// Before an item's first key (or after a comma).
    Item,
    /// Keys read: how many, whether the first is `job`, and whether every
    /// one after it is a string.
    Keys { job: bool, n: usize, quoted: bool },
    /// After `=`: the value.
    Value,
    /// An item just ended: a comma or the next item.
    After,
}

/// hcl v1 `era`'s reading of `bytes` opens a top-level `job "name" {`.
pub fn opens_job(bytes: &[u8], era: Era) -> bool {
    let mut sc = Scanner::new(bytes, era);
    let mut at = At::Item;
    let mut depth = 0usize;
    loop {
        let t = sc.scan();
        if sc.panicked {
            // The CLI crashes here: nothing after is read.
            return false;
        }
        match t.kind {
            Kind::Eof => return false,
            Kind::Comment => continue,
            _ => {}
        }
        if depth > 0 {
            match t.kind {
                Kind::LBrace | Kind::LBrack => depth += 1,
                Kind::RBrace | Kind::RBrack => {
                    depth -= 1;
                    if depth == 0 {
                        at = At::After;
                    }
                }
                _ => {}
            }
            continue;
        }
        at = match (at, t.kind) {
            (At::Item | At::After, Kind::Ident | Kind::Str) => At::Keys {
                job: is_job(&sc, t.start, t.end, era),
                n: 1,
                quoted: true,
            },
            (At::After, Kind::Comma) => At::Item,
            (At::Keys { job, n, quoted }, Kind::Ident | Kind::Str) => At::Keys {
                job,
                n: n + 1,
                quoted: quoted && t.kind == Kind::Str,
            },
            // One name (`job web {`, `job "web" {`), or names all quoted
            // (hcl v1 takes the first as the ID): prose a newline breaks
            // (`job is done` / `group chat {`), read as one item of five
            // keys, is not taken.
            (At::Keys { job, n, quoted }, Kind::LBrace) => {
                if job && (n == 2 || (n > 2 && quoted)) {
                    return true;
                }
                depth = 1;
                at
            }
            (At::Keys { .. }, Kind::Assign) => At::Value,
            (At::Value, Kind::Number | Kind::Float | Kind::Bool | Kind::Str | Kind::Heredoc) => {
                At::After
            }
            (At::Value, Kind::LBrace | Kind::LBrack) => {
                depth = 1;
                at
            }
            // The old parser prints `illegal` and reads on where a key goes.
            (At::Item | At::After | At::Keys { .. }, Kind::Illegal) if era == Era::Old => at,
            // The parser refuses the file here.
            _ => return false,
        };
    }
}

/// Is the key token `bytes[start..end]` `job` as hcl v1 reads it (a
/// string unquoted, escapes and all)?
fn is_job(sc: &Scanner<'_>, start: usize, end: usize, era: Era) -> bool {
    let Some(raw) = sc.src.get(start..end) else {
        return false;
    };
    raw == b"job"
        || (raw.first() == Some(&b'"')
            && std::str::from_utf8(raw)
                .is_ok_and(|k| literal::key(k, era).as_deref() == Some("job")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> bool {
        opens_job(text.as_bytes(), Era::Old) && opens_job(text.as_bytes(), Era::New)
    }

    #[test]
    fn jobs_hcl1_reads() {
        for yes in [
            "job \"web\" {\n}\n",
            "/* ci */ job \"web\" {\n  datacenters = [\"dc1\"], priority = 99\n}\n",
            "job\n\"web\"\n{\n}\n",
            "\"job\" \"web\" {}",
            "\"j\\x6fb\" \"web\" {}",
            "job \"web\" \"x\" {}",
            "job \"bad\\\"x\" {}",
            "x = 1 job \"web\" {}",
            "x = [1, {a = 2}], job \"web\" {}",
            "a { b { c = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] } }\njob web {}",
            "v = <<EOF\n}\nEOF\njob \"web\" {}",
        ] {
            assert!(both(yes), "{yes:?}");
        }
    }

    #[test]
    fn what_hcl1_reads_as_no_job() {
        for no in [
            "# job \"web\" {\n",
            "x = \"job \\\"web\\\" {\"\n",
            "job = { web = {} }",
            "job {}",
            "Job \"web\" {}",
            "jobs \"web\" {}",
            "x { job \"web\" {} }",
            "foo job \"web\" {}",
            "x = job \"web\" {}",
            "{\"job\": {\"web\": {}}}",
            "# Title\n\nSome prose: job \"web\" {}\n",
            "job is done\ngroup chat {\n",
            "v = <<EOF\njob \"web\" {}\nEOF\n",
        ] {
            assert!(!opens_job(no.as_bytes(), Era::Old), "{no:?}");
            assert!(!opens_job(no.as_bytes(), Era::New), "{no:?}");
        }
    }
}
