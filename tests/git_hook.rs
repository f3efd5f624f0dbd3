//! `hook install/uninstall` in real temporary repositories.

use std::path::PathBuf;
use std::process::Command;

use nomad_preflight::cli::hook::{install, uninstall, HookError, MARKER};

fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("np-hook-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q"])
        .arg(&dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    dir
}

#[test]
fn installs_refuses_foreign_and_uninstalls() {
    let dir = repo("basic");
    let path = install(&dir, false, false).unwrap();
    assert!(
        path.ends_with(".git/hooks/pre-commit"),
        "{}",
        path.display()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("#!/bin/sh\n") && text.contains(MARKER));
    assert!(text.contains("nomad-preflight check --staged"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }
    // Re-installing our own hook is fine (e.g. to add --plan).
    install(&dir, false, true).unwrap();
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("plan --changed --staged"));

    std::fs::write(&path, "#!/bin/sh\necho mine\n").unwrap();
    assert!(matches!(
        install(&dir, false, false),
        Err(HookError::Foreign(_))
    ));
    assert!(matches!(uninstall(&dir), Err(HookError::Foreign(_))));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    // --force keeps the user's hook (run first) and uninstall puts it back:
    // their lines are never lost (issue 14).
    install(&dir, true, false).unwrap();
    let chained = std::fs::read_to_string(&path).unwrap();
    assert!(chained.contains("pre-commit.before-nomad-preflight") && chained.contains(MARKER));
    assert_eq!(uninstall(&dir).unwrap(), Some(path.clone()));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    std::fs::remove_file(&path).unwrap();
    install(&dir, false, false).unwrap();
    assert_eq!(uninstall(&dir).unwrap(), Some(path.clone()));
    assert!(!path.exists());
    assert_eq!(uninstall(&dir).unwrap(), None);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn respects_core_hooks_path() {
    let dir = repo("hookspath");
    let ok = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["config", "core.hooksPath", ".githooks"])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let path = install(&dir, false, false).unwrap();
    assert_eq!(path, dir.join(".githooks/pre-commit"));
    assert!(path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `hook install --nomad-dir DIR` is refused (usage, exit 2), nothing
/// written: the plain hook runs a fixed `check --staged` from the
/// repository's top, so a folder accepted here would not be the one it
/// reads from (redteam R15-50: the commit passed on a change read there).
#[test]
fn install_refuses_a_nomad_dir_it_would_not_use() {
    let dir = repo("nomad-dir");
    std::fs::create_dir_all(dir.join("jobs")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nomad-preflight"))
        .args(["hook", "install", "--nomad-dir", "jobs"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--nomad-dir is not written into the plain git hook"),
        "{err}"
    );
    assert!(!dir.join(".git/hooks/pre-commit").exists());
}
