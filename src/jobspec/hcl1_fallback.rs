//! Nomad 1.0.0 to 1.8.x: when jobspec2 refuses a job file, the CLI parses
//! the same text with its HCL1 job parser (command/helpers.go
//! JobGetter.ApiJobWithArgs, `jobspec.Parse(&buf)`; removed in 1.9.0 by
//! a9beef7edd, #23912). If HCL1 accepts the file, jobspec2's error is
//! printed after `Failed to parse using HCL 2. Use the HCL 1 parser with
//! `nomad run -hcl1`, or address the following issues:` instead of after
//! `Error parsing job file from <path>:`.
//!
//! Whether HCL1 accepts a file is told here only where it surely refuses
//! it: its parser refuses the text (hcl v1 a07e7d50bbee, whose parser and
//! scanner are 0.12's 914dc3f8: hcl1_syntax Era::New), or jobspec.Parse's
//! first checks do (a top-level key other than `job`, no `job`, two). A
//! file past those would need 1.x's HCL1 job decoder, which is not
//! followed: "cannot tell", never a text that may be the wrong one.

use super::hcl1_syntax::{self, Verdict};
use crate::source::Source;
use crate::version::NomadVersion;

/// The words Nomad prints before jobspec2's error when HCL1 accepts the file.
pub const PREFIX: &str = "Failed to parse using HCL 2. Use the HCL 1 parser with `nomad run -hcl1`, or address the following issues:";

/// What Nomad's HCL1 parser makes of a file jobspec2 refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// It refuses it too: jobspec2's error stands as it is.
    Refuses,
    /// hcl v1's scanner panics on it (this value): the CLI crashes.
    Panics(&'static str),
    /// Not followed here (why).
    CannotTell(&'static str),
}

/// Does `v`'s CLI try HCL1 after jobspec2 fails?
pub fn tries_hcl1(v: NomadVersion) -> bool {
    v.at_least(1, 0, 0) && !v.at_least(1, 9, 0)
}

/// What HCL1's `jobspec.Parse` (1.0.0 to 1.8.x) makes of `src`, whose
/// HCL2 body is `body` when hcl-edit read it; `unknown` are the offsets
/// of the keys jobspec2 refused as unknown.
pub fn judge(
    src: &Source,
    body: Option<&hcl_edit::structure::Body>,
    unknown: &[usize],
    v: NomadVersion,
) -> Fallback {
    // Nomad reads the file's bytes: a BOM and bytes that are not UTF-8 included.
    let mut bytes = Vec::with_capacity(src.text.len() + 3);
    if src.bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    bytes.extend(crate::source::encode(&src.text));
    match hcl1_syntax::judge(&bytes, hcl1_syntax::Era::New) {
        Verdict::Refuses { .. } => return Fallback::Refuses,
        Verdict::Panics(value) => return Fallback::Panics(value),
        Verdict::CannotTell | Verdict::UnknownLetter(_) => {
            return Fallback::CannotTell(
                "its HCL1 parser reads this text in ways not followed here",
            )
        }
        Verdict::Accepts => {}
    }
    // jobspec.Parse: checkHCLKeys(root, ["job"]), then exactly one `job`.
    let rewritten;
    let body = match body {
        Some(b) => b,
        None => match hcl1_syntax::rewrite(&src.text, hcl1_syntax::Era::New)
            .ok()
            .and_then(|t| hcl_edit::parser::parse_body(&t).ok())
        {
            Some(b) => {
                rewritten = b;
                &rewritten
            }
            None => {
                return Fallback::CannotTell(
                    "its HCL1 parser accepts the text, in a syntax not read here",
                )
            }
        },
    };
    let keys: Vec<&str> = body
        .attributes()
        .map(|a| a.key.as_str())
        .chain(body.blocks().map(|b| b.ident.as_str()))
        .collect();
    let jobs = keys.iter().filter(|k| **k == "job").count();
    if keys.iter().any(|k| *k != "job") || jobs != 1 {
        return Fallback::Refuses;
    }
    // A key jobspec2 refused in a block whose keys HCL1 of the same
    // release checks (checkHCLKeys) and does not know either: HCL1
    // refuses it (hcl1_keys_1x.rs).
    if unknown.iter().any(|&at| {
        key_at(body, at).is_some_and(|(path, key)| super::hcl1_keys_1x::refuses(&path, key, v))
    }) {
        return Fallback::Refuses;
    }
    Fallback::CannotTell("its HCL1 parser reads the text; whether its job decoder (jobspec/parse.go of 1.x) accepts the job block is not followed here")
}

/// The block path (its idents from the top: `job`, `group`, ...) and the
/// key of the argument or block whose name starts at byte `at`.
fn key_at(body: &hcl_edit::structure::Body, at: usize) -> Option<(Vec<&str>, &str)> {
    use hcl_edit::Span as _;
    let mut path = Vec::new();
    let mut body = body;
    'down: loop {
        for a in body.attributes() {
            if a.key.span().is_some_and(|r| r.start == at) {
                return Some((path, a.key.as_str()));
            }
        }
        for b in body.blocks() {
            if b.ident.span().is_some_and(|r| r.start == at) {
                return Some((path, b.ident.as_str()));
            }
            if b.span().is_some_and(|r| r.contains(&at)) {
                path.push(b.ident.as_str());
                body = &b.body;
                continue 'down;
            }
        }
        return None;
    }
}

/// Code of [`note`].
pub const NOTE: &str = "jobspec::hcl1-fallback";

/// Codes whose refusal is said in one "cannot tell" line (or is no
/// parse of Nomad's at all): no HCL1 attempt is worth a word beside it.
const UNTOLD: &[&str] = &[
    super::hcl1_syntax::CRASH,
    super::HCL2_UNREAD,
    super::var_file_values::VAR_FILE_CANNOT_TELL,
    super::eval::SHAPE_CANNOT_TELL,
    super::cty_number::NUMBER_CANNOT_TELL,
    super::eval::nfc::NFC_CANNOT_TELL,
    super::functions::FUNCTION_CANNOT_TELL,
    super::var_validation::CANNOT_TELL,
    super::eval::FILE_ACCESS,
    super::eval::BUDGET,
    // Past the parse budget nothing more of the text is read.
    super::TOO_LARGE,
];

/// What the CLI's HCL1 attempt adds to a job file its jobspec2 refused
/// (1.0.0 to 1.8.x): nothing where HCL1 surely refuses it too; a crash
/// (an error, said in one line) where hcl v1's scanner panics; else a
/// note: the words after the first line are jobspec2's, the first line
/// is `Error parsing job file from <path>:` or, if HCL1 accepts the
/// file, [`PREFIX`], and which is not followed here. The job is refused
/// either way (the same exit codes), as with Go's map order's notes.
pub fn note(parsed: &super::ParsedJob, v: NomadVersion) -> Option<crate::diag::Diag> {
    use crate::diag::{Diag, Severity};
    if !tries_hcl1(v) {
        return None;
    }
    let client = super::decode_order::client_errors(parsed, v);
    let untold = |d: &&Diag| UNTOLD.contains(&d.code.as_str()) || d.code.starts_with("io::");
    if client.is_empty() || client.iter().any(untold) {
        return None;
    }
    let unknown: Vec<usize> = client
        .iter()
        .filter(|d| super::unknown_keys::is_hcl_unknown(d))
        .filter_map(|d| d.primary_span().map(|s| s.start))
        .collect();
    match judge(&parsed.source, parsed.body.as_ref(), &unknown, v) {
        Fallback::Refuses => None,
        Fallback::Panics(value) => Some(
            Diag::error(
                super::hcl1_syntax::CRASH,
                format!("cannot tell what Nomad {v} prints for this job file: jobspec2 refuses it, and the HCL1 parser Nomad's CLI then tries on it (command/helpers.go, 1.0.0 to 1.8.x) panics ({value}): the CLI crashes with a Go panic"),
            )
            .in_source(&parsed.source)
            .help("fix the errors jobspec2 reports; an escape sequence left open at the end of the file crashes hcl v1's scanner"),
        ),
        Fallback::CannotTell(why) => Some(
            Diag::error(
                NOTE,
                format!("Nomad {v}'s CLI then parses this file with HCL1 (command/helpers.go, until 1.9.0): if HCL1 accepts it, the first line is `{PREFIX}` instead of `Error parsing job file from ...:`; {why}"),
            )
            .with_severity(Severity::Advice)
            .in_source(&parsed.source)
            .help("the job is refused either way: fix the errors jobspec2 reports"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(text: &str) -> Fallback {
        let src = crate::source::SourceFile::inline("j.nomad", text);
        let body = hcl_edit::parser::parse_body(text).ok();
        judge(&src, body.as_ref(), &[], NomadVersion::new(1, 6, 0))
    }

    #[test]
    fn hcl1_refuses_what_jobspec_parse_refuses_first() {
        // HCL2 expressions are no HCL1 syntax.
        assert_eq!(
            judged("job \"j\" {\n  count = var.n\n}\n"),
            Fallback::Refuses
        );
        // checkHCLKeys(root, ["job"]).
        assert_eq!(
            judged("variable \"n\" {}\njob \"j\" {\n  datacenters = [\"dc1\"]\n}\n"),
            Fallback::Refuses
        );
        assert_eq!(judged("# nothing\n"), Fallback::Refuses);
        assert_eq!(
            judged("job \"a\" {\n}\njob \"b\" {\n}\n"),
            Fallback::Refuses
        );
    }

    #[test]
    fn a_job_block_hcl1_reads_is_not_decided() {
        assert!(matches!(
            judged("job \"j\" {\n  datacenters = [\"${var.dc}\"]\n}\n"),
            Fallback::CannotTell(_)
        ));
        // An HCL1 idiom hcl-edit refuses: read through its rewrite.
        assert!(matches!(
            judged("job \"j\" {\n  meta {\n    \"a.b\" = \"c\"\n  }\n}\n"),
            Fallback::CannotTell(_)
        ));
    }

    /// jobspec2 refused these keys: where HCL1 checks keys and does not
    /// know them either, it refuses the file too.
    #[test]
    fn a_key_hcl1_checks_and_does_not_know_is_its_refusal_too() {
        let text = "job \"j\" {\n  node_pool = \"x\"\n  group \"g\" {\n    task \"t\" {\n      config {\n        bogus = 1\n      }\n    }\n  }\n}\n";
        let src = crate::source::SourceFile::inline("j.nomad", text);
        let body = hcl_edit::parser::parse_body(text).ok();
        let at = |k: &str| text.find(k).unwrap_or_default();
        assert_eq!(
            judge(
                &src,
                body.as_ref(),
                &[at("node_pool")],
                NomadVersion::new(1, 6, 0)
            ),
            Fallback::Refuses
        );
        // A task's config: HCL1 decodes it without a key check.
        assert!(matches!(
            judge(
                &src,
                body.as_ref(),
                &[at("bogus")],
                NomadVersion::new(1, 6, 0)
            ),
            Fallback::CannotTell(_)
        ));
    }

    #[test]
    fn only_1_0_to_1_8_try_hcl1() {
        assert!(!tries_hcl1(NomadVersion::new(0, 12, 12)));
        assert!(tries_hcl1(NomadVersion::new(1, 0, 0)));
        assert!(tries_hcl1(NomadVersion::new(1, 8, 4)));
        assert!(!tries_hcl1(NomadVersion::new(1, 9, 0)));
    }
}
