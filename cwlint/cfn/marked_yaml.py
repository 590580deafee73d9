"""Decode a template as cfn-lint's decoder does, without importing cfn-lint.

**Why.** Importing cfn-lint's decoder (:mod:`cfnlint.decode.cfn_yaml`) imports cfn-lint's
rules and, through their condition solver, sympy: about 0.3 s of CPU and tens of
thousands of long-lived objects in every process that reads a template. That import was
most of what the checkov plugin added to a checkov run over a few templates (cfn-lint
itself has paid it already), and a third of ``cwlint scan``'s start-up.

**What.** cfn-lint decodes with PyYAML's C parser (its ``CfnFullLoader`` is built on
``CSafeLoader``) and its own constructor. :func:`decode` lets the same parser compose the
same node graph and builds from it what cfn-lint's constructor builds, value for value
and mark for mark:

* a mapping is a :class:`MarkedDict`, a sequence a :class:`MarkedList`, a string a
  :class:`MarkedStr`, each with the ``start_mark`` / ``end_mark`` of its node (the
  types of :mod:`cfnlint.decode.node`, under cwlint's names); null, booleans, numbers
  and timestamps are PyYAML's safe values, without marks;
* a CloudFormation short form becomes its long form: ``!Ref X`` is ``{"Ref": "X"}``,
  ``!Condition`` likewise, every other ``!Name`` is ``{"Fn::Name": ...}``; the inner
  value of a scalar form is the plain scalar text, of a sequence form a plain list,
  and ``!GetAtt A.B`` is ``["A", "B"]`` (split at the first dot);
* an empty document is an empty mapping whose marks are at line 0, column 0.

Whatever cfn-lint's decoder treats specially, :func:`decode` does not decode: it returns
None and the caller decodes with cfn-lint (:mod:`cwlint.cfn.yaml_decoder`), so errors and
rare features keep cfn-lint's exact behaviour. That is: a document PyYAML cannot parse,
more than one document, duplicate, null or unhashable keys, merge keys (``<<``) and
value keys (``=``), tags outside the YAML core schema and the ``!`` short forms, a value
PyYAML refuses to build (``!!int abc``), and nesting too deep for recursion. A test
decodes the fixtures and the third-party corpus both ways and compares values, types and
marks.

YAML aliases are decoded (each use gets the anchored node's value and marks, as in
cfn-lint); the caller refuses alias amplification first, through ``inspect``.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = f"{_CORE}str", f"{_CORE}map", f"{_CORE}seq"
#: the scalar tags whose values PyYAML's safe constructor builds as cfn-lint keeps them
_SCALARS: dict[str, Callable[[Any, ScalarNode], Any]] = {
    f"{_CORE}{name}": getattr(SafeConstructor, f"construct_yaml_{name}")
    for name in ("null", "bool", "int", "float", "timestamp")
}
#: short forms whose long form is not ``Fn::<name>``
_UNPREFIXED = frozenset({"Ref", "Condition"})

_NodeLoader: type | None = getattr(yaml, "CSafeLoader", None)


class MarkedStr(str):
    """A string with the marks of its YAML node (cfn-lint's ``str_node``)."""

    start_mark: Any
    end_mark: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedStr:
        return _marked(MarkedStr(self), self.start_mark, self.end_mark)


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping with the marks of its YAML node (cfn-lint's ``dict_node``)."""

    start_mark: Any
    end_mark: Any
    using_merge = False  # documents with merge keys are left to cfn-lint's decoder

    def get(self, key: Any, default: Any = None) -> Any:
        """As cfn-lint's ``dict_node.get``: a mapping default takes this mapping's marks,
        so a missing section still points at the line of its parent."""
        if isinstance(default, dict):
            default = _marked(MarkedDict(default), self.start_mark, self.end_mark)
        return super().get(key, default)

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedDict:
        result = _marked(MarkedDict(), self.start_mark, self.end_mark)
        memo[id(self)] = result
        for key, value in self.items():
            result[deepcopy(key, memo)] = deepcopy(value, memo)
        return result


class MarkedList(list):  # type: ignore[type-arg]
    """A list with the marks of its YAML node (cfn-lint's ``list_node``)."""

    start_mark: Any
    end_mark: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> MarkedList:
        result = _marked(MarkedList(), self.start_mark, self.end_mark)
        memo[id(self)] = result
        result.extend(deepcopy(value, memo) for value in self)
        return result


def _marked(value: Any, start: Any, end: Any) -> Any:
    value.start_mark = start
    value.end_mark = end
    return value


class _Unsupported(Exception):
    """Something this module leaves to cfn-lint's decoder."""


def decode(text: str, inspect: Callable[[Node], None] | None = None) -> Any | None:
    """The template decoded as cfn-lint decodes it, or None when cfn-lint's decoder must
    do it (see the module documentation). ``inspect`` sees the composed node graph
    before anything is built (the alias amplification guard); what it raises propagates.
    """
    if _NodeLoader is None:  # PyYAML without libyaml: cfn-lint's decoder falls back too
        return None
    try:
        loader = _NodeLoader(text)
    except Exception:  # text the C parser cannot take: cfn-lint's decoder words why
        return None
    try:
        try:
            root = loader.get_single_node()
        except Exception:  # a syntax error, several documents...: cfn-lint's error
            return None
        if root is None:
            empty = yaml.Mark("<template>", 0, 0, 0, None, None)
            return _marked(MarkedDict(), empty, empty)
        if inspect is not None:
            inspect(root)
        try:
            return _Builder(loader).build(root)
        except Exception:  # _Unsupported, or a value PyYAML refuses (`!!int abc`)
            return None
    finally:
        loader.dispose()


class _Builder:
    """Builds the decoded template from a composed node graph."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader  # PyYAML's safe constructor, for null/bool/number/time

    def build(self, node: Node) -> Any:
        tag = node.tag
        if type(node) is ScalarNode:
            if tag == _STR:
                return _marked(MarkedStr(node.value), node.start_mark, node.end_mark)
            if tag.startswith("!"):
                return self._short_form(node)
            scalar = _SCALARS.get(tag)
            if scalar is None:
                raise _Unsupported(tag)
            return scalar(self._loader, node)
        if tag.startswith("!"):
            return self._short_form(node)
        if type(node) is MappingNode and tag == _MAP:
            return _marked(MarkedDict(self._pairs(node)), node.start_mark, node.end_mark)
        if type(node) is SequenceNode and tag == _SEQ:
            return _marked(MarkedList(self._items(node)), node.start_mark, node.end_mark)
        raise _Unsupported(tag)

    def _items(self, node: SequenceNode) -> list[Any]:
        return [self.build(child) for child in node.value]

    def _pairs(self, node: MappingNode) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag in (f"{_CORE}merge", f"{_CORE}value"):
                raise _Unsupported(key_node.tag)
            key = self.build(key_node)
            value = self.build(value_node)
            try:
                if key is None or key in mapping:
                    raise _Unsupported("null or duplicate key")
            except TypeError:
                raise _Unsupported("unhashable key") from None
            mapping[key] = value
        return mapping

    def _short_form(self, node: Node) -> MarkedDict:
        name = node.tag[1:]
        if not name:
            raise _Unsupported(node.tag)
        function = name if name in _UNPREFIXED else f"Fn::{name}"
        value: Any
        if function == "Fn::GetAtt":
            if type(node) is ScalarNode:
                value = node.value.split(".", 1)
            elif type(node) is SequenceNode:
                value = self._items(node)
            else:
                raise _Unsupported("!GetAtt on a mapping")
            value = _marked(MarkedList(value), node.start_mark, node.end_mark)
        elif type(node) is ScalarNode:
            value = node.value
        elif type(node) is SequenceNode:
            value = self._items(node)
        else:
            value = self._pairs(node)
        return _marked(MarkedDict({function: value}), node.start_mark, node.end_mark)
