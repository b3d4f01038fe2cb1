"""Fix strategies, before → after, read like diffs (LibCST's `assertCodemod` style).

Each test names the finding by a snippet of the `before` text (`at=`); everything outside the
patched statement, comments and blank lines included, must come back byte for byte.
"""

from __future__ import annotations

import pytest

from codepatch.fix import registry
from tests.fix_support import assert_rewrite, assert_skip


def test_every_strategy_is_registered_with_name_and_description() -> None:
    assert len(registry.names()) >= 4
    for name in registry.names():
        strategy = registry.get(name)
        assert strategy.NAME == name and strategy.DESCRIPTION
    with pytest.raises(KeyError):
        registry.get("no_such_strategy")


# use_safe_yaml_loader
def test_yaml_load_becomes_safe_load_and_keeps_comments() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.load(stream, Loader=yaml.Loader)  # noqa
        """, """\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.safe_load(stream)  # noqa
        """, at="yaml.load(")


def test_yaml_loader_held_in_a_variable_and_load_all() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.load_all(text, LOADER))
        """, """\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.safe_load_all(text))
        """, at="yaml.load_all(")


def test_yaml_load_imported_by_name_gets_safe_load_imported() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        from yaml import load, Loader
        data = load(body, Loader=Loader)
        """, """\
        from yaml import safe_load, load, Loader
        data = safe_load(body)
        """, at="load(body")


def test_no_matching_call_at_the_target_is_a_skip() -> None:
    assert_skip("use_safe_yaml_loader", "import json\ndata = json.loads(body)\n", at="json.loads(",
                reason="no `yaml.load`")


# use_literal_eval
def test_eval_becomes_literal_eval_with_one_import() -> None:
    assert_rewrite("use_literal_eval", """\
        import ast
        values = eval(request.args["v"])
        """, """\
        import ast
        values = ast.literal_eval(request.args["v"])
        """, at="eval(")
    assert_rewrite("use_literal_eval", """\
        def parse(text):
            return eval(text)
        """, """\
        import ast

        def parse(text):
            return ast.literal_eval(text)
        """, at="eval(")


def test_eval_with_a_namespace_and_exec_are_refused() -> None:
    assert_skip("use_literal_eval", "eval(expr, {'x': 1})\n", at="eval(", reason="namespace")
    assert_skip("use_literal_eval", "exec(code)\n", at="exec(", reason="explicit dispatch")


# use_weights_only
def test_torch_load_gets_weights_only() -> None:
    assert_rewrite("use_weights_only", """\
        import torch
        state = torch.load(path, map_location="cpu")
        other = torch.load(path, weights_only=False)
        """, """\
        import torch
        state = torch.load(path, map_location="cpu", weights_only=True)
        other = torch.load(path, weights_only=False)
        """, at="torch.load(")
    assert_rewrite("use_weights_only", "import torch\nm = torch.load(p, weights_only=False)\n",
                   "import torch\nm = torch.load(p, weights_only=True)\n", at="torch.load(")


def test_trailing_comma_of_a_multiline_call_stays() -> None:
    assert_rewrite("use_weights_only", """\
        import torch
        state = torch.load(
            path,
            map_location="cpu",
        )
        """, """\
        import torch
        state = torch.load(
            path,
            map_location="cpu", weights_only=True,
        )
        """, at="torch.load(")


# enable_autoescape
def test_jinja_environment_gets_autoescape() -> None:
    assert_rewrite("enable_autoescape", """\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=False)
        """, """\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=True)
        """, at="Environment(loader")
    assert_rewrite("enable_autoescape", "import jinja2\nenv = jinja2.Environment()\n",
                   "import jinja2\nenv = jinja2.Environment(autoescape=True)\n", at="jinja2.Environment(")
