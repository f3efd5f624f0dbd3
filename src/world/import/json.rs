//! Reading one saved API response: JSON errors located in the file, and
//! the resource-figure bound applied to the files that carry figures.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::{Source, SourceFile};
use crate::vfs::Vfs;

pub(super) fn read_json(vfs: &dyn Vfs, path: &Path, diags: &mut Diags) -> Option<(Source, Value)> {
    let src = vfs.read(path).ok()?;
    match serde_json::from_str::<Value>(&src.text) {
        Ok(v) => Some((src, v)),
        Err(e) => {
            let offset = line_col_offset(&src, e.line(), e.column());
            diags.push(
                Diag::error("import::json", format!("invalid JSON: {e}"))
                    .at(
                        &src,
                        crate::source::Span::new(offset, (offset + 1).min(src.text.len())),
                        "here",
                    )
                    .help("save the file with `nomad operator api PATH > FILE`"),
            );
            None
        }
    }
}

/// [`read_json`] for a file of nodes, allocations or jobs: every resource
/// figure in it must be in range ([`crate::world::bounds`]), or the file is
/// refused whole, so no later sum sees a figure past the bound.
pub(super) fn read_bounded_json(
    vfs: &dyn Vfs,
    path: &Path,
    diags: &mut Diags,
) -> Option<(Source, Value)> {
    let (src, v) = read_json(vfs, path, diags)?;
    let before = diags.len();
    crate::world::bounds::check_json(&src, &v, diags);
    (diags.len() == before).then_some((src, v))
}

fn line_col_offset(src: &SourceFile, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in src.text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + col.saturating_sub(1)).min(src.text.len());
        }
        offset += l.len();
    }
    src.text.len()
}
