//! The table ([`super::typed`]) of a job: the files under `jobs/`, each
//! version of `jobs/NS/ID.versions.json`, and the `Job` an allocation
//! embeds. Nomad answers its `nomad/structs` Job (`/v1/job/ID`; `nomad
//! job inspect` prints the api.Job decoded from it, every pointer set),
//! so the types are structs.go's at v2.0.5: figures and flags plain,
//! `null` only where a pointer, slice or map is nil. What the table
//! leaves out (a service's Connect, artifacts, volume mounts...) api_json's accessors
//! judge as they read it.

use super::typed::Ty::{self, Any, Bool, Int, List, Map, Str, Struct, Uint};
use super::typed::{f, n, Field, Schema};
use super::typed_node::NETWORKS;

/// `[]string` and `map[string]string`, nil when unset.
const STRINGS: Ty = List(&Str);
const STRING_MAP: Ty = Map(&Str);

/// A `Constraint` (structs.go v2.0.5: three strings).
const CONSTRAINT: Ty = Struct(&[f("LTarget", Str), f("RTarget", Str), f("Operand", Str)]);
const CONSTRAINTS: Ty = List(&CONSTRAINT);

/// An `Affinity` (structs.go v2.0.5: three strings, `Weight int8`).
const AFFINITIES: Ty = List(&Struct(&[
    f("LTarget", Str),
    f("RTarget", Str),
    f("Operand", Str),
    f("Weight", Int),
]));

/// A `Spread` (structs.go v2.0.5: `Attribute string`, `Weight int8`,
/// `SpreadTarget []*SpreadTarget` of `Value string`, `Percent uint8`).
const SPREADS: Ty = List(&Struct(&[
    f("Attribute", Str),
    f("Weight", Int),
    n(
        "SpreadTarget",
        List(&Struct(&[f("Value", Str), f("Percent", Uint)])),
    ),
]));

/// An `UpdateStrategy` (structs.go v2.0.5: durations and counts plain,
/// `AutoRevert`, `AutoPromote` bools). The job holds it by value, a
/// group by pointer.
const UPDATE: &[Field] = &[
    f("Stagger", Int),
    f("MaxParallel", Int),
    f("HealthCheck", Str),
    f("MinHealthyTime", Int),
    f("HealthyDeadline", Int),
    f("ProgressDeadline", Int),
    f("AutoRevert", Bool),
    f("AutoPromote", Bool),
    f("Canary", Int),
];

/// A task's `Resources` (structs.go v2.0.5: `CPU`, `Cores`, `MemoryMB`,
/// `MemoryMaxMB`, `DiskMB`, `IOPS`, `SecretsMB int`; `Devices
/// []*RequestedDevice` with `Name string`, `Count uint64`). api/resources.go
/// has `*int` figures: the client's decoding, which `nomad job inspect`
/// prints with every one set from the server's answer.
///
/// `Cores` (1.1.0), `MemoryMaxMB` (1.1.0), `SecretsMB` (1.10.0) and the
/// deprecated `IOPS` may be null: `nomad job inspect` prints api's nil
/// `*int` for a figure the server's release does not answer. `CPU`,
/// `MemoryMB` and `DiskMB` every release answers.
const RESOURCES: &[Field] = &[
    f("CPU", Int),
    n("Cores", Int),
    f("MemoryMB", Int),
    n("MemoryMaxMB", Int),
    f("DiskMB", Int),
    n("IOPS", Int),
    n("SecretsMB", Int),
    n("Networks", NETWORKS),
    n(
        "Devices",
        List(&Struct(&[
            f("Name", Str),
            f("Count", Uint),
            n("Constraints", CONSTRAINTS),
            n("Affinities", AFFINITIES),
        ])),
    ),
    n("NUMA", Struct(&[f("Affinity", Str), n("Devices", STRINGS)])),
];

/// A `RestartPolicy` (structs.go v2.0.5: `Attempts int`, durations,
/// `Mode string`, `RenderTemplates bool`).
const RESTART: Ty = Struct(&[
    f("Attempts", Int),
    f("Interval", Int),
    f("Delay", Int),
    f("Mode", Str),
    f("RenderTemplates", Bool),
]);

/// A `WorkloadIdentity` (structs/workload_id.go v2.0.5: strings, `Env`,
/// `File bool`, `Audience`, `ExtraClaims []string`, `TTL time.Duration`).
const IDENTITY: &[Field] = &[
    f("Name", Str),
    n("Audience", STRINGS),
    f("ChangeMode", Str),
    f("ChangeSignal", Str),
    f("Env", Bool),
    f("File", Bool),
    f("Filepath", Str),
    f("ServiceName", Str),
    f("TTL", Int),
    n("ExtraClaims", STRINGS),
];

/// A `ServiceCheck` (structs/services.go v2.0.5: strings, durations
/// `time.Duration`, `Expose`, `TLSSkipVerify`, `GRPCUseTLS bool`, the
/// thresholds `int`, `Header map[string][]string`, `CheckRestart
/// *CheckRestart` of `Limit int`, `Grace time.Duration`, `IgnoreWarnings
/// bool`).
const CHECK: &[Field] = &[
    f("Name", Str),
    f("Type", Str),
    f("Command", Str),
    n("Args", STRINGS),
    f("Path", Str),
    f("Protocol", Str),
    f("PortLabel", Str),
    f("Expose", Bool),
    f("AddressMode", Str),
    f("Interval", Int),
    f("Timeout", Int),
    f("InitialStatus", Str),
    f("Notes", Str),
    f("TLSServerName", Str),
    f("TLSSkipVerify", Bool),
    f("Method", Str),
    n("Header", Map(&STRINGS)),
    n(
        "CheckRestart",
        Struct(&[f("Limit", Int), f("Grace", Int), f("IgnoreWarnings", Bool)]),
    ),
    f("GRPCService", Str),
    f("GRPCUseTLS", Bool),
    f("TaskName", Str),
    f("SuccessBeforePassing", Int),
    f("FailuresBeforeCritical", Int),
    f("FailuresBeforeWarning", Int),
    f("Body", Str),
    f("OnUpdate", Str),
];

/// A `Service` (structs/services.go v2.0.5: strings, `EnableTagOverride
/// bool`, tags `[]string`, `Checks []*ServiceCheck`, maps of strings,
/// `Weights *ServiceWeights` of `Passing`, `Warning int`, `Identity
/// *WorkloadIdentity`; `Connect` is left to its reader).
const SERVICE: Ty = Struct(&[
    f("Name", Str),
    f("TaskName", Str),
    f("PortLabel", Str),
    f("AddressMode", Str),
    f("Address", Str),
    f("EnableTagOverride", Bool),
    n("Tags", STRINGS),
    n("CanaryTags", STRINGS),
    n("Checks", List(&Struct(CHECK))),
    n("Meta", STRING_MAP),
    n("CanaryMeta", STRING_MAP),
    n("Weights", Struct(&[f("Passing", Int), f("Warning", Int)])),
    n("TaggedAddresses", STRING_MAP),
    f("Namespace", Str),
    f("OnUpdate", Str),
    f("Provider", Str),
    f("Cluster", Str),
    n("Identity", Struct(IDENTITY)),
    f("Kind", Str),
]);

/// A `Template` (structs.go v2.0.5: strings, `Once`, `Envvars`,
/// `ErrMissingKey bool`, `Splay`, `VaultGrace time.Duration`, `Uid`, `Gid
/// *int`, `ChangeScript *ChangeScript`, `Wait *WaitConfig` of `Min`, `Max
/// *time.Duration`).
const TEMPLATE: Ty = Struct(&[
    f("SourcePath", Str),
    f("DestPath", Str),
    f("EmbeddedTmpl", Str),
    f("ChangeMode", Str),
    f("ChangeSignal", Str),
    n(
        "ChangeScript",
        Struct(&[
            f("Command", Str),
            n("Args", STRINGS),
            f("Timeout", Int),
            f("FailOnError", Bool),
            f("RunOnFirstRender", Bool),
        ]),
    ),
    f("Once", Bool),
    f("Splay", Int),
    f("Perms", Str),
    n("Uid", Int),
    n("Gid", Int),
    f("LeftDelim", Str),
    f("RightDelim", Str),
    f("Envvars", Bool),
    f("VaultGrace", Int),
    n("Wait", Struct(&[n("Min", Int), n("Max", Int)])),
    f("ErrMissingKey", Bool),
]);

/// A `Task` (structs.go v2.0.5), the fields that decide where and how
/// much it runs.
const TASK: &[Field] = &[
    f("Name", Str),
    f("Driver", Str),
    f("User", Str),
    n("Config", Map(&Any)),
    n("Env", STRING_MAP),
    n("Meta", STRING_MAP),
    n("Constraints", CONSTRAINTS),
    n("Affinities", AFFINITIES),
    n("Resources", Struct(RESOURCES)),
    n("RestartPolicy", RESTART),
    n("Lifecycle", Struct(&[f("Hook", Str), f("Sidecar", Bool)])),
    f("KillTimeout", Int),
    f("Leader", Bool),
    f("ShutdownDelay", Int),
    f("KillSignal", Str),
    f("Kind", Str),
    n("Services", List(&SERVICE)),
    n("Templates", List(&TEMPLATE)),
    n("Identity", Struct(IDENTITY)),
    n("Identities", List(&Struct(IDENTITY))),
    n("Artifacts", List(&Struct(&[]))),
    n("VolumeMounts", List(&Struct(&[]))),
];

/// A `TaskGroup` (structs.go v2.0.5): `Count int`, its policies by
/// pointer, durations `*time.Duration` (nil when unset).
const GROUP: &[Field] = &[
    f("Name", Str),
    f("Count", Int),
    n("Update", Struct(UPDATE)),
    n(
        "Migrate",
        Struct(&[
            f("MaxParallel", Int),
            f("HealthCheck", Str),
            f("MinHealthyTime", Int),
            f("HealthyDeadline", Int),
        ]),
    ),
    n("Constraints", CONSTRAINTS),
    n("Affinities", AFFINITIES),
    n("Spreads", SPREADS),
    n("RestartPolicy", RESTART),
    n(
        "ReschedulePolicy",
        Struct(&[
            f("Attempts", Int),
            f("Interval", Int),
            f("Delay", Int),
            f("DelayFunction", Str),
            f("MaxDelay", Int),
            f("Unlimited", Bool),
        ]),
    ),
    n(
        "EphemeralDisk",
        Struct(&[f("Sticky", Bool), f("SizeMB", Int), f("Migrate", Bool)]),
    ),
    n("Tasks", List(&Struct(TASK))),
    n("Meta", STRING_MAP),
    n("Networks", NETWORKS),
    n("Services", List(&SERVICE)),
    n(
        "Volumes",
        Map(&Struct(&[
            f("Name", Str),
            f("Type", Str),
            f("Source", Str),
            f("ReadOnly", Bool),
            f("AccessMode", Str),
            f("AttachmentMode", Str),
            f("PerAlloc", Bool),
            f("Sticky", Bool),
        ])),
    ),
    n("ShutdownDelay", Int),
    n("MaxRunDuration", Int),
    n("StopAfterClientDisconnect", Int),
    n("MaxClientDisconnect", Int),
    f("PreventRescheduleOnLost", Bool),
    n(
        "Scaling",
        Struct(&[f("Min", Int), f("Max", Int), f("Enabled", Bool)]),
    ),
];

/// A `Job` (structs.go v2.0.5): `Priority int`, `Update UpdateStrategy`
/// by value, `Periodic *PeriodicConfig` (`Enabled bool`, `Spec string`,
/// `Specs []string`, `SpecType string`, `ProhibitOverlap bool`, `TimeZone
/// string`), `Version`, the indexes `uint64`, `SubmitTime int64`.
/// `NodePool` may be null: a job saved by a 1.6+ `nomad job inspect` from
/// an older server leaves api.Job's `*string` nil.
pub(super) const JOB_FIELDS: &[Field] = &[
    f("ID", Str),
    f("Name", Str),
    f("Type", Str),
    f("Region", Str),
    f("Namespace", Str),
    f("Priority", Int),
    f("AllAtOnce", Bool),
    f("Stop", Bool),
    f("Status", Str),
    n("NodePool", Str),
    n("Datacenters", STRINGS),
    n("Constraints", CONSTRAINTS),
    n("Affinities", AFFINITIES),
    n("Spreads", SPREADS),
    n("TaskGroups", List(&Struct(GROUP))),
    f("Update", Struct(UPDATE)),
    n(
        "Periodic",
        Struct(&[
            f("Enabled", Bool),
            f("Spec", Str),
            n("Specs", STRINGS),
            f("SpecType", Str),
            f("ProhibitOverlap", Bool),
            f("TimeZone", Str),
        ]),
    ),
    n(
        "ParameterizedJob",
        Struct(&[
            f("Payload", Str),
            n("MetaRequired", STRINGS),
            n("MetaOptional", STRINGS),
        ]),
    ),
    n("Meta", STRING_MAP),
    f("Version", Uint),
    f("SubmitTime", Int),
    f("CreateIndex", Uint),
    f("ModifyIndex", Uint),
    f("JobModifyIndex", Uint),
];

/// A job file under `jobs/` (or one version of its versions file).
pub(super) const JOB: Schema = Schema {
    file: "the job file",
    unknown: "what the job runs",
    endpoint: "/v1/job/ID",
    ty: Struct(JOB_FIELDS),
};

/// `jobs/versions/NS/ID.json`: `/v1/job/ID/versions` (`Versions []*Job`).
pub(super) const VERSIONS: Schema = Schema {
    file: "the job versions file",
    unknown: "what the job's versions run",
    endpoint: "/v1/job/ID/versions",
    ty: Struct(&[n("Versions", List(&Struct(JOB_FIELDS)))]),
};
