"""benchmarks/reasoning.py on a tiny system: every configuration runs, records resume, the table renders."""

import importlib.util
import sys
from pathlib import Path

import torch

from tests.latent_support import tiny_system

torch.set_num_threads(1)
SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "reasoning.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("reasoning_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_configuration_runs_and_the_table_compares_with_text():
    bench = load_benchmark()
    system = tiny_system()
    configs = bench.configurations(default_m=2, sweep=[0, 2, 3], sweep_rounds=1)
    assert [c.key for c in configs][:4] == ["single-base r=0 m=0", "single-lora r=0 m=0", "latent r=1 m=2", "text r=1 m=0"]
    assert bench.Config("latent", 1, 0) in configs and bench.Config("latent-zeroed", 3, 2) in configs
    assert bench.Config("latent-inner-only", 3, 2) in configs
    records = [bench.evaluate(system, config, seed=0, count=2, batch=2, text_tokens=3) for config in configs]
    assert all(r.questions == 2 and 0 <= r.correct <= 2 for r in records)
    table = bench.table(records, configs, text_tokens=3)
    assert "| latent r=3 m=2 |" in table and "at most 3 new tokens" in table
    latent_row = next(line for line in table.splitlines() if line.startswith("| latent r=1 m=2 |"))
    cells = [cell.strip() for cell in latent_row.strip("|").split("|")]
    assert cells[4].endswith("%") and cells[5].endswith("x")  # tokens and speed-up versus text at r=1


def test_zeroed_latents_send_zeros_and_restore_the_link():
    bench = load_benchmark()
    system = tiny_system()
    states = torch.randn(1, 3, 32)
    with bench.zeroed_latents(system):
        assert system.send(0, 1, states).abs().sum() == 0
    assert system.send(0, 1, states).abs().sum() > 0


def test_inner_link_alone_unanchors_every_agent_for_its_run_only():
    bench = load_benchmark()
    system = tiny_system()
    for agent in system.agents:
        agent.anchor = 0.5
    states = torch.randn(1, 3, 32)
    anchored = system.send(0, 1, states)
    with bench.inner_link_alone(system):
        assert [agent.anchor for agent in system.agents] == [0.0] * 3
        alone = system.send(0, 1, states)
    assert not torch.allclose(alone, anchored)
    assert [agent.anchor for agent in system.agents] == [0.5] * 3
    assert torch.equal(system.send(0, 1, states), anchored)
