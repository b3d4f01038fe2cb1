"""Fix strategies beyond their examples: the registry, fixes checked in part, and patched code run.

What a strategy rewrites, exactly, and where it refuses, lives beside it as `EXAMPLES` (run by
`tests/test_fix_examples.py`); fixes checked by re-scanning are in `test_fix_rescan.py`, fixes
that reach other modules in `test_fix_elsewhere.py`.
"""

from __future__ import annotations

import base64
import datetime
import importlib.util
import io
import pickle
from textwrap import dedent

import pytest
from libcst.codemod import TransformSuccess

from codepatch.fix import registry
from codepatch.fix.check_examples import apply_at


def test_every_strategy_is_registered_with_name_and_description() -> None:
    assert len(registry.names()) >= 4
    for name in registry.names():
        strategy = registry.get(name)
        assert strategy.NAME == name and strategy.DESCRIPTION
    with pytest.raises(KeyError):
        registry.get("no_such_strategy")


def test_literal_eval_widens_a_handler_that_names_the_error() -> None:
    widened = apply_at("use_literal_eval", "import ast\ntry:\n    x = eval(t)\nexcept NameError as exc:\n    x = t\n", "eval(")
    assert widened.code.endswith("except (NameError, SyntaxError, ValueError) as exc:\n    x = t\n")


def test_existing_allow_list_is_used() -> None:
    result_code = 'ALLOWED_HOSTS = {"a.example"}\nr = session.post(url=target)\n'
    fixed = apply_at("allowlist_url", result_code, at="session.post(").code
    assert "if parts.hostname not in ALLOWED_HOSTS:" in fixed and "r = session.post(url=_allowed_url(target))" in fixed


def test_password_hash_comparisons_become_a_constant_time_verification() -> None:
    result = apply_at("strengthen_password_hash", """\
        import hashlib
        import hmac


        def hash_password(password):
            return hashlib.sha1(password.strip().encode()).hexdigest()


        def login(users, name, password):
            if users.get(name) != hash_password(password):
                return None
            return name


        def same(stored, attempt):
            return hmac.compare_digest(stored, hash_password(attempt))
        """, at="hashlib.sha1(")
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    code = result.code
    assert "    return _hash_password(password.strip().encode())\n" in code
    assert "    if not _verify_password(password.strip().encode(), users.get(name)):\n" in code
    assert "    return _verify_password(attempt.strip().encode(), stored)\n" in code
    assert code.count("import hmac\n") == 1 and code.index("def _hash_password(") < code.index("def _verify_password(")
    namespace: dict = {}
    exec(compile(code, "patched.py", "exec"), namespace)  # the helpers agree with each other
    users = {"ada": namespace["hash_password"](" s3cret ")}
    assert namespace["login"](users, "ada", "s3cret") == "ada"
    assert namespace["login"](users, "ada", "wrong") is None and namespace["login"](users, "bob", "x") is None
    assert namespace["same"](users["ada"], "s3cret") and not namespace["same"]("5f4dcc3b5aa765d61d8327deb882cf99", "x")


def test_signed_round_trip_works_and_tampering_or_a_missing_key_fails(monkeypatch) -> None:
    state = {"themes": {"dark", "light"}, "since": datetime.date(2024, 5, 1)}  # no JSON for sets and dates
    namespace: dict = {}
    exec(dedent(registry.examples("verify_pickle_signature")[0].after), namespace)  # the first is the round trip
    monkeypatch.setenv("PICKLE_SIGNING_KEY", "k3y")
    written = io.BytesIO()
    cookie = namespace["save"](state, written)
    assert namespace["load"](cookie) == state
    assert namespace["_loads_signed"](written.getvalue()) == state
    signed = base64.b64decode(cookie)
    tampered = signed[:-1] + bytes([signed[-1] ^ 1])
    with pytest.raises(ValueError, match="signature"):
        namespace["load"](base64.b64encode(tampered))
    with pytest.raises(ValueError, match="signature"):
        namespace["_loads_signed"](pickle.dumps(state))
    monkeypatch.setenv("PICKLE_SIGNING_KEY", "another key")
    with pytest.raises(ValueError):
        namespace["load"](cookie)
    monkeypatch.delenv("PICKLE_SIGNING_KEY")
    with pytest.raises(KeyError, match="PICKLE_SIGNING_KEY"):
        namespace["load"](cookie)


def test_pickle_load_from_a_file_without_a_producer_says_the_producer_must_sign() -> None:
    result = apply_at("verify_pickle_signature", "import pickle\nobj = pickle.load(upload)\n", at="pickle.load(")
    assert isinstance(result, TransformSuccess)
    assert result.code.endswith("\n\nobj = _loads_signed(upload.read())\n")
    assert "def _dumps_signed" not in result.code
    assert any("must now sign it with the same PICKLE_SIGNING_KEY" in w for w in result.warning_messages)


def test_arithmetic_evaluator_computes_numbers_and_refuses_the_rest(tmp_path) -> None:
    fixed = dedent(registry.examples("use_arithmetic_evaluator")[0].after)  # what the strategy writes, checked there
    helper = tmp_path / "helper.py"
    helper.write_text("import ast\nimport operator\n" + fixed.split("import operator\n", 1)[1].split("\n\n\ndef calculate")[0])
    spec = importlib.util.spec_from_file_location("helper", helper)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._evaluate_arithmetic("2 * (3 + 4) - -1") == 15 and module._evaluate_arithmetic("7 / 2") == 3.5
    for attack in ("__import__('os').system('id')", "9**9**9", "x", "().__class__", "1 +"):
        with pytest.raises(ValueError):
            module._evaluate_arithmetic(attack)
