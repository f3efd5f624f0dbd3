//! `import --print-commands`: the shell lines that save a cluster.
//!
//! The lists of allocations, jobs, deployments and CSI volumes are saved
//! one namespace at a time, never with `namespace=*`: the servers read the
//! `*` sentinel only from 0.12.0 for allocations and jobs
//! (nomad/alloc_endpoint.go and job_endpoint.go `List` at v0.12.0 test
//! `structs.AllNamespacesSentinel`; at v0.11.8 they look the namespace up
//! exactly, `state.AllocsByNamespace`, and answer `[]`), from 1.2.4 for
//! deployments (deployment_endpoint.go) and later still for CSI volumes
//! (csi_endpoint.go `CSIVolumesByNamespace(ws, ns)` to 1.1.12). A
//! namespace named in the query is read at every release. The namespaces
//! are namespaces.json's (`/v1/namespaces`, Enterprise-only before 1.0:
//! the community agent answers 501, command/agent/http_oss.go@v0.12.0
//! `entOnly`), else `default` alone. The names used are saved in
//! [`NAMESPACES_LISTED`], which tells the import the lists were saved so.
//!
//! Two habits of `nomad operator api` shape every line
//! (command/operator_api.go, v1.5.0:146-161 and 266-281, v2.0.5:156-172
//! and 266-281): it reads a request body from its stdin whenever stdin is
//! not a character device and then sends a POST (`/v1/job/:id` would be
//! Job.Register), so every call reads `</dev/null`, inside a `while read`
//! loop and in a script piped into a shell alike; and it copies any answer
//! to stdout and exits 0 whatever the HTTP status ("Permission denied",
//! "No cluster leader"), so an answer is judged by what it holds, never by
//! the exit code.

use super::{IMPORT_FILES, SAVED_AT};
use crate::world::{api_alloc, api_csi, api_deployment};

/// The lists saved namespace by namespace: the file, and the API path
/// whose query the `namespace=NS` parameter ends.
pub const NAMESPACE_LISTS: &[(&str, &str)] = &[
    (
        api_alloc::ALLOCATIONS_FILE,
        "/v1/allocations?resources=true&",
    ),
    (super::stale::JOBS_LIST, "/v1/jobs?"),
    (api_deployment::DEPLOYMENTS_FILE, "/v1/deployments?"),
    (api_csi::VOLUMES_LIST, "/v1/volumes?type=csi&"),
];

/// The namespaces whose lists were saved one by one, one a line: its
/// presence says an empty list is the cluster's, whatever the release.
pub const NAMESPACES_LISTED: &str = "namespaces-listed.txt";

/// The call every line makes.
pub(in crate::world) const API: &str = "nomad operator api";
/// The stdin of every call: a character device, so no request body is
/// read and the method stays GET.
pub(in crate::world) const NO_BODY: &str = "</dev/null";

/// `dir` as one POSIX sh word, to paste before `/file` or a double-quoted
/// `"/jobs/$ns"`: single-quoted, a quote written `'\''`, so no character
/// of the name (a space, `$(...)`, a backquote, a newline, a glob) is
/// special to the shell that runs the printed lines (R25c-3: a folder
/// named `snap $(touch PWNED)` ran the `touch`). A name starting with `-`
/// gets `./` so that `mkdir` and `jq` do not read it as an option, and an
/// empty one is `.`, not `''/jobs`, which is `/jobs`.
///
/// A name that is not UTF-8, or holds a character the terminal would act
/// on (a control character, a bidirectional override: `escape::terminal`
/// shows them as escapes, which the shell would take as the name's own
/// text), cannot be pasted byte for byte: the lines then begin with
/// `into=$(printf '...x'); into=${into%x}`, every such byte an octal
/// escape (POSIX printf; the `x` keeps a last newline from `$(...)`), and
/// the word is `"$into"` (stop 66's Left 7: the name was shown lossily,
/// U+FFFD in place of its bytes, so the lines saved into another folder).
/// Returns the prelude (empty when not needed) and the word.
fn sh_dir(dir: &[u8]) -> (String, String) {
    let dir: Vec<u8> = match dir {
        [] => b".".to_vec(),
        [b'-', ..] => [b"./".as_slice(), dir].concat(),
        d => d.to_vec(),
    };
    let shown = |c: char| {
        c != '\n'
            && c != '\t'
            && crate::escape::terminal(c.encode_utf8(&mut [0; 4])).len() == c.len_utf8()
    };
    let plain = std::str::from_utf8(&dir)
        .ok()
        .filter(|d| d.chars().all(shown));
    if let Some(d) = plain {
        return (String::new(), format!("'{}'", d.replace('\'', "'\\''")));
    }
    let mut fmt = String::new();
    for chunk in dir.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => fmt.push_str("%%"),
                '\\' | '\'' => fmt.push_str(&format!("\\{:03o}", u32::from(c))),
                c if shown(c) => fmt.push(c),
                c => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        fmt.push_str(&format!("\\{b:03o}"));
                    }
                }
            }
        }
        for b in chunk.invalid() {
            fmt.push_str(&format!("\\{b:03o}"));
        }
    }
    (
        format!("into=$(printf '{fmt}x'); into=${{into%x}}\n"),
        "\"$into\"".to_string(),
    )
}

/// The shell commands that save a cluster's state into `dir`.
/// `dir` is the name's bytes, as the OS gave them.
pub fn print_commands(dir: &[u8]) -> String {
    let (prelude, dir) = sh_dir(dir);
    let dir = &dir;
    let mut out = String::from(
        "# Needs a Nomad 1.5+ CLI (`nomad operator api`) and jq; with an older CLI\n\
         # fetch the same paths with: curl -s \"$NOMAD_ADDR<path>\" (add -H \"X-Nomad-Token: ...\").\n",
    );
    out.push_str(&prelude);
    out.push_str(&format!("mkdir -p {dir}/jobs\n"));
    // The "now" a failed allocation's reschedule is judged at.
    out.push_str(&format!("date -u +%Y-%m-%dT%H:%M:%SZ > {dir}/{SAVED_AT}\n"));
    for (file, path) in IMPORT_FILES {
        out.push_str(&format!("{API} '{path}' {NO_BODY} > {dir}/{file}\n"));
    }
    out.push_str(
        "# Lists are saved per namespace: servers before 0.12.0 (1.2.4 for deployments) answer `namespace=*` with [].\n",
    );
    out.push_str(&format!(
        "nss=$(jq -r '.[].Name' {dir}/namespaces.json 2>/dev/null); [ -n \"$nss\" ] || nss=default; echo \"$nss\" > {dir}/{NAMESPACES_LISTED}\n"
    ));
    // A namespace whose list is refused leaves the whole file empty (not
    // saved), never a shorter list; each entry names its namespace (job
    // list stubs carry none before 0.12.0). A refusal is any answer but
    // one JSON list: a failed call prints nothing (the inner `echo null`),
    // an error text fails jq (the outer one), an empty answer or a JSON
    // error is no single list (`null`).
    for (file, path) in NAMESPACE_LISTS {
        out.push_str(&format!(
            "for ns in $nss; do {{ {API} \"{path}namespace=$ns\" {NO_BODY} || echo null; }} | jq -s --arg ns \"$ns\" 'if length == 1 and (.[0] | type) == \"array\" then .[0] | map(.Namespace = $ns) else null end' 2>/dev/null || echo null; done | jq -s 'if length > 0 and all(type == \"array\") then add else empty end' > {dir}/{file}\n"
        ));
    }
    // Per-node and per-job details are not in the list endpoints (attributes,
    // meta, task groups), so each one is fetched by id.
    out.push_str(&format!(
        "for id in $(nomad node status -quiet {NO_BODY}); do {API} \"/v1/node/$id\" {NO_BODY} > {dir}/node-$id.json; done\n"
    ));
    out.push_str(&api_csi::print_commands(dir));
    // Each job's tracked versions too: the list of allocations embeds no
    // Job, only the version it runs. And its summary, which `status job`
    // prints and no allocation list gives. A job ID may hold any character but
    // a space or NUL (nomad/structs Job.Validate), `/` in every periodic
    // or dispatched child (`report/periodic-1764547200`,
    // structs.go@v1.7.2 PeriodicLaunchSuffix): jq's `@uri` escapes all
    // but `A-Za-z0-9-_.~`, so the file name is one plain name, the shell
    // neither splits nor globs it, and the URL is the ID's (the agent
    // decodes the path: command/agent/job_endpoint.go
    // `JobSpecificRequest` reads `req.URL.Path`). The import reads each
    // job's ID from inside its file, never from the name.
    out.push_str(&format!(
        "jq -r '.[] | \"\\(.Namespace | @uri) \\(.ID | @uri)\"' {dir}/{jobs} | while read -r ns id; do mkdir -p {dir}\"/jobs/$ns\" {dir}\"/{versions}/$ns\" {dir}\"/{summaries}/$ns\"; {API} \"/v1/job/$id?namespace=$ns\" {NO_BODY} > {dir}\"/jobs/$ns/$id.json\"; {API} \"/v1/job/$id/versions?namespace=$ns\" {NO_BODY} > {dir}\"/{versions}/$ns/$id.json\"; {API} \"/v1/job/$id/summary?namespace=$ns\" {NO_BODY} > {dir}\"/{summaries}/$ns/$id.json\"; done\n",
        jobs = super::stale::JOBS_LIST,
        versions = super::jobs::VERSIONS_DIR,
        summaries = crate::world::status_jobs::SUMMARIES_DIR
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::sh_dir;

    #[test]
    fn a_name_is_pasted_quoted_or_rebuilt_byte_for_byte() {
        assert_eq!(
            sh_dir(b"snap it's"),
            (String::new(), "'snap it'\\''s'".into())
        );
        assert_eq!(sh_dir(b""), (String::new(), "'.'".into()));
        assert_eq!(sh_dir(b"-x"), (String::new(), "'./-x'".into()));
        assert_eq!(sh_dir("M\u{fc}ller".as_bytes()).1, "'M\u{fc}ller'");
        let (prelude, word) = sh_dir(b"M\xfcller\x1b%'\\\n");
        assert_eq!(word, "\"$into\"");
        assert_eq!(
            prelude,
            "into=$(printf 'M\\374ller\\033%%\\047\\134\\012x'); into=${into%x}\n"
        );
        // A bidirectional override is rebuilt too, never shown.
        assert!(sh_dir("a\u{202e}b".as_bytes())
            .0
            .contains("a\\342\\200\\256b"));
    }
}
