//! Values from the red team's Go oracle (/work/rt/rt16c/oracle/ev:
//! hclsyntax v2.20.2-nomad-1 and go-cty 1.13.0, Nomad 1.8.1 to 2.0.5;
//! oracle/ev-old, hcl 68a97f93bb48 for 1.0.0 to 1.8.0, gives the same for
//! every case here), run on /work/rt/rt16c/repro/*.hcl and the cases
//! below.

use crate::jobspec::eval::Scope;
use crate::jobspec::functions::FnEnv;
use crate::jobspec::model::Value;

/// `x`'s value in `src` (`x = ...`), as the evaluator makes it.
fn value(src: &str) -> String {
    let body = hcl_edit::parser::parse_body(src).expect("test input parses");
    let attr = body.attributes().next().expect("one attribute");
    match Scope::bare(src, FnEnv::default()).eval(&attr.value) {
        Ok(Value::String(s)) => s,
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn a_tilde_trims_only_the_adjacent_line_of_a_heredoc() {
    // repro/r4_values.hcl b (R16-30): the body's indentation is kept.
    assert_eq!(
        value("x = <<EOT\n%{ for h in [\"10.0.0.1\", \"10.0.0.2\"] ~}\n    server ${h}\n%{ endfor ~}\nEOT\n"),
        "    server 10.0.0.1\n    server 10.0.0.2\n"
    );
    // repro/heredoc_strip2.hcl a, b, e.
    assert_eq!(
        value("x = <<EOT\n  %{ for s in [\"a\", \"b\"] ~}\n  server ${s}\n  %{ endfor ~}\nEOT\n"),
        "    server a\n    server b\n  "
    );
    assert_eq!(
        value("x = <<EOT\n  %{~ if true ~}\n    x\n  %{~ endif ~}\nEOT\n"),
        "    x\n"
    );
    assert_eq!(
        value("x = <<-EOT\n    a ${~ \"b\" ~}\n    c\n  EOT\n"),
        "ab    c\n"
    );
}

#[test]
fn a_flush_heredoc_is_stripped_after_the_tildes() {
    // repro/heredoc_strip.hcl a to e: a line begins only after a token
    // that still ends in a line end.
    let for_both = "x = <<-EOF\n    %{~ for s in [\"a\", \"b\"] ~}\n    server ${s}\n    %{~ endfor ~}\n  EOF\n";
    assert_eq!(value(for_both), "    server a\n    server b\n");
    let for_after =
        "x = <<-EOF\n    %{ for s in [\"a\", \"b\"] ~}\n    server ${s}\n    %{ endfor ~}\n  EOF\n";
    assert_eq!(value(for_after), "    server a\n    server b\n");
    let before = "x = <<-EOF\n    header\n    %{~ for s in [\"a\", \"b\"] }\n    server ${s}\n    %{~ endfor }\n    footer\n  EOF\n";
    assert_eq!(
        value(before),
        "    header\n\n    server a\n\n    server b\n\n    footer\n"
    );
    let if_after = "x = <<-EOF\n    %{ if true ~}\n    yes\n    %{ endif ~}\n  EOF\n";
    assert_eq!(value(if_after), "    yes\n");
    let if_before = "x = <<-EOF\n    x = 1\n    %{~ if true }\n    y = 2\n    %{~ endif }\n  EOF\n";
    assert_eq!(value(if_before), "    x = 1\n\n    y = 2\n\n");
    // heredoc_strip2.hcl c, d: no tilde, the smallest indentation goes.
    let plain = "x = <<-EOT\n    a\n    %{ if true }\n    b\n    %{ endif }\n  EOT\n";
    assert_eq!(value(plain), "a\n\nb\n\n");
    assert_eq!(
        value("x = <<-EOT\n    ${\"a\"} b\n    c\n  EOT\n"),
        "a b\nc\n"
    );
}

#[test]
fn blank_lines_neither_count_nor_are_stripped() {
    // hcl's own cases (hclsyntax/parser_test.go "flush heredoc" rows) and
    // redteam4 F8's, kept from heredoc.rs.
    assert_eq!(
        value("x = <<-EOT\n    a\n   \n      b\nEOT\n"),
        "a\n   \n  b\n"
    );
    assert_eq!(value("x = <<-EOT\n  a\n\n  b\n  EOT\n"), "a\n\nb\n");
    assert_eq!(value("x = <<-EOT\n\t\tone\n\t\ttwo\n  EOT\n"), "one\ntwo\n");
}

#[test]
fn escapes_are_decoded_in_a_quoted_directive_body() {
    // repro/quoted_directive_escapes.hcl a to e (R16-32).
    assert_eq!(value("x = \"%{ if true }a\\nb%{ endif }\"\n"), "a\nb");
    assert_eq!(
        value("x = \"%{ for x in [1] }\\t${x}\\u00e9%{ endfor }\"\n"),
        "\t1é"
    );
    assert_eq!(
        value("x = \"x%{ if true }\\\"q\\\"%{ endif }\"\n"),
        "x\"q\""
    );
    assert_eq!(
        value("x = \"%{ if false }no%{ else }a\\\\b%{ endif }\"\n"),
        "a\\b"
    );
    assert_eq!(value("x = \"pre\\n%{ if true }in%{ endif }\"\n"), "pre\nin");
    // A tilde trims the decoded value: `\n` is white space to it.
    assert_eq!(value("x = \"a\\n %{~ if true ~} \\n b%{ endif }\"\n"), "ab");
}
