//! `csvdecode` (go-cty's `CSVDecodeFunc`) over Go's `encoding/csv` reader
//! as Go 1.17 on reads (read from Go 1.22's reader.go): empty lines are
//! skipped, `\r\n` ends a line as `\n` does, a quote inside an unquoted
//! field is refused (`bare " in non-quoted-field`), a quoted field runs
//! over line ends and must close before a comma or the line's end
//! (`extraneous or missing " in quoted-field`), and every record has the
//! first one's field count (`wrong number of fields`).
//!
//! The error text follows the go-cty release: from 1.9.0 (Nomad 1.3.10,
//! 1.4.0 on) `CSV parse error on line N: <err>`; before, Go's own
//! `csv.ParseError` text, whose column Go 1.17 redefined (1-based bytes).
//! Nomad releases on both an older go-cty and an older Go (1.1 and
//! before) have a column we do not model: a quote error is "cannot tell"
//! there.

use super::*;

/// Why Go's reader refused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    FieldCount,
    BareQuote,
    Quote,
}

impl Kind {
    fn text(self) -> &'static str {
        match self {
            Kind::FieldCount => "wrong number of fields",
            Kind::BareQuote => "bare \" in non-quoted-field",
            Kind::Quote => "extraneous or missing \" in quoted-field",
        }
    }
}

/// `csv.ParseError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParseError {
    start_line: usize,
    line: usize,
    column: usize,
    kind: Kind,
}

impl ParseError {
    /// Go's `ParseError.Error()` (Go 1.17 on).
    fn go_text(&self) -> String {
        let e = self.kind.text();
        if self.kind == Kind::FieldCount {
            format!("record on line {}: {e}", self.line)
        } else if self.start_line != self.line {
            format!(
                "record on line {}; parse error on line {}, column {}: {e}",
                self.start_line, self.line, self.column
            )
        } else {
            format!(
                "parse error on line {}, column {}: {e}",
                self.line, self.column
            )
        }
    }
}

/// A `csv.Reader` with the default settings go-cty uses.
struct Reader<'a> {
    rest: &'a [u8],
    num_line: usize,
    /// `FieldsPerRecord`: 0 until the first record sets it.
    fields: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            rest: text.as_bytes(),
            num_line: 0,
            fields: 0,
        }
    }

    /// `readLine`: the next line with its `\n` (`\r\n` made `\n`; a
    /// last line without one loses a trailing `\r`), or `None` at the end.
    /// Go counts a line even when it reads nothing.
    fn read_line(&mut self) -> Option<Vec<u8>> {
        self.num_line += 1;
        if self.rest.is_empty() {
            return None;
        }
        let n = self
            .rest
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.rest.len(), |i| i + 1);
        let mut line = self.rest[..n].to_vec();
        self.rest = &self.rest[n..];
        if line.last() != Some(&b'\n') && line.last() == Some(&b'\r') {
            line.pop();
        }
        let len = line.len();
        if len >= 2 && line[len - 2] == b'\r' && line[len - 1] == b'\n' {
            line.truncate(len - 1);
            line[len - 2] = b'\n';
        }
        Some(line)
    }

    /// `Read`: the next record, `Ok(None)` at the end, or Go's error.
    fn read(&mut self) -> Result<Option<Vec<String>>, ParseError> {
        // Skip empty lines.
        let line = loop {
            match self.read_line() {
                None => return Ok(None),
                Some(l) if l == b"\n" => continue,
                Some(l) => break l,
            }
        };
        let rec_line = self.num_line;
        let (mut pos_line, mut col) = (self.num_line, 1usize);
        let mut record: Vec<String> = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let fail = |line, column, kind| ParseError {
            start_line: rec_line,
            line,
            column,
            kind,
        };
        let mut rest: &[u8] = &line;
        let mut owned: Vec<u8>;
        'field: loop {
            if rest.first() != Some(&b'"') {
                let comma = rest.iter().position(|b| *b == b',');
                let field = match comma {
                    Some(i) => &rest[..i],
                    None => &rest[..rest.len() - nl_len(rest)],
                };
                if let Some(j) = field.iter().position(|b| *b == b'"') {
                    return Err(fail(self.num_line, col + j, Kind::BareQuote));
                }
                record.push(String::from_utf8_lossy(field).into_owned());
                match comma {
                    Some(i) => {
                        rest = &rest[i + 1..];
                        col += i + 1;
                        continue 'field;
                    }
                    None => break 'field,
                }
            }
            // A quoted field.
            rest = &rest[1..];
            col += 1;
            buf.clear();
            loop {
                if let Some(i) = rest.iter().position(|b| *b == b'"') {
                    buf.extend_from_slice(&rest[..i]);
                    rest = &rest[i + 1..];
                    col += i + 1;
                    match rest.first() {
                        Some(b'"') => {
                            buf.push(b'"');
                            rest = &rest[1..];
                            col += 1;
                        }
                        Some(b',') => {
                            rest = &rest[1..];
                            col += 1;
                            record.push(String::from_utf8_lossy(&buf).into_owned());
                            continue 'field;
                        }
                        _ if nl_len(rest) == rest.len() => {
                            record.push(String::from_utf8_lossy(&buf).into_owned());
                            break 'field;
                        }
                        _ => return Err(fail(self.num_line, col - 1, Kind::Quote)),
                    }
                } else if !rest.is_empty() {
                    buf.extend_from_slice(rest);
                    col += rest.len();
                    match self.read_line() {
                        Some(l) => {
                            pos_line += 1;
                            col = 1;
                            owned = l;
                            rest = &owned;
                        }
                        None => {
                            rest = &[];
                        }
                    }
                } else {
                    // The text ended inside the quotes.
                    return Err(fail(pos_line, col, Kind::Quote));
                }
            }
        }
        if self.fields > 0 {
            if record.len() != self.fields {
                return Err(ParseError {
                    start_line: rec_line,
                    line: rec_line,
                    column: 1,
                    kind: Kind::FieldCount,
                });
            }
        } else {
            self.fields = record.len();
        }
        Ok(Some(record))
    }
}

/// The length of the line end a line closes with (`\n`: 1, or none).
fn nl_len(line: &[u8]) -> usize {
    usize::from(line.last() == Some(&b'\n'))
}

/// How a go-cty release words Go's error (module notes); where the
/// column is not modelled, a "cannot tell" line (ours, never Nomad's).
fn error_text(e: ParseError, env: &FnEnv<'_>) -> String {
    if super::params::cty_release(env.version).at_least(1, 9, 0) {
        return format!("CSV parse error on line {}: {}", e.line, e.kind.text());
    }
    let go = crate::gorelease::go_of(env.version);
    if e.kind == Kind::FieldCount || go >= (1, 17, 0) {
        return e.go_text();
    }
    let (major, minor, patch) = go;
    format!(
        "cannot tell the column Go {major}.{minor}.{patch}'s encoding/csv gives this error (Go 1.17 changed how it counts): {}",
        e.go_text()
    )
}

/// `csvdecode(str)`: the header row names each record's attributes.
pub(super) fn csvdecode(env: &FnEnv<'_>, text: &str) -> Try {
    let fail = |e: ParseError| Miss::Fail(error_text(e, env));
    let mut r = Reader::new(text);
    let Some(header) = r.read().map_err(fail)? else {
        return Err("missing header line".into());
    };
    let mut seen = std::collections::BTreeSet::new();
    for name in &header {
        if !seen.insert(name.as_str()) {
            return Err(format!("duplicate column name {}", crate::gotext::go_quote(name)).into());
        }
    }
    let mut rows = Vec::new();
    let key_bytes: usize = header.iter().map(String::len).sum();
    while let Some(cols) = r.read().map_err(fail)? {
        // Each row (an object of one string per column) is charged to the
        // job file's budget before it is built, so a 16 MiB file of
        // one-byte rows stops at the budget instead of building 8 million
        // maps (redteam10 R10-7). The bound is ours: go-cty builds them.
        let cells: usize = cols.iter().map(String::len).sum();
        crate::jobspec::budget::charge(
            1 + cols.len() as u64,
            key_bytes.saturating_add(cells) as u64,
        )?;
        let m: BTreeMap<String, Value> = header
            .iter()
            .cloned()
            .zip(cols.into_iter().map(Value::String))
            .collect();
        rows.push(Value::Map(m));
    }
    Ok(Value::List(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<Vec<String>>, String> {
        let mut r = Reader::new(text);
        let mut out = Vec::new();
        loop {
            match r.read() {
                Ok(Some(rec)) => out.push(rec),
                Ok(None) => return Ok(out),
                Err(e) => return Err(e.go_text()),
            }
        }
    }

    fn rec(rows: &[&[&str]]) -> Result<Vec<Vec<String>>, String> {
        Ok(rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect())
    }

    /// Each input's records or error as Go 1.22's encoding/csv reads it
    /// (run; several are reader_test.go `TestRead` cases).
    #[test]
    fn reads_as_go_encoding_csv_does() {
        assert_eq!(records("a,b,c\n"), rec(&[&["a", "b", "c"]]));
        assert_eq!(records("a,b\r\nc,d\r\n"), rec(&[&["a", "b"], &["c", "d"]]));
        assert_eq!(records("a,b\n\n\nc,d"), rec(&[&["a", "b"], &["c", "d"]]));
        assert_eq!(
            records("\"a \"\"quoted\"\" b\",c\n"),
            rec(&[&["a \"quoted\" b", "c"]])
        );
        assert_eq!(records("\"two\nline\",x\n"), rec(&[&["two\nline", "x"]]));
        assert_eq!(records("a,b,\n"), rec(&[&["a", "b", ""]]));
        assert_eq!(records(",\n"), rec(&[&["", ""]]));
        // Guard: encoding/csv skips no byte order mark (file() keeps it):
        // it starts the first header's name.
        assert_eq!(
            records("\u{feff}a,b\n1,2\n"),
            rec(&[&["\u{feff}a", "b"], &["1", "2"]])
        );
        // BadDoubleQuotes, BadBareQuote, BadTrailingQuote, ExtraneousQuote.
        assert_eq!(
            records("a\"\"b,c"),
            Err("parse error on line 1, column 2: bare \" in non-quoted-field".into())
        );
        assert_eq!(
            records("a \"word\",\"b\""),
            Err("parse error on line 1, column 3: bare \" in non-quoted-field".into())
        );
        assert_eq!(
            records("\"a word\",b\""),
            Err("parse error on line 1, column 11: bare \" in non-quoted-field".into())
        );
        assert_eq!(
            records("\"a \"word\",\"b\""),
            Err("parse error on line 1, column 4: extraneous or missing \" in quoted-field".into())
        );
        // BadFieldCount.
        assert_eq!(
            records("a,b,c\nd,e"),
            Err("record on line 2: wrong number of fields".into())
        );
        // StartLine2: a quoted field opened on line 2 and never closed.
        assert_eq!(
            records("a,b\n\"c\"d,e"),
            Err("parse error on line 2, column 3: extraneous or missing \" in quoted-field".into())
        );
        assert_eq!(
            records("a,b\n\"d\n\n,e"),
            Err("record on line 2; parse error on line 4, column 3: extraneous or missing \" in quoted-field".into())
        );
        assert_eq!(
            records("a\n\"b\n"),
            Err("parse error on line 2, column 4: extraneous or missing \" in quoted-field".into())
        );
        // Line ends: a last `\r` dropped, `\r\n` read as `\n` even inside
        // quotes, blank lines skipped.
        assert_eq!(records("a\r"), rec(&[&["a"]]));
        assert_eq!(records("\"a\"\r\n"), rec(&[&["a"]]));
        assert_eq!(records("x,\"y\r\nz\"\n"), rec(&[&["x", "y\nz"]]));
        assert_eq!(records("\n\n"), rec(&[]));
        assert_eq!(records("a\n\"\"\n"), rec(&[&["a"], &[""]]));
    }
}
