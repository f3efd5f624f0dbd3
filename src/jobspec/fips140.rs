//! Go's FIPS 140-3 mode as the submitter's `GODEBUG` sets it for Nomad's
//! CLI, and the job-file functions it takes away.
//!
//! Nomad v2.0.5 (commit aedf1d87a2, "jobspec: disable md5/sha1 HCL2
//! functions in FIPS mode") registers `md5` and `sha1` only when
//! `fips140.Enabled()` is false (jobspec2/functions.go v2.0.5:116-119;
//! v2.0.4 and earlier always register them). Go's crypto/fips140
//! `Enabled()` is true for `fips140=on`, `only` or `debug`, false for
//! `off` or no setting; any other value panics at program start
//! (crypto/internal/fips140/fips140.go, Go 1.24+; Nomad v2.0.5's go.mod
//! says go 1.26.5). The runtime reads `GODEBUG` as comma-separated
//! `key=value` pairs where a later one wins (internal/godebug). A binary
//! built with GOFIPS140 defaults to `on`: Nomad's community releases are
//! not, so no setting means off here.

use crate::version::NomadVersion;

/// The mode `GODEBUG` puts Nomad's CLI in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fips140 {
    /// No `fips140` setting, or `fips140=off` (or empty).
    #[default]
    Off,
    /// `fips140=on`, `only` or `debug`: `Enabled()` is true.
    On,
    /// A value Go does not know: the Go runtime of the Nomad release
    /// decides (a panic at start in Go 1.24+), not known here.
    Unknown,
}

/// Whether a function is in the job-file table under a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    Yes,
    /// FIPS mode left it out: HCL's "Call to unknown function".
    Dropped,
    /// The mode is [`Fips140::Unknown`] and the release drops it in FIPS
    /// mode: cannot tell.
    Untold,
}

/// The first release that leaves `md5` and `sha1` out in FIPS mode.
const DROPPED_SINCE: NomadVersion = NomadVersion::new(2, 0, 5);

impl Fips140 {
    /// The mode `GODEBUG`'s value sets: its last `fips140=` entry wins.
    pub fn from_godebug(value: Option<&std::ffi::OsStr>) -> Fips140 {
        // A GODEBUG that is not UTF-8: Go reads bytes; the entry we need
        // is ASCII, so a lossy reading keeps it.
        let Some(v) = value.map(|v| v.to_string_lossy()) else {
            return Fips140::Off;
        };
        let last = v
            .split(',')
            .filter_map(|e| e.split_once('='))
            .rfind(|(k, _)| *k == "fips140");
        match last.map(|(_, v)| v) {
            None | Some("off" | "") => Fips140::Off,
            Some("on" | "only" | "debug") => Fips140::On,
            Some(_) => Fips140::Unknown,
        }
    }

    /// The mode this process's `GODEBUG` sets, read once at the CLI edge.
    pub fn from_env() -> Fips140 {
        Fips140::from_godebug(std::env::var_os("GODEBUG").as_deref())
    }

    /// Does Nomad `v` in this mode offer function `name` to job files?
    pub fn offers(self, name: &str, v: NomadVersion) -> Offered {
        if !matches!(name, "md5" | "sha1") || v < DROPPED_SINCE {
            return Offered::Yes;
        }
        match self {
            Fips140::Off => Offered::Yes,
            Fips140::On => Offered::Dropped,
            Fips140::Unknown => Offered::Untold,
        }
    }

    /// Does this mode change the function table of Nomad `v`?
    pub fn matters(self, v: NomadVersion) -> bool {
        self != Fips140::Off && v >= DROPPED_SINCE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn of(s: &str) -> Fips140 {
        Fips140::from_godebug(Some(OsStr::new(s)))
    }

    #[test]
    fn the_last_fips140_entry_wins() {
        assert_eq!(Fips140::from_godebug(None), Fips140::Off);
        assert_eq!(of("fips140=on"), Fips140::On);
        assert_eq!(of("fips140=only"), Fips140::On);
        assert_eq!(of("http2debug=1,fips140=debug"), Fips140::On);
        assert_eq!(of("fips140=on,fips140=off"), Fips140::Off);
        assert_eq!(of("fips140=off,fips140=on"), Fips140::On);
        assert_eq!(of("fips140=yes"), Fips140::Unknown);
        assert_eq!(of("fips140"), Fips140::Off);
        assert_eq!(of("xfips140=on"), Fips140::Off);
    }

    #[test]
    fn only_md5_and_sha1_from_2_0_5() {
        let v = NomadVersion::new(2, 0, 5);
        assert_eq!(Fips140::On.offers("md5", v), Offered::Dropped);
        assert_eq!(Fips140::On.offers("sha1", v), Offered::Dropped);
        assert_eq!(Fips140::On.offers("sha256", v), Offered::Yes);
        assert_eq!(Fips140::Unknown.offers("md5", v), Offered::Untold);
        assert_eq!(
            Fips140::On.offers("md5", NomadVersion::new(2, 0, 4)),
            Offered::Yes
        );
        assert_eq!(Fips140::Off.offers("md5", v), Offered::Yes);
    }
}
