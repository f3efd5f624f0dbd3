//! A changed file whose checkout is not its blob, in a way not followed
//! here, is a job file to a gate unless its name proves it is none
//! (redteam6 G15). `nomad job run deploy/web` reads the checkout: through a
//! `filter` (git-lfs, git-crypt, any program the git configuration
//! defines; gitattributes(5): "smudge" runs on checkout) or a
//! `working-tree-encoding` (a pull request's own .gitattributes sets it,
//! no configuration needed), the blob a `--staged`/`--head` gate reads is
//! not it: a job whose blob is an LFS pointer or IBM037's UTF-8 reading
//! passed every gate as "0 files", exit 0. Taken, such a file is refused
//! when read ("a checkout of the index may write it otherwise than its
//! blob", [`crate::git::LazyGitVfs::checked_line_ends`]): the one model
//! of that refusal, for files of any name.

use std::path::Path;

use crate::vfs::{Rewrite, Vfs};

/// Is `path` a job file to a gate because what Nomad reads from its
/// checkout is not known here? An encoding always; a filter unless the
/// name is a format no job is (an image, an archive: git-lfs's usual
/// work), where the blob is then judged as any other; a Git LFS pointer
/// blob (read from `head`, the file's opening) under such a name too,
/// whatever this machine's configuration says (a checkout where git-lfs
/// is installed writes the object).
pub fn taken_unread(vfs: &dyn Vfs, path: &Path, head: Option<&[u8]>) -> bool {
    match vfs.checkout_rewrite(path) {
        Some(Rewrite::Encoding) => return true,
        Some(Rewrite::Filter) if !named_no_job(path) => return true,
        _ => {}
    }
    !named_no_job(path) && head.is_some_and(crate::git::is_lfs_pointer)
}

/// File name extensions of formats that are never a job file's text
/// (binary media, archives, compiled code, documents, data and model
/// files): what repositories keep in git-lfs. Text formats (`.txt`,
/// `.json`, `.csv`, `.tpl`, none) are not here: a job is run from any.
const NO_JOB: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "ico",
    "webp",
    "tif",
    "tiff",
    "psd",
    "heic",
    "avif",
    "mp3",
    "mp4",
    "m4a",
    "wav",
    "ogg",
    "flac",
    "mov",
    "avi",
    "mkv",
    "webm",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "whl",
    "deb",
    "rpm",
    "apk",
    "dmg",
    "iso",
    "exe",
    "dll",
    "so",
    "dylib",
    "a",
    "o",
    "class",
    "pyc",
    "wasm",
    "ttf",
    "otf",
    "woff",
    "woff2",
    "eot",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "parquet",
    "avro",
    "orc",
    "sqlite",
    "db",
    "pkl",
    "pt",
    "pth",
    "onnx",
    "h5",
    "npy",
    "npz",
    "tflite",
    "safetensors",
    "ckpt",
];

/// Does `path`'s name say it holds no job (its extension, any case)?
fn named_no_job(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| NO_JOB.contains(&e.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemVfs;

    const POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

    #[test]
    fn an_lfs_pointer_is_taken_unless_its_name_is_no_jobs() {
        let vfs = MemVfs::new("t");
        assert!(taken_unread(&vfs, Path::new("deploy/web"), Some(POINTER)));
        assert!(taken_unread(
            &vfs,
            Path::new("deploy/web.json"),
            Some(POINTER)
        ));
        assert!(!taken_unread(
            &vfs,
            Path::new("assets/logo.PNG"),
            Some(POINTER)
        ));
        assert!(!taken_unread(
            &vfs,
            Path::new("deploy/web"),
            Some(b"job \"x\" {}")
        ));
        assert!(!taken_unread(&vfs, Path::new("deploy/web"), None));
    }
}
