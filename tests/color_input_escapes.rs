//! Under colour (`--force-color`, or a terminal) `status` and `rehearse`
//! still print input as data: a job ID or node name of an import (Nomad
//! refuses only a space or NUL in a job ID: nomad/structs/structs.go
//! v2.0.5 Job.Validate; a node's name is its client's to choose) and a
//! rehearsal's own strings holding ESC (here `ESC[8m`, conceal), BEL, CR,
//! a bidi override (U+202E) and colorstring markup reach the terminal as
//! visible escapes, never as the bytes. Both kept every `ESC [ ... m`
//! under colour, an input's included: the name hid the rest of its line.

use crate::common;

use common::batch::{import, job_json, nodes, NODE_ID};
use common::{run_in, Out};
use serde_json::json;

/// ESC[8m (conceal), BEL, CR, RIGHT-TO-LEFT OVERRIDE and a colorstring tag.
const HOSTILE: &str = "x\u{1b}[8mHID\u{7}\r\u{202e}[bold]y";
/// [`HOSTILE`] as shown: each control character as its escape.
const SHOWN: &str = "x\\x1b[8mHID\\x07\\r\\u{202e}[bold]y";

/// The colours `rehearse` paints its own lines with (rehearse/report.rs).
const OURS: [&str; 6] = [
    "\u{1b}[0m",
    "\u{1b}[1m",
    "\u{1b}[31m",
    "\u{1b}[32m",
    "\u{1b}[33m",
    "\u{1b}[36m",
];

/// An import whose one job's ID, one node's name and a second
/// namespace's name are [`HOSTILE`].
fn hostile_import(tag: &str) -> common::TempDir {
    let job = job_json(json!({"ID": HOSTILE, "Name": HOSTILE}));
    let d = import(tag, "2.0.5", &job, &[]);
    let name = serde_json::to_string(HOSTILE).expect("json string");
    d.put("import/nodes.json", &nodes().replace("\"n1\"", &name));
    let namespaces = json!([{"Name": "default", "Description": "Default shared namespace"},
        {"Name": HOSTILE, "Description": HOSTILE}]);
    d.put("import/namespaces.json", &namespaces.to_string());
    d.put(
        "import/namespaces-listed.txt",
        &format!("default\n{HOSTILE}\n"),
    );
    d
}

/// No raw byte of [`HOSTILE`] in `s`, after taking out `ours` (the
/// sequences the command itself colours with).
fn assert_no_raw(what: &str, s: &str, ours: &[&str]) {
    let mut bare = s.to_string();
    for o in ours {
        bare = bare.replace(o, "");
    }
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(
            !bare.contains(raw),
            "{what} holds {raw:?} from input:\n{s:?}"
        );
    }
}

fn status(d: &common::TempDir, view: &[&str]) -> Out {
    let mut args = vec!["--force-color", "status", "--world", "import"];
    args.extend_from_slice(view);
    let o = run_in(&d.0, &args);
    assert!(o.code != 255, "{view:?}: {}{}", o.stdout, o.stderr);
    o
}

#[test]
fn status_views_show_hostile_names_escaped_under_colour() {
    let d = hostile_import("color-escapes-status");
    let node_prefix = &NODE_ID[..8];
    for view in [
        &[][..],
        &["nodes"],
        &["jobs"],
        &["job", HOSTILE],
        &["node", node_prefix],
        &["node", node_prefix, "--short"],
        &["usage"],
    ] {
        let o = status(&d, view);
        // The views print no colour of their own: no ESC at all.
        assert_no_raw(&format!("status {view:?} stdout"), &o.stdout, &[]);
        assert_no_raw(&format!("status {view:?} stderr"), &o.stderr, &[]);
    }
    // The overview's heading of each namespace's jobs kept `ESC[8m`.
    let o = status(&d, &[]);
    let heading = format!("==> Jobs in namespace {SHOWN}\n");
    assert!(o.stdout.contains(&heading), "{}", o.stdout);
    // The job's own view names it whole, every byte visible, its tag
    // kept as text.
    let o = status(&d, &["job", HOSTILE]);
    assert!(o.stdout.contains(SHOWN), "{}", o.stdout);
    let o = status(&d, &["node", node_prefix]);
    assert!(o.stdout.contains(SHOWN), "{}", o.stdout);
}

/// HCL's escapes of [`HOSTILE`] (a rehearsal file is HCL).
const HCL: &str = "x\\u001b[8mHID\\u0007\\r\\u202e[bold]y";

#[test]
fn rehearse_shows_hostile_names_and_its_own_strings_escaped_under_colour() {
    let d = hostile_import("color-escapes-rehearse");
    d.put(
        "r.hcl",
        &format!(
            "rehearsal \"r{HCL}\" {{\n  description = \"d{HCL}\"\n}}\n\
             step \"list{HCL}\" {{\n  command = \"nomad job status\"\n  expect {{\n    output_contains = \"{HCL}\"\n  }}\n}}\n\
             step \"job\" {{\n  command = \"nomad job status '{HCL}'\"\n  expect {{\n    exit_code = 0\n  }}\n}}\n\
             step \"nodes\" {{\n  command = \"nomad node status\"\n}}\n"
        ),
    );
    let o = run_in(
        &d.0,
        &[
            "--force-color",
            "rehearse",
            "--world",
            "import",
            "--samples",
            "0",
            "r.hcl",
        ],
    );
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    // Our colours are there, and nothing else of the kind.
    assert!(
        o.stdout.contains("\u{1b}[36m$ nomad job status"),
        "{:?}",
        o.stdout
    );
    assert_no_raw("rehearse stdout", &o.stdout, &OURS);
    assert_no_raw("rehearse stderr", &o.stderr, &[]);
    // The rehearsal's name, its description, a step's title and command,
    // and Nomad's text naming the job: each shows the input escaped.
    for shown in [
        format!("r{SHOWN}"),
        format!("d{SHOWN}"),
        format!("list{SHOWN}"),
        format!("$ nomad job status '{SHOWN}'"),
        format!("ID            = {SHOWN}"),
    ] {
        assert!(o.stdout.contains(&shown), "{shown:?} in\n{:?}", o.stdout);
    }
}
