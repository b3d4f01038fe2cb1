"""Fix strategies: small LibCST codemods, one per file in `strategies/`, found by name.

A strategy rewrites the statement of one finding (a `FixTarget`) and queues the imports it
needs; it never writes files, and it raises `SkipFile` with a precise reason rather than
leave a half fix. `run.apply_strategy` runs one strategy on one module's text; validation and
writing belong to the pipeline that calls it.
"""
