//! The addresses a node's task network offers, in the order Nomad's
//! `NetworkIndex.yieldIP` walks them (nomad/structs/network.go, the same
//! from 0.9 to 2.0.5): every IP of the entry's `CIDR`, from the network
//! address (`ip.Mask(ipnet.Mask)`) up; an entry whose CIDR does not parse
//! offers nothing.

use std::net::IpAddr;

/// The network address and prefix length of `cidr`.
fn parse(cidr: &str) -> Option<(IpAddr, u32)> {
    let (ip, len) = cidr.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    if len > bits {
        return None;
    }
    let masked = match ip {
        IpAddr::V4(v) => {
            let m = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            IpAddr::V4((u32::from(v) & m).into())
        }
        IpAddr::V6(v) => {
            let m = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            IpAddr::V6((u128::from(v) & m).into())
        }
    };
    Some((masked, len))
}

/// The CIDR the client's fingerprint writes for one address
/// (client/fingerprint/network.go: `IP/32`, or `IP/128` for IPv6): what an
/// entry that does not say is taken to have.
pub fn host_cidr(ip: &str) -> String {
    if ip.contains(':') {
        format!("{ip}/128")
    } else {
        format!("{ip}/32")
    }
}

/// The first address `cidr` offers, `None` when it does not parse.
pub fn first_ip(cidr: &str) -> Option<IpAddr> {
    parse(cidr).map(|(ip, _)| ip)
}

/// The first address of `cidr` that `taken` leaves free, looking at no
/// more than `tries` addresses (a caller bounds it by how many addresses
/// can be taken at all, so a /8 is not walked to its end).
pub fn first_free(cidr: &str, tries: usize, mut taken: impl FnMut(&str) -> bool) -> Option<String> {
    let (start, len) = parse_again(cidr)?;
    let mut walked = 0;
    match start {
        IpAddr::V4(v) => {
            let first = u64::from(u32::from(v));
            let size = 1u64 << (32 - len);
            let mut buf = [0u8; 15];
            for k in 0..size.min(tries as u64) {
                let ip = v4_text(u32::try_from(first + k).ok()?, &mut buf);
                if !taken(ip) {
                    return Some(ip.to_owned());
                }
            }
        }
        IpAddr::V6(v) => {
            let first = u128::from(v);
            let size = 1u128.checked_shl(128 - len).unwrap_or(u128::MAX);
            while (walked as u128) < size && walked < tries {
                let ip = IpAddr::V6((first + walked as u128).into()).to_string();
                if !taken(&ip) {
                    return Some(ip);
                }
                walked += 1;
            }
        }
    }
    None
}

/// [`parse`], remembering the last [`REMEMBERED`] CIDRs this thread
/// parsed: the offer walk asks for the same node entries' CIDRs on every
/// offer ranked (56,609 parses in `plan --samples 1000` on the demo, 3%
/// of it, for three distinct texts, one per client), and comparing a few
/// texts costs a fraction of a parse.
fn parse_again(cidr: &str) -> Option<(IpAddr, u32)> {
    use std::cell::RefCell;
    type Parsed = Option<(IpAddr, u32)>;
    thread_local! {
        static SEEN: RefCell<(Vec<(String, Parsed)>, usize)> = const { RefCell::new((Vec::new(), 0)) };
    }
    // Without the memory (a thread being torn down), a plain parse.
    SEEN.try_with(|seen| {
        let Ok(mut seen) = seen.try_borrow_mut() else {
            return parse(cidr);
        };
        let (texts, next) = &mut *seen;
        if let Some((_, parsed)) = texts.iter().find(|(t, _)| t == cidr) {
            return *parsed;
        }
        let parsed = parse(cidr);
        // Past the limit, the oldest entry makes room.
        if texts.len() < REMEMBERED {
            texts.push((cidr.to_owned(), parsed));
        } else if let Some(slot) = texts.get_mut(*next % REMEMBERED) {
            *slot = (cidr.to_owned(), parsed);
            *next = (*next + 1) % REMEMBERED;
        }
        parsed
    })
    .unwrap_or_else(|_| parse(cidr))
}

/// How many CIDR texts [`parse_again`] keeps per thread: a node's task
/// networks are one or two entries, and a search of more texts than this
/// would cost what it saves.
const REMEMBERED: usize = 8;

/// An IPv4 address in dotted decimal, as `Ipv4Addr`'s `Display` (and Go's
/// `net.IP.String`) writes it, into `buf`: the walk above formats an
/// address per try for every offer ranked, and `Display` through the
/// formatter was 8% of `plan --samples 1000` (56,609 calls, about 1,000
/// instructions each).
fn v4_text(v: u32, buf: &mut [u8; 15]) -> &str {
    let mut n = 0;
    for (i, o) in v.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            buf[n] = b'.';
            n += 1;
        }
        if o >= 100 {
            buf[n] = b'0' + o / 100;
            n += 1;
        }
        if o >= 10 {
            buf[n] = b'0' + (o / 10) % 10;
            n += 1;
        }
        buf[n] = b'0' + o % 10;
        n += 1;
    }
    // Only ASCII digits and dots were written.
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_text_writes_what_display_writes() {
        let mut buf = [0u8; 15];
        for v in [
            0u32,
            1,
            9,
            10,
            99,
            100,
            255,
            256,
            0x0a00_0005,
            0xc0a8_0101,
            0x7f00_0001,
            u32::MAX,
        ]
        .into_iter()
        .chain((0..2000).map(|k: u32| k.wrapping_mul(2_654_435_761)))
        {
            assert_eq!(
                v4_text(v, &mut buf),
                std::net::Ipv4Addr::from(v).to_string()
            );
        }
    }

    #[test]
    fn a_remembered_parse_is_the_parse_of_the_same_text() {
        let texts = [
            "10.0.0.5/24",
            "10.0.0.5/24",
            "10.0.0.6/24",
            "fd00::1/64",
            "not an address",
            "not an address",
            "10.0.0.5/33",
            "10.0.0.5/24",
            "",
        ];
        for t in texts {
            assert_eq!(parse_again(t), parse(t), "{t:?}");
        }
        // More texts than are kept, each asked twice, in turn.
        let many: Vec<String> = (0..3 * REMEMBERED)
            .map(|i| format!("10.0.{i}.1/{}", 16 + i))
            .collect();
        for _ in 0..2 {
            for t in &many {
                assert_eq!(parse_again(t), parse(t), "{t:?}");
            }
        }
    }

    #[test]
    fn a_cidr_offers_its_addresses_from_the_network_address_up() {
        assert_eq!(
            first_ip("10.0.0.5/32").map(|i| i.to_string()),
            Some("10.0.0.5".into())
        );
        assert_eq!(
            first_ip("10.0.0.5/24").map(|i| i.to_string()),
            Some("10.0.0.0".into())
        );
        assert_eq!(
            first_ip("fd00::1/128").map(|i| i.to_string()),
            Some("fd00::1".into())
        );
        assert_eq!(first_ip("10.0.0.5"), None);
        assert_eq!(first_ip("10.0.0.5/33"), None);
        let taken = |ip: &str| ip == "10.0.0.0" || ip == "10.0.0.1";
        assert_eq!(first_free("10.0.0.0/30", 3, taken), Some("10.0.0.2".into()));
        assert_eq!(first_free("10.0.0.1/32", 2, |ip| ip == "10.0.0.1"), None);
        assert_eq!(
            first_free("fd00::/127", 2, |ip| ip == "fd00::"),
            Some("fd00::1".into())
        );
    }
}
