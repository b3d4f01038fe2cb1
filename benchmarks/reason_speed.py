"""Where the time of one `codepatch reason` goes: import, load, and each agent turn of the run.

    python benchmarks/reason_speed.py                       # the CLI's defaults
    python benchmarks/reason_speed.py --rounds 3 --latent-steps 16 --threads 1 --repeat 3

Prints wall and CPU seconds per phase and the load average (the machine may be shared: on a
loaded machine the CPU seconds of a 1-thread run are the steadier figure). `--compare-prefixes`
also runs without reusing the roles' prompt prefixes, alternating with the default, same process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTION = "Tom has 3 apples and buys 4 more. How many apples does he have?"


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> str:
        wall, cpu = time.perf_counter(), time.process_time()
        text = f"{wall - self.wall:6.2f} s wall {cpu - self.cpu:6.2f} s cpu"
        self.wall, self.cpu = wall, cpu
        return text


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> None:
    from codepatch.commands.reason import DEFAULT_LATENT_STEPS, DEFAULT_ROUNDS
    from codepatch.latent.locate import idle_core_threads

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="recursion rounds (default: the CLI's)")
    parser.add_argument("--latent-steps", type=int, default=DEFAULT_LATENT_STEPS, help="latent steps m (default: the CLI's)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: as the CLI, one per idle core)")
    parser.add_argument("--repeat", type=int, default=1, help="runs after one load")
    parser.add_argument("--compare-prefixes", action="store_true", help="alternate runs without prompt-prefix reuse")
    parser.add_argument("--question", default=QUESTION, help="the question asked")
    args = parser.parse_args(argv)

    clock = Clock()
    import torch
    import transformers.models.llama.modeling_llama  # noqa: F401  (what loading the default model imports)

    from codepatch.latent.build import SHIPPED_LINKS, load_system
    from codepatch.models.smollm2 import default_model_dir

    print(f"import {clock.lap()}  {load_average()}", flush=True)
    torch.set_num_threads(args.threads if args.threads > 0 else idle_core_threads(torch.get_num_threads()))
    system = load_system(default_model_dir(), SHIPPED_LINKS)
    print(f"load   {clock.lap()}  {load_average()}", flush=True)
    variants = [True, False] if args.compare_prefixes else [True]
    for _ in range(args.repeat):
        for reuse in variants:
            result = system.run([args.question], rounds=args.rounds, latent_steps=args.latent_steps, reuse_prefixes=reuse)
            turns = " ".join(f"{s.role[0]}{s.round}:{s.seconds:.2f}" for s in result.steps)
            print(f"run    {clock.lap()}  {load_average()}  r={args.rounds} m={args.latent_steps} "
                  f"threads={torch.get_num_threads()} prefixes {'reused' if reuse else 'recomputed'}  "
                  f"answer {result.answers[0]!r}\n       turns (s): {turns}", flush=True)


if __name__ == "__main__":
    main()
