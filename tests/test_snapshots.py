"""Every twin of every scenario, scanned as ``cwlint scan --format json`` scans it, against
the expected findings stored beside it (``<twin>.snap``: ``template.snap``,
``terraform.snap``, ``plan.snap``; see ``fixtures/README.md``).

The scan runs in this process, through the ``scan`` command's own handler, the one the
``cwlint`` executable calls (``tests/scenario_scan.py``). An expected file is YAML, one
finding per block in the order cwlint reports them, paths relative to the repository root;
it holds the whole finding (rule, severity, resource, file, line, message, fix, related),
the exit code, and the input errors, suppressed findings and warnings when there are any.

``pytest tests/test_snapshots.py --snapshot-update`` writes the expected files of new
scenarios and rewrites the ones that changed; review the diff. Without the flag nothing
is written: a missing expected file fails, and so does one whose twin is gone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tests.fixture_layout import (
    FIXTURES,
    ROOT,
    SNAPSHOT_SUFFIX,
    Twin,
    all_twins,
    scenarios,
    twins,
)
from tests.scenario_scan import scan

#: The order of a finding's fields in an expected file (any other field follows).
FIELDS = ("rule_id", "severity", "resource", "file", "line", "column", "message", "fix",
          "related", "suppression")
UPDATE = "--snapshot-update"

# syrupy warns when a snapshot's name is not the test's: here it is the twin's kind
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:syrupy.extensions.base")


def ordered(finding: dict[str, Any]) -> dict[str, Any]:
    known = {key: finding[key] for key in FIELDS if key in finding}
    return known | {key: value for key, value in finding.items() if key not in known}


class _Dumper(yaml.SafeDumper):
    """Block style; text with line breaks as a literal block, so a fix reads as printed."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def expected_text(twin: Twin, report: dict[str, Any]) -> str:
    """What a twin's expected file holds."""
    document: dict[str, Any] = {"exit_code": report["exit_code"],
                                "findings": [ordered(f) for f in report["findings"]]}
    if report["errors"]:
        document["errors"] = report["errors"]
    if report.get("suppressed"):
        document["suppressed"] = [ordered(f) for f in report["suppressed"]]
    if report["stderr"]:
        document["warnings"] = report["stderr"].splitlines()
    # one line per message: a changed word changes one line of the diff
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)
    # a blank line between findings: one block per finding
    body = re.sub(r"(?<=\n)(?=- rule_id:)(?<!:\n)", "\n", body)
    return f"# cwlint scan --format json {twin.argument}\n{body}"


def expected_file(twin: Twin) -> type[SingleFileSnapshotExtension]:
    """A syrupy extension that stores this twin's snapshot in its scenario directory."""

    class ExpectedFindings(SingleFileSnapshotExtension):
        _write_mode = WriteMode.TEXT
        file_extension = SNAPSHOT_SUFFIX.lstrip(".")
        _file_extension = file_extension  # syrupy 4 spells it so

        @classmethod
        def dirname(cls, *, test_location: Any) -> str:
            return str(twin.scenario)

        @classmethod
        def get_snapshot_name(cls, *, test_location: Any, index: Any = 0) -> str:
            return twin.kind

        @classmethod
        def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
            return snapshot_location == str(twin.expected)

    return ExpectedFindings


@pytest.fixture(scope="session")
def updating(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption(UPDATE, default=False))


@pytest.mark.parametrize("twin", all_twins(), ids=lambda t: t.id)
def test_findings_match_the_expected_file(twin: Twin, snapshot: SnapshotAssertion,
                                          updating: bool) -> None:
    if not updating and not twin.expected.exists():
        pytest.fail(f"{twin.expected.relative_to(ROOT)} does not exist: run "
                    f"`pytest tests/test_snapshots.py {UPDATE}` and review what it writes")
    report = scan(twin.argument)
    assert report["exit_code"] in (0, 1, 2)
    # a fixture records what cwlint finds, never one of its own failures
    assert not any("internal error" in e["message"] for e in report["errors"]), report
    assert snapshot(extension_class=expected_file(twin)) == expected_text(twin, report)


def test_every_expected_file_has_its_twin(updating: bool) -> None:
    """An expected file whose twin is gone fails; ``--snapshot-update`` deletes it."""
    kinds = {directory: {t.kind for t in twins(directory)} for directory in scenarios()}
    stale = [p for p in FIXTURES.rglob(f"*{SNAPSHOT_SUFFIX}")
             if p.stem not in kinds.get(p.parent, set())]
    if updating:
        for path in stale:
            path.unlink()
        return
    assert stale == [], (
        "expected files without their twin (restore the twin, or delete them: "
        f"`pytest tests/test_snapshots.py {UPDATE}`): "
        + ", ".join(str(p.relative_to(ROOT)) for p in stale))


def test_a_scenario_has_one_template_at_most() -> None:
    """``template.yaml`` and ``template.json`` would share ``template.snap``."""
    both = [d for d in scenarios() if (d / "template.yaml").exists()
            and (d / "template.json").exists()]
    assert both == []


def run_pytest(test_file: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(test_file.parent), str(test_file), *flags],
                          capture_output=True, text=True, timeout=300, cwd=test_file.parent,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_only_snapshot_update_writes_an_expected_file(tmp_path: Path) -> None:
    """The extension stores a twin's snapshot beside it, and only ``--snapshot-update``
    writes it: a missing or different expected file fails and stays as it was."""
    scenario = tmp_path / "cwl999" / "fail-example"
    scenario.mkdir(parents=True)
    (scenario / "plan.json").write_text("{}", encoding="utf-8")
    test_file = tmp_path / "test_example.py"
    source = (
        "from pathlib import Path\n"
        "from tests.fixture_layout import Twin\n"
        "from tests.test_snapshots import expected_file\n"
        f"TWIN = Twin(Path({str(scenario / 'plan.json')!r}))\n"
        "def test_example(snapshot):\n"
        "    assert snapshot(extension_class=expected_file(TWIN)) == {text!r}\n")
    expected = scenario / "plan.snap"
    test_file.write_text(source.format(text="first\n"), encoding="utf-8")
    missing = run_pytest(test_file)
    assert missing.returncode == 1 and not expected.exists(), missing.stdout
    written = run_pytest(test_file, UPDATE)
    assert written.returncode == 0, written.stdout
    assert expected.read_text(encoding="utf-8") == "first\n"
    assert sorted(p.name for p in scenario.iterdir()) == ["plan.json", "plan.snap"]
    test_file.write_text(source.format(text="second\n"), encoding="utf-8")
    changed = run_pytest(test_file)
    assert changed.returncode == 1 and "second" in changed.stdout, changed.stdout
    assert expected.read_text(encoding="utf-8") == "first\n"
    assert run_pytest(test_file, UPDATE).returncode == 0
    assert expected.read_text(encoding="utf-8") == "second\n"
