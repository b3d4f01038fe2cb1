"""Fixes, in data order: findings → candidate patches (`candidates`, from the strategies: small
LibCST codemods, one per file in `strategies/`, each with its examples) → validated patches
(`plan`, `validate/`) → written files (`write`, one transaction).

A strategy rewrites the statement of one finding (a `FixTarget`) and queues the imports it
needs; it never writes files, and it raises `SkipFile` with a precise reason rather than
leave a half fix. `run.apply_strategy` runs one strategy on one module's text; other modules
reach it through the project index (`project`).
"""
