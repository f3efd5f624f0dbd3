//! CSI volumes and plugins as Nomad's state store holds them
//! (`nomad/structs/csi.go`, `node.go`): the plugins each node fingerprints
//! (`Node.CSINodePlugins`, `CSIControllerPlugins`) and the registered
//! volumes with their access mode and claims. The world loader, the import
//! and the scheduler share these types; the questions the scheduler asks of
//! a volume (`ReadSchedulable`, `WriteSchedulable`, `HasFreeWriteClaims`)
//! are answered here per Nomad release.

use std::collections::BTreeMap;

use crate::jobspec::Spans;
use crate::version::NomadVersion;

/// `CSIVolumeAccessMode`. `Unknown` is a volume no allocation has claimed
/// yet (its `AccessMode` is empty until the first claim sets it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AccessMode {
    #[default]
    Unknown,
    SingleNodeReader,
    SingleNodeWriter,
    MultiNodeReader,
    MultiNodeSingleWriter,
    MultiNodeMultiWriter,
}

impl AccessMode {
    /// Every named mode with Nomad's spelling.
    pub const NAMED: [(AccessMode, &'static str); 5] = [
        (AccessMode::SingleNodeReader, "single-node-reader-only"),
        (AccessMode::SingleNodeWriter, "single-node-writer"),
        (AccessMode::MultiNodeReader, "multi-node-reader-only"),
        (
            AccessMode::MultiNodeSingleWriter,
            "multi-node-single-writer",
        ),
        (AccessMode::MultiNodeMultiWriter, "multi-node-multi-writer"),
    ];

    /// Nomad's spelling; the empty string is `Unknown`.
    pub fn parse(s: &str) -> Option<AccessMode> {
        if s.is_empty() {
            return Some(AccessMode::Unknown);
        }
        Self::NAMED.iter().find(|(_, n)| *n == s).map(|(m, _)| *m)
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMED
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("", |(_, n)| n)
    }

    fn writer(self) -> bool {
        matches!(
            self,
            AccessMode::SingleNodeWriter
                | AccessMode::MultiNodeSingleWriter
                | AccessMode::MultiNodeMultiWriter
        )
    }
}

/// What one node runs of one CSI plugin: its node part (`CSINodePlugins`,
/// which the scheduler's checker reads) and its controller part
/// (`CSIControllerPlugins`, which only counts toward the plugin's health).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CsiPlugin {
    pub node: Option<CsiNodeInfo>,
    pub controller: Option<CsiControllerInfo>,
}

/// `CSIInfo` with `NodeInfo` set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CsiNodeInfo {
    pub healthy: bool,
    /// `NodeInfo.MaxVolumes`; a plugin reporting 0 is unlimited (the client
    /// turns 0 into `math.MaxInt64`, plugins/csi/client.go).
    pub max_volumes: i64,
    /// `NodeInfo.AccessibleTopology.Segments`; `None` when the plugin
    /// reports no topology.
    pub topology: Option<BTreeMap<String, String>>,
}

impl Default for CsiNodeInfo {
    fn default() -> Self {
        CsiNodeInfo {
            healthy: true,
            max_volumes: i64::MAX,
            topology: None,
        }
    }
}

/// `CSIInfo` with `ControllerInfo` set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CsiControllerInfo {
    pub healthy: bool,
    /// `RequiresControllerPlugin`: volumes of this plugin are only
    /// schedulable while a controller is healthy.
    pub requires_controller: bool,
}

impl Default for CsiControllerInfo {
    fn default() -> Self {
        CsiControllerInfo {
            healthy: true,
            requires_controller: false,
        }
    }
}

/// A claim on a volume: the allocation that holds it and, when that
/// allocation still exists in the state, its namespace and job. `owner:
/// None` is a garbage-collected allocation whose claim is not released yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CsiClaim {
    pub alloc_id: String,
    pub owner: Option<(String, String)>,
}

/// A registered CSI volume (`CSIVolume`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CsiVolume {
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub plugin_id: String,
    /// The mode its claims hold it in (`Unknown` until claimed).
    pub access_mode: AccessMode,
    pub attachment_mode: String,
    /// `RequestedCapabilities` (access, attachment), from 1.1.
    pub capabilities: Vec<(AccessMode, String)>,
    /// `Topologies` the provider placed it in (segments each).
    pub topologies: Vec<BTreeMap<String, String>>,
    /// `Schedulable` as the cluster reports it; `None` derives it from the
    /// plugins' health as the state store does on every read.
    pub schedulable: Option<bool>,
    /// `ResourceExhausted` is set (non-zero time).
    pub resource_exhausted: bool,
    pub read_claims: Vec<CsiClaim>,
    pub write_claims: Vec<CsiClaim>,
    pub spans: Spans,
}

/// Releases whose `CSIVolumeChecker` names a garbage-collected claimant
/// (backported to 1.0.17, 1.1.11 and 1.2.5; every release from 1.3).
pub fn names_gc_claims(v: NomadVersion) -> bool {
    in_lines(v, &[(1, 0, 17), (1, 1, 11), (1, 2, 5)])
}

/// Releases with `HasFreeWriteClaims`, which trusts `WriteSchedulable` for
/// an unclaimed volume (1.1.13, 1.2.7, every release from 1.3).
fn has_free_write_claims_fn(v: NomadVersion) -> bool {
    in_lines(v, &[(1, 1, 13), (1, 2, 7)])
}

/// Is `v` at or past the fix in its own 1.x line (the fixes are listed one
/// per minor line, in order), or in a later line than the last listed?
fn in_lines(v: NomadVersion, fixes: &[(u32, u32, u32)]) -> bool {
    let Some(&(maj, min, _)) = fixes.last() else {
        return false;
    };
    if (v.major, v.minor) > (maj, min) {
        return true;
    }
    fixes
        .iter()
        .any(|&(a, b, c)| v.major == a && v.minor == b && v.patch >= c)
}

impl CsiVolume {
    /// `ReadSchedulable`: schedulable and not out of resources.
    pub fn read_schedulable(&self, schedulable: bool) -> bool {
        schedulable && !self.resource_exhausted
    }

    /// `WriteSchedulable`: a writer mode (or, from 1.1, an unclaimed volume
    /// whose requested capabilities include one).
    pub fn write_schedulable(&self, schedulable: bool, v: NomadVersion) -> bool {
        if !schedulable {
            return false;
        }
        let writable = if self.access_mode.writer() {
            true
        } else if self.access_mode == AccessMode::Unknown && v.at_least(1, 1, 0) {
            self.capabilities.iter().any(|(m, _)| m.writer())
        } else {
            false
        };
        writable && !self.resource_exhausted
    }

    /// `WriteFreeClaims` / `HasFreeWriteClaims` per release.
    pub fn free_write_claims(&self, v: NomadVersion) -> bool {
        use AccessMode::*;
        let free = self.write_claims.is_empty();
        if !v.at_least(1, 0, 0) {
            // 0.11-0.12: every writer mode allows one writer.
            return self.access_mode.writer() && free;
        }
        match self.access_mode {
            SingleNodeWriter | MultiNodeSingleWriter => free,
            // The CSI spec sets no maximum of writers.
            MultiNodeMultiWriter => true,
            Unknown if has_free_write_claims_fn(v) => true,
            Unknown if v.at_least(1, 1, 0) => {
                // What the volume can do, by its first writer capability;
                // a volume registered before 1.1 has none and is free.
                if self.capabilities.is_empty() {
                    return true;
                }
                self.capabilities
                    .iter()
                    .find_map(|(m, _)| match m {
                        SingleNodeWriter | MultiNodeSingleWriter => Some(free),
                        MultiNodeMultiWriter => Some(true),
                        _ => None,
                    })
                    .unwrap_or(false)
            }
            _ => false,
        }
    }
}

/// Health of one plugin over all nodes (`CSIPlugin`'s counters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PluginHealth {
    pub nodes_healthy: usize,
    pub controllers_healthy: usize,
    pub controller_required: bool,
}

impl PluginHealth {
    /// `csiVolumeDenormalizePluginsTxn`: a healthy node plugin, and a
    /// healthy controller when the plugin requires one. A plugin no node
    /// runs is absent, so its volumes are not schedulable.
    pub fn schedulable(&self) -> bool {
        self.nodes_healthy > 0 && (!self.controller_required || self.controllers_healthy > 0)
    }
}

/// Each plugin's health, counted over the nodes' fingerprints.
pub fn plugin_health<'a>(
    nodes: impl IntoIterator<Item = &'a BTreeMap<String, CsiPlugin>>,
) -> BTreeMap<String, PluginHealth> {
    let mut out: BTreeMap<String, PluginHealth> = BTreeMap::new();
    for plugins in nodes {
        for (id, p) in plugins {
            let h = out.entry(id.clone()).or_default();
            if p.node.as_ref().is_some_and(|n| n.healthy) {
                h.nodes_healthy += 1;
            }
            if let Some(c) = &p.controller {
                h.controller_required |= c.requires_controller;
                if c.healthy {
                    h.controllers_healthy += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(mode: AccessMode, caps: &[AccessMode], writers: usize) -> CsiVolume {
        CsiVolume {
            access_mode: mode,
            capabilities: caps.iter().map(|m| (*m, "file-system".into())).collect(),
            write_claims: (0..writers)
                .map(|k| CsiClaim {
                    alloc_id: format!("a{k}"),
                    owner: None,
                })
                .collect(),
            ..CsiVolume::default()
        }
    }

    #[test]
    fn access_modes_spell_as_nomad_does() {
        for (m, s) in AccessMode::NAMED {
            assert_eq!(AccessMode::parse(s), Some(m));
            assert_eq!(m.as_str(), s);
        }
        assert_eq!(AccessMode::parse(""), Some(AccessMode::Unknown));
        assert_eq!(AccessMode::parse("single-node-reader"), None);
    }

    /// nomad/structs/csi.go `WriteSchedulable` and `WriteFreeClaims` /
    /// `HasFreeWriteClaims` at each change (0.11.0, 1.0.0, 1.1.0, 1.1.13,
    /// 1.2.0 and 1.2.7, where the 1.1.13 rule came back).
    #[test]
    fn write_rules_follow_each_release() {
        use AccessMode::*;
        let v = NomadVersion::new;
        let mnmw = vol(MultiNodeMultiWriter, &[], 1);
        assert!(
            !mnmw.free_write_claims(v(0, 12, 9)),
            "one writer before 1.0"
        );
        assert!(mnmw.free_write_claims(v(1, 0, 0)));
        let unclaimed = vol(Unknown, &[SingleNodeReader, SingleNodeWriter], 0);
        assert!(!unclaimed.write_schedulable(true, v(1, 0, 18)));
        assert!(unclaimed.write_schedulable(true, v(1, 1, 0)));
        assert!(!unclaimed.write_schedulable(false, v(1, 1, 0)));
        let reader_only = vol(Unknown, &[MultiNodeReader], 0);
        assert!(!reader_only.write_schedulable(true, v(2, 0, 5)));
        // An unclaimed volume's free writers: by its first writer
        // capability in 1.1.0-1.1.12 and 1.2.0-1.2.6, always from 1.1.13.
        let held = vol(Unknown, &[SingleNodeWriter], 1);
        assert!(!held.free_write_claims(v(1, 1, 12)));
        assert!(held.free_write_claims(v(1, 1, 13)));
        assert!(!held.free_write_claims(v(1, 2, 6)));
        assert!(held.free_write_claims(v(1, 2, 7)));
        assert!(held.free_write_claims(v(1, 3, 0)));
        assert!(vol(Unknown, &[], 1).free_write_claims(v(1, 1, 0)));
        assert!(!vol(Unknown, &[MultiNodeReader], 0).free_write_claims(v(1, 2, 0)));
        let exhausted = CsiVolume {
            resource_exhausted: true,
            ..vol(SingleNodeWriter, &[], 0)
        };
        assert!(!exhausted.write_schedulable(true, v(2, 0, 5)));
        assert!(!exhausted.read_schedulable(true));
        assert!(vol(SingleNodeWriter, &[], 0).read_schedulable(true));
    }

    #[test]
    fn backports_are_read_per_release_line() {
        let v = NomadVersion::new;
        for (ver, gc) in [
            (v(1, 0, 16), false),
            (v(1, 0, 17), true),
            (v(1, 1, 10), false),
            (v(1, 1, 11), true),
            (v(1, 2, 4), false),
            (v(1, 2, 5), true),
            (v(1, 3, 0), true),
            (v(0, 12, 12), false),
        ] {
            assert_eq!(names_gc_claims(ver), gc, "{ver}");
        }
    }

    #[test]
    fn plugin_health_counts_nodes_and_controllers() {
        let node = |healthy| CsiPlugin {
            node: Some(CsiNodeInfo {
                healthy,
                ..CsiNodeInfo::default()
            }),
            controller: None,
        };
        let controller = |healthy| CsiPlugin {
            node: None,
            controller: Some(CsiControllerInfo {
                healthy,
                requires_controller: true,
            }),
        };
        let one = |p: CsiPlugin| BTreeMap::from([("ebs".to_string(), p)]);
        let nodes = [one(node(true)), one(node(false))];
        let h = plugin_health(nodes.iter());
        assert!(h["ebs"].schedulable());
        let nodes = [one(node(true)), one(controller(false))];
        assert!(!plugin_health(nodes.iter())["ebs"].schedulable());
        let nodes = [one(node(true)), one(controller(true))];
        assert!(plugin_health(nodes.iter())["ebs"].schedulable());
        let nodes = [one(node(false))];
        assert!(!plugin_health(nodes.iter())["ebs"].schedulable());
    }
}
