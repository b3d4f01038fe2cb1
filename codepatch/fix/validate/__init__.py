"""Validation of a candidate patch, cheapest first: it parses, a re-scan no longer reports the
finding and reports nothing new, bandit finds nothing new, the project's tests still pass."""
