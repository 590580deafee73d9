"""Load CloudFormation and SAM templates, YAML or JSON, keeping line numbers.

Templates decode to exactly what cfn-lint's decoder (:mod:`cfnlint.decode.cfn_yaml`)
gives, so the line numbers in cwlint's findings agree with the ones cfn-lint prints:
mappings, lists and strings that carry ``start_mark`` / ``end_mark`` (0-based lines), YAML
short tags in their long form (``!Ref X`` is ``{"Ref": "X"}``, ``!GetAtt A.B`` is
``{"Fn::GetAtt": ["A", "B"]}``, ``!Sub`` is ``{"Fn::Sub": ...}``). Two decoders share the
work:

* :mod:`cwlint.cfn.marked_yaml` builds that result from PyYAML's C parser without
  importing cfn-lint (whose import, sympy included, costs about 0.3 s per process). It
  decodes valid templates and steps aside for everything cfn-lint treats specially;
* then cfn-lint's own decoder (through :mod:`cwlint.cfn.yaml_decoder`, which only makes
  its duplicate-key check linear; with :mod:`cfnlint.decode.cfn_json` for JSON that YAML
  cannot read) decodes the rest or words the error.

:func:`load_template` never lets an exception other than :class:`TemplateError` escape,
whatever the file holds: unreadable, binary, not UTF-8, empty, a YAML or JSON syntax
error, a top level that is not a mapping, nesting too deep for the parser, or YAML
aliases that expand to an absurd size ("billion laughs", merge-key amplification). The
YAML loader is a safe loader: no tag constructs Python objects.

:func:`line_of`, :func:`key_line` and :func:`line_at` (and the methods of
:class:`LoadedTemplate`) turn a position in the template into a 1-based line number so
that every finding can point at a line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.error import MarkedYAMLError
from yaml.reader import ReaderError

from cwlint.cfn import marked_yaml

#: Files larger than this are refused (CloudFormation itself accepts at most 1 MB).
MAX_FILE_BYTES = 20 * 1024 * 1024

#: Refuse YAML whose aliases and merge keys expand to more nodes than this.
MAX_EXPANDED_NODES = 1_000_000

_MAX_MESSAGE_CHARS = 300

_SAM_TRANSFORM_PREFIX = "AWS::Serverless"

try:  # the C composer is much faster; both are safe, neither constructs objects
    _ComposeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _ComposeLoader = yaml.SafeLoader


class TemplateError(Exception):
    """A template that cannot be read or understood.

    ``path`` is the file as given, ``line`` the 1-based line when known (else None) and
    ``message`` a one-line human explanation without the path. ``str(error)`` is
    ``path:line: message`` (or ``path: message`` when the line is unknown).
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = _one_line(message)
        super().__init__(self.path, self.line, self.message)

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"


@dataclass
class LoadedTemplate:
    """A decoded template: the top-level mapping plus where it came from.

    ``template`` is cfn-lint's decoded mapping (a ``dict`` subclass whose nodes carry
    marks); ``format`` is ``"yaml"`` or ``"json"``.
    """

    path: str
    template: dict[str, Any]
    format: str = "yaml"
    _resource_keys: dict[str, Any] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def section(self, name: str) -> Mapping[str, Any]:
        """A top-level section (``Resources``, ``Parameters``...), empty when absent."""
        value = self.template.get(name)
        return value if isinstance(value, Mapping) else {}

    @property
    def resources(self) -> Mapping[str, Any]:
        """The ``Resources`` section (empty mapping when absent or malformed)."""
        return self.section("Resources")

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The ``Parameters`` section."""
        return self.section("Parameters")

    @property
    def conditions(self) -> Mapping[str, Any]:
        """The ``Conditions`` section."""
        return self.section("Conditions")

    @property
    def mappings(self) -> Mapping[str, Any]:
        """The ``Mappings`` section."""
        return self.section("Mappings")

    @property
    def outputs(self) -> Mapping[str, Any]:
        """The ``Outputs`` section."""
        return self.section("Outputs")

    def resource_type(self, logical_id: str) -> str | None:
        """The ``Type`` of a resource, or None when absent or not a string."""
        resource = self.resources.get(logical_id)
        if isinstance(resource, Mapping):
            rtype = resource.get("Type")
            if isinstance(rtype, str):
                return str(rtype)
        return None

    def is_sam(self) -> bool:
        """True when the template declares the SAM transform."""
        return is_sam(self.template)

    def looks_like_cloudformation(self) -> bool:
        """True when the document looks like a CloudFormation or SAM template."""
        return looks_like_cloudformation(self.template)

    def line_at(self, *path: str | int) -> int | None:
        """Line of the deepest element of ``path`` that exists (see :func:`line_at`)."""
        return line_at(self.template, path)

    def resource_line(self, logical_id: str) -> int | None:
        """Line of the key ``Resources.<logical_id>``."""
        if self._resource_keys is None:
            self._resource_keys = {str(k): k for k in self.resources if isinstance(k, str)}
        key = self._resource_keys.get(logical_id)
        if key is None:
            return line_at(self.template, ("Resources",))
        return line_of(key) or line_of(self.resources[logical_id])

    def property_line(self, logical_id: str, *path: str | int) -> int | None:
        """Line of ``Resources.<logical_id>.Properties.<path...>``.

        Falls back to the nearest existing ancestor (ultimately the resource's own line)
        when the property is absent, so a finding about a missing property still points
        at its resource.
        """
        resource = self.resources.get(logical_id)
        if not isinstance(resource, Mapping):
            return self.resource_line(logical_id)
        line = line_at(resource, ("Properties", *path))
        return line if line is not None else self.resource_line(logical_id)


def load_template(path: str) -> LoadedTemplate:
    """Read and decode the template at ``path``.

    Raises :class:`TemplateError` (and nothing else) when the file cannot be read or is
    not a YAML / JSON mapping.
    """
    try:
        text = _read_text(path)
        return parse_template(text, path)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError(path, None, "template is nested too deeply to read") from None
    except MemoryError:
        raise TemplateError(path, None, "template is too large to load") from None
    except Exception as exc:
        raise TemplateError(path, None, f"cannot read template: {exc}") from exc


def parse_template(text: str, path: str = "<string>") -> LoadedTemplate:
    """Decode template ``text``; ``path`` is only used in error messages.

    Raises :class:`TemplateError` (and nothing else) on any failure.
    """
    try:
        return _parse(text, path)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError(path, None, "template is nested too deeply to read") from None
    except MemoryError:
        raise TemplateError(path, None, "template is too large to load") from None
    except Exception as exc:
        raise TemplateError(path, None, f"cannot parse template: {exc}") from exc


def looks_like_cloudformation(template: Any) -> bool:
    """Whether a decoded document is a CloudFormation or SAM template.

    True when it has ``AWSTemplateFormatVersion``, a SAM ``Transform``, or a
    ``Resources`` mapping in which some resource has a ``Type`` such as
    ``AWS::IAM::Role``. Used to skip other YAML / JSON files silently when scanning
    directories.
    """
    mapping = _as_mapping(template)
    if mapping is None:
        return False
    if "AWSTemplateFormatVersion" in mapping or is_sam(mapping):
        return True
    resources = mapping.get("Resources")
    if not isinstance(resources, Mapping):
        return False
    return any(_has_resource_type(resource) for resource in resources.values())


def is_sam(template: Any) -> bool:
    """Whether the template declares the ``AWS::Serverless-2016-10-31`` transform."""
    mapping = _as_mapping(template)
    if mapping is None:
        return False
    return any(name.startswith(_SAM_TRANSFORM_PREFIX) for name in _transform_names(mapping))


def line_of(node: Any) -> int | None:
    """The 1-based line where a decoded node starts, or None when it carries no mark.

    Mappings, lists and strings carry marks; numbers, booleans and null do not.
    """
    line = getattr(getattr(node, "start_mark", None), "line", None)
    return line + 1 if isinstance(line, int) else None


def key_line(mapping: Any, key: str) -> int | None:
    """The line of ``key`` inside ``mapping`` (falling back to its value's line)."""
    if not isinstance(mapping, Mapping) or key not in mapping:
        return None
    for candidate in mapping:
        if candidate == key:
            return line_of(candidate) or line_of(mapping[candidate])
    return None  # pragma: no cover - "key in mapping" said it was there


def line_at(root: Any, path: Sequence[str | int]) -> int | None:
    """The line of the element at ``path`` below ``root``.

    String steps index mappings (the line of the key is used), integer steps index
    lists. When the path leaves the document, the line of the deepest element that
    exists is returned; None only when nothing on the way carries a line.
    """
    best = line_of(root)
    node = root
    for step in path:
        if isinstance(node, Mapping) and isinstance(step, str) and step in node:
            line = key_line(node, step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
            node = node[step]
            line = line_of(node)
        else:
            break
        if line is not None:
            best = line
    return best


# --- reading -------------------------------------------------------------------------


def _read_text(path: str) -> str:
    """The file's text, or a TemplateError saying why it is not usable text."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise TemplateError(path, None, "file not found") from None
    except IsADirectoryError:
        raise TemplateError(path, None, "is a directory, not a file") from None
    except PermissionError:
        raise TemplateError(path, None, "permission denied") from None
    except OSError as exc:
        raise TemplateError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise TemplateError(path, None, f"file is larger than {limit} MB; not a template")
    return _decode_bytes(data, path)


def _decode_bytes(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM), refusing binary and other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TemplateError(path, None, "file is UTF-16 encoded; templates must be UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise TemplateError(path, line, "binary file (contains NUL bytes), not a template")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise TemplateError(
            path, line, f"file is not UTF-8 text (invalid byte 0x{byte:02x})"
        ) from None


# --- parsing -------------------------------------------------------------------------


def _decoder() -> Any:
    """:mod:`cwlint.cfn.yaml_decoder`, imported on first need: importing cfn-lint takes
    ~0.3 s, which a scan of valid templates or of Terraform alone does not pay."""
    from cwlint.cfn import yaml_decoder

    return yaml_decoder


def _parse_error_type() -> type[Exception]:
    from cfnlint.decode.cfn_yaml import CfnParseError

    return CfnParseError


def _parse(text: str, path: str) -> LoadedTemplate:
    """Decode text as YAML (JSON is YAML too): with :mod:`cwlint.cfn.marked_yaml`, else
    with cfn-lint's decoders."""
    if not text.strip():
        raise TemplateError(path, None, "file is empty")
    looks_json = text.lstrip().startswith(("{", "["))
    guard = _AliasGuard(path) if "&" in text and "*" in text else None
    data = marked_yaml.decode(text, guard)
    if data is None:  # an error or a rare feature: cfn-lint's decoder decides
        unchecked = guard is not None and not guard.ran
        data = _parse_with_cfn_lint(text, path, looks_json, check_aliases=unchecked)
    return LoadedTemplate(path, _check_top_level(data, path), "json" if looks_json else "yaml")


class _AliasGuard:
    """The alias amplification check on the node graph :mod:`cwlint.cfn.marked_yaml`
    composed; remembers whether it ran, so that the graph is not composed again for it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.ran = False

    def __call__(self, root: yaml.Node) -> None:
        _expanded_size(root, MAX_EXPANDED_NODES, self.path)
        self.ran = True


def _parse_with_cfn_lint(text: str, path: str, looks_json: bool, check_aliases: bool) -> Any:
    """Decode with cfn-lint's YAML decoder, then its JSON decoder for valid JSON that YAML
    cannot read; their errors become TemplateErrors. ``check_aliases``: refuse alias
    amplification first (when :mod:`cwlint.cfn.marked_yaml` did not get to check it)."""
    if check_aliases:
        _check_alias_expansion(text, path)
    try:
        # JSON goes through the YAML loader first, as in cfn-lint (and CloudFormation,
        # which accepts what YAML accepts, such as a trailing comma)
        data = _decoder().loads(text, path)
    except Exception as exc:
        error = _yaml_error(exc, text, path)
        if not looks_json or isinstance(exc, _parse_error_type()):
            raise error from None
        _check_json_syntax(text, path)
        # valid JSON that YAML cannot read (tabs, "\/" escapes): cfn-lint's JSON decoder
        data = _parse_json(text, path)
    return data


def _check_top_level(data: Any, path: str) -> dict[str, Any]:
    """The decoded document if it is a non-empty mapping, else a TemplateError."""
    if isinstance(data, dict):
        end = getattr(data, "end_mark", None)
        if not data and getattr(end, "line", 1) == 0 and getattr(end, "column", 1) == 0:
            # cfn-lint turns a document with no content (only comments) into {}
            raise TemplateError(path, None, "file is empty (no YAML or JSON document)")
        return data
    line = line_of(data) or 1
    raise TemplateError(path, line, f"top level is {_kind(data)}, not a mapping of sections")


def _kind(value: Any) -> str:
    """'a list', 'a string', 'a number'... for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__} value"


def _check_json_syntax(text: str, path: str) -> None:
    """Explain, with the standard library's message and line, why JSON is invalid."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise TemplateError(path, None, "JSON is nested too deeply to read") from None


def _parse_json(text: str, path: str) -> Any:
    """Decode syntactically valid JSON with cfn-lint's JSON decoder."""
    try:
        from cfnlint.decode import cfn_json

        return cfn_json.loads(text)
    except Exception as exc:
        cfn_error = exc
    matches = getattr(cfn_error, "matches", None)
    if matches and str(matches[0].message).startswith("Duplicate found"):
        # cfn-lint reports duplicate JSON keys with 0-based lines
        lines = sorted(m.linenumber + 1 for m in matches)
        first, last = lines[0], lines[-1]
        key = str(matches[0].message)[len("Duplicate found ") :]
        message = f"invalid JSON: duplicate key {key} (first at line {first})"
        raise TemplateError(path, last, message) from None
    if isinstance(cfn_error, RecursionError):
        raise TemplateError(path, None, "JSON is nested too deeply to read") from None
    raise TemplateError(path, None, f"invalid JSON: {cfn_error}") from None


def _yaml_error(exc: Exception, text: str, path: str) -> TemplateError:
    """Translate an exception from cfn-lint's YAML loader into a TemplateError."""
    cause: BaseException = exc
    if isinstance(exc, _parse_error_type()):
        if exc.__cause__ is None and getattr(exc, "matches", None):
            return _match_error(exc.matches, path)  # duplicate keys, alias amplification
        cause = exc.__cause__ or exc
    if isinstance(cause, MarkedYAMLError):
        return _marked_error(cause, path)
    if isinstance(cause, ReaderError):
        line = text.count("\n", 0, max(cause.position, 0)) + 1
        return TemplateError(path, line, f"invalid YAML: {cause.reason}")
    if isinstance(cause, RecursionError):
        return TemplateError(path, None, "template is nested too deeply to read")
    if isinstance(cause, MemoryError):
        return TemplateError(path, None, "template is too large to load")
    return TemplateError(path, None, f"invalid YAML: {exc}")


def _marked_error(error: MarkedYAMLError, path: str) -> TemplateError:
    """A YAML scanner / parser / composer / constructor error with its line."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = error.problem or error.context or "syntax error"
    if error.problem and error.context:
        problem = f"{error.problem} ({error.context})"
    return TemplateError(path, line, f"invalid YAML: {problem}")


_LINE_SUFFIX = re.compile(r"\s*\(line \d+\)\s*$")


def _match_error(matches: Sequence[Any], path: str) -> TemplateError:
    """A TemplateError from cfn-lint parse matches (duplicate keys, alias bombs...)."""
    message = str(matches[0].message)
    if message.startswith("Template resolves to more than"):
        return TemplateError(path, None, _alias_bomb_message())
    if message.startswith("Duplicate found") and len(matches) > 1:
        key = _LINE_SUFFIX.sub("", message)[len("Duplicate found ") :]
        first, last = matches[0].linenumber, matches[-1].linenumber
        return TemplateError(path, last, f"duplicate key {key} (first at line {first})")
    if message.startswith("Template could not be parsed"):
        return TemplateError(path, None, message)
    return TemplateError(path, matches[0].linenumber, _LINE_SUFFIX.sub("", message))


def _alias_bomb_message() -> str:
    return "YAML aliases expand to too large a document (alias amplification); refusing to load it"


# --- YAML alias amplification guard ---------------------------------------------------


def _check_alias_expansion(text: str, path: str) -> None:
    """Refuse YAML whose aliases / merge keys expand beyond MAX_EXPANDED_NODES.

    cfn-lint checks the size after constructing the document, which is too late when
    merge keys (``<<: *a``) copy mappings during construction. Composing the node graph
    is linear in the file size, so the expanded size is measured there first.
    """
    try:
        root = yaml.compose(text, Loader=_ComposeLoader)
    except yaml.YAMLError:
        return  # the real loader reports the syntax error with its line
    if root is not None:
        _expanded_size(root, MAX_EXPANDED_NODES, path)


def _expanded_size(root: yaml.Node, limit: int, path: str) -> int:
    """Size of the node graph with every alias expanded, computed in linear time."""
    sizes: dict[int, int] = {}
    on_path = {id(root)}
    stack: list[list[Any]] = [[root, _node_children(root), 1]]
    while stack:
        frame = stack[-1]
        child = next(frame[1], None)
        if child is None:
            stack.pop()
            on_path.discard(id(frame[0]))
            sizes[id(frame[0])] = frame[2]
            if stack:
                stack[-1][2] += frame[2]
                if stack[-1][2] > limit:
                    raise TemplateError(path, None, _alias_bomb_message())
            continue
        known = sizes.get(id(child))
        if known is not None:
            frame[2] += known
            if frame[2] > limit:
                raise TemplateError(path, None, _alias_bomb_message())
        elif id(child) in on_path:
            line = child.start_mark.line + 1 if child.start_mark else None
            raise TemplateError(path, line, "recursive YAML alias (a node contains itself)")
        else:
            on_path.add(id(child))
            stack.append([child, _node_children(child), 1])
    return sizes[id(root)]


def _node_children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return (item for pair in node.value for item in pair)
    if isinstance(node, yaml.SequenceNode):
        return iter(node.value)
    return iter(())


# --- helpers -------------------------------------------------------------------------


def _as_mapping(template: Any) -> Mapping[str, Any] | None:
    if isinstance(template, LoadedTemplate):
        return template.template
    return template if isinstance(template, Mapping) else None


def _has_resource_type(resource: Any) -> bool:
    if not isinstance(resource, Mapping):
        return False
    rtype = resource.get("Type")
    return isinstance(rtype, str) and "::" in rtype


def _transform_names(template: Mapping[str, Any]) -> list[str]:
    transform = template.get("Transform")
    items = transform if isinstance(transform, list) else [transform]
    names = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("Name")
        if isinstance(item, str):
            names.append(str(item))
    return names


def _one_line(message: str) -> str:
    text = " ".join(str(message).split())
    if len(text) > _MAX_MESSAGE_CHARS:
        text = text[: _MAX_MESSAGE_CHARS - 3] + "..."
    return text
