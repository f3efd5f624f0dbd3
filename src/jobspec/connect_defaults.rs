//! Canonicalisation of Connect blocks as the API does it before the server
//! sees the job (`api/consul.go`, `SidecarTask.Canonicalize`, from 0.12):
//! a written `sidecar_task` gets default resources, logs, kill timeout and
//! shutdown delay, which the diff then shows and the admission mutator
//! merges into the injected task; a gateway's proxy and listeners get
//! their defaults (0.12.4+).

use super::defaults;
use super::model::{ConsulGateway, Duration, Job, Service, SidecarTask};
use crate::version::NomadVersion;

pub fn apply(job: &mut Job, v: NomadVersion) {
    if !v.at_least(0, 12, 0) {
        return;
    }
    for g in &mut job.groups {
        let task_services = g.tasks.iter_mut().flat_map(|t| t.services.iter_mut());
        for s in g.services.iter_mut().chain(task_services) {
            service(s, v);
        }
    }
}

fn service(s: &mut Service, v: NomadVersion) {
    if let Some(st) = s.connect.as_mut().and_then(|c| c.sidecar_task.as_mut()) {
        sidecar_task(st);
    }
    if let Some(g) = s.connect.as_mut().and_then(|c| c.gateway.as_mut()) {
        if v.at_least(0, 12, 4) {
            gateway(g);
        }
    }
}

/// `ConsulGateway.Canonicalize` (api, 0.12.4+): a written proxy gets a 5 s
/// connect timeout, a listener the `tcp` protocol.
fn gateway(g: &mut ConsulGateway) {
    if let Some(p) = g.proxy.as_mut() {
        p.connect_timeout.get_or_insert(Duration::secs(5));
    }
    for l in g.ingress.iter_mut().flat_map(|i| i.listeners.iter_mut()) {
        if l.protocol.is_empty() {
            l.protocol = "tcp".into();
        }
    }
}

fn sidecar_task(st: &mut SidecarTask) {
    let mut r = st.resources.take().unwrap_or_default();
    defaults::resources(&mut r);
    st.resources = Some(r);
    let mut l = st.log_config.take().unwrap_or_default();
    defaults::log_config(&mut l);
    st.log_config = Some(l);
    st.kill_timeout.get_or_insert(Duration::secs(5));
    st.shutdown_delay.get_or_insert(Duration(0));
}
