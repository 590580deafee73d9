"""cfn-lint's YAML decoder with a linear duplicate-key check.

The loader uses it for what :mod:`cwlint.cfn.marked_yaml` leaves to cfn-lint: invalid YAML
(for cfn-lint's error), duplicate or null keys, merge keys and other rare features.

cwlint decodes templates with cfn-lint's loader (:class:`cfnlint.decode.cfn_yaml.
CfnFullLoader`: PyYAML's C parser, cfn-lint's node classes with marks, its short-form
tag constructors and its parse errors), so line numbers and errors are the ones cfn-lint
users know. One method of it is quadratic: ``construct_yaml_map`` compares each key with
every key before it to find duplicates. CloudFormation caps a template at 500 resources,
where that costs little, but a 10,000-resource ``Resources`` mapping spends 4 s on 50
million comparisons. :class:`LinearLoader` overrides that one method with a dictionary
lookup and keeps everything else, including the exact errors (same messages, lines and
order: the first duplicate names both keys, later ones only themselves).
:func:`loads` mirrors :func:`cfnlint.decode.cfn_yaml.loads` with this loader; a test
decodes corpus templates with both and compares the results.
"""

from __future__ import annotations

from typing import Any

from cfnlint.decode import cfn_yaml
from cfnlint.decode.cfn_yaml import CfnParseError, build_match
from cfnlint.decode.mark import Mark
from cfnlint.decode.node import dict_node
from yaml.constructor import SafeConstructor
from yaml.parser import ParserError
from yaml.scanner import ScannerError


class LinearLoader(cfn_yaml.CfnFullLoader):
    """cfn-lint's loader; duplicate keys are found with a dictionary, not a scan."""

    def construct_yaml_map(self, node: Any) -> Any:
        """A mapping as cfn-lint builds it (a ``dict_node``), or cfn-lint's errors for
        null, duplicate and unhashable keys."""
        self.flatten_mapping(node)
        using_merge = bool(getattr(node, "using_merge", False))
        first_keys: dict[Any, Any] = {}  # key -> the key object that came first
        matches: list[Any] = []
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, False)
            self.construct_object(value_node, False)  # errors in document order
            if key is None:
                raise CfnParseError(self.filename, [_match(
                    self.filename, f"Null key {key_node.value!r} not supported (line "
                    f"{key_node.start_mark.line + 1})", key_node.start_mark, key_node.value)])
            try:
                earlier = first_keys.get(key)
            except TypeError:
                raise CfnParseError(self.filename, [_match(
                    self.filename, f'Unhashable type "{key}" (line '
                    f"{key.start_mark.line + 1})", key.start_mark, key)]) from None
            if earlier is not None and not using_merge:
                if not matches:
                    matches.append(_duplicate(self.filename, key, earlier.start_mark))
                matches.append(_duplicate(self.filename, key, key_node.start_mark))
            if earlier is None:
                first_keys[key] = key
        if matches:
            raise CfnParseError(self.filename, matches)
        (obj,) = SafeConstructor.construct_yaml_map(self, node)
        return dict_node(obj, node.start_mark, node.end_mark, using_merge)


LinearLoader.add_constructor("tag:yaml.org,2002:map", LinearLoader.construct_yaml_map)


def _match(filename: str, message: str, mark: Any, key: Any) -> Any:
    return build_match(filename=filename, message=message, line_number=mark.line,
                       column_number=mark.column, key=key)


def _duplicate(filename: str, key: Any, mark: Any) -> Any:
    return _match(filename, f"Duplicate found {key!r} (line {mark.line + 1})", mark, key)


def loads(text: str, filename: str) -> Any:
    """Decode a template as :func:`cfnlint.decode.cfn_yaml.loads` does (the alias guard
    runs in :mod:`cwlint.cfn.loader` before this)."""
    try:
        loader = LinearLoader(text, filename)
        loader.add_multi_constructor("!", cfn_yaml.multi_constructor)
        template = loader.get_single_data()
        if template is None:
            template = dict_node({}, Mark(0, 0), Mark(0, 0))
        return template
    except (CfnParseError, ScannerError, ParserError):
        raise
    except Exception as exc:
        raise CfnParseError(filename, [build_match(
            filename=filename, message=f"Template could not be parsed: {exc}",
            line_number=0, column_number=0, key="")]) from exc
