# Terraform nomad_namespace "default" attaches the quota. The demo creates
# namespace `monitor` interactively (no quota) while it runs.
name        = "default"
description = "Default shared namespace"
quota       = "default"
