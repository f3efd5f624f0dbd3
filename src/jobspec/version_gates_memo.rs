//! What the version gates' walk learns once per block path (the idents
//! from `job`): every block at one path has the same HCL1 key check and
//! gives each key the same verdict, and a job repeats its paths (the
//! demo's 98 blocks have a few dozen). Finding the key check (a search of
//! HCL1's path table) and a key's gate (a search of version_keys.rs) for
//! each block and key again was ~60% of the walk in a `check --staged`.
//!
//! Bounded: a block with more distinct child names or keys than
//! [`CAP`] has the rest found as before, not remembered, so a hostile file
//! with thousands of names costs no more than it did (no list scanned
//! per name grows past [`CAP`]).

use super::version_keys::{self, Kind};
use super::Level;
use crate::jobspec::{hcl1_key_errors, hcl1_keys};
use crate::version::NomadVersion;

/// Most distinct child names, and keys, one path remembers.
const CAP: usize = 32;

/// A gated key's verdict at one path: what it is and the release that has
/// it (`None` for a key no release has there), and the release whose
/// parser no longer knows it, when `v` is past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Verdict {
    pub later: Option<(&'static str, NomadVersion)>,
    pub gone: Option<NomadVersion>,
}

/// One block path's findings, and its children's by name.
pub(super) struct Memo<'a> {
    /// HCL1 decodes blocks here without a key check (hcl1_dropped.rs):
    /// their keys are dropped, not refused.
    unchecked: bool,
    /// HCL1's key check here, found once for the path.
    checked: Option<hcl1_keys::Checked>,
    /// The path's last block's rank in its parent's parse function.
    pub rank: u8,
    keys: Vec<(&'a str, Kind, Option<Verdict>)>,
    children: Vec<(&'a str, Memo<'a>)>,
}

fn idents<'a>(path: &[Level<'a>]) -> Vec<&'a str> {
    path.iter().map(|l| l.ident).collect()
}

impl<'a> Memo<'a> {
    /// The findings for the block at `path` (its last level), ranked
    /// under its parent.
    pub fn new(path: &[Level<'a>], v: NomadVersion) -> Memo<'a> {
        let idents = idents(path);
        let hcl1 = !v.at_least(1, 0, 0);
        let (parent, ident) = match idents.split_last() {
            Some((last, parent)) => (parent, *last),
            None => (&[][..], ""),
        };
        Memo {
            unchecked: hcl1 && hcl1_key_errors::unchecked(&idents, v),
            checked: hcl1.then(|| hcl1_keys::checked(&idents, v)).flatten(),
            rank: hcl1_key_errors::rank(parent, ident),
            keys: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The verdict on `key` (written as `kind`) in a block at `path`;
    /// `None` when `v`'s parser takes it.
    pub fn verdict(
        &mut self,
        path: &[Level<'a>],
        key: &'a str,
        kind: Kind,
        v: NomadVersion,
    ) -> Option<Verdict> {
        if let Some(&(_, _, d)) = self.keys.iter().find(|k| k.1 == kind && k.0 == key) {
            return d;
        }
        let d = self.decide(path, key, kind, v);
        if self.keys.len() < CAP {
            self.keys.push((key, kind, d));
        }
        d
    }

    fn decide(
        &self,
        path: &[Level<'a>],
        key: &str,
        kind: Kind,
        v: NomadVersion,
    ) -> Option<Verdict> {
        let hcl1 = !v.at_least(1, 0, 0);
        let found = version_keys::lookup(&idents(path), key).filter(|_| !self.unchecked);
        let gone = found.and_then(|k| k.until).filter(|u| v >= *u);
        let later = match found {
            // HCL1's CheckHCLKeys compares names only: `meta = {...}` is
            // the key `meta` as much as `meta {...}` is.
            Some(k) if k.known(v) || (!hcl1 && k.kind != kind) => return None,
            Some(k) => Some((k.feature, k.needed(v))),
            // Any other key outside the block's list (a misspelling).
            None if self.checked.as_ref().is_some_and(|c| c.refuses(key)) => None,
            None => return None,
        };
        Some(Verdict { later, gone })
    }

    /// The remembered findings of the child `ident` (the last level of
    /// `path`), made on its first block; past [`CAP`] names, made in
    /// `spare` and not kept.
    pub fn child<'m>(
        &'m mut self,
        ident: &'a str,
        path: &[Level<'a>],
        v: NomadVersion,
        spare: &'m mut Option<Memo<'a>>,
    ) -> &'m mut Memo<'a> {
        if let Some(i) = self.children.iter().position(|c| c.0 == ident) {
            return &mut self.children[i].1;
        }
        let m = Memo::new(path, v);
        if self.children.len() >= CAP {
            return spare.insert(m);
        }
        self.children.push((ident, m));
        let last = self.children.len() - 1;
        &mut self.children[last].1
    }
}
