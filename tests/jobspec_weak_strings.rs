//! Before 1.0 a string written for a number or a bool is read as Nomad's
//! mapstructure weak decoding reads it, with Go's strconv of the Go release
//! that built the Nomad: `count = "010"` places 8, `"0x3"` 3, `" 3"` is
//! refused, and `"1_0"` is refused by 0.9.3 (Go 1.11) but is 10 from 0.11
//! (Go 1.14). Expected values: Nomad's jobspec.ParseFile at v0.9.3 and
//! v0.12.12 (tests/hcl-oracle/jobspec.go), with strconv's base-0 rules per
//! Go release (strconv/atoi.go before and after Go 1.13).
//!
//! A refusal is mapstructure's, as Nomad prints it: the Go field's name,
//! every refused field of the block in one sorted list, under the
//! parser's prefix (src/jobspec/hcl1_decode.rs). Texts from the oracles of
//! 0.9.3, 0.10.9, 0.11.8 and 0.12.12, except that a duration's refusal
//! carries no quotes: the oracles' Go 1.19 quotes it, the Go 1.11 to 1.14
//! that built those releases does not (golang/go#38295, Go 1.15).

use crate::common;

fn job(count: &str, extra: &str) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n{extra}    task \"t\" {{\n      driver = \"docker\"\n      resources {{\n        cpu    = 20\n        memory = 10\n      }}\n    }}\n  }}\n}}\n")
}

fn plan(version: &str, text: &str) -> (i32, String) {
    // One folder a call: the tests run in parallel in one process.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = common::one_client_project(
        &format!("weak-{version}-{n}"),
        version,
        "  cpu = 4000\n  memory = 4000\n  drivers = [\"docker\"]\n",
        text,
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    (o.status.code().unwrap_or(-1), common::output_text(&o))
}

#[test]
fn numbers_in_strings_are_read_with_go_base_zero() {
    for version in ["0.9.3", "0.12.12"] {
        for (count, placed) in [("\"010\"", 8), ("\"0x3\"", 3), ("\"+2\"", 2), ("\"3\"", 3)] {
            let (code, out) = plan(version, &job(count, ""));
            assert_eq!(code, 1, "{version} {count}: {out}");
            assert!(
                out.contains(&format!("+ Task Group: \"g\" ({placed} create)")),
                "{version} {count}: {out}"
            );
        }
        for count in ["\" 3\"", "\"2.0\"", "\"\"", "\"08\""] {
            let (code, out) = plan(version, &job(count, ""));
            assert_eq!(code, 255, "{version} {count}: {out}");
            let s = count.trim_matches('"');
            assert!(
                out.contains(&format!(
                    "error parsing 'job': group: 1 error(s) decoding:\n\n* cannot parse 'Count' as int: strconv.ParseInt: parsing \"{s}\": invalid syntax"
                )),
                "{version} {count}: {out}"
            );
        }
    }
}

#[test]
fn go_1_13_syntax_depends_on_the_release() {
    let (code, out) = plan("0.9.3", &job("\"1_0\"", ""));
    assert_eq!(code, 255, "{out}");
    assert!(out.contains("parsing \"1_0\": invalid syntax"), "{out}");
    let (code, out) = plan("0.12.12", &job("\"1_0\"", ""));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(10 create)"), "{out}");
    let (_, out) = plan("0.12.12", &job("\"0b11\"", ""));
    assert!(out.contains("(3 create)"), "{out}");
}

#[test]
fn bools_in_strings_are_read_with_parse_bool() {
    for sticky in ["\"T\"", "\"0\"", "\"\"", "1"] {
        let extra = format!("    ephemeral_disk {{\n      sticky = {sticky}\n    }}\n");
        let (code, out) = plan("0.9.3", &job("1", &extra));
        assert_eq!(code, 1, "{sticky}: {out}");
    }
    let extra = "    ephemeral_disk {\n      sticky = \"yes\"\n    }\n";
    let (code, out) = plan("0.9.3", &job("1", extra));
    assert_eq!(code, 255, "{out}");
    // Nomad's whole text (jobspec.ParseFile at 0.9.3 and 0.12.12):
    // parseEphemeralDisk's WeakDecode names the Go field.
    assert!(
        out.contains(
            "error parsing 'job': group: 'g', ephemeral_disk -> 1 error(s) decoding:\n\n* cannot parse 'Sticky' as bool: strconv.ParseBool: parsing \"yes\": invalid syntax\n"
        ),
        "{out}"
    );
}

/// mapstructure's decodeString writes a bool as `1` or `0`: before 1.0
/// `env { DEBUG = true }` gives the task DEBUG=1, and the plan shows it.
#[test]
fn bools_in_string_fields_are_1_and_0_before_1_0() {
    let extra = "    meta {\n      on = true\n    }\n";
    let text = job("1", extra).replace(
        "      driver = \"docker\"\n",
        "      driver = \"docker\"\n      env {\n        DEBUG = false\n      }\n",
    );
    for (version, on, debug) in [
        ("0.9.3", "1", "0"),
        ("0.12.12", "1", "0"),
        ("1.0.0", "true", "false"),
    ] {
        let d = common::one_client_project(
            &format!("weak-bool-{version}"),
            version,
            "  cpu = 4000\n  memory = 4000\n  drivers = [\"docker\"]\n",
            &text,
        );
        let out = common::output_text(&d.run(&["plan", "--verbose", "jobs/web.nomad"]));
        // The diff pads the names to align the values.
        let value = |name: &str| {
            out.lines()
                .find(|l| l.trim_start().starts_with(&format!("+ {name}:")))
                .map(|l| l.rsplit(':').next().unwrap_or_default().trim().to_string())
        };
        assert_eq!(
            value("Meta[on]"),
            Some(format!("\"{on}\"")),
            "{version}: {out}"
        );
        assert_eq!(
            value("Env[DEBUG]"),
            Some(format!("\"{debug}\"")),
            "{version}: {out}"
        );
    }
}

fn task_job(task: &str) -> String {
    job("1", "").replace(
        "      driver = \"docker\"\n",
        &format!("      driver = \"docker\"\n{task}"),
    )
}

/// Several refused fields of one block: one sorted list, fields named by
/// their mapstructure tag or Go name, the task named from 0.10, a
/// duration's error wrapped with its field's name from 0.12 (mapstructure
/// v1.3.1).
#[test]
fn a_blocks_refusals_are_one_sorted_list_in_nomads_words() {
    let task = "      leader = [\"x\"]\n      user { }\n      kill_signal = {}\n      kill_timeout = \"1x\"\n";
    let lines = "* 'Leader' expected type 'bool', got unconvertible type '[]interface {}'\n* 'User' expected type 'string', got unconvertible type '[]map[string]interface {}'\n* 'kill_signal' expected type 'string', got unconvertible type '[]map[string]interface {}'";
    for (version, prefix, duration) in [
        (
            "0.9.3",
            "group: 'g', task:",
            "time: unknown unit x in duration 1x",
        ),
        (
            "0.10.9",
            "group: 'g', task: 't',",
            "time: unknown unit x in duration 1x",
        ),
        (
            "0.11.8",
            "group: 'g', task: 't',",
            "time: unknown unit x in duration 1x",
        ),
        (
            "0.12.12",
            "group: 'g', task: 't',",
            "error decoding 'kill_timeout': time: unknown unit x in duration 1x",
        ),
    ] {
        let (code, out) = plan(version, &task_job(task));
        assert_eq!(code, 255, "{version}: {out}");
        let want =
            format!("error parsing 'job': {prefix} 4 error(s) decoding:\n\n{lines}\n* {duration}");
        assert!(out.contains(&want), "{version}: {out}");
        // Nomad's text stands for the lowering's own words.
        assert!(!out.contains("Inappropriate value"), "{version}: {out}");
    }
}

/// The job's own decode runs first, before its groups are looked at.
#[test]
fn the_jobs_decode_comes_first() {
    let text = job("\" 3\"", "").replace(
        "  datacenters = [\"dc1\"]\n",
        "  datacenters = [\"dc1\", [\"a\"]]\n  priority = [1]\n",
    );
    let (code, out) = plan("0.11.8", &text);
    assert_eq!(code, 255, "{out}");
    assert!(
        out.contains("error parsing 'job': 2 error(s) decoding:\n\n* 'Datacenters[1]' expected type 'string', got unconvertible type '[]interface {}'\n* 'Priority' expected type 'int', got unconvertible type '[]interface {}'"),
        "{out}"
    );
    assert!(!out.contains("'Count'"), "{out}");
}

/// What weak decoding takes must read as Nomad reads it: a lone datacenter
/// is a list of one from 0.12 (mapstructure v1.3.1), refused before; a
/// number for a string field is its decimal text, a float for an int is
/// cut toward zero.
#[test]
fn lone_values_and_floats_read_as_mapstructure_reads_them() {
    let lone = job("1", "").replace("[\"dc1\"]", "\"dc1\"");
    let (code, out) = plan("0.12.12", &lone);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(1 create)"), "{out}");
    let (code, out) = plan("0.11.8", &lone);
    assert_eq!(code, 255, "{out}");
    assert!(
        out.contains("error parsing 'job': 1 error(s) decoding:\n\n* 'Datacenters': source data must be an array or slice, got string"),
        "{out}"
    );
    for version in ["0.9.3", "0.12.12"] {
        let (code, out) = plan(version, &job("2.7", ""));
        assert_eq!(code, 1, "{version}: {out}");
        assert!(out.contains("(2 create)"), "{version}: {out}");
        let (code, out) = plan(
            version,
            &task_job("      kill_timeout = true\n      user = 2.50\n"),
        );
        assert_eq!(code, 1, "{version}: {out}");
    }
}
