"""Where a fix goes in a Terraform ``.tf`` file, from tree-sitter's exact byte spans.

The resource is the block ``resource "TYPE" "NAME"`` (or ``data``) of the finding's
address, module path and instance key dropped (``module.app.aws_x.y["k"]`` is
``resource "aws_x" "y"`` in the module's file that the finding names).

* A setting (:class:`~cwlint.fixes.SetValue`) is replaced where the block's argument is
  a literal (``false``, ``"missing"``, a number); an absent argument is added as the
  block's last line, after a blank line so that ``terraform fmt`` keeps it as it is (it
  aligns only consecutive arguments). A variable, a local, a reference, a function call
  or a conditional leaves the fix a suggestion: the value comes from elsewhere.
* A literal (:class:`~cwlint.fixes.ReplaceLiteral`) is replaced in every quoted string
  of the block that is exactly it (``"cloudwatch:PutMetricsData"`` in ``actions`` or in
  a ``jsonencode``), and inside heredoc JSON where it is a whole JSON string. A policy
  the block takes from ``data.aws_iam_policy_document.NAME.json`` (or
  ``"${data.aws_iam_policy_document.NAME.json}"``) of the same module is searched too.
  A string with an interpolation is never edited.

The edited file is parsed again (:func:`cwlint.terraform.hcl.parse`) before an edit is
offered.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

from cwlint.fixes import FIELDS, ReplaceLiteral, SetValue
from cwlint.fixes.edits import Edit, apply_edits
from cwlint.fixes.locate_document import NotLiteral, _terraform_address
from cwlint.terraform import hcl
from cwlint.terraform.syntax import HclError

_LITERAL_KINDS = ("bool_lit", "numeric_lit", "string_lit")
_POLICY_DOCUMENT = "aws_iam_policy_document"


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


class HclFile:
    """One ``.tf`` file's bytes and tree-sitter tree."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.tree = _parser().parse(data)
        if self.tree.root_node.has_error:
            raise NotLiteral("the file has a syntax error")
        self.newline = "\r\n" if b"\r\n" in data else "\n"

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")

    def block(self, kind: str, rtype: str, name: str) -> Any | None:
        """The top-level block ``kind "rtype" "name"``."""
        body = _named(self.tree.root_node, "body")
        for block in (body.named_children if body is not None else ()):
            if block.type != "block":
                continue
            kids = block.named_children
            labels = [self.label(k) for k in kids[1:] if k.type in ("string_lit", "identifier")]
            if self.text(kids[0]) == kind and labels == [rtype, name]:
                return block
        return None

    def label(self, node: Any) -> str:
        if node.type == "identifier":
            return self.text(node)
        return self.text(node)[1:-1]

    def attribute(self, block: Any, name: str) -> Any | None:
        body = _named(block, "body")
        for child in (body.named_children if body is not None else ()):
            if child.type == "attribute" and self.text(child.named_children[0]) == name:
                return child
        return None

    # --- changes -------------------------------------------------------------------

    def set_value(self, block: Any, change: SetValue) -> Edit:
        name = FIELDS[change.field].terraform
        rendered = _hcl_value(change.value)
        attribute = self.attribute(block, name)
        if attribute is not None:
            expression = attribute.named_children[-1]
            literal = _literal(expression)
            if literal is None:
                raise NotLiteral(f"{name} is not a literal")
            return Edit(self.path, expression.start_byte, expression.end_byte, rendered)
        return self._append(block, f"{name} = {rendered}")

    def _append(self, block: Any, line: str) -> Edit:
        end = _named(block, "block_end")
        if end is None:
            raise NotLiteral("a block without its closing brace")
        line_start = self.data.rfind(b"\n", 0, end.start_byte) + 1
        closing_indent = self.data[line_start:end.start_byte]
        if closing_indent.strip():
            raise NotLiteral("the block closes on a line with other text")
        body = _named(block, "body")
        children = body.named_children if body is not None else []
        indent = closing_indent.decode() + "  "
        if children:
            first = children[0]
            first_line = self.data.rfind(b"\n", 0, first.start_byte) + 1
            prefix = self.data[first_line:first.start_byte]
            if not prefix.strip():
                indent = prefix.decode()
        previous_start = self.data.rfind(b"\n", 0, max(line_start - 1, 0)) + 1
        previous_blank = not self.data[previous_start:line_start].strip()
        blank = self.newline if children and not previous_blank else ""
        return Edit(self.path, line_start, line_start, f"{blank}{indent}{line}{self.newline}")

    def replace_literal(self, block: Any, change: ReplaceLiteral) -> list[Edit]:
        found: list[Edit] = []
        body = _named(block, "body")
        if body is not None:
            self._strings(body, change, found)
        return found

    def _strings(self, node: Any, change: ReplaceLiteral, found: list[Edit]) -> None:
        if node.type == "string_lit":
            inner = [k for k in node.children if k.type == "template_literal"]
            if len(node.children) == 3 and len(inner) == 1 and self.text(inner[0]) == change.old:
                found.append(Edit(self.path, inner[0].start_byte, inner[0].end_byte,
                                  _hcl_escaped(change.new)))
            return
        if node.type == "quoted_template":
            if change.old in self.text(node):
                raise NotLiteral(f"{change.old} is in a string with an interpolation")
            return
        if node.type == "heredoc_template":
            self._heredoc(node, change, found)
            return
        for child in node.children:
            self._strings(child, change, found)

    def _heredoc(self, node: Any, change: ReplaceLiteral, found: list[Edit]) -> None:
        quoted_old = json.dumps(change.old).encode()
        if '"' in change.old or "\\" in change.old or "${" in change.new or "%{" in change.new:
            return
        for chunk in node.children:
            if chunk.type != "template_literal":
                if chunk.type == "template_interpolation" and change.old in self.text(chunk):
                    raise NotLiteral(f"{change.old} is in an interpolation")
                continue
            start = chunk.start_byte
            while True:
                at = self.data.find(quoted_old, start, chunk.end_byte)
                if at < 0:
                    break
                found.append(Edit(self.path, at + 1, at + len(quoted_old) - 1,
                                  json.dumps(change.new)[1:-1]))
                start = at + len(quoted_old)

    def policy_documents(self, block: Any) -> list[str]:
        """Names of the ``data.aws_iam_policy_document`` blocks whose ``.json`` the block
        reads."""
        names: list[str] = []
        stack = [block]
        while stack:
            node = stack.pop()
            if node.type == "expression":
                text = self.text(node).strip()
                if text.startswith('"${') and text.endswith('}"'):  # "${data.x.y.json}"
                    text = text[3:-2].strip()
                parts = text.split(".")
                if len(parts) == 4 and parts[0] == "data" and parts[1] == _POLICY_DOCUMENT \
                        and parts[3] == "json":
                    names.append(parts[2])
                    continue
            stack.extend(node.children)
        return names


def _named(node: Any, kind: str) -> Any | None:
    return next((c for c in node.children if c.type == kind), None)


def _literal(expression: Any) -> Any | None:
    """The literal an expression is (true, 1, a string without interpolation), else None."""
    kids = expression.named_children
    if len(kids) != 1 or kids[0].type != "literal_value":
        return None
    literal = kids[0].named_children[0] if kids[0].named_children else None
    if literal is None or literal.type not in _LITERAL_KINDS:
        return None
    return literal


def _hcl_escaped(text: str) -> str:
    return json.dumps(text)[1:-1].replace("${", "$${").replace("%{", "%%{")


def _hcl_value(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{_hcl_escaped(value)}"'


def hcl_edits(path: str, change: SetValue | ReplaceLiteral,
              read: Any) -> list[Edit]:
    """The edits of one change to the resource of a ``.tf`` file (``read(path)`` gives a
    file's bytes); raises :class:`NotLiteral` when it stays a suggestion."""
    mode, rtype, name = _terraform_address(change.resource)
    source = HclFile(path, read(path))
    block = source.block(mode, rtype, name)
    if block is None:
        raise NotLiteral(f"no block for {change.resource} in {path}")
    if isinstance(change, SetValue):
        edits = [source.set_value(block, change)]
    else:
        edits = source.replace_literal(block, change)
        for document in source.policy_documents(block):
            edits.extend(_document_edits(path, document, change, read))
        if not edits:
            raise NotLiteral(f"{change.old} is not written literally in {change.resource}")
    for file_path in {e.path for e in edits}:
        _check_parses(file_path, read(file_path), [e for e in edits if e.path == file_path])
    return edits


def _document_edits(path: str, name: str, change: ReplaceLiteral, read: Any) -> list[Edit]:
    """The edits in the module's ``data "aws_iam_policy_document" NAME`` block."""
    directory = os.path.dirname(path) or "."
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    for entry in names:
        if not entry.endswith(".tf"):
            continue
        other_path = os.path.join(directory, entry) if os.path.dirname(path) else entry
        try:
            other = HclFile(other_path, read(other_path))
        except (NotLiteral, OSError):
            continue
        block = other.block("data", _POLICY_DOCUMENT, name)
        if block is not None:
            return other.replace_literal(block, change)
    return []


def _check_parses(path: str, data: bytes, edits: list[Edit]) -> None:
    after = apply_edits(data, edits)
    try:
        hcl.parse(after.decode("utf-8"))
    except (HclError, UnicodeDecodeError) as exc:
        raise NotLiteral(f"the edited file does not parse: {exc}") from None
