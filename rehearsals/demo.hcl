# The Nomad feature demo (quota, namespace and preemption on SockShop), step
# by step as ../shared/seed/nomad-feature-demo.md scripts it. Run it with
#
#   nomad-preflight rehearse
#
# Commands are written as the presenter types them; file paths are relative
# to the project root (the folder holding rules/). Edits happen in memory:
# rehearsing never changes jobs/.

rehearsal "nomad-feature-demo" {
  description = "Quota, namespace and preemption demo on SockShop (Nomad Enterprise)"
}

step "Show the running jobs" {
  command = "nomad job status"
  expect {
    job_status = { sockshop = "running", sockshopui = "running" }
  }
}

step "Show the sockshop application" {
  command = "nomad job status sockshop"
  expect {
    exit_code = 0
  }
}

step "List the clients" {
  command = "nomad node status"
  expect {
    exit_code = 0
  }
}

step "Show the default quota" {
  command = "nomad quota status default"
  expect {
    exit_code = 0
  }
}

step "Plan FluentD in the default namespace: the quota is exhausted" {
  command = "nomad job plan jobs/monitoring.nomad"
  expect {
    placed    = false
    quota_hit = "cpu"
    exit_code = 1
  }
}

step "Create the monitor namespace" {
  command = "nomad namespace apply monitor"
}

step "Uncomment the namespace line in monitoring.nomad" {
  edit "jobs/monitoring.nomad" {
    uncomment = "namespace"
  }
}

step "Plan monitoring again: it fits in namespace monitor" {
  command = "nomad job plan jobs/monitoring.nomad"
  expect {
    placed   = true
    preempts = []
  }
}

step "Run it with the index the plan printed" {
  command = "nomad job run -check-index <index> jobs/monitoring.nomad"
  expect {
    placed     = true
    exit_code  = 0
    job_status = { "monitor/monitoring" = "running" }
  }
}

step "The default namespace still shows only SockShop" {
  command = "nomad job status"
}

step "Monitoring runs in namespace monitor" {
  command = "nomad job status -namespace monitor"
  expect {
    job_status = { "monitor/monitoring" = "running" }
  }
}

step "More shopping carts: raise the carts count from 1 to 3" {
  edit "jobs/sockshop.nomad" {
    set = { "group.carts.count" = 3 }
  }
}

step "Plan sockshop: the plan lists monitoring under Preemptions" {
  command = "nomad job plan jobs/sockshop.nomad"
  expect {
    placed   = true
    preempts = ["monitoring/foundation"]
  }
}

step "Run the new sockshop" {
  command = "nomad job run -check-index <index> jobs/sockshop.nomad"
  expect {
    placed   = true
    preempts = ["monitoring/foundation"]
  }
}

step "Monitoring is now pending" {
  command = "nomad job status -namespace monitor"
  expect {
    job_status = { "monitor/monitoring" = "pending", sockshop = "running" }
  }
}

step "Add a fourth client" {
  scale_clients = { aws = 4 }
  expect {
    placed     = true
    job_status = { "monitor/monitoring" = "running" }
  }
}

step "Monitoring runs again" {
  command = "nomad job status -namespace monitor"
  expect {
    job_status = { "monitor/monitoring" = "running" }
  }
}
