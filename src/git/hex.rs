//! Object IDs to and from hex text, done here rather than by gix-hash.
//!
//! gix-hash hands both directions to faster-hex, which asks the CPU for
//! its vector features (two CPUID instructions) in each thread that
//! encodes or decodes first. On a virtual machine every CPUID traps to the
//! hypervisor: ~10 µs each on the 2-core VM (a C loop of 1,000), so four of
//! them, in the main thread and the select-ahead helper, cost a hook more
//! than all the hex it reads and writes (HEAD's ID, a loose object's path,
//! the tree line of HEAD's commit).

use gix::ObjectId;

/// A SHA-1 object ID from its 40 hex digits (either case, as git reads
/// them); `None` for anything else, a SHA-256 ID included (gix resolves
/// those).
pub(super) fn sha1_from_hex(hex: &[u8]) -> Option<ObjectId> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if hex.len() != 40 {
        return None;
    }
    let mut id = [0u8; 20];
    for (byte, pair) in id.iter_mut().zip(hex.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *byte = (nibble(*hi)? << 4) | nibble(*lo)?;
    }
    Some(ObjectId::from(id))
}

/// The tree a commit object's text names on its first line, `tree <hex>`;
/// `None` when that line is not a SHA-1 tree line.
pub(super) fn commit_tree(commit: &[u8]) -> Option<ObjectId> {
    let line = commit.strip_prefix(b"tree ")?;
    let (hex, rest) = line.split_at_checked(40)?;
    rest.starts_with(b"\n").then_some(())?;
    sha1_from_hex(hex)
}

/// `oid` as git names it in text (lower-case hex), written into `buf`.
pub(super) fn to_hex<'a>(oid: &gix::oid, buf: &'a mut [u8; 64]) -> &'a str {
    crate::hex::encode_into(oid.as_bytes(), buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_id_decodes_as_gix_decodes_it() {
        for hex in [
            "df39e45c0ffee0000000000000000000000000ff",
            "0123456789abcdefABCDEF0123456789abcdef01",
            "ffffffffffffffffffffffffffffffffffffffff",
        ] {
            let ours = sha1_from_hex(hex.as_bytes());
            let gix = ObjectId::from_hex(hex.as_bytes()).ok();
            assert_eq!(ours, gix, "{hex}");
            assert!(ours.is_some(), "{hex}");
        }
    }

    #[test]
    fn anything_but_forty_hex_digits_is_left_to_gix() {
        for bad in [
            "",
            "df39e45",
            "df39e45c0ffee0000000000000000000000000f",
            "df39e45c0ffee0000000000000000000000000fff",
            "gf39e45c0ffee0000000000000000000000000ff",
            "df39e45c0ffee000000000000000000000000 ff",
            // A SHA-256 ID: gix resolves it.
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(sha1_from_hex(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn a_commits_tree_is_read_as_gix_reads_it() {
        let commit = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor a <a@a> 0 +0000\ncommitter a <a@a> 0 +0000\n\nempty\n";
        let gix = gix::objs::CommitRefIter::from_bytes(commit, gix::hash::Kind::Sha1)
            .tree_id()
            .ok();
        assert_eq!(commit_tree(commit), gix);
        assert!(gix.is_some());
        // Not a tree line of 40 digits: left to gix.
        assert_eq!(
            commit_tree(b"parent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"),
            None
        );
        assert_eq!(
            commit_tree(b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee490\n"),
            None
        );
        assert_eq!(
            commit_tree(b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904 \n"),
            None
        );
        assert_eq!(
            commit_tree(b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
            None
        );
    }

    #[test]
    fn an_id_encodes_as_gix_encodes_it() {
        for hex in [
            "df39e45c0ffee0000000000000000000000000ff",
            "0123456789abcdef0123456789abcdef01234567",
        ] {
            let id = ObjectId::from_hex(hex.as_bytes()).expect("hex");
            let mut buf = [0u8; 64];
            assert_eq!(to_hex(&id, &mut buf), id.to_hex().to_string());
            assert_eq!(to_hex(&id, &mut buf), hex);
        }
    }
}
