//! Before 0.12 the HCL1 parser checks no key of a network `port` block
//! (parsePorts, jobspec/parse.go at 0.9.3, parse_network.go at 0.10.0 to
//! 0.11.8) and mapstructure fills only api.Port's fields: `to` from 0.10,
//! no `host_network` before 0.12. Any other key is accepted and dropped.
//! We refused them (`Unsupported argument or block "bogus" in port`, and
//! `host_network` as a feature of 0.12): a false refusal.
//!
//! What Nomad reads, from jobspec.ParseFile built from 0.9.3, 0.10.9,
//! 0.11.8 and 0.12.12 (tests/hcl-oracle, ORACLE_JSON=1): 0.9.3 reserves
//! `{"Label":"http","Value":8080}`, 0.11.8 `{"Label":"http","Value":8080,
//! "To":80}`; 0.12.12 refuses the file (`network, ports -> invalid key:
//! bogus`).

use crate::common;

use common::TempDir;

const JOB: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        network {\n          port \"http\" {\n            static = 8080\n            to = 80\n            host_network = \"public\"\n            bogus = 1\n          }\n        }\n      }\n    }\n  }\n}\n";

fn validate(v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("hcl1-port-keys-{v}"));
    d.put("j.nomad", JOB);
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    let text =
        String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
    (o.status.code().expect("exit code"), text)
}

#[test]
fn a_ports_unknown_keys_are_dropped_before_0_12() {
    for v in ["0.9.3", "0.10.9", "0.11.8"] {
        let (code, out) = validate(v);
        assert_eq!(code, 0, "{v}: {out}");
        assert!(!out.contains("bogus"), "{v}: {out}");
        assert!(!out.contains("host_network"), "{v}: {out}");
    }
    let (code, out) = validate("0.12.12");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bogus"), "{out}");
}

/// The plan holds what Nomad reads: no `to` before 0.10, no host network
/// before 0.12.
#[test]
fn a_port_reads_only_the_fields_its_release_has() {
    for (v, to) in [("0.9.3", false), ("0.11.8", true)] {
        let p = common::parse_job(JOB, v.parse().expect("version"));
        let job = p.job.as_ref().expect("job");
        let port = &job.groups[0].tasks[0].resources.networks[0].reserved_ports[0];
        assert_eq!(port.value, 8080, "{v}");
        assert_eq!(port.to, if to { 80 } else { 0 }, "{v}");
        assert_eq!(port.host_network, "", "{v}");
    }
}
