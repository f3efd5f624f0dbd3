//! CIDR arithmetic (go-cty-funcs/cidr): `cidrhost`, `cidrnetmask`,
//! `cidrsubnet`, `cidrsubnets`.

use super::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "cidrhost" => Ok(cidrhost(a)?),
        "cidrnetmask" => Ok(cidrnetmask(a)?),
        "cidrsubnet" => Ok(cidrsubnet(a)?),
        "cidrsubnets" => Ok(cidrsubnets(a)?),
        _ => Err(Miss::Skip),
    }
}

/// A parsed `addr/len` prefix, as the network address and its length.
fn prefix(text: &str) -> Result<(u128, u32, bool), String> {
    let bad = || format!("invalid CIDR expression: invalid CIDR address: {text}");
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    let ip: IpAddr = addr.parse().map_err(|_| bad())?;
    let len: u32 = len.parse().map_err(|_| bad())?;
    let (bits, v4, raw) = match ip {
        IpAddr::V4(a) => (32, true, u128::from(u32::from(a))),
        IpAddr::V6(a) => (128, false, u128::from(a)),
    };
    if len > bits {
        return Err(bad());
    }
    let host_bits = bits - len;
    let net = if host_bits >= 128 {
        0
    } else {
        raw >> host_bits << host_bits
    };
    Ok((net, len, v4))
}

fn addr_text(x: u128, v4: bool) -> String {
    if v4 {
        Ipv4Addr::from(x as u32).to_string()
    } else {
        Ipv6Addr::from(x).to_string()
    }
}

fn whole(v: &Value) -> Result<i128, String> {
    let x = n(v)?;
    if x.fract() != 0.0 {
        return Err("value must be a whole number".into());
    }
    Ok(x as i128)
}

fn cidrhost(a: &[Value]) -> Res {
    let (net, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    let bits = if v4 { 32 } else { 128 };
    let host_bits = bits - len;
    let num = whole(arg(a, 1)?)?;
    let size: i128 = if host_bits >= 127 {
        i128::MAX
    } else {
        1i128 << host_bits
    };
    let idx = if num < 0 { size + num } else { num };
    if idx < 0 || idx >= size {
        return Err(format!(
            "prefix of {len} does not accommodate a host numbered {num}"
        ));
    }
    Ok(Value::String(addr_text(net + idx as u128, v4)))
}

fn cidrnetmask(a: &[Value]) -> Res {
    let (_, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    if !v4 {
        return Err("only IPv4 networks are supported".into());
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

fn subnet(net: u128, len: u32, v4: bool, newbits: i128, num: i128) -> Result<(u128, u32), String> {
    let bits = if v4 { 32 } else { 128 };
    if newbits < 0 || len as i128 + newbits > bits as i128 {
        return Err(format!(
            "insufficient address space to extend prefix of {len} by {newbits}"
        ));
    }
    let newlen = len + newbits as u32;
    if num < 0 || (newbits < 127 && num >= 1i128 << newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let shift = bits - newlen;
    let add = if shift >= 128 {
        0
    } else {
        (num as u128) << shift
    };
    Ok((net | add, newlen))
}

fn cidrsubnet(a: &[Value]) -> Res {
    let (net, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    let (sub, newlen) = subnet(net, len, v4, whole(arg(a, 1)?)?, whole(arg(a, 2)?)?)?;
    Ok(Value::String(format!("{}/{newlen}", addr_text(sub, v4))))
}

/// go-cty-funcs `cidrsubnets`: consecutive subnets of the given sizes.
fn cidrsubnets(a: &[Value]) -> Res {
    let text = s(arg(a, 0)?)?;
    let (net, len, v4) = prefix(&text)?;
    let bits: u32 = if v4 { 32 } else { 128 };
    let mut out = Vec::new();
    let mut next = net;
    for (i, nb) in a[1..].iter().enumerate() {
        let newbits = whole(nb)?;
        if newbits < 1 || len as i128 + newbits > bits as i128 {
            return Err(format!(
                "would extend prefix to {} bits, which is too long for an IPv{} address",
                len as i128 + newbits,
                if v4 { 4 } else { 6 }
            ));
        }
        let newlen = len + newbits as u32;
        let size: u128 = 1u128 << (bits - newlen).min(127);
        // Align to the new prefix length.
        let start = next.div_ceil(size) * size;
        let end = start + size - 1;
        let top = if bits - len >= 128 {
            u128::MAX
        } else {
            net + ((1u128 << (bits - len)) - 1)
        };
        if end > top || start < net {
            return Err(format!(
                "not enough remaining address space for a subnet with a prefix of {newlen} bits after {}",
                out.last().and_then(|v: &Value| v.as_str().map(str::to_string)).unwrap_or_else(|| text.clone())
            ));
        }
        let _ = i;
        out.push(Value::String(format!("{}/{newlen}", addr_text(start, v4))));
        next = end.wrapping_add(1);
    }
    Ok(Value::List(out))
}
