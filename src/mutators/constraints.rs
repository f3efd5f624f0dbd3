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
//! - 1.7: NUMA (a task's `numa` affinity other than `none`):
//!   `${attr.nomad.version} semver >= 1.6.3-dev` and `${attr.kernel.name} =
//!   linux`; 1.7.x constrains the group for Consul task services only
//!   inside its loop over the group's services (so only when the group has
//!   one), 1.8 constrains the task;
//! - 1.8: bridge networking (the five CNI plugins `>= 0.4.0`), a
//!   transparent proxy (`consul-cni >= 1.4.2`, `${attr.nomad.version} >=
//!   1.8.0-dev`) and task schedules (`${attr.nomad.version} >=
//!   1.8.0-dev`);
//! - 1.11: secrets providers, `${attr.plugins.secrets.PROVIDER.version}
//!   is_set`, added to every group for the providers of every group (the
//!   hook ranges over the whole job's `Job.Secrets()` map in each group).
//!
//! Each group's constraints come in the hook's order: Vault, secrets,
//! NUMA, signals, Nomad service discovery and its checks, Consul, CNI,
//! transparent proxy, task schedule.
//!
//! From 1.7 a non-default Consul or Vault cluster (Enterprise) constrains
//! on that cluster's fingerprint (`${attr.consul.<cluster>.version}` at
//! semver `>= 1.8.0`, `${attr.vault.<cluster>.version}` at `>= 1.11.0`),
//! one constraint per cluster, Vault's in task name order.

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

/// `NUMA.Requested`: a `numa` block whose affinity is not `none` (the
/// canonical default).
fn requests_numa(t: &crate::jobspec::Task) -> bool {
    t.resources
        .numa
        .as_ref()
        .is_some_and(|n| !n.affinity.is_empty() && n.affinity != "none")
}

/// Every group's secrets providers (`Job.Secrets`), each once per group,
/// in job order.
fn secret_providers(job: &Job) -> Vec<String> {
    let mut out = Vec::new();
    for g in &job.groups {
        let mut mine: Vec<&str> = Vec::new();
        for s in g.tasks.iter().flat_map(|t| &t.secrets) {
            if !mine.contains(&s.provider.as_str()) {
                mine.push(&s.provider);
            }
        }
        out.extend(mine.into_iter().map(str::to_string));
    }
    out
}

/// `vaultConstraintFn` (1.7+): a non-default Vault cluster's own
/// fingerprint, at the version workload identities need
/// (job_endpoint_hooks.go:266-277@v1.7.0, :381-393@v2.0.5).
fn vault_constraint(cluster: &str) -> Constraint {
    if cluster.is_empty() || cluster == "default" {
        c("${attr.vault.version}", "semver", ">= 0.6.1")
    } else {
        c(
            &format!("${{attr.vault.{cluster}.version}}"),
            "semver",
            ">= 1.11.0",
        )
    }
}

/// `consulConstraintFn` (1.7+): a non-default Consul cluster's own
/// fingerprint (job_endpoint_hooks.go:284-293@v1.7.0, :408-420@v2.0.5).
fn consul_constraint(s: &Service, v: NomadVersion, min: &str) -> Constraint {
    if v.at_least(1, 7, 0) && !s.cluster.is_empty() && s.cluster != "default" {
        c(
            &format!("${{attr.consul.{}.version}}", s.cluster),
            "semver",
            ">= 1.8.0",
        )
    } else {
        c("${attr.consul.version}", "semver", min)
    }
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
    let secret_providers = secret_providers(job);
    for g in &mut job.groups {
        let mut list = std::mem::take(&mut g.constraints);
        if v.at_least(1, 7, 0) {
            // `vaultConstraintFn` per Vault task, in task name order.
            let mut vaults: Vec<(&str, &crate::jobspec::Vault)> = g
                .tasks
                .iter()
                .filter_map(|t| t.vault.as_ref().map(|vb| (t.name.as_str(), vb)))
                .collect();
            vaults.sort_by(|a, b| a.0.cmp(b.0));
            for (_, vb) in vaults {
                add_left(&mut list, vault_constraint(&vb.cluster));
            }
        } else if g.tasks.iter().any(|t| t.vault.is_some()) {
            let k = c("${attr.vault.version}", semver, ">= 0.6.1");
            // Before 1.3 the Vault constraint matched in full.
            if v.at_least(1, 3, 0) {
                add_left(&mut list, k);
            } else {
                add_full(&mut list, k);
            }
        }
        if v.at_least(1, 11, 0) {
            // Go ranges over `Job.Secrets()`, a map by group: with several
            // groups' providers the order is random; ours is the job's.
            for provider in &secret_providers {
                add_left(
                    &mut list,
                    c(
                        &format!("${{attr.plugins.secrets.{provider}.version}}"),
                        "is_set",
                        "",
                    ),
                );
            }
        }
        if v.at_least(1, 7, 0) && g.tasks.iter().any(requests_numa) {
            add_full(
                &mut list,
                c("${attr.nomad.version}", "semver", ">= 1.6.3-dev"),
            );
            add_full(&mut list, c("${attr.kernel.name}", "=", "linux"));
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
            let consul = |s: &Service| consul_constraint(s, v, consul_min);
            if v.at_least(1, 8, 0) {
                // Group services constrain the group, task services their task.
                for s in g.services.iter().filter(|s| is_consul(s)) {
                    add_left(&mut list, consul(s));
                }
                for t in &mut g.tasks {
                    let ks: Vec<Constraint> = t
                        .services
                        .iter()
                        .filter(|s| is_consul(s))
                        .map(consul)
                        .collect();
                    for k in ks {
                        add_left(&mut t.constraints, k);
                    }
                }
            } else if v.at_least(1, 7, 0) {
                // 1.7.x walks the task services inside its loop over the
                // group's services, and constrains the group for both.
                for gs in &g.services {
                    if is_consul(gs) {
                        add_left(&mut list, consul(gs));
                    }
                    for s in g
                        .tasks
                        .iter()
                        .flat_map(|t| &t.services)
                        .filter(|s| is_consul(s))
                    {
                        add_left(&mut list, consul(s));
                    }
                }
            } else if all().any(is_consul) {
                add_left(&mut list, c("${attr.consul.version}", "semver", consul_min));
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
            if g.tasks.iter().any(|t| t.schedule.is_some()) {
                add_left(
                    &mut list,
                    c("${attr.nomad.version}", "semver", ">= 1.8.0-dev"),
                );
            }
        }
        g.constraints = list;
    }
}
