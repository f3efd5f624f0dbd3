//! The Vault token `nomad job plan` puts into the job it sends, read the
//! way [`super::RequestNamespace`] reads the namespace: in one place, from
//! the command's flag, else the environment.
//!
//! Nomad 1.3.4 to 1.9.x's plan command (command/job_plan.go v1.3.4:216-225,
//! v1.6.0:223-232, v1.9.7:214-227; e96d52d, "cli: respect vault token in
//! plan command") takes `-vault-token`, else `VAULT_TOKEN`, and when it is
//! not empty sets `job.VaultToken` (over the job file's own `vault_token`).
//! Before 1.3.4 the command had neither (no such flag, no `Getenv`); 1.10.0
//! removed both with the legacy token workflow (7268053, #25155). Job.Plan
//! keeps the token (only Register clears it: nomad/job_endpoint.go
//! v1.6.0:306), so `existingJob.SpecChanged(job)` is true against any
//! registered job (stored without a token): the job is re-inserted and
//! every allocation is updated in place instead of ignored
//! (nomad/job_endpoint.go v1.6.0:1813-1819). The diff hides the token from
//! 1.3.6 (diff.go filters VaultToken); 1.3.4 and 1.3.5 print it.
//!
//! The same commit gave the command `-vault-namespace` (1.3.4 through
//! 2.0.5; command/job_plan.go v1.6.0:115-116, :234-237, v2.0.5:214): when
//! not empty it is stored as `job.VaultNamespace`, which the agent copies
//! into every task's `vault` block that names no namespace
//! (`ApiJobToStructJob`, command/agent/job_endpoint.go v1.6.0:1175-1176,
//! v2.0.5:1366-1367), and Job.Diff shows it as any job field.

use crate::jobspec::Job;
use crate::version::NomadVersion;

/// Where the token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFrom {
    Flag,
    Env,
}

/// The token the plan command of one release sends, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestVaultToken {
    sent: Option<(TokenFrom, String)>,
    /// `-vault-namespace`, not empty.
    namespace: Option<String>,
    version: NomadVersion,
}

/// Does `version`'s `nomad job plan` take `-vault-namespace`?
pub fn plan_takes_vault_namespace(version: NomadVersion) -> bool {
    version.at_least(1, 3, 4)
}

/// Does `version`'s `nomad job plan` read `-vault-token` and `VAULT_TOKEN`?
pub fn plan_reads_token(version: NomadVersion) -> bool {
    version.at_least(1, 3, 4) && !version.at_least(1, 10, 0)
}

impl RequestVaultToken {
    /// `flag` is `-vault-token`, `env` is `VAULT_TOKEN`; an empty value is
    /// unset, as the command's `if vaultToken == ""` / `!= ""`.
    pub fn new(flag: Option<&str>, env: Option<&str>, version: NomadVersion) -> RequestVaultToken {
        let sent = match (flag, env) {
            (Some(f), _) if !f.is_empty() => Some((TokenFrom::Flag, f.to_string())),
            (_, Some(e)) if !e.is_empty() => Some((TokenFrom::Env, e.to_string())),
            _ => None,
        }
        .filter(|_| plan_reads_token(version));
        RequestVaultToken {
            sent,
            namespace: None,
            version,
        }
    }

    /// With `-vault-namespace` (`None` or empty: unset, as the command's
    /// `if vaultNamespace != ""`), where the release's command takes it.
    pub fn with_namespace(mut self, flag: Option<&str>) -> RequestVaultToken {
        self.namespace = flag
            .filter(|n| !n.is_empty() && plan_takes_vault_namespace(self.version))
            .map(str::to_string);
        self
    }

    /// The job as the command sends it, and a line for stderr when the
    /// token makes it another job than its file (Nomad says nothing; the
    /// in-place updates it causes would otherwise be unexplained).
    pub fn apply(&self, mut job: Job) -> (Job, Option<String>) {
        if let Some(ns) = &self.namespace {
            job = with_vault_namespace(job, ns);
        }
        let Some((from, token)) = &self.sent else {
            return (job, None);
        };
        if job.vault_token == *token {
            return (job, None);
        }
        job.vault_token.clone_from(token);
        // No longer what a load of its text gives.
        job.closed = Default::default();
        let from = match from {
            TokenFrom::Flag => "-vault-token",
            TokenFrom::Env => "VAULT_TOKEN",
        };
        let note = format!(
            "note: Nomad {}'s plan sends {from} in the job (1.3.4 to 1.9.x do) and the servers keep it, so a running job counts as changed: its allocations are updated in place",
            self.version
        );
        (job, Some(note))
    }
}

/// The job as the servers store it with `VaultNamespace` = `ns`: each
/// task's `vault` block without a namespace takes it.
fn with_vault_namespace(mut job: Job, ns: &str) -> Job {
    if job.vault_namespace == ns {
        return job;
    }
    job.vault_namespace = ns.to_string();
    for t in job.groups.iter_mut().flat_map(|g| g.tasks.iter_mut()) {
        if let Some(v) = t.vault.as_mut().filter(|v| v.namespace.is_empty()) {
            v.namespace = ns.to_string();
        }
    }
    // No longer what a load of its text gives.
    job.closed = Default::default();
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: u32, b: u32, c: u32) -> NomadVersion {
        NomadVersion::new(a, b, c)
    }

    #[test]
    fn read_from_1_3_4_until_1_10() {
        for (version, reads) in [
            (v(0, 9, 3), false),
            (v(1, 2, 16), false),
            (v(1, 3, 3), false),
            (v(1, 3, 4), true),
            (v(1, 6, 0), true),
            (v(1, 9, 7), true),
            (v(1, 10, 0), false),
            (v(2, 0, 5), false),
        ] {
            let (job, note) =
                RequestVaultToken::new(None, Some("s.x"), version).apply(Job::default());
            assert_eq!(job.vault_token == "s.x", reads, "{version}");
            assert_eq!(note.is_some(), reads, "{version}");
        }
    }

    #[test]
    fn the_flag_wins_and_empty_is_unset() {
        let at = v(1, 6, 0);
        let token = |flag, env| {
            RequestVaultToken::new(flag, env, at)
                .apply(Job::default())
                .0
                .vault_token
        };
        assert_eq!(token(Some("a"), Some("b")), "a");
        assert_eq!(token(Some(""), Some("b")), "b");
        assert_eq!(token(None, Some("")), "");
        // The file's own token is replaced; the same one is no news.
        let own = Job {
            vault_token: "a".into(),
            ..Job::default()
        };
        let r = RequestVaultToken::new(None, Some("b"), at);
        assert_eq!(r.apply(own.clone()).0.vault_token, "b");
        let same = RequestVaultToken::new(Some("a"), None, at).apply(own);
        assert!(same.1.is_none());
        assert_eq!(same.0.vault_token, "a");
    }

    #[test]
    fn vault_namespace_is_stored_from_1_3_4_and_given_to_vault_blocks() {
        let mut job = Job::default();
        job.groups.push(crate::jobspec::TaskGroup::default());
        job.groups[0].tasks.push(crate::jobspec::Task {
            vault: Some(crate::jobspec::Vault::default()),
            ..Default::default()
        });
        let at = |version| {
            RequestVaultToken::new(None, None, version)
                .with_namespace(Some("team-a"))
                .apply(job.clone())
                .0
        };
        let j = at(v(1, 6, 0));
        assert_eq!(j.vault_namespace, "team-a");
        let ns = j.groups[0].tasks[0]
            .vault
            .as_ref()
            .map(|v| v.namespace.as_str());
        assert_eq!(ns, Some("team-a"));
        assert_eq!(at(v(1, 3, 3)).vault_namespace, "");
    }
}
