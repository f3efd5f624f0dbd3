//! Secrets the diff would print: the job's `VaultToken` (Job.Diff flattens
//! it until 1.3.6, so Nomad 1.3.4 and 1.3.5 print the `VAULT_TOKEN` their
//! plan command sends, and every release before 1.3.6 a job file's own
//! `vault_token`) and `ConsulToken` (0.10.4 to 1.9.x, a job file's
//! `consul_token`).
//!
//! Nomad itself called printing the token a bug and filtered it from the
//! diff (hashicorp/nomad#14424, "cli: Ignore Vault token when generating
//! job diff", 1.3.6: nomad/structs/diff.go's filter list). nomad-preflight
//! runs in pre-commit hooks and CI gates, whose logs others read (a public
//! repository's CI logs are public), and it never quotes back what it was
//! not meant to show (README, Limits). So the line stays, as Nomad prints
//! it, with its value masked: the change and its annotations, and so the
//! plan's verdict and exit code, are Nomad's; the token is not.

use super::JobDiff;

/// What a token's value is printed as.
pub const MASK: &str = "<masked>";

/// The job's fields whose values are secrets.
const SECRET: &[&str] = &["VaultToken", "ConsulToken"];

/// Mask the values of `diff`'s secret fields (after the diff was computed
/// from the real values, so an edited token is still an edit); the names
/// of the fields masked.
pub(super) fn mask(diff: &mut JobDiff) -> Vec<&'static str> {
    let mut masked = Vec::new();
    for f in &mut diff.fields {
        let Some(name) = SECRET.iter().find(|s| **s == f.name) else {
            continue;
        };
        let mut any = false;
        for v in [&mut f.old, &mut f.new] {
            if !v.is_empty() {
                *v = MASK.to_string();
                any = true;
            }
        }
        if any && !masked.contains(name) {
            masked.push(*name);
        }
    }
    masked
}

/// The one line saying why, when a value was masked.
pub fn note(masked: &[&str]) -> Option<String> {
    let first = masked.first()?;
    Some(format!(
        "the plan's {} value is shown as \"{MASK}\": Nomad prints the token (it stopped at 1.3.6, hashicorp/nomad#14424), and a plan's output goes to hook and CI logs others read; the change and the plan's verdict are Nomad's",
        if masked.len() == 1 {
            (*first).to_string()
        } else {
            masked.join(" and ")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{DiffType, FieldDiff};

    fn field(name: &str, old: &str, new: &str, ty: DiffType) -> FieldDiff {
        FieldDiff {
            ty,
            name: name.into(),
            old: old.into(),
            new: new.into(),
            annotations: Vec::new(),
        }
    }

    #[test]
    fn tokens_are_masked_and_other_fields_kept() {
        let mut d = JobDiff {
            ty: DiffType::Edited,
            id: "j".into(),
            fields: vec![
                field("Priority", "50", "60", DiffType::Edited),
                field("VaultToken", "", "s.x", DiffType::Added),
                field("ConsulToken", "a", "b", DiffType::Edited),
            ],
            objects: Vec::new(),
            task_groups: Vec::new(),
            version: crate::version::NomadVersion::new(1, 3, 4),
            unmodelled: Vec::new(),
            masked: Vec::new(),
            order_notes: Vec::new(),
        };
        assert_eq!(mask(&mut d), vec!["VaultToken", "ConsulToken"]);
        assert_eq!(
            (d.fields[0].old.as_str(), d.fields[0].new.as_str()),
            ("50", "60")
        );
        assert_eq!(
            (d.fields[1].old.as_str(), d.fields[1].new.as_str()),
            ("", MASK)
        );
        assert_eq!(d.fields[1].ty, DiffType::Added);
        assert_eq!(
            (d.fields[2].old.as_str(), d.fields[2].new.as_str()),
            (MASK, MASK)
        );
        assert_eq!(d.fields[2].ty, DiffType::Edited);
    }
}
