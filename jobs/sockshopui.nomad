# SockShop web front end: one instance on every client (system job).
job "sockshopui" {
  datacenters = ["dc1"]

  type = "system"

  constraint {
    attribute = "${attr.kernel.name}"
    value     = "linux"
  }

  update {
    stagger      = "10s"
    max_parallel = 1
  }

  group "frontend" {
    restart {
      attempts = 10
      interval = "5m"
      delay    = "25s"
      mode     = "delay"
    }

    task "front-end" {
      driver = "docker"

      config {
        image        = "weaveworksdemos/front-end:master-ac9ca707"
        command      = "/usr/local/bin/node"
        args         = ["server.js", "--domain=service.consul"]
        hostname     = "front-end.service.consul"
        network_mode = "sockshop"
        port_map = {
          http = 8079
        }
      }

      service {
        name = "front-end"
        tags = ["app", "frontend", "front-end"]
        port = "http"
      }

      resources {
        cpu    = 100
        memory = 128
        network {
          mbits = 10
          port "http" {
            static = 80
          }
        }
      }
    }
  }
}
