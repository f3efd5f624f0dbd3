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
    match p.as_bytes() {
        [b'~', second, ..] if *second != b'/' && *second != b'\\' => Err(
            "failed to expand ~: cannot expand user-specific home dir"
                .to_string()
                .into(),
        ),
        [b'~', ..] => Err(Miss::CannotTell(format!(
            "cannot tell what {name}() reads: Nomad expands the leading `~` of {} to the home directory of the machine that runs `nomad job plan`",
            crate::gotext::go_quote(p)
        ))),
        _ => Ok(()),
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
