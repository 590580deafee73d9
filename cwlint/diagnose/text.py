"""Turn pasted text or a log file into one logical line that the recognisers can read.

Error messages reach an engineer wrapped: the CloudWatch console and terminals break
Lambda log lines at a fixed width, stack traces indent continuation lines, Node.js
Lambda logs print the error as escaped JSON. :func:`logical_text` undoes that:

* ANSI colour codes go, ``\\r\\n`` becomes ``\\n``;
* JSON string escapes (``\\n``, ``\\t``, ``\\"``) are unescaped, so a message embedded
  in ``{"errorMessage": "..."}`` reads like any other;
* lines are stripped and joined with one space, except where a line ends inside an
  ARN: then the next line continues the ARN and is joined with no space. A line ends
  inside an ARN when its last word starts with ``arn:`` and either ends with a
  separator (``:``, ``/``, ``-``, ``_``), or has fewer than the six colon-separated
  fields of an ARN, or is an ``assumed-role`` ARN without its session part.

A wrap in the middle of a word that is not an ARN (``autho`` / ``rized``) is not
repaired: nothing distinguishes it from two words.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_ESCAPE = re.compile(r'\\[nrt"]')
_ESCAPES = {"\\n": "\n", "\\r": "\n", "\\t": "\t", '\\"': '"'}
_LAST_WORD = re.compile(r"(\S+)$")
_OPENERS = "\"'([{<`"
_SEPARATORS = (":", "/", "-", "_")
ARN_FIELDS = 6
# What follows a complete message on the next line. CreateLogGroup's request ARN ends with
# an empty stream (``...:log-stream:``), which looks like an ARN cut at a separator.
_AFTER_MESSAGE = ("status code", "because no", "with an explicit", "(Service:", "at ",
                  "Status Code", "│", "with aws_", "on ")


def logical_text(raw: str) -> str:
    """``raw`` with escapes undone and wrapped lines joined into one line.

    Linear in the size of the text: only the last word is carried from line to line.
    """
    text = _ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)
    pieces: list[str] = []
    last_word = ""
    for line in text.split("\n"):
        piece = line.strip()
        if not piece:
            continue
        glued = bool(pieces) and ends_inside_arn(last_word) and not (
            last_word.endswith(":log-stream:") and piece.startswith(_AFTER_MESSAGE))
        if pieces and not glued:
            pieces.append(" ")
        pieces.append(piece)
        tail = piece.rsplit(None, 1)[-1]
        last_word = last_word + tail if glued and tail == piece else tail
    return "".join(pieces)


def ends_inside_arn(text: str) -> bool:
    """Whether ``text`` ends with an ARN that is not finished (see the module docstring)."""
    match = _LAST_WORD.search(text)
    if match is None:
        return False
    word = match.group(1).lstrip(_OPENERS)
    if not word.startswith("arn:"):
        return False
    if word.endswith(_SEPARATORS):
        return True
    fields = word.split(":", ARN_FIELDS - 1)
    if len(fields) < ARN_FIELDS:
        return True
    resource = fields[-1]
    return resource.startswith("assumed-role/") and resource.count("/") < 2
