"""``cwlint report``: one scan, every format, the same bytes as separate scans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["fixtures/demo", "fixtures/gate",
          "fixtures/cwl001/fail-env-namespace/plan.json"]


def cwlint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwlint", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "scan.json"
    result = cwlint("scan", *INPUTS, "--format", "json", "--output", str(path))
    assert result.returncode == 2  # fixtures/gate holds an unreadable template
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_report_renders_what_the_scan_writes(saved: Path, fmt: str) -> None:
    direct = cwlint("scan", *INPUTS, "--format", fmt)
    rendered = cwlint("report", str(saved), "--format", fmt)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout == direct.stdout
    assert "CWL002" in rendered.stdout and "CWL001" in rendered.stdout


def test_hide_suppressed_matches_the_scan(saved: Path) -> None:
    direct = cwlint("scan", *INPUTS, "--format", "sarif", "--hide-suppressed")
    assert cwlint("report", str(saved), "--format", "sarif",
                  "--hide-suppressed").stdout == direct.stdout


def test_min_severity_leaves_info_out(saved: Path) -> None:
    everything = json.loads(saved.read_text())
    severities = {f["severity"] for f in everything["findings"]}
    assert "info" in severities
    kept = json.loads(cwlint("report", str(saved), "--format", "json",
                             "--min-severity", "warning").stdout)
    assert kept["findings"] == [f for f in everything["findings"] if f["severity"] != "info"]
    sarif = json.loads(cwlint("report", str(saved), "--format", "sarif",
                              "--min-severity", "warning").stdout)
    assert {r["level"] for r in sarif["runs"][0]["results"]} <= {"error", "warning"}


def test_fail_on(saved: Path) -> None:
    assert cwlint("report", str(saved)).returncode == 0
    assert cwlint("report", str(saved), "--fail-on", "error").returncode == 1


def test_unreadable_reports_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = cwlint("report", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"cwlint: error: {bad}:1: not JSON")
    assert "Traceback" not in result.stderr
    other = tmp_path / "other.json"
    other.write_text('{"runs": []}')
    result = cwlint("report", str(other))
    assert result.returncode == 2 and "not a cwlint JSON report" in result.stderr
    assert cwlint("report", str(tmp_path / "missing.json")).returncode == 2
    assert cwlint("report", str(bad), "--format", "junit").returncode == 2  # not offered
