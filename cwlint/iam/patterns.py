"""Wildcard patterns and policy variables, as IAM matches them.

Three matching modes, one per place a pattern appears in a policy:

* ``ACTION``: ``Action``/``NotAction``; case-insensitive, ``*`` any run, ``?`` one character.
* ``GLOB``: ``StringLike``/``StringNotLike`` values; case-sensitive, same wildcards.
* ``ARN``: ``Resource``/``NotResource`` and the ``Arn*`` operators; case-sensitive,
  ``*`` and ``?`` stay inside one colon-separated segment, except that a ``*`` that ends a
  segment (followed by ``:`` or the end of the pattern) also matches beyond the colons that
  follow. So ``log-group:/myapp/*`` matches ``log-group:/myapp/orders:log-stream:s1`` while
  ``log-group:/my*/orders`` matches ``log-group:/myapp/orders`` but no stream in it.

Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, and the
escapes ``${*}``, ``${?}``, ``${$}``) are honoured only when the policy says
``Version: 2012-10-17``; a variable whose key is absent from the request (and has no
default), or is multi-valued, makes that pattern match nothing, as AWS does.

Patterns and values may contain :class:`~cwlint.values.Unknown` pieces. Matching is then
three-valued: :data:`Tri.MAYBE` whenever the unknown text could change the answer. An
unknown that occurs on both sides (the same unresolved log group name in the policy and in
the request) is treated as one and the same text.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache

import msgspec

from cwlint.iam.tri import Tri
from cwlint.values import Partial, StrValue, Unknown


class Mode(enum.Enum):
    ACTION = "action"
    GLOB = "glob"
    ARN = "arn"


class Wild(enum.Enum):
    STAR = "*"
    QMARK = "?"


class Var(msgspec.Struct, frozen=True):
    """A policy variable ``${key}`` or ``${key, 'default'}``; ``key`` is lower-cased."""

    key: str
    default: str | None


Token = str | Wild | Var | Unknown
Tokens = tuple[Token, ...]
ContextValue = list[str | Unknown] | Unknown
Context = dict[str, ContextValue]

_VAR = re.compile(r"\$\{\s*([^,}\s]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def tokenize(value: StrValue, *, variables: bool, wildcards: bool = True) -> Tokens:
    """Split a pattern into literal text, wildcards, variables and unknown pieces."""
    if isinstance(value, str):
        return _tokenize_string(value, variables, wildcards)
    pieces = value.parts if isinstance(value, Partial) else (value,)
    tokens: list[Token] = []
    for piece in pieces:
        if isinstance(piece, Unknown):
            tokens.append(piece)
        else:  # the known pieces of partly known values repeat too: cached
            tokens.extend(_tokenize_string(piece, variables, wildcards))
    return _merge_literals(tokens)


@lru_cache(maxsize=65536)
def _tokenize_string(text: str, variables: bool, wildcards: bool) -> Tokens:
    if not any(c in text for c in "*?$"):
        return (text,) if text else ()
    return _merge_literals(_tokenize_text(text, variables=variables, wildcards=wildcards))


def _tokenize_text(text: str, *, variables: bool, wildcards: bool) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    literal: list[str] = []
    while i < len(text):
        char = text[i]
        if variables and text.startswith("${", i):
            match = _VAR.match(text, i)
            if match:
                key, default = match.group(1), match.group(2)
                if key in _ESCAPES and default is None:
                    literal.append(_ESCAPES[key])
                else:
                    if literal:
                        tokens.append("".join(literal))
                        literal = []
                    unquoted = None if default is None else default.replace("''", "'")
                    tokens.append(Var(key.lower(), unquoted))
                i = match.end()
                continue
        if wildcards and char in "*?":
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(Wild.STAR if char == "*" else Wild.QMARK)
        else:
            literal.append(char)
        i += 1
    if literal:
        tokens.append("".join(literal))
    return tokens


def _merge_literals(tokens: list[Token]) -> Tokens:
    """Join adjacent literals and collapse runs of ``*`` (``**`` means ``*``), which also
    keeps the compiled regular expressions free of stacked ``.*`` that backtrack badly."""
    merged: list[Token] = []
    for token in tokens:
        if isinstance(token, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + token
        elif token is Wild.STAR and merged and merged[-1] is Wild.STAR:
            continue
        elif token != "":
            merged.append(token)
    return tuple(merged)


def substitute(tokens: Tokens, context: Context) -> Tokens | None:
    """Replace policy variables by request values; None when one cannot be resolved.

    A resolved variable is literal text: its ``*`` and ``?`` are not wildcards. A context
    value that is itself unknown becomes an unknown piece.
    """
    if not any(isinstance(t, Var) for t in tokens):
        return tokens
    out: list[Token] = []
    for token in tokens:
        if not isinstance(token, Var):
            out.append(token)
            continue
        found = context.get(token.key)
        if isinstance(found, Unknown):
            out.append(found)
        elif found is not None and len(found) == 1:
            out.append(found[0])
        elif token.default is not None:
            out.append(token.default)
        else:
            return None
    return _merge_literals(out)


def value_pieces(value: StrValue) -> tuple[str | Unknown, ...]:
    """A request value as literal text and unknown pieces."""
    if isinstance(value, Partial):
        return value.parts
    return (value,)


def match(pattern: Tokens, value: StrValue, mode: Mode) -> Tri:
    """Does ``pattern`` (already substituted) match ``value``?"""
    if isinstance(value, str):
        return _match_text(pattern, value, mode)
    pieces = value_pieces(value)
    shared = {p for p in pieces if isinstance(p, Unknown)} & {
        t for t in pattern if isinstance(t, Unknown)
    }
    names = {u: f"\ue000{n}\ue001" for n, u in enumerate(sorted(shared, key=str))}
    pattern = tuple(names.get(t, t) if isinstance(t, Unknown) else t for t in pattern)
    pieces = tuple(names.get(p, p) if isinstance(p, Unknown) else p for p in pieces)
    pattern = _merge_literals(list(pattern))

    if all(isinstance(p, str) for p in pieces):
        text = "".join(pieces)  # type: ignore[arg-type]
        if not any(isinstance(t, Unknown) for t in pattern):
            return Tri.of(_compiled(pattern, mode).fullmatch(text) is not None)
        return Tri.MAYBE if _compiled(pattern, mode).fullmatch(text) else Tri.NO
    return _match_unknown_value(pattern, pieces, mode)


@lru_cache(maxsize=262144)
def _match_text(pattern: Tokens, value: str, mode: Mode) -> Tri:
    """The common case: a known request value (cached; policies repeat their patterns)."""
    if not any(isinstance(t, Unknown) for t in pattern):
        if len(pattern) == 1 and isinstance(pattern[0], str):
            literal = pattern[0]
            if mode is Mode.ACTION:
                return Tri.of(literal.lower() == value.lower())
            return Tri.of(literal == value)
        if len(pattern) == 2 and pattern[1] is Wild.STAR and isinstance(pattern[0], str) \
                and mode is not Mode.ACTION:
            # ``text*``, what most resource ARNs of policies are: a final star matches any
            # rest, in every mode, so this is the regular expression's answer without
            # compiling one for each ARN prefix (case-insensitive actions aside)
            return Tri.of(value.startswith(pattern[0]))
        return Tri.of(_compiled(pattern, mode).fullmatch(value) is not None)
    return Tri.MAYBE if _compiled(pattern, mode).fullmatch(value) else Tri.NO


def _match_unknown_value(pattern: Tokens, pieces: tuple[str | Unknown, ...], mode: Mode) -> Tri:
    if all(t is Wild.STAR for t in pattern):
        return Tri.YES
    prefix = pieces[0] if isinstance(pieces[0], str) else ""
    suffix = pieces[-1] if isinstance(pieces[-1], str) else ""
    fold = mode is Mode.ACTION
    if fold:
        prefix, suffix = prefix.lower(), suffix.lower()
    head = pattern[0] if pattern and isinstance(pattern[0], str) else ""
    tail = pattern[-1] if pattern and isinstance(pattern[-1], str) else ""
    if fold:
        head, tail = head.lower(), tail.lower()
    if not (head.startswith(prefix) or prefix.startswith(head)):
        return Tri.NO
    if not (tail.endswith(suffix) or suffix.endswith(tail)):
        return Tri.NO
    if mode is Mode.ARN and _too_many_segments(pattern, pieces):
        return Tri.NO
    # A final, spanning star absorbs whatever follows a matched known prefix.
    spanning_tail = pattern[-1] is Wild.STAR and not any(isinstance(t, Unknown) for t in pattern)
    if spanning_tail and _compiled(pattern[:-1], mode).match(prefix):
        return Tri.YES
    if _absorbs_unknowns(pattern, pieces, mode):
        return Tri.YES
    return Tri.MAYBE


#: Stands for an unknown piece of a value; no literal, ``?`` or in-segment ``*`` matches it.
_HOLE = "\ue002"


def _absorbs_unknowns(pattern: Tokens, pieces: tuple[str | Unknown, ...], mode: Mode) -> bool:
    """Does the pattern match the value whatever its unknown pieces are? True when it
    matches with every unknown piece taken by a ``*`` that may span anything: that star
    takes any text in its place, the rest of the match unchanged. (``/aws/lambda/*-orders:*``
    matches ``/aws/lambda/<unknown>-orders:log-stream:<unknown>``.)"""
    if mode is Mode.ACTION or any(isinstance(t, (Unknown, Var)) for t in pattern):
        return False
    text = "".join(_HOLE if isinstance(p, Unknown) else p for p in pieces)
    parts: list[str] = []
    for index, token in enumerate(pattern):
        if isinstance(token, str):
            parts.append(re.escape(token))
        elif token is Wild.QMARK:
            parts.append(f"[^:{_HOLE}]" if mode is Mode.ARN else f"[^{_HOLE}]")
        elif mode is Mode.ARN and not _ends_segment(pattern, index):
            parts.append(f"[^:{_HOLE}]*")
        else:
            parts.append(".*")
    return re.fullmatch("".join(parts), text, re.DOTALL) is not None


def _too_many_segments(pattern: Tokens, pieces: tuple[str | Unknown, ...]) -> bool:
    """Can the value never match because its known text alone has more colons than any
    ARN the pattern matches? A pattern with no unknown piece and no segment-ending ``*``
    matches ARNs with exactly as many colons as its own text: ``log-group:/app`` never
    matches ``log-group:/app:log-stream:<unknown>``, whatever the unknown stream name."""
    if any(isinstance(t, (Unknown, Var)) for t in pattern):
        return False
    if any(t is Wild.STAR and _ends_segment(pattern, i) for i, t in enumerate(pattern)):
        return False
    colons = sum(t.count(":") for t in pattern if isinstance(t, str))
    known = sum(p.count(":") for p in pieces if isinstance(p, str))
    return known > colons


@lru_cache(maxsize=65536)
def _compiled(pattern: Tokens, mode: Mode) -> re.Pattern[str]:
    parts: list[str] = []
    for index, token in enumerate(pattern):
        if isinstance(token, str):
            parts.append(re.escape(token))
        elif isinstance(token, Unknown):
            parts.append(".*")
        elif token is Wild.QMARK:
            parts.append("[^:]" if mode is Mode.ARN else ".")
        elif mode is Mode.ARN and not _ends_segment(pattern, index):
            parts.append("[^:]*")
        else:
            parts.append(".*")
    flags = re.DOTALL | (re.IGNORECASE if mode is Mode.ACTION else 0)
    return re.compile("".join(parts), flags)


def _ends_segment(pattern: Tokens, index: int) -> bool:
    if index + 1 >= len(pattern):
        return True
    following = pattern[index + 1]
    return isinstance(following, str) and following.startswith(":")


def match_arn_components(pattern: Tokens, value: StrValue) -> Tri:
    """The ``Arn*`` condition operators: "each of the six colon-delimited components of
    the ARN is checked separately", each with ``*`` and ``?`` (the sixth, the resource,
    keeps its own colons). A ``*`` or ``?`` never crosses into another component."""
    if is_match_all(pattern):
        return Tri.YES
    if not isinstance(value, str) or any(isinstance(t, Unknown) for t in pattern):
        return Tri.MAYBE
    wanted = _split_components(pattern)
    actual = value.split(":", 5)
    if len(wanted) != 6 or len(actual) != 6:
        return Tri.NO
    return Tri.of(all(_compiled(w, Mode.GLOB).fullmatch(a) is not None
                      for w, a in zip(wanted, actual, strict=True)))


def _split_components(pattern: Tokens) -> list[Tokens]:
    components: list[list[Token]] = [[]]
    for token in pattern:
        if not isinstance(token, str) or len(components) == 6:
            components[-1].append(token)
            continue
        pieces = token.split(":", 6 - len(components))
        components[-1].append(pieces[0])
        for piece in pieces[1:]:
            components.append([piece])
    return [_merge_literals(c) for c in components]


def is_match_all(pattern: Tokens) -> bool:
    """True for ``*`` (and ``**``...), which matches every value."""
    return bool(pattern) and all(t is Wild.STAR for t in pattern)


def literal_text(tokens: Tokens) -> str | None:
    """The exact text of a pattern with no wildcard, variable or unknown, else None."""
    if len(tokens) == 0:
        return ""
    if len(tokens) == 1 and isinstance(tokens[0], str):
        return tokens[0]
    return None
