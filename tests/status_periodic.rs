//! `nomad job status` of a periodic and of a parameterized job (redteam14
//! R14-30): the header adds `Next Periodic Launch` (the next cron launch
//! and the wait truncated to the second, formatTimeDifference), and in
//! place of the group Summary and the allocations Nomad prints the
//! children's summary and list (command/job_status.go v1.9.7 Run
//! :253-290, outputPeriodicInfo :300, outputParameterizedInfo,
//! outputJobSummary :636-672; the same text v0.9.0-v2.0.5). A
//! hand-written world's "now" is a minute after its latest submission
//! (`rep` is submitted at 10:00:04, so now is 10:01:04 and the launch at
//! 03:00 is 16h58m56s away).

use crate::common::TempDir;

fn world(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.7.2\"\nedition       = \"community\"\nregion        = \"global\"\nclient \"c\" {\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n}\nrunning = [\"jobs/disp.nomad\", \"jobs/rep.nomad\"]\n",
    );
    let job = |id: &str, block: &str| {
        format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  type        = \"batch\"\n{block}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:7\" }}\n    }}\n  }}\n}}\n")
    };
    d.put(
        "jobs/rep.nomad",
        &job("rep", "  periodic {\n    cron = \"0 3 * * *\"\n  }\n"),
    );
    d.put(
        "jobs/disp.nomad",
        &job(
            "disp",
            "  parameterized {\n    meta_required = [\"a\", \"b\"]\n  }\n",
        ),
    );
    d
}

fn status(d: &TempDir, id: &str) -> (i32, String) {
    let o = std::process::Command::new(crate::common::bin())
        .current_dir(&d.0)
        .args(["--no-color", "status", "job", id])
        .env("TZ", "UTC")
        .env_remove("NOMAD_NAMESPACE")
        .output()
        .expect("run the binary");
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn periodic_job_shows_its_next_launch_and_children() {
    let d = world("status-periodic");
    let (code, out) = status(&d, "rep");
    assert_eq!(code, 0, "{out}");
    let tail = out.split_once("Periodic             = true\n").map(|x| x.1);
    assert_eq!(
        tail,
        Some(
            "Parameterized        = false\n\
             Next Periodic Launch = 2019-06-21T03:00:00Z (16h58m56s from now)\n\
             \n\
             Children Job Summary\n\
             Pending  Running  Dead\n\
             0        0        0\n\
             \n\
             No instances of periodic job found\n"
        ),
        "{out}"
    );
}

#[test]
fn parameterized_job_shows_its_config_and_dispatches() {
    let d = world("status-parameterized");
    let (code, out) = status(&d, "disp");
    assert_eq!(code, 0, "{out}");
    let tail = out.split_once("Parameterized = true\n").map(|x| x.1);
    assert_eq!(
        tail,
        Some(
            "\n\
             Parameterized Job\n\
             Payload           = optional\n\
             Required Metadata = a, b\n\
             Optional Metadata = <none>\n\
             \n\
             Parameterized Job Summary\n\
             Pending  Running  Dead\n\
             0        0        0\n\
             \n\
             No dispatched instances of parameterized job found\n"
        ),
        "{out}"
    );
}
