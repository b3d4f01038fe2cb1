"""Progress of the long stages (parsing, the global solve, validating fixes), on standard error.

A stage is `start(label, total)`, any number of `advance(n)`, then `done()`. The default does
nothing; on an interactive standard error (and without --quiet) `TerminalProgress` draws the
stage with rich, but only once it has lasted half a second, so quick scans print nothing.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from codepatch.terminal import colour_on

SHOW_AFTER_SECONDS = 0.5


class Progress(Protocol):
    def start(self, label: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def done(self) -> None: ...


class NoProgress:
    """Reports nothing: the default everywhere, and off a terminal."""

    def start(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def done(self) -> None:
        pass


NO_PROGRESS = NoProgress()


@contextmanager
def stage(progress: Progress, label: str, total: int | None = None) -> Iterator[Progress]:
    """One stage, ended even when the work inside raises (a live display must not outlive it)."""
    progress.start(label, total)
    try:
        yield progress
    finally:
        progress.done()


class TerminalProgress:
    """A rich progress bar for the current stage, shown after `delay` seconds (rich imported lazily)."""

    def __init__(self, console=None, delay: float = SHOW_AFTER_SECONDS) -> None:
        self.console = console
        self.delay = delay
        self._lock = threading.Lock()  # the timer thread shows the bar; the caller's thread ends it
        self._bar = None
        self._task = None
        self._timer: threading.Timer | None = None

    def start(self, label: str, total: int | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.done()
        bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=self.console or Console(stderr=True), transient=True)
        with self._lock:
            self._bar, self._task = bar, bar.add_task(label, total=total)
            if self.delay <= 0:
                bar.start()
                return
            self._timer = threading.Timer(self.delay, self._show, args=(bar,))
            self._timer.daemon = True
            self._timer.start()

    def _show(self, bar) -> None:
        with self._lock:
            if self._bar is bar:
                bar.start()

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def done(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()  # does nothing when the bar was never shown
            self._bar, self._task, self._timer = None, None, None


def progress_for(quiet: bool, stream=None) -> Progress:
    """Drawn progress when `stream` (standard error) is a terminal that may be drawn on, and the user
    did not ask for quiet."""
    return TerminalProgress() if not quiet and colour_on(stream or sys.stderr) else NO_PROGRESS
