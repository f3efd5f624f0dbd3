//! Names hcl v1 writes where HCL2 cannot as they stand: keys and labels
//! written as identifiers of their length, an item's keys joined on one
//! line. The tree reads every such name from the file's own text
//! (`Scope::hcl1_name`), so only hcl-edit sees these bytes.

use super::super::scan::{Kind, Token};
use super::Writer;

impl Writer<'_> {
    /// hcl v1 reads an item's keys across line ends and comments
    /// (`c\nonfig {`, `type # x\n "batch"`); HCL2 wants a block header or
    /// `k =` on one line. The bytes between `a` and `b`, only blanks and
    /// comments, become blanks: what is left is the same tokens.
    pub(super) fn one_line(&mut self, a: usize, b: usize) {
        if !self.src[a..b].iter().any(|c| matches!(c, b'\n' | b'\r')) {
            return;
        }
        for at in a..b {
            if self.out[at] != b' ' {
                self.set(at, b' ');
            }
        }
    }

    /// A quoted key whose inside is an HCL2 identifier (`"count"`).
    pub(super) fn plain_quoted(&self, t: Token) -> bool {
        let text = self.text(&t);
        t.kind == Kind::Str && text.len() >= 2 && hcl2_ident(&text[1..text.len() - 1])
    }

    /// A key or label as an HCL2 identifier of its length (`a.b` as
    /// `a_b`, `"x y"` as `_x_y_`); its value is read from the file.
    pub(super) fn identifier(&mut self, t: Token) {
        for at in t.start..t.end {
            let c = self.out[at];
            let ok = c.is_ascii_alphabetic()
                || c == b'_'
                || (at > t.start && (c.is_ascii_digit() || c == b'-'));
            if !ok {
                self.set(at, b'_');
            }
        }
    }
}

/// An HCL2 identifier (ASCII only: wider ones are not ours to judge):
/// a letter or `_`, then letters, digits, `_` and `-`.
pub(super) fn hcl2_ident(s: &[u8]) -> bool {
    match s.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        }
        None => false,
    }
}
