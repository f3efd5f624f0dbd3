//! Output formats for findings: one list of [`Finding`]s, five renderings
//! (terminal, JSON, SARIF 2.1.0, GitHub workflow commands, Markdown).

pub mod concise;
pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::diag::{Diag, Severity};
use crate::rules::Finding;
use crate::source::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// miette diagnostics with source excerpts.
    #[default]
    Human,
    /// Versioned JSON document (schema in docs/ci.md).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::`).
    Github,
    /// A Markdown summary for a PR comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
}

/// Where a finding is, resolved once for every format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Repository-relative path with `/` separators (never `REV:` or `(staged)`).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The text of the finding's first line, for fingerprints.
    pub line_text: String,
}

pub fn location(d: &Diag) -> Option<Location> {
    let src = d.source.as_ref()?;
    let file = match &src.origin {
        Origin::Git { path, .. } => crate::rules::config::path_text(path),
        _ => crate::rules::config::slashes(&src.name)
            .trim_start_matches("./")
            .to_string(),
    };
    let Some(span) = d.primary_span() else {
        return Some(Location {
            file,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            line_text: String::new(),
        });
    };
    let (line, column) = src.line_col(span.start);
    let (end_line, end_column) = src.line_col(span.end.max(span.start));
    let line_text = src.line_text(line).trim().to_string();
    Some(Location {
        file,
        line,
        column,
        end_line,
        end_column,
        line_text,
    })
}

/// How many files a run judged, and how many it looked at and skipped
/// because they are not job files (a skip is counted, never silent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Files {
    pub checked: usize,
    pub skipped: usize,
}

impl From<usize> for Files {
    fn from(checked: usize) -> Files {
        Files {
            checked,
            skipped: 0,
        }
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub advice: usize,
    pub files: usize,
    /// Files looked at that are not job files.
    pub skipped: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], files: impl Into<Files>) -> Summary {
        let files = files.into();
        let n = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: n(Severity::Error),
            warnings: n(Severity::Warning),
            advice: n(Severity::Advice),
            files: files.checked,
            skipped: files.skipped,
        }
    }
}

/// How many findings one code produced (ruff's `--statistics`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stat {
    pub code: String,
    /// The rule's kebab name; `None` for front-end diagnostics (parse errors).
    pub name: Option<&'static str>,
    pub count: usize,
}

/// Findings per code, most frequent first, ties by code: the order never
/// depends on file order or thread timing.
pub fn statistics(findings: &[Finding]) -> Vec<Stat> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry(f.code.as_str()).or_default() += 1;
    }
    let mut out: Vec<Stat> = counts
        .into_iter()
        .map(|(code, count)| Stat {
            code: code.to_string(),
            name: crate::rules::find(code).map(|r| r.meta().name),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    out
}

/// The statistics as a table: `count  code  name`, one code a line.
pub fn statistics_text(stats: &[Stat]) -> String {
    let width = stats.iter().map(|s| s.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in stats {
        out.push_str(&format!(
            "{:>5}  {:<width$}  {}\n",
            s.count,
            s.code,
            s.name.unwrap_or("(job file diagnostic)")
        ));
    }
    out
}

/// Render findings from `files` checked files in `format`.
pub fn render(
    format: Format,
    findings: &[Finding],
    files: impl Into<Files>,
    color: bool,
) -> String {
    let files = files.into();
    match format {
        Format::Human => human(findings, files, color),
        Format::Json => json::render(findings, files),
        Format::Sarif => sarif::render(findings),
        Format::Github => github::render(findings),
        Format::Markdown => markdown::render(findings, files),
    }
}

fn human(findings: &[Finding], files: Files, color: bool) -> String {
    // diag::render escapes what it prints (names, messages, excerpts).
    let capped: Vec<Finding> = findings.iter().map(cap_snippet).collect();
    let mut out = crate::diag::render(&capped, color);
    out.push_str(&summary_line(findings, files));
    out
}

/// At most this many labels are excerpted per finding (miette prints a few
/// lines of context around each).
const MAX_LABELS: usize = 4;
/// A finding's excerpts print at most this many lines.
const MAX_EXCERPT_LINES: usize = 30;
/// Labels past this index are listed, not tried (each try renders).
const MAX_TRIED: usize = 12;
/// At most this many places are listed after `also:`.
const MAX_ALSO: usize = 8;

/// The full format's excerpt of one finding, kept short: the primary label
/// and the next ones while there are at most [`MAX_LABELS`] and the
/// excerpts print at most [`MAX_EXCERPT_LINES`] lines; the others are
/// listed in the help as `also: file:line (label), …`, so a finding over
/// every `memory =` line of a big file prints a few excerpts, not hundreds
/// of lines.
pub fn cap_snippet(d: &Finding) -> Finding {
    let Some(src) = d.source.as_ref() else {
        return d.clone();
    };
    if d.labels.len() <= 1 {
        return d.clone();
    }
    let line = |l: &crate::diag::Label| src.line_col(l.span.start).0;
    // miette joins nearby labels into one excerpt with every line between
    // them: measure what each added label costs by rendering, and keep it
    // only while the excerpt stays within budget.
    let lines_of = |labels: &[crate::diag::Label]| {
        let mut probe = d.clone();
        probe.labels = labels.to_vec();
        probe.help = None;
        crate::diag::render(&[probe], false).lines().count()
    };
    let mut kept = vec![d.labels[0].clone()];
    let mut also = Vec::new();
    for (i, l) in d.labels.iter().enumerate().skip(1) {
        let mut with = kept.clone();
        with.push(l.clone());
        if kept.len() < MAX_LABELS && i <= MAX_TRIED && lines_of(&with) <= MAX_EXCERPT_LINES {
            kept = with;
        } else {
            also.push((line(l), l.text.clone().filter(|t| !t.is_empty())));
        }
    }
    if also.is_empty() {
        return d.clone();
    }
    let mut capped = d.clone();
    capped.labels = kept;
    also.sort();
    also.dedup();
    let mut places: Vec<String> = also
        .iter()
        .take(MAX_ALSO)
        .map(|(n, text)| match text {
            Some(t) => format!("{}:{n} ({t})", src.name),
            None => format!("{}:{n}", src.name),
        })
        .collect();
    if also.len() > MAX_ALSO {
        places.push(format!("and {} more", also.len() - MAX_ALSO));
    }
    let list = format!("also: {}", places.join(", "));
    capped.help = Some(match capped.help.take() {
        Some(h) => format!("{h}\n{list}"),
        None => list,
    });
    capped
}

/// `N errors, N warnings, N advices in N files`, then `(N skipped: not
/// job files)` when some were, with its newline.
pub fn summary_line(findings: &[Finding], files: impl Into<Files>) -> String {
    let s = Summary::of(findings, files);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let skipped = if s.skipped > 0 {
        format!(" ({} skipped: not job files)", s.skipped)
    } else {
        String::new()
    };
    format!(
        "{}, {}, {} in {}{skipped}\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.advice, "advice"),
        plural(s.files, "file")
    )
}

/// How the human format prints findings (`--output-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source excerpts with labels and hints (the default on a terminal).
    Full,
    /// One line per finding, `file:line:col: CODE [severity] message` (the
    /// default when stdout is not a terminal, as in hooks and CI logs).
    Concise,
}

/// FNV-1a, 64 bit: a hash whose value never changes between Rust releases
/// (std's `DefaultHasher` makes no such promise), for SARIF fingerprints.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::diag::Diag;
    use crate::source::{Origin, SourceFile, Span};

    /// Two findings in a staged file and one without a location.
    pub fn findings() -> Vec<Diag> {
        let text = "job \"web\" {\n  priority = 500\n  group \"g\" {\n    count = 0\n  }\n}\n";
        let src = SourceFile::new(
            Origin::Git {
                rev: ":".into(),
                path: "jobs/web.nomad".into(),
            },
            "jobs/web.nomad (staged)",
            text,
        );
        let at = |needle: &str| {
            let s = text.find(needle).unwrap();
            Span::new(s, s + needle.len())
        };
        vec![
            Diag::error("NP401", "job priority 500 is outside [1, 100]")
                .at(&src, at("priority = 500"), "out of range")
                .help("use a priority between 1 and 100"),
            Diag::warning(
                "NP205",
                "group \"g\" has count = 0: no allocation will run, 100%, a,b:c",
            )
            .at(&src, at("count = 0"), "nothing will run"),
            Diag::error("io::read", "Error opening file \"x.nomad\": not found"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_labelling_every_line_of_a_big_file_prints_a_short_excerpt() {
        let text: String = (1..=300).map(|i| format!("memory = {i}\n")).collect();
        let src = crate::source::SourceFile::inline("big.nomad", &text);
        let mut d = crate::diag::Diag::warning("NP304", "quota hit");
        // A label on line 1, then every 10 lines from line 12.
        for i in 0..30 {
            let at = text
                .match_indices('\n')
                .nth(i * 10)
                .map_or(0, |(o, _)| o + 1);
            let at = if i == 0 { 0 } else { at };
            d = d.at(
                &src,
                crate::source::Span::new(at, at + 6),
                format!("ask {i}"),
            );
        }
        let uncapped = crate::diag::render(std::slice::from_ref(&d), false);
        let capped = human(std::slice::from_ref(&d), 1.into(), false);
        assert!(
            uncapped.lines().count() > 250,
            "{}",
            uncapped.lines().count()
        );
        assert!(capped.lines().count() < 45, "{capped}");
        // Line 22 joins line 12's excerpt (miette prints the lines between)
        // within the budget; line 32 would not fit, so it and the rest are
        // listed.
        assert!(capped.contains("╰── ask 2"), "{capped}");
        assert!(!capped.contains("╰── ask 3"), "{capped}");
        assert!(
            capped.contains("also: big.nomad:32 (ask 3), big.nomad:42 (ask 4)"),
            "{capped}"
        );
        assert!(capped.contains("and 19 more"), "{capped}");
    }

    #[test]
    fn locations_use_repository_paths() {
        let f = testing::findings();
        let l = location(&f[0]).unwrap();
        assert_eq!(l.file, "jobs/web.nomad");
        assert_eq!((l.line, l.column, l.end_line, l.end_column), (2, 3, 2, 17));
        assert_eq!(l.line_text, "priority = 500");
        assert!(location(&f[2]).is_none());
    }

    #[test]
    fn statistics_count_per_code_in_a_stable_order() {
        let mut f = testing::findings();
        f.push(f[1].clone());
        let stats = statistics(&f);
        let got: Vec<(&str, Option<&str>, usize)> = stats
            .iter()
            .map(|s| (s.code.as_str(), s.name, s.count))
            .collect();
        assert_eq!(
            got,
            vec![
                ("NP205", Some("count-zero"), 2),
                ("NP401", Some("priority-out-of-range"), 1),
                ("io::read", None, 1),
            ]
        );
        assert_eq!(
            statistics_text(&stats),
            "    2  NP205     count-zero\n    1  NP401     priority-out-of-range\n    1  io::read  (job file diagnostic)\n"
        );
        assert!(statistics(&[]).is_empty());
    }

    #[test]
    fn stable_hash_is_stable() {
        assert_eq!(stable_hash(&["a"]), stable_hash(&["a"]));
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
        assert_eq!(stable_hash(&[]), "cbf29ce484222325");
    }

    #[test]
    fn human_ends_with_a_summary() {
        let out = render(Format::Human, &testing::findings(), 1, false);
        assert!(
            out.ends_with("2 errors, 1 warning, 0 advices in 1 file\n"),
            "{out}"
        );
    }
}
