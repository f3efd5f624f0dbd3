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
