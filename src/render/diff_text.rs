//! The JobDiff as `nomad job plan` prints it (`command/job_plan.go`,
//! formatJobDiff and friends), as colorstring markup.

use crate::diff::{DiffType, FieldDiff, JobDiff, ObjectDiff, TaskDiff, TaskGroupDiff};

use super::quote::go_quote;

/// Marker markup and its visible width.
fn marker(ty: DiffType) -> (&'static str, usize) {
    match ty {
        DiffType::Added => ("[green]+[reset] ", 2),
        DiffType::Deleted => ("[red]-[reset] ", 2),
        DiffType::Edited => ("[light_yellow]+/-[reset] ", 4),
        DiffType::None => ("", 0),
    }
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// The whole job diff, untrimmed markup (the caller trims and colourises).
pub fn format_job_diff(job: &JobDiff, verbose: bool) -> String {
    let (m, _) = marker(job.ty);
    let mut out = format!("{m}[bold]Job: {}\n", go_quote(&job.id));
    let (lf, mut lm) = longest(&job.fields, &job.objects);
    for tg in &job.task_groups {
        lm = lm.max(marker(tg.ty).1);
    }
    if job.ty == DiffType::Edited || verbose {
        let fo = aligned(&job.fields, &job.objects, 0, lf, lm);
        out.push_str(&fo);
        if !fo.is_empty() {
            out.push('\n');
        }
    }
    for tg in &job.task_groups {
        let prefix = lm - marker(tg.ty).1;
        out.push_str(&format_group(tg, prefix, verbose));
        out.push('\n');
    }
    out
}

fn update_color(kind: &str) -> &'static str {
    match kind {
        "create" => "[green]",
        "destroy" => "[red]",
        "migrate" => "[blue]",
        "in-place update" => "[cyan]",
        "create/destroy update" => "[yellow]",
        "canary" => "[light_yellow]",
        _ => "",
    }
}

fn format_group(tg: &TaskGroupDiff, tg_prefix: usize, verbose: bool) -> String {
    let (m, _) = marker(tg.ty);
    let mut out = format!(
        "{m}{}[bold]Task Group: {}[reset]",
        pad(tg_prefix),
        go_quote(&tg.name)
    );
    if tg.updates.is_empty() {
        out.push_str("[reset]\n");
    } else {
        // BTreeMap iteration is byte order, as Nomad's sort.Strings.
        let items: Vec<String> = tg
            .updates
            .iter()
            .map(|(k, n)| format!("[reset]{}{n} {k}", update_color(k)))
            .collect();
        out.push_str(&format!(" ({}[reset])\n", items.join(", ")));
    }
    let (lf, mut lm) = longest(&tg.fields, &tg.objects);
    for t in &tg.tasks {
        lm = lm.max(marker(t.ty).1);
    }
    let sub = tg_prefix + 2;
    if tg.ty == DiffType::Edited || verbose {
        let fo = aligned(&tg.fields, &tg.objects, sub, lf, lm);
        out.push_str(&fo);
        if !fo.is_empty() {
            out.push('\n');
        }
    }
    for t in &tg.tasks {
        let prefix = lm - marker(t.ty).1;
        out.push_str(&format_task(t, sub, prefix, verbose));
        out.push('\n');
    }
    out
}

fn format_task(t: &TaskDiff, start: usize, task_prefix: usize, verbose: bool) -> String {
    let (m, _) = marker(t.ty);
    let mut out = format!(
        "{}{m}{}[bold]Task: {}",
        pad(start),
        pad(task_prefix),
        go_quote(&t.name)
    );
    if !t.annotations.is_empty() {
        out.push_str(&format!(" [reset]({})", color_annotations(&t.annotations)));
    }
    match t.ty {
        DiffType::None => return out,
        DiffType::Added | DiffType::Deleted if !verbose => return out,
        _ => {}
    }
    out.push('\n');
    let (lf, lm) = longest(&t.fields, &t.objects);
    out.push_str(&aligned(&t.fields, &t.objects, start + 2, lf, lm));
    out
}

fn format_object(o: &ObjectDiff, start: usize, key_prefix: usize) -> String {
    let (m, w) = marker(o.ty);
    let mut out = format!(
        "{}{m}{}{} {{\n",
        pad(start),
        pad(key_prefix),
        shown(&o.name)
    );
    let (lf, lm) = longest(&o.fields, &o.objects);
    out.push_str(&aligned(
        &o.fields,
        &o.objects,
        start + key_prefix + 2,
        lf,
        lm,
    ));
    out.push('\n');
    out.push_str(&pad(start + w + key_prefix));
    out.push('}');
    out
}

fn format_field(f: &FieldDiff, start: usize, key_prefix: usize, value_prefix: usize) -> String {
    let (m, _) = marker(f.ty);
    let mut out = format!(
        "{}{m}{}{}: {}",
        pad(start),
        pad(key_prefix),
        shown(&f.name),
        pad(value_prefix)
    );
    match f.ty {
        DiffType::Added => out.push_str(&go_quote(&f.new)),
        DiffType::Deleted => out.push_str(&go_quote(&f.old)),
        DiffType::Edited => out.push_str(&format!("{} => {}", go_quote(&f.old), go_quote(&f.new))),
        DiffType::None => out.push_str(&go_quote(&f.new)),
    }
    if !f.annotations.is_empty() {
        out.push_str(&format!(" ({})", color_annotations(&f.annotations)));
    }
    out
}

/// A field's or object's name as printed. Nomad prints names unquoted
/// (formatFieldDiff, command/job_plan.go v2.0.5:650-667) and a map
/// field's name is its key (fieldDiffs, nomad/structs/diff.go), so a
/// newline in a meta or env key reached the output raw and a job file
/// could start a line of its own: `::add-mask::` or `::notice::` in a
/// GitHub Actions log (R17-22). Names are escaped as one line; a name
/// without control characters is Nomad's bytes.
fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().any(char::is_control) {
        std::borrow::Cow::Owned(crate::escape::one_line(name))
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// Longest field name (bytes) and widest marker among fields and objects.
fn longest(fields: &[FieldDiff], objects: &[ObjectDiff]) -> (usize, usize) {
    let lf = fields
        .iter()
        .map(|f| shown(&f.name).len())
        .max()
        .unwrap_or(0);
    let lm = fields
        .iter()
        .map(|f| marker(f.ty).1)
        .chain(objects.iter().map(|o| marker(o.ty).1))
        .max()
        .unwrap_or(0);
    (lf, lm)
}

fn aligned(
    fields: &[FieldDiff],
    objects: &[ObjectDiff],
    start: usize,
    lf: usize,
    lm: usize,
) -> String {
    let mut lines: Vec<String> = Vec::new();
    for f in fields {
        lines.push(format_field(
            f,
            start,
            lm - marker(f.ty).1,
            lf - shown(&f.name).len(),
        ));
    }
    for o in objects {
        lines.push(format_object(o, start, lm - marker(o.ty).1));
    }
    lines.join("\n")
}

pub fn color_annotations(annotations: &[String]) -> String {
    annotations
        .iter()
        .map(|a| match a.as_str() {
            "forces create" => format!("[green]{a}[reset]"),
            "forces destroy" => format!("[red]{a}[reset]"),
            "forces in-place update" => format!("[cyan]{a}[reset]"),
            "forces create/destroy update" => format!("[yellow]{a}[reset]"),
            _ => a.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The diff block as `nomad job plan` prints it, without the trailing
/// newline and blank line the plan adds.
pub fn render_diff(job: &JobDiff, verbose: bool, color: bool) -> String {
    super::color::colorize(format_job_diff(job, verbose).trim(), color)
}
