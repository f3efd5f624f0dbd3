//! The rewrite of HCL1-only syntax into HCL2 of the same length. Each
//! input is one the HCL1 oracles (tests/hcl-oracle, hcl v1 as Nomad 0.10.9
//! and 0.12.12 vendor it) accept and hcl-edit refuses.

use super::{judge, rewrite, Era, Verdict};

/// The rewrite, after checking the premise: hcl v1 takes `text`,
/// hcl-edit does not, and it does take the rewrite.
fn hcl2(text: &str, era: Era) -> String {
    assert_eq!(judge(text.as_bytes(), era), Verdict::Accepts, "{text}");
    assert!(hcl_edit::parser::parse_body(text).is_err(), "{text}");
    let out = rewrite(text, era).unwrap_or_else(|u| panic!("{u:?}: {text}"));
    assert_eq!(out.len(), text.len());
    assert!(hcl_edit::parser::parse_body(&out).is_ok(), "{out}");
    out
}

fn unsure(text: &str, era: Era) -> (&'static str, usize) {
    assert_eq!(judge(text.as_bytes(), era), Verdict::Accepts, "{text}");
    let u = rewrite(text, era).expect_err(text);
    (u.what, u.at)
}

#[test]
fn commas_between_arguments_become_line_ends() {
    let f = "job \"a\" {\n  datacenters = [\"dc1\"], type = \"batch\",\n  priority = 50\n}\n";
    for era in [Era::Old, Era::New] {
        assert_eq!(
            hcl2(f, era),
            "job \"a\" {\n  datacenters = [\"dc1\"] \ntype = \"batch\" \n  priority = 50\n}\n"
        );
    }
}

#[test]
fn a_one_line_block_with_several_arguments_is_opened_up() {
    let f = "job \"a\" {\n  port \"http\" { static = 80, to = 8080 }\n  b { c = 1 d = 2 }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  port \"http\" {\nstatic = 80 \nto = 8080\n}\n  b {\nc = 1\nd = 2\n}\n}\n"
    );
}

#[test]
fn one_argument_on_one_line_is_left_alone() {
    // hcl-edit refuses the file for the comma alone.
    let f = "job \"a\" {\n  a { b = 1 }, c = 2\n}\n";
    assert_eq!(hcl2(f, Era::New), "job \"a\" {\n  a { b = 1 } \nc = 2\n}\n");
}

#[test]
fn quoted_keys_that_are_identifiers_lose_their_quotes() {
    let f = "\"job\" \"a\" {\n  \"count\" = 1\n  group \"g\" { \"count\" = 2 }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        " job  \"a\" {\n   count  = 1\n  group \"g\" {  count  = 2 }\n}\n"
    );
}

#[test]
fn a_block_with_keys_hcl2_bodies_cannot_hold_becomes_an_object() {
    // An unquoted dotted key becomes an identifier of its length; the
    // evaluator reads `deploy.env` from the file (literal.rs).
    let f = "job \"a\" {\n  meta {\n    \"team.name\" = \"x\", owner = \"y\"\n    deploy.env = \"z\"\n  }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  meta={\n    \"team.name\" = \"x\", owner = \"y\"\n    deploy_env = \"z\"\n  }\n}\n"
    );
    let f = "job \"a\" {\n  meta {\n    \"team.name\" = \"x\", owner = \"y\"\n  }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  meta={\n    \"team.name\" = \"x\", owner = \"y\"\n  }\n}\n"
    );
}

#[test]
fn block_syntax_inside_an_object_value_becomes_an_argument() {
    let f = "job \"a\" {\n  config = {\n    port_map { http = 80 }\n    mounts = [{ tmpfs_options { size = 1 } }]\n  }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  config = {\n    port_map={ http = 80 }\n    mounts = [{ tmpfs_options={ size = 1 } }]\n  }\n}\n"
    );
}

#[test]
fn what_has_no_same_length_rewrite_is_unknown() {
    let no_blank = "job \"a\" {\n  b {c=1,d=2}\n}\n";
    assert_eq!(
        unsure(no_blank, Era::New),
        ("items with no blank between them", 15)
    );
    let labelled = "job \"a\" {\n  config = {\n    port \"http\" { to = 1 }\n  }\n}\n";
    assert_eq!(
        unsure(labelled, Era::New).0,
        "a labelled block inside an object value"
    );
    // `b {c = 1}}`: no blank before the inner `}` to move it onto.
    let touching = "job \"a\" {\n  b {\n    c {d = 1}}\n}\n";
    assert_eq!(
        unsure(touching, Era::New),
        ("items with no blank between them", 29)
    );
}

/// Templates hcl v1 does not have (`%{`, `$${`), Go escapes and hex
/// numbers: hcl-edit gets a blank literal or zeros of the same length, the
/// value is read from the file (literal.rs).
#[test]
fn literals_hcl2_reads_otherwise_are_blanked_for_hcl_edit() {
    let f =
        "job \"a\" {\n  meta {\n    a = \"%{x}\"\n    b = \"\\x41\"\n  }\n  priority = 0x1f\n}\n";
    for era in [Era::Old, Era::New] {
        assert_eq!(
            hcl2(f, era),
            "job \"a\" {\n  meta {\n    a = \"    \"\n    b = \"    \"\n  }\n  priority = 0000\n}\n"
        );
    }
    let heredoc = "job \"a\" {\n  meta {\n    a = <<EOF\n%{x}\nEOF\n  }\n}\n";
    assert_eq!(
        hcl2(heredoc, Era::New),
        "job \"a\" {\n  meta {\n    a = <<EOF\n    \nEOF\n \n}\n}\n"
    );
}

/// `}}`: the inner block's `}` moves onto the blank before it and a line
/// end takes its place.
#[test]
fn a_closing_brace_touching_the_next_gets_a_line_end() {
    let f =
        "job \"a\" {\n  group \"g\" {\n    task \"t\" {\n      config { image = \"r\" }}\n  }\n}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  group \"g\" {\n    task \"t\" {\n      config { image = \"r\"}\n}\n  }\n}\n"
    );
}

#[test]
fn a_value_on_the_line_after_its_equals_sign_joins_it() {
    let f = "job \"a\" {\n  type =\n    \"batch\"\n  group \"g\" {\n  }\n  ,}\n";
    assert_eq!(
        hcl2(f, Era::New),
        "job \"a\" {\n  type =     \"batch\"\n  group \"g\" {\n  }\n   }\n"
    );
    let commented = "job \"a\" {\n  type = # the type\n    \"batch\"\n}\n";
    assert_eq!(
        unsure(commented, Era::New).0,
        "a comment between `=` and its value"
    );
}

/// In a line comment the old scanner's NUL ends the comment, not the
/// text (scanComment stops at its eof rune and does not unread it), so
/// the rest of the line is code to Nomad 0.9.3, and a comment to HCL2.
#[test]
fn before_0_11_a_nul_byte_in_a_line_comment_is_unsure() {
    for f in [
        "job \"a\" {\n  # x\0 priority = 90\n}\n",
        "job \"a\" {\n  // x\0 priority = 90\n}\n",
    ] {
        let at = f.find('\0').unwrap();
        assert_eq!(
            unsure(f, Era::Old),
            ("a NUL byte in a `#` or `//` comment", at),
            "{f:?}"
        );
    }
}

/// The old scanner reads a NUL byte as the end of the text (the new one
/// refuses it): what follows is blanked out.
#[test]
fn before_0_11_a_nul_byte_ends_the_file() {
    let f = "job \"a\" {\n}\n\0\0 job \"b\" {";
    let blank = " ".repeat("\0\0 job \"b\" {".len());
    assert_eq!(hcl2(f, Era::Old), format!("job \"a\" {{\n}}\n{blank}"));
}
