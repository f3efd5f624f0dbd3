//! `ConsulTransparentProxy.Validate` (nomad/structs/connect.go, 1.8.0+,
//! unchanged to 2.0.5), which `ConsulConnect.Validate` runs first for a
//! sidecar: each `uid` and `exclude_uids` entry must be a 16-bit unsigned
//! decimal (`strconv.ParseUint(s, 10, 16)`, whose error Nomad unwraps to
//! `invalid syntax` or `value out of range`). One error is returned bare,
//! several as their own multierror (one item of the service's list).
//!
//! `exclude_outbound_cidrs` go through Go's `netip.ParsePrefix`
//! (validate_connect_netip.rs).

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// Go's `strconv.ParseUint(s, 10, 16)` error, unwrapped (`NumError.Err`).
fn parse_u16_error(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("invalid syntax");
    }
    let mut n: u32 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return Some("invalid syntax");
        }
        n = n * 10 + u32::from(b - b'0');
        if n > u32::from(u16::MAX) {
            // ParseUint stops at the first digit that overflows.
            return Some("value out of range");
        }
    }
    None
}

/// Validate `tp` of service `service`; says whether it found anything.
pub(super) fn validate(
    tp: &TransparentProxy,
    service: &str,
    v: NomadVersion,
    out: &mut Out<'_>,
) -> bool {
    let mut errs: Vec<(String, &'static str)> = Vec::new();
    let go = crate::gorelease::go_of(v);
    for c in &tp.exclude_outbound_cidrs {
        if let Some(e) = super::validate_connect_netip::parse_prefix_error(c, go) {
            errs.push((
                format!("could not parse transparent proxy excluded outbound CIDR as network prefix: {e}"),
                "exclude_outbound_cidrs",
            ));
        }
    }
    let uid = |field: &str, u: &str| {
        parse_u16_error(u).map(|e| {
            format!(
                "transparent proxy block has invalid {field} field: invalid user ID {}: {e}",
                go_quote(u)
            )
        })
    };
    if !tp.uid.is_empty() {
        if let Some(e) = uid("UID", &tp.uid) {
            errs.push((e, "uid"));
        }
    }
    for u in &tp.exclude_uids {
        if let Some(e) = uid("ExcludeUIDs", u) {
            errs.push((e, "exclude_uids"));
        }
    }
    if errs.is_empty() {
        return false;
    }
    let one = errs.len() == 1;
    let push = |out: &mut Out<'_>| {
        for (text, field) in errs {
            let msg = format!("Service {}: {text}", go_quote(service));
            refuse(
                out,
                text,
                "jobspec::value",
                tp.spans.best(field),
                msg,
                "transparent proxy",
                "user IDs are decimal numbers from 0 to 65535; CIDRs are written address/bits",
            );
        }
    };
    if one {
        push(out);
    } else {
        out.nested(None, push);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// services_test.go `TestConnectTransparentProxy_Validate` (connect_test.go, v1.8.0) and
    /// strconv.ParseUint's grammar.
    #[test]
    fn uids_are_sixteen_bit_decimals() {
        assert_eq!(parse_u16_error("101"), None);
        assert_eq!(parse_u16_error("65535"), None);
        assert_eq!(parse_u16_error("65536"), Some("value out of range"));
        assert_eq!(parse_u16_error("foo"), Some("invalid syntax"));
        assert_eq!(parse_u16_error(""), Some("invalid syntax"));
        assert_eq!(parse_u16_error("+1"), Some("invalid syntax"));
        // The overflow is met before the letter.
        assert_eq!(parse_u16_error("700000x"), Some("value out of range"));
    }
}
