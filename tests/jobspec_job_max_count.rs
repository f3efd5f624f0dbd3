//! From 1.11.0 the servers' validate hook (nomad/job_endpoint_hooks.go
//! jobValidate.Validate, its last check) refuses a job whose groups' counts
//! add up to more than `job_max_count` (50000 unless the servers set it:
//! structs.JobDefaultMaxCount, nomad/config.go DefaultConfig): `total count
//! was greater than configured job_max_count: %d > %d`. We passed it: a
//! false all-clear.

mod common;

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
