//! Assumptions a plan rests on are said, never silent (redteam4 F12, F13;
//! issue 13): Enterprise's Sentinel policies (nomad/job_endpoint.go
//! `enforceSubmitJob`, run by Job.Plan after admission), and the Consul,
//! Vault and CNI attributes a hand-written client pool gets without
//! stating them, which Nomad's implied constraints read
//! (nomad/job_endpoint_hooks.go jobImpliedConstraints). One `note:` line
//! each, `Preflight.Assumed` in JSON; stating them silences the note, and
//! `sentinel = "policies"` is "cannot tell".

use crate::common;

use common::TempDir;

fn world(tag: &str, top: &str, attributes: &str, job_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"2.0.5\"\nregion = \"global\"\n{top}\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4096\n  drivers    = [\"docker\"]\n{attributes}}}\n"
        ),
    );
    d.put(
        "jobs/web.nomad",
        &format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{job_body}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SERVICE: &str = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
const BRIDGE: &str = "    network {\n      mode = \"bridge\"\n    }\n";

const CONSUL_NOTE: &str = "note: planned as if every hand-written client reaches Consul and Vault and has the CNI plugins: the job's placement reads ${attr.consul.version}, which a client reports only when it does (state them in each `client` block's `attributes`, `\"consul.version\" = \"\"` for none)\n";

#[test]
fn a_consul_service_on_hand_written_clients_says_consul_is_assumed() {
    let d = world("an-consul", "edition = \"community\"\n", "", SERVICE);
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    assert!(
        text(&o.stderr).ends_with(CONSUL_NOTE),
        "{}",
        text(&o.stderr)
    );
    let o = d.run(&["plan", "--format", "json", "jobs/web.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    // The servers' identities (no `server` block) come first, as on stderr.
    assert_eq!(v["Preflight"]["Assumed"][0]["Setting"], "server_identities");
    assert_eq!(
        v["Preflight"]["Assumed"][1]["Setting"],
        "client_fingerprints"
    );
    // Bridge networking (1.8+) reads the CNI plugins.
    let d = world("an-bridge", "edition = \"community\"\n", "", BRIDGE);
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert!(
        text(&o.stderr).contains("the job's placement reads ${attr.plugins.cni.version.bridge}, ${attr.plugins.cni.version.firewall}, ${attr.plugins.cni.version.host-local}, ${attr.plugins.cni.version.loopback}, ${attr.plugins.cni.version.portmap}, which"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn stated_attributes_and_jobs_that_read_none_have_no_note() {
    // The pool states its Consul: nothing assumed.
    // (An empty `server` block states the servers' identities: unset.)
    let d = world(
        "an-stated",
        "edition = \"community\"\nserver {\n}\n",
        "  attributes = { \"consul.version\" = \"1.21.0\" }\n",
        SERVICE,
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(text(&o.stderr), "");
    // No Consul, Vault or bridge: nothing read.
    let d = world("an-plain", "edition = \"community\"\n", "", "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(text(&o.stderr), "");
    // A stated absence: Nomad's constraint fails, as it does on the cluster.
    let d = world(
        "an-none",
        "edition = \"community\"\n",
        "  attributes = { \"consul.version\" = \"\" }\n",
        SERVICE,
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert!(text(&o.stdout).contains("WARNING: Failed to place all allocations."));
    assert!(
        !text(&o.stderr).contains("reaches Consul"),
        "{}",
        text(&o.stderr)
    );
}

const SENTINEL_NOTE: &str = "note: planned as if no Sentinel policy applies: Nomad Enterprise 2.0.5 checks the job against its submit-job Sentinel policies before planning, which nomad-preflight cannot evaluate (state `sentinel = \"none\"` in rules/cluster.hcl when `nomad sentinel list` shows none, `\"policies\"` when it shows some)\n";

#[test]
fn an_enterprise_world_says_sentinel_is_assumed_absent_unless_stated() {
    let d = world("an-ent", "edition = \"enterprise\"\n", "", "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), SENTINEL_NOTE);
    let o = d.run(&["plan", "--format", "json", "jobs/web.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Assumed"][0]["Setting"], "sentinel");
    // Stated none: no note. The community build enforces nothing.
    for top in [
        "edition = \"enterprise\"\nsentinel = \"none\"\n",
        "edition = \"community\"\n",
    ] {
        let d = world("an-none2", top, "", "");
        let o = d.run(&["plan", "jobs/web.nomad"]);
        assert_eq!(text(&o.stderr), "", "{top}");
    }
}

#[test]
fn stated_sentinel_policies_cannot_tell() {
    let d = world(
        "an-pol",
        "edition = \"enterprise\"\nsentinel = \"policies\"\n",
        "",
        "",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    assert_eq!(text(&o.stdout), "");
    assert_eq!(
        text(&o.stderr),
        "error: cannot tell what Nomad Enterprise 2.0.5 answers: its servers hold Sentinel policies (`sentinel = \"policies\"` in rules/cluster.hcl), which it enforces before planning and nomad-preflight cannot evaluate; judge the job on the cluster (`nomad job plan`)\n"
    );
    let o = d.run(&["plan", "--format", "json", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Sentinel"]["Policies"], true);
    let d = world("an-bad", "sentinel = \"maybe\"\n", "", "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert!(
        text(&o.stderr).contains("sentinel \"maybe\" is neither \"none\" nor \"policies\""),
        "{}",
        text(&o.stderr)
    );
}
