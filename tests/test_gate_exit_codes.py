"""Exit codes exactly as documented: 0 nothing at or above ``--fail-on``; 1 findings at
or above it; 2 a usage error or an input that could not be read (the other inputs are
still scanned and reported). Same for every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate_helpers import GATE, cwlint, make_repo

CLEAN = "fixtures/gate/exit/clean.yaml"
INFO = "fixtures/gate/exit/info-only.yaml"
ERROR = "fixtures/gate/exit/error.yaml"
BROKEN = "fixtures/gate/exit/broken.yaml"
FORMATS = ("text", "json", "sarif", "junit", "github")


@pytest.mark.parametrize(("paths", "fail_on", "expected"), [
    ((CLEAN,), None, 0),
    ((INFO,), None, 0),
    ((INFO,), "warning", 0),
    ((INFO,), "info", 1),
    ((ERROR,), None, 1),
    ((ERROR,), "error", 1),
    ((ERROR,), "warning", 1),
    ((ERROR,), "info", 1),
    ((ERROR,), "never", 0),
    ((BROKEN,), None, 2),
    ((BROKEN,), "never", 2),
    ((BROKEN, ERROR), None, 2),
    ((CLEAN, "fixtures/gate/no-such-file.yaml"), None, 2),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_codes(paths: tuple[str, ...], fail_on: str | None, expected: int,
                    fmt: str) -> None:
    args = ["scan", "--format", fmt, *paths]
    if fail_on is not None:
        args += ["--fail-on", fail_on]
    result = cwlint(*args)
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_fail_only_from_warning_down(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"orders.yaml": GATE / "exit" / "error.yaml",
                                ".cwlint.yaml": "severity: {CWL001: warning}\n"})
    assert cwlint("scan", "orders.yaml", cwd=repo).returncode == 0
    assert cwlint("scan", "--fail-on", "warning", "orders.yaml", cwd=repo).returncode == 1
    assert cwlint("scan", "--fail-on", "info", "orders.yaml", cwd=repo).returncode == 1


def test_unreadable_input_is_named_and_others_still_reported() -> None:
    result = cwlint("scan", BROKEN, ERROR)
    assert result.returncode == 2
    assert f"{BROKEN}:6: error: invalid YAML" in result.stdout
    assert f"{ERROR}:20:7: CWL001 error" in result.stdout


@pytest.mark.parametrize("args", [
    ("scan", "--format", "xml", ERROR),
    ("scan", "--fail-on", "critical", ERROR),
    ("scan", "--output", "/nonexistent-dir/report.txt", ERROR),
    ("scan", "--config", "/nonexistent.yaml", ERROR),
    ("explain", "CWL999"),
])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = cwlint(*args)
    assert result.returncode == 2
    assert result.stderr and "Traceback" not in result.stderr


def test_output_file_gets_the_report_and_the_exit_code_stays(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    result = cwlint("scan", "--format", "junit", "--output", str(target), ERROR)
    assert result.returncode == 1 and result.stdout == ""
    assert "<failure" in target.read_text()


def test_write_baseline_exits_0_unless_an_input_is_unreadable(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"orders.yaml": GATE / "exit" / "error.yaml",
                                "broken.yaml": GATE / "exit" / "broken.yaml"})
    assert cwlint("scan", "--write-baseline", "b.json", "orders.yaml",
                  cwd=repo).returncode == 0
    assert cwlint("scan", "--write-baseline", "b.json", ".", cwd=repo).returncode == 2


def test_non_templates_found_by_walking_are_skipped(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "orders.yaml": GATE / "exit" / "clean.yaml",
        "k8s.yaml": "kind: Service\n---\nkind: Deployment\n",
        "chart/templates/svc.yaml": "name: {{ .Values.name }}\n",
        "tsconfig.json": '{\n  // comments are not JSON\n  "strict": true\n}\n',
        "broken-template.yaml": (GATE / "exit" / "broken.yaml").read_text()})
    result = cwlint("scan", ".", cwd=repo)
    assert result.returncode == 2
    assert "broken-template.yaml:6: error: invalid YAML" in result.stdout
    for name in ("k8s.yaml", "svc.yaml", "tsconfig.json"):
        assert name not in result.stdout
    named = cwlint("scan", "k8s.yaml", cwd=repo)
    assert named.returncode == 2 and "k8s.yaml" in named.stdout


def test_skip_unrecognized_treats_named_files_like_walked_ones(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "orders.yaml": GATE / "exit" / "error.yaml",
        "package.json": '{"name": "x"}\n',
        "k8s.yaml": "kind: Service\n---\nkind: Deployment\n",
        "main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    files = ("orders.yaml", "package.json", "k8s.yaml", "main.tf")
    assert cwlint("scan", *files, cwd=repo).returncode == 2
    result = cwlint("scan", "--skip-unrecognized", *files, cwd=repo)
    assert result.returncode == 1
    # main.tf is a Terraform input (its directory, one module): scanned, no finding.
    assert result.stdout.rstrip().endswith("2 files scanned: 1 error, 0 warnings, 0 info, "
                                           "0 unreadable inputs")
