"""The real plans of the shared corpus (read in place, never copied): every file is either
linted or reported as a clean error, never a crash. Slow: run with ``pytest -m slow``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path("/work/shared/corpus/plan")


@pytest.mark.slow
def test_every_real_plan_is_scanned_without_a_crash() -> None:
    if not CORPUS.is_dir():
        pytest.fail(f"the corpus is not at {CORPUS}")
    command = [str(Path(sys.executable).with_name("cwlint")), "scan", "--format", "json",
               "--fail-on", "never", str(CORPUS)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    plans = sum(1 for _ in CORPUS.rglob("*.json"))
    assert report["summary"]["files"] == plans
    assert [e for e in report["errors"] if "internal error" in e["message"]] == []
    assert report["errors"] == []
    counts = Counter((f["rule_id"], f["severity"]) for f in report["findings"])
    print(f"{plans} plans, {len(report['findings'])} findings: {dict(sorted(counts.items()))}")
