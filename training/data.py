"""Write the synthetic math/QA splits as JSON lines: `python -m training.data --out DIR`.

`train.jsonl` is what the roles train on; every other split (training.tasks.SPLITS: in-template
test, held-out phrasings and held-out kinds, each for validation and test) gets `--held-out`
problems, for looking at; the benchmark draws its own with other seeds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from training.common import parser_for
from training.tasks import SPLITS, generate


@dataclass
class DataConfig:
    out: Path = field(default=Path("runs/data"), metadata={"help": "output directory for the <split>.jsonl files"})
    train: int = field(default=6000, metadata={"help": "number of training problems"})
    held_out: int = field(default=120, metadata={"help": "number of problems in each other split"})
    seed: int = field(default=0, metadata={"help": "generation seed"})


def read_split(directory: Path, split: str) -> list[dict]:
    with (directory / f"{split}.jsonl").open() as handle:
        return [json.loads(line) for line in handle]


def write_splits(config: DataConfig) -> dict[str, int]:
    config.out.mkdir(parents=True, exist_ok=True)
    counts = {split: config.train if split == "train" else config.held_out for split in SPLITS}
    for split, count in counts.items():
        with (config.out / f"{split}.jsonl").open("w") as handle:
            for problem in generate(split, count, config.seed):
                handle.write(json.dumps(asdict(problem) | {"targets": problem.targets}) + "\n")
    return counts


def main(argv: list[str] | None = None) -> None:
    config = DataConfig(**vars(parser_for(DataConfig, __doc__).parse_args(argv)))
    for split, count in write_splits(config).items():
        print(f"{split}: {count} problems -> {config.out / (split + '.jsonl')}")


if __name__ == "__main__":
    main()
