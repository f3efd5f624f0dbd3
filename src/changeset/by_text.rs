//! Which files are job files, for every consumer that chooses them: a
//! change set (`check --staged/--base`, the hook, `plan --changed`) and a
//! folder walk (`check DIR`). `nomad job run` takes any file name, so a
//! name is only a shortcut: a file whose text opens a `job` block is a job
//! file whatever it is called. Two gates choosing differently let a job
//! pass one of them unread (a `jobs/x.json` that `check jobs/` in CI
//! walked past while the hook judged it).

use std::path::Path;

use crate::jobspec;
use crate::vfs::Vfs;

/// A file name a folder walk or a change set takes as a job-file candidate
/// without reading it (then kept only when it has a top-level `job` block).
pub fn is_job_candidate(path: &Path) -> bool {
    // Lossy, not `to_str`: a non-UTF-8 name must not hide a job from a gate.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".nomad") || name.ends_with(".hcl") || name.ends_with(".job")
}

/// Does `path`, read through `vfs`, hold a job whatever its name: its text
/// opens a `job` block (HCL, hcl JSON or the API's JSON form)? Stricter
/// than the test for `.hcl` files, which also takes a misspelt `job`: a
/// README must not fail a commit. A file git would call binary (a NUL
/// byte in its first 8,000) is a job only as UTF-16 text (Nomad refuses
/// it, so it must fail, not pass unread); other binary files are not
/// scanned. A file the reader refuses (over the size cap, a
/// link leading outside) is not read here: the size cap bounds what a
/// walk of a large repository reads.
pub fn holds_job(vfs: &dyn Vfs, path: &Path) -> bool {
    vfs.read(path).is_ok_and(|s| {
        let bytes = s.text.as_bytes();
        if bytes[..bytes.len().min(8000)].contains(&0) {
            return jobspec::utf16::is_job(&s.text);
        }
        jobspec::opens_job_block(&s.text)
    })
}
