"""The README's first screen and the command-line pages show real output and link to
pages that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", "docs/cli.md", "docs/configuration.md", "docs/integrations.md",
         "docs/releasing.md"]


def scan(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "cwlint", "scan", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False).stdout


def test_readme_first_screen_finding_is_real_output() -> None:
    readme = (ROOT / "README.md").read_text()
    first_screen = readme[: readme.index("## Install")]
    assert "make demo" in first_screen and "make test" in first_screen
    assert "Terraform" in first_screen
    block = re.search(r"One finding of `make demo`:\n\n```\n(.*?)```", first_screen, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    assert len(lines) >= 2 and lines[1].startswith("    fix: ")
    output = scan("fixtures/demo", "--fail-on", "never").splitlines()
    assert lines[0] in output
    start = output.index(lines[0]) + 1
    assert output[start:start + len(lines) - 1] == lines[1:]  # the finding's own fix
    following = output[start + len(lines) - 1]
    assert not following.startswith("      ")  # ... all of it


def test_cli_page_sample_is_real_output() -> None:
    page = (ROOT / "docs/cli.md").read_text()
    output = scan("fixtures/demo", "--fail-on", "never").splitlines()
    sample = page[page.index("```\nfixtures/demo/"):].split("```")[1].splitlines()[1:]
    for line in sample:
        assert line == "..." or line in output, line


def test_relative_links_point_at_files() -> None:
    for name in PAGES:
        page = ROOT / name
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            if target.startswith("rules/"):
                continue  # the rule pages, generated and checked with the rules
            assert (page.parent / target).exists(), f"{name}: {target}"


def test_help_names_terraform_and_plans() -> None:
    result = subprocess.run([sys.executable, "-m", "cwlint", "--help"], capture_output=True,
                            text=True, check=True)
    assert "Terraform configurations (.tf)" in result.stdout
    assert "Terraform plans" in result.stdout
    assert "report" in result.stdout
