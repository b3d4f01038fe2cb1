"""Training options are declared once, as dataclass fields with their help in `metadata`, and
`parser_for` turns them into the scripts' command lines."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest

from training import data, inner, lora, outer, reader, ship
from training.common import anchor_weight, parser_for


@dataclass
class Options:  # at module level: get_type_hints resolves the string annotations in its module
    source: Path = field(metadata={"help": "where to read"})
    out: Path = field(default=Path("runs/x"), metadata={"help": "where to write"})
    model: Path | None = field(default=None, metadata={"help": "base model"})
    steps: int = field(default=3, metadata={"help": "optimizer steps"})
    lr: float = field(default=0.5, metadata={"help": "learning rate"})
    mode: str = field(default="fast", metadata={"help": "how to run", "choices": ["fast", "slow"]})
    anchor: float = field(default=0.0, metadata={"help": "a weight", "type": anchor_weight})
    dry_run: bool = field(default=False, metadata={"help": "change nothing"})


def test_parser_for_makes_one_typed_option_per_field():
    parser = parser_for(Options, "What it does.")
    actions = {a.dest: a for a in parser._actions if a.dest != "help"}
    assert list(actions) == [f.name for f in fields(Options)]
    assert actions["dry_run"].option_strings == ["--dry-run"]
    assert isinstance(actions["dry_run"], argparse._StoreTrueAction) and actions["dry_run"].default is False
    assert {name: a.type for name, a in actions.items() if name != "dry_run"} == {
        "source": Path, "out": Path, "model": Path, "steps": int, "lr": float, "mode": str, "anchor": anchor_weight}
    assert {name: a.default for name, a in actions.items()} == {
        "source": None, "out": Path("runs/x"), "model": None, "steps": 3, "lr": 0.5, "mode": "fast",
        "anchor": 0.0, "dry_run": False}
    assert [name for name, a in actions.items() if a.required] == ["source"]
    assert actions["mode"].choices == ["fast", "slow"]
    assert {name: a.help for name, a in actions.items()} == {f.name: f.metadata["help"] for f in fields(Options)}
    assert parser.description == "What it does."

    assert Options(**vars(parser.parse_args(["--source", "in"]))) == Options(source=Path("in"))
    parsed = parser.parse_args(["--source", "in", "--model", "m", "--steps", "7", "--lr", "0.1", "--mode", "slow",
                                "--anchor", "0.25", "--dry-run"])
    assert Options(**vars(parsed)) == Options(Path("in"), Path("runs/x"), Path("m"), 7, 0.1, "slow", 0.25, True)


@pytest.mark.parametrize("argv", [[], ["--source", "in", "--steps", "1.5"], ["--source", "in", "--mode", "medium"],
                                  ["--source", "in", "--anchor", "2"], ["--source", "in", "--dry-run", "yes"]])
def test_parser_for_refuses_what_the_fields_do_not_allow(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        parser_for(Options, None).parse_args(argv)
    assert stopped.value.code == 2 and "error:" in capsys.readouterr().err


SCRIPTS = [(data, data.DataConfig), (inner, inner.InnerConfig), (lora, lora.LoraConfig), (outer, outer.OuterConfig),
           (reader, reader.ReaderConfig), (ship, ship.ShipConfig)]


@pytest.mark.parametrize(("script", "config_class"), SCRIPTS, ids=[s.__name__ for s, _ in SCRIPTS])
def test_every_training_option_has_its_help_in_the_scripts_help(script, config_class, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # one line per option, so each help text appears whole
    with pytest.raises(SystemExit) as stopped:
        script.main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert script.__doc__.strip() in shown
    for spec in fields(config_class):
        text = spec.metadata.get("help")
        assert text, f"{config_class.__name__}.{spec.name} has no help"
        assert f"--{spec.name.replace('_', '-')}" in shown and text in shown


@pytest.mark.parametrize(("script", "config_class"), SCRIPTS, ids=[s.__name__ for s, _ in SCRIPTS])
def test_command_line_defaults_are_the_dataclass_defaults(script, config_class):
    required = ["--src", "runs/links"] if config_class is ship.ShipConfig else []
    parsed = config_class(**vars(parser_for(config_class, script.__doc__).parse_args(required)))
    assert parsed == (config_class(src=Path("runs/links")) if required else config_class())
