#!/usr/bin/env python
"""Write the rule pages from the rule registry: ``make docs``.

* ``docs/rules/<cwlnnn>-<name>.md``: one page per rule, from its docstring
  (:mod:`cwlint.rules.pages`);
* ``docs/rules/README.md``: the index of those pages;
* the rule table of ``README.md``, between its marker comments;
* ``cwlint/plugins/checkov_table.py``: what the checkov checks register with, so that
  registering them imports no rule (:mod:`cwlint.plugins.checkov_catalog`).

A page of ``docs/rules/`` that no rule has any more is deleted. With ``--check`` nothing
is written: the files that are not what the registry says are listed on stderr and the
exit code is 1 (the tests run this).

Usage::

    python scripts/gen_docs.py [--check] [--root DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cwlint.plugins.checkov_catalog import TABLE_FILE, render_table  # noqa: E402
from cwlint.rules import ALL_RULES, DOCUMENTED  # noqa: E402
from cwlint.rules.base import RULE_PAGES  # noqa: E402
from cwlint.rules.pages import (  # noqa: E402
    missing_sections,
    render_index,
    render_page,
    with_readme_table,
)

INDEX = "README.md"


def wanted_files(root: Path) -> dict[Path, str]:
    """Every generated file and its content."""
    pages = root / RULE_PAGES
    files = {root / rule.page(): render_page(rule) for rule in DOCUMENTED}
    files[pages / INDEX] = render_index(DOCUMENTED)
    readme = root / "README.md"
    files[readme] = with_readme_table(readme.read_text(encoding="utf-8"), DOCUMENTED)
    files[root / TABLE_FILE] = render_table(ALL_RULES)
    return files


def stale_pages(root: Path, files: dict[Path, str]) -> list[Path]:
    """Pages in ``docs/rules/`` that no rule writes."""
    pages = root / RULE_PAGES
    return sorted(p for p in pages.glob("*.md") if p not in files) if pages.is_dir() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a generated file is out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository root")
    args = parser.parse_args(argv)
    incomplete = {rule.id: missing_sections(rule) for rule in ALL_RULES}
    incomplete = {rule_id: missing for rule_id, missing in incomplete.items() if missing}
    for rule_id, missing in incomplete.items():
        print(f"{rule_id}: its docstring has no section {', '.join(missing)}",
              file=sys.stderr)
    files = wanted_files(args.root)
    outdated = [path for path, text in files.items()
                if not path.is_file() or path.read_text(encoding="utf-8") != text]
    stale = stale_pages(args.root, files)
    if args.check:
        for path in outdated:
            print(f"out of date: {path.relative_to(args.root)} (run `make docs`)",
                  file=sys.stderr)
        for path in stale:
            print(f"no rule has this page: {path.relative_to(args.root)} (run `make docs`)",
                  file=sys.stderr)
        return 1 if outdated or stale or incomplete else 0
    for path in outdated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path.relative_to(args.root)}")
    for path in stale:
        path.unlink()
        print(f"deleted {path.relative_to(args.root)}")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
