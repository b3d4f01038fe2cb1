"""Write the synthetic math/QA splits as JSON lines: `python -m training.data --out DIR`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from training.tasks import generate


@dataclass
class DataConfig:
    out: Path = Path("runs/data")  # where train/validation/test .jsonl go
    train: int = 2000  # training problems
    validation: int = 120  # validation problems
    test: int = 120  # held-out test problems
    seed: int = 0  # generation seed


def read_split(directory: Path, split: str) -> list[dict]:
    with (directory / f"{split}.jsonl").open() as handle:
        return [json.loads(line) for line in handle]


def write_splits(config: DataConfig) -> dict[str, int]:
    config.out.mkdir(parents=True, exist_ok=True)
    counts = {"train": config.train, "validation": config.validation, "test": config.test}
    for split, count in counts.items():
        problems = generate(split, count, config.seed)
        with (config.out / f"{split}.jsonl").open("w") as handle:
            for problem in problems:
                handle.write(json.dumps(asdict(problem) | {"targets": problem.targets}) + "\n")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DataConfig.out, help="output directory for the .jsonl splits")
    parser.add_argument("--train", type=int, default=DataConfig.train, help="number of training problems")
    parser.add_argument("--validation", type=int, default=DataConfig.validation, help="number of validation problems")
    parser.add_argument("--test", type=int, default=DataConfig.test, help="number of test problems")
    parser.add_argument("--seed", type=int, default=DataConfig.seed, help="generation seed")
    config = DataConfig(**vars(parser.parse_args(argv)))
    for split, count in write_splits(config).items():
        print(f"{split}: {count} problems -> {config.out / (split + '.jsonl')}")


if __name__ == "__main__":
    main()
