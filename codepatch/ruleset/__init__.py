"""The rules: their data model (`model`), loading and checking (`load`), documentation (`docs`),
and matching qualified names against their entries (`names`)."""
