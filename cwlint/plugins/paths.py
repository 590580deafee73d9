"""Where the directories users point cfn-lint and checkov at live.

In a source checkout they are ``checks/cfn_lint`` and ``checks/checkov`` at the top of the
repository; a wheel installs the same files as ``cwlint/checks/cfn_lint`` and
``cwlint/checks/checkov`` (``setup.py`` maps them into the package), so
``cwlint plugin-path`` works the same from a ``pip install`` and from the repository.
"""

from __future__ import annotations

from pathlib import Path

import cwlint

#: Host tool -> (directory name under ``checks/``, a file that must be in it).
TOOLS: dict[str, tuple[str, str]] = {
    "cfn-lint": ("cfn_lint", "cwlint_rules.py"),
    "checkov": ("checkov", "ckv_cwl_bootstrap.py"),
}

#: cfn-lint's module mode: ``--append-rules=cwlint.plugins.cfn_lint_rules``.
CFN_LINT_MODULE = "cwlint.plugins.cfn_lint_rules"


class PluginPathError(Exception):
    """The checks directory is not where an installed or checked-out cwlint keeps it."""


def checks_dir(tool: str) -> Path:
    """The absolute directory to pass to ``tool`` (``cfn-lint`` or ``checkov``)."""
    name, marker = TOOLS[tool]
    package = Path(cwlint.__file__).resolve().parent
    candidates = (package / "checks" / name, package.parent / "checks" / name)
    for candidate in candidates:
        if (candidate / marker).is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise PluginPathError(f"the {tool} checks are missing from this installation (looked in "
                          f"{tried}); reinstall cwlint")
