//! Unit tests of decode_order.rs: Nomad's order of jobspec2's decoding errors.

use super::*;

/// A diagnostic at `needle`: a label error when it starts with `"`
/// or is `{`, else a decoding error.
fn at(text: &str, needle: &str) -> Diag {
    let start = text.find(needle).expect("needle");
    let code = if needle.starts_with('"') || needle.starts_with('{') {
        "jobspec::label"
    } else {
        "jobspec::type"
    };
    let src =
        crate::source::SourceFile::new(crate::source::Origin::Inline("t".into()), "t.nomad", text);
    Diag::error(code, needle).at(&src, Span::new(start, start + needle.len()), "")
}

/// The needles in the order said, and whether it is chance; None when
/// not known.
fn said(text: &str, needles: &[&str]) -> Option<(Vec<String>, bool)> {
    let body = hcl_edit::parser::parse_body(text).expect("parses");
    let diags: Vec<Diag> = needles.iter().map(|n| at(text, n)).collect();
    let refs: Vec<&Diag> = diags.iter().collect();
    nomad_order(&body, &refs, crate::version::NomadVersion::new(2, 0, 5)).map(|o| {
        let lines = o.diags.iter().map(|d| d.message.clone()).collect();
        (lines, o.chance)
    })
}

/// The first needle said, where Nomad's order is fixed.
fn first(text: &str, needles: &[&str]) -> Option<String> {
    said(text, needles)
        .filter(|(_, chance)| !chance)
        .map(|(lines, _)| lines[0].clone())
}

/// The needles in the stated order, where Nomad's is chance.
fn chance(text: &str, needles: &[&str]) -> Option<Vec<String>> {
    said(text, needles)
        .filter(|(_, chance)| *chance)
        .map(|(lines, _)| lines)
}

#[test]
fn one_kind_of_block_is_source_order_and_two_kinds_are_random() {
    let two_spreads = "job \"j\" {\n  group \"g\" {\n    spread {\n      weight = 201\n    }\n    spread {\n      weight = 202\n    }\n  }\n}\n";
    assert_eq!(first(two_spreads, &["202", "201"]).as_deref(), Some("201"));
    // A spread's weight (an attribute) before its target's percent (a
    // block), wherever the text puts them.
    let inside = "job \"j\" {\n  group \"g\" {\n    spread {\n      target \"a\" {\n        percent = 301\n      }\n      weight = 202\n    }\n  }\n}\n";
    assert_eq!(first(inside, &["301", "202"]).as_deref(), Some("202"));
    // Two groups: one kind (`group`), in source order.
    let groups = "job \"j\" {\n  group \"a\" {\n    spread {\n      weight = 201\n    }\n  }\n  group \"b\" {\n    spread {\n      weight = 202\n    }\n  }\n}\n";
    assert_eq!(first(groups, &["202", "201"]).as_deref(), Some("201"));
    // The job's spread and a group's: `spread` and `group` blocks of
    // the job body, in map order.
    let mixed = "job \"j\" {\n  spread {\n    weight = 201\n  }\n  group \"b\" {\n    spread {\n      weight = 202\n    }\n  }\n}\n";
    assert_eq!(first(mixed, &["201", "202"]), None);
    // Stated: the kinds as the file first gives them.
    assert_eq!(
        chance(mixed, &["202", "201"]),
        Some(vec!["201".to_string(), "202".to_string()])
    );
}

#[test]
fn label_errors_come_with_their_bodys_content() {
    // The group's Content (a service's extra label) before the
    // network's (a port's missing label), wherever the text puts them.
    let text = "job \"j\" {\n  group \"g\" {\n    network {\n      port {}\n    }\n    service \"x\" {\n    }\n  }\n}\n";
    assert_eq!(first(text, &["{}", "\"x\""]).as_deref(), Some("\"x\""));
    // Two label errors of one body: source order, any kinds.
    let text = "job \"j\" {\n  group \"g\" {\n    ephemeral_disk \"d\" {\n    }\n    service \"x\" {\n    }\n  }\n}\n";
    assert_eq!(first(text, &["\"x\"", "\"d\""]).as_deref(), Some("\"d\""));
    // Under two kinds of block (a service's check, a network's port):
    // the map order's.
    let text = "job \"j\" {\n  group \"g\" {\n    service {\n      check \"c\" {\n      }\n    }\n    network {\n      port {}\n    }\n  }\n}\n";
    assert_eq!(first(text, &["\"c\"", "{}"]), None);
    assert_eq!(
        chance(text, &["{}", "\"c\""]),
        Some(vec!["\"c\"".to_string(), "{}".to_string()])
    );
    // A group's secret missing its label: decodeTaskGroup returns at
    // it, so the service's extra label is never reported; another
    // group's errors are, in the groups' source order.
    let text = "job \"j\" {\n  group \"g\" {\n    secret {\n    }\n    service \"x\" {\n    }\n  }\n  group \"h\" {\n    count = 201\n  }\n}\n";
    assert_eq!(
        said(text, &["201", "\"x\"", "{\n    }"]),
        Some((vec!["{\n    }".to_string(), "201".to_string()], false))
    );
    // Its `meta` argument (decodeAsAttribute's) before its vault's label;
    // each alone stops the group too.
    let text = "job \"j\" {\n  group \"g\" {\n    count = 201\n    vault \"v\" {\n    }\n    meta = 301\n  }\n}\n";
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        said(text, &["201", "\"v\"", "301"]),
        Some((lines(&["301", "\"v\""]), false))
    );
    assert_eq!(said(text, &["201", "301"]), Some((lines(&["301"]), false)));
}

#[test]
fn jobspec2s_own_pass_walks_its_blocks_in_source_order() {
    // A job's `task` and `vault` blocks are decodeTopLevelExtras's, in
    // source order whatever their kinds.
    let text = "job \"j\" {\n  task \"a\" {\n    driver = 101\n  }\n  vault {\n    env = 102\n  }\n  task \"b\" {\n    driver = 103\n  }\n  spread {\n    weight = 104\n  }\n}\n";
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        said(text, &["103", "102", "101"]),
        Some((lines(&["101", "102", "103"]), false))
    );
    // Before gohcl's walk of the rest of the job, wherever the text
    // puts them (decodeJob: decodeTopLevelExtras, then DecodeBody).
    assert_eq!(
        said(text, &["104", "103", "101"]),
        Some((lines(&["101", "103", "104"]), false))
    );
    let group_first = "job \"j\" {\n  priority = 201\n  group \"g\" {\n    count = 202\n  }\n  task \"t\" {\n    driver = 203\n  }\n}\n";
    assert_eq!(
        said(group_first, &["201", "202", "203"]),
        Some((lines(&["203", "201", "202"]), false))
    );
    // Their label errors (PartialContent's) come before anything they
    // decode, and before the job's other label errors (gohcl's
    // Content of the rest).
    let labels = "job \"j\" {\n  group {\n  }\n  task \"a\" {\n    driver = 101\n  }\n  vault \"v\" {\n  }\n}\n";
    assert_eq!(
        said(labels, &["101", "{\n  }", "\"v\""]),
        Some((lines(&["\"v\"", "101", "{\n  }"]), false))
    );
    // `meta` as an argument is read before the pass (decodeAsAttribute,
    // 1.0.4+; before, gohcl refuses the argument itself).
    let meta =
        "job \"j\" {\n  priority = 201\n  meta = 301\n  task \"a\" {\n    driver = 101\n  }\n}\n";
    assert_eq!(
        said(meta, &["101", "201", "301"]),
        Some((lines(&["301", "101", "201"]), false))
    );
    // Two errors of that one argument: its evaluation's order.
    let twice = "job \"j\" {\n  meta = [301, 302]\n}\n";
    assert_eq!(said(twice, &["301", "302"]), None);
}

#[test]
fn a_tasks_scaling_comes_before_the_rest_of_the_task() {
    let text = "job \"j\" {\n  group \"g\" {\n    task \"t\" {\n      user = 101\n      resources {\n        cpu = 102\n      }\n      scaling \"cpu\" {\n        max = 103\n      }\n    }\n  }\n}\n";
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        said(text, &["101", "102", "103"]),
        Some((lines(&["103", "101", "102"]), false))
    );
    // The task's `meta` and `env` arguments: decodeAsAttribute's, env
    // first, before everything.
    let env = "job \"j\" {\n  group \"g\" {\n    task \"t\" {\n      meta = 102\n      env = 101\n      scaling \"cpu\" {\n        max = 103\n      }\n    }\n  }\n}\n";
    assert_eq!(
        said(env, &["103", "102", "101"]),
        Some((lines(&["101", "102", "103"]), false))
    );
    // A job-level task's scaling: not followed.
    let top = "job \"j\" {\n  task \"t\" {\n    user = 101\n    scaling \"cpu\" {\n      max = 103\n    }\n  }\n}\n";
    assert_eq!(said(top, &["101", "103"]), None);
}

#[test]
fn two_attributes_of_one_block_are_chance_said_in_source_order() {
    // A meta block's values: gohcl's decodeBodyToMap ranges over
    // JustAttributes' map, every value's error collected.
    let text = "job \"j\" {\n  group \"g\" {\n    meta {\n      b = 301\n      a = 302\n    }\n    spread {\n      weight = 201\n    }\n  }\n}\n";
    assert_eq!(
        chance(text, &["302", "201", "301"]),
        Some(vec![
            "301".to_string(),
            "302".to_string(),
            "201".to_string()
        ])
    );
    // Two errors in one attribute: its evaluation's order, not told.
    let text = "job \"j\" {\n  meta {\n    a = [301, 302]\n  }\n}\n";
    assert_eq!(said(text, &["301", "302"]), None);
}
