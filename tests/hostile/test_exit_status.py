"""Defect 1: an internal error, an interruption or an undelivered report never exits 0 (or 1)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.hostile.conftest import ENTRY, FLAW_RULE, codepatch


def test_an_exception_inside_a_command_exits_2_with_one_line(repo: Path, tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(  # the analysis itself breaks, as a bug of ours would
        "import codepatch.scan.pipeline\n"
        "def broken(*args, **kwargs):\n    raise KeyError('facts')\n"
        "codepatch.scan.pipeline.scan = broken\n")
    done = codepatch("scan", ".", "--no-cache", cwd=repo, env={"PYTHONPATH": str(hooks)})
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == ["codepatch: internal error: KeyError: 'facts'"]


def test_running_out_of_memory_exits_2(repo: Path) -> None:
    (repo / "zero").symlink_to("/dev/zero")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    done = codepatch("scan", ".", "--no-cache", "--baseline", "zero", cwd=repo, preexec_fn=limited)
    assert done.returncode == 2, done.stderr
    assert b"MemoryError" in done.stderr or b"cannot read baseline" in done.stderr


def test_a_named_symlink_loop_exits_2(repo: Path) -> None:
    (repo / "a").symlink_to("b")
    (repo / "b").symlink_to("a")
    done = codepatch("scan", "a", "--no-cache", cwd=repo)
    assert done.returncode == 2
    assert b"symlink loop" in done.stderr and b"Traceback" not in done.stderr


def test_a_closed_standard_output_exits_2(repo: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written (`codepatch scan | head -0`)
    try:
        done = subprocess.run([sys.executable, "-c", ENTRY, "scan", ".", "--no-cache"], cwd=repo, stdout=write_end,
                              stderr=subprocess.PIPE, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert b"standard output was closed" in done.stderr and b"Traceback" not in done.stderr


def test_sigterm_exits_2_and_leaves_no_workspace(repo: Path, tmp_path: Path) -> None:
    """Stopped in the middle of validating fixes (the project's test sleeps), nothing stays behind."""
    (repo / "test_slow.py").write_text("import time\n\ndef test_slow():\n    time.sleep(60)\n")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    process = subprocess.Popen([sys.executable, "-c", ENTRY, "scan", ".", "--no-cache", "--validate"], cwd=repo,
                               env={**os.environ, "TMPDIR": str(private_tmp), "NO_COLOR": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(private_tmp.glob("codepatch-tests-*")) and time.monotonic() < deadline:
        time.sleep(0.1)  # until the project's tests run
    assert list(private_tmp.glob("codepatch-tests-*")), "the tests never started"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"terminated" in stderr
    assert list(private_tmp.iterdir()) == []


def test_sigterm_during_a_fork_is_not_lost(repo: Path) -> None:
    """SIGTERM handled inside an at-fork hook (raised there, Python only prints it) still ends the
    run with status 2: the signal is delivered again where it can unwind."""
    for n in range(2):  # enough source that the files are parsed by forked worker processes
        (repo / f"mod{n}.py").write_text("".join(f"value_{i} = {i}\n" for i in range(25_000)))
    script = ("import os, signal\n"
              "sent = []\n"
              "def hook():\n"
              "    if not sent:\n"
              "        sent.append(1)\n"
              "        os.kill(os.getpid(), signal.SIGTERM)\n"
              "        sum(range(1000))  # the handler runs here, inside the hook\n"
              "os.register_at_fork(after_in_parent=hook)\n" + ENTRY)
    done = subprocess.run([sys.executable, "-c", script, "scan", ".", "--no-cache", "-j", "2"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "codepatch: terminated (SIGTERM)" in done.stderr


def test_a_wrong_shape_cache_entry_is_analysed_again(repo: Path, tmp_path: Path) -> None:
    """A checksum only catches stray edits; an entry of the wrong shape must not crash or hide findings."""
    from codepatch.files.sealed import seal

    cache = tmp_path / "cache"
    first = codepatch("scan", ".", "--cache-dir", str(cache), "--format", "json", cwd=repo)
    assert first.returncode == 1
    for entry in cache.rglob("*.json"):
        if entry.parent.name != "solved-v4" and not entry.name.startswith("rules-"):
            entry.write_text(seal(json.dumps({"path": "ok.py", "module": "ok", "functions": [{"qn": 1}],
                                              "hits": [{"rule": "no-such-rule"}], "dismissed": [], "problem": None, "classes": {},
                                              "constants": [], "registered": [], "referenced": [], "imports": [], "methods": []})))
    for entry in cache.glob("solved-*/*"):
        entry.unlink()
    again = codepatch("scan", ".", "--cache-dir", str(cache), "--format", "json", cwd=repo)
    assert again.returncode == 1, again.stderr
    report = json.loads(again.stdout)
    assert [f["rule_id"] for f in report["findings"]] == [FLAW_RULE]
    assert [p["message"] for p in report["problems"] if p["kind"] == "cache"] == [
        "a cache entry of the wrong shape was ignored; everything was analysed again"]


def test_edited_cache_files_fail_their_checksum_and_findings_stay(repo: Path, tmp_path: Path) -> None:
    """Defect 15: emptying `sources` of the rules cache or `findings` of a solved entry hid findings."""
    cache = tmp_path / "cache"
    assert codepatch("scan", ".", "--cache-dir", str(cache), cwd=repo).returncode == 1
    edited = 0
    for entry in [*cache.glob("rules-*.json"), *cache.glob("solved-*/*.json")]:
        digest, _, text = entry.read_text().partition("\n")
        data = json.loads(text)
        if "sources" in data:
            data["sources"]["groups"] = {}
        if "findings" in data:
            data["findings"] = []
        entry.write_text(f"{digest}\n{json.dumps(data)}")  # the old checksum: a stray edit
        edited += 1
    assert edited == 2
    again = codepatch("scan", ".", "--cache-dir", str(cache), "--format", "json", cwd=repo)
    assert again.returncode == 1
    assert [f["rule_id"] for f in json.loads(again.stdout)["findings"]] == [FLAW_RULE]
