//! The leading `~` of a path `file()`, `filebase64()` and `fileexists()`
//! read: the home directory of whoever runs `nomad`.

use super::Miss;

/// go-cty-funcs' `homedir.Expand` before `file()`, `filebase64()` and
/// `fileexists()` read (filesystem.go readFileBytes and
/// MakeFileExistsFunc, v0.1.0:229 and :69; 2721b1e36840:228 and :68;
/// `fileset()` expands nothing): `~` and `~/…` name the home directory of
/// whoever runs `nomad job plan`, which a hook or a CI gate does not know,
/// so "cannot tell", never a folder named `~`; `~user` is refused
/// (mitchellh/go-homedir Expand), as Nomad refuses it.
pub(super) fn home_expand(name: &str, p: &str) -> Result<(), Miss> {
    match homedir_expand(p) {
        HomeDir::UserSpecific => Err(
            "failed to expand ~: cannot expand user-specific home dir"
                .to_string()
                .into(),
        ),
        HomeDir::NeedsHome => Err(Miss::CannotTell(format!(
            "cannot tell what {name}() reads: Nomad expands the leading `~` of {} to the home directory of the machine that runs `nomad job plan`",
            crate::gotext::go_quote(p)
        ))),
        HomeDir::AsTyped => Ok(()),
    }
}

/// What mitchellh/go-homedir `Expand` does with a path (homedir.go: a
/// path not starting with `~` is returned as it is; `~` followed by
/// anything but a separator is `~user`, refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HomeDir {
    /// No leading `~`: the path as typed.
    AsTyped,
    /// `~` or `~/…`: the home directory of whoever runs `nomad`.
    NeedsHome,
    /// `~user…`: "cannot expand user-specific home dir".
    UserSpecific,
}

/// The one reading of go-homedir's rule, for `pathexpand()` and the file
/// functions' reads alike.
pub(super) fn homedir_expand(p: &str) -> HomeDir {
    match p.as_bytes() {
        [b'~', second, ..] if *second != b'/' && *second != b'\\' => HomeDir::UserSpecific,
        [b'~', ..] => HomeDir::NeedsHome,
        _ => HomeDir::AsTyped,
    }
}

#[cfg(test)]
mod tests {
    /// mitchellh/go-homedir Expand: a path without a leading `~` is as
    /// typed, `~` and `~/…` need the home (cannot tell), `~user` fails.
    #[test]
    fn a_leading_tilde_is_homedir_expand() {
        use super::{home_expand, Miss};
        for p in ["conf/mem", "a/~/b", "", "/abs"] {
            assert!(home_expand("file", p).is_ok(), "{p:?}");
        }
        for p in ["~", "~/mem", "~\\mem"] {
            assert!(
                matches!(home_expand("file", p), Err(Miss::CannotTell(_))),
                "{p:?}"
            );
        }
        assert!(matches!(
            home_expand("fileexists", "~root/mem"),
            Err(Miss::Fail(m)) if m == "failed to expand ~: cannot expand user-specific home dir"
        ));
    }
}
