//! What `TaskGroup.Validate` (nomad/structs/structs.go) checks of each
//! task itself, around the task's own `Task.Validate`: the errors are the
//! group's, named by task. Both rules later moved into `Task.Validate`
//! (validate_task.rs, validate_task_parts.rs).

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::version::NomadVersion;

/// Before `Task.Validate`, 0.10.0 (group volumes' first release) to 1.5.x:
/// an empty or undefined volume in a mount, then the next mount. 1.6.0
/// moved both into `Task.Validate`.
pub(super) fn volume_mounts(t: &Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(0, 10, 0) || v.at_least(1, 6, 0) {
        return;
    }
    let span = t.spans.best("volume_mount");
    for (i, m) in t.volume_mounts.iter().enumerate() {
        let (text, label, help) = if m.volume.is_empty() {
            (
                format!(
                    "Task {} has a volume mount ({i}) referencing an empty volume",
                    t.name
                ),
                "empty volume",
                "name the group volume to mount: `volume = \"data\"`",
            )
        } else if !g.volumes.iter().any(|vol| vol.name == m.volume) {
            (
                format!(
                    "Task {} has a volume mount ({i}) referencing undefined volume {}",
                    t.name, m.volume
                ),
                "undefined volume",
                "declare the volume in the group: `volume \"name\" { ... }`",
            )
        } else {
            continue;
        };
        let msg = format!("Group {}: {text}", g.name);
        refuse(out, text, "jobspec::missing", span, msg, label, help);
    }
}

/// After `Task.Validate`, in a service job, the patch releases that got
/// the rule before 1.6.0 moved it into `Task.Validate` (1.3.14, 1.4.10,
/// 1.5.6 to 1.5.x): a task may not take longer to stop than the group's
/// deployment allows. A progress deadline of 0 means none, but only from
/// the next patches (1.3.16, 1.4.11, 1.5.7): 1.3.14, 1.3.15, 1.4.10 and
/// 1.5.6 compare with 0 too, refusing every positive kill timeout.
pub(super) fn kill_timeout(
    t: &Task,
    g: &TaskGroup,
    jt: JobType,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let since = [
        NomadVersion::new(1, 3, 14),
        NomadVersion::new(1, 4, 10),
        NomadVersion::new(1, 5, 6),
    ];
    if !v.has_since(&since) || v.at_least(1, 6, 0) || jt != JobType::Service {
        return;
    }
    let Some(u) = &g.update else { return };
    let zero_means_none = [
        NomadVersion::new(1, 3, 16),
        NomadVersion::new(1, 4, 11),
        NomadVersion::new(1, 5, 7),
    ];
    let pd = u.progress_deadline;
    let unbounded = pd.nanos() <= 0 && v.has_since(&zero_means_none);
    if unbounded || t.kill_timeout.nanos() <= pd.nanos() {
        return;
    }
    // Nomad's own spelling ("timout").
    let text = format!(
        "Task {} has a kill timout ({}) longer than the group's progress deadline ({pd})",
        t.name, t.kill_timeout
    );
    let msg = format!("Group {}: {text}", g.name);
    let help = "shorten kill_timeout or lengthen the group's update progress_deadline";
    let span = t.spans.best("kill_timeout");
    refuse(
        out,
        text,
        "jobspec::range",
        span,
        msg,
        "longer than the progress deadline",
        help,
    );
}
