"""cwlint's decoder is cfn-lint's with a linear duplicate-key check: same result, same errors.

Decodes fixtures and a sample of the third-party corpus with both
:func:`cfnlint.decode.cfn_yaml.loads` and :func:`cwlint.cfn.yaml_decoder.loads` and compares
the decoded templates (values, types and marks) or the parse errors (messages, lines).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from cwlint.cfn import yaml_decoder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "cfn"


def _templates(every: int) -> list[Path]:
    found = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json",
                                                                   ".template"))
    found = found[::every]
    fixtures = sorted((ROOT / "fixtures").rglob("*.yaml"))
    return fixtures + found


def _shape(value: Any) -> Any:
    """Everything cwlint reads of a decoded node: value, type and start/end lines."""
    marks = tuple((m.line, m.column) for m in (getattr(value, "start_mark", None),
                                                getattr(value, "end_mark", None)) if m)
    if isinstance(value, dict):
        return ("map", marks, [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", marks, [_shape(v) for v in value])
    return (type(value).__name__, marks, value)


def _decode(loads: Any, text: str, name: str) -> Any:
    try:
        return _shape(loads(text, name))
    except cfn_yaml.CfnParseError as exc:
        return ("error", [(m.message, m.linenumber, m.columnnumber) for m in exc.matches])
    except Exception as exc:  # a YAML syntax error: cwlint falls back to JSON, as cfn-lint
        return ("yaml-error", type(exc).__name__, str(exc))


@pytest.mark.parametrize("path", _templates(every=25), ids=lambda p: p.name)
def test_same_result_as_cfn_lints_decoder(path: Path) -> None:
    assert CORPUS.is_dir() or os.environ.get("CI") != "true", "../shared/corpus is missing"
    text = path.read_text(encoding="utf-8", errors="replace")
    name = str(path)
    assert _decode(yaml_decoder.loads, text, name) == _decode(cfn_yaml.loads, text, name)


@pytest.mark.parametrize("text", [
    "a: 1\nb: 2\na: 3\nb: 4\na: 5\n",              # first duplicate names both keys
    "Resources:\n  X: {Type: A}\n  X: {Type: B}\n",
    "? [1, 2]\n: x\n",                              # unhashable key
    "~: 1\n",                                       # null key
    "base: &b {a: 1}\nm:\n  <<: *b\n  a: 2\n",      # merge keys may repeat
    "",
])
def test_same_errors_as_cfn_lints_decoder(text: str) -> None:
    assert _decode(yaml_decoder.loads, text, "t.yaml") == _decode(cfn_yaml.loads, text, "t.yaml")

