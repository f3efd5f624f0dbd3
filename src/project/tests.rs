use super::*;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("np-project-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("repo/.git")).unwrap();
    std::fs::create_dir_all(d.join("repo/jobs")).unwrap();
    std::fs::canonicalize(&d).unwrap()
}

#[cfg(unix)]
#[test]
fn a_repositorys_git_folder_is_refused_however_it_is_reached() {
    let d = tmp("gitdir");
    std::fs::write(d.join("repo/.git/config"), "token").unwrap();
    std::os::unix::fs::symlink("../.git", d.join("repo/jobs/g")).unwrap();
    let fence = Fence::around(&d.join("repo"));
    for p in [
        "repo/.git/config",
        "repo/jobs/../.git/config",
        "repo/jobs/g/config",
        "repo/.GIT/x",
        "repo/.git/missing",
    ] {
        let e = fence.read(&d.join(p)).unwrap_err();
        assert!(refusal(&e).is_some(), "{p}: {e}");
        assert!(e.to_string().contains(".git folder"), "{p}: {e}");
        assert!(!e.to_string().contains("token"));
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn root_is_the_nearest_git_folder() {
    let d = tmp("root");
    assert_eq!(root_of(&d.join("repo/jobs")), d.join("repo"));
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_root_are_refused_and_content_is_not_quoted() {
    let d = tmp("link");
    std::fs::write(d.join("secret"), "TOPSECRET").unwrap();
    std::fs::write(d.join("repo/jobs/ok.txt"), "fine").unwrap();
    std::os::unix::fs::symlink(d.join("secret"), d.join("repo/jobs/x.txt")).unwrap();
    let f = Fence::around(&d.join("repo"));
    assert_eq!(f.read(&d.join("repo/jobs/ok.txt")).unwrap(), b"fine");
    let e = f.read(&d.join("repo/jobs/x.txt")).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
    assert!(!e.to_string().contains("TOPSECRET"));
    let e = f.read(&d.join("repo/jobs/../../secret")).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
    assert!(refusal(&e).is_some());
    let _ = std::fs::remove_dir_all(&d);
}

/// Readers tell our refusals from the file system's answers by type:
/// a message that merely reads like one (a path the input chose) is
/// not one, and a refusal is one whatever its words.
#[test]
fn refusals_are_known_by_type_not_by_message() {
    let d = tmp("typed");
    let f = Fence::around(&d.join("repo"));
    assert!(refusal(&f.read(&d.join("elsewhere")).unwrap_err()).is_some());
    std::fs::create_dir_all(d.join("repo/jobs/refusing to read")).unwrap();
    let inside = f.read(&d.join("repo/jobs/refusing to read/x")).unwrap_err();
    assert_eq!(inside.kind(), io::ErrorKind::NotFound);
    assert!(refusal(&inside).is_none());
    let lookalike = io::Error::new(io::ErrorKind::PermissionDenied, "refusing to read x");
    assert!(refusal(&lookalike).is_none());
    assert!(refusal(&refused(io::ErrorKind::Other, "no words of ours".into())).is_some());
    let _ = std::fs::remove_dir_all(&d);
}

/// Every probe of a path outside gets one answer whether or not
/// something is there: through a link to a folder outside, a dangling
/// link, `..`, an absolute path, a link loop.
#[cfg(unix)]
#[test]
fn outside_paths_get_the_same_refusal_whether_or_not_they_exist() {
    let d = tmp("probe");
    std::fs::create_dir_all(d.join("out/dir")).unwrap();
    std::fs::write(d.join("out/dir/there"), "TOPSECRET").unwrap();
    std::fs::write(d.join("repo/jobs/in.txt"), "x").unwrap();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, d.join("repo/jobs").join(name)).unwrap()
    };
    link(&d.join("out/dir"), "outdir");
    link(&d.join("out/missing"), "dangling");
    link(Path::new("loop2"), "loop1");
    link(Path::new("loop1"), "loop2");
    link(Path::new("in.txt"), "inlink");
    // A loop leaving the project on its way (through `out/back`).
    std::os::unix::fs::symlink(d.join("repo/jobs/outloop"), d.join("out/back")).unwrap();
    link(&d.join("out/back"), "outloop");
    let f = Fence::around(&d.join("repo"));
    let refusal = |p: &Path| {
        let e = f.probe(p).expect_err("outside");
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied, "{}", p.display());
        let r = f.read(p).expect_err("outside");
        assert_eq!(e.to_string(), r.to_string());
        assert!(!r.to_string().contains("TOPSECRET"));
        e.to_string().replace(&shown(p), "P")
    };
    let j = d.join("repo/jobs");
    let outside = [
        j.join("outdir/there"),
        j.join("outdir/nothing"),
        j.join("dangling"),
        j.join("dangling/x"),
        j.join("../../out/dir/there"),
        j.join("../../out/dir/nothing"),
        d.join("out/dir/there"),
        d.join("out/nothing"),
        j.join("outdir/../dir/there"),
        j.join("outloop"),
    ];
    let first = refusal(&outside[0]);
    for p in &outside[1..] {
        assert_eq!(refusal(p), first, "{}", p.display());
    }
    // Inside, existence is the project's own business: a loop inside is
    // the kernel's ELOOP, as Nomad's stat meets it, never "outside".
    let eloop = f.probe(&j.join("loop1")).expect_err("loop");
    assert_eq!(eloop.raw_os_error(), Some(40), "{eloop}");
    assert!(crate::project::refusal(&eloop).is_none());
    assert!(f.probe(&j.join("in.txt")).unwrap());
    assert!(f.probe(&j.join("inlink")).unwrap());
    assert!(!f.probe(&j.join("none.txt")).unwrap());
    assert!(!f.probe(&j).unwrap());
    // `..` climbs from where the link led, not from the link's folder.
    assert!(f.probe(&j.join("inlink/../in.txt")).is_ok());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn files_over_the_cap_are_refused() {
    let d = tmp("cap");
    std::fs::write(d.join("repo/big"), vec![b'x'; 100]).unwrap();
    let f = Fence::around(&d.join("repo")).with_max_bytes(10);
    let e = f.read(&d.join("repo/big")).unwrap_err();
    assert!(e.to_string().contains("100 bytes, over the 10-byte limit"));
    assert!(is_too_big(&e));
    assert!(!is_too_big(&io::Error::from(io::ErrorKind::FileTooLarge)));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn only_files_named_outside_the_project_are_admitted() {
    let d = tmp("named");
    std::fs::write(d.join("outside.nomad"), "x").unwrap();
    let mut f = Fence::around(&d.join("repo"));
    assert!(f.read(&d.join("outside.nomad")).is_err());
    f.admit_named(&d.join("outside.nomad"));
    assert!(f.read(&d.join("outside.nomad")).is_ok());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn plain_file_names() {
    assert!(is_plain_file_name("web.nomad"));
    for bad in ["", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", "a\0b"] {
        assert!(!is_plain_file_name(bad), "{bad:?}");
    }
}

/// The current folder's resolution is kept once made (`CWD_CANONICAL`):
/// the same answer as `std::fs::canonicalize` gives, and only for that
/// folder; any other path is still resolved on disk, links followed.
#[cfg(unix)]
#[test]
fn the_current_folder_is_resolved_once_and_other_paths_each_time() {
    let cwd = std::env::current_dir().unwrap();
    let want = std::fs::canonicalize(&cwd).unwrap();
    assert_eq!(canonical_cwd(), want);
    assert_eq!(canonical_cwd(), want, "asked again");
    assert_eq!(canonical(&cwd).unwrap(), want);
    let d = tmp("canonical");
    std::os::unix::fs::symlink(d.join("repo/jobs"), d.join("link")).unwrap();
    assert_eq!(canonical(&d.join("link")).unwrap(), d.join("repo/jobs"));
    assert!(canonical(&d.join("missing")).is_err());
}

/// A read opens the file its walk resolved only where the kernel opens
/// the path as written; elsewhere it fails as `open(2)` does (stop 66:
/// the walk's end replaced a second `realpath`). Each path's answer is
/// the kernel's own: read where `std::fs::read` reads the same bytes,
/// refused with its error kind where it fails.
#[cfg(unix)]
#[test]
fn a_read_opens_what_the_kernel_opens_and_fails_where_it_fails() {
    let d = tmp("kernel-walk");
    let jobs = d.join("repo/jobs");
    std::fs::write(jobs.join("x.nomad"), "x").unwrap();
    std::fs::write(jobs.join("y.nomad"), "y").unwrap();
    std::fs::create_dir_all(jobs.join("sub")).unwrap();
    std::os::unix::fs::symlink("sub", jobs.join("to-sub")).unwrap();
    std::os::unix::fs::symlink("x.nomad/", jobs.join("slash")).unwrap();
    std::os::unix::fs::symlink("y.nomad", jobs.join("to-y")).unwrap();
    std::os::unix::fs::symlink("x.nomad", jobs.join("sub/up-x")).unwrap();
    let fence = Fence::around(&d.join("repo"));
    for p in [
        "x.nomad",
        "to-y",
        "sub/../y.nomad",
        "to-sub/../y.nomad",
        "x.nomad/../y.nomad",
        "gone/../y.nomad",
        "x.nomad/",
        "x.nomad/.",
        "slash",
        "sub/up-x",
        "to-sub/up-x/../x.nomad",
    ] {
        let path = jobs.join(p);
        let ours = fence.read(&path);
        let kernel = std::fs::read(&path);
        match (&ours, &kernel) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{p}"),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{p}: {a} / {b}"),
            _ => panic!("{p}: ours {ours:?}, the kernel's {kernel:?}"),
        }
    }
    // The walk's own metadata stands for `stat` only for a name that is
    // no link: a link to a folder is still refused as not a regular file.
    let e = fence.read(&jobs.join("to-sub")).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}
