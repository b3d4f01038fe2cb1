"""Write a workload's synthetic splits as JSON lines: `python -m training.data --out DIR`.

`train.jsonl` is what the roles train on; every other split (for math, training.tasks.SPLITS:
in-template test, held-out phrasings and held-out kinds; for judge, training.judgements.SPLITS:
in-template test and held-out families) gets `--held-out` examples, for looking at; the
benchmarks draw their own with other seeds. The workload's name is written beside them
(training.workloads), for the later stages to read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from training.common import parser_for
from training.workloads import WORKLOADS, workload, write_workload


@dataclass
class DataConfig:
    out: Path = field(default=Path("runs/data"), metadata={"help": "output directory for the <split>.jsonl files"})
    train: int = field(default=6000, metadata={"help": "number of training problems"})
    held_out: int = field(default=120, metadata={"help": "number of problems in each other split"})
    seed: int = field(default=0, metadata={"help": "generation seed"})
    workload: str = field(default="math", metadata={"help": "what the roles learn", "choices": sorted(WORKLOADS)})


def read_split(directory: Path, split: str) -> list[dict]:
    with (directory / f"{split}.jsonl").open() as handle:
        return [json.loads(line) for line in handle]


def write_splits(config: DataConfig) -> dict[str, int]:
    config.out.mkdir(parents=True, exist_ok=True)
    chosen = workload(config.workload)
    counts = {split: config.train if split == "train" else config.held_out for split in chosen.splits}
    for split, count in counts.items():
        with (config.out / f"{split}.jsonl").open("w") as handle:
            for item in chosen.generate(split, count, config.seed):
                handle.write(json.dumps(_row(item)) + "\n")
    write_workload(config.out, chosen.name)
    return counts


def _row(item) -> dict:
    """What the stages read (question, targets, answer) plus the item's own fields, as JSON."""
    fields = {key: value for key, value in asdict(item).items() if isinstance(value, (str, int, float, bool))}
    return fields | {"question": item.question, "targets": item.targets, "answer": item.answer}


def main(argv: list[str] | None = None) -> None:
    config = DataConfig(**vars(parser_for(DataConfig, __doc__).parse_args(argv)))
    for split, count in write_splits(config).items():
        print(f"{split}: {count} problems -> {config.out / (split + '.jsonl')}")


if __name__ == "__main__":
    main()
