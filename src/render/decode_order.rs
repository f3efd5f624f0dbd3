//! The order in which Nomad's job decoder (jobspec2, 1.0+) reports several
//! errors of its decoding stage, or that it has none. For each body, gohcl's
//! `decodeBodyToStruct` (hcl gohcl/decode.go, the same in every hcl Nomad
//! vendors) first takes its content (hclsyntax `Body.Content`: the blocks'
//! label errors, in source order), then decodes its attributes, then its
//! blocks, recursing into each. It ranges over Go maps for the attributes
//! and for the block kinds (`tags.Attributes`, `tags.Blocks`): two errors
//! in two attributes of one block, or under two different kinds of child
//! block, come out in Go's randomised map order, a fresh one per run.
//! Within one kind the blocks are walked in source order. hcl prints only
//! the first error and a count (`Diagnostics.Error()`), so where the first
//! depends on the map order Nomad's text is not knowable, and is not
//! guessed.
//!
//! jobspec2's own decoders take some blocks in a pass of their own before
//! gohcl's (types.config.go decodeJob: the job's `vault`, `secret` and
//! `task`; hcl_conversions.go decodeTaskGroup: the group's `vault` and
//! `secret`, returning at their errors; decodeTask: the task's `scaling`),
//! and a file-level label error stops the decoding: errors there are not
//! ordered here either.

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

/// What an error is in the body that reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    /// A child block's label count (Content), at the block's start.
    Label(usize),
    /// An attribute's value (gohcl's attribute loop).
    Attr,
}

/// One error: the blocks of the body reporting it (outermost first) and
/// its stage there.
struct Place<'b> {
    owner: Vec<(&'b str, Span)>,
    stage: Stage,
    /// Every block kind on its path, the labelled block's last.
    kinds: Vec<&'b str>,
}

fn place<'b>(body: &'b Body, d: &Diag) -> Place<'b> {
    let mut owner = chain(body, d.primary_span().map_or(0, |s| s.start));
    let kinds: Vec<&str> = owner.iter().map(|(k, _)| *k).collect();
    let stage = if d.code == "jobspec::label" {
        // The labelled block is reported by its parent's Content.
        let block = owner.pop().map_or(0, |(_, s)| s.start);
        Stage::Label(block)
    } else {
        Stage::Attr
    };
    Place {
        owner,
        stage,
        kinds,
    }
}

/// The blocks jobspec2 takes in a pass before gohcl's, by parent kind.
const OWN_PASS: &[(&str, &str)] = &[
    ("job", "vault"),
    ("job", "secret"),
    ("job", "task"),
    ("group", "vault"),
    ("group", "secret"),
    ("task", "scaling"),
];

fn own_pass(p: &Place<'_>) -> bool {
    p.kinds.windows(2).any(|w| OWN_PASS.contains(&(w[0], w[1]))) || p.kinds.contains(&"dynamic")
}

/// gohcl's order of two errors, or None where Go's map order decides.
fn order(a: &Place<'_>, b: &Place<'_>) -> Option<Ordering> {
    let common = a
        .owner
        .iter()
        .zip(&b.owner)
        .take_while(|(x, y)| x.1 == y.1)
        .count();
    match (a.owner.get(common), b.owner.get(common)) {
        (None, None) => match (a.stage, b.stage) {
            (Stage::Label(x), Stage::Label(y)) => Some(x.cmp(&y)),
            (Stage::Label(_), Stage::Attr) => Some(Ordering::Less),
            (Stage::Attr, Stage::Label(_)) => Some(Ordering::Greater),
            // Two attributes of one block: the attributes' map order.
            (Stage::Attr, Stage::Attr) => None,
        },
        // What the common body reports itself comes before its blocks'.
        (None, Some(_)) => Some(Ordering::Less),
        (Some(_), None) => Some(Ordering::Greater),
        (Some(x), Some(y)) if x.0 == y.0 => Some(x.1.start.cmp(&y.1.start)),
        // Two kinds of block: the blocks' map order.
        _ => None,
    }
}

/// `diags` (label errors and decoding errors, each located in the file) in
/// the order Nomad reports them, or None when that order is Go's random
/// map order or a pass of jobspec2's own.
pub fn nomad_order<'d>(body: &Body, diags: &[&'d Diag]) -> Option<Vec<&'d Diag>> {
    let places: Vec<Place<'_>> = diags.iter().map(|d| place(body, d)).collect();
    if places.iter().any(own_pass) {
        return None;
    }
    // A label error of the file's own blocks stops the decoding there.
    if places.iter().any(|p| p.owner.is_empty()) && places.iter().any(|p| !p.owner.is_empty()) {
        return None;
    }
    for i in 0..places.len() {
        for j in i + 1..places.len() {
            order(&places[i], &places[j])?;
        }
    }
    let mut at: Vec<usize> = (0..diags.len()).collect();
    at.sort_by(|&i, &j| order(&places[i], &places[j]).unwrap_or(Ordering::Equal));
    Some(at.into_iter().map(|i| diags[i]).collect())
}

#[cfg(test)]
mod tests {
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
        let src = crate::source::SourceFile::new(
            crate::source::Origin::Inline("t".into()),
            "t.nomad",
            text,
        );
        Diag::error(code, needle).at(&src, Span::new(start, start + needle.len()), "")
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
        // A group's secret is jobspec2's own pass: not ordered here.
        let text = "job \"j\" {\n  group \"g\" {\n    secret {\n    }\n    service \"x\" {\n    }\n  }\n}\n";
        assert_eq!(first(text, &["{\n    }", "\"x\""]), None);
    }
}
