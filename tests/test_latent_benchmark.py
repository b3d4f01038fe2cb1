"""benchmarks/reasoning.py on a tiny system: every configuration runs, records resume, the table renders."""

import importlib.util
import sys
from pathlib import Path

import torch

from tests.latent_support import tiny_system
from training.plain import PLAIN, PLAIN_BLIND, PLAIN_HELD_BACK

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
    assert [c.key for c in configs][:5] == ["single-base r=0 m=0", "single-planner r=0 m=0", "latent r=1 m=2",
                                            "text r=1 m=0", "latent-zeroed r=1 m=2"]
    assert {bench.Config(name, r, 2) for name in ("latent", "latent-zeroed") for r in (1, 2, 3)} <= set(configs)
    assert bench.Config("latent-inner-only", 3, 2) in configs and bench.Config("latent", 1, 0) in configs
    records = [bench.evaluate(system, config, set_name, seed=0, count=2, batch=2, text_tokens=3)
               for config in configs for set_name in ("template", "kinds")]
    assert all(r.questions == 2 and 0 <= r.correct <= 2 for r in records)
    table = bench.table(records, configs, text_tokens=3)
    assert "| configuration | template % | phrasings % | kinds % | plain % | held-back % | blind % |" in table
    assert "at most 3 new tokens" in table
    latent_row = next(line for line in table.splitlines() if line.startswith("| latent r=1 m=2 |"))
    cells = [cell.strip() for cell in latent_row.strip("|").split("|")]
    assert cells[2] == cells[4] == cells[5] == cells[6] == "" and cells[9].endswith("%")  # sets not run are blank; tokens vs text


def test_each_set_draws_its_own_questions():
    bench = load_benchmark()
    assert bench.questions("plain", seed=0, count=2) == list(PLAIN)  # every question, every seed
    assert bench.questions("held-back", seed=1, count=2) == list(PLAIN_HELD_BACK)
    assert bench.questions("blind", seed=2, count=2) == list(PLAIN_BLIND)
    template = bench.questions("template", seed=0, count=5)
    assert len(template) == 5 and template != bench.questions("template", seed=1, count=5)
    assert not {q for q, _ in bench.questions("kinds", 0, 20)} & {q for q, _ in bench.questions("phrasings", 0, 20)}


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
