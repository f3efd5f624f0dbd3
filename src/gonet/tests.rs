//! Expected values: `net.ParseCIDR` run on Go 1.19.8 (the reader of Go
//! 1.17 to 1.20), and, for Go before 1.17, the same reader without the
//! leading-zero rule (net/ip.go `parseIPv4` at go1.16: `dtoi` alone).

use super::*;

const GO_1_16: GoRelease = (1, 16, 15);
const GO_1_19: GoRelease = (1, 19, 8);
const GO_1_26: GoRelease = (1, 26, 5);

/// The network's text as Go's `IPNet.String` prints it.
fn net_of(text: &str, go: GoRelease) -> Result<String, CidrError> {
    parse_cidr(text, go).map(|c| net_text(c.network(), c.prefix, c.v4))
}

fn invalid(text: &str) -> Result<String, CidrError> {
    Err(CidrError(format!("invalid CIDR address: {text}")))
}

#[test]
fn go_1_19_reads_as_go_does() {
    let ok = |t: &str, want: &str| assert_eq!(net_of(t, GO_1_19), Ok(want.into()), "{t}");
    ok("10.0.0.0/8", "10.0.0.0/8");
    ok("0.0.0.0/0", "0.0.0.0/0");
    ok("1.2.3.4/024", "1.2.3.0/24");
    ok("::/0", "::/0");
    ok("::1/128", "::1/128");
    ok("00001::/64", "1::/64");
    ok("0000000000001::/64", "1::/64");
    ok("::ffff:1.2.3.4/120", "1.2.3.0/24");
    ok("1:2:3:4:5:6:7:8/64", "1:2:3:4::/64");
    ok("1:2:3:4:5:6:7::/64", "1:2:3:4::/64");
    ok("1:2:3:4:5:6:1.2.3.4/96", "1:2:3:4:5:6::/96");
    ok("2001:DB8::/32", "2001:db8::/32");
    ok("::1.2.3.4/128", "::102:304/128");
    ok("1::1.2.3.4/128", "1::102:304/128");
    for bad in [
        "010.0.0.1/8",
        "10.0.0.01/32",
        "1.2.3.4/+24",
        "1.2.3.4/33",
        "1.2.3.4/",
        "1.2.3/24",
        "1.2.3.4.5/24",
        "256.1.1.1/8",
        "fe80::1%eth0/64",
        "2001:db8::/129",
        "::ffff:01.2.3.4/120",
        "1:2:3:4:5:6:7:8::/64",
        "1::2::3/64",
        "1.2.3.4::/64",
        ":::/64",
        "1:/64",
        "abcde::/16",
        " 10.0.0.0/8",
        "10.0.0.0/8 ",
        "10.0.0.0",
    ] {
        assert_eq!(net_of(bad, GO_1_19), invalid(bad), "{bad}");
    }
}

#[test]
fn leading_zeros_are_decimal_before_go_1_17() {
    assert_eq!(net_of("010.0.0.1/8", GO_1_16), Ok("10.0.0.0/8".into()));
    assert_eq!(net_of("10.0.0.01/32", GO_1_16), Ok("10.0.0.1/32".into()));
    assert_eq!(
        net_of("::ffff:01.2.3.4/120", GO_1_16),
        Ok("1.2.3.0/24".into())
    );
    // Still four fields of at most 255.
    assert_eq!(net_of("0256.1.1.1/8", GO_1_16), invalid("0256.1.1.1/8"));
    // Go 1.17.0 is the first to refuse.
    assert_eq!(net_of("010.0.0.1/8", (1, 17, 0)), invalid("010.0.0.1/8"));
}

/// Go 1.21 and 1.22 (netip) read a group by its value, as `net` did; Go
/// 1.23 refuses five digits (Go 1.22.12 and 1.23.5, run).
#[test]
fn long_ipv6_groups_are_refused_from_go_1_23() {
    assert_eq!(net_of("00001::/64", GO_1_26), invalid("00001::/64"));
    assert_eq!(net_of("00001::/64", (1, 23, 0)), invalid("00001::/64"));
    assert_eq!(
        net_of("0:0:0:0:00000:ffff:1.2.3.4/64", (1, 23, 2)),
        invalid("0:0:0:0:00000:ffff:1.2.3.4/64")
    );
    assert_eq!(net_of("0001::/64", GO_1_26), Ok("1::/64".into()));
    assert_eq!(net_of("00001::/64", (1, 22, 6)), Ok("1::/64".into()));
    assert_eq!(net_of("00001::/64", (1, 20, 14)), Ok("1::/64".into()));
}
