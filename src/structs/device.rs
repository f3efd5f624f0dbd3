//! Devices a node exposes (`NodeResources.Devices`: GPUs, FPGAs and other
//! device plugins' instances) and the instances an allocation holds
//! (`AllocatedResources.Tasks[*].Devices`). One model for the world file,
//! the import and the scheduler.

use std::collections::BTreeMap;

use super::attribute::Attribute;

/// `DeviceIdTuple`: vendor, type and model name (`nvidia/gpu/1080ti`).
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct DeviceId {
    pub vendor: String,
    pub device_type: String,
    pub name: String,
}

impl DeviceId {
    /// A requested device's name (`RequestedDevice.ID`): `type`,
    /// `vendor/type` or `vendor/type/name`; the parts left out match any.
    pub fn from_request(name: &str) -> DeviceId {
        let mut parts = name.splitn(3, '/');
        let (a, b, c) = (parts.next(), parts.next(), parts.next());
        match (a, b, c) {
            (Some(t), None, _) => DeviceId {
                device_type: t.to_string(),
                ..DeviceId::default()
            },
            (Some(v), Some(t), None) => DeviceId {
                vendor: v.to_string(),
                device_type: t.to_string(),
                ..DeviceId::default()
            },
            (v, t, n) => DeviceId {
                vendor: v.unwrap_or_default().to_string(),
                device_type: t.unwrap_or_default().to_string(),
                name: n.unwrap_or_default().to_string(),
            },
        }
    }

    /// `DeviceIdTuple.Matches`: every part the request names is equal.
    pub fn matches(&self, request: &DeviceId) -> bool {
        (request.name.is_empty() || request.name == self.name)
            && (request.vendor.is_empty() || request.vendor == self.vendor)
            && (request.device_type.is_empty() || request.device_type == self.device_type)
    }
}

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.vendor, self.device_type, self.name)
    }
}

/// One instance of a device model on a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceInstance {
    pub id: String,
    pub healthy: bool,
}

/// `NodeDeviceResource`: one device model with its instances and attributes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeDevice {
    pub id: DeviceId,
    pub instances: Vec<DeviceInstance>,
    pub attributes: BTreeMap<String, Attribute>,
}

impl NodeDevice {
    pub fn healthy(&self) -> usize {
        self.instances.iter().filter(|i| i.healthy).count()
    }
}

/// `AllocatedDeviceResource`: instances of one model a task holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AllocDevice {
    pub id: DeviceId,
    pub instance_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_names_match_as_nomad_splits_them() {
        let node = DeviceId {
            vendor: "nvidia".into(),
            device_type: "gpu".into(),
            name: "1080ti".into(),
        };
        for (req, ok) in [
            ("gpu", true),
            ("nvidia/gpu", true),
            ("nvidia/gpu/1080ti", true),
            ("nvidia/gpu/2080ti", false),
            ("amd/gpu", false),
            ("fpga", false),
            // A fourth part stays in the name (SplitN 3).
            ("nvidia/gpu/1080ti/x", false),
        ] {
            assert_eq!(node.matches(&DeviceId::from_request(req)), ok, "{req}");
        }
    }
}
