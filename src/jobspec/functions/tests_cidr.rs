//! The cidr functions' tests (split from tests.rs, which passed 600
//! lines): go-cty-funcs' own tables and Go's CIDR reading per release.

use super::tests::{num, st};
use super::*;

/// go-cty-funcs cidr/*_test.go tables (TestHost, TestNetmask,
/// TestSubnet, TestSubnets at 2721b1e, the version Nomad 1.0–1.11 pins),
/// and `net.ParseCIDR`'s reading per Go release of the Nomad tag.
#[test]
fn cidr_functions_follow_go_cty_funcs_and_the_tags_go() {
    let at = |v: crate::version::NomadVersion, name: &str, a: &[Value]| {
        let env = FnEnv {
            version: v,
            ..FnEnv::default()
        };
        call(&env, name, a.to_vec())
    };
    let v = crate::version::NomadVersion::new;
    let now = v(2, 0, 5);
    let host = |p: &str, n: f64| at(now, "cidrhost", &[st(p), num(n)]);
    assert_eq!(host("192.168.1.0/24", 5.0), Ok(st("192.168.1.5")));
    assert_eq!(host("192.168.1.0/24", -5.0), Ok(st("192.168.1.251")));
    assert_eq!(host("192.168.1.0/24", -256.0), Ok(st("192.168.1.0")));
    assert_eq!(
        host("192.168.1.0/30", 255.0),
        Err("prefix of 30 does not accommodate a host numbered 255".into())
    );
    // go-cidr 1.1.0 (Nomad 1.11.2+) names the number HostBig overwrote,
    // max - (-num - 1); 1.0.1 the one it was given (rt15c's oracle).
    assert_eq!(
        host("192.168.1.0/30", -255.0),
        Err("prefix of 30 does not accommodate a host numbered -251".into())
    );
    assert_eq!(
        host("192.168.1.0/30", -10.0),
        Err("prefix of 30 does not accommodate a host numbered -6".into())
    );
    for old in [v(1, 11, 1), v(1, 10, 5), v(1, 0, 0)] {
        assert_eq!(
            at(old, "cidrhost", &[st("192.168.1.0/30"), num(-255.0)]),
            Err("prefix of 30 does not accommodate a host numbered -255".into())
        );
    }
    assert_eq!(
        host("10.256.0.0/8", 6.0),
        Err("invalid CIDR expression: invalid CIDR address: 10.256.0.0/8".into())
    );
    let mask = |p: &str| at(now, "cidrnetmask", &[st(p)]);
    assert_eq!(mask("192.168.1.0/32"), Ok(st("255.255.255.255")));
    assert_eq!(mask("0.0.0.0/0"), Ok(st("0.0.0.0")));
    assert_eq!(mask("1::/64"), Ok(st("ffff:ffff:ffff:ffff::")));
    assert_eq!(
        at(
            now,
            "cidrsubnet",
            &[st("192.168.2.0/20"), num(4.0), num(6.0)]
        ),
        Ok(st("192.168.6.0/24"))
    );
    assert_eq!(
        at(now, "cidrsubnet", &[st("fe80::/48"), num(16.0), num(6.0)]),
        Ok(st("fe80:0:0:6::/64"))
    );
    // go-cidr 1.1.0's big.Int: a negative subnet number passes its check
    // (Uint64 of the magnitude) and big.Int.Or drops the network's bits
    // (go-cidr 1.1.0 oracle); 1.0.1 refuses it (uint64 wraps).
    let sub = |v, p: &str, b: f64, n: f64| at(v, "cidrsubnet", &[st(p), num(b), num(n)]);
    assert_eq!(sub(now, "10.0.0.0/8", 8.0, -1.0), Ok(st("0.1.0.0/16")));
    assert_eq!(sub(now, "10.3.0.0/16", 8.0, -5.0), Ok(st("0.0.5.0/24")));
    assert_eq!(sub(now, "10.3.7.0/24", 4.0, -3.0), Ok(st("0.0.0.48/28")));
    assert_eq!(sub(now, "fe80::/48", 16.0, -6.0), Ok(st("0:0:0:6::/64")));
    assert_eq!(
        sub(now, "10.0.0.0/8", 8.0, -300.0),
        Err("prefix extension of 8 does not accommodate a subnet numbered -300".into())
    );
    assert_eq!(
        sub(v(1, 11, 1), "10.0.0.0/8", 8.0, -1.0),
        Err("prefix extension of 8 does not accommodate a subnet numbered -1".into())
    );
    assert_eq!(
        at(now, "cidrsubnet", &[st("fe80::/48"), num(33.0), num(6.0)]),
        Err("may not extend prefix by more than 32 bits".into())
    );
    assert_eq!(
        at(now, "cidrsubnets", &[st("10.0.0.0/8"), num(0.0)]),
        Err("must extend prefix by at least one bit".into())
    );
    assert_eq!(
        at(now, "cidrsubnets", &[st("10.0.0.0/30"), num(1.0), num(1.0), num(1.0)]),
        Err("not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31".into())
    );
    assert_eq!(
        at(now, "cidrsubnets", &[st("::/0"), num(1.0), num(1.0), num(1.0)]),
        Err("not enough remaining address space for a subnet with a prefix of 1 bits after 8000::/1".into())
    );
    // A leading zero: decimal under Go 1.16 (Nomad 1.1.x), refused from
    // Go 1.17 (Nomad 1.2.0 was built with 1.17.3).
    let zero = [st("010.0.0.0/8"), num(1.0)];
    assert_eq!(at(v(1, 1, 13), "cidrhost", &zero), Ok(st("10.0.0.1")));
    assert_eq!(
        at(v(1, 2, 0), "cidrhost", &zero),
        Err("invalid CIDR expression: invalid CIDR address: 010.0.0.0/8".into())
    );
}
