"""Packaging that pyproject.toml cannot express: ship ``checks/`` inside the package.

Users point cfn-lint and checkov at ``checks/cfn_lint`` and ``checks/checkov``. In a
wheel those directories become ``cwlint/checks/cfn_lint`` and ``cwlint/checks/checkov``,
where ``cwlint plugin-path`` finds them. Everything else is in pyproject.toml; packages
are found here so that new ``cwlint.*`` subpackages need no edit.
"""

from setuptools import find_namespace_packages, setup

CHECKS = {
    "cwlint.checks.cfn_lint": "checks/cfn_lint",
    "cwlint.checks.checkov": "checks/checkov",
}

setup(
    packages=[
        *find_namespace_packages(include=["cwlint", "cwlint.*"], exclude=["*.__pycache__"]),
        *CHECKS,
    ],
    package_dir=CHECKS,
)
