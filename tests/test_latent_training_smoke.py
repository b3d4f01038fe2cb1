"""The training pipeline end to end with --smoke (tiny random model, seconds), then `reason` on
its output: data -> LoRA adapters -> InnerLinks -> OuterLinks -> checkpoint -> CLI."""

import json
import random

import torch
from click.testing import CliRunner
from safetensors.torch import load_file

from codepatch.cli import cli
from codepatch.latent.build import (
    assemble,
    fresh_outer_links,
    load_frozen_model,
    shared_base_agents,
)
from codepatch.latent.objectives import inner_link_pairs, inner_regression_loss
from codepatch.latent.system import chain_edges, edge_name
from training import data, inner, lora, outer, ship
from training.common import load_examples
from training.lora import role_inputs
from training.tasks import SPLITS, generate

torch.set_num_threads(1)


def test_data_writes_every_split_with_its_targets(tmp_path):
    data.main(["--out", str(tmp_path), "--train", "10", "--held-out", "4"])
    assert sorted(p.stem for p in tmp_path.glob("*.jsonl")) == sorted(SPLITS)
    rows = [json.loads(line) for line in (tmp_path / "kind-test.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and all(row["targets"] == [row["target"]] * 3 for row in rows)
    assert [e.question for e in load_examples(tmp_path, "train")] == [p.question for p in generate("train", 10, 0)]


def test_role_inputs_carry_slips_for_the_roles_that_check():
    examples = load_examples(None, "train", smoke=True) * 25  # 400 problems
    rng = random.Random(0)
    notes, _ = role_inputs(examples, 0, rng)
    assert 0.4 < notes.count(None) / len(notes) < 0.6
    for role_index in (1, 2):
        slots, targets = role_inputs(examples, role_index, rng)
        assert targets == [e.targets[role_index] for e in examples]
        slipped = sum(slot != e.targets[role_index - 1] for slot, e in zip(slots, examples))
        assert 0.15 < slipped / len(examples) < 0.35


def test_smoke_pipeline_trains_and_the_checkpoint_answers(tmp_path):
    out = tmp_path / "links"
    lora.main(["--smoke", "--out", str(out), "--threads", "1"])
    assert sorted(p.name for p in (out / "adapters").iterdir()) == ["critic", "planner", "solver"]
    assert (out / "adapters" / "solver" / "adapter_model.safetensors").exists()
    inner.main(["--smoke", "--out", str(out), "--threads", "1", "--anchor", "0.25"])
    before = (out / "links.safetensors").read_bytes()
    outer.main(["--smoke", "--out", str(out), "--threads", "1"])
    assert (out / "links.safetensors").read_bytes() != before
    assert not list(out.glob("*.progress.safetensors"))
    assert not [p for p in out.rglob("*") if p.suffix in {".bin", ".pt", ".pkl", ".pth"}]
    config = json.loads((out / "links.json").read_text())
    assert config["adapters"] is True and config["dims"] == [32, 32, 32] and config["anchor"] == 0.25

    shipped = tmp_path / "shipped"
    files = ship.ship(out, shipped)
    assert sorted(str(p.relative_to(shipped)) for p in files) == sorted(
        ["links.json", "links.safetensors"]
        + [f"adapters/{role}/{name}" for role in ("critic", "planner", "solver") for name in ship.ADAPTER_FILES]
    )
    weights = (shipped / "links.safetensors").read_bytes()
    assert ship.ship(shipped, shipped, anchor=0.5) == files  # onto itself, to set the anchor: nothing lost
    assert (shipped / "links.safetensors").read_bytes() == weights
    for links, anchor in ((out, 0.25), (shipped, 0.5)):
        args = ["reason", "What is 2 + 3?", "--model", str(out / "smoke-model"), "--links", str(links),
                "--rounds", "2", "--latent-steps", "3", "--json"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        report = json.loads(result.output[result.output.index("{"):])
        assert report["rounds"] == 2 and report["decoded_tokens"] >= 1 and report["anchor"] == anchor


def test_outer_training_resumes_from_its_last_checkpoint(tmp_path, capsys, monkeypatch):
    out = tmp_path / "links"
    inner.main(["--smoke", "--out", str(out), "--threads", "1"])
    real_loss, calls = outer.outer_link_loss, []

    def loss_that_crashes_at_step_3(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # interrupted after the step-2 checkpoint (smoke saves every 2)
        return real_loss(*args, **kwargs)

    monkeypatch.setattr(outer, "outer_link_loss", loss_that_crashes_at_step_3)
    try:
        outer.main(["--smoke", "--out", str(out), "--threads", "1"])
    except KeyboardInterrupt:
        pass
    assert json.loads((out / "outer.state.json").read_text()) == {"step": 2}
    monkeypatch.setattr(outer, "outer_link_loss", real_loss)
    capsys.readouterr()
    outer.main(["--smoke", "--out", str(out), "--threads", "1"])
    printed = capsys.readouterr().out
    assert "outer step 3/3" in printed and "outer step 1/3" not in printed and "outer step 2/3" not in printed
    assert not (out / "outer.state.json").exists()


def test_inner_step_fits_each_outer_link_closer_than_the_vocabulary_start(tmp_path):
    out = tmp_path / "links"
    inner.main(["--smoke", "--out", str(out), "--threads", "1"])
    model, tokenizer = load_frozen_model(out / "smoke-model")
    agents = shared_base_agents(model, tokenizer)
    vocabulary_start = fresh_outer_links(agents)
    fitted = assemble(agents, out)
    examples = load_examples(None, "train", smoke=True)
    with torch.no_grad():
        for source, target in chain_edges(len(agents)):
            slots, targets = role_inputs(examples, source, random.Random(0))
            states, goals = inner_link_pairs(agents[source], [e.question for e in examples], slots, targets)
            sent = agents[source].inner_link(states)
            edge = edge_name(source, target)
            fitted_loss = inner_regression_loss(fitted.outer_links[edge], sent, goals).item()
            start_loss = inner_regression_loss(vocabulary_start[edge], sent, goals).item()
            assert fitted_loss < 0.8 * start_loss, (edge, fitted_loss, start_loss)


def test_a_role_can_start_from_another_roles_adapter(tmp_path):
    out = tmp_path / "links"
    lora.main(["--smoke", "--out", str(out), "--threads", "1", "--roles", "planner"])
    lora.main(["--smoke", "--out", str(out), "--threads", "1", "--roles", "critic", "--init-from", "planner", "--lr", "0"])
    planner, critic = (load_file(str(out / "adapters" / role / "adapter_model.safetensors")) for role in ("planner", "critic"))
    assert planner.keys() == critic.keys() and all(torch.equal(planner[key], critic[key]) for key in planner)
    assert any(tensor.abs().sum() > 0 for key, tensor in planner.items() if "lora_B" in key)  # trained, not the zero start
