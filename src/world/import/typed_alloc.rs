//! The table ([`super::typed`]) of an allocation in allocations.json,
//! as `/v1/allocation/ID` answers it (nomad/structs/structs.go v2.0.5
//! Allocation) or `/v1/allocations?resources=true` lists it
//! (AllocListStub: the same names, `JobVersion uint64` and `JobType`
//! besides). What a reader reads that the table leaves out is judged by
//! api_json's accessors.

use super::typed::Ty::{Bool, Int, List, Map, Str, Struct, Uint};
use super::typed::{f, n, Field, Schema};
use super::typed_job::JOB_FIELDS;
use super::typed_node::{NETWORKS, PORT_MAPPINGS};

/// `AllocatedResources` (structs.go v2.0.5): `Tasks
/// map[string]*AllocatedTaskResources` holding `Cpu
/// AllocatedCpuResources` (`CpuShares int64`, `ReservedCores []uint16`)
/// and `Memory AllocatedMemoryResources` (`MemoryMB`, `MemoryMaxMB
/// int64`) by value, `Networks`, `Devices []*AllocatedDeviceResource`;
/// `TaskLifecycles map[string]*TaskLifecycleConfig`; `Shared
/// AllocatedSharedResources` by value (`DiskMB int64`, `Networks`,
/// `Ports AllocatedPorts`). A network's ports are `Port`s
/// (`HostNetwork`), `Shared.Ports` `AllocatedPortMapping`s (`HostIP`):
/// both tables are typed_node's.
const ALLOCATED: &[Field] = &[
    n(
        "Tasks",
        Map(&Struct(&[
            f(
                "Cpu",
                Struct(&[f("CpuShares", Int), n("ReservedCores", List(&Uint))]),
            ),
            f(
                "Memory",
                Struct(&[f("MemoryMB", Int), f("MemoryMaxMB", Int)]),
            ),
            n("Networks", NETWORKS),
            n(
                "Devices",
                List(&Struct(&[
                    f("Vendor", Str),
                    f("Type", Str),
                    f("Name", Str),
                    n("DeviceIDs", List(&Str)),
                ])),
            ),
        ])),
    ),
    n(
        "TaskLifecycles",
        Map(&Struct(&[f("Hook", Str), f("Sidecar", Bool)])),
    ),
    f(
        "Shared",
        Struct(&[
            f("DiskMB", Int),
            n("Networks", NETWORKS),
            n("Ports", PORT_MAPPINGS),
        ]),
    ),
];

/// The legacy `Resources` (structs.go v2.0.5: figures `int`).
const RESOURCES: &[Field] = &[
    f("CPU", Int),
    f("MemoryMB", Int),
    f("DiskMB", Int),
    n("Networks", NETWORKS),
];

/// A `TaskState` (structs.go v2.0.5: `State string`, `Failed bool`,
/// `Restarts uint64`, the times RFC 3339 strings, `Events []*TaskEvent`
/// with `Type string`, `Time int64`, `Details map[string]string`).
const TASK_STATE: &[Field] = &[
    f("State", Str),
    f("Failed", Bool),
    f("Restarts", Uint),
    f("StartedAt", Str),
    f("FinishedAt", Str),
    n(
        "Events",
        List(&Struct(&[
            f("Type", Str),
            f("Time", Int),
            n("Details", Map(&Str)),
            f("Message", Str),
        ])),
    ),
];

/// An allocation (structs.go v2.0.5 Allocation): `DesiredTransition` by
/// value with `*bool` flags, `DeploymentStatus *AllocDeploymentStatus`
/// (`Healthy *bool`, `Canary bool`), `RescheduleTracker
/// *RescheduleTracker` (`Events []*RescheduleEvent`: `RescheduleTime
/// int64`, `Delay time.Duration`, `PrevNodeID string`; `LastReschedule
/// string`), `AllocStates []*AllocState` (`Field AllocStateField`, a
/// `uint8`; `Value string`; nomad/structs/alloc.go v2.0.5:1593-1603),
/// the indexes `uint64`, `CreateTime`, `ModifyTime int64`.
pub(super) const ALLOCATION: Schema = Schema {
    file: "allocations.json",
    unknown: "what the cluster runs",
    endpoint: "/v1/allocations?resources=true",
    ty: Struct(&[
        f("ID", Str),
        f("Namespace", Str),
        f("Name", Str),
        f("NodeID", Str),
        f("JobID", Str),
        f("JobType", Str),
        f("JobVersion", Uint),
        n("Job", Struct(JOB_FIELDS)),
        f("TaskGroup", Str),
        n("Resources", Struct(RESOURCES)),
        n("AllocatedResources", Struct(ALLOCATED)),
        f("DesiredStatus", Str),
        f("DesiredDescription", Str),
        f(
            "DesiredTransition",
            Struct(&[
                n("Migrate", Bool),
                n("Reschedule", Bool),
                n("ForceReschedule", Bool),
                n("NoShutdownDelay", Bool),
                n("MigrateDisablePlacement", Bool),
            ]),
        ),
        f("ClientStatus", Str),
        n("TaskStates", Map(&Struct(TASK_STATE))),
        f("DeploymentID", Str),
        n(
            "DeploymentStatus",
            Struct(&[n("Healthy", Bool), f("Timestamp", Str), f("Canary", Bool)]),
        ),
        f("PreviousAllocation", Str),
        f("NextAllocation", Str),
        n(
            "RescheduleTracker",
            Struct(&[
                n(
                    "Events",
                    List(&Struct(&[
                        f("RescheduleTime", Int),
                        f("Delay", Int),
                        f("PrevAllocID", Str),
                        f("PrevNodeID", Str),
                    ])),
                ),
                f("LastReschedule", Str),
            ]),
        ),
        n(
            "AllocStates",
            List(&Struct(&[
                f("Field", Uint),
                f("Value", Str),
                f("Time", Str),
            ])),
        ),
        f("CreateIndex", Uint),
        f("ModifyIndex", Uint),
        f("CreateTime", Int),
        f("ModifyTime", Int),
    ]),
};
