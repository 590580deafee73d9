"""The Terraform functions cwlint evaluates, each only when its inputs are known.

``jsonencode``, ``format``, ``join`` and ``concat`` build the policies and names the rules
read; a few other pure functions that commonly sit around them (``lower``, ``merge``,
``cidrsubnet``, ``base64encode``, ``substr``, ``md5``...) are evaluated too. ``file``,
``templatefile`` and ``fileset`` read only files inside the module
(:mod:`cwlint.terraform.files`). A function that reads the clock, the network or
randomness (``timestamp``, ``uuid``...), and any function not listed here, gives an
:class:`~cwlint.values.Unknown` naming it: cwlint never guesses what it would return.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from cwlint.terraform.values import EvalError, json_document, json_text
from cwlint.values import Partial, StrValue, Unknown, concat

Function = Callable[[list[Any]], Any]

_FORMAT_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])")


def first_unknown(values: Any) -> Unknown | None:
    """The first Unknown or Partial among ``values`` (at any depth), as an Unknown."""
    stack = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            return item
        if isinstance(item, Partial):
            return item.unknowns[0]
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


def to_text(value: Any) -> StrValue:
    """A value where Terraform needs a string (interpolation, ``join``, ``format %s``)."""
    if isinstance(value, (str, Unknown, Partial)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return Unknown("a null value used where a string is expected")
    return Unknown(f"a {_kind(value)} used where a string is expected")


def to_number(value: Any) -> int | float | Unknown:
    if isinstance(value, bool):
        return Unknown("a bool used where a number is expected")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return Unknown(f"{value!r} is not a number")
        return int(number) if number.is_integer() and "." not in value else number
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Partial):
        return value.unknowns[0]
    return Unknown(f"a {_kind(value)} used where a number is expected")


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _unknown_function(name: str) -> Function:
    def call(_args: list[Any]) -> Any:
        return Unknown(f"function {name}() is not evaluated")
    return call


def _text_function(transform: Callable[[str], str]) -> Function:
    def call(args: list[Any]) -> Any:
        if len(args) != 1:
            return Unknown("wrong number of arguments")
        text = to_text(args[0])
        if not isinstance(text, str):
            return text if isinstance(text, Unknown) else text.unknowns[0]
        return transform(text)
    return call


def _jsonencode(args: list[Any]) -> Any:
    return json_text(args[0]) if len(args) == 1 else Unknown("jsonencode takes one argument")


def _jsondecode(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("jsondecode takes one argument")
    try:
        return json_document(args[0])
    except ValueError as exc:
        return Unknown(f"jsondecode of text that is not JSON ({exc})")


def _format(args: list[Any]) -> Any:
    if not args or not isinstance(args[0], str):
        return args[0] if args and isinstance(args[0], Unknown) else Unknown(
            "the format string of format() is not known statically")
    spec, values = args[0], args[1:]
    pieces: list[Any] = []
    position = 0
    next_arg = 0
    for match in _FORMAT_VERB.finditer(spec):
        pieces.append(spec[position:match.start()])
        position = match.end()
        verb = match.group(5)
        if verb == "%":
            pieces.append("%")
            continue
        index = int(match.group(1)) - 1 if match.group(1) else next_arg
        next_arg = index + 1
        if index >= len(values):
            return Unknown("format() has fewer arguments than verbs")
        pieces.append(_format_one(verb, match.group(2), match.group(3), match.group(4),
                                  values[index]))
    pieces.append(spec[position:])
    return concat(pieces)


def _format_one(verb: str, flags: str, width: str, precision: str | None, value: Any) -> Any:
    if isinstance(value, (Unknown, Partial)):
        return value if verb in ("s", "v") else first_unknown(value)
    if verb in ("s", "v"):
        text = to_text(value) if verb == "s" or not isinstance(value, (Mapping, list)) \
            else json.dumps(value)
    elif verb == "q":
        text = json.dumps(str(to_text(value)))
    elif verb == "d":
        number = to_number(value)
        if isinstance(number, Unknown):
            return number
        text = str(int(number))
    elif verb in ("f", "e", "g"):
        number = to_number(value)
        if isinstance(number, Unknown):
            return number
        text = f"{float(number):.{precision or 6}{verb}}" if verb != "g" else f"{number:g}"
    elif verb == "t":
        text = "true" if value is True else "false" if value is False else str(value)
    elif verb in ("x", "X", "o", "b"):
        number = to_number(value)
        if isinstance(number, Unknown):
            return number
        text = format(int(number), verb)
    else:
        return Unknown(f"format verb %{verb}")
    if not isinstance(text, str):
        return text
    if width:
        text = text.ljust(int(width)) if "-" in flags else text.rjust(
            int(width), "0" if "0" in flags else " ")
    return text


def _join(args: list[Any]) -> Any:
    if len(args) < 2:
        return Unknown("join takes a separator and lists")
    separator, lists = args[0], args[1:]
    if not isinstance(separator, str):
        return first_unknown(separator) or Unknown("the separator of join()")
    pieces: list[Any] = []
    for items in lists:
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Unknown("join() of a value that is not a list")
        for item in items:
            if pieces:
                pieces.append(separator)
            pieces.append(to_text(item))
    return concat(pieces)


def _concat(args: list[Any]) -> Any:
    combined: list[Any] = []
    for items in args:
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Unknown("concat() of a value that is not a list")
        combined.extend(items)
    return combined


def _merge(args: list[Any]) -> Any:
    merged: dict[str, Any] = {}
    for item in args:
        if isinstance(item, Unknown):
            return item
        if item is None:
            continue
        if not isinstance(item, Mapping):
            return Unknown("merge() of a value that is not a map")
        merged.update(item)
    return merged


def _flatten(args: list[Any]) -> Any:
    def flat(items: Any) -> Any:
        if isinstance(items, Unknown):
            raise _Abort(items)
        out: list[Any] = []
        for item in items:
            if isinstance(item, list):
                out.extend(flat(item))
            elif isinstance(item, Unknown) and not isinstance(item, Partial):
                raise _Abort(item)  # it may be a list
            else:
                out.append(item)
        return out
    if len(args) != 1 or not isinstance(args[0], (list, Unknown)):
        return Unknown("flatten() of a value that is not a list")
    try:
        return flat(args[0])
    except _Abort as abort:
        return abort.unknown


class _Abort(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def _list_arg(function: Callable[[list[Any], list[Any]], Any]) -> Function:
    """A function whose first argument is a list that must be known as a list."""
    def call(args: list[Any]) -> Any:
        if not args:
            return Unknown("missing argument")
        if isinstance(args[0], Unknown):
            return args[0]
        if not isinstance(args[0], list):
            return Unknown("a value that is not a list")
        return function(args[0], args[1:])
    return call


def _distinct(items: list[Any], _rest: list[Any]) -> Any:
    if first_unknown(items) is not None:
        return first_unknown(items)
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _compact(items: list[Any], _rest: list[Any]) -> Any:
    if any(isinstance(i, (Unknown, Partial)) for i in items):
        return Unknown("compact() of a list with unknown elements")
    return [i for i in items if i not in ("", None)]


def _toset(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("toset takes one argument")
    items = args[0]
    if isinstance(items, Unknown):
        return items
    if not isinstance(items, list):
        return Unknown("toset() of a value that is not a list")
    if first_unknown(items) is not None:
        return Unknown("a set with unknown elements")
    distinct = _distinct(items, [])
    if all(isinstance(i, str) for i in distinct):
        return sorted(distinct)
    return distinct


def _coalesce(args: list[Any]) -> Any:
    """The first argument that is neither null nor empty. A partly known string with
    known text is not empty, so it is the answer, still partly known; an argument that
    is wholly unknown may be null or empty, so the answer is unknown."""
    for item in args:
        if isinstance(item, Partial) and any(isinstance(p, str) and p for p in item.parts):
            return item
        if isinstance(item, (Unknown, Partial)):
            return first_unknown(item)
        if item not in (None, ""):
            return item
    return Unknown("coalesce() of null or empty arguments")


def _substr(args: list[Any]) -> Any:
    """``substr(string, offset, length)``: offset may count from the end, length -1
    means to the end. A partly known string answers when the slice lies in its known
    prefix."""
    if len(args) != 3:
        return Unknown("substr() takes three arguments")
    text, offset, length = to_text(args[0]), to_number(args[1]), to_number(args[2])
    if not isinstance(offset, int) or not isinstance(length, int):
        return first_unknown([offset, length]) or Unknown("substr() offset or length")
    if isinstance(text, str):
        start = offset if offset >= 0 else max(len(text) + offset, 0)
        return text[start:] if length == -1 else text[start:start + length]
    prefix = text.known_prefix() if isinstance(text, Partial) else ""
    if offset >= 0 and length >= 0 and offset + length <= len(prefix):
        return prefix[offset:offset + length]
    return text if isinstance(text, Unknown) else text.unknowns[0]


def _digest(name: str) -> Function:
    def call(args: list[Any]) -> Any:
        if len(args) != 1:
            return Unknown(f"{name}() takes one argument")
        text = to_text(args[0])
        if not isinstance(text, str):
            return text if isinstance(text, Unknown) else text.unknowns[0]
        return hashlib.new(name, text.encode("utf-8")).hexdigest()
    return call


def _element(items: list[Any], rest: list[Any]) -> Any:
    if len(rest) != 1 or not items:
        return Unknown("element() of an empty list")
    index = to_number(rest[0])
    if isinstance(index, Unknown):
        return index
    return items[int(index) % len(items)]


def _length(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("length takes one argument")
    value = args[0]
    if isinstance(value, (Unknown, Partial)):
        return first_unknown(value)
    if isinstance(value, (str, list, Mapping)):
        return len(value)
    return Unknown("length() of a value that has none")


def _lookup(args: list[Any]) -> Any:
    if len(args) not in (2, 3):
        return Unknown("lookup takes two or three arguments")
    table, key = args[0], args[1]
    if isinstance(table, Unknown):
        return table
    if not isinstance(key, str):
        return first_unknown(key) or Unknown("the key of lookup()")
    if not isinstance(table, Mapping):
        return Unknown("lookup() in a value that is not a map")
    if key in table:
        return table[key]
    return args[2] if len(args) == 3 else Unknown(f"lookup() of a missing key {key!r}")


def _keys(args: list[Any]) -> Any:
    table = args[0] if len(args) == 1 else None
    if isinstance(table, Unknown):
        return table
    if not isinstance(table, Mapping):
        return Unknown("keys() of a value that is not a map")
    return sorted(table)


def _values(args: list[Any]) -> Any:
    table = args[0] if len(args) == 1 else None
    if isinstance(table, Unknown):
        return table
    if not isinstance(table, Mapping):
        return Unknown("values() of a value that is not a map")
    return [table[k] for k in sorted(table)]


def _contains(items: list[Any], rest: list[Any]) -> Any:
    if len(rest) != 1:
        return Unknown("contains takes two arguments")
    if rest[0] in items:
        return True
    if first_unknown(items) is not None or first_unknown(rest[0]) is not None:
        return Unknown("contains() with unknown values")
    return False


def _replace(args: list[Any]) -> Any:
    if len(args) != 3 or not all(isinstance(a, str) for a in args):
        return first_unknown(args) or Unknown("replace() arguments")
    text, old, new = args
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    return text.replace(old, new)


def _split(args: list[Any]) -> Any:
    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        return first_unknown(args) or Unknown("split() arguments")
    separator, text = args
    return text.split(separator) if separator else list(text)


def _trim_affix(prefix: bool) -> Function:
    def call(args: list[Any]) -> Any:
        if len(args) != 2 or not all(isinstance(a, str) for a in args):
            return first_unknown(args) or Unknown("trim arguments")
        text, affix = args
        if prefix:
            return text[len(affix):] if affix and text.startswith(affix) else text
        return text[:-len(affix)] if affix and text.endswith(affix) else text
    return call


def _base64encode(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("base64encode takes one argument")
    text = to_text(args[0])
    if not isinstance(text, str):
        return first_unknown(text)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64decode(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        return first_unknown(args) or Unknown("base64decode argument")
    try:
        return base64.b64decode(args[0], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return Unknown("base64decode() of text that is not base64")


def _cidrsubnet(args: list[Any]) -> Any:
    if len(args) != 3:
        return Unknown("cidrsubnet takes three arguments")
    prefix, newbits, netnum = args[0], to_number(args[1]), to_number(args[2])
    if not isinstance(prefix, str):
        return first_unknown(prefix) or Unknown("the prefix of cidrsubnet()")
    if isinstance(newbits, Unknown):
        return newbits
    if isinstance(netnum, Unknown):
        return netnum
    try:
        network = ipaddress.ip_network(prefix, strict=False)
        length = network.prefixlen + int(newbits)
        size = 2 ** (network.max_prefixlen - length)
        address = int(network.network_address) + int(netnum) * size
        return str(ipaddress.ip_network((address, length)))
    except ValueError as exc:
        return Unknown(f"cidrsubnet(): {exc}")


def _tolist(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("tolist takes one argument")
    if isinstance(args[0], (list, Unknown)):
        return args[0]
    return Unknown("tolist() of a value that is not a list")


def _tomap(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("tomap takes one argument")
    if isinstance(args[0], (Mapping, Unknown)):
        return args[0]
    return Unknown("tomap() of a value that is not a map")


def _tostring(args: list[Any]) -> Any:
    return to_text(args[0]) if len(args) == 1 else Unknown("tostring takes one argument")


def _tonumber(args: list[Any]) -> Any:
    return to_number(args[0]) if len(args) == 1 else Unknown("tonumber takes one argument")


def _tobool(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("tobool takes one argument")
    value = args[0]
    if isinstance(value, (bool, Unknown)):
        return value
    if value in ("true", "false"):
        return value == "true"
    return Unknown("tobool() of a value that is not a bool")


def _try(args: list[Any]) -> Any:
    """The first argument that is not an evaluation error (an unknown value stays
    unknown: Terraform would not skip it)."""
    for item in args:
        if not isinstance(item, EvalError):
            return item
    return EvalError("no argument of try() could be evaluated")


def _can(args: list[Any]) -> Any:
    if len(args) != 1:
        return Unknown("can takes one argument")
    if isinstance(args[0], EvalError):
        return False
    unknown = first_unknown(args[0])
    return unknown if unknown is not None else True


def _slice(items: list[Any], rest: list[Any]) -> Any:
    if len(rest) != 2:
        return Unknown("slice takes a list, a start and an end")
    start, end = to_number(rest[0]), to_number(rest[1])
    if isinstance(start, Unknown):
        return start
    if isinstance(end, Unknown):
        return end
    if not 0 <= int(start) <= int(end) <= len(items):
        return EvalError("slice() indexes out of range")
    return items[int(start):int(end)]


def _one(items: list[Any], _rest: list[Any]) -> Any:
    if len(items) > 1:
        return Unknown("one() of a list with more than one element")
    return items[0] if items else None


def _zipmap(args: list[Any]) -> Any:
    if len(args) != 2 or not all(isinstance(a, list) for a in args):
        return first_unknown(args) or Unknown("zipmap() arguments")
    keys, values = args
    if not all(isinstance(k, str) for k in keys) or len(keys) != len(values):
        return Unknown("zipmap() keys")
    return dict(zip(keys, values, strict=True))


def _sort(items: list[Any], _rest: list[Any]) -> Any:
    if not all(isinstance(i, str) for i in items):
        return first_unknown(items) or Unknown("sort() of values that are not strings")
    return sorted(items)


def _min_max(pick: Callable[..., Any]) -> Function:
    def call(args: list[Any]) -> Any:
        numbers = [to_number(a) for a in args]
        unknown = next((n for n in numbers if isinstance(n, Unknown)), None)
        if unknown is not None or not numbers:
            return unknown or Unknown("min()/max() without arguments")
        return pick(numbers)
    return call


FUNCTIONS: dict[str, Function] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "format": _format,
    "join": _join,
    "concat": _concat,
    "merge": _merge,
    "flatten": _flatten,
    "distinct": _list_arg(_distinct),
    "compact": _list_arg(_compact),
    "toset": _toset,
    "tolist": _tolist,
    "tomap": _tomap,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "coalesce": _coalesce,
    "substr": _substr,
    "md5": _digest("md5"),
    "sha1": _digest("sha1"),
    "sha256": _digest("sha256"),
    "element": _list_arg(_element),
    "length": _length,
    "lookup": _lookup,
    "keys": _keys,
    "values": _values,
    "contains": _list_arg(_contains),
    "replace": _replace,
    "split": _split,
    "trimprefix": _trim_affix(prefix=True),
    "trimsuffix": _trim_affix(prefix=False),
    "lower": _text_function(str.lower),
    "upper": _text_function(str.upper),
    "trimspace": _text_function(str.strip),
    "chomp": _text_function(lambda t: t.rstrip("\r\n")),
    "base64encode": _base64encode,
    "base64decode": _base64decode,
    "cidrsubnet": _cidrsubnet,
    "try": _try,
    "can": _can,
    "slice": _list_arg(_slice),
    "one": _list_arg(_one),
    "zipmap": _zipmap,
    "sort": _list_arg(_sort),
    "min": _min_max(min),
    "max": _min_max(max),
}


def call_function(name: str, args: list[Any]) -> Any:
    """The value of ``name(args...)``, or an Unknown naming what stopped it."""
    function = FUNCTIONS.get(name)
    if function is None:
        return _unknown_function(name)(args)
    try:
        return function(args)
    except (TypeError, ValueError, IndexError, KeyError, OverflowError, RecursionError) as exc:
        return Unknown(f"{name}() could not be evaluated ({type(exc).__name__})")
