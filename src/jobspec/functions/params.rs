//! Each job-file function's parameters as cty declares them: their names
//! and types word hclsyntax's argument errors (`Not enough function
//! arguments`, `Invalid value for "str" parameter: ...`). [`TABLE`] is
//! what `oracle-eval-old -params` (tests/hcl-oracle/hcleval.go) prints of
//! Nomad's function table with go-cty 1.12.1, go-cty-funcs 2721b1e3 and
//! hcl 68a97f93; the releases
//! whose go-cty words it differently are patched in [`signature`], each
//! difference read from go-cty's tags and Nomad's go.mod at every tag
//! ([`cty_release`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::version::NomadVersion;

/// A parameter's type, as far as argument conversion needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Number,
    Bool,
    /// cty.DynamicPseudoType: any value.
    Any,
    List(Box<Ty>),
    Set(Box<Ty>),
    /// `try` and `can`: the expression itself, evaluated by the function.
    Expr,
    /// `convert`'s type expression.
    TypeExpr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub allow_null: bool,
}

/// A function's fixed parameters and its variadic one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<Param>,
    pub var: Option<Param>,
}

const TABLE: &str = "\
abs num:cty.Number:false
abspath path:cty.String:false
base64decode str:cty.String:false
base64encode str:cty.String:false
basename path:cty.String:false
bcrypt str:cty.String:false ...cost:cty.Number:false
can expression:customdecode.ExpressionClosureType:false
ceil num:cty.Number:false
chomp str:cty.String:false
chunklist list:cty.List(cty.DynamicPseudoType):false size:cty.Number:false
cidrhost prefix:cty.String:false hostnum:cty.Number:false
cidrnetmask prefix:cty.String:false
cidrsubnet prefix:cty.String:false newbits:cty.Number:false netnum:cty.Number:false
cidrsubnets prefix:cty.String:false ...newbits:cty.Number:false
coalesce ...vals:cty.DynamicPseudoType:true
coalescelist ...vals:cty.DynamicPseudoType:true
compact list:cty.List(cty.String):false
concat ...seqs:cty.DynamicPseudoType:false
contains list:cty.DynamicPseudoType:false value:cty.DynamicPseudoType:false
convert value:cty.DynamicPseudoType:true type:typeexpr.TypeConstraintType:false
csvdecode str:cty.String:false
dirname path:cty.String:false
distinct list:cty.List(cty.DynamicPseudoType):false
element list:cty.DynamicPseudoType:false index:cty.Number:false
file path:cty.String:false
filebase64 path:cty.String:false
fileexists path:cty.String:false
fileset path:cty.String:false pattern:cty.String:false
flatten list:cty.DynamicPseudoType:false
floor num:cty.Number:false
format format:cty.String:false ...args:cty.DynamicPseudoType:true
formatdate format:cty.String:false time:cty.String:false
formatlist format:cty.String:false ...args:cty.DynamicPseudoType:true
indent spaces:cty.Number:false str:cty.String:false
index collection:cty.DynamicPseudoType:false key:cty.DynamicPseudoType:false
join separator:cty.String:false ...lists:cty.List(cty.String):false
jsondecode str:cty.String:false
jsonencode val:cty.DynamicPseudoType:true
keys inputMap:cty.DynamicPseudoType:false
length collection:cty.DynamicPseudoType:false
log num:cty.Number:false base:cty.Number:false
lookup inputMap:cty.DynamicPseudoType:false key:cty.String:false default:cty.DynamicPseudoType:false
lower str:cty.String:false
max ...numbers:cty.Number:false
md5 str:cty.String:false
merge ...maps:cty.DynamicPseudoType:true
min ...numbers:cty.Number:false
parseint number:cty.DynamicPseudoType:false base:cty.Number:false
pathexpand path:cty.String:false
pow num:cty.Number:false power:cty.Number:false
range ...params:cty.Number:false
regex_replace str:cty.String:false pattern:cty.String:false replace:cty.String:false
replace str:cty.String:false substr:cty.String:false replace:cty.String:false
reverse str:cty.String:false
rsadecrypt ciphertext:cty.String:false privatekey:cty.String:false
setintersection first_set:cty.Set(cty.DynamicPseudoType):false ...other_sets:cty.Set(cty.DynamicPseudoType):false
setproduct ...sets:cty.DynamicPseudoType:false
setunion first_set:cty.Set(cty.DynamicPseudoType):false ...other_sets:cty.Set(cty.DynamicPseudoType):false
sha1 str:cty.String:false
sha256 str:cty.String:false
sha512 str:cty.String:false
signum num:cty.Number:false
slice list:cty.DynamicPseudoType:false start_index:cty.Number:false end_index:cty.Number:false
sort list:cty.List(cty.String):false
split separator:cty.String:false str:cty.String:false
strlen str:cty.String:false
strrev str:cty.String:false
substr str:cty.String:false offset:cty.Number:false length:cty.Number:false
timeadd timestamp:cty.String:false duration:cty.String:false
title str:cty.String:false
trim str:cty.String:false cutset:cty.String:false
trimprefix str:cty.String:false prefix:cty.String:false
trimspace str:cty.String:false
trimsuffix str:cty.String:false suffix:cty.String:false
try ...expressions:customdecode.ExpressionClosureType:false
upper str:cty.String:false
urlencode str:cty.String:false
uuidv4 
uuidv5 namespace:cty.String:false name:cty.String:false
values mapping:cty.DynamicPseudoType:false
yamldecode src:cty.String:false
yamlencode value:cty.DynamicPseudoType:true
zipmap keys:cty.List(cty.String):false values:cty.DynamicPseudoType:false
";

fn parse_ty(s: &str) -> Option<Ty> {
    Some(match s {
        "cty.String" => Ty::String,
        "cty.Number" => Ty::Number,
        "cty.Bool" => Ty::Bool,
        "cty.DynamicPseudoType" => Ty::Any,
        "customdecode.ExpressionClosureType" => Ty::Expr,
        "typeexpr.TypeConstraintType" => Ty::TypeExpr,
        _ => {
            let (kind, inner) = s.strip_suffix(')')?.split_once('(')?;
            let inner = Box::new(parse_ty(inner)?);
            match kind {
                "cty.List" => Ty::List(inner),
                "cty.Set" => Ty::Set(inner),
                _ => return None,
            }
        }
    })
}

fn parse_param(s: &'static str) -> Option<Param> {
    let mut parts = s.split(':');
    let name = parts.next()?;
    let ty = parse_ty(parts.next()?)?;
    let allow_null = parts.next()? == "true";
    Some(Param {
        name,
        ty,
        allow_null,
    })
}

fn table() -> &'static HashMap<&'static str, Signature> {
    static T: OnceLock<HashMap<&'static str, Signature>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out = HashMap::new();
        for line in TABLE.lines() {
            let mut words = line.split(' ');
            let Some(name) = words.next() else { continue };
            let mut sig = Signature {
                params: Vec::new(),
                var: None,
            };
            for w in words.filter(|w| !w.is_empty()) {
                match w.strip_prefix("...") {
                    Some(v) => sig.var = parse_param(v),
                    None => sig.params.extend(parse_param(w)),
                }
            }
            out.insert(name, sig);
        }
        out
    })
}

/// The go-cty release Nomad `v` builds with (go.mod at each tag; the
/// first tag of each change per release line). Before 1.0 Nomad has no
/// HCL2 functions; we evaluate those files with 1.0.0's.
///
/// v1.19.0 (2.0.5 only) is not in zclconf/go-cty's mirror (newest tag
/// v1.18.1); its text was read from hashicorp/terraform-provider-azurerm,
/// which vendors it: commit db0bb198f83930632de290d9172f66ce4af7e0d5
/// moves `vendor/modules.txt` from `# github.com/zclconf/go-cty v1.18.1`
/// to `v1.19.0` (go.mod `github.com/zclconf/go-cty v1.19.0`), and its
/// parent's vendored copy is byte-identical to the v1.18.1 tag's files
/// (88 files of cty, convert, ctymarks, ctystrings, function, stdlib,
/// gocty, json, set). The commit touches six files (two new), none in
/// what a job file gets: string.go (`strrev`, `strlen`, `substr`) and
/// format.go (`format`'s width and precision) call
/// `cty/internal/graphemes`, which
/// is go-textseg v15 (as before) below go1.27 and v17 from it (Nomad
/// 2.0.5 is Go 1.26.5: [`crate::gorelease::go_of`]); format.go's own
/// `tokenCount` is textseg's `TokenCount`, copied; ctystrings/prefix.go's
/// `SafeKnownPrefix` (an unknown string's known prefix, hclsyntax's
/// template refinement) scans a trailing cluster at end of input, which
/// with textseg v15 answers as before (only a lone CR or LF fails its
/// first scan, and neither is kept: both releases' functions, built from
/// those texts with textseg v15, gave the same prefix for 12 million
/// strings, every code point among them); marks.go adds two methods.
pub fn cty_release(v: NomadVersion) -> NomadVersion {
    let at = |a, b, c| v.at_least(a, b, c);
    let (ma, mi, pa) = (v.major, v.minor, v.patch);
    let r = match (ma, mi) {
        (0, _) => (1, 4, 1),
        (1, 0) if pa < 6 => (1, 4, 1),
        (1, 0..=2) => (1, 8, 0),
        (1, 3) if pa < 10 => (1, 8, 0),
        (1, 4) if pa < 5 => (1, 11, 0),
        (1, 3..=7) => (1, 12, 1),
        (1, 8) if pa == 0 => (1, 12, 1),
        (1, 8) => (1, 13, 0),
        (1, 9) if pa < 5 => (1, 13, 0),
        (1, 9) if pa < 7 => (1, 16, 0),
        (1, 9) => (1, 16, 2),
        (1, 10) if pa < 2 => (1, 16, 2),
        (1, 10) if pa < 5 => (1, 16, 3),
        (1, 10) => (1, 16, 4),
        (1, 11) if pa < 3 => (1, 17, 0),
        (1, 11) => (1, 18, 0),
        (2, 0) if pa == 0 => (1, 18, 0),
        (2, 0) if pa < 5 => (1, 18, 1),
        _ if at(2, 0, 5) => (1, 19, 0),
        _ => (1, 19, 0),
    };
    NomadVersion::new(r.0, r.1, r.2)
}

/// The go-cty-funcs release Nomad `v` builds with (go.mod: 2721b1e36840
/// through v1.11.1, v0.1.0 from v1.11.2; no 1.10.x patch took it). One
/// fact, since v0.1.0 also pins what its functions call: go-cidr v1.1.0
/// and doublestar v1.3.4 (v1.0.1 and v1.1.5 before).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtyFuncs {
    /// v0.0.0-20200930094925-2721b1e36840.
    Rev2721b1e,
    V0_1_0,
}

pub fn cty_funcs_release(v: NomadVersion) -> CtyFuncs {
    if v.at_least(1, 11, 2) {
        CtyFuncs::V0_1_0
    } else {
        CtyFuncs::Rev2721b1e
    }
}

/// `name`'s parameters under Nomad `v`, if the table has it.
pub fn signature(name: &str, v: NomadVersion) -> Option<Signature> {
    let mut sig = table().get(name)?.clone();
    let cty = cty_release(v);
    // go-cty 1.12.0 renamed these parameters.
    if !cty.at_least(1, 12, 0) {
        match name {
            "regex_replace" => sig.params[1].name = "substr",
            "values" => sig.params[0].name = "values",
            _ => {}
        }
    }
    // go-cty 1.4.2: jsonencode(null) is "null".
    if name == "jsonencode" && !cty.at_least(1, 4, 2) {
        sig.params[0].allow_null = false;
    }
    // go-cty 1.18.1: contains(list, null) is a question, not an error.
    if name == "contains" && cty.at_least(1, 18, 1) {
        sig.params[1].allow_null = true;
    }
    Some(sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_of_the_table_has_a_signature() {
        for name in super::super::table(NomadVersion::CURRENT) {
            assert!(signature(name, NomadVersion::CURRENT).is_some(), "{name}");
        }
        let join = signature("join", NomadVersion::CURRENT).unwrap();
        assert_eq!(join.params[0].name, "separator");
        assert_eq!(join.var.map(|p| p.ty), Some(Ty::List(Box::new(Ty::String))));
        assert!(signature("uuidv4", NomadVersion::CURRENT)
            .unwrap()
            .params
            .is_empty());
    }

    #[test]
    fn cty_renames_follow_each_release_line() {
        let name = |f: &str, v| signature(f, v).unwrap().params[0].name;
        assert_eq!(name("values", NomadVersion::new(1, 3, 9)), "values");
        assert_eq!(name("values", NomadVersion::new(1, 3, 10)), "mapping");
        assert_eq!(name("values", NomadVersion::new(1, 4, 4)), "values");
        assert_eq!(name("values", NomadVersion::new(1, 4, 5)), "mapping");
        assert_eq!(
            cty_release(NomadVersion::new(1, 10, 2)),
            NomadVersion::new(1, 16, 3)
        );
        assert_eq!(
            cty_release(NomadVersion::new(2, 0, 5)),
            NomadVersion::new(1, 19, 0)
        );
    }
}
