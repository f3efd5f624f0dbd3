//! Before 1.0, job files in HCL1 syntax that HCL2 refuses, and the CLI's
//! job parser's own errors and crashes. Every expected text is printed by
//! Nomad's own code: hcl v1 (tests/hcl-oracle/build.sh) for what parses,
//! and jobspec.ParseFile built from Nomad v0.9.3 and v0.12.12 (their
//! jobspec, api and helper packages with their vendored dependencies)
//! for the rest: `Error parsing job file from <path>: ` (command/helpers.go
//! JobGetter.ApiJob) and `Error getting job struct: ` (plan, validate)
//! come before it.

use crate::common;

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

/// What hcl v1 reads otherwise than HCL2: `%{` and `$${` are text (HCL1
/// has no templates), Go's escapes, `010` octal and `0x3` hex, a dotted
/// key in a map, `}}`. The values are jobspec.ParseFile's (the oracles of
/// 0.9.3 and 0.12.12 with ORACLE_JSON=1: Priority 8, Count 3, these Meta,
/// Env and Config values).
const LITERALS: &str = "job \"a\" {\n  datacenters = [\"dc1\"]\n  priority = 010\n  meta {\n    pct = \"%{x}\"\n    dollar = \"$${y} ${z} %%{w}\"\n    esc = \"a\\x41\\u00e9\\101\\\\\"\n    a.b = \"dotted\"\n    \"q.k\" = \"quoted\"\n    interp = \"${lookup(a, \"b\")}\"\n  }\n  group \"g\" {\n    count = 0x3\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis\"\n        args = [<<-EOF\n        one ${x}\n          two %{ if }\n        EOF\n        ]\n        port_map { http = 80 }}\n      env { A.B = \"1\", C = \"%{ if true }yes%{ endif }\" }\n    }\n  }\n}\n";

#[test]
fn hcl1_literals_are_read_as_hcl_v1_reads_them() {
    let d = TempDir::new("hcl1-literals");
    d.put("a.nomad", LITERALS);
    for v in ["0.9.3", "0.12.12"] {
        let plan = d.run(&["plan", "a.nomad", "--verbose", "--nomad-version", v]);
        // The plan aligns the values of a block: one blank after `:`.
        let out: String = String::from_utf8_lossy(&plan.stdout)
            .lines()
            .map(|l| match l.split_once(": ") {
                Some((k, v)) => format!("{k}: {}\n", v.trim_start()),
                None => format!("{l}\n"),
            })
            .collect();
        assert_eq!(plan.status.code(), Some(1), "{v}: {out}");
        for want in [
            "+ Priority: \"8\"",
            "+ Count: \"3\"",
            "+ Meta[pct]: \"%{x}\"",
            "+ Meta[dollar]: \"$${y} ${z} %%{w}\"",
            "+ Meta[esc]: \"aAéA\\\\\"",
            "+ Meta[a.b]: \"dotted\"",
            "+ Meta[q.k]: \"quoted\"",
            "+ Meta[interp]: \"${lookup(a, \\\"b\\\")}\"",
            "+ Env[A.B]: \"1\"",
            "+ Env[C]: \"%{ if true }yes%{ endif }\"",
            "+ args[0]: \"one ${x}\\n  two %{ if }\\n\"",
            "+ port_map[0][http]: \"80\"",
        ] {
            assert!(out.contains(want), "{v}: {want}\n{out}");
        }
    }
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
    // `check` says the same "cannot tell" (exit 2), not a refusal.
    let check = d.run(&["check", "a.nomad", "--nomad-version", "0.12.12"]);
    assert_eq!(check.status.code(), Some(2));
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

/// The job a case of non_object_blocks.tsv names: `level-key-shape`, the
/// key written `key = <shape>` in the job, its group or its task, as the
/// oracle run wrote it.
fn non_object_job(case: &str) -> Option<String> {
    let (rest, shape) = case.rsplit_once('-')?;
    let (level, key) = rest.split_once('-')?;
    let value = match shape {
        "s" => "\"x\"",
        "n" => "3",
        "e" => "[]",
        "l" => "[1]",
        "h" => "<<EOF\nx\nEOF\n",
        _ => return None,
    };
    let kv = format!("{key} = {value}");
    Some(match level {
        "job" => format!("job \"a\" {{\n  datacenters = [\"dc1\"]\n  {kv}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n"),
        "group" => format!("job \"a\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    {kv}\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n"),
        "task" => format!("job \"a\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      {kv}\n    }}\n  }}\n}}\n"),
        _ => return None,
    })
}

/// Every block of the job, its groups and its tasks written as a string,
/// number, heredoc, `[]` or `[1]`: the parse function's own text per
/// release (CheckHCLKeys, decodeMap at the value, `should be an object`,
/// `service (0):`), with its prefixes, where we answered "cannot tell".
#[test]
fn every_block_written_as_a_non_object_value_gets_its_parsers_words() {
    let table = include_str!("fixtures/hcl1_syntax/non_object_blocks.tsv");
    let mut wrong = Vec::new();
    let mut count = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.splitn(3, '\t');
        let (Some(case), Some(v), Some(want)) = (cols.next(), cols.next(), cols.next()) else {
            panic!("bad line: {line}");
        };
        let text = non_object_job(case).unwrap_or_else(|| panic!("bad case {case}"));
        let want = want.replace("\\n", "\n").replace("\\t", "\t");
        let version = v.parse().expect("version");
        let p = common::parse_job(&text, version);
        let got = p
            .diags
            .iter()
            .find(|d| d.code == nomad_preflight::jobspec::HCL1_PARSE)
            .map(|d| d.message.clone());
        if got.as_deref() != Some(want.as_str()) {
            let codes: Vec<_> = p.diags.iter().map(|d| (&d.code, &d.message)).collect();
            wrong.push(format!("{case} {v}: want {want:?}, got {codes:?}"));
        }
        count += 1;
    }
    assert!(count > 600, "{count} cases");
    assert!(
        wrong.is_empty(),
        "{} of {count}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A key written both as a block and as a value (or as values of two
/// types) fails in parseJob's first decode of the whole job, in words we
/// do not model (`unknown slice type: *ast.LiteralType`): "cannot tell".
#[test]
fn a_block_also_written_as_a_value_is_said_to_be_unknown() {
    let d = TempDir::new("hcl1-mixed-forms");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  update {\n  }\n  update = \"x\"\n}\n",
    );
    for v in ["0.9.3", "0.12.12"] {
        let o = d.run(&["plan", "a.nomad", "--nomad-version", v]);
        assert_eq!(o.status.code(), Some(255), "{v}");
        let line = first_line(&o);
        assert!(!line.contains("only one 'update'"), "{v}: {line}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains("successful"));
    }
}

/// What the HCL2 rewrite used to leave as "cannot tell" (the stop-33
/// mutation sweep): a label hcl-edit reads otherwise (`"%{x}"`), a dotted
/// key in a labelled block, keys split across lines or by a comment, and a
/// top-level key that is no identifier. Each is read as hcl v1 reads it,
/// its names from the file's own text. Values and texts: jobspec.ParseFile
/// of 0.9.3 and 0.12.12 (ORACLE_JSON=1: task "%{x}", Config port
/// [{x: [{a.b: 1}]}]).
#[test]
fn labels_keys_and_split_headers_are_read_as_hcl_v1_reads_them() {
    let d = TempDir::new("hcl1-only-read-names");
    d.put(
        "labels.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"%{x}\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n        port \"x\" {\n          a.b = 1\n        }\n      }\n    }\n  }\n}\n",
    );
    // `PL-2.0` on its own line: a block `PL-2.0` labelled `job`, "a".
    d.put(
        "top.nomad",
        "# License: M\nPL-2.0\n\njob \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n    }\n  }\n}\n",
    );
    // `type  "batch"` without `=`, then `group "g" {` on a later line: one
    // block `type` whose value mapstructure refuses for the job's Type.
    d.put(
        "split.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  type  \"batch\"\n\n  group \"g\" {\n    task \"t\" {\n      dr#iver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n",
    );
    for (v, top) in [
        ("0.9.3", "1 error(s) occurred:\n\n* invalid key: PL-2.0"),
        ("0.12.12", "1 error occurred:\n\t* invalid key: PL-2.0"),
    ] {
        let o = d.run(&["plan", "labels.nomad", "--verbose", "--nomad-version", v]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{v}: {out}");
        assert!(out.contains("+ Task: \"%{x}\""), "{v}: {out}");
        assert!(out.contains("+ port[0][x][0][a.b]: \"1\""), "{v}: {out}");
        let o = d.run(&["validate", "top.nomad", "--nomad-version", v]);
        assert_eq!(o.status.code(), Some(1), "{v}");
        let said = common::stderr_first_lines(&o, usize::MAX);
        assert!(said.contains(top), "{v}: {said}");
        let o = d.run(&["validate", "split.nomad", "--nomad-version", v]);
        assert_eq!(o.status.code(), Some(1), "{v}");
        let said = common::stderr_first_lines(&o, usize::MAX);
        assert!(
            said.contains("error parsing 'job': 1 error(s) decoding:\n\n* 'Type' expected type 'string', got unconvertible type '[]map[string]interface {}'"),
            "{v}: {said}"
        );
    }
}
