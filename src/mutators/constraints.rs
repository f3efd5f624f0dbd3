//! `jobImpliedConstraints` (nomad/job_endpoint_hooks.go; before 0.10
//! `setImplicitConstraints` in job_endpoint.go): constraints a job's
//! blocks imply, added to the group unless one is already there (the whole
//! constraint for signals and Nomad service discovery, the same attribute
//! for the others, so a written constraint on it overrides), per version:
//!
//! - Vault (every version): `${attr.vault.version} >= 0.6.1` (`version`
//!   before 0.11, `semver` after);
//! - signals (every version): `${attr.os.signals}` set_contains the tasks'
//!   kill, template and Vault change signals;
//! - 1.3: Consul services `${attr.consul.version} >= 1.7.0` (`>= 1.8.0`
//!   from 1.7, on the task for a task's service), Nomad services
//!   `${attr.nomad.service_discovery} = true`; 1.5: Nomad service checks
//!   `${attr.nomad.version} >= 1.4.0`;
//! - 1.8: bridge networking (the five CNI plugins `>= 0.4.0`) and a
//!   transparent proxy (`consul-cni >= 1.4.2`, `${attr.nomad.version} >=
//!   1.8.0-dev`).
//!
//! Not modelled yet: NUMA (1.7), task schedules (1.8), secrets providers
//! (1.11) and non-default Consul/Vault clusters (Enterprise).

use crate::jobspec::{Constraint, Job, Service, TaskGroup};
use crate::version::NomadVersion;

fn c(l: &str, op: &str, r: &str) -> Constraint {
    Constraint {
        ltarget: l.into(),
        operand: op.into(),
        rtarget: r.into(),
        ..Constraint::default()
    }
}

/// `constraintMatcherFull`: add unless an equal one is there.
fn add_full(list: &mut Vec<Constraint>, k: Constraint) {
    if !list.contains(&k) {
        list.push(k);
    }
}

/// `constraintMatcherLeft`: add unless one on the same attribute is there.
fn add_left(list: &mut Vec<Constraint>, k: Constraint) {
    if !list.iter().any(|x| x.ltarget == k.ltarget) {
        list.push(k);
    }
}

fn is_consul(s: &Service) -> bool {
    s.provider.is_empty() || s.provider == "consul"
}

/// The signals the group's tasks need (`Job.RequiredSignals`), sorted.
fn signals(g: &TaskGroup) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in &g.tasks {
        if let Some(v) = &t.vault {
            if v.change_mode == "signal" {
                out.push(v.change_signal.clone());
            }
        }
        if !t.kill_signal.is_empty() {
            out.push(t.kill_signal.clone());
        }
        for tp in &t.templates {
            if tp.change_mode == "signal" {
                out.push(tp.change_signal.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

pub(super) fn mutate(job: &mut Job, v: NomadVersion) {
    let semver = if v.at_least(0, 11, 0) {
        "semver"
    } else {
        "version"
    };
    let consul_min = if v.at_least(1, 7, 0) {
        ">= 1.8.0"
    } else {
        ">= 1.7.0"
    };
    for g in &mut job.groups {
        let mut list = std::mem::take(&mut g.constraints);
        if g.tasks.iter().any(|t| t.vault.is_some()) {
            let k = c("${attr.vault.version}", semver, ">= 0.6.1");
            // Before 1.3 the Vault constraint matched in full.
            if v.at_least(1, 3, 0) {
                add_left(&mut list, k);
            } else {
                add_full(&mut list, k);
            }
        }
        let sigs = signals(g);
        if !sigs.is_empty() {
            add_full(
                &mut list,
                c("${attr.os.signals}", "set_contains", &sigs.join(",")),
            );
        }
        if v.at_least(1, 3, 0) {
            let all = || {
                g.services
                    .iter()
                    .chain(g.tasks.iter().flat_map(|t| t.services.iter()))
            };
            if all().any(|s| s.provider == "nomad") {
                add_full(&mut list, c("${attr.nomad.service_discovery}", "=", "true"));
            }
            if v.at_least(1, 5, 0) && all().any(|s| s.provider == "nomad" && !s.checks.is_empty()) {
                add_full(&mut list, c("${attr.nomad.version}", "semver", ">= 1.4.0"));
            }
            let consul = c("${attr.consul.version}", "semver", consul_min);
            if v.at_least(1, 7, 0) {
                // Group services constrain the group, task services their task.
                if g.services.iter().any(is_consul) {
                    add_left(&mut list, consul.clone());
                }
                for t in &mut g.tasks {
                    if t.services.iter().any(is_consul) {
                        add_left(&mut t.constraints, consul.clone());
                    }
                }
            } else if all().any(is_consul) {
                add_left(&mut list, consul);
            }
        }
        if v.at_least(1, 8, 0) {
            if g.networks.iter().any(|n| n.mode == "bridge") {
                for plugin in ["bridge", "firewall", "host-local", "loopback", "portmap"] {
                    add_left(
                        &mut list,
                        c(
                            &format!("${{attr.plugins.cni.version.{plugin}}}"),
                            "semver",
                            ">= 0.4.0",
                        ),
                    );
                }
            }
            let tproxy = g.services.iter().any(|s| {
                s.connect
                    .as_ref()
                    .and_then(|c| c.sidecar_service.as_ref())
                    .and_then(|ss| ss.proxy.as_ref())
                    .is_some_and(|p| p.transparent_proxy.is_some())
            });
            if tproxy {
                add_left(
                    &mut list,
                    c(
                        "${attr.plugins.cni.version.consul-cni}",
                        "semver",
                        ">= 1.4.2",
                    ),
                );
                add_left(
                    &mut list,
                    c("${attr.nomad.version}", "semver", ">= 1.8.0-dev"),
                );
            }
        }
        g.constraints = list;
    }
}
