//! Stop 66's Left 3 (fix25a's): every affinity reading a client value a
//! hand-written pool does not state was "cannot tell" (NP225), even where
//! its weight cannot change the outcome. An affinity only scores
//! (scheduler/rank.go v1.10.5:905-1000 `NodeAffinityIterator`, after the
//! bin packing dropped the nodes without room), and the plan's text names
//! no node: the value decides nothing for a job reaching one client,
//! which is told now. Several placements (which compete for room),
//! preemption (the affinity may choose a node that evicts) and even one
//! placement (it decides where the next job of a change set lands, rv26-1)
//! stay unknown. (A system job has no affinity: Nomad refuses the block.)

use crate::common::TempDir;

fn project(tag: &str, clients: u32, extra: &str, job_type: &str, count: u32) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  count = {clients}\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"docker\"]\n}}\n{extra}"),
    );
    let count = if job_type == "system" {
        String::new()
    } else {
        format!("    count = {count}\n")
    };
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  type = \"{job_type}\"\n  group \"g\" {{\n{count}    affinity {{\n      attribute = \"${{attr.os.version}}\"\n      value = \"22.04\"\n      weight = 50\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1.0\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    let o = d.run(&["plan", "job.nomad"]);
    let t = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), t(&o.stdout), t(&o.stderr))
}

fn told(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("All tasks successfully allocated"), "{out}");
    assert!(!err.contains("os.version"), "{err}");
}

fn unknown(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        err.contains("reads ${attr.os.version} (an affinity `=`"),
        "{err}"
    );
}

/// Guard against rv26-1 (a count-1 job was told, and the next staged job
/// then planned on room the affinity may have taken): unknown on the
/// baseline too.
#[test]
fn one_placement_stays_unknown_as_it_decides_where_the_next_job_lands() {
    unknown(&project("aff-one", 3, "", "service", 1));
}

#[test]
fn one_client_is_no_choice() {
    told(&project("aff-one-client", 1, "", "service", 3));
}

/// Guard (unknown on the baseline too): several placements compete for
/// room, and a job that can preempt may be sent where it evicts.
#[test]
fn several_placements_or_preemption_stay_unknown() {
    unknown(&project("aff-two", 3, "", "service", 2));
    let preempt = "scheduler {\n  preemption {\n    service = true\n  }\n}\n";
    unknown(&project("aff-preempt", 3, preempt, "service", 1));
}
