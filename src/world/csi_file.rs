//! CSI in a hand-written world: the plugins a client runs (a `csi_plugin`
//! block in its `client` block of `rules/cluster.hcl`) and the registered
//! volumes (`rules/csi_volumes.hcl`), the same values an import reads from
//! the API.
//!
//! ```hcl
//! client "storage" {
//!   # ...
//!   csi_plugin "aws-ebs0" {
//!     type                = "monolith" # node (default), controller or monolith
//!     healthy             = true       # default true
//!     max_volumes         = 25         # node part; default unlimited
//!     topology            = { "topology.ebs.csi.aws.com/zone" = "us-east-1a" }
//!     requires_controller = true       # controller part; default false
//!     controller_healthy  = true       # a monolith's controller; default `healthy`
//!   }
//! }
//! ```
//!
//! ```hcl
//! # rules/csi_volumes.hcl: Nomad's volume specification, plus its state.
//! csi_volume "pg-data" {
//!   namespace       = "default"            # default "default"
//!   name            = "pg-data"            # default: the ID
//!   plugin_id       = "aws-ebs0"
//!   access_mode     = "single-node-writer" # the claimed mode; "" until claimed
//!   attachment_mode = "file-system"
//!   capability {                           # requested capabilities (1.1+)
//!     access_mode     = "single-node-writer"
//!     attachment_mode = "file-system"
//!   }
//!   topology { segments = { rack = "R1" } } # Topologies, one block each
//!   schedulable        = true   # default: from the plugins' health
//!   resource_exhausted = false
//!   claim "a0000001-0000-4000-8000-000000000000" {
//!     mode      = "write"       # or "read"
//!     job       = "db"          # default: the allocation's job in allocations.hcl;
//!     namespace = "default"     # neither: a garbage-collected allocation
//!   }
//! }
//! ```

use std::collections::BTreeMap;

use hcl_edit::structure::Block;

use super::hclread::{one_label, parse_reported, record, spans_for, BodyReader, Schema};
use super::model::World;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::structs::csi::{
    AccessMode, CsiClaim, CsiControllerInfo, CsiNodeInfo, CsiPlugin, CsiVolume,
};

pub const VOLUMES_FILE: &str = "csi_volumes.hcl";

/// Most volumes one world may register (each is looked up per placement).
pub const MAX_VOLUMES: usize = 100_000;

/// A client's `csi_plugin "ID" { ... }` block.
pub(super) fn read_plugin(
    src: &Source,
    b: &Block,
    diags: &mut Diags,
) -> Option<(String, CsiPlugin)> {
    let (id, _) = one_label(src, b, "csi_plugin \"ID\" { type = \"node\" }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: &[
            "type",
            "healthy",
            "max_volumes",
            "topology",
            "requires_controller",
            "controller_healthy",
        ],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "csi_plugin", diags);
    let healthy = r.bool("healthy", diags).unwrap_or(true);
    let kind = r.string("type", diags).unwrap_or_else(|| "node".into());
    let (node, controller) = match kind.as_str() {
        "node" => (true, false),
        "controller" => (false, true),
        "monolith" => (true, true),
        _ => {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("unknown CSI plugin type {kind:?}"),
                )
                .at(
                    src,
                    r.attr_span("type").unwrap_or_default(),
                    "not a plugin type",
                )
                .help("Nomad's plugin types: node, controller, monolith"),
            );
            return None;
        }
    };
    let max_volumes = match r.int("max_volumes", diags) {
        // The client turns a plugin's 0 into unlimited.
        Some(0) | None => i64::MAX,
        Some(n) if n > 0 => n,
        Some(_) => {
            diags.push(
                Diag::error("world::bad-value", "`max_volumes` must not be negative").at(
                    src,
                    r.attr_span("max_volumes").unwrap_or_default(),
                    "negative",
                ),
            );
            i64::MAX
        }
    };
    let plugin = CsiPlugin {
        node: node.then(|| CsiNodeInfo {
            healthy,
            max_volumes,
            topology: r.string_map("topology", diags),
        }),
        controller: controller.then(|| CsiControllerInfo {
            healthy: r.bool("controller_healthy", diags).unwrap_or(healthy),
            requires_controller: r.bool("requires_controller", diags).unwrap_or(false),
        }),
    };
    Some((id, plugin))
}

const VOLUME_ATTRS: &[&str] = &[
    "namespace",
    "name",
    "plugin_id",
    "access_mode",
    "attachment_mode",
    "schedulable",
    "resource_exhausted",
];

fn mode(r: &BodyReader<'_>, key: &str, diags: &mut Diags) -> AccessMode {
    let Some(text) = r.string(key, diags) else {
        return AccessMode::Unknown;
    };
    AccessMode::parse(&text).unwrap_or_else(|| {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("unknown CSI access mode {text:?}"),
            )
            .at(r.src, r.attr_span(key).unwrap_or_default(), "not an access mode")
            .help("Nomad's modes: single-node-reader-only, single-node-writer, multi-node-reader-only, multi-node-single-writer, multi-node-multi-writer"),
        );
        AccessMode::Unknown
    })
}

fn attachment(r: &BodyReader<'_>, diags: &mut Diags) -> String {
    let text = r.string("attachment_mode", diags).unwrap_or_default();
    if !matches!(text.as_str(), "" | "file-system" | "block-device") {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("unknown CSI attachment mode {text:?}"),
            )
            .at(
                r.src,
                r.attr_span("attachment_mode").unwrap_or_default(),
                "not an attachment mode",
            )
            .help("Nomad's modes: file-system, block-device"),
        );
    }
    text
}

/// Read `rules/csi_volumes.hcl` into the world; pinned allocations must be
/// loaded already (a claim's owner defaults to its allocation's job).
pub(super) fn read_volumes(src: &Source, world: &mut World, diags: &mut Diags) {
    let Some(body) = parse_reported(src, diags) else {
        return;
    };
    const FILE: Schema = Schema {
        attrs: &[],
        blocks: &["csi_volume"],
    };
    let r = BodyReader::new(src, &body, &FILE, VOLUMES_FILE, diags);
    let mut seen: BTreeMap<(String, String), Span> = BTreeMap::new();
    for (k, b) in r.blocks("csi_volume").enumerate() {
        if k == MAX_VOLUMES {
            diags.push(
                Diag::error(
                    "world::too-many-volumes",
                    format!("{VOLUMES_FILE} registers more than {MAX_VOLUMES} volumes"),
                )
                .at(src, super::hclread::span_of(&b.ident), "over the limit")
                .help("register the volumes the planned jobs ask for"),
            );
            return;
        }
        let Some(vol) = read_volume(src, b, diags) else {
            continue;
        };
        let key = (vol.namespace.clone(), vol.id.clone());
        let here = vol.spans.label.unwrap_or_default();
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diag::error(
                    "world::duplicate-volume",
                    format!(
                        "CSI volume `{}` is registered twice in namespace `{}`",
                        key.1, key.0
                    ),
                )
                .at(src, here, "registered again here")
                .label(*first, "first registered here")
                .help("a volume ID is unique within its namespace"),
            );
            continue;
        }
        seen.insert(key.clone(), here);
        world.csi_volumes.insert(key, vol);
    }
    super::api_csi::resolve_owners(world);
    for vol in world.csi_volumes.values() {
        for c in vol.write_claims.iter().filter(|c| c.owner.is_none()) {
            diags.push(
                Diag::warning(
                    "world::csi-gc-claim",
                    format!(
                        "CSI volume `{}` is claimed by allocation {}, which no `allocations.hcl` entry holds: Nomad treats it as a garbage-collected allocation's claim",
                        vol.id, c.alloc_id
                    ),
                )
                .at(src, vol.spans.label.unwrap_or_default(), "claim without an allocation")
                .help("name the claim's `job`, or pin the allocation in allocations.hcl"),
            );
        }
    }
}

fn read_volume(src: &Source, b: &Block, diags: &mut Diags) -> Option<CsiVolume> {
    let (id, _) = one_label(src, b, "csi_volume \"ID\" { plugin_id = ... }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: VOLUME_ATTRS,
        blocks: &["capability", "topology", "claim"],
    };
    let what = format!("csi_volume \"{id}\"");
    let r = BodyReader::new(src, &b.body, &S, &what, diags);
    let mut spans = spans_for(Some(b));
    record(&mut spans, &r, VOLUME_ATTRS);
    let Some(plugin_id) = r.string("plugin_id", diags) else {
        if r.attr_span("plugin_id").is_none() {
            diags.push(
                Diag::error("world::missing-key", format!("{what} needs `plugin_id`"))
                    .at(src, spans.label.unwrap_or_default(), "`plugin_id` missing")
                    .help("name the CSI plugin that serves it, as in `nomad volume register`"),
            );
        }
        return None;
    };
    let namespace = r
        .string("namespace", diags)
        .unwrap_or_else(|| "default".into());
    let mut capabilities = Vec::new();
    for cb in r.blocks("capability") {
        const C: Schema = Schema {
            attrs: &["access_mode", "attachment_mode"],
            blocks: &[],
        };
        let cr = BodyReader::new(src, &cb.body, &C, "capability", diags);
        capabilities.push((mode(&cr, "access_mode", diags), attachment(&cr, diags)));
    }
    let mut topologies = Vec::new();
    for tb in r.blocks("topology") {
        const T: Schema = Schema {
            attrs: &["segments"],
            blocks: &[],
        };
        let tr = BodyReader::new(src, &tb.body, &T, "topology", diags);
        topologies.push(tr.string_map("segments", diags).unwrap_or_default());
    }
    let (mut read_claims, mut write_claims) = (Vec::new(), Vec::new());
    for cb in r.blocks("claim") {
        let Ok((alloc_id, _)) = one_label(src, cb, "claim \"ALLOC-ID\" { mode = \"write\" }")
            .map_err(|d| diags.push(d))
        else {
            continue;
        };
        const C: Schema = Schema {
            attrs: &["mode", "job", "namespace"],
            blocks: &[],
        };
        let cr = BodyReader::new(src, &cb.body, &C, "claim", diags);
        let owner = cr.string("job", diags).map(|j| {
            let ns = cr
                .string("namespace", diags)
                .unwrap_or_else(|| namespace.clone());
            (ns, j)
        });
        let claim = CsiClaim { alloc_id, owner };
        match cr.string("mode", diags).as_deref() {
            Some("read") => read_claims.push(claim),
            Some("write") | None => write_claims.push(claim),
            Some(other) => diags.push(
                Diag::error("world::bad-value", format!("unknown claim mode {other:?}"))
                    .at(
                        src,
                        cr.attr_span("mode").unwrap_or_default(),
                        "not a claim mode",
                    )
                    .help("a claim is `read` or `write`"),
            ),
        }
    }
    Some(CsiVolume {
        name: r.string("name", diags).unwrap_or_else(|| id.clone()),
        id,
        namespace,
        plugin_id,
        access_mode: mode(&r, "access_mode", diags),
        attachment_mode: attachment(&r, diags),
        capabilities,
        topologies,
        schedulable: r.bool("schedulable", diags),
        resource_exhausted: r.bool("resource_exhausted", diags).unwrap_or(false),
        read_claims,
        write_claims,
        spans,
    })
}
