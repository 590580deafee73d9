"""cwlint's own template decoding gives what cfn-lint's decoder gives, or steps aside.

:func:`cwlint.cfn.marked_yaml.decode` builds templates from PyYAML's C parser without
importing cfn-lint. Wherever it decodes, the result must equal
:func:`cfnlint.decode.cfn_yaml.loads` (values, types and the marks of every node);
wherever cfn-lint's decoder would raise or treat something specially, it must return
None so that the loader falls back to cfn-lint. Checked on the fixtures, the third-party
corpus and hand-written edge cases; plus the reason it exists: loading a template does
not import cfn-lint.
"""

from __future__ import annotations

import copy
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from cwlint.cfn import marked_yaml
from cwlint.cfn.loader import TemplateError, line_of, parse_template

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "cfn"
_SUFFIXES = (".yaml", ".yml", ".json", ".template")
#: cwlint's class for each of cfn-lint's node classes
_NODE_TYPES = {"str_node": "MarkedStr", "dict_node": "MarkedDict", "list_node": "MarkedList"}


def _shape(value: Any) -> Any:
    """Value, exact type and start/end marks of a decoded node, recursively."""
    marks = tuple((m.line, m.column) for m in (getattr(value, "start_mark", None),
                                                getattr(value, "end_mark", None)) if m)
    kind = type(value).__name__
    kind = _NODE_TYPES.get(kind, kind)
    if isinstance(value, dict):
        return (kind, marks, [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (kind, marks, [_shape(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return (kind, marks, "nan")
    return (kind, marks, value)


def _cfn_lint(text: str) -> Any:
    """cfn-lint's result, or the name of the exception it raises."""
    try:
        return _shape(cfn_yaml.loads(text, "t.yaml"))
    except Exception as exc:
        return ("raises", type(exc).__name__)


def _files() -> list[Path]:
    fixtures = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in _SUFFIXES)
    corpus = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in _SUFFIXES)
    return fixtures + corpus[::4]


def test_same_templates_as_cfn_lint_on_fixtures_and_corpus() -> None:
    assert CORPUS.is_dir() or os.environ.get("CI") != "true", "../shared/corpus is missing"
    decoded = stepped_aside = 0
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        ours = marked_yaml.decode(text)
        if ours is None:
            stepped_aside += 1
            assert _cfn_lint(text)[0] == "raises", f"{path}: decodable, but left to cfn-lint"
            continue
        decoded += 1
        assert _shape(ours) == _cfn_lint(text), path
    assert decoded > 20 * max(stepped_aside, 1), (decoded, stepped_aside)


@pytest.mark.parametrize("text", [
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "      Role: !GetAtt Role.Arn\n      Name: !Sub '${AWS::StackName}-fn'\n"
    "      Code: {ZipFile: !Join ['', [a, !Ref B]]}\n",
    "A: !GetAtt Role.Arn.Deep\nB: !GetAtt [Role, Arn]\nC: !GetAtt NoDot\n",
    "A: !Ref X\nB: !Condition C\nC: !If [Cond, !Ref A, !Ref 'AWS::NoValue']\n",
    "A: !Sub [ '${x}', {x: !Ref Y} ]\nB: !Transform {Name: AWS::Include}\n",
    "A: !Ref 123\nB: !Equals [!Ref P, 1]\nC: !Base64 |\n  text\n",
    "A: 0x1F\nB: 0o17\nC: 1_000\nD: 1.5e3\nE: .inf\nF: -.Inf\nG: .nan\nH: 190:20:30\n",
    "A: yes\nB: No\nC: on\nD: ~\nE: null\nF: 2012-10-17\nG: 2001-12-14t21:59:43.10-05:00\n",
    "A: !!str 3\nB: !!int '7'\nC: !!float '1'\nD: !!bool 'true'\nE: !!null ''\n",
    "200: ok\n3.5: x\ntrue: y\n'quoted': \"double\"\n",
    "Key: &a {x: [1, 2]}\nOther: *a\nS: &s text\nT: *s\nL: &l [a, b]\nM: [*l, *s]\n",
    '{"Resources": {"A": {"Type": "AWS::SNS::Topic",},},}\n',
    '{"A": "\\u00e9t\\u00e9", "B": [1, 2.5, true, null]}\n',
    "# only a comment\n",
    "",
    "---\nA: 1\n...\n",
    "A: é\nB: 日本\n",
    "A: [ ]\nB: { }\nC: ''\n",
])
def test_same_result_as_cfn_lint(text: str) -> None:
    ours = marked_yaml.decode(text)
    assert ours is not None
    assert _shape(ours) == _cfn_lint(text)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                                  # duplicate key: an error in cfn-lint
    "~: 1\n",                                        # null key
    "? [1, 2]\n: x\n",                               # unhashable key
    "!Ref x: 1\n",                                   # a short form as a key
    "base: &b {a: 1}\nm:\n  <<: *b\n  a: 2\n",       # merge keys
    "=: 1\n",                                        # a value key
    "A: 1\n---\nB: 2\n",                             # two documents
    "A: !!binary aGVsbG8=\n",                        # outside the core schema
    "A: !!set {a, b}\n",
    "A: !GetAtt {Res: Arn}\n",                       # !GetAtt on a mapping
    "A: !Sub {x: 1, x: 2}\n",                        # cfn-lint keeps the last x here
    "A: !Foo {~: 1}\n",                              # and a null key
    "A: [unclosed\n",                                # syntax errors
    "A:\tb\n\tc: d\n",
    "%TAG !e! tag:example.com,2000:\n---\nA: !e!thing x\n",
    'A: !!timestamp "not a date"\n',                 # values PyYAML refuses to build
    'A: !!int "abc"\n',
    "A: \ud800\n",                                  # a lone surrogate
])
def test_steps_aside_where_cfn_lint_decides(text: str) -> None:
    assert marked_yaml.decode(text) is None


@pytest.mark.parametrize("text", [
    "base: &b {a: 1}\nm:\n  <<: *b\n  c: !Ref X\n",
    "A: !Sub {x: 1, x: 2}\nResources: {}\n",
])
def test_the_loader_falls_back_to_cfn_lint(text: str) -> None:
    loaded = parse_template(text, "t.yaml")
    assert _shape(loaded.template) == _cfn_lint(text)


@pytest.mark.parametrize(("text", "message"), [
    ('A: !!int "abc"\n', "invalid literal for int()"),
    ('A: !!timestamp "not a date"\n', "Template could not be parsed"),
])
def test_values_pyyaml_refuses_keep_cfn_lints_error(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse_template(text, "t.yaml")
    assert raised.value.message.startswith("invalid YAML: Template could not be parsed")
    assert message in raised.value.message


def test_duplicate_keys_keep_cfn_lints_error() -> None:
    with pytest.raises(TemplateError) as raised:
        parse_template("Resources:\n  X: {Type: A}\n  X: {Type: B}\n", "t.yaml")
    assert (raised.value.line, raised.value.message) == (
        3, "duplicate key 'X' (first at line 2)")


def test_alias_amplification_is_refused_before_anything_is_built() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(TemplateError, match="alias amplification"):
        parse_template("\n".join(lines) + "\n", "bomb.yaml")


def test_nodes_behave_like_cfn_lints() -> None:
    template = marked_yaml.decode("Resources:\n  Fn:\n    Type: X\n    Properties:\n"
                                  "      Tags: [a]\n")
    resource = template["Resources"]["Fn"]
    # a missing mapping section points at its parent, as with cfn-lint's dict_node.get
    assert line_of(resource.get("Metadata", {})) == line_of(resource) == 3
    assert resource.get("Metadata") is None
    copied = copy.deepcopy(template)
    assert _shape(copied) == _shape(template)
    assert copied["Resources"]["Fn"] is not resource


def test_loading_a_template_does_not_import_cfn_lint(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  T: {Type: 'AWS::SNS::Topic', Properties: "
                        "{TopicName: !Sub '${AWS::StackName}-t'}}\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\na: 2\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from cwlint.cfn.loader import TemplateError, load_template\n"
        "from cwlint.engine import ScanOptions, analyse_template\n"
        f"analyse_template(load_template({str(template)!r}), ScanOptions())\n"
        "print('cfnlint' in sys.modules, 'sympy' in sys.modules)\n"
        "try:\n"
        f"    load_template({str(broken)!r})\n"
        "except TemplateError:\n"
        "    print('cfnlint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    # a valid template: no cfn-lint; an invalid one: cfn-lint's decoder words the error
    assert done.stdout.split() == ["False", "False", "True"]
