"""Terraform's own parser is the reference for what cwlint reads: every ``.tf`` file of the
real corpus (``../shared/corpus/tf``) and of the fixtures that cwlint reports unreadable
must be refused by ``terraform fmt -`` too (which parses the file and prints it back).

A file cwlint refuses and Terraform accepts would be a valid configuration cwlint cannot
scan: the test names it. Where ``terraform`` is not on PATH, or the corpus is absent, the
test is skipped with that reason (about 15 s here: cwlint parses ~4,500 files, Terraform
only the few cwlint refuses).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cwlint.terraform import hcl

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "tf"
FIXTURES = ROOT / "fixtures"


def _unreadable(paths: list[Path]) -> dict[Path, str]:
    """The files cwlint cannot parse, with its message."""
    refused: dict[Path, str] = {}
    for path in paths:
        try:
            hcl.parse(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            refused[path] = f"not UTF-8 ({exc.reason})"
        except hcl.HclError as exc:
            refused[path] = f"line {exc.line}: {exc.message}"
    return refused


def test_every_tf_file_cwlint_refuses_terraform_refuses_too() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH: Terraform's parser cannot be the reference here")
    if not CORPUS.is_dir():
        pytest.skip(f"no Terraform corpus at {CORPUS}")
    paths = sorted(CORPUS.rglob("*.tf")) + sorted(FIXTURES.rglob("*.tf"))
    assert len(paths) > 1000
    refused = _unreadable(paths)
    # the corpus holds broken files on purpose (parser tests of other tools); cwlint must
    # refuse some, and each with Terraform's agreement
    assert refused
    accepted_by_terraform = []
    for path, message in refused.items():
        with path.open("rb") as source:
            result = subprocess.run([terraform, "fmt", "-"], stdin=source,
                                    capture_output=True, timeout=60, check=False)
        if result.returncode == 0:
            accepted_by_terraform.append(f"{path.relative_to(ROOT.parent)}: {message}")
    assert accepted_by_terraform == []


def test_terraform_rejects_the_bad_hcl_fixture() -> None:
    """The reference works at all: the fixture cwlint must refuse is refused."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH")
    bad = next(FIXTURES.rglob("bad-hcl/main.tf"))
    assert bad in _unreadable([bad])
    with bad.open("rb") as source:
        result = subprocess.run([terraform, "fmt", "-"], stdin=source, capture_output=True,
                                timeout=60, check=False)
    assert result.returncode != 0


#: Fixtures written unlike ``terraform fmt`` on purpose: the parser's edge cases (an
#: operator at the start of a line, a heredoc marker with trailing spaces ...) and files
#: that must not parse.
UNFORMATTED_ON_PURPOSE = (FIXTURES / "terraform" / "syntax", FIXTURES / "terraform" / "errors")


def test_fixture_modules_are_written_as_terraform_fmt_writes_them() -> None:
    """The fixtures are what users read as examples, and what ``scan --fix`` edits: each
    ``.tf`` file is already in ``terraform fmt``'s layout (its ``-check`` lists the
    others)."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH")
    paths = [p for p in sorted(FIXTURES.rglob("*.tf"))
             if not any(p.is_relative_to(d) for d in UNFORMATTED_ON_PURPOSE)]
    assert len(paths) > 100
    result = subprocess.run([terraform, "fmt", "-check", "-list=true", *map(str, paths)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout.split()) == (0, [])
