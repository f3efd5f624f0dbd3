//! The Nomad version a world simulates. Output text and scheduler behaviour
//! differ between releases, so every dialect decision asks this type.

pub mod backports;
pub mod lines;

pub use backports::Fix;

use std::fmt;
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct NomadVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl NomadVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        NomadVersion {
            major,
            minor,
            patch,
        }
    }

    /// The demo's version (`rules/cluster.hcl` of the shipped world).
    pub const DEMO: NomadVersion = NomadVersion::new(0, 9, 3);
    /// The current release line we track.
    pub const CURRENT: NomadVersion = NomadVersion::new(2, 0, 5);

    pub fn at_least(self, major: u32, minor: u32, patch: u32) -> bool {
        self >= NomadVersion::new(major, minor, patch)
    }

    /// Has this release something that came in `since`: the first release
    /// of each release line that has it, oldest first (a change backported
    /// to patch releases of older lines), the last entry holding for every
    /// later line?
    pub fn has_since(self, since: &[NomadVersion]) -> bool {
        let line = |x: NomadVersion| (x.major, x.minor);
        let Some((i, first)) = since
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| line(**s) <= line(self))
        else {
            return false;
        };
        if line(*first) == line(self) {
            self >= *first
        } else {
            // A line with no entry of its own: only later than the last.
            i + 1 == since.len()
        }
    }
}

impl Default for NomadVersion {
    fn default() -> Self {
        NomadVersion::CURRENT
    }
}

impl fmt::Display for NomadVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Which build of Nomad the servers run. Some features are Enterprise's
/// alone, and its code for them is not public: a community build refuses
/// a multiregion job (`Multiregion jobs are unlicensed.`, 0.12.4+) where
/// Enterprise plans it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Edition {
    Community,
    Enterprise,
}

impl Edition {
    /// The word the world format uses (`edition = "..."`).
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Community => "community",
            Edition::Enterprise => "enterprise",
        }
    }

    /// What a version string's build metadata says: Enterprise builds
    /// carry `+ent` (`nomad version` prints `Nomad v1.7.2+ent`; the
    /// agent's `build` tag is the same string). Without metadata the
    /// string alone does not say: `None`.
    pub fn of_version_text(s: &str) -> Option<Edition> {
        let (_, meta) = s.trim().split_once('+')?;
        (meta == "ent" || meta.starts_with("ent.")).then_some(Edition::Enterprise)
    }
}

impl FromStr for Edition {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "community" => Ok(Edition::Community),
            "enterprise" => Ok(Edition::Enterprise),
            _ => Err(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(pub String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid Nomad version {:?}: expected MAJOR.MINOR.PATCH",
            self.0
        )
    }
}

impl FromStr for NomadVersion {
    type Err = VersionError;

    /// Accepts `0.9.3`, `v1.6.1`, `2.0.6-dev`, `1.7.2+ent`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || VersionError(s.to_string());
        let t = s.trim().trim_start_matches('v');
        let core = t.split(['-', '+']).next().ok_or_else(err)?;
        let mut parts = core.split('.');
        let mut next = |required: bool| -> Result<u32, VersionError> {
            match parts.next() {
                Some(p) => p.parse().map_err(|_| err()),
                None if required => Err(err()),
                None => Ok(0),
            }
        };
        let v = NomadVersion::new(next(true)?, next(true)?, next(false)?);
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_and_dev_versions() {
        assert_eq!("0.9.3".parse(), Ok(NomadVersion::new(0, 9, 3)));
        assert_eq!("v2.0.6-dev".parse(), Ok(NomadVersion::new(2, 0, 6)));
        assert_eq!("1.7".parse(), Ok(NomadVersion::new(1, 7, 0)));
        assert!("1".parse::<NomadVersion>().is_err());
        assert!("1.2.3.4".parse::<NomadVersion>().is_err());
        assert!("a.b.c".parse::<NomadVersion>().is_err());
    }

    #[test]
    fn build_metadata_names_enterprise() {
        assert_eq!(
            Edition::of_version_text("1.7.2+ent"),
            Some(Edition::Enterprise)
        );
        assert_eq!(
            Edition::of_version_text("1.7.2+ent.hsm"),
            Some(Edition::Enterprise)
        );
        assert_eq!(Edition::of_version_text("1.7.2"), None);
        assert_eq!(Edition::of_version_text("1.7.2+entirely"), None);
        assert_eq!("1.7.2+ent".parse(), Ok(NomadVersion::new(1, 7, 2)));
    }

    #[test]
    fn orders_numerically() {
        let v: NomadVersion = "0.10.4".parse().unwrap();
        assert!(v.at_least(0, 10, 4));
        assert!(!v.at_least(0, 11, 0));
        assert!(v > NomadVersion::DEMO);
    }
}
