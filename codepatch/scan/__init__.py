"""The scan: every file's facts (collect, per_file, cache), the global solve (solve), findings with
their code and traces (findings), thresholds and triage (pipeline), several projects in one call
(projects)."""
