//! The tables ([`super::typed`]) of a client node (nodes.json, each
//! node-ID.json) and of node-pools.json.

use super::typed::Ty::{self, Bool, Int, List, Map, Num, Str, Struct};
use super::typed::{f, n, Field, Schema};

/// `map[string]string` (attributes, meta, details), nil when unset.
const STRING_MAP: Ty = Map(&Str);

/// A node's `Status`: `NodeStatusInit`, `Ready`, `Down`, `Disconnected`.
const NODE_STATUS: Ty = Ty::OneOf(&["initializing", "ready", "down", "disconnected"]);

/// A node's `SchedulingEligibility`, empty on a node from before 0.8.
const ELIGIBILITY: Ty = Ty::OneOf(&["eligible", "ineligible", ""]);

/// A `NetworkResource` (nomad/structs/structs.go v2.0.5:2879-2893: `MBits
/// int`, `Mode`, `Device`, `CIDR`, `IP` strings; api/resources.go's
/// `MBits *int` is the client's decoding of it), as a node lists it.
const NETWORK: &[Field] = &[
    f("Mode", Str),
    f("Device", Str),
    f("CIDR", Str),
    f("IP", Str),
    f("MBits", Int),
];

/// The fields of a port: a network's `Port` (structs.go v2.0.5:2809-2834)
/// and an allocation's `AllocatedPortMapping` (v2.0.5:2751-2760) share all
/// but the fourth, the host network's name in one (`HostNetwork`) and the
/// host address in the other (`HostIP`). Each a string, `Value` and `To`
/// `int`, `IgnoreCollision bool`.
const fn port(host: &'static str) -> [Field; 5] {
    [
        f("Label", Str),
        f("Value", Int),
        f("To", Int),
        f(host, Str),
        f("IgnoreCollision", Bool),
    ]
}

const PORT: [Field; 5] = port("HostNetwork");
const PORT_MAPPING: [Field; 5] = port("HostIP");

/// A network's `ReservedPorts` / `DynamicPorts` (`[]Port`).
const PORTS: Ty = List(&Struct(&PORT));

/// An allocation's `Shared.Ports` (`AllocatedPorts`, a
/// `[]AllocatedPortMapping`).
pub(super) const PORT_MAPPINGS: Ty = List(&Struct(&PORT_MAPPING));

/// A `NetworkResource` with its ports, as a job asks for it and an
/// allocation holds it (numbered): the same struct, whose `Hostname` is
/// `omitempty` (structs.go v2.0.5:2887).
pub(super) const NETWORKS: Ty = List(&Struct(&[
    NETWORK[0],
    NETWORK[1],
    NETWORK[2],
    NETWORK[3],
    NETWORK[4],
    f("Hostname", Str),
    n("ReservedPorts", PORTS),
    n("DynamicPorts", PORTS),
]));

/// A device attribute (plugins/shared/structs/attribute.go v2.0.5
/// Attribute: `Float *float64`, `Int *int64`, `String *string`, `Bool
/// *bool`, `Unit string`).
const ATTRIBUTE: &[Field] = &[
    n("Float", Num),
    n("Int", Int),
    n("String", Str),
    n("Bool", Bool),
    f("Unit", Str),
];

/// A `NodeDeviceResource` (api/resources.go v2.0.5: `Vendor`, `Type`,
/// `Name` strings, `Instances []*NodeDevice` with `ID string`, `Healthy
/// bool`, `Attributes map[string]*Attribute`).
const DEVICE: &[Field] = &[
    f("Vendor", Str),
    f("Type", Str),
    f("Name", Str),
    n(
        "Instances",
        List(&Struct(&[f("ID", Str), f("Healthy", Bool)])),
    ),
    n("Attributes", Map(&Struct(ATTRIBUTE))),
];

/// The figure structs held by value (`NodeCpuResources` and the like,
/// and their reserved counterparts).
const FIGURES: [Field; 3] = [
    f("Cpu", Struct(&[f("CpuShares", Int)])),
    f("Memory", Struct(&[f("MemoryMB", Int)])),
    f("Disk", Struct(&[f("DiskMB", Int)])),
];

/// A node, as `/v1/nodes?resources=true` lists it or `/v1/node/ID`
/// answers (api/nodes.go v2.0.5 Node: `NodeResources *NodeResources`
/// holding `Cpu`, `Memory`, `Disk` by value with int64 figures,
/// `Networks []*NetworkResource`, `Devices []*NodeDeviceResource`;
/// `ReservedResources *NodeReservedResources` likewise with uint64 ones;
/// the legacy `Resources`, `Reserved *Resources` with `*int` figures;
/// `Drivers map[string]*DriverInfo` with plain bools; `HostVolumes
/// map[string]*HostVolumeInfo` with `Path string`, `ReadOnly bool`, `ID
/// string`; `Events []*NodeEvent`; `NodeNetworks
/// []*NodeNetworkResource` (nomad/structs/structs.go v2.0.5) with
/// `Addresses []NodeNetworkAddress` of strings; `NodeMaxAllocs int`,
/// `Drain bool`).
pub(super) const NODE: Schema = Schema {
    file: "the node file",
    unknown: "what the client node offers",
    endpoint: "/v1/nodes?resources=true",
    ty: Struct(&[
        f("ID", Str),
        f("Name", Str),
        // Nomad's server writes only these (nomad/structs/structs.go
        // v2.0.5:1860-1865, refused otherwise by `ValidNodeStatus`
        // :1880-1887 in node_endpoint.go v2.0.5:138,701), and its
        // `Node.Ready()` (:2168-2170) is `Status == "ready"` and
        // `SchedulingEligibility == "eligible"` with no drain: a value
        // outside them planned as ready (R25c-2). An empty eligibility
        // is a node from before 0.8, which `Canonicalize` (:2185-2186)
        // makes eligible; `UpdateEligibility` refuses any other
        // (node_endpoint.go v2.0.5:1050-1054).
        f("Status", NODE_STATUS),
        f("SchedulingEligibility", ELIGIBILITY),
        f("Drain", Bool),
        n("DrainStrategy", Struct(&[])),
        f("Datacenter", Str),
        f("NodePool", Str),
        f("NodeClass", Str),
        n("Attributes", STRING_MAP),
        n("Meta", STRING_MAP),
        n(
            "Drivers",
            Map(&Struct(&[
                f("Detected", Bool),
                f("Healthy", Bool),
                n("Attributes", STRING_MAP),
            ])),
        ),
        n("CSINodePlugins", Map(&super::typed_lists::CSI_INFO)),
        n("CSIControllerPlugins", Map(&super::typed_lists::CSI_INFO)),
        n(
            "HostVolumes",
            Map(&Struct(&[
                f("Name", Str),
                f("Path", Str),
                f("ReadOnly", Bool),
                f("ID", Str),
            ])),
        ),
        n(
            "Events",
            List(&Struct(&[
                f("Message", Str),
                f("Subsystem", Str),
                n("Details", STRING_MAP),
                f("Timestamp", Str),
            ])),
        ),
        f("NodeMaxAllocs", Int),
        n(
            "NodeResources",
            Struct(&[
                FIGURES[0],
                FIGURES[1],
                FIGURES[2],
                n("Networks", List(&Struct(NETWORK))),
                n("Devices", List(&Struct(DEVICE))),
                n(
                    "NodeNetworks",
                    List(&Struct(&[
                        f("Mode", Str),
                        f("Device", Str),
                        n(
                            "Addresses",
                            List(&Struct(&[
                                f("Family", Str),
                                f("Alias", Str),
                                f("Address", Str),
                                f("ReservedPorts", Str),
                            ])),
                        ),
                    ])),
                ),
            ]),
        ),
        n(
            "ReservedResources",
            Struct(&[
                FIGURES[0],
                FIGURES[1],
                FIGURES[2],
                f("Networks", Struct(&[f("ReservedHostPorts", Str)])),
            ]),
        ),
        n("Resources", Struct(LEGACY)),
        n("Reserved", Struct(LEGACY)),
    ]),
};

/// The legacy `Resources` (api/resources.go v2.0.5: figures `*int`).
const LEGACY: &[Field] = &[
    n("CPU", Int),
    n("MemoryMB", Int),
    n("DiskMB", Int),
    n("Networks", List(&Struct(NETWORK))),
];

/// An item of `/v1/node/pools` (api/node_pools.go v2.0.5 NodePool:
/// `SchedulerConfiguration *NodePoolSchedulerConfiguration` with
/// `SchedulerAlgorithm string`, `MemoryOversubscriptionEnabled *bool`).
pub(super) const NODE_POOL: Schema = Schema {
    file: "node-pools.json",
    unknown: "whether a node pool sets its own scheduler configuration",
    endpoint: "/v1/node/pools",
    ty: Struct(&[
        f("Name", Str),
        n("Meta", STRING_MAP),
        n(
            "SchedulerConfiguration",
            Struct(&[
                f("SchedulerAlgorithm", Str),
                n("MemoryOversubscriptionEnabled", Bool),
            ]),
        ),
    ]),
};
