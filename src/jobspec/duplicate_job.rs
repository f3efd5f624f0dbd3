//! A second `job` block in a file, in the words of the parser each release
//! uses:
//!
//! - before 1.0, jobspec.Parse hands every top-level `job` item to
//!   parseJob, whose first check is `only one 'job' block allowed`
//!   (jobspec/parse.go at 0.9.3, parse_job.go at 0.12.12), wrapped as
//!   `error parsing 'job': ...`; nothing else in the file is read. Only the
//!   top-level key check (CheckHCLKeys, `job` alone allowed) comes first:
//!   hcl1_top_keys.rs;
//! - from 1.0, jobspec2's decodeJob (types.config.go) decodes the first and
//!   reports each later one as `Duplicate job block; Only one block of type
//!   "job" is allowed. Previous definition was at <range>.`, located at the
//!   later block's DefRange: from its type to its `{` in hcl 2.7-era
//!   hclsyntax (Nomad 1.0.0 to 1.8.0), to its last label from 2.20 (1.8.1).

use hcl_edit::structure::Block;

use super::eval::span_of;
use super::hclsyntax::{self, Era};
use crate::diag::Diag;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// The diagnostics for `extra` job blocks after `first`; true when the
/// release's parser stops there (nothing else of the file is read).
pub fn check(first: &Block, extra: &[&Block], src: &Source, v: NomadVersion) -> (Vec<Diag>, bool) {
    let Some(second) = extra.first() else {
        return (Vec::new(), false);
    };
    let Some(era) = Era::of(v) else {
        // The top level holds nothing but jobs here: hcl1_top_keys.rs
        // stopped the file otherwise.
        let d = Diag::error(
            super::HCL1_PARSE,
            "error parsing 'job': only one 'job' block allowed",
        )
        .help(format!("Nomad {v}'s HCL1 job parser reads one job per file and stops here: put each job in its own file"));
        return (
            vec![d.at(src, span_of(&second.ident), "second job block")],
            true,
        );
    };
    let previous = def_range(first, src, era);
    let at = hclsyntax::range_string(&src.text, &src.name, (previous.start, previous.end));
    let diags = extra
        .iter()
        .map(|b| {
            Diag::error(
                "jobspec::duplicate",
                format!("Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at {at}."),
            )
            .at(src, def_range(b, src, era), "second job block")
            .help("put each job in its own file")
        })
        .collect();
    (diags, false)
}

/// hclsyntax Block.DefRange() in each era.
fn def_range(b: &Block, src: &Source, era: Era) -> Span {
    let start = span_of(&b.ident).start;
    let header_end = b
        .labels
        .last()
        .map(|l| span_of(l).end)
        .unwrap_or(span_of(&b.ident).end);
    let end = match era {
        Era::Hcl2_20 => header_end,
        Era::Hcl2_7 => super::block_labels::open_brace(b, src).end,
    };
    Span::new(start, end)
}
