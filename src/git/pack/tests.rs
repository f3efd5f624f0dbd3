//! The reader against git itself: repositories packed by the real `git`
//! (gc, deep OFS_DELTA chains, REF_DELTA), every object compared with what
//! `git cat-file` prints; and packs damaged or built by hand, which must
//! give the right object or none.

use super::*;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false", "-c", "gc.auto=0"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("np-pack-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// A repository with history whose files change a little each commit (so
/// git deltifies them), an empty blob, a binary one, and one larger than
/// zlib's window. `None` when there is no git here.
fn history(name: &str) -> Option<PathBuf> {
    let dir = scratch(name);
    git(&dir, &["init", "-q"])?;
    let lines: Vec<String> = (0..300)
        .map(|i| format!("line {i} of a job file\n"))
        .collect();
    std::fs::write(dir.join("empty"), "").ok()?;
    let binary: Vec<u8> = (0..70_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("big.bin"), &binary).ok()?;
    for round in 0..12 {
        for f in 0..3 {
            let mut text = lines.clone();
            text[(round * 17 + f * 5) % 300] = format!("changed in round {round}\n");
            text.truncate(300 - round * 3);
            std::fs::create_dir_all(dir.join(format!("d{f}"))).ok()?;
            std::fs::write(dir.join(format!("d{f}/job.nomad")), text.concat()).ok()?;
        }
        git(&dir, &["add", "-A"])?;
        git(&dir, &["commit", "-qm", &format!("round {round}")])?;
    }
    git(&dir, &["tag", "-a", "-m", "a tag", "v1"])?;
    Some(dir)
}

/// Every object of the repository as git prints it: (id, kind, bytes).
fn truth(dir: &Path) -> Vec<(gix::ObjectId, Kind, Vec<u8>)> {
    let out = git(dir, &["cat-file", "--batch-all-objects", "--batch"]).expect("cat-file");
    let mut rest = &out[..];
    let mut all = Vec::new();
    while !rest.is_empty() {
        let nl = rest.iter().position(|b| *b == b'\n').expect("header");
        let head = std::str::from_utf8(&rest[..nl]).expect("utf-8");
        let mut parts = head.split(' ');
        let id =
            super::super::hex::sha1_from_hex(parts.next().expect("id").as_bytes()).expect("sha1");
        let kind = Kind::from_bytes(parts.next().expect("kind").as_bytes()).expect("kind");
        let size: usize = parts.next().expect("size").parse().expect("size");
        let body = rest[nl + 1..nl + 1 + size].to_vec();
        rest = &rest[nl + 1 + size + 1..];
        all.push((id, kind, body));
    }
    all
}

/// How many entries of each delta kind the packs hold: (OFS, REF).
fn delta_kinds(packs: &Packs) -> (usize, usize) {
    let (mut ofs, mut refs) = (0, 0);
    for p in &packs.packs {
        for i in 0..p.count {
            match p
                .header(p.offset_at(i).expect("offset"))
                .expect("header")
                .entry
            {
                Entry::Ofs(_) => ofs += 1,
                Entry::Ref(_) => refs += 1,
                Entry::Whole(_) => {}
            }
        }
    }
    (ofs, refs)
}

fn every_object_matches(dir: &Path) -> Packs {
    let packs = Packs::open(&dir.join(".git/objects")).expect("packs read here");
    let all = truth(dir);
    assert!(all.len() > 40, "{}", all.len());
    for (id, kind, body) in &all {
        let (pack, at) = packs.find(id).unwrap_or_else(|| panic!("{id} not found"));
        let got = packs.object(pack, at, u64::MAX).expect("read");
        assert_eq!(got.kind, *kind, "{id}");
        assert_eq!(got.data.as_ref().expect("under the cap"), body, "{id}");
        // The cap is judged before anything is built, delta or not.
        if !body.is_empty() {
            let refused = packs.object(pack, at, body.len() as u64 - 1).expect("read");
            assert_eq!(refused.data.unwrap_err(), body.len() as u64, "{id}");
        }
        // A head is what the blob starts with.
        if *kind == Kind::Blob {
            let objects = dir.join(".git/objects");
            let got = head(&objects, id, 100, u64::MAX).expect("head");
            assert_eq!(got, &body[..body.len().min(100)], "{id}");
        }
    }
    let absent = gix::ObjectId::from([0x42u8; 20]);
    assert!(packs.find(&absent).is_none());
    packs
}

#[test]
fn a_gc_packed_repository_reads_as_git_reads_it() {
    let Some(dir) = history("gc") else { return };
    git(&dir, &["gc", "-q"]).expect("gc");
    let packs = every_object_matches(&dir);
    assert!(delta_kinds(&packs).0 > 0, "gc wrote no deltas");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deep_offset_deltas_read_as_git_reads_them() {
    let Some(dir) = history("ofs") else { return };
    git(&dir, &["repack", "-adfq", "--depth=50", "--window=50"]).expect("repack");
    let packs = every_object_matches(&dir);
    let (ofs, refs) = delta_kinds(&packs);
    assert!(ofs > 20 && refs == 0, "{ofs} {refs}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reference_deltas_read_as_git_reads_them() {
    let Some(dir) = history("ref") else { return };
    let args = ["-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq"];
    git(&dir, &[&args[..], &["--depth=50", "--window=50"]].concat()).expect("repack");
    let packs = every_object_matches(&dir);
    let (ofs, refs) = delta_kinds(&packs);
    assert!(refs > 20 && ofs == 0, "{ofs} {refs}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Objects spread over several packs (and some still loose) are each
/// found in theirs; a pack whose `.idx` is gone is not read.
#[test]
fn several_packs_are_searched() {
    let Some(dir) = history("several") else {
        return;
    };
    git(&dir, &["repack", "-dq"]).expect("repack");
    std::fs::write(dir.join("later"), "a later file\n").expect("write");
    git(&dir, &["add", "-A"]).expect("add");
    git(&dir, &["commit", "-qm", "later"]).expect("commit");
    git(&dir, &["repack", "-q"]).expect("repack");
    let packs = Packs::open(&dir.join(".git/objects")).expect("packs");
    assert_eq!(packs.packs.len(), 2);
    let later = git(&dir, &["rev-parse", "HEAD:later"]).expect("rev-parse");
    let later = super::super::hex::sha1_from_hex(later.trim_ascii()).expect("id");
    let (p, at) = packs.find(&later).expect("found");
    assert_eq!(
        packs.object(p, at, u64::MAX).expect("read").data.unwrap(),
        b"a later file\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_gix_reads_is_left_to_it() {
    let Some(dir) = history("unusual") else {
        return;
    };
    git(&dir, &["repack", "-adq"]).expect("repack");
    let objects = dir.join(".git/objects");
    let pack_dir = objects.join("pack");
    assert!(Packs::open(&objects).is_some());
    // A version 1 `.idx`.
    let pack = std::fs::read_dir(&pack_dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let idx = pack.with_extension("idx");
    let v2 = std::fs::read(&idx).expect("idx");
    std::fs::remove_file(&idx).expect("remove");
    let p = pack.to_string_lossy().to_string();
    let i = idx.to_string_lossy().to_string();
    git(&dir, &["index-pack", "--index-version=1", "-o", &i, &p]).expect("index-pack v1");
    assert!(Packs::open(&objects).is_none(), "v1 idx");
    std::fs::write(&idx, &v2).expect("restore");
    // An `.idx` of another pack (its checksum names another).
    let mut other = v2.clone();
    let n = other.len();
    other[n - 40] ^= 1;
    std::fs::write(&idx, &other).expect("write");
    assert!(Packs::open(&objects).is_none(), "idx of another pack");
    std::fs::write(&idx, &v2).expect("restore");
    // A multi-pack-index, and a partial clone's promisor pack.
    for (name, body) in [("multi-pack-index", &b"MIDX"[..]), ("x.promisor", b"")] {
        std::fs::write(pack_dir.join(name), body).expect("write");
        assert!(Packs::open(&objects).is_none(), "{name}");
        std::fs::remove_file(pack_dir.join(name)).expect("remove");
    }
    assert!(Packs::open(&objects).is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A pack damaged anywhere but its trailer (which this reader does not
/// hash, as git does not on reading) gives each object right, or none.
#[test]
fn a_damaged_pack_gives_the_right_object_or_none() {
    let Some(dir) = history("damaged") else {
        return;
    };
    git(&dir, &["repack", "-adfq", "--depth=50", "--window=50"]).expect("repack");
    let all = truth(&dir);
    let objects = dir.join(".git/objects");
    let pack = std::fs::read_dir(objects.join("pack"))
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let good = std::fs::read(&pack).expect("pack");
    let (mut wrong, mut refused) = (0, 0);
    // Headers and the first bytes of streams are where damage misleads.
    let step = (good.len() / 100).max(1);
    for at in (12..good.len() - 20).step_by(step).chain(12..100) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        // Written anew (not in place): the reader maps the file.
        std::fs::remove_file(&pack).expect("remove");
        std::fs::write(&pack, &bad).expect("write");
        let packs = Packs::open(&objects).expect("still opens");
        for (id, kind, body) in &all {
            let Some((p, off)) = packs.find(id) else {
                continue;
            };
            match packs.object(p, off, u64::MAX) {
                Some(got) if got.kind == *kind && got.data.as_ref().ok() == Some(body) => {}
                Some(_) => wrong += 1,
                None => refused += 1,
            }
        }
    }
    assert_eq!(wrong, 0);
    assert!(refused > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A pack built by hand: `entries` at their offsets, an `.idx` naming
/// them, matching checksums (never hashed by the reader).
fn hand_pack(name: &str, entries: &[([u8; 20], Vec<u8>)]) -> PathBuf {
    let objects = scratch(name);
    std::fs::create_dir_all(objects.join("pack")).expect("mkdir");
    let mut pack = b"PACK\0\0\0\x02".to_vec();
    pack.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    let mut named: Vec<([u8; 20], u32, u32)> = Vec::new();
    for (id, bytes) in entries {
        named.push((*id, pack.len() as u32, crc32fast::hash(bytes)));
        pack.extend_from_slice(bytes);
    }
    let sum = [7u8; 20];
    pack.extend_from_slice(&sum);
    named.sort();
    let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
    for b in 0..256usize {
        let n = named
            .iter()
            .filter(|(id, ..)| usize::from(id[0]) <= b)
            .count();
        idx.extend_from_slice(&(n as u32).to_be_bytes());
    }
    for (id, ..) in &named {
        idx.extend_from_slice(id);
    }
    for (.., crc) in &named {
        idx.extend_from_slice(&crc.to_be_bytes());
    }
    for (_, at, _) in &named {
        idx.extend_from_slice(&at.to_be_bytes());
    }
    idx.extend_from_slice(&sum);
    idx.extend_from_slice(&[9; 20]);
    std::fs::write(objects.join("pack/p.pack"), pack).expect("pack");
    std::fs::write(objects.join("pack/p.idx"), idx).expect("idx");
    objects
}

fn deflated(body: &[u8]) -> Vec<u8> {
    let mut z = gix::zlib::stream::deflate::Write::new(Vec::new(), gix::zlib::Compression::DEFAULT);
    std::io::Write::write_all(&mut z, body).expect("deflate");
    std::io::Write::flush(&mut z).expect("deflate");
    z.into_inner()
}

#[test]
fn a_loop_of_reference_deltas_ends() {
    let (a, b) = ([1u8; 20], [2u8; 20]);
    // Type 7 (REF_DELTA), size 4: a delta from 2 bytes to 2 bytes.
    let delta = deflated(&[2, 2, 0x90, 2]);
    let entry = |base: [u8; 20]| [&[0x74u8][..], &base, &delta].concat();
    let objects = hand_pack("loop", &[(a, entry(b)), (b, entry(a))]);
    let packs = Packs::open(&objects).expect("opens");
    let (p, at) = packs.find(&gix::ObjectId::from(a)).expect("found");
    assert!(packs.object(p, at, u64::MAX).is_none());
    let _ = std::fs::remove_dir_all(&objects);
}

#[test]
fn a_hand_built_pack_reads_and_lies_are_refused() {
    let (blob, ofs, lying) = ([1u8; 20], [2u8; 20], [3u8; 20]);
    // Blob "hello world" (type 3, size 11), then an OFS_DELTA on it:
    // copy 0..5, insert "!" -> "hello!", then a blob claiming 12 bytes.
    let whole = [&[0x3bu8][..], &deflated(b"hello world")].concat();
    let delta = deflated(&[11, 6, 0x90, 5, 1, b'!']);
    // Type 6, size 6 (the delta's own length), the blob's distance back.
    let ofs_entry = [&[0x66u8, whole.len() as u8][..], &delta].concat();
    let lie = [&[0x3cu8][..], &deflated(b"hello world")].concat();
    let objects = hand_pack("hand", &[(blob, whole), (ofs, ofs_entry), (lying, lie)]);
    let packs = Packs::open(&objects).expect("opens");
    let read = |id: [u8; 20]| {
        let (p, at) = packs.find(&gix::ObjectId::from(id))?;
        packs.object(p, at, u64::MAX)
    };
    assert_eq!(read(blob).expect("blob").data.unwrap(), b"hello world");
    let got = read(ofs).expect("delta");
    assert_eq!(
        (got.kind, got.data.unwrap()),
        (Kind::Blob, b"hello!".to_vec())
    );
    assert!(read(lying).is_none(), "a size header that lies");
    let _ = std::fs::remove_dir_all(&objects);
}

#[test]
fn a_delta_that_does_not_add_up_is_refused() {
    let base = b"0123456789";
    let mut budget = CHAIN_BUDGET;
    let ok = apply(base, &[10, 4, 0x91, 2, 2, 2, b'x', b'y'], &mut budget);
    assert_eq!(ok.as_deref(), Some(&b"23xy"[..]));
    for bad in [
        &[9u8, 4, 0x91, 2, 2, 2, b'x', b'y'][..], // the base's size is wrong
        &[10, 5, 0x91, 2, 2, 2, b'x', b'y'],      // the result's size is wrong
        &[10, 3, 0x91, 2, 2, 2, b'x', b'y'],      // more than it says
        &[10, 4, 0x91, 8, 4],                     // a copy past the base
        &[10, 4, 0, 4],                           // the reserved op
        &[10, 4, 4, b'a'],                        // an insert cut short
        &[10, 4, 0x91, 2],                        // a copy cut short
        &[0x80],                                  // no size at all
    ] {
        let mut budget = CHAIN_BUDGET;
        assert!(apply(base, bad, &mut budget).is_none(), "{bad:?}");
    }
    // Size zero in a copy means 0x10000.
    let big = vec![b'z'; 0x10000];
    let sizes = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
    let got = apply(&big, &sizes, &mut budget);
    assert_eq!(got.map(|v| v.len()), Some(0x10000));
    // The budget holds over a chain.
    let mut small = 3;
    assert!(apply(base, &[10, 4, 0x91, 2, 2, 2, b'x', b'y'], &mut small).is_none());
}
