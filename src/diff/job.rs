//! The job's own diff (`Job.Diff` in diff.go): its fields, datacenters,
//! constraints, affinities, periodic and parameterized configs, and the
//! by-name pairing shared by groups and tasks.

use crate::version::NomadVersion;

use crate::jobspec as js;

use super::engine::{
    field_diffs, primitive_object_diff, primitive_object_set_diff, string_set_diff,
    structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::group::group_diffs;
use super::{DiffType, JobDiff, ObjectDiff};

/// Nomad's `oldJob.Diff(newJob, contextual=true)` as the Plan RPC computes it.
/// `old = None` is a new job, `new = None` a removed one. The version decides
/// which struct fields exist.
pub fn job_diff(old: Option<&js::Job>, new: Option<&js::Job>, version: NomadVersion) -> JobDiff {
    job_diff_with(old, new, version, true)
}

/// Nomad's `oldJob.Diff(newJob, contextual)`, for tests taken from
/// diff_test.go's TestJobDiff (which diffs without context).
pub fn job_diff_with(
    old: Option<&js::Job>,
    new: Option<&js::Job>,
    version: NomadVersion,
    contextual: bool,
) -> JobDiff {
    let id = new.or(old).map(|j| j.id.clone()).unwrap_or_default();
    let (mut diff, notes) = super::set_order::collect(|| {
        super::set_order::scoped(
            || format!("job {id:?}"),
            || build(old, new, version, contextual),
        )
    });
    diff.order_notes = notes;
    diff
}

fn build(
    old: Option<&js::Job>,
    new: Option<&js::Job>,
    version: NomadVersion,
    contextual: bool,
) -> JobDiff {
    let d = Dialect::new(version);
    let (ty, id) = match (old, new) {
        (None, Some(n)) => (DiffType::Added, n.id.clone()),
        (Some(o), None) => (DiffType::Deleted, o.id.clone()),
        (Some(_), Some(n)) => (DiffType::None, n.id.clone()),
        (None, None) => (DiffType::None, String::new()),
    };
    let empty = js::Job::default();
    let o = old.unwrap_or(&empty);
    let n = new.unwrap_or(&empty);
    let oflat = old.map(|j| fl::job(j, d)).unwrap_or_default();
    let nflat = new.map(|j| fl::job(j, d)).unwrap_or_default();
    let fields = field_diffs(&oflat, &nflat, false);

    let mut objects = Vec::new();
    if let Some(s) = string_set_diff(&o.datacenters, &n.datacenters, "Datacenters", contextual) {
        if s.ty != DiffType::None {
            objects.push(s);
        }
    }
    objects.extend(constraints(&o.constraints, &n.constraints, d, contextual));
    objects.extend(affinities(&o.affinities, &n.affinities, d, contextual));
    let ns: Ns = (o.namespace.as_str(), n.namespace.as_str());
    let task_groups = group_diffs(ns, &o.groups, &n.groups, d, contextual);
    objects.extend(periodic_diff(
        o.periodic.as_ref(),
        n.periodic.as_ref(),
        d,
        contextual,
    ));
    objects.extend(parameterized_diff(
        o.parameterized.as_ref(),
        n.parameterized.as_ref(),
        contextual,
    ));
    objects.extend(super::job_extra::multiregion_diff(
        o.multiregion.as_ref(),
        n.multiregion.as_ref(),
        d,
        contextual,
    ));
    objects.extend(super::job_extra::ui_diff(
        o.ui.as_ref(),
        n.ui.as_ref(),
        d,
        contextual,
    ));

    let mut diff = JobDiff {
        ty,
        id,
        fields,
        objects,
        task_groups,
        version,
        unmodelled: Vec::new(),
        masked: Vec::new(),
        order_notes: Vec::new(),
    };
    if let (Some(o), Some(n)) = (old, new) {
        diff.unmodelled = super::unmodelled::changes(o, n, &diff);
    }
    // Nomad's rule (diff.go v2.0.5 Job.Diff: Edited only when a field,
    // object or group diff shows a change), so the JSON and the text carry
    // Nomad's own `Type`. A change none of its objects shows (a job-level
    // `spread`) leaves it None, as in Nomad; [`JobDiff::changed`] still
    // says the job changed, and the plan says so on stderr and under
    // `Preflight` (never "no change" for an edited file). An argument we
    // do not model may be one Nomad shows: that keeps Edited.
    if diff.ty == DiffType::None
        && (diff.fields.iter().any(|f| f.ty != DiffType::None)
            || diff.objects.iter().any(|o| o.ty != DiffType::None)
            || diff.task_groups.iter().any(|g| g.ty != DiffType::None)
            || diff.unmodelled.iter().any(|u| u.unknown))
    {
        diff.ty = DiffType::Edited;
    }
    // Last, once the real values decided every type: no output shows a token.
    diff.masked = super::secrets::mask(&mut diff);
    diff
}

/// The old and new job's namespaces (services inherit them from 1.1).
pub(super) type Ns<'a> = (&'a str, &'a str);

pub(super) fn constraints(
    old: &[js::Constraint],
    new: &[js::Constraint],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let o: Vec<Flat> = old.iter().map(fl::constraint).collect();
    let n: Vec<Flat> = new.iter().map(fl::constraint).collect();
    primitive_object_set_diff(&o, &n, "Constraint", ctx, d)
}

pub(super) fn affinities(
    old: &[js::Affinity],
    new: &[js::Affinity],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let o: Vec<Flat> = old.iter().map(fl::affinity).collect();
    let n: Vec<Flat> = new.iter().map(fl::affinity).collect();
    primitive_object_set_diff(&o, &n, "Affinity", ctx, d)
}

/// Periodic: a primitive object until 1.6.2 (diff.go's periodicDiff), then
/// also a `Specs` string set (jobs with several `crons`). A single cron
/// stays in `Spec`.
pub(super) fn periodic_diff(
    old: Option<&js::Periodic>,
    new: Option<&js::Periodic>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(1, 6, 2) {
        return primitive_object_diff(
            old.map(fl::periodic).as_ref(),
            new.map(fl::periodic).as_ref(),
            "Periodic",
            ctx,
        );
    }
    if old == new {
        return None;
    }
    let multi = |p: Option<&js::Periodic>| -> Vec<String> {
        p.filter(|p| p.specs.len() > 1)
            .map(|p| p.specs.clone())
            .unwrap_or_default()
    };
    let objects: Vec<ObjectDiff> = string_set_diff(&multi(old), &multi(new), "Specs", ctx)
        .into_iter()
        .filter(|o| o.ty != DiffType::None)
        .collect();
    structured_object_diff(
        old.map(fl::periodic).as_ref(),
        new.map(fl::periodic).as_ref(),
        false,
        "Periodic",
        ctx,
        objects,
    )
}

pub(super) fn parameterized_diff(
    old: Option<&js::Parameterized>,
    new: Option<&js::Parameterized>,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::Parameterized::default();
    let mut objects = Vec::new();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    objects.extend(string_set_diff(
        &o.meta_optional,
        &n.meta_optional,
        "MetaOptional",
        ctx,
    ));
    objects.extend(string_set_diff(
        &o.meta_required,
        &n.meta_required,
        "MetaRequired",
        ctx,
    ));
    structured_object_diff(
        old.map(fl::parameterized).as_ref(),
        new.map(fl::parameterized).as_ref(),
        false,
        "ParameterizedJob",
        ctx,
        objects,
    )
}

/// Pair old and new items by name (the old ones in order, then the new
/// ones), diff each pair, and sort the results by name as Nomad does.
pub(super) fn diffs_by_name<T, R>(
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &str,
    diff: impl Fn(Option<&T>, Option<&T>) -> R,
    result_name: impl Fn(&R) -> &str,
) -> Vec<R> {
    // Each side's first of a name, as a search from the front finds it:
    // looked up once, not searched for each (quadratic in a job's groups).
    let (in_old, in_new) = (
        crate::by_name::FirstByName::new(old, &name),
        crate::by_name::FirstByName::new(new, &name),
    );
    let mut out: Vec<R> = old
        .iter()
        .map(|o| diff(Some(o), in_new.index(name(o)).and_then(|i| new.get(i))))
        .collect();
    out.extend(
        new.iter()
            .filter(|n| !in_old.contains(name(n)))
            .map(|n| diff(None, Some(n))),
    );
    out.sort_by(|a, b| result_name(a).as_bytes().cmp(result_name(b).as_bytes()));
    out
}
