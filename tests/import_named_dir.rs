//! `import DIR` reads the folder the user named, wherever it is, as
//! `--world DIR` does (README, "Limits": reads stay inside the project "or
//! inside a path named on the command line"). The ordinary flow saves a
//! cluster outside the repository (`import --print-commands /tmp/saved`)
//! and imports it from the repository; np10 refused that with "DIR holds no
//! nodes.json" (redteam10 R10-1). Naming a folder admits that folder only:
//! a link inside it to a file outside is still refused, and never quoted.

use crate::common;

use common::{copy_dir, git, run_in, TempDir};

fn layout(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let repo = d.0.join("repo");
    std::fs::create_dir_all(&repo).expect("repo folder");
    git(&repo, &["init", "-q"]);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic"),
        &d.0.join("saved"),
    );
    d
}

#[test]
fn a_folder_named_outside_the_repository_is_imported() {
    let d = layout("import-named-outside");
    let repo = d.0.join("repo");
    for dir in [
        "../saved".to_string(),
        d.0.join("saved").display().to_string(),
    ] {
        let o = run_in(&repo, &["import", &dir]);
        assert_eq!(o.code, 0, "{dir}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("Nomad 1.7.2 region global: 4 nodes"),
            "{dir}: {}",
            o.stdout
        );
        assert!(!o.stderr.contains("holds no nodes.json"), "{}", o.stderr);
    }
    // And written into the repository from there.
    let o = run_in(&repo, &["import", "../saved", "--write", "rules"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(repo.join("rules/cluster.hcl").is_file());
}

/// Guard: the named folder is the fence, not everything it links to.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_named_folder_is_still_refused() {
    let d = layout("import-named-link");
    let repo = d.0.join("repo");
    d.put("secret/quotas.json", "[{\"Name\": \"TOP-SECRET-MARKER\"}]");
    let quotas = d.0.join("saved/quotas.json");
    std::fs::remove_file(&quotas).expect("remove quotas.json");
    std::os::unix::fs::symlink(d.0.join("secret/quotas.json"), &quotas).expect("symlink");
    let o = run_in(&repo, &["import", "../saved"]);
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("TOP-SECRET-MARKER") && !o.stderr.contains("TOP-SECRET-MARKER"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
