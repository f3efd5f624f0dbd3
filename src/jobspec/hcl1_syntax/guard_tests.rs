//! Guard of the scanner's and parser's shortcuts: every answer of hcl v1's
//! reduction (the verdict with its text and place, the literals read in
//! the parse, a literal's value and a key read from any offset) over the
//! fixtures, the demo's jobs and texts made of HCL1's awkward pieces, is
//! the one the reading before those shortcuts gave (c. main 6d0f0674),
//! kept as hashes of groups of cases in `guard-answers.txt` beside this
//! file. `NP_HCL1_GUARD_PRINT=1` prints the hashes of the code as it is.

use super::literal;
use super::{judge_reading, Era};

/// Pieces that decide hcl v1's scanner and parser: quotes, escapes,
/// `${}` nesting, heredoc anchors, the three comments, numbers of every
/// base, line ends of both kinds, NUL, bytes that are not UTF-8, letters
/// Go's tables may or may not know, and HCL2 expressions.
const PIECES: &[&[u8]] = &[
    b"job",
    b" \"a\" ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"=",
    b",",
    b" ",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"",
    b"\"x\"",
    b"\"plain text\"",
    b"\\",
    b"\\n",
    b"\\\"",
    b"\\x4",
    b"\\x41",
    b"\\u00e9",
    b"\\U0010ffff",
    b"\\101",
    b"\\8",
    b"\\q",
    b"$",
    b"${",
    b"${a}",
    b"%{",
    b"$${",
    b"#",
    b"# note\n",
    b"//",
    b"// c\n",
    b"/*",
    b"*/",
    b"/* c */",
    b"<<EOF\n",
    b"EOF\n",
    b"<<-EOF\n",
    b"  EOF",
    b"<<\n",
    b"<<-\n",
    b"<<E O\n",
    b"0",
    b"010",
    b"08",
    b"0x1f",
    b"0x",
    b"1e5",
    b"1e",
    b"1.5",
    b".5",
    b"-",
    b"-3",
    b"+",
    b".",
    b"true",
    b"false",
    b"a.b-c_d",
    b"count",
    b"meta",
    b"group",
    b"task",
    b"99999999999999999999",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xe9",
    "é".as_bytes(),
    "\u{A7C0}".as_bytes(),
    "\u{E123}".as_bytes(),
    "\u{FEFF}".as_bytes(),
    "٣".as_bytes(),
    b"var.x",
    b"a = 1\n",
    b"k = \"v\"\n",
    b"l = [1, \"2\", true]\n",
    b"o { p = 1 }\n",
];

/// xorshift64*: the same texts on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// FNV-1a, fed piece by piece.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn feed(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

fn fixture_texts() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/hcl1_syntax"))
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "hcl"));
    paths.sort();
    for job in ["monitoring", "sockshop", "sockshopui"] {
        paths.push(root.join(format!("jobs/{job}.nomad")));
    }
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The cases: each fixture and job as it is, each job with pieces put in
/// at random places, and texts of random pieces.
fn cases() -> Vec<Vec<u8>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let base = fixture_texts();
    let mut out = base.clone();
    let jobs = &base[base.len() - 3..];
    for _ in 0..600 {
        let mut text = jobs[rng.below(jobs.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() + 1);
            let piece = PIECES[rng.below(PIECES.len())];
            text.splice(at..at, piece.iter().copied());
        }
        out.push(text);
    }
    for _ in 0..6000 {
        let mut text = Vec::new();
        for _ in 0..1 + rng.below(40) {
            text.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
        out.push(text);
    }
    out
}

/// Everything the reduction answers for `bytes` in `era`.
fn answers(bytes: &[u8], era: Era, h: &mut Fnv, every_offset: bool) {
    let text = std::str::from_utf8(bytes).ok();
    let (verdict, literals) = judge_reading(bytes, era, text);
    h.feed(format!("{verdict:?} {literals:?}").as_bytes());
    let Some(text) = text.filter(|_| every_offset) else {
        return;
    };
    for (at, _) in text.char_indices() {
        let rest = &text[at..];
        h.feed(
            format!(
                "{:?} {:?}",
                literal::value(rest, era),
                literal::key(rest, era)
            )
            .as_bytes(),
        );
    }
}

#[test]
fn the_readings_answers_are_the_recorded_ones() {
    const GROUP: usize = 200;
    let cases = cases();
    let mut got = Vec::new();
    for (g, group) in cases.chunks(GROUP).enumerate() {
        let mut h = Fnv::new();
        for (i, bytes) in group.iter().enumerate() {
            // Values at every offset of the short texts and of the jobs as
            // written; the long mutated jobs only for their verdicts.
            let every_offset = bytes.len() < 2_000 || g * GROUP + i < 90;
            for era in [Era::Old, Era::New] {
                answers(bytes, era, &mut h, every_offset);
            }
        }
        got.push(format!("{:016x}", h.0));
    }
    if std::env::var_os("NP_HCL1_GUARD_PRINT").is_some() {
        println!("{}", got.join("\n"));
    }
    let want: Vec<&str> = include_str!("guard-answers.txt").lines().collect();
    assert_eq!(got.len(), want.len(), "groups");
    for (g, (got, want)) in got.iter().zip(&want).enumerate() {
        assert_eq!(got, want, "group {g} (cases {}..)", g * GROUP);
    }
}
