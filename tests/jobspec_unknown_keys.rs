//! Unknown keys (`bogus = 1`, `contraint { ... }`), through `validate` and
//! `plan` as a user runs them. From 1.0 the CLI's parser (jobspec2, gohcl)
//! refuses them with hclsyntax's `Body.Content` words (hcl/v2
//! hclsyntax/structure.go, unchanged from the hcl of 1.0.0 to 2.0.5's):
//! `Unsupported argument; An argument named "x" is not expected here.` at
//! the argument's name, `Unsupported block type; Blocks of type "x" are
//! not expected here.` at the block's type, with ` Did you mean "y"?` for
//! the first schema name within Levenshtein distance 2 (didyoumean.go
//! nameSuggestion; gohcl sorts the schema's names).

mod common;

use common::TempDir;

const VERSIONS: [&str; 3] = ["1.0.0", "1.6.0", "2.0.5"];

/// A job with `job_extra` after its datacenters (line 3 on), `group_extra`
/// at the top of group `g`, `task_extra` at the top of task `t`, and
/// `res_extra` in the task's resources.
fn job(job_extra: &str, group_extra: &str, task_extra: &str, res_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_extra}  group \"g\" {{\n{group_extra}    task \"t\" {{\n{task_extra}      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n{res_extra}        cpu = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `CMD --nomad-version V j.nomad`: exit code and stderr, without the
/// notes naming the world that judges.
fn run(cmd: &str, name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("unknown-keys-{cmd}-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

fn parse_error(lines: &[&str]) -> String {
    format!(
        "Error getting job struct: Error parsing job file from j.nomad:\n{}\n",
        lines.join("\n")
    )
}

/// Nomad's text, first on stderr, from `validate` (exit 1) and `plan`
/// (exit 255, as `nomad job plan` exits on an error), under every version
/// from 1.0.
fn refused(name: &str, text: &str, lines: &[&str]) {
    let want = parse_error(lines);
    for v in VERSIONS {
        for (cmd, want_code) in [("validate", 1), ("plan", 255)] {
            let (code, err) = run(cmd, name, text, v);
            assert_eq!(code, want_code, "{cmd} {v}: {err}");
            assert!(err.starts_with(&want), "{cmd} {v}:\n{err}\nwant:\n{want}");
        }
    }
}

#[test]
fn an_unknown_argument_of_the_job() {
    refused(
        "job-arg",
        &job("  bogus = 1\n", "", "", ""),
        &["j.nomad:3,3-8: Unsupported argument; An argument named \"bogus\" is not expected here."],
    );
}

#[test]
fn an_unknown_argument_of_a_group_with_a_suggestion() {
    // api.TaskGroup's `count` is the one argument within 2 of "countt".
    refused(
        "group-arg",
        &job("", "    countt = 2\n", "", ""),
        &["j.nomad:4,5-11: Unsupported argument; An argument named \"countt\" is not expected here. Did you mean \"count\"?"],
    );
}

#[test]
fn a_task_driver_typo_suggests_the_driver() {
    // A task whose only driver line is the typo: "driver" is not written,
    // so it is suggested.
    let text = job("", "", "", "").replace("      driver = ", "      driverr = ");
    refused(
        "task-arg",
        &text,
        &["j.nomad:5,7-14: Unsupported argument; An argument named \"driverr\" is not expected here. Did you mean \"driver\"?"],
    );
}

#[test]
fn a_written_argument_is_not_suggested() {
    // hclsyntax suggests only the schema's arguments the body lacks.
    refused(
        "task-written",
        &job("", "", "      driverr = \"exec\"\n", ""),
        &["j.nomad:5,7-14: Unsupported argument; An argument named \"driverr\" is not expected here."],
    );
}

#[test]
fn an_unknown_argument_of_a_nested_block() {
    refused(
        "resources-arg",
        &job("", "", "", "        memroy = 256\n"),
        &["j.nomad:10,9-15: Unsupported argument; An argument named \"memroy\" is not expected here. Did you mean \"memory\"?"],
    );
}

#[test]
fn an_unknown_block_at_its_type() {
    refused(
        "group-block",
        &job("", "    bogus {\n    }\n", "", ""),
        &["j.nomad:4,5-10: Unsupported block type; Blocks of type \"bogus\" are not expected here."],
    );
}

#[test]
fn a_block_typo_suggests_the_block() {
    refused(
        "job-block",
        &job("  contraint {\n    attribute = \"x\"\n  }\n", "", "", ""),
        &["j.nomad:3,3-12: Unsupported block type; Blocks of type \"contraint\" are not expected here. Did you mean \"constraint\"?"],
    );
}

#[test]
fn the_top_level_suggests_in_jobconfigschemas_order() {
    // jobConfigSchema lists `variables` before `variable`: both are within
    // 2 of "variabl", and the first wins. decodeBody stops there.
    let text = format!("variabl \"x\" {{\n}}\n{}", job("", "", "", ""));
    refused(
        "top",
        &text,
        &["j.nomad:1,1-8: Unsupported block type; Blocks of type \"variabl\" are not expected here. Did you mean \"variables\"?"],
    );
}

/// Two unknown arguments of one body come in Go's map order: said in the
/// file's order with the map-order note; a block's errors after its
/// body's, and unsupported blocks after unsupported arguments.
#[test]
fn several_unknown_keys_are_said_in_a_stated_order_with_the_map_order_note() {
    let text = job(
        "  contraint {\n  }\n  zeta = 1\n  alpha = 2\n",
        "    countt = 2\n",
        "",
        "",
    );
    let want = parse_error(&[
        "j.nomad:5,3-7: Unsupported argument; An argument named \"zeta\" is not expected here.",
        "j.nomad:6,3-8: Unsupported argument; An argument named \"alpha\" is not expected here.",
        "j.nomad:3,3-12: Unsupported block type; Blocks of type \"contraint\" are not expected here. Did you mean \"constraint\"?",
        "j.nomad:8,5-11: Unsupported argument; An argument named \"countt\" is not expected here. Did you mean \"count\"?",
    ]);
    for v in VERSIONS {
        let (code, err) = run("validate", "several", &text, v);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(err.contains(&want), "{v}:\n{err}\nwant:\n{want}");
        assert!(err.contains("jobspec::decode-map-order"), "{v}: {err}");
        assert!(
            err.contains("these 4 errors in Go's map order"),
            "{v}: {err}"
        );
    }
}

/// Before 1.0 (HCL1) the texts are the legacy parser's, not hclsyntax's.
#[test]
fn before_1_0_the_words_are_not_hcl2s() {
    let (code, err) = run(
        "validate",
        "hcl1",
        &job("  bogus = 1\n", "", "", ""),
        "0.12.0",
    );
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("Unsupported argument; "), "{err}");
}

/// An unknown block beside a key its release does not know yet (`ui`
/// before 1.8) keeps hcl's location. The `ui` line itself is still ours,
/// not hclsyntax's (a stated gap: version_gates.rs words it).
#[test]
fn an_unknown_block_beside_a_gated_key_is_located() {
    let text = job(
        "  ui {\n    description = \"x\"\n  }\n  bogus {\n  }\n",
        "",
        "",
        "",
    );
    let (code, err) = run("validate", "gated", &text, "1.6.0");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("\nj.nomad:6,3-8: Unsupported block type; Blocks of type \"bogus\" are not expected here.\n"),
        "{err}"
    );
}
