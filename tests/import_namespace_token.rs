//! A namespace list saved with a limited ACL token can lack namespaces:
//! Nomad's `/v1/namespaces` lists only the namespaces the request's token
//! may use (nomad/namespace_endpoint.go v2.0.5:441-475 ListNamespaces,
//! `aclObj.AllowNamespace`; v1.6.0:240-271 the same, every namespace when
//! ACLs are off). So a job in a namespace namespaces.json does not list
//! is "cannot tell" unless the import says the list is whole:
//! agent-self.json's `config.ACL.Enabled` false, or acl-token-self.json
//! (`/v1/acl/token/self`) of `Type` "management" (acl/acl.go
//! ManagementACL allows every namespace). Then Nomad's refusal of a
//! nonexistent namespace is the answer.

use crate::common;
use crate::import_field_types::{edit, import};

use common::{flat, run_in, TempDir};
use serde_json::json;

const HIDDEN: &str = "job \"probe\" {\n  datacenters = [\"dc1\"]\n  namespace   = \"hidden\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

const NONEXISTENT: &str = "job \"probe\" is in nonexistent namespace \"hidden\"";

fn plan(d: &TempDir) -> common::Out {
    d.put("hidden.nomad", HIDDEN);
    run_in(&d.0, &["plan", "--world", "imp", "hidden.nomad"])
}

fn assert_cannot_tell(d: &TempDir) {
    let o = plan(d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let err = flat(&o.stderr);
    assert!(
        err.contains("cannot tell whether Nomad accepts job \"probe\": namespaces.json lists only the namespaces its token could see"),
        "{err}"
    );
    assert!(!err.contains(NONEXISTENT), "{err}");
    let j = run_in(
        &d.0,
        &["plan", "--world", "imp", "hidden.nomad", "--format", "json"],
    );
    assert!(j.stdout.contains("\"TokenScoped\""), "{}", j.stdout);
}

#[test]
fn a_list_not_known_to_be_whole_cannot_deny_a_namespace() {
    // The fixture's agent-self.json does not state ACLs, and no token
    // was saved.
    let d = import("ns-token-unsaid");
    assert_cannot_tell(&d);
    // ACLs on, a client token: its policies decide what it saw.
    let d = import("ns-token-client");
    edit(&d, "agent-self.json", |v| {
        v["config"]["ACL"] = json!({"Enabled": true})
    });
    d.put(
        "imp/acl-token-self.json",
        r#"{"AccessorID": "a", "Type": "client", "Policies": ["ops"]}"#,
    );
    assert_cannot_tell(&d);
}

/// Guard (passes on the baseline too): where the list is whole, Nomad's
/// refusal stays the answer.
#[test]
fn a_whole_list_still_gives_nomads_refusal() {
    let off = import("ns-token-acl-off");
    edit(&off, "agent-self.json", |v| {
        v["config"]["ACL"] = json!({"Enabled": false})
    });
    let management = import("ns-token-management");
    edit(&management, "agent-self.json", |v| {
        v["config"]["ACL"] = json!({"Enabled": true})
    });
    management.put(
        "imp/acl-token-self.json",
        r#"{"AccessorID": "a", "Type": "management", "Policies": null}"#,
    );
    for d in [off, management] {
        let o = plan(&d);
        assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
        assert!(flat(&o.stderr).contains(NONEXISTENT), "{}", o.stderr);
    }
}

/// acl-token-self.json as `nomad operator api /v1/acl/token/self` saves
/// an error answer: the agent's plain text, exit 0. Each refused the whole
/// import as invalid JSON (rv-b). "ACL token not found" (no token behind
/// the request: command/agent/acl_endpoint.go v2.0.5:288-290) is not a
/// management token, so the list may be partial; "ACL support disabled"
/// (nomad/acl_endpoint.go `aclDisabled`, v1.10.0:1063-1064) says every
/// namespace was listed; any other text stays an error.
#[test]
fn a_token_answer_saved_as_text_is_read_as_nomad_meant_it() {
    let d = import("ns-token-not-found");
    d.put("imp/acl-token-self.json", "ACL token not found");
    assert_cannot_tell(&d);

    let d = import("ns-token-acl-disabled");
    d.put("imp/acl-token-self.json", "ACL support disabled\n");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(flat(&o.stderr).contains(NONEXISTENT), "{}", o.stderr);
    assert!(!o.stderr.contains("import::json"), "{}", o.stderr);

    let d = import("ns-token-other-text");
    d.put("imp/acl-token-self.json", "Permission denied");
    let o = plan(&d);
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("invalid JSON"), "{}", o.stderr);
}
