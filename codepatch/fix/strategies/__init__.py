"""One fix strategy per module, named `<verb_noun>.py`, each defining `STRATEGY`."""
