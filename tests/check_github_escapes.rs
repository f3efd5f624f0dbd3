//! `check --format github` prints workflow commands into a CI log, from a
//! pull request's own bytes: a staged file's name and the names its job
//! gives. The runner's escaping (`%0A`, `%3A`, `%2C`) keeps them from
//! forging commands or properties, but says nothing of the terminal: an
//! ESC, a BEL or a bidirectional override passed through raw retitles a
//! developer's terminal, recolours or hides the log and reorders what the
//! reader sees. Like every other format, the annotations print them as
//! visible escapes.

use crate::common;

use common::{git, TempDir};

const JOB: &str = "job \"ok\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\\u001b]0;pwned\\u0007\\u202e\" {\n      driver = \"docker\"\n      config {\n        image = \"x\"\n      }\n    }\n  }\n}\n";

#[test]
fn annotations_escape_control_characters_from_names_and_file_names() {
    // The demo's world committed: a gate has no world to judge against
    // otherwise, and says it cannot tell (tests/gate_no_world.rs).
    let d = common::committed_demo("github-escapes");
    let name = "evil\x1b[31mRED\x1b[0m,line=1::x.nomad";
    d.put(name, JOB);
    git(&d.0, &["add", "--", name]);
    let o = d.run(&["check", "--staged", "--format", "github"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty(), "{out}");
    for l in &lines {
        assert!(
            l.starts_with("::warning file=evil\\x1b[31mRED\\x1b[0m%2Cline=1%3A%3Ax.nomad,line="),
            "{l}"
        );
        assert!(
            !l.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{l:?}"
        );
    }
    assert!(
        out.contains("task \"t\\x1b]0;pwned\\x07\\u{202e}\" has no resources block"),
        "{out}"
    );
}

/// SARIF's message text is shown by code scanning as plain text: a
/// bidirectional override from input reorders it there, and an ESC or a
/// BEL reaches whoever prints it. Escaped as in the annotations.
#[test]
fn sarif_messages_escape_control_characters_from_names() {
    // The demo's world committed: a gate has no world to judge against
    // otherwise, and says it cannot tell (tests/gate_no_world.rs).
    let d = common::committed_demo("sarif-escapes");
    d.put("web.nomad", JOB);
    git(&d.0, &["add", "web.nomad"]);
    let o = d.run(&["check", "--staged", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    let texts: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["message"]["text"].as_str())
        .collect();
    assert!(!texts.is_empty(), "{doc}");
    for t in &texts {
        assert!(
            !t.chars()
                .any(|c| c == '\x1b' || c == '\x07' || c == '\u{202e}'),
            "{t:?}"
        );
    }
    assert!(
        texts
            .iter()
            // `]` is backslash-escaped too: no embedded link (SARIF
            // 2.1.0 §3.11.6) can close on it, and braces are doubled
            // (§3.11.5).
            .any(|t| t.contains("task \"t\\x1b\\]0;pwned\\x07\\u{{202e}}\"")),
        "{texts:?}"
    );
}

/// The full human format (miette) shows a newline from input as `\n`, as
/// the concise and markdown formats do: an image string forged a line of
/// its own, a fake summary, inside the finding and its help (redteam6
/// G12c).
#[test]
fn full_output_keeps_a_newline_from_input_on_its_line() {
    let d = TempDir::new("full-newline");
    d.put(
        "x.nomad",
        "job \"x\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx\\n0 errors, 0 warnings, 0 advices in 1 file\"\n      }\n    }\n  }\n}\n",
    );
    let o = d.run(&["check", "x.nomad", "--output-format", "full"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let forged: Vec<&str> = out
        .lines()
        .filter(|l| {
            l.trim_start_matches([' ', '│', '·', '×', '⚠'])
                .starts_with("0 errors, 0 warnings, 0 advices in 1 file")
        })
        .collect();
    assert!(forged.is_empty(), "{forged:?}\n{out}");
    assert!(
        out.contains("image \"nginx\\n0 errors, 0 warnings, 0 advices in 1 file\""),
        "{out}"
    );
}

/// Coloured output keeps our own colour sequences, and kept a job file's
/// too (rt16d, low): an excerpt of `priority = 99 # ESC[8m ESC[30;40m`
/// concealed the rest of its line, black on black. Input's ESC is shown
/// as `\x1b`; the colours around it are still ours.
#[test]
fn coloured_excerpts_show_an_escape_from_the_job_file() {
    let d = common::committed_demo("color-escapes");
    let path = d.0.join("jobs/sockshop.nomad");
    let job = std::fs::read_to_string(&path).unwrap();
    let job = job.replacen(
        "  datacenters = [\"dc1\"]\n",
        "  datacenters = [\"dc1\"]\n  priority = 99 # \u{1b}[8m\u{1b}[30;40mhidden\n",
        1,
    );
    std::fs::write(&path, job).unwrap();
    let out = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--force-color", "check", "--output-format", "full"])
        .arg("jobs/sockshop.nomad")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the binary runs");
    let all = common::output_text(&out);
    assert!(all.contains("NP402"), "{all}");
    assert!(all.contains("priority = 99 #"), "{all}");
    for raw in ["\u{1b}[8m", "\u{1b}[30;40m"] {
        assert!(!all.contains(raw), "{raw:?} kept: {all:?}");
    }
    assert!(all.contains("\\x1b[8m\\x1b[30;40mhidden"), "{all}");
    // Still coloured: our own sequences are kept.
    assert!(all.contains("\u{1b}["), "{all}");
}

/// A TAB in a file name went raw into the `file=` property (rt28, minor):
/// the terminal's escaping keeps a TAB for layout, and actions/toolkit's
/// escapeProperty has no word for it. It is shown as `%09`, in the
/// spelling of the property's other escapes (a `%` from the name is
/// `%25`, so the two are not confused).
#[test]
fn a_tab_in_a_file_name_is_escaped_in_the_file_property() {
    let d = common::committed_demo("github-tab");
    let name = "a\tb%09.nomad";
    d.put(name, JOB);
    git(&d.0, &["add", "--", name]);
    let o = d.run(&["check", "--staged", "--format", "github"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty(), "{out}");
    for l in &lines {
        assert!(
            l.starts_with("::warning file=a%09b%2509.nomad,line="),
            "{l:?}"
        );
        assert!(!l.contains('\t'), "{l:?}");
    }
}
