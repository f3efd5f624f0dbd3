//! Diagnostics: one located, coded, helpful error or warning type shared by
//! every front end (job files, world files, rehearsals) and every rule.

use std::fmt;

use crate::source::{Source, Span};

mod stand_in;
mod window;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
}

/// A diagnostic: what is wrong, where, and what to do about it.
#[derive(Debug, Clone)]
pub struct Diag {
    /// Stable code (`NP301` for lint rules, `hcl::syntax`, `jobspec::unknown-key`, ...).
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Labelled spans; the first is the primary location.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub source: Option<Source>,
    /// The finding says Nomad's answer depends on what nomad-preflight
    /// cannot know (a rule of [`crate::rules::Answer::CannotTell`], a
    /// change set's or a gate's "cannot tell"): `check` exits 2 for it
    /// unless a definite finding fails the run first, whatever its
    /// severity.
    pub cannot_tell: bool,
    /// What the finding says rests on a plan `plan` answers "cannot tell"
    /// (`rules::check_job`): it is a "cannot tell" itself at any level that
    /// decides a run (warning, error), and advice otherwise. Kept so a
    /// level set after the rules pass (`.nomad-preflight.hcl`) decides it
    /// as the world's policy.hcl does (see [`Diag::with_severity`]).
    pub untold_plan: bool,
    /// The node shuffles a finding sampled and saw no failure in, whose
    /// bound it says (R22-A-2, [`crate::unseen::Unseen`]): `--format json`
    /// carries it as `sampled`. A count, not the struct: it fits the
    /// padding after the flags, and a `Diag` stays within clippy's
    /// `result_large_err`.
    pub unseen: Option<std::num::NonZeroU32>,
}

impl Diag {
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diag {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
            cannot_tell: false,
            untold_plan: false,
            unseen: None,
        }
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        if self.untold_plan {
            self.cannot_tell = severity >= Severity::Warning;
        }
        self
    }

    /// Mark what the finding says as resting on a plan `plan` cannot tell
    /// (see [`Diag::untold_plan`]), at its level now and at any level set
    /// later. A finding that cannot tell by itself keeps that.
    pub fn on_untold_plan(mut self) -> Self {
        if !self.cannot_tell {
            self.untold_plan = true;
            let now = self.severity;
            self = self.with_severity(now);
        }
        self
    }

    pub fn at(mut self, source: &Source, span: Span, label: impl Into<String>) -> Self {
        self.source = Some(source.clone());
        let text = label.into();
        self.labels.push(Label {
            span,
            text: if text.is_empty() { None } else { Some(text) },
        });
        self
    }

    /// Add a further label in the same source.
    pub fn label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: Some(label.into()),
        });
        self
    }

    pub fn in_source(mut self, source: &Source) -> Self {
        self.source = Some(source.clone());
        self
    }

    /// The same diagnostic marked "cannot tell" (its `cannot_tell` field).
    pub fn as_cannot_tell(mut self) -> Self {
        self.cannot_tell = true;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// `file:line:col` of the primary label, for one-line formats.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let src = self.source.as_ref()?;
        let span = self.primary_span()?;
        let (line, col) = src.line_col(span.start);
        Some((src.name.clone(), line, col))
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl miette::Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|s| &s.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        let len = self.source.as_ref().map(|s| s.text.len()).unwrap_or(0);
        Some(Box::new(self.labels.iter().enumerate().map(
            move |(i, l)| {
                // Clamp so a stale span can never make miette panic or print garbage.
                let start = l.span.start.min(len);
                let end = l.span.end.clamp(start, len);
                let span = miette::SourceSpan::new(start.into(), end - start);
                if i == 0 {
                    miette::LabeledSpan::new_primary_with_span(l.text.clone(), span)
                } else {
                    miette::LabeledSpan::new_with_span(l.text.clone(), span)
                }
            },
        )))
    }
}

/// Render diagnostics for a terminal or a log, with the file name and
/// line:col in the header. `color` false gives stable text for snapshots.
pub fn render(diags: &[Diag], color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    // Our colours are kept and input's escapes shown (stand_in.rs).
    let (diags, stand_in, color) = match color.then(|| stand_in::colored(diags)) {
        Some(stand_in::Colored::StandIn(swapped, c)) => {
            (std::borrow::Cow::Owned(swapped), Some(c), true)
        }
        Some(stand_in::Colored::Plain) => (std::borrow::Cow::Borrowed(diags), None, false),
        Some(stand_in::Colored::AsIs) => (std::borrow::Cow::Borrowed(diags), None, true),
        None => (std::borrow::Cow::Borrowed(diags), None, false),
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    for d in diags.iter() {
        let d = &*on_their_lines(d);
        if let Some(at) = too_wide_to_excerpt(d) {
            out.push_str(&render_without_excerpt(&handler, d, &at));
            continue;
        }
        let res = match d.source.as_ref() {
            Some(src) => {
                let spans = d.labels.iter().map(|l| (l.span.start, l.span.end));
                let window = window::Window::new(src, spans, CONTEXT_LINES);
                let wrapped = WithName { diag: d, window };
                handler.render_report(&mut out, &wrapped)
            }
            None => handler.render_report(&mut out, d),
        };
        if res.is_err() {
            out.push_str(&d.message);
            out.push('\n');
        }
    }
    // Messages quote names and excerpts quote files: control characters
    // from them must not reach the terminal (only our own colours do).
    crate::escape::terminal_output_with(&out, color, stand_in)
}

/// The diagnostic with a newline from input shown as `\n`, as the one-line
/// formats (concise, markdown) show it: a job's `image = "nginx\n0 errors,
/// ..."` printed a line of its own inside the finding (redteam6 G12c). A
/// rule's message, a help and a label are ours and one line each, so a
/// newline in them came from input; a job file's or HCL's message
/// (`jobspec::`, `hcl::`) is Nomad's text, laid out in lines by Nomad
/// (a validation rule's summary and detail, hcl v1's `* ` list), and keeps
/// them. Other control characters are escaped for all text afterwards.
fn on_their_lines(d: &Diag) -> std::borrow::Cow<'_, Diag> {
    let nomads_text = d.code.starts_with("jobspec::") || d.code.starts_with("hcl::");
    let message = !nomads_text && d.message.contains('\n');
    let help = d.help.as_deref().is_some_and(|h| h.contains('\n'));
    let labels = d
        .labels
        .iter()
        .any(|l| l.text.as_deref().is_some_and(|t| t.contains('\n')));
    if !(message || help || labels) {
        return std::borrow::Cow::Borrowed(d);
    }
    let one = |s: &str| s.replace('\n', "\\n");
    let mut d = d.clone();
    if message {
        d.message = one(&d.message);
    }
    d.help = d.help.as_deref().map(one);
    for l in &mut d.labels {
        l.text = l.text.as_deref().map(one);
    }
    std::borrow::Cow::Owned(d)
}

/// Lines of context shown above and below each excerpted label.
const CONTEXT_LINES: usize = 1;

/// Lines longer than this are not excerpted: miette pads underlines with
/// `format!` widths, which panic past 65,535 columns (a 10 MB minified line),
/// and a terminal could not show such a line anyway.
const MAX_EXCERPT_LINE: usize = 4096;

/// `file:line:col` of the primary label when a line miette would print (a
/// labelled line or the context line before and after it) is too long to
/// excerpt.
fn too_wide_to_excerpt(d: &Diag) -> Option<String> {
    let src = d.source.as_ref()?;
    let text: &str = &src.text;
    let line_start = |at: usize| {
        text.get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    };
    let line_end = |at: usize| {
        text.get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i)
    };
    let wide = d.labels.iter().any(|l| {
        let at = l.span.start.min(text.len());
        let end_at = l.span.end.clamp(at, text.len());
        // One context line on each side, as miette prints them.
        let first = line_start(line_start(at).saturating_sub(1));
        let last = line_end((line_end(end_at) + 1).min(text.len()));
        let window = text.get(first..last).unwrap_or("");
        window.split('\n').any(|line| line.len() > MAX_EXCERPT_LINE)
            || l.span.len() > MAX_EXCERPT_LINE
    });
    if !wide {
        return None;
    }
    let (line, col) = d
        .labels
        .first()
        .map(|l| src.line_col(l.span.start.min(text.len())))
        .unwrap_or((1, 1));
    Some(format!("{}:{line}:{col}", src.name))
}

/// The diagnostic without its source excerpt, the location given as text
/// right under the message.
fn render_without_excerpt(handler: &miette::GraphicalReportHandler, d: &Diag, at: &str) -> String {
    let bare = Diag {
        source: None,
        labels: Vec::new(),
        ..d.clone()
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &bare).is_err() {
        out = format!("{}\n", d.message);
    }
    let note = format!("   ╭─[{at}] (line too long to show)\n");
    match out
        .find('×')
        .and_then(|x| out[x..].find('\n').map(|n| x + n + 1))
    {
        Some(pos) => out.insert_str(pos, &note),
        None => out.push_str(&note),
    }
    out
}

/// The diagnostic with its source given as a [`window::Window`]: the lines
/// near its labels under the file's name, never the whole text.
struct WithName<'a> {
    diag: &'a Diag,
    window: window::Window<'a>,
}

impl fmt::Debug for WithName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diag.fmt(f)
    }
}
impl fmt::Display for WithName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diag.fmt(f)
    }
}
impl std::error::Error for WithName<'_> {}
impl miette::Diagnostic for WithName<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.diag.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.window)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.diag.labels()
    }
}

/// A batch of diagnostics, e.g. everything wrong with one file.
#[derive(Debug, Clone, Default)]
pub struct Diags(pub Vec<Diag>);

impl Diags {
    pub fn new() -> Self {
        Diags(Vec::new())
    }
    pub fn push(&mut self, d: Diag) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diags) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diag::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diag> {
        self.0.iter()
    }
}

impl From<Diag> for Diags {
    fn from(d: Diag) -> Self {
        Diags(vec![d])
    }
}

impl IntoIterator for Diags {
    type Item = Diag;
    type IntoIter = std::vec::IntoIter<Diag>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A file that could not be read (refused by the fence, not a regular file,
/// no permission), located at the file itself: the refusal names the path
/// and never shows a line of what it leads to.
pub fn unreadable(path: &std::path::Path, err: &std::io::Error) -> Diag {
    let name = path.display().to_string();
    let at =
        crate::source::SourceFile::new(crate::source::Origin::Disk(path.to_path_buf()), name, "");
    // A refusal for what a checkout writes (line ends, a filter, an
    // encoding, an LFS object) is mended in .gitattributes or by judging
    // a checkout, not by making the file readable.
    let help = if err.kind() == crate::git::LINE_ENDS && crate::project::refusal(err).is_some() {
        "the file was not checked, so the run fails; check a checkout's files instead (`nomad-preflight check DIR`, or `--base REF` without `--head`: they are what Nomad reads), or give job files `-text` or `eol=lf` in .gitattributes, and no `filter` or `working-tree-encoding`"
    } else {
        "the file was not checked, so the run fails; make it a readable regular file inside the project, or leave it out of the paths checked"
    };
    Diag::error("io::read", crate::project::read_failure(path, err))
        .at(&at, Span::new(0, 0), "")
        .help(help)
}

/// Exit codes, documented in README.md. Commands that mirror a Nomad command
/// use Nomad's codes (`validate`: 0/1/255, `plan`: 0/1/255); our own
/// commands (`check`, `rehearse`, `status`) use 0 ok, 1 findings/failed
/// expectations, 2 invalid input or usage.
/// The message of a caught panic, for the error that replaces it.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

pub mod exit {
    pub const OK: i32 = 0;
    pub const FINDINGS: i32 = 1;
    pub const INVALID: i32 = 2;
    pub const NOMAD_ERROR: i32 = 255;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_on_a_line_wider_than_u16_renders_without_panicking() {
        let text = format!("a = \"{}\" ]\n", "x".repeat(70_000));
        let src = crate::source::SourceFile::inline("wide.nomad", &text);
        let at = text.len() - 2;
        let d = Diag::error("hcl::syntax", "Invalid HCL syntax").at(
            &src,
            Span::new(at, at + 1),
            "here",
        );
        let out = render(&[d], false);
        assert!(
            out.contains("[wide.nomad:1:70008] (line too long to show)"),
            "{out}"
        );
        assert!(out.len() < 1000);
    }
}
