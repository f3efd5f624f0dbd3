//! The cost of a real cluster's state (issue 16, "linear in the number of
//! allocations"): `plan --world DIR` on import folders of 1,000, 10,000 and
//! 100,000 allocations (`nodes.json`, `allocations.json` in the list form of
//! `/v1/allocations?resources=true`, `jobs/<ns>/<id>.json`, `scheduler.json`;
//! 20 allocations a node, 100 a job), planning a one-allocation job. Each
//! size runs beside two anchors in the same run, interleaved (case, anchor,
//! case, ...), medians:
//! - `true`: starting a process at all;
//! - `python3 -c 'json.load(...)'` on the same `allocations.json`: a parse
//!   that is linear by construction, so ours over it stays flat when ours
//!   is linear too (skipped with a message without python3).
//!
//! The linearity rows divide each size's time above `true` by the size
//! below's: 10.0 is linear in the allocations.
//!
//! Run: `cargo bench --bench imported` (builds the release binary).

use std::fmt::Write as _;
mod common;
use common::{bin, median, runs_and_machine};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const ALLOCS_PER_NODE: u32 = 20;
const ALLOCS_PER_JOB: u32 = 100;

/// Wall time of one run in ms, or `None` if it failed to start or failed
/// (any exit but 0 and 1, Nomad's "allocations change").
fn time(program: &Path, args: &[&str], dir: &Path) -> Option<f64> {
    let t = Instant::now();
    let st = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // 100,000 allocations are 65 MB of JSON, over the default 16 MB
        // cap on one input file (README, "Limits").
        .env("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "1073741824")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    matches!(st.code(), Some(0 | 1)).then(|| t.elapsed().as_secs_f64() * 1000.0)
}

fn node_id(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

fn alloc_id(n: u32) -> String {
    format!("{n:08x}-0000-4000-9000-{n:012x}")
}

/// An import folder of `allocs` running allocations.
fn world(allocs: u32) -> Option<PathBuf> {
    let d = std::env::temp_dir().join(format!("np-bench-imported-{allocs}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("jobs/default")).ok()?;
    let nodes = allocs.div_ceil(ALLOCS_PER_NODE);
    let mut o = String::from("[");
    for n in 0..nodes {
        if n > 0 {
            o.push(',');
        }
        let _ = write!(
            o,
            r#"{{"ID":"{id}","Name":"node-{n}","Datacenter":"dc1","NodeClass":"","NodePool":"default","Status":"ready","SchedulingEligibility":"eligible","Drain":false,"Drivers":{{"docker":{{"Detected":true,"Healthy":true}}}},"Attributes":{{"kernel.name":"linux","unique.hostname":"node-{n}"}},"NodeResources":{{"Cpu":{{"CpuShares":64000}},"Memory":{{"MemoryMB":131072}},"Disk":{{"DiskMB":1024000}},"Networks":[{{"Device":"eth0","CIDR":"10.0.0.1/32","IP":"10.0.0.1","MBits":10000}}]}},"ReservedResources":{{"Cpu":{{"CpuShares":100}},"Memory":{{"MemoryMB":256}},"Disk":{{"DiskMB":4096}},"Networks":{{"ReservedHostPorts":""}}}},"CreateIndex":{ix},"ModifyIndex":{ix}}}"#,
            id = node_id(n),
            ix = 10 + n
        );
    }
    o.push(']');
    std::fs::write(d.join("nodes.json"), o).ok()?;
    let jobs = allocs.div_ceil(ALLOCS_PER_JOB);
    for j in 0..jobs {
        let body = format!(
            r#"{{"ID":"job-{j}","Name":"job-{j}","Namespace":"default","Type":"service","Priority":50,"Datacenters":["dc1"],"Version":0,"TaskGroups":[{{"Name":"web","Count":{ALLOCS_PER_JOB},"EphemeralDisk":{{"SizeMB":0}},"Tasks":[{{"Name":"web","Driver":"docker","Config":{{"image":"x"}},"Resources":{{"CPU":100,"MemoryMB":64}}}}]}}],"Status":"running","Stop":false,"CreateIndex":{ix},"ModifyIndex":{ix},"JobModifyIndex":{ix}}}"#,
            ix = 100_000 + j
        );
        std::fs::write(d.join(format!("jobs/default/job-{j}.json")), body).ok()?;
    }
    let mut o = String::from("[");
    for a in 0..allocs {
        if a > 0 {
            o.push(',');
        }
        let (j, k) = (a / ALLOCS_PER_JOB, a % ALLOCS_PER_JOB);
        let _ = write!(
            o,
            r#"{{"ID":"{id}","Namespace":"default","EvalID":"{id}","Name":"job-{j}.web[{k}]","NodeID":"{node}","NodeName":"","JobID":"job-{j}","TaskGroup":"web","AllocatedResources":{{"Tasks":{{"web":{{"Cpu":{{"CpuShares":100,"ReservedCores":null}},"Memory":{{"MemoryMB":64,"MemoryMaxMB":0}},"Networks":null,"Devices":null}}}},"TaskLifecycles":{{"web":null}},"Shared":{{"DiskMB":0,"Networks":null,"Ports":null}}}},"DesiredStatus":"run","DesiredDescription":"","ClientStatus":"running","CreateIndex":{ix},"ModifyIndex":{ix},"AllocModifyIndex":{ix},"JobType":"service","JobVersion":0}}"#,
            id = alloc_id(a),
            node = node_id(a / ALLOCS_PER_NODE),
            ix = 200_000 + a
        );
    }
    o.push(']');
    std::fs::write(d.join("allocations.json"), o).ok()?;
    std::fs::write(
        d.join("scheduler.json"),
        r#"{"SchedulerConfig":{"SchedulerAlgorithm":"binpack","MemoryOversubscriptionEnabled":false,"PreemptionConfig":{"SystemSchedulerEnabled":true,"SysBatchSchedulerEnabled":false,"BatchSchedulerEnabled":false,"ServiceSchedulerEnabled":false}},"Index":4}"#,
    )
    .ok()?;
    std::fs::write(
        d.join("web.nomad"),
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n",
    )
    .ok()?;
    Some(d)
}

fn main() {
    let n = runs_and_machine(7);
    println!("| allocations | plan --world | true | ours - true | python3 json.load | ours / json.load |\n|---|---|---|---|---|---|");
    let python = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let t = PathBuf::from("true");
    let py = PathBuf::from("python3");
    let parse = "import json,sys; json.load(open(sys.argv[1]))";
    let mut above: Vec<(u32, f64)> = Vec::new();
    for allocs in [1_000u32, 10_000, 100_000] {
        let Some(dir) = world(allocs) else {
            println!("| {allocs} | world could not be written | | | | |");
            continue;
        };
        let plan = ["plan", "--world", ".", "web.nomad"];
        let parse_args = ["-c", parse, "allocations.json"];
        // Warm the page cache for every side.
        let ok = time(&bin(), &plan, &dir).is_some() && time(&t, &[], &dir).is_some();
        if !ok {
            println!("| {allocs} | plan failed | | | | |");
            continue;
        }
        if python {
            let _ = time(&py, &parse_args, &dir);
        }
        let (mut ours, mut tr, mut pj) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            ours.extend(time(&bin(), &plan, &dir));
            tr.extend(time(&t, &[], &dir));
            if python {
                pj.extend(time(&py, &parse_args, &dir));
            }
        }
        let (o, tt) = (median(ours), median(tr));
        let (pcol, ratio) = if pj.is_empty() {
            ("no python3: skipped".to_string(), String::new())
        } else {
            let p = median(pj);
            (format!("{p:.1} ms"), format!("{:.2}x", o / p))
        };
        println!(
            "| {allocs} | {o:.1} ms | {tt:.1} ms | {:.1} ms | {pcol} | {ratio} |",
            o - tt
        );
        above.push((allocs, o - tt));
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!();
    for w in above.windows(2) {
        let ((a, ta), (b, tb)) = (w[0], w[1]);
        println!(
            "linearity {b} / {a} allocations: {:.2} (10.00 is linear)",
            tb / ta
        );
    }
}
