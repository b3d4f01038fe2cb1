"""`codepatch reason` and `codepatch models` end to end on a tiny local model; lazy imports."""

import json
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.latent.checkpoint import LinksConfig, save_links
from codepatch.latent.links import InnerLink, OuterLink
from codepatch.latent.tiny import tiny_model, tiny_tokenizer

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-model")
    tokenizer = tiny_tokenizer()
    tiny_model(tokenizer, hidden_size=32).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.mark.parametrize("argv", [["--help"], ["reason", "--help"], ["models", "--help"]])
def test_help_does_not_import_torch(argv):
    code = (
        "import sys\nfrom codepatch.cli import main\nsys.argv = ['codepatch', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'peft') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_importing_the_latent_package_does_not_import_torch():
    code = "import sys, codepatch.latent, codepatch.models; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("mode", ["latent", "text"])
def test_reason_json_reports_answer_and_accounting(model_dir, mode):
    args = ["reason", "What is 2 + 3?", "--mode", mode, "--rounds", "2", "--latent-steps", "3",
            "--max-new-tokens", "4", "--model", str(model_dir), "--links", "untrained", "--json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert {"answer", "program", "refused", "mode", "rounds", "latent_steps", "decoded_tokens", "seconds", "steps"} <= set(report)
    assert report["mode"] == mode and report["rounds"] == 2
    assert [(s["round"], s["role"]) for s in report["steps"]] == [
        (r, role) for r in (1, 2) for role in ("planner", "critic", "solver")
    ]
    assert report["decoded_tokens"] == sum(s["decoded_tokens"] for s in report["steps"])
    if mode == "latent":
        assert report["latent_steps"] == 3
        assert all(s["decoded_tokens"] == 0 for s in report["steps"][:-1])
    else:
        assert report["latent_steps"] == 0
        assert all(1 <= s["decoded_tokens"] <= 4 for s in report["steps"][:-1])


@pytest.mark.parametrize(("decoded", "shown", "expected"), [
    ("Program: (14-5)+9", ["answer: 18", "program: (14-5)+9"], {"answer": "18", "program": "(14-5)+9", "refused": None}),
    ("Program: 12/(3-3)", ["answer: none: the program divides by zero", "program: 12/(3-3)"],
     {"answer": None, "program": "12/(3-3)", "refused": "divides by zero"}),
    ("Program: 3 apples", ["answer: none: the program does not parse", "program: 3 apples"],
     {"answer": None, "program": "3 apples", "refused": "does not parse"}),
    ("Answer: yes", ["answer: yes"], {"answer": "yes", "program": None, "refused": None}),
])
def test_reason_shows_the_program_and_never_makes_up_a_number(model_dir, monkeypatch, decoded, shown, expected):
    """Whatever the Solver decodes (scripted here), the answer is the program's exact value or a refusal."""
    from codepatch.latent.system import RecursiveSystem, RunResult

    def decodes(self, questions, mode="latent", rounds=1, **_):
        return RunResult(mode=mode, rounds=rounds, latent_steps=2, answers=[decoded])

    monkeypatch.setattr(RecursiveSystem, "run", decodes)
    args = ["reason", "What is 14 - 5 + 9?", "--model", str(model_dir), "--links", "untrained"]
    printed = CliRunner().invoke(cli, args, catch_exceptions=False).output
    assert [line for line in printed.splitlines() if line.startswith(("answer", "program"))] == shown
    output = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False).output
    report = json.loads(output[output.index("{"):])
    assert {key: report[key] for key in expected} == expected


def test_reason_rejects_links_for_other_hidden_sizes(model_dir, tmp_path):
    dims = [48, 48, 48]
    save_links(tmp_path, LinksConfig(roles=["planner", "critic", "solver"], dims=dims, edges=["0_to_1", "1_to_2", "2_to_0"]),
               [InnerLink(48) for _ in dims], {e: OuterLink(48, 48) for e in ["0_to_1", "1_to_2", "2_to_0"]})
    result = CliRunner().invoke(cli, ["reason", "2 + 3?", "--model", str(model_dir), "--links", str(tmp_path)])
    assert result.exit_code != 0
    assert "hidden sizes [48, 48, 48]" in result.output and "[32, 32, 32]" in result.output


@pytest.mark.parametrize(("option", "expected"), [([], 0.4), (["--anchor", "0"], 0.0)])
def test_reason_takes_the_anchor_from_the_checkpoint_unless_given(model_dir, tmp_path, option, expected):
    edges = ["0_to_1", "1_to_2", "2_to_0"]
    save_links(tmp_path, LinksConfig(roles=["planner", "critic", "solver"], dims=[32] * 3, edges=edges, anchor=0.4),
               [InnerLink(32) for _ in edges], {e: OuterLink(32, 32) for e in edges})
    args = ["reason", "2 + 3?", "--latent-steps", "2", "--model", str(model_dir), "--links", str(tmp_path), "--json", *option]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{"):])["anchor"] == expected


def test_reason_without_a_model_explains_setup(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["reason", "2 + 3?"])
    assert result.exit_code != 0 and "codepatch models setup" in result.output


@pytest.mark.parametrize(("load", "expected"), [(0.1, 2), (0.9, 1), (1.6, 1), (7.0, 1)])
def test_default_threads_leave_busy_cores_alone(monkeypatch, load, expected):
    from codepatch.latent import locate

    monkeypatch.setattr(locate.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(locate.os, "getloadavg", lambda: (load, load, load))
    assert locate.idle_core_threads(torch_default=2) == expected
    assert locate.idle_core_threads(torch_default=1) == 1
