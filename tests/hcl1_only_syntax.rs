//! Before 1.0, job files in HCL1 syntax that HCL2 refuses, and the CLI's
//! job parser's own errors and crashes. Every expected text is printed by
//! Nomad's own code: hcl v1 (tests/hcl-oracle/build.sh) for what parses,
//! and jobspec.ParseFile built from Nomad v0.9.3 and v0.12.12 (their
//! jobspec, api and helper packages with their vendored dependencies)
//! for the rest: `Error parsing job file from <path>: ` (command/helpers.go
//! JobGetter.ApiJob) and `Error getting job struct: ` (plan, validate)
//! come before it.

mod common;

use common::TempDir;

fn first_line(o: &std::process::Output) -> String {
    common::stderr_first_lines(o, 1)
}

const PLAIN: &str = "job \"a\" {\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  meta = {\n    \"team.name\" = \"x\"\n    owner = \"y\"\n  }\n  group \"g\" {\n    count = 2\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// The same job in HCL1-only syntax: commas between arguments, a quoted
/// key, a block holding a key that is not an identifier, a one-line block
/// with two arguments. hcl v1 (both eras) accepts it; hcl-edit does not.
const HCL1: &str = "job \"a\" {\n  datacenters = [\"dc1\"], type = \"batch\"\n  meta {\n    \"team.name\" = \"x\", owner = \"y\"\n  }\n  group \"g\" {\n    \"count\" = 2\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources { cpu = 100, memory = 64 }\n    }\n  }\n}\n";

#[test]
fn hcl1_only_syntax_plans_as_the_same_job_written_plainly() {
    let plain = TempDir::new("hcl1-only-plain");
    plain.put("a.nomad", PLAIN);
    let hcl1 = TempDir::new("hcl1-only-hcl1");
    hcl1.put("a.nomad", HCL1);
    for v in ["0.9.3", "0.12.12"] {
        for args in [
            &["plan", "a.nomad", "--verbose", "--nomad-version", v][..],
            &["validate", "a.nomad", "--nomad-version", v][..],
        ] {
            let want = plain.run(args);
            let got = hcl1.run(args);
            assert_eq!(got.status.code(), want.status.code(), "{args:?}");
            assert_eq!(got.stdout, want.stdout, "{args:?}");
            // The notes name each folder.
            let said = |o| common::stderr_first_lines(o, usize::MAX);
            assert_eq!(said(&got), said(&want), "{args:?}");
        }
        let plan = hcl1.run(&["plan", "a.nomad", "--verbose", "--nomad-version", v]);
        let out = String::from_utf8_lossy(&plan.stdout);
        assert!(out.contains("+ Meta[team.name]: \"x\""), "{out}");
        assert!(out.contains("+ MemoryMB: \"64\""), "{out}");
    }
    // From 1.0 HCL2 refuses it, in hclsyntax's words.
    let v2 = hcl1.run(&["validate", "a.nomad", "--nomad-version", "1.0.0"]);
    assert_eq!(v2.status.code(), Some(1));
}

#[test]
fn hcl1_syntax_with_no_hcl2_rewrite_is_said_to_be_unknown() {
    let d = TempDir::new("hcl1-only-unknown");
    // hcl v1 accepts it; no blank to put a line end in.
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {image=\"redis:7\",command=\"x\"}\n    }\n  }\n}\n",
    );
    let line = "error: cannot tell what Nomad 0.12.12 makes of this file: its HCL1 parser accepts it, in HCL1 syntax nomad-preflight does not read (items with no blank between them)";
    for cmd in ["plan", "validate"] {
        let o = d.run(&[cmd, "a.nomad", "--nomad-version", "0.12.12"]);
        assert_eq!(o.status.code(), Some(255), "{cmd}");
        assert_eq!(first_line(&o), line, "{cmd}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains("successful"));
    }
    let json = d.run(&[
        "plan",
        "a.nomad",
        "--nomad-version",
        "0.12.12",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("plan JSON");
    assert_eq!(doc["Preflight"]["Hcl1"]["Line"], 6);
    assert_eq!(doc["Preflight"]["Hcl1"]["Column"], 15);
    let check = d.run(&["check", "a.nomad", "--nomad-version", "0.12.12"]);
    assert_eq!(check.status.code(), Some(1));
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        out.contains("a.nomad:6:15: hcl::hcl1-cannot-tell [error]"),
        "{out}"
    );
}

/// parseUpdate, parseMigrate, parsePeriodic and parseParameterizedJob
/// decode the one item into a map first: hcl v1's decodeMap refuses a
/// value that is not an object at the value (the jobspec oracles of 0.9.3
/// and 0.12.12 print the same).
#[test]
fn a_non_object_update_migrate_periodic_or_parameterized_gets_the_decoders_words() {
    let d = TempDir::new("hcl1-decode-map");
    let cases = [
        ("job \"a\" {\n  update = \"x\"\n}\n", "error parsing 'job': update -> At 2:12: root: not an object type for map (*ast.LiteralType)"),
        ("job \"a\" {\n  update = [{ stagger = \"1s\" }]\n}\n", "error parsing 'job': update -> At 2:12: root: not an object type for map (*ast.ListType)"),
        ("job \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    update = [1]\n  }\n}\n", "error parsing 'job': group: update -> At 4:14: root: not an object type for map (*ast.ListType)"),
        ("job \"a\" {\n  group \"g\" {\n    migrate = 3\n  }\n}\n", "error parsing 'job': group: migrate -> At 3:15: root: not an object type for map (*ast.LiteralType)"),
        ("job \"a\" {\n  periodic = <<EOF\nx\nEOF\n}\n", "error parsing 'job': periodic -> At 2:14: root: not an object type for map (*ast.LiteralType)"),
        ("job \"a\" {\n\tparameterized = true\n}\n", "error parsing 'job': parameterized -> At 2:18: root: not an object type for map (*ast.LiteralType)"),
    ];
    for (text, want) in cases {
        d.put("a.nomad", text);
        for v in ["0.9.3", "0.12.12"] {
            let o = d.run(&["plan", "a.nomad", "--nomad-version", v]);
            assert_eq!(o.status.code(), Some(255), "{text}");
            assert_eq!(
                first_line(&o),
                format!("Error getting job struct: Error parsing job file from a.nomad: {want}"),
                "{v}: {text}"
            );
        }
    }
}

/// jobspec.Parse checks the top level's keys before anything else: every
/// item that is not `job`, in order, in the release's go-multierror list.
#[test]
fn top_level_variables_and_locals_come_before_a_second_job() {
    let d = TempDir::new("hcl1-top-keys");
    d.put(
        "a.nomad",
        "variable \"a\" {\n  default = 1\n}\njob \"x\" {\n}\nlocals {\n  b = 2\n}\njob \"y\" {\n}\n",
    );
    for (v, want) in [
        (
            "0.9.3",
            "2 error(s) occurred:\n\n* invalid key: variable\n* invalid key: locals",
        ),
        (
            "0.12.12",
            "2 errors occurred:\n\t* invalid key: variable\n\t* invalid key: locals\n\n",
        ),
    ] {
        let o = d.run(&["validate", "a.nomad", "--nomad-version", v]);
        assert_eq!(o.status.code(), Some(1), "{v}");
        let err = String::from_utf8_lossy(&o.stderr);
        let text = format!("Error getting job struct: Error parsing job file from a.nomad: {want}");
        assert!(err.contains(&text), "{v}: {err}");
    }
}

/// Nothing in Nomad's CLI recovers a panic in its job parser: Go prints it
/// and exits 2. We say so in one line, exit 255, never Nomad's text.
#[test]
fn a_file_nomads_cli_crashes_on_is_said_in_one_line() {
    let d = TempDir::new("hcl1-crash");
    // jobspec's parseUpdate reads `list.Elem().Items[0]`: a labelled
    // `update` alone leaves none (the oracles: PANIC runtime error: index
    // out of range [0] with length 0).
    d.put("a.nomad", "job \"a\" {\n  update \"u\" {\n  }\n}\n");
    // hcl v1's old scanner (0.8.0 to 0.10.9) on an escape left open at
    // the end of the file (tests/fixtures/hcl1_syntax/escape_at_eof.hcl).
    d.put("b.nomad", "job \"a\" {\n  region = \"\\x41");
    for (file, what) in [
        ("a.nomad", "error: Nomad's HCL1 job parser (before 1.0) panics on this file (runtime error: index out of range [0] with length 0)"),
        ("b.nomad", "error: Nomad 0.9.3's HCL1 parser panics on this file (bytes.Buffer: UnreadRune: previous operation was not a successful ReadRune)"),
    ] {
        for cmd in ["plan", "validate"] {
            let o = d.run(&[cmd, file, "--nomad-version", "0.9.3"]);
            assert_eq!(o.status.code(), Some(255), "{cmd} {file}");
            let line = first_line(&o);
            assert!(line.starts_with(what), "{cmd} {file}: {line}");
            assert!(!line.contains("Error getting job struct"), "{line}");
        }
    }
}
