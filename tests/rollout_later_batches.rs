//! rt22a R22-A-3: a protected service job (count 6) raising memory 100 ->
//! 2000 MB on 2 x 4000 MB clients. Nomad's plan places only the first
//! `max_parallel` batch (`(1 create/destroy update, 5 ignore)`,
//! reconcile_cluster.go v2.0.5:794-800, :985), and the plan's text is
//! right; but the deployment's later batches (deployment_watcher.go
//! v2.0.5:819 `createBatchedUpdate`) can never place 2 of the 6 new
//! allocations (6 x 2000 > 2 x 4000). Both gates passed it; they judge the
//! rollout's end state now. The guard: a rolling update whose end state
//! fits (6 x 1000 MB) passes.

use crate::common::{flat, git, run_in, TempDir};

fn web(mb: u32) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 6\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu = 100\n        memory = {mb}\n      }}\n    }}\n  }}\n}}\n")
}

/// The world running web at 100 MB, committed; web at `mb` staged.
fn staged(tag: &str, mb: u32) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"2.0.5\"\nregion = \"global\"\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n",
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\ndescription = \"d\"\n",
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"web\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/web.nomad", &web(100));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/web.nomad", &web(mb));
    git(&d.0, &["add", "jobs/web.nomad"]);
    d
}

/// The count is the batches' bound (roll25): the plan shown replaces one
/// of the six, so at most five stay on the old version; all at once, the
/// end state leaves four.
const LATER: &str = "the rollout's later batches leave up to 5 allocation(s) of job \"web\" (group \"g\") unplaced: the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once leaves 4 unplaced, so the deployment cannot finish";

#[test]
fn rollout_that_cannot_finish_is_refused_by_both_gates() {
    let d = staged("later-batches-refused", 2000);
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        flat(&check.stdout).contains(&format!("NP207 [error] {LATER}")),
        "{}",
        check.stdout
    );
    for args in [
        &["--no-color", "plan", "--changed", "--staged", "--gate"][..],
        &["--no-color", "plan", "jobs/web.nomad", "--gate"][..],
    ] {
        let gate = run_in(&d.0, args);
        // Nomad's text is the first batch's, as `nomad job plan` prints it.
        assert!(
            gate.stdout
                .contains("+/- Task Group: \"g\" (1 create/destroy update, 5 ignore)")
                && gate.stdout.contains("- All tasks successfully allocated."),
            "{args:?}: {}",
            gate.stdout
        );
        assert_eq!(gate.code, 1, "{args:?}: {}{}", gate.stdout, gate.stderr);
        let all = flat(&format!("{}{}", gate.stdout, gate.stderr));
        assert!(
            all.contains("refused by policy") && all.contains(LATER),
            "{args:?}: {all}"
        );
    }
}

/// Guard (passes on the baseline too): 6 x 1000 MB fits 2 x 4000 MB, so
/// the rolling update's later batches place and nothing is refused.
#[test]
fn rollout_whose_end_state_fits_passes() {
    let d = staged("later-batches-fit", 1000);
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--staged", "--gate"],
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    assert!(!gate.stdout.contains("later batches"), "{}", gate.stdout);
}
