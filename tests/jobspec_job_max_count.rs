//! From 1.11.0 the servers' validate hook (nomad/job_endpoint_hooks.go
//! jobValidate.Validate, its last check) refuses a job whose groups' counts
//! add up to more than `job_max_count` (50000 unless the servers set it:
//! structs.JobDefaultMaxCount, nomad/config.go DefaultConfig): `total count
//! was greater than configured job_max_count: %d > %d`. We passed it: a
//! false all-clear.

use crate::common;

fn job(counts: &[i64]) -> String {
    let mut groups = String::new();
    for (i, c) in counts.iter().enumerate() {
        groups.push_str(&format!("  group \"g{i}\" {{\n    count = {c}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n"));
    }
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n{groups}}}\n")
}

fn validate(name: &str, text: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("max-count-{name}-{v}"), "validate", text, v)
}

#[test]
fn the_groups_counts_together_may_not_exceed_job_max_count_from_1_11() {
    let text = job(&[30_000, 20_001]);
    for v in ["1.11.0", "2.0.5"] {
        let (code, err) = validate("over", &text, v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Job validation errors:\n1 error occurred:\n\t* total count was greater than configured job_max_count: 50001 > 50000\n\n"),
            "{v}: {err}"
        );
    }
    let (code, err) = validate("over", &text, "1.10.5");
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = validate("at", &job(&[30_000, 20_000]), "2.0.5");
    assert_eq!(code, Some(0), "{err}");
}

/// jobValidate's identity errors come from its loop over the groups, the
/// job_max_count check after it (job_endpoint_hooks.go at v1.11.0 and
/// v2.0.5): a Vault task without its cluster's identity is listed before
/// the count. We listed the count first.
#[test]
fn job_max_count_follows_the_identity_errors() {
    let dir = common::TempDir::new("max-count-identity");
    dir.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.11.0\"\nedition = \"enterprise\"\nserver {\n  vault {\n    enabled = true\n  }\n  vault {\n    name    = \"other\"\n    enabled = true\n  }\n}\nregion = \"global\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"exec\"]\n}\n",
    );
    let text = job(&[30_000, 20_001]).replace(
        "        command = \"/bin/true\"\n      }\n",
        "        command = \"/bin/true\"\n      }\n      vault {\n        cluster = \"other\"\n      }\n",
    );
    dir.put("j.nomad", &text);
    let identity = |t: &str| {
        format!("Task {t} uses Vault cluster other but does not have an identity named vault_other and no default identity is provided in agent configuration")
    };
    let count = "total count was greater than configured job_max_count: 50001 > 50000";
    let want = format!(
        "Job validation errors:\n3 errors occurred:\n\t* {}\n\t* {}\n\t* {count}\n\n",
        identity("t"),
        identity("t")
    );
    let o = common::run_in(&dir.0, &["validate", "--no-color", "j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(&want), "{}\nwant:\n{want}", o.stderr);
}
