//! The validators `Task.Validate` calls on what a task puts in its
//! directory (nomad/structs/structs.go): `TaskArtifact.Validate` with
//! `validateChecksum`, `Template.Validate` with `WaitConfig.Validate` and
//! `ChangeScript.Validate`, and `escapingfs.PathEscapesAllocViaRelative`.
//! Version gates are the first release tag carrying each text
//! (validate_task.rs).

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// `PathEscapesAllocViaRelative(prefix, path)` (`PathEscapesAllocDir`
/// before 1.3): joined under a two-level allocation directory and cleaned
/// (Go's `filepath.Join`), is the path relative to it one that starts with
/// `..`? Nomad tests the string's prefix (helper/escapingfs/escapes.go
/// @v2.0.5:62-81, nomad/structs/structs.go@v0.9.3:6459-6475), so a first
/// component inside the directory named `..env` or `...` is refused too.
/// An absolute `path` is joined, not taken as is.
pub(super) fn escapes(prefix: &str, path: &str) -> bool {
    let mut at: Vec<&str> = vec!["alloc-dir", "alloc-id"];
    for part in prefix.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                at.pop();
            }
            p => at.push(p),
        }
    }
    let inside = at.len() >= 2 && at[0] == "alloc-dir" && at[1] == "alloc-id";
    !inside || at.get(2).is_some_and(|first| first.starts_with(".."))
}

/// `TaskArtifact.Validate`.
pub(super) fn artifact(a: &Artifact, out: &mut Out<'_>) {
    let s = &a.spans;
    if a.getter_source.is_empty() {
        let text = "source must be specified";
        refuse(
            out,
            text.into(),
            "jobspec::missing",
            s.best("source"),
            format!("Artifact: {text}"),
            "no source",
            "give the artifact a `source` URL",
        );
    }
    if !matches!(a.getter_mode.as_str(), "" | "any" | "file" | "dir") {
        let text = format!(
            "invalid artifact mode {}; must be one of: any, file, dir",
            go_quote(&a.getter_mode)
        );
        let msg = format!("Artifact: {text}");
        refuse(
            out,
            text,
            "jobspec::value",
            s.best("mode"),
            msg,
            "unknown mode",
            "use mode \"any\", \"file\" or \"dir\"",
        );
    }
    if escapes("task", &a.relative_dest) {
        let text = "destination escapes allocation directory";
        let help = "keep the destination inside the allocation directory";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            s.best("destination"),
            format!("Artifact: {text}"),
            "escapes",
            help,
        );
    }
    if let Some(err) = checksum(a) {
        let help = "write the checksum as \"type:hex\", type md5, sha1, sha256 or sha512";
        let span = s.best("options");
        let msg = format!("Artifact: {err}");
        refuse(out, err, "jobspec::value", span, msg, "checksum", help);
    }
}

/// `TaskArtifact.validateChecksum`: `options { checksum = "type:hex" }`,
/// skipped when it holds an interpolation (resolved on the client).
fn checksum(a: &Artifact) -> Option<String> {
    let raw = a.getter_options.get("checksum")?;
    if raw.contains("${") {
        return None;
    }
    let check = raw.trim();
    if check.is_empty() {
        return Some("checksum value cannot be empty".into());
    }
    let parts: Vec<&str> = check.split(':').collect();
    if parts.len() != 2 {
        return Some(format!(
            "checksum must be given as \"type:value\"; got {}",
            go_quote(check)
        ));
    }
    let (kind, val) = (parts[0], parts[1]);
    let bytes = match hex_len(val) {
        Ok(n) => n,
        Err(e) => return Some(format!("invalid checksum: {e}")),
    };
    let want = match kind {
        "md5" => 16,
        "sha1" => 20,
        "sha256" => 32,
        "sha512" => 64,
        _ => return Some(format!("unsupported checksum type: {kind}")),
    };
    (bytes != want).then(|| format!("invalid {kind} checksum: {val}"))
}

/// `hex.DecodeString`'s length, or its error text.
fn hex_len(s: &str) -> Result<usize, String> {
    let b = s.as_bytes();
    // Go checks every character in order (the odd last one too), then the
    // length.
    if let Some(c) = b.iter().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("encoding/hex: invalid byte: {}", go_rune(*c)));
    }
    if b.len() % 2 == 1 {
        return Err("encoding/hex: odd length hex string".into());
    }
    Ok(b.len() / 2)
}

/// `%#U` of one byte: `U+007A 'z'`, the quoted character only when
/// printable.
fn go_rune(c: u8) -> String {
    if c.is_ascii_graphic() || c == b' ' {
        format!("U+{:04X} '{}'", c, c as char)
    } else {
        format!("U+{:04X}", c)
    }
}

/// `Template.Validate`.
pub(super) fn template(tp: &Template, v: NomadVersion, out: &mut Out<'_>) {
    let s = &tp.spans;
    let bad = |out: &mut Out<'_>, text: String, field: &str, label: &str, help: &str| {
        let msg = format!("Template: {text}");
        refuse(out, text, "jobspec::value", s.best(field), msg, label, help);
    };
    let missing = |out: &mut Out<'_>, text: &str, field: &str, label: &str, help: &str| {
        let msg = format!("Template: {text}");
        refuse(
            out,
            text.into(),
            "jobspec::missing",
            s.best(field),
            msg,
            label,
            help,
        );
    };
    // A `data` whose value failed to evaluate (a `file()` or a local we
    // could not read) is reported where it failed; Nomad never got that
    // far. The model drops such a value, so the block's text tells.
    let text = s.block.map(|b| out.src().slice(b)).unwrap_or("");
    let written = s.written("data") || s.written("source") || writes(text, &["data", "source"]);
    if tp.source_path.is_empty() && tp.embedded_tmpl.is_empty() && !written {
        let text = "Must specify a source path or have an embedded template";
        missing(
            out,
            text,
            "data",
            "nothing to render",
            "set `data` or `source`",
        );
    }
    if tp.dest_path.is_empty() {
        let text = "Must specify a destination for the template";
        missing(
            out,
            text,
            "destination",
            "no destination",
            "set `destination`",
        );
    }
    if escapes("task", &tp.dest_path) {
        bad(
            out,
            "destination escapes allocation directory".into(),
            "destination",
            "escapes",
            "keep the destination inside the allocation directory",
        );
    }
    let script = v.at_least(1, 3, 4);
    match tp.change_mode.as_str() {
        "noop" | "restart" => {}
        "signal" => {
            if tp.change_signal.is_empty() {
                bad(
                    out,
                    "Must specify signal value when change mode is signal".into(),
                    "change_signal",
                    "no signal",
                    "set `change_signal`",
                );
            }
            if tp.envvars {
                bad(
                    out,
                    "cannot use signals with env var templates".into(),
                    "change_mode",
                    "signal",
                    "use change_mode \"restart\" for env templates",
                );
            }
        }
        "script" if script => match &tp.change_script {
            None => bad(
                out,
                "must specify change script configuration value when change mode is script".into(),
                "change_mode",
                "no change_script",
                "add a `change_script { command = ... }` block",
            ),
            Some(cs) if cs.command.is_empty() => bad(
                out,
                "must specify script path value when change mode is script".into(),
                "change_script",
                "no command",
                "set the change_script's `command`",
            ),
            Some(_) => {}
        },
        _ => {
            let modes = if script {
                "noop, signal, script, restart"
            } else {
                "noop, signal, restart"
            };
            let text = format!("Invalid change mode. Must be one of the following: {modes}");
            bad(
                out,
                text,
                "change_mode",
                "unknown change mode",
                &format!("use one of: {modes}"),
            );
        }
    }
    if tp.splay.nanos() < 0 {
        bad(
            out,
            "Must specify positive splay value".into(),
            "splay",
            "negative",
            "give splay a duration of 0 or more",
        );
    }
    if !tp.perms.is_empty() {
        if let Err(e) = parse_perms(&tp.perms) {
            let text = format!("Failed to parse {} as octal: {e}", go_quote(&tp.perms));
            bad(
                out,
                text,
                "perms",
                "not octal",
                "write the permissions in octal, e.g. \"0644\"",
            );
        }
    }
    // VaultGrace was deprecated (and its check dropped) in 0.11.0.
    if !v.at_least(0, 11, 0) && tp.vault_grace.nanos() < 0 {
        let text = format!(
            "Vault grace must be greater than zero: {} < 0",
            tp.vault_grace
        );
        bad(
            out,
            text,
            "vault_grace",
            "negative",
            "give vault_grace a duration of 0 or more",
        );
    }
    // WaitConfig.Validate (1.2.4+).
    if let Some(w) = tp.wait.as_ref().filter(|_| v.at_least(1, 2, 4)) {
        if let (Some(min), Some(max)) = (w.min, w.max) {
            if min.nanos() > max.nanos() {
                let text = format!("wait min {min} is greater than max {max}");
                bad(
                    out,
                    text,
                    "wait",
                    "min above max",
                    "make the wait's min at most its max",
                );
            }
        }
    }
}

/// Whether a block's text sets one of `names` at its own level (a line
/// `name = ...` one brace deep).
fn writes(block: &str, names: &[&str]) -> bool {
    let mut depth = 0i32;
    for line in block.lines() {
        let l = line.trim_start();
        if depth == 1 {
            let key = l
                .split(|c: char| c.is_whitespace() || c == '=')
                .next()
                .unwrap_or("");
            if names.contains(&key) && l[key.len()..].trim_start().starts_with('=') {
                return true;
            }
        }
        depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
    }
    false
}

/// `strconv.ParseUint(perms, 8, 12)`'s error, character by character.
fn parse_perms(s: &str) -> Result<u64, String> {
    let mut n: u64 = 0;
    for c in s.bytes() {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            _ if c.is_ascii_alphabetic() => c.to_ascii_lowercase() - b'a' + 10,
            _ => 99,
        };
        if d >= 8 {
            return Err(format!(
                "strconv.ParseUint: parsing {}: invalid syntax",
                go_quote(s)
            ));
        }
        n = n * 8 + u64::from(d);
        if n > 0o7777 {
            return Err(format!(
                "strconv.ParseUint: parsing {}: value out of range",
                go_quote(s)
            ));
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// escapingfs's own cases (helper/escapingfs/escapes_test.go,
    /// TestPathEscapesAllocViaRelative).
    #[test]
    fn escapes_is_escapingfs() {
        assert!(!escapes("task", "local/x"));
        assert!(!escapes("task", "../alloc/data"));
        assert!(escapes("task", "../../x"));
        assert!(!escapes("task", "/etc/passwd"));
        assert!(!escapes("task/local/", "../secrets/x"));
        assert!(escapes("task/local/", "../../../x"));
        // Nomad's test is a string prefix of the relative path (redteam11
        // R11-8): a first component starting with two dots is refused.
        assert!(escapes("task", "../..env"));
        assert!(escapes("task", "../.../x"));
        assert!(escapes("task/local/", "../../..in"));
        assert!(!escapes("task", "..env"));
        assert!(!escapes("task", "../.env"));
        assert!(!escapes("task", "../alloc/..x"));
        assert!(!escapes("task", "../../alloc-id/x"));
    }

    #[test]
    fn a_written_attribute_is_seen_at_its_level_only() {
        let b = "template {\n  data = local.x\n  destination = \"a\"\n}";
        assert!(writes(b, &["data"]));
        let nested = "template {\n  wait {\n    data = 1\n  }\n}";
        assert!(!writes(nested, &["data"]));
        assert!(!writes("template {\n  database = 1\n}", &["data"]));
    }

    #[test]
    fn perms_parse_like_parseuint_base8_12bits() {
        assert_eq!(parse_perms("0644"), Ok(0o644));
        assert_eq!(parse_perms("7777"), Ok(0o7777));
        assert!(parse_perms("0999").unwrap_err().ends_with("invalid syntax"));
        assert!(parse_perms("77777")
            .unwrap_err()
            .ends_with("value out of range"));
        assert!(parse_perms("+644").unwrap_err().ends_with("invalid syntax"));
    }

    #[test]
    fn hex_errors_are_encoding_hex() {
        assert_eq!(hex_len("abcd"), Ok(2));
        assert_eq!(
            hex_len("abc"),
            Err("encoding/hex: odd length hex string".into())
        );
        assert_eq!(
            hex_len("zz"),
            Err("encoding/hex: invalid byte: U+007A 'z'".into())
        );
    }
}
