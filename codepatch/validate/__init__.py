"""Validation of candidate patches, cheapest step first; each step returns a `CheckResult`."""
