"""cwlint reads Terraform the same with whichever ``hcl2`` is installed.

``make test`` runs this module in both of the project's virtualenvs: ``.venv``, where
``hcl2`` is python-hcl2 8 (the ``cwlint[terraform]`` extra), and ``.venv-checkov``, where it
is checkov's bc-python-hcl2; each run compares itself with the other environment (both
exist once ``make test`` has built them): the syntax trees of tricky expressions, and the whole
``cwlint scan --format json`` report of every HCL fixture, must be identical. The two
grammars differ in how they keep strings, operator precedence, literals and ``...``
(see :mod:`cwlint.terraform.hcl`), so this is where a difference would show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cwlint.terraform import hcl
from tests.fixture_layout import modules

ROOT = Path(__file__).resolve().parent.parent
HERE_IS_CHECKOVS = hcl.hcl2_version().startswith("bc-python-hcl2 ")
#: The other environment's Python: the one with the other hcl2.
OTHER_PYTHON = ROOT / (".venv" if HERE_IS_CHECKOVS else ".venv-checkov") / "bin" / "python"

SNIPPETS = [
    "x = max(var.list...)\n", "x = concat(foo(a)...)\n", "x = f(\n a,\n b... # c\n)\n",
    "x = f(a, b,)\n", "x = a * b + c\n", "x = a + b * c\n", "x = a == b ? c : d\n",
    "x = a ? b : c ? d : e\n", "x = !a && b || c\n", "x = -1\n", "x = a - -1\n",
    "x = (a + b) * c\n", "x = a ? b + 1 : c\n", 'x = var.a != "" ? var.a : "d"\n',
    "x = a.*.b\n", "x = a[*].b[0]\n", "x = a.0.b\n", "x = {for k, v in m : k => v... if v}\n",
    "x = [for v in l : v if v != null]\n", "x = provider::aws::arn_parse(a)\n",
    'x = "${a}-${b["c"]}"\n', "x = <<-EOT\n    a ${b}\n      c\n    EOT\n",
    'x = "%{ if a ~}yes%{ else }no%{ endif }"\n',
    'x = "%{for k, v in m}${k}=${v},%{endfor}"\n', 'x = "$${lit} %%{lit}"\n',
    'x = {"a" = 1, b: 2}\n', "x = 1.5\n", "x = null\n", "x = [true, false]\n",
    'x = jsonencode({\n  Statement = [{ Effect = "Allow" }]\n})\n', 'x = a.b["c"].d\n',
    'x = "${jsonencode({a = "}"})}"\n', 'x = "\\u00e9\\n\\"q\\""\n', "x = a % 2 == 0\n",
    'resource "a" b {\n  c = 1\n}\n', "x = a ? b : c\ny = 2\n",
    'x = "${var.a}" # "quoted" comment\n', 'x = <<EOT\n"${a}"\nEOT\n',
    'x = "unterminated\n', 'a = 1\na = 2\n',
]

_DUMP = """
import json, sys
from cwlint.terraform import hcl
out = []
for text in json.load(sys.stdin):
    try:
        out.append(repr(hcl.parse(text)))
    except hcl.HclError as exc:
        out.append(f"error at line {exc.line}")
print(json.dumps(out))
"""


def _other_venv(*args: str, stdin: str | None = None) -> str:
    assert OTHER_PYTHON.exists(), "run `make test`: it builds .venv and .venv-checkov first"
    result = subprocess.run([str(OTHER_PYTHON), *args], input=stdin, capture_output=True,
                            text=True, cwd=ROOT, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return result.stdout


def test_the_two_environments_have_the_two_hcl2_packages() -> None:
    here = hcl.hcl2_version()
    there = _other_venv("-c", "from cwlint.terraform import hcl; print(hcl.hcl2_version())")
    assert {here.split()[0], there.split()[0]} == {"python-hcl2", "bc-python-hcl2"}, (here,
                                                                                    there)


def test_both_grammars_give_the_same_syntax_trees() -> None:
    mine = []
    for text in SNIPPETS:
        try:
            mine.append(repr(hcl.parse(text)))
        except hcl.HclError as exc:
            mine.append(f"error at line {exc.line}")
    theirs = json.loads(_other_venv("-c", _DUMP, stdin=json.dumps(SNIPPETS)))
    different = [(text, a, b) for text, a, b in zip(SNIPPETS, mine, theirs, strict=True)
                 if a != b]
    assert different == []
    assert sum(result.startswith("error") for result in mine) == 2


def test_both_grammars_give_the_same_scan_report() -> None:
    command = ["-m", "cwlint", "scan", "--format", "json", "--fail-on", "never",
               *(str(m.relative_to(ROOT)) for m in modules())]
    here = subprocess.run([sys.executable, *command], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert here.returncode == 0, here.stderr[-3000:]
    report = json.loads(here.stdout)
    assert report["summary"]["files"] > 0 and report["findings"]
    assert here.stdout == _other_venv(*command)
