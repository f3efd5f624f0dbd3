//! Whether Nomad's servers load a periodic job's `time_zone`, and with
//! which rules: `PeriodicConfig.Validate` and `GetLocation` call Go's
//! `time.LoadLocation` (nomad/structs/structs.go, every release).
//!
//! Go refuses a name holding `..` or starting with `/` or `\`
//! (`time: invalid location name`), and otherwise reads the file of that
//! name, case-sensitively, from `$ZONEINFO`, the system's zoneinfo folders
//! (/usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ,
//! /etc/zoneinfo), then `$GOROOT/lib/time/zoneinfo.zip`; a binary that
//! imports `time/tzdata` has its own copy last. Nomad's Linux and macOS
//! builds do not (main.go at every tag; GNUmakefile adds the `timetzdata`
//! tag to Windows builds only, from 1.4.14): a server reads its own
//! machine's zone files, and without them refuses every zone but `UTC`
//! and `Local` (`unknown time zone NAME`).
//!
//! We read ours the same way, through jiff: `TZDIR` when it holds at
//! least one zone (an empty one is passed over), else /usr/share/zoneinfo,
//! /usr/share/lib/zoneinfo, /etc/zoneinfo; no bundled copy on Unix (its
//! `tzdb-bundle-platform` feature bundles on Windows and wasm only), and
//! none at all where none of these exists. So a name is judged:
//! - by Go's own name check first;
//! - as loading, with this machine's rules, when this machine's database
//!   holds it under that exact name;
//! - as "cannot tell" when it is one of IANA's names ([`IANA`], tzdb
//!   2025b's zones and links) that this machine's database does not
//!   hold (no database, a partial or unreadable one), or one of the files
//!   a distribution adds beside the zones (`localtime`, `posixrules`, the
//!   `posix/` and `right/` copies): the servers' files decide;
//! - as Go refuses it (`unknown time zone NAME`) otherwise.
//!
//! What stays unknown, said in docs/validation-coverage.md: a zone IANA
//! adds after 2025b that this machine lacks is refused here, and where
//! this machine's rules differ from the servers' tzdata (a country's
//! changed offset), the next launch shown is this machine's.

use jiff::tz::TimeZone;

use super::model::Job;

/// The zone and link names of IANA's tzdb 2025b (its tzdata.zi, backward
/// links included), one a line.
const IANA: &str = include_str!("tz-names-2025b.txt");

/// Files a distribution's zoneinfo folder holds beside IANA's zones, which
/// Go loads (or refuses as malformed) where the servers have them.
const DISTRIBUTION: &[&str] = &["localtime", "posixrules"];

/// What the servers' `time.LoadLocation` does with a `time_zone`.
#[derive(Debug, Clone)]
pub enum Zone {
    /// It loads: these are its rules (this machine's).
    Loads(TimeZone),
    /// `Local`: the server's own zone, not known here.
    Local,
    /// Go refuses it with this error.
    Refused(String),
    /// It depends on the servers' zone files: why.
    Unknown(String),
}

/// Judge `name` as the servers' `time.LoadLocation` would.
pub fn load(name: &str) -> Zone {
    match name {
        "" | "UTC" => return Zone::Loads(TimeZone::UTC),
        "Local" => return Zone::Local,
        _ => {}
    }
    if name.contains("..") || name.starts_with(['/', '\\']) {
        return Zone::Refused("time: invalid location name".into());
    }
    let db = jiff::tz::db();
    // jiff looks names up case-insensitively; Go opens the file by name.
    if db.available().any(|n| n.as_str() == name) {
        if let Ok(tz) = db.get(name) {
            return Zone::Loads(tz);
        }
    }
    let iana = |n: &str| IANA.lines().any(|l| l == n);
    let copy = ["posix/", "right/"]
        .iter()
        .any(|p| name.strip_prefix(p).is_some_and(iana));
    if iana(name) {
        return Zone::Unknown(format!(
            "{name} is an IANA time zone, and this machine's time zone database (TZDIR, else /usr/share/zoneinfo) does not hold it whole: whether Nomad's servers load it, and when the job would launch, depends on their zone files"
        ));
    }
    if copy || DISTRIBUTION.contains(&name) {
        return Zone::Unknown(format!(
            "{name} is a file some distributions' zoneinfo folders hold beside IANA's zones: whether Nomad's servers load it depends on their zone files"
        ));
    }
    Zone::Refused(format!("unknown time zone {name}"))
}

/// An enabled periodic job whose `time_zone` the servers' zone files
/// decide: whether `Job.Validate` accepts it cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneUnknown {
    pub zone: String,
    pub why: String,
    pub spans: super::Spans,
}

/// The job's [`TimeZoneUnknown`], if any (`Job.Validate` judges the
/// periodic block of an enabled one only).
pub fn time_zone_unknown(job: &Job) -> Option<TimeZoneUnknown> {
    let p = job.periodic.as_ref().filter(|p| p.enabled)?;
    match load(&p.time_zone) {
        Zone::Unknown(why) => Some(TimeZoneUnknown {
            zone: p.time_zone.clone(),
            why,
            spans: p.spans.clone(),
        }),
        _ => None,
    }
}

impl TimeZoneUnknown {
    /// The one line every command prints (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell whether Nomad accepts job {:?}: its periodic time_zone {:?}: {}",
            job.id,
            self.zone,
            crate::escape::one_line(&self.why)
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "TimeZone": self.zone, "Reason": self.why })
    }

    pub const HINT: &'static str =
        "install the time zone database where nomad-preflight runs (the tzdata package), or point TZDIR at a copy of the servers' zoneinfo folder";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_load_as_go_loads_them() {
        assert!(matches!(load(""), Zone::Loads(_)));
        assert!(matches!(load("UTC"), Zone::Loads(_)));
        assert!(matches!(load("Local"), Zone::Local));
        for bad in ["../etc/passwd", "/etc/localtime", "\\x", "a/../b"] {
            match load(bad) {
                Zone::Refused(e) => assert_eq!(e, "time: invalid location name"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        match load("Mars/Olympus_Mons") {
            Zone::Refused(e) => assert_eq!(e, "unknown time zone Mars/Olympus_Mons"),
            other => panic!("{other:?}"),
        }
        // Go opens the file by name: the spelling must be exact.
        assert!(matches!(load("america/new_york"), Zone::Refused(_)));
        assert!(matches!(load("posix/America/New_York"), Zone::Unknown(_)));
        // Loaded where this machine's database has it, never refused.
        assert!(matches!(
            load("posixrules"),
            Zone::Unknown(_) | Zone::Loads(_)
        ));
        // With a database here, an IANA zone loads; without one, unknown.
        let here = jiff::tz::db().available().next().is_some();
        assert_eq!(
            matches!(load("America/New_York"), Zone::Loads(_)),
            here,
            "{:?}",
            load("America/New_York")
        );
    }

    #[test]
    fn the_iana_list_is_sorted_and_whole() {
        let names: Vec<&str> = IANA.lines().collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        for n in [
            "America/New_York",
            "Europe/Paris",
            "US/Eastern",
            "Etc/GMT+5",
            "UTC",
        ] {
            assert!(names.contains(&n), "{n}");
        }
    }
}
