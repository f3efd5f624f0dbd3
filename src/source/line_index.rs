//! Where each line of a file starts, so a byte offset becomes a line number
//! by binary search instead of a scan from the file's start: located output
//! over a 14 MB file with thousands of findings stays linear.

/// Line starts of one text. Lines end at `\n` (as HCL, `str::lines` and
/// our `line:col` count them); the offsets of lone `\r` bytes are kept
/// apart because miette's excerpts count those as line breaks too.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Offset of the first byte of each line; `starts[0] == 0`.
    starts: Vec<usize>,
    /// Offsets of `\r` bytes not followed by `\n`.
    lone_cr: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // memchr's SIMD search costs a few instructions a match: core's
        // `match_indices('\n')` restarted its search at each line, ~170
        // instructions a line (82,000 of a hook's main thread for its one
        // 8.7 KB job file, fat-LTO callgrind), and the byte-by-byte loop
        // before it was 81,000.
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let lone_cr = memchr::memchr_iter(b'\r', bytes)
            .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
            .collect();
        LineIndex { starts, lone_cr }
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Zero-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Offset where zero-based `line` starts (the last line's start past
    /// the end).
    pub fn start_of(&self, line: usize) -> usize {
        self.starts
            .get(line)
            .or(self.starts.last())
            .copied()
            .unwrap_or(0)
    }

    /// Offset just past zero-based `line`'s text, before its `\n`.
    pub fn end_of(&self, line: usize, text_len: usize) -> usize {
        self.starts
            .get(line + 1)
            .map_or(text_len, |next| next.saturating_sub(1))
    }

    /// Line breaks miette counts before `offset` (`\n`, `\r\n` and lone
    /// `\r`): miette's zero-based number of a line starting there.
    pub fn breaks_before(&self, offset: usize) -> usize {
        self.line_of(offset) + self.lone_cr.partition_point(|&c| c < offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_breaks_as_str_lines_and_miette_count_them() {
        let text = "a\r\nbc\rd\n\ne";
        let ix = LineIndex::new(text);
        assert_eq!(ix.len(), 4);
        assert_eq!((ix.line_of(0), ix.line_of(3), ix.line_of(7)), (0, 1, 1));
        assert_eq!((ix.line_of(8), ix.line_of(9), ix.line_of(99)), (2, 3, 3));
        assert_eq!((ix.start_of(1), ix.end_of(1, text.len())), (3, 7));
        // miette: `\r\n` is one break, the lone `\r` before `d` another.
        assert_eq!(ix.breaks_before(3), 1);
        assert_eq!(ix.breaks_before(6), 2);
        assert_eq!(ix.breaks_before(9), 4);
    }

    /// A guard (memchr's vector search has its own path for long texts):
    /// the starts and lone `\r`s of a text longer than any vector, as a
    /// byte-by-byte reading finds them.
    #[test]
    fn a_long_text_is_indexed_as_a_byte_loop_indexes_it() {
        let text: String = (0..500)
            .map(|i| match i % 7 {
                0 => "x\r\n".to_string(),
                3 => "\r".to_string(),
                _ => "a".repeat(i % 40) + "\n",
            })
            .collect();
        let bytes = text.as_bytes();
        let ix = LineIndex::new(&text);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                (0..bytes.len())
                    .filter(|&i| bytes[i] == b'\n')
                    .map(|i| i + 1),
            )
            .collect();
        let lone: Vec<usize> = (0..bytes.len())
            .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            .collect();
        assert_eq!(ix.starts, starts);
        assert_eq!(ix.lone_cr, lone);
    }
}
