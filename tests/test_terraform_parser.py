"""The tree-sitter HCL front end (cwlint.terraform.hcl): the syntax Terraform accepts and
former parsers refused (``fixtures/terraform/syntax/``), the shape of the trees it builds
(precedence, splats, templates), exact lines and columns, and one parse per file per scan.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cwlint.terraform import hcl, modules
from cwlint.terraform.attributes import Environment
from cwlint.terraform.modules import read_configuration
from cwlint.terraform.syntax import (
    Binary,
    Call,
    Conditional,
    GetAttr,
    Index,
    Interpolation,
    Literal,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    Unary,
    Variable,
)

ROOT = Path(__file__).resolve().parent.parent
SYNTAX = ROOT / "fixtures" / "terraform" / "syntax"


def expr(text: str) -> object:
    return hcl.parse(f"x = {text}\n").attributes["x"].expr


def scan(path: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             str(path.relative_to(ROOT))], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# --- syntax Terraform accepts (each checked with terraform fmt when it was written) --------


@pytest.mark.parametrize(("scenario", "expected", "namespace"), [
    ("heredoc-marker-trailing-spaces", [], None),
    ("operator-at-line-start", [("CWL001", "error", "aws_lambda_function.orders")], "Billing"),
    ("for-arrow-next-line", [("CWL001", "error", 'aws_lambda_function.app["billing"]'),
                             ("CWL001", "error", 'aws_lambda_function.app["orders"]')],
     "Billing"),
    ("non-ascii-identifiers", [("CWL001", "error", "aws_lambda_function.commandes")],
     "Commandes"),
])
def test_syntax_terraform_accepts_is_read(scenario: str, expected: list, namespace: str | None
                                          ) -> None:
    report = scan(SYNTAX / scenario)
    assert report["errors"] == []
    found = sorted((f["rule_id"], f["severity"], f["resource"]) for f in report["findings"])
    assert found == expected
    if namespace:
        assert f"namespace {namespace} " in report["findings"][0]["message"]


def test_a_heredoc_ends_at_its_marker_followed_by_spaces() -> None:
    body = hcl.parse((SYNTAX / "heredoc-marker-trailing-spaces" / "main.tf").read_text())
    policy = next(b for b in body.blocks if b.labels == ["aws_iam_role_policy", "metrics"])
    text = policy.body.attributes["policy"].expr
    assert isinstance(text, Template) and text.parts[0].endswith('}\n')
    assert "aws_lambda_function" in [b.labels[0] for b in body.blocks]


def test_non_ascii_identifiers_and_columns_in_characters() -> None:
    body = hcl.parse("locals {\n  é = 1\n  ü = 2\n}\nrésumé \"a\" {\n  x = 1\n}\n")
    local, block = body.blocks
    assert local.body.attributes["é"].line == 2 and local.body.attributes["é"].column == 3
    assert (block.type, block.line, block.end_line, block.column) == ("résumé", 5, 7, 1)
    one_line = hcl.parse('résumé "é" { ü = 1 }\n').blocks[0]
    assert one_line.body.attributes["ü"].column == 14  # characters, not bytes (17)


# --- the trees -----------------------------------------------------------------------------


def test_operators_follow_hcl_precedence_and_conditionals_nest_to_the_right() -> None:
    tree = expr("a + b * c")
    assert isinstance(tree, Binary) and tree.op == "+" and tree.right.op == "*"
    tree = expr("a ? b : c ? d : e")
    assert isinstance(tree, Conditional) and isinstance(tree.false, Conditional)
    tree = expr("!a && b || c")
    assert tree.op == "||" and tree.left.op == "&&" and isinstance(tree.left.left, Unary)
    tree = expr("(a + b) * c")
    assert tree.op == "*" and tree.left.op == "+"
    tree = expr("a - -1")
    assert tree.op == "-" and isinstance(tree.right, Unary)
    tree = expr("(a\n  || b\n  && c)")
    assert tree.op == "||" and tree.right.op == "&&" and tree.right.line == 2


def test_splats_attribute_only_and_full() -> None:
    # HCL: a.*.b[0] is (a.*.b)[0]; a[*].b[0] applies [0] to each element
    tree = expr("a.*.b[0]")
    assert isinstance(tree, Index) and isinstance(tree.source, Splat)
    assert tree.source.body == GetAttr(1, SplatItem(1), "b")
    tree = expr("a[*].b[0]")
    assert isinstance(tree, Splat) and isinstance(tree.body, Index)


def test_object_keys_bare_names_are_strings_parenthesized_ones_expressions() -> None:
    tree = expr('{a = 1, "b" = 2, (c) = 3, d: 4, null = 5}')
    assert isinstance(tree, ObjectExpr)
    keys = [k for k, _ in tree.items]
    assert keys[0] == Literal(1, "a") and isinstance(keys[1], Template)
    assert keys[2] == Variable(1, "c") and keys[3] == Literal(1, "d")
    assert keys[4] == Literal(1, "null")


def test_calls_expand_provider_functions_and_legacy_index() -> None:
    tree = expr("max(var.list...)")
    assert isinstance(tree, Call) and tree.expand_final
    tree = expr("f(\n a,\n b, # comment\n)")
    assert isinstance(tree, Call) and not tree.expand_final and len(tree.args) == 2
    assert expr("provider::aws::arn_parse(a)").name == "provider::aws::arn_parse"
    tree = expr("a.0.b")
    assert isinstance(tree, GetAttr) and tree.source.key == Literal(1, 0)


def test_templates_keep_literal_text_and_interpolations_from_the_same_tree() -> None:
    tree = expr('"a ${b} \\u00e9\\n\\"q\\" $${lit} %%{lit}"')
    assert tree.parts == ("a ", Interpolation(Variable(1, "b")), ' é\n"q" ${lit} %{lit}')
    tree = expr('"%{ if a ~}  yes  %{~ else }no%{ endif }"')
    assert tree.parts[0].then == ("yes",) and tree.parts[0].otherwise == ("no",)
    tree = expr("<<-EOT\n    a ${b}\n      c\n    EOT\n")
    assert tree.parts == ("a ", Interpolation(Variable(2, "b")), "\n  c\n")
    tree = expr('"${jsonencode({a = "}"})}"')
    assert isinstance(tree.parts[0].expr, Call)


@pytest.mark.parametrize("text", [
    "x = 0x1F\n",  # HCL has no hexadecimal numbers
    'x = "${}"\n',
    "{\n  \"a\": 1\n}\n",  # JSON is .tf.json, not .tf
])
def test_what_terraform_refuses_is_an_error(text: str) -> None:
    with pytest.raises(hcl.HclError) as caught:
        hcl.parse(text)
    assert caught.value.line == 1


def test_a_syntax_error_is_file_and_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('locals {\n  a = [1, 2\n  b = 3\n}\n')
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    error, = json.loads(result.stdout)["errors"]
    assert error["file"].endswith("main.tf") and error["line"] == 3


# --- one parse per file --------------------------------------------------------------------


def test_a_module_called_by_two_roots_is_parsed_once(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n')
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "main.tf").write_text(
            'module "shared" {\n  source = "../shared"\n}\n')
    parsed: list[int] = []
    real_parse = hcl.parse

    def counting(text: str) -> object:
        parsed.append(len(text))
        return real_parse(text)

    monkeypatch.setattr(hcl, "parse", counting)
    modules._PARSED.clear()
    for root in ("a", "b"):
        found = read_configuration(str(tmp_path / root), Environment())
        assert [r.address for r in found.resources] == ["module.shared.aws_sqs_queue.q"]
    assert len(parsed) == 3  # a/main.tf, b/main.tf, shared/main.tf once
    (tmp_path / "shared" / "main.tf").write_text('resource "aws_sqs_queue" "r" {\n}\n')
    found = read_configuration(str(tmp_path / "a"), Environment())
    assert [r.address for r in found.resources] == ["module.shared.aws_sqs_queue.r"]
