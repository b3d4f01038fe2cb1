"""codepatch: find where untrusted input reaches a dangerous sink in Python code, and fix it."""

__version__ = "0.1.0"
