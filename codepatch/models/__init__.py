"""Local model directories: the default SmolLM2 base converted from its PyPI GGUF, and `--model DIR`.

Nothing here imports torch at import time; the conversion imports it when it runs.
"""
