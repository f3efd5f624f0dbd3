//! Optional sweep (#[ignore]): how Nomad words a syntax error, ours against
//! hclsyntax's own. tests/hcl-oracle/sweep.sh mutates the corpus jobs (one
//! byte deleted or inserted at seeded places), runs the Go oracles built
//! from HashiCorp's sources, then this test, which writes our answer for
//! each file in the oracle's format, and compares the two.

use nomad_preflight::jobspec::hcl1_syntax::{self, Verdict};
use nomad_preflight::jobspec::hclsyntax::{self, Era};

#[test]
#[ignore]
fn word_syntax_errors_for_the_sweep() {
    let Ok(dir) = std::env::var("HCL_SWEEP_DIR") else {
        eprintln!("HCL_SWEEP_DIR unset: run tests/hcl-oracle/sweep.sh");
        return;
    };
    let era = match std::env::var("HCL_SWEEP_ERA").as_deref() {
        Ok("hcl1-old") => return hcl1(&dir, hcl1_syntax::Era::Old),
        Ok("hcl1-new") => return hcl1(&dir, hcl1_syntax::Era::New),
        Ok("old") => Era::Hcl2_7,
        _ => Era::Hcl2_20,
    };
    let mut out = String::new();
    for path in files(&dir) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let name = path.display().to_string();
        let accepted = hcl_edit::parser::parse_body(text).is_ok();
        let answer = if accepted && hclsyntax::hcl_edit_blind_spot(text).is_none() {
            "OK".to_string()
        } else {
            match hclsyntax::diagnose(text, &name, era) {
                None => "UNSURE".to_string(),
                Some(d) if d.is_empty() && accepted => "OK".to_string(),
                Some(d) if d.is_empty() => "OK-BUT-HCL-EDIT-REFUSED".to_string(),
                Some(d) => hclsyntax::error_text(text, &name, &d)
                    .unwrap_or_default()
                    .replace('\\', "\\\\")
                    .replace('\n', "\\n"),
            }
        };
        out.push_str(&format!("{name}\t{answer}\n"));
    }
    std::fs::write(format!("{dir}/ours.tsv"), out).expect("write ours.tsv");
}

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("sweep dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "hcl" || x == "nomad"))
        .collect();
    names.sort();
    names
}

/// Before 1.0: hcl v1's verdict on the file's bytes, as oracle-hcl1-* print it.
/// A file it accepts is `OK` if we read it as it is, `OK-REWRITE` through
/// its rewrite into HCL2; else `UNSURE-HCL1-ONLY` (we say "cannot tell"),
/// or `UNSURE-HCL1-LITERAL(-PLAIN)` where a literal's value is not ours
/// to read (`-PLAIN`: hcl-edit parses the file as it is).
fn hcl1(dir: &str, era: hcl1_syntax::Era) {
    let mut out = String::new();
    let mut rewritten = 0;
    for path in files(dir) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let answer = match hcl1_syntax::judge(&bytes, era) {
            Verdict::Accepts => {
                let text = String::from_utf8_lossy(&bytes);
                let as_is = hcl_edit::parser::parse_body(&text).is_ok();
                let literal = hcl1_syntax::literal::unreadable(&text, era).is_some();
                match (as_is, literal) {
                    (true, false) => "OK".to_string(),
                    (true, true) => "UNSURE-HCL1-LITERAL-PLAIN".to_string(),
                    (false, true) => "UNSURE-HCL1-LITERAL".to_string(),
                    (false, false) => match hcl1_syntax::rewrite(&text, era) {
                        Ok(t) if hcl_edit::parser::parse_body(&t).is_ok() => {
                            rewritten += 1;
                            "OK-REWRITE".to_string()
                        }
                        // Why: the sweep's breakdown of what is left.
                        Ok(_) => "UNSURE-HCL1-ONLY (hcl-edit refuses the rewrite)".to_string(),
                        Err(u) => format!("UNSURE-HCL1-ONLY ({})", u.what),
                    },
                }
            }
            Verdict::CannotTell | Verdict::UnknownLetter(_) => "UNSURE".to_string(),
            Verdict::Panics(v) => format!("PANIC {v}"),
            Verdict::Refuses { text, .. } => text.replace('\\', "\\\\").replace('\n', "\\n"),
        };
        out.push_str(&format!("{}\t{answer}\n", path.display()));
    }
    std::fs::write(format!("{dir}/ours.tsv"), out).expect("write ours.tsv");
    eprintln!("read through the HCL2 rewrite: {rewritten}");
}
