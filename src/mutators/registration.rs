//! The scheduler configuration's `RejectJobRegistration` (1.2.4+), beside
//! the admission hooks as `vault::run_refusal` is: a
//! load-shedding switch that `Job.Plan` never reads, so Nomad's plan is
//! its usual text while the `nomad job run` that follows is refused.
//!
//! `registrationsAreAllowed` (nomad/job_endpoint.go, v1.2.4 through
//! v2.0.5; absent at v1.2.3) lets a registration through when the setting
//! is off or the caller's ACL object is a management one, else
//! `Job.Register` returns `ErrJobRegistrationDisabled`
//! (nomad/structs/errors.go), which the HTTP agent answers with 403
//! (command/agent/http.go `errCodeFromHandler`). Who counts as management
//! changed in 1.7.0:
//!
//! - 1.2.4–1.6.x: with ACLs off the ACL object is nil (nomad/acl.go
//!   ResolveACL@v1.6.0 `return nil, nil`) and `(*ACL)(nil).IsManagement()`
//!   is false: every registration is refused;
//! - 1.7.0+: with ACLs off it is `acl.ACLsDisabledACL`, whose
//!   `IsManagement()` is true (acl/acl.go@v1.7.0 `a.management ||
//!   a.aclsDisabled`): nothing is refused.
//!
//! With ACLs on, a management token registers and any other is refused,
//! at every release: the token is the submitter's, which no world states,
//! so the line says so.

use crate::version::NomadVersion;
use crate::world::World;

/// `structs.ErrJobRegistrationDisabled`'s text (v1.2.4–v2.0.5).
pub const ERROR: &str =
    "Job registration, dispatch, and scale are disabled by the scheduler configuration";

/// Why `nomad job run` of any job is refused under the world's scheduler
/// configuration, though the plan is Nomad's usual one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRefused {
    pub version: NomadVersion,
    /// The servers' `acl { enabled }`, when the world states it.
    pub acl_enabled: Option<bool>,
}

/// The refusal `Job.Register` makes under `world`, if any.
pub fn refused(world: &World) -> Option<RegistrationRefused> {
    let version = world.nomad_version;
    if !world.scheduler.reject_job_registration || !version.at_least(1, 2, 4) {
        return None;
    }
    let acl_enabled = world.server.acl_enabled;
    // From 1.7.0 ACLs off make every caller management.
    if version.at_least(1, 7, 0) && acl_enabled == Some(false) {
        return None;
    }
    Some(RegistrationRefused {
        version,
        acl_enabled,
    })
}

/// `Job.Register`'s error under `world`, where it is raised: before the
/// admission controllers run (`before`, 1.7.0+) or after them (1.2.4–1.6.x).
pub fn run_error(world: &World, before: bool) -> Option<String> {
    let first = world.nomad_version.at_least(1, 7, 0);
    refused(world)
        .filter(|_| first == before)
        .map(|r| r.run_error())
}

impl RegistrationRefused {
    /// Who could still register, given what the world says of ACLs.
    pub fn unless(&self) -> Option<&'static str> {
        match (self.version.at_least(1, 7, 0), self.acl_enabled) {
            // ACLs off before 1.7: nobody, not even a management token.
            (false, Some(false)) => None,
            (_, Some(true)) => Some("a management ACL token"),
            (false, None) => Some("ACLs are on and the token is a management one"),
            (true, _) => Some("ACLs are off or the token is a management one"),
        }
    }

    /// The error `nomad job run` prints (command/job_run.go `Error
    /// submitting job: %s`, the API client's `Unexpected response code`).
    pub fn run_error(&self) -> String {
        format!("Unexpected response code: 403 ({ERROR})")
    }

    /// The one line said beside Nomad's plan.
    pub fn line(&self) -> String {
        let unless = match self.unless() {
            Some(u) => format!(", unless {u}"),
            None => " (ACLs are off, so no caller is management)".to_string(),
        };
        format!(
            "`nomad job run` will be refused: the scheduler configuration sets reject_job_registration, which Nomad {}'s plan does not check but Job.Register does{unless}: Error submitting job: {}",
            self.version,
            self.run_error()
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "RunRefused": true,
            "Error": self.run_error(),
            "Unless": self.unless(),
            "AclEnabled": self.acl_enabled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(v: NomadVersion, reject: bool, acl: Option<bool>) -> World {
        use crate::world::WorldOrigin;
        let mut w = World::empty(WorldOrigin::Embedded, std::path::PathBuf::from("/p"));
        w.nomad_version = v;
        w.scheduler.reject_job_registration = reject;
        w.server.acl_enabled = acl;
        w
    }

    #[test]
    fn refused_from_1_2_4_and_with_acls_off_only_before_1_7() {
        let v = NomadVersion::new;
        assert_eq!(refused(&world(v(1, 2, 3), true, None)), None);
        assert_eq!(refused(&world(v(1, 6, 0), false, None)), None);
        let old_off = refused(&world(v(1, 2, 4), true, Some(false))).expect("refused");
        assert_eq!(old_off.unless(), None);
        assert!(refused(&world(v(1, 7, 0), true, Some(false))).is_none());
        let on = refused(&world(v(2, 0, 5), true, Some(true))).expect("refused");
        assert_eq!(on.unless(), Some("a management ACL token"));
        let unknown = refused(&world(v(1, 7, 0), true, None)).expect("refused");
        assert_eq!(
            unknown.unless(),
            Some("ACLs are off or the token is a management one")
        );
    }
}
