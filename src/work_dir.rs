//! The folder `nomad job plan` runs in, which a job file's relative paths
//! are read from.
//!
//! Nomad's CLI hands jobspec2 only the job file's base name (command/
//! helpers.go JobGetter.Get, `pathName := filepath.Base(jpath)`,
//! v1.0.0:396 and :456, v2.0.5:474 and :567), so jobspec2's `BaseDir` is
//! `filepath.Dir("web.nomad")`, `.` (jobspec2/parse.go ParseConfig.normalize,
//! v1.0.0:78-80, v2.0.5:126-128), and go-cty-funcs joins a relative
//! `file()`, `filebase64()`, `fileexists()` or `fileset()` path to it
//! (filesystem/filesystem.go readFileBytes, MakeFileExistsFunc,
//! MakeFileSetFunc, v0.1.0 and 2721b1e36840): the process's working
//! directory, never the job file's folder. `nomad job plan jobs/web.nomad`
//! run at the repository's top reads `file("conf/mem")` from `./conf/mem`.
//!
//! This run stands for a `nomad` started in the folder it runs from, or in
//! the one `--nomad-dir` names (the folder the deploy runs `nomad` from).
//! Like [`crate::cache_dir`], it is unset until the CLI sets it: the
//! library and its tests read relative paths from their reader's root.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static ACTIVE: OnceLock<PathBuf> = OnceLock::new();

/// Take `chosen` (`--nomad-dir`, relative to the current folder) or the
/// current folder as where `nomad` runs, for this process. A chosen path
/// that is no folder is the user's mistake, said before anything runs.
pub fn enable(chosen: Option<&Path>) -> Result<(), String> {
    let dir = match chosen {
        Some(p) => {
            let full = crate::project::absolute(p);
            // Canonical, as the project root is found: a link on the way
            // must not make an inside folder look outside (or the reverse).
            match std::fs::canonicalize(&full) {
                Ok(c) if c.is_dir() => c,
                _ => {
                    return Err(format!(
                        "--nomad-dir {}: no such folder",
                        crate::escape::one_line(&p.to_string_lossy())
                    ))
                }
            }
        }
        None => crate::project::canonical_cwd(),
    };
    let _ = ACTIVE.set(dir);
    Ok(())
}

/// The folder `nomad` is taken to run in (absolute, canonical), once the
/// CLI set it.
pub fn active() -> Option<&'static Path> {
    ACTIVE.get().map(PathBuf::as_path)
}

/// The folder `nomad` is taken to run in, as a note names it: relative to
/// the top of the project the current folder is in (the boundary every
/// read keeps to), never quoted when it is outside.
pub fn shown_active() -> Option<String> {
    let dir = active()?;
    Some(shown(dir, &crate::project::root_of(Path::new("."))))
}

/// `dir` as a note names it: relative to the project `root` (absolute,
/// canonical; `.` for the root itself), never a path outside the project,
/// which is not quoted.
pub fn shown(dir: &Path, root: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => crate::escape::one_line(&rel.to_string_lossy()),
        Err(_) => "a folder outside the project".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::shown;
    use std::path::Path;

    /// A folder is named from the project's top; one outside it is not
    /// quoted back.
    #[test]
    fn folders_are_named_inside_the_project_only() {
        assert_eq!(
            shown(Path::new("/nonexistent/p"), Path::new("/nonexistent/p")),
            "."
        );
        assert_eq!(
            shown(
                Path::new("/nonexistent/p/deploy"),
                Path::new("/nonexistent/p")
            ),
            "deploy"
        );
        assert_eq!(
            shown(Path::new("/home/me/.ssh"), Path::new("/nonexistent/p")),
            "a folder outside the project"
        );
    }
}
