//! The order in which Nomad's job decoder (jobspec2, 1.0+) reports several
//! errors of its decoding stage, or that it has none. For each body, gohcl's
//! `decodeBodyToStruct` (hcl gohcl/decode.go, the same in every hcl Nomad
//! vendors) first takes its content (hclsyntax `Body.Content`: the blocks'
//! label errors, in source order), then decodes its attributes, then its
//! blocks, recursing into each. It ranges over Go maps for the attributes
//! and for the block kinds (`tags.Attributes`, `tags.Blocks`): two errors
//! in two attributes of one block, or under two different kinds of child
//! block, come out in Go's randomised map order, a fresh one per run.
//! Within one kind the blocks are walked in source order. gohcl (and
//! hcldec's ObjectSpec, for affinities and constraints) collects every
//! error of every attribute and block, and jobspec2's decode prints each
//! one a line: where the map order decides, every line is certain and only
//! their order is chance, so all are said in a stated order (attributes
//! and block kinds as the file first gives them) with a note that Nomad's
//! changes from run to run.
//!
//! jobspec2's own decoders take some blocks in a pass of their own before
//! gohcl's walk of the rest of their body, the same at every tag from
//! 1.0.0 to 2.0.5: types.config.go decodeJob takes the job's `vault`,
//! `secret` (1.11+) and `task` with a PartialContent (their label errors),
//! decodes them in source order (decodeTopLevelExtras), and only then hands
//! the rest to gohcl; hcl_conversions.go decodeTask does the same with the
//! task's `scaling` (PartialContent, decodeTaskScalingPolicies, then the
//! rest). So their errors come first in their body: label errors, then
//! each block's in source order. Before that pass, decodeAsAttribute reads
//! the task's `env` and then `meta` written as an argument (1.0.4+; before,
//! gohcl refuses the argument): its errors, or its refusal of a block of
//! that name beside the argument, come first of all. decodeTaskGroup
//! returns at its own decodeAsAttribute's errors and at its `vault`'s and
//! `secret`'s label errors (the group's other errors are never printed,
//! and are dropped here), and drops those blocks' decoding errors. A
//! file-level label error stops the decoding: how many lines Nomad prints
//! there can depend on the order, which is not guessed. Two errors inside
//! one attribute come in its evaluation order, not followed here.

use std::cmp::Ordering;

use hcl_edit::structure::Body;

use super::unknown_keys::Item;
use crate::diag::Diag;
use crate::jobspec::eval::span_of;
use crate::source::Span;

/// One block enclosing an error: its kind, its span, and where the first
/// block of its kind in the same body starts (the stated order of kinds).
#[derive(Clone, Copy)]
struct Link<'b> {
    kind: &'b str,
    span: Span,
    kind_first: usize,
    /// Taken by a pass of jobspec2's own before gohcl's ([`OWN_PASS`]),
    /// which walks its blocks in source order whatever their kind.
    own: bool,
    /// That pass runs before gohcl's walk of the rest of the parent body
    /// (the job's and the task's; the group's is not ordered).
    first: bool,
}

/// The blocks enclosing `offset`, outermost first, and the innermost body.
fn chain(body: &Body, offset: usize) -> (Vec<Link<'_>>, &Body) {
    let mut out = Vec::new();
    let mut here = body;
    while let Some(b) = here.blocks().find(|b| {
        let s = span_of(*b);
        s.start <= offset && offset < s.end
    }) {
        let kind_first = here
            .blocks()
            .filter(|o| o.ident.as_str() == b.ident.as_str())
            .map(|o| span_of(o).start)
            .min()
            .unwrap_or(0);
        let parent = out.last().map_or("", |l: &Link<'_>| l.kind);
        let own = OWN_PASS.contains(&(parent, b.ident.as_str()));
        out.push(Link {
            kind: b.ident.as_str(),
            span: span_of(b),
            kind_first: if own { span_of(b).start } else { kind_first },
            own,
            first: own && parent != "group",
        });
        here = &b.body;
    }
    (out, here)
}

/// What an error is in the body that reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    /// decodeAsAttribute's errors in a job's, a group's or a task's body
    /// (1.0.4+): a
    /// `meta` (or a task's `env`) block beside the argument of that name,
    /// or that argument's value (at its start). The first its body
    /// reports, the task's `env` (0) before its `meta` (1).
    PreAttr(u8, usize),
    /// The label count of a block of the job's or the task's own pass
    /// (their PartialContent, before that pass decodes anything).
    OwnLabel(usize),
    /// A child block's label count (Content), at the block's start.
    Label(usize),
    /// An argument the schema lacks (Content, after the labels, in Go's
    /// map order), at its start.
    Unsupported(usize),
    /// A block type the schema lacks (Content, after the arguments, in
    /// source order), at the block's start.
    UnsupportedBlock(usize),
    /// A property of a JSON body the schema lacks (hcl json Content,
    /// after PartialContent's errors, in source order:
    /// json_extraneous.rs), at its key.
    Extraneous(usize),
    /// An argument a JSON body sets twice (hcl json PartialContent, in
    /// source order among its label errors), at the second key.
    Duplicate(usize),
    /// An attribute's value (gohcl's attribute loop): the attribute's start.
    Attr(usize),
}

/// One error: the blocks of the body reporting it (outermost first) and
/// its stage there.
struct Place<'b> {
    owner: Vec<Link<'b>>,
    stage: Stage,
    /// Every block kind on its path, the labelled block's last.
    kinds: Vec<&'b str>,
}

/// `as_attribute`: the release reads `meta` and `env` as arguments
/// (decodeAsAttribute, 1.0.4+).
fn place<'b>(body: &'b Body, d: &Diag, as_attribute: bool) -> Place<'b> {
    let offset = d.primary_span().map_or(0, |s| s.start);
    let (mut owner, inner) = chain(body, offset);
    let kinds: Vec<&str> = owner.iter().map(|l| l.kind).collect();
    let stage = if super::eval::is_argument_and_block(&d.message) {
        // At the block's header: reported by the body holding it.
        let block = owner.pop();
        Stage::PreAttr(u8::from(block.is_none_or(|l| l.kind != "env")), 0)
    } else if super::json_extraneous::is_duplicate(d) {
        Stage::Duplicate(offset)
    } else if super::json_extraneous::is_extraneous(d) {
        Stage::Extraneous(offset)
    } else if let Some(item) = super::unknown_keys::hcl_unknown(d) {
        match item {
            // Reported by its parent's Content, as a label error is.
            Item::Block => Stage::UnsupportedBlock(owner.pop().map_or(offset, |l| l.span.start)),
            Item::Argument => Stage::Unsupported(offset),
        }
    } else if d.code == "jobspec::label" {
        // The labelled block is reported by its parent's Content.
        let block = owner.pop();
        let at = block.map_or(0, |l| l.span.start);
        if block.is_some_and(|l| l.first) {
            Stage::OwnLabel(at)
        } else {
            Stage::Label(at)
        }
    } else {
        let found = inner.attributes().find(|a| {
            let s = span_of(*a);
            s.start <= offset && offset < s.end
        });
        let attr = found.map(|a| a.key.as_str());
        let at = found.map_or(offset, |a| span_of(a).start);
        let body = owner.last().map_or("", |l| l.kind);
        match (body, attr) {
            ("job" | "group" | "task", Some("meta")) if as_attribute => Stage::PreAttr(1, at),
            ("task", Some("env")) if as_attribute => Stage::PreAttr(0, at),
            _ => Stage::Attr(at),
        }
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

/// A dynamic block's content (dynblock's expansion): where it falls is
/// not followed here.
fn unfollowed(p: &Place<'_>) -> bool {
    // A job-level task's scaling: whether decodeTopLevelExtras's gohcl
    // call reaches decodeTask there is not followed.
    let top_task_scaling = p.kinds.windows(3).any(|w| w == ["job", "task", "scaling"]);
    p.kinds.contains(&"dynamic") || top_task_scaling
}

/// A label error of a group's `vault` or `secret` (decodeTaskGroup's
/// PartialContent), or its decodeAsAttribute's error (the `meta`
/// argument's value, a `meta` block beside it), at which it returns: the
/// group's span.
fn group_stop(p: &Place<'_>) -> Option<Span> {
    let own = matches!(p.stage, Stage::Label(_))
        && matches!(p.kinds.as_slice(), [.., "group", child] if OWN_PASS.contains(&("group", *child)));
    let pre =
        matches!(p.stage, Stage::PreAttr(..)) && p.owner.last().is_some_and(|l| l.kind == "group");
    (own || pre)
        .then(|| p.owner.last().map(|l| l.span))
        .flatten()
}

/// Drops what decodeTaskGroup never prints: every error of a group whose
/// `meta` argument (decodeAsAttribute, 1.0.4+) or whose `vault` or
/// `secret` labels have errors but those errors (it returns at them,
/// hcl_conversions.go, 1.0.0 to 2.0.5).
fn printed<'b, 'd>(places: Vec<Place<'b>>, diags: &[&'d Diag]) -> (Vec<Place<'b>>, Vec<&'d Diag>) {
    let stops: Vec<Span> = places.iter().filter_map(group_stop).collect();
    if stops.is_empty() {
        return (places, diags.to_vec());
    }
    let mut kept = (Vec::new(), Vec::new());
    for (p, d) in places.into_iter().zip(diags) {
        let in_stopped = p.owner.iter().any(|l| stops.contains(&l.span));
        if in_stopped && group_stop(&p).is_none() {
            continue;
        }
        kept.0.push(p);
        kept.1.push(*d);
    }
    kept
}

/// gohcl's order of two errors, or None where Go's map order decides.
/// How gohcl orders two errors.
#[derive(Debug, PartialEq, Eq)]
enum Between {
    /// Always so.
    Fixed(Ordering),
    /// Go's map order: either way, a fresh one per run.
    Chance,
    /// Two errors of one attribute: its evaluation's order.
    Unknown,
}

fn order(a: &Place<'_>, b: &Place<'_>) -> Between {
    let common = a
        .owner
        .iter()
        .zip(&b.owner)
        .take_while(|(x, y)| x.span == y.span)
        .count();
    match (a.owner.get(common), b.owner.get(common)) {
        (None, None) => match (a.stage, b.stage) {
            (Stage::Attr(x), Stage::Attr(y)) if x == y => Between::Unknown,
            (Stage::PreAttr(r, x), Stage::PreAttr(s, y)) if r == s && x == y => Between::Unknown,
            // Two attributes of one block: the attributes' map order.
            (Stage::Attr(_), Stage::Attr(_)) => Between::Chance,
            // Content's unsupported arguments: `b.Attributes`' map order.
            (Stage::Unsupported(x), Stage::Unsupported(y)) if x != y => Between::Chance,
            (x, y) => Between::Fixed(stage_key(x).cmp(&stage_key(y))),
        },
        // Blocks of jobspec2's own pass (decodeTopLevelExtras, the
        // group's extras, decodeTask's scaling): in source order. Where
        // that pass falls among gohcl's walk of the rest is not followed.
        (Some(x), Some(y)) if x.own && y.own => Between::Fixed(x.span.start.cmp(&y.span.start)),
        // The job's and the task's own pass comes before gohcl's walk of
        // the rest of the body, after decodeAsAttribute's errors and its
        // own label errors.
        (Some(x), Some(_)) if x.first => Between::Fixed(Ordering::Less),
        (Some(_), Some(y)) if y.first => Between::Fixed(Ordering::Greater),
        (Some(x), None) if x.first => Between::Fixed(beside_own_pass(b)),
        (None, Some(y)) if y.first => Between::Fixed(beside_own_pass(a).reverse()),
        (Some(x), _) | (_, Some(x)) if x.own => Between::Unknown,
        // What the common body reports itself comes before its blocks'.
        (None, Some(_)) => Between::Fixed(Ordering::Less),
        (Some(_), None) => Between::Fixed(Ordering::Greater),
        (Some(x), Some(y)) if x.kind == y.kind => Between::Fixed(x.span.start.cmp(&y.span.start)),
        // Two kinds of block: the blocks' map order.
        _ => Between::Chance,
    }
}

/// Where an error its body reports itself falls against an error inside
/// a block of that body's own pass (Less: before it).
fn beside_own_pass(p: &Place<'_>) -> Ordering {
    match p.stage {
        Stage::PreAttr(..) | Stage::OwnLabel(_) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// The stated order: gohcl's walk, with attributes and block kinds (whose
/// order is Go's map order) as the file first gives them. It agrees with
/// every [`Between::Fixed`].
fn stated(p: &Place<'_>) -> Vec<(u8, usize, usize)> {
    let mut key: Vec<(u8, usize, usize)> = p
        .owner
        .iter()
        .map(|l| {
            let at = if l.first { 2 } else { 9 };
            (at, l.kind_first, l.span.start)
        })
        .collect();
    key.push(stage_key(p.stage));
    key
}

/// A stage's place in its body's report: decodeAsAttribute's errors, the
/// own pass's labels (its blocks, keyed 2 in [`stated`], next), then
/// Content's labels,
/// unsupported arguments and blocks, then gohcl's attributes (its other
/// blocks' reports, keyed 9 in [`stated`], come last).
fn stage_key(s: Stage) -> (u8, usize, usize) {
    match s {
        Stage::PreAttr(r, x) => (0, usize::from(r), x),
        Stage::OwnLabel(x) => (1, x, 0),
        Stage::Label(x) => (3, x, 0),
        Stage::Unsupported(x) => (4, x, 0),
        Stage::UnsupportedBlock(x) => (5, x, 0),
        Stage::Extraneous(x) => (4, x, 0),
        Stage::Duplicate(x) => (3, x, 0),
        Stage::Attr(x) => (6, x, 0),
    }
}

/// The errors of jobspec2's decoding in the order Nomad prints them.
#[derive(Debug)]
pub struct Ordered<'d> {
    pub diags: Vec<&'d Diag>,
    /// Go's map order decides some of it: Nomad prints these same lines,
    /// in an order that changes from run to run; `diags` is the stated one.
    pub chance: bool,
}

/// `diags` (label errors and decoding errors, each located in the file) in
/// the order Nomad reports them, or None when a pass of jobspec2's own, a
/// file-level label error (both may say fewer lines, by the order) or an
/// attribute's evaluation decides it.
pub fn nomad_order<'d>(
    body: &Body,
    diags: &[&'d Diag],
    version: crate::version::NomadVersion,
) -> Option<Ordered<'d>> {
    let as_attribute = version.at_least(1, 0, 4);
    let places: Vec<Place<'_>> = diags.iter().map(|d| place(body, d, as_attribute)).collect();
    if places.iter().any(unfollowed) {
        return None;
    }
    let (places, diags) = printed(places, diags);
    // A label error of the file's own blocks stops the decoding there.
    if places.iter().any(|p| p.owner.is_empty()) && places.iter().any(|p| !p.owner.is_empty()) {
        return None;
    }
    let mut chance = false;
    for i in 0..places.len() {
        for j in i + 1..places.len() {
            match order(&places[i], &places[j]) {
                Between::Unknown => return None,
                Between::Chance => chance = true,
                Between::Fixed(_) => {}
            }
        }
    }
    let mut at: Vec<usize> = (0..diags.len()).collect();
    at.sort_by_cached_key(|&i| stated(&places[i]));
    Some(Ordered {
        diags: at.into_iter().map(|i| diags[i]).collect(),
        chance,
    })
}

/// The note beside `n` decoding errors Nomad prints in Go's map order.
pub fn note(src: &crate::source::Source, n: usize) -> Diag {
    Diag::error(
        MAP_ORDER,
        format!("Nomad's decoder reports these {n} errors in Go's map order (gohcl ranges over a block's attributes and kinds of block), which changes from run to run; they are listed here with attributes and kinds of block in the order the file first gives them"),
    )
    .with_severity(crate::diag::Severity::Advice)
    .in_source(src)
    .help("the job is refused whichever order Nomad prints: fix every line")
}

/// The code of [`note`].
pub const MAP_ORDER: &str = "jobspec::decode-map-order";

/// The errors of a file that did not load which Nomad's CLI reports (its
/// job parser's), as opposed to the servers' (Job.Validate's).
pub(crate) fn client_errors(
    parsed: &super::ParsedJob,
    version: crate::version::NomadVersion,
) -> Vec<&Diag> {
    let server = parsed
        .job
        .as_ref()
        .map(|job| super::validation_errors(job, &parsed.source, version, parsed.edition))
        .unwrap_or_default();
    let from_server = |d: &Diag| {
        server
            .iter()
            .any(|s| s.message == d.message && s.primary_span() == d.primary_span())
    };
    parsed
        .diags
        .iter()
        .filter(|d| d.is_error() && !from_server(d))
        .collect()
}

/// An error of jobspec2's decoding stage (gohcl, hcldec, a block's labels).
pub(crate) fn decoding(d: &Diag) -> bool {
    d.code == "jobspec::label"
        || (d.code == "jobspec::duplicate" && super::eval::is_duplicate_block(&d.message))
        || super::unknown_keys::is_hcl_unknown(d)
        || super::json_extraneous::is_extraneous(d)
        || (d.code == "jobspec::type"
            && (d.message.starts_with(super::decode_type::GOHCL)
                || d.message.starts_with(super::decode_type::HCLDEC)))
}

/// Decoding errors (`client`, all of them) in Nomad's order
/// (decode_order.rs).
pub(crate) fn decoding_order<'d>(
    parsed: &super::ParsedJob,
    client: &[&'d Diag],
    version: crate::version::NomadVersion,
) -> Option<Ordered<'d>> {
    // One line, or the same line again (a key of a dynamic block's content,
    // refused once per generated block): no order to tell.
    let same =
        |a: &&Diag, b: &&Diag| a.message == b.message && a.primary_span() == b.primary_span();
    match client {
        [_] => Some(Ordered {
            diags: client.to_vec(),
            chance: false,
        }),
        [first, rest @ ..] if rest.iter().all(|d| same(first, d)) => Some(Ordered {
            diags: client.to_vec(),
            chance: false,
        }),
        _ => parsed
            .body
            .as_ref()
            .and_then(|b| nomad_order(b, client, version)),
    }
}

/// The note beside a refusal of jobspec2's decoding whose lines Nomad
/// prints in Go's map order (see [`refusal`]): the loader adds it to the
/// file's diagnostics, so every command and report says it.
pub fn decode_order_note(
    parsed: &super::ParsedJob,
    version: crate::version::NomadVersion,
) -> Option<Diag> {
    let hcl2 = version.at_least(1, 0, 0);
    let errors = parsed.diags.iter().filter(|d| d.is_error());
    // Cheap first: two decoding errors at least, nothing else.
    if !hcl2 || errors.clone().filter(|d| decoding(d)).count() < 2 {
        return None;
    }
    let client = client_errors(parsed, version);
    if !client.iter().all(|d| decoding(d)) {
        return None;
    }
    let ordered = decoding_order(parsed, &client, version)?;
    ordered
        .chance
        .then(|| note(&parsed.source, ordered.diags.len()))
}

#[cfg(test)]
#[path = "decode_order_tests.rs"]
mod tests;
