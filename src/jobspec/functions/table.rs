//! Which functions a job file may call, per Nomad release: the keys of
//! `Functions()` in `jobspec2/functions.go`, read at every release tag from
//! v1.0.0 to v2.0.5 of hashicorp/nomad. The table changed twice:
//!
//! - v1.0.0 (a480eed0815c54612856d9115a34bb1d1a773e8c) to v1.3.1: [`BASE`];
//! - v1.3.2 (bf602974112964e9691729f3f0716ff2bcdb3b44): `filebase64` added;
//! - v1.4.0 (ebaabc9e5ead691dbf1509ed8755ef1e24d4ddf7): `strlen` added, and
//!   the table stays the same through v2.0.5
//!   (5c8612bba6eb8e44cc3fc434125cb1b13463c309), where `md5` and `sha1` are
//!   registered only outside FIPS mode ([`crate::jobspec::fips140`]
//!   decides, from the shell's `GODEBUG`).
//!
//! Every 1.0.x–1.2.x patch release has [`BASE`]; no 1.3.x patch after 1.3.2
//! has `strlen`. Releases before 1.0 have no `jobspec2` (the v0.12.x trees
//! hold none): their CLI parses HCL1, which has no function calls at all;
//! we evaluate such files as HCL2 with the 1.0.0 table, the closest release
//! that evaluates functions.
//!
//! None of Nomad's tables holds `tostring`, `tonumber`, `tobool`, `tolist`,
//! `tomap`, `toset`, `alltrue`, `anytrue`, `one`, `sum`, `startswith`,
//! `endswith`, `strcontains`, `regex`, `regexall`, `timestamp` or
//! `templatefile` (Terraform's, not Nomad's): calling one is HCL's "Call to
//! unknown function" under every release.

use crate::jobspec::fips140::Fips140;
use crate::version::NomadVersion;

/// The function table of v1.0.0, in the source's order.
const BASE: &[&str] = &[
    "abs",
    "base64decode",
    "base64encode",
    "bcrypt",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "convert",
    "csvdecode",
    "distinct",
    "element",
    "flatten",
    "floor",
    "format",
    "formatdate",
    "formatlist",
    "indent",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "max",
    "md5",
    "merge",
    "min",
    "parseint",
    "pow",
    "range",
    "reverse",
    "replace",
    "regex_replace",
    "rsadecrypt",
    "setintersection",
    "setproduct",
    "setunion",
    "sha1",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "strrev",
    "substr",
    "timeadd",
    "title",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "urlencode",
    "uuidv4",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
    "abspath",
    "basename",
    "dirname",
    "file",
    "fileexists",
    "fileset",
    "pathexpand",
];

/// Functions added after 1.0.0, with the first release that has each.
const ADDED: &[(&str, NomadVersion)] = &[
    ("filebase64", NomadVersion::new(1, 3, 2)),
    ("strlen", NomadVersion::new(1, 4, 0)),
];

/// Does the job-file function table of Nomad `v` hold `name`?
pub fn available(name: &str, v: NomadVersion) -> bool {
    BASE.contains(&name) || ADDED.iter().any(|(n, since)| *n == name && v >= *since)
}

/// The first release whose table holds `name`, if any does.
pub fn since(name: &str) -> Option<NomadVersion> {
    if BASE.contains(&name) {
        return Some(NomadVersion::new(1, 0, 0));
    }
    ADDED.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// Every name of Nomad `v`'s table, sorted.
pub fn table(v: NomadVersion) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = BASE
        .iter()
        .copied()
        .chain(ADDED.iter().filter(|(_, s)| v >= *s).map(|(n, _)| *n))
        .collect();
    all.sort_unstable();
    all
}

/// HCL's "Call to unknown function" detail for `name` under `v`: its
/// suggestion is a table name within Levenshtein distance 2 (hclsyntax
/// `nameSuggestion`). Go walks the table in map order, so when several
/// names are that close Nomad names any one of them; we name the first in
/// sorted order.
pub fn unknown_detail(name: &str, v: NomadVersion) -> String {
    unknown_detail_in(name, v, Fips140::Off)
}

/// [`unknown_detail`] with the table the CLI's FIPS mode leaves
/// ([`crate::jobspec::fips140`]): `md5` is no suggestion where it is gone.
pub fn unknown_detail_in(name: &str, v: NomadVersion, fips: Fips140) -> String {
    let offered = |t: &&str| fips.offers(t, v) == crate::jobspec::fips140::Offered::Yes;
    let suggestion = table(v)
        .into_iter()
        .filter(offered)
        .find(|t| levenshtein(name, t) < 3)
        .map(|t| format!(" Did you mean {t:?}?"))
        .unwrap_or_default();
    format!("There is no function named {name:?}.{suggestion}")
}

/// Edit distance counted in characters (runes), as go-textseg's
/// levenshtein used by hclsyntax counts them.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_0: NomadVersion = NomadVersion::new(1, 0, 0);
    const V1_3_1: NomadVersion = NomadVersion::new(1, 3, 1);
    const V1_3_2: NomadVersion = NomadVersion::new(1, 3, 2);
    const V2_0: NomadVersion = NomadVersion::CURRENT;

    #[test]
    fn the_tables_have_the_sizes_read_from_each_tag() {
        assert_eq!(table(V1_0).len(), 81);
        assert_eq!(table(V1_3_1).len(), 81);
        assert_eq!(table(V1_3_2).len(), 82);
        assert_eq!(table(NomadVersion::new(1, 3, 16)).len(), 82);
        assert_eq!(table(NomadVersion::new(1, 4, 0)).len(), 83);
        assert_eq!(table(V2_0).len(), 83);
    }

    #[test]
    fn later_functions_arrive_with_their_release() {
        assert!(!available("filebase64", V1_3_1));
        assert!(available("filebase64", V1_3_2));
        assert!(!available("strlen", NomadVersion::new(1, 3, 16)));
        assert!(available("strlen", NomadVersion::new(1, 4, 0)));
        assert_eq!(since("strlen"), Some(NomadVersion::new(1, 4, 0)));
        assert_eq!(since("abs"), Some(V1_0));
    }

    #[test]
    fn terraform_only_functions_are_in_no_table() {
        for name in [
            "tostring",
            "tonumber",
            "tobool",
            "tolist",
            "tomap",
            "toset",
            "alltrue",
            "anytrue",
            "one",
            "sum",
            "startswith",
            "endswith",
            "strcontains",
            "regex",
            "regexall",
            "timestamp",
            "templatefile",
        ] {
            assert!(!available(name, V2_0), "{name}");
            assert_eq!(since(name), None, "{name}");
        }
    }

    #[test]
    fn the_unknown_function_text_suggests_a_close_name() {
        assert_eq!(
            unknown_detail("tostring", V2_0),
            "There is no function named \"tostring\"."
        );
        assert_eq!(
            unknown_detail("uper", V2_0),
            "There is no function named \"uper\". Did you mean \"upper\"?"
        );
        // The suggestion comes from the version's own table.
        assert_eq!(
            unknown_detail("filebase", V1_3_1),
            "There is no function named \"filebase\"."
        );
        assert_eq!(
            unknown_detail("filebase", V1_3_2),
            "There is no function named \"filebase\". Did you mean \"filebase64\"?"
        );
    }
}
