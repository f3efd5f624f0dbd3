# The demo's Terraform nomad_quota_specification "default" in Nomad's quota
# specification format (what `nomad quota init` writes).
name        = "default"
description = "web team quota"

limit {
  region = "global"
  region_limit {
    cpu    = 3000
    memory = 9500
  }
}
