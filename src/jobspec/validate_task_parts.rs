//! The validators `Task.Validate` calls on the task's parts
//! (nomad/structs/structs.go and volumes.go): `Resources.Validate` with
//! `MeetsMinResources`, `LogConfig.Validate`, `Vault.Validate`, the volume mounts'
//! and the CSI plugin's rules (artifacts and templates:
//! validate_task_files.rs). Version
//! gates are the first release tag carrying each text (validate_task.rs).

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// `Resources.Validate`, its items in Nomad's order.
pub(super) fn resources(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    let r = &t.resources;
    let rs = &r.spans;
    let who = format!("Task {}", t.name);
    // `cores` (1.1.0+) reserves whole cores instead of MHz.
    if v.at_least(1, 1, 0) && r.cores > 0 && r.cpu > 0 {
        let text = "Task can only ask for 'cpu' or 'cores' resource, not both.";
        let help = "keep either `cpu` (MHz) or `cores`, not both";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            rs.best("cores"),
            format!("{who}: {text}"),
            "cores and cpu",
            help,
        );
    }
    if v.at_least(2, 0, 5) && r.cores < 0 {
        let text = format!("cores value ({}) cannot be negative", r.cores);
        let msg = format!("{who}: {text}");
        refuse(
            out,
            text,
            "jobspec::range",
            rs.best("cores"),
            msg,
            "negative",
            "use 1 or more cores",
        );
    }
    out.nested(None, |out| meets_min(t, v, out));
    // `disk` (Resources.DiskMB > 0: "Task can't ask for disk resources")
    // is never reached from a job file: ApiResourcesToStructs does not copy
    // DiskMB, at every release from 0.9.3 to 2.0.5.
    for (i, d) in r.devices.iter().enumerate() {
        out.nested(Some(format!("device {} failed validation", i + 1)), |out| {
            if d.name.is_empty() {
                let text = "device name must be given as one of the following: type, vendor/type, or vendor/type/name";
                let help = "label the device: `device \"nvidia/gpu\" { ... }`";
                let span = d.spans.label.or(d.spans.block);
                refuse(out, text.into(), "jobspec::missing", span, format!("{who}: {text}"), "no device name", help);
            }
            super::validate_placement::device_placement(d, v, out);
        });
    }
    super::validate_workload::numa(r, v, out);
    // memory_max (1.1.0+): 0 means unset, and from 1.7.3 -1 means no limit
    // (nomad/structs/structs.go `Resources.Validate`, e05b0e8de1 #19690;
    // absent at v1.7.2 and every 1.6.x tag; 2.0.4 only renamed the constant).
    // The scheduler stores -1 as given and reads it as no max beyond memory,
    // as our sums do at every release.
    let unlimited = r.memory_max_mb == -1 && v.at_least(1, 7, 3);
    if v.at_least(1, 1, 0) && r.memory_max_mb != 0 && !unlimited && r.memory_max_mb < r.memory_mb {
        let text = format!(
            "MemoryMaxMB value ({}) should be larger than MemoryMB value ({})",
            r.memory_max_mb, r.memory_mb
        );
        let msg = format!(
            "{who}: memory_max ({}) must not be lower than memory ({})",
            r.memory_max_mb, r.memory_mb
        );
        refuse(
            out,
            text,
            "jobspec::range",
            rs.best("memory_max"),
            msg,
            "lower than memory",
            "raise memory_max or remove it",
        );
    }
    if v.at_least(1, 8, 3) {
        if r.secrets_mb > r.memory_mb {
            let text = format!(
                "SecretsMB value ({}) cannot be larger than MemoryMB value ({})",
                r.secrets_mb, r.memory_mb
            );
            let msg = format!("{who}: {text}");
            let help = "the secrets directory lives in memory: keep `secrets` at most `memory`";
            refuse(
                out,
                text,
                "jobspec::range",
                rs.best("secrets"),
                msg,
                "larger than memory",
                help,
            );
        }
        if r.secrets_mb < 0 {
            let text = format!("SecretsMB value ({}) cannot be negative", r.secrets_mb);
            let msg = format!("{who}: {text}");
            refuse(
                out,
                text,
                "jobspec::range",
                rs.best("secrets"),
                msg,
                "negative",
                "use 0 or more MB",
            );
        }
    }
}

/// `MeetsMinResources`: 20 MHz before 1.0.0 and 1 after (none with
/// `cores`, 1.1.0+), 10 MB; before 1.0.0 each task network needs 1 Mbit/s.
fn meets_min(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    let r = &t.resources;
    let min_cpu = if v.at_least(1, 0, 0) { 1 } else { 20 };
    let by_cores = v.at_least(1, 1, 0) && r.cores != 0;
    if r.cpu < min_cpu && !by_cores {
        let text = format!("minimum CPU value is {min_cpu}; got {}", r.cpu);
        let msg = format!("Task {}: {text}", t.name);
        let help = format!("cpu is in MHz; use at least {min_cpu}");
        refuse(
            out,
            text,
            "jobspec::range",
            r.spans.best("cpu"),
            msg,
            "too small",
            &help,
        );
    }
    if r.memory_mb < 10 {
        let text = format!("minimum MemoryMB value is 10; got {}", r.memory_mb);
        let msg = format!("Task {}: {text}", t.name);
        refuse(
            out,
            text,
            "jobspec::range",
            r.spans.best("memory"),
            msg,
            "too small",
            "memory is in MB; use at least 10",
        );
    }
    if v.at_least(1, 0, 0) {
        return;
    }
    for (i, n) in r.networks.iter().enumerate() {
        if n.mbits >= 1 {
            continue;
        }
        out.nested(
            Some(format!("network resource at index {i} failed")),
            |out| {
                let text = format!("minimum MBits value is 1; got {}", n.mbits);
                let msg = format!("Task {}: {text}", t.name);
                refuse(
                    out,
                    text,
                    "jobspec::range",
                    n.spans.best("mbits"),
                    msg,
                    "too small",
                    "mbits is in Mbit/s; use at least 1",
                );
            },
        );
    }
}

/// `LogConfig.Validate`'s own rules (the disk rule: validate_task.rs).
pub(super) fn log_config(t: &Task, out: &mut Out<'_>) {
    let l = &t.log_config;
    if l.max_files < 1 {
        let text = format!("minimum number of files is 1; got {}", l.max_files);
        let msg = format!("Task {}: {text}", t.name);
        refuse(
            out,
            text,
            "jobspec::range",
            l.spans.best("max_files"),
            msg,
            "too few",
            "keep at least 1 log file (10 is the default)",
        );
    }
    if l.max_file_size_mb < 1 {
        let text = format!("minimum file size is 1MB; got {}", l.max_file_size_mb);
        let msg = format!("Task {}: {text}", t.name);
        refuse(
            out,
            text,
            "jobspec::range",
            l.spans.best("max_file_size"),
            msg,
            "too small",
            "max_file_size is in MB; use at least 1",
        );
    }
}

/// `Vault.Validate`: before 1.7.0 policies are required and `root` refused.
pub(super) fn vault(va: &Vault, v: NomadVersion, out: &mut Out<'_>) {
    let s = &va.spans;
    if !v.at_least(1, 7, 0) {
        if va.policies.is_empty() {
            let text = "Policy list cannot be empty";
            let help = "list the Vault policies the task needs: `policies = [\"app\"]`";
            refuse(
                out,
                text.into(),
                "jobspec::missing",
                s.best("policies"),
                format!("Vault: {text}"),
                "no policies",
                help,
            );
        }
        for p in &va.policies {
            if p == "root" {
                let text = "Can not specify \"root\" policy";
                let help = "use a policy of its own, not root";
                refuse(
                    out,
                    text.into(),
                    "jobspec::value",
                    s.best("policies"),
                    format!("Vault: {text}"),
                    "root policy",
                    help,
                );
            }
        }
    }
    match va.change_mode.as_str() {
        "signal" if va.change_signal.is_empty() => {
            let text = "Signal must be specified when using change mode \"signal\"";
            refuse(
                out,
                text.into(),
                "jobspec::missing",
                s.best("change_signal"),
                format!("Vault: {text}"),
                "no signal",
                "set `change_signal`",
            );
        }
        "signal" | "noop" | "restart" => {}
        other => {
            let text = format!("Unknown change mode {}", go_quote(other));
            let msg = format!("Vault: {text}");
            refuse(
                out,
                text,
                "jobspec::value",
                s.best("change_mode"),
                msg,
                "unknown change mode",
                "use change_mode \"noop\", \"restart\" or \"signal\"",
            );
        }
    }
}

/// The volume mounts' rules: 0.10.2–1.7.x the propagation mode, 1.6–1.7
/// then an empty or undefined volume; from 1.8.0 an undefined volume, then
/// `VolumeMount.Validate` (empty volume, propagation mode, SELinux label)
/// as one quoted multierror.
pub(super) fn volume_mounts(t: &Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let span = t.spans.best("volume_mount");
    let defined = |name: &str| g.volumes.iter().any(|vol| vol.name == name);
    for (i, m) in t.volume_mounts.iter().enumerate() {
        let mode_ok = matches!(
            m.propagation_mode.as_str(),
            "" | "private" | "host-to-task" | "bidirectional"
        );
        let bad = |out: &mut Out<'_>, code: &str, text: String, help: &str| {
            let msg = format!("Task {}: {text}", t.name);
            refuse(out, text, code, span, msg, "volume_mount", help);
        };
        let modes = "use propagation_mode \"private\", \"host-to-task\" or \"bidirectional\"";
        let undefined = format!(
            "Volume Mount ({i}) references undefined volume {}",
            m.volume
        );
        let declare = "declare the volume in the group: `volume \"name\" { ... }`";
        if v.at_least(1, 8, 0) {
            if !defined(&m.volume) {
                bad(out, "jobspec::missing", undefined, declare);
            }
            let mut items = Vec::new();
            if m.volume.is_empty() {
                items.push("volume mount references an empty volume".to_string());
            }
            if !mode_ok {
                items.push(format!(
                    "volume mount has an invalid propagation mode: {}",
                    go_quote(&m.propagation_mode)
                ));
            }
            if !matches!(m.selinux_label.as_str(), "" | "z" | "Z") {
                items.push(format!(
                    "volume mount has an invalid SELinux label: \"{}\"",
                    m.selinux_label
                ));
            }
            if !items.is_empty() {
                let inner = crate::gotext::multierror(&items, v);
                bad(out, "jobspec::value", format!("Volume Mount ({i}) is invalid: \"{inner}\""), "fix the volume_mount's volume, propagation_mode (private, host-to-task, bidirectional) and selinux_label (z, Z)");
            }
            continue;
        }
        if v.at_least(0, 10, 2) && !mode_ok {
            bad(
                out,
                "jobspec::value",
                format!(
                    "Volume Mount ({i}) has an invalid propagation mode: \"{}\"",
                    m.propagation_mode
                ),
                modes,
            );
        }
        if v.at_least(1, 6, 0) {
            if m.volume.is_empty() {
                bad(
                    out,
                    "jobspec::missing",
                    format!("Volume Mount ({i}) references an empty volume"),
                    "name the group volume to mount: `volume = \"data\"`",
                );
            } else if !defined(&m.volume) {
                bad(out, "jobspec::missing", undefined, declare);
            }
        }
    }
}

/// The `csi_plugin` block (0.11.0+): an ID, a known type, and (1.5.12,
/// 1.6.5, 1.7.2+) a stage/publish directory outside the mount directory.
pub(super) fn csi_plugin(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    let Some(p) = t.csi_plugin.as_ref().filter(|_| v.at_least(0, 11, 0)) else {
        return;
    };
    let s = &p.spans;
    let bad = |out: &mut Out<'_>, text: String, field: &str, help: &str| {
        let msg = format!("Task {}: {text}", t.name);
        refuse(
            out,
            text,
            "jobspec::value",
            s.best(field),
            msg,
            "csi_plugin",
            help,
        );
    };
    if p.id.is_empty() {
        bad(
            out,
            "CSIPluginConfig must have a non-empty PluginID".into(),
            "id",
            "set the plugin's `id`",
        );
    }
    if !matches!(p.plugin_type.as_str(), "node" | "controller" | "monolith") {
        let text = format!("CSIPluginConfig PluginType must be one of 'node', 'controller', or 'monolith', got: \"{}\"", p.plugin_type);
        bad(
            out,
            text,
            "type",
            "use type \"node\", \"controller\" or \"monolith\"",
        );
    }
    let sub_rule = v.at_least(1, 7, 2)
        || (v.at_least(1, 6, 5) && !v.at_least(1, 7, 0))
        || (v.at_least(1, 5, 12) && !v.at_least(1, 6, 0));
    let (base, mount) = (&p.stage_publish_base_dir, &p.mount_dir);
    if sub_rule && !base.is_empty() && !mount.is_empty() && is_subdirectory(mount, base) {
        let text = format!("CSIPluginConfig StagePublishBaseDir must not be a subdirectory of MountDir, got: StagePublishBaseDir=\"{base}\" MountDir=\"{mount}\"");
        bad(
            out,
            text,
            "stage_publish_base_dir",
            "put stage_publish_base_dir outside mount_dir",
        );
    }
}

/// `helper.IsSubdirectory(base, path)`: `path` cleaned lies at or under
/// `base` cleaned (`filepath.Rel` fails, so false, when only one of them
/// is absolute).
fn is_subdirectory(base: &str, path: &str) -> bool {
    if base.starts_with('/') != path.starts_with('/') {
        return false;
    }
    let clean = |p: &str| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for part in p.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    v.pop();
                }
                x => v.push(x.to_string()),
            }
        }
        v
    };
    let (b, p) = (clean(base), clean(path));
    p.len() >= b.len() && p[..b.len()] == b[..]
}
