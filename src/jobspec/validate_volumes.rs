//! `VolumeRequest.Validate` (nomad/structs/volumes.go) beyond the type and
//! source, from 1.5.0: the function's forms were hashed at every tag from
//! 1.1.0; from 1.5.0 they differ only in these rules:
//!
//! - per_alloc refused in system and sysbatch jobs and beside canaries
//!   (1.5.0+), and beside `sticky` (1.10.0+);
//! - host volumes: before 1.10.0 no attachment or access mode at all; from
//!   1.10.0 the host access modes, `single-node-reader-only` read-only
//!   (1.10.0 to 1.11.0 print the mode as Go's `%!s(MISSING)`);
//! - host volumes take no mount options; CSI volumes need an attachment
//!   and an access mode, the reader modes read-only, the single modes one
//!   allocation unless per_alloc, and a block device no mount options.
//!
//! 1.1.0 to 1.4.x had four other forms: validate_volumes_legacy.rs.

use super::model::*;
use super::validate::{err, Out};
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

/// The items after `volume has an empty source`, in Nomad's order.
pub(super) fn request(
    vol: &Volume,
    job_type: JobType,
    count: i64,
    canaries: i64,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let vs = &vol.spans;
    let mut add = |text: String, key: &str, label: &str, help: &str| {
        err(out, CODE, vs.best(key), text, label, help);
    };
    if vol.per_alloc {
        if matches!(job_type, JobType::System | JobType::Sysbatch) {
            add(
                "volume cannot be per_alloc for system or sysbatch jobs".into(),
                "per_alloc",
                "per_alloc in a per-node job",
                "per_alloc names volumes by allocation index, which system jobs do not have: drop per_alloc",
            );
        }
        if canaries > 0 {
            add(
                "volume cannot be per_alloc when canaries are in use".into(),
                "per_alloc",
                "with canaries",
                "a canary would claim a volume its allocation index already names: drop canary or per_alloc",
            );
        }
        if vol.sticky && v.at_least(1, 10, 0) {
            add(
                "volume cannot be per_alloc and sticky at the same time".into(),
                "sticky",
                "with per_alloc",
                "keep per_alloc or sticky, not both",
            );
        }
    }
    let mode = vol.access_mode.as_str();
    let read_only = |add: &mut dyn FnMut(String, &str, &str, &str)| {
        if !vol.read_only {
            add(
                format!("{mode} volumes must be read-only"),
                "read_only",
                "not read-only",
                "set read_only = true for a reader-only access mode",
            );
        }
    };
    match vol.volume_type.as_str() {
        "host" => {
            if !v.at_least(1, 10, 0) {
                if !vol.attachment_mode.is_empty() {
                    let help = "host volumes take no attachment_mode before Nomad 1.10";
                    add(
                        "host volumes cannot have an attachment mode".into(),
                        "attachment_mode",
                        "attachment mode",
                        help,
                    );
                }
                if !mode.is_empty() {
                    let help = "host volumes take no access_mode before Nomad 1.10";
                    add(
                        "host volumes cannot have an access mode".into(),
                        "access_mode",
                        "access mode",
                        help,
                    );
                }
            }
            if vol.mount_options.is_some() {
                let help = "mount_options is for CSI volumes: remove it";
                add(
                    "host volumes cannot have mount options".into(),
                    "mount_options",
                    "mount options",
                    help,
                );
            }
            if !v.at_least(1, 10, 0) {
                return;
            }
            match mode {
                "single-node-reader-only" => read_only(&mut add),
                "single-node-writer"
                | "single-node-single-writer"
                | "single-node-multi-writer"
                | "" => {}
                _ => {
                    // 1.10.0 to 1.11.0 forgot the argument.
                    let shown = if v.at_least(1, 11, 1) {
                        mode.to_string()
                    } else {
                        "%!s(MISSING)".to_string()
                    };
                    let help = "use single-node-reader-only, single-node-writer, single-node-single-writer or single-node-multi-writer";
                    add(
                        format!("host volumes cannot be mounted with {shown} access mode"),
                        "access_mode",
                        "not a host access mode",
                        help,
                    );
                }
            }
        }
        "csi" => {
            match vol.attachment_mode.as_str() {
                "" => {
                    let help = "add attachment_mode = \"file-system\" (or \"block-device\")";
                    add(
                        "CSI volumes must have an attachment mode".into(),
                        "type",
                        "no attachment mode",
                        help,
                    );
                }
                "block-device" if vol.mount_options.is_some() => {
                    let help = "a block device is not mounted: remove mount_options";
                    add(
                        "block devices cannot have mount options".into(),
                        "mount_options",
                        "mount options",
                        help,
                    );
                }
                _ => {}
            }
            let shared = count > 1 && !vol.per_alloc;
            let one = |what: &str| format!("volume with {mode} access mode allows only one {what}");
            let help = "run one allocation, set per_alloc = true, or use a multi-node access mode";
            match mode {
                "" => {
                    let help =
                        "add access_mode = \"single-node-writer\" (or another CSI access mode)";
                    add(
                        "CSI volumes must have an access mode".into(),
                        "type",
                        "no access mode",
                        help,
                    );
                }
                "single-node-reader-only" => {
                    read_only(&mut add);
                    if shared {
                        add(one("reader"), "access_mode", "one reader", help);
                    }
                }
                "single-node-writer" if shared => {
                    add(
                        one("reader or writer"),
                        "access_mode",
                        "one reader or writer",
                        help,
                    );
                }
                "multi-node-reader-only" => read_only(&mut add),
                "multi-node-single-writer" if !vol.read_only && shared => {
                    add(one("writer"), "access_mode", "one writer", help);
                }
                _ => {}
            }
        }
        _ => {}
    }
}
