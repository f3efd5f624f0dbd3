//! The release each quota limit not simulated ([`Unsimulated`]) came in,
//! and what an earlier release makes of it.
//!
//! Two ways into a cluster, two behaviours:
//! - `nomad quota apply FILE` decodes the HCL specification with an
//!   explicit list of keys per block (command/quota_apply.go
//!   `parseQuotaLimits`/`parseQuotaResource`, `helper.CheckHCLKeys`) and
//!   refuses any other key: `variables_limit` is in the limit's list from
//!   v1.4.0, `storage` in the region limit's from v1.10.0 and `node_pool`
//!   from v1.11.2 (the list at every tag from v0.10.0 to v2.0.5). A world
//!   file setting one of them at an earlier release is refused with that
//!   release's words.
//! - `secrets`, `numa`, `disk` and `iops` are in no release's HCL list:
//!   they reach a quota only through the API (`nomad quota apply -json`,
//!   `encoding/json` into api.QuotaSpec, which drops keys the struct has
//!   not). The region limit was an `api.Resources` until 1.10: `NUMA` from
//!   v1.7.0, `SecretsMB` from v1.8.3 (#23696), `DiskMB` and `IOPS` at
//!   every release; from v1.10.0 it is `api.QuotaResources` (#24785),
//!   which has `SecretsMB` and `NUMA` but neither `DiskMB` nor `IOPS`. A
//!   world setting one at a release whose struct lacks it is read as
//!   Nomad stores it: without the key (a warning says so), and no plan is
//!   limited by it.
//!
//! None of these was backported: the Enterprise changelogs (every
//! `ent-changelog-*` tag, and the Enterprise sections of CHANGELOG.md at
//! v2.0.5) name neither #24785, #23696 nor 1.11.2's "quotas: Node pool
//! level limits for resources", so release order alone decides, for
//! Enterprise-only releases too (1.10.14+ent has no `node_pool`).
//!
//! An import whose servers return a key their named release has no field
//! for was not saved from that release (`import::quota_keys`): refused as
//! inconsistent, as `disconnected_before_1_3` refuses a node status.

use crate::diag::Diag;
use crate::source::Source;
use crate::version::NomadVersion;

use super::quota_limits::{NotSimulated, Unsimulated};

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// What a release makes of one quota limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAt {
    /// Stored as written.
    Kept,
    /// `nomad quota apply` refuses the specification: the release the key
    /// came in, and the line of Nomad's error that names it.
    Refused {
        first: NomadVersion,
        line: &'static str,
    },
    /// The API has no such field at this release and drops the key: why.
    Dropped { why: &'static str },
}

/// The HCL key that came in `first`, and Nomad's error line before it.
fn refused_before(v: NomadVersion, first: NomadVersion, line: &'static str) -> KeyAt {
    if v < first {
        KeyAt::Refused { first, line }
    } else {
        KeyAt::Kept
    }
}

/// What Nomad `at` makes of `limit` (see the module doc for the sources).
pub fn key_at(limit: &Unsimulated, at: NomadVersion) -> KeyAt {
    let dropped = |keep: bool, why| {
        if keep {
            KeyAt::Kept
        } else {
            KeyAt::Dropped { why }
        }
    };
    match limit {
        Unsimulated::NodePool(_) => refused_before(
            at,
            v(1, 11, 2),
            "limit -> region_limit -> resources -> invalid key: node_pool",
        ),
        Unsimulated::Variables(_) | Unsimulated::HostVolumes(_) => refused_before(
            at,
            v(1, 10, 0),
            "limit -> region_limit -> resources -> invalid key: storage",
        ),
        Unsimulated::VariablesLimit(_) => {
            refused_before(at, v(1, 4, 0), "limit -> invalid key: variables_limit")
        }
        Unsimulated::Secrets(_) => dropped(
            at >= v(1, 8, 3),
            "api.Resources has SecretsMB from 1.8.3 (#23696)",
        ),
        Unsimulated::Numa(_) => dropped(at >= v(1, 7, 0), "api.Resources has NUMA from 1.7.0"),
        Unsimulated::Disk(_) => dropped(
            at < v(1, 10, 0),
            "from 1.10.0 a region limit is an api.QuotaResources, which has no DiskMB (#24785)",
        ),
        Unsimulated::Iops(_) => dropped(
            at < v(1, 10, 0),
            "from 1.10.0 a region limit is an api.QuotaResources, which has no IOPS (#24785)",
        ),
        // Read from an import only: whatever it is, the servers stored it.
        Unsimulated::Unknown { .. } => KeyAt::Kept,
    }
}

/// A hand-written quota's limits at Nomad `at`: a key the release's
/// `nomad quota apply` refuses is an error, a key its API drops is
/// dropped with a warning; both leave the list.
pub(super) fn hand_written(
    src: &Source,
    quota: &str,
    at: NomadVersion,
    limits: &mut Vec<NotSimulated>,
    diags: &mut crate::diag::Diags,
) {
    limits.retain(|ns| {
        let d = match key_at(&ns.limit, at) {
            KeyAt::Kept => return true,
            KeyAt::Refused { first, line } => Diag::error(
                "world::version-gate",
                format!(
                    "quota `{quota}` sets `{}`, a Nomad {first}+ quota key: Nomad {}'s `nomad quota apply` refuses the specification (\"Error parsing quota specification\": {line})",
                    ns.limit.name(),
                    at.named()
                ),
            )
            .help("remove it or raise nomad_version"),
            KeyAt::Dropped { why } => Diag::warning(
                "world::version-gate",
                format!(
                    "quota `{quota}` sets {}, which Nomad {} has no field for ({why}): the quota is stored without it, so no plan is limited by it",
                    ns.limit.describe(),
                    at.named()
                ),
            )
            .help("remove it or change nomad_version"),
        };
        diags.push(match ns.at.0 {
            Some(span) => d.at(src, span, "not in this release"),
            None => d.in_source(src),
        });
        false
    });
}

/// An import's quota carrying a key its named release has no field for:
/// one error each (the servers are not the release agent-self.json names).
pub(super) fn imported(
    quotas: &std::collections::BTreeMap<String, super::model::QuotaSpec>,
    at: NomadVersion,
    src: Option<&Source>,
) -> Vec<Diag> {
    let mut out = Vec::new();
    for q in quotas.values() {
        for l in &q.limits {
            for ns in &l.region_limit.unsimulated {
                if key_at(&ns.limit, at) == KeyAt::Kept {
                    continue;
                }
                let d = Diag::error(
                    "world::version-gate",
                    format!(
                        "inconsistent import: quota `{}` (region `{}`) carries {}, which Nomad {} has no field for; the import's agent-self.json says the servers run Nomad {}",
                        crate::escape::one_line(&q.name),
                        crate::escape::one_line(&l.region),
                        ns.limit.describe(),
                        at.named(),
                        at.named()
                    ),
                )
                .help("save agent-self.json from the leader (`nomad operator api /v1/agent/self` against it) and quotas.json from the same cluster");
                out.push(match src {
                    Some(s) => d.in_source(s),
                    None => d,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::quota_limits::{NumaLimit, PoolLimit};

    fn kept(l: &Unsimulated, at: NomadVersion) -> bool {
        key_at(l, at) == KeyAt::Kept
    }

    #[test]
    fn each_key_from_its_first_release() {
        let pool = Unsimulated::NodePool(PoolLimit::default());
        assert!(!kept(&pool, v(1, 11, 1)));
        assert!(!kept(&pool, v(1, 10, 14)), "not backported to 1.10+ent");
        assert!(kept(&pool, v(1, 11, 2)));
        for s in [Unsimulated::Variables(1), Unsimulated::HostVolumes(1)] {
            assert!(!kept(&s, v(1, 9, 13)));
            assert!(kept(&s, v(1, 10, 0)));
        }
        let vl = Unsimulated::VariablesLimit(1);
        assert!(!kept(&vl, v(1, 3, 16)));
        assert!(kept(&vl, v(1, 4, 0)));
        assert!(kept(&vl, v(2, 0, 5)));
        let secrets = Unsimulated::Secrets(1);
        assert!(!kept(&secrets, v(1, 8, 2)));
        assert!(kept(&secrets, v(1, 8, 3)));
        let numa = Unsimulated::Numa(NumaLimit::default());
        assert!(!kept(&numa, v(1, 6, 15)));
        assert!(kept(&numa, v(1, 7, 0)));
        for d in [Unsimulated::Disk(1), Unsimulated::Iops(1)] {
            assert!(kept(&d, v(1, 9, 13)));
            assert!(!kept(&d, v(1, 10, 0)));
        }
    }

    #[test]
    fn hcl_keys_are_refused_and_api_keys_dropped() {
        assert!(matches!(
            key_at(&Unsimulated::VariablesLimit(1), v(1, 3, 0)),
            KeyAt::Refused { first, .. } if first == v(1, 4, 0)
        ));
        assert!(matches!(
            key_at(&Unsimulated::Secrets(1), v(1, 8, 2)),
            KeyAt::Dropped { .. }
        ));
    }
}
