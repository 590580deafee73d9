"""HCL string templates: the text of a quoted string or heredoc split into literal text,
``${...}`` interpolations and ``%{if}``/``%{for}`` directives.

The ``hcl2`` grammars leave templates as raw text (a heredoc is one token everywhere, a
quoted string is one token in checkov's bc-python-hcl2), so :mod:`cwlint.terraform.hcl`
hands that text here. This module only finds where each ``${`` and ``%{`` ends (braces
are counted outside nested quoted strings), applies escapes, ``$${``/``%%{`` and ``~``
strip markers, and nests directives; every expression inside is parsed by the ``hcl2``
grammar through the ``expression`` callback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cwlint.terraform.syntax import (
    Expr,
    ForDirective,
    HclError,
    IfDirective,
    Interpolation,
    TemplatePart,
)

#: Parses the text of one expression that starts on the given line.
ExpressionParser = Callable[[str, int], Expr]

_FOR_INTRO = re.compile(r"\s*for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s",
                        re.DOTALL)
_KEYWORD = re.compile(r"\s*([A-Za-z]+)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_HEREDOC_MARKER = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9._-]*)[ \t]*\r?\n")


def parse_template(text: str, line: int, quoted: bool,
                   expression: ExpressionParser) -> tuple[TemplatePart, ...]:
    """The parts of a template whose text (without quotes) starts on ``line``.

    ``quoted``: the text comes from a quoted string, so backslash escapes apply.
    """
    return _nest(_Scanner(text, line, quoted, expression).parts(), line)


def heredoc_text(token: str, line: int) -> tuple[str, int]:
    """The template text of a heredoc token (``<<EOT`` ... ``EOT``), with ``<<-``
    indentation removed, and the line its first content line is on."""
    match = _HEREDOC_MARKER.match(token)
    if match is None:
        raise HclError("expected a heredoc marker such as <<EOT followed by a new line", line)
    indent, marker = match.group(1) == "-", match.group(2)
    lines = token[match.end():].split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or lines[-1].strip() != marker:
        raise HclError(f"the heredoc {marker} is not closed", line)
    lines.pop()  # the closing marker
    if indent:
        widths = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
        cut = min(widths) if widths else 0
        lines = [x[cut:] for x in lines]
    return "".join(x + "\n" for x in lines), line + 1


class _Scanner:
    def __init__(self, text: str, line: int, quoted: bool, expression: ExpressionParser) -> None:
        self.text = text
        self.first_line = line
        self.quoted = quoted
        self.expression = expression
        self.pos = 0

    def line(self, pos: int) -> int:
        return self.first_line + self.text.count("\n", 0, pos)

    def error(self, message: str, pos: int) -> HclError:
        return HclError(message, self.line(pos))

    def parts(self) -> list[Any]:
        """Literal strings and ("strip", before, after, payload) items, in order."""
        parts: list[Any] = []
        buffer: list[str] = []
        text, length = self.text, len(self.text)
        while self.pos < length:
            char = text[self.pos]
            if self.quoted and char == "\\":
                buffer.append(self.escape())
                continue
            if text.startswith(("$${", "%%{"), self.pos):
                buffer.append(text[self.pos + 1:self.pos + 3])
                self.pos += 3
                continue
            if text.startswith(("${", "%{"), self.pos):
                if buffer:
                    parts.append("".join(buffer))
                    buffer.clear()
                parts.append(self.placeholder(directive=char == "%"))
                continue
            buffer.append(char)
            self.pos += 1
        if buffer:
            parts.append("".join(buffer))
        return parts

    def placeholder(self, directive: bool) -> tuple[str, bool, bool, Any]:
        opening = self.pos
        start = self.pos + 2
        end = closing_brace(self.text, start)
        if end is None:
            raise self.error("'${' or '%{' is not closed with '}'", opening)
        inner = self.text[start:end]
        self.pos = end + 1
        strip_before = inner.startswith("~")
        strip_after = inner.endswith("~") and len(inner) > int(strip_before)
        inner = inner[int(strip_before):len(inner) - int(strip_after)]
        line = self.line(start)
        if not directive:
            if not inner.strip():
                raise self.error("an empty interpolation '${}'", opening)
            return ("strip", strip_before, strip_after, Interpolation(self.expression(inner, line)))
        return ("strip", strip_before, strip_after, self.directive(inner, line, opening))

    def directive(self, inner: str, line: int, opening: int) -> tuple[str, Any]:
        intro = _FOR_INTRO.match(inner)
        if intro is not None:
            first, second = intro.group(1), intro.group(2)
            collection = self.expression(inner[intro.end():], line)
            return ("for", (first, second, collection) if second else (None, first, collection))
        keyword = _KEYWORD.match(inner)
        word = keyword.group(1) if keyword else ""
        if word == "if":
            return ("if", self.expression(inner[keyword.end():], line))  # type: ignore[union-attr]
        if word in ("else", "endif", "endfor") and not inner[keyword.end():].strip():  # type: ignore[union-attr]
            return (word, None)
        raise self.error(f"unknown template directive %{{{inner.strip()}}}", opening)

    def escape(self) -> str:
        sequence = self.text[self.pos + 1:self.pos + 2]
        if sequence in _SIMPLE_ESCAPES:
            self.pos += 2
            return _SIMPLE_ESCAPES[sequence]
        if sequence in ("u", "U"):
            width = 4 if sequence == "u" else 8
            digits = self.text[self.pos + 2:self.pos + 2 + width]
            if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                try:
                    value = chr(int(digits, 16))
                except (ValueError, OverflowError):
                    raise self.error(f"invalid escape \\{sequence}{digits}", self.pos) from None
                self.pos += 2 + width
                return value
        raise self.error(f"invalid escape sequence \\{sequence} in a string", self.pos)


def closing_brace(text: str, start: int) -> int | None:
    """Where the ``}`` that closes a ``${``/``%{``/``{`` opened just before ``start`` is.

    Braces inside nested quoted strings (which may hold templates of their own) do not
    count; None when the text ends first.
    """
    depth = 0
    pos, length = start, len(text)
    while pos < length:
        char = text[pos]
        if char == '"':
            pos = string_end(text, pos + 1)
            if pos is None:
                return None
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return None


def string_end(text: str, pos: int) -> int | None:
    """The position after the quote that closes a quoted string whose text starts at
    ``pos`` (interpolations inside it are skipped whole)."""
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char == '"':
            return pos + 1
        if char == "\n":
            return None
        if text.startswith(("${", "%{"), pos) and not text.startswith(("$${", "%%{"), pos - 1):
            end = closing_brace(text, pos + 2)
            if end is None:
                return None
            pos = end + 1
            continue
        pos += 1
    return None


def _nest(flat: list[Any], line: int) -> tuple[TemplatePart, ...]:
    """Apply strip markers, then nest ``if``/``for`` directives into their bodies."""
    items: list[Any] = []
    strip_next = False
    for item in flat:
        if isinstance(item, str):
            items.append(item.lstrip() if strip_next else item)
            strip_next = False
            continue
        _, before, after, payload = item
        if before and items and isinstance(items[-1], str):
            items[-1] = items[-1].rstrip()
        items.append(payload)
        strip_next = after
    position = 0

    def sequence(stop: tuple[str, ...]) -> tuple[list[TemplatePart], str | None]:
        nonlocal position
        out: list[TemplatePart] = []
        while position < len(items):
            item = items[position]
            position += 1
            if isinstance(item, (str, Interpolation)):
                if item != "":
                    out.append(item)
                continue
            kind, payload = item
            if kind in stop:
                return out, kind
            if kind == "if":
                then, ended = sequence(("else", "endif"))
                otherwise: list[TemplatePart] = []
                if ended == "else":
                    otherwise, ended = sequence(("endif",))
                if ended != "endif":
                    raise HclError("%{if} without %{endif}", line)
                out.append(IfDirective(payload, tuple(then), tuple(otherwise)))
            elif kind == "for":
                body, ended = sequence(("endfor",))
                if ended != "endfor":
                    raise HclError("%{for} without %{endfor}", line)
                key_var, value_var, collection = payload
                out.append(ForDirective(key_var, value_var, collection, tuple(body)))
            else:
                raise HclError(f"%{{{kind}}} without a matching opening directive", line)
        return out, None

    parts, _ended = sequence(())
    return tuple(parts)
