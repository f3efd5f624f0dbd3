//! A `<<-` heredoc's lines as hclsyntax strips them (Nomad 1.0 on).
//!
//! hcl's parser strips a flush heredoc in flushHeredocTemplateParts
//! (hclsyntax/parser_template.go, the same code at 68a97f93 (Nomad 1.0.0),
//! ab3cae07 (1.4.0 to 1.8.0) and v2.20 (1.8.1 to 2.0.5)), over the flat
//! token stream of the template, one literal token per line:
//! - a line that starts with a literal counts the grapheme clusters of its
//!   leading white space (unicode.IsSpace); one that starts with `${` or
//!   `%{` counts 0, so nothing is stripped;
//! - a line that is white space only, to its line end, is "a blank line
//!   and thus not considered for space-prefix-counting purposes", and it is
//!   not stripped either: an editor's `"  \n"` inside text indented 10 is
//!   kept as `"  \n"`;
//! - every other line loses the smallest count, lines inside `%{ if }` and
//!   `%{ for }` bodies included.
//!
//! hcl-edit strips at parse time in its own way (its Template::dedent):
//! white-space-only lines count and are stripped, directive bodies are
//! neither counted nor stripped. So the heredoc is read again from the
//! file's own text, unstripped, and stripped here.
//!
//! Grapheme clusters are approximated: a white-space character is one, as
//! is `\r\n`, and stripping the last one also takes the combining marks
//! (canonical combining class not 0, ZWJ, ZWNJ, variation selectors) that
//! follow it, as textseg's cluster would.

use hcl_edit::template::{Directive, Element, HeredocTemplate, Template};
use hcl_edit::Span;

/// The heredoc's template with hcl's stripping, when it is a `<<-` one
/// whose text is at hand in `text`; None otherwise (hcl-edit's own
/// template then stands: a plain `<<` heredoc is never stripped).
pub fn flush(h: &HeredocTemplate, text: &str) -> Option<Template> {
    let whole = text.get(h.span()?)?;
    if !whole.starts_with("<<-") {
        return None;
    }
    let raw: Template = text.get(h.template.span()?)?.parse().ok()?;
    let mut pieces = Vec::new();
    let mut count = 0;
    walk(&raw, &mut pieces, &mut count);
    let lits = stripped(&pieces, count);
    let mut out = h.template.clone();
    let mut slots = Vec::new();
    literals_mut(&mut out, &mut slots);
    if slots.len() != lits.len() {
        return None;
    }
    for (slot, value) in slots.into_iter().zip(lits) {
        *slot = value;
    }
    Some(out)
}

/// One token of hcl's flat stream: a literal's line (its line end kept),
/// with the literal it belongs to, or any other token.
enum Piece<'a> {
    Line { literal: usize, text: &'a str },
    Other,
}

/// The template's tokens in source order, directive bodies inlined;
/// `literals` counts the literals met (an empty one has no line).
fn walk<'a>(t: &'a Template, out: &mut Vec<Piece<'a>>, literals: &mut usize) {
    for el in t.iter() {
        match el {
            Element::Literal(l) => {
                let literal = *literals;
                *literals += 1;
                for line in l.as_str().split_inclusive('\n') {
                    out.push(Piece::Line {
                        literal,
                        text: line,
                    });
                }
            }
            Element::Interpolation(_) => out.push(Piece::Other),
            Element::Directive(d) => match &**d {
                Directive::If(i) => {
                    out.push(Piece::Other);
                    walk(&i.if_expr.template, out, literals);
                    if let Some(e) = &i.else_expr {
                        out.push(Piece::Other);
                        walk(&e.template, out, literals);
                    }
                    out.push(Piece::Other);
                }
                Directive::For(f) => {
                    out.push(Piece::Other);
                    walk(&f.for_expr.template, out, literals);
                    out.push(Piece::Other);
                }
            },
        }
    }
}

/// Every literal's value after hcl's stripping, in source order.
fn stripped(pieces: &[Piece<'_>], literals: usize) -> Vec<String> {
    let mut min = usize::MAX;
    let mut adjust = vec![false; pieces.len()];
    let mut newline = true;
    for (i, p) in pieces.iter().enumerate() {
        if newline {
            newline = false;
            let spaces = match p {
                Piece::Line { text, .. } => {
                    let rest = text.trim_start_matches(char::is_whitespace);
                    if rest.is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust[i] = true;
                        clusters(&text[..text.len() - rest.len()])
                    }
                }
                Piece::Other => 0,
            };
            min = min.min(spaces);
        }
        if let Piece::Line { text, .. } = p {
            newline = text.ends_with('\n');
        }
    }
    let mut out = vec![String::new(); literals];
    for (i, p) in pieces.iter().enumerate() {
        let Piece::Line { literal, text } = p else {
            continue;
        };
        let kept = if adjust[i] && min != usize::MAX {
            strip(text, min)
        } else {
            text
        };
        if let Some(o) = out.get_mut(*literal) {
            o.push_str(kept);
        }
    }
    out
}

/// Grapheme clusters of a run of white space: `\r\n` is one.
fn clusters(space: &str) -> usize {
    space.chars().count() - space.matches("\r\n").count()
}

/// `line` without its first `n` clusters (see the module's note).
fn strip(line: &str, n: usize) -> &str {
    let mut rest = line;
    for _ in 0..n {
        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            return rest;
        };
        let mut at = c.len_utf8();
        if c == '\r' && rest[at..].starts_with('\n') {
            at += 1;
        }
        at += rest[at..]
            .chars()
            .take_while(|x| extends(*x))
            .map(char::len_utf8)
            .sum::<usize>();
        rest = &rest[at..];
    }
    rest
}

fn extends(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) != 0
        || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
}

/// Every literal of `t`, directive bodies included, in source order.
fn literals_mut<'t>(t: &'t mut Template, out: &mut Vec<&'t mut String>) {
    for el in t.iter_mut() {
        match el {
            Element::Literal(l) => out.push(l.as_mut()),
            Element::Interpolation(_) => {}
            Element::Directive(d) => match &mut **d {
                Directive::If(i) => {
                    literals_mut(&mut i.if_expr.template, out);
                    if let Some(e) = &mut i.else_expr {
                        literals_mut(&mut e.template, out);
                    }
                }
                Directive::For(f) => literals_mut(&mut f.for_expr.template, out),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `x = <<-EOT ...` as a plain text (no interpolation).
    fn value(src: &str) -> String {
        let body = hcl_edit::parser::parse_body(src).expect("parses");
        let attr = body.attributes().next().expect("one attribute");
        let hcl_edit::expr::Expression::HeredocTemplate(h) = &attr.value else {
            panic!("not a heredoc");
        };
        let t = flush(h, src).expect("a flush heredoc");
        let mut out = String::new();
        let mut pieces = Vec::new();
        walk(&t, &mut pieces, &mut 0);
        for p in pieces {
            match p {
                Piece::Line { text, .. } => out.push_str(text),
                Piece::Other => out.push_str("<>"),
            }
        }
        out
    }

    /// hcl's own cases (hclsyntax/parser_test.go "flush heredoc" rows) and
    /// redteam4 F8's: a white-space-only line neither counts nor is
    /// stripped.
    #[test]
    fn blank_lines_neither_count_nor_are_stripped() {
        assert_eq!(
            value("x = <<-EOT\n    a\n   \n      b\nEOT\n"),
            "a\n   \n  b\n"
        );
        assert_eq!(
            value("x = <<-EOT\n          server {\n  \n          }\n        EOT\n"),
            "server {\n  \n}\n"
        );
        assert_eq!(value("x = <<-EOT\n  a\n\n  b\n  EOT\n"), "a\n\nb\n");
        // A line starting with an interpolation: nothing is stripped.
        assert_eq!(value("x = <<-EOT\n  a\n${b}\n  EOT\n"), "  a\n<>\n");
        // Lines inside a directive's body count and are stripped.
        assert_eq!(
            value("x = <<-EOT\n    a %{ if true }\n  b\n    %{ endif }\n  EOT\n"),
            "  a <>\nb\n  <>\n"
        );
        assert_eq!(value("x = <<-EOT\n\t\tone\n\t\ttwo\n  EOT\n"), "one\ntwo\n");
    }

    #[test]
    fn a_plain_heredoc_is_not_ours() {
        let src = "x = <<EOT\n  a\nEOT\n";
        let body = hcl_edit::parser::parse_body(src).expect("parses");
        let attr = body.attributes().next().expect("one attribute");
        let hcl_edit::expr::Expression::HeredocTemplate(h) = &attr.value else {
            panic!("not a heredoc");
        };
        assert!(flush(h, src).is_none());
    }

    #[test]
    fn combining_marks_go_with_the_last_stripped_space() {
        assert_eq!(strip("  \u{301}a", 2), "a");
        assert_eq!(strip("\r\n", 1), "");
        assert_eq!(clusters(" \t\r\n"), 3);
    }
}
