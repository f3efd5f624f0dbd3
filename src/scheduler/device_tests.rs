//! The device feasibility check, the allocator's offers and the
//! per-version `${device.ids}` gates (src/scheduler/device.rs).

use super::*;
use crate::jobspec::{Constraint, Resources, Task};
use crate::structs::device::DeviceInstance;

fn gpu(name: &str, healthy: usize, unhealthy: usize, mem: &str) -> NodeDevice {
    NodeDevice {
        id: DeviceId {
            vendor: "nvidia".into(),
            device_type: "gpu".into(),
            name: name.into(),
        },
        instances: (0..healthy + unhealthy)
            .map(|k| DeviceInstance {
                id: format!("{name}-{k}"),
                healthy: k < healthy,
            })
            .collect(),
        attributes: [("memory".to_string(), Attribute::parse(mem))].into(),
    }
}

fn req(name: &str, count: i64, cs: &[(&str, &str, &str)]) -> RequestedDevice {
    RequestedDevice {
        name: name.into(),
        count,
        constraints: cs
            .iter()
            .map(|(l, op, r)| Constraint {
                ltarget: l.to_string(),
                operand: op.to_string(),
                rtarget: r.to_string(),
                ..Constraint::default()
            })
            .collect(),
        ..RequestedDevice::default()
    }
}

fn group(reqs: Vec<RequestedDevice>) -> TaskGroup {
    TaskGroup {
        tasks: vec![Task {
            resources: Resources {
                devices: reqs,
                ..Resources::default()
            },
            ..Task::default()
        }],
        ..TaskGroup::default()
    }
}

const V: NomadVersion = NomadVersion::new(2, 0, 5);

fn node(devices: Vec<NodeDevice>) -> Node {
    Node {
        devices,
        ..Node::default()
    }
}

// After TestDeviceChecker in scheduler/feasible/feasible_test.go.
#[test]
fn device_checker_cases() {
    let n = node(vec![gpu("1080ti", 2, 1, "11 GiB")]);
    let none = node(vec![]);
    let unhealthy = node(vec![gpu("1080ti", 0, 2, "11 GiB")]);
    let cases = [
        (&n, req("gpu", 1, &[]), true),
        (&n, req("nvidia/gpu", 2, &[]), true),
        (&n, req("nvidia/gpu/1080ti", 3, &[]), false),
        (&n, req("fpga", 1, &[]), false),
        (&none, req("gpu", 1, &[]), false),
        (&unhealthy, req("gpu", 1, &[]), false),
        (
            &n,
            req("gpu", 1, &[("${device.attr.memory}", ">", "10000 MiB")]),
            true,
        ),
        (
            &n,
            req("gpu", 1, &[("${device.attr.memory}", ">", "12 GiB")]),
            false,
        ),
        (
            &n,
            req("gpu", 1, &[("${device.model}", "=", "1080ti")]),
            true,
        ),
        (
            &n,
            req("gpu", 1, &[("${device.attr.missing}", "is_not_set", "")]),
            true,
        ),
    ];
    for (i, (n, r, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            has_devices(&group(vec![r]), n, V).expect("no NaN"),
            want,
            "case {i}"
        );
    }
    // Two requests share the instances: 2 + 1 of 2 healthy do not fit.
    let two = group(vec![req("gpu", 2, &[]), req("gpu", 1, &[])]);
    assert!(!has_devices(&two, &n, V).expect("no NaN"));
    // ... but a request may take from several models.
    let m = node(vec![gpu("a", 1, 0, "1 GiB"), gpu("b", 1, 0, "1 GiB")]);
    assert!(has_devices(&group(vec![req("gpu", 2, &[])]), &m, V).expect("no NaN"));
}

// After TestDeviceAllocator_Allocate_* in scheduler/feasible/device_test.go.
#[test]
fn allocator_offers_free_instances_of_one_model() {
    let v = NomadVersion::new(2, 0, 5);
    let n = node(vec![gpu("a", 1, 0, "1 GiB"), gpu("b", 2, 0, "1 GiB")]);
    let mut d = DeviceAllocator::new(&n);
    // A request never spans models.
    let (o, _) = d.offer(&req("gpu", 2, &[]), v).expect("no NaN").unwrap();
    assert_eq!(o.id.name, "b");
    assert_eq!(o.instance_ids, ["b-0", "b-1"]);
    d.reserve(&o);
    assert_eq!(d.free_count(&o.id), 0);
    assert_eq!(
        d.offer(&req("gpu", 2, &[]), v)
            .expect("no NaN")
            .unwrap_err(),
        "no devices match request"
    );
    assert_eq!(
        d.offer(&req("gpu", 1, &[]), v)
            .expect("no NaN")
            .unwrap()
            .0
            .id
            .name,
        "a"
    );
    assert_eq!(
        DeviceAllocator::new(&node(vec![]))
            .offer(&req("gpu", 1, &[]), v)
            .expect("no NaN")
            .unwrap_err(),
        "no devices available"
    );
}

/// Each side of each boundary of [`Fix::DeviceIdsFiltered`] and
/// [`Fix::DeviceIdsCounted`] (and of [`Fix::DeviceIdsTarget`], without
/// which the constraint is not found and no model matches).
#[test]
fn instance_constraints_filter_from_1_4_13_and_count_from_1_11_1() {
    let n = node(vec![gpu("a", 2, 0, "1 GiB")]);
    let r = req("gpu", 2, &[("${device.ids}", "set_contains_any", "a-1")]);
    let d = DeviceAllocator::new(&n);
    let v = NomadVersion::new;
    // None: no model matches (unresolved, or only the allowed counted);
    // Some(ids): what the offer carries.
    let cases: &[(NomadVersion, Option<&[&str]>)] = &[
        (v(1, 3, 16), None),
        (v(1, 4, 4), None),
        (v(1, 4, 5), Some(&["a-0", "a-1"])),
        (v(1, 4, 12), Some(&["a-0", "a-1"])),
        (v(1, 4, 13), Some(&["a-1"])),
        (v(1, 5, 0), Some(&["a-0", "a-1"])),
        (v(1, 5, 8), Some(&["a-0", "a-1"])),
        (v(1, 5, 9), Some(&["a-1"])),
        (v(1, 6, 1), Some(&["a-0", "a-1"])),
        (v(1, 6, 2), Some(&["a-1"])),
        (v(1, 7, 0), Some(&["a-1"])),
        (v(1, 9, 0), Some(&["a-1"])),
        (v(1, 10, 6), Some(&["a-1"])),
        (v(1, 10, 7), None),
        (v(1, 11, 0), Some(&["a-1"])),
        (v(1, 11, 1), None),
        (v(2, 0, 5), None),
    ];
    for (version, want) in cases {
        let got = d
            .offer(&r, *version)
            .expect("no NaN")
            .ok()
            .map(|(o, _)| o.instance_ids);
        assert_eq!(
            got.as_deref(),
            want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .as_deref(),
            "{version}"
        );
    }
}

/// An instance constraint whose other side resolves to nothing: the
/// model passes (`!=` one side found; `is_not_set` on the left), each
/// instance fails (Nomad passes both sides as found, and a nil compares to
/// nothing): filtered, the offer is empty; counted filtered, none.
#[test]
fn an_unresolved_other_side_refuses_every_instance() {
    let n = node(vec![gpu("a", 2, 0, "1 GiB")]);
    let d = DeviceAllocator::new(&n);
    let v = NomadVersion::new;
    for r in [
        req("gpu", 1, &[("${device.ids}", "!=", "${device.attr.none}")]),
        req(
            "gpu",
            1,
            &[("${device.attr.none}", "is_not_set", "${device.ids}")],
        ),
    ] {
        assert!(has_devices(&group(vec![r.clone()]), &n, v(2, 0, 5)).expect("no NaN"));
        let (o, _) = d.offer(&r, v(1, 6, 2)).expect("no NaN").unwrap();
        assert!(o.instance_ids.is_empty(), "{:?}", r.constraints[0]);
        assert!(d.offer(&r, v(1, 11, 1)).expect("no NaN").is_err());
        // Unfiltered, any free instance.
        assert_eq!(
            d.offer(&r, v(1, 6, 1))
                .expect("no NaN")
                .unwrap()
                .0
                .instance_ids,
            ["a-0"]
        );
    }
    // `is_set` on the found side holds.
    let r = req(
        "gpu",
        1,
        &[("${device.ids}", "is_set", "${device.attr.none}")],
    );
    assert_eq!(
        d.offer(&r, v(1, 11, 1))
            .expect("no NaN")
            .unwrap()
            .0
            .instance_ids,
        ["a-0"]
    );
}

#[test]
fn device_ids_resolve_from_1_4_5_and_1_5_0() {
    let d = gpu("t4", 1, 1, "16 GiB");
    let v = NomadVersion::new;
    for (version, resolved) in [
        (v(1, 3, 16), false),
        (v(1, 4, 4), false),
        (v(1, 4, 5), true),
        (v(1, 5, 0), true),
        (v(1, 6, 5), true),
        (v(2, 0, 5), true),
    ] {
        let want = resolved.then(|| Attribute::string("t4-0,t4-1"));
        assert_eq!(resolve("${device.ids}", &d, version), want, "{version}");
        // The repro of rt23 R02: `!=` the only instance's ID.
        let only = node(vec![gpu("t4", 1, 0, "16 GiB")]);
        let g = group(vec![req(
            "nvidia/gpu",
            1,
            &[("${device.ids}", "!=", "t4-0")],
        )]);
        assert_eq!(
            has_devices(&g, &only, version).expect("no NaN"),
            !resolved,
            "{version}"
        );
    }
}

#[test]
fn affinities_pick_the_best_model_and_report_matched_weight() {
    use crate::jobspec::Affinity;
    let n = node(vec![
        gpu("big", 1, 0, "24 GiB"),
        gpu("small", 1, 0, "8 GiB"),
    ]);
    let mut r = req("gpu", 1, &[]);
    r.affinities = vec![Affinity {
        ltarget: "${device.attr.memory}".into(),
        operand: ">=".into(),
        rtarget: "16 GiB".into(),
        weight: 50,
        ..Affinity::default()
    }];
    let (o, m) = DeviceAllocator::new(&n)
        .offer(&r, NomadVersion::new(2, 0, 5))
        .expect("no NaN")
        .unwrap();
    assert_eq!((o.id.name.as_str(), m), ("big", 50.0));
}

/// A NaN compare is the check's own answer (mend23's flag beside the walk
/// is gone): the feasibility check and the offer return it, and Nomad's
/// loop stops at a constraint that fails before it, so that one is not
/// met (nodeDeviceMatches returns at the first failing constraint,
/// scheduler/feasible/feasible.go v2.0.5 `nodeDeviceMatches`).
#[test]
fn a_nan_compare_is_returned_by_the_check_and_the_offer() {
    let n = node(vec![gpu("a", 2, 0, "NaN GiB")]);
    let nan = req("gpu", 1, &[("${device.attr.memory}", ">=", "1 GiB")]);
    assert_eq!(
        has_devices(&group(vec![nan.clone()]), &n, V),
        Err(NanCompared)
    );
    let d = DeviceAllocator::new(&n);
    assert_eq!(d.offer(&nan, V), Err(NanCompared));
    // An earlier constraint that fails ends the walk first.
    let first_fails = req(
        "gpu",
        1,
        &[
            ("${device.model}", "=", "b"),
            ("${device.attr.memory}", ">=", "1 GiB"),
        ],
    );
    assert_eq!(
        has_devices(&group(vec![first_fails.clone()]), &n, V),
        Ok(false)
    );
    assert_eq!(
        d.offer(&first_fails, V),
        Ok(Err("no devices match request"))
    );
    // The same model with a number compares and places.
    let n = node(vec![gpu("a", 2, 0, "2 GiB")]);
    assert_eq!(has_devices(&group(vec![nan]), &n, V), Ok(true));
}
