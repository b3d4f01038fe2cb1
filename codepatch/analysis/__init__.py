"""Analysis stages: pattern rules and taint tracking over per-file facts."""
