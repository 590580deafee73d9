"""``pip install cwlint`` into an environment that has checkov never breaks checkov.

checkov depends on ``bc-python-hcl2``, which installs the ``hcl2`` import package that
``python-hcl2`` also installs; python-hcl2 8 in checkov's environment breaks checkov.
cwlint depends on neither: its HCL front end (:mod:`cwlint.terraform.hcl`) parses with
tree-sitter and the ``tree-sitter-hcl`` grammar, which install nothing checkov has.

This test proves it the way a user would meet it: a fresh virtual environment under /tmp,
``pip install checkov``, then ``pip install`` this project (not editable), then

* no package checkov had is replaced or changed version (``pip freeze`` before/after),
  ``hcl2`` is still bc-python-hcl2, and ``pip check`` is clean;
* ``checkov --version`` works, and checkov still parses Terraform HCL;
* ``cwlint scan`` of an HCL module (read with tree-sitter) and of a plan works there.

It installs from the package index (a few minutes, most of it checkov), so it is part of
the default run only because it fits in about three minutes on a warm pip cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "fixtures" / "cwl001" / "fail-env-namespace" / "terraform"
PLAN = ROOT / "fixtures" / "cwl001" / "fail-env-namespace" / "plan.json"


def _run(*command: str | Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=tempfile.gettempdir())


def _freeze(pip: Path) -> dict[str, str]:
    result = _run(pip, "freeze", "--all")
    assert result.returncode == 0, result.stderr
    versions = {}
    for line in result.stdout.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            versions[name.lower().replace("_", "-")] = version
    return versions


def test_installing_cwlint_keeps_checkov_working() -> None:
    venv = Path(tempfile.mkdtemp(prefix="cwlint-checkov-compat-", dir="/tmp"))
    try:
        created = _run(sys.executable, "-m", "venv", venv)
        assert created.returncode == 0, created.stderr
        bin_dir = venv / "bin"
        pip = bin_dir / "pip"
        installed = _run(pip, "install", "--quiet", "checkov")
        assert installed.returncode == 0, installed.stderr[-3000:]
        before = _freeze(pip)
        assert "bc-python-hcl2" in before

        installed = _run(pip, "install", "--quiet", ROOT)
        assert installed.returncode == 0, installed.stderr[-3000:]
        after = _freeze(pip)
        changed = {name: (version, after.get(name)) for name, version in before.items()
                   if after.get(name) != version}
        assert changed == {}, f"installing cwlint changed checkov's environment: {changed}"
        assert "python-hcl2" not in after
        check = _run(pip, "check")
        assert check.returncode == 0, check.stdout + check.stderr

        version = _run(bin_dir / "checkov", "--version")
        assert version.returncode == 0, version.stderr[-3000:]
        assert version.stdout.strip()[:1].isdigit(), version.stdout
        hcl2 = _run(bin_dir / "python", "-c",
                    "import hcl2, importlib.metadata as m; print(m.version('bc-python-hcl2'))")
        assert hcl2.returncode == 0, hcl2.stderr

        scanned = _run(bin_dir / "checkov", "-f", MODULE / "main.tf", "--framework",
                       "terraform", "--skip-download", "--compact", "--quiet", "-o", "json")
        summary = json.loads(scanned.stdout)["summary"]
        assert summary["parsing_errors"] == 0 and summary["resource_count"] == 3, summary

        for path in (MODULE, PLAN):
            result = _run(bin_dir / "cwlint", "scan", "--format", "json", path)
            assert result.returncode == 1, result.stderr
            findings = json.loads(result.stdout)["findings"]
            assert [(f["rule_id"], f["resource"]) for f in findings] == [
                ("CWL001", "aws_lambda_function.orders")]
    finally:
        shutil.rmtree(venv, ignore_errors=True)
