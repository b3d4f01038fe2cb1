"""Per-file facts: what flows where inside one module, as compact JSON-able summaries."""
