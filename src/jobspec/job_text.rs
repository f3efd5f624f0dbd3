//! Is a text a job file? The cheap tests `check` and every gate choose
//! job files by, without a full parse (a hook meets every changed file).

/// Cheap check for a top-level `job` block, without a full parse: used by
/// `check` to skip other HCL files quietly. Comments and heredocs are
/// skipped so that a commented-out job does not count.
///
/// A `group` block at the top or directly inside a top-level block also
/// counts: that is a job whose `job` keyword is misspelled (`jbo "web" {`)
/// or missing, and judging the file by its `job` keyword alone would let
/// the typo turn a job into "not a job file" that a hook then passes. No
/// other HCL a repository holds (world files, agent configuration, Vault
/// and ACL policies, Packer, Terragrunt) has a `group` block there.
pub fn is_job_file(text: &str) -> bool {
    scan_for_job(text, false)
        || super::json_job::is_job(text)
        || parses_to_job(text, true)
        || hcl1_opens_job(text)
}

/// The scan misses a `job` behind what only a parser reads, and a skipped
/// file passes a gate: what it passes over is parsed. Too deep to parse
/// is `deep` (a `.hcl` file is judged; for other names the caller
/// decides, see changeset::holds_job).
fn parses_to_job(text: &str, deep: bool) -> bool {
    let job = |s: &hcl_edit::structure::Structure| {
        s.as_block()
            .is_some_and(|b| b.ident.value().as_str() == "job")
    };
    // Past the budget the parse is not made: a `job` that may begin a
    // top-level block there takes the file (the loader then says it cannot
    // tell, `hcl::too-large`: never passed over unread), and text whose
    // every line-leading `job` is prose holds none.
    if super::text_budget::exceeds(text.len()) {
        return any_job_line(text, |at| super::job_header::may_head_block(&text[at..]));
    }
    if !may_open_job_line(text) {
        return false;
    }
    match crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH) {
        Some(_) => deep,
        None => hcl_edit::parser::parse_body(text).is_ok_and(|b| b.iter().any(job)),
    }
}

/// May a top-level `job` block begin anywhere in `text`, as HCL2 reads it?
/// A body's item starts a line: only white space, or a `/* */` comment
/// closing there, can come before its name on that line (hclsyntax and
/// hcl-edit alike take one item a line, with a line end after each). So a
/// text where every `job` follows other text on its line (prose, `# job`,
/// a string) holds none, and needs no parse: proved cheaply, for any size.
/// Wider than HCL2 in every doubt (any Unicode white space, a lone CR as a
/// line end, `jobs`, a `*/` anywhere before it): more is parsed, never less.
fn may_open_job_line(text: &str) -> bool {
    any_job_line(text, |_| true)
}

/// Whether `hit` holds for the offset of some `job` that
/// [`may_open_job_line`] says may begin a top-level block.
fn any_job_line(text: &str, mut hit: impl FnMut(usize) -> bool) -> bool {
    let mut line = LineSoFar::default();
    let mut at = 0;
    // Each byte is fed once: linear however many `job`s a line holds.
    while let Some(i) = text[at..].find("job").map(|i| i + at) {
        line.feed(&text[at..i]);
        if (!line.code || line.closed_comment) && hit(i) {
            return true;
        }
        line.feed("job");
        at = i + 3;
    }
    false
}

/// What the current line holds before the point fed up to.
#[derive(Default)]
struct LineSoFar {
    /// Something other than white space.
    code: bool,
    /// A `*/` (a comment of several lines may close there).
    closed_comment: bool,
    star: bool,
}

impl LineSoFar {
    fn feed(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' || c == '\r' {
                *self = LineSoFar::default();
                continue;
            }
            self.closed_comment |= self.star && c == '/';
            self.star = c == '*';
            self.code |= !(c.is_whitespace() || c == '\u{feff}');
        }
    }
}

/// Does hcl v1 read a top-level `job` block in `text` (either vendored
/// parser: Nomad before 1.0 parses job files with it, 1.0 to 1.8 with
/// `-hcl1` or after HCL2 fails)? HCL1 takes what HCL2 refuses (a comma
/// between a block's items, a label on the next line, a key written as a
/// string with escapes), so a job the scan and HCL2 both miss is one
/// Nomad 0.x runs. A key written with an escape (`"\x6aob"`) needs a
/// backslash in the text.
fn hcl1_opens_job(text: &str) -> bool {
    use super::hcl1_syntax::{opens_job, Era};
    (text.contains("job") || text.contains('\\'))
        && [Era::Old, Era::New]
            .into_iter()
            .any(|era| opens_job(text.as_bytes(), era))
}

/// Whether `text` opens a `job` block at its top (`job "web" {`, `job web
/// {`, hcl v1's `"job" "web" {`), comments and heredocs skipped. This is
/// the test for a file whose name is not a job file's: prose and scripts
/// hold lines that begin with "job" or "group", and a gate must not fail
/// a commit of a README by parsing it as a job. A job Nomad runs opens
/// its `job` block so; a file that does not cannot be run as a job. The
/// parsers back the scan: HCL2 (unless too deep for our budget), then
/// hcl v1 (at any depth).
pub fn opens_job_block(text: &str) -> bool {
    scan_for_job(text, true)
        || super::json_job::is_job(text)
        || parses_to_job(text, false)
        || hcl1_opens_job(text)
}

/// A line scan of `text`'s code ([`crate::nesting::code_view`]: comments,
/// heredoc bodies and string contents blanked, so a header behind `/* c
/// */`, after a comment of several lines closes, or with an escaped quote
/// in its label is met, and a `<<` or brace inside a string is not).
fn scan_for_job(text: &str, strict: bool) -> bool {
    leads_with_job_header(text) || scan_code_for_job(text, strict)
}

/// [`scan_code_for_job`]'s answer for the common job file, without its
/// blanked copy of the whole text: only blank lines and whole-line `#` /
/// `//` comments before a plain `job "label" {` line. Those lines hold no
/// code (each comment is blanked to its line's end, a blank line has no
/// byte the lexer acts on), so the header line starts at the top level
/// outside any string or comment; a label free of `"`, `\`, `$` and `%` is
/// one string with no escape or template, blanked to letters, so the code
/// view's line is a header that [`job_header`] accepts at depth 0, the
/// first test of that line. Anything else is left to the full scan. The
/// copy and the scan of an 8.7 KB job file were ~0.26 M instructions of a
/// `check --staged`, on the thread that waits for the staged file's parse.
fn leads_with_job_header(text: &str) -> bool {
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        return plain_job_header(line);
    }
    false
}

/// `job "label" {` and nothing after the brace, `line` trimmed; the
/// label non-empty and free of what a string escapes or interpolates.
fn plain_job_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("job") else {
        return false;
    };
    let spaced = rest.trim_start_matches([' ', '\t']);
    if spaced.len() == rest.len() {
        return false;
    }
    let Some(quoted) = spaced.strip_prefix('"') else {
        return false;
    };
    let Some(end) = quoted.find(['"', '\\', '$', '%']) else {
        return false;
    };
    if end == 0 || !quoted[end..].starts_with('"') {
        return false;
    }
    quoted[end + 1..]
        .trim_start_matches([' ', '\t'])
        .strip_prefix('{')
        .is_some_and(|tail| tail.trim().is_empty())
}

/// The line scan itself ([`scan_for_job`]).
fn scan_code_for_job(text: &str, strict: bool) -> bool {
    if !text.contains("job") && (strict || !text.contains("group")) {
        return false;
    }
    let code = crate::nesting::code_view(text);
    let mut depth: i32 = 0;
    let lines: Vec<&str> = code.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        let next = lines.get(i + 1..).unwrap_or_default();
        if depth == 0 && job_header(line, next) {
            return true;
        }
        if depth == 0 && !strict && wide_job_header(line) {
            return true;
        }
        if !strict && (depth == 0 || depth == 1) && opens_block(line, "group") {
            return true;
        }
        // No escape, brace or comment is left inside a string.
        let mut in_str = false;
        for c in line.chars() {
            match c {
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => depth -= 1,
                _ => {}
            }
        }
    }
    false
}

/// Any identifier from `job` on (`job`, `jobs`, `job_x`) opening a block
/// (a label or a brace after it): a wider net only ever judges more
/// files. An argument (`jobs = ["a", "b"]` in a variables file) is none:
/// judged as a job it failed a commit of a plain var file (redteam6 G12a).
fn wide_job_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("job") else {
        return false;
    };
    let rest = rest
        .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
        .trim_start();
    rest.starts_with('"')
        || rest.starts_with('{')
        || rest.chars().next().is_some_and(|c| c.is_alphabetic())
}

/// [`job_block_line`], or a bare `job` whose label and brace follow on
/// the next lines: hcl v1 (Nomad before 1.0) reads newlines as white
/// space, so `job\n"web" {` is a job it runs, and a gate that saw no job
/// there passed it unread. Prose (`job\nwell done`) still is not one.
fn job_header(line: &str, next: &[&str]) -> bool {
    if job_block_line(line) {
        return true;
    }
    if line != "job" && line != "\"job\"" {
        return false;
    }
    let following: Vec<&str> = next
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .take(2)
        .collect();
    job_block_line(&format!("{line} {}", following.join(" ")))
}

/// `job "label" {`, `job label {` or `"job" "label" {`, the brace
/// optional (hcl v1 takes it on the next line).
fn job_block_line(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("job")
        .or_else(|| line.strip_prefix("\"job\""))
    else {
        return false;
    };
    // `job"web" {` needs no space: the string is a token of its own.
    if !rest.starts_with([' ', '\t', '"']) {
        return false;
    }
    let rest = rest.trim_start();
    let after_label = if let Some(quoted) = rest.strip_prefix('"') {
        match quoted.find('"') {
            Some(end) if end > 0 => &quoted[end + 1..],
            _ => return false,
        }
    } else {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if end == 0 {
            return false;
        }
        &rest[end..]
    };
    let after_label = after_label.trim_start();
    after_label.is_empty() || after_label.starts_with('{')
}

/// Whether `line` opens a `keyword` block (`group "a" {`, `group {`, or a
/// bare label), not an attribute of that name (`group = "g"`).
fn opens_block(line: &str, keyword: &str) -> bool {
    let Some(rest) = line.strip_prefix(keyword) else {
        return false;
    };
    let Some(first) = rest.chars().next() else {
        return false;
    };
    let rest = rest.trim_start();
    if first != ' ' && first != '\t' && first != '"' && first != '{' {
        // `groups {` or `group_name {` is another identifier.
        return false;
    }
    rest.starts_with('"')
        || rest.starts_with('{')
        || rest.chars().next().is_some_and(|c| c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text hcl-edit reads a top-level `job` block in passes the
    /// line test, however the block is put (R27b-3's pre-scan never
    /// decides alone what the parse would); texts that only mention
    /// `job` need no parse.
    #[test]
    fn the_line_test_never_hides_a_job_the_parse_reads() {
        let parsed_job = |t: &str| {
            hcl_edit::parser::parse_body(t).is_ok_and(|b| {
                b.iter().any(|s| {
                    s.as_block()
                        .is_some_and(|b| b.ident.value().as_str() == "job")
                })
            })
        };
        for text in [
            "job \"x\" {}\n",
            "  \tjob \"x\" {}",
            "/* c */ job \"x\" {}",
            "/* a\n b */ job \"x\" {\n}\n",
            "a = 1\r\njob \"x\" {}",
            "a = 1\rjob \"x\" {}",
            "a = 1 job \"x\" {}",
            "x {} job \"y\" {}",
            "x { a = 1 } job \"y\" {}",
            "a = <<EOF\nfoo\nEOF\njob \"x\" {}",
            "a = <<EOF\nfoo\n  EOF job \"x\" {}",
            "\u{feff}job \"x\" {}",
            "\u{c}job \"x\" {}",
            "\u{b}job \"x\" {}",
            "a = 1 # c\njob \"x\" {}",
            "a = [\n1] job \"x\" {}",
            "a = (\n1\n) job \"x\" {}",
            "a = {\n} job \"x\" {}",
            "job x {}",
        ] {
            if parsed_job(text) {
                assert!(may_open_job_line(text), "{text:?}");
            }
        }
        assert!(parsed_job("/* c */ job \"x\" {}"));
        for text in [
            "# job\nx = \"%{if true}a%{endif}\"\n",
            "Each job runs once.\nx = \"job\"\n",
            "a = \"job\" // job\n",
        ] {
            assert!(!may_open_job_line(text), "{text:?}");
            assert!(!parses_to_job(text, true), "{text:?}");
        }
    }

    /// Past the parse budget, a `job` that may begin a block takes the
    /// file unparsed, and prose whose lines begin with `job` does not.
    #[test]
    fn past_the_budget_the_header_decides() {
        let pad =
            "# pad\n".repeat(super::super::text_budget::DEFAULT_MAX_JOB_BYTES as usize / 6 + 1);
        for head in [
            "job \"web\" {",
            "job web {",
            "job {",
            "job \"a\" \"b\" {",
            "job /* c */ \"web\" {",
            "job /* a\n b */ \"web\" {",
            "/* a\n b */ job \"web\" {",
            "  job \"we\\\"b\" {",
            "job \"${x}\" {",
            "job \"web\" # c\n{",
        ] {
            assert!(
                parses_to_job(&format!("{pad}{head}\n}}\n"), false),
                "{head:?}"
            );
        }
        for head in [
            "job well done.",
            "job: build",
            "jobs \"x\" {",
            "job_x web {",
            "job = \"web\"",
            "job \"web\"\n",
            "job web\n",
            "job\n",
            "x = \"job {\"",
        ] {
            assert!(!parses_to_job(&format!("{pad}{head}\n"), false), "{head:?}");
        }
    }

    #[test]
    fn job_file_detection() {
        assert!(opens_job_block("# x\njob \"a\" {\n}\n"));
        assert!(opens_job_block("job web {\n}\n"));
        assert!(opens_job_block("\"job\" \"web\"\n{\n}\n"));
        assert!(!opens_job_block("job is done\ngroup chat {\n"));
        assert!(!opens_job_block("jobs \"a\" {\n}\n"));
        assert!(!opens_job_block("x {\n  job \"a\" {\n  }\n}\n"));
        assert!(!opens_job_block("# job \"a\" {\n"));
        assert!(is_job_file("# x\njob \"a\" {\n}\n"));
        assert!(is_job_file("\"job\" \"web\" {\n}\n"));
        assert!(!is_job_file("# job \"a\" {}\nclient {\n  job = 1\n}\n"));
        assert!(!is_job_file(
            "variable \"x\" {\n  default = <<EOT\njob \"a\" {\nEOT\n}\n"
        ));
        // A misspelled or missing `job` keyword still holds a job.
        assert!(is_job_file("jbo \"web\" {\n  group \"g\" {\n  }\n}\n"));
        assert!(is_job_file("group \"g\" {\n  task \"t\" {}\n}\n"));
        // `group` as an attribute, or deeper than a job's groups, does not.
        assert!(!is_job_file(
            "allocation \"a1\" {\n  job   = \"web\"\n  group = \"g\"\n}\n"
        ));
        assert!(!is_job_file("a {\n  b {\n    group \"g\" {}\n  }\n}\n"));
        assert!(!is_job_file("groups {\n}\ngroup_name \"x\" {\n}\n"));
    }

    /// Headers the line scan met only at a line's start, in plain text
    /// (redteam6 G2): behind a closed comment, after a comment of several
    /// lines, with an escaped quote, after a string holding `<<EOF`.
    #[test]
    fn a_job_header_is_met_wherever_comments_and_strings_put_it() {
        for text in [
            "/* ci */ job \"web\" {\n}\n",
            "/* a\n b */ job \"web\" {\n}\n",
            "/* a */ /* b */ job /* c */ \"web\" {\n}\n",
            "job \"bad\\\"x\" {\n}\n",
            "variable \"v\" {\n  default = \"<<EOF\"\n}\njob \"web\" {\n}\n",
            "variable \"v\" {\n  default = \"}\"\n}\njob \"web\" {\n}\n",
        ] {
            assert!(scan_for_job(text, true), "{text:?}");
            assert!(scan_for_job(text, false), "{text:?}");
        }
        for text in [
            "/* job \"web\" {\n}\n */\n",
            "x = \"job \\\"web\\\" {\"\n",
            "x = <<EOF\njob \"web\" {\nEOF\n",
        ] {
            assert!(!scan_for_job(text, false), "{text:?}");
        }
    }

    /// hcl v1 reads what HCL2 refuses: a comma between a block's items.
    #[test]
    fn an_hcl1_only_job_is_a_job() {
        let text = "/* c */ job \"web\" {\n  datacenters = [\"dc1\"], priority = 99\n  /* g */ group \"g\" {}\n}\n";
        assert!(hcl_edit::parser::parse_body(text).is_err());
        assert!(opens_job_block(text));
        assert!(is_job_file(text));
        assert!(opens_job_block("x = 1, job web {\n}\n"));
    }

    /// The shortcut answers only where the full scan answers yes, in both
    /// modes, and does answer for the usual job file (a guard: the output
    /// must not move with it).
    #[test]
    fn the_leading_header_shortcut_agrees_with_the_full_scan() {
        let taken = [
            "job \"web\" {\n}\n",
            "# c\n// d\n\n  job\t\"web x{}\" {  \r\n}\n",
            "\n\njob \"é\" {\n",
            include_str!("../../jobs/sockshop.nomad"),
            include_str!("../../jobs/monitoring.nomad"),
        ];
        for text in taken {
            assert!(leads_with_job_header(text), "{text:?}");
            assert!(scan_code_for_job(text, true), "{text:?}");
            assert!(scan_code_for_job(text, false), "{text:?}");
        }
        // Left to the full scan, whatever it answers.
        for text in [
            "",
            "job \"\" {\n}\n",
            "job \"a\\\"b\" {\n}\n",
            "job \"${x}\" {\n}\n",
            "job \"a\" { # c\n}\n",
            "job web {\n}\n",
            "job\"web\" {\n}\n",
            "/* c */\njob \"web\" {\n}\n",
            "\"job\" \"web\" {\n}\n",
            "x = 1\njob \"web\" {\n}\n",
            "\u{feff}job \"web\" {\n}\n",
            "\u{feff}\njob \"web\" {\n}\n",
        ] {
            assert!(!leads_with_job_header(text), "{text:?}");
        }
    }

    /// A var file's argument whose name starts with `job` is no job
    /// (redteam6 G12a); a block so named still is, for a `*.hcl` file.
    #[test]
    fn an_argument_named_like_job_is_no_job() {
        assert!(!is_job_file("jobs = [\"a\", \"b\"]\njob_count = 3\n"));
        assert!(!is_job_file("job = \"web\"\n"));
        assert!(is_job_file("jobs \"a\" {\n}\n"));
        assert!(is_job_file("job_x web {\n}\n"));
    }

    #[test]
    fn a_job_header_hcl1_breaks_across_lines_is_a_job() {
        // hcl v1 reads newlines as white space: Nomad before 1.0 runs these.
        assert!(opens_job_block("job\n\"web\" {\n}\n"));
        assert!(opens_job_block("job\n# c\n\"web\"\n{\n}\n"));
        assert!(opens_job_block("\"job\"\nweb {\n}\n"));
        assert!(opens_job_block("job\"web\"{\n}\n"));
        assert!(is_job_file("job\n\"web\" {\n}\n"));
        // Prose is not.
        assert!(!opens_job_block("job\nwell done\n"));
        assert!(!opens_job_block("job\n"));
        assert!(!opens_job_block("jobs \"x\" {\n}\n"));
    }
}
