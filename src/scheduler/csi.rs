//! CSI volumes as Nomad's `CSIVolumeChecker` (scheduler/feasible.go, 0.11+)
//! filters nodes for them. A world holds no CSI volumes (neither
//! `rules/cluster.hcl` nor an import declares any yet), so every volume a
//! group asks for is one the cluster does not have, and Nomad filters each
//! node with its "missing" metric rather than placing the allocation.
//! A `per_alloc` volume is the source plus the allocation's `[index]`.

use super::engine::Ask;
use crate::version::NomadVersion;

/// The CSI volume IDs one placement asks for, by volume alias (Nomad walks a
/// map: with several volumes the order is random; ours is by alias).
fn requested(ask: &Ask<'_>) -> Vec<String> {
    let mut vols: Vec<_> = ask
        .tg
        .volumes
        .iter()
        .filter(|v| v.volume_type == "csi")
        .collect();
    vols.sort_by(|a, b| a.name.cmp(&b.name));
    vols.iter()
        .map(|v| {
            if v.per_alloc {
                format!("{}{}", v.source, ask.alloc_suffix())
            } else {
                v.source.clone()
            }
        })
        .collect()
}

/// The filter reason for a node when the group's CSI volumes do not exist:
/// `missing CSI Volume ID` (the first missing one) up to 2.0.4, `missing
/// CSI volume(s) A, B` (every missing one, checked once per placement) from
/// 2.0.5.
pub fn missing_volumes(ask: &Ask<'_>, version: NomadVersion) -> Option<String> {
    if !version.at_least(0, 11, 0) {
        return None;
    }
    let missing = requested(ask);
    let first = missing.first()?;
    Some(if version.at_least(2, 0, 5) {
        format!("missing CSI volume(s) {}", missing.join(", "))
    } else {
        format!("missing CSI Volume {first}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Job, TaskGroup, Volume};

    fn vol(name: &str, source: &str, kind: &str, per_alloc: bool) -> Volume {
        Volume {
            name: name.into(),
            source: source.into(),
            volume_type: kind.into(),
            per_alloc,
            ..Volume::default()
        }
    }

    #[test]
    fn missing_volumes_are_named_per_allocation_and_per_release() {
        let job = Job::default();
        let tg = TaskGroup {
            volumes: vec![
                vol("logs", "logs", "csi", false),
                vol("data", "pg", "csi", true),
                vol("scratch", "tmp", "host", false),
            ],
            ..TaskGroup::default()
        };
        let ask = Ask {
            job: &job,
            tg: &tg,
            res: Default::default(),
            alloc_name: "db.db[2]".into(),
        };
        assert_eq!(
            missing_volumes(&ask, NomadVersion::new(1, 6, 0)).as_deref(),
            Some("missing CSI Volume pg[2]")
        );
        assert_eq!(
            missing_volumes(&ask, NomadVersion::new(2, 0, 5)).as_deref(),
            Some("missing CSI volume(s) pg[2], logs")
        );
        assert_eq!(missing_volumes(&ask, NomadVersion::new(0, 10, 5)), None);
        let host_only = TaskGroup {
            volumes: vec![vol("scratch", "tmp", "host", false)],
            ..TaskGroup::default()
        };
        let ask = Ask {
            tg: &host_only,
            ..ask
        };
        assert_eq!(missing_volumes(&ask, NomadVersion::new(1, 6, 0)), None);
    }
}
