use super::*;

#[test]
fn normalize_keeps_every_parent_step_that_leaves_the_start() {
    let n = |p: &str| normalize(Path::new(p));
    assert_eq!(n("a/./b/../c"), PathBuf::from("a/c"));
    assert_eq!(n("jobs/../x"), PathBuf::from("x"));
    assert_eq!(n("jobs/../../x"), PathBuf::from("../x"));
    // Two steps above the start stay two: an earlier `..` is not a
    // folder a later one can cancel.
    assert_eq!(n("jobs/../../../etc/x"), PathBuf::from("../../etc/x"));
    assert_eq!(n("../../a/../b"), PathBuf::from("../../b"));
    assert_eq!(n("/a/../../etc"), PathBuf::from("/etc"));
    assert_eq!(n("/.."), PathBuf::from("/"));
}

#[cfg(unix)]
#[test]
fn disk_vfs_refuses_devices_even_through_a_symlink() {
    let dir = std::env::temp_dir().join(format!("np-vfs-dev-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let link = dir.join("zero.tpl");
    let _ = std::fs::remove_file(&link);
    assert!(std::os::unix::fs::symlink("/dev/zero", &link).is_ok());
    let v = DiskVfs::new(&dir);
    // /dev/zero is outside the project: refused as any outside path is.
    let err = v.read(Path::new("zero.tpl")).map(|_| ()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    // A FIFO inside is refused as not a regular file, without opening it.
    let fifo = dir.join("pipe.tpl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let err = v.read(Path::new("pipe.tpl")).map(|_| ()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mem_vfs_lists_and_reads() {
    let mut v = MemVfs::embedded("demo");
    v.insert("rules/cluster.hcl", "x = 1");
    v.insert("rules/quotas/default.hcl", "name = \"default\"");
    v.insert("./jobs/../jobs/a.nomad", "job");
    assert!(v.is_dir(Path::new("rules")));
    assert!(v.is_file(Path::new("jobs/a.nomad")));
    assert_eq!(
        v.list(Path::new("rules")).unwrap(),
        vec![PathBuf::from("rules/cluster.hcl")]
    );
    let src = v.read(Path::new("rules/cluster.hcl")).unwrap();
    assert_eq!(&*src.text, "x = 1");
    assert_eq!(src.name, "<embedded>/rules/cluster.hcl");
}

#[test]
fn overlay_shadows_without_touching_base() {
    let mut base = MemVfs::new("t");
    base.insert("a.nomad", "old");
    let mut o = OverlayVfs::new(&base);
    o.set("a.nomad", "new");
    assert_eq!(&*o.read(Path::new("a.nomad")).unwrap().text, "new");
    assert_eq!(&*base.read(Path::new("a.nomad")).unwrap().text, "old");
}

/// A file the overlay adds to a folder on disk is a file of that folder
/// (mendb15 2): its job's functions read from where `nomad` runs, as an
/// edited file's do, never from the tool's own folder as text without a
/// file would. Over memory it stays text without a file.
#[test]
fn a_new_file_over_a_disk_folder_is_on_disk_there() {
    let dir = std::env::temp_dir().join(format!("np-vfs-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let disk = DiskVfs::new(&dir);
    let mut o = OverlayVfs::new(&disk);
    o.set("jobs/new.nomad", "job");
    let src = o.read(Path::new("jobs/new.nomad")).unwrap();
    assert_eq!(src.origin, Origin::Disk(dir.join("jobs/new.nomad")));
    assert_eq!(src.name, "jobs/new.nomad");
    let mem = MemVfs::new("t");
    let mut o = OverlayVfs::new(&mem);
    o.set("new.nomad", "job");
    let src = o.read(Path::new("new.nomad")).unwrap();
    assert_eq!(src.origin, Origin::Inline("new.nomad".into()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn decode_keeps_every_byte() {
    // The BOM is the source's to take off (SourceFile::new).
    assert_eq!(&*decode(b"\xEF\xBB\xBFjob".to_vec()), "\u{feff}job");
    let bytes = vec![b'a', 0xff, b'b', 0xc3, b'(', 0xef, 0xbf, 0xbd];
    let text = decode(bytes.clone());
    assert_eq!(&*text, "a\u{10ffff}b\u{10ffc3}(\u{fffd}");
    assert_eq!(crate::source::encode(&text), bytes);
    assert_eq!(crate::source::raw_byte_of('\u{10ff00}'), Some(0));
    assert_eq!(crate::source::raw_byte_of('\u{fffd}'), None);
}

/// `entries` judges each link where a stat through it goes, as Go's
/// `os.Stat` (doublestar, go-cty-funcs MakeFileSetFunc) does: nowhere is
/// ENOENT, round is ELOOP (both Go's words), a folder inside is named
/// where it is, and out of the project is our refusal, not a kind.
#[cfg(unix)]
#[test]
fn disk_entries_judge_links_where_a_stat_goes() {
    let dir = std::env::temp_dir().join(format!("np-vfs-entries-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(std::fs::create_dir_all(dir.join("real")).is_ok());
    let ln = |target: &str, at: &str| std::os::unix::fs::symlink(target, dir.join(at)).is_ok();
    assert!(ln("nowhere", "gone") && ln("self", "self") && ln("real", "in") && ln("/", "out"));
    assert!(std::fs::write(dir.join("f"), "x").is_ok());
    let v = DiskVfs::fenced(&dir, Fence::at(&dir));
    let Ok(listed) = v.entries(Path::new(".")) else {
        panic!("listing {}", dir.display());
    };
    let kind = |name: &str| {
        let e = listed.iter().find(|e| e.name == name);
        e.map(|e| format!("{:?}", e.kind)).unwrap_or_default()
    };
    assert_eq!(kind("gone"), "Broken(\"no such file or directory\")");
    assert_eq!(
        kind("self"),
        "Broken(\"too many levels of symbolic links\")"
    );
    assert_eq!(kind("f"), "File");
    let real = std::fs::canonicalize(dir.join("real")).unwrap_or_default();
    assert_eq!(kind("in"), format!("Folder({real:?})"));
    assert_eq!(kind("real"), format!("Folder({real:?})"));
    assert!(kind("out").starts_with("Refused("), "{}", kind("out"));
    let names: Vec<_> = listed.iter().map(|e| e.name.to_string_lossy()).collect();
    assert_eq!(names, ["f", "gone", "in", "out", "real", "self"]);
    let _ = std::fs::remove_dir_all(&dir);
}
