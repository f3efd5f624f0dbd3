//! How a checkout writes a file otherwise than its blob, in a way not
//! followed here ([`super::Vfs::checkout_rewrite`]).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// A .gitattributes `filter` whose driver the git configuration
    /// defines (git-lfs, git-crypt, any program).
    Filter,
    /// A .gitattributes `working-tree-encoding` (no configuration needed:
    /// a pull request's own .gitattributes sets it).
    Encoding,
}
