"""The release as .github/workflows/release.yml cuts it: the tag must name the version,
and the wheel and sdist build and pass ``twine check --strict``."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from cwlint import __version__

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def build_step(name: str) -> dict:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    (found,) = [s for s in steps if s.get("name") == name]
    return found


@pytest.mark.parametrize(("tag", "passes"), [(f"v{__version__}", True), ("v9.9.9", False),
                                              (__version__, False)])
def test_tag_must_name_the_version(tag: str, passes: bool) -> None:
    step = build_step("The tag names the package's version")
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=ROOT,
                            env={**os.environ, "TAG": tag, "PATH": f"{Path(sys.executable).parent}"
                                 f"{os.pathsep}{os.environ['PATH']}"},
                            capture_output=True, text=True, check=False)
    assert (result.returncode == 0) == passes, result.stdout + result.stderr
    if not passes:
        assert "does not match the package version" in result.stdout


def test_wheel_and_sdist_build_and_pass_twine_check(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = tmp_path / f"cwlint-{__version__}-py3-none-any.whl"
    sdist = tmp_path / f"cwlint-{__version__}.tar.gz"
    assert wheel.exists() and sdist.exists()
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                              str(wheel), str(sdist)], capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = zipfile.ZipFile(wheel).namelist()
    assert "cwlint/report/markdown_report.py" in names
    assert "cwlint/commands/report.py" in names
    assert any(n.startswith("cwlint/checks/cfn_lint/") for n in names)
    assert any(n.startswith("cwlint/data/") for n in names)
    assert "cwlint/data/aws_managed_policies.pack" in names
    assert "cwlint/plugins/checkov_table.py" in names
