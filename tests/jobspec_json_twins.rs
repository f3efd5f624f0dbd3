//! Job files in hcl's JSON syntax are read as jobspec2 reads them
//! (src/jobspec/json_body.rs): each hand-written JSON twin in
//! tests/fixtures/json/ must plan, validate and check exactly as its
//! native-syntax original does (same text but for the file's name and
//! positions, same exit code), and decode to the same job (an empty diff
//! between them). The twins are written by hand, not made by a converter
//! that could share our bug.

use crate::common;

use common::{run_in, TempDir};

/// (native original, its JSON twin, the releases compared: a key a
/// release lacks is "cannot tell" in JSON, json_body.rs).
const TWINS: &[(&str, &str, &[&str])] = &[
    (
        "jobs/monitoring.nomad",
        "monitoring.nomad.json",
        &["2.0.5", "1.10.0", "1.0.0"],
    ),
    (
        "jobs/sockshopui.nomad",
        "sockshopui.nomad.json",
        &["2.0.5", "1.6.0"],
    ),
    (
        "tests/fixtures/diff/every_block_batch.nomad",
        "every_block_batch.nomad.json",
        &["2.0.5"],
    ),
    (
        "tests/fixtures/diff/every_block_gateway.nomad",
        "every_block_gateway.nomad.json",
        &["2.0.5", "1.8.0"],
    ),
    (
        "tests/fixtures/diff/every_block_extras.nomad",
        "every_block_extras.nomad.json",
        &["2.0.5", "1.11.0"],
    ),
    (
        "tests/fixtures/diff/every_block.nomad",
        "every_block.nomad.json",
        &["2.0.5"],
    ),
    (
        "tests/fixtures/diff/every_block_more.nomad",
        "every_block_more.nomad.json",
        &["2.0.5"],
    ),
    (
        "tests/fixtures/json/dynamic.nomad",
        "dynamic.nomad.json",
        &["2.0.5", "1.6.0", "1.0.4", "1.0.0"],
    ),
    // 1.0.0: `env` and `meta` are blocks before 1.0.4's decodeAsAttribute.
    (
        "jobs/sockshop.nomad",
        "sockshop.nomad.json",
        &["2.0.5", "1.6.0", "1.0.4", "1.0.0"],
    ),
];

fn read(rel: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(rel)).expect("fixture")
}

/// The output with the file's name and every position of it dropped:
/// the twins' lines and columns differ, their verdicts may not.
fn shown(text: &str, name: &str) -> String {
    let text = text.replace(name, "FILE");
    let mut out = String::new();
    for line in text.lines() {
        // `FILE:12:5:` and `FILE:12,5-9:` lose their numbers; miette's
        // source excerpts (their line numbers and the JSON's text) go.
        let t = line.trim_start();
        if t.starts_with('╭') || t.starts_with('╰') || t.starts_with('·') || t.contains(" │ ")
        {
            continue;
        }
        let mut l = line.to_string();
        while let Some(at) = l.find("FILE:") {
            let rest = &l[at + 5..];
            let n = rest
                .find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | ',' | '-')))
                .unwrap_or(rest.len());
            l = format!("{}FILE{}", &l[..at], &rest[n..]);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn json_twins_plan_validate_and_check_as_their_originals() {
    let d = TempDir::demo("json-twins");
    for (native, json, versions) in TWINS {
        let stem = json.trim_end_matches(".nomad.json");
        let n = format!("twins/{stem}.nomad");
        let j = format!("twins/{stem}.json");
        d.put(&n, &read(native));
        d.put(&j, &read(&format!("tests/fixtures/json/{json}")));
        for v in versions.iter().copied() {
            // `--verbose`: the whole diff against the registered job.
            for cmd in [
                &["plan"][..],
                &["plan", "--verbose"],
                &["validate"],
                &["check"],
            ] {
                let run = |f: &str| {
                    let mut args = cmd.to_vec();
                    args.extend(["--nomad-version", v, f]);
                    // A periodic twin's "next launch ... from now" must not
                    // tick between the two runs.
                    if cmd[0] == "plan" {
                        args.extend(["--now", "2026-12-01T09:00:00Z"]);
                    }
                    run_in(&d.0, &args)
                };
                let (a, b) = (run(&n), run(&j));
                let what = format!("{cmd:?} {v} {json}");
                // Not "cannot tell" where the original is told.
                let unsure =
                    |o: &common::Out| format!("{}{}", o.stdout, o.stderr).contains("cannot tell");
                assert!(
                    unsure(&a) || !unsure(&b),
                    "{what}: {}{}",
                    b.stdout,
                    b.stderr
                );
                assert_eq!(a.code, b.code, "{what}: {}{}", b.stdout, b.stderr);
                assert_eq!(shown(&a.stdout, &n), shown(&b.stdout, &j), "{what}");
                assert_eq!(shown(&a.stderr, &n), shown(&b.stderr, &j), "{what}");
            }
        }
    }
}

/// Positions point into the JSON text: an error is shown at the JSON
/// value that holds it.
#[test]
fn a_json_jobs_errors_point_into_its_text() {
    let d = TempDir::demo("json-positions");
    d.put(
        "j.json",
        "{\"job\": {\"x\": {\"datacenters\": [\"dc1\"],\n \"priority\": 500,\n \"group\": {\"g\": {\"task\": {\"t\": {\"driver\": \"docker\", \"config\": {\"image\": \"redis:7\"}}}}}}}}\n",
    );
    let o = run_in(&d.0, &["check", "--nomad-version", "2.0.5", "j.json"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("j.json:2:3:"), "{}", o.stdout);
    assert!(o.stdout.contains("priority"), "{}", o.stdout);
}

/// What hcl's JSON decoder refuses in words not matched here, or reads in
/// a way not followed, is "cannot tell" (exit 255), never passed.
#[test]
fn json_this_tool_does_not_follow_is_cannot_tell() {
    let d = TempDir::demo("json-unread");
    let job = |extra: &str| {
        format!("{{\"job\": {{\"x\": {{\"datacenters\": [\"dc1\"], {extra}\n \"group\": {{\"g\": {{\"task\": {{\"t\": {{\"driver\": \"docker\", \"config\": {{\"image\": \"redis:7\"}}}}}}}}}}}}}}}}\n")
    };
    for (extra, why) in [
        (
            "\"meta\": {\"a\": \"1\"}, \"meta\": {\"b\": \"2\"},",
            "written twice",
        ),
        ("\"update\": \"x\",", "a block written as a JSON value"),
        // A control character among a sequence's tokens: hcl's template
        // parser refuses it (TokenInvalid) in words that depend on where
        // its parse stood, not matched here.
        ("\"region\": \"${\\bx}\",", "sequence's tokens"),
        (
            "\"dynamic\": {\"constraint\": {\"for_each\": [1], \"iter\": \"c\", \"content\": {}}},",
            "no argument or block of a `dynamic` block",
        ),
        // jobspec2's own refusal: hcl's JSON expressions place it
        // otherwise than the native syntax (a string's StartRange is the
        // quoted token), not matched here.
        (
            "\"group\": {\"h\": {\"count\": \"many\"}},",
            "Unsuitable value type",
        ),
    ] {
        d.put("j.json", &job(extra));
        for cmd in ["validate", "plan", "check"] {
            let o = run_in(&d.0, &[cmd, "--nomad-version", "2.0.5", "j.json"]);
            let text = format!("{}{}", o.stdout, o.stderr);
            assert_ne!(o.code, 0, "{cmd} {extra}: {text}");
            if cmd != "check" {
                assert_eq!(o.code, 255, "{cmd} {extra}: {text}");
            }
            assert!(text.contains("cannot tell"), "{cmd} {extra}: {text}");
            assert!(text.contains(why), "{cmd} {extra}: {text}");
        }
    }
}

/// The job each twin decodes to is the job its original decodes to: the
/// diff between them is empty (contextual or not, as `nomad job plan`
/// and diff_test.go ask), and each diffs against no job (a new
/// registration: every field and object Nomad shows) to the same JSON.
#[test]
fn json_twins_diff_as_their_originals() {
    use nomad_preflight::diff::job_diff_with;
    use nomad_preflight::version::NomadVersion;
    for (native, json, versions) in TWINS {
        let (n_text, j_text) = (read(native), read(&format!("tests/fixtures/json/{json}")));
        for v in versions.iter() {
            let v: NomadVersion = v.parse().expect("version");
            let (n, j) = (common::parse_job(&n_text, v), common::parse_job(&j_text, v));
            let what = format!("{json} at {v}");
            let said: Vec<&str> = j.diags.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(n.is_valid(), j.is_valid(), "{what}: {said:?}");
            let (Some(n), Some(j)) = (n.job, j.job) else {
                panic!("{what}: no job");
            };
            for contextual in [false, true] {
                let d = job_diff_with(Some(&n), Some(&j), v, contextual);
                assert!(!d.changed(), "{what}: {}", common::to_json(&d));
                let added = |x| common::to_json(&job_diff_with(None, Some(x), v, contextual));
                assert_eq!(added(&n), added(&j), "{what}");
            }
        }
    }
}

/// A key the release's schema lacks is hcl's JSON refusal (hcl/v2
/// json/structure.go body.Content): "Extraneous JSON object property" at
/// the whole quoted key, columns as hcl's JSON scanner counts them (a tab
/// is two), in the file's order within a body, suggestions from the
/// arguments not written and the block types; the CLI prints each line
/// after `Error parsing job file from PATH:` as for the native syntax.
/// Checked against hcl's own json package (68a97f93bb48, Content with a
/// schema of `datacenters`, `priority`, `region`, `group`, `dynamic`).
#[test]
fn keys_hcl_refuses_are_its_json_words() {
    let d = TempDir::demo("json-extraneous");
    let text = "{\n\t\"job\": {\"x\": {\"datacenters\": [\"d\u{e9}\"], \"priorty\": 50, \"dynamc\": 1,\n\t\t\"group\": {\"g\": {\"task\": {\"t\": {\"driver\": \"docker\"}}}}, \"regin\": 2, \"grop\": 1}}\n}\n";
    d.put("j.json", text);
    let want = "Error getting job struct: Error parsing job file from j.json:\n\
        j.json:2,40-49: Extraneous JSON object property; No argument or block type is named \"priorty\". Did you mean \"priority\"?\n\
        j.json:2,55-63: Extraneous JSON object property; No argument or block type is named \"dynamc\". Did you mean \"dynamic\"?\n\
        j.json:3,60-67: Extraneous JSON object property; No argument or block type is named \"regin\". Did you mean \"region\"?\n\
        j.json:3,72-78: Extraneous JSON object property; No argument or block type is named \"grop\". Did you mean \"group\"?\n";
    for v in ["2.0.5", "1.10.0"] {
        let o = run_in(&d.0, &["validate", "--nomad-version", v, "j.json"]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(o.stderr.starts_with(want), "{v}: {}", o.stderr);
        let o = run_in(&d.0, &["plan", "--nomad-version", v, "j.json"]);
        assert_eq!(o.code, 255, "{}", o.stderr);
        assert!(o.stderr.starts_with(want), "{v}: {}", o.stderr);
        let o = run_in(&d.0, &["check", "--nomad-version", v, "j.json"]);
        assert_eq!(o.code, 1, "{}", o.stdout);
        assert!(o.stdout.contains("jobspec::unknown-key [error] Extraneous JSON object property; No argument or block type is named \"regin\""), "{}", o.stdout);
    }
    // A key the release does not have yet (`max_run_duration`, 2.0.3), in
    // a group: its body's words, after the job's.
    let job = "{\"job\": {\"x\": {\"datacenters\": [\"dc1\"], \"group\": {\"g\": {\"max_run_duration\": \"1h\", \"task\": {\"t\": {\"driver\": \"docker\", \"config\": {\"image\": \"redis:7\"}}}}}}}}\n";
    d.put("j.json", job);
    let o = run_in(&d.0, &["validate", "--nomad-version", "1.10.0", "j.json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with("Error getting job struct: Error parsing job file from j.json:\nj.json:1,56-74: Extraneous JSON object property; No argument or block type is named \"max_run_duration\".\n"),
        "{}",
        o.stderr
    );
    // 2.0.5 has the key: whatever it says, not hcl's refusal.
    let o = run_in(&d.0, &["validate", "--nomad-version", "2.0.5", "j.json"]);
    assert!(!o.stderr.contains("Extraneous"), "{}", o.stderr);
}

/// An argument set twice in one body: hcl's PartialContent keeps the first
/// and says `Duplicate argument` at the second key, naming the first's
/// range (key to value), before the body's extraneous keys whatever their
/// place (json/structure.go). Checked against hcl's json package
/// (68a97f93bb48) on this text.
#[test]
fn an_argument_set_twice_is_hcls_duplicate_argument() {
    let d = TempDir::demo("json-duplicate");
    d.put(
        "dup.json",
        "{\"job\": {\"x\": {\"datacenters\": [\"dc1\"], \"priority\": 50,\n  \"regin\": 1, \"priority\": 60, \"group\": {\"g\": {\"task\": {\"t\": {\"driver\": \"docker\"}}}}}}}\n",
    );
    let want = "Error getting job struct: Error parsing job file from dup.json:\n\
        dup.json:2,15-25: Duplicate argument; The argument \"priority\" was already set at dup.json:1,40-54.\n\
        dup.json:2,3-10: Extraneous JSON object property; No argument or block type is named \"regin\". Did you mean \"region\"?\n";
    let o = run_in(&d.0, &["validate", "--nomad-version", "2.0.5", "dup.json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.starts_with(want), "{}", o.stderr);
    // Alone, and the first value is the one kept.
    d.put(
        "dup.json",
        "{\"job\": {\"x\": {\"datacenters\": [\"dc1\"], \"priority\": 50, \"priority\": 60, \"group\": {\"g\": {\"task\": {\"t\": {\"driver\": \"docker\"}}}}}}}\n",
    );
    let o = run_in(&d.0, &["plan", "--nomad-version", "2.0.5", "dup.json"]);
    assert_eq!(o.code, 255, "{}", o.stderr);
    assert!(
        o.stderr.starts_with("Error getting job struct: Error parsing job file from dup.json:\ndup.json:1,56-66: Duplicate argument; The argument \"priority\" was already set at dup.json:1,40-54.\n"),
        "{}",
        o.stderr
    );
}

/// A control character in a string's literal part, beside a `${...}`
/// whose strings JSON escapes: hcl's JSON decoder unescapes it and its
/// template scanner takes it raw (scan_tokens.rl StringLiteralChars,
/// hcl v2.20.2-nomad-1); the native twin writes it raw, as hclsyntax
/// reads it. It was "cannot tell"; it now plans as the same job written
/// without the sequence.
#[test]
fn json_control_character_beside_a_sequence_is_read() {
    let d = TempDir::demo("json-control");
    let job = |meta: &str| {
        format!("{{\"job\": {{\"x\": {{\"datacenters\": [\"dc1\"], \"meta\": {{\"k\": {meta}}},\n \"group\": {{\"g\": {{\"task\": {{\"t\": {{\"driver\": \"docker\", \"config\": {{\"image\": \"redis:7\"}}}}}}}}}}}}}}}}\n")
    };
    d.put("j.json", &job(r#""${upper(\"x\")}\u0001""#));
    d.put("k.json", &job(r#""X\u0001""#));
    let o = run_in(&d.0, &["validate", "--nomad-version", "2.0.5", "j.json"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("cannot tell"), "{}", o.stderr);
    let plan = |f: &str| {
        let o = run_in(
            &d.0,
            &["plan", "--nomad-version", "2.0.5", "--format", "json", f],
        );
        (o.code, o.stdout)
    };
    let (a, b) = (plan("j.json"), plan("k.json"));
    assert_eq!(a, b);
    assert!(a.1.contains("\\u0001"), "{}", a.1);
}

/// The JSON strings that stayed "cannot tell" (stop 59's Left 6), read as
/// hcl's JSON decoder reads them: it unescapes the string, then parses the
/// value as a template (json/structure.go expression.Value,
/// hclsyntax.ParseTemplate, hcl v2.20.2-nomad-1). `\b` and `\f` are raw
/// control characters in a literal (scan_tokens.rl StringLiteralChars: any
/// UTF-8 but a line end); one inside a string within `${...}` is literal
/// too; a line end between a sequence's tokens is skipped (the
/// interpolation and directive parse with PushIncludeNewlines(false),
/// parser_template.go). Each plans as the same job written plainly.
#[test]
fn json_control_characters_and_sequence_line_ends_are_read() {
    let d = TempDir::demo("json-sequence-lines");
    let job = |meta: &str| {
        format!("{{\"job\": {{\"x\": {{\"datacenters\": [\"dc1\"], \"meta\": {{\"k\": {meta}}},\n \"group\": {{\"g\": {{\"task\": {{\"t\": {{\"driver\": \"docker\", \"config\": {{\"image\": \"redis:7\"}}}}}}}}}}}}}}}}\n")
    };
    let plan = |f: &str| {
        let o = run_in(
            &d.0,
            &["plan", "--nomad-version", "2.0.5", "--format", "json", f],
        );
        (o.code, o.stdout, o.stderr)
    };
    for (written, plain) in [
        (r#""a\bb\fc""#, r#""a\u0008b\u000cc""#),
        (r#""${upper(\"a\u0001b\")}""#, r#""A\u0001B""#),
        (r#""${upper(\n\"x\")}-\b""#, r#""X-\u0008""#),
        (r#""%{ if\r\ntrue }a%{ endif }""#, r#""a""#),
        (r#""${\t1\n+\n2}""#, r#""3""#),
    ] {
        d.put("j.json", &job(written));
        d.put("k.json", &job(plain));
        let (a, b) = (plan("j.json"), plan("k.json"));
        assert!(!a.2.contains("cannot tell"), "{written}: {}", a.2);
        assert_eq!((a.0, &a.1), (b.0, &b.1), "{written}: {}", a.2);
        assert_eq!(a.0, 1, "{written}: {}{}", a.1, a.2);
    }
}
