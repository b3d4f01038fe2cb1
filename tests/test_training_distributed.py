"""Data-parallel training on the real path: `torchrun --standalone --nproc_per_node 2` on CPU (gloo)
with the smoke model. Two processes, each with half of every batch, must train what one process
trains on the whole batch: that holds only if the shards differ and the gradients are averaged."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from training import inner, lora, outer

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]


def on_two_processes(stage: str, *args: str) -> str:
    """Run `python -m training.<stage> --smoke` under torchrun with two CPU processes; their stdout."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", f"training.{stage}", "--smoke", "--threads", "1", *args]
    env = os.environ | {"OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def progress(printed: str, prefix: str) -> list[str]:
    """The progress lines that start with `prefix`, without their timings."""
    return [line.split(" (")[0] for line in printed.splitlines() if line.startswith(prefix)]


@pytest.fixture(autouse=True)
def one_process_on_cpu(monkeypatch):
    """The one-process runs here happen in this process, on the CPU like the two-process runs."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def largest_difference(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert a.keys() == b.keys()
    return max((a[key].float() - b[key].float()).abs().max().item() for key in a)


FINISHED_RUN = """
import os, torch, torch.distributed as dist
from training.distributed import finish_run  # every stage imports it before its process group exists
from accelerate import Accelerator
from codepatch.latent.tiny import tiny_model, tiny_tokenizer
threads = lambda: set(os.listdir("/proc/self/task"))
accelerator = Accelerator()
before = threads()
dist.init_process_group("gloo", init_method="tcp://127.0.0.1:0", rank=0, world_size=1)
dist.all_reduce(torch.ones(3))
gloo = threads() - before
tiny_model(tiny_tokenizer(), hidden_size=32)  # as a stage does next (transformers imports torch.distributed.nn)
import torch.distributed.nn.functional  # what pinned the group: it binds group.WORLD into default arguments
dist.all_reduce(torch.ones(3))
finish_run(accelerator)
print(len(gloo), len(gloo & threads()), dist.is_initialized())
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="lists threads through /proc")
def test_a_finished_run_leaves_no_gloo_threads_to_interpreter_shutdown():
    """Gloo's threads outliving `main` can drop a collective's tensors while Python shuts down,
    which aborts the process now and then (SIGABRT, "terminate called without an active
    exception"); every stage ends with `finish_run`, which must join them while Python still runs."""
    env = os.environ | {"OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", FINISHED_RUN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    started, left, initialized = result.stdout.split()
    assert int(started) > 0 and int(left) == 0 and initialized == "False"


def test_inner_and_outer_links_on_two_processes_equal_one_process_on_the_whole_batch(tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    inner.main(["--smoke", "--out", str(one), "--threads", "1", "--batch", "2"])
    printed_by_one = capsys.readouterr().out
    printed = on_two_processes("inner", "--out", str(two), "--batch", "2")  # 4 chunks of 2 problems, 2 per process
    # every process ends with every pair, and the main process alone reports them
    assert progress(printed, "inner ") == progress(printed_by_one, "inner ") != []
    start = load_file(str(one / "links.safetensors"))
    assert largest_difference(load_file(str(two / "links.safetensors")), start) < 1e-5

    outer.main(["--smoke", "--out", str(one), "--threads", "1"])
    printed = on_two_processes("outer", "--out", str(two))
    # the same steps and whole-batch losses, printed once
    assert progress(printed, "outer step") == progress(capsys.readouterr().out, "outer step") != []
    assert printed.count("saved links to") == 1
    assert not list(two.glob("*.progress.safetensors")) and not list(two.glob("*.state.json"))
    by_one, by_two = load_file(str(one / "links.safetensors")), load_file(str(two / "links.safetensors"))
    # without averaged gradients the two runs part by about as much as training moved the links
    assert largest_difference(by_two, by_one) < 0.1 * largest_difference(by_one, start)


def test_lora_on_two_processes_equals_one_process_on_the_whole_batch(tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    printed = on_two_processes("lora", "--out", str(two), "--roles", "solver")
    lora.main(["--smoke", "--out", str(one), "--threads", "1", "--roles", "solver"])
    assert progress(printed, "lora solver") == progress(capsys.readouterr().out, "lora solver") != []
    adapter = Path("adapters") / "solver" / "adapter_model.safetensors"
    by_one, by_two = load_file(str(one / adapter)), load_file(str(two / adapter))
    trained = max(value.abs().max().item() for key, value in by_one.items() if "lora_B" in key)  # lora_B starts at 0
    assert trained > 0 and largest_difference(by_two, by_one) < 0.1 * trained
    assert sorted(p.name for p in (two / "adapters").iterdir()) == ["solver"]
