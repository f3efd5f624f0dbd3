//! AddAllocs' collision verdicts, the held ports AssignPorts meets, and
//! the odds Go's map order leaves (src/scheduler/alloc_ports.rs).

use super::*;
use crate::cluster::{AllocNetwork, NodeNetwork};

fn v(s: &str) -> NomadVersion {
    s.parse().expect("version")
}

fn node() -> Node {
    Node {
        networks: vec![NodeNetwork {
            device: "eth0".into(),
            ip: "10.0.0.1".into(),
            mbits: 1000,
            ..NodeNetwork::default()
        }],
        ..Node::default()
    }
}

fn alloc(group: bool, ip: &str, ports: &[u16]) -> Allocation {
    let mut a = Allocation::default();
    a.resources.networks = vec![AllocNetwork {
        ip: ip.into(),
        reserved_ports: ports.iter().map(|p| ("p".into(), *p)).collect(),
        group,
        ..AllocNetwork::default()
    }];
    a
}

fn ignoring(mut a: Allocation) -> Allocation {
    for n in &mut a.resources.networks {
        n.ignore_collision = vec!["p".into()];
    }
    a
}

fn collide(n: &Node, allocs: &[Allocation], ver: &str) -> Collision {
    allocs_collide(n, allocs.iter(), v(ver))
}

#[test]
fn two_holders_of_one_port_skip_the_node_in_the_releases_that_check() {
    let n = node();
    let both = [alloc(true, "10.0.0.1", &[80]), alloc(true, "", &[80])];
    for (ver, want) in [
        ("0.12.12", Collision::None),
        ("1.0.15", Collision::None),
        ("1.0.16", Collision::Certain),
        ("1.1.9", Collision::None),
        ("1.1.10", Collision::Certain),
        ("1.2.3", Collision::None),
        ("1.2.4", Collision::Certain),
        ("1.3.0", Collision::Certain),
        ("2.0.5", Collision::Certain),
    ] {
        assert_eq!(collide(&n, &both, ver), want, "{ver}");
    }
    let apart = [alloc(true, "10.0.0.1", &[80]), alloc(true, "", &[81])];
    assert_eq!(collide(&n, &apart, "2.0.5"), Collision::None);
}

#[test]
fn ports_are_keyed_by_ip() {
    let n = node();
    let other = [
        alloc(true, "10.0.0.1", &[80]),
        alloc(true, "10.9.9.9", &[80]),
    ];
    assert_eq!(collide(&n, &other, "1.6.0"), Collision::None);
    // A task network's too.
    let tasks = [
        alloc(false, "10.0.0.1", &[80]),
        alloc(false, "fd00::1", &[80]),
    ];
    assert_eq!(collide(&n, &tasks, "1.6.0"), Collision::None);
    // A group port on another host network: its mapping's HostIP.
    let mut elsewhere = alloc(true, "10.0.0.1", &[80]);
    elsewhere.resources.networks[0].port_ips = vec![("p".into(), "10.9.9.9".into())];
    let pair = [alloc(true, "10.0.0.1", &[80]), elsewhere];
    assert_eq!(collide(&n, &pair, "1.6.0"), Collision::None);
}

#[test]
fn the_nodes_reserved_ports_collide_with_a_holder() {
    let mut n = node();
    n.reserved_ports = vec![22];
    let one = [alloc(true, "10.0.0.1", &[22])];
    assert_eq!(collide(&n, &one, "1.3.2"), Collision::Certain);
    let mut n = node();
    n.nets.addresses = vec![vec![("default".into(), vec![8500])]];
    let one = [alloc(false, "10.0.0.1", &[8500])];
    assert_eq!(collide(&n, &one, "1.3.2"), Collision::Certain);
    let away = [alloc(false, "10.9.9.9", &[8500])];
    assert_eq!(collide(&n, &away, "1.3.2"), Collision::None);
}

#[test]
fn group_ports_hide_the_tasks_ports_from_the_index() {
    let n = node();
    let mut a = alloc(true, "10.0.0.1", &[80]);
    a.resources.networks.push(AllocNetwork {
        ip: "10.0.0.1".into(),
        reserved_ports: vec![("t".into(), 9000)],
        ..AllocNetwork::default()
    });
    let pair = [a, alloc(false, "10.0.0.1", &[9000])];
    assert_eq!(collide(&n, &pair, "1.3.0"), Collision::None);
}

#[test]
fn ignore_collision_spares_a_mapping_from_1_9_and_leaves_the_order_to_chance() {
    let n = node();
    let shared = [
        ignoring(alloc(true, "10.0.0.1", &[80])),
        ignoring(alloc(true, "10.0.0.1", &[80])),
    ];
    assert_eq!(collide(&n, &shared, "1.9.0"), Collision::None);
    assert_eq!(collide(&n, &shared, "1.8.4"), Collision::Certain);
    let mixed = [
        alloc(true, "10.0.0.1", &[80]),
        ignoring(alloc(true, "10.0.0.1", &[80])),
    ];
    let by_order = ByOrder {
        port: 80,
        strict: 0,
        ignoring: vec![1],
        more: false,
    };
    assert_eq!(collide(&n, &mixed, "1.9.0"), Collision::ByOrder(by_order));
    // A task network has no mapping to ignore with.
    let mut task = ignoring(alloc(false, "10.0.0.1", &[80]));
    task.resources.networks[0].group = false;
    let pair = [alloc(true, "10.0.0.1", &[80]), task];
    assert_eq!(collide(&n, &pair, "1.9.0"), Collision::Certain);
    // The node's own mark comes first: an ignoring mapping never collides.
    let mut reserved = node();
    reserved.reserved_ports = vec![80];
    let one = [ignoring(alloc(true, "10.0.0.1", &[80]))];
    assert_eq!(collide(&reserved, &one, "1.9.0"), Collision::None);
}

#[test]
fn an_asked_port_meets_what_its_own_address_holds() {
    let mut n = node();
    n.nets.addresses = vec![
        vec![("default".into(), vec![]), ("lan".into(), vec![])],
        vec![("public".into(), vec![])],
    ];
    let allocs = [alloc(true, "10.9.9.9", &[80]), alloc(false, "", &[81])];
    let held = Held::of(&n, allocs.iter(), v("1.6.0"));
    let port = |alias: &str| crate::jobspec::Port {
        label: "p".into(),
        host_network: alias.into(),
        ..crate::jobspec::Port::default()
    };
    let ver = v("1.6.0");
    // On the first address: only what is held there (81, no IP).
    assert!(!held.holds(&n, Some(&port("")), 80, ver));
    assert!(held.holds(&n, Some(&port("default")), 81, ver));
    assert!(!held.holds(&n, Some(&port("lan")), 80, ver));
    // Another address, whose IP the model lacks: anything held.
    assert!(held.holds(&n, Some(&port("public")), 80, ver));
    assert!(held.holds(&n, None, 81, ver));
}

#[test]
fn an_allocation_without_a_port_number_holds_none() {
    assert!(!holds_any(&Allocation::default()));
    assert!(holds_any(&alloc(true, "10.0.0.1", &[80])));
    assert!(holds_any(&alloc(false, "", &[9000])));
    // A port the model never drew (0) is not held.
    assert!(!holds_any(&alloc(true, "10.0.0.1", &[0])));
    let mut dynamic = alloc(false, "10.0.0.1", &[]);
    dynamic.resources.networks[0].dynamic_ports = vec![("d".into(), 25000)];
    assert!(holds_any(&dynamic));
    // Whatever holdings() reads on any node is among them.
    let n = node();
    for a in [alloc(true, "", &[0, 81]), dynamic] {
        assert_eq!(holdings(&n, &a, v("2.0.5")).next().is_some(), holds_any(&a));
    }
}

#[test]
fn the_odds_are_the_gap_before_the_strict_holder_out_of_8() {
    // Slots 0 (strict) and 1 (ignoring): the strict one is first only
    // when the walk starts at 2..=7 or 0, i.e. 7 of 8 starts.
    let small = crate::gomap::Shape::unhinted;
    assert_eq!(collides_odds(0, &[1], small(2)), Some(1.0 / 8.0));
    assert_eq!(collides_odds(1, &[0], small(2)), Some(7.0 / 8.0));
    // The nearest ignoring slot before it decides.
    assert_eq!(collides_odds(3, &[0, 2], small(4)), Some(7.0 / 8.0));
    assert_eq!(collides_odds(0, &[1], small(9)), None);
}

/// A map made with a larger hint spreads the two over buckets (rt16a
/// R16-11): the strict holder first at 0 is passed 31.25% of the time
/// before Go 1.24, 28.125% from it.
#[test]
fn a_larger_hint_spreads_the_holders() {
    use crate::gomap::{Runtime, Shape};
    let hinted = |runtime| Shape {
        runtime,
        hint: 10,
        len: 2,
    };
    assert_eq!(
        collides_odds(0, &[1], hinted(Runtime::Buckets)),
        Some(0.3125)
    );
    assert_eq!(
        collides_odds(0, &[1], hinted(Runtime::Swiss)),
        Some(9.0 / 32.0)
    );
}

#[test]
fn within_one_allocation_the_mappings_order_is_fixed() {
    assert_eq!(judge(false, &[(0, true), (0, false)]), Collision::Certain);
    assert_eq!(judge(false, &[(0, false), (0, true)]), Collision::None);
    let by_order = ByOrder {
        port: 0,
        strict: 0,
        ignoring: vec![1],
        more: false,
    };
    assert_eq!(
        judge(false, &[(0, false), (1, true)]),
        Collision::ByOrder(by_order)
    );
    assert_eq!(judge(true, &[(0, true), (1, true)]), Collision::None);
    assert_eq!(judge(false, &[(0, false), (1, false)]), Collision::Certain);
}
