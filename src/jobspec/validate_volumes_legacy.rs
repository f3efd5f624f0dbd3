//! `VolumeRequest.Validate` (nomad/structs/volumes.go) from 1.1.0 to 1.4.x,
//! whose four forms (hashed at every tag) ran on parallel release branches,
//! so the form follows the patch release, not only the minor:
//!
//! - A, 1.1.0: host volumes take no attachment or access mode; the reader
//!   modes read-only and a block device no mount options, whatever the
//!   type; per_alloc not beside canaries; the empty source last;
//! - B, 1.1.1–1.1.12 and 1.2.0–1.2.6: A plus host volumes take no mount
//!   options and CSI volumes need an attachment and an access mode (both
//!   before the reader rule);
//! - C, 1.1.13+, 1.2.7+, 1.3.0–1.3.9 and 1.4.0–1.4.4: the empty source
//!   first, then by type: host volumes take no modes, mount options or
//!   per_alloc; CSI volumes need both modes, a block device no mount
//!   options, the single modes one allocation unless per_alloc, the
//!   reader modes read-only, per_alloc not beside canaries;
//! - D, 1.3.10+ and 1.4.5+: C plus CSI per_alloc refused in system and
//!   sysbatch jobs (before the canaries rule).
//!
//! 1.5.0 and later: validate_volumes.rs. Before this, these releases
//! checked only the source and the canaries rule, so `access_mode` on a
//! host volume or a CSI volume without modes validated as an all-clear.

use super::model::*;
use super::validate::{err, Out};
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    A,
    B,
    C,
    D,
}

fn form(v: NomadVersion) -> Form {
    match (v.minor, v.patch) {
        (1, 0) => Form::A,
        (1, 1..=12) | (2, 0..=6) => Form::B,
        (3, 10..) | (4, 5..) => Form::D,
        _ => Form::C,
    }
}

/// Whether these forms decide at `v` (1.1.0 to 1.4.x).
pub(super) fn applies(v: NomadVersion) -> bool {
    v.at_least(1, 1, 0) && !v.at_least(1, 5, 0)
}

/// The items of `Task group volume validation for NAME failed`, in the
/// release's order, the empty source included.
pub(super) fn request(
    vol: &Volume,
    job_type: JobType,
    count: i64,
    canaries: i64,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let f = form(v);
    let vs = &vol.spans;
    let mut add = |text: String, key: &str, label: &str| {
        let help = "judged as this release's VolumeRequest.Validate: see the error for the rule";
        err(out, CODE, vs.best(key), text, label, help);
    };
    let source = |add: &mut dyn FnMut(String, &str, &str)| {
        if vol.source.is_empty() {
            add("volume has an empty source".into(), "source", "no source");
        }
    };
    if matches!(f, Form::C | Form::D) {
        source(&mut add);
        by_type(vol, job_type, count, canaries, f, &mut add);
        return;
    }
    let host = vol.volume_type == "host";
    let csi = vol.volume_type == "csi";
    let mode = vol.access_mode.as_str();
    if host && !vol.attachment_mode.is_empty() {
        let text = "host volumes cannot have an attachment mode";
        add(text.into(), "attachment_mode", "attachment mode");
    }
    if host && !mode.is_empty() {
        add(
            "host volumes cannot have an access mode".into(),
            "access_mode",
            "access mode",
        );
    }
    if f == Form::B {
        if host && vol.mount_options.is_some() {
            let text = "host volumes cannot have mount options";
            add(text.into(), "mount_options", "mount options");
        }
        if csi && vol.attachment_mode.is_empty() {
            let text = "CSI volumes must have an attachment mode";
            add(text.into(), "type", "no attachment mode");
        }
        if csi && mode.is_empty() {
            let text = "CSI volumes must have an access mode";
            add(text.into(), "type", "no access mode");
        }
    }
    if matches!(mode, "single-node-reader-only" | "multi-node-reader-only") && !vol.read_only {
        let text = format!("{mode} volumes must be read-only");
        add(text, "read_only", "not read-only");
    }
    if vol.attachment_mode == "block-device" && vol.mount_options.is_some() {
        let text = "block devices cannot have mount options";
        add(text.into(), "mount_options", "mount options");
    }
    if vol.per_alloc && canaries > 0 {
        let text = "volume cannot be per_alloc when canaries are in use";
        add(text.into(), "per_alloc", "with canaries");
    }
    source(&mut add);
}

/// Forms C and D: the rules by volume type.
fn by_type(
    vol: &Volume,
    job_type: JobType,
    count: i64,
    canaries: i64,
    f: Form,
    add: &mut dyn FnMut(String, &str, &str),
) {
    let mode = vol.access_mode.as_str();
    match vol.volume_type.as_str() {
        "host" => {
            if !vol.attachment_mode.is_empty() {
                let text = "host volumes cannot have an attachment mode";
                add(text.into(), "attachment_mode", "attachment mode");
            }
            if !mode.is_empty() {
                let text = "host volumes cannot have an access mode";
                add(text.into(), "access_mode", "access mode");
            }
            if vol.mount_options.is_some() {
                let text = "host volumes cannot have mount options";
                add(text.into(), "mount_options", "mount options");
            }
            if vol.per_alloc {
                let text = "host volumes do not support per_alloc";
                add(text.into(), "per_alloc", "per_alloc");
            }
        }
        "csi" => {
            match vol.attachment_mode.as_str() {
                "" => {
                    let text = "CSI volumes must have an attachment mode";
                    add(text.into(), "type", "no attachment mode");
                }
                "block-device" if vol.mount_options.is_some() => {
                    let text = "block devices cannot have mount options";
                    add(text.into(), "mount_options", "mount options");
                }
                _ => {}
            }
            let shared = count > 1 && !vol.per_alloc;
            let one = |what: &str| format!("volume with {mode} access mode allows only one {what}");
            let read_only = |add: &mut dyn FnMut(String, &str, &str)| {
                if !vol.read_only {
                    let text = format!("{mode} volumes must be read-only");
                    add(text, "read_only", "not read-only");
                }
            };
            match mode {
                "" => {
                    let text = "CSI volumes must have an access mode";
                    add(text.into(), "type", "no access mode");
                }
                "single-node-reader-only" => {
                    read_only(add);
                    if shared {
                        add(one("reader"), "access_mode", "one reader");
                    }
                }
                "single-node-writer" if shared => {
                    add(
                        one("reader or writer"),
                        "access_mode",
                        "one reader or writer",
                    );
                }
                "multi-node-reader-only" => read_only(add),
                "multi-node-single-writer" if !vol.read_only && shared => {
                    add(one("writer"), "access_mode", "one writer");
                }
                _ => {}
            }
            if vol.per_alloc {
                let per_node = matches!(job_type, JobType::System | JobType::Sysbatch);
                if f == Form::D && per_node {
                    let text = "volume cannot be per_alloc for system or sysbatch jobs";
                    add(text.into(), "per_alloc", "per_alloc in a per-node job");
                }
                if canaries > 0 {
                    let text = "volume cannot be per_alloc when canaries are in use";
                    add(text.into(), "per_alloc", "with canaries");
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms as hashed at every tag (volumes.go).
    #[test]
    fn each_patch_release_has_its_branchs_form() {
        let at = |m, p| form(NomadVersion::new(1, m, p));
        assert!(at(1, 0) == Form::A);
        assert!(at(1, 1) == Form::B && at(1, 12) == Form::B && at(2, 6) == Form::B);
        assert!(at(1, 13) == Form::C && at(2, 7) == Form::C && at(3, 9) == Form::C);
        assert!(at(4, 4) == Form::C);
        assert!(at(3, 10) == Form::D && at(4, 5) == Form::D && at(4, 14) == Form::D);
    }
}
