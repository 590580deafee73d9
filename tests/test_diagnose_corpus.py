"""The corpus of real-shaped messages: every message read as its entry says, the targets of
the measurement met, and the messages without a CloudWatch error rejected by the command."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "diagnose_corpus.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diagnose_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _load_script()
ENTRIES = corpus.load()
SHAPES = sorted({e["shape"] for e in ENTRIES})


def cwlint(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), "diagnose", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


def test_the_corpus_covers_every_shape_of_the_issue() -> None:
    assert set(SHAPES) >= {
        "redacted-account", "ecs-stopped-reason", "firelens", "kms-log-group", "alarm-action",
        "reserved-log-group", "http-403", "cloudtrail", "permissions-boundary", "deployer",
        "no-error"}
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    for entry in ENTRIES:
        expect = entry["expect"]
        assert isinstance(expect["recognised"], bool), entry["id"]
        if expect["recognised"]:
            assert {"kind", "top"} <= set(expect), entry["id"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_message(entry: dict) -> None:
    reading = corpus.read(entry)
    assert reading.wrong == [], reading


def test_targets_are_met_and_reported() -> None:
    readings = [corpus.read(e) for e in ENTRIES]
    result = corpus.totals(ENTRIES, readings)
    assert result.meets_targets(), corpus.report(result)
    text = corpus.report(result)
    assert "recognised (hold an error)" in text and "right cause ranked first" in text
    # The rates are what the entries say, not a constant: one wrong reading lowers them.
    clean = next(i for i, e in enumerate(ENTRIES) if not e["expect"]["recognised"])
    broken = list(readings)
    broken[clean] = corpus.Reading("x", "no-error", recognised=True)
    assert corpus.totals(ENTRIES, broken).rejected[0] == result.rejected[0] - 1
    named = next(i for i, e in enumerate(ENTRIES) if e["expect"].get("role"))
    broken = list(readings)
    broken[named] = corpus.Reading("x", "x", recognised=True, role="someone-else")
    assert corpus.totals(ENTRIES, broken).principal[0] == result.principal[0] - 1


def test_the_script_prints_the_measurement() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(ENTRIES)} messages" in done.stdout
    assert "right cause ranked first" in done.stdout


@pytest.mark.parametrize("entry", [e for e in ENTRIES if not e["expect"]["recognised"]],
                         ids=lambda e: e["id"])
def test_no_cloudwatch_error_exits_2_with_one_line(entry: dict) -> None:
    result = cwlint("-", stdin=entry["message"])
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cwlint: error: standard input: no AccessDenied message")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("entry_id", ["alarm-history-kms-null", "kms-cloudformation-event",
                                      "reserved-terraform"])
def test_service_errors_through_the_command(entry_id: str) -> None:
    entry = next(e for e in ENTRIES if e["id"] == entry_id)
    result = cwlint("-", "--format", "json", stdin=entry["message"])
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["summary"]["service_error"] == 1
    (diagnosis,) = out["diagnoses"]
    assert set(diagnosis["request"]) == {
        "kind", "problem", "service", "operation", "error_code", "resource", "log_group",
        "principal", "detail", "account", "region", "sources"}
    assert diagnosis["causes"][0]["rule_id"] == entry["expect"]["top"]
    text = cwlint("-", stdin=entry["message"])
    assert text.returncode == 0, text.stderr
    assert f"1) {entry['expect']['top']} " in text.stdout


def test_spliced_messages_never_break_the_reports() -> None:
    """Halves of two messages glued together (as a paste cut short gives): whatever is
    recognised prints, in both formats."""
    import random

    from cwlint.diagnose.diagnosis import diagnose
    from cwlint.diagnose.report import to_json, to_text

    messages = [e["message"] for e in ENTRIES]
    rng = random.Random(7)
    found = 0
    for _ in range(400):
        first, second = rng.choice(messages), rng.choice(messages)
        text = (first[:rng.randrange(len(first) + 1)] + rng.choice(["", "\n", '"', "...", " "])
                + second[rng.randrange(len(second) + 1):])
        result = diagnose(text)
        to_text(result)
        json.loads(to_json(result, {"source": "argument", "file": None}))
        found += len(result.diagnoses)
    assert found > 100
