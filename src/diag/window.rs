//! The part of a source file a rendered diagnostic shows: the lines around
//! its labels, with their true offsets and line numbers.
//!
//! miette's `SourceCode` for a whole text finds a span's lines by scanning
//! from the file's first byte, several times per excerpt; over a 14 MB file
//! with a finding at line 70,004 that took minutes. A window holds only the
//! lines near the labels (found from the labels outwards, plus the file's
//! line index for their numbers), so rendering costs what it prints.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::SourceFile;

/// Labels further apart than this many lines are excerpted separately.
/// Nearer ones share one excerpt with every line between them, as miette
/// joins them over a whole text.
const JOIN_GAP_LINES: usize = 64;

/// One run of whole lines `[start, end)` of the file; `line` is miette's
/// zero-based number of its first line.
#[derive(Debug, Clone, Copy)]
struct Segment {
    start: usize,
    end: usize,
    line: usize,
}

/// A `SourceCode` over the lines near some spans of one file.
#[derive(Debug)]
pub(super) struct Window<'a> {
    name: &'a str,
    bytes: &'a [u8],
    segments: Vec<Segment>,
}

impl<'a> Window<'a> {
    /// The lines holding `spans` (byte ranges, clamped to the text) and
    /// `context` lines more on each side, for an excerpt that asks for at
    /// most `context` lines of context.
    pub(super) fn new(
        src: &'a SourceFile,
        spans: impl IntoIterator<Item = (usize, usize)>,
        context: usize,
    ) -> Window<'a> {
        let bytes = src.text.as_bytes();
        let len = bytes.len();
        // One spare line each side: a span ending on a line break reaches
        // into the next line in miette's reading.
        let margin = context + 1;
        let mut segments: Vec<Segment> = spans
            .into_iter()
            .map(|(start, end)| {
                let start = start.min(len);
                let end = end.clamp(start, len);
                let mut first = line_start_at(bytes, start);
                for _ in 0..margin {
                    first = line_start_before(bytes, first);
                }
                let mut last = line_start_after(bytes, end);
                for _ in 0..margin {
                    last = line_start_after(bytes, last);
                }
                Segment {
                    start: first,
                    end: last,
                    line: src.lines().breaks_before(first),
                }
            })
            .collect();
        segments.sort_by_key(|s| s.start);
        let mut joined: Vec<Segment> = Vec::with_capacity(segments.len());
        for s in segments {
            match joined.last_mut() {
                Some(prev) if s.start <= prev.end || s.line <= gap_end(src, prev) => {
                    prev.end = prev.end.max(s.end);
                }
                _ => joined.push(s),
            }
        }
        Window {
            name: &src.name,
            bytes,
            segments: joined,
        }
    }
}

/// miette's line number up to which a segment after `prev` joins it.
fn gap_end(src: &SourceFile, prev: &Segment) -> usize {
    src.lines().breaks_before(prev.end) + JOIN_GAP_LINES
}

/// Whether a line starts at `at` as miette reads lines (after `\n`, or
/// after a `\r` not followed by `\n`).
fn is_line_start(bytes: &[u8], at: usize) -> bool {
    at == 0
        || match bytes.get(at - 1) {
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(at) != Some(&b'\n'),
            _ => false,
        }
}

/// Start of the line holding `at`.
fn line_start_at(bytes: &[u8], at: usize) -> usize {
    if is_line_start(bytes, at) {
        at
    } else {
        line_start_before(bytes, at)
    }
}

/// Start of the line before the one starting at or holding `at` (0 at the
/// first line).
fn line_start_before(bytes: &[u8], at: usize) -> usize {
    (1..at)
        .rev()
        .find(|&i| is_line_start(bytes, i))
        .unwrap_or(0)
}

/// Start of the next line after `at` (the text's end on the last line).
fn line_start_after(bytes: &[u8], at: usize) -> usize {
    (at + 1..bytes.len())
        .find(|&i| is_line_start(bytes, i))
        .unwrap_or(bytes.len())
}

impl SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let from = span.offset();
        let to = from + span.len();
        let seg = self
            .segments
            .iter()
            .find(|s| s.start <= from && to <= s.end)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((from - seg.start).into(), span.len());
        let inner = self.bytes[seg.start..seg.end].read_span(
            &local,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(MietteSpanContents::new_named(
            crate::escape::one_line(self.name),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + seg.start).into(),
                inner.span().len(),
            ),
            inner.line() + seg.line,
            inner.column(),
            inner.line_count() + seg.line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// What miette reads from the whole text and from a window must be the
    /// same bytes, offsets, line, column and line count.
    fn same_as_whole(text: &str, spans: &[(usize, usize)]) {
        let src = SourceFile::inline("t", text);
        let window = Window::new(&src, spans.iter().copied(), 1);
        for &(a, b) in spans {
            for ctx in [0, 1] {
                let span = SourceSpan::new(a.into(), b - a);
                let whole = text.read_span(&span, ctx, ctx).map_err(|e| e.to_string());
                let part = window.read_span(&span, ctx, ctx).map_err(|e| e.to_string());
                match (whole, part) {
                    (Ok(w), Ok(p)) => {
                        assert_eq!(w.data(), p.data(), "{a}..{b} ctx {ctx}");
                        assert_eq!(w.span(), p.span(), "{a}..{b} ctx {ctx}");
                        assert_eq!(
                            (w.line(), w.column(), w.line_count()),
                            (p.line(), p.column(), p.line_count()),
                            "{a}..{b} ctx {ctx}"
                        );
                    }
                    (w, p) => assert_eq!(w.is_ok(), p.is_ok(), "{a}..{b} ctx {ctx}"),
                }
            }
        }
    }

    #[test]
    fn a_window_reads_what_the_whole_text_reads() {
        let text: String = (0..200).map(|i| format!("line {i} = {i}\n")).collect();
        let at = |l: usize| text.find(&format!("line {l} ")).unwrap_or(0);
        same_as_whole(&text, &[(at(0), at(0) + 4)]);
        same_as_whole(&text, &[(at(150), at(150) + 4), (at(3), at(3) + 1)]);
        same_as_whole(&text, &[(at(199), text.len())]);
        same_as_whole(&text, &[(text.len(), text.len())]);
        // A span over several lines, and one ending on a line break.
        same_as_whole(&text, &[(at(10), at(14) + 2), (at(20), at(21))]);
        // CRLF and a lone CR, which miette counts as a line break.
        let crlf = text.replacen('\n', "\r\n", 50).replacen('\n', "\r", 3);
        let at = |l: usize| crlf.find(&format!("line {l} ")).unwrap_or(0);
        same_as_whole(&crlf, &[(at(120), at(120) + 3), (at(1), at(2) + 1)]);
        same_as_whole(&crlf, &[(at(48), at(52))]);
    }

    #[test]
    fn labels_far_apart_are_separate_segments() {
        let text: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let src = SourceFile::inline("t", &text);
        let far = Window::new(&src, [(0, 1), (text.len() - 4, text.len() - 1)], 1);
        assert_eq!(far.segments.len(), 2);
        assert!(far.segments.iter().all(|s| s.end - s.start < 40));
        let near = Window::new(&src, [(0, 1), (20, 21)], 1);
        assert_eq!(near.segments.len(), 1);
    }
}
