//! An unknown key in HCL2's words (Nomad 1.0 on). gohcl decodes each body
//! through hclsyntax's `Body.Content` (hcl/v2 hclsyntax/structure.go, the
//! same in every hcl Nomad vendors: 2.7.1 at 1.0.0, 2.9.2 at 1.6.0,
//! 2.20.2-nomad-1 at 2.0.5), which reports after its labels' errors:
//!
//! - each argument the schema lacks, in Go's map order (`b.Attributes`):
//!   `Unsupported argument; An argument named "x" is not expected here.`
//!   at the argument's name, then ` Did you mean "y"?` (the first schema
//!   argument not written in the body within Levenshtein distance 2,
//!   didyoumean.go `nameSuggestion`) or ` Did you mean to define a block
//!   of type "x"?` when `x` is a block of the schema;
//! - then each block the schema lacks, in source order:
//!   `Unsupported block type; Blocks of type "x" are not expected here.`
//!   at the block's type, then ` Did you mean "y"?` (among the schema's
//!   block types) or ` Did you mean to define argument "x"? If so, use the
//!   equals sign to assign it a value.` when `x` is an argument.
//!
//! The schema is gohcl's `ImpliedBodySchema` (arguments and block types
//! each sorted by name), as dynblock's `extendSchema` passes it on: the
//! `dynamic` block type, then what jobspec2's own passes hid (a job's
//! `vault`, `secret` and `task`, a group's `vault` and `secret`, a task's
//! `scaling`; their order among themselves is a Go map's, told apart by
//! no close typo). Which keys are unknown is the lowering's call
//! (fields.rs); this module words them.
//!
//! The file's top level is `jobConfigSchema` (types.config.go): block types
//! `variables`, `variable`, `locals`, `job` in that order, no arguments;
//! decodeBody returns at its errors.

use hcl_edit::structure::{Block, Body};

use super::block_args;
use super::eval::span_of;
use super::functions::levenshtein;
use super::version_keys;
use crate::diag::Diag;
use crate::source::Span;
use crate::version::NomadVersion;

/// An argument or a block (hclsyntax words them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Argument,
    Block,
}

/// The summary of hclsyntax's refusal of an unknown `Item`.
pub const ARGUMENT: &str = "Unsupported argument; ";
pub const BLOCK: &str = "Unsupported block type; ";

/// hcl's `nameSuggestion`: the first candidate, in the given order, within
/// Levenshtein distance 2 of `given`.
pub fn name_suggestion<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates.into_iter().find(|c| levenshtein(given, c) < 3)
}

/// The schema of one body as hclsyntax's `Content` sees it: argument names
/// and block types, each in the order hcl tries them.
pub struct Schema {
    pub arguments: Vec<String>,
    pub blocks: Vec<String>,
}

/// The top level's `jobConfigSchema`.
pub fn top_level_schema() -> Schema {
    Schema {
        arguments: Vec::new(),
        blocks: ["variables", "variable", "locals", "job"]
            .map(String::from)
            .to_vec(),
    }
}

/// The blocks jobspec2's own passes take from the body at `path` before
/// gohcl's (types.config.go decodeJob, hcl_conversions.go decodeTaskGroup
/// and decodeTask), those `v` has: hidden, so dynblock adds them to the
/// schema hclsyntax suggests from.
fn hidden_blocks(path: &[&str], v: NomadVersion) -> Vec<&'static str> {
    let names: &[&'static str] = match path {
        ["job"] => &["vault", "secret", "task"],
        ["job", "group"] => &["vault", "secret"],
        ["job", "group", "task"] => &["scaling"],
        _ => &[],
    };
    names
        .iter()
        .copied()
        .filter(|k| version_keys::lookup(path, k).is_none_or(|key| key.known(v)))
        .collect()
}

/// gohcl's schema at the block path `path` (`job.group.task`) under `v`.
pub fn schema(path: &[&str], v: NomadVersion) -> Schema {
    // decodeAsAttribute hides `meta` (and a task's `env`) only where it is
    // written as an argument, which is then not suggested either.
    let arguments: Vec<String> = block_args::schema_attrs(path, v).into_iter().collect();
    let mut blocks: Vec<String> = block_args::schema_blocks(path, v).into_iter().collect();
    blocks.push("dynamic".to_string());
    blocks.extend(hidden_blocks(path, v).iter().map(|s| s.to_string()));
    Schema { arguments, blocks }
}

/// hclsyntax's text for the unknown `key` in a body with `schema`, whose
/// written arguments are `written` (they are not suggested).
pub fn message(schema: &Schema, item: Item, key: &str, written: &[&str]) -> String {
    match item {
        Item::Argument => {
            let open = schema
                .arguments
                .iter()
                .map(String::as_str)
                .filter(|a| !written.contains(a));
            let suggestion = match name_suggestion(key, open) {
                Some(a) => format!(" Did you mean {a:?}?"),
                None if schema.blocks.iter().any(|b| b == key) => {
                    format!(" Did you mean to define a block of type {key:?}?")
                }
                None => String::new(),
            };
            format!("{ARGUMENT}An argument named {key:?} is not expected here.{suggestion}")
        }
        Item::Block => {
            let suggestion = match name_suggestion(key, schema.blocks.iter().map(String::as_str)) {
                Some(b) => format!(" Did you mean {b:?}?"),
                None if schema.arguments.iter().any(|a| a == key) => format!(
                    " Did you mean to define argument {key:?}? If so, use the equals sign to assign it a value."
                ),
                None => String::new(),
            };
            format!("{BLOCK}Blocks of type {key:?} are not expected here.{suggestion}")
        }
    }
}

/// The code of an unknown key's diagnostic (the lowering's, block_args's).
pub const CODE: &str = "jobspec::unknown-key";

/// What hclsyntax's `Body.Content` refused in `d`, when `d` is one of its
/// refusals worded as it words them: an unknown key (the lowering's or
/// block_args.rs's) or a key its release does not know yet (from 1.0, the
/// version gate's), whose text opens with `Unsupported argument; ` or
/// `Unsupported block type; `.
pub fn hcl_unknown(d: &Diag) -> Option<Item> {
    if d.code != CODE && d.code != super::version_gates::CODE {
        return None;
    }
    if d.message.starts_with(ARGUMENT) {
        Some(Item::Argument)
    } else if d.message.starts_with(BLOCK) {
        Some(Item::Block)
    } else {
        None
    }
}

/// Is `d` one of hclsyntax's unknown-key refusals ([`hcl_unknown`])?
pub fn is_hcl_unknown(d: &Diag) -> bool {
    hcl_unknown(d).is_some()
}

/// Rewords the unknown keys of `diags` (the lowering's, located at a key of
/// the job block `job`) in hclsyntax's words for `v` (1.0 on).
pub fn reword(job: &Block, v: NomadVersion, diags: &mut [Diag]) {
    if !v.at_least(1, 0, 0) {
        return;
    }
    let mut pending: Vec<&mut Diag> = diags
        .iter_mut()
        .filter(|d| d.code == CODE && !is_hcl_unknown(d))
        .collect();
    if pending.is_empty() {
        return;
    }
    walk(&job.body, &mut vec!["job"], v, &mut pending);
}

/// Our help beside hcl's words: the closest name of the release's schema
/// (the lowering's list is 2.0.5's, which would offer `ui` to a 1.6 job),
/// else the names the block takes in that release.
fn help(schema: &Schema, key: &str, path: &[&str], v: NomadVersion) -> String {
    let names = || {
        schema
            .arguments
            .iter()
            .chain(&schema.blocks)
            .map(String::as_str)
            .filter(|n| *n != "dynamic")
    };
    match crate::suggest::closest(key, names()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!(
            "`{}` takes, in Nomad {v}: {}",
            path.last().copied().unwrap_or("job"),
            names().collect::<Vec<_>>().join(", ")
        ),
    }
}

fn walk<'b>(body: &'b Body, path: &mut Vec<&'b str>, v: NomadVersion, pending: &mut [&mut Diag]) {
    let written: Vec<&str> = body.attributes().map(|a| a.key.as_str()).collect();
    let mut at = |span: Span, item: Item, key: &str, path: &[&str]| {
        for d in pending
            .iter_mut()
            .filter(|d| d.primary_span() == Some(span))
        {
            let schema = schema(path, v);
            d.message = message(&schema, item, key, &written);
            d.help = Some(help(&schema, key, path, v));
        }
    };
    for a in body.attributes() {
        at(span_of(&a.key), Item::Argument, a.key.as_str(), path);
    }
    for b in body.blocks() {
        at(span_of(&b.ident), Item::Block, b.ident.as_str(), path);
    }
    for b in body.blocks() {
        // A dynamic block's content is a block of its label's type.
        if b.ident.as_str() == "dynamic" {
            let Some(label) = b.labels.first() else {
                continue;
            };
            path.push(label.as_str());
            for c in b.body.blocks().filter(|c| c.ident.as_str() == "content") {
                walk(&c.body, path, v, pending);
            }
        } else {
            path.push(b.ident.as_str());
            walk(&b.body, path, v, pending);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_6: NomadVersion = NomadVersion::new(1, 6, 0);

    #[test]
    fn suggestions_are_the_first_close_name_in_schema_order() {
        // `variabl` is within 2 of `variables`, tried before `variable`.
        let top = top_level_schema();
        assert_eq!(
            message(&top, Item::Block, "variabl", &[]),
            "Unsupported block type; Blocks of type \"variabl\" are not expected here. Did you mean \"variables\"?"
        );
        assert_eq!(
            message(&top, Item::Argument, "job", &[]),
            "Unsupported argument; An argument named \"job\" is not expected here. Did you mean to define a block of type \"job\"?"
        );
        let task = schema(&["job", "group", "task"], V1_6);
        assert_eq!(
            message(&task, Item::Argument, "driverr", &[]),
            "Unsupported argument; An argument named \"driverr\" is not expected here. Did you mean \"driver\"?"
        );
        // A written argument is not suggested.
        assert_eq!(
            message(&task, Item::Argument, "driverr", &["driver"]),
            "Unsupported argument; An argument named \"driverr\" is not expected here."
        );
        assert_eq!(
            message(&task, Item::Block, "driver", &[]),
            "Unsupported block type; Blocks of type \"driver\" are not expected here. Did you mean to define argument \"driver\"? If so, use the equals sign to assign it a value."
        );
        let job = schema(&["job"], V1_6);
        assert_eq!(
            message(&job, Item::Block, "contraint", &[]),
            "Unsupported block type; Blocks of type \"contraint\" are not expected here. Did you mean \"constraint\"?"
        );
    }
}
