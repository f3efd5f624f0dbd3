//! Lowering of what a task mounts and fetches: volumes, templates,
//! artifacts, vault.

use super::*;

pub(super) fn volume(n: &Node, cx: &mut Cx<'_>) -> Volume {
    let mut f = F::new(
        n,
        cx,
        &[
            "type",
            "source",
            "read_only",
            "access_mode",
            "attachment_mode",
            "per_alloc",
            "mount_options",
            "sticky",
            // 0.10 only (version_keys.rs); kept unread, so unmodelled.
            "hidden",
        ],
        "volume",
    );
    let mount_options = f.block(cx, "mount_options").map(|m| {
        let mut mf = F::new(m, cx, &["fs_type", "mount_flags"], "mount_options");
        CsiMountOptions {
            fs_type: mf.str(cx, "fs_type").unwrap_or_default(),
            mount_flags: mf.strs(cx, "mount_flags").unwrap_or_default(),
        }
    });
    Volume {
        sticky: f.bool(cx, "sticky").unwrap_or_default(),
        mount_options,
        name: f.label().unwrap_or_default().to_string(),
        volume_type: f.str(cx, "type").unwrap_or_default(),
        source: f.str(cx, "source").unwrap_or_default(),
        read_only: f.bool(cx, "read_only").unwrap_or_default(),
        access_mode: f.str(cx, "access_mode").unwrap_or_default(),
        attachment_mode: f.str(cx, "attachment_mode").unwrap_or_default(),
        per_alloc: f.bool(cx, "per_alloc").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn template(n: &Node, cx: &mut Cx<'_>) -> Template {
    let mut f = F::new(
        n,
        cx,
        &[
            "source",
            "destination",
            "data",
            "change_mode",
            "change_signal",
            "change_script",
            "splay",
            "perms",
            "uid",
            "gid",
            "left_delimiter",
            "right_delimiter",
            "env",
            "vault_grace",
            "wait",
            "error_on_missing_key",
            "once",
        ],
        "template",
    );
    let wait = f.block(cx, "wait").map(|w| {
        let mut wf = F::new(w, cx, &["min", "max"], "wait");
        WaitConfig {
            min: wf.dur(cx, "min"),
            max: wf.dur(cx, "max"),
        }
    });
    let change_script = f.block(cx, "change_script").map(|c| {
        let mut cf = F::new(
            c,
            cx,
            &[
                "command",
                "args",
                "timeout",
                "fail_on_error",
                "run_on_first_render",
            ],
            "change_script",
        );
        ChangeScript {
            command: cf.str(cx, "command").unwrap_or_default(),
            args: cf.strs(cx, "args").unwrap_or_default(),
            timeout: cf.dur(cx, "timeout").unwrap_or(Duration::secs(5)),
            fail_on_error: cf.bool(cx, "fail_on_error").unwrap_or_default(),
            run_on_first_render: cf.bool(cx, "run_on_first_render").unwrap_or_default(),
        }
    });
    Template {
        uid: f.int(cx, "uid"),
        gid: f.int(cx, "gid"),
        err_missing_key: f.bool(cx, "error_on_missing_key").unwrap_or_default(),
        once: f.bool(cx, "once").unwrap_or_default(),
        wait,
        change_script,
        source_path: f.str(cx, "source").unwrap_or_default(),
        dest_path: f.str(cx, "destination").unwrap_or_default(),
        embedded_tmpl: f.str(cx, "data").unwrap_or_default(),
        change_mode: f.str(cx, "change_mode").unwrap_or_default(),
        change_signal: f.str(cx, "change_signal").unwrap_or_default(),
        splay: f.dur(cx, "splay").unwrap_or_default(),
        perms: f.str(cx, "perms").unwrap_or_default(),
        left_delim: f.str(cx, "left_delimiter").unwrap_or_default(),
        right_delim: f.str(cx, "right_delimiter").unwrap_or_default(),
        envvars: f.bool(cx, "env").unwrap_or_default(),
        vault_grace: f.dur(cx, "vault_grace").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn artifact(n: &Node, cx: &mut Cx<'_>) -> Artifact {
    let mut f = F::new(
        n,
        cx,
        &[
            "source",
            "destination",
            "mode",
            "options",
            "headers",
            "chown",
            "insecure",
        ],
        "artifact",
    );
    Artifact {
        insecure: f.bool(cx, "insecure").unwrap_or_default(),
        chown: f.bool(cx, "chown").unwrap_or_default(),
        getter_source: f.str(cx, "source").unwrap_or_default(),
        relative_dest: f.str(cx, "destination").unwrap_or_default(),
        getter_mode: f.str(cx, "mode").unwrap_or_default(),
        getter_options: f.map(cx, "options"),
        getter_headers: f.map(cx, "headers"),
        spans: f.spans,
    }
}

pub(super) fn vault(n: &Node, cx: &mut Cx<'_>) -> Vault {
    let mut f = F::new(
        n,
        cx,
        &[
            "policies",
            "namespace",
            "env",
            "disable_file",
            "change_mode",
            "change_signal",
            "role",
            "cluster",
            "allow_token_expiration",
        ],
        "vault",
    );
    Vault {
        policies: f.strs(cx, "policies").unwrap_or_default(),
        namespace: f.str(cx, "namespace").unwrap_or_default(),
        env: f.bool(cx, "env").unwrap_or(true),
        change_mode: f.str(cx, "change_mode").unwrap_or_default(),
        change_signal: f.str(cx, "change_signal").unwrap_or_default(),
        role: f.str(cx, "role").unwrap_or_default(),
        cluster: f.str(cx, "cluster").unwrap_or_default(),
        disable_file: f.bool(cx, "disable_file").unwrap_or_default(),
        allow_token_expiration: f.bool(cx, "allow_token_expiration").unwrap_or_default(),
        spans: f.spans,
    }
}
