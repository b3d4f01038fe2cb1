"""Role LoRA adapters applied without peft give exactly peft's outputs, per role and with none."""

import json

import pytest
import torch

from codepatch.latent.build import freeze
from codepatch.latent.lora import (
    RoleLinear,
    UnsupportedAdapter,
    attach_role_adapters,
    save_role_adapter,
)
from codepatch.latent.tiny import tiny_model, tiny_tokenizer

torch.set_num_threads(1)
ROLES = ("planner", "solver")


@pytest.fixture(scope="module")
def saved_adapters(tmp_path_factory):
    """Two random (non-zero) LoRA adapters on the last layer's attention, saved by peft."""
    from peft import LoraConfig, get_peft_model

    out = tmp_path_factory.mktemp("adapters")
    tokenizer = tiny_tokenizer()
    for seed, role in enumerate(ROLES):
        base = tiny_model(tokenizer)  # the same base each time (tiny_model seeds itself)
        torch.manual_seed(100 + seed)  # a different adapter per role
        model = get_peft_model(base, LoraConfig(
            r=4, lora_alpha=256,  # a large scale, so that each adapter changes the outputs clearly
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            layers_to_transform=[1], init_lora_weights=False,
        ))
        model.save_pretrained(out / role)
    return tokenizer, {role: out / role for role in ROLES}


def hidden(model, ids):
    with torch.no_grad():
        return model(input_ids=ids, output_hidden_states=True).hidden_states[-1]


def test_role_adapters_equal_peft_for_every_role_and_none(saved_adapters):
    from peft import PeftModel

    tokenizer, folders = saved_adapters
    ids = tokenizer("Tom has 3 apples and buys 5 more.", return_tensors="pt").input_ids
    reference = PeftModel.from_pretrained(tiny_model(tokenizer), str(folders["planner"]), adapter_name="planner")
    reference.load_adapter(str(folders["solver"]), adapter_name="solver")
    ours = tiny_model(tokenizer)
    adapters = attach_role_adapters(ours, folders)
    assert len(adapters.layers) == 4 and all(isinstance(layer, RoleLinear) for layer in adapters.layers.values())

    outputs = {}
    for role in ROLES:
        reference.set_adapter(role)
        adapters.use(role)
        outputs[role] = hidden(ours, ids)
        assert torch.equal(outputs[role], hidden(reference, ids))
    assert (outputs["planner"] - outputs["solver"]).abs().max() > 1e-2  # the adapters matter
    adapters.use(None)
    with reference.disable_adapter():
        assert torch.equal(hidden(ours, ids), hidden(reference, ids))


def test_an_adapter_that_is_not_plain_lora_is_refused(saved_adapters, tmp_path):
    tokenizer, folders = saved_adapters
    folder = tmp_path / "dora"
    folder.mkdir()
    config = json.loads((folders["planner"] / "adapter_config.json").read_text()) | {"use_dora": True}
    (folder / "adapter_config.json").write_text(json.dumps(config))
    (folder / "adapter_model.safetensors").write_bytes((folders["planner"] / "adapter_model.safetensors").read_bytes())
    with pytest.raises(UnsupportedAdapter, match="only plain LoRA"):
        attach_role_adapters(tiny_model(tokenizer), {"planner": folder})


def test_a_trained_role_adapter_saves_in_pefts_layout_and_loads_back(saved_adapters, tmp_path):
    from peft import PeftModel

    tokenizer, folders = saved_adapters
    ids = tokenizer("Tom has 3 apples and buys 5 more.", return_tensors="pt").input_ids
    model = freeze(tiny_model(tokenizer))
    adapters = attach_role_adapters(model, folders)
    weights = adapters.trainable("solver")
    assert len(weights) == 8 and all(w.requires_grad and w.is_leaf for w in weights.values())
    adapters.use("solver")
    model(input_ids=ids, output_hidden_states=True).hidden_states[-1].square().mean().backward()
    assert all(w.grad is not None for w in weights.values())
    assert not any(p.requires_grad for p in model.parameters())
    assert not any(layer.updates["planner"][0].requires_grad for layer in adapters.layers.values())
    with torch.no_grad():
        for weight in weights.values():
            weight.add_(0.05)  # a "trained" adapter, unlike the one loaded
        trained = hidden(model, ids)

    save_role_adapter(weights, folders["solver"], tmp_path / "solver")
    assert sorted(p.name for p in (tmp_path / "solver").iterdir()) == ["adapter_config.json", "adapter_model.safetensors"]
    reference = PeftModel.from_pretrained(tiny_model(tokenizer), str(tmp_path / "solver"))
    assert torch.allclose(hidden(reference, ids), trained, atol=1e-5)
    before = PeftModel.from_pretrained(tiny_model(tokenizer), str(folders["solver"]))
    assert (hidden(before, ids) - trained).abs().max() > 1e-3
