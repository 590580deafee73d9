"""What a ``cwlint scan`` loads: only what its inputs and options need.

A pre-commit hook starts one ``cwlint scan`` per commit, and most repositories are
Terraform only, so a scan without a template loads neither the CloudFormation reader nor
PyYAML; the report format asked for is the only one loaded, the fixes only with ``--fix``
or ``--diff``, baselines only with a baseline, and the worker-process machinery only when
workers start. Each case runs the real command in a fresh interpreter and lists the
modules it loaded; the template case shows that the probe sees them when they are used.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "fixtures" / "cwl001" / "fail-env-namespace"
MODULE = CASE / "terraform"  # main.tf only
PLAN = CASE / "plan.json"
TEMPLATE = CASE / "template.yaml"

#: Modules a scan loads only when it needs them.
WATCHED = ("yaml", "cwlint.cfn.loader", "cwlint.fixes.apply", "cwlint.baseline",
           "cwlint.parallel", "multiprocessing", "concurrent.futures",
           "cwlint.report.text_report", "cwlint.report.json_report",
           "cwlint.report.sarif_report", "cwlint.report.junit_report",
           "cwlint.report.github_report", "cwlint.report.markdown_report")

#: Runs ``cwlint`` with argv[2:], then prints its exit code, what it printed and which of
#: the modules named in argv[1] (comma-separated) it loaded.
PROBE = """
import contextlib, io, json, sys
from cwlint.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main(sys.argv[2:])
    except SystemExit as exit:  # argparse's --version
        code = exit.code
print(json.dumps({"code": code, "out": out.getvalue(),
                  "loaded": [m for m in sys.argv[1].split(",") if m in sys.modules]}))
"""


def run_probe(watched: tuple[str, ...], *args: str, code: int) -> tuple[set[str], str]:
    """Which of ``watched`` ``cwlint ARGS`` loaded, and what it printed; it must exit with
    ``code``."""
    command = [sys.executable, "-c", PROBE, ",".join(watched), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["code"] == code, done.stderr
    return set(outcome["loaded"]), outcome["out"]


def loaded(*args: str, code: int = 1) -> set[str]:
    """The watched modules ``cwlint scan ARGS`` loaded; it must exit with ``code`` (1:
    each input here has an error finding)."""
    return run_probe(WATCHED, "scan", *args, code=code)[0]


@pytest.mark.parametrize("path", [MODULE, PLAN], ids=["module", "plan"])
def test_a_terraform_scan_loads_no_template_reader_and_one_report(path: Path) -> None:
    assert loaded(str(path)) == {"cwlint.report.text_report"}


def test_a_template_scan_loads_the_template_reader() -> None:
    assert loaded(str(TEMPLATE)) == {"yaml", "cwlint.cfn.loader",
                                     "cwlint.report.text_report"}


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "markdown"])
def test_the_format_asked_for_is_the_report_loaded(fmt: str) -> None:
    reports = {m for m in loaded("--format", fmt, str(MODULE)) if m.startswith("cwlint.report")}
    assert reports >= {f"cwlint.report.{fmt}_report"}
    assert "cwlint.report.junit_report" not in reports or fmt == "junit"
    assert "cwlint.report.sarif_report" not in reports or fmt == "sarif"


def test_fixes_and_baselines_load_when_asked_for(tmp_path: Path) -> None:
    assert "cwlint.fixes.apply" in loaded("--diff", str(MODULE), code=0)  # no safe fix here
    baseline = tmp_path / "baseline.json"
    assert "cwlint.baseline" in loaded("--write-baseline", str(baseline), str(PLAN), code=0)
    assert baseline.exists()


def test_workers_load_only_when_they_start() -> None:
    assert not {"cwlint.parallel", "multiprocessing", "concurrent.futures"} & loaded(
        str(MODULE), str(PLAN))
    assert {"cwlint.parallel", "multiprocessing"} <= loaded("--jobs", "2", str(MODULE),
                                                            str(PLAN))


#: What no command loads before it runs: the engine, the rules, the IAM evaluator.
ENGINE = ("cwlint.engine", "cwlint.model", "cwlint.rules", "cwlint.config",
          "cwlint.iam.evaluator", "cwlint.findings", "msgspec")


@pytest.mark.parametrize("args", [["--version"], ["plugin-path", "checkov"], ["rules"]],
                         ids=["version", "plugin-path", "rules"])
def test_other_commands_load_no_engine(args: list[str]) -> None:
    """``cwlint plugin-path checkov`` runs before every checkov command the documentation
    gives, ``--version`` in every bug report: neither loads the engine, nor msgspec
    (whose value classes only the engine's modules define). ``cwlint rules`` loads the
    rules it lists and no more."""
    loaded, out = run_probe(ENGINE, *args, code=0)
    assert out, "the command printed nothing"
    if args == ["rules"]:  # what the rules themselves import, and not the engine
        assert loaded == {"cwlint.rules", "cwlint.model", "cwlint.findings",
                          "cwlint.iam.evaluator", "msgspec"}
    else:
        assert loaded == set()
