"""What a terminal gets: colour, and a progress line on long scans.

Colour follows no-color.org and force-color.org, in the order CPython's own colouring
(``_colorize``) uses: ``NO_COLOR`` set to anything but the empty string turns colour off;
else ``FORCE_COLOR`` set to anything but the empty string turns it on, even through a pipe;
else ``TERM=dumb`` turns it off; else colour only when the stream is a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import TextIO


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether ANSI colour should be written to ``stream``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", ""):
        return True
    if env.get("TERM") == "dumb":
        return False
    return _is_terminal(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """One line on a terminal's stderr, ``cwlint: 12/340 inputs · path``, redrawn in place
    by a background thread while the scan runs, from the second ``delay`` on, so a short
    scan never shows it; nothing at all when the stream is not a terminal. Use as a
    context manager: the line is erased when the scan ends."""

    def __init__(self, stream: TextIO | None = None, delay: float = 1.0,
                 interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream)
        self.delay = delay
        self.interval = interval
        self.state: tuple[int, int, str] | None = None
        self.shown = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def update(self, done: int, total: int, current: str) -> None:
        """``done`` of ``total`` inputs finished; ``current`` is being scanned now."""
        self.state = (done, total, current)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="cwlint-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.shown:
            self._write("\r\033[K")

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        drawn = None
        while not self._stop.is_set():
            state = self.state
            if state is not None and state != drawn:  # redrawn only when it changes
                self._write("\r\033[K" + line(*state, _columns(self.stream) - 1))
                self.shown = True
                drawn = state
            self._stop.wait(self.interval)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self._stop.set()


def line(done: int, total: int, current: str, width: int = 79) -> str:
    """The progress line, the input's path cut from the left to fit ``width``."""
    head = f"cwlint: {done}/{total} inputs · "
    room = width - len(head)
    if len(current) > room:
        current = "…" + current[len(current) - room + 1:] if room > 1 else ""
    return head + current


def _columns(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns or 80  # a terminal that states no size
