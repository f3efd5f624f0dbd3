//! A job file jobspec2 (1.0+) reads as JSON: parse.go's parseHCLOrJSON
//! takes a file whose first byte other than a space is `{` for JSON
//! (without `-json`, which reads the API's JSON instead), and hcl's JSON
//! parser reads it (var_file_json_parse.rs). Where that parser refuses
//! it, decode returns its diagnostics, whose Error() is the first and a
//! count of the others: `Error parsing job file from PATH:\n...` (but for
//! 1.0.2–1.0.17, 1.1.0–1.1.11 and 1.2.0–1.2.5, which go on to decode what
//! it read: "cannot tell" there). A file
//! it accepts is decoded from hcl's JSON body (json_body.rs turns it into
//! the native body the rest of the pipeline reads), or "cannot tell" (exit
//! 255) where that reading is not followed. Our HCL parser used to refuse
//! every such file in hclsyntax's words, a refusal Nomad does not make.

use super::var_file_json_parse::parse;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;
use hcl_edit::structure::Body;

/// Does jobspec2 under `v` read `source` as hcl JSON (its raw bytes: a
/// byte order mark first makes it HCL, var_file_json::is_json)?
fn is_json(source: &crate::source::SourceFile, v: NomadVersion) -> bool {
    v.at_least(1, 0, 0) && super::var_file_json::is_json(source)
}

/// Is `text` a job in hcl's JSON syntax: JSON to Nomad (its first byte
/// other than white space is `{`; jobspec2 skips spaces, hcl v1 before
/// 1.0 any white space) whose top-level object has a `job` block (an
/// object, or a list of them)? The API's JSON form (a top-level `Job`
/// object, or a bare api.Job's `TaskGroups`) is a job too: `nomad job run
/// -json` submits it, so a gate skipping it would pass whatever it held.
/// A var file's `"job": "web"` is no block.
///
/// The text is read as Go reads it ([`crate::gojson::first_object`]: the
/// first value only, a lone surrogate as U+FFFD, any depth): serde_json's
/// stricter reading called such files "not a job file", and the gates
/// passed them (R28-1, R28-2). A text Go cannot read either counts when a
/// key anywhere in it names a job (a job file cut short is one Nomad
/// refuses, and is judged so, located).
pub(super) fn is_job(text: &str) -> bool {
    let t = text.trim_start();
    let Some(body) = t.strip_prefix('{') else {
        return false;
    };
    // Most JSON a repository holds names no `job`: no parse for it (a
    // hook meets every changed file, a reader scan every file). A key may
    // spell it with escapes (`"\u006aob"`), which hcl's parser decodes,
    // or in any case Go's decoder folds (gojson).
    if !crate::gojson::may_name_api_job(body) {
        return false;
    }
    match crate::gojson::first_object(t) {
        Ok(Some(m)) => {
            m.iter().any(|(k, s)| k == "job" && *s != Shape::Other)
                || crate::gojson::names_api_job(&m)
        }
        Ok(None) => false,
        Err(_) => crate::gojson::names_job_anywhere(t),
    }
}

/// Is `text` the API's JSON form of a job (a top-level `Job` object, as
/// `nomad job inspect` prints and `nomad job run -json` submits), read as
/// Go reads it?
fn is_api_form(text: &str) -> bool {
    matches!(
        crate::gojson::first_object(text.trim_start()),
        Ok(Some(m)) if m.iter().any(|(k, s)| k == "Job" && *s == Shape::Object)
    )
}

/// Does Go's reading of `text` ([`crate::gojson::first_object`]) find a
/// job `nomad job run -json` submits, in either of its forms?
fn go_reads_api_job(text: &str) -> bool {
    matches!(
        crate::gojson::first_object(text.trim_start()),
        Ok(Some(m)) if crate::gojson::names_api_job(&m)
    )
}

use crate::gojson::Shape;

/// What Nomad `v` says of `source` when it reads it as JSON, else `None`.
/// From 1.0 that is [`judge`]; before, hcl v1's Parse reads as JSON a file
/// whose first character other than white space (`unicode.IsSpace`) is
/// `{` (hcl lex.go lexMode) with a JSON parser of its own, not followed
/// here: "cannot tell", where our HCL1 scanner refused it as a syntax
/// error Nomad does not make.
pub(super) fn judge_if_json(source: &Source, v: NomadVersion) -> Option<Result<Body, Diags>> {
    if is_json(source, v) {
        return Some(judge(source, v));
    }
    // hcl v1 decodes the BOM as U+FEFF, which is no space: HCL mode.
    if v.at_least(1, 0, 0) || source.bom || !source.text.trim_start().starts_with('{') {
        return None;
    }
    Some(Err(Diag::error(
        super::HCL2_UNREAD,
        format!("cannot tell what Nomad {v} makes of this file: it is JSON to Nomad (its first character other than white space is `{{`), and hcl v1's JSON parser, which reads it, is not followed by nomad-preflight"),
    )
    .in_source(source)
    .help("write the job in HCL to judge it here, or judge the JSON file on the cluster")
    .into()))
}

/// What Nomad `v` makes of the JSON job file `source`: the body jobspec2
/// decodes (json_body.rs), hcl's refusal, or one "cannot tell" line.
pub(super) fn judge(source: &Source, v: NomadVersion) -> Result<Body, Diags> {
    let (diags, deep, root) = match parse(&source.text) {
        Ok((root, diags)) => (diags, false, Some(root)),
        Err(_) => (vec![], true, None),
    };
    let mut unread_at = None;
    if let (Some(root), true, false) = (&root, diags.is_empty(), is_api_form(&source.text)) {
        match super::json_body::to_body(&source.text, root, v) {
            Ok((body, twin)) => {
                if let Some(twin) = twin {
                    source.set_eval_text(twin.into());
                }
                return Ok(body);
            }
            Err(u) => unread_at = Some(u),
        }
    }
    let lines: Option<Vec<String>> = diags.iter().map(|d| d.line(&source.name)).collect();
    let first = diags
        .first()
        .map(|d| within(&source.text, d.subject.start.byte, d.subject.end.byte));
    // An API-form job hcl's parser refuses (bytes after the object, which
    // Go's json.Decoder never reads: command/helpers.go@v1.10.5:498-505)
    // is submitted as it is by `nomad job run -json` and refused without
    // it: which one the user runs is not known here.
    if let (Some(d), true) = (diags.first(), go_reads_api_job(&source.text)) {
        let d = Diag::error(
            super::HCL2_UNREAD,
            format!("cannot tell what Nomad {v} makes of this file: it is the API's JSON form of a job, which `nomad job run -json` reads as Go's JSON decoder does (its first value only), and hcl's JSON parser, which reads it without `-json`, refuses it ({}: {}); nomad-preflight follows the first reading in neither case", d.summary, crate::escape::one_line(&d.detail)),
        )
        .help("remove what hcl's JSON parser refuses (bytes after the job's object), or judge the JSON file on the cluster");
        let at = first.unwrap_or_else(|| within(&source.text, 0, 1));
        return Err(d.at(source, at, "hcl's JSON parser refuses this").into());
    }
    match (lines, first) {
        (Some(lines), Some(at)) if !decodes_partial(v) => {
            let mut text = lines[0].clone();
            if lines.len() > 1 {
                text.push_str(&format!(", and {} other diagnostic(s)", lines.len() - 1));
            }
            Err(Diag::error("hcl::syntax", text)
                .at(source, at, "hcl's JSON parser refuses this")
                .help(format!("Nomad {v} reads a job file whose first byte other than a space is `{{` as JSON (hcl's JSON syntax): make it valid JSON, or write it in HCL"))
                .into())
        }
        _ => {
            let why = if deep {
                "its brackets nest deeper than nomad-preflight's parser goes, and hcl's reads any depth"
            } else if !diags.is_empty() && decodes_partial(v) {
                "hcl's JSON parser refuses it, and this release's jobspec2 still decodes the part it read (parse.go decode from 1.0.2, before the early return of 1.0.18, 1.1.12 and 1.2.6), adding lines nomad-preflight does not follow"
            } else if diags.is_empty() && is_api_form(&source.text) {
                "it is the API's JSON form of a job (a top-level `Job` object), which `nomad job run -json` submits as it is and a run without `-json` decodes as hcl JSON; nomad-preflight follows neither"
            } else if let Some(u) = &unread_at {
                let d = Diag::error(
                    super::HCL2_UNREAD,
                    format!("cannot tell what Nomad {v} makes of this file: it is JSON to Nomad (its first byte other than a space is `{{`), and jobspec2 decodes it from hcl's JSON body, which nomad-preflight follows only in part: {}", u.why),
                )
                .help("write this part as the native syntax's twin reads it, or judge the JSON file on the cluster");
                let d = if u.at > 0 {
                    d.at(
                        source,
                        within(&source.text, u.at, u.at + 1),
                        "not followed here",
                    )
                } else {
                    d.in_source(source)
                };
                return Err(d.into());
            } else if diags.is_empty() {
                "hcl's JSON parser reads it, and jobspec2 decodes the job from its JSON body, which nomad-preflight does not follow"
            } else {
                "hcl's JSON parser refuses it, at a column it counts in grapheme clusters after a character whose clusters nomad-preflight does not count"
            };
            Err(Diag::error(
                super::HCL2_UNREAD,
                format!("cannot tell what Nomad {v} makes of this file: it is JSON to Nomad (its first byte other than a space is `{{`); {why}"),
            )
            .in_source(source)
            .help("write the job in HCL to judge it here, or judge the JSON file on the cluster")
            .into())
        }
    }
}

/// "Cannot tell" for a JSON job jobspec2 itself refuses (an error Nomad
/// prints with its place, `Error parsing job file from PATH:`), as opposed
/// to one only the servers refuse (no place in Nomad's text): hcl's JSON
/// expressions place some errors otherwise than the native syntax's (a
/// string's StartRange is the whole quoted token in json/structure.go,
/// its first part in hclsyntax), and those places are not matched here.
///
/// The keys hcl's JSON decoder refuses (json_extraneous.rs) are not among
/// them: [`extraneous`] gave them its words and places first; nor is a
/// `null` keyword its field cannot hold (null_decode.rs: gohcl's words at
/// the keyword's whole token, which hcl's JSON scanner places).
pub(super) fn front_end_refusal(parsed: &super::ParsedJob, v: NomadVersion) -> Option<Diags> {
    if !is_json(&parsed.source, v) || parsed.job.is_none() || !parsed.diags.has_errors() {
        return None;
    }
    let job = parsed.job.as_ref()?;
    let server = super::validation_errors(job, &parsed.source, v, parsed.edition);
    let by_server = |d: &&Diag| {
        server
            .iter()
            .any(|s| s.message == d.message && s.primary_span() == d.primary_span())
    };
    // The first error jobspec2 makes (the servers' have no place).
    let first = parsed
        .diags
        .iter()
        .filter(|d| d.is_error() && !super::json_extraneous::is_extraneous(d))
        .filter(|d| super::null_decode::json_range(d, &parsed.source.text, "").is_none())
        .find(|d| !by_server(d))?;
    let d = Diag::error(
        super::HCL2_UNREAD,
        format!("cannot tell what Nomad {v} makes of this file: it is JSON to Nomad (its first byte other than a space is `{{`), and jobspec2 refuses it ({}) at a place hcl's JSON decoder counts its own way, not matched by nomad-preflight", crate::escape::one_line(&first.message)),
    )
    .help("the native syntax's twin of this job is refused the same way; fix it, or judge the JSON file on the cluster");
    let d = match first.primary_span() {
        Some(span) => d.at(&parsed.source, span, "refused here"),
        None => d.in_source(&parsed.source),
    };
    Some(d.into())
}

/// Words the keys of the JSON job file `parsed` that hcl's JSON decoder
/// refuses as it does (json_extraneous.rs), before the loader orders the
/// file's errors; "cannot tell" where that is not followed.
pub(super) fn extraneous(parsed: &mut super::ParsedJob, v: NomadVersion) -> Option<Diags> {
    if !is_json(&parsed.source, v) {
        return None;
    }
    if let Some(body) = &parsed.body {
        let text = &parsed.source.text;
        if let Err((why, at)) =
            super::json_extraneous::reword(body, text, &parsed.source.name, v, &mut parsed.diags.0)
        {
            return Some(
                Diag::error(
                    super::HCL2_UNREAD,
                    format!("cannot tell what Nomad {v} makes of this file: it is JSON to Nomad (its first byte other than a space is `{{`): {why}"),
                )
                .at(&parsed.source, at, "refused by hcl")
                .help("write the key as the release's schema has it, or judge the JSON file on the cluster")
                .into(),
            );
        }
    }
    None
}

/// The span from `start` to `end` within `text`, widened to whole
/// characters (hcl's ranges count bytes and may stop inside one).
fn within(text: &str, start: usize, end: usize) -> Span {
    let mut s = start.min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end.clamp(s, text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    Span::new(s, e)
}

use super::parse::decodes_partial;

#[cfg(test)]
mod tests {
    #[test]
    fn json_jobs_are_told_from_other_json() {
        assert!(super::is_job("{\"job\": {\"x\": {}}}"));
        assert!(super::is_job(
            "\n  {\"variable\": {}, \"job\": [{\"x\": {}}]}"
        ));
        assert!(super::is_job("{\n \"job\": {\"x\": {"));
        assert!(!super::is_job("{\"panels\": [{\"job\": \"x\"}]}"));
        assert!(super::is_job("{\"Job\": {\"ID\": \"x\"}}"));
        assert!(super::is_job("{\"Job\": {\"ID\": \"x\""));
        assert!(!super::is_job("{\"Job\": \"x\"}"));
        assert!(!super::is_job("[{\"job\": 1}]"));
        assert!(!super::is_job("job \"x\" {}"));
        assert!(!super::is_job("{\"a\": 1, \"job\""));
        // hcl's JSON parser decodes escapes in keys.
        assert!(super::is_job("{\"\\u006aob\": {\"x\": {}}}"));
        // A var file setting a variable named `job`.
        assert!(!super::is_job("{\"job\": \"web\"}"));
        assert!(!super::is_job("{\"job\": \"web\","));
    }

    /// What Go and hcl read and serde_json refused (R28-1, R28-2).
    #[test]
    fn json_jobs_are_read_as_go_reads_them() {
        let api = "{\"ID\": \"web\", \"TaskGroups\": [{\"Count\": -1}]}";
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for yes in [
            format!("{api}\n# generated by deploy.sh\n"),
            api.replace("{\"ID\"", "{\"Meta\": {\"n\": \"\\ud800\"}, \"ID\""),
            api.replace("{\"ID\"", &format!("{{\"X\": {deep}, \"ID\"")),
            format!(
                "{{\"variable\": {{\"n\": {{\"default\": {deep}}}}}, \"job\": {{\"w\": {{}}}}}}"
            ),
            "{\"variable\": {\"n\": {\"default\": \"\\ud800\"}}, \"job\": {\"w\": {}}}".to_string(),
            // Nobody reads it, and a key names a job: judged, not skipped.
            "{\"variable\": {\"n\": {,}}, \"job\": {\"w\": {}}}".to_string(),
            "{\"variable\": {}, \"job\": {\"w\": {}}} trailing".to_string(),
        ] {
            assert!(super::is_job(&yes), "{yes:?}");
        }
        for no in [
            format!("{{\"panels\": [{deep}], \"job\": \"x\"}}"),
            "{\"a\": [,], \"job\": \"web\"}".to_string(),
        ] {
            assert!(!super::is_job(&no), "{no:?}");
        }
    }
}
