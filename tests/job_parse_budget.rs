//! A job file's parse has a budget (4 MiB unless the read cap is set).
//! Under the 16 MiB read cap a committed 15 MiB `.nomad` was parsed whole
//! on every hook and CI run that met it (a debug `check` 18.9 s and 560 MB
//! for one of `meta` keys). Nomad parses a job file of any size (its CLI
//! reads the whole file, command/helpers.go v1.10.5:434; the HTTP API's
//! decodeBody bounds no body, command/agent/http.go v1.10.5:838), so past
//! the budget the answer is "cannot tell" at the byte where the budget
//! ends (`hcl::too-large`): `check` 2, `plan` 255; never passed over.
//!
//! A text whose name is not a job file's is judged a job by what it holds;
//! past the budget that test reads each line-leading `job`'s header, not
//! the whole parse: prose (`job well done.`) holds no job, a header does.

use crate::common;

use common::{committed_demo, flat, git, output_text, run_in, run_in_env};

/// A valid job of `bytes` bytes or a little more (its `meta` keys).
fn big_job(bytes: usize) -> String {
    let mut t = String::from("job \"big\" {\n  datacenters = [\"dc1\"]\n  meta {\n");
    let mut i = 0;
    while t.len() < bytes {
        t.push_str(&format!("    k{i} = \"v{i}\"\n"));
        i += 1;
    }
    t.push_str("  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n");
    t
}

#[test]
fn a_staged_job_file_past_the_parse_budget_cannot_be_told() {
    let d = committed_demo("parse-budget-check");
    d.put("jobs/big.nomad", &big_job(5 * 1024 * 1024));
    git(&d.0, &["add", "jobs/big.nomad"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("hcl::too-large"), "{text}");
    assert!(
        flat(&text).contains("past nomad-preflight's parse budget of 4194304 bytes"),
        "{text}"
    );
    // Located where the budget ends (the line holding byte 4,194,304).
    assert!(text.contains("jobs/big.nomad:"), "{text}");
    let o = d.run(&["check", "--staged", "--format", "json"]);
    let json = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        json.replace(' ', "").contains("\"cannot_tell\":true"),
        "{json}"
    );
}

#[test]
fn a_job_file_past_the_parse_budget_is_planned_as_cannot_tell() {
    let d = committed_demo("parse-budget-plan");
    d.put("jobs/big.nomad", &big_job(5 * 1024 * 1024));
    let o = run_in(&d.0, &["plan", "jobs/big.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
    assert!(o.stderr.contains("hcl::too-large"), "{}", o.stderr);
    assert!(
        flat(&o.stderr).contains("NOMAD_PREFLIGHT_MAX_FILE_BYTES"),
        "{}",
        o.stderr
    );
    // Never Nomad's success text in its place.
    assert!(!o.stdout.contains("Job Modify Index"), "{}", o.stdout);
    let o = run_in(&d.0, &["validate", "jobs/big.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    // The read cap set by the user bounds the parse too: then it is read.
    let o = run_in_env(
        &d.0,
        &[("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "8388608")],
        &["validate", "jobs/big.nomad"],
    );
    assert!(!o.stderr.contains("hcl::too-large"), "{}", o.stderr);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// A non-job text past the budget with lines that begin with `job` (prose,
/// YAML keys) is no job file: it was taken as one unparsed and judged, so
/// a commit of a large changelog failed the gate on its "load errors".
#[test]
fn a_large_prose_file_whose_lines_begin_with_job_is_no_job() {
    let d = committed_demo("parse-budget-prose");
    let para = "The scheduler placed every allocation of the release.\n";
    let pad = para.repeat(5 * 1024 * 1024 / para.len());
    d.put(
        "CHANGELOG.md",
        &format!("# Changes\n\njob well done.\njob: build\njobs \"x\" {{\n{pad}"),
    );
    git(&d.0, &["add", "CHANGELOG.md"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("in 0 files"), "{text}");
}

/// Past the budget a header that opens a job block still takes the
/// file (judged, never passed over unread).
#[test]
fn a_large_text_that_opens_a_job_block_is_still_judged() {
    let d = committed_demo("parse-budget-header");
    let para = "# The scheduler placed every allocation of the release.\n";
    let pad = para.repeat(5 * 1024 * 1024 / para.len());
    d.put("deploy/web", &format!("{pad}job \"web\" {{\n}}\n"));
    git(&d.0, &["add", "deploy/web"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("hcl::too-large"), "{text}");
}
