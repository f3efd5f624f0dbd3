# The SockShop Nomad Enterprise feature demo, as the cluster looked when the
# demo was given (facts: shared/corpus/sockshop-demo/FACTS.md).

# Quotas need Enterprise and preemption of service jobs needs Enterprise
# >= 0.9.3; the demo AMI's exact version is not recorded, 0.9.3 is the oldest
# release that can show the demo's plan output.
nomad_version = "0.9.3"
region        = "global"

# Nomad Enterprise enforces its Sentinel policies before planning. The demo's
# script has none: "you would have Sentinel policies to restrict and manage
# that, but that's another demo" (shared/seed/nomad-feature-demo.md).
sentinel      = "none"

scheduler {
  algorithm = "binpack"

  # Nomad's defaults turn on only system preemption; the demo's plan shows a
  # service job preempting another, so service preemption was enabled.
  preemption {
    system   = true
    sysbatch = false
    batch    = false
    service  = true
  }
}

# nomad_server.hcl of the demo's Terraform: the servers run with
# `vault { enabled = true, create_from_role = "nomad-cluster" }` (and
# allow_unauthenticated left at its default, true). sockshop's user,
# user-db and catalogue-db tasks ask Vault for policies.
server {
  vault {
    enabled = true
  }
}

# terraform.tfvars.example and the demo script: client_count = 3 (raised to 4
# at the end of the demo: set count = 4 to rehearse that step).
client "aws" {
  count      = 3
  datacenter = "dc1"

  # t2.medium, 2 vCPU: Nomad 0.9 fingerprints cores x "cpu MHz" from
  # /proc/cpuinfo, 2 x 2300 MHz on the Xeon E5-2686 v4 these instances run.
  cpu = 4600

  # 4 GiB instance; Nomad 0.9 reports MemTotal (kernel and firmware take
  # ~145 MiB of the 4096): 3951 MB.
  memory = 3951

  # Free space on the data_dir volume. The AMI's root volume size is not
  # recorded; 18000 MB is assumed and never binds in the demo (the largest
  # per-node need is foundation 3000 + a few 300 MB groups).
  disk = 18000

  # env_aws link speed table in Nomad 0.9: t2.medium = 300 Mbit/s
  # (sockshop's 12 tasks ask 10 Mbit each: never binding either).
  network_mbits = 300

  # Docker CE from the Packer AMI, java because client.hcl sets
  # driver.java.enable = "1" and client.sh installs default-jre; exec is
  # always available on Linux.
  drivers = ["docker", "exec", "java"]

  # Only attributes the demo jobs read are listed: every job constrains
  # ${attr.kernel.name} = linux. Nomad 0.9 mirrors driver fingerprints into
  # node attributes (driver.<name> = "1").
  attributes = {
    "kernel.name"       = "linux"
    "arch"              = "amd64"
    "os.name"           = "ubuntu"
    "cpu.numcores"      = "2"
    "cpu.frequency"     = "2300"
    "cpu.totalcompute"  = "4600"
    "memory.totalbytes" = "4142931968"
    "driver.docker"     = "1"
    "driver.exec"       = "1"
    "driver.java"       = "1"
    "platform.aws.instance-type" = "t2.medium"
  }
}

# Why these numbers can tell the demo's story (memory binds, cpu never does),
# and why they do so only about half the time:
#
# Per-group memory (MB): user 352, catalogue 384, carts 1152, orders 1088,
# payment 16, backoffice 2208 (sockshop = 5200), frontend 128 on every client
# (sockshopui, system job), foundation 3072 + 3000 MB disk (monitoring).
#
# (a) Everything fits on 3 clients: 5200 + 3 x 128 + 3072 = 8656 of
#     3 x 3951 = 11853 MB. Nomad shuffles the nodes before each placement, so
#     where SockShop lands varies. One binpack placement in registration order:
#       aws-1: user, catalogue, carts, orders, payment   2992 + 128 = 3120
#       aws-2: backoffice (2208 does not fit on aws-1)   2208 + 128 = 2336
#       aws-3: foundation (3072 fits neither aws-1 nor aws-2) 3072 + 128 = 3200
#     Free: aws-1 831, aws-2 1615, aws-3 751 MB. CPU peaks at 2100 of 4600.
# (b) carts 1 -> 3 adds 2 x 1152 MB. After the placement in (a) the first new
#     carts fits on aws-2 (1615 -> 463 free) and the second fits nowhere
#     (831, 463, 751 < 1152) unless foundation (priority 10 <= 50 - 10) is
#     preempted on aws-3: 751 + 3072 = 3823 >= 1152, and the plan shows
#     monitoring/foundation under Preemptions, as in the demo. Other shuffles
#     spread SockShop over the clients so that both new carts fit and nothing
#     is preempted: `nomad-preflight rehearse` measures this at about half of
#     the replays (a risk, exit 1) and finds that carts 1 -> 4 makes the
#     preemption certain. The demo's preemption is one possible outcome, not
#     a fact of these numbers.
# (c) With a 4th client (3951 - 128 = 3823 free) foundation (3072) fits again.

running = [
  "jobs/sockshop.nomad",
  "jobs/sockshopui.nomad",
]
