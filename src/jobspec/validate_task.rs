//! `Task.Validate` (nomad/structs/structs.go), in its order, read at
//! v0.9.3, v0.12.12, v1.0.0, v1.6.0 and v2.0.5; every rule that appeared,
//! moved or changed its words between them was bisected over the release
//! tags (the first tag carrying the text is the gate below):
//!
//! - the name: `alloc` is refused from 1.11.0, slashes always, null
//!   characters from 1.0.0; then the driver;
//! - `kill_timeout` and `shutdown_delay` not negative; from 1.6.0 a service
//!   job's kill timeout may not outlast its group's progress deadline;
//! - `Resources.Validate` (validate_task_parts.rs), then
//!   `LogConfig.Validate`, which takes the group's ephemeral disk from
//!   1.6.0 (before, the log-storage rule came after the services);
//! - the services (validate_services.rs), artifacts, vault, templates,
//!   actions, dispatch payload, lifecycle, volume mounts, CSI plugin,
//!   identities and secrets (validate_workload.rs).
//!
//! Before this only the name, driver, minimum resources, memory_max and the
//! services' ports were checked, so `kill_timeout = "-5s"`, `logs {
//! max_files = 0 }`, `artifact { source = "" }`, a bogus lifecycle hook or
//! template change mode, and a task named `a/b` validated as a false
//! all-clear.

use std::collections::BTreeMap;

use super::model::*;
use super::validate::{At, Out};
use super::validate_task_parts as parts;
use crate::diag::Diag;
use crate::source::Span;
use crate::version::NomadVersion;

/// One located error: Nomad's words, our message, label and help.
pub(super) fn refuse(
    out: &mut Out<'_>,
    nomad: String,
    code: &str,
    span: Option<Span>,
    msg: String,
    label: &str,
    help: &str,
) {
    out.push(
        nomad,
        code,
        At {
            span,
            msg,
            label,
            help,
        },
    );
}

/// `Task.Validate` for task `t` of group `g` in a job of type `jt`.
pub(super) fn task(t: &Task, g: &TaskGroup, jt: JobType, v: NomadVersion, out: &mut Out<'_>) {
    let ts = &t.spans;
    let name_span = ts.label.or(ts.block);
    let who = format!("Task {} in group {}", t.name, g.name);
    if t.name.is_empty() {
        let msg = format!("a task in group {} has no name", g.name);
        let help = "name the task: `task \"server\" { ... }`";
        refuse(
            out,
            "Missing task name".into(),
            "jobspec::missing",
            name_span,
            msg,
            "no name",
            help,
        );
    }
    // The allocation directory holds one directory per task beside `alloc`.
    if t.name == "alloc" && v.has(crate::version::Fix::AllocTaskName) {
        let text = "Task cannot be named \"alloc\"";
        let help = "rename the task: `alloc` is the allocation's shared directory";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            name_span,
            format!("{who}: {text}"),
            "reserved name",
            help,
        );
    }
    if t.name.contains(['/', '\\']) {
        let text = "Task name cannot include slashes";
        let help = "the task name becomes a directory name: drop the `/` and `\\`";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            name_span,
            format!("{who}: {text}"),
            "slash in the name",
            help,
        );
    } else if t.name.contains('\0') && v.at_least(1, 0, 0) {
        let text = "Task name cannot include null characters";
        let help = "the task name becomes a directory name: drop the null character";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            name_span,
            format!("{who}: {text}"),
            "null character",
            help,
        );
    }
    if t.driver.is_empty() {
        let msg = format!("{who}: missing task driver");
        let help = "add `driver = \"docker\"` (or exec, java, raw_exec...)";
        refuse(
            out,
            "Missing task driver".into(),
            "jobspec::missing",
            name_span,
            msg,
            "no driver",
            help,
        );
    }
    kill_timeout(t, g, jt, v, &who, out);
    if t.shutdown_delay.nanos() < 0 {
        let text = "ShutdownDelay must be a positive value";
        let help = "give shutdown_delay a duration of 0 or more";
        refuse(
            out,
            text.into(),
            "jobspec::range",
            ts.best("shutdown_delay"),
            format!("{who}: {text}"),
            "negative",
            help,
        );
    }
    // Resources.Validate's multierror is one item of the task's.
    out.nested(None, |out| parts::resources(t, v, out));
    let disk_in_logs = v.at_least(1, 6, 0);
    out.nested(None, |out| {
        parts::log_config(t, out);
        if disk_in_logs {
            log_storage(t, g, out);
        }
    });
    super::validate_placement::task_placement(t, jt, v, out);
    // validateServices's multierror is one item of the task's.
    out.nested(None, |out| {
        super::validate_services::task_services(t, g, v, out)
    });
    if !disk_in_logs {
        log_storage(t, g, out);
    }
    for (i, a) in t.artifacts.iter().enumerate() {
        let prefix = format!("Artifact {} validation failed", i + 1);
        out.nested(Some(prefix), |out| {
            super::validate_task_files::artifact(a, out)
        });
    }
    if let Some(va) = &t.vault {
        out.nested(Some("Vault validation failed".into()), |out| {
            parts::vault(va, v, out)
        });
    }
    templates(t, v, out);
    super::validate_workload::actions(t, v, out);
    if let Some(file) = &t.dispatch_payload_file {
        dispatch_payload(t, file, out);
    }
    if let Some(l) = &t.lifecycle {
        lifecycle(l, v, &who, out);
    }
    super::validate_connect::proxy_task(t, g, v, out);
    parts::volume_mounts(t, g, v, out);
    parts::csi_plugin(t, v, out);
    super::validate_workload::identities(t, v, out);
    super::validate_workload::secrets(t, out);
}

/// `KillTimeout must be a positive value`; from 1.6.0, else a service
/// job's task may not take longer to stop than the group's deployment
/// allows (a progress deadline of 0 means none).
fn kill_timeout(
    t: &Task,
    g: &TaskGroup,
    jt: JobType,
    v: NomadVersion,
    who: &str,
    out: &mut Out<'_>,
) {
    let span = t.spans.best("kill_timeout");
    if t.kill_timeout.nanos() < 0 {
        let text = "KillTimeout must be a positive value";
        let help = "give kill_timeout a duration of 0 or more (5s is the default)";
        refuse(
            out,
            text.into(),
            "jobspec::range",
            span,
            format!("{who}: {text}"),
            "negative",
            help,
        );
        return;
    }
    if !v.at_least(1, 6, 0) || jt != JobType::Service {
        return;
    }
    let Some(u) = &g.update else { return };
    let pd = u.progress_deadline;
    if pd.nanos() > 0 && t.kill_timeout.nanos() > pd.nanos() {
        // Nomad's own spelling ("KillTimout").
        let text = format!(
            "KillTimout ({}) longer than the group's ProgressDeadline ({pd})",
            t.kill_timeout
        );
        let help = "shorten kill_timeout or lengthen the group's update progress_deadline";
        refuse(
            out,
            text.clone(),
            "jobspec::range",
            span,
            format!("{who}: {text}"),
            "longer than the progress deadline",
            help,
        );
    }
}

/// The task's logs must fit in the group's ephemeral disk.
fn log_storage(t: &Task, g: &TaskGroup, out: &mut Out<'_>) {
    let l = &t.log_config;
    let usage = l.max_files.saturating_mul(l.max_file_size_mb);
    let disk = g.ephemeral_disk.size_mb;
    if disk > usage {
        return;
    }
    let text =
        format!("log storage ({usage} MB) must be less than requested disk capacity ({disk} MB)");
    let span = l
        .spans
        .block
        .or(g.ephemeral_disk.spans.block)
        .or(t.spans.label);
    let help = "lower logs max_files × max_file_size, or raise the group's ephemeral_disk size";
    let msg = format!("Task {}: {text}", t.name);
    refuse(
        out,
        text,
        "jobspec::range",
        span,
        msg,
        "logs larger than the disk",
        help,
    );
}

/// `Template.Validate` for each template, then its destination must be its
/// own (`Template N has same destination as M`).
fn templates(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    let mut dests: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, tp) in t.templates.iter().enumerate() {
        // Clients sandbox template sources to the task directory by default.
        let path = std::path::Path::new(&tp.source_path);
        if path.is_absolute() || tp.source_path.contains("..") {
            out.diags_push(
                Diag::warning("jobspec::template-path", format!("Template source \"{}\" is outside the task directory", tp.source_path))
                    .with_severity(crate::diag::Severity::Advice)
                    .at(out.src(), tp.spans.best("source").unwrap_or_default(), "escapes the sandbox")
                    .help("the task fails at template render unless the client sets template.disable_file_sandbox"),
            );
        }
        let prefix = format!("Template {} validation failed", i + 1);
        out.nested(Some(prefix), |out| {
            super::validate_task_files::template(tp, v, out)
        });
        if let Some(first) = dests.get(tp.dest_path.as_str()) {
            let text = format!("Template {} has same destination as {first}", i + 1);
            let help = "give every template its own destination";
            let msg = format!("Task {}: {text}", t.name);
            refuse(
                out,
                text,
                "jobspec::duplicate",
                tp.spans.best("destination"),
                msg,
                "same destination",
                help,
            );
        } else {
            dests.insert(&tp.dest_path, i + 1);
        }
    }
}

/// `DispatchPayloadConfig.Validate`: the file stays in `local/`.
fn dispatch_payload(t: &Task, file: &str, out: &mut Out<'_>) {
    if !super::validate_task_files::escapes("task/local/", file) {
        return;
    }
    let text = "Dispatch Payload validation failed: destination escapes allocation directory";
    let help = "give dispatch_payload a file path inside the task's local/ directory";
    let span = t.spans.best("dispatch_payload");
    let msg = format!("Task {}: {text}", t.name);
    refuse(
        out,
        text.into(),
        "jobspec::value",
        span,
        msg,
        "escapes the allocation",
        help,
    );
}

/// `TaskLifecycleConfig.Validate` (0.11.0+): its switch knows `prestart`
/// only until 0.12.3, `poststart` from 0.12.4 and `poststop` from 1.0.0
/// (nomad/structs/structs.go@v0.12.3, @v0.12.4, @v1.0.0; read at every
/// 0.11.x and 0.12.x tag). Any other hook is "invalid hook: X".
fn lifecycle(l: &Lifecycle, v: NomadVersion, who: &str, out: &mut Out<'_>) {
    if !v.at_least(0, 11, 0) {
        return;
    }
    let err = match l.hook.as_str() {
        "prestart" => return,
        "poststart" if v.at_least(0, 12, 4) => return,
        "poststop" if v.at_least(1, 0, 0) => return,
        "" => "no lifecycle hook provided".to_string(),
        other => format!("invalid hook: {other}"),
    };
    let text = format!("Lifecycle validation failed: {err}");
    let hooks = if v.at_least(1, 0, 0) {
        "prestart, poststart or poststop"
    } else if v.at_least(0, 12, 4) {
        "prestart or poststart"
    } else {
        "prestart (the only hook before Nomad 0.12.4)"
    };
    let help = format!("set `hook` to {hooks}");
    refuse(
        out,
        text.clone(),
        "jobspec::value",
        l.spans.best("hook"),
        format!("{who}: {text}"),
        "lifecycle hook",
        &help,
    );
}
