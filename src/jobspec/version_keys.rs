//! Which job file keys each Nomad release's parser knows, beyond what
//! 0.9.3 knew: the table [`super::version_gates`] refuses keys by.
//!
//! Read from Nomad's source at every release tag:
//! - before 1.0, HCL1's `valid` key lists (`jobspec/parse*.go`, checked
//!   with `helper.CheckHCLKeys`), 0.9.3 to 0.12.12 (re-read at all 37 tags
//!   by tests/jobspec_version_keys_hcl1.rs);
//! - from 1.0, the `hcl:"..."` tags of the `api` structs jobspec2 decodes
//!   into (api/jobs.go, api/tasks.go, api/resources.go, api/services.go,
//!   api/consul.go, api/task_sched.go), 1.0.0 to 2.0.5.
//!
//! Some keys were backported to patch releases of older lines (a CSI
//! plugin's `health_timeout` is in 1.1.15 and 1.2.9 but not 1.2.0), so a
//! key's availability is one first release per release line.
//!
//! The blocks already gated by the job model before 0.10 (a group's
//! `network` and `service`, a service's `connect`) are not repeated here.

use crate::version::NomadVersion;

/// Attribute (`key = ...`) or block (`key { ... }`): HCL2 words its error
/// differently for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Attr,
    Block,
}

/// One key some releases lack.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The enclosing blocks, innermost last (a suffix of the key's path:
    /// `["sidecar_service", "proxy"]` is a sidecar's proxy, not a gateway's).
    pub parent: &'static [&'static str],
    pub key: &'static str,
    pub kind: Kind,
    /// First release of each release line that has the key, oldest first;
    /// the last one holds for every later line.
    pub since: &'static [NomadVersion],
    /// First release whose parser no longer knows it.
    pub until: Option<NomadVersion>,
    /// What it is, for our own message.
    pub feature: &'static str,
}

impl Key {
    /// Does the parser of `v` know this key?
    pub fn known(&self, v: NomadVersion) -> bool {
        if self.until.is_some_and(|u| v >= u) {
            return false;
        }
        v.has_since(self.since)
    }

    /// The first release that has it (for messages).
    pub fn first(&self) -> NomadVersion {
        self.since[0]
    }

    /// The release to name in a message for `v`: the first of `v`'s line
    /// that has it, else the first of a later line.
    pub fn needed(&self, v: NomadVersion) -> NomadVersion {
        self.since
            .iter()
            .copied()
            .find(|s| (s.major, s.minor) >= (v.major, v.minor))
            .unwrap_or_else(|| self.first())
    }

    /// Does a key at `path` (enclosing blocks, outermost first) match?
    pub fn at(&self, path: &[&str], key: &str) -> bool {
        key == self.key && path.ends_with(self.parent)
    }
}

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

macro_rules! keys {
    ($( [$($p:literal),*] $key:literal $kind:ident $feature:literal since $s:tt $(until $u:expr)? ;)*) => {
        &[$(Key {
            parent: &[$($p),*],
            key: $key,
            kind: Kind::$kind,
            since: keys!(@since $s),
            until: keys!(@until $($u)?),
            feature: $feature,
        }),*]
    };
    (@since [$($s:expr),+]) => { &[$($s),+] };
    // A backport's lines, from crate::version::backports.
    (@since ($fix:expr)) => { $fix.since() };
    (@until) => { None };
    (@until $u:expr) => { Some($u) };
}

/// Every gated key, by release.
pub const KEYS: &[Key] = keys! {
    // HCL1 (jobspec/parse*.go valid lists).
    ["group"] "volume" Block "a group volume" since [v(0, 10, 0)];
    ["task"] "volume_mount" Block "a task's volume_mount" since [v(0, 10, 0)];
    ["volume_mount"] "propagation_mode" Attr "a volume mount's propagation_mode" since [v(0, 10, 2)];
    ["sidecar_service"] "tags" Attr "a sidecar service's tags" since [v(0, 10, 2)];
    ["group"] "shutdown_delay" Attr "a group's shutdown_delay" since [v(0, 10, 4)];
    ["job"] "consul_token" Attr "the job's consul_token" since [v(0, 10, 4)] until v(1, 10, 0);
    ["service"] "canary_meta" Block "a service's canary_meta" since [v(0, 10, 4)];
    ["group"] "scaling" Block "a group's scaling policy" since [v(0, 11, 0)];
    ["task"] "lifecycle" Block "a task's lifecycle" since [v(0, 11, 0)];
    ["task"] "csi_plugin" Block "a task's csi_plugin" since [v(0, 11, 0)];
    ["task"] "restart" Block "a task's own restart policy" since [v(0, 11, 0)];
    ["check"] "expose" Attr "a check's expose" since [v(0, 11, 0)];
    ["sidecar_service", "proxy"] "expose" Block "a proxy's expose" since [v(0, 11, 0)];
    ["service"] "enable_tag_override" Attr "a service's enable_tag_override" since [v(0, 11, 0)];
    ["group"] "stop_after_client_disconnect" Attr "a group's stop_after_client_disconnect" since [v(0, 11, 2)];
    ["job"] "multiregion" Block "the job's multiregion" since [v(0, 12, 0)];
    ["network"] "dns" Block "a network's dns" since [v(0, 12, 0)];
    ["port"] "host_network" Attr "a port's host_network" since [v(0, 12, 0)];
    ["service"] "task" Attr "a group service's task" since [v(0, 12, 0)];
    ["vault"] "namespace" Attr "a vault block's namespace" since [v(0, 12, 2)];
    ["check"] "success_before_passing" Attr "a check's success_before_passing" since [v(0, 12, 2)];
    ["check"] "failures_before_critical" Attr "a check's failures_before_critical" since [v(0, 12, 2)];
    ["connect"] "gateway" Block "a Connect gateway" since [v(0, 12, 4)];
    ["job"] "vault_token" Attr "the job's vault_token" since [v(0, 9, 0)] until v(1, 10, 0);
    ["task"] "kind" Attr "a task's kind" since [v(0, 10, 0)];
    ["constraint"] "semver" Attr "a constraint's semver" since [v(0, 10, 2)];
    ["affinity"] "semver" Attr "an affinity's semver" since [v(0, 10, 2)];
    ["resources", "network"] "mode" Attr "a task network's mode" since [v(0, 10, 0)];
    ["task", "service"] "meta" Block "a service's meta" since [v(0, 10, 0)];
    ["check"] "task" Attr "a check's task" since [v(0, 10, 0)];
    ["sidecar_task"] "name" Attr "a sidecar task's name" since [v(0, 11, 1)];
    ["group", "volume"] "mount_options" Block "a volume's mount_options" since [v(0, 11, 0)];
    // HCL1 read a device's `name` argument over its label (WeakDecode
    // after `r.Name = name`); from 1.0 the name is only the label.
    ["resources", "device"] "name" Attr "a device's name argument" since [v(0, 9, 0)] until v(1, 0, 0);
    // Removed with CSI volumes' arrival (api VolumeRequest, 0.11.0).
    ["group", "volume"] "hidden" Attr "a volume's hidden" since [v(0, 10, 0)] until v(0, 11, 0);
    // HCL2 (api struct hcl tags).
    ["group", "scaling"] "type" Attr "a group scaling policy's type" since [v(1, 0, 0)];
    ["task"] "scaling" Block "a task scaling policy" since [v(1, 0, 0)];
    ["artifact"] "headers" Block "an artifact's headers" since [v(1, 0, 0)];
    ["upstreams"] "datacenter" Attr "an upstream's datacenter" since [v(1, 0, 0)];
    ["service"] "id" Attr "a service's id" since [v(1, 0, 0)] until v(1, 3, 0);
    ["check"] "id" Attr "a check's id" since [v(1, 0, 0)] until v(1, 3, 0);
    ["network"] "device" Attr "a network's device" since [v(1, 0, 0)];
    ["network"] "cidr" Attr "a network's cidr" since [v(1, 0, 0)];
    ["network"] "ip" Attr "a network's ip" since [v(1, 0, 0)];
    ["network"] "reserved_ports" Block "a network's reserved_ports" since [v(1, 0, 0)];
    ["gateway"] "terminating" Block "a terminating gateway" since [v(1, 0, 4)];
    ["gateway", "proxy"] "envoy_dns_discovery_type" Attr "a gateway proxy's envoy_dns_discovery_type" since [v(0, 12, 4), v(1, 0, 4)];
    ["group"] "consul" Block "a group's consul block" since [v(1, 1, 0)];
    ["sidecar_service"] "disable_default_tcp_check" Attr "a sidecar service's disable_default_tcp_check" since [v(1, 1, 0)];
    ["upstreams"] "local_bind_address" Attr "an upstream's local_bind_address" since [v(1, 1, 0)];
    ["resources"] "cores" Attr "reserved cores" since [v(1, 1, 0)];
    ["resources"] "memory_max" Attr "memory oversubscription (memory_max)" since [v(1, 1, 0)];
    ["service"] "on_update" Attr "a service's on_update" since [v(1, 1, 0)];
    ["check"] "on_update" Attr "a check's on_update" since [v(1, 1, 0)];
    ["check"] "body" Attr "a check's body" since [v(1, 1, 0)];
    ["volume"] "access_mode" Attr "a volume's access_mode" since [v(1, 1, 0)];
    ["volume"] "attachment_mode" Attr "a volume's attachment_mode" since [v(1, 1, 0)];
    ["volume"] "per_alloc" Attr "a volume's per_alloc" since [v(1, 1, 0)];
    ["gateway"] "mesh" Block "a mesh gateway" since [v(1, 1, 1)];
    ["upstreams"] "mesh_gateway" Block "an upstream's mesh_gateway" since [v(1, 1, 1)];
    ["network"] "hostname" Attr "a network's hostname" since [v(1, 1, 5)];
    ["csi_plugin"] "health_timeout" Attr "a CSI plugin's health_timeout" since [v(1, 1, 15), v(1, 2, 9), v(1, 3, 2)];
    ["template"] "wait" Block "a template's wait" since [v(1, 2, 4)];
    ["upstreams"] "destination_namespace" Attr "an upstream's destination_namespace" since [v(1, 2, 9), v(1, 3, 2)];
    ["service"] "address" Attr "a service's address" since [v(1, 3, 0)];
    ["service"] "provider" Attr "a service's provider" since [v(1, 3, 0)];
    ["check"] "advertise" Attr "a check's advertise" since [v(1, 3, 0)];
    ["group"] "max_client_disconnect" Attr "a group's max_client_disconnect" since [v(1, 3, 0)];
    ["tls"] "cipher_suites" Attr "a gateway TLS's cipher_suites" since [v(1, 3, 2)];
    ["tls"] "tls_min_version" Attr "a gateway TLS's tls_min_version" since [v(1, 3, 2)];
    ["tls"] "tls_max_version" Attr "a gateway TLS's tls_max_version" since [v(1, 3, 2)];
    ["csi_plugin"] "stage_publish_base_dir" Attr "a CSI plugin's stage_publish_base_dir" since [v(1, 3, 3)];
    ["template"] "uid" Attr "a template's uid" since [v(1, 3, 3)];
    ["template"] "gid" Attr "a template's gid" since [v(1, 3, 3)];
    ["template"] "change_script" Block "a template's change_script" since [v(1, 3, 4)];
    ["service"] "tagged_addresses" Block "a service's tagged_addresses" since [v(1, 4, 0)];
    ["template"] "error_on_missing_key" Attr "a template's error_on_missing_key" since [v(1, 4, 3)];
    ["upstreams"] "config" Block "an upstream's config" since [v(1, 5, 0)];
    ["task"] "identity" Block "a task's workload identity" since [v(1, 5, 0)];
    ["sidecar_service"] "meta" Block "a sidecar service's meta" since [v(1, 5, 4)];
    ["logs"] "enabled" Attr "a logs block's enabled" since [v(1, 5, 4)];
    ["logs"] "disabled" Attr "a logs block's disabled" since [v(1, 5, 5)];
    ["job"] "node_pool" Attr "the job's node_pool" since [v(1, 6, 0)];
    ["multiregion", "region"] "node_pool" Attr "a multiregion region's node_pool" since [v(1, 6, 0)];
    ["check"] "tls_server_name" Attr "a check's tls_server_name" since [v(1, 6, 0)];
    ["vault"] "disable_file" Attr "a vault block's disable_file" since [v(1, 6, 0)];
    ["upstreams"] "destination_peer" Attr "an upstream's destination_peer" since [v(1, 6, 2)];
    ["upstreams"] "destination_type" Attr "an upstream's destination_type" since [v(1, 6, 2)];
    ["upstreams"] "local_bind_socket_path" Attr "an upstream's local_bind_socket_path" since [v(1, 6, 2)];
    ["upstreams"] "local_bind_socket_mode" Attr "an upstream's local_bind_socket_mode" since [v(1, 6, 2)];
    ["periodic"] "crons" Attr "periodic crons" since [v(1, 6, 2)];
    ["restart"] "render_templates" Attr "a restart policy's render_templates" since [v(1, 6, 2)];
    ["task"] "action" Block "a task action" since [v(1, 7, 0)];
    ["task"] "consul" Block "a task's consul block" since [v(1, 7, 0)];
    ["consul"] "cluster" Attr "a consul block's cluster" since [v(1, 7, 0)];
    ["resources"] "numa" Block "NUMA-aware scheduling (numa)" since [v(1, 7, 0)];
    ["service"] "identity" Block "a service's workload identity" since [v(1, 7, 0)];
    ["vault"] "cluster" Attr "a vault block's cluster" since [v(1, 7, 0)];
    ["vault"] "role" Attr "a vault block's role" since [v(1, 7, 0)];
    ["identity"] "name" Attr "a named workload identity" since [v(1, 7, 0)];
    ["identity"] "aud" Attr "a workload identity's aud" since [v(1, 7, 0)];
    ["identity"] "change_mode" Attr "a workload identity's change_mode" since [v(1, 7, 0)];
    ["identity"] "change_signal" Attr "a workload identity's change_signal" since [v(1, 7, 0)];
    ["identity"] "service_name" Attr "a workload identity's service_name" since [v(1, 7, 0)];
    ["identity"] "ttl" Attr "a workload identity's ttl" since [v(1, 7, 0)];
    ["group"] "prevent_reschedule_on_lost" Attr "a group's prevent_reschedule_on_lost" since [v(1, 7, 2)];
    ["consul"] "partition" Attr "a consul block's partition" since [v(1, 7, 3)];
    ["service"] "cluster" Attr "a service's cluster" since [v(1, 7, 3)];
    ["check"] "failures_before_warning" Attr "a check's failures_before_warning" since [v(1, 7, 3)];
    ["vault"] "allow_token_expiration" Attr "a vault block's allow_token_expiration" since [v(1, 7, 3)];
    ["tls"] "sds" Block "a gateway TLS's sds" since [v(1, 7, 7)];
    ["listener", "service"] "tls" Block "an ingress service's tls" since [v(1, 7, 7)];
    ["listener", "service"] "request_headers" Block "an ingress service's request_headers" since [v(1, 7, 7)];
    ["listener", "service"] "response_headers" Block "an ingress service's response_headers" since [v(1, 7, 7)];
    ["listener", "service"] "max_connections" Attr "an ingress service's max_connections" since [v(1, 7, 7)];
    ["listener", "service"] "max_pending_requests" Attr "an ingress service's max_pending_requests" since [v(1, 7, 7)];
    ["listener", "service"] "max_concurrent_requests" Attr "an ingress service's max_concurrent_requests" since [v(1, 7, 7)];
    ["upstreams"] "destination_partition" Attr "an upstream's destination_partition" since [v(1, 7, 7)];
    ["sidecar_service", "proxy"] "transparent_proxy" Block "a transparent proxy" since [v(1, 8, 0)];
    ["job"] "ui" Block "the job's ui block" since [v(1, 8, 0)];
    ["sidecar_task"] "volume_mount" Block "a sidecar task's volume_mount" since [v(1, 8, 0)];
    ["task"] "schedule" Block "a task schedule" since [v(1, 8, 0)];
    ["artifact"] "insecure" Attr "an artifact's insecure" since [v(1, 8, 0)];
    ["group"] "disconnect" Block "a group's disconnect block" since [v(1, 8, 0)];
    ["volume_mount"] "selinux_label" Attr "a volume mount's selinux_label" since [v(1, 8, 0)];
    ["check"] "notes" Attr "a check's notes" since [v(1, 8, 1)];
    ["network"] "cni" Block "a network's cni block" since (crate::version::Fix::CniArgs);
    ["resources"] "secrets" Attr "a task's secrets size" since [v(1, 8, 3)];
    ["numa"] "devices" Attr "NUMA devices" since [v(1, 9, 0)];
    ["port"] "ignore_collision" Attr "a port's ignore_collision" since [v(1, 9, 0)];
    ["reserved_ports"] "ignore_collision" Attr "a reserved port's ignore_collision" since [v(1, 9, 0)];
    ["identity"] "filepath" Attr "a workload identity's filepath" since [v(1, 9, 0)];
    ["service"] "weights" Block "a service's weights" since [v(1, 9, 2)];
    ["artifact"] "chown" Attr "an artifact's chown" since [v(1, 9, 2)];
    ["volume"] "sticky" Attr "a volume's sticky" since [v(1, 10, 0)];
    ["template"] "once" Attr "a template's once" since [v(1, 10, 2)];
    ["service"] "kind" Attr "a service's kind" since [v(1, 10, 3)];
    ["task"] "secret" Block "a task secret" since [v(1, 11, 0)];
    ["job"] "secret" Block "a job secret" since [v(1, 11, 0)];
    ["group"] "secret" Block "a group secret" since [v(1, 11, 0)];
    ["sidecar_task"] "identity" Block "a sidecar task's identity" since [v(1, 11, 1)];
    ["group"] "max_run_duration" Attr "a group's max_run_duration" since [v(2, 0, 3)];
    ["identity"] "extra_claims" Attr "a workload identity's extra_claims" since [v(2, 0, 3)];
    ["change_script"] "run_on_first_render" Attr "a change script's run_on_first_render" since [v(2, 0, 5)];
};

/// The gated key written at `path` (enclosing blocks, outermost first),
/// if any.
pub fn lookup(path: &[&str], key: &str) -> Option<&'static Key> {
    // By name first: every key of every load is looked up, and a scan of
    // the whole list for each was ~5% of a `check --staged`. The index is
    // sorted when the binary is compiled (a table hashed at the first
    // look-up was 1.3% of a `check --staged`, and SipHash per look-up
    // another 0.6%); each name's entries keep the list's order, so the
    // first match is the scan's.
    let names = match key.as_bytes().first() {
        // Most keys a file writes are in no release's gate list: a name
        // whose first byte and length no gated name has is answered here
        // (the search below was ~380 instructions a key, ~20% of the
        // version gates' walk of a `check --staged`).
        Some(&b) if LENGTHS[b as usize] >> key.len().min(63) & 1 == 0 => return None,
        Some(&b) => &BY_NAME[BY_FIRST[b as usize] as usize..BY_FIRST[b as usize + 1] as usize],
        None => &BY_NAME[..],
    };
    let at = names.partition_point(|&i| KEYS[i as usize].key < key);
    names[at..]
        .iter()
        .map(|&i| &KEYS[i as usize])
        .take_while(|k| k.key == key)
        .find(|k| k.at(path, key))
}

/// Indexes into [`KEYS`], sorted by key name, stable (a name's entries in
/// the list's order).
static BY_NAME: [u16; KEYS.len()] = SORTED;
const SORTED: [u16; KEYS.len()] = by_name();

/// Where each first byte's names start in [`BY_NAME`] (and, at the next
/// byte, end): a look-up compares a few names, not the whole list's log.
static BY_FIRST: [u16; 257] = by_first();

/// Per first byte, the lengths of the gated names starting with it, as
/// bits (63 for any longer): a name outside them is in no gate.
static LENGTHS: [u64; 256] = lengths();

const fn lengths() -> [u64; 256] {
    let mut out = [0u64; 256];
    let mut i = 0;
    while i < KEYS.len() {
        let name = KEYS[i].key.as_bytes();
        if !name.is_empty() {
            let len = if name.len() < 63 { name.len() } else { 63 };
            out[name[0] as usize] |= 1 << len;
        }
        i += 1;
    }
    out
}

const fn by_first() -> [u16; 257] {
    let mut out = [0u16; 257];
    let mut b = 0;
    while b < 256 {
        // Names sorted bytewise: those before byte `b + 1` come first.
        let mut n = out[b] as usize;
        while n < SORTED.len() {
            let name = KEYS[SORTED[n] as usize].key.as_bytes();
            if !name.is_empty() && name[0] as usize > b {
                break;
            }
            n += 1;
        }
        out[b + 1] = n as u16;
        b += 1;
    }
    out
}

const fn by_name() -> [u16; KEYS.len()] {
    let mut out = [0u16; KEYS.len()];
    let mut i = 0;
    while i < out.len() {
        // Insertion: shift every later name right, then place `i`; equal
        // names stay in list order.
        let mut j = i;
        while j > 0 && str_less(KEYS[i].key, KEYS[out[j - 1] as usize].key) {
            out[j] = out[j - 1];
            j -= 1;
        }
        out[j] = i as u16;
        i += 1;
    }
    out
}

/// `a < b` as `str`'s `Ord` (bytewise), usable in a constant.
const fn str_less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_follows_each_release_line() {
        let hto = lookup(&["job", "group", "task", "csi_plugin"], "health_timeout").unwrap();
        assert!(!hto.known(v(1, 1, 14)));
        assert!(hto.known(v(1, 1, 15)));
        assert!(!hto.known(v(1, 2, 0)), "1.2.0 predates the backport");
        assert!(hto.known(v(1, 2, 9)));
        assert!(!hto.known(v(1, 3, 0)));
        assert!(hto.known(v(1, 3, 2)));
        assert!(hto.known(v(2, 0, 5)));
        assert_eq!(hto.needed(v(1, 2, 3)), v(1, 2, 9));
        let scaling = lookup(&["job", "group"], "scaling").unwrap();
        assert!(!scaling.known(v(0, 10, 9)));
        assert!(scaling.known(v(0, 11, 0)));
        let token = lookup(&["job"], "vault_token").unwrap();
        assert!(token.known(v(1, 9, 0)));
        assert!(
            !token.known(v(1, 10, 0)),
            "removed from the api Job in 1.10"
        );
    }

    #[test]
    fn the_parent_path_decides() {
        assert!(lookup(
            &[
                "job",
                "group",
                "service",
                "connect",
                "sidecar_service",
                "proxy"
            ],
            "expose"
        )
        .is_some());
        assert!(lookup(
            &["job", "group", "service", "connect", "gateway", "proxy"],
            "expose"
        )
        .is_none());
        assert!(lookup(&["job", "group"], "numa").is_none());
    }

    /// Gateway keys the ingress service gained in 1.7.7 (api/consul.go
    /// ConsulIngressService): a group service of the same name is not one.
    #[test]
    fn ingress_service_keys_arrive_in_1_7_7() {
        let at = [
            "job", "group", "service", "connect", "gateway", "ingress", "listener", "service",
        ];
        for key in [
            "tls",
            "request_headers",
            "response_headers",
            "max_connections",
        ] {
            let k = lookup(&at, key).unwrap_or_else(|| panic!("{key} gated"));
            assert!(!k.known(v(1, 7, 6)), "{key}");
            assert!(k.known(v(1, 7, 7)), "{key}");
            assert!(k.known(v(2, 0, 5)), "{key}");
        }
        assert!(lookup(&["job", "group", "service"], "tls").is_none());
    }

    /// The sorted index answers as a scan of the whole list does, for
    /// every key at its own path and at paths it must not match.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let scan = |path: &[&str], key: &str| KEYS.iter().find(|k| k.at(path, key));
        assert!(BY_NAME.windows(2).all(|w| {
            let (a, b) = (&KEYS[w[0] as usize], &KEYS[w[1] as usize]);
            a.key < b.key || (a.key == b.key && w[0] < w[1])
        }));
        for k in KEYS {
            let mut path = vec!["job"];
            path.extend(k.parent);
            for p in [&path[..], &path[..1], &["job", "group", "task"][..]] {
                let (a, b) = (lookup(p, k.key), scan(p, k.key));
                let id = |k: Option<&Key>| k.map(|k| (k.parent, k.key, k.feature));
                assert_eq!(id(a), id(b), "{p:?} {}", k.key);
            }
        }
        assert!(lookup(&["job"], "").is_none());
        assert!(lookup(&["job"], "zzzz").is_none());
        assert!(lookup(&["job"], "\u{e9}t\u{e9}").is_none());
        assert!(lookup(&["job"], "volume_mountz").is_none());
        // Names the length table lets through to the search, and long ones.
        assert!(lookup(&["job"], "volumf").is_none());
        assert!(lookup(&["job"], &"v".repeat(70)).is_none());
        for k in KEYS {
            let mut long = k.key.to_string();
            long.push_str(&"x".repeat(64));
            assert!(lookup(&["job"], &long).is_none());
        }
    }

    #[test]
    fn every_key_has_ordered_release_lines() {
        for k in KEYS {
            assert!(
                k.since
                    .windows(2)
                    .all(|w| (w[0].major, w[0].minor) < (w[1].major, w[1].minor)),
                "{}",
                k.key
            );
        }
    }
}
