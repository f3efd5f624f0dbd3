//! Inline suppressions: `# preflight:ignore CODE[,CODE...] reason` at the end
//! of the offending line (or of the line closing the offending block), or
//! alone on the line before it; `# preflight:ignore-file CODE` for the whole
//! file. Only HCL comments count: the comments are those hclsyntax's
//! scanner cuts ([`crate::jobspec::hclsyntax::line_comments`]), so the text
//! of a heredoc or a string (a template's shell comment, an `echo`) never
//! suppresses anything (redteam6 G13); the scanner, unlike the parser, reads
//! a file that does not parse.

use crate::diag::Diag;
use crate::source::{Source, Span};

use super::meta::unused_suppression::UnusedSuppression;
use super::Finding;

mod trusted;

pub use trusted::{BaseJobIs, Trusted};

const DIRECTIVE: &str = "preflight:ignore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment's span.
    pub span: Span,
    /// Codes or rule names as written.
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// 1-based line the suppression applies to (0 for file-wide ones).
    pub target_line: usize,
    pub file_wide: bool,
}

/// Every suppression comment in `text`, in file order.
pub fn parse(text: &str) -> Vec<Suppression> {
    // Most files hold none: one search of the whole text spares building
    // the line table and a searcher per line (2.5% of a hook).
    if !text.contains(DIRECTIVE) {
        return Vec::new();
    }
    let lines: Vec<(usize, &str)> = line_starts(text);
    let mut out = Vec::new();
    for (c_start, c_end) in crate::jobspec::hclsyntax::line_comments(text) {
        let comment = text[c_start..c_end].trim_end_matches(['\n', '\r']);
        let Some(at) = comment.find(DIRECTIVE) else {
            continue;
        };
        // A comment starts on one line and ends with it.
        let idx = lines
            .partition_point(|&(s, _)| s <= c_start)
            .saturating_sub(1);
        let Some(&(start, line)) = lines.get(idx) else {
            continue;
        };
        let before = comment[..at].trim_end();
        let marker = if let Some(b) = before.strip_suffix('#') {
            b.len()
        } else if let Some(b) = before.strip_suffix("//") {
            b.len()
        } else {
            continue;
        };
        let comment_start = c_start - start + marker;
        let at = c_start - start + at;
        let rest = &line[at + DIRECTIVE.len()..];
        let (file_wide, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue; // `preflight:ignored...` is not ours
        }
        let rest = rest.trim();
        let (codes, reason) = match rest.split_once([' ', '\t']) {
            Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
            None => (rest, None),
        };
        let codes: Vec<String> = codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let own_line = line[..comment_start].trim().is_empty();
        let target_line = if file_wide {
            0
        } else if own_line {
            // The next line holding code: skip blanks and further comments.
            lines[idx + 1..]
                .iter()
                .position(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
                })
                .map_or(0, |off| idx + 2 + off)
        } else {
            idx + 1
        };
        out.push(Suppression {
            span: Span::new(start + comment_start, start + line.trim_end().len()),
            codes,
            reason,
            target_line,
            file_wide,
        });
    }
    out
}

fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

/// The code a suppression names: a rule's code or name, or a job file
/// diagnostic's code (its warnings can be suppressed too).
fn known_code(written: &str) -> Option<&'static str> {
    super::find(written)
        .map(|r| r.meta().code)
        .or_else(|| super::frontend::find(written).map(|c| c.code))
}

fn names_rule(written: &str, code: &str) -> bool {
    written.eq_ignore_ascii_case(code)
        || super::find(written).is_some_and(|r| r.meta().code == code)
}

/// Drop suppressed findings. Unless `report_unused` is false, add an NP001
/// finding for each code of a suppression that suppressed nothing, when
/// `ran(code)` says that rule ran (a suppression for a rule that was
/// disabled or skipped is not known to be unused).
pub fn apply(
    source: &Source,
    findings: Vec<Finding>,
    report_unused: bool,
    ran: impl Fn(&str) -> bool,
    trusted: Option<&Trusted<'_>>,
) -> Vec<Finding> {
    let sups = parse(&source.text);
    if sups.is_empty() {
        return findings;
    }
    let at_base = trusted.map_or_else(|| vec![true; sups.len()], |t| t.judge(&source.text, &sups));
    let mut refused = Vec::new();
    let mut used: Vec<Vec<bool>> = sups.iter().map(|s| vec![false; s.codes.len()]).collect();
    let mut kept = Vec::new();
    for f in findings {
        let lines = f.primary_span().map(|s| {
            let (l1, _) = source.line_col(s.start);
            let (l2, _) = source.line_col(s.end.saturating_sub(1).max(s.start));
            (l1, l2)
        });
        let mut suppressed = false;
        for (si, s) in sups.iter().enumerate() {
            let applies =
                s.file_wide || lines.is_some_and(|(a, b)| s.target_line == a || s.target_line == b);
            if !applies {
                continue;
            }
            for (ci, c) in s.codes.iter().enumerate() {
                if names_rule(c, &f.code) {
                    used[si][ci] = true;
                    // What fails the run (an error, a warning under
                    // `--deny warnings`, a "cannot tell", at the severity
                    // the configuration gives it): only a suppression from
                    // the base silences it.
                    if at_base[si] || !trusted.is_some_and(|t| t.fails(&f)) {
                        suppressed = true;
                    } else {
                        refused.push(added(source, s, &f));
                    }
                }
            }
        }
        if !suppressed {
            kept.push(f);
        }
    }
    kept.extend(refused);
    if report_unused {
        for (si, s) in sups.iter().enumerate() {
            if s.codes.is_empty() {
                kept.push(unused(source, s, None));
                continue;
            }
            for (ci, c) in s.codes.iter().enumerate() {
                match known_code(c) {
                    None => kept.push(unused(source, s, Some(c))),
                    Some(code) if !used[si][ci] && ran(code) => {
                        kept.push(unused(source, s, Some(c)))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    kept
}

/// NP002: a suppression the change adds next to a finding that fails the
/// run (an error, a warning under `--deny warnings`, a "cannot tell").
fn added(source: &Source, s: &Suppression, f: &Finding) -> Finding {
    let meta = &super::meta::added_suppression::AddedSuppression::META;
    Diag::error(
        meta.code,
        format!(
            "suppression of `{}` is added by this change and cannot silence a finding that fails the run: {}",
            f.code, f.message
        ),
    )
    .with_severity(meta.default_severity)
    .help("fix the finding, or land the suppression in a reviewed change of its own first (or set `allow_added_suppressions = true` in the base's rules/policy.hcl)")
    .at(source, s.span, "added by this change")
}

fn unused(source: &Source, s: &Suppression, code: Option<&str>) -> Finding {
    let meta = &UnusedSuppression::META;
    let d = Diag::error(meta.code, "").with_severity(meta.default_severity);
    let d = match code {
        None => Diag {
            message: "suppression comment names no rule".into(),
            ..d
        }
        .help(
            "write `# preflight:ignore CODE reason`, e.g. `# preflight:ignore NP101 pinned by CI`",
        ),
        Some(c) if known_code(c).is_none() => Diag {
            message: format!("suppression names unknown rule `{c}`"),
            ..d
        }
        .help("`nomad-preflight rules` lists the rule codes; remove or correct the comment"),
        Some(c) => Diag {
            message: format!("suppression of `{c}` suppresses nothing"),
            ..d
        }
        .help(
            "the finding is gone: remove the comment (or move it next to the line it is meant for)",
        ),
    };
    d.at(source, s.span, "unused suppression")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn parses_trailing_own_line_and_file_comments() {
        let text = "job \"a\" {\n  # preflight:ignore NP101,NP102 demo image\n\n  # other\n  x = 1\n  y = 2 // preflight:ignore image-tag-latest\n}\n# preflight:ignore-file NP401\n#preflight:ignored NP1\n";
        let s = parse(text);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].codes, vec!["NP101", "NP102"]);
        assert_eq!(s[0].reason.as_deref(), Some("demo image"));
        assert_eq!(s[0].target_line, 5);
        assert_eq!(s[1].target_line, 6);
        assert_eq!(s[1].codes, vec!["image-tag-latest"]);
        assert_eq!(
            &text[s[1].span.start..s[1].span.end],
            "// preflight:ignore image-tag-latest"
        );
        assert!(s[2].file_wide);
    }

    /// Only comments count: a heredoc's or a string's text is not one
    /// (redteam6 G13), a comment after either still is.
    #[test]
    fn heredoc_and_string_text_is_no_comment() {
        let text = "a = <<EOT\n# preflight:ignore-file NP402\nx // preflight:ignore NP1\nEOT\nb = \"# preflight:ignore NP402\" # preflight:ignore NP101\nc = \"${d}\" // preflight:ignore NP102\n";
        let s = parse(text);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].codes, vec!["NP101"]);
        assert_eq!(s[0].target_line, 5);
        assert_eq!(
            &text[s[0].span.start..s[0].span.end],
            "# preflight:ignore NP101"
        );
        assert_eq!(s[1].codes, vec!["NP102"]);
        assert_eq!(s[1].target_line, 6);
    }

    fn finding(src: &Source, code: &str, needle: &str) -> Finding {
        let start = src.text.find(needle).unwrap();
        Diag::warning(code, "m").at(src, Span::new(start, start + needle.len()), "")
    }

    #[test]
    fn suppresses_and_reports_unused() {
        let text = "a = 1 # preflight:ignore NP101\nb = 2\n# preflight:ignore NP102 reason\nc = 3\nd = 4 # preflight:ignore NP103\ne = 5 # preflight:ignore NP999\n";
        let src = SourceFile::inline("t.nomad", text);
        let fs = vec![
            finding(&src, "NP101", "a = 1"),
            finding(&src, "NP101", "b = 2"),
            finding(&src, "NP102", "c = 3"),
        ];
        let out = apply(&src, fs, true, |_| true, None);
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.code.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("NP101", "m"),
                ("NP001", "suppression of `NP103` suppresses nothing"),
                ("NP001", "suppression names unknown rule `NP999`"),
            ]
        );
        // A rule that did not run cannot be judged unused.
        let out = apply(&src, vec![], true, |c| c != "NP103", None);
        assert!(out.iter().all(|f| !f.message.contains("NP103")));
    }

    #[test]
    fn trailing_comment_on_block_end_covers_the_block() {
        let text = "task \"x\" {\n  a = 1\n} # preflight:ignore NP102\n";
        let src = SourceFile::inline("t.nomad", text);
        let f = Diag::warning("NP102", "m").at(&src, Span::new(0, text.find('}').unwrap() + 1), "");
        assert!(apply(&src, vec![f], true, |_| true, None).is_empty());
    }

    #[test]
    fn suppressions_added_by_a_change_do_not_silence_errors() {
        let base = "a = 1 # preflight:ignore NP301 agreed\nb = 2\nc = 3\n";
        let head = "a = 1 # preflight:ignore NP301 agreed\nb = 2 # preflight:ignore NP301 mine\nc = 3 # preflight:ignore NP101\n";
        let src = SourceFile::inline("t.nomad", head);
        let err = |needle: &str, code: &str| {
            let start = head.find(needle).unwrap();
            Diag::error(code, "too big").at(&src, Span::new(start, start + 5), "")
        };
        let fs = vec![
            err("a = 1", "NP301"),
            err("b = 2", "NP301"),
            finding(&src, "NP101", "c = 3"),
        ];
        let trusted = Trusted::from_base(
            Some(base),
            BaseJobIs::Same,
            &crate::diag::Severity::Error,
            std::path::Path::new("t.nomad"),
        );
        let out = apply(&src, fs.clone(), true, |_| true, Some(&trusted));
        let got: Vec<_> = out.iter().map(|f| f.code.as_str()).collect();
        // The base's suppression works; the added one next to an error does
        // not and is reported; an added one next to a warning works.
        assert_eq!(got, vec!["NP301", "NP002"]);
        assert!(out[1].message.contains("`NP301` is added by this change"));
        // Trusted (commit time): all three suppress.
        assert!(apply(&src, fs, true, |_| true, None).is_empty());
    }
}
