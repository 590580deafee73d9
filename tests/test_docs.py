"""The documentation that ships: a page per rule from its docstring, every section there,
the pages and the README's rule table up to date, every link cwlint prints leading to a
page of the repository, and no text sending a reader outside the project."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cwlint.plugins import cfn_lint_rules
from cwlint.rules import ALL_RULES, DOCUMENTED
from cwlint.rules.base import DOCS_URL, REPOSITORY_URL
from cwlint.rules.pages import (
    FAILING_EXAMPLE,
    FIX_CLOUDFORMATION,
    FIX_TERRAFORM,
    README_END,
    README_START,
    REQUIRED_SECTIONS,
    WHY,
    missing_sections,
    render_readme_table,
    sections,
)

ROOT = Path(__file__).resolve().parent.parent
CWLINT = str(Path(sys.executable).with_name("cwlint"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_has_every_section(rule: type) -> None:
    assert missing_sections(rule) == []
    found = sections(rule)
    headings = [s.heading for s in found]
    assert len(headings) == len(set(headings)), headings  # no section twice
    examples = [s for s in found if s.is_a(FAILING_EXAMPLE)]
    assert all("```" in s.body for s in examples), rule.id  # an example, not prose only
    fixes = {s.heading: s.body for s in found}
    assert "```yaml" in fixes[FIX_CLOUDFORMATION] or "`" in fixes[FIX_CLOUDFORMATION]
    assert "```hcl" in fixes[FIX_TERRAFORM] or "`" in fixes[FIX_TERRAFORM]
    assert fixes[WHY]


def test_a_missing_section_is_found() -> None:
    class Bare(ALL_RULES[0]):  # type: ignore[misc, valid-type]
        """Checks something.

        **Why monitoring goes silent.** Because.

        **Fix.** One fix for both.
        """

    assert missing_sections(Bare) == [FAILING_EXAMPLE, FIX_CLOUDFORMATION, FIX_TERRAFORM]
    assert set(REQUIRED_SECTIONS) == {WHY, FAILING_EXAMPLE, FIX_CLOUDFORMATION, FIX_TERRAFORM}


def test_generated_pages_and_readme_table_are_up_to_date() -> None:
    done = subprocess.run([sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr


def test_check_mode_notices_a_changed_docstring(tmp_path: Path) -> None:
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "README.md").write_text(f"# x\n\n{README_START}\n{README_END}\n")
    (tmp_path / "docs" / "rules" / "cwl999-gone.md").write_text("old\n")
    check = [sys.executable, "scripts/gen_docs.py", "--check", "--root", str(tmp_path)]
    stale = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert "out of date: README.md" in stale.stderr and "cwl999-gone.md" in stale.stderr
    written = subprocess.run(check[:2] + check[3:], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    assert written.returncode == 0, written.stderr
    assert not (tmp_path / "docs" / "rules" / "cwl999-gone.md").exists()
    again = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr


def test_one_page_per_rule_and_an_index() -> None:
    pages = {p.name for p in (ROOT / "docs" / "rules").glob("*.md")}
    assert pages == {Path(rule.page()).name for rule in DOCUMENTED} | {"README.md"}
    index = (ROOT / "docs" / "rules" / "README.md").read_text()
    for rule in DOCUMENTED:
        assert f"]({Path(rule.page()).name})" in index
        page = (ROOT / rule.page()).read_text()
        assert page.count(f"`{rule.id}`") >= 1 and f"# {rule.id} {rule.name}" in page
        if rule.plugin:
            assert f"`{rule.cfn_lint_id()}`" in page and f"`{rule.checkov_id()}`" in page
        fixable = "| `--fix` | yes:" in page and "## Fixable" in page
        assert fixable == rule.fixable and (fixable or "| `--fix` | no:" in page)


def test_readme_table_lists_every_rule_of_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    assert render_readme_table(DOCUMENTED) in readme
    for rule in DOCUMENTED:
        assert f"| [{rule.id}]({rule.page()}) |" in readme


@pytest.mark.parametrize("rule", DOCUMENTED, ids=lambda r: r.id)
def test_every_rule_url_is_a_page_of_the_repository(rule: type) -> None:
    """helpUri (SARIF), cfn-lint's source_url and checkov's guideline are help_uri()."""
    url = rule.help_uri()
    assert url.startswith(DOCS_URL) and DOCS_URL.startswith(REPOSITORY_URL)
    assert (ROOT / url.removeprefix(DOCS_URL)).is_file(), url
    for cls in cfn_lint_rules.RULE_CLASSES:
        if cls.rule is rule:
            assert cls.source_url == url


def test_every_relative_link_of_the_docs_leads_to_a_file() -> None:
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for document in documents:
        for target in LINK.findall(document.read_text()):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = target.split("#", 1)[0]
            if path and not (document.parent / path).exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")
    assert not broken


def test_explain_prints_the_page_and_the_page_exists() -> None:
    done = subprocess.run([CWLINT, "explain", "ECW011"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    (url,) = [line.removeprefix("Page: ") for line in done.stdout.splitlines()
              if line.startswith("Page: ")]
    assert (ROOT / url.removeprefix(DOCS_URL)).is_file()
    assert done.stdout.startswith("CWL011 endpoint-private-dns-disabled")


def test_the_architecture_page_exists_in_the_project_s_own_words() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    assert "DESIGN" not in text and "cwlint/engine.py" in text


OUTSIDE = re.compile(r"DESIGN(\.md)?|§")


def test_no_shipped_text_sends_a_reader_outside_the_project() -> None:
    """No reference to a design document the repository does not hold: not in the code,
    the docstrings (``explain``), the README, docs/, nor any help text."""
    files = [*sorted((ROOT / "cwlint").rglob("*.py")), *sorted((ROOT / "checks").rglob("*.py")),
             *sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md", ROOT / "setup.py",
             ROOT / "pyproject.toml", ROOT / "Makefile"]
    assert not [f"{f.relative_to(ROOT)}: {line.strip()}" for f in files
                for line in f.read_text().splitlines() if OUTSIDE.search(line)]
    texts = [subprocess.run([CWLINT, *args], capture_output=True, text=True, check=False).stdout
             for args in (["--help"], ["scan", "--help"], ["rules"], ["explain", "--help"],
                          *(["explain", rule.id] for rule in DOCUMENTED))]
    assert all(texts) and not [t for t in texts if OUTSIDE.search(t)]
