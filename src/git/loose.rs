//! Loose objects read in one pass with one inflater per thread.
//!
//! Why not gix's own loose reader: it builds a new zlib inflater (state and
//! 32 KB window, allocated and cleared) for every object, and a size-capped
//! read asks it twice (the header for the cap, then the object), so each
//! blob was two file reads, two inflater set-ups and two Huffman table
//! builds. A `check --staged` reads ~20 loose objects (the staged blob, the
//! world's files and trees at HEAD, which `git add` and `git commit` leave
//! loose until a `gc` packs them): that was a tenth of the hook's
//! instructions. Here the header is inflated first (the cap is checked
//! before the body is), then the body continues the same stream.
//!
//! Anything this reader does not handle as a loose object of the main
//! object folder (a packed object, an alternate's, a file that is not
//! there, a stream that does not end where its header says) is left to the
//! pack reader ([`super::pack`]) and then gix (`Ok(None)`), so errors keep
//! gix's wording.

use std::cell::RefCell;
use std::io;

use gix::zlib::{Decompress, FlushDecompress, Status};

thread_local! {
    static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new());
}

/// `f` with this thread's inflater (one zlib state and window, allocated
/// once per thread: the pack reader shares it); `None` if it is in use.
pub(super) fn with_inflater<R>(f: impl FnOnce(&mut Decompress) -> R) -> Option<R> {
    INFLATER.with(|cell| Some(f(&mut *cell.try_borrow_mut().ok()?)))
}

/// An object read without gix (loose, or packed: [`super::pack`]): its
/// kind, and its bytes, or its size when over the cap.
pub(super) struct Loose {
    pub kind: gix::object::Kind,
    pub data: Result<Vec<u8>, u64>,
}

/// The loose object `oid` of `repo`, refused from its header (`data` is
/// `Err(size)`) when larger than `max`; `None` when gix must find it.
pub(super) fn read(repo: &super::repo::Repo, oid: &gix::oid, max: u64) -> Option<Loose> {
    let path = object_path(repo, oid)?;
    let mut file = std::fs::File::open(path).ok()?;
    // Deflate adds a few bytes per 16 KiB block at worst: a file much
    // longer than the cap holds no object under it (or is not git's), so
    // only its header is inflated; a huge staged file is never read whole
    // to be refused.
    let len = file.metadata().ok()?.len();
    if len > max.saturating_add(max / 64).saturating_add(64 * 1024) {
        let (kind, size, _) = peek(&mut file, 0)?;
        return (size > max).then_some(Loose {
            kind,
            data: Err(size),
        });
    }
    let mut compressed = Vec::with_capacity(usize::try_from(len).ok()?);
    super::read_rest(&file, &mut compressed).ok()?;
    with_inflater(|z| {
        z.reset();
        inflate(z, &compressed, max).ok().flatten()
    })?
}

/// The first `n` bytes of the loose object `oid`, with its kind and whole
/// size, inflating no more of it than that: how a file over the size cap
/// is told apart from a job without reading it whole. `None` when it is
/// not a loose object of the main object folder.
pub(super) fn head(
    repo: &super::repo::Repo,
    oid: &gix::oid,
    n: u64,
) -> Option<(gix::object::Kind, u64, Vec<u8>)> {
    let mut file = std::fs::File::open(object_path(repo, oid)?).ok()?;
    peek(&mut file, n)
}

fn object_path(repo: &super::repo::Repo, oid: &gix::oid) -> Option<std::path::PathBuf> {
    let mut hex = [0u8; 64];
    let hex = super::hex::to_hex(oid, &mut hex);
    if hex.len() < 3 {
        return None;
    }
    Some(repo.objects_dir().join(&hex[..2]).join(&hex[2..]))
}

/// Inflates `src` until the header and `n` bytes of the body are out (or
/// the stream ends), reading it in small pieces.
fn peek(src: &mut impl io::Read, n: u64) -> Option<(gix::object::Kind, u64, Vec<u8>)> {
    // The longest header git writes ("commit " + 20 digits + NUL) fits
    // in 64 bytes.
    let want = usize::try_from(n).ok()?.checked_add(64)?;
    let mut out = vec![0u8; want];
    let mut filled = 0;
    let mut z = Decompress::new();
    let mut buf = [0u8; 16 * 1024];
    'read: loop {
        let got = src.read(&mut buf).ok()?;
        let mut input = &buf[..got];
        loop {
            let (in0, out0) = (z.total_in(), z.total_out());
            let flush = if got == 0 {
                FlushDecompress::Finish
            } else {
                FlushDecompress::None
            };
            let status = z.decompress(input, &mut out[filled..], flush).ok()?;
            let used = usize::try_from(z.total_in() - in0).ok()?;
            let made = usize::try_from(z.total_out() - out0).ok()?;
            input = input.get(used..)?;
            filled += made;
            if status == Status::StreamEnd || filled == want {
                break 'read;
            }
            if input.is_empty() {
                break;
            }
            if used == 0 && made == 0 {
                return None;
            }
        }
        if got == 0 {
            break;
        }
    }
    let nul = out[..filled].iter().position(|b| *b == 0)?;
    let (kind, size) = parse_header(&out[..nul])?;
    let body = &out[nul + 1..filled];
    let keep = body.len().min(usize::try_from(n.min(size)).ok()?);
    Some((kind, size, body[..keep].to_vec()))
}

/// `<kind> <size>\0<body>`, inflated header first. `Ok(None)` for a stream
/// that is not a well-formed loose object (gix reports it).
fn inflate(z: &mut Decompress, compressed: &[u8], max: u64) -> io::Result<Option<Loose>> {
    // "commit " + 20 digits + NUL fits: the longest header git writes.
    let mut head = [0u8; 64];
    let status = z
        .decompress(compressed, &mut head, FlushDecompress::None)
        .map_err(io::Error::other)?;
    let produced = usize::try_from(z.total_out()).map_err(io::Error::other)?;
    let Some(nul) = head[..produced].iter().position(|b| *b == 0) else {
        return Ok(None);
    };
    let Some((kind, size)) = parse_header(&head[..nul]) else {
        return Ok(None);
    };
    if size > max {
        return Ok(Some(Loose {
            kind,
            data: Err(size),
        }));
    }
    let Ok(size) = usize::try_from(size) else {
        return Ok(None);
    };
    let prefix = &head[nul + 1..produced];
    if prefix.len() > size || (status == Status::StreamEnd && prefix.len() != size) {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(prefix);
    out.resize(size, 0);
    if status != Status::StreamEnd {
        let consumed = usize::try_from(z.total_in()).map_err(io::Error::other)?;
        let rest = compressed.get(consumed..).unwrap_or_default();
        let status = z
            .decompress(rest, &mut out[prefix.len()..], FlushDecompress::Finish)
            .map_err(io::Error::other)?;
        let whole = (nul + 1 + size) as u64;
        if status != Status::StreamEnd || z.total_out() != whole {
            return Ok(None);
        }
    }
    Ok(Some(Loose {
        kind,
        data: Ok(out),
    }))
}

/// `blob 123` → (blob, 123).
fn parse_header(h: &[u8]) -> Option<(gix::object::Kind, u64)> {
    let space = h.iter().position(|b| *b == b' ')?;
    let kind = gix::object::Kind::from_bytes(&h[..space]).ok()?;
    let digits = &h[space + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let size = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((kind, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loose object as git writes it: zlib over `<kind> <size>\0<body>`.
    fn deflated(header: &str, body: &[u8]) -> Vec<u8> {
        let mut raw = header.as_bytes().to_vec();
        raw.push(0);
        raw.extend_from_slice(body);
        let mut z =
            gix::zlib::stream::deflate::Write::new(Vec::new(), gix::zlib::Compression::DEFAULT);
        std::io::Write::write_all(&mut z, &raw).unwrap();
        std::io::Write::flush(&mut z).unwrap();
        z.into_inner()
    }

    fn run(bytes: &[u8], max: u64) -> Option<Loose> {
        let mut z = Decompress::new();
        inflate(&mut z, bytes, max).ok().flatten()
    }

    #[test]
    fn a_body_longer_than_the_header_buffer_is_read_whole() {
        let body: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let got = run(&deflated("blob 5000", &body), 1 << 20).expect("read");
        assert_eq!(got.kind, gix::object::Kind::Blob);
        assert_eq!(got.data.unwrap(), body);
        let tiny = run(&deflated("blob 2", b"hi"), 1 << 20).expect("read");
        assert_eq!(tiny.data.unwrap(), b"hi");
        let empty = run(&deflated("tree 0", b""), 1 << 20).expect("read");
        assert_eq!(empty.kind, gix::object::Kind::Tree);
        assert!(empty.data.unwrap().is_empty());
    }

    #[test]
    fn the_cap_is_judged_from_the_header() {
        let got = run(&deflated("blob 5000", &[b'x'; 5000]), 4999).expect("read");
        assert_eq!(got.data.unwrap_err(), 5000);
    }

    /// Whatever does not add up is left to gix, which words the error.
    #[test]
    fn a_header_that_lies_is_left_to_gix() {
        assert!(run(&deflated("blob 9", b"short"), 1 << 20).is_none());
        assert!(run(&deflated("blob 2", b"longer"), 1 << 20).is_none());
        assert!(run(&deflated("blob x", b"x"), 1 << 20).is_none());
        assert!(run(&deflated("bolb 1", b"x"), 1 << 20).is_none());
        assert!(run(b"not zlib at all", 1 << 20).is_none());
    }

    #[test]
    fn a_head_inflates_only_what_it_is_asked_for() {
        let body: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let bytes = deflated("blob 200000", &body);
        let (kind, size, head) = peek(&mut &bytes[..], 1000).expect("peek");
        assert_eq!((kind, size), (gix::object::Kind::Blob, 200_000));
        assert_eq!(head, &body[..1000]);
        let (_, size, head) = peek(&mut &bytes[..], 0).expect("header");
        assert_eq!((size, head.len()), (200_000, 0));
        // Asking past the end gives the body, not padding.
        let (_, _, head) = peek(&mut &deflated("blob 2", b"hi")[..], 1000).expect("short");
        assert_eq!(head, b"hi");
        // One byte at a time, as a slow reader hands them over.
        struct Trickle<'a>(&'a [u8]);
        impl io::Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let Some((b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                if let Some(o) = out.first_mut() {
                    *o = *b;
                    self.0 = rest;
                    return Ok(1);
                }
                Ok(0)
            }
        }
        let (_, _, head) = peek(&mut Trickle(&bytes), 300).expect("trickle");
        assert_eq!(head, &body[..300]);
        assert!(peek(&mut &b"not zlib at all"[..], 10).is_none());
    }
}
