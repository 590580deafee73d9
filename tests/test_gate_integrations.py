"""The integrations, run for real where they can be run here.

* pre-commit: ``pre-commit try-repo`` installs the hook from a copy of this project (a
  throwaway git repository, so the project's own repository is never touched) into its
  own environment, then runs it on a throwaway repository;
* the composite GitHub Action: its shell steps are executed as the runner executes them
  (bash -eo pipefail, inputs as environment variables, $GITHUB_OUTPUT), except the steps
  that need GitHub (setup-python, pip install, upload-sarif), whose wiring is checked;
* ``cwlint rules`` and ``cwlint explain``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cwlint.rules import ALL_RULES
from cwlint.rules.cwl000_module_not_analysed import ModuleNotAnalysed
from tests.gate_helpers import CWLINT, GATE, ROOT, cwlint, make_repo, sarif_schema

GIT = shutil.which("git")
COPY_IGNORE = shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".ruff_cache", ".hypothesis", "build",
                                     "dist")


def require(available: bool, what: str) -> None:
    if not available:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{what} is not available")
        pytest.skip(f"{what} is not available")


def git(*args: str, cwd: Path) -> None:
    """git in a throwaway repository (never the project's own)."""
    assert GIT is not None
    subprocess.run([GIT, "-c", "user.name=cwlint tests", "-c", "user.email=tests@cwlint",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True, timeout=120)


# --- pre-commit ----------------------------------------------------------------------


def test_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cwlint"
    assert hook["language"] == "python"
    assert hook["entry"] == "cwlint scan --skip-unrecognized"
    assert hook["require_serial"] is True  # a module's changed files in one process
    files = re.compile(hook["files"])
    for name in ("stack.yaml", "a/b.yml", "cdk.out/x.template.json", "s.template", "main.tf"):
        assert files.search(name), name
    for name in ("app.py", "README.md", "main.tfvars", "yaml.txt"):
        assert not files.search(name), name


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A committed copy of the project to install the hook from, and a PRE_COMMIT_HOME
    shared by this module's tests (the hook environment is built once)."""
    require(GIT is not None, "git")
    require(importlib.util.find_spec("pre_commit") is not None, "pre-commit")
    base = tmp_path_factory.mktemp("pre-commit")
    source = base / "cwlint"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE)
    git("init", "-q", cwd=source)
    git("add", "-A", cwd=source)
    git("commit", "-q", "-m", "cwlint under test", cwd=source)
    return source, base / "home"


def try_repo(source: Path, home: Path, repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source),
                           "cwlint", "--all-files"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=1200)


def hook_repo(tmp_path: Path, files: dict[str, str | Path]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content)
    git("add", "-A", cwd=repo)
    return repo


def test_pre_commit_hook_blocks_a_bad_template(hook_source: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    repo = hook_repo(tmp_path, {
        "stacks/orders.yaml": GATE / "exit" / "error.yaml",
        "stacks/clean.yaml": GATE / "exit" / "clean.yaml",
        "package.json": '{"name": "app"}\n',
        "deploy/k8s.yaml": "kind: Service\n---\nkind: Deployment\n",
        "infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
        "app.py": "print('not scanned')\n"})
    result = try_repo(*hook_source, repo)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"cwlint\.+Failed", output), output
    assert "stacks/orders.yaml:20:7: CWL001 error" in output
    # pre-commit may split the files across parallel runs: one summary line per run
    summaries = re.findall(r"(\d+) files? scanned: (\d+) errors?", output)
    # the two templates and infra/ (main.tf: a Terraform module, scanned, no finding)
    assert sum(int(files) for files, _errors in summaries) == 3, output
    assert sum(int(errors) for _files, errors in summaries) == 1, output
    for name in ("package.json", "k8s.yaml", "main.tf"):
        assert name not in output


LOCAL_MODULE = ROOT / "fixtures" / "terraform" / "module-local-app" / "terraform"


def test_a_changed_child_module_file_is_analysed_through_its_caller(tmp_path: Path) -> None:
    """As a full scan does: the root module passes the namespace and the role, so the
    child's function is a CWL001 error, not an info about unknown inputs."""
    repo = make_repo(tmp_path, {
        "infra/main.tf": LOCAL_MODULE / "main.tf",
        "infra/modules/app/main.tf": LOCAL_MODULE / "modules" / "app" / "main.tf",
        "infra/modules/app/outputs.tf": 'output "name" {\n  value = "orders"\n}\n',
    })
    for changed in (["infra/modules/app/main.tf"],
                    ["infra/modules/app/main.tf", "infra/modules/app/outputs.tf"]):
        result = cwlint("scan", "--skip-unrecognized", "--format", "json", *changed, cwd=repo)
        report = json.loads(result.stdout)
        assert [(f["rule_id"], f["severity"], f["resource"]) for f in report["findings"]] == [
            ("CWL001", "error", "module.app.aws_lambda_function.orders")], result.stderr
    full = json.loads(cwlint("scan", "--format", "json", ".", cwd=repo).stdout)

    def seen(findings: list[dict[str, Any]]) -> list[tuple[str, ...]]:
        return [(f["rule_id"], f["severity"], f["resource"], f["message"],
                 os.path.normpath(f["file"])) for f in findings]

    assert seen(full["findings"]) == seen(report["findings"])


def test_pre_commit_hook_reports_a_module_once(hook_source: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    repo = hook_repo(tmp_path, {
        "infra/main.tf": LOCAL_MODULE / "main.tf",
        "infra/modules/app/main.tf": LOCAL_MODULE / "modules" / "app" / "main.tf",
        "infra/modules/app/outputs.tf": 'output "name" {\n  value = "orders"\n}\n',
    })
    result = try_repo(*hook_source, repo)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert len(re.findall(r"CWL001 error", output)) == 1, output


def test_pre_commit_hook_honours_configuration_and_baseline(hook_source: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    files: dict[str, str | Path] = {"stacks/orders.yaml": GATE / "exit" / "error.yaml",
                                    ".cwlint.yaml": "baseline: .cwlint-baseline.json\n"}
    staging = make_repo(tmp_path / "staging", files)
    written = cwlint("scan", "--write-baseline", ".cwlint-baseline.json", "stacks",
                     cwd=staging)
    assert written.returncode == 0, written.stderr
    files[".cwlint-baseline.json"] = (staging / ".cwlint-baseline.json").read_text()
    repo = hook_repo(tmp_path, files)
    result = try_repo(*hook_source, repo)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"cwlint\.+Passed", output), output


# --- GitHub Action -------------------------------------------------------------------


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def step(action: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in action["runs"]["steps"] if s.get("name") == name]
    return found


ACTION_STEPS = ["Set up Python", "Locate the cwlint environment",
                "Restore the cwlint environment", "Install cwlint", "Scan",
                "Decide on the SARIF upload", "Upload SARIF to code scanning",
                "Report a refused upload", "Fail on findings"]


def test_action_is_a_composite_with_a_private_cached_environment(action: dict[str, Any]
                                                                 ) -> None:
    assert action["runs"]["using"] == "composite"
    assert [s["name"] for s in action["runs"]["steps"]] == ACTION_STEPS
    python = step(action, "Set up Python")
    assert python["uses"].startswith("actions/setup-python@v")
    assert python["with"]["update-environment"] is False  # the job's python is untouched
    cache = step(action, "Restore the cwlint environment")
    assert cache["uses"].startswith("actions/cache@v")
    assert cache["with"] == {"path": "${{ steps.env.outputs.venv }}",
                             "key": "${{ steps.env.outputs.key }}"}
    install = step(action, "Install cwlint")["run"]
    assert '"$CWLINT_PYTHON" -m venv "$CWLINT_VENV"' in install
    assert 'requirement="$GITHUB_ACTION_PATH"' in install
    assert 'requirement="cwlint==$CWLINT_VERSION"' in install
    upload = step(action, "Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@v")
    assert upload["continue-on-error"] is True
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    assert step(action, "Report a refused upload")["if"] == (
        "${{ always() && steps.upload.outcome == 'failure' }}")
    for item in action["runs"]["steps"]:
        assert "${{" not in item.get("run", ""), "inputs must reach scripts as env only"
    assert set(action["outputs"]) == {"json-file", "sarif-file", "exit-code"}
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name


def run_step(action: dict[str, Any], name: str, inputs: dict[str, str], cwd: Path,
             extra_env: dict[str, str] | None = None
             ) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a ``run:`` step as the runner does: bash -eo pipefail, env from the inputs
    (other expressions, such as earlier steps' outputs, from ``extra_env``)."""
    spec = step(action, name)
    defaults = {key: str(value.get("default", "")) for key, value in action["inputs"].items()}
    values = {**defaults, **inputs}
    extra = {"CWLINT": CWLINT, **(extra_env or {})}
    env = dict(os.environ)
    output = cwd / "github-output.txt"
    output.write_text("")
    env["GITHUB_OUTPUT"] = str(output)
    env["GITHUB_STEP_SUMMARY"] = str(cwd / "step-summary.md")
    env["RUNNER_TEMP"] = str(cwd / "runner-temp")
    (cwd / "runner-temp").mkdir(exist_ok=True)
    env.update({k: v for k, v in extra.items() if k.isupper() and k.startswith(("GITHUB_",
                                                                               "RUNNER_"))})
    for key, expression in spec.get("env", {}).items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression)
        env[key] = values[match.group(1)] if match else extra[key]
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                             spec["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=900)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return result, outputs


def test_action_scans_once_and_renders_every_format(action: dict[str, Any],
                                                     tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": GATE / "exit" / "error.yaml",
                                "more/suppressed.yaml": GATE / "suppressions.yaml"})
    result, outputs = run_step(action, "Scan", {"paths": "stacks\nmore"}, repo)
    assert result.returncode == 0, result.stderr
    report = str(repo / "runner-temp" / "cwlint-report.json")
    assert outputs == {"exit-code": "1", "json-file": report, "sarif-file": "cwlint.sarif"}
    assert "stacks/orders.yaml:20:7: CWL001 error" in result.stdout  # readable log
    direct = cwlint("scan", "stacks", "more", "--format", "json", cwd=repo).stdout
    assert Path(report).read_text() == direct
    document = json.loads((repo / "cwlint.sarif").read_text())
    jsonschema.validate(document, sarif_schema())
    results = document["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in results} == {"stacks/orders.yaml", "more/suppressed.yaml"}
    assert all(not r["suppressions"] for r in results)  # code scanning ignores them
    summary = (repo / "step-summary.md").read_text()
    assert summary.startswith("### cwlint\n\n2 files scanned: 3 errors")
    assert "<details>" in summary

    kept, _outputs = run_step(action, "Scan", {"paths": "more",
                                               "include-suppressed": "true",
                                               "annotations": "true", "summary": "false"},
                              repo)
    document = json.loads((repo / "cwlint.sarif").read_text())
    assert sum(1 for r in document["runs"][0]["results"] if r["suppressions"]) == 3
    assert "::error file=more/suppressed.yaml,line=65,title=CWL001::" in kept.stdout
    assert (repo / "step-summary.md").read_text() == summary  # not written again


def test_action_leaves_info_out_of_the_upload(action: dict[str, Any], tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/info.yaml": GATE / "exit" / "info-only.yaml"})
    run_step(action, "Scan", {"paths": "stacks", "fail-on": "never"}, repo)
    report = json.loads((repo / "runner-temp" / "cwlint-report.json").read_text())
    assert {f["severity"] for f in report["findings"]} == {"info"}
    sarif = json.loads((repo / "cwlint.sarif").read_text())
    assert sarif["runs"][0]["results"] == []
    run_step(action, "Scan", {"paths": "stacks", "sarif-include-info": "true"}, repo)
    sarif = json.loads((repo / "cwlint.sarif").read_text())
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"note"}


def test_action_scan_step_with_config_baseline_and_fail_on(action: dict[str, Any],
                                                           tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": GATE / "exit" / "error.yaml",
                                "ci/cwlint.yaml": "severity: {CWL001: warning}\n"})
    _result, outputs = run_step(action, "Scan", {"config": "ci/cwlint.yaml"}, repo)
    assert outputs["exit-code"] == "0"
    _result, outputs = run_step(action, "Scan", {"config": "ci/cwlint.yaml",
                                                 "fail-on": "warning"}, repo)
    assert outputs["exit-code"] == "1"
    assert cwlint("scan", "--write-baseline", "base.json", "stacks", cwd=repo).returncode == 0
    _result, outputs = run_step(action, "Scan", {"baseline": "base.json"}, repo)
    assert outputs["exit-code"] == "0"


def test_action_scan_step_without_a_usable_configuration(action: dict[str, Any],
                                                         tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": GATE / "exit" / "error.yaml",
                                ".cwlint.yaml": "bogus: 1\n"})
    result, outputs = run_step(action, "Scan", {}, repo)
    assert result.returncode == 0
    assert outputs == {"exit-code": "2"}  # no report, no SARIF to upload
    assert "unknown key 'bogus'" in result.stderr


@pytest.mark.parametrize(("head", "upload"), [
    ("octo/app", "true"), ("", "true"), ("someone/app-fork", "false")])
def test_action_does_not_upload_from_a_fork(action: dict[str, Any], tmp_path: Path,
                                            head: str, upload: str) -> None:
    result, outputs = run_step(action, "Decide on the SARIF upload", {}, tmp_path,
                               {"HEAD_REPOSITORY": head, "REPOSITORY": "octo/app"})
    assert result.returncode == 0
    assert outputs == {"upload": upload}
    assert ("::notice title=cwlint::SARIF not uploaded" in result.stdout) == (upload == "false")


def test_action_refused_upload_is_a_notice(action: dict[str, Any], tmp_path: Path) -> None:
    result, _outputs = run_step(action, "Report a refused upload", {}, tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("::notice title=cwlint::Code scanning did not take")


@pytest.mark.parametrize(("status", "message"), [
    ("1", "findings at or above fail-on"), ("2", "could not scan every input")])
def test_action_fail_step(action: dict[str, Any], tmp_path: Path, status: str,
                          message: str) -> None:
    result, _outputs = run_step(action, "Fail on findings", {}, tmp_path,
                                {"CWLINT_STATUS": status})
    assert result.returncode == int(status)
    assert result.stdout.startswith("::error title=cwlint::") and message in result.stdout


def test_action_installs_into_its_own_environment(action: dict[str, Any],
                                                  tmp_path: Path) -> None:
    """The install steps, for real: a virtual environment under RUNNER_TEMP holding the
    action's own copy of cwlint, reused when it is there (as after a cache hit)."""
    source = tmp_path / "action"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE)
    work = tmp_path / "work"
    work.mkdir()
    github = {"GITHUB_ACTION_PATH": str(source), "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
              "CWLINT_PYTHON": sys.executable, "PYTHON_VERSION": "3.x"}
    located, env_outputs = run_step(action, "Locate the cwlint environment", {}, work, github)
    assert located.returncode == 0, located.stderr
    venv = Path(env_outputs["venv"])
    assert venv.parent == work / "runner-temp"
    assert env_outputs["key"].startswith("cwlint-venv-Linux-X64-py3.x-0.1.0-")
    install_env = {**github, "CWLINT_VENV": str(venv)}
    first, outputs = run_step(action, "Install cwlint", {}, work, install_env)
    assert first.returncode == 0, first.stderr
    assert outputs == {"cwlint": f"{venv}/bin/cwlint"}
    assert first.stdout.strip().startswith("cwlint 0.1.0")
    shown = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import cwlint; print(cwlint.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
                           ).stdout
    assert shown.startswith(str(venv))  # installed there, not an editable link to a clone
    marker = venv / "kept"
    marker.write_text("")
    again, _outputs = run_step(action, "Install cwlint", {}, work, install_env)
    assert again.returncode == 0 and again.stdout.strip().startswith("cwlint 0.1.0")
    assert marker.exists()  # the environment was reused, not rebuilt
    changed = source / "cwlint" / "__init__.py"
    changed.write_text(changed.read_text() + "# changed\n")
    _located, changed_outputs = run_step(action, "Locate the cwlint environment", {}, work,
                                         github)
    assert changed_outputs["key"] != env_outputs["key"]  # new sources, new environment


# --- rules and explain ---------------------------------------------------------------


def test_rules_table_lists_every_id() -> None:
    result = cwlint("rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "cfn-lint", "checkov", "severity", "title"]
    rows = [line.split(None, 4) for line in lines[1:]]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("CWL000", "-", "-", "info", ModuleNotAnalysed.title)] + [
        (rule.id, rule.cfn_lint_id(), rule.checkov_id(), rule.severity, rule.title)
        for rule in ALL_RULES]


@pytest.mark.parametrize("name", ["CWL001", "ECW001", "ckv_cwl_001"])
def test_explain_by_any_id(name: str) -> None:
    result = cwlint("explain", name)
    assert result.returncode == 0
    assert result.stdout.startswith("CWL001 metrics-publish-denied (error; cfn-lint ECW001, "
                                    "checkov CKV_CWL_001)")
    assert "**Fix (CloudFormation).**" in result.stdout
    assert "**Fix (Terraform).**" in result.stdout
