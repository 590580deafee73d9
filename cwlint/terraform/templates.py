"""HCL string templates: literal text, ``${...}`` interpolations and ``%{if}``/``%{for}``
directives put together, and the plain check of strings and heredocs that are never closed.

:mod:`cwlint.terraform.hcl` reads each interpolation and directive marker from the
syntax tree and hands them here in source order, with the literal text between them:
:func:`nest` applies the ``~`` strip markers and nests directives into their bodies.
:func:`check_strings` runs only on text the grammar rejected, to say in plain words that
a quoted string or a heredoc is not closed (and where it starts).
"""

from __future__ import annotations

import re
from typing import Any

from cwlint.terraform.syntax import (
    ForDirective,
    HclError,
    IfDirective,
    Interpolation,
    TemplatePart,
)

_STRING_OR_COMMENT = re.compile(r'["#/<]')
_HEREDOC_START = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9._-]*)[ \t]*\r?\n")


def check_strings(text: str, line_offset: int = 0) -> None:
    """Raise :class:`HclError` for a quoted string that is not closed on its line or a
    heredoc that is never closed. Comments are skipped; the scan is linear."""
    pos, length = 0, len(text)
    while pos < length:
        found = _STRING_OR_COMMENT.search(text, pos)
        if found is None:
            return
        pos = found.start()
        char = text[pos]
        if char == "#" or text.startswith("//", pos):
            end = text.find("\n", pos)
            pos = length if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            pos = length if end < 0 else end + 2
        elif text.startswith("<<", pos) and (match := _HEREDOC_START.match(text, pos)):
            closing = re.compile(rf"^[ \t]*{re.escape(match.group(1))}[ \t]*\r?$", re.MULTILINE)
            end = closing.search(text, match.end())
            if end is None:
                raise HclError(f"the heredoc {match.group(1)} is not closed",
                               text.count("\n", 0, pos) + 1 + line_offset)
            pos = end.end()
        elif char == '"':
            end_of_string = string_end(text, pos + 1)
            if end_of_string is None:
                raise HclError("unterminated string: a quoted string must close on its line",
                               text.count("\n", 0, pos) + 1 + line_offset)
            pos = end_of_string
        else:
            pos += 1


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


def nest(flat: list[Any], line: int) -> tuple[TemplatePart, ...]:
    """Apply strip markers, then nest ``if``/``for`` directives into their bodies.

    ``flat`` holds literal strings and ``("strip", before, after, payload)`` items, where
    ``payload`` is an :class:`Interpolation`, ``("if", condition)``, ``("for", (key, value,
    collection))``, or ``("else" | "endif" | "endfor", None)``.
    """
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
