"""One twin of a scenario scanned as ``cwlint scan --format json`` scans it, in this process
(the ``scan`` command's own handler, at the repository root), once per test session."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from cwlint.cli import build_parser
from tests.fixture_layout import ROOT


@contextlib.contextmanager
def at_root() -> Iterator[None]:
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(here)


@cache
def _scan(argument: str) -> str:
    args = build_parser().parse_args(["scan", "--format", "json", "--jobs", "1", argument])
    out, err = io.StringIO(), io.StringIO()
    with at_root(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = args.handler(args)
    return json.dumps({**json.loads(out.getvalue()), "exit_code": code,
                       "stderr": err.getvalue()})


def scan(argument: str) -> dict[str, Any]:
    """``cwlint scan --format json --jobs 1 ARGUMENT`` (a path relative to the repository
    root): the report, with its ``exit_code`` and what it printed on ``stderr``."""
    return json.loads(_scan(argument))
