"""Shared helpers of the pull-request gate tests (tests/test_gate_*.py): run the installed
``cwlint`` command, locate fixtures and the SARIF schema, build throwaway repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GATE = ROOT / "fixtures" / "gate"
#: The official schema lives beside the project, at ../shared from its root.
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
CWLINT = str(Path(sys.executable).with_name("cwlint"))


def cwlint(*args: str, cwd: Path | str = ROOT,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user does."""
    return subprocess.run([CWLINT, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=env)


def scan_json(*args: str, cwd: Path | str = ROOT) -> dict[str, Any]:
    result = cwlint("scan", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def scan_sarif(*args: str, cwd: Path | str = ROOT) -> dict[str, Any]:
    result = cwlint("scan", "--format", "sarif", *args, cwd=cwd)
    assert result.returncode in (0, 1, 2), result.stderr
    return json.loads(result.stdout)


@cache
def _schema_text() -> str | None:
    return SARIF_SCHEMA.read_text(encoding="utf-8") if SARIF_SCHEMA.is_file() else None


def sarif_schema() -> dict[str, Any]:
    """The SARIF 2.1.0 schema; missing, the test is skipped, or fails under CI=true."""
    text = _schema_text()
    if text is None:
        message = f"SARIF schema not found at {SARIF_SCHEMA}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return json.loads(text)


def make_repo(tmp_path: Path, files: dict[str, str | Path]) -> Path:
    """A directory that looks like a repository root (an empty ``.git`` marker) holding
    ``files``: text, or a fixture path to copy."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    return root
