"""``cwlint scan --jobs N``: worker processes change nothing in the report.

The installed command is run as a user runs it, with ``--jobs 1`` (in-process) and
``--jobs 2`` (a process pool), and the two runs must agree byte for byte: stdout in every
format, stderr (suppression notices), the exit code. The inputs mix CloudFormation,
Terraform modules and plans, unreadable files, inline suppressions and a baseline. Then
what can go wrong with processes: a worker killed mid-scan, Ctrl-C, bad ``--jobs`` values.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cwlint.engine import Input
from cwlint.workers import AUTO_MIN_BYTES, AUTO_MIN_INPUTS, worker_count
from tests.fixture_layout import templates

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CWLINT = str(Path(sys.executable).with_name("cwlint"))
#: CloudFormation findings and errors, Terraform modules (one input per directory) and
#: plans, suppressions (notices on stderr), files cwlint cannot read.
MIXED = ["fixtures/gate", "fixtures/terraform",
         "fixtures/cwl001/fail-env-namespace/terraform",
         "fixtures/cwl005/fail-launch-template/terraform",
         "fixtures/cwl020", "fixtures/cwl021", "fixtures/cwl040", "fixtures/demo"]
FORMATS = ["text", "json", "sarif", "junit", "github"]


def cwlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed command."""
    return subprocess.run([CWLINT, *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def side_by_side(args: list[str], cwd: Path = ROOT) -> tuple[
        subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """``cwlint ARGS --jobs 1`` and ``cwlint ARGS --jobs 2``, run at the same time."""
    started = [subprocess.Popen([CWLINT, *args, "--jobs", jobs], cwd=cwd, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for jobs in ("1", "2")]
    done = []
    for process in started:
        stdout, stderr = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout,
                                                stderr))
    return done[0], done[1]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A baseline recording the findings of two of the inputs, so that both runs below
    move some findings to the suppressed ones."""
    path = tmp_path_factory.mktemp("baseline") / "baseline.json"
    result = cwlint("scan", "--jobs", "1", "--write-baseline", str(path), "fixtures/demo",
                    "fixtures/gate/exit/error.yaml")
    assert result.returncode == 0, result.stderr
    return str(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_jobs_write_the_same_report_as_one(fmt: str, baseline: str) -> None:
    args = ["scan", "--format", fmt, "--baseline", baseline, "--show-suppressed", *MIXED]
    one, two = side_by_side(args)
    assert one.returncode == 2, one.stderr  # unreadable inputs among them
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout,
                                                         one.stderr)
    assert "Traceback" not in two.stderr
    if fmt == "json":
        report = json.loads(one.stdout)
        assert report["summary"]["files"] > 20 and report["errors"] and report["findings"]


def test_jobs_from_the_configuration_with_external_policies(tmp_path: Path) -> None:
    """``jobs`` in the configuration; SCPs and permissions boundaries travel to the
    workers; ``--jobs 1`` on the command line wins over the configuration."""
    external = FIXTURES / "gate" / "external"
    (tmp_path / ".git").mkdir()
    (tmp_path / ".cwlint.yaml").write_text(
        f"jobs: 2\nscps: [{external / 'org-scp.json'}]\n"
        f"permissions_boundaries:\n  DeveloperBoundary: {external / 'developer-boundary.json'}\n",
        encoding="utf-8")
    for index in range(3):
        shutil.copy(external / "stack.yaml", tmp_path / f"stack{index}.yaml")
    shutil.copytree(FIXTURES / "cwl001", tmp_path / "cwl001")
    pooled = cwlint("scan", "--format", "json", ".", cwd=tmp_path)
    single = cwlint("scan", "--format", "json", "--jobs", "1", ".", cwd=tmp_path)
    assert pooled.returncode in (0, 1), pooled.stderr
    assert (pooled.returncode, pooled.stdout, pooled.stderr) == (single.returncode,
                                                                single.stdout, single.stderr)
    assert any(f["rule_id"] == "CWL007" for f in json.loads(pooled.stdout)["findings"])


@pytest.mark.parametrize("value", ["0", "many"])
def test_a_bad_jobs_value_is_a_usage_error(value: str) -> None:
    result = cwlint("scan", "--jobs", value, "fixtures/demo")
    assert result.returncode == 2
    assert "--jobs" in result.stderr and "positive number" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_jobs_value_in_the_configuration_names_the_key(tmp_path: Path) -> None:
    (tmp_path / ".cwlint.yaml").write_text("jobs: 0\n", encoding="utf-8")
    result = cwlint("scan", "--config", str(tmp_path / ".cwlint.yaml"), "fixtures/demo")
    assert result.returncode == 2
    assert "jobs: expected a positive number of worker processes" in result.stderr


def test_automatic_jobs_leave_small_scans_in_one_process() -> None:
    """Without ``--jobs``, workers start only when there is enough to scan."""
    demo = [Input(str(p), False) for p in templates()]
    assert len(demo) >= AUTO_MIN_INPUTS
    assert worker_count(demo, None) == 1  # a few kB: not worth starting workers
    assert worker_count(demo[:1], 8) == 1  # one input: never
    assert worker_count(demo[:3], 8) == 3  # asked for: at most one worker per input
    assert worker_count(demo, 1) == 1
    assert sum(os.path.getsize(i.path) for i in demo) < AUTO_MIN_BYTES


# --- processes going wrong (Linux: reads /proc) --------------------------------------


def _many_templates(directory: Path, count: int) -> None:
    template = (FIXTURES / "demo" / "orders-service.yaml").read_text(encoding="utf-8")
    for index in range(count):
        (directory / f"stack{index:04}.yaml").write_text(template, encoding="utf-8")


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _wait_for_workers(process: subprocess.Popen[str], count: int) -> list[int]:
    """The pids of the scan's worker processes (the fork server's children) once ``count``
    of them run."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        children = _children()
        workers = [worker for child in children.get(process.pid, [])
                   for worker in children.get(child, [])]
        if len(workers) >= count:
            return workers
        time.sleep(0.01)
    pytest.fail("the scan's worker processes never started")


pytestmark_linux = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")


@pytestmark_linux
def test_a_killed_worker_changes_nothing(tmp_path: Path) -> None:
    """A worker that dies (here: SIGKILL, as the out-of-memory killer sends) breaks the
    pool; the inputs it had not finished are scanned again and the report is complete."""
    _many_templates(tmp_path, 300)
    process = subprocess.Popen([CWLINT, "scan", "--format", "json", "--jobs", "2", "."],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    os.kill(_wait_for_workers(process, 2)[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=300)
    assert "Traceback" not in stderr
    assert process.returncode == 1, stderr
    report = json.loads(stdout)
    assert report["summary"] == {"files": 300, "findings": 300 * 5, "errors": 0}


@pytestmark_linux
def test_ctrl_c_stops_the_workers_without_a_traceback(tmp_path: Path) -> None:
    _many_templates(tmp_path, 300)
    process = subprocess.Popen([CWLINT, "scan", "--jobs", "2", "."], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    workers = _wait_for_workers(process, 2)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the interrupted scan"
        time.sleep(0.05)
