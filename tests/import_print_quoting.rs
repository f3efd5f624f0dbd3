//! R25c-3: `import --print-commands DIR` pasted DIR into the printed shell
//! lines as it was, so piping them into a shell (as the help invites) ran
//! what the name held: a folder named `snap $(touch PWNED)` created
//! `PWNED`, a space split the name. DIR is one single-quoted word now,
//! everywhere: the lines parse (`sh -n`), run under POSIX sh (dash here)
//! against the fake `nomad` (tests/common/fake_nomad.rs), run nothing the
//! name holds, and save the cluster into exactly that folder, which then
//! imports and plans.

use crate::common;

use common::fake_nomad;
use common::{run_in, TempDir};

/// A shell: `script` on its stdin, as a user pipes the printed lines.
fn piped(
    shell: &str,
    args: &[&str],
    d: &TempDir,
    env: &[(String, String)],
    script: &str,
) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(shell)
        .args(args)
        .current_dir(&d.0)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the shell runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes()).expect("script written");
    }
    child.wait_with_output().expect("the shell ends")
}

/// Every file name under `dir`, recursively (to find a `PWNED` file
/// anywhere; the saved folder's own name holds the word).
fn names(dir: &std::path::Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        out.push(e.file_name().to_string_lossy().into_owned());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            names(&e.path(), out);
        }
    }
}

fn saves_into(tag: &str, dir: &str) {
    let d = TempDir::new(tag);
    let env = fake_nomad::install(&d, &crate::import_capture::answers(true));
    d.put("fake/node-ids", &format!("{}\n", common::batch::NODE_ID));
    let printed = run_in(&d.0, &["import", "--print-commands", "--", dir]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let script = printed.stdout;
    let o = piped("sh", &["-n"], &d, &env, &script);
    assert!(o.status.success(), "sh -n: {}", common::output_text(&o));
    let o = piped("sh", &[], &d, &env, &script);
    assert!(o.status.success(), "{}", common::output_text(&o));
    let mut all = Vec::new();
    names(&d.0, &mut all);
    assert!(
        !all.iter().any(|n| n.starts_with("PWNED")),
        "the name ran: {all:?}\n{script}"
    );
    // Saved into that folder, and nowhere else a word of it names.
    let saved = d.0.join(dir);
    assert!(saved.join("nodes.json").is_file(), "{all:?}\n{script}");
    assert!(saved.join("jobs/team/hog.json").is_file(), "{all:?}");
    assert_eq!(fake_nomad::posts(&d), "", "no call may POST");
    d.put("web.nomad", crate::import_capture::WEB);
    let world = format!("--world={dir}");
    let o = run_in(&d.0, &["plan", &world, "web.nomad"]);
    assert!(
        o.code == 1 && o.stdout.contains("Failed to place all allocations"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// The red team's name, with a quote, a double quote, a backquote and a
/// newline beside it.
#[test]
fn a_folder_name_is_one_inert_shell_word() {
    saves_into(
        "print-quoting",
        "snap $(touch PWNED) it's \"`touch PWNED2`\"\nnext",
    );
}

/// A name starting with `-` is no option to `mkdir` or `jq`.
#[test]
fn a_folder_name_starting_with_a_dash_is_no_option() {
    saves_into("print-quoting-dash", "-snap $x");
}

/// Stop 66's Left 7: a folder name that is not UTF-8 was pasted lossily
/// (`Path::display`: U+FFFD for its byte), so the lines saved into another
/// folder than the one named, and an ESC in it reached the terminal raw.
/// Now the name's bytes are rebuilt by POSIX `printf` octal escapes: the
/// printed text is UTF-8 with no control character, and the lines save
/// into exactly that folder.
#[cfg(unix)]
#[test]
fn a_folder_name_that_is_not_utf8_is_saved_byte_for_byte() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"snap-\xfc\x1b[2J\n%s\\'");
    let d = TempDir::new("print-quoting-bytes");
    let env = fake_nomad::install(&d, &crate::import_capture::answers(true));
    d.put("fake/node-ids", &format!("{}\n", common::batch::NODE_ID));
    let o = std::process::Command::new(common::bin())
        .arg("import")
        .arg("--print-commands")
        .arg("--")
        .arg(name)
        .current_dir(&d.0)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", common::output_text(&o));
    let script = String::from_utf8(o.stdout).expect("the lines are UTF-8");
    assert!(
        !script.contains('\u{fffd}') && !script.contains('\u{1b}'),
        "{script}"
    );
    assert!(
        script.contains("\\374\\033[2J\\012%%s\\134\\047x'"),
        "{script}"
    );
    let o = piped("sh", &[], &d, &env, &script);
    assert!(o.status.success(), "{}", common::output_text(&o));
    assert!(d.0.join(name).join("nodes.json").is_file(), "{script}");
    assert!(
        d.0.join(name).join("jobs/team/hog.json").is_file(),
        "{script}"
    );
    assert_eq!(fake_nomad::posts(&d), "", "no call may POST");
}
