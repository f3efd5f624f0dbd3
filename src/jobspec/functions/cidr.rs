//! CIDR arithmetic (go-cty-funcs/cidr over apparentlymart/go-cidr):
//! `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`. The prefix is
//! read by `net.ParseCIDR` of the Go the release was built with
//! ([`crate::gonet`]); go-cty-funcs' own code is the same at every tag
//! (2721b1e to v0.1.0 add only license headers). go-cidr is not: Nomad
//! 1.0.0-1.11.1 build go-cidr 1.0.1, 1.11.2 onward 1.1.0 (go.mod per tag),
//! whose `SubnetBig`/`HostBig` hold the number as a `big.Int`
//! ([`GoCidr`]): a negative subnet number passes its check and lands
//! where `big.Int.Or`'s two's complement puts it, and `Host`'s error
//! names the number it overwrote.

use super::*;
use crate::gonet::{ip_text, net_text, parse_cidr, Cidr, CidrError};

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    if matches!(
        name,
        "cidrhost" | "cidrnetmask" | "cidrsubnet" | "cidrsubnets"
    ) {
        go_unsettled(env, a)?;
    }
    match name {
        "cidrhost" => Ok(cidrhost(env, a)?),
        "cidrnetmask" => Ok(cidrnetmask(env, a)?),
        "cidrsubnet" => Ok(cidrsubnet(env, a)?),
        "cidrsubnets" => cidrsubnets(env, a),
        _ => Err(Miss::Skip),
    }
}

/// An Enterprise-only release whose changelogs leave its Go open across a
/// change in what `net.ParseCIDR` accepts (Go 1.23's four-digit IPv6
/// groups, [`crate::gorelease::STEPS`]), and a prefix those Go releases
/// read differently: Nomad's answer is not known here.
fn go_unsettled(env: &FnEnv<'_>, a: &[Value]) -> Result<(), Miss> {
    let Some(Ok(text)) = a.first().map(s) else {
        return Ok(());
    };
    let span = crate::gorelease::go_span(env.version);
    if span.settle(|go| parse_cidr(&text, go)).is_some() {
        return Ok(());
    }
    Err(Miss::CannotTell(format!(
        "cannot tell what Nomad {} makes of the CIDR prefix {}: its changelogs leave its Go open ({}), and net.ParseCIDR reads the prefix differently across that range",
        env.version.named(),
        crate::gotext::go_quote(&text),
        span.text()
    )))
}

/// The prefix argument, as go-cty-funcs reports a parse failure.
fn prefix(env: &FnEnv<'_>, v: &Value) -> Result<Cidr, String> {
    let text = s(v)?;
    parse_cidr(&text, crate::gorelease::go_of(env.version))
        .map_err(|CidrError(t)| format!("invalid CIDR expression: {t}"))
}

/// An IPv4-mapped network (`::ffff:a.b.c.d/96+`): go-cidr numbers its
/// hosts and subnets from bit 32 of the 128 (`ip.To4() != nil` picks 32
/// bits for a 16-byte address), which we do not reproduce.
fn mapped(c: &Cidr) -> Result<(), String> {
    if !c.v4 && c.network() >> 32 == 0xffff {
        return Err(format!(
            "cannot tell what go-cidr computes for the IPv4-mapped network {}",
            net_text(c.network(), c.prefix, c.v4)
        ));
    }
    Ok(())
}

/// The go-cidr release a Nomad version builds (its go.mod: v1.0.1 as
/// go-cty-funcs 2721b1e requires it, v1.1.0 with go-cty-funcs v0.1.0
/// from Nomad 1.11.2; no 1.10.x patch took it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GoCidr {
    /// `Subnet`/`Host` on Go ints (cidr.go at v1.0.1).
    V1_0_1,
    /// `SubnetBig`/`HostBig` on a `*big.Int` (cidr.go at v1.1.0).
    V1_1_0,
}

impl GoCidr {
    fn of(v: crate::version::NomadVersion) -> Self {
        match super::params::cty_funcs_release(v) {
            super::params::CtyFuncs::V0_1_0 => GoCidr::V1_1_0,
            super::params::CtyFuncs::Rev2721b1e => GoCidr::V1_0_1,
        }
    }
}

/// go-cidr `Host`: host `num` of the network, negative numbers counting
/// back from the last address.
fn cidrhost(env: &FnEnv<'_>, a: &[Value]) -> Res {
    let num = go_int(arg(a, 1)?)?;
    let c = prefix(env, arg(a, 0)?)?;
    mapped(&c)?;
    host(&c, num, GoCidr::of(env.version))
}

/// go-cidr `Host`/`HostBig` of `num` in `c`, as `go_cidr` words it.
fn host(c: &Cidr, num: i64, go_cidr: GoCidr) -> Res {
    let host_bits = c.bits() - c.prefix;
    let max: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let magnitude = if num < 0 {
        u128::from((-(num + 1)) as u64)
    } else {
        u128::from(num as u64)
    };
    if magnitude > max {
        // 1.1.0's HostBig has already overwritten a negative `num` with
        // `max - (-num - 1)` when it words the error (-10 on a /30 is
        // "-6"); 1.0.1 names the int it was given. `max` is below 2^63
        // here, so the difference fits.
        let named = match go_cidr {
            GoCidr::V1_1_0 if num < 0 => (max as i128 - magnitude as i128).to_string(),
            _ => num.to_string(),
        };
        return Err(format!(
            "prefix of {} does not accommodate a host numbered {named}",
            c.prefix
        ));
    }
    let idx = if num < 0 { max - magnitude } else { magnitude };
    Ok(Value::String(ip_text(c.network() | idx, c.v4)))
}

/// `net.IP(network.Mask).String()`: an IPv6 prefix gives its mask in
/// IPv6 form, as Go prints it.
fn cidrnetmask(env: &FnEnv<'_>, a: &[Value]) -> Res {
    let c = prefix(env, arg(a, 0)?)?;
    let bits = c.bits();
    let mask: u128 = if c.prefix == 0 {
        0
    } else {
        (u128::MAX << (128 - c.prefix)) >> (128 - bits)
    };
    Ok(Value::String(ip_text(mask, c.v4)))
}

/// go-cidr `Subnet`, after go-cty-funcs' own 32-bit limit.
fn subnet(c: &Cidr, newbits: i64, num: i64, go_cidr: GoCidr) -> Result<(u128, u32), String> {
    if newbits > 32 {
        return Err("may not extend prefix by more than 32 bits".into());
    }
    if newbits < 0 {
        // go-cidr computes a shorter prefix from a wrapped shift; not
        // reproduced.
        return Err(format!(
            "cannot tell what go-cidr computes for a prefix extension of {newbits}"
        ));
    }
    let newlen = c.prefix + newbits as u32;
    if newlen > c.bits() {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            c.prefix
        ));
    }
    // 1.0.1: `uint64(num) > maxNetNum`, a negative number wraps to a
    // huge one. 1.1.0: `num.Uint64()` of a big.Int is its magnitude's low
    // 64 bits, so -1 passes as 1.
    let max_num = (1u64 << newbits) - 1;
    let magnitude = num.unsigned_abs();
    let refused = match go_cidr {
        GoCidr::V1_0_1 => num < 0 || magnitude > max_num,
        GoCidr::V1_1_0 => magnitude > max_num,
    };
    if refused {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let shift = c.bits() - newlen;
    // Below 2^(bits - prefix): max_num << shift fits the host part.
    let add = if shift >= 128 {
        0
    } else {
        u128::from(magnitude) << shift
    };
    if num >= 0 || add == 0 {
        return Ok((c.network() | add, newlen));
    }
    // 1.1.0's insertNumIntoIP: `Lsh` keeps the sign (-(m << shift)), and
    // `ipInt.Or` of a negative big.Int is two's complement,
    // -(((m << shift) - 1) &^ ip + 1); intToIP then writes its
    // magnitude's bytes. The network's bits lie above the number's, so
    // the address is the shifted magnitude alone: cidrsubnet("10.0.0.0/8",
    // 8, -1) is "0.1.0.0/16" (rt15c's go-cidr 1.1.0 oracle).
    Ok((((add - 1) & !c.network()) + 1, newlen))
}

fn cidrsubnet(env: &FnEnv<'_>, a: &[Value]) -> Res {
    let newbits = go_int(arg(a, 1)?)?;
    let num = go_int(arg(a, 2)?)?;
    let c = prefix(env, arg(a, 0)?)?;
    mapped(&c)?;
    let (sub, newlen) = subnet(&c, newbits, num, GoCidr::of(env.version))?;
    Ok(Value::String(net_text(sub, newlen, c.v4)))
}

/// go-cty-funcs `cidrsubnets`: consecutive subnets of the given sizes,
/// each after the previous one (go-cidr `NextSubnet`), inside the base.
/// go-cty-funcs reports every failure here as an argument's (the prefix's
/// or that `newbits`'s), so hclsyntax points at the argument.
fn cidrsubnets(env: &FnEnv<'_>, a: &[Value]) -> Try {
    let c = prefix(env, arg(a, 0)?).map_err(|e| Miss::Arg(0, e))?;
    if a.len() < 2 {
        return Ok(Value::List(Vec::new()));
    }
    mapped(&c)?;
    let bits = c.bits();
    let net = c.network();
    let top = if bits - c.prefix >= 128 {
        u128::MAX
    } else {
        net + ((1u128 << (bits - c.prefix)) - 1)
    };
    let mut out = Vec::new();
    // The previous subnet's text (the base's, masked, before the first).
    let mut after = net_text(net, c.prefix, c.v4);
    // `None` once the last subnet ended at the top of the address space
    // (go-cidr's rollover).
    let mut next = Some(net);
    for (i, nb) in a[1..].iter().enumerate() {
        let at = |e: String| Miss::Arg(i + 1, e);
        let newbits = go_int(nb).map_err(at)?;
        if newbits < 1 {
            return Err(at("must extend prefix by at least one bit".into()));
        }
        if newbits > 32 {
            return Err(at("may not extend prefix by more than 32 bits".into()));
        }
        let newlen = c.prefix + newbits as u32;
        if newlen > bits {
            return Err(at(format!(
                "would extend prefix to {newlen} bits, which is too long for an IPv{} address",
                if c.v4 { 4 } else { 6 }
            )));
        }
        let size: u128 = 1u128 << (bits - newlen).min(127);
        // Aligned to the new prefix length.
        let fits = next.and_then(|at| {
            let start = at.div_ceil(size).checked_mul(size)?;
            let end = start.checked_add(size - 1)?;
            (end <= top).then_some((start, end))
        });
        let Some((start, end)) = fits else {
            return Err(at(format!(
                "not enough remaining address space for a subnet with a prefix of {newlen} bits after {after}"
            )));
        };
        after = net_text(start, newlen, c.v4);
        out.push(Value::String(after.clone()));
        next = end.checked_add(1);
    }
    Ok(Value::List(out))
}
