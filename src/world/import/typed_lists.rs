//! The tables ([`super::typed`]) of deployments.json, the CSI files
//! (csi-volumes.json, volumes/NS/ID.json, plugins/ID.json) and jobs.json.
//! Their readers (api_deployment.rs, api_csi.rs, jobs.rs) read each field
//! through api_json's accessors, which refuse a mistyped one for the whole
//! import without saying where; checked here first, the error names the
//! file, the item and the field. Types are nomad/structs at v2.0.5.

use serde_json::Value;

use super::typed::Ty::{self, Bool, Int, List, Map, Str, Struct, Uint};
use super::typed::{f, n, Field, Schema};
use crate::diag::Diags;
use crate::source::Source;

/// A `DeploymentState` (nomad/structs/deployment.go v2.0.5: flags `bool`,
/// counts `int`, `ProgressDeadline time.Duration`, `RequireProgressBy
/// time.Time`, `PlacedCanaries []string`).
const DEPLOYMENT_STATE: &[Field] = &[
    f("AutoRevert", Bool),
    f("AutoPromote", Bool),
    f("ProgressDeadline", Int),
    f("RequireProgressBy", Str),
    f("Promoted", Bool),
    n("PlacedCanaries", List(&Str)),
    f("DesiredCanaries", Int),
    f("DesiredTotal", Int),
    f("PlacedAllocs", Int),
    f("HealthyAllocs", Int),
    f("UnhealthyAllocs", Int),
];

/// An item of `/v1/deployments` (nomad/structs/deployment.go v2.0.5
/// Deployment: the job's version and indexes `uint64`, `TaskGroups
/// map[string]*DeploymentState`, `Status string`).
const DEPLOYMENT: Schema = Schema {
    file: "deployments.json",
    unknown: "which deployments the reconciler reads",
    endpoint: "/v1/deployments?namespace=*",
    ty: Struct(&[
        f("ID", Str),
        f("Namespace", Str),
        f("JobID", Str),
        f("JobVersion", Uint),
        f("JobModifyIndex", Uint),
        f("JobSpecModifyIndex", Uint),
        f("JobCreateIndex", Uint),
        f("IsMultiregion", Bool),
        n("TaskGroups", Map(&Struct(DEPLOYMENT_STATE))),
        f("Status", Str),
        f("StatusDescription", Str),
        f("EvalPriority", Int),
        f("CreateIndex", Uint),
        f("ModifyIndex", Uint),
        f("CreateTime", Int),
        f("ModifyTime", Int),
    ]),
};

/// A `*CSITopology` (nomad/structs/csi.go v2.0.5: `Segments
/// map[string]string`).
const TOPOLOGY: Ty = Struct(&[n("Segments", Map(&Str))]);

/// A `CSIVolume` or its list stub (nomad/structs/csi.go v2.0.5): modes
/// strings, `Schedulable bool`, `CurrentReaders`/`CurrentWriters int`,
/// `ReadAllocs`/`WriteAllocs map[string]*Allocation` (nil values: the
/// claims' IDs), `RequestedCapabilities []*CSIVolumeCapability`,
/// `ResourceExhausted time.Time`, and the full form's `Allocations
/// []*AllocListStub`.
const VOLUME_FIELDS: &[Field] = &[
    f("ID", Str),
    f("Name", Str),
    f("Namespace", Str),
    f("PluginID", Str),
    f("AccessMode", Str),
    f("AttachmentMode", Str),
    n(
        "RequestedCapabilities",
        List(&Struct(&[f("AccessMode", Str), f("AttachmentMode", Str)])),
    ),
    n("Topologies", List(&TOPOLOGY)),
    f("Schedulable", Bool),
    f("ResourceExhausted", Str),
    f("CurrentReaders", Int),
    f("CurrentWriters", Int),
    n("ReadAllocs", Map(&Struct(&[]))),
    n("WriteAllocs", Map(&Struct(&[]))),
    n(
        "Allocations",
        List(&Struct(&[
            f("ID", Str),
            f("Namespace", Str),
            f("JobID", Str),
        ])),
    ),
    f("CreateIndex", Uint),
    f("ModifyIndex", Uint),
];

const VOLUMES: Schema = Schema {
    file: "csi-volumes.json",
    unknown: "which CSI volumes exist and who claims them",
    endpoint: "/v1/volumes?type=csi&namespace=*",
    ty: Struct(VOLUME_FIELDS),
};

const VOLUME: Schema = Schema {
    file: "the CSI volume file",
    unknown: "which CSI volumes exist and who claims them",
    endpoint: "/v1/volume/csi/ID?namespace=NS",
    ty: Struct(VOLUME_FIELDS),
};

/// A `*CSIInfo` (nomad/structs/csi.go v2.0.5: `Healthy`,
/// `RequiresControllerPlugin bool`, `ControllerInfo *CSIControllerInfo`,
/// `NodeInfo *CSINodeInfo` with `MaxVolumes int64`, `AccessibleTopology
/// *CSITopology`), as a node's `CSINodePlugins`/`CSIControllerPlugins`
/// and a plugin's `Nodes`/`Controllers` hold it.
pub(super) const CSI_INFO: Ty = Struct(&[
    f("PluginID", Str),
    f("Healthy", Bool),
    f("RequiresControllerPlugin", Bool),
    f("RequiresTopologies", Bool),
    n("ControllerInfo", Struct(&[])),
    n(
        "NodeInfo",
        Struct(&[
            f("ID", Str),
            f("MaxVolumes", Int),
            n("AccessibleTopology", TOPOLOGY),
        ]),
    ),
]);

const PLUGIN: Schema = Schema {
    file: "the CSI plugin file",
    unknown: "which nodes run the CSI plugins",
    endpoint: "/v1/plugin/csi/ID",
    ty: Struct(&[
        f("ID", Str),
        n("Nodes", Map(&CSI_INFO)),
        n("Controllers", Map(&CSI_INFO)),
    ]),
};

/// An item of `/v1/jobs` (nomad/structs/structs.go v2.0.5 JobListStub:
/// the IDs and `Status` strings, `Stop bool`, `Priority int`,
/// `SubmitTime int64`, indexes `uint64`, `JobSummary *JobSummary`).
const JOB_STUB: Schema = Schema {
    file: "jobs.json",
    unknown: "which jobs the cluster registers",
    endpoint: "/v1/jobs?namespace=NS",
    ty: Struct(&[
        f("ID", Str),
        f("ParentID", Str),
        f("Name", Str),
        f("Namespace", Str),
        n("Datacenters", List(&Str)),
        f("NodePool", Str),
        f("Type", Str),
        f("Priority", Int),
        f("Periodic", Bool),
        f("ParameterizedJob", Bool),
        f("Stop", Bool),
        f("Status", Str),
        f("StatusDescription", Str),
        n("JobSummary", Struct(&[])),
        f("CreateIndex", Uint),
        f("ModifyIndex", Uint),
        f("JobModifyIndex", Uint),
        f("SubmitTime", Int),
    ]),
};

/// Each saved kind this module types.
#[derive(Clone, Copy)]
pub(in crate::world) enum Kind {
    Deployments,
    VolumeList,
    Volume,
    Plugin,
    JobList,
}

impl Kind {
    fn schema(self) -> &'static Schema {
        match self {
            Kind::Deployments => &DEPLOYMENT,
            Kind::VolumeList => &VOLUMES,
            Kind::Volume => &VOLUME,
            Kind::Plugin => &PLUGIN,
            Kind::JobList => &JOB_STUB,
        }
    }
}

/// Whether every item of the saved list `list` holds Nomad's types (each
/// that does not is a located `import::shape` "cannot tell").
pub(in crate::world) fn items(src: &Source, kind: Kind, list: &[Value], diags: &mut Diags) -> bool {
    super::typed::items(src, kind.schema(), list, diags)
}

/// Whether the saved object `v` holds Nomad's types (see [`items`]).
pub(in crate::world) fn check(src: &Source, kind: Kind, v: &Value, diags: &mut Diags) -> bool {
    super::typed::check(src, kind.schema(), "", v, diags)
}
