//! Unknown keys (`bogus = 1`, `contraint { ... }`), through `validate` and
//! `plan` as a user runs them. From 1.0 the CLI's parser (jobspec2, gohcl)
//! refuses them with hclsyntax's `Body.Content` words (hcl/v2
//! hclsyntax/structure.go, unchanged from the hcl of 1.0.0 to 2.0.5's):
//! `Unsupported argument; An argument named "x" is not expected here.` at
//! the argument's name, `Unsupported block type; Blocks of type "x" are
//! not expected here.` at the block's type, with ` Did you mean "y"?` for
//! the first schema name within Levenshtein distance 2 (didyoumean.go
//! nameSuggestion; gohcl sorts the schema's names).

use crate::common;

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

/// Our help beside hcl's words names the release's keys: its closest
/// name, else what the block takes in that release (not 2.0.5's list,
/// which would offer `ui` or `node_pool` to a 1.0 job).
#[test]
fn the_help_names_the_releases_keys() {
    let text = job("  bogus = 1\n", "", "", "");
    let (_, err) = run("validate", "help-list", &text, "1.0.0");
    let help = err
        .split("`job` takes, in Nomad 1.0.0: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no release list:\n{err}"));
    let names: Vec<&str> = help.split_whitespace().take(40).collect();
    let names = names.join(" ");
    assert!(names.contains("datacenters,"), "{names}");
    assert!(
        !names.contains("node_pool") && !names.contains("ui,"),
        "{names}"
    );
    // A near miss of a key the release lacks: no suggestion of it at 1.5
    // (hcl's nor ours); at 1.6 both name it.
    let text = job("  nod_pool = \"x\"\n", "", "", "");
    let (_, err) = run("validate", "help-near", &text, "1.5.0");
    assert!(
        err.contains("An argument named \"nod_pool\" is not expected here.\n"),
        "{err}"
    );
    assert!(!err.contains("did you mean \"node_pool\""), "{err}");
    let (_, err) = run("validate", "help-near", &text, "1.6.0");
    assert!(
        err.contains("not expected here. Did you mean \"node_pool\"?"),
        "{err}"
    );
    assert!(err.contains("did you mean \"node_pool\"?"), "{err}");
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

/// A key its release does not know yet (the version gate) is, from 1.0,
/// one of hclsyntax's refusals like any unknown key: `ui` (api.Job's
/// `hcl:"ui,block"` from 1.8.0), `node_pool` (1.6.0), a network's `cni`
/// (api.NetworkResource's `hcl:"cni,block"` from 1.8.2). `validate` of a
/// release that has the key accepts the file.
#[test]
fn a_gated_key_alone_is_hcls_refusal_per_release() {
    let ui = job("  ui {\n    description = \"x\"\n  }\n", "", "", "");
    let pool = job("  node_pool = \"gpu\"\n", "", "", "");
    let cni = job("", "    network {\n      cni {\n      }\n    }\n", "", "");
    let ui_line =
        "j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.";
    let pool_line =
        "j.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.";
    // api.NetworkResource's blocks at 1.8.0/1.8.1, sorted by gohcl's
    // ImpliedBodySchema: dns, port, reserved_ports (then dynblock's
    // `dynamic`): "dns" is within Levenshtein distance 2 of "cni".
    let cni_line = "j.nomad:5,7-10: Unsupported block type; Blocks of type \"cni\" are not expected here. Did you mean \"dns\"?";
    let cases: [(&str, &str, &str, Option<&str>); 9] = [
        ("ui", &ui, "1.0.0", Some(ui_line)),
        ("ui", &ui, "1.5.0", Some(ui_line)),
        ("ui", &ui, "1.6.0", Some(ui_line)),
        ("ui", &ui, "1.8.0", None),
        ("pool", &pool, "1.0.0", Some(pool_line)),
        ("pool", &pool, "1.5.0", Some(pool_line)),
        ("pool", &pool, "1.6.0", None),
        ("cni", &cni, "1.8.0", Some(cni_line)),
        ("cni", &cni, "1.8.2", None),
    ];
    for (name, text, v, line) in cases {
        for (cmd, refused_code) in [("validate", 1), ("plan", 255)] {
            let (code, err) = run(cmd, &format!("gate-{name}"), text, v);
            match line {
                Some(line) => {
                    let want = parse_error(&[line]);
                    assert_eq!(code, refused_code, "{cmd} {name} {v}: {err}");
                    assert!(
                        err.starts_with(&want),
                        "{cmd} {name} {v}:\n{err}\nwant:\n{want}"
                    );
                    // Ours follow, pointing at the release.
                    assert!(err.contains("jobspec::version-gate"), "{err}");
                }
                None => assert!(
                    !err.contains("Unsupported") && !err.contains("version-gate"),
                    "{cmd} {name} {v}: {err}"
                ),
            }
        }
    }
}

/// A `dynamic "ui"` block is a `ui` block to the schema: dynblock's
/// expandBlocks (ext/dynblock/expand_body.go, hcl 68a97f93bb48 to
/// v2.20.2-nomad-1) refuses a type the schema lacks, whatever its
/// for_each, with its own words (no suggestion) at the label's range
/// (quotes included: hclsyntax parseQuotedStringLiteral). It used to pass.
#[test]
fn a_dynamic_block_of_a_gated_type_is_dynblocks_refusal() {
    let text = job(
        "  dynamic \"ui\" {\n    for_each = [1]\n    content {\n      description = \"x\"\n    }\n  }\n",
        "",
        "",
        "",
    );
    let want = parse_error(&[
        "j.nomad:3,11-15: Unsupported block type; Blocks of type \"ui\" are not expected here.",
    ]);
    let (code, err) = run("validate", "dynamic-ui", &text, "1.6.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    let (code, err) = run("validate", "dynamic-ui", &text, "1.8.0");
    assert_eq!(code, 0, "{err}");
}

/// `datacenters = ["*"]` before 1.5 is no parser error: api.Job's
/// `datacenters` is a list of strings at every release, and `*` is only a
/// datacenter's name before 1.5's glob (advice, not a refusal).
#[test]
fn a_star_datacenter_before_1_5_is_not_a_parser_error() {
    let text = job("", "", "", "").replace("[\"dc1\"]", "[\"*\"]");
    let (code, err) = run("validate", "star", &text, "1.4.0");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("Error parsing"), "{err}");
}

/// The suggestion is the release's: hclsyntax suggests among the schema of
/// the api struct the release decodes into. At 1.6.1 api.PeriodicConfig
/// has `cron` but not yet `crons` (1.6.2).
#[test]
fn a_gated_key_is_suggested_a_name_of_its_release() {
    let text = job(
        "  type = \"batch\"\n  periodic {\n    crons = [\"* * * * *\"]\n  }\n",
        "",
        "",
        "",
    );
    let want = parse_error(&["j.nomad:5,5-10: Unsupported argument; An argument named \"crons\" is not expected here. Did you mean \"cron\"?"]);
    let (code, err) = run("validate", "crons", &text, "1.6.1");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    let (_, err) = run("validate", "crons", &text, "1.6.2");
    assert!(!err.contains("Unsupported"), "{err}");
}

/// Content reports a body's unsupported arguments in Go's map order (its
/// `range b.Attributes`), then its unsupported blocks in source order
/// (hclsyntax/structure.go Body.Content, the same at hcl 68a97f93bb48,
/// ab3cae0737bc and v2.20.2-nomad-1).
#[test]
fn a_gated_key_beside_an_unknown_key_of_the_same_body() {
    // Two unsupported arguments: map order, said in the file's, the note.
    let text = job("  node_pool = \"gpu\"\n  bogus = 1\n", "", "", "");
    let want = parse_error(&[
        "j.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.",
        "j.nomad:4,3-8: Unsupported argument; An argument named \"bogus\" is not expected here.",
    ]);
    for cmd in ["validate", "plan"] {
        let (_, err) = run(cmd, "same-body", &text, "1.5.0");
        assert!(err.contains(&want), "{cmd}:\n{err}\nwant:\n{want}");
        assert!(
            err.contains("these 2 errors in Go's map order"),
            "{cmd}: {err}"
        );
        // Not our own words (stop 37's `Nomad 1.5.0 does not know ...`).
        assert!(!err.contains("Nomad 1.5.0 does not know"), "{cmd}: {err}");
    }
    // An unsupported argument before an unsupported block, wherever the
    // file puts them: a fixed order, no note.
    let text = job("  ui {\n  }\n  bogus = 1\n", "", "", "");
    let want = parse_error(&[
        "j.nomad:5,3-8: Unsupported argument; An argument named \"bogus\" is not expected here.",
        "j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.",
    ]);
    let (code, err) = run("validate", "same-body-block", &text, "1.6.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    assert!(!err.contains("decode-map-order"), "{err}");
}

/// gohcl's decodeBodyToStruct (gohcl/decode.go) takes a body's Content,
/// then decodes its attributes, then its blocks kind by kind (`range
/// tags.Blocks`, Go's map order) and each kind's blocks in source order.
#[test]
fn a_gated_key_beside_an_unknown_key_of_another_body() {
    // The job's Content before its group's: fixed.
    let text = job("  ui {\n  }\n", "    countt = 2\n", "", "");
    let want = parse_error(&[
        "j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.",
        "j.nomad:6,5-11: Unsupported argument; An argument named \"countt\" is not expected here. Did you mean \"count\"?",
    ]);
    let (code, err) = run("plan", "other-body", &text, "1.6.0");
    assert_eq!(code, 255, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    assert!(!err.contains("decode-map-order"), "{err}");
    // Under a group's network (cni) and its task (driverr): two kinds of
    // block, Go's map order; said as the file first gives the kinds.
    let text = job(
        "",
        "    network {\n      cni {\n      }\n    }\n",
        "      driverr = \"x\"\n",
        "",
    );
    let want = parse_error(&[
        "j.nomad:5,7-10: Unsupported block type; Blocks of type \"cni\" are not expected here. Did you mean \"dns\"?",
        "j.nomad:9,7-14: Unsupported argument; An argument named \"driverr\" is not expected here.",
    ]);
    let (code, err) = run("validate", "other-kind", &text, "1.8.1");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&want), "{err}\nwant:\n{want}");
    assert!(err.contains("these 2 errors in Go's map order"), "{err}");
}

/// Content's refusals come before the body's attributes are decoded (a
/// value's type error, gohcl DecodeExpression's `Unsuitable value type` at
/// the expression's StartRange: a quoted string's first literal part, the
/// text inside its quotes), and what is inside the refused key is never
/// decoded.
#[test]
fn a_gated_key_beside_a_type_error() {
    let text = job("  priority = \"high\"\n  node_pool = \"gpu\"\n", "", "", "");
    let want = parse_error(&[
        "j.nomad:4,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.",
        "j.nomad:3,15-19: Unsuitable value type; Unsuitable value: a number is required",
    ]);
    let (code, err) = run("validate", "type-same", &text, "1.5.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    // The gated argument's own value is never decoded, even a wrong one.
    let text = job("  node_pool = [\"x\"]\n", "", "", "");
    let want = parse_error(&["j.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here."]);
    let (code, err) = run("validate", "type-gated", &text, "1.5.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
    assert!(!err.contains("Unsuitable"), "{err}");
    // A type error inside ui (never decoded before 1.8) is not said; the
    // group's count, decoded after the job's Content, is.
    let text = job(
        "  ui {\n    description = [1]\n  }\n",
        "    count = \"x\"\n",
        "",
        "",
    );
    let want = parse_error(&[
        "j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.",
        "j.nomad:7,14-15: Unsuitable value type; Unsuitable value: a number is required",
    ]);
    let (code, err) = run("plan", "type-other", &text, "1.6.0");
    assert_eq!(code, 255, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("j.nomad:")).count(),
        2,
        "{err}"
    );
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
}

/// An unknown block beside a key its release does not know yet (`ui`
/// before 1.8): both in hcl's words, at hcl's ranges, in Content's order
/// (source order for blocks).
#[test]
fn an_unknown_block_beside_a_gated_key_is_located() {
    let text = job(
        "  ui {\n    description = \"x\"\n  }\n  bogus {\n  }\n",
        "",
        "",
        "",
    );
    let want = parse_error(&[
        "j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.",
        "j.nomad:6,3-8: Unsupported block type; Blocks of type \"bogus\" are not expected here.",
    ]);
    let (code, err) = run("validate", "gated", &text, "1.6.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
}

/// A gated key inside a dynamic block's `content` is refused by each
/// generated block's decoding: dynblock hands every iteration the same
/// content body (ext/dynblock/expand_body.go expandBlocks, hcl 68a97f93bb48
/// to v2.20.2-nomad-1), whose hclsyntax `Content` refuses the key with the
/// generated type's schema. So one line per element of for_each, none for
/// an empty one. It used to pass: a false all-clear.
#[test]
fn a_gated_key_inside_a_dynamic_blocks_content_is_refused_per_generated_block() {
    let group = |each: &str| {
        format!("    dynamic \"network\" {{\n      for_each = {each}\n      content {{\n        cni {{\n        }}\n      }}\n    }}\n")
    };
    let line = "j.nomad:7,9-12: Unsupported block type; Blocks of type \"cni\" are not expected here. Did you mean \"dns\"?";
    let two = job("", &group("[1, 2]"), "", "");
    for (cmd, refused_code) in [("validate", 1), ("plan", 255)] {
        let (code, err) = run(cmd, "dynamic-cni", &two, "1.8.0");
        let want = parse_error(&[line, line]);
        assert_eq!(code, refused_code, "{cmd}: {err}");
        assert!(err.starts_with(&want), "{cmd}:\n{err}\nwant:\n{want}");
    }
    let one = job("", &group("[\"a\"]"), "", "");
    let (code, err) = run("validate", "dynamic-cni-one", &one, "1.8.1");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&parse_error(&[line])), "{err}");
    // No generated block, nothing decoded; a release with the key.
    let none = job("", &group("[]"), "", "");
    let (code, err) = run("validate", "dynamic-cni-none", &none, "1.8.0");
    assert_eq!(code, 0, "{err}");
    let (code, err) = run("validate", "dynamic-cni-known", &two, "1.8.2");
    assert_eq!(code, 0, "{err}");
}
