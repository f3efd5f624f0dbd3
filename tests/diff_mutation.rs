//! Mutation property test (issue 13): for every argument of a job that
//! uses every block our model holds, changing its value must never plan as
//! "no change": the diff shows the change in Nomad's objects, or reports it
//! as changed but not modelled, or the edited file is refused as invalid.
//! Removing any block likewise. The per-block coverage this measures is
//! kept in docs/diff-coverage.md, and this test fails when it drifts
//! (regenerate with NOMAD_PREFLIGHT_BLESS=1). The same edits run over every
//! job of the corpus that validates, as an optional sweep.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::expr::{Array, Expression};
use hcl_edit::structure::{Body, Structure};
use nomad_preflight::diff::{job_diff, DiffType, JobDiff};
use nomad_preflight::jobspec::tree::Node;
use nomad_preflight::jobspec::{load_evaluated, LoadOptions};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::MemVfs;

/// The fixtures, by file name: between them every block and argument of the
/// 2.0 jobspec our model holds (a service job, and a batch job for what only
/// batch jobs may have).
const FIXTURES: [(&str, &str); 5] = [
    (
        "every_block.nomad",
        include_str!("fixtures/diff/every_block.nomad"),
    ),
    (
        "every_block_batch.nomad",
        include_str!("fixtures/diff/every_block_batch.nomad"),
    ),
    (
        "every_block_more.nomad",
        include_str!("fixtures/diff/every_block_more.nomad"),
    ),
    (
        "every_block_gateway.nomad",
        include_str!("fixtures/diff/every_block_gateway.nomad"),
    ),
    (
        "every_block_extras.nomad",
        include_str!("fixtures/diff/every_block_extras.nomad"),
    ),
];

/// Every key of the 2.0.5 jobspec, from the api structs' hcl tags (see the
/// file's header): struct, key, and the block paths it may be written at.
const KEYS: &str = nomad_preflight::jobspec::block_args::KEYS_2_0_5;

/// The 2.0.5 keys no fixture edits: (struct, key, first path).
fn keys_not_edited(report: &BTreeMap<String, Vec<(String, Seen)>>) -> Vec<String> {
    let mut edited: std::collections::BTreeSet<(&str, &str)> = Default::default();
    for (block, es) in report {
        let block = block.split(" (").next().unwrap_or(block);
        for (what, _) in es {
            let key = what.strip_suffix(" (removed)").unwrap_or(what);
            edited.insert((block, key));
        }
    }
    KEYS.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (st, key, _kind) = (w.next()?, w.next()?, w.next()?);
            let paths: Vec<&str> = w.collect();
            let hit = paths.iter().any(|p| edited.contains(&(*p, key)));
            (!hit).then(|| format!("{st}.{key} at {}", paths.first().unwrap_or(&"?")))
        })
        .collect()
}

/// How an edit showed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    /// In Nomad's diff objects and fields.
    Diffed,
    /// Modelled, but Nomad's diff.go has no object for it (a spread, the
    /// group update's `stagger`): planned as edited, said on stderr and in
    /// JSON.
    NotInNomadDiff,
    /// Only as "changed but not modelled": the lowering never read it.
    Unmodelled,
    /// The edited file does not validate (the edit is refused, not planned).
    Refused,
    /// The evaluated `job` block is unchanged (a variable's description, an
    /// unused variable's default): Nomad decodes the job from that block
    /// alone, so its diff is empty too.
    NotInJob,
    /// A removed block that restated what canonicalisation fills in: the
    /// canonical job is unchanged, and every argument and block inside it is
    /// modelled (each of their edits shows up or is refused), so Nomad's
    /// canonical job is unchanged as well.
    Restated,
    /// A key the api struct decodes but Nomad's agent never copies into the
    /// job it plans (command/agent/job_endpoint.go): Nomad's plan shows no
    /// change either. See [`DROPPED_BY_NOMAD`].
    DroppedByNomad,
    /// Planned as no change although the evaluated job changed: the bug this
    /// test exists for.
    Silent,
}

/// Keys (enclosing block, key) of the api structs that
/// `ApiJobToStructJob` (command/agent/job_endpoint.go, v2.0.5) does not copy:
/// a check's `advertise` (ApiServicesToStructs), a logs block's deprecated
/// `enabled` (ApiLogConfigToStructs copies Disabled only), and the group's
/// legacy disconnect settings, which ApiTgToStructsTG stopped copying in
/// 1.10 (#25284). And the region of a multiregion job (every_block.nomad has
/// a `multiregion` block): regionForJob (job_endpoint.go@v2.0.5:1086-1089)
/// sets such a job's region to "global" whatever the file writes. And a
/// vault block's `policies`, which structs.Vault lost in 1.10
/// (ApiTaskToStructsTask, job_endpoint.go@v1.10.0:1456-1466). And a
/// network's `device` (ApiNetworkResourceToStructs copies no Device) and a
/// task's `resources` `disk` (ApiResourcesToStructs copies no DiskMB), at
/// every release (job_endpoint.go@v0.10.0 to @v2.0.5).
const DROPPED_BY_NOMAD: &[(&str, &str)] = &[
    ("job", "region"),
    ("network", "device"),
    ("resources", "disk"),
    ("vault", "policies"),
    ("check", "advertise"),
    ("logs", "enabled"),
    ("group", "stop_after_client_disconnect"),
    ("group", "max_client_disconnect"),
    ("group", "prevent_reschedule_on_lost"),
];

/// A job file as the plan sees it: the canonical job, and the evaluated
/// `job` block it was lowered from.
struct Loaded {
    job: nomad_preflight::jobspec::Job,
    evaluated: Node,
}

fn load_job(text: &str) -> Option<Loaded> {
    let mut vfs = MemVfs::new("t");
    vfs.insert("j.nomad", text);
    let opts = LoadOptions {
        version: NomadVersion::new(2, 0, 5),
        ..Default::default()
    };
    let (p, evaluated) = load_evaluated(&vfs, Path::new("j.nomad"), &opts);
    if !p.is_valid() {
        return None;
    }
    Some(Loaded {
        job: p.job?,
        evaluated: evaluated?,
    })
}

fn shows(d: &JobDiff) -> bool {
    d.fields.iter().any(|f| f.ty != DiffType::None)
        || d.objects.iter().any(|o| o.ty != DiffType::None)
        || d.task_groups.iter().any(|g| {
            g.fields.iter().any(|f| f.ty != DiffType::None)
                || g.objects.iter().any(|o| o.ty != DiffType::None)
                || g.tasks.iter().any(|t| {
                    matches!(t.ty, DiffType::Added | DiffType::Deleted)
                        || t.fields.iter().any(|f| f.ty != DiffType::None)
                        || t.objects.iter().any(|o| o.ty != DiffType::None)
                })
        })
}

/// How one edited file shows up against `base`. An edit whose canonical
/// job equals the base's comes back `Silent`; [`settle`] then decides
/// which of those are removed blocks that only restated defaults.
fn judge(base: &Loaded, text: &str) -> Seen {
    let Some(new) = load_job(text) else {
        return Seen::Refused;
    };
    let v = NomadVersion::new(2, 0, 5);
    let d = job_diff(Some(&base.job), Some(&new.job), v);
    let unread = d.unmodelled.iter().any(|u| !u.fields.is_empty());
    if !d.changed() {
        if base.evaluated.same_content(&new.evaluated) {
            Seen::NotInJob
        } else {
            Seen::Silent
        }
    } else if unread {
        Seen::Unmodelled
    } else if shows(&d) {
        Seen::Diffed
    } else {
        Seen::NotInNomadDiff
    }
}

/// One edit: where (index path into the file's body), the block path for
/// the report (`job.group.task`), what was edited, and how it showed up.
struct Edit {
    path: Vec<usize>,
    blocks: String,
    what: String,
    removed_block: bool,
    seen: Seen,
}

/// A removed block whose edit left the canonical job unchanged restated
/// Nomad's defaults when everything inside it is modelled: then the model
/// holds its whole content, and equal models mean equal content. Innermost
/// blocks are settled first, so a block of restating blocks restates too.
fn settle(edits: &mut [Edit]) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(edits[i].path.len()));
    for i in order {
        if !(edits[i].removed_block && edits[i].seen == Seen::Silent) {
            continue;
        }
        let prefix = edits[i].path.clone();
        let inside_modelled = edits
            .iter()
            .filter(|e| e.path.len() > prefix.len() && e.path.starts_with(&prefix))
            .all(|e| {
                matches!(
                    e.seen,
                    Seen::Diffed | Seen::NotInNomadDiff | Seen::Refused | Seen::Restated
                )
            });
        if inside_modelled {
            edits[i].seen = Seen::Restated;
        }
    }
}

/// A different value of the same kind: strings get a leading "1" (which
/// keeps durations and numbers-in-strings valid), templates become another
/// string, numbers +1, booleans flip, lists and objects gain an element.
fn mutate(e: &Expression) -> Option<Expression> {
    Some(match e {
        Expression::String(s) => Expression::from(format!("1{}", s.value())),
        Expression::Number(n) => Expression::from(n.value().as_f64()? + 1.0),
        Expression::Bool(b) => Expression::from(!*b.value()),
        // An interpolated string becomes another (plain) string.
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            Expression::from("changed")
        }
        Expression::Object(o) => {
            let mut o = o.clone();
            o.insert(
                hcl_edit::expr::ObjectKey::Ident(hcl_edit::Ident::new("zz").into()),
                hcl_edit::expr::ObjectValue::new(Expression::from("1")),
            );
            Expression::Object(o)
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

/// Does the innermost `network` block on `path` (the edited item's) hold a
/// `port` block?
fn network_has_port(path: &[usize], body: &Body) -> bool {
    let mut b = body;
    let mut network = None;
    for i in &path[..path.len().saturating_sub(1)] {
        match b.get(*i) {
            Some(Structure::Block(block)) => {
                if block.ident.to_string() == "network" {
                    network = Some(&block.body);
                }
                b = &block.body;
            }
            _ => return false,
        }
    }
    network.is_some_and(|n| {
        n.iter()
            .any(|s| matches!(s, Structure::Block(p) if p.ident.to_string() == "port"))
    })
}

/// Every edit of `body` (each argument changed, each block removed, one at
/// a time), judged against `base`.
fn edits(base: &Loaded, body: &Body) -> Vec<Edit> {
    let mut items = Vec::new();
    walk(body, &mut Vec::new(), "", &mut items);
    let mut out = Vec::new();
    for (path, blocks, name, is_block) in items {
        let mut edited = body.clone();
        let (parent, i) = at(&mut edited, &path);
        let what = if is_block {
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
            name
        };
        let innermost = blocks.rsplit('.').next().unwrap_or("");
        let mut seen = judge(base, &edited.to_string());
        if seen == Seen::Silent
            && !is_block
            && DROPPED_BY_NOMAD.contains(&(innermost, what.as_str()))
        {
            seen = Seen::DroppedByNomad;
        }
        // jobspec2's normalizeNetworkPorts (parse_job.go@v2.0.5:99-125)
        // rebuilds a network's ReservedPorts from its `port` blocks whenever
        // it has one, so `reserved_ports` blocks beside a `port` block (as in
        // every_block_extras.nomad) never reach the servers.
        let beside_ports = innermost == "reserved_ports"
            || (innermost == "network" && what == "reserved_ports (removed)");
        if seen == Seen::Silent && beside_ports && network_has_port(&path, body) {
            seen = Seen::DroppedByNomad;
        }
        out.push(Edit {
            path,
            blocks,
            what,
            removed_block: is_block,
            seen,
        });
    }
    settle(&mut out);
    out
}

/// The coverage report's columns: how an edit may show up, and its name.
const COLUMNS: [(Seen, &str); 7] = [
    (Seen::Diffed, "diffed"),
    (Seen::NotInNomadDiff, "not in Nomad's diff"),
    (Seen::Unmodelled, "unmodelled"),
    (Seen::Refused, "refused"),
    (Seen::Restated, "restates defaults"),
    (Seen::NotInJob, "not in the job"),
    (Seen::DroppedByNomad, "dropped by Nomad"),
];

#[test]
fn every_edit_shows_up_and_the_coverage_report_holds() {
    // block path -> (argument or sub-block, how its edit showed up)
    let mut report: BTreeMap<String, Vec<(String, Seen)>> = BTreeMap::new();
    let mut total = 0;
    for (name, text) in FIXTURES {
        let base = load_job(text).unwrap_or_else(|| panic!("{name} validates under 2.0.5"));
        let body: Body = hcl_edit::parser::parse_body(text).expect("fixture parses");
        for e in edits(&base, &body) {
            total += 1;
            let at = if name == FIXTURES[0].0 {
                e.blocks
            } else {
                format!("{} ({name})", e.blocks)
            };
            report.entry(at).or_default().push((e.what, e.seen));
        }
    }
    assert!(total > 200, "{total} edits");
    let listed = |k: Seen| -> Vec<String> {
        report
            .iter()
            .flat_map(|(b, es)| {
                es.iter()
                    .filter(move |(_, s)| *s == k)
                    .map(move |(w, _)| format!("{b}: {w}"))
            })
            .collect()
    };
    let silent = listed(Seen::Silent);
    assert!(silent.is_empty(), "edits planned as no change: {silent:#?}");
    // Issue 13: no block or argument of the 2.0 jobspec left unmodelled.
    let unmodelled = listed(Seen::Unmodelled);
    assert!(
        unmodelled.is_empty(),
        "edits shown only as changed but not modelled: {unmodelled:#?}"
    );

    // Issue 13: every key of the 2.0 jobspec is in the fixtures.
    let missing = keys_not_edited(&report);
    assert!(
        missing.is_empty(),
        "2.0.5 jobspec keys no fixture edits ({}): {missing:#?}",
        missing.len()
    );
    let key_count = KEYS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count();

    let mut doc = String::from(
        "# Diff coverage (generated by tests/diff_mutation.rs)\n\n\
         Each argument of `tests/fixtures/diff/every_block.nomad` and\n\
         `every_block_batch.nomad` (rows marked with its name) was changed, and each\n\
         block removed, one at a time, and the edited job planned against the original\n\
         under Nomad 2.0.5. **diffed**: the change shows in Nomad's own diff objects;\n\
         **not in Nomad's diff**: modelled, but `diff.go` has no object for it (a\n\
         spread, the group update's `stagger`), so the plan marks the group or task\n\
         edited (as Nomad's deep-equality check does) and says so on stderr and in\n\
         JSON; a job whose only change is at job level keeps Nomad's diff `Type`\n\
         None in the JSON and the text (`nomad job plan` exits 0 from 1.5.0), with\n\
         `Preflight.Changed` true and a `Preflight.Unmodelled` entry; **unmodelled**: it shows only\n\
         as \"changed but not modelled\"; **refused**: the edited file no longer\n\
         validates; **restates defaults**: the removed block held what Nomad's\n\
         canonicalisation fills in (the canonical job is unchanged and everything\n\
         inside the block is modelled); **not in the job**: the evaluated `job` block\n\
         is unchanged; **dropped by Nomad**: the api struct decodes the key but Nomad's\n\
         agent never copies it into the job it plans (a check's `advertise`, a logs\n\
         block's `enabled` (from 1.5.5; 1.5.4's servers keep it as LogConfig `Enabled`), a group's `max_client_disconnect`,\n\
         `stop_after_client_disconnect` and `prevent_reschedule_on_lost`; the\n\
         `region` of a multiregion job, always \"global\"; a network's `device`; a\n\
         task's `resources` `disk`; `reserved_ports` blocks\n\
         beside a `port` block, which jobspec2's normalizeNetworkPorts replaces), so\n\
         Nomad's plan shows no change either. No edit may plan\n\
         as \"no change\" otherwise.\n\n",
    );
    doc.push_str(&format!(
        "Every one of the {key_count} keys of the Nomad 2.0.5 jobspec (the api structs'\n\
         hcl tags and jobspec2's extras, listed in\n\
         `src/jobspec/keys-2.0.5.txt`) is edited at least once below;\n\
         the test fails when one is not.\n\n"
    ));
    doc.push_str("| block |");
    for (_, name) in COLUMNS {
        doc.push_str(&format!(" {name} |"));
    }
    doc.push_str("\n|---|");
    doc.push_str(&"---|".repeat(COLUMNS.len()));
    doc.push('\n');
    for (block, edits) in &report {
        doc.push_str(&format!("| `{block}` |"));
        for (k, _) in COLUMNS {
            let cell = edits
                .iter()
                .filter(|(_, s)| *s == k)
                .map(|(w, _)| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ");
            doc.push_str(&format!(" {cell} |"));
        }
        doc.push('\n');
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
/// no edit may plan as "no change". Per-block counts, and every edit shown
/// only as unmodelled, go to stderr.
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
    let (mut silent, mut unmodelled) = (Vec::new(), Vec::new());
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
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        for e in edits(&base, &body) {
            total += 1;
            let line = format!("{name}: {}: {}", e.blocks, e.what);
            match e.seen {
                Seen::Silent => silent.push(line),
                Seen::Unmodelled => unmodelled.push(line),
                _ => {}
            }
            *counts
                .entry(e.blocks)
                .or_default()
                .entry(e.seen)
                .or_default() += 1;
        }
    }
    eprintln!(
        "{jobs} corpus jobs edited ({skipped} skipped: not valid on their own), {total} edits"
    );
    for (block, by) in &counts {
        eprintln!("  {block}: {by:?}");
    }
    eprintln!("shown only as changed but not modelled: {unmodelled:#?}");
    assert!(jobs > 100, "only {jobs} corpus jobs validate on their own");
    assert!(silent.is_empty(), "edits planned as no change: {silent:#?}");
}
