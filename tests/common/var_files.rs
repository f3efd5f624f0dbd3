//! The two-file tests' runner (parse_words.rs, jobspec_vars_json.rs): a
//! job file `j.nomad` and its var files in one folder, a command run on
//! them, its exit code and what it printed to stderr.

use super::TempDir;

/// The exit code and stderr, without its `note:` lines (joined by `\n`,
/// no newline after the last), of the binary run in `d` with `args`.
pub fn run(d: &TempDir, args: &[&str]) -> (i32, String) {
    let o = d.run(args);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n"))
}

/// `cmd --nomad-version version`, then `flag f` for each of `files` (the
/// flag as the test spells it: `-var-file` as Nomad's users do, or
/// `--var-file`), then `j.nomad`.
pub fn args<'a>(cmd: &'a str, version: &'a str, flag: &'a str, files: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![cmd, "--nomad-version", version];
    for f in files {
        args.extend([flag, f]);
    }
    args.push("j.nomad");
    args
}
