use super::*;
use crate::world::HostNetwork;

fn v(s: &str) -> NomadVersion {
    s.parse().expect("version")
}

fn block(position: usize, cidr: &str, interface: &str) -> HostNetwork {
    HostNetwork {
        cidr: cidr.into(),
        interface: interface.into(),
        position,
        reserved_ports: Vec::new(),
    }
}

fn iface(name: &str, addresses: &[&str]) -> Interface {
    Interface {
        name: name.into(),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        default_route: false,
    }
}

/// client/fingerprint/network_test.go `TestNetworkFingerPrint_MultipleAliases`
/// (2.0.5), its `NetworkInterfaceDetectorMultipleInterfaces` addresses (the
/// networks `net.ParseCIDR` returns, so 100.64.0.11/10 is 100.64.0.0).
fn multiple_interfaces() -> PoolNetworks {
    let mut n = PoolNetworks {
        network_interface: "eth3".into(),
        interfaces: vec![
            iface("lo", &["::1", "127.0.0.0"]),
            iface(
                "eth0",
                &["100.64.0.0", "2001:db8:85a3::", "fe80::140c:9579:8037:f565"],
            ),
            iface("eth1", &["100.64.0.0", "2003:db8::"]),
            iface("eth2", &[]),
            iface("eth3", &["169.254.155.20"]),
            iface("eth4", &["169.254.155.20", "100.64.0.0"]),
        ],
        ..PoolNetworks::default()
    };
    n.host_networks
        .insert("alias1".into(), block(0, "169.254.155.20/32", "eth3"));
    n.host_networks
        .insert("alias2".into(), block(1, "169.254.155.20/32", "eth3"));
    n.host_networks
        .insert("alias3".into(), block(2, "100.64.0.11/10", "eth0"));
    n
}

fn carried(a: &PoolAliases) -> Vec<&str> {
    a.carried.iter().map(String::as_str).collect()
}

#[test]
fn multiple_aliases_as_nomads_fingerprint_test() {
    // 2.0.5: every alias, and `default` on the network_interface's address
    // though blocks matched it ("eth3 matches the NetworkInterface and will
    // then generate the 'default' alias").
    let a = multiple_interfaces().aliases(v("2.0.5"));
    assert_eq!(carried(&a), ["alias1", "alias2", "alias3", "default"]);
    assert!(a.by_chance.is_empty() && a.cannot_tell.is_empty());
    // 1.6.1 returned early once a block matched: no `default`.
    let a = multiple_interfaces().aliases(v("1.6.1"));
    assert_eq!(carried(&a), ["alias1", "alias2", "alias3"]);
    assert_eq!(carried(&multiple_interfaces().aliases(v("1.5.9"))).len(), 4);
    assert_eq!(carried(&multiple_interfaces().aliases(v("1.5.8"))).len(), 3);
}

#[test]
fn before_1_1_an_address_gets_one_alias_by_map_order() {
    let a = multiple_interfaces().aliases(v("1.0.18"));
    assert_eq!(carried(&a), ["alias3"]);
    // alias1 and alias2 sit in slots 0 and 1 of 3: a start at 0, 2..7
    // finds alias1 first, a start at 1 alias2.
    assert_eq!(
        a.by_chance,
        vec![
            Chance {
                alias: "alias1".into(),
                odds: Some(0.875),
                assumed: true
            },
            Chance {
                alias: "alias2".into(),
                odds: Some(0.125),
                assumed: false
            },
        ]
    );
}

#[test]
fn map_order_odds_follow_the_bucket_slots() {
    assert_eq!(map_order_odds(&[0, 1], 3), Some(vec![0.875, 0.125]));
    assert_eq!(map_order_odds(&[2, 0], 3), Some(vec![0.25, 0.75]));
    assert_eq!(map_order_odds(&[3], 8), Some(vec![1.0]));
    let all: Vec<usize> = (0..8).collect();
    assert_eq!(map_order_odds(&all, 8), Some(vec![0.125; 8]));
    // Nine blocks need a second bucket: the hash seed decides.
    assert_eq!(map_order_odds(&[0, 1], 9), None);
}

#[test]
fn link_local_addresses_only_when_nothing_else_has_an_alias() {
    let mut n = PoolNetworks {
        interfaces: vec![Interface {
            default_route: true,
            ..iface("eth0", &["10.0.0.5/24", "fe80::1"])
        }],
        ..PoolNetworks::default()
    };
    n.host_networks
        .insert("ll".into(), block(0, "fe80::/10", "eth0"));
    // 10.0.0.5 has `default`, so the link-local address (and its alias)
    // is dropped.
    assert_eq!(carried(&n.aliases(v("2.0.5"))), ["default"]);
    n.interfaces[0].default_route = false;
    assert_eq!(carried(&n.aliases(v("2.0.5"))), ["ll"]);
}

#[test]
fn the_default_route_and_network_interface() {
    let mut n = PoolNetworks {
        interfaces: vec![
            Interface {
                default_route: true,
                ..iface("eth0", &["10.0.0.5"])
            },
            iface("eth1", &["192.168.1.5"]),
        ],
        ..PoolNetworks::default()
    };
    n.host_networks
        .insert("private".into(), block(0, "192.168.0.0/16", ""));
    assert_eq!(carried(&n.aliases(v("1.2.0"))), ["default", "private"]);
    // 0.12.1+ gives `default` to network_interface's addresses instead.
    n.network_interface = "eth1".into();
    assert_eq!(carried(&n.aliases(v("1.2.0"))), ["private"]);
    assert_eq!(carried(&n.aliases(v("0.12.0"))), ["default", "private"]);
    // A cidr of the default interface takes `default` away before 1.6.2.
    n.network_interface.clear();
    n.host_networks
        .insert("all".into(), block(1, "10.0.0.0/8", ""));
    assert_eq!(carried(&n.aliases(v("1.6.1"))), ["all", "private"]);
    assert_eq!(
        carried(&n.aliases(v("1.6.2"))),
        ["all", "default", "private"]
    );
}

#[test]
fn ipv4_networks_hold_only_ipv4_addresses() {
    let mut n = PoolNetworks {
        interfaces: vec![iface("eth0", &["::ffff:10.0.0.5", "2001:db8::5"])],
        ..PoolNetworks::default()
    };
    n.host_networks
        .insert("v4".into(), block(0, "10.0.0.0/8", ""));
    n.host_networks.insert("v6".into(), block(1, "::/0", ""));
    // The mapped address is IPv4 to Go (`To4`); `::/0` holds only the
    // other one.
    assert_eq!(carried(&n.aliases(v("2.0.5"))), ["v4", "v6"]);
    n.interfaces[0].addresses.pop();
    assert_eq!(carried(&n.aliases(v("2.0.5"))), ["v4"]);
}

#[test]
fn without_interfaces_a_block_matching_everything_takes_default() {
    let mut n = PoolNetworks::default();
    n.host_networks
        .insert("public".into(), block(0, "", "eth1"));
    assert_eq!(carried(&n.aliases(v("1.2.0"))), ["default", "public"]);
    n.host_networks.insert("all".into(), block(1, "", ""));
    assert_eq!(carried(&n.aliases(v("1.2.0"))), ["all", "public"]);
    assert_eq!(
        carried(&n.aliases(v("2.0.5"))),
        ["all", "default", "public"]
    );
    // A cidr no entry of which the client's Go reads is on no address.
    n.host_networks
        .insert("bad".into(), block(2, "010.0.0.0/8", ""));
    assert!(!n.aliases(v("1.2.0")).carried.contains("bad"));
}

#[test]
fn interface_templates_cannot_be_told() {
    let mut n = PoolNetworks {
        interfaces: vec![iface("eth0", &["10.0.0.5"])],
        ..PoolNetworks::default()
    };
    n.host_networks.insert(
        "t".into(),
        block(0, "", "{{ GetDefaultInterfaces | attr \"name\" }}"),
    );
    let a = n.aliases(v("2.0.5"));
    assert!(a.carried.contains("t"));
    assert_eq!(a.cannot_tell.len(), 1);
}

#[test]
fn each_address_entry_carries_the_ip_the_fingerprint_reports() {
    let mut pool = PoolNetworks {
        interfaces: vec![
            Interface {
                default_route: true,
                ..iface("eth0", &["10.0.0.5/24", "::ffff:10.0.0.6"])
            },
            iface("eth1", &["203.0.113.10/24"]),
        ],
        ..PoolNetworks::default()
    };
    pool.host_networks
        .insert("public".into(), block(0, "203.0.113.0/24", ""));
    let ips: Vec<String> = pool
        .address_entries(v("1.6.2"))
        .into_iter()
        .map(|(ip, _)| ip)
        .collect();
    // Without its prefix, an IPv4-mapped address dotted (Go's IP.String).
    assert_eq!(ips, ["10.0.0.5", "10.0.0.6", "203.0.113.10"]);
    // A pool without interfaces: addresses whose IPs are not known.
    pool.interfaces.clear();
    let unknown = pool.address_entries(v("1.6.2"));
    assert!(unknown.iter().all(|(ip, _)| ip.is_empty()), "{unknown:?}");
}
