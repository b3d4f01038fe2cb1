"""Write the synthetic math/QA splits as JSON lines: `python -m training.data --out DIR`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from training.common import parser_for
from training.tasks import generate


@dataclass
class DataConfig:
    out: Path = field(default=Path("runs/data"), metadata={"help": "output directory for the train/validation/test .jsonl splits"})
    train: int = field(default=2000, metadata={"help": "number of training problems"})
    validation: int = field(default=120, metadata={"help": "number of validation problems"})
    test: int = field(default=120, metadata={"help": "number of held-out test problems"})
    seed: int = field(default=0, metadata={"help": "generation seed"})


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
    config = DataConfig(**vars(parser_for(DataConfig, __doc__).parse_args(argv)))
    for split, count in write_splits(config).items():
        print(f"{split}: {count} problems -> {config.out / (split + '.jsonl')}")


if __name__ == "__main__":
    main()
