//! README.md shows the real output of its main command; keep it true.

use crate::common;

use std::process::Command;

#[test]
fn readme_shows_the_real_rehearsal_output() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let start = readme
        .find("<!-- rehearse-output:start -->\n```text\n")
        .expect("start marker");
    let end = readme
        .find("```\n<!-- rehearse-output:end -->")
        .expect("end marker");
    let shown = &readme[start + "<!-- rehearse-output:start -->\n```text\n".len()..end];
    let out = Command::new(common::bin())
        .arg("rehearse")
        .current_dir(root)
        .env_remove("NO_COLOR")
        // Dates print in the local zone, as Nomad's CLI prints them; the
        // README shows a machine in UTC.
        .env("TZ", "UTC0")
        .output()
        .expect("run nomad-preflight");
    // The shipped demo preempts monitoring in about half of Nomad's node
    // shuffles: the rehearsal says so and exits 1.
    assert_eq!(out.status.code(), Some(1));
    let real = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        shown, real,
        "README's rehearsal output is stale: regenerate it"
    );
}

#[test]
fn readme_has_exactly_two_setup_commands() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let setup = readme
        .split("## Set up")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Set up section");
    let commands: Vec<&str> = setup
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .map(str::trim)
        .collect();
    assert_eq!(commands, ["cargo run --release -- rehearse", "cargo test"]);
    let ci = std::fs::read_to_string(format!("{root}/.ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run runs the README's test command"
    );
}

/// The Install section is honest (nothing is published, so no public URL
/// is promised) and the hook's "not found" hint gives its same commands.
#[test]
fn install_section_and_hook_hint_agree() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let install = readme
        .split("## Install\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("an Install section");
    let commands = [
        "cargo install --locked --path .",
        "cargo install --locked --git <URL of your clone> nomad-preflight",
    ];
    for c in commands {
        assert!(install.contains(c), "README Install lacks `{c}`");
    }
    assert!(install.contains("not published"), "{install}");
    assert!(!install.contains("crates.io package\n"), "{install}");
    let d = common::TempDir::new("readme-hook");
    common::git(&d.0, &["init", "-q"]);
    let out = d.run(&["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::output_text(&out));
    let hook = std::fs::read_to_string(d.0.join(".git/hooks/pre-commit")).expect("hook");
    for c in commands {
        // The script splits the hint over lines; each command is whole.
        assert!(hook.contains(c), "the hook's hint lacks `{c}`:\n{hook}");
    }
}
