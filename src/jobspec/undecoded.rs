//! The bodies jobspec2 (1.0+) never decodes, or decodes and then forgets
//! the errors of: nothing Nomad would say about their insides may be said.
//!
//! - A block written twice where gohcl's field holds one: decodeBodyToStruct
//!   (hcl gohcl/decode.go, 2.7.1-nomad at 1.0.0 through 2.20.2-nomad-1 at
//!   2.0.5) reports `Duplicate x block` and `continue`s past the field, so
//!   neither copy's body is read: no type error, unknown key, label error or
//!   evaluation error from inside either is ever printed.
//! - A job's `vault` written twice: decodeTopLevelExtras (types.config.go,
//!   1.0.0-2.0.5) decodes the first and refuses each later one in its own
//!   words (`Only one block of type "vault" is allowed. Previous definition
//!   was at RANGE.`), leaving that one's body unread.
//! - A group's `vault` (and, 1.11+, `secret`): decodeTaskGroup
//!   (hcl_conversions.go, 1.0.0-2.0.5) decodes each copy into `diags`, then
//!   overwrites `diags` with gohcl's decoding of the rest of the group: every
//!   error from inside them is dropped, and the last `vault` wins. A typo'd
//!   key there is accepted without a word.
//! - A group whose `meta` is both an argument and a block: decodeTaskGroup
//!   returns at decodeAsAttribute's refusal (1.0.4+): nothing else inside
//!   the group is decoded.
//!
//! - Before 1.0, the block whose keys HCL1's parser refuses first
//!   (jobspec/parse.go checkHCLKeys, at the block's start): the parse
//!   returns there, nothing inside it is read ([`hcl1_unread`]).
//!
//! The lowering still reads what it needs for the model; [`retain`] then
//! drops the decoding-stage diagnostics (evaluation, lowering, version
//! gates, labels) located inside these bodies. Validation (the servers')
//! still judges the job as Nomad decoded it.

use super::fields::{def_range, Cx, F};
use super::tree::Node;
use crate::diag::{Diag, Diags};
use crate::source::Span;

/// The inside of a body Nomad does not decode (or whose errors it drops),
/// except the one diagnostic Nomad prints there.
#[derive(Clone, Debug)]
pub struct Undecoded {
    inside: Span,
    except: Option<(String, Option<Span>)>,
}

/// The inside of `n`'s braces: its labels are its parent's to check.
fn interior(n: &Node, cx: &Cx<'_>) -> Span {
    let header = n.header_span();
    let open = cx
        .src
        .text
        .get(header.end..n.span.end)
        .and_then(|t| t.find('{'))
        .map_or(header.end, |i| header.end + i + 1);
    Span::new(open.min(n.span.end), n.span.end)
}

/// Nothing inside `nodes` is decoded (1.0+; HCL1's decoders differ).
pub fn mark(cx: &mut Cx<'_>, nodes: &[&Node]) {
    if !cx.hcl2() {
        return;
    }
    for n in nodes {
        let inside = interior(n, cx);
        cx.undecoded.push(Undecoded {
            inside,
            except: None,
        });
    }
}

/// Nothing inside `n` but the last diagnostic said is decoded (the group
/// decodeTaskGroup returns from at decodeAsAttribute's refusal).
pub fn mark_all_but_last(cx: &mut Cx<'_>, n: &Node) {
    let except = cx
        .diags
        .0
        .last()
        .map(|d| (d.message.clone(), d.primary_span()));
    let inside = interior(n, cx);
    cx.undecoded.push(Undecoded { inside, except });
}

/// A job's `vault` blocks as decodeTopLevelExtras takes them (1.0+): the
/// first, each later one refused at its DefRange naming the first's.
pub fn job_vault<'n>(f: &mut F<'n>, cx: &mut Cx<'_>) -> Option<&'n Node> {
    if !cx.hcl2() {
        return f.block(cx, "vault");
    }
    let all: Vec<&Node> = f.blocks("vault").collect();
    let (first, later) = all.split_first()?;
    let prev = def_range(first, cx);
    let at = super::hclsyntax::range_string(&cx.src.text, &cx.src.name, (prev.start, prev.end));
    for n in later {
        cx.error(
            "jobspec::duplicate",
            def_range(n, cx),
            format!("Duplicate vault block; Only one block of type \"vault\" is allowed. Previous definition was at {at}."),
            "defined again here",
            "merge the blocks into one",
        );
    }
    mark(cx, later);
    f.spans.set("vault", first.span);
    Some(first)
}

/// A group's `vault` blocks as decodeTaskGroup takes them (1.0+): every
/// one decoded, its errors dropped, the last kept.
pub fn group_vault<'n>(f: &mut F<'n>, cx: &mut Cx<'_>) -> Option<&'n Node> {
    if !cx.hcl2() {
        return f.block(cx, "vault");
    }
    let all: Vec<&Node> = f.blocks("vault").collect();
    mark(cx, &all);
    let last = *all.last()?;
    f.spans.set("vault", last.span);
    Some(last)
}

/// Drops from `diags[from..]` (the decoding stage's) what lies inside a
/// body in `undecoded`.
pub fn retain(diags: &mut Diags, from: usize, undecoded: &[Undecoded]) {
    if undecoded.is_empty() {
        return;
    }
    let silent = |d: &Diag| {
        let Some(at) = d.primary_span() else {
            return false;
        };
        undecoded.iter().any(|u| {
            let inside = u.inside.start <= at.start && at.start < u.inside.end;
            let excepted = u
                .except
                .as_ref()
                .is_some_and(|(m, s)| *m == d.message && *s == Some(at));
            inside && !excepted
        })
    };
    let mut i = 0;
    diags.0.retain(|d| {
        let keep = i < from || !silent(d);
        i += 1;
        keep
    });
}

/// Before 1.0: drops from `diags[range]` (the evaluation's and lowering's)
/// what lies inside `block`, the block whose key check stops HCL1's parse
/// (version_gates.rs `Gate`), but the refused keys themselves.
pub fn hcl1_unread(
    diags: &mut Diags,
    range: std::ops::Range<usize>,
    block: Span,
    src: &crate::source::Source,
) {
    let open = src
        .text
        .get(block.start..block.end)
        .and_then(|t| t.find('{'))
        .map_or(block.end, |i| block.start + i + 1);
    let keys = [super::version_gates::CODE, super::unknown_keys::CODE];
    let mut i = 0;
    diags.0.retain(|d| {
        let here = range.contains(&i);
        i += 1;
        let inside = d
            .primary_span()
            .is_some_and(|at| open <= at.start && at.start < block.end);
        !(here && inside && !keys.contains(&d.code.as_str()))
    });
}
