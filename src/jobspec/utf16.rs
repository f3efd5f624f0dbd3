//! Job files saved as UTF-16: an editor's "Unicode", or git's
//! `working-tree-encoding=UTF-16` in `.gitattributes`, which keeps the
//! blob UTF-8 (what the hook reads) and writes the work tree in UTF-16
//! (what `check DIR` and `nomad job run` read). Nomad reads the bytes as
//! UTF-8 and refuses them; here the file must be a job file that fails,
//! never "not a job file" (its NUL bytes look binary) that passes.

/// The text of `bytes` read as UTF-16: little- or big-endian by its byte
/// order mark, else by where the NUL bytes of its ASCII characters fall in
/// the first 8,000 bytes (git's window for "binary"). `None` when it has
/// no NUL to tell the order by.
fn decode(bytes: &[u8]) -> Option<String> {
    decode_by(bytes, true)
}

/// [`decode`], for the gates' cheap look at a binary file's opening
/// (changeset::by_text): the reading [`is_job`] gives the whole file.
pub(crate) fn decode_any(bytes: &[u8]) -> Option<String> {
    decode(bytes)
}

/// [`decode`] for a file's head alone, as the gates peek at a file over
/// the size cap: `None` also when NULs fall on both sides of the window,
/// where a head of random binary would otherwise decode to text.
pub(crate) fn decode_head(bytes: &[u8]) -> Option<String> {
    decode_by(bytes, false)
}

fn decode_by(bytes: &[u8], mixed: bool) -> Option<String> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => {
            let head = &bytes[..bytes.len().min(8000)];
            let nul_at = |odd: usize| head.iter().skip(odd).step_by(2).any(|b| *b == 0);
            // ASCII's NULs fall on one side; a character such as U+0100
            // puts one on the other, so the side with more decides.
            let nuls = |odd: usize| {
                head.iter()
                    .skip(odd)
                    .step_by(2)
                    .filter(|b| **b == 0)
                    .count()
            };
            match (nul_at(0), nul_at(1)) {
                (false, true) => (true, bytes),
                (true, false) => (false, bytes),
                (true, true) if mixed => (nuls(1) >= nuls(0), bytes),
                (true, true) => return None,
                (false, false) => return None,
            }
        }
    };
    let units = body.chunks_exact(2).map(|c| {
        let pair = [c[0], c[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    // Lossy, and a last odd byte left out: a stray byte or an unpaired
    // surrogate makes the file no less one Nomad refuses (it must fail,
    // not pass as "not a job file").
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// Is `text` (as `vfs::decode` keeps a file's bytes) a job saved as
/// UTF-16: does it, read so, open a `job` block?
pub fn is_job(text: &str) -> bool {
    decode(&crate::source::encode(text)).is_some_and(|t| super::opens_job_block(&t))
}

/// `s` saved as UTF-16, little- or big-endian, with or without a byte
/// order mark: what the tests of every UTF-16 reader feed it.
#[cfg(test)]
pub(crate) fn encode(s: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut b: Vec<u8> = Vec::new();
    if bom {
        b.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
    }
    for u in s.encode_utf16() {
        b.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    b
}

#[cfg(test)]
mod tests {
    fn utf16(s: &str, little: bool, bom: bool) -> String {
        crate::vfs::decode(super::encode(s, little, bom)).to_string()
    }

    #[test]
    fn utf16_jobs_are_told_from_other_files() {
        let job = "job \"x\" {\n  group \"g\" {}\n}\n";
        for (little, bom) in [(true, true), (true, false), (false, true), (false, false)] {
            assert!(super::is_job(&utf16(job, little, bom)), "{little} {bom}");
            assert!(!super::is_job(&utf16("# notes\n", little, bom)));
        }
        // A stray last byte, an unpaired surrogate, a U+0100 (a NUL on the
        // other side) do not hide the job.
        let le = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
        };
        let bom = |mut b: Vec<u8>| {
            b.splice(0..0, [0xFF, 0xFE]);
            b
        };
        let with_u100 = job.replace("{}", "{ meta { a = \"\u{100}\" } }");
        for bytes in [
            [bom(le(job)), vec![0x01]].concat(),
            [bom(le(job)), vec![0x00, 0xD8]].concat(),
            le(&with_u100),
        ] {
            assert!(
                super::is_job(&crate::vfs::decode(bytes.clone())),
                "{bytes:?}"
            );
        }
        assert!(!super::is_job(job));
        assert!(!super::is_job("\u{0}\u{0}job \"x\" {}\n"));
    }
}
