//! Mutation property test (issue 13): for every argument of a job that
//! uses every block our model holds, changing its value must never plan as
//! "no change": the diff shows the change in Nomad's objects, or reports it
//! as changed but not modelled, or the edited file is refused as invalid.
//! Removing any block likewise. The per-block coverage this measures is
//! kept in docs/diff-coverage.md, and this test fails when it drifts
//! (regenerate with NOMAD_PREFLIGHT_BLESS=1). The same edits run over every
//! job of the corpus that validates, as an optional sweep.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::expr::{Array, Expression};
use hcl_edit::structure::{Body, Structure};
use nomad_preflight::diff::{job_diff, DiffType, JobDiff};
use nomad_preflight::jobspec::{load, LoadOptions};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::MemVfs;

const FIXTURE: &str = include_str!("fixtures/diff/every_block.nomad");

/// How an edit showed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    /// In Nomad's diff objects and fields.
    Diffed,
    /// Only as "changed but not modelled".
    Unmodelled,
    /// The edited file does not validate (the edit is refused, not planned).
    Refused,
    /// Planned as no change: the bug this test exists for.
    Silent,
}

fn load_job(text: &str) -> Option<nomad_preflight::jobspec::Job> {
    let mut vfs = MemVfs::new("t");
    vfs.insert("j.nomad", text);
    let opts = LoadOptions {
        version: NomadVersion::new(2, 0, 5),
        ..Default::default()
    };
    let p = load(&vfs, Path::new("j.nomad"), &opts);
    if p.is_valid() {
        p.job
    } else {
        None
    }
}

fn shows(d: &JobDiff) -> bool {
    d.fields.iter().any(|f| f.ty != DiffType::None)
        || d.objects.iter().any(|o| o.ty != DiffType::None)
        || d.task_groups.iter().any(|g| {
            g.fields.iter().any(|f| f.ty != DiffType::None)
                || g.objects.iter().any(|o| o.ty != DiffType::None)
                || g.tasks.iter().any(|t| t.ty != DiffType::None)
        })
}

fn judge(base: &nomad_preflight::jobspec::Job, text: &str) -> Seen {
    let Some(new) = load_job(text) else {
        return Seen::Refused;
    };
    let v = NomadVersion::new(2, 0, 5);
    let d = job_diff(Some(base), Some(&new), v);
    if d.ty == DiffType::None {
        Seen::Silent
    } else if shows(&d) && d.unmodelled.iter().all(|u| u.fields.is_empty()) {
        Seen::Diffed
    } else if !d.unmodelled.is_empty() {
        Seen::Unmodelled
    } else {
        Seen::Diffed
    }
}

/// A different value of the same kind: strings get a leading "1" (which
/// keeps durations and numbers-in-strings valid), templates become another
/// string, numbers +1, booleans flip, lists gain an element.
fn mutate(e: &Expression) -> Option<Expression> {
    Some(match e {
        Expression::String(s) => Expression::from(format!("1{}", s.value())),
        Expression::Number(n) => Expression::from(n.value().as_f64()? + 1.0),
        Expression::Bool(b) => Expression::from(!*b.value()),
        // An interpolated string becomes another (plain) string.
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            Expression::from("changed")
        }
        Expression::Array(a) => {
            let mut a: Array = a.clone();
            a.push(Expression::from("zz"));
            Expression::Array(a)
        }
        _ => return None,
    })
}

/// Every structure, by index path, with its block path for the report
/// (`job.group.task.identity`) and its own name.
fn walk(
    body: &Body,
    path: &mut Vec<usize>,
    blocks: &str,
    out: &mut Vec<(Vec<usize>, String, String, bool)>,
) {
    for (i, s) in body.iter().enumerate() {
        path.push(i);
        match s {
            Structure::Attribute(a) => {
                out.push((path.clone(), blocks.to_string(), a.key.to_string(), false));
            }
            Structure::Block(b) => {
                let name = b.ident.to_string();
                let here = if blocks.is_empty() {
                    name.clone()
                } else {
                    format!("{blocks}.{name}")
                };
                if !blocks.is_empty() {
                    out.push((path.clone(), blocks.to_string(), name.clone(), true));
                }
                walk(&b.body, path, &here, out);
            }
        }
        path.pop();
    }
}

fn at<'a>(body: &'a mut Body, path: &[usize]) -> (&'a mut Body, usize) {
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut b = body;
    for i in parents {
        match b.get_mut(*i) {
            Some(Structure::Block(block)) => b = &mut block.body,
            _ => panic!("path leads through a block"),
        }
    }
    (b, *last)
}

/// Every edit of `body` (each argument changed, each block removed, one at
/// a time), judged against `base`: (block path, what was edited, how it
/// showed up).
fn edits(base: &nomad_preflight::jobspec::Job, body: &Body) -> Vec<(String, String, Seen)> {
    let mut items = Vec::new();
    walk(body, &mut Vec::new(), "", &mut items);
    let mut out = Vec::new();
    for (path, blocks, name, is_block) in &items {
        let mut edited = body.clone();
        let (parent, i) = at(&mut edited, path);
        let what = if *is_block {
            parent.remove(i);
            format!("{name} (removed)")
        } else {
            let Some(Structure::Attribute(a)) = parent.get_mut(i) else {
                continue;
            };
            let Some(m) = mutate(&a.value) else {
                continue;
            };
            a.value = m;
            name.clone()
        };
        out.push((blocks.clone(), what, judge(base, &edited.to_string())));
    }
    out
}

#[test]
fn every_edit_shows_up_and_the_coverage_report_holds() {
    let base = load_job(FIXTURE).expect("the fixture validates under 2.0.5");
    let body: Body = hcl_edit::parser::parse_body(FIXTURE).expect("fixture parses");
    let all = edits(&base, &body);
    assert!(all.len() > 150, "{} edits", all.len());

    // block path -> (argument or sub-block, how its edit showed up)
    let mut report: BTreeMap<String, Vec<(String, Seen)>> = BTreeMap::new();
    let mut silent = Vec::new();
    for (blocks, what, seen) in all {
        if seen == Seen::Silent {
            silent.push(format!("{blocks}: {what}"));
        }
        report.entry(blocks).or_default().push((what, seen));
    }
    assert!(silent.is_empty(), "edits planned as no change: {silent:#?}");

    let mut doc = String::from(
        "# Diff coverage (generated by tests/diff_mutation.rs)\n\n\
         Each argument of `tests/fixtures/diff/every_block.nomad` was changed, and each\n\
         block removed, one at a time, and the edited job planned against the original\n\
         under Nomad 2.0.5. **diffed**: the change shows in Nomad's own diff objects;\n\
         **unmodelled**: it shows only as \"changed but not modelled\" (stderr, JSON,\n\
         the task marked edited); **refused**: the edited file no longer validates.\n\
         No edit may plan as \"no change\".\n\n\
         | block | diffed | unmodelled | refused |\n|---|---|---|---|\n",
    );
    for (block, edits) in &report {
        let list = |k: Seen| {
            edits
                .iter()
                .filter(|(_, s)| *s == k)
                .map(|(w, _)| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        doc.push_str(&format!(
            "| `{block}` | {} | {} | {} |\n",
            list(Seen::Diffed),
            list(Seen::Unmodelled),
            list(Seen::Refused)
        ));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diff-coverage.md");
    if std::env::var_os("NOMAD_PREFLIGHT_BLESS").is_some() {
        std::fs::write(&path, &doc).expect("write the coverage report");
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        kept, doc,
        "docs/diff-coverage.md is out of date (NOMAD_PREFLIGHT_BLESS=1 regenerates it)"
    );
}

/// The same edits over every corpus job that validates under 2.0.5 on its
/// own (files needing variables or other files are counted, not edited):
/// no edit may plan as "no change". Per-block counts go to stderr.
#[test]
#[ignore = "optional sweep over ../shared/corpus; .ci/run runs it with --ignored"]
fn every_edit_of_every_corpus_job_shows_up() {
    let dir = common::shared_input("PREFLIGHT_CORPUS", "corpus").join("jobs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let (mut jobs, mut skipped, mut total) = (0, 0, 0);
    let mut silent = Vec::new();
    let mut counts: BTreeMap<String, BTreeMap<Seen, usize>> = BTreeMap::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            skipped += 1;
            continue;
        };
        let (Some(base), Ok(body)) = (load_job(&text), hcl_edit::parser::parse_body(&text)) else {
            skipped += 1;
            continue;
        };
        jobs += 1;
        for (blocks, what, seen) in edits(&base, &body) {
            total += 1;
            if seen == Seen::Silent {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                silent.push(format!("{name}: {blocks}: {what}"));
            }
            *counts.entry(blocks).or_default().entry(seen).or_default() += 1;
        }
    }
    eprintln!(
        "{jobs} corpus jobs edited ({skipped} skipped: not valid on their own), {total} edits"
    );
    for (block, by) in &counts {
        eprintln!("  {block}: {by:?}");
    }
    assert!(jobs > 100, "only {jobs} corpus jobs validate on their own");
    assert!(silent.is_empty(), "edits planned as no change: {silent:#?}");
}
