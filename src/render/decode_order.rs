//! The order in which Nomad's job decoder (jobspec2, 1.0+) reports several
//! decoding errors, or that it has none. gohcl's `decodeBodyToStruct`
//! (hcl gohcl/decode.go, the same in every hcl Nomad vendors) decodes a
//! body's attributes first and its blocks after, but it ranges over Go
//! maps for both (`tags.Attributes`, `tags.Blocks`): two errors in two
//! attributes of one block, or under two different kinds of child block,
//! come out in Go's randomised map order, a fresh one per run. Within one
//! kind the blocks are walked in source order. hcl prints only the first
//! error and a count (`Diagnostics.Error()`), so where the first depends on
//! the map order Nomad's text is not knowable, and is not guessed.

use std::cmp::Ordering;

use hcl_edit::structure::Body;

use crate::diag::Diag;
use crate::jobspec::eval::span_of;
use crate::source::Span;

/// The blocks enclosing `offset`, outermost first: each one's kind and span.
fn chain(body: &Body, offset: usize) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut here = body;
    while let Some(b) = here.blocks().find(|b| {
        let s = span_of(*b);
        s.start <= offset && offset < s.end
    }) {
        out.push((b.ident.as_str(), span_of(b)));
        here = &b.body;
    }
    out
}

/// gohcl's order of two errors whose blocks are `a` and `b` (each error an
/// attribute of the innermost block of its chain), or None where Go's map
/// order decides.
fn order(a: &[(&str, Span)], b: &[(&str, Span)]) -> Option<Ordering> {
    // `dynamic` blocks are expanded (dynblock) before decoding: their
    // content's place is not the text's.
    if a.iter().chain(b).any(|(kind, _)| *kind == "dynamic") {
        return None;
    }
    let common = a.iter().zip(b).take_while(|(x, y)| x.1 == y.1).count();
    match (a.get(common), b.get(common)) {
        // Two attributes of one block: the attributes' map order.
        (None, None) => None,
        // An attribute of the common block comes before its blocks.
        (None, Some(_)) => Some(Ordering::Less),
        (Some(_), None) => Some(Ordering::Greater),
        (Some(x), Some(y)) if x.0 == y.0 => Some(x.1.start.cmp(&y.1.start)),
        // Two kinds of block: the blocks' map order.
        _ => None,
    }
}

/// `diags` (decoding errors, each located at its value) in the order Nomad
/// reports them, or None when that order is Go's random map order.
pub fn nomad_order<'d>(body: &Body, diags: &[&'d Diag]) -> Option<Vec<&'d Diag>> {
    let chains: Vec<Vec<(&str, Span)>> = diags
        .iter()
        .map(|d| chain(body, d.primary_span().map_or(0, |s| s.start)))
        .collect();
    for i in 0..chains.len() {
        for j in i + 1..chains.len() {
            order(&chains[i], &chains[j])?;
        }
    }
    let mut at: Vec<usize> = (0..diags.len()).collect();
    at.sort_by(|&i, &j| order(&chains[i], &chains[j]).unwrap_or(Ordering::Equal));
    Some(at.into_iter().map(|i| diags[i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> Diag {
        let start = text.find(needle).expect("needle");
        let src = crate::source::SourceFile::new(
            crate::source::Origin::Inline("t".into()),
            "t.nomad",
            text,
        );
        Diag::error("jobspec::type", needle).at(&src, Span::new(start, start + needle.len()), "")
    }

    fn first(text: &str, needles: &[&str]) -> Option<String> {
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let diags: Vec<Diag> = needles.iter().map(|n| at(text, n)).collect();
        let refs: Vec<&Diag> = diags.iter().collect();
        nomad_order(&body, &refs).map(|o| o[0].message.clone())
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
    }
}
