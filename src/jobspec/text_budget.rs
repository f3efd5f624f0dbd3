//! The parse budget of one job file's text. The read cap (16 MiB,
//! `project::max_file_bytes`) bounds what is read; this bounds what is
//! parsed. A job file's parse builds every part of its text (each
//! attribute, expression and template part with its decor, then our
//! syntax tree and the job): a committed 15 MiB `.nomad` of `meta` keys
//! cost a debug `check` 18.9 s and 560 MB, one of template text 12.3 s and
//! 240 MB, on every hook and CI run that meets it.
//!
//! Nomad itself parses a job file of any size: its CLI reads the whole
//! file (command/helpers.go v1.10.5:434 `JobGetter.Get`: go-getter copies
//! it, `io.Copy` into a buffer, then jobspec2.ParseWithConfig) and its
//! HTTP API decodes any body (command/agent/http.go v1.10.5:838
//! `decodeBody`, a bare `json.NewDecoder`). Its one size rule is the
//! servers' `job_max_source_size` (1 MB unless set, command/agent/agent.go
//! v1.10.5:626-634), past which a registered job's *source* is discarded
//! with a warning (nomad/job_endpoint_hooks.go v1.10.5:629
//! `submissionController`) and the job still runs. So a file past our
//! budget is one Nomad plans and we do not: "cannot tell", never passed
//! over (a gate that skipped it would pass whatever it says).

use crate::diag::{Diag, Diags};
use crate::source::Source;

/// The code of [`over`]'s one diagnostic (job_file_error.rs's "JobSize").
pub const TOO_LARGE: &str = "hcl::too-large";

/// The default budget: 4 MiB, two hundred times the largest job file of
/// the corpus (21 KB, ../shared/corpus/jobs) and four times the 1 MB at
/// which Nomad's own servers stop keeping a job's source (a job of 1.2 MB
/// with big inline templates is one Nomad plans with a warning, and so
/// do we); its parse costs a debug build a few seconds at worst.
pub const DEFAULT_MAX_JOB_BYTES: u64 = 4 * 1024 * 1024;

/// The budget: [`DEFAULT_MAX_JOB_BYTES`], or the read cap when the user
/// set it ([`crate::project::MAX_FILE_ENV`]): one knob says how much of a
/// file may be read and worked on, and whoever raised it accepted the cost.
pub fn max_bytes() -> u64 {
    static MAX: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| {
        let set = std::env::var(crate::project::MAX_FILE_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0);
        if set {
            crate::project::max_file_bytes()
        } else {
            DEFAULT_MAX_JOB_BYTES
        }
    })
}

/// Is a text of `len` bytes past the budget?
pub fn exceeds(len: usize) -> bool {
    !u64::try_from(len).is_ok_and(|n| n <= max_bytes())
}

/// The one "cannot tell" diagnostic of a job file past the budget, located
/// at the first character past it; `None` within it.
pub fn over(source: &Source) -> Option<Diags> {
    let len = source.text.len();
    if !exceeds(len) {
        return None;
    }
    let max = max_bytes();
    let place = super::parse::char_at(source, usize::try_from(max).unwrap_or(len));
    Some(
        Diag::error(
            TOO_LARGE,
            format!("cannot tell: this job file is {len} bytes, past nomad-preflight's parse budget of {max} bytes; Nomad plans a job file of any size, so what it says of this one is not known"),
        )
        .at(source, place, "the budget ends here")
        .as_cannot_tell()
        .help(format!("a job file this large is mostly inline data: move big templates into files the client renders (`template {{ source = ... }}`, an `artifact`), split the job, or raise the budget with {}=BYTES (the read cap, which then bounds the parse too)", crate::project::MAX_FILE_ENV))
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_past_the_budget_is_one_located_cannot_tell() {
        let mut text = String::from("job \"big\" {\n  meta {\n");
        while (text.len() as u64) <= DEFAULT_MAX_JOB_BYTES {
            text.push_str("    k = \"é\"\n");
        }
        let src = crate::source::SourceFile::inline("big.nomad", &text);
        let d = over(&src).expect("over the budget");
        let d = &d.0[0];
        assert_eq!(d.code, TOO_LARGE);
        assert!(d.cannot_tell);
        let span = d.primary_span().expect("located");
        assert!(span.start as u64 <= DEFAULT_MAX_JOB_BYTES && span.end > span.start);
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }

    #[test]
    fn a_text_within_the_budget_passes() {
        assert!(over(&crate::source::SourceFile::inline(
            "a.nomad",
            "job \"a\" {}\n"
        ))
        .is_none());
    }
}
