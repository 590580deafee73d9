"""Where a fix goes in a CloudFormation template (YAML or JSON) or a Terraform ``.tf.json``.

The file is composed with PyYAML's C parser, the parser cwlint's template loader and
cfn-lint's decoder use (JSON is YAML), so every scalar, the booleans included, has its
exact character span; edits are made on those spans and nowhere else.

An edit is made only where the value in the file is a literal: a plain or quoted scalar
(not a block scalar), outside every intrinsic function. Two exceptions, both local: a
property that is absent is inserted as the first key of the resource's ``Properties``
(with its siblings' indentation, or inline in a flow mapping); and a string that only
grows at its end (``:*`` after a log-group ARN) may be an ``Fn::Sub`` whose only
variables are the pseudo parameters ``AWS::Partition``, ``AWS::Region``,
``AWS::AccountId`` and ``AWS::URLSuffix``: the suffix is appended to the ``Fn::Sub``
string. Everything else (``!Ref``, a ``!Sub`` of a parameter or attribute, ``Fn::If``,
``Fn::Join``, a YAML merge key) leaves the fix a suggestion.

Every set of edits is checked before it is offered: the edited text is decoded again
(the template loader for CloudFormation, :mod:`json` for ``.tf.json``) and must equal the
original document with exactly the intended values changed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cwlint.fixes import FIELDS, ReplaceLiteral, SetValue
from cwlint.fixes.edits import Edit, apply_edits

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PSEUDO = frozenset({"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"})
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]


class NotLiteral(Exception):
    """The value is not a literal here: the fix stays a suggestion."""


class _Change(msgspec.Struct):
    """One edit and what it does to the decoded document."""

    start: int  # character offsets in the text
    end: int
    text: str
    path: Path  # where the decoded value changes
    value: Any  # its new decoded value


class Document:
    """A YAML or JSON file's composed node graph, with its text and bytes."""

    def __init__(self, path: str, data: bytes, kind: str) -> None:
        self.path = path
        self.data = data
        self.kind = kind  # "cloudformation" or "terraform-json"
        self.bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.text = data[self.bom:].decode("utf-8")
        self.json = kind == "terraform-json" or self.text.lstrip().startswith("{")
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        try:
            self.root = yaml.compose(self.text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise NotLiteral(f"cannot compose: {exc}") from None

    def byte(self, index: int) -> int:
        return self.bom + len(self.text[:index].encode("utf-8"))

    # --- finding the resource -------------------------------------------------------

    def resource_body(self, resource: str) -> tuple[MappingNode, Path]:
        """The mapping of the resource's settings (CloudFormation ``Properties``, a
        ``.tf.json`` resource's object) and its path in the decoded document."""
        if self.kind == "cloudformation":
            path: Path = ("Resources", resource, "Properties")
        else:
            mode, rtype, name = _terraform_address(resource)
            path = ("data" if mode == "data" else "resource", rtype, name)
        node = self.root
        for step in path:
            assert isinstance(step, str)
            node = _child(node, step)
        if not isinstance(node, MappingNode) or node.tag != "tag:yaml.org,2002:map" \
                or _intrinsic(node) is not None:
            raise NotLiteral(f"{resource} is not a plain mapping here")
        return node, path

    # --- changes -------------------------------------------------------------------

    def set_value(self, change: SetValue) -> list[_Change]:
        body, path = self.resource_body(change.resource)
        spelling = FIELDS[change.field]
        key = spelling.cloudformation if self.kind == "cloudformation" else spelling.terraform
        for key_node, value_node in body.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return [self._replace_scalar(value_node, change.value, (*path, key))]
        return [self._insert(body, key, change.value, path)]

    def replace_literal(self, change: ReplaceLiteral) -> list[_Change]:
        body, path = self.resource_body(change.resource)
        found: list[_Change] = []
        for node, where, inside in _scalars(body, path, False):
            if inside is None:
                if node.value == change.old and not self._interpolated(node.value):
                    found.append(self._replace_scalar(node, change.new, where))
                continue
            if node.value == change.old or (
                    inside == "Fn::Sub" and _sub_matches(node.value, change.old)):
                grown = self._sub_append(node, inside, where, change)
                if grown is None:
                    raise NotLiteral(f"{change.old} is inside {inside}")
                found.append(grown)
        if not found:
            raise NotLiteral(f"{change.old} is not written literally in {change.resource}")
        return found

    def _interpolated(self, value: str) -> bool:
        return self.kind == "terraform-json" and ("${" in value or "%{" in value)

    def _replace_scalar(self, node: Node, value: Any, path: Path) -> _Change:
        if not isinstance(node, ScalarNode) or node.tag.startswith("!") \
                or node.style in ("|", ">"):
            raise NotLiteral("not a literal scalar")
        if isinstance(node.value, str) and self._interpolated(node.value):
            raise NotLiteral("an interpolation")
        text = self._scalar_text(value, node.style)
        return _Change(node.start_mark.index, node.end_mark.index, text, path,
                       _decoded(text, self.json))

    def _scalar_text(self, value: Any, style: str | None) -> str:
        if isinstance(value, bool):
            text = "true" if value else "false"
            return f'"{text}"' if style in ('"', "'") else text
        if isinstance(value, int):
            return str(value)
        if self.json or style == '"':
            return json.dumps(value)
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        if _decoded(value, False) == value and "\n" not in value and value.strip() == value:
            return value
        return json.dumps(value)

    def _insert(self, body: MappingNode, key: str, value: Any, path: Path) -> _Change:
        if not body.value:
            raise NotLiteral("an empty mapping")
        first = body.value[0][0]
        start = first.start_mark.index
        key_text = json.dumps(key) if self.json else key
        entry = f"{key_text}: {self._scalar_text(value, None)}"
        line_start = self.text.rfind("\n", 0, start) + 1
        indent = self.text[line_start:start]
        on_own_line = indent.strip() == "" and (
            not body.flow_style or line_start > body.start_mark.index)
        if body.flow_style and not on_own_line:
            text = f"{entry}, "
        elif on_own_line:
            text = f"{entry}{',' if body.flow_style else ''}{self.newline}{indent}"
        else:
            raise NotLiteral("the mapping's first key does not start its line")
        return _Change(start, start, text, (*path, key), _decoded(
            self._scalar_text(value, None), self.json))

    def _sub_append(self, node: ScalarNode, inside: str, path: Path,
                    change: ReplaceLiteral) -> _Change | None:
        """``:*`` appended to an ``Fn::Sub`` string of pseudo parameters only."""
        if inside != "Fn::Sub" or path[-1:] != ("Fn::Sub",) or node.style in ("|", ">"):
            return None
        if not change.new.startswith(change.old) or not _sub_matches(node.value, change.old):
            return None
        suffix = change.new[len(change.old):]
        end = node.end_mark.index
        if node.style in ('"', "'"):
            end -= 1
            inserted = json.dumps(suffix)[1:-1] if node.style == '"' else suffix.replace(
                "'", "''")
        else:
            inserted = suffix
            if _decoded(node.value + suffix, False) != node.value + suffix:
                return None
        if self.text[end - len(node.value[-1:]):end] != node.value[-1:]:
            return None  # the scalar does not end where its last character is
        return _Change(end, end, inserted, path, node.value + suffix)

    # --- checking and edits -----------------------------------------------------------

    def edits(self, changes: list[_Change], decode: Callable[[str], Any]) -> list[Edit]:
        """The byte edits of ``changes``, after checking that the edited document decodes
        to the original with exactly those values changed."""
        edits = [Edit(self.path, self.byte(c.start), self.byte(c.end), c.text)
                 for c in changes]
        expected = copy.deepcopy(_plain(decode(self.text)))
        for change in changes:
            _set(expected, change.path, change.value)
        after = apply_edits(self.data, edits)[self.bom:].decode("utf-8")
        if _plain(decode(after)) != expected:
            raise NotLiteral("the edited document does not decode as intended")
        return edits


def _child(node: Node | None, key: str) -> Node:
    if not isinstance(node, MappingNode):
        raise NotLiteral(f"no mapping holding {key}")
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            raise NotLiteral("a YAML merge key")
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    raise NotLiteral(f"no {key}")


def _intrinsic(node: Node) -> str | None:
    """The intrinsic function a node is (``Fn::Sub`` for ``!Sub`` too), else None."""
    if node.tag.startswith("!"):
        name = node.tag[1:]
        return name if name in ("Ref", "Condition") else f"Fn::{name}"
    if isinstance(node, MappingNode) and len(node.value) == 1:
        key = node.value[0][0]
        if isinstance(key, ScalarNode) and (key.value == "Ref" or key.value.startswith("Fn::")):
            return str(key.value)
    return None


def _scalars(node: Node, path: Path, inside: str | bool | None
             ) -> Iterator[tuple[ScalarNode, Path, str | None]]:
    """Every string scalar below ``node`` with its decoded path and the intrinsic
    function it is inside (None: a literal)."""
    within = inside if isinstance(inside, str) else None
    function = _intrinsic(node)
    if function is not None and within is None:
        within = function
        if node.tag.startswith("!"):
            if isinstance(node, ScalarNode):
                yield node, (*path, function), within
                return
            path = (*path, function)
            if function == "Fn::GetAtt":
                return
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            yield node, path, within
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, (*path, index), within)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise NotLiteral("a YAML merge key")
            if isinstance(key_node, ScalarNode):
                yield from _scalars(value_node, (*path, key_node.value), within)


def _sub_matches(template: str, value: str) -> bool:
    """Does an ``Fn::Sub`` string of pseudo parameters only resolve to ``value``,
    whatever the partition, region and account?"""
    pattern = ""
    position = 0
    for match in _SUB_VARIABLE.finditer(template):
        if match.group(1) not in _PSEUDO:
            return False
        pattern += re.escape(template[position:match.start()]) + r"[^:]+"
        position = match.end()
    pattern += re.escape(template[position:])
    return "${!" not in template and re.fullmatch(pattern, value) is not None


def _decoded(text: str, as_json: bool) -> Any:
    """What a scalar's text decodes to."""
    try:
        return json.loads(text) if as_json else yaml.load(text, Loader=_Loader)
    except (ValueError, yaml.YAMLError):
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k) if isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _set(document: Any, path: Path, value: Any) -> None:
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def _terraform_address(address: str) -> tuple[str, str, str]:
    """``(mode, type, name)`` of a resource address, module path and index dropped:
    ``module.app.aws_x.y["k"]`` is ``("resource", "aws_x", "y")``."""
    parts = split_address(address)
    while len(parts) >= 2 and parts[0] == "module":
        parts = parts[2:]
    mode = "resource"
    if parts and parts[0] == "data":
        mode, parts = "data", parts[1:]
    if len(parts) != 2:
        raise NotLiteral(f"not a resource address: {address}")
    return mode, parts[0], parts[1]


def split_address(address: str) -> list[str]:
    """The dotted names of an address, without instance keys (``[0]``, ``["a.b"]``)."""
    parts: list[str] = []
    current = ""
    depth = 0
    quoted = False
    for char in address:
        if quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0 and char == ".":
            parts.append(current)
            current = ""
        elif depth == 0:
            current += char
    parts.append(current)
    return parts
