//! hcl's JSON parser's diagnostics (var_file_json_parse.rs), each line
//! as tests/hcl-oracle/hcljson.go prints it with -all at 68a97f93bb48
//! and v2.20.2-nomad-1.

use super::*;

/// Every diagnostic's line, as oracle-json-old/-new print them with
/// -all.
fn lines(text: &str) -> Vec<String> {
    parse(text)
        .expect("shallow")
        .1
        .iter()
        .map(|d| d.line("f.json").unwrap_or_else(|| "?".into()))
        .collect()
}

const ROOT: &str = "f.json:1,1-2: Root value must be object; The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.";

#[test]
fn numbers_follow_go_s_grammar() {
    for ok in ["0", "-0", "12", "1.5", "1e5", "1E+5", "-1.25e-3"] {
        assert!(go_json_number(ok), "{ok}");
    }
    for bad in ["01", "+1", ".5", "1.", "1e", "1e+", "-", "1.2.3", "1-2"] {
        assert!(!go_json_number(bad), "{bad}");
    }
}

#[test]
fn a_value_refused_lets_the_object_go_on() {
    // oracle-json-new -all, b.json.
    assert_eq!(
        lines("{\"a\": tru, \"b\": fals}"),
        vec![
            "f.json:1,7-10: Invalid JSON keyword; \"tru\" is not a valid JSON keyword. Did you mean \"true\"?",
            "f.json:1,17-21: Invalid JSON keyword; \"fals\" is not a valid JSON keyword. Did you mean \"false\"?",
        ]
    );
    assert_eq!(
        lines("{\"a\": NaN, \"b\": nul}"),
        vec![
            "f.json:1,7-10: Invalid JSON keyword; The JavaScript identifier \"NaN\" cannot be used in JSON.",
            "f.json:1,17-20: Invalid JSON keyword; \"nul\" is not a valid JSON keyword. Did you mean \"null\"?",
        ]
    );
}

#[test]
fn a_failed_object_at_the_root_is_also_not_an_object() {
    // oracle-json-new -all, a.json, c.json, j.json, h.json.
    assert_eq!(
        lines("{\"n\": 1,}\n"),
        vec!["f.json:1,8-9: Trailing comma in object; JSON does not permit a trailing comma after the final property in an object.", ROOT]
    );
    assert_eq!(
        lines("{\"a\" 1}"),
        vec!["f.json:1,6-7: Missing property value colon; A colon must appear between an object property's name and its value.", ROOT]
    );
    assert_eq!(
        lines("{\"a\" = 1}"),
        vec!["f.json:1,6-7: Missing property value colon; JSON uses a colon as its name/value delimiter, not an equals sign.", ROOT]
    );
    assert_eq!(
        lines("{\"a\": 1"),
        vec![
            "f.json:1,1-2: Unclosed object; No closing brace was found for this JSON object.",
            ROOT
        ]
    );
}

#[test]
fn recovery_names_the_token_after_a_mismatched_close() {
    // oracle-json-new -all, f.json, k.json, n.json.
    assert_eq!(
        lines("{\"a\": [1,]}"),
        vec![
            "f.json:1,9-10: Trailing comma in array; JSON does not permit a trailing comma after the final value in an array.",
            "f.json:1,11-12: Mismatched braces; A JSON object must be closed with a brace, not a bracket.",
            ROOT,
        ]
    );
    assert_eq!(
        lines("{\"a\": {\"b\": 1]}"),
        vec!["f.json:1,15-16: Mismatched braces; A JSON object must be closed with a brace, not a bracket."]
    );
    assert_eq!(
        lines("{\"a\": é}"),
        vec![
            "f.json:1,7-8: Invalid start of value; A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
            "f.json:1,8-8: Missing attribute seperator comma; A comma must appear between each property definition in an object.",
            ROOT,
        ]
    );
}

#[test]
fn strings_are_refused_at_a_byte_offset_and_data_after_the_root() {
    // oracle-json-new -all, d.json, l.json, m.json, g.json, e.json.
    assert_eq!(
        lines("{\"a\": \"é\\x\"}"),
        vec!["f.json:1,12-13: Invalid JSON string; There is a syntax error in the given JSON string."]
    );
    assert_eq!(
        lines("{\"a\": \"abc"),
        vec![
            "f.json:1,11-12: Invalid JSON string; There is a syntax error in the given JSON string.",
            "f.json:1,1-2: Unclosed object; No closing brace was found for this JSON object.",
            ROOT,
        ]
    );
    assert_eq!(
        lines("{\"a\": 1} x"),
        vec!["f.json:1,10-11: Extraneous data after value; Extra characters appear after the JSON value."]
    );
    assert_eq!(
        lines("{\t\"a\": 01}"),
        vec![
            "f.json:1,9-11: Invalid JSON number; There is a syntax error in the given JSON number."
        ]
    );
}

#[test]
fn values_and_ranges_are_read() {
    let (root, diags) =
        parse("{\"a\": [1, true, null], \"b\": {\"c\": \"\\u00e9\"}}").expect("shallow");
    assert!(diags.is_empty());
    let Node::Object { attrs, .. } = root else {
        panic!("an object")
    };
    assert_eq!(attrs[0].name, "a");
    assert_eq!(
        attrs[0].value.range().shown("f").as_deref(),
        Some("f:1,7-22")
    );
    let Node::Object { attrs: inner, .. } = &attrs[1].value else {
        panic!("an object")
    };
    assert!(matches!(&inner[0].value, Node::String(s, _) if s == "é"));
}

#[test]
fn nesting_past_the_limit_is_not_parsed() {
    let deep = "[".repeat(100_000);
    let text = format!("{{\"a\": {deep}");
    assert_eq!(parse(&text), Err(6 + crate::nesting::MAX_DEPTH - 1));
    let ok = format!("{{\"a\": {}{}}}", "[".repeat(60), "]".repeat(60));
    assert!(parse(&ok).is_ok_and(|(_, d)| d.is_empty()));
}
