"""Where the text to diagnose comes from: the argument, standard input, or a log file.

Log files are read as UTF-8 with undecodable bytes replaced (a log is never rejected for
one bad byte); a gzip-compressed file (rotated logs) is decompressed. At most
:data:`MAX_BYTES` are read: the recognisers need the messages, not the whole history.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from pathlib import Path

from cwlint.errors import UsageError

MAX_BYTES = 64 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def read_file(path: str) -> str:
    """The text of a log file, or UsageError naming the file."""
    file = Path(path)
    try:
        if file.is_dir():
            raise UsageError(f"{path}: is a directory, not a log file")
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith(GZIP_MAGIC):
        try:
            data = gzip.decompress(data)[:MAX_BYTES]
        except (OSError, EOFError, zlib.error) as exc:
            raise UsageError(f"{path}: not a readable gzip file: {exc}") from None
    return data.decode("utf-8", errors="replace")


def read_stdin() -> str:
    """Standard input, as text."""
    data = sys.stdin.buffer.read(MAX_BYTES)
    return data.decode("utf-8", errors="replace")
