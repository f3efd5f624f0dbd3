//! A template's literal values as hclsyntax makes them, from the file's
//! own text: hcl-edit's tree gives the structure (literals, sequences and
//! directive bodies), but its literals are not hclsyntax's.
//!
//! hclsyntax (parser_template.go parseTemplateParts, then
//! flushHeredocTemplateParts; the same code at 68a97f93bb48 for Nomad
//! 1.0.0 and v2.20.2-nomad-1 for 1.8.1 to 2.0.5) works on a flat stream
//! of tokens ([`crate::jobspec::hclsyntax::parts`]), directive bodies
//! inlined:
//! - every literal token goes through ParseStringLiteralToken: a quoted
//!   string's backslash escapes are decoded inside `%{ if }`/`%{ for }`
//!   bodies too, where hcl-edit leaves them as written (R16-32);
//! - a `~` trims the white space (unicode.IsSpace) of the one adjacent
//!   token only: after `~}` the next token if it is a literal, before
//!   `${~`/`%{~` the previous one if it is a literal. A heredoc has one
//!   literal token per line, so `%{ for x in xs ~}` trims to the end of
//!   its own line and never into the next line's indentation (R16-30);
//! - a `<<-` heredoc is then stripped, over the trimmed tokens: a token
//!   starts a line only if the token before it still ends in a line end.
//!   A line that starts with a literal counts the grapheme clusters of its
//!   leading white space; one that starts with `${` or `%{` counts 0, so
//!   nothing is stripped; a line that is white space only, to its line
//!   end, is "a blank line and thus not considered for space-prefix-
//!   counting purposes", and it is not stripped either; every other line
//!   loses the smallest count, lines inside directive bodies included.
//!
//! hcl-edit dedents a `<<-` heredoc its own way (Template::dedent) and
//! trims at its elements' edges, whole multi-line literals at a time, so
//! none of its literal values is used where any of this applies.
//!
//! Grapheme clusters are approximated: a white-space character is one, as
//! is `\r\n`, and stripping the last one also takes the combining marks
//! (canonical combining class not 0, ZWJ, ZWNJ, variation selectors) that
//! follow it, as textseg's cluster would.

use hcl_edit::template::{Directive, Element, Strip, Template};

use super::hclsyntax::parts::{self, Part};

/// Whether hcl-edit's own literal values of `t` may differ from
/// hclsyntax's: a directive (whose body hcl-edit reads unescaped), a `~`
/// anywhere, or a `<<-` heredoc (`flush`).
pub fn needs_hclsyntax(t: &Template, flush: bool) -> bool {
    flush || t.iter().any(element_needs)
}

fn element_needs(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip != Strip::None,
        Element::Directive(_) => true,
    }
}

/// `t`, the template whose `"` or `<<` opens at byte `at` of `text`, with
/// every literal holding hclsyntax's value and no `~` left to apply. None
/// where the text there is not the template hcl-edit read (its tokens do
/// not line up with the tree) or holds an escape hclsyntax refuses (the
/// parse refuses the file first: parse.rs's blind spots).
pub fn hclsyntax_template(t: &Template, at: usize, text: &str) -> Option<Template> {
    let flush = text.get(at..)?.starts_with("<<-");
    let (toks, quoted) = parts::template_parts(text, at)?;
    let mut toks: Vec<Tok> = toks
        .into_iter()
        .map(|p| match p {
            Part::Literal { start, end } => {
                let (s, errors) = parts::string_literal(text.get(start..end)?, quoted);
                errors.is_empty().then_some(Tok::Lit(s))
            }
            Part::Sequence {
                trim_before,
                trim_after,
                ..
            } => Some(Tok::Seq {
                trim_before,
                trim_after,
            }),
        })
        .collect::<Option<_>>()?;
    trim(&mut toks);
    if flush {
        strip_flush(&mut toks);
    }
    // hcl-edit's literal is a run of hclsyntax's literal tokens.
    let mut groups: Vec<Option<String>> = Vec::new();
    for t in toks {
        match (t, groups.last_mut()) {
            (Tok::Lit(s), Some(Some(g))) => g.push_str(&s),
            (Tok::Lit(s), _) => groups.push(Some(s)),
            (Tok::Seq { .. }, _) => groups.push(None),
        }
    }
    let mut out = t.clone();
    let mut slots = Vec::new();
    slots_mut(&mut out, &mut slots);
    if slots.len() != groups.len() {
        return None;
    }
    for (slot, group) in slots.into_iter().zip(groups) {
        match (slot, group) {
            (Slot::Literal(l), Some(g)) => *l = g,
            (Slot::Sequence, None) => {}
            _ => return None,
        }
    }
    Some(out)
}

enum Tok {
    Lit(String),
    Seq { trim_before: bool, trim_after: bool },
}

/// parseTemplateParts' `~` handling: `~}` trims the next token's leading
/// white space if it is a literal; `${~`/`%{~` the previous token's
/// trailing white space if it is a literal.
fn trim(toks: &mut [Tok]) {
    let mut trim_next = false;
    for i in 0..toks.len() {
        let ltrim = std::mem::take(&mut trim_next);
        let (before, rest) = toks.split_at_mut(i);
        match &mut rest[0] {
            Tok::Lit(s) => {
                if ltrim {
                    *s = s.trim_start_matches(char::is_whitespace).to_string();
                }
            }
            Tok::Seq {
                trim_before,
                trim_after,
            } => {
                if *trim_before {
                    if let Some(Tok::Lit(prev)) = before.last_mut() {
                        prev.truncate(prev.trim_end_matches(char::is_whitespace).len());
                    }
                }
                trim_next = *trim_after;
            }
        }
    }
}

/// flushHeredocTemplateParts over the trimmed tokens.
fn strip_flush(toks: &mut [Tok]) {
    let mut min = usize::MAX;
    let mut adjust = vec![false; toks.len()];
    let mut newline = true;
    for (i, t) in toks.iter().enumerate() {
        if newline {
            newline = false;
            let spaces = match t {
                Tok::Lit(text) => {
                    let rest = text.trim_start_matches(char::is_whitespace);
                    if rest.is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust[i] = true;
                        clusters(&text[..text.len() - rest.len()])
                    }
                }
                Tok::Seq { .. } => 0,
            };
            min = min.min(spaces);
        }
        if let Tok::Lit(text) = t {
            newline = text.ends_with('\n');
        }
    }
    if min == usize::MAX {
        return;
    }
    for (t, adjust) in toks.iter_mut().zip(adjust) {
        if let (Tok::Lit(text), true) = (t, adjust) {
            *text = strip(text, min).to_string();
        }
    }
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

/// A place in hcl-edit's tree, in source order (directive bodies
/// inlined): a literal's value, or a `${}`/`%{}` sequence.
enum Slot<'t> {
    Literal(&'t mut String),
    Sequence,
}

/// Every literal and sequence of `t`, each sequence's `~` dropped (the
/// literals now hold what it trimmed).
fn slots_mut<'t>(t: &'t mut Template, out: &mut Vec<Slot<'t>>) {
    for el in t.iter_mut() {
        match el {
            Element::Literal(l) => out.push(Slot::Literal(l.as_mut())),
            Element::Interpolation(i) => {
                i.strip = Strip::None;
                out.push(Slot::Sequence);
            }
            Element::Directive(d) => match &mut **d {
                Directive::If(i) => {
                    i.if_expr.strip = Strip::None;
                    out.push(Slot::Sequence);
                    slots_mut(&mut i.if_expr.template, out);
                    if let Some(e) = &mut i.else_expr {
                        e.strip = Strip::None;
                        out.push(Slot::Sequence);
                        slots_mut(&mut e.template, out);
                    }
                    i.endif_expr.strip = Strip::None;
                    out.push(Slot::Sequence);
                }
                Directive::For(f) => {
                    f.for_expr.strip = Strip::None;
                    out.push(Slot::Sequence);
                    slots_mut(&mut f.for_expr.template, out);
                    f.endfor_expr.strip = Strip::None;
                    out.push(Slot::Sequence);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests;
