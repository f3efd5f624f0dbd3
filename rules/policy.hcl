# Priority rules and lint settings for the demo.

# Nomad preempts only allocations at least 10 priority points lower.
preemption_gap = 10

# Report a quota once a plan takes it above 90% in any dimension.
quota_near_threshold = 0.9

# Every namespace that runs jobs should carry a quota.
require_quota = false

# Shared namespace: web jobs at the default 50, monitoring at 10; nothing
# above 70 so that a team cannot preempt everybody else.
namespace "default" {
  priority {
    min = 1
    max = 70
  }
}

# The shop must never be preempted or blocked by a change.
protected {
  jobs       = ["sockshop", "sockshopui"]
  namespaces = []
}
